/*
 * account.c: what a user changes about their own account: the password,
 * also by a reset link sent by mail.
 */
#include <string.h>

#include "auth/auth.h"
#include "auth/policy.h"
#include "db/db.h"
#include "outbox/queue.h"

enum tix_err
tix_auth_password_change(struct tix_req *r, const char *current,
    const char *new_pw, int64_t *retry_after)
{
	char			 hash[TIX_PWHASH_LEN];
	const char		*p[3], *why;
	struct tix_throttle	 t;
	struct tix_rows		 rs;
	enum tix_err		 rc;
	bool			 ok;

	*retry_after = 0;
	why = tix_password_policy(new_pw, r->who.email, r->who.name);
	if (why != NULL)
		(void)tix_req_field(r, "new_password", why);
	rc = tix_auth_throttle_claim(r, r->who.email, &t);
	if (rc == TIX_ERATE)
		*retry_after = t.retry_after;
	if (rc != TIX_OK)
		return rc;
	p[0] = tix_db_i64(r->arena, r->who.user_id);
	rc = tix_db_run(r->db, r->arena, TIX_STMT_PASSWORD_GET, p, 1, &rs);
	if (rc != TIX_OK)
		return rc;
	if (rs.nrows != 1)
		return TIX_EAUTH;
	ok = tix_password_verify(tix_rows_get(&rs, 0, 0), current,
	    strlen(current));
	if (!ok)
		(void)tix_req_field(r, "current_password", "is not your "
		    "current password");
	else {
		rc = tix_auth_throttle_clear(r, r->who.email, &t);
		if (rc != TIX_OK)
			return rc;
	}
	if (!ok || why != NULL)
		return TIX_EINVAL;
	rc = tix_password_hash(new_pw, strlen(new_pw), hash);
	if (rc != TIX_OK)
		return rc;
	p[1] = hash;
	p[2] = tix_db_i64(r->arena, r->who.session_id);
	rc = tix_db_run(r->db, r->arena, TIX_STMT_PASSWORD_SET, p, 3, NULL);
	tix_wipe(hash, sizeof(hash));
	return rc;
}

enum tix_err
tix_auth_reset_request(struct tix_req *r, const char *email,
    int64_t *retry_after)
{
	char			 token[TIX_TOKEN_LEN + 1];
	char			 hash[TIX_HASH_HEX_LEN + 1];
	const char		*p[2];
	struct tix_throttle	 t;
	struct tix_rows		 rs;
	enum tix_err		 rc;

	*retry_after = 0;
	/*
	 * The claim, the lookup and the token in one transaction: a known
	 * and an unknown address both cost one commit (its WAL flush is
	 * most of the time), so the answer's timing does not tell them
	 * apart (security.md 22).
	 */
	rc = tix_auth_throttle_claim_open(r, email, "reset", &t);
	if (rc == TIX_ERATE) {
		*retry_after = t.retry_after;
		(void)tix_db_commit(r->db);
		return rc;
	}
	if (rc != TIX_OK)
		return rc;
	tix_token_new(token);
	tix_hash_hex(token, TIX_TOKEN_LEN, hash);
	rc = tix_db_run(r->db, r->arena, TIX_STMT_RESET_USER, &email, 1, &rs);
	if (rc != TIX_OK)
		goto out;
	if (rs.nrows != 1) {
		/* Unknown or disabled: nothing but the claim, the same 202. */
		rc = tix_db_commit(r->db);
		goto out;
	}
	p[0] = tix_rows_get(&rs, 0, 0);
	p[1] = hash;
	rc = tix_db_run(r->db, r->arena, TIX_STMT_RESET_INSERT, p, 2, NULL);
	if (rc == TIX_OK)
		rc = tix_outbox_password_reset(r->db, r->arena,
		    tix_rows_int(&rs, 0, 0), token, tix_auth_client_addr(r));
	if (rc == TIX_OK)
		rc = tix_db_commit(r->db);
out:
	if (rc != TIX_OK)
		tix_db_rollback(r->db);
	tix_wipe(token, sizeof(token));
	return rc;
}

enum tix_err
tix_auth_reset_confirm(struct tix_req *r, const char *token,
    const char *new_pw, int64_t *user_id)
{
	char		 hash[TIX_HASH_HEX_LEN + 1], pwhash[TIX_PWHASH_LEN];
	const char	*p[2], *why;
	struct tix_rows	 rs, used;
	enum tix_err	 rc;
	size_t		 n = strnlen(token, 257);

	*user_id = 0;
	if (n == 0 || n > 256)
		return tix_req_field(r, "token", "is unknown, used or expired");
	tix_hash_hex(token, n, hash);
	p[0] = hash;
	rc = tix_db_run(r->db, r->arena, TIX_STMT_RESET_PEEK, p, 1, &rs);
	if (rc != TIX_OK)
		return rc;
	if (rs.nrows != 1)
		return tix_req_field(r, "token", "is unknown, used or expired "
		    "(ask for a new link)");
	*user_id = tix_rows_int(&rs, 0, 0);
	why = tix_password_policy(new_pw, tix_rows_get(&rs, 0, 1),
	    tix_rows_get(&rs, 0, 2));
	if (why != NULL)
		return tix_req_field(r, "new_password", why);
	rc = tix_password_hash(new_pw, strlen(new_pw), pwhash);
	if (rc != TIX_OK)
		return rc;
	rc = tix_db_begin(r->db);
	if (rc == TIX_OK)
		rc = tix_db_run(r->db, r->arena, TIX_STMT_RESET_USE, p, 1,
		    &used);
	if (rc == TIX_OK && used.nrows != 1)
		rc = tix_req_field(r, "token", "is unknown, used or expired");
	if (rc == TIX_OK) {
		p[0] = tix_rows_get(&used, 0, 0);
		p[1] = pwhash;
		rc = tix_db_run(r->db, r->arena, TIX_STMT_RESET_FINISH, p, 2,
		    NULL);
	}
	if (rc == TIX_OK)
		rc = tix_db_commit(r->db);
	if (rc != TIX_OK)
		tix_db_rollback(r->db);
	tix_wipe(pwhash, sizeof(pwhash));
	return rc;
}
