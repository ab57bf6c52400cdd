/*
 * str.c: checks on text that came off the wire.
 *
 * Everything here works on (pointer, length) pairs, never reads past the
 * length, never allocates and never depends on the locale.  UTF-8 is
 * checked against RFC 3629 section 4 (Unicode's table 3-7), which rules
 * out overlong forms, surrogates and code points above U+10FFFF; we also
 * refuse NUL, which C strings cannot carry.
 *
 * Deliberately absent: normalisation, case folding beyond ASCII, and any
 * repair of bad input.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/str.h"

/*
 * Length of the well-formed UTF-8 sequence at s (at most n bytes), or 0
 * when the bytes there are not one.
 */
static size_t
utf8_seq(const unsigned char *s, size_t n)
{
	unsigned char	 c = s[0];
	unsigned char	 lo = 0x80, hi = 0xbf;
	size_t		 len, i;

	if (c == 0x00)
		return 0;
	if (c < 0x80)
		return 1;
	if (c < 0xc2)			/* continuation, or overlong C0 C1 */
		return 0;
	if (c < 0xe0)
		len = 2;
	else if (c < 0xf0) {
		len = 3;
		if (c == 0xe0)
			lo = 0xa0;	/* overlong below U+0800 */
		else if (c == 0xed)
			hi = 0x9f;	/* surrogates U+D800..U+DFFF */
	} else if (c < 0xf5) {
		len = 4;
		if (c == 0xf0)
			lo = 0x90;	/* overlong below U+10000 */
		else if (c == 0xf4)
			hi = 0x8f;	/* above U+10FFFF */
	} else
		return 0;

	if (n < len)
		return 0;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return len;
}

bool
tix_utf8_valid(const char *s, size_t n)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i = 0, len;

	while (i < n) {
		len = utf8_seq(p + i, n - i);
		if (len == 0)
			return false;
		i += len;
	}
	return true;
}

size_t
tix_utf8_len(const char *s, size_t n)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i, count = 0;

	for (i = 0; i < n; i++)
		if ((p[i] & 0xc0) != 0x80)
			count++;
	return count;
}

bool
tix_has_control(const char *s, size_t n, bool allow_newlines)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i;

	for (i = 0; i < n; i++) {
		if (p[i] < 0x20) {
			if (allow_newlines &&
			    (p[i] == '\n' || p[i] == '\r' || p[i] == '\t'))
				continue;
			return true;
		}
		if (p[i] == 0x7f)
			return true;
		/* C1 controls U+0080..U+009F are C2 80..C2 9F in UTF-8. */
		if (p[i] == 0xc2 && i + 1 < n && p[i + 1] >= 0x80 &&
		    p[i + 1] <= 0x9f)
			return true;
	}
	return false;
}

bool
tix_parse_int64(const char *s, size_t n, bool allow_neg, int64_t *out)
{
	uint64_t	 v = 0, limit = INT64_MAX;
	size_t		 i = 0;
	bool		 neg = false;
	unsigned int	 d;

	if (n > 0 && s[0] == '-') {
		if (!allow_neg)
			return false;
		neg = true;
		limit = (uint64_t)INT64_MAX + 1;
		i = 1;
	}
	if (i == n)
		return false;
	if (s[i] == '0' && n - i > 1)
		return false;		/* leading zero */

	for (; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		d = (unsigned int)(s[i] - '0');
		if (v > (limit - d) / 10)
			return false;
		v = v * 10 + d;
	}

	if (!neg)
		*out = (int64_t)v;
	else if (v == (uint64_t)INT64_MAX + 1)
		*out = INT64_MIN;
	else
		*out = -(int64_t)v;
	return true;
}

bool
tix_mem_equal(const void *a, const void *b, size_t n)
{
	const volatile unsigned char	*pa = a, *pb = b;
	unsigned char			 diff = 0;
	size_t				 i;

	for (i = 0; i < n; i++)
		diff |= pa[i] ^ pb[i];
	return diff == 0;
}

static unsigned char
ascii_lower(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return (unsigned char)(c - 'A' + 'a');
	return c;
}

bool
tix_str_ieq(const char *s, size_t n, const char *lit)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		if (lit[i] == '\0')
			return false;
		if (ascii_lower((unsigned char)s[i]) !=
		    ascii_lower((unsigned char)lit[i]))
			return false;
	}
	return lit[n] == '\0';
}

int
tix_hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}
