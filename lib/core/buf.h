/*
 * buf.h: a growable byte buffer with a hard maximum (curl's dynbuf).
 *
 * The buffer always keeps a NUL after its contents so that it can be used
 * as a C string; the NUL is not counted in len.  Appending past max
 * returns TIX_ETOOBIG and leaves the buffer as it was.
 */
#ifndef TIX_CORE_BUF_H
#define TIX_CORE_BUF_H

#include <stddef.h>

#include "err.h"

struct tix_buf {
	char	*data;	/* owned; NULL until the first append */
	size_t	 len;
	size_t	 alloc;
	size_t	 max;
};

void		tix_buf_init(struct tix_buf *b, size_t max);
void		tix_buf_free(struct tix_buf *b);	/* accepts a zeroed buf */
void		tix_buf_clear(struct tix_buf *b);	/* keeps the memory */
enum tix_err	tix_buf_add(struct tix_buf *b, const void *p, size_t n);
enum tix_err	tix_buf_adds(struct tix_buf *b, const char *s);
/* As much of the n bytes of UTF-8 s as fits below max, cut at the start
 * of a character: TIX_OK with less (or nothing) rather than TIX_ETOOBIG. */
enum tix_err	tix_buf_add_cut(struct tix_buf *b, const char *s, size_t n);
enum tix_err	tix_buf_printf(struct tix_buf *b, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));

#endif
