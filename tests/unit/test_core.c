/*
 * test_core.c: unit tests of lib/core: error names, the arena, the
 * bounded buffer, the text checks of str.c and the log line format.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/addr.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/limits.h"
#include "core/log.h"
#include "core/str.h"

/* A byte string whose length comes from the literal, NULs included. */
#define S(lit)	lit, sizeof(lit) - 1

static void
test_err_name(void **state)
{
	int	 rc;

	(void)state;
	for (rc = TIX_OK; rc <= TIX_EINTERNAL; rc++) {
		assert_non_null(tix_err_name((enum tix_err)rc));
		assert_string_not_equal(tix_err_name((enum tix_err)rc),
		    "unknown");
	}
	assert_string_equal(tix_err_name(TIX_OK), "ok");
	assert_string_equal(tix_err_name(TIX_EBADREQ), "badreq");
	assert_string_equal(tix_err_name(TIX_EINTERNAL), "internal");
	assert_string_equal(tix_err_name((enum tix_err)999), "unknown");
	assert_string_equal(tix_err_name((enum tix_err)-1), "unknown");
}

static void
test_arena_alloc(void **state)
{
	struct tix_arena	 a;
	unsigned char		*p;
	size_t			 sizes[] = { 0, 1, 15, 16, 17, 100, 2047,
				    2048, 2049, 8192, 8193, 100000 };
	size_t			 i, k, round;

	(void)state;
	tix_arena_init(&a);
	for (round = 0; round < 2; round++) {
		for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
			p = tix_arena_alloc(&a, sizes[i]);
			assert_non_null(p);
			assert_int_equal((uintptr_t)p % 16, 0);
			for (k = 0; k < sizes[i]; k++)
				assert_int_equal(p[k], 0);
			memset(p, 0xa5, sizes[i]);
		}
		/* Many small ones across several blocks. */
		for (i = 0; i < 2000; i++) {
			p = tix_arena_alloc(&a, 24);
			assert_non_null(p);
			assert_int_equal((uintptr_t)p % 16, 0);
			assert_int_equal(p[0] | p[23], 0);
			memset(p, 0x5a, 24);
		}
		assert_true(a.used >= 2000 * 32);
		tix_arena_reset(&a);
		assert_null(a.head);
		assert_int_equal(a.used, 0);
	}
}

/* The tests' fault injection: the n-th allocation fails, no other. */
static void
test_arena_fail_at(void **state)
{
	struct tix_arena	 a;

	(void)state;
	tix_arena_init(&a);
	tix_arena_fail_at(&a, 3);
	assert_non_null(tix_arena_alloc(&a, 10));
	assert_non_null(tix_arena_strdup(&a, "two"));
	assert_null(tix_arena_alloc(&a, 10));
	assert_non_null(tix_arena_alloc(&a, 10));
	assert_int_equal(a.allocs, 4);
	/* A reset ends it: the next request allocates freely. */
	tix_arena_reset(&a);
	assert_int_equal(a.fail_at, 0);
	assert_non_null(tix_arena_alloc(&a, 10));
	assert_non_null(tix_arena_alloc(&a, 10));
	assert_non_null(tix_arena_alloc(&a, 10));
	tix_arena_reset(&a);
}

static void
test_arena_cap(void **state)
{
	struct tix_arena	 a;

	(void)state;
	tix_arena_init(&a);
	a.cap = 4096;
	assert_non_null(tix_arena_alloc(&a, 4000));	/* a multiple of 16 */
	assert_non_null(tix_arena_alloc(&a, 96));	/* exactly at the cap */
	assert_int_equal(a.used, 4096);
	assert_null(tix_arena_alloc(&a, 1));
	tix_arena_reset(&a);
	assert_non_null(tix_arena_alloc(&a, 4096));
	tix_arena_reset(&a);
	assert_null(tix_arena_alloc(&a, 4097));
	assert_null(tix_arena_alloc(&a, SIZE_MAX));
	assert_null(tix_arena_strndup(&a, "x", SIZE_MAX));

	/* The default cap is TIX_MAX_ARENA. */
	a.cap = 0;
	assert_null(tix_arena_alloc(&a, (size_t)TIX_MAX_ARENA + 1));
	assert_null(tix_arena_alloc(&a, SIZE_MAX - 8));
	tix_arena_reset(&a);
}

static void
test_arena_strings(void **state)
{
	struct tix_arena	 a;
	const char		 raw[] = { 'a', 'b', 'c', 'd' };
	char			*p;

	(void)state;
	tix_arena_init(&a);
	p = tix_arena_strndup(&a, raw, 3);	/* no NUL in the source */
	assert_string_equal(p, "abc");
	p = tix_arena_strndup(&a, NULL, 0);
	assert_string_equal(p, "");
	assert_null(tix_arena_strndup(&a, NULL, 1));
	p = tix_arena_strdup(&a, "hello");
	assert_string_equal(p, "hello");
	assert_null(tix_arena_strdup(&a, NULL));
	p = tix_arena_printf(&a, "%s-%d-%05.1f", "x", 42, 1.25);
	assert_string_equal(p, "x-42-001.2");
	p = tix_arena_printf(&a, "%s", "");
	assert_string_equal(p, "");
	tix_arena_reset(&a);
}

static void
test_buf_basic(void **state)
{
	struct tix_buf	 b;
	size_t		 i;

	(void)state;
	tix_buf_init(&b, 1 << 20);
	assert_null(b.data);
	assert_int_equal(tix_buf_adds(&b, "hello"), TIX_OK);
	assert_int_equal(tix_buf_add(&b, ", ", 2), TIX_OK);
	assert_int_equal(tix_buf_printf(&b, "%s %d", "world", 7), TIX_OK);
	assert_int_equal(b.len, 14);
	assert_string_equal(b.data, "hello, world 7");
	assert_int_equal(b.data[b.len], '\0');
	assert_int_equal(tix_buf_add(&b, "", 0), TIX_OK);
	assert_int_equal(b.len, 14);

	/* Growth keeps the contents and the NUL. */
	for (i = 0; i < 10000; i++)
		assert_int_equal(tix_buf_add(&b, "0123456789", 10), TIX_OK);
	assert_int_equal(b.len, 14 + 100000);
	assert_int_equal(strlen(b.data), b.len);
	assert_memory_equal(b.data + b.len - 10, "0123456789", 10);
	assert_true(b.alloc > b.len);

	tix_buf_clear(&b);
	assert_int_equal(b.len, 0);
	assert_non_null(b.data);
	assert_string_equal(b.data, "");
	tix_buf_free(&b);
	assert_null(b.data);
	tix_buf_free(&b);		/* twice is fine */

	/* An empty add still yields a C string. */
	tix_buf_init(&b, 10);
	assert_int_equal(tix_buf_add(&b, NULL, 0), TIX_OK);
	assert_non_null(b.data);
	assert_string_equal(b.data, "");
	tix_buf_free(&b);

	/* A zeroed struct is a valid argument to free and clear. */
	memset(&b, 0, sizeof(b));
	tix_buf_clear(&b);
	tix_buf_free(&b);
}

static void
test_buf_max(void **state)
{
	struct tix_buf	 b;
	char		*data;
	size_t		 alloc;

	(void)state;
	tix_buf_init(&b, 8);
	assert_int_equal(tix_buf_adds(&b, "12345"), TIX_OK);
	data = b.data;
	alloc = b.alloc;
	assert_true(alloc <= 9);

	/* Past max: refused, buffer unchanged. */
	assert_int_equal(tix_buf_adds(&b, "6789"), TIX_ETOOBIG);
	assert_int_equal(b.len, 5);
	assert_ptr_equal(b.data, data);
	assert_int_equal(b.alloc, alloc);
	assert_string_equal(b.data, "12345");
	assert_int_equal(tix_buf_printf(&b, "%d", 1234), TIX_ETOOBIG);
	assert_string_equal(b.data, "12345");
	assert_int_equal(tix_buf_add(&b, "x", SIZE_MAX), TIX_ETOOBIG);
	assert_int_equal(tix_buf_add(&b, "x", SIZE_MAX - 4), TIX_ETOOBIG);
	assert_string_equal(b.data, "12345");

	/* Exactly max is fine. */
	assert_int_equal(tix_buf_printf(&b, "%d", 678), TIX_OK);
	assert_int_equal(b.len, 8);
	assert_string_equal(b.data, "12345678");
	assert_int_equal(tix_buf_add(&b, "", 0), TIX_OK);
	assert_int_equal(tix_buf_add(&b, "x", 1), TIX_ETOOBIG);
	assert_string_equal(b.data, "12345678");
	tix_buf_free(&b);

	/* max 0 holds only the empty string. */
	tix_buf_init(&b, 0);
	assert_int_equal(tix_buf_add(&b, "x", 1), TIX_ETOOBIG);
	assert_null(b.data);
	assert_int_equal(tix_buf_add(&b, "", 0), TIX_OK);
	assert_string_equal(b.data, "");
	tix_buf_free(&b);

	/* A huge max must not wrap the allocation size. */
	tix_buf_init(&b, SIZE_MAX);
	assert_int_equal(tix_buf_adds(&b, "abc"), TIX_OK);
	assert_int_equal(tix_buf_add(&b, "x", SIZE_MAX), TIX_ETOOBIG);
	assert_int_equal(tix_buf_add(&b, "x", SIZE_MAX - 3), TIX_ETOOBIG);
	assert_string_equal(b.data, "abc");
	tix_buf_free(&b);
}

static void
test_buf_add_cut(void **state)
{
	struct tix_buf	 b;

	(void)state;
	tix_buf_init(&b, 8);
	/* What fits goes in whole, invalid UTF-8 or not. */
	assert_int_equal(tix_buf_add_cut(&b, "ab", 2), TIX_OK);
	assert_int_equal(tix_buf_add_cut(&b, "\x80", 1), TIX_OK);
	assert_int_equal(b.len, 3);
	/* "d\u00e9j\u00e0" is 6 bytes and 5 are left: cut before the
	 * 2-byte \u00e0, not in it. */
	assert_int_equal(tix_buf_add_cut(&b, "d\xc3\xa9j\xc3\xa0", 6),
	    TIX_OK);
	assert_int_equal(b.len, 7);
	assert_memory_equal(b.data, "ab\x80" "d\xc3\xa9j", 7);
	/* One byte left: a 3-byte character does not go in at all; an
	 * ASCII one does; then the buffer is full, and that is no error. */
	assert_int_equal(tix_buf_add_cut(&b, "\xe2\x82\xac", 3), TIX_OK);
	assert_int_equal(b.len, 7);
	assert_int_equal(tix_buf_add_cut(&b, "xyz", 3), TIX_OK);
	assert_int_equal(b.len, 8);
	assert_string_equal(b.data + 7, "x");
	assert_int_equal(tix_buf_add_cut(&b, "q", 1), TIX_OK);
	assert_int_equal(tix_buf_add_cut(&b, "", 0), TIX_OK);
	assert_int_equal(b.len, 8);
	tix_buf_free(&b);

	/* Exactly to max, a character at the end. */
	tix_buf_init(&b, 4);
	assert_int_equal(tix_buf_add_cut(&b, "a\xe2\x82\xac", 4), TIX_OK);
	assert_int_equal(b.len, 4);
	tix_buf_clear(&b);
	/* The cut falls after a character: all of it, none of the '!'. */
	assert_int_equal(tix_buf_add_cut(&b, "\xf0\x9f\x98\x80!", 5),
	    TIX_OK);
	assert_int_equal(b.len, 4);
	assert_string_equal(b.data, "\xf0\x9f\x98\x80");
	tix_buf_free(&b);
	/* A cut that leaves nothing adds nothing (not even the memory). */
	tix_buf_init(&b, 3);
	assert_int_equal(tix_buf_add_cut(&b, "\xf0\x9f\x98\x80", 4), TIX_OK);
	assert_int_equal(b.len, 0);
	assert_null(b.data);
	tix_buf_free(&b);
}

struct utf8_case {
	const char	*s;
	size_t		 n;
	bool		 ok;
	size_t		 ncp;
};

static void
test_utf8(void **state)
{
	static const struct utf8_case	 cases[] = {
		{ S(""), true, 0 },
		{ S("plain ascii"), true, 11 },
		{ S("\x7f"), true, 1 },
		{ S("\xc2\x80"), true, 1 },		/* U+0080 */
		{ S("\xc3\xa9t\xc3\xa9"), true, 3 },	/* été */
		{ S("\xdf\xbf"), true, 1 },		/* U+07FF */
		{ S("\xe0\xa0\x80"), true, 1 },		/* U+0800 */
		{ S("\xe2\x82\xac"), true, 1 },		/* euro */
		{ S("\xed\x9f\xbf"), true, 1 },		/* U+D7FF */
		{ S("\xee\x80\x80"), true, 1 },		/* U+E000 */
		{ S("\xef\xbf\xbf"), true, 1 },		/* U+FFFF */
		{ S("\xf0\x90\x80\x80"), true, 1 },	/* U+10000 */
		{ S("\xf0\x9f\x98\x80"), true, 1 },	/* emoji */
		{ S("\xf4\x8f\xbf\xbf"), true, 1 },	/* U+10FFFF */
		{ S("a\xe2\x82\xac" "b\xf0\x9f\x98\x80"), true, 4 },
		{ S("\x00"), false, 0 },		/* NUL */
		{ S("a\x00" "b"), false, 0 },
		{ S("\x80"), false, 0 },		/* lone continuation */
		{ S("\xbf"), false, 0 },
		{ S("\xc0\xaf"), false, 0 },		/* overlong '/' */
		{ S("\xc0\x80"), false, 0 },		/* overlong NUL */
		{ S("\xc1\xbf"), false, 0 },
		{ S("\xe0\x80\xaf"), false, 0 },	/* overlong, 3 bytes */
		{ S("\xe0\x9f\xbf"), false, 0 },
		{ S("\xf0\x80\x80\xaf"), false, 0 },	/* overlong, 4 bytes */
		{ S("\xf0\x8f\xbf\xbf"), false, 0 },
		{ S("\xed\xa0\x80"), false, 0 },	/* U+D800 */
		{ S("\xed\xbf\xbf"), false, 0 },	/* U+DFFF */
		{ S("\xed\xa0\xbd\xed\xb8\x80"), false, 0 }, /* CESU-8 */
		{ S("\xf4\x90\x80\x80"), false, 0 },	/* U+110000 */
		{ S("\xf5\x80\x80\x80"), false, 0 },
		{ S("\xf8\x88\x80\x80\x80"), false, 0 },	/* 5 bytes */
		{ S("\xfe"), false, 0 },
		{ S("\xff"), false, 0 },
		{ S("\xc3"), false, 0 },		/* truncated */
		{ S("\xe2\x82"), false, 0 },
		{ S("\xf0\x9f\x98"), false, 0 },
		{ S("\xc3" "a"), false, 0 },		/* bad continuation */
		{ S("\xe2\x28\xa1"), false, 0 },
		{ S("\xf0\x9f\x98\x28"), false, 0 },
		{ S("ok\xc3\xa9\xff"), false, 0 },
	};
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (tix_utf8_valid(cases[i].s, cases[i].n) != cases[i].ok)
			fail_msg("utf8 case %zu", i);
		if (cases[i].ok &&
		    tix_utf8_len(cases[i].s, cases[i].n) != cases[i].ncp)
			fail_msg("utf8 length case %zu", i);
	}
	/* The length is respected: bytes past n are not read. */
	assert_true(tix_utf8_valid("ab\xff", 2));
	assert_false(tix_utf8_valid("\xc3\xa9", 1));
}

static void
test_has_control(void **state)
{
	static const struct {
		const char	*s;
		size_t		 n;
		bool		 strict;	/* allow_newlines false */
		bool		 lenient;	/* allow_newlines true */
	} cases[] = {
		{ S(""), false, false },
		{ S("Hello, world"), false, false },
		{ S("caf\xc3\xa9 \xe2\x82\xac"), false, false },
		{ S("a\nb"), true, false },
		{ S("a\r\nb"), true, false },
		{ S("a\tb"), true, false },
		{ S("a\x00" "b"), true, true },
		{ S("\x01"), true, true },
		{ S("\x1b[31m"), true, true },
		{ S("\x1f"), true, true },
		{ S("\x7f"), true, true },
		{ S("\xc2\x80"), true, true },		/* U+0080 */
		{ S("\xc2\x85"), true, true },		/* NEL */
		{ S("\xc2\x9b"), true, true },		/* CSI */
		{ S("\xc2\x9f"), true, true },		/* U+009F */
		{ S("\xc2\xa0"), false, false },	/* NBSP is not C1 */
		{ S("\xc3\x80"), false, false },
		{ S("x\vy"), true, true },
		{ S("x\fy"), true, true },
	};
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (tix_has_control(cases[i].s, cases[i].n, false) !=
		    cases[i].strict)
			fail_msg("control case %zu (strict)", i);
		if (tix_has_control(cases[i].s, cases[i].n, true) !=
		    cases[i].lenient)
			fail_msg("control case %zu (newlines)", i);
	}
}

static void
test_parse_int64(void **state)
{
	static const struct {
		const char	*s;
		bool		 allow_neg;
		bool		 ok;
		int64_t		 v;
	} cases[] = {
		{ "0", false, true, 0 },
		{ "7", false, true, 7 },
		{ "42", false, true, 42 },
		{ "1000000", false, true, 1000000 },
		{ "9223372036854775807", false, true, INT64_MAX },
		{ "9223372036854775808", false, false, 0 },
		{ "9223372036854775808", true, false, 0 },
		{ "9223372036854775810", false, false, 0 },
		{ "18446744073709551615", false, false, 0 },
		{ "18446744073709551616", false, false, 0 },
		{ "99999999999999999999999999", false, false, 0 },
		{ "-1", true, true, -1 },
		{ "-1", false, false, 0 },
		{ "-9223372036854775808", true, true, INT64_MIN },
		{ "-9223372036854775807", true, true, -INT64_MAX },
		{ "-9223372036854775809", true, false, 0 },
		{ "-0", true, true, 0 },	/* "0" with a sign */
		{ "-0", false, false, 0 },
		{ "-00", true, false, 0 },
		{ "-01", true, false, 0 },
		{ "", false, false, 0 },
		{ "", true, false, 0 },
		{ "-", true, false, 0 },
		{ "01", false, false, 0 },
		{ "00", false, false, 0 },
		{ "007", false, false, 0 },
		{ "+1", false, false, 0 },
		{ "+1", true, false, 0 },
		{ " 1", false, false, 0 },
		{ "1 ", false, false, 0 },
		{ "1a", false, false, 0 },
		{ "0x10", false, false, 0 },
		{ "1e3", false, false, 0 },
		{ "1.0", false, false, 0 },
		{ "--1", true, false, 0 },
		{ "1-", true, false, 0 },
		{ "\xd9\xa1", false, false, 0 },	/* Arabic-Indic one */
	};
	size_t	 i;
	int64_t	 v;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		v = 12345;
		if (tix_parse_int64(cases[i].s, strlen(cases[i].s),
		    cases[i].allow_neg, &v) != cases[i].ok)
			fail_msg("int64 case %zu: \"%s\"", i, cases[i].s);
		if (cases[i].ok && v != cases[i].v)
			fail_msg("int64 value %zu: \"%s\"", i, cases[i].s);
		if (!cases[i].ok && v != 12345)
			fail_msg("int64 case %zu wrote *out", i);
	}
	/* The length bounds the parse: "123" read as 2 bytes. */
	assert_true(tix_parse_int64("123", 2, false, &v));
	assert_int_equal(v, 12);
	/* An embedded NUL is not a terminator. */
	assert_false(tix_parse_int64("1\0" "2", 3, false, &v));
}

static void
test_mem_equal(void **state)
{
	(void)state;
	assert_true(tix_mem_equal("abc", "abc", 3));
	assert_false(tix_mem_equal("abc", "abd", 3));
	assert_false(tix_mem_equal("xbc", "abc", 3));
	assert_true(tix_mem_equal("abc", "abd", 2));
	assert_true(tix_mem_equal("", "", 0));
	assert_true(tix_mem_equal("a\0b", "a\0b", 3));
	assert_false(tix_mem_equal("a\0b", "a\0c", 3));
}

static void
test_hex_digit(void **state)
{
	const char	*digits = "0123456789abcdef", *upper = "ABCDEF";
	int		 c, i;

	(void)state;
	for (i = 0; i < 16; i++)
		assert_int_equal(tix_hex_digit(digits[i]), i);
	for (i = 0; i < 6; i++)
		assert_int_equal(tix_hex_digit(upper[i]), 10 + i);
	/* Every other byte, the neighbours of the ranges and the high
	 * half (as an unsigned char) included. */
	for (c = 0; c < 256; c++) {
		if (c != 0 && (strchr(digits, c) != NULL ||
		    strchr(upper, c) != NULL))
			continue;
		assert_int_equal(tix_hex_digit(c), -1);
	}
	assert_int_equal(tix_hex_digit(-1), -1);
}

static void
test_str_ieq(void **state)
{
	(void)state;
	assert_true(tix_str_ieq("Content-Type", 12, "content-type"));
	assert_true(tix_str_ieq("GET", 3, "get"));
	assert_true(tix_str_ieq("", 0, ""));
	assert_false(tix_str_ieq("GET", 3, "GETS"));
	assert_false(tix_str_ieq("GETS", 4, "GET"));
	assert_true(tix_str_ieq("GETS", 3, "get"));	/* by length */
	assert_false(tix_str_ieq("GE", 2, "get"));
	assert_false(tix_str_ieq("g\0t", 3, "g"));
	assert_false(tix_str_ieq("[", 1, "{"));		/* '[' | 0x20 */
	assert_false(tix_str_ieq("@", 1, "`"));
	/* Non-ASCII bytes compare exactly. */
	assert_true(tix_str_ieq("\xc3\xa9", 2, "\xc3\xa9"));
	assert_false(tix_str_ieq("\xc3\x89", 2, "\xc3\xa9"));
}

/* Run one tix_log() with stderr going to a file and return the line. */
static void
log_capture(char *out, size_t outsz, void (*fn)(void))
{
	FILE	*f;
	int	 saved, fd;
	size_t	 n;

	f = tmpfile();
	assert_non_null(f);
	fd = fileno(f);
	fflush(stderr);
	saved = dup(STDERR_FILENO);
	assert_true(saved >= 0);
	assert_true(dup2(fd, STDERR_FILENO) >= 0);
	fn();
	assert_true(dup2(saved, STDERR_FILENO) >= 0);
	close(saved);
	rewind(f);
	n = fread(out, 1, outsz - 1, f);
	out[n] = '\0';
	fclose(f);
}

static void
log_forged(void)
{
	tix_log_error("login failed for %s", "bob\nmyapp[1] INFO admin ok");
}

static void
log_mixed(void)
{
	tix_log_warn("%s|%c|%s", "a\\b\x1b[2J\x7f", 0,
	    "caf\xc3\xa9 \xc2\x9b\xff\xc0\xaf");
}

static void
log_long(void)
{
	char	 big[3000];

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	tix_log_info("%s", big);
}

static void
test_log(void **state)
{
	char	 got[8192], want[256];

	(void)state;
	tix_log_init("test-core");

	log_capture(got, sizeof(got), log_forged);
	snprintf(want, sizeof(want), "test-core[%ld] ERROR login failed for "
	    "bob\\x0amyapp[1] INFO admin ok\n", (long)getpid());
	assert_string_equal(got, want);

	log_capture(got, sizeof(got), log_mixed);
	snprintf(want, sizeof(want), "test-core[%ld] WARN "
	    "a\\x5cb\\x1b[2J\\x7f|\\x00|"
	    "caf\xc3\xa9 \\xc2\\x9b\\xff\\xc0\\xaf\n", (long)getpid());
	assert_string_equal(got, want);

	/* Long messages are cut, marked, and still one line. */
	log_capture(got, sizeof(got), log_long);
	assert_non_null(strstr(got, "xxx...\n"));
	assert_ptr_equal(strchr(got, '\n'), got + strlen(got) - 1);
	assert_true(strlen(got) < 1200);
}

static void
test_addr(void **state)
{
	struct tix_netlist	l;
	char			out[TIX_ADDR_TEXT];

	(void)state;
	assert_true(tix_netlist_parse(NULL, &l));
	assert_int_equal(l.n, 0);
	assert_true(tix_netlist_parse(" 10.0.0.0/8, 192.168.1.7 ::1,fd00::/8",
	    &l));
	assert_int_equal(l.n, 4);
	assert_true(tix_netlist_has(&l, "10.200.3.4"));
	assert_false(tix_netlist_has(&l, "11.0.0.1"));
	assert_true(tix_netlist_has(&l, "192.168.1.7"));
	assert_false(tix_netlist_has(&l, "192.168.1.8"));
	assert_true(tix_netlist_has(&l, "::1"));
	assert_true(tix_netlist_has(&l, "fd12::5"));
	assert_true(tix_netlist_has(&l, "::ffff:10.1.1.1"));
	assert_false(tix_netlist_has(&l, "garbage"));
	assert_false(tix_netlist_parse("10.0.0.0/33", &l));
	assert_false(tix_netlist_parse("::/129", &l));
	assert_false(tix_netlist_parse("10.0.0.0/", &l));
	assert_false(tix_netlist_parse("example.com", &l));
	assert_true(tix_netlist_parse("172.16.0.0/12", &l));
	assert_true(tix_netlist_has(&l, "172.31.255.255"));
	assert_false(tix_netlist_has(&l, "172.32.0.0"));

	assert_true(tix_addr_canon(" ::FFFF:1.2.3.4 ", 16, out));
	assert_string_equal(out, "1.2.3.4");
	assert_true(tix_addr_canon("2001:DB8:0:0::1", 15, out));
	assert_string_equal(out, "2001:db8::1");
	assert_false(tix_addr_canon("1.2.3", 5, out));

	assert_true(tix_netlist_parse("10.0.0.0/8", &l));
	tix_addr_client("127.0.0.1", "9.9.9.9", &l, out);
	assert_string_equal(out, "127.0.0.1");	/* untrusted peer */
	tix_addr_client("10.0.0.2", "9.9.9.9", &l, out);
	assert_string_equal(out, "9.9.9.9");
	tix_addr_client("10.0.0.2", "1.1.1.1, 9.9.9.9, 10.0.0.3", &l, out);
	assert_string_equal(out, "9.9.9.9");	/* right-most untrusted */
	tix_addr_client("10.0.0.2", "junk, 10.0.0.3", &l, out);
	assert_string_equal(out, "10.0.0.3");
	tix_addr_client("10.0.0.2", NULL, &l, out);
	assert_string_equal(out, "10.0.0.2");
	tix_addr_client(NULL, "9.9.9.9", &l, out);
	assert_string_equal(out, "unknown");
}

int
main(void)
{
	const struct CMUnitTest	 tests[] = {
		cmocka_unit_test(test_err_name),
		cmocka_unit_test(test_arena_alloc),
		cmocka_unit_test(test_arena_cap),
		cmocka_unit_test(test_arena_fail_at),
		cmocka_unit_test(test_arena_strings),
		cmocka_unit_test(test_buf_basic),
		cmocka_unit_test(test_buf_max),
		cmocka_unit_test(test_buf_add_cut),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_has_control),
		cmocka_unit_test(test_parse_int64),
		cmocka_unit_test(test_mem_equal),
		cmocka_unit_test(test_hex_digit),
		cmocka_unit_test(test_str_ieq),
		cmocka_unit_test(test_log),
		cmocka_unit_test(test_addr),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
