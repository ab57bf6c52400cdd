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
	/* The user has 2FA: no session yet; challenge is for
	 * tix_auth_login_2fa(). */
	bool	 two_factor_required;
	char	 challenge[TIX_TOKEN_LEN + 1];
	/* Whose challenge it was (tix_auth_login_2fa, once the challenge
	 * is found; NULL before), in the arena: for the audit. */
	const char *email;
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
/* The same for another kind of attempt, counted apart ("reset":
 * password reset requests, which no success takes back). */
/* The same, its transaction left open for the caller's writes (one
 * commit for both), on TIX_OK and TIX_ERATE alike. */
enum tix_err	tix_auth_throttle_claim_open(struct tix_req *r,
		    const char *email, const char *kind,
		    struct tix_throttle *t);
enum tix_err	tix_auth_throttle_claim_kind(struct tix_req *r,
		    const char *email, const char *kind,
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
 * right password; out->retry_after then says how long to wait.  For a
 * user with 2FA, the right password opens no session: out gets
 * two_factor_required and a challenge instead.  A staff member without
 * 2FA under TIX_REQUIRE_2FA_FOR_STAFF gets a setup_only session.
 */
enum tix_err	tix_auth_login(struct tix_req *r, const char *email,
		    const char *password, size_t password_len,
		    struct tix_login *out);

/*
 * A new session for user_id (within the caller's transaction): out gets
 * its cookie value and CSRF token, r->who its principal.  two_factor:
 * it passed a second factor; setup_only: it may only set 2FA up.
 */
enum tix_err	tix_auth_open_session(struct tix_req *r, const char *user_id,
		    bool two_factor, bool setup_only, struct tix_login *out);

/* Whether a setup_only session may use the route at path. */
bool		tix_auth_setup_allows(const char *path);
/* TIX_EFORBIDDEN, with the contract's message, when r's session may only
 * set 2FA up (TIX_REQUIRE_2FA_FOR_STAFF) and r's route is not one of
 * those (tix_auth_setup_allows); TIX_OK otherwise.  After
 * tix_auth_resolve(), on every route that resolves the caller. */
enum tix_err	tix_auth_check_setup(struct tix_req *r);

/*
 * Two-factor login (auth/twofactor.c).
 *
 * tix_auth_challenge_new: a login challenge for user_id (5 minutes, 5
 * wrong codes), its token into out.
 *
 * tix_auth_login_2fa: the code (TOTP or an unused recovery code) for a
 * challenge; success opens a session as tix_auth_login() does.
 * TIX_ECREDS for an unknown, expired or spent challenge or a wrong code
 * (which counts against the challenge and, as a failed login, against
 * the client address); TIX_ERATE with out->retry_after.
 *
 * setup: a new pending secret (TIX_ETRANSITION when 2FA is on) in base32
 * and its otpauth:// URI, both in the arena.  qr: the URI of the pending
 * secret as an SVG QR code (TIX_ENOTFOUND without one).  enable: code
 * proves the pending secret (TIX_EINVAL naming code otherwise;
 * TIX_ETRANSITION when there is none or 2FA is on); ten recovery codes
 * into codes, in the arena; r's session counts as having passed 2FA.
 * disable: the password and a code or recovery code (TIX_EINVAL naming
 * the wrong ones; TIX_ETRANSITION when 2FA is off).  Wrong codes and
 * passwords count as failed logins (TIX_ERATE, *retry_after).
 */
#define TIX_RECOVERY_CODES	10
enum tix_err	tix_auth_challenge_new(struct tix_req *r, const char *user_id,
		    char out[TIX_TOKEN_LEN + 1]);
enum tix_err	tix_auth_login_2fa(struct tix_req *r, const char *challenge,
		    const char *code, struct tix_login *out);
enum tix_err	tix_auth_2fa_setup(struct tix_req *r, const char **secret,
		    const char **uri);
enum tix_err	tix_auth_2fa_qr(struct tix_req *r, struct tix_buf *svg);
enum tix_err	tix_auth_2fa_enable(struct tix_req *r, const char *code,
		    const char *codes[TIX_RECOVERY_CODES],
		    int64_t *retry_after);
enum tix_err	tix_auth_2fa_disable(struct tix_req *r, const char *password,
		    const char *code, int64_t *retry_after);

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

/*
 * Password reset by e-mail (auth/account.c).
 *
 * request: for a known, enabled user with this address, a single-use
 * token valid for an hour and a mail with its link (through the outbox);
 * for any other address nothing, alike in answer.  Requests count per
 * client address like logins (TIX_ERATE, *retry_after).
 *
 * confirm: the token's user gets new_pw; every session of theirs ends
 * (2FA stays as it was).  TIX_EINVAL naming token (unknown, used,
 * expired) and/or new_password (the policy).
 */
enum tix_err	tix_auth_reset_request(struct tix_req *r, const char *email,
		    int64_t *retry_after);
enum tix_err	tix_auth_reset_confirm(struct tix_req *r, const char *token,
		    const char *new_pw, int64_t *user_id);

/*
 * One row of the audit trail (security_events): kind (see
 * sql/012_security_events.sql) ended as rc says (TIX_OK: success;
 * TIX_ERATE: rate_limited; wrong credentials, codes or tokens: failure;
 * other errors are not recorded), for user_id (0: the user the e-mail
 * address names, if any), from r's client address and user agent.  Call
 * it outside any transaction (the row must outlive a rollback); errors
 * are logged, never returned.
 */
void		tix_auth_audit(struct tix_req *r, int64_t user_id,
		    const char *email, const char *kind, enum tix_err rc);
/* The User-Agent header as sessions keep it (printable, at most 512). */
const char	*tix_auth_user_agent(struct tix_req *r);

/* End r's session (nothing to do with a bearer token). */
enum tix_err	tix_auth_logout(struct tix_req *r);

#endif
