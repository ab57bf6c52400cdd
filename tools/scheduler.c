/*
 * tix-scheduler: the time-driven part of the lifecycle.
 *
 *   tix-scheduler [--interval SECONDS] [--once]
 *
 * Each pass closes tickets resolved for 7 days (a status_changed entry
 * by the system), records sla_breached once for each ticket whose first
 * response is overdue, and forgets idempotency keys older than a day.
 * Every ticket is handled in a transaction that holds its row; other
 * schedulers skip rows held (FOR UPDATE SKIP LOCKED), so any number may
 * run at once, on any hosts, without closing or recording twice.
 *
 * --once: one pass, exit 0 (1 when the database is unreachable), for
 * cron and tests.  Otherwise a pass every --interval seconds (default 60)
 * until SIGTERM or SIGINT.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/principal.h"
#include "core/arena.h"
#include "core/config.h"
#include "core/log.h"
#include "core/str.h"
#include "daemon.h"
#include "db/db.h"
#include "outbox/queue.h"
#include "tickets/ticket.h"

#define AUTOCLOSE_DAYS	7
#define BATCH		100

/* Repeat step until a batch comes back short. */
static enum tix_err
drain(const struct tix_ctx *c, int which, int *total)
{
	enum tix_err	rc;
	int		n;

	*total = 0;
	do {
		if (which == 0)
			rc = tix_ticket_autoclose_due(c, AUTOCLOSE_DAYS, BATCH,
			    &n);
		else
			rc = tix_ticket_record_breaches(c, BATCH, &n);
		tix_arena_reset(c->arena);
		if (rc != TIX_OK)
			return rc;
		*total += n;
	} while (n == BATCH && !tix_daemon_stopping);
	return TIX_OK;
}

static enum tix_err
pass(const struct tix_ctx *c)
{
	enum tix_err	rc;
	int		closed, breached;

	rc = tix_db_ensure(c->db);
	if (rc == TIX_OK)
		rc = drain(c, 0, &closed);
	if (rc == TIX_OK)
		rc = drain(c, 1, &breached);
	if (rc == TIX_OK)
		rc = tix_db_run(c->db, c->arena, TIX_STMT_IDEM_PRUNE, NULL, 0,
		    NULL);
	tix_arena_reset(c->arena);
	if (rc != TIX_OK) {
		tix_log_warn("pass failed: %s", tix_err_name(rc));
		return rc;
	}
	if (closed > 0 || breached > 0)
		tix_log_info("closed %d resolved ticket(s); recorded %d SLA "
		    "breach(es)", closed, breached);
	return TIX_OK;
}

int
main(int argc, char **argv)
{
	struct tix_config	 cfg;
	struct tix_principal	 system;
	struct tix_arena	 arena;
	struct tix_ctx		 c;
	struct timespec		 nap;
	int64_t			 interval = 60;
	bool			 once;
	int			 status;

	tix_log_init("tix-scheduler");
	status = tix_daemon_options(argc, argv, "tix-scheduler", &interval,
	    &once);
	if (status >= 0)
		return status;
	status = 0;
	if (tix_config_load(&cfg) != TIX_OK)
		return 2;
	tix_outbox_init(cfg.public_base_url);

	tix_daemon_catch_stop();

	/* The system acts on every ticket, as staff, and its entries have
	 * no actor. */
	memset(&system, 0, sizeof(system));
	system.role = TIX_ROLE_AGENT;
	system.via = TIX_VIA_SYSTEM;
	system.name = "system";
	tix_arena_init(&arena);
	c.arena = &arena;
	c.who = &system;
	if (tix_db_open(cfg.database_url, &c.db) != TIX_OK)
		return 1;

	if (once)
		status = pass(&c) == TIX_OK ? 0 : 1;
	else {
		tix_log_info("running a pass every %d s", (int)interval);
		while (!tix_daemon_stopping) {
			(void)pass(&c);
			nap.tv_sec = (time_t)interval;
			nap.tv_nsec = 0;
			/* A signal cuts the nap short. */
			(void)nanosleep(&nap, NULL);
		}
		tix_log_info("stopped");
	}
	tix_db_close(c.db);
	tix_arena_reset(&arena);
	return status;
}
