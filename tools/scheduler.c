/*
 * tix-scheduler: the time-driven part of the lifecycle.
 *
 *   tix-scheduler [--interval SECONDS] [--once]
 *
 * Each pass closes tickets resolved for 7 days (a status_changed entry
 * by the system), records sla_breached once for each ticket whose first
 * response is overdue, forgets idempotency keys older than a day, and
 * deletes what is past its retention (TIX_RETENTION_*_DAYS: sent
 * notices, expired sessions, failed logins, inbound mail kept for
 * review).
 * Tickets are handled in batches, one transaction each, that hold their
 * rows; other schedulers skip rows held (FOR UPDATE SKIP LOCKED), so any
 * number may run at once, on any hosts, without closing or recording
 * twice.  Each ticket runs under a savepoint: one that fails is undone
 * alone, logged with its id, counted in the pass's log line ("skipped
 * N"), and tried again at the next pass; it never holds up the others.
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

/* Counts of one pass, for its log line. */
struct pass_counts {
	int	closed;
	int	breached;
	int	skipped;
};

/* Batches of step until one comes back short; every due ticket is seen
 * once a pass, however many fail. */
static enum tix_err
drain(const struct tix_ctx *c, int which, int *done, int *skipped)
{
	struct tix_sched_batch	b;
	enum tix_err		rc;

	memset(&b, 0, sizeof(b));
	b.limit = BATCH;
	*done = 0;
	do {
		if (which == 0)
			rc = tix_ticket_autoclose_due(c, AUTOCLOSE_DAYS, &b);
		else
			rc = tix_ticket_record_breaches(c, &b);
		tix_arena_reset(c->arena);
		if (rc != TIX_OK)
			return rc;
		*done += b.done;
		*skipped += b.skipped;
	} while (b.seen == BATCH && !tix_daemon_stopping);
	return TIX_OK;
}

#define PRUNE_BATCH	5000

/* What retention removes, and after how many days (0: never). */
struct prune {
	enum tix_stmt	 stmt;
	const char	*what;
	int		 days;
};

/* Delete what is past its retention, PRUNE_BATCH rows a statement (each
 * its own transaction), until none is left. */
static enum tix_err
prune(const struct tix_ctx *c, const struct tix_config *cfg)
{
	const struct prune all[] = {
		{ TIX_STMT_PRUNE_OUTBOX, "sent notice(s)",
		    cfg->retention_outbox_days },
		{ TIX_STMT_PRUNE_SESSIONS, "expired session(s)",
		    cfg->retention_session_days },
		{ TIX_STMT_PRUNE_LOGIN_FAILURES, "failed login(s)",
		    cfg->retention_login_days },
		{ TIX_STMT_PRUNE_REVIEW, "inbound mail(s) kept for review",
		    cfg->retention_review_days },
	};
	struct tix_rows	 rs = { 0 };
	const char	*p[3];
	uint64_t	 total;
	size_t		 i;
	enum tix_err	 rc = TIX_OK;

	for (i = 0; rc == TIX_OK && i < sizeof(all) / sizeof(all[0]); i++) {
		if (all[i].days == 0)
			continue;
		total = 0;
		do {
			p[0] = tix_db_i64(c->arena, all[i].days);
			p[1] = tix_db_i64(c->arena, PRUNE_BATCH);
			p[2] = tix_db_i64(c->arena, cfg->session_idle_minutes);
			rc = tix_db_run(c->db, c->arena, all[i].stmt, p,
			    all[i].stmt == TIX_STMT_PRUNE_SESSIONS ? 3 : 2, &rs);
			tix_arena_reset(c->arena);
			if (rc == TIX_OK)
				total += rs.affected;
		} while (rc == TIX_OK && rs.affected == PRUNE_BATCH &&
		    !tix_daemon_stopping);
		if (total > 0)
			tix_log_info("retention: removed %llu %s older than %d "
			    "day(s)", (unsigned long long)total, all[i].what,
			    all[i].days);
	}
	return rc;
}

static enum tix_err
pass(const struct tix_ctx *c, const struct tix_config *cfg)
{
	struct pass_counts	n;
	enum tix_err		rc;

	memset(&n, 0, sizeof(n));
	rc = tix_db_ensure(c->db);
	if (rc == TIX_OK)
		rc = drain(c, 0, &n.closed, &n.skipped);
	if (rc == TIX_OK)
		rc = drain(c, 1, &n.breached, &n.skipped);
	if (rc == TIX_OK)
		rc = tix_db_run(c->db, c->arena, TIX_STMT_IDEM_PRUNE, NULL, 0,
		    NULL);
	tix_arena_reset(c->arena);
	if (rc == TIX_OK)
		rc = prune(c, cfg);
	if (rc != TIX_OK) {
		tix_log_warn("pass failed: %s", tix_err_name(rc));
		return rc;
	}
	if (n.closed > 0 || n.breached > 0 || n.skipped > 0)
		tix_log_info("closed %d resolved ticket(s); recorded %d SLA "
		    "breach(es); skipped %d ticket(s) that failed",
		    n.closed, n.breached, n.skipped);
	return TIX_OK;
}

int
main(int argc, char **argv)
{
	struct tix_config	 cfg;
	struct tix_principal	 system;
	struct tix_arena	 arena;
	struct tix_ctx		 c = { 0 };
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
	if (tix_config_load(&cfg, "tix-scheduler") != TIX_OK)
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
		status = pass(&c, &cfg) == TIX_OK ? 0 : 1;
	else {
		tix_log_info("running a pass every %d s", (int)interval);
		while (!tix_daemon_stopping) {
			(void)pass(&c, &cfg);
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
