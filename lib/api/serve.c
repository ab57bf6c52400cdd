/*
 * serve.c: the pipeline every request goes through.
 *
 * Order matters: an unknown route is 404 before anything else, so that
 * probing routes needs no login; the database comes before
 * authentication because sessions live there; CSRF is checked before
 * the handler reads a byte of the body.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/ctx.h"
#include "api/ready_api.h"
#include "api/serve.h"
#include "auth/auth.h"
#include "core/log.h"
#include "core/metrics.h"
#include "json/json.h"
#include "tickets/work.h"

/* "GET", or "GET|POST" for a route that takes several methods. */
static void
method_label(char *out, size_t size, unsigned bits)
{
	static const struct { unsigned bit; const char *name; } names[] = {
		{ TIX_GET, "GET" }, { TIX_POST, "POST" }, { TIX_PUT, "PUT" },
		{ TIX_PATCH, "PATCH" }, { TIX_DELETE, "DELETE" },
	};
	size_t	 i, n = 0;
	int	 w;

	out[0] = '\0';
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!(bits & names[i].bit))
			continue;
		w = snprintf(out + n, size - n, "%s%s", n ? "|" : "",
		    names[i].name);
		if (w < 0 || (size_t)w >= size - n)
			break;
		n += (size_t)w;
	}
}

/* The metrics file of this binary, mapped at its first request. */
static void
metrics_start(const struct tix_config *cfg, const struct tix_route *routes,
    size_t nroutes)
{
	char		 labels[TIX_METRICS_MAX_ROUTES][40];
	const char	*methods[TIX_METRICS_MAX_ROUTES];
	const char	*patterns[TIX_METRICS_MAX_ROUTES];
	size_t		 i;

	if (nroutes > TIX_METRICS_MAX_ROUTES)
		nroutes = TIX_METRICS_MAX_ROUTES;
	for (i = 0; i < nroutes; i++) {
		method_label(labels[i], sizeof(labels[i]), routes[i].methods);
		methods[i] = labels[i];
		patterns[i] = routes[i].pattern;
	}
	(void)tix_metrics_open(cfg->metrics_dir, tix_log_name(), methods,
	    patterns, nroutes);
}

static uint64_t
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

#ifdef TIX_FAULT_INJECTION
#ifdef __SANITIZE_ADDRESS__
#include <sanitizer/lsan_interface.h>
#define leaked() (__lsan_do_recoverable_leak_check() != 0)
#else
#define leaked() false
#endif

/*
 * The tests' allocation failures: the FastCGI parameter TIX_FAIL_ALLOC_AT
 * (only a FastCGI peer can set one; nginx sends none such) fails that
 * allocation of the request's arena.  The log says whether it was
 * reached, so a test knows when it has tried every one, and (under
 * AddressSanitizer with detect_leaks=1) whether anything the request
 * allocated outside its arena is now lost.
 */
static void
fault_start(struct tix_req *r)
{
	const char	*at = tix_req_param(r, "TIX_FAIL_ALLOC_AT");

	if (at != NULL)
		tix_arena_fail_at(r->arena, strtoul(at, NULL, 10));
}

static void
fault_end(struct tix_arena *arena)
{
	if (arena->fail_at == 0)
		return;
	if (arena->allocs >= arena->fail_at)
		tix_log_info("fault: failed allocation %lu of %lu",
		    arena->fail_at, arena->allocs);
	else
		tix_log_info("fault: %lu allocations, none failed",
		    arena->allocs);
	if (leaked())
		tix_log_error("fault: leak after allocation %lu failed",
		    arena->fail_at);
}
#else
#define fault_start(r) ((void)0)
#define fault_end(arena) ((void)0)
#endif

void
tix_serve(struct FCGX_Request *fr, struct tix_arena *arena,
    struct tix_db *db, const struct tix_config *cfg,
    const struct tix_route *routes, size_t nroutes)
{
	static bool		 metrics_started;
	struct tix_req		 r;
	struct tix_ctx		 c;
	const struct tix_route	*route = NULL;
	enum tix_err		 rc;
	uint64_t		 start = now_us();

	if (!metrics_started) {
		metrics_started = true;
		metrics_start(cfg, routes, nroutes);
	}
	tix_req_start(&r, fr, arena);
	fault_start(&r);
	r.db = db;
	r.cfg = cfg;
	tix_log_request(tix_req_param(&r, "REQUEST_ID"));
	c = tix_api_ctx(&r);

	rc = tix_route_find(&r, routes, nroutes, &route);
	/* The readiness check reports a database that is down itself. */
	if (rc == TIX_OK && route->handler != tix_api_ready)
		rc = tix_work_ready(&c);
	if (rc == TIX_OK && !route->public) {
		rc = tix_auth_resolve(&r);
		if (rc == TIX_OK && tix_method_is_write(r.method))
			rc = tix_auth_check_csrf(&r);
		/* TIX_REQUIRE_2FA_FOR_STAFF: set it up, nothing else. */
		if (rc == TIX_OK)
			rc = tix_auth_check_setup(&r);
	}
	if (rc == TIX_OK)
		rc = route->handler(&r);
	/* A failed transaction must not leak into the next request. */
	if (rc != TIX_OK)
		tix_work_rollback(&c);
	if (rc != TIX_OK && !r.responded)
		tix_resp_error(&r, rc);
	if (rc == TIX_EINTERNAL || rc == TIX_ENOMEM)
		tix_log_error("%s %s: %s", tix_req_param(&r, "REQUEST_METHOD"),
		    r.path == NULL ? "-" : r.path, tix_err_name(rc));
	tix_metrics_request(route == NULL ? nroutes : (size_t)(route - routes),
	    r.responded ? r.status : 500, now_us() - start);
	fault_end(arena);
	tix_log_request(NULL);
	tix_json_free(r.json);
}
