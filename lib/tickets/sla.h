/*
 * sla.h: first-response due times.
 *
 * critical: 1 hour, around the clock.  normal: 24 hours, around the
 * clock.  high: 4 business hours.  low: 5 business days, counted as 45
 * business hours.  Business hours are Monday to Friday, 09:00 to 18:00
 * wall-clock time in the account's IANA zone, so a day on which the
 * clocks change still has nine business hours.
 */
#ifndef TIX_TICKETS_SLA_H
#define TIX_TICKETS_SLA_H

#include <stdint.h>

#include "core/err.h"
#include "tickets/types.h"

/*
 * The due time (Unix seconds) of a ticket created at created (Unix
 * seconds) with priority p, for an account in zone tz (an IANA name such
 * as "Europe/Berlin").  TIX_EINVAL for a zone name that is not a plain
 * relative path.  Not thread-safe: it sets the process's TZ for the
 * duration of the call (the workers are single-threaded).
 */
enum tix_err	tix_sla_due(int64_t created, enum tix_priority p,
		    const char *tz, int64_t *due);

#endif
