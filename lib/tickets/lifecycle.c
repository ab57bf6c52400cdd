/*
 * lifecycle.c: the contract's lifecycle rules.
 */
#include <stddef.h>

#include "tickets/lifecycle.h"

enum tix_err
tix_lifecycle_reply(enum tix_status cur, bool staff, bool internal,
    const enum tix_status *requested, enum tix_status *next)
{
	*next = cur;
	if (cur == TIX_STATUS_CLOSED)
		return TIX_ECLOSED;
	if (internal)
		return TIX_OK;
	if (staff) {
		if (requested == NULL) {
			*next = TIX_STATUS_WAITING;
			return TIX_OK;
		}
		if (*requested == TIX_STATUS_CLOSED)
			return TIX_ETRANSITION;
		*next = *requested;
		return TIX_OK;
	}
	/* A customer's reply puts the ball back in the helpdesk's court. */
	*next = TIX_STATUS_OPEN;
	return TIX_OK;
}
