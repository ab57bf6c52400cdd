/*
 * test_rtf.c: the text of an RTF body (lib/mail/rtf.c), as Outlook
 * keeps it in a winmail.dat: plain RTF, encapsulated HTML, escapes,
 * Unicode with fallbacks, skipped destinations, the output's maximum,
 * and nesting past the stack.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/buf.h"
#include "mail/rtf.h"

static void
assert_text(const char *rtf, size_t max, const char *want)
{
	struct tix_buf b;

	tix_buf_init(&b, max);
	assert_int_equal(tix_mail_rtf_text(rtf, strlen(rtf), &b), TIX_OK);
	assert_int_equal(b.len, strlen(want));
	assert_memory_equal(b.len > 0 ? b.data : "", want, b.len);
	tix_buf_free(&b);
}

static void
test_plain(void **state)
{
	(void)state;
	assert_text("{\\rtf1\\ansi\\ansicpg1252\\deff0{\\fonttbl{\\f0\\fswiss "
	    "Calibri;}}{\\colortbl ;\\red255\\green0\\blue0;}"
	    "{\\*\\generator Riched20 10.0;}\\viewkind4\\uc1\\pard\\f0\\fs22 "
	    "Hello \\b world\\b0 .\\par\nSecond\\tab line\\line third\\par}",
	    1024, "Hello world.\nSecond\tline\nthird\n");
}

static void
test_escapes_and_unicode(void **state)
{
	(void)state;
	assert_text("{\\rtf1 Caf\\'e9 \\'80 \\{x\\} a\\\\b\\~c\\_d\\-e}", 64,
	    "Caf\xc3\xa9 \xe2\x82\xac {x} a\\b c-de");
	/* \uN with its fallback skipped; \uc2 two of them; negative N. */
	assert_text("{\\rtf1 \\u8364?x \\uc2\\u1078\\'e6\\'e6y \\u-3913?}", 64,
	    "\xe2\x82\xacx \xd0\xb6y \xef\x82\xb7");
	/* The fallback count is the group's: it ends with the group. */
	assert_text("{\\rtf1 {\\uc3 a}\\u233?b}", 64, "a\xc3\xa9" "b");
}

static void
test_encapsulated_html(void **state)
{
	(void)state;
	/* MS-OXRTFEX: HTML tags in {\*\htmltag}, RTF-only parts in
	 * \htmlrtf ... \htmlrtf0: the text between is the message's. */
	assert_text("{\\rtf1\\ansi\\fromhtml1 {\\*\\htmltag19 <html>}"
	    "{\\*\\htmltag34 <head><style>p{}</style></head>}"
	    "\\htmlrtf {\\fonttbl{\\f0 Arial;}}\\htmlrtf0 "
	    "{\\*\\htmltag64 <p>}\\htmlrtf {\\htmlrtf0 Dear team,"
	    "\\htmlrtf\\par}\\htmlrtf0\\par "
	    "{\\*\\htmltag72 </p>}It broke.}", 256, "Dear team,\nIt broke.");
}

static void
test_skipped_groups(void **state)
{
	(void)state;
	assert_text("{\\rtf1{\\info{\\title secret}{\\author a}}"
	    "{\\pict\\pngblip 89504e47}{\\*\\unknowndest x{y}z}"
	    "{\\field{\\*\\fldinst HYPERLINK \"http://x\"}{\\fldrslt link}}"
	    " ok}", 64, "link ok");
}

static void
test_maximum_cuts_at_a_character(void **state)
{
	(void)state;
	assert_text("{\\rtf1 ab\\'e9\\'e9}", 3, "ab");
	assert_text("{\\rtf1 ab\\'e9\\'e9}", 4, "ab\xc3\xa9");
}

static void
test_garbage_and_nesting(void **state)
{
	char	deep[3 * 200 + 64];
	size_t	i, n = 0;

	(void)state;
	assert_text("", 64, "");
	assert_text("}}}}{{{\\", 64, "");
	assert_text("\\'zz\\'4", 64, "");
	assert_text("\\u\\uc\\htmlrtf0 x", 64, "x");
	assert_text("{\\rtf1 \\abcdefghijklmnopqrstuvwxyzabcdefghijkl9 x}",
	    64, "x");
	/* Deeper than the stack: read as the last group it holds. */
	for (i = 0; i < 200; i++)
		deep[n++] = '{';
	memcpy(deep + n, "deep", 4);
	n += 4;
	for (i = 0; i < 200; i++)
		deep[n++] = '}';
	memcpy(deep + n, "after", 6);
	assert_text(deep, 64, "deepafter");
	/* A skipped group past the stack stays skipped to its end. */
	n = 0;
	deep[n++] = '{';
	memcpy(deep + n, "\\*", 2);
	n += 2;
	for (i = 0; i < 100; i++)
		deep[n++] = '{';
	memcpy(deep + n, "no", 2);
	n += 2;
	for (i = 0; i < 101; i++)
		deep[n++] = '}';
	memcpy(deep + n, "yes", 4);
	assert_text(deep, 64, "yes");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_escapes_and_unicode),
		cmocka_unit_test(test_encapsulated_html),
		cmocka_unit_test(test_skipped_groups),
		cmocka_unit_test(test_maximum_cuts_at_a_character),
		cmocka_unit_test(test_garbage_and_nesting),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
