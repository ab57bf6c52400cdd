/*
 * test_search.c: unit tests of lib/tickets/search_parse.c: q into terms,
 * terms into the array parameter, and excerpts into segments.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/limits.h"
#include "tickets/search.h"

/* A parse as one line: each term as kind letter + text, joined by '|',
 * then "#number" when q is a ticket number. */
static const char *
render(struct tix_arena *a, const char *q)
{
	static const char	 kinds[] = { 'w', 'p', 'x' };
	static char		 out[2048];
	struct tix_search	 s;
	size_t			 i, k = 0;

	assert_int_equal(tix_search_parse(a, q, strlen(q), &s), TIX_OK);
	out[0] = '\0';
	for (i = 0; i < s.nterms; i++) {
		assert_int_equal(strlen(s.terms[i].text), s.terms[i].len);
		k += (size_t)snprintf(out + k, sizeof(out) - k, "%s%c%s",
		    i > 0 ? "|" : "", kinds[s.terms[i].kind], s.terms[i].text);
	}
	if (s.is_number)
		(void)snprintf(out + k, sizeof(out) - k, "#%lld",
		    (long long)s.number);
	return out;
}

static void
test_parse_table(void **state)
{
	static const char *const cases[][2] = {
		{ "activate", "wactivate" },
		{ "  two   words ", "wtwo|wwords" },
		{ "\"license key\" broken", "plicense key|wbroken" },
		{ "\"unclosed phrase", "punclosed phrase" },
		{ "\"\" \"   \" x", "wx" },
		{ "lic*", "xlic" },
		{ "li*", "wli*" },			/* too short: text */
		{ "lic***", "xlic" },
		{ "*", "w*" },
		{ "m\xc3\xbcl*", "xm\xc3\xbcl" },	/* three characters */
		{ "\xc3\xbc\xc3\xbc*", "w\xc3\xbc\xc3\xbc*" },	/* two */
		{ "a&b|c", "wa&b|c" },			/* operators: text */
		{ "!(x):*<->", "w!(x):*<->" },
		{ "it's o\"brien", "wit's|wo\"brien" },	/* quote inside */
		{ "back\\slash", "wback\\slash" },
		{ "tab\tand\nnewline\x01x", "wtab|wand|wnewline|wx" },
		{ "same same SAME", "wsame|wSAME" },
		{ "\"a b\" \"a b\"", "pa b" },
		{ "TICK-1001", "wTICK-1001#1001" },
		{ "tick-1042", "wtick-1042#1042" },
		{ " 1001 ", "w1001#1001" },
		{ "01001", "w01001" },
		{ "1001 printer", "w1001|wprinter" },
		{ "TICK-0001", "wTICK-0001" },
		{ "1234567890", "w1234567890" },	/* ten digits */
		{ "", "" },
		{ "   ", "" },
	};
	struct tix_arena	a;
	size_t			i;

	(void)state;
	tix_arena_init(&a);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *got = render(&a, cases[i][0]);

		if (strcmp(got, cases[i][1]) != 0)
			fail_msg("q %zu \"%s\": got \"%s\", want \"%s\"", i,
			    cases[i][0], got, cases[i][1]);
	}
	tix_arena_reset(&a);
}

static void
test_parse_limits(void **state)
{
	char			 q[TIX_MAX_SEARCH * 2 + 2];
	struct tix_arena	 a;
	struct tix_search	 s;
	size_t			 i;

	(void)state;
	tix_arena_init(&a);
	/* The most terms a q may have: "a b c ..." (all different). */
	for (i = 0; i < TIX_MAX_SEARCH / 2; i++) {
		q[2 * i] = (char)('#' + i % 90);	/* no '"' */
		q[2 * i + 1] = ' ';
	}
	q[TIX_MAX_SEARCH - 1] = 'z';
	assert_int_equal(tix_search_parse(&a, q, TIX_MAX_SEARCH, &s), TIX_OK);
	assert_true(s.nterms <= TIX_MAX_SEARCH_TERMS);
	assert_true(s.nterms >= 90);
	/* 200 two-byte characters are 200 characters: accepted. */
	for (i = 0; i < TIX_MAX_SEARCH; i++)
		memcpy(q + 2 * i, "\xc3\xa9", 2);
	assert_int_equal(tix_search_parse(&a, q, 2 * TIX_MAX_SEARCH, &s),
	    TIX_OK);
	assert_int_equal(s.nterms, 1);
	memcpy(q + 2 * TIX_MAX_SEARCH, "x", 1);
	assert_int_equal(tix_search_parse(&a, q, 2 * TIX_MAX_SEARCH + 1, &s),
	    TIX_ETOOBIG);
	assert_int_equal(s.nterms, 0);
	tix_arena_reset(&a);
}

static void
test_array(void **state)
{
	static const char *const cases[][2] = {
		{ "activate", "{\"wactivate\"}" },
		{ "\"a b\" lic*", "{\"pa b\",\"xlic\"}" },
		{ "a\"b c\\d {x,y}", "{\"wa\\\"b\",\"wc\\\\d\",\"w{x,y}\"}" },
		{ "\"\"", "{}" },
	};
	struct tix_arena	a;
	struct tix_search	s;
	size_t			i;

	(void)state;
	tix_arena_init(&a);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(tix_search_parse(&a, cases[i][0],
		    strlen(cases[i][0]), &s), TIX_OK);
		assert_string_equal(tix_search_array(&a, &s), cases[i][1]);
	}
	tix_arena_reset(&a);
}

/* A match cell as "in:" + segments, hits in [brackets]. */
static const char *
segs(struct tix_arena *a, const char *cell)
{
	static char		out[512];
	struct tix_search_match	m;
	size_t			i, k = 0;

	assert_int_equal(tix_search_match_read(a, cell, &m), TIX_OK);
	if (m.in == NULL)
		return "(none)";
	k += (size_t)snprintf(out, sizeof(out), "%s:", m.in);
	for (i = 0; i < m.nsegs; i++) {
		assert_true(m.segs[i].text[0] != '\0');
		k += (size_t)snprintf(out + k, sizeof(out) - k,
		    m.segs[i].hit ? "[%s]" : "%s", m.segs[i].text);
	}
	return out;
}

static void
test_match_read(void **state)
{
	static const char *const cases[][2] = {
		{ "subject:License \001activation\002 fails",
		    "subject:License [activation] fails" },
		{ "message:\001a\002 \001b\002", "message:[a] [b]" },
		{ "note:no hit at all", "note:no hit at all" },
		{ "description:", "description:" },
		{ "subject:\001\002\001", "subject:" },
		{ "subject:x\002y\002z\001", "subject:xyz" },
		{ "subject:\001open to the end", "subject:[open to the end]" },
		{ "subject:a:b", "subject:a:b" },
		{ "subject:\003b> \001x\002 a\004b", "subject:<b> [x] a&b" },
		{ "no colon", "(none)" },
		{ ":empty in", "(none)" },
		{ "a-very-long-field-name:x", "(none)" },
	};
	struct tix_arena	 a;
	struct tix_search_match	 m;
	size_t			 i;

	(void)state;
	tix_arena_init(&a);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_string_equal(segs(&a, cases[i][0]), cases[i][1]);
	assert_int_equal(tix_search_match_read(&a, NULL, &m), TIX_OK);
	assert_null(m.in);
	tix_arena_reset(&a);
}

static void
test_sort_names(void **state)
{
	(void)state;
	assert_string_equal(tix_sort_names[TIX_SORT_UPDATED_DESC],
	    "-updated_at");
	assert_string_equal(tix_sort_names[TIX_SORT_PRIORITY_ASC], "priority");
	assert_string_equal(tix_sort_names[TIX_SORT_RELEVANCE], "relevance");
	assert_null(tix_sort_names[TIX_SORT__MAX]);
}

int
main(void)
{
	const struct CMUnitTest	 tests[] = {
		cmocka_unit_test(test_parse_table),
		cmocka_unit_test(test_parse_limits),
		cmocka_unit_test(test_array),
		cmocka_unit_test(test_match_read),
		cmocka_unit_test(test_sort_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
