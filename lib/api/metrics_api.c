/*
 * metrics_api.c: GET /api/metrics, Prometheus' text format.
 *
 * The request counters of every worker binary of this host
 * (core/metrics.h) and the database's gauges (tickets/gauges.h).  Open
 * to admins, and to any client on the loopback (a Prometheus on the
 * same host): the counters say how busy the
 * helpdesk is, nothing about a ticket.
 */
#include <string.h>

#include "api/ctx.h"
#include "api/metrics_api.h"
#include "auth/auth.h"
#include "core/config.h"
#include "core/metrics.h"
#include "tickets/gauges.h"

#define METRICS_MAX	(4 * 1024 * 1024)

/* The host itself: 127.0.0.1 or ::1 as nginx passes REMOTE_ADDR.  Not
 * all of 127/8: a local proxy or tunnel may speak for others from
 * another loopback address. */
static bool
from_loopback(const struct tix_req *r)
{
	const char *addr = tix_req_param(r, "REMOTE_ADDR");

	return addr != NULL && (strcmp(addr, "127.0.0.1") == 0 ||
	    strcmp(addr, "::1") == 0);
}

static enum tix_err
gauge(struct tix_buf *b, const char *name, const char *type,
    const char *help, int64_t v)
{
	return tix_buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n%s %lld\n",
	    name, help, name, type, name, (long long)v);
}

enum tix_err
tix_api_metrics(struct tix_req *r)
{
	struct tix_ctx		 c = tix_api_ctx(r);
	struct tix_ops_gauges	 g;
	struct tix_buf		 b;
	enum tix_err		 rc;

	if (!from_loopback(r)) {
		rc = tix_auth_resolve(r);
		/* TIX_REQUIRE_2FA_FOR_STAFF: not before the setup. */
		if (rc == TIX_OK)
			rc = tix_auth_check_setup(r);
		if (rc != TIX_OK)
			return rc;
		if (r->who.role != TIX_ROLE_ADMIN)
			return tix_req_fail(r, TIX_EFORBIDDEN, "Metrics are for "
			    "admins, or for clients on the loopback.");
	}
	rc = tix_ops_gauges(&c, &g);
	if (rc != TIX_OK)
		return rc;
	tix_buf_init(&b, METRICS_MAX);
	rc = tix_metrics_render(r->cfg->metrics_dir, &b);
	if (rc == TIX_OK)
		rc = gauge(&b, "tix_outbox_queued", "gauge",
		    "Notifications waiting to be sent.", g.outbox_queued);
	if (rc == TIX_OK)
		rc = gauge(&b, "tix_outbox_failed", "gauge",
		    "Notifications given up on.", g.outbox_failed);
	if (rc == TIX_OK)
		rc = gauge(&b, "tix_tickets_sla_breached", "gauge",
		    "Open tickets past their first-response target.",
		    g.tickets_breached);
	if (rc == TIX_OK)
		rc = gauge(&b, "tix_sla_breaches_total", "counter",
		    "First-response targets missed, ever.", g.sla_breaches);
	if (rc == TIX_OK)
		rc = gauge(&b, "tix_scheduler_lag_seconds", "gauge",
		    "Age of the oldest missed first response the scheduler "
		    "has not yet recorded.", g.scheduler_lag);
	if (rc == TIX_OK)
		rc = tix_resp_begin(r, 200,
		    "text/plain; version=0.0.4; charset=utf-8", (int64_t)b.len);
	if (rc == TIX_OK)
		rc = tix_resp_write(r, b.data, b.len);
	tix_buf_free(&b);
	return rc;
}
