/*
 * session.c: who is asking, logging in and out.
 *
 * Tokens are looked up by their SHA-256, so the comparison that matters
 * is an index lookup on a hash the client cannot steer; the CSRF token is
 * compared in constant time.
 */
#include <string.h>

#include "auth/auth.h"
#include "core/addr.h"
#include "core/config.h"
#include "core/limits.h"
#include "core/str.h"
#include "db/db.h"

/* Longest token we bother hashing: ours are 43 characters. */
#define MAX_TOKEN_INPUT 256

/* Fill p from the eight principal columns starting at column c. */
static void
read_principal(const struct tix_rows *rs, size_t c, struct tix_principal *p)
{
	p->user_id = tix_rows_int(rs, 0, c);
	p->email = tix_rows_get(rs, 0, c + 1);
	p->name = tix_rows_get(rs, 0, c + 2);
	if (!tix_role_parse(tix_rows_get(rs, 0, c + 3), &p->role))
		p->role = TIX_ROLE_CUSTOMER;
	p->account_id = tix_rows_int(rs, 0, c + 4);
	p->account_name = tix_rows_get(rs, 0, c + 5);
	p->timezone = tix_rows_get(rs, 0, c + 6);
	p->two_factor = tix_rows_bool(rs, 0, c + 7);
}

static enum tix_err
resolve_token(struct tix_req *r, const char *token)
{
	char		 hash[TIX_HASH_HEX_LEN + 1];
	const char	*p[1] = { hash };
	const char	*id;
	struct tix_rows	 rs;
	enum tix_err	 rc;
	size_t		 n = strnlen(token, MAX_TOKEN_INPUT + 1);

	if (n == 0 || n > MAX_TOKEN_INPUT)
		return TIX_EAUTH;
	tix_hash_hex(token, n, hash);
	rc = tix_db_run(r->db, r->arena, TIX_STMT_TOKEN_LOOKUP, p, 1, &rs);
	if (rc != TIX_OK)
		return rc;
	if (rs.nrows != 1)
		return TIX_EAUTH;
	read_principal(&rs, 2, &r->who);
	r->who.via = TIX_VIA_API;
	/* last_used_at to the minute: a write a minute, not a request. */
	if (tix_rows_bool(&rs, 0, 1)) {
		id = tix_rows_get(&rs, 0, 0);
		rc = tix_db_run(r->db, r->arena, TIX_STMT_TOKEN_TOUCH, &id, 1,
		    NULL);
		if (rc != TIX_OK)
			return rc;
	}
	r->authed = true;
	return TIX_OK;
}

static enum tix_err
resolve_session(struct tix_req *r, const struct tix_str *cookie)
{
	char		 hash[TIX_HASH_HEX_LEN + 1];
	const char	*p[2];
	const char	*id;
	struct tix_rows	 rs;
	enum tix_err	 rc;

	if (cookie->n == 0 || cookie->n > MAX_TOKEN_INPUT)
		return TIX_EAUTH;
	tix_hash_hex(cookie->p, cookie->n, hash);
	p[0] = hash;
	p[1] = tix_db_i64(r->arena, r->cfg->session_idle_minutes);
	rc = tix_db_run(r->db, r->arena, TIX_STMT_SESSION_LOOKUP, p, 2, &rs);
	if (rc != TIX_OK)
		return rc;
	if (rs.nrows != 1)
		return TIX_EAUTH;
	read_principal(&rs, 3, &r->who);
	r->who.session_two_factor = tix_rows_bool(&rs, 0, 11);
	r->who.setup_only = tix_rows_bool(&rs, 0, 12);
	r->who.via = TIX_VIA_PORTAL;
	r->who.session_id = tix_rows_int(&rs, 0, 0);
	r->who.csrf_token = tix_rows_get(&rs, 0, 1);
	if (tix_rows_bool(&rs, 0, 2)) {
		id = tix_rows_get(&rs, 0, 0);
		rc = tix_db_run(r->db, r->arena, TIX_STMT_SESSION_TOUCH, &id,
		    1, NULL);
		if (rc != TIX_OK)
			return rc;
	}
	r->authed = true;
	return TIX_OK;
}

enum tix_err
tix_auth_resolve(struct tix_req *r)
{
	static const char	 bearer[] = "Bearer ";
	const char		*authz, *cookies;
	struct tix_str		 cookie;
	enum tix_err		 rc;

	r->authed = false;
	memset(&r->who, 0, sizeof(r->who));
	authz = tix_req_param(r, "HTTP_AUTHORIZATION");
	if (authz != NULL) {
		if (strncmp(authz, bearer, sizeof(bearer) - 1) != 0)
			return TIX_EAUTH;
		return resolve_token(r, authz + sizeof(bearer) - 1);
	}
	cookies = tix_req_param(r, "HTTP_COOKIE");
	rc = tix_cookie_get(cookies, tix_auth_cookie_name(r), &cookie);
	if (rc == TIX_ENOTFOUND || rc == TIX_EBADREQ)
		return TIX_EAUTH;
	if (rc != TIX_OK)
		return rc;
	return resolve_session(r, &cookie);
}

enum tix_err
tix_auth_check_csrf(const struct tix_req *r)
{
	const char	*sent;
	size_t		 n;

	if (r->who.via == TIX_VIA_API)
		return TIX_OK;
	sent = tix_req_param(r, "HTTP_X_CSRF_TOKEN");
	if (sent == NULL || r->who.csrf_token == NULL)
		return TIX_ECSRF;
	n = strlen(r->who.csrf_token);
	if (strnlen(sent, n + 1) != n ||
	    !tix_mem_equal(sent, r->who.csrf_token, n))
		return TIX_ECSRF;
	return TIX_OK;
}

bool
tix_auth_setup_allows(const char *path)
{
	static const char *const allowed[] = {
		"/api/auth/me", "/api/me", "/api/auth/logout",
		"/api/me/2fa/setup", "/api/me/2fa/qr", "/api/me/2fa/enable",
	};
	size_t i;

	for (i = 0; path != NULL && i < sizeof(allowed) / sizeof(*allowed);
	    i++)
		if (strcmp(path, allowed[i]) == 0)
			return true;
	return false;
}

enum tix_err
tix_auth_check_setup(struct tix_req *r)
{
	if (!r->who.setup_only || tix_auth_setup_allows(r->path))
		return TIX_OK;
	return tix_req_fail(r, TIX_EFORBIDDEN, "Set up two-factor login "
	    "first (Settings, Security).");
}

const char *
tix_auth_cookie_name(const struct tix_req *r)
{
	const char *https = tix_req_param(r, "HTTPS");

	return https != NULL && https[0] != '\0' ? TIX_SESSION_COOKIE_TLS :
	    TIX_SESSION_COOKIE;
}

/* The User-Agent header for the sessions list: printable ASCII, other
 * bytes as '?', at most TIX_MAX_USER_AGENT bytes. */
const char *
tix_auth_user_agent(struct tix_req *r)
{
	const char	*ua = tix_req_param(r, "HTTP_USER_AGENT");
	char		*out;
	size_t		 i, n;

	if (ua == NULL)
		return "";
	n = strnlen(ua, TIX_MAX_USER_AGENT);
	out = tix_arena_alloc(r->arena, n + 1);
	if (out == NULL)
		return "";
	for (i = 0; i < n; i++)
		out[i] = ua[i] >= ' ' && ua[i] <= '~' ? ua[i] : '?';
	out[n] = '\0';
	return out;
}

const char *
tix_auth_client_addr(struct tix_req *r)
{
	char *out = tix_arena_alloc(r->arena, TIX_ADDR_TEXT);

	if (out == NULL)
		return "unknown";
	tix_addr_client(tix_req_param(r, "REMOTE_ADDR"),
	    tix_req_param(r, "TIX_FORWARDED_FOR"), &r->cfg->trusted_proxies,
	    out);
	return out;
}

enum tix_err
tix_auth_throttle_claim(struct tix_req *r, const char *email,
    struct tix_throttle *t)
{
	return tix_auth_throttle_claim_kind(r, email, "login", t);
}

/* The claim, its transaction committed, or left open for the caller
 * when keep_open (then committed or rolled back by the caller, whatever
 * this returns but a database error). */
static enum tix_err
throttle_claim(struct tix_req *r, const char *email, const char *kind,
    bool keep_open, struct tix_throttle *t)
{
	const char	*p[6];
	struct tix_rows	 rs;
	enum tix_err	 rc;

	memset(t, 0, sizeof(*t));
	p[0] = tix_auth_client_addr(r);
	p[1] = email;
	p[2] = tix_db_i64(r->arena, r->cfg->login_window_minutes);
	p[3] = tix_db_i64(r->arena, r->cfg->login_max_per_email);
	p[4] = tix_db_i64(r->arena, r->cfg->login_max_per_address);
	p[5] = kind;
	rc = tix_db_begin(r->db);
	if (rc != TIX_OK)
		return rc;
	rc = tix_db_run(r->db, r->arena, TIX_STMT_LOGIN_LOCK, p, 1, NULL);
	if (rc == TIX_OK)
		rc = tix_db_run(r->db, r->arena, TIX_STMT_LOGIN_CLAIM, p, 6,
		    &rs);
	if (rc == TIX_OK && !keep_open)
		rc = tix_db_commit(r->db);
	if (rc != TIX_OK) {
		tix_db_rollback(r->db);
		return rc;
	}
	if (rs.nrows != 1) {
		if (keep_open)
			tix_db_rollback(r->db);
		return TIX_EINTERNAL;
	}
	if (tix_rows_get(&rs, 0, 0) == NULL) {
		t->retry_after = tix_rows_int(&rs, 0, 1);
		if (t->retry_after < 1)
			t->retry_after = 1;
		return TIX_ERATE;
	}
	t->claim = tix_rows_int(&rs, 0, 0);
	return TIX_OK;
}

enum tix_err
tix_auth_throttle_claim_kind(struct tix_req *r, const char *email,
    const char *kind, struct tix_throttle *t)
{
	return throttle_claim(r, email, kind, false, t);
}

enum tix_err
tix_auth_throttle_claim_open(struct tix_req *r, const char *email,
    const char *kind, struct tix_throttle *t)
{
	return throttle_claim(r, email, kind, true, t);
}

enum tix_err
tix_auth_throttle_clear(struct tix_req *r, const char *email,
    const struct tix_throttle *t)
{
	const char *p[3];

	p[0] = tix_db_i64(r->arena, t->claim);
	p[1] = tix_auth_client_addr(r);
	p[2] = email;
	return tix_db_run(r->db, r->arena, TIX_STMT_LOGIN_FAILURES_CLEAR, p,
	    3, NULL);
}

enum tix_err
tix_auth_open_session(struct tix_req *r, const char *user_id,
    bool two_factor, bool setup_only, struct tix_login *out)
{
	char		 hash[TIX_HASH_HEX_LEN + 1];
	const char	*p[7];
	enum tix_err	 rc;

	tix_token_new(out->token);
	tix_token_new(out->csrf);
	tix_hash_hex(out->token, TIX_TOKEN_LEN, hash);
	p[0] = user_id;
	p[1] = hash;
	p[2] = out->csrf;
	p[3] = tix_auth_client_addr(r);
	p[4] = tix_auth_user_agent(r);
	p[5] = two_factor ? "t" : "f";
	p[6] = setup_only ? "t" : "f";
	rc = tix_db_run(r->db, r->arena, TIX_STMT_SESSION_INSERT, p, 7, NULL);
	if (rc != TIX_OK)
		return rc;
	/* Read the principal back the way every later request will. */
	{
		struct tix_str c = { out->token, TIX_TOKEN_LEN };

		rc = resolve_session(r, &c);
	}
	return rc;
}

enum tix_err
tix_auth_login(struct tix_req *r, const char *email, const char *password,
    size_t password_len, struct tix_login *out)
{
	const char		*p[1];
	const char		*user_id;
	struct tix_throttle	 t;
	struct tix_rows		 rs;
	enum tix_role		 role;
	enum tix_err		 rc;
	bool			 ok, setup_only;

	memset(out, 0, sizeof(*out));
	rc = tix_auth_throttle_claim(r, email, &t);
	if (rc == TIX_ERATE)
		out->retry_after = t.retry_after;
	if (rc != TIX_OK)
		return rc;

	p[0] = email;
	rc = tix_db_run(r->db, r->arena, TIX_STMT_LOGIN_USER, p, 1, &rs);
	if (rc != TIX_OK)
		return rc;
	/* Verify even when there is no such user or it is disabled, so
	 * that the answer takes the same time in every case. */
	ok = tix_password_verify(rs.nrows == 1 ? tix_rows_get(&rs, 0, 1) :
	    NULL, password, password_len);
	if (rs.nrows != 1 || tix_rows_bool(&rs, 0, 2))
		ok = false;
	if (!ok)
		return TIX_ECREDS;	/* the claim stays: one failure */
	user_id = tix_rows_get(&rs, 0, 0);
	if (!tix_role_parse(tix_rows_get(&rs, 0, 4), &role))
		role = TIX_ROLE_CUSTOMER;

	rc = tix_db_begin(r->db);
	if (rc != TIX_OK)
		return rc;
	rc = tix_auth_throttle_clear(r, email, &t);
	if (rc != TIX_OK)
		goto out;
	if (tix_rows_bool(&rs, 0, 3)) {
		/* 2FA: no session yet, a challenge for the code. */
		out->two_factor_required = true;
		rc = tix_auth_challenge_new(r, user_id, out->challenge);
	} else {
		setup_only = r->cfg->require_2fa_for_staff &&
		    role != TIX_ROLE_CUSTOMER;
		rc = tix_auth_open_session(r, user_id, false, setup_only, out);
	}
	if (rc == TIX_OK)
		rc = tix_db_commit(r->db);
out:
	if (rc != TIX_OK)
		tix_db_rollback(r->db);
	return rc;
}

enum tix_err
tix_auth_logout(struct tix_req *r)
{
	const char *id;

	if (r->who.session_id == 0)
		return TIX_OK;
	id = tix_db_i64(r->arena, r->who.session_id);
	return tix_db_run(r->db, r->arena, TIX_STMT_SESSION_DELETE, &id, 1,
	    NULL);
}
