/*
 * claim.h: the sender's side of the outbox (tix-notify).
 *
 * A sender claims due rows in small batches: one statement counts the
 * attempt and moves next_attempt_at a lease ahead (TIX_OUTBOX_LEASE),
 * picking rows with FOR UPDATE SKIP LOCKED, so senders running at once
 * never claim the same row.  It then sends each and marks it sent,
 * queued for a retry (with backoff), or failed.  A sender that dies
 * between the SMTP server's acceptance and the mark leaves the row
 * claimed; it is due again when the lease ends and is sent again, with
 * the same Message-ID: delivery is at least once.
 */
#ifndef TIX_OUTBOX_CLAIM_H
#define TIX_OUTBOX_CLAIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"
#include "db/db.h"

/* Longer than a batch can take to send (10 rows, 60 s each at most). */
#define TIX_OUTBOX_LEASE	900
#define TIX_OUTBOX_BATCH	10
/* After this many tries a row that still cannot be sent fails. */
#define TIX_OUTBOX_MAX_ATTEMPTS	20

struct tix_outbox_row {
	int64_t		 id;
	int64_t		 ticket_number;
	const char	*recipient;
	const char	*subject;
	const char	*body;
	int64_t		 recipient_id;
	int64_t		 attempts;	/* this one included */
	bool		 is_sms;	/* recipient a number, body the text */
};

/* Claim up to limit due rows: *rows (n of them) in a. */
enum tix_err	tix_outbox_claim(struct tix_db *db, struct tix_arena *a,
		    int limit, struct tix_outbox_row **rows, size_t *n);
enum tix_err	tix_outbox_mark_sent(struct tix_db *db, struct tix_arena *a,
		    int64_t id);
/* Queued again, due in delay seconds; error kept in last_error. */
enum tix_err	tix_outbox_mark_retry(struct tix_db *db, struct tix_arena *a,
		    int64_t id, int delay, const char *error);
enum tix_err	tix_outbox_mark_failed(struct tix_db *db, struct tix_arena *a,
		    int64_t id, const char *error);

/* Seconds before the next try after `attempts` tries: 1 minute,
 * doubling, at most an hour. */
int		tix_outbox_backoff(int64_t attempts);

#endif
