/*
 * lifecycle.c: the contract's lifecycle table.
 *
 *   event                      who              result
 *   reply                      customer         open (ball back with the helpdesk)
 *   reply                      agent            waiting, or the status asked for
 *   note                       agent            unchanged
 *   set status                 agent            any status; none out of closed
 *   set status closed          customer         closed
 *   reopen                     customer, agent  open: closed < 30 days ago only
 *   auto-close                 system           resolved -> closed
 *   reply or note on closed    anyone           ticket_closed
 */
#include "tickets/lifecycle.h"

static enum tix_err
reply(const struct tix_transition *t, enum tix_status *next)
{
	if (t->actor == TIX_ACTOR_SYSTEM)
		return TIX_EFORBIDDEN;
	if (t->cur == TIX_STATUS_CLOSED)
		return TIX_ECLOSED;
	if (t->actor == TIX_ACTOR_CUSTOMER) {
		if (t->has_target)
			return TIX_EFORBIDDEN;
		*next = TIX_STATUS_OPEN;
		return TIX_OK;
	}
	if (!t->has_target) {
		*next = TIX_STATUS_WAITING;
		return TIX_OK;
	}
	/* Closing is a decision of its own, not a side effect of a reply. */
	if (t->target == TIX_STATUS_CLOSED)
		return TIX_ETRANSITION;
	*next = t->target;
	return TIX_OK;
}

static enum tix_err
set_status(const struct tix_transition *t, enum tix_status *next)
{
	if (t->actor == TIX_ACTOR_SYSTEM)
		return TIX_EFORBIDDEN;
	if (t->actor == TIX_ACTOR_CUSTOMER && t->target != TIX_STATUS_CLOSED)
		return TIX_EFORBIDDEN;
	if (t->cur == TIX_STATUS_CLOSED)
		return TIX_ETRANSITION;	/* only reopen leaves closed */
	*next = t->target;
	return TIX_OK;
}

enum tix_err
tix_lifecycle_next(const struct tix_transition *t, enum tix_status *next)
{
	*next = t->cur;
	switch (t->ev) {
	case TIX_EV_REPLY:
		return reply(t, next);
	case TIX_EV_NOTE:
		if (t->actor != TIX_ACTOR_AGENT)
			return TIX_EFORBIDDEN;
		return t->cur == TIX_STATUS_CLOSED ? TIX_ECLOSED : TIX_OK;
	case TIX_EV_SET_STATUS:
		return set_status(t, next);
	case TIX_EV_REOPEN:
		if (t->actor == TIX_ACTOR_SYSTEM)
			return TIX_EFORBIDDEN;
		if (t->cur != TIX_STATUS_CLOSED)
			return TIX_ETRANSITION;
		if (!t->in_reopen_window)
			return TIX_EREOPEN;
		*next = TIX_STATUS_OPEN;
		return TIX_OK;
	case TIX_EV_AUTO_CLOSE:
		if (t->actor != TIX_ACTOR_SYSTEM)
			return TIX_EFORBIDDEN;
		if (t->cur != TIX_STATUS_RESOLVED)
			return TIX_ETRANSITION;
		*next = TIX_STATUS_CLOSED;
		return TIX_OK;
	default:
		return TIX_EINTERNAL;
	}
}
