/*
 * claim.h: the sender's side of the outbox (tix-notify).
 *
 * A sender claims due rows in batches: one statement counts the
 * attempt and moves next_attempt_at a lease ahead (TIX_OUTBOX_LEASE),
 * picking rows with FOR UPDATE SKIP LOCKED, so senders running at once
 * never claim the same row.  It then sends each, and marks the rows
 * sent together (one statement for the batch), each other one queued
 * for a retry (with backoff) or failed.  A sender that dies
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

/* A claim's rows are marked sent together, so a batch costs two
 * commits however many rows it holds.  A sender starts no row of a
 * batch after TIX_OUTBOX_BATCH_SECONDS and releases those left, so a
 * batch never outlives its lease (300 s, then at most one send of 60 s
 * and the marks, well within 900 s): no other sender can claim a row
 * while its claim is still being sent. */
#define TIX_OUTBOX_LEASE	900
#define TIX_OUTBOX_BATCH	100
#define TIX_OUTBOX_BATCH_SECONDS 300
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
/* Rows ids (n of them) sent, in one statement. */
enum tix_err	tix_outbox_mark_sent(struct tix_db *db, struct tix_arena *a,
		    const int64_t *ids, size_t n);
/* Claimed rows ids not tried: due again now, the attempt uncounted. */
enum tix_err	tix_outbox_release(struct tix_db *db, struct tix_arena *a,
		    const int64_t *ids, size_t n);
/* Queued again, due in delay seconds; error kept in last_error. */
enum tix_err	tix_outbox_mark_retry(struct tix_db *db, struct tix_arena *a,
		    int64_t id, int delay, const char *error);
enum tix_err	tix_outbox_mark_failed(struct tix_db *db, struct tix_arena *a,
		    int64_t id, const char *error);

/* Seconds before the next try after `attempts` tries: 1 minute,
 * doubling, at most an hour. */
int		tix_outbox_backoff(int64_t attempts);

#endif
