/*
 * buf.c: a growable byte buffer with a hard maximum (curl's dynbuf).
 *
 * Invariants: len <= max; when data is not NULL, alloc > len and
 * data[len] is NUL.  A failed append (TIX_ETOOBIG, TIX_ENOMEM) leaves
 * data, len and alloc as they were.  The allocation grows by doubling
 * from 64 bytes and never beyond max + 1.
 *
 * The buffer holds bytes, not text: it neither checks nor escapes
 * what is appended (tix_buf_add_cut only finds where a UTF-8 character
 * starts).
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"

#define TIX_BUF_MIN	64

void
tix_buf_init(struct tix_buf *b, size_t max)
{
	b->data = NULL;
	b->len = 0;
	b->alloc = 0;
	b->max = max;
}

void
tix_buf_free(struct tix_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = 0;
	b->alloc = 0;
}

void
tix_buf_clear(struct tix_buf *b)
{
	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

/*
 * Make room for n more bytes and the NUL.  Fails without touching b.
 */
static enum tix_err
buf_reserve(struct tix_buf *b, size_t n)
{
	size_t	 need, sz;
	char	*p;

	if (n > b->max || b->len > b->max - n)
		return TIX_ETOOBIG;
	need = b->len + n;		/* <= max */
	if (need == SIZE_MAX)
		return TIX_ETOOBIG;
	need++;				/* the NUL */
	if (b->data != NULL && need <= b->alloc)
		return TIX_OK;

	sz = b->alloc != 0 ? b->alloc : TIX_BUF_MIN;
	while (sz < need) {
		if (sz > SIZE_MAX / 2) {
			sz = need;
			break;
		}
		sz *= 2;
	}
	/* Written as sz - 1 so that max == SIZE_MAX cannot wrap. */
	if (sz - 1 > b->max)
		sz = b->max + 1;

	p = realloc(b->data, sz);
	if (p == NULL)
		return TIX_ENOMEM;
	if (b->data == NULL)
		p[0] = '\0';
	b->data = p;
	b->alloc = sz;
	return TIX_OK;
}

enum tix_err
tix_buf_add(struct tix_buf *b, const void *p, size_t n)
{
	enum tix_err	 rc;

	rc = buf_reserve(b, n);
	if (rc != TIX_OK)
		return rc;
	if (n != 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return TIX_OK;
}

enum tix_err
tix_buf_adds(struct tix_buf *b, const char *s)
{
	return tix_buf_add(b, s, strlen(s));
}

enum tix_err
tix_buf_add_cut(struct tix_buf *b, const char *s, size_t n)
{
	size_t room = b->max > b->len ? b->max - b->len : 0;

	if (n > room) {
		/* s[n] is a byte of s: back off to where a character starts. */
		n = room;
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
	}
	return n > 0 ? tix_buf_add(b, s, n) : TIX_OK;
}

enum tix_err
tix_buf_printf(struct tix_buf *b, const char *fmt, ...)
{
	va_list		 ap;
	int		 len;
	enum tix_err	 rc;

	va_start(ap, fmt);
	len = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (len < 0)
		return TIX_EINTERNAL;

	rc = buf_reserve(b, (size_t)len);
	if (rc != TIX_OK)
		return rc;

	va_start(ap, fmt);
	len = vsnprintf(b->data + b->len, b->alloc - b->len, fmt, ap);
	va_end(ap);
	if (len < 0) {
		b->data[b->len] = '\0';
		return TIX_EINTERNAL;
	}
	b->len += (size_t)len;
	return TIX_OK;
}
