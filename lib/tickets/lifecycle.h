/*
 * lifecycle.h: what a status becomes after an event.  Pure: the
 * handlers, the mail ingest and the scheduler all ask here, so the rules
 * of the contract's lifecycle table live in one place.
 */
#ifndef TIX_TICKETS_LIFECYCLE_H
#define TIX_TICKETS_LIFECYCLE_H

#include <stdbool.h>

#include "core/err.h"
#include "tickets/types.h"

/*
 * The status after a reply on a ticket in status cur.  staff: the author
 * is an agent; internal: an internal note (never changes the status);
 * requested: the status an agent asked for with a public reply, or NULL
 * for the default (waiting).  TIX_ECLOSED on a closed ticket: reopen it
 * instead.  TIX_ETRANSITION when an agent asks for "closed" in a reply.
 */
enum tix_err	tix_lifecycle_reply(enum tix_status cur, bool staff,
		    bool internal, const enum tix_status *requested,
		    enum tix_status *next);

#endif
