/*
 * types.c: names of statuses, priorities and categories.
 */
#include <string.h>

#include "tickets/types.h"

const char *const tix_status_names[] = {
	"open", "in_progress", "waiting", "resolved", "closed", NULL
};
const char *const tix_priority_names[] = {
	"low", "normal", "high", "critical", NULL
};
const char *const tix_category_names[] = {
	"technical", "billing", "license", "general", NULL
};

static bool
lookup(const char *const *names, const char *s, int *out)
{
	int i;

	for (i = 0; s != NULL && names[i] != NULL; i++)
		if (strcmp(s, names[i]) == 0) {
			*out = i;
			return true;
		}
	return false;
}

bool
tix_status_parse(const char *s, enum tix_status *out)
{
	int i;

	if (!lookup(tix_status_names, s, &i))
		return false;
	*out = (enum tix_status)i;
	return true;
}

bool
tix_priority_parse(const char *s, enum tix_priority *out)
{
	int i;

	if (!lookup(tix_priority_names, s, &i))
		return false;
	*out = (enum tix_priority)i;
	return true;
}
