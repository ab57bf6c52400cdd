/*
 * route.c: exact matching of paths against patterns.
 */
#include <string.h>

#include "http/route.h"

enum tix_method
tix_method_parse(const char *s)
{
	static const struct {
		const char	*name;
		enum tix_method	 m;
	} map[] = {
		{ "GET", TIX_GET }, { "POST", TIX_POST }, { "PUT", TIX_PUT },
		{ "PATCH", TIX_PATCH }, { "DELETE", TIX_DELETE },
		{ "HEAD", TIX_HEAD },
	};
	size_t i;

	for (i = 0; s != NULL && i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(s, map[i].name) == 0)
			return map[i].m;
	return TIX_OTHER;
}

/* Match path against pattern, capturing "{}" segments into args. */
static bool
match(const char *pattern, const char *path, const char **args,
    size_t *nargs, struct tix_arena *a)
{
	const char	*p = pattern, *s = path, *end;
	size_t		 n = 0;

	while (*p != '\0') {
		if (p[0] == '{' && p[1] == '}') {
			end = strchr(s, '/');
			if (end == NULL)
				end = s + strlen(s);
			if (end == s || n == TIX_MAX_ROUTE_ARGS)
				return false;
			if (args != NULL) {
				args[n] = tix_arena_strndup(a, s,
				    (size_t)(end - s));
				if (args[n] == NULL)
					return false;
			}
			n++;
			s = end;
			p += 2;
			continue;
		}
		if (*p != *s)
			return false;
		p++;
		s++;
	}
	if (*s != '\0')
		return false;
	*nargs = n;
	return true;
}

static const char *
allow_list(struct tix_arena *a, unsigned methods)
{
	static const char *const names[] = {
		"GET", "POST", "PUT", "PATCH", "DELETE"
	};
	const char	*list = "";
	size_t		 i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if ((methods & (1u << i)) == 0)
			continue;
		list = tix_arena_printf(a, "%s%s%s", list,
		    *list == '\0' ? "" : ", ", names[i]);
		if (list == NULL)
			return NULL;
	}
	return list;
}

/* Whether the path part of uri (up to '?') holds %2F or %2f. */
static bool
has_encoded_slash(const char *uri)
{
	const char *p;

	if (uri == NULL)
		return false;
	for (p = uri; *p != '\0' && *p != '?'; p++)
		if (p[0] == '%' && p[1] == '2' && (p[2] == 'F' || p[2] == 'f'))
			return true;
	return false;
}

enum tix_err
tix_route_find(struct tix_req *r, const struct tix_route *routes, size_t n,
    const struct tix_route **out)
{
	enum tix_method	 m = r->method == TIX_HEAD ? TIX_GET : r->method;
	unsigned	 allowed = 0;
	size_t		 i, nargs;

	*out = NULL;
	if (r->path == NULL || has_encoded_slash(r->request_uri))
		return TIX_ENOTFOUND;
	for (i = 0; i < n; i++) {
		if (!match(routes[i].pattern, r->path, NULL, &nargs, NULL))
			continue;
		if ((routes[i].methods & m) == 0) {
			allowed |= routes[i].methods;
			continue;
		}
		if (!match(routes[i].pattern, r->path, r->args, &r->nargs,
		    r->arena))
			return TIX_ENOMEM;
		*out = &routes[i];
		return TIX_OK;
	}
	if (allowed == 0)
		return TIX_ENOTFOUND;
	r->allow = allow_list(r->arena, allowed);
	return TIX_EMETHOD;
}
