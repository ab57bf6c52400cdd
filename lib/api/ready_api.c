/*
 * ready_api.c: GET /api/ready, the readiness check (tickets/ready.h).
 */
#include <string.h>

#include "api/ctx.h"
#include "api/ready_api.h"
#include "api/render.h"
#include "core/log.h"
#include "tickets/ready.h"

/*
 * GET /api/ready: 200 when this process can serve, else 503 unavailable
 * with a field for each part that is not ready.  The details (paths,
 * migration names) go to the log, not to an anonymous client.
 */
enum tix_err
tix_api_ready(struct tix_req *r)
{
	struct tix_ctx		c = tix_api_ctx(r);
	struct tix_readiness	s;
	struct tix_out		o;
	enum tix_err		rc = TIX_OK;

	tix_readiness_check(&c, r->cfg, "tix-tickets", &s);
	if (!s.database)
		rc = tix_req_field(r, "database", "unreachable");
	if (s.key_problem != NULL) {
		tix_log_warn("ready: %s %s", s.key_setting, s.key_problem);
		rc = tix_req_field(r, "keys", strcmp(s.key_setting,
		    "TIX_ATTACHMENT_KEY_FILE") == 0 ?
		    "TIX_ATTACHMENT_KEY_FILE is not usable" :
		    "a key file is not usable");
	}
	if (s.database && !s.migrations_known)
		rc = tix_req_field(r, "migrations", "cannot be checked");
	else if (s.database && s.pending > 0) {
		tix_log_warn("ready: %zu migration(s) pending, the first %s",
		    s.pending, s.first_pending);
		rc = tix_req_field(r, "migrations", "pending");
	}
	if (rc != TIX_OK)
		return tix_req_fail(r, TIX_EUNAVAIL, "This process is not "
		    "ready to serve: see the fields.");
	tix_out_begin(&o);
	tix_jw_kstr(&o.w, "status", "ready");
	tix_jw_kstr(&o.w, "database", "ok");
	tix_jw_kstr(&o.w, "keys", "ok");
	tix_jw_kstr(&o.w, "migrations", "current");
	return tix_out_send(r, &o, 200);
}
