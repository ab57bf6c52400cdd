/*
 * principal.c: names of roles and channels.
 */
#include <string.h>

#include "core/principal.h"

static const char *const roles[] = { "customer", "agent", "admin" };
static const char *const vias[] = { "portal", "email", "api", "system" };

const char *
tix_role_name(enum tix_role r)
{
	return roles[r];
}

bool
tix_role_parse(const char *s, enum tix_role *out)
{
	size_t i;

	for (i = 0; s != NULL && i < sizeof(roles) / sizeof(roles[0]); i++)
		if (strcmp(s, roles[i]) == 0) {
			*out = (enum tix_role)i;
			return true;
		}
	return false;
}

const char *
tix_via_name(enum tix_via v)
{
	return vias[v];
}
