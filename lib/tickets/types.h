/*
 * types.h: the ticket vocabulary of the contract, as enums, with the
 * names they have in JSON and in the database.
 */
#ifndef TIX_TICKETS_TYPES_H
#define TIX_TICKETS_TYPES_H

#include <stdbool.h>

enum tix_status {
	TIX_STATUS_OPEN, TIX_STATUS_IN_PROGRESS, TIX_STATUS_WAITING,
	TIX_STATUS_RESOLVED, TIX_STATUS_CLOSED, TIX_STATUS__MAX
};

/* In rising order, as the database enum. */
enum tix_priority {
	TIX_PRIORITY_LOW, TIX_PRIORITY_NORMAL, TIX_PRIORITY_HIGH,
	TIX_PRIORITY_CRITICAL, TIX_PRIORITY__MAX
};

/* NULL-terminated name lists, indexed by the enums above. */
extern const char *const tix_status_names[];
extern const char *const tix_priority_names[];
extern const char *const tix_category_names[];

bool	tix_status_parse(const char *s, enum tix_status *out);
bool	tix_priority_parse(const char *s, enum tix_priority *out);

#endif
