/*
 * batch.h: several statements in one round trip (libpq's pipeline mode).
 *
 * Queue statements that do not need each other's results in C, then run
 * them: they are sent together with one sync, and their results read
 * back in order.  Each keeps its visibility rule inside its own SQL
 * (the viewer's id and role are its parameters), so a batch is as
 * correct as the same statements run one by one.
 *
 * Outside a transaction the statements of a batch run in one implicit
 * transaction: one failure and none of them wrote anything.  Inside one,
 * as after tix_db_run, a failure leaves the transaction aborted for the
 * caller to roll back.  A batch may start one: tix_db_batch_begin puts
 * BEGIN before its statements.  Either way the connection is usable
 * (or closed, when it was lost) afterwards.
 *
 * The struct lives on the caller's stack; parameters and outs are
 * borrowed until tix_db_batch_run returns.
 */
#ifndef TIX_DB_BATCH_H
#define TIX_DB_BATCH_H

#include <stdbool.h>
#include <stddef.h>

#include "db/db.h"

/* The most statements of one batch: the longest is a ticket's detail. */
#define TIX_DB_BATCH_MAX 6

struct tix_db_batch {
	struct tix_db		*db;
	struct tix_arena	*arena;
	bool			 begin;	/* BEGIN first */
	size_t			 n;
	bool			 full;	/* an add past TIX_DB_BATCH_MAX */
	struct {
		enum tix_stmt		 id;
		const char *const	*params;
		int			 nparams;
		struct tix_rows		*out;	/* NULL: rows not wanted */
	}			 q[TIX_DB_BATCH_MAX];
};

/* An empty batch on db, whose rows are copied into a. */
void		tix_db_batch_init(struct tix_db_batch *b, struct tix_db *db,
		    struct tix_arena *a);
/* Open a transaction before the batch's statements. */
void		tix_db_batch_begin(struct tix_db_batch *b);
/* Queue statement id with n text parameters; out as tix_db_run's. */
void		tix_db_batch_add(struct tix_db_batch *b, enum tix_stmt id,
		    const char *const *params, int n, struct tix_rows *out);
/*
 * Send everything in one round trip and read every result.  TIX_OK when
 * all succeeded; else the first failure's error, as tix_db_run's
 * (TIX_EINTERNAL for a batch that was overfull, run not at all).
 */
enum tix_err	tix_db_batch_run(struct tix_db_batch *b);

#endif
