/*
 * query.h: application/x-www-form-urlencoded query strings and the Cookie
 * header.  Pure code: no FastCGI here, so it is unit tested and fuzzed.
 */
#ifndef TIX_HTTP_QUERY_H
#define TIX_HTTP_QUERY_H

#include <stddef.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/str.h"

struct tix_param_kv {
	const char	*name;	/* decoded, NUL-terminated, in the arena */
	const char	*value;	/* decoded, NUL-terminated, in the arena */
	size_t		 value_len;
};

struct tix_query {
	struct tix_param_kv	*params;	/* in the arena */
	size_t			 n;
};

/*
 * Parse a query string (without the '?'), n bytes.  '+' is a space and
 * %XX a byte.  Rejected with TIX_EBADREQ: more than TIX_MAX_QUERY bytes or
 * TIX_MAX_QUERY_PARAMS parameters, a bad %-escape, a decoded NUL, invalid
 * UTF-8 in a name or value, an empty name, a name used twice, and a name
 * with '[' or ']' (no array syntax).  "a" alone is a with an empty value.
 * Empty segments ("a=1&&b=2") are skipped.  On failure *out is zeroed.
 */
enum tix_err	tix_query_parse(struct tix_arena *a, const char *s, size_t n,
		    struct tix_query *out);
/* The value of name, or NULL when absent.  Borrowed from q. */
const struct tix_param_kv *tix_query_get(const struct tix_query *q,
		    const char *name);

/*
 * Find cookie name in a Cookie header value (RFC 6265 section 4.2:
 * "a=b; c=d").  On success out borrows from header.  Returns TIX_ENOTFOUND
 * when absent (or header is NULL), TIX_EBADREQ when the header is longer
 * than TIX_MAX_COOKIE or the cookie appears twice.
 */
enum tix_err	tix_cookie_get(const char *header, const char *name,
		    struct tix_str *out);

#endif
