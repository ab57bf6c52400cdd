/*
 * test_json.c: unit tests of lib/json: what the strict parser accepts and
 * rejects, the typed getters without coercion, and the writer's exact
 * output and sticky errors.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/limits.h"
#include "json/json.h"

/* A document whose length comes from the literal, NULs included. */
#define DOC(lit)	{ lit, sizeof(lit) - 1 }

struct doc {
	const char	*s;
	size_t		 n;
};

static const struct doc accepted[] = {
	DOC("{}"),
	DOC(" \t\r\n{ \t\r\n} \t\r\n"),
	DOC("{\"a\":1}"),
	DOC("{ \"a\" : 1 , \"b\" : [ ] , \"c\" : { } }"),
	DOC("{\"\":0}"),				/* empty key */
	DOC("{\"a\":null,\"b\":true,\"c\":false}"),
	DOC("{\"a\":[1,2.5,-3e2,\"x\",null,true,false,[],{}]}"),
	DOC("{\"a\":0,\"b\":-0,\"c\":0.0,\"d\":-0.0e-0,\"e\":1E+2}"),
	DOC("{\"a\":9223372036854775807,\"b\":-9223372036854775808}"),
	DOC("{\"a\":1.7976931348623157e308,\"b\":-1.7976931348623157e308}"),
	DOC("{\"a\":1e-999}"),			/* underflows to 0: fine */
	DOC("{\"a\":123456789012345678901234567890.5}"),
	DOC("{\"a\":1.000000000000000000000000000000000000000000000000000"
	    "00000000000000000000001}"),	/* a long literal */
	DOC("{\"s\":\"\\\" \\\\ \\/ \\b \\f \\n \\r \\t\"}"),
	DOC("{\"s\":\"\\u0001\\u001f\\u007f\\u00e9\\uFFFF\\uabcd\"}"),
	DOC("{\"s\":\"\\ud83d\\ude00\"}"),	/* a surrogate pair */
	DOC("{\"s\":\"\\uD800\\uDC00\\uDBFF\\uDFFF\"}"),
	DOC("{\"s\":\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"}"),
	DOC("{\"s\":\"\x7f\"}"),		/* DEL may be raw */
	DOC("{\"caf\xc3\xa9\":1,\"cafe\":2}"),
	DOC("{\"ab\":1,\"ba\":2}"),
	DOC("{\"a\":1,\"A\":2}"),
	/* The same key in different objects. */
	DOC("{\"a\":{\"a\":{\"a\":1}}}"),
	DOC("{\"a\":[{\"a\":1},{\"a\":2}],\"b\":{\"a\":3}}"),
	DOC("{\"x\":{\"a\":1},\"y\":{\"a\":1}}"),
};

static const struct doc rejected[] = {
	/* Not one object. */
	DOC(""),
	DOC("   "),
	DOC("[]"),
	DOC("[{}]"),
	DOC("1"),
	DOC("\"a\""),
	DOC("null"),
	DOC("true"),
	DOC("{}{}"),
	DOC("{} x"),
	DOC("{}\x00"),
	DOC("{},"),
	DOC("{}]"),
	DOC("\xef\xbb\xbf{}"),			/* a byte order mark */
	/* Truncated or malformed structure. */
	DOC("{"),
	DOC("}"),
	DOC("{\"a\""),
	DOC("{\"a\":"),
	DOC("{\"a\":1"),
	DOC("{\"a\":1,"),
	DOC("{\"a\"}"),
	DOC("{\"a\":}"),
	DOC("{\"a\" 1}"),
	DOC("{\"a\"::1}"),
	DOC("{,}"),
	DOC("{,\"a\":1}"),
	DOC("{\"a\":1,}"),				/* trailing comma */
	DOC("{\"a\":[1,]}"),
	DOC("{\"a\":[,1]}"),
	DOC("{\"a\":[1 2]}"),
	DOC("{\"a\":1 \"b\":2}"),
	DOC("{\"a\":[}"),
	DOC("{\"a\":{]}"),
	DOC("{\"a\":[1}"),
	DOC("{1:1}"),
	DOC("{a:1}"),					/* bare key */
	DOC("{null:1}"),
	/* Not JSON but accepted by lenient parsers. */
	DOC("{'a':1}"),
	DOC("{\"a\":'b'}"),
	DOC("{/* c */}"),
	DOC("{\"a\":1}// c"),
	DOC("{\"a\":1 # c\n}"),
	DOC("{\"a\":NaN}"),
	DOC("{\"a\":nan}"),
	DOC("{\"a\":Infinity}"),
	DOC("{\"a\":-Infinity}"),
	DOC("{\"a\":inf}"),
	DOC("{\"a\":undefined}"),
	DOC("{\"a\":True}"),
	DOC("{\"a\":TRUE}"),
	DOC("{\"a\":tru}"),
	DOC("{\"a\":nul}"),
	DOC("{\"a\":falsey}"),
	DOC("{\"a\":\"x\"\"y\"}"),
	DOC("{\"a\":1}\x0c"),			/* FF is not whitespace */
	DOC("{\"a\":\xc2\xa0" "1}"),		/* neither is NBSP */
	/* Numbers. */
	DOC("{\"a\":01}"),
	DOC("{\"a\":00}"),
	DOC("{\"a\":-01}"),
	DOC("{\"a\":01.5}"),
	DOC("{\"a\":+1}"),
	DOC("{\"a\":-}"),
	DOC("{\"a\":1.}"),
	DOC("{\"a\":.5}"),
	DOC("{\"a\":-.5}"),
	DOC("{\"a\":1e}"),
	DOC("{\"a\":1e+}"),
	DOC("{\"a\":1E-}"),
	DOC("{\"a\":1.5.3}"),
	DOC("{\"a\":0x10}"),
	DOC("{\"a\":1_000}"),
	DOC("{\"a\":- 1}"),
	DOC("{\"a\":9223372036854775808}"),		/* 2^63 */
	DOC("{\"a\":18446744073709551615}"),		/* 2^64 - 1 */
	DOC("{\"a\":18446744073709551616}"),
	DOC("{\"a\":-9223372036854775809}"),
	DOC("{\"a\":99999999999999999999999999999}"),
	DOC("{\"a\":[1,2,9223372036854775808]}"),	/* at any depth */
	DOC("{\"a\":1e999}"),
	DOC("{\"a\":-1e999}"),
	DOC("{\"a\":1.8e308}"),
	DOC("{\"a\":{\"b\":[1e400]}}"),
	DOC("{\"a\":10000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000e300}"),	/* long, overflows */
	/* Strings: escapes. */
	DOC("{\"a\":\"\\u0000\"}"),
	DOC("{\"a\\u0000\":1}"),
	DOC("{\"a\":\"x\\u0000y\"}"),
	DOC("{\"a\":\"\\ud800\"}"),			/* lone high */
	DOC("{\"a\":\"\\ud800x\"}"),
	DOC("{\"a\":\"\\ud800\\u0041\"}"),
	DOC("{\"a\":\"\\ud800\\ud800\"}"),
	DOC("{\"a\":\"\\ud800\\n\"}"),
	DOC("{\"a\":\"\\udc00\"}"),			/* lone low */
	DOC("{\"a\":\"\\udc00\\ud800\"}"),		/* mis-ordered */
	DOC("{\"a\":\"\\uDFFF\"}"),
	DOC("{\"\\ud800\":1}"),
	DOC("{\"a\":\"\\x41\"}"),
	DOC("{\"a\":\"\\a\"}"),
	DOC("{\"a\":\"\\'\"}"),
	DOC("{\"a\":\"\\U0041\"}"),
	DOC("{\"a\":\"\\u41\"}"),
	DOC("{\"a\":\"\\u004\"}"),
	DOC("{\"a\":\"\\u00G1\"}"),
	DOC("{\"a\":\"\\ud800\\u\"}"),
	DOC("{\"a\":\"\\ud800\\udc0\"}"),
	DOC("{\"a\":\"\\"),
	DOC("{\"a\":\"\\\"}"),
	DOC("{\"a\":\"abc}"),
	/* Strings: raw bytes. */
	DOC("{\"a\":\"\x00\"}"),
	DOC("{\"a\":\"\t\"}"),
	DOC("{\"a\":\"\n\"}"),
	DOC("{\"a\":\"\x1f\"}"),
	DOC("{\"a\":\"\xc0\xaf\"}"),			/* overlong */
	DOC("{\"a\":\"\xe0\x80\xaf\"}"),
	DOC("{\"a\":\"\xed\xa0\x80\"}"),		/* surrogate */
	DOC("{\"a\":\"\xf4\x90\x80\x80\"}"),		/* > U+10FFFF */
	DOC("{\"a\":\"\x80\"}"),
	DOC("{\"a\":\"\xff\"}"),
	DOC("{\"a\":\"\xe2\x82\"}"),			/* truncated */
	DOC("{\"a\":\"\xc3\"}"),
	DOC("{\"\xc0\xaf\":1}"),			/* in a key */
	DOC("{\"\xed\xa0\x80\":1}"),
	DOC("{\"k\xff\":1}"),
	DOC("{\"a\":[\"\xfe\"]}"),
	DOC("{\"a\":{\"b\xc3\":1}}"),
	/* Duplicate keys. */
	DOC("{\"a\":1,\"a\":2}"),
	DOC("{\"a\":1,\"a\":1}"),
	DOC("{\"a\":1,\"b\":2,\"a\":3}"),
	DOC("{\"a\":1,\"\\u0061\":2}"),
	DOC("{\"\\u0061\":1,\"a\":2}"),
	DOC("{\"caf\xc3\xa9\":1,\"caf\\u00e9\":2}"),
	DOC("{\"\\ud83d\\ude00\":1,\"\xf0\x9f\x98\x80\":2}"),
	DOC("{\"\\/\":1,\"/\":2}"),
	DOC("{\"\\n\":1,\"\\u000a\":2}"),
	DOC("{\"\\u00E9\":1,\"\\u00e9\":2}"),
	DOC("{\"\":1,\"\":2}"),
	DOC("{\"x\":{\"a\":1,\"a\":2}}"),
	DOC("{\"x\":[{\"a\":1},{\"b\":1,\"b\":2}]}"),
	DOC("{\"x\":{\"y\":{\"a\":1}},\"x\":2}"),
};

static void
test_accepted(void **state)
{
	struct tix_json	*j;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(accepted) / sizeof(accepted[0]); i++) {
		j = NULL;
		if (tix_json_parse_object(accepted[i].s, accepted[i].n, &j) !=
		    TIX_OK || j == NULL)
			fail_msg("accepted[%zu] rejected: %s", i,
			    accepted[i].s);
		tix_json_free(j);
	}
}

static void
test_rejected(void **state)
{
	struct tix_json	*j;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(rejected) / sizeof(rejected[0]); i++) {
		j = (struct tix_json *)&j;	/* must be reset to NULL */
		if (tix_json_parse_object(rejected[i].s, rejected[i].n, &j) !=
		    TIX_EBADREQ)
			fail_msg("rejected[%zu] accepted: %s", i,
			    rejected[i].s);
		if (j != NULL)
			fail_msg("rejected[%zu] left *out set", i);
	}
	j = NULL;
	assert_int_equal(tix_json_parse_object(NULL, 0, &j), TIX_EBADREQ);
	assert_null(j);
	/* The length bounds the input: the tail here is never read. */
	assert_int_equal(tix_json_parse_object("{}}", 2, &j), TIX_OK);
	tix_json_free(j);
	assert_int_equal(tix_json_parse_object("{\"a\":1}", 6, &j),
	    TIX_EBADREQ);
	tix_json_free(NULL);
}

/* An object holding depth - 1 nested arrays (is_arr) or objects. */
static char *
nested(struct tix_arena *a, size_t depth, bool is_arr, const char *inner)
{
	struct tix_buf	 b;
	char		*s;
	size_t		 i;

	tix_buf_init(&b, 1 << 20);
	assert_int_equal(tix_buf_adds(&b, "{"), TIX_OK);
	for (i = 1; i < depth; i++)
		assert_int_equal(tix_buf_adds(&b, !is_arr ? "\"k\":{" :
		    i == 1 ? "\"k\":[" : "["), TIX_OK);
	if (is_arr && depth > 1)
		assert_int_equal(tix_buf_adds(&b, inner), TIX_OK);
	for (i = 1; i < depth; i++)
		assert_int_equal(tix_buf_adds(&b, is_arr ? "]" : "}"), TIX_OK);
	assert_int_equal(tix_buf_adds(&b, "}"), TIX_OK);
	s = tix_arena_strdup(a, b.data);
	tix_buf_free(&b);
	assert_non_null(s);
	return s;
}

static enum tix_err
parse_str(const char *s)
{
	struct tix_json	*j = NULL;
	enum tix_err	 rc;

	rc = tix_json_parse_object(s, strlen(s), &j);
	tix_json_free(j);
	return rc;
}

static void
test_depth(void **state)
{
	struct tix_arena	 a;

	(void)state;
	tix_arena_init(&a);
	assert_int_equal(parse_str(nested(&a, 1, false, "")), TIX_OK);
	assert_int_equal(parse_str(nested(&a, TIX_MAX_JSON_DEPTH, false, "")),
	    TIX_OK);
	assert_int_equal(parse_str(nested(&a, TIX_MAX_JSON_DEPTH + 1, false,
	    "")), TIX_EBADREQ);
	assert_int_equal(parse_str(nested(&a, TIX_MAX_JSON_DEPTH, true,
	    "1,\"x\",null")), TIX_OK);
	assert_int_equal(parse_str(nested(&a, TIX_MAX_JSON_DEPTH, true, "")),
	    TIX_OK);
	assert_int_equal(parse_str(nested(&a, TIX_MAX_JSON_DEPTH + 1, true,
	    "1")), TIX_EBADREQ);
	assert_int_equal(parse_str(nested(&a, 10000, true, "")), TIX_EBADREQ);
	tix_arena_reset(&a);
}

/* An object with nkeys keys, and inner as the value of the last one. */
static void
add_keys(struct tix_buf *b, size_t nkeys, const char *inner)
{
	size_t	 i;

	assert_int_equal(tix_buf_adds(b, "{"), TIX_OK);
	for (i = 0; i < nkeys; i++) {
		if (i + 1 < nkeys || inner == NULL)
			assert_int_equal(tix_buf_printf(b, "%s\"k%zu\":%zu",
			    i > 0 ? "," : "", i, i), TIX_OK);
		else
			assert_int_equal(tix_buf_printf(b, "%s\"k%zu\":%s",
			    i > 0 ? "," : "", i, inner), TIX_OK);
	}
	assert_int_equal(tix_buf_adds(b, "}"), TIX_OK);
}

static void
test_keys(void **state)
{
	struct tix_buf	 b, inner;
	size_t		 d;

	(void)state;
	tix_buf_init(&b, 1 << 20);
	add_keys(&b, TIX_MAX_JSON_KEYS, NULL);
	assert_int_equal(parse_str(b.data), TIX_OK);
	tix_buf_clear(&b);
	add_keys(&b, TIX_MAX_JSON_KEYS + 1, NULL);
	assert_int_equal(parse_str(b.data), TIX_EBADREQ);
	tix_buf_clear(&b);

	/* The limit is per object: 64 keys at every level of a document
	 * nested as deep as allowed. */
	tix_buf_init(&inner, 1 << 20);
	assert_int_equal(tix_buf_adds(&inner, "1"), TIX_OK);
	for (d = 0; d < TIX_MAX_JSON_DEPTH; d++) {
		tix_buf_clear(&b);
		add_keys(&b, TIX_MAX_JSON_KEYS, inner.data);
		tix_buf_clear(&inner);
		assert_int_equal(tix_buf_adds(&inner, b.data), TIX_OK);
	}
	assert_int_equal(parse_str(b.data), TIX_OK);
	tix_buf_clear(&inner);

	/* 65 keys in the innermost object only. */
	add_keys(&inner, TIX_MAX_JSON_KEYS + 1, NULL);
	tix_buf_clear(&b);
	assert_int_equal(tix_buf_printf(&b, "{\"a\":[%s]}", inner.data),
	    TIX_OK);
	assert_int_equal(parse_str(b.data), TIX_EBADREQ);

	/* Sibling objects each have their own count. */
	tix_buf_clear(&inner);
	add_keys(&inner, TIX_MAX_JSON_KEYS, NULL);
	tix_buf_clear(&b);
	assert_int_equal(tix_buf_printf(&b, "{\"a\":[%s,%s,%s]}", inner.data,
	    inner.data, inner.data), TIX_OK);
	assert_int_equal(parse_str(b.data), TIX_OK);

	tix_buf_free(&inner);
	tix_buf_free(&b);
}

static const char getters_doc[] =
	"{\"s\":\"x<y\",\"esc\":\"a\\\"b\\\\c\\/d\\n\\u00e9\\ud83d\\ude00\","
	"\"empty\":\"\",\"i\":42,\"neg\":-1,\"zero\":0,\"mzero\":-0,"
	"\"max\":9223372036854775807,\"min\":-9223372036854775808,"
	"\"f\":1.5,\"f0\":1.0,\"e\":1e2,\"E\":1E2,\"ef\":-0.0,"
	"\"si\":\"1\",\"sb\":\"true\",\"one\":1,\"b\":true,\"bf\":false,"
	"\"n\":null,\"arr\":[1],\"obj\":{\"i\":1}}";

static void
test_getters(void **state)
{
	struct tix_arena	 a;
	struct tix_json		*j = NULL;
	struct tix_str		 str;
	int64_t			 v;
	bool			 bv;
	size_t			 i;
	static const char *const not_int[] = { "f", "f0", "e", "E", "ef",
		"si", "sb", "b", "bf", "n", "arr", "obj", "s", "empty" };
	static const char *const not_bool[] = { "one", "zero", "sb", "si",
		"n", "arr", "obj", "s", "empty", "f" };
	static const char *const not_str[] = { "i", "one", "f", "b", "n",
		"arr", "obj" };

	(void)state;
	tix_arena_init(&a);
	assert_int_equal(tix_json_parse_object(getters_doc,
	    sizeof(getters_doc) - 1, &j), TIX_OK);

	assert_int_equal(tix_json_get_int(j, "i", &v), TIX_OK);
	assert_int_equal(v, 42);
	assert_int_equal(tix_json_get_int(j, "neg", &v), TIX_OK);
	assert_int_equal(v, -1);
	assert_int_equal(tix_json_get_int(j, "zero", &v), TIX_OK);
	assert_int_equal(v, 0);
	assert_int_equal(tix_json_get_int(j, "mzero", &v), TIX_OK);
	assert_int_equal(v, 0);
	assert_int_equal(tix_json_get_int(j, "max", &v), TIX_OK);
	assert_true(v == INT64_MAX);
	assert_int_equal(tix_json_get_int(j, "min", &v), TIX_OK);
	assert_true(v == INT64_MIN);
	for (i = 0; i < sizeof(not_int) / sizeof(not_int[0]); i++) {
		v = 7;
		if (tix_json_get_int(j, not_int[i], &v) != TIX_EBADREQ)
			fail_msg("int getter took \"%s\"", not_int[i]);
		assert_int_equal(v, 7);
	}
	assert_int_equal(tix_json_get_int(j, "missing", &v), TIX_ENOTFOUND);
	assert_int_equal(tix_json_get_int(j, "I", &v), TIX_ENOTFOUND);

	assert_int_equal(tix_json_get_bool(j, "b", &bv), TIX_OK);
	assert_true(bv);
	assert_int_equal(tix_json_get_bool(j, "bf", &bv), TIX_OK);
	assert_false(bv);
	for (i = 0; i < sizeof(not_bool) / sizeof(not_bool[0]); i++)
		if (tix_json_get_bool(j, not_bool[i], &bv) != TIX_EBADREQ)
			fail_msg("bool getter took \"%s\"", not_bool[i]);
	assert_int_equal(tix_json_get_bool(j, "missing", &bv), TIX_ENOTFOUND);

	assert_int_equal(tix_json_get_string(j, "s", &a, &str), TIX_OK);
	assert_int_equal(str.n, 3);
	assert_string_equal(str.p, "x<y");
	assert_int_equal(tix_json_get_string(j, "esc", &a, &str), TIX_OK);
	assert_int_equal(str.n, 14);
	assert_memory_equal(str.p,
	    "a\"b\\c/d\n\xc3\xa9\xf0\x9f\x98\x80", 15);
	assert_int_equal(tix_json_get_string(j, "empty", &a, &str), TIX_OK);
	assert_int_equal(str.n, 0);
	assert_string_equal(str.p, "");
	for (i = 0; i < sizeof(not_str) / sizeof(not_str[0]); i++) {
		str.p = NULL;
		str.n = 99;
		if (tix_json_get_string(j, not_str[i], &a, &str) !=
		    TIX_EBADREQ)
			fail_msg("string getter took \"%s\"", not_str[i]);
		assert_null(str.p);
		assert_int_equal(str.n, 99);
	}
	assert_int_equal(tix_json_get_string(j, "missing", &a, &str),
	    TIX_ENOTFOUND);

	/* Members of nested objects are not top-level members. */
	assert_int_equal(tix_json_get_int(j, "obj.i", &v), TIX_ENOTFOUND);

	assert_int_equal(tix_json_type_of(j, "missing"), TIX_JSON_ABSENT);
	assert_int_equal(tix_json_type_of(j, "n"), TIX_JSON_NULL);
	assert_int_equal(tix_json_type_of(j, "b"), TIX_JSON_BOOL);
	assert_int_equal(tix_json_type_of(j, "i"), TIX_JSON_INT);
	assert_int_equal(tix_json_type_of(j, "max"), TIX_JSON_INT);
	assert_int_equal(tix_json_type_of(j, "mzero"), TIX_JSON_INT);
	assert_int_equal(tix_json_type_of(j, "f"), TIX_JSON_NUMBER);
	assert_int_equal(tix_json_type_of(j, "f0"), TIX_JSON_NUMBER);
	assert_int_equal(tix_json_type_of(j, "e"), TIX_JSON_NUMBER);
	assert_int_equal(tix_json_type_of(j, "E"), TIX_JSON_NUMBER);
	assert_int_equal(tix_json_type_of(j, "si"), TIX_JSON_STRING);
	assert_int_equal(tix_json_type_of(j, "arr"), TIX_JSON_ARRAY);
	assert_int_equal(tix_json_type_of(j, "obj"), TIX_JSON_OBJECT);

	assert_int_equal(tix_json_type_of(NULL, "i"), TIX_JSON_ABSENT);
	assert_int_equal(tix_json_get_int(NULL, "i", &v), TIX_ENOTFOUND);

	tix_json_free(j);
	tix_arena_reset(&a);
}

/* Out-of-range numbers never reach a getter: the document is refused. */
static void
test_getter_ranges(void **state)
{
	(void)state;
	assert_int_equal(parse_str("{\"id\":9223372036854775808}"),
	    TIX_EBADREQ);
	assert_int_equal(parse_str("{\"id\":-9223372036854775809}"),
	    TIX_EBADREQ);
	assert_int_equal(parse_str("{\"id\":1e999}"), TIX_EBADREQ);
	assert_int_equal(parse_str("{\"id\":9223372036854775807}"), TIX_OK);
}

/* Writer helpers: a fresh buffer and writer per case. */
struct wcase {
	struct tix_buf	 b;
	struct tix_jw	 w;
};

static void
wc_init(struct wcase *c, size_t max)
{
	tix_buf_init(&c->b, max);
	tix_jw_init(&c->w, &c->b);
}

static void
wc_expect(struct wcase *c, const char *want)
{
	assert_int_equal(tix_jw_finish(&c->w), TIX_OK);
	assert_non_null(c->b.data);
	assert_string_equal(c->b.data, want);
	assert_int_equal(c->b.len, strlen(want));
	tix_buf_free(&c->b);
}

static void
wc_expect_err(struct wcase *c, enum tix_err rc)
{
	assert_int_equal(tix_jw_finish(&c->w), rc);
	tix_buf_free(&c->b);
}

static void
test_writer_nested(void **state)
{
	struct wcase	 c;
	struct tix_jw	*w = &c.w;

	(void)state;
	wc_init(&c, 4096);
	tix_jw_obj_open(w);
	tix_jw_kint(w, "id", 42);
	tix_jw_kstr(w, "subject", "Printer");
	tix_jw_kbool(w, "open", true);
	tix_jw_key(w, "tags");
	tix_jw_arr_open(w);
	tix_jw_strz(w, "a");
	tix_jw_int(w, -1);
	tix_jw_bool(w, false);
	tix_jw_null(w);
	tix_jw_arr_open(w);
	tix_jw_arr_close(w);
	tix_jw_obj_open(w);
	tix_jw_obj_close(w);
	tix_jw_obj_open(w);
	tix_jw_kint(w, "x", 1);
	tix_jw_kint(w, "y", 2);
	tix_jw_obj_close(w);
	tix_jw_arr_close(w);
	tix_jw_key(w, "empty");
	tix_jw_obj_open(w);
	tix_jw_obj_close(w);
	tix_jw_key(w, "user");
	tix_jw_obj_open(w);
	tix_jw_kint(w, "min", INT64_MIN);
	tix_jw_kint(w, "max", INT64_MAX);
	tix_jw_kstr(w, "nothing", NULL);
	tix_jw_obj_close(w);
	tix_jw_obj_close(w);
	wc_expect(&c, "{\"id\":42,\"subject\":\"Printer\",\"open\":true,"
	    "\"tags\":[\"a\",-1,false,null,[],{},{\"x\":1,\"y\":2}],"
	    "\"empty\":{},\"user\":{\"min\":-9223372036854775808,"
	    "\"max\":9223372036854775807,\"nothing\":null}}");

	/* Any value may be the top level. */
	wc_init(&c, 64);
	tix_jw_arr_open(w);
	tix_jw_arr_close(w);
	wc_expect(&c, "[]");
	wc_init(&c, 64);
	tix_jw_strz(w, "s");
	wc_expect(&c, "\"s\"");
	wc_init(&c, 64);
	tix_jw_int(w, 0);
	wc_expect(&c, "0");

	/* NULL strings are null, whatever the length says. */
	wc_init(&c, 64);
	tix_jw_arr_open(w);
	tix_jw_str(w, NULL, 5);
	tix_jw_strz(w, NULL);
	tix_jw_str(w, "abc", 2);
	tix_jw_str(w, "", 0);
	tix_jw_arr_close(w);
	wc_expect(&c, "[null,null,\"ab\",\"\"]");

	/* As deep as allowed. */
	wc_init(&c, 256);
	{
		int	 i;

		for (i = 0; i < TIX_JW_MAX_DEPTH; i++)
			tix_jw_arr_open(w);
		for (i = 0; i < TIX_JW_MAX_DEPTH; i++)
			tix_jw_arr_close(w);
	}
	wc_expect(&c, "[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]");
}

static void
test_writer_escapes(void **state)
{
	struct wcase	 c;
	struct tix_jw	*w = &c.w;

	(void)state;
	wc_init(&c, 4096);
	tix_jw_obj_open(w);
	tix_jw_kstr(w, "q", "\"\\/");
	tix_jw_kstr(w, "c", "\b\f\n\r\t\x01\x1f\x7f");
	tix_jw_kstr(w, "html", "<script>&amp;</script>");
	tix_jw_kstr(w, "ls", "a\xe2\x80\xa8" "b\xe2\x80\xa9" "c");
	tix_jw_kstr(w, "u", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
	/* U+2027 and U+202A, the neighbours, stay raw. */
	tix_jw_kstr(w, "near", "\xe2\x80\xa7\xe2\x80\xaa");
	tix_jw_key(w, "nul");
	tix_jw_str(w, "a\0b", 3);
	tix_jw_kstr(w, "k\"<", "v");
	tix_jw_obj_close(w);
	wc_expect(&c, "{\"q\":\"\\\"\\\\/\","
	    "\"c\":\"\\b\\f\\n\\r\\t\\u0001\\u001f\x7f\","
	    "\"html\":\"\\u003cscript\\u003e\\u0026amp;\\u003c/script\\u003e\","
	    "\"ls\":\"a\\u2028b\\u2029c\","
	    "\"u\":\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\","
	    "\"near\":\"\xe2\x80\xa7\xe2\x80\xaa\","
	    "\"nul\":\"a\\u0000b\","
	    "\"k\\\"\\u003c\":\"v\"}");
}

/* What the writer produces, the parser takes back unchanged. */
static void
test_writer_roundtrip(void **state)
{
	static const char	 text[] = "<a href=\"x\">&\xe2\x80\xa8\n\t"
	    "\\ \xf0\x9f\x98\x80 \x01";
	struct wcase		 c;
	struct tix_jw		*w = &c.w;
	struct tix_json		*j = NULL;
	struct tix_arena	 a;
	struct tix_str		 s;
	int64_t			 v;

	(void)state;
	tix_arena_init(&a);
	wc_init(&c, 4096);
	tix_jw_obj_open(w);
	tix_jw_kstr(w, "text", text);
	tix_jw_kint(w, "n", INT64_MIN);
	tix_jw_obj_close(w);
	assert_int_equal(tix_jw_finish(w), TIX_OK);
	assert_int_equal(tix_json_parse_object(c.b.data, c.b.len, &j),
	    TIX_OK);
	assert_int_equal(tix_json_get_string(j, "text", &a, &s), TIX_OK);
	assert_int_equal(s.n, sizeof(text) - 1);
	assert_memory_equal(s.p, text, s.n);
	assert_int_equal(tix_json_get_int(j, "n", &v), TIX_OK);
	assert_true(v == INT64_MIN);
	tix_json_free(j);
	tix_buf_free(&c.b);
	tix_arena_reset(&a);
}

static void
test_writer_errors(void **state)
{
	struct wcase	 c;
	struct tix_jw	*w = &c.w;
	size_t		 len;
	int		 i;

	(void)state;

	/* Nothing written. */
	wc_init(&c, 64);
	wc_expect_err(&c, TIX_EINTERNAL);

	/* A value without a key inside an object; then nothing more is
	 * written. */
	wc_init(&c, 64);
	tix_jw_obj_open(w);
	tix_jw_int(w, 1);
	len = c.b.len;
	tix_jw_kint(w, "a", 2);
	tix_jw_obj_close(w);
	assert_int_equal(c.b.len, len);
	assert_string_equal(c.b.data, "{");
	wc_expect_err(&c, TIX_EINTERNAL);

	wc_init(&c, 64);
	tix_jw_obj_open(w);
	tix_jw_obj_open(w);
	wc_expect_err(&c, TIX_EINTERNAL);

	/* A key in an array, at the top, or twice. */
	wc_init(&c, 64);
	tix_jw_arr_open(w);
	tix_jw_key(w, "a");
	wc_expect_err(&c, TIX_EINTERNAL);
	wc_init(&c, 64);
	tix_jw_key(w, "a");
	wc_expect_err(&c, TIX_EINTERNAL);
	wc_init(&c, 64);
	tix_jw_obj_open(w);
	tix_jw_key(w, "a");
	tix_jw_key(w, "b");
	wc_expect_err(&c, TIX_EINTERNAL);
	wc_init(&c, 64);
	tix_jw_obj_open(w);
	tix_jw_key(w, NULL);
	wc_expect_err(&c, TIX_EINTERNAL);

	/* A key without a value. */
	wc_init(&c, 64);
	tix_jw_obj_open(w);
	tix_jw_key(w, "a");
	tix_jw_obj_close(w);
	wc_expect_err(&c, TIX_EINTERNAL);

	/* Closing the wrong container, or nothing. */
	wc_init(&c, 64);
	tix_jw_obj_open(w);
	tix_jw_arr_close(w);
	wc_expect_err(&c, TIX_EINTERNAL);
	wc_init(&c, 64);
	tix_jw_arr_open(w);
	tix_jw_obj_close(w);
	wc_expect_err(&c, TIX_EINTERNAL);
	wc_init(&c, 64);
	tix_jw_obj_close(w);
	wc_expect_err(&c, TIX_EINTERNAL);

	/* Unclosed. */
	wc_init(&c, 64);
	tix_jw_obj_open(w);
	tix_jw_kint(w, "a", 1);
	wc_expect_err(&c, TIX_EINTERNAL);

	/* Two top-level values. */
	wc_init(&c, 64);
	tix_jw_obj_open(w);
	tix_jw_obj_close(w);
	tix_jw_obj_open(w);
	tix_jw_obj_close(w);
	assert_string_equal(c.b.data, "{}");
	wc_expect_err(&c, TIX_EINTERNAL);
	wc_init(&c, 64);
	tix_jw_int(w, 1);
	tix_jw_int(w, 2);
	wc_expect_err(&c, TIX_EINTERNAL);

	/* Too deep. */
	wc_init(&c, 256);
	for (i = 0; i <= TIX_JW_MAX_DEPTH; i++)
		tix_jw_arr_open(w);
	for (i = 0; i <= TIX_JW_MAX_DEPTH; i++)
		tix_jw_arr_close(w);
	wc_expect_err(&c, TIX_EINTERNAL);

	/* Not UTF-8. */
	wc_init(&c, 64);
	tix_jw_arr_open(w);
	tix_jw_strz(w, "ok\xc0\xaf");
	tix_jw_arr_close(w);
	wc_expect_err(&c, TIX_EINTERNAL);
	wc_init(&c, 64);
	tix_jw_arr_open(w);
	tix_jw_str(w, "\xe2\x82\xac", 2);
	tix_jw_arr_close(w);
	wc_expect_err(&c, TIX_EINTERNAL);

	/* A full buffer: the buffer's error, sticky. */
	wc_init(&c, 16);
	tix_jw_obj_open(w);
	tix_jw_kstr(w, "a", "0123456789abcdef");
	tix_jw_kint(w, "b", 1);
	tix_jw_obj_close(w);
	assert_true(c.b.len <= 16);
	wc_expect_err(&c, TIX_ETOOBIG);

	/* Exactly full is fine. */
	wc_init(&c, 16);
	tix_jw_obj_open(w);
	tix_jw_kstr(w, "a", "01234567");
	tix_jw_obj_close(w);
	wc_expect(&c, "{\"a\":\"01234567\"}");
}

int
main(void)
{
	const struct CMUnitTest	 tests[] = {
		cmocka_unit_test(test_accepted),
		cmocka_unit_test(test_rejected),
		cmocka_unit_test(test_depth),
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_getters),
		cmocka_unit_test(test_getter_ranges),
		cmocka_unit_test(test_writer_nested),
		cmocka_unit_test(test_writer_escapes),
		cmocka_unit_test(test_writer_roundtrip),
		cmocka_unit_test(test_writer_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
