/*
 * str.h: checks on text that came off the wire.
 *
 * All functions take a pointer and a length; none needs a NUL terminator
 * and none allocates.
 */
#ifndef TIX_CORE_STR_H
#define TIX_CORE_STR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Length-carrying string, borrowed unless said otherwise. */
struct tix_str {
	const char	*p;
	size_t		 n;
};

/*
 * True when s is well-formed UTF-8 (RFC 3629): no overlong forms, no
 * surrogates (U+D800..U+DFFF), nothing above U+10FFFF, and no NUL byte.
 */
bool	tix_utf8_valid(const char *s, size_t n);
/* Number of code points in valid UTF-8 s. */
size_t	tix_utf8_len(const char *s, size_t n);
/*
 * True when s contains a control character: C0 (U+0000..U+001F), DEL, or
 * C1 (U+0080..U+009F).  allow_newlines lets \n, \r and \t through, for
 * multi-line fields.  s must be valid UTF-8.
 */
bool	tix_has_control(const char *s, size_t n, bool allow_newlines);
/* Strict decimal: optional leading '-' only if allow_neg, no '+', no
 * spaces, no leading zeros beyond "0", fits in int64.  */
bool	tix_parse_int64(const char *s, size_t n, bool allow_neg, int64_t *out);
/* Constant-time comparison of two equal-length byte strings. */
bool	tix_mem_equal(const void *a, const void *b, size_t n);
/* ASCII-only case-insensitive equality of s (length n) and NUL-terminated lit. */
bool	tix_str_ieq(const char *s, size_t n, const char *lit);
/* The value of hexadecimal digit c (either case), or -1. */
int	tix_hex_digit(int c);

#endif
