/*
 * gauges.h: what an operator watches in the database, for
 * GET /api/metrics.
 */
#ifndef TIX_TICKETS_GAUGES_H
#define TIX_TICKETS_GAUGES_H

#include <stdint.h>

#include "tickets/ticket.h"

struct tix_ops_gauges {
	int64_t	 outbox_queued;		/* notifications waiting to go */
	int64_t	 outbox_failed;		/* given up on (5xx, too many tries) */
	int64_t	 tickets_breached;	/* open, past the first-response due */
	int64_t	 sla_breaches;		/* sla_breached entries, ever */
	int64_t	 scheduler_lag;		/* s since the oldest unmarked miss */
};

enum tix_err	tix_ops_gauges(const struct tix_ctx *c, struct tix_ops_gauges *g);

#endif
