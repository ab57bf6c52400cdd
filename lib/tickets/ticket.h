/*
 * ticket.h: creating, finding and replying to tickets.
 *
 * Every function that changes something does it in one transaction:
 * on any error nothing of it is left in the database.  The mail a change
 * causes is queued in the same transaction (lib/outbox/queue.h).  Visibility is
 * decided here, in the SQL: a customer finds only tickets they requested,
 * and any other ticket is TIX_ENOTFOUND, exactly like a missing one.
 */
#ifndef TIX_TICKETS_TICKET_H
#define TIX_TICKETS_TICKET_H

#include <stdbool.h>
#include <stdint.h>

#include "core/principal.h"
#include "core/arena.h"
#include "core/err.h"
#include "db/db.h"
#include "tickets/types.h"

/* What every call needs: the connection, the arena, who is asking. */
struct tix_ctx {
	struct tix_db			*db;
	struct tix_arena		*arena;
	const struct tix_principal	*who;
	/*
	 * NULL, or called inside a write's transaction after its last
	 * statement and before COMMIT, with before_commit_arg.  The caller
	 * makes its answer there, so that failing to make it (no memory, a
	 * read that fails) still rolls the write back: a committed write is
	 * never answered with an error.
	 */
	enum tix_err			(*before_commit)(void *arg);
	void				*before_commit_arg;
};

struct tix_ticket_new {
	/* Idempotency-Key and a hash of the request, or NULL: a create
	 * with a key seen before returns the first ticket instead. */
	const char		*idempotency_key;
	const char		*request_hash;
	const char		*subject;	/* validated by the caller */
	const char		*description;
	const char		*category;	/* a tix_category_names entry */
	const char		*license_key;	/* NULL: none */
	enum tix_priority	 priority;
	int64_t			 requester_id;	/* 0: the caller */
};

struct tix_ticket_made {
	int64_t	id;
	int64_t	number;		/* TICK-number */
	int64_t	entry_id;	/* the "created" entry */
	bool	replayed;	/* an earlier create with the same key */
};

/*
 * Open a ticket with its "created" entry, in the caller's transaction
 * (so that files uploaded with it commit or vanish with it).  With an
 * idempotency key seen before: the same request hash gives the first
 * ticket (out->replayed), another one TIX_ECONFLICT.
 */
enum tix_err	tix_ticket_insert(const struct tix_ctx *c,
		    const struct tix_ticket_new *in, struct tix_ticket_made *out);
/* The same in a transaction of its own. */
enum tix_err	tix_ticket_create(const struct tix_ctx *c,
		    const struct tix_ticket_new *in, struct tix_ticket_made *out);

/*
 * The active customer with this address, for an agent opening a ticket
 * on someone's behalf.  TIX_ENOTFOUND for an unknown address or a user
 * who is not a customer.
 */
enum tix_err	tix_ticket_requester(const struct tix_ctx *c,
		    const char *email, int64_t *user_id);

/* "TICK-1001" to 1001; false for anything else.  With any_case,
 * "tick-1001" too (for search boxes). */
bool		tix_ticket_number_parse(const char *s, bool any_case,
		    int64_t *number);

/* What the domain code knows of a ticket before it changes it. */
struct tix_ticket_ref {
	int64_t			 id;
	enum tix_status		 status;
	int64_t			 requester_id;
	enum tix_priority	 priority;
	const char		*category;
	int64_t			 assignee_id;	/* 0: none */
	int64_t			 created;	/* Unix seconds */
	const char		*timezone;	/* the requester's account's */
	bool			 in_reopen_window; /* closed < 30 days ago */
	bool			 overdue;	/* due passed, no agent reply */
};

/* The ticket numbered number_text if the caller may see it. */
enum tix_err	tix_ticket_find(const struct tix_ctx *c,
		    const char *number_text, struct tix_ticket_ref *out);

struct tix_reply_in {
	const char		*body;		/* validated by the caller */
	bool			 internal;	/* an agent's internal note */
	const enum tix_status	*status;	/* an agent's choice, or NULL */
};

/*
 * Add a message (or note) to a ticket and apply the lifecycle: the status
 * moves as the contract says, with a status_changed entry, and an agent's
 * first public reply sets first_response_at.  TIX_EFORBIDDEN for a
 * customer's internal note; TIX_ECLOSED on a closed ticket.  In the
 * caller's transaction; the ticket's row stays locked until it ends.
 */
enum tix_err	tix_ticket_add_reply(const struct tix_ctx *c,
		    const char *number_text, const struct tix_reply_in *in,
		    int64_t *ticket_id, int64_t *entry_id);
/* The same in a transaction of its own. */
enum tix_err	tix_ticket_reply(const struct tix_ctx *c,
		    const char *number_text, const struct tix_reply_in *in,
		    int64_t *ticket_id, int64_t *entry_id);

/* A PATCH: the fields present, already validated. */
struct tix_ticket_patch {
	const enum tix_status	*status;
	const enum tix_priority	*priority;
	const char		*category;	/* a tix_category_names entry */
	bool			 has_assignee;
	int64_t			 assignee_id;	/* 0: unassign */
};

/*
 * Apply a PATCH in one transaction, each change with its timeline entry
 * (status_changed, priority_changed, category_changed, assigned).
 * Customers may only close their own ticket (TIX_EFORBIDDEN otherwise);
 * a closed ticket's status does not change (TIX_ETRANSITION); an
 * assignee who is not an active agent is TIX_EINVAL.  A priority change
 * recomputes the first-response due time from the ticket's creation.
 */
enum tix_err	tix_ticket_update(const struct tix_ctx *c,
		    const char *number_text, const struct tix_ticket_patch *p,
		    int64_t *ticket_id);

/*
 * Reopen a closed ticket with a message: TIX_ETRANSITION when it is not
 * closed, TIX_EREOPEN when it was closed 30 days ago or more.
 */
enum tix_err	tix_ticket_reopen(const struct tix_ctx *c,
		    const char *number_text, const char *body,
		    int64_t *ticket_id);

/*
 * The scheduler's work, in batches of at most b->limit tickets that no
 * other scheduler holds (SKIP LOCKED), with ids above b->after, in id
 * order; one transaction per batch.  Each ticket runs under a savepoint:
 * one whose work fails (a statement error, a broken row) is undone
 * alone, logged with its id and counted in b->skipped, and the batch
 * goes on.  b->seen tickets were looked at (fewer than b->limit: no
 * more are due), b->done changed; b->after is the last id seen, for the
 * next batch.  TIX_EUNAVAIL and TIX_ENOMEM end the batch (rolled back).
 */
struct tix_sched_batch {
	int		limit;
	int64_t		after;
	int		seen;
	int		done;
	int		skipped;
};
enum tix_err	tix_ticket_autoclose_due(const struct tix_ctx *c, int days,
		    struct tix_sched_batch *b);
enum tix_err	tix_ticket_record_breaches(const struct tix_ctx *c,
		    struct tix_sched_batch *b);

struct tix_ticket_stats {
	int64_t	by_status[TIX_STATUS__MAX];
	int64_t	unassigned;	/* not resolved or closed */
	int64_t	breached;	/* not resolved or closed */
};

/* Counts over the tickets the caller may see. */
enum tix_err	tix_ticket_stats(const struct tix_ctx *c,
		    struct tix_ticket_stats *out);

#endif
