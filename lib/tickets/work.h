/*
 * work.h: the unit of work of a request or a job (tickets/work.c).
 *
 * Most domain calls are one transaction of their own.  A few requests
 * are one transaction over several calls: a multipart upload stores its
 * files as they arrive, then writes the ticket, reply or entry that
 * links them, and commits once, so that any error leaves nothing.
 * These are the calls that frame such a request, so that the handlers
 * above frame it without reaching the database themselves.
 */
#ifndef TIX_TICKETS_WORK_H
#define TIX_TICKETS_WORK_H

#include "core/err.h"
#include "tickets/ticket.h"

/* The connection is up (reconnected if need be): TIX_EUNAVAIL when the
 * server is unreachable. */
enum tix_err	tix_work_ready(const struct tix_ctx *c);
/* BEGIN; COMMIT (TIX_OK only when it committed). */
enum tix_err	tix_work_begin(const struct tix_ctx *c);
enum tix_err	tix_work_commit(const struct tix_ctx *c);
/* Roll back whatever is open; nothing to do when nothing is. */
void		tix_work_rollback(const struct tix_ctx *c);

#endif
