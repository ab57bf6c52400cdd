/*
 * gauges.c: the database's side of GET /api/metrics (gauges.h).
 */
#include <string.h>

#include "tickets/gauges.h"

enum tix_err
tix_ops_gauges(const struct tix_ctx *c, struct tix_ops_gauges *g)
{
	struct tix_rows	 rs;
	enum tix_err	 rc;

	memset(g, 0, sizeof(*g));
	rc = tix_db_run(c->db, c->arena, TIX_STMT_OPS_GAUGES, NULL, 0, &rs);
	if (rc != TIX_OK)
		return rc;
	if (rs.nrows != 1 || rs.ncols != 5)
		return TIX_EINTERNAL;
	g->outbox_queued = tix_rows_int(&rs, 0, 0);
	g->outbox_failed = tix_rows_int(&rs, 0, 1);
	g->tickets_breached = tix_rows_int(&rs, 0, 2);
	g->sla_breaches = tix_rows_int(&rs, 0, 3);
	g->scheduler_lag = tix_rows_int(&rs, 0, 4);
	return TIX_OK;
}
