/*
 * account.c: what a user changes about their own account: the password.
 */
#include <string.h>

#include "auth/auth.h"
#include "auth/policy.h"
#include "db/db.h"

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
	if (p[0] == NULL)
		return TIX_ENOMEM;
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
	rc = p[2] == NULL ? TIX_ENOMEM : tix_db_run(r->db, r->arena,
	    TIX_STMT_PASSWORD_SET, p, 3, NULL);
	tix_wipe(hash, sizeof(hash));
	return rc;
}
