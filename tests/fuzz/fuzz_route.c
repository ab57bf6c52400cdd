/*
 * fuzz_route.c: libFuzzer driver for the route tables.
 *
 * The input is REQUEST_METHOD, DOCUMENT_URI and REQUEST_URI separated
 * by NUL bytes (each as nginx hands them over); every worker's table is
 * searched with tix_route_find().  A match must have captured only
 * non-empty segments without '/', and a request whose REQUEST_URI holds
 * an encoded slash must never match; a 405 must say which methods would
 * do.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api/serve.h"
#include "core/arena.h"
#include "http/route.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The next NUL-terminated piece of the input, or "" past its end. */
static const char *
piece(const char **p, const char *end)
{
	const char	*s = *p;
	const char	*nul;

	if (s >= end)
		return NULL;
	nul = memchr(s, '\0', (size_t)(end - s));
	*p = nul == NULL ? end : nul + 1;
	return s;
}

static void
one(struct tix_arena *a, const char *method, const char *path,
    const char *uri, const struct tix_route *routes, size_t n)
{
	struct tix_req		 r;
	const struct tix_route	*route;
	size_t			 i;

	memset(&r, 0, sizeof(r));
	r.arena = a;
	r.method = tix_method_parse(method);
	r.path = path;
	r.request_uri = uri;
	switch (tix_route_find(&r, routes, n, &route)) {
	case TIX_OK:
		if (route == NULL || r.nargs > TIX_MAX_ROUTE_ARGS)
			abort();
		if (uri != NULL && (strstr(uri, "%2F") != NULL ||
		    strstr(uri, "%2f") != NULL) &&
		    strchr(uri, '?') == NULL)
			abort();
		for (i = 0; i < r.nargs; i++)
			if (r.args[i][0] == '\0' ||
			    strchr(r.args[i], '/') != NULL)
				abort();
		break;
	case TIX_EMETHOD:
		if (r.allow == NULL || r.allow[0] == '\0')
			abort();
		break;
	case TIX_ENOTFOUND:
	case TIX_ENOMEM:
		break;
	default:
		abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tix_arena	 a;
	char			*copy;
	const char		*p, *end, *method, *path, *uri;

	copy = malloc(size + 1);
	if (copy == NULL)
		return 0;
	memcpy(copy, data, size);
	copy[size] = '\0';
	p = copy;
	end = copy + size;
	method = piece(&p, end);
	path = piece(&p, end);
	uri = piece(&p, end);
	tix_arena_init(&a);
	one(&a, method, path, uri, tix_auth_routes, tix_auth_nroutes);
	one(&a, method, path, uri, tix_ticket_routes, tix_ticket_nroutes);
	one(&a, method, path, uri, tix_file_routes, tix_file_nroutes);
	tix_arena_reset(&a);
	free(copy);
	return 0;
}
