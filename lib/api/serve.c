/*
 * serve.c: the pipeline every request goes through.
 *
 * Order matters: an unknown route is 404 before anything else, so that
 * probing routes needs no login; the database comes before
 * authentication because sessions live there; CSRF is checked before
 * the handler reads a byte of the body.
 */
#include <string.h>

#include "api/serve.h"
#include "auth/auth.h"
#include "core/log.h"
#include "json/json.h"

void
tix_serve(struct FCGX_Request *fr, struct tix_arena *arena,
    struct tix_db *db, const struct tix_config *cfg,
    const struct tix_route *routes, size_t nroutes)
{
	struct tix_req		 r;
	const struct tix_route	*route;
	enum tix_err		 rc;

	memset(&r, 0, sizeof(r));
	r.fcgi = fr;
	r.arena = arena;
	r.db = db;
	r.cfg = cfg;
	r.method = tix_method_parse(tix_req_param(&r, "REQUEST_METHOD"));
	r.path = tix_req_param(&r, "DOCUMENT_URI");
	r.request_uri = tix_req_param(&r, "REQUEST_URI");
	r.query_string = tix_req_param(&r, "QUERY_STRING");
	if (r.query_string == NULL)
		r.query_string = "";

	rc = tix_route_find(&r, routes, nroutes, &route);
	if (rc == TIX_OK)
		rc = tix_db_ensure(db);
	if (rc == TIX_OK && !route->public) {
		rc = tix_auth_resolve(&r);
		if (rc == TIX_OK && tix_method_is_write(r.method))
			rc = tix_auth_check_csrf(&r);
	}
	if (rc == TIX_OK)
		rc = route->handler(&r);
	/* A failed transaction must not leak into the next request. */
	if (rc != TIX_OK)
		tix_db_rollback(db);
	if (rc != TIX_OK && !r.responded)
		tix_resp_error(&r, rc);
	if (rc == TIX_EINTERNAL || rc == TIX_ENOMEM)
		tix_log_error("%s %s: %s", tix_req_param(&r, "REQUEST_METHOD"),
		    r.path == NULL ? "-" : r.path, tix_err_name(rc));
	tix_json_free(r.json);
}
