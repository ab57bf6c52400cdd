/*
 * name.c: cleaning file names and writing Content-Disposition (name.h).
 */
#include <string.h>

#include "core/limits.h"
#include "core/str.h"
#include "files/name.h"

/* Length of the UTF-8 sequence starting with c (s is valid UTF-8). */
static size_t
seq_len(unsigned char c)
{
	if (c < 0x80)
		return 1;
	if (c < 0xe0)
		return 2;
	if (c < 0xf0)
		return 3;
	return 4;
}

/* Characters dropped from names: C0, DEL, C1, quotes, backslash, and
 * the bidirectional overrides and isolates that can make "gnp.exe" look
 * like "exe.png" (U+202A..U+202E, U+2066..U+2069). */
static bool
dropped(const unsigned char *p, size_t len)
{
	if (len == 1)
		return p[0] < 0x20 || p[0] == 0x7f || p[0] == '"' ||
		    p[0] == '\'' || p[0] == '`' || p[0] == '\\';
	if (len == 2)
		return p[0] == 0xc2 && p[1] < 0xa0;
	if (len == 3 && p[0] == 0xe2 && p[1] == 0x80)
		return p[2] >= 0xaa && p[2] <= 0xae;
	if (len == 3 && p[0] == 0xe2 && p[1] == 0x81)
		return p[2] >= 0xa6 && p[2] <= 0xa9;
	return false;
}

enum tix_err
tix_file_name_clean(struct tix_arena *a, const char *raw, size_t n,
    const char **out)
{
	const unsigned char	*p;
	char			*buf, *dot;
	size_t			 i, len, o = 0, ext, keep;

	*out = NULL;
	if (!tix_utf8_valid(raw, n))
		return TIX_EBADREQ;
	/* The last path segment, whichever separator the client uses. */
	for (i = n; i > 0; i--)
		if (raw[i - 1] == '/' || raw[i - 1] == '\\')
			break;
	raw += i;
	n -= i;
	buf = tix_arena_alloc(a, n + 1);
	if (buf == NULL)
		return TIX_ENOMEM;
	for (i = 0; i < n; i += len) {
		p = (const unsigned char *)raw + i;
		len = seq_len(p[0]);
		if (!dropped(p, len)) {
			memcpy(buf + o, p, len);
			o += len;
		}
	}
	buf[o] = '\0';
	/* Leading and trailing spaces and dots hide the real name. */
	while (o > 0 && (buf[o - 1] == ' ' || buf[o - 1] == '.'))
		buf[--o] = '\0';
	i = strspn(buf, " ");
	memmove(buf, buf + i, o - i + 1);
	o -= i;
	if (o == 0)
		return TIX_EBADREQ;
	if (o > TIX_MAX_FILENAME) {
		/* Shorten the stem on a character boundary, keep the
		 * extension (if it is short enough to be one). */
		dot = strrchr(buf, '.');
		ext = dot == NULL ? 0 : o - (size_t)(dot - buf);
		if (ext > 16)
			ext = 0;
		keep = TIX_MAX_FILENAME - ext;
		while (keep > 0 && ((unsigned char)buf[keep] & 0xc0) == 0x80)
			keep--;
		memmove(buf + keep, buf + o - ext, ext + 1);
	}
	*out = buf;
	return TIX_OK;
}

/* RFC 5987 attr-char. */
static bool
attr_char(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z') || (c != '\0' &&
	    strchr("!#$&+-.^_`|~", c) != NULL);
}

const char *
tix_file_disposition(struct tix_arena *a, const char *name)
{
	static const char	 hex[] = "0123456789ABCDEF";
	static const char	 pre[] = "attachment; filename*=UTF-8''";
	size_t			 n = strlen(name), i, o;
	char			*buf;
	unsigned char		 c;

	buf = tix_arena_alloc(a, sizeof(pre) + 3 * n);
	if (buf == NULL)
		return NULL;
	memcpy(buf, pre, sizeof(pre) - 1);
	o = sizeof(pre) - 1;
	for (i = 0; i < n; i++) {
		c = (unsigned char)name[i];
		if (attr_char(c))
			buf[o++] = (char)c;
		else {
			buf[o++] = '%';
			buf[o++] = hex[c >> 4];
			buf[o++] = hex[c & 15];
		}
	}
	buf[o] = '\0';
	return buf;
}
