/*
 * lifecycle.h: the contract's lifecycle rules, in one pure function.
 *
 * The handlers, the scheduler (and later the mail ingest) ask here what
 * a ticket's status becomes after an event, so that every rule of the
 * lifecycle table lives in this one place and is tested as a table of
 * status x event x actor.
 */
#ifndef TIX_TICKETS_LIFECYCLE_H
#define TIX_TICKETS_LIFECYCLE_H

#include <stdbool.h>

#include "core/err.h"
#include "tickets/types.h"

enum tix_event {
	TIX_EV_REPLY,		/* a public message */
	TIX_EV_NOTE,		/* an internal note */
	TIX_EV_SET_STATUS,	/* PATCH {"status": target} */
	TIX_EV_REOPEN,		/* POST .../reopen */
	TIX_EV_AUTO_CLOSE,	/* resolved for 7 days, closed by the scheduler */
	TIX_EV__MAX
};

enum tix_actor {
	TIX_ACTOR_CUSTOMER,	/* the requester (others never see the ticket) */
	TIX_ACTOR_AGENT,	/* agents and admins */
	TIX_ACTOR_SYSTEM,	/* the scheduler */
	TIX_ACTOR__MAX
};

struct tix_transition {
	enum tix_status	 cur;
	enum tix_event	 ev;
	enum tix_actor	 actor;
	/* SET_STATUS: the status asked for.  REPLY by an agent: the status
	 * asked for with the reply, if has_target. */
	enum tix_status	 target;
	bool		 has_target;
	/* REOPEN: closed less than 30 days ago. */
	bool		 in_reopen_window;
};

/*
 * The status after t, in *next.  Errors: TIX_ECLOSED (a reply or note on
 * a closed ticket: reopen it), TIX_ETRANSITION (the event cannot happen
 * in this status: leaving closed other than by reopen, reopening what is
 * not closed, auto-closing what is not resolved, a reply that asks for
 * "closed"), TIX_EREOPEN (closed too long ago), TIX_EFORBIDDEN (this
 * actor may not cause this event: a customer's note, a customer setting
 * any status but closed, the system doing what people do).
 */
enum tix_err	tix_lifecycle_next(const struct tix_transition *t,
		    enum tix_status *next);

#endif
