/*
 * test_sniff.c: unit tests of lib/files/sniff.c and lib/files/name.c:
 * types by name and content (split anywhere), executables, UTF-8 text,
 * cleaned names and Content-Disposition.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/arena.h"
#include "core/limits.h"
#include "files/name.h"
#include "files/sniff.h"

#define S(lit)	lit, sizeof(lit) - 1

/* Sniff content as type t in pieces of step bytes (0: at once). */
static enum tix_err
sniff(enum tix_ftype t, const char *p, size_t n, size_t step)
{
	struct tix_sniff	s;
	size_t			i, k;
	enum tix_err		rc = TIX_OK;

	tix_sniff_init(&s, t);
	if (step == 0)
		step = n == 0 ? 1 : n;
	for (i = 0; i < n && rc == TIX_OK; i += k) {
		k = n - i < step ? n - i : step;
		rc = tix_sniff_feed(&s, p + i, k);
	}
	if (rc == TIX_OK)
		rc = tix_sniff_finish(&s);
	return rc;
}

/* The same verdict for every piece size. */
static void
expect(enum tix_ftype t, const char *p, size_t n, enum tix_err want)
{
	size_t step;

	for (step = 0; step <= n; step++)
		if (sniff(t, p, n, step) != want)
			fail_msg("type %d, %zu bytes, step %zu: not %d",
			    (int)t, n, step, (int)want);
}

static void
test_by_name(void **state)
{
	(void)state;
	assert_int_equal(tix_sniff_by_name(S("a.png")), TIX_FT_PNG);
	assert_int_equal(tix_sniff_by_name(S("A.PNG")), TIX_FT_PNG);
	assert_int_equal(tix_sniff_by_name(S("x.y.JpEg")), TIX_FT_JPEG);
	assert_int_equal(tix_sniff_by_name(S("a.jpg")), TIX_FT_JPEG);
	assert_int_equal(tix_sniff_by_name(S("a.gif")), TIX_FT_GIF);
	assert_int_equal(tix_sniff_by_name(S("a.pdf")), TIX_FT_PDF);
	assert_int_equal(tix_sniff_by_name(S("a.txt")), TIX_FT_TEXT);
	assert_int_equal(tix_sniff_by_name(S("a.log")), TIX_FT_TEXT);
	assert_int_equal(tix_sniff_by_name(S("a.json")), TIX_FT_TEXT);
	assert_int_equal(tix_sniff_by_name(S("a.xml")), TIX_FT_TEXT);
	assert_int_equal(tix_sniff_by_name(S("a.yml")), TIX_FT_TEXT);
	assert_int_equal(tix_sniff_by_name(S("a.yaml")), TIX_FT_TEXT);
	assert_int_equal(tix_sniff_by_name(S("a.exe")), TIX_FT_NONE);
	assert_int_equal(tix_sniff_by_name(S("a.svg")), TIX_FT_NONE);
	assert_int_equal(tix_sniff_by_name(S("a.html")), TIX_FT_NONE);
	assert_int_equal(tix_sniff_by_name(S("a.png.exe")), TIX_FT_NONE);
	assert_int_equal(tix_sniff_by_name(S("png")), TIX_FT_NONE);
	assert_int_equal(tix_sniff_by_name(S(".png")), TIX_FT_NONE);
	assert_int_equal(tix_sniff_by_name(S("a.")), TIX_FT_NONE);
	assert_int_equal(tix_sniff_by_name(S(".htaccess")), TIX_FT_NONE);
	assert_string_equal(tix_ftype_mime(TIX_FT_TEXT),
	    "text/plain; charset=utf-8");
	assert_string_equal(tix_ftype_mime(TIX_FT_PNG), "image/png");
}

static void
test_magic(void **state)
{
	(void)state;
	expect(TIX_FT_PNG, S("\x89PNG\r\n\x1a\nrest"), TIX_OK);
	expect(TIX_FT_PNG, S("\x89PNG\r\n\x1a"), TIX_EFILETYPE);
	expect(TIX_FT_PNG, S(""), TIX_EFILETYPE);
	expect(TIX_FT_PNG, S("GIF89a.........."), TIX_EFILETYPE);
	expect(TIX_FT_JPEG, S("\xff\xd8\xff\xe0 JFIF"), TIX_OK);
	expect(TIX_FT_JPEG, S("\xff\xd8\xff"), TIX_OK);
	expect(TIX_FT_JPEG, S("\xff\xd8"), TIX_EFILETYPE);
	expect(TIX_FT_GIF, S("GIF87a\1\0\1\0"), TIX_OK);
	expect(TIX_FT_GIF, S("GIF89a\1\0\1\0"), TIX_OK);
	expect(TIX_FT_GIF, S("GIF88a\1\0\1\0"), TIX_EFILETYPE);
	expect(TIX_FT_PDF, S("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"), TIX_OK);
	expect(TIX_FT_PDF, S("<html>%PDF-"), TIX_EFILETYPE);
	expect(TIX_FT_NONE, S("anything"), TIX_EFILETYPE);
}

static void
test_executables(void **state)
{
	(void)state;
	/* Whatever they claim to be. */
	expect(TIX_FT_PNG, S("MZ\x90\0\3\0\0\0\4\0"), TIX_EFILETYPE);
	expect(TIX_FT_PDF, S("MZ%PDF-1.7"), TIX_EFILETYPE);
	expect(TIX_FT_TEXT, S("\x7f" "ELF\2\1\1\0\0\0"), TIX_EFILETYPE);
	expect(TIX_FT_TEXT, S("\x7f" "ELF"), TIX_EFILETYPE);
	expect(TIX_FT_TEXT, S("\xcf\xfa\xed\xfe\7\0\0\1"), TIX_EFILETYPE);
	expect(TIX_FT_TEXT, S("\xca\xfe\xba\xbe"), TIX_EFILETYPE);
	/* A PE named .txt: its header has NULs. */
	expect(TIX_FT_TEXT, S("MZ\x90\0\3\0\0\0"), TIX_EFILETYPE);
	/* Text that merely begins with the letters MZ is text. */
	expect(TIX_FT_TEXT, S("MZ is a country code\n"), TIX_OK);
}

static void
test_text(void **state)
{
	(void)state;
	expect(TIX_FT_TEXT, S(""), TIX_OK);
	expect(TIX_FT_TEXT, S("plain\r\n\ttext\n"), TIX_OK);
	/* Two-, three- and four-byte characters, split everywhere. */
	expect(TIX_FT_TEXT, S("h\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 "
	    "\xef\xbb\xbf \xf4\x8f\xbf\xbf"), TIX_OK);
	expect(TIX_FT_TEXT, S("nul \0 inside"), TIX_EFILETYPE);
	expect(TIX_FT_TEXT, S("\0"), TIX_EFILETYPE);
	expect(TIX_FT_TEXT, S("overlong \xc0\xaf"), TIX_EFILETYPE);
	expect(TIX_FT_TEXT, S("overlong \xe0\x80\xaf"), TIX_EFILETYPE);
	expect(TIX_FT_TEXT, S("surrogate \xed\xa0\x80"), TIX_EFILETYPE);
	expect(TIX_FT_TEXT, S("too high \xf4\x90\x80\x80"), TIX_EFILETYPE);
	expect(TIX_FT_TEXT, S("bad lead \xff"), TIX_EFILETYPE);
	expect(TIX_FT_TEXT, S("lone continuation \x80"), TIX_EFILETYPE);
	expect(TIX_FT_TEXT, S("cut \xe2\x82"), TIX_EFILETYPE);
	expect(TIX_FT_TEXT, S("latin-1 caf\xe9"), TIX_EFILETYPE);
}

static void
test_name_clean(void **state)
{
	struct tix_arena	 a;
	const char		*out;
	char			 big[600];
	size_t			 i;

	(void)state;
	tix_arena_init(&a);
	assert_int_equal(tix_file_name_clean(&a, S("report.pdf"), &out),
	    TIX_OK);
	assert_string_equal(out, "report.pdf");
	assert_int_equal(tix_file_name_clean(&a, S("../../etc/passwd"), &out),
	    TIX_OK);
	assert_string_equal(out, "passwd");
	assert_int_equal(tix_file_name_clean(&a, S("..\\..\\x.txt"), &out),
	    TIX_OK);
	assert_string_equal(out, "x.txt");
	assert_int_equal(tix_file_name_clean(&a, S("C:\\Users\\me\\a b.png"),
	    &out), TIX_OK);
	assert_string_equal(out, "a b.png");
	assert_int_equal(tix_file_name_clean(&a,
	    S("\"><img src=x onerror=alert(1)>.png"), &out), TIX_OK);
	assert_string_equal(out, "><img src=x onerror=alert(1)>.png");
	assert_int_equal(tix_file_name_clean(&a, S("a\r\nb\t\x7f.txt"),
	    &out), TIX_OK);
	assert_string_equal(out, "ab.txt");
	assert_int_equal(tix_file_name_clean(&a,
	    S("evil\xe2\x80\xaegnp.exe"), &out), TIX_OK);
	assert_string_equal(out, "evilgnp.exe");
	assert_int_equal(tix_file_name_clean(&a, S(" . x.txt . "), &out),
	    TIX_OK);
	assert_string_equal(out, ". x.txt");
	assert_int_equal(tix_file_name_clean(&a, S("caf\xc3\xa9.txt"), &out),
	    TIX_OK);
	assert_string_equal(out, "caf\xc3\xa9.txt");
	assert_int_equal(tix_file_name_clean(&a, S("bad\xff.txt"), &out),
	    TIX_EBADREQ);
	assert_int_equal(tix_file_name_clean(&a, S("a\0b.txt"), &out),
	    TIX_EBADREQ);
	assert_int_equal(tix_file_name_clean(&a, S("dir/"), &out),
	    TIX_EBADREQ);
	assert_int_equal(tix_file_name_clean(&a, S("\"\""), &out),
	    TIX_EBADREQ);
	/* Long names: cut on a character, extension kept. */
	for (i = 0; i + 2 <= 590; i += 2)
		memcpy(big + i, "\xc3\xa9", 2);
	memcpy(big + 590, ".png", 4);
	assert_int_equal(tix_file_name_clean(&a, big, 594, &out), TIX_OK);
	assert_true(strlen(out) <= TIX_MAX_FILENAME);
	assert_true(strlen(out) >= TIX_MAX_FILENAME - 1);
	assert_string_equal(out + strlen(out) - 4, ".png");
	assert_int_equal(tix_sniff_by_name(out, strlen(out)), TIX_FT_PNG);
	tix_arena_reset(&a);
}

static void
test_disposition(void **state)
{
	struct tix_arena a;

	(void)state;
	tix_arena_init(&a);
	assert_string_equal(tix_file_disposition(&a, "a.png"),
	    "attachment; filename*=UTF-8''a.png");
	assert_string_equal(tix_file_disposition(&a,
	    "caf\xc3\xa9 (1); x=y,%.txt"),
	    "attachment; filename*=UTF-8''caf%C3%A9%20%281%29%3B%20x%3Dy%2C"
	    "%25.txt");
	assert_string_equal(tix_file_disposition(&a, "><img>.png"),
	    "attachment; filename*=UTF-8''%3E%3Cimg%3E.png");
	tix_arena_reset(&a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_by_name),
		cmocka_unit_test(test_magic),
		cmocka_unit_test(test_executables),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_name_clean),
		cmocka_unit_test(test_disposition),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
