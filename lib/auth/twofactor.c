/*
 * twofactor.c: two-factor login with an authenticator app (TOTP) and
 * recovery codes (auth.h).
 *
 * The secret is sealed under the server's TOTP key with "totp:<user id>"
 * as additional data (crypto/secret.c), so the database alone yields no
 * secret and a sealed secret moved to another user does not open.  A
 * code is accepted once: its time step must be after the last one
 * accepted, checked and recorded in one UPDATE.  Recovery codes are 12
 * characters of Crockford's base32 (60 bits), shown once and kept as
 * SHA-256; each is spent by one UPDATE, so two requests cannot both use
 * it.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "auth/auth.h"
#include "auth/totp.h"
#include "core/log.h"
#include "core/str.h"
#include "db/db.h"

#define ISSUER		"Tix"
#define RECOVERY_LEN	12
/* Longest code we look at: a recovery code with dashes and spaces. */
#define MAX_CODE	64

static const char crockford[] = "0123456789abcdefghjkmnpqrstvwxyz";

static const char *
owner_ad(struct tix_req *r, const char *user_id)
{
	return tix_arena_printf(r->arena, "totp:%s", user_id);
}

/* Open the sealed secret of user_id into out. */
static enum tix_err
open_secret(struct tix_req *r, const char *user_id, const char *sealed,
    unsigned char out[TIX_TOTP_SECRET_LEN])
{
	const char	*ad = owner_ad(r, user_id);
	size_t		 n;
	enum tix_err	 rc;

	if (ad == NULL)
		return TIX_ENOMEM;
	rc = tix_secret_open(sealed, ad, out, TIX_TOTP_SECRET_LEN, &n);
	if (rc == TIX_OK && n != TIX_TOTP_SECRET_LEN)
		rc = TIX_EINTERNAL;
	return rc;
}

/* "otpauth://totp/Tix:ann%40example.com?secret=...&issuer=Tix&..." */
static const char *
otpauth_uri(struct tix_req *r, const char *email, const char *b32)
{
	static const char	 hex[] = "0123456789ABCDEF";
	struct tix_buf		 b;
	const char		*uri;
	size_t			 i;
	unsigned char		 c;

	tix_buf_init(&b, 4096);
	(void)tix_buf_adds(&b, "otpauth://totp/" ISSUER ":");
	for (i = 0; email[i] != '\0'; i++) {
		c = (unsigned char)email[i];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '.' ||
		    c == '_' || c == '~')
			(void)tix_buf_add(&b, &c, 1);
		else {
			char e[3] = { '%', hex[c >> 4], hex[c & 15] };

			(void)tix_buf_add(&b, e, 3);
		}
	}
	(void)tix_buf_printf(&b, "?secret=%s&issuer=" ISSUER
	    "&algorithm=SHA1&digits=%d&period=%d", b32, TIX_TOTP_DIGITS,
	    TIX_TOTP_STEP);
	uri = b.len > 0 ? tix_arena_strndup(r->arena, b.data, b.len) : NULL;
	tix_buf_free(&b);
	return uri;
}

/* Recovery code text as typed: lower case, no dashes or spaces, the
 * look-alikes of Crockford's alphabet mapped.  false when it cannot be
 * one. */
static bool
normalise_recovery(const char *code, char out[RECOVERY_LEN + 1])
{
	size_t	i, n = 0;
	char	c;

	for (i = 0; i < MAX_CODE && code[i] != '\0'; i++) {
		c = code[i];
		if (c == '-' || c == ' ')
			continue;
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c == 'i' || c == 'l')
			c = '1';
		else if (c == 'o')
			c = '0';
		if (strchr(crockford, c) == NULL || c == '\0' ||
		    n == RECOVERY_LEN)
			return false;
		out[n++] = c;
	}
	out[n] = '\0';
	return n == RECOVERY_LEN;
}

/* A 6-digit code without the spaces apps show in the middle. */
static bool
normalise_totp(const char *code, char out[TIX_TOTP_DIGITS + 1])
{
	size_t i, n = 0;

	for (i = 0; i < MAX_CODE && code[i] != '\0'; i++) {
		if (code[i] == ' ')
			continue;
		if (code[i] < '0' || code[i] > '9' || n == TIX_TOTP_DIGITS)
			return false;
		out[n++] = code[i];
	}
	out[n] = '\0';
	return n == TIX_TOTP_DIGITS;
}

/*
 * Whether code is a current code of the user's sealed secret or one of
 * their unused recovery codes; either is spent when it is.
 */
static enum tix_err
check_code(struct tix_req *r, const char *user_id, const char *sealed,
    const char *code, bool *ok)
{
	unsigned char	 secret[TIX_TOTP_SECRET_LEN];
	char		 digits[TIX_TOTP_DIGITS + 1], rec[RECOVERY_LEN + 1];
	char		 hash[TIX_HASH_HEX_LEN + 1];
	const char	*p[2];
	struct tix_rows	 rs;
	int64_t		 step;
	enum tix_err	 rc;
	bool		 match;

	*ok = false;
	p[0] = user_id;
	if (normalise_totp(code, digits)) {
		rc = open_secret(r, user_id, sealed, secret);
		if (rc == TIX_EINTERNAL) {
			/* Another key, or a secret moved from another row:
			 * no code matches it. */
			tix_log_error("user %s: the TOTP secret does not open "
			    "under TIX_TOTP_KEY_FILE", user_id);
			return TIX_OK;
		}
		if (rc != TIX_OK)
			return rc;
		match = tix_totp_verify(secret, sizeof(secret), time(NULL),
		    digits, &step);
		tix_wipe(secret, sizeof(secret));
		if (!match)
			return TIX_OK;
		p[1] = tix_db_i64(r->arena, step);
		rc = tix_db_run(r->db, r->arena, TIX_STMT_TOTP_USE_STEP, p, 2,
		    &rs);
	} else if (normalise_recovery(code, rec)) {
		tix_hash_hex(rec, RECOVERY_LEN, hash);
		p[1] = hash;
		rc = tix_db_run(r->db, r->arena, TIX_STMT_RECOVERY_USE, p, 2,
		    &rs);
	} else
		return TIX_OK;
	if (rc == TIX_OK)
		*ok = rs.nrows == 1;
	return rc;
}

enum tix_err
tix_auth_challenge_new(struct tix_req *r, const char *user_id,
    char out[TIX_TOKEN_LEN + 1])
{
	char		 hash[TIX_HASH_HEX_LEN + 1];
	const char	*p[2] = { user_id, hash };

	tix_token_new(out);
	tix_hash_hex(out, TIX_TOKEN_LEN, hash);
	return tix_db_run(r->db, r->arena, TIX_STMT_CHALLENGE_INSERT, p, 2,
	    NULL);
}

enum tix_err
tix_auth_login_2fa(struct tix_req *r, const char *challenge,
    const char *code, struct tix_login *out)
{
	char			 hash[TIX_HASH_HEX_LEN + 1];
	const char		*p[1], *cid, *user_id, *email;
	struct tix_throttle	 t;
	struct tix_rows		 rs, del;
	enum tix_err		 rc;
	bool			 ok;
	size_t			 n = strnlen(challenge, MAX_CODE + 1);

	memset(out, 0, sizeof(*out));
	if (n == 0 || n > MAX_CODE)
		return TIX_ECREDS;
	tix_hash_hex(challenge, n, hash);
	p[0] = hash;
	rc = tix_db_run(r->db, r->arena, TIX_STMT_CHALLENGE_GET, p, 1, &rs);
	if (rc != TIX_OK)
		return rc;
	if (rs.nrows != 1)
		return TIX_ECREDS;
	cid = tix_rows_get(&rs, 0, 0);
	user_id = tix_rows_get(&rs, 0, 1);
	email = tix_rows_get(&rs, 0, 2);
	out->email = email;
	rc = tix_auth_throttle_claim(r, email, &t);
	if (rc == TIX_ERATE)
		out->retry_after = t.retry_after;
	if (rc != TIX_OK)
		return rc;
	rc = check_code(r, user_id, tix_rows_get(&rs, 0, 3), code, &ok);
	if (rc != TIX_OK)
		return rc;
	if (!ok) {
		rc = tix_db_run(r->db, r->arena, TIX_STMT_CHALLENGE_FAIL, &cid,
		    1, NULL);
		return rc == TIX_OK ? TIX_ECREDS : rc;
	}
	rc = tix_db_begin(r->db);
	if (rc != TIX_OK)
		return rc;
	rc = tix_db_run(r->db, r->arena, TIX_STMT_CHALLENGE_DELETE, &cid, 1,
	    &del);
	if (rc == TIX_OK && del.nrows != 1)
		rc = TIX_ECREDS;
	if (rc == TIX_OK)
		rc = tix_auth_throttle_clear(r, email, &t);
	if (rc == TIX_OK)
		rc = tix_auth_open_session(r, user_id, true, false, out);
	if (rc == TIX_OK)
		rc = tix_db_commit(r->db);
	if (rc != TIX_OK)
		tix_db_rollback(r->db);
	return rc;
}

enum tix_err
tix_auth_2fa_setup(struct tix_req *r, const char **secret, const char **uri)
{
	unsigned char	 raw[TIX_TOTP_SECRET_LEN];
	char		 b32[TIX_TOTP_B32_LEN + 1], sealed[TIX_SECRET_HEX_MAX];
	const char	*p[2], *ad;
	struct tix_rows	 rs;
	enum tix_err	 rc;

	if (r->who.two_factor)
		return tix_req_fail(r, TIX_ETRANSITION, "Two-factor login is "
		    "already on; turn it off first.");
	p[0] = tix_db_i64(r->arena, r->who.user_id);
	ad = owner_ad(r, p[0]);
	if (ad == NULL)
		return TIX_ENOMEM;
	tix_totp_new(raw);
	rc = tix_secret_seal(raw, sizeof(raw), ad, sealed, sizeof(sealed));
	if (rc == TIX_OK)
		rc = tix_totp_base32(raw, sizeof(raw), b32);
	tix_wipe(raw, sizeof(raw));
	if (rc != TIX_OK)
		return rc;
	p[1] = sealed;
	rc = tix_db_run(r->db, r->arena, TIX_STMT_TOTP_PENDING_SET, p, 2, &rs);
	if (rc != TIX_OK)
		return rc;
	if (rs.nrows != 1)
		return TIX_ETRANSITION;
	*secret = tix_arena_strndup(r->arena, b32, strlen(b32));
	*uri = otpauth_uri(r, r->who.email, b32);
	tix_wipe(b32, sizeof(b32));
	return *secret != NULL && *uri != NULL ? TIX_OK : TIX_ENOMEM;
}

/* The user's sealed secrets: in use (col 0) and pending (col 1). */
static enum tix_err
load_state(struct tix_req *r, const char *uid, struct tix_rows *rs)
{
	enum tix_err rc;

	rc = tix_db_run(r->db, r->arena, TIX_STMT_TOTP_STATE, &uid, 1, rs);
	if (rc == TIX_OK && rs->nrows != 1)
		rc = TIX_EAUTH;
	return rc;
}

enum tix_err
tix_auth_2fa_qr(struct tix_req *r, struct tix_buf *svg)
{
	unsigned char	 raw[TIX_TOTP_SECRET_LEN];
	char		 b32[TIX_TOTP_B32_LEN + 1];
	const char	*uid, *pending, *uri;
	struct tix_rows	 rs;
	enum tix_err	 rc;

	uid = tix_db_i64(r->arena, r->who.user_id);
	rc = load_state(r, uid, &rs);
	if (rc != TIX_OK)
		return rc;
	pending = tix_rows_get(&rs, 0, 1);
	if (pending == NULL || tix_rows_get(&rs, 0, 0) != NULL)
		return TIX_ENOTFOUND;
	rc = open_secret(r, uid, pending, raw);
	if (rc == TIX_OK)
		rc = tix_totp_base32(raw, sizeof(raw), b32);
	tix_wipe(raw, sizeof(raw));
	if (rc != TIX_OK)
		return rc;
	uri = otpauth_uri(r, r->who.email, b32);
	tix_wipe(b32, sizeof(b32));
	if (uri == NULL)
		return TIX_ENOMEM;
	return tix_qr_svg(uri, svg);
}

/* Ten new recovery codes into codes (arena), their hashes into
 * hashes ("h1,h2,...", arena). */
static enum tix_err
new_recovery_codes(struct tix_req *r, const char *codes[TIX_RECOVERY_CODES],
    const char **hashes)
{
	unsigned char	 raw[RECOVERY_LEN];
	char		 plain[RECOVERY_LEN + 1], shown[RECOVERY_LEN + 3];
	char		 hash[TIX_HASH_HEX_LEN + 1];
	struct tix_buf	 b;
	size_t		 i, k;
	enum tix_err	 rc = TIX_OK;

	tix_buf_init(&b, TIX_RECOVERY_CODES * (TIX_HASH_HEX_LEN + 1) + 1);
	for (i = 0; i < TIX_RECOVERY_CODES && rc == TIX_OK; i++) {
		tix_random_bytes(raw, sizeof(raw));
		for (k = 0; k < RECOVERY_LEN; k++)
			plain[k] = crockford[raw[k] & 31];
		plain[RECOVERY_LEN] = '\0';
		tix_hash_hex(plain, RECOVERY_LEN, hash);
		(void)snprintf(shown, sizeof(shown), "%.4s-%.4s-%.4s", plain,
		    plain + 4, plain + 8);
		codes[i] = tix_arena_strndup(r->arena, shown, strlen(shown));
		if (codes[i] == NULL)
			rc = TIX_ENOMEM;
		if (rc == TIX_OK && i > 0)
			rc = tix_buf_adds(&b, ",");
		if (rc == TIX_OK)
			rc = tix_buf_adds(&b, hash);
	}
	tix_wipe(raw, sizeof(raw));
	tix_wipe(plain, sizeof(plain));
	if (rc == TIX_OK) {
		*hashes = tix_arena_strndup(r->arena, b.data, b.len);
		if (*hashes == NULL)
			rc = TIX_ENOMEM;
	}
	tix_buf_free(&b);
	return rc;
}

enum tix_err
tix_auth_2fa_enable(struct tix_req *r, const char *code,
    const char *codes[TIX_RECOVERY_CODES], int64_t *retry_after)
{
	unsigned char		 raw[TIX_TOTP_SECRET_LEN];
	char			 digits[TIX_TOTP_DIGITS + 1];
	const char		*p[3], *uid, *pending, *hashes;
	struct tix_throttle	 t;
	struct tix_rows		 rs;
	int64_t			 step = 0;
	enum tix_err		 rc;
	bool			 ok;

	*retry_after = 0;
	if (r->who.two_factor)
		return tix_req_fail(r, TIX_ETRANSITION, "Two-factor login is "
		    "already on.");
	uid = tix_db_i64(r->arena, r->who.user_id);
	rc = load_state(r, uid, &rs);
	if (rc != TIX_OK)
		return rc;
	pending = tix_rows_get(&rs, 0, 1);
	if (pending == NULL)
		return tix_req_fail(r, TIX_ETRANSITION, "Start the setup "
		    "first (POST /api/me/2fa/setup).");
	rc = tix_auth_throttle_claim(r, r->who.email, &t);
	if (rc == TIX_ERATE)
		*retry_after = t.retry_after;
	if (rc != TIX_OK)
		return rc;
	rc = open_secret(r, uid, pending, raw);
	if (rc != TIX_OK)
		return rc;
	ok = normalise_totp(code, digits) &&
	    tix_totp_verify(raw, sizeof(raw), time(NULL), digits, &step);
	tix_wipe(raw, sizeof(raw));
	if (!ok)
		return tix_req_field(r, "code", "is not the current code of "
		    "your authenticator app");
	rc = new_recovery_codes(r, codes, &hashes);
	if (rc != TIX_OK)
		return rc;
	rc = tix_db_begin(r->db);
	if (rc != TIX_OK)
		return rc;
	p[0] = uid;
	p[1] = tix_db_i64(r->arena, step);
	p[2] = pending;
	rc = tix_db_run(r->db, r->arena, TIX_STMT_TOTP_ENABLE, p, 3, &rs);
	if (rc == TIX_OK && rs.nrows != 1)
		rc = TIX_ETRANSITION;	/* a new setup or enable meanwhile */
	p[1] = hashes;
	if (rc == TIX_OK)
		rc = tix_db_run(r->db, r->arena, TIX_STMT_RECOVERY_SET, p, 2,
		    NULL);
	if (rc == TIX_OK)
		rc = tix_auth_throttle_clear(r, r->who.email, &t);
	if (rc == TIX_OK && r->who.session_id != 0) {
		p[0] = tix_db_i64(r->arena, r->who.session_id);
		rc = tix_db_run(r->db, r->arena, TIX_STMT_SESSION_MARK_2FA,
		    p, 1, NULL);
	}
	if (rc == TIX_OK)
		rc = tix_db_commit(r->db);
	if (rc != TIX_OK)
		tix_db_rollback(r->db);
	return rc;
}

enum tix_err
tix_auth_2fa_disable(struct tix_req *r, const char *password,
    const char *code, int64_t *retry_after)
{
	const char		*uid;
	struct tix_throttle	 t;
	struct tix_rows		 rs, st;
	enum tix_err		 rc;
	bool			 ok;

	*retry_after = 0;
	if (!r->who.two_factor)
		return tix_req_fail(r, TIX_ETRANSITION, "Two-factor login is "
		    "off.");
	uid = tix_db_i64(r->arena, r->who.user_id);
	rc = tix_auth_throttle_claim(r, r->who.email, &t);
	if (rc == TIX_ERATE)
		*retry_after = t.retry_after;
	if (rc != TIX_OK)
		return rc;
	rc = tix_db_run(r->db, r->arena, TIX_STMT_PASSWORD_GET, &uid, 1, &rs);
	if (rc != TIX_OK)
		return rc;
	if (rs.nrows != 1)
		return TIX_EAUTH;
	if (!tix_password_verify(tix_rows_get(&rs, 0, 0), password,
	    strlen(password)))
		return tix_req_field(r, "password", "is not your password");
	rc = load_state(r, uid, &st);
	if (rc != TIX_OK)
		return rc;
	if (tix_rows_get(&st, 0, 0) == NULL)
		return TIX_ETRANSITION;
	rc = check_code(r, uid, tix_rows_get(&st, 0, 0), code, &ok);
	if (rc != TIX_OK)
		return rc;
	if (!ok)
		return tix_req_field(r, "code", "is neither a current code "
		    "nor an unused recovery code");
	rc = tix_auth_throttle_clear(r, r->who.email, &t);
	if (rc == TIX_OK)
		rc = tix_db_run(r->db, r->arena, TIX_STMT_TOTP_DISABLE, &uid, 1,
		    NULL);
	return rc;
}
