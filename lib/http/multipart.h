/*
 * multipart.h: an incremental multipart/form-data parser (RFC 7578 over
 * RFC 2046 section 5.1).
 *
 * Pure: no I/O and no allocation.  The caller feeds the body in pieces
 * of any size, as they arrive, and the parser calls back for each part's
 * start (with its name and file name), for its data (in pieces, never
 * held back more than the length of the delimiter) and for its end.  So
 * a body of any size goes through in constant memory: the struct itself,
 * about 8 KiB for the part headers.
 *
 * Strict, since everything that reaches it came off the network: a
 * body that is not exactly preamble, parts and a closing delimiter is
 * TIX_EBADREQ, as are part headers over TIX_MAX_PART_HEADERS, header
 * lines without CRLF or folded, a part without Content-Disposition:
 * form-data and a name, repeated parameters or headers, and a
 * Content-Transfer-Encoding other than the identity ones.  The preamble
 * and the epilogue are ignored (RFC 2046).  Quoted parameter values are
 * taken literally up to the next '"' (browsers percent-encode a quote in
 * a file name; a backslash is a Windows path separator, not an escape).
 * Content-Type of a part is ignored: the caller decides types itself.
 *
 * Errors are sticky: after the first one (the parser's or a callback's),
 * every call returns it again.
 */
#ifndef TIX_HTTP_MULTIPART_H
#define TIX_HTTP_MULTIPART_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"
#include "core/limits.h"
#include "core/str.h"

/* RFC 2046: a boundary is 1 to 70 characters. */
#define TIX_MP_MAX_BOUNDARY	70

/* A part's Content-Disposition; the strings point into the parser and
 * live only during the part_begin call.  They are not NUL-terminated. */
struct tix_mp_part {
	struct tix_str	 name;
	struct tix_str	 filename;	/* p == NULL: none was given */
};

struct tix_mp_cb {
	enum tix_err	(*part_begin)(void *arg,
			    const struct tix_mp_part *p);
	enum tix_err	(*part_data)(void *arg, const char *p, size_t n);
	enum tix_err	(*part_end)(void *arg);
};

struct tix_mp {
	const struct tix_mp_cb	*cb;
	void			*arg;
	/* CRLF "--" boundary */
	char			 delim[4 + TIX_MP_MAX_BOUNDARY];
	size_t			 delim_len;
	size_t			 match;	/* delim bytes matched */
	int			 state;
	size_t			 lwsp;	/* padding seen */
	bool			 in_part;
	enum tix_err		 err;
	size_t			 hdr_len;
	char			 hdr[TIX_MAX_PART_HEADERS];
};

/*
 * The boundary parameter of a Content-Type "multipart/form-data; ...".
 * out points into content_type.  TIX_EBADREQ when the type is another,
 * or the boundary is missing, empty, longer than 70 or has characters
 * RFC 2046 does not allow.
 */
enum tix_err	tix_mp_boundary(const char *content_type,
		    struct tix_str *out);

/* Start parsing a body with this boundary (checked by tix_mp_boundary). */
void		tix_mp_init(struct tix_mp *mp, struct tix_str boundary,
		    const struct tix_mp_cb *cb, void *arg);

/* The next n bytes of the body.  TIX_OK or the first error. */
enum tix_err	tix_mp_feed(struct tix_mp *mp, const char *p, size_t n);

/* The body ended: TIX_EBADREQ unless the closing delimiter was seen. */
enum tix_err	tix_mp_finish(struct tix_mp *mp);

#endif
