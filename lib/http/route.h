/*
 * route.h: the exact route table of a worker.
 *
 * A pattern is a path whose "{}" segments match one non-empty segment
 * (captured into r->args).  Nothing else matches: no prefixes, no
 * trailing slashes, no encoded slashes (security.md #11).  The path is
 * nginx's DOCUMENT_URI, in which %2F has already become "/": a request
 * whose REQUEST_URI (as the client sent it) has an encoded slash in its
 * path is TIX_ENOTFOUND whatever the decoded path would match, so that
 * "/api/tickets%2FTICK-1" is no way to reach "/api/tickets/{}".
 */
#ifndef TIX_HTTP_ROUTE_H
#define TIX_HTTP_ROUTE_H

#include <stdbool.h>
#include <stddef.h>

#include "http/req.h"

typedef enum tix_err (*tix_handler)(struct tix_req *r);

struct tix_route {
	unsigned	 methods;	/* enum tix_method bits */
	const char	*pattern;
	tix_handler	 handler;
	bool		 public;	/* true: no login needed */
};

/*
 * Find the route for r->method and r->path.  On success *out is the
 * route and r->args holds the captured segments.  TIX_ENOTFOUND when no
 * pattern matches the path; TIX_EMETHOD when one does but not with this
 * method (r->allow then lists the methods that would).
 */
enum tix_err	tix_route_find(struct tix_req *r, const struct tix_route *routes,
		    size_t n, const struct tix_route **out);

/* The method enum for a REQUEST_METHOD string (HEAD is routed as GET). */
enum tix_method	tix_method_parse(const char *s);

#endif
