/*
 * manage.h: the operator's side of the outbox (tix-admin outbox).
 */
#ifndef TIX_OUTBOX_MANAGE_H
#define TIX_OUTBOX_MANAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"
#include "db/db.h"

/* A notification not sent (yet): strings in the caller's arena. */
struct tix_outbox_entry {
	int64_t		 id;
	int64_t		 ticket_number;
	const char	*status;	/* "queued" or "failed" */
	const char	*kind;		/* "received", "agent_reply", ... */
	const char	*recipient;
	int64_t		 attempts;
	const char	*created_at;
	const char	*next_attempt_at;
	const char	*last_error;	/* NULL when none */
};

/* The newest `limit` rows not sent, only the failed ones when
 * failed_only: *rows (n of them) in a. */
enum tix_err	tix_outbox_list(struct tix_db *db, struct tix_arena *a,
		    bool failed_only, int limit, struct tix_outbox_entry **rows,
		    size_t *n);

/*
 * Queue failed rows again, due now with their tries counted afresh, and
 * wake the senders: the row `id`, or every failed row when id is 0.
 * *count says how many were failed and are queued now (0: none was, or
 * id names no failed row).  One transaction.
 */
enum tix_err	tix_outbox_requeue(struct tix_db *db, struct tix_arena *a,
		    int64_t id, int64_t *count);

#endif
