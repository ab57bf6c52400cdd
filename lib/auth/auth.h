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
	char	token[TIX_TOKEN_LEN + 1];	/* for the cookie */
	char	csrf[TIX_TOKEN_LEN + 1];
};

/*
 * Check email and password and open a session: r->who is filled and
 * out holds the new session's cookie value and CSRF token.  TIX_ECREDS
 * for a wrong address or password or a disabled user, alike in answer
 * and in time; TIX_ERATE after too many failures for this address within
 * the window (even with the right password).
 */
enum tix_err	tix_auth_login(struct tix_req *r, const char *email,
		    const char *password, size_t password_len,
		    struct tix_login *out);

/* End r's session (nothing to do with a bearer token). */
enum tix_err	tix_auth_logout(struct tix_req *r);

#endif
