/*
 * auth.h: sessions, API tokens, login throttling and CSRF.
 *
 * A request is authenticated by "Authorization: Bearer <token>" (via
 * "api", no CSRF needed) or else by the tix_session cookie (via
 * "portal", and every state change must carry X-CSRF-Token equal to the
 * session's token).  Sessions end after TIX_SESSION_IDLE_MINUTES without
 * use, at logout, and when the user is disabled.
 */
#ifndef TIX_AUTH_AUTH_H
#define TIX_AUTH_AUTH_H

#include "crypto/crypto.h"
#include "http/req.h"

#define TIX_SESSION_COOKIE "tix_session"
/* The name over HTTPS: browsers take a __Host- cookie only when it is
 * Secure, for Path=/ and without Domain, so no subdomain can set it. */
#define TIX_SESSION_COOKIE_TLS "__Host-tix_session"
/* Bytes of User-Agent kept with a session. */
#define TIX_MAX_USER_AGENT 512

/* The session cookie's name for this request (by HTTPS). */
const char	*tix_auth_cookie_name(const struct tix_req *r);

/*
 * Fill r->who from the request's token or cookie.  TIX_EAUTH when there is
 * none or it is unknown, expired or revoked; TIX_EUNAVAIL and friends
 * from the database.
 */
enum tix_err	tix_auth_resolve(struct tix_req *r);

/* TIX_ECSRF unless r is a bearer request, or its X-CSRF-Token header
 * equals the session's token (compared in constant time). */
enum tix_err	tix_auth_check_csrf(const struct tix_req *r);

struct tix_login {
	char	 token[TIX_TOKEN_LEN + 1];	/* for the cookie */
	char	 csrf[TIX_TOKEN_LEN + 1];
	int64_t	 retry_after;	/* seconds, with TIX_ERATE */
};

/*
 * The client's address, in the arena: REMOTE_ADDR, or the client that
 * X-Forwarded-For names when REMOTE_ADDR is in TIX_TRUSTED_PROXIES
 * (nginx passes that header as TIX_FORWARDED_FOR).  "unknown" without
 * either.
 */
const char	*tix_auth_client_addr(struct tix_req *r);

/*
 * Login throttling, shared by every route that checks a password or a
 * code for an e-mail address.  A claim counts as one failure of
 * (client address, email) until tix_auth_throttle_clear() takes it back
 * after a success.  Claims are made one at a time per client address (a
 * transaction lock), so parallel tries never pass the limits
 * (TIX_LOGIN_MAX_PER_EMAIL, TIX_LOGIN_MAX_PER_ADDRESS within
 * TIX_LOGIN_WINDOW_MINUTES).  TIX_ERATE at a limit, with the seconds to
 * wait in t->retry_after.
 */
struct tix_throttle {
	int64_t	claim;		/* the failure row of this attempt */
	int64_t	retry_after;
};
enum tix_err	tix_auth_throttle_claim(struct tix_req *r, const char *email,
		    struct tix_throttle *t);
/* A success: the claim and the pair's earlier failures go. */
enum tix_err	tix_auth_throttle_clear(struct tix_req *r, const char *email,
		    const struct tix_throttle *t);

/*
 * Check email and password and open a session: r->who is filled and
 * out holds the new session's cookie value and CSRF token.  TIX_ECREDS
 * for a wrong address or password or a disabled user, alike in answer
 * and in time; TIX_ERATE after too many failures from this client
 * address (for this e-mail, or for all) within the window, even with the
 * right password; out->retry_after then says how long to wait.
 */
enum tix_err	tix_auth_login(struct tix_req *r, const char *email,
		    const char *password, size_t password_len,
		    struct tix_login *out);

/*
 * Change the password of r's user from current to new_pw; every other
 * session of the user ends (API tokens stay).  TIX_EINVAL with the
 * field errors recorded on r: new_password breaks the policy
 * (auth/policy.h), current_password is wrong.  A wrong current password
 * counts as a failed login of the user's address (TIX_ERATE, with the
 * seconds in *retry_after, at the limit).
 */
enum tix_err	tix_auth_password_change(struct tix_req *r,
		    const char *current, const char *new_pw,
		    int64_t *retry_after);

/* End r's session (nothing to do with a bearer token). */
enum tix_err	tix_auth_logout(struct tix_req *r);

#endif
