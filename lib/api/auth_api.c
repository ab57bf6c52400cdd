/*
 * auth_api.c: the routes of tix-auth: login, logout, me, API tokens,
 * preferences and the staff list.
 */
#include <string.h>

#include "api/fields.h"
#include "api/render.h"
#include "api/serve.h"
#include "auth/auth.h"
#include "auth/me.h"
#include "auth/policy.h"
#include "core/limits.h"
#include "core/str.h"

/* The cookie gets Secure whenever the client reached nginx over TLS. */
static enum tix_err
set_session_cookie(struct tix_req *r, const char *value, bool expire)
{
	const char	*https = tix_req_param(r, "HTTPS");
	bool		 secure = https != NULL && https[0] != '\0';
	const char	*c;

	c = tix_arena_printf(r->arena,
	    "%s=%s; Path=/; HttpOnly; SameSite=Strict%s%s",
	    tix_auth_cookie_name(r), value, secure ? "; Secure" : "",
	    expire ? "; Max-Age=0" : "");
	if (c == NULL)
		return TIX_ENOMEM;
	return tix_resp_header(r, "Set-Cookie", c);
}

/* "two_factor_setup_required": the session may only set 2FA up. */
static enum tix_err
send_me(struct tix_req *r, const char *csrf)
{
	struct tix_out o;

	tix_out_begin(&o);
	tix_jw_key(&o.w, "user");
	tix_render_user(&o.w, &r->who);
	tix_jw_kstr(&o.w, "csrf_token", csrf);
	tix_jw_kbool(&o.w, "two_factor_setup_required", r->who.setup_only);
	return tix_out_send(r, &o, 200);
}

static enum tix_err
send_challenge(struct tix_req *r, const char *challenge)
{
	struct tix_out o;

	tix_out_begin(&o);
	tix_jw_kbool(&o.w, "two_factor_required", true);
	tix_jw_kstr(&o.w, "challenge", challenge);
	return tix_out_send(r, &o, 200);
}

/* 429 with Retry-After: the answer of every throttled route. */
static enum tix_err
fail_throttled(struct tix_req *r, int64_t retry_after)
{
	const char *retry = tix_arena_printf(r->arena, "%lld",
	    (long long)retry_after);

	if (retry != NULL)
		(void)tix_resp_header(r, "Retry-After", retry);
	return tix_req_fail(r, TIX_ERATE, "Too many failed attempts from "
	    "this address; try again later.");
}

/* A session was opened: its cookie and the user, as /api/auth/me. */
static enum tix_err
send_session(struct tix_req *r, const struct tix_login *login)
{
	enum tix_err rc;

	rc = set_session_cookie(r, login->token, false);
	if (rc == TIX_OK)
		rc = send_me(r, login->csrf);
	return rc;
}

static enum tix_err
h_login(struct tix_req *r)
{
	struct tix_json		*j;
	struct tix_login	 login;
	const char		*email, *password;
	enum tix_err		 rc;

	rc = tix_req_json(r, &j);
	if (rc != TIX_OK)
		return rc;
	rc = tix_field_text(r, j, "email", 1, TIX_MAX_EMAIL,
	    TIX_TEXT_REQUIRED | TIX_TEXT_ONE_LINE, &email);
	rc = tix_fields_merge(rc, tix_field_text(r, j, "password", 1,
	    TIX_MAX_PASSWORD, TIX_TEXT_REQUIRED, &password));
	if (rc != TIX_OK)
		return rc;
	rc = tix_auth_login(r, email, password, strlen(password), &login);
	/* With 2FA the login is recorded at its second step. */
	if (!(rc == TIX_OK && login.two_factor_required))
		tix_auth_audit(r, rc == TIX_OK ? r->who.user_id : 0, email,
		    "login", rc);
	if (rc == TIX_ERATE)
		return fail_throttled(r, login.retry_after);
	if (rc == TIX_OK && login.two_factor_required)
		rc = send_challenge(r, login.challenge);
	else if (rc == TIX_OK)
		rc = send_session(r, &login);
	tix_wipe(&login, sizeof(login));
	return rc;
}

/*
 * The two routes that take a code of the authenticator app (or a
 * recovery code) with one other secret: the login's second step
 * {"challenge", "code"} and turning 2FA off {"password", "code"}.  The
 * same fields, limits, audit and throttling answer for both.
 */
enum code_step { STEP_LOGIN, STEP_DISABLE };

static enum tix_err
code_step(struct tix_req *r, enum code_step step)
{
	struct tix_json		*j;
	struct tix_login	 login;
	const char		*first, *code;
	enum tix_err		 rc;

	memset(&login, 0, sizeof(login));
	rc = tix_req_json(r, &j);
	if (rc != TIX_OK)
		return rc;
	if (step == STEP_LOGIN)
		rc = tix_field_text(r, j, "challenge", 1, 256,
		    TIX_TEXT_REQUIRED | TIX_TEXT_ONE_LINE, &first);
	else
		rc = tix_field_text(r, j, "password", 1, TIX_MAX_PASSWORD,
		    TIX_TEXT_REQUIRED, &first);
	rc = tix_fields_merge(rc, tix_field_text(r, j, "code", 1, 64,
	    TIX_TEXT_REQUIRED | TIX_TEXT_ONE_LINE, &code));
	if (rc != TIX_OK)
		return rc;
	if (step == STEP_LOGIN) {
		rc = tix_auth_login_2fa(r, first, code, &login);
		tix_auth_audit(r, rc == TIX_OK ? r->who.user_id : 0,
		    login.email, "login_2fa", rc);
	} else {
		rc = tix_auth_2fa_disable(r, first, code, &login.retry_after);
		tix_auth_audit(r, r->who.user_id, NULL, "2fa_disable", rc);
	}
	if (rc == TIX_ERATE)
		rc = fail_throttled(r, login.retry_after);
	else if (rc == TIX_OK)
		rc = step == STEP_LOGIN ? send_session(r, &login) :
		    tix_resp_empty(r, 204);
	tix_wipe(&login, sizeof(login));
	return rc;
}

static enum tix_err
h_login_2fa(struct tix_req *r)
{
	return code_step(r, STEP_LOGIN);
}

/* 202 whatever the address: whether it has an account stays unknown. */
static enum tix_err
h_reset_request(struct tix_req *r)
{
	struct tix_json	*j;
	const char	*email;
	int64_t		 retry = 0;
	enum tix_err	 rc;

	rc = tix_req_json(r, &j);
	if (rc == TIX_OK)
		rc = tix_field_text(r, j, "email", 1, TIX_MAX_EMAIL,
		    TIX_TEXT_REQUIRED | TIX_TEXT_ONE_LINE, &email);
	if (rc == TIX_OK) {
		rc = tix_auth_reset_request(r, email, &retry);
		tix_auth_audit(r, 0, email, "password_reset_request", rc);
	}
	if (rc == TIX_ERATE)
		return fail_throttled(r, retry);
	return rc == TIX_OK ? tix_resp_empty(r, 202) : rc;
}

static enum tix_err
h_reset_confirm(struct tix_req *r)
{
	struct tix_json	*j;
	const char	*token, *new_pw;
	int64_t		 uid;
	enum tix_err	 rc;

	rc = tix_req_json(r, &j);
	if (rc != TIX_OK)
		return rc;
	rc = tix_field_text(r, j, "token", 1, 256,
	    TIX_TEXT_REQUIRED | TIX_TEXT_ONE_LINE, &token);
	rc = tix_fields_merge(rc, tix_field_text(r, j, "new_password",
	    TIX_MIN_NEW_PASSWORD, TIX_MAX_PASSWORD, TIX_TEXT_REQUIRED,
	    &new_pw));
	if (rc == TIX_OK) {
		rc = tix_auth_reset_confirm(r, token, new_pw, &uid);
		if (uid != 0)
			tix_auth_audit(r, uid, NULL, "password_reset", rc);
	}
	return rc == TIX_OK ? tix_resp_empty(r, 204) : rc;
}

static enum tix_err
h_2fa_setup(struct tix_req *r)
{
	struct tix_out	 o;
	const char	*secret, *uri;
	enum tix_err	 rc;

	rc = tix_auth_2fa_setup(r, &secret, &uri);
	tix_auth_audit(r, r->who.user_id, NULL, "2fa_setup", rc);
	if (rc != TIX_OK)
		return rc;
	tix_out_begin(&o);
	tix_jw_kstr(&o.w, "secret", secret);
	tix_jw_kstr(&o.w, "otpauth_uri", uri);
	return tix_out_send(r, &o, 200);
}

/* The pending secret's QR code: an image, so that the portal shows it in
 * an <img> under its CSP; never cached. */
static enum tix_err
h_2fa_qr(struct tix_req *r)
{
	struct tix_buf	svg;
	enum tix_err	rc;

	tix_buf_init(&svg, 256 * 1024);
	rc = tix_auth_2fa_qr(r, &svg);
	if (rc == TIX_OK)
		rc = tix_resp_begin_nostore(r, 200, "image/svg+xml",
		    (int64_t)svg.len);
	if (rc == TIX_OK)
		rc = tix_resp_write(r, svg.data, svg.len);
	tix_buf_free(&svg);
	return rc;
}

static enum tix_err
h_2fa_enable(struct tix_req *r)
{
	struct tix_json	*j;
	struct tix_out	 o;
	const char	*code, *codes[TIX_RECOVERY_CODES];
	int64_t		 retry = 0;
	enum tix_err	 rc;
	size_t		 i;

	rc = tix_req_json(r, &j);
	if (rc == TIX_OK)
		rc = tix_field_text(r, j, "code", 1, 64,
		    TIX_TEXT_REQUIRED | TIX_TEXT_ONE_LINE, &code);
	if (rc == TIX_OK) {
		rc = tix_auth_2fa_enable(r, code, codes, &retry);
		tix_auth_audit(r, r->who.user_id, NULL, "2fa_enable", rc);
	}
	if (rc == TIX_ERATE)
		return fail_throttled(r, retry);
	if (rc != TIX_OK)
		return rc;
	tix_out_begin(&o);
	tix_jw_key(&o.w, "recovery_codes");
	tix_jw_arr_open(&o.w);
	for (i = 0; i < TIX_RECOVERY_CODES; i++)
		tix_jw_str(&o.w, codes[i], strlen(codes[i]));
	tix_jw_arr_close(&o.w);
	return tix_out_send(r, &o, 200);
}

static enum tix_err
h_2fa_disable(struct tix_req *r)
{
	return code_step(r, STEP_DISABLE);
}

static enum tix_err
h_logout(struct tix_req *r)
{
	enum tix_err rc;

	rc = tix_auth_logout(r);
	tix_auth_audit(r, r->who.user_id, NULL, "logout", rc);
	if (rc == TIX_OK)
		rc = set_session_cookie(r, "", true);
	if (rc == TIX_OK)
		rc = tix_resp_empty(r, 204);
	return rc;
}

static enum tix_err
h_me(struct tix_req *r)
{
	return send_me(r, r->who.csrf_token);
}

static enum tix_err
h_token_create(struct tix_req *r)
{
	struct tix_json		*j;
	struct tix_out		 o;
	struct tix_token_made	 t;
	const char		*name;
	enum tix_err		 rc;

	/* A token is a second secret: with 2FA on, only a session that
	 * passed it may make one. */
	if (r->who.two_factor && !r->who.session_two_factor)
		return tix_req_fail(r, TIX_EFORBIDDEN, "Log in with your "
		    "second factor to create a token.");
	rc = tix_req_json(r, &j);
	if (rc == TIX_OK)
		rc = tix_field_text(r, j, "name", 1, TIX_MAX_TOKEN_NAME,
		    TIX_TEXT_REQUIRED | TIX_TEXT_ONE_LINE, &name);
	if (rc == TIX_OK)
		rc = tix_auth_token_create(r, name, &t);
	if (rc == TIX_OK) {
		tix_out_begin(&o);
		tix_jw_kint(&o.w, "id", t.row.id);
		tix_jw_kstr(&o.w, "name", t.row.name);
		tix_jw_kstr(&o.w, "token", t.token);
		tix_jw_kstr(&o.w, "created_at", t.row.created_at);
		rc = tix_out_send(r, &o, 201);
	}
	tix_wipe(t.token, sizeof(t.token));
	return rc;
}

static enum tix_err
h_token_list(struct tix_req *r)
{
	struct tix_out		 o;
	struct tix_token_row	*t;
	size_t			 i, n;
	enum tix_err		 rc;

	rc = tix_auth_token_list(r, &t, &n);
	if (rc != TIX_OK)
		return rc;
	tix_out_begin(&o);
	tix_jw_key(&o.w, "tokens");
	tix_jw_arr_open(&o.w);
	for (i = 0; i < n; i++) {
		tix_jw_obj_open(&o.w);
		tix_jw_kint(&o.w, "id", t[i].id);
		tix_jw_kstr(&o.w, "name", t[i].name);
		tix_jw_kstr(&o.w, "created_at", t[i].created_at);
		tix_jw_kstr(&o.w, "last_used_at", t[i].last_used_at);
		tix_jw_obj_close(&o.w);
	}
	tix_jw_arr_close(&o.w);
	return tix_out_send(r, &o, 200);
}

/* The path's {} as an id: false (404) for anything else. */
static bool
path_id(const struct tix_req *r, int64_t *id)
{
	return tix_parse_int64(r->args[0], strlen(r->args[0]), false, id);
}

static enum tix_err
h_token_delete(struct tix_req *r)
{
	int64_t		id;
	enum tix_err	rc;

	if (!path_id(r, &id))
		return TIX_ENOTFOUND;
	rc = tix_auth_token_revoke(r, id);	/* someone else's: 404 */
	return rc == TIX_OK ? tix_resp_empty(r, 204) : rc;
}

static enum tix_err
h_sessions_list(struct tix_req *r)
{
	struct tix_out		 o;
	struct tix_session_row	*s;
	size_t			 i, n;
	enum tix_err		 rc;

	rc = tix_auth_session_list(r, &s, &n);
	if (rc != TIX_OK)
		return rc;
	tix_out_begin(&o);
	tix_jw_key(&o.w, "sessions");
	tix_jw_arr_open(&o.w);
	for (i = 0; i < n; i++) {
		tix_jw_obj_open(&o.w);
		tix_jw_kint(&o.w, "id", s[i].id);
		tix_jw_kstr(&o.w, "created_at", s[i].created_at);
		tix_jw_kstr(&o.w, "last_used_at", s[i].last_used_at);
		tix_jw_kstr(&o.w, "ip", s[i].ip);
		tix_jw_kstr(&o.w, "user_agent", s[i].user_agent);
		tix_jw_kbool(&o.w, "current", s[i].current);
		tix_jw_obj_close(&o.w);
	}
	tix_jw_arr_close(&o.w);
	return tix_out_send(r, &o, 200);
}

/* One session of the user's; their current one ends like a logout. */
static enum tix_err
h_session_delete(struct tix_req *r)
{
	int64_t		id;
	enum tix_err	rc;

	if (!path_id(r, &id))
		return TIX_ENOTFOUND;
	rc = tix_auth_session_revoke(r, id);	/* someone else's: 404 */
	if (rc != TIX_OK)
		return rc;
	tix_auth_audit(r, r->who.user_id, NULL, "session_revoke", TIX_OK);
	if (id == r->who.session_id)
		rc = set_session_cookie(r, "", true);
	return rc == TIX_OK ? tix_resp_empty(r, 204) : rc;
}

/* Every session but the current one (with a token: every one). */
static enum tix_err
h_sessions_delete(struct tix_req *r)
{
	enum tix_err rc;

	rc = tix_auth_session_revoke_others(r);
	tix_auth_audit(r, r->who.user_id, NULL, "sessions_revoke_others", rc);
	return rc == TIX_OK ? tix_resp_empty(r, 204) : rc;
}

static enum tix_err
h_password_change(struct tix_req *r)
{
	struct tix_json	*j;
	const char	*current, *new_pw;
	int64_t		 retry = 0;
	enum tix_err	 rc;

	rc = tix_req_json(r, &j);
	if (rc != TIX_OK)
		return rc;
	rc = tix_field_text(r, j, "current_password", 1, TIX_MAX_PASSWORD,
	    TIX_TEXT_REQUIRED, &current);
	rc = tix_fields_merge(rc, tix_field_text(r, j, "new_password",
	    TIX_MIN_NEW_PASSWORD, TIX_MAX_PASSWORD, TIX_TEXT_REQUIRED,
	    &new_pw));
	if (rc != TIX_OK)
		return rc;
	rc = tix_auth_password_change(r, current, new_pw, &retry);
	tix_auth_audit(r, r->who.user_id, NULL, "password_change", rc);
	if (rc == TIX_ERATE)
		return fail_throttled(r, retry);
	return rc == TIX_OK ? tix_resp_empty(r, 204) : rc;
}

static enum tix_err
send_prefs(struct tix_req *r, const struct tix_prefs *pf)
{
	struct tix_out o;

	tix_out_begin(&o);
	tix_jw_key(&o.w, "preferences");
	tix_jw_obj_open(&o.w);
	tix_jw_kbool(&o.w, "email_on_reply", pf->on_reply);
	tix_jw_kbool(&o.w, "email_on_status", pf->on_status);
	tix_jw_kbool(&o.w, "email_on_assigned", pf->on_assigned);
	tix_jw_kstr(&o.w, "sms_number", pf->sms_number);
	tix_jw_kbool(&o.w, "sms_enabled", pf->sms_enabled);
	tix_jw_obj_close(&o.w);
	return tix_out_send(r, &o, 200);
}

static enum tix_err
h_prefs_get(struct tix_req *r)
{
	struct tix_prefs	pf;
	enum tix_err		rc;

	rc = tix_auth_prefs_get(r, &pf);
	return rc == TIX_OK ? send_prefs(r, &pf) : rc;
}

/* E.164: a '+', then 7 to 15 digits, the first not 0. */
static bool
is_e164(const char *s)
{
	size_t i, n = strlen(s);

	if (n < 8 || n > 16 || s[0] != '+' || s[1] < '1' || s[1] > '9')
		return false;
	for (i = 2; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* PUT takes the whole object or part of it: what is left out keeps its
 * value, as a form that shows only some switches would expect. */
static enum tix_err
h_prefs_put(struct tix_req *r)
{
	struct tix_json	*j;
	struct tix_prefs	 pf;
	const char		*number;
	bool		 present;
	enum tix_err	 rc;

	rc = tix_req_json(r, &j);
	if (rc == TIX_OK)
		rc = tix_auth_prefs_get(r, &pf);
	if (rc != TIX_OK)
		return rc;
	rc = tix_field_bool(r, j, "email_on_reply", &pf.on_reply, &present);
	rc = tix_fields_merge(rc, tix_field_bool(r, j, "email_on_status",
	    &pf.on_status, &present));
	rc = tix_fields_merge(rc, tix_field_bool(r, j, "email_on_assigned",
	    &pf.on_assigned, &present));
	rc = tix_fields_merge(rc, tix_field_bool(r, j, "sms_enabled",
	    &pf.sms_enabled, &present));
	if (tix_json_type_of(j, "sms_number") != TIX_JSON_ABSENT) {
		rc = tix_fields_merge(rc, tix_field_text(r, j, "sms_number",
		    0, 32, TIX_TEXT_NULLABLE | TIX_TEXT_ONE_LINE, &number));
		if (rc == TIX_OK) {
			if (number != NULL && !is_e164(number))
				rc = tix_req_field(r, "sms_number", "must be "
				    "in international form, like +15551234567");
			pf.sms_number = number;
		}
	}
	if (rc == TIX_OK && pf.sms_enabled && pf.sms_number == NULL)
		rc = tix_req_field(r, "sms_enabled",
		    "needs an sms_number first");
	if (rc != TIX_OK)
		return rc;
	rc = tix_auth_prefs_set(r, &pf);
	return rc == TIX_OK ? send_prefs(r, &pf) : rc;
}

static enum tix_err
h_users(struct tix_req *r)
{
	struct tix_query		 q;
	const struct tix_param_kv	*role;
	struct tix_out			 o;
	struct tix_staff_row		*s;
	enum tix_err			 rc;
	size_t				 i, n;

	if (!tix_is_staff(&r->who))
		return TIX_EFORBIDDEN;
	rc = tix_req_query(r, &q);
	if (rc != TIX_OK)
		return rc;
	role = tix_query_get(&q, "role");
	if (role != NULL && strcmp(role->value, "agent") != 0)
		return tix_req_fail(r, TIX_EBADREQ,
		    "role must be \"agent\".");
	rc = tix_auth_staff_list(r, &s, &n);
	if (rc != TIX_OK)
		return rc;
	tix_out_begin(&o);
	tix_jw_key(&o.w, "users");
	tix_jw_arr_open(&o.w);
	for (i = 0; i < n; i++) {
		tix_jw_obj_open(&o.w);
		tix_jw_kint(&o.w, "id", s[i].id);
		tix_jw_kstr(&o.w, "name", s[i].name);
		tix_jw_kstr(&o.w, "email", s[i].email);
		tix_jw_kstr(&o.w, "role", s[i].role);
		tix_jw_obj_close(&o.w);
	}
	tix_jw_arr_close(&o.w);
	return tix_out_send(r, &o, 200);
}

const struct tix_route tix_auth_routes[] = {
	{ TIX_POST, "/api/auth/login", h_login, true },
	{ TIX_POST, "/api/auth/login/2fa", h_login_2fa, true },
	{ TIX_POST, "/api/auth/password-reset", h_reset_request, true },
	{ TIX_POST, "/api/auth/password-reset/confirm", h_reset_confirm,
	    true },
	{ TIX_POST, "/api/auth/logout", h_logout, false },
	{ TIX_POST, "/api/me/2fa/setup", h_2fa_setup, false },
	{ TIX_GET, "/api/me/2fa/qr", h_2fa_qr, false },
	{ TIX_POST, "/api/me/2fa/enable", h_2fa_enable, false },
	{ TIX_POST, "/api/me/2fa/disable", h_2fa_disable, false },
	{ TIX_GET, "/api/auth/me", h_me, false },
	{ TIX_GET, "/api/me", h_me, false },
	{ TIX_POST, "/api/me/tokens", h_token_create, false },
	{ TIX_GET, "/api/me/tokens", h_token_list, false },
	{ TIX_DELETE, "/api/me/tokens/{}", h_token_delete, false },
	{ TIX_POST, "/api/me/password", h_password_change, false },
	{ TIX_GET, "/api/me/sessions", h_sessions_list, false },
	{ TIX_DELETE, "/api/me/sessions", h_sessions_delete, false },
	{ TIX_DELETE, "/api/me/sessions/{}", h_session_delete, false },
	{ TIX_GET, "/api/me/preferences", h_prefs_get, false },
	{ TIX_PUT, "/api/me/preferences", h_prefs_put, false },
	{ TIX_GET, "/api/users", h_users, false },
};
const size_t tix_auth_nroutes =
    sizeof(tix_auth_routes) / sizeof(tix_auth_routes[0]);
