/*
 * audit.c: rows of the append-only security_events table (auth.h).
 */
#include "auth/auth.h"
#include "core/log.h"
#include "db/db.h"

static const char *
outcome(enum tix_err rc)
{
	switch (rc) {
	case TIX_OK:
		return "success";
	case TIX_ERATE:
		return "rate_limited";
	case TIX_ECREDS:
	case TIX_EINVAL:
	case TIX_EAUTH:
	case TIX_ETRANSITION:
	case TIX_EFORBIDDEN:
		return "failure";
	default:
		return NULL;	/* not an answer about the credentials */
	}
}

void
tix_auth_audit(struct tix_req *r, int64_t user_id, const char *email,
    const char *kind, enum tix_err rc)
{
	const char	*p[6];
	enum tix_err	 e;

	p[2] = kind;
	p[3] = outcome(rc);
	if (p[3] == NULL || (user_id == 0 && email == NULL))
		return;
	p[0] = user_id != 0 ? tix_db_i64(r->arena, user_id) : NULL;
	p[1] = email;
	p[4] = tix_auth_client_addr(r);
	p[5] = tix_auth_user_agent(r);
	e = tix_db_run(r->db, r->arena, TIX_STMT_SECURITY_EVENT, p, 6, NULL);
	if (e != TIX_OK)
		tix_log_error("security event %s: %s", kind, tix_err_name(e));
}
