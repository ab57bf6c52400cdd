/*
 * test_query.c: unit tests of lib/http/query.c: query strings and the
 * Cookie header, accepted and rejected.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/limits.h"
#include "http/query.h"

#define S(lit)	lit, sizeof(lit) - 1

struct qcase {
	const char	*s;
	size_t		 n;
	enum tix_err	 rc;
	size_t		 nparams;
	/* Expected names and values, in order, as "name=value" pairs. */
	const char	*kv[4][2];
};

static const struct qcase qcases[] = {
	{ S(""), TIX_OK, 0, { { NULL, NULL } } },
	{ S("a=1&b=2"), TIX_OK, 2, { { "a", "1" }, { "b", "2" } } },
	{ S("a"), TIX_OK, 1, { { "a", "" } } },
	{ S("a="), TIX_OK, 1, { { "a", "" } } },
	{ S("a=1&&b=2"), TIX_OK, 2, { { "a", "1" }, { "b", "2" } } },
	{ S("&"), TIX_OK, 0, { { NULL, NULL } } },
	{ S("&&a=1&"), TIX_OK, 1, { { "a", "1" } } },
	{ S("a=+"), TIX_OK, 1, { { "a", " " } } },
	{ S("+=1"), TIX_OK, 1, { { " ", "1" } } },
	{ S("q=hello+world"), TIX_OK, 1, { { "q", "hello world" } } },
	{ S("%41=%41"), TIX_OK, 1, { { "A", "A" } } },
	{ S("a=%2B%26%3D%25"), TIX_OK, 1, { { "a", "+&=%" } } },
	{ S("a=%c3%A9"), TIX_OK, 1, { { "a", "\xc3\xa9" } } },
	{ S("a=\xc3\xa9"), TIX_OK, 1, { { "a", "\xc3\xa9" } } },
	{ S("a=b=c"), TIX_OK, 1, { { "a", "b=c" } } },
	{ S("a=1;b=2"), TIX_OK, 1, { { "a", "1;b=2" } } },
	{ S("a=1&A=2"), TIX_OK, 2, { { "a", "1" }, { "A", "2" } } },
	{ S("sort=created_at&page=2&per_page=25&q=x"), TIX_OK, 4,
	    { { "sort", "created_at" }, { "page", "2" },
	      { "per_page", "25" }, { "q", "x" } } },
	/* Bad escapes. */
	{ S("a=%"), TIX_EBADREQ, 0, { { NULL, NULL } } },
	{ S("a=%4"), TIX_EBADREQ, 0, { { NULL, NULL } } },
	{ S("a=%4&b=1"), TIX_EBADREQ, 0, { { NULL, NULL } } },
	{ S("a=%zz"), TIX_EBADREQ, 0, { { NULL, NULL } } },
	{ S("a=%g0"), TIX_EBADREQ, 0, { { NULL, NULL } } },
	{ S("a=%0g"), TIX_EBADREQ, 0, { { NULL, NULL } } },
	{ S("a=%%41"), TIX_EBADREQ, 0, { { NULL, NULL } } },
	{ S("a=%+1"), TIX_EBADREQ, 0, { { NULL, NULL } } },
	{ S("%=1"), TIX_EBADREQ, 0, { { NULL, NULL } } },
	{ S("a=%u0041"), TIX_EBADREQ, 0, { { NULL, NULL } } },
	/* NUL, raw or decoded. */
	{ S("a=%00"), TIX_EBADREQ, 0, { { NULL, NULL } } },
	{ S("a%00=1"), TIX_EBADREQ, 0, { { NULL, NULL } } },
	{ S("a=x\x00y"), TIX_EBADREQ, 0, { { NULL, NULL } } },
	/* Invalid UTF-8. */
	{ S("a=%C0%AF"), TIX_EBADREQ, 0, { { NULL, NULL } } },
	{ S("%C0%AF=1"), TIX_EBADREQ, 0, { { NULL, NULL } } },
	{ S("a=%ED%A0%80"), TIX_EBADREQ, 0, { { NULL, NULL } } },
	{ S("a=%F4%90%80%80"), TIX_EBADREQ, 0, { { NULL, NULL } } },
	{ S("a=%C3"), TIX_EBADREQ, 0, { { NULL, NULL } } },
	{ S("a=%FF"), TIX_EBADREQ, 0, { { NULL, NULL } } },
	{ S("a=\xff"), TIX_EBADREQ, 0, { { NULL, NULL } } },
	{ S("a=\xc3%A9"), TIX_OK, 1, { { "a", "\xc3\xa9" } } },
	/* Names. */
	{ S("=1"), TIX_EBADREQ, 0, { { NULL, NULL } } },
	{ S("="), TIX_EBADREQ, 0, { { NULL, NULL } } },
	{ S("a=1&=2"), TIX_EBADREQ, 0, { { NULL, NULL } } },
	{ S("a=1&a=2"), TIX_EBADREQ, 0, { { NULL, NULL } } },
	{ S("a=1&a=1"), TIX_EBADREQ, 0, { { NULL, NULL } } },
	{ S("a&a"), TIX_EBADREQ, 0, { { NULL, NULL } } },
	{ S("a=1&%61=2"), TIX_EBADREQ, 0, { { NULL, NULL } } },
	{ S("a+b=1&a%20b=2"), TIX_EBADREQ, 0, { { NULL, NULL } } },
	{ S("a[]=1"), TIX_EBADREQ, 0, { { NULL, NULL } } },
	{ S("a[0]=1"), TIX_EBADREQ, 0, { { NULL, NULL } } },
	{ S("a]=1"), TIX_EBADREQ, 0, { { NULL, NULL } } },
	{ S("a%5B%5D=1"), TIX_EBADREQ, 0, { { NULL, NULL } } },
	{ S("a=[1]"), TIX_OK, 1, { { "a", "[1]" } } },	/* values may */
};

static void
test_query_table(void **state)
{
	struct tix_arena		 a;
	struct tix_query		 q;
	const struct tix_param_kv	*kv;
	size_t				 i, k;
	enum tix_err			 rc;

	(void)state;
	tix_arena_init(&a);
	for (i = 0; i < sizeof(qcases) / sizeof(qcases[0]); i++) {
		q.params = (struct tix_param_kv *)&q;	/* must be reset */
		q.n = 99;
		rc = tix_query_parse(&a, qcases[i].s, qcases[i].n, &q);
		if (rc != qcases[i].rc)
			fail_msg("query case %zu \"%s\": %s", i, qcases[i].s,
			    tix_err_name(rc));
		if (rc != TIX_OK) {
			if (q.params != NULL || q.n != 0)
				fail_msg("query case %zu: out not zeroed", i);
			continue;
		}
		if (q.n != qcases[i].nparams)
			fail_msg("query case %zu: %zu params", i, q.n);
		for (k = 0; k < q.n; k++) {
			assert_string_equal(q.params[k].name,
			    qcases[i].kv[k][0]);
			assert_string_equal(q.params[k].value,
			    qcases[i].kv[k][1]);
			assert_int_equal(q.params[k].value_len,
			    strlen(qcases[i].kv[k][1]));
			kv = tix_query_get(&q, qcases[i].kv[k][0]);
			assert_ptr_equal(kv, &q.params[k]);
		}
	}
	tix_arena_reset(&a);
}

static void
test_query_get(void **state)
{
	struct tix_arena		 a;
	struct tix_query		 q;
	const struct tix_param_kv	*kv;

	(void)state;
	tix_arena_init(&a);
	assert_int_equal(tix_query_parse(&a, S("page=2&q="), &q), TIX_OK);
	kv = tix_query_get(&q, "page");
	assert_non_null(kv);
	assert_string_equal(kv->value, "2");
	kv = tix_query_get(&q, "q");
	assert_non_null(kv);
	assert_int_equal(kv->value_len, 0);
	assert_null(tix_query_get(&q, "Page"));
	assert_null(tix_query_get(&q, "pag"));
	assert_null(tix_query_get(&q, ""));
	assert_null(tix_query_get(NULL, "page"));

	assert_int_equal(tix_query_parse(&a, NULL, 0, &q), TIX_OK);
	assert_int_equal(q.n, 0);
	assert_null(tix_query_get(&q, "page"));
	assert_int_equal(tix_query_parse(&a, NULL, 1, &q), TIX_EBADREQ);
	tix_arena_reset(&a);
}

static void
test_query_limits(void **state)
{
	struct tix_arena	 a;
	struct tix_buf		 b;
	struct tix_query	 q;
	size_t			 i;

	(void)state;
	tix_arena_init(&a);
	tix_buf_init(&b, 1 << 16);

	/* TIX_MAX_QUERY_PARAMS parameters, then one more. */
	for (i = 0; i < TIX_MAX_QUERY_PARAMS; i++)
		assert_int_equal(tix_buf_printf(&b, "%sp%zu=%zu",
		    i > 0 ? "&" : "", i, i), TIX_OK);
	assert_int_equal(tix_query_parse(&a, b.data, b.len, &q), TIX_OK);
	assert_int_equal(q.n, TIX_MAX_QUERY_PARAMS);
	assert_string_equal(tix_query_get(&q, "p31")->value, "31");
	assert_int_equal(tix_buf_adds(&b, "&x=1"), TIX_OK);
	assert_int_equal(tix_query_parse(&a, b.data, b.len, &q), TIX_EBADREQ);
	assert_int_equal(q.n, 0);
	/* Empty segments do not count. */
	tix_buf_clear(&b);
	for (i = 0; i < TIX_MAX_QUERY_PARAMS; i++)
		assert_int_equal(tix_buf_printf(&b, "&&p%zu", i), TIX_OK);
	assert_int_equal(tix_buf_adds(&b, "&&&"), TIX_OK);
	assert_int_equal(tix_query_parse(&a, b.data, b.len, &q), TIX_OK);
	assert_int_equal(q.n, TIX_MAX_QUERY_PARAMS);

	/* TIX_MAX_QUERY bytes, then one more. */
	tix_buf_clear(&b);
	assert_int_equal(tix_buf_adds(&b, "q="), TIX_OK);
	while (b.len < TIX_MAX_QUERY)
		assert_int_equal(tix_buf_adds(&b, "x"), TIX_OK);
	assert_int_equal(tix_query_parse(&a, b.data, b.len, &q), TIX_OK);
	assert_int_equal(tix_query_get(&q, "q")->value_len,
	    TIX_MAX_QUERY - 2);
	assert_int_equal(tix_buf_adds(&b, "x"), TIX_OK);
	assert_int_equal(tix_query_parse(&a, b.data, b.len, &q), TIX_EBADREQ);
	assert_int_equal(q.n, 0);
	assert_null(q.params);

	/* An arena that is full: TIX_ENOMEM, out zeroed. */
	tix_arena_reset(&a);
	a.cap = 16;
	assert_int_equal(tix_query_parse(&a, S("a=1&b=2"), &q), TIX_ENOMEM);
	assert_int_equal(q.n, 0);
	assert_null(q.params);

	tix_buf_free(&b);
	tix_arena_reset(&a);
}

struct ccase {
	const char	*header;
	const char	*name;
	enum tix_err	 rc;
	const char	*value;
};

static const struct ccase ccases[] = {
	{ "sid=abc", "sid", TIX_OK, "abc" },
	{ "a=1; sid=abc; b=2", "sid", TIX_OK, "abc" },
	{ "a=1;sid=abc;b=2", "sid", TIX_OK, "abc" },
	{ "a=1; b=2; sid=abc", "sid", TIX_OK, "abc" },
	{ "  sid = abc  ; x=1", "sid", TIX_OK, "abc" },
	{ "\tsid=abc\t", "sid", TIX_OK, "abc" },
	{ "sid=", "sid", TIX_OK, "" },
	{ "sid=; a=1", "sid", TIX_OK, "" },
	{ "sid==abc", "sid", TIX_OK, "=abc" },
	{ "sid=\"quoted\"", "sid", TIX_OK, "\"quoted\"" },
	{ "a=b=c; sid=x", "sid", TIX_OK, "x" },
	{ "a=1; sid=abc", "a", TIX_OK, "1" },
	{ "sid; sid=abc", "sid", TIX_OK, "abc" },	/* no '=': skipped */
	{ ";;sid=abc;;", "sid", TIX_OK, "abc" },
	{ "sid=abc; sid=def", "sid", TIX_EBADREQ, NULL },
	{ "sid=abc; sid=abc", "sid", TIX_EBADREQ, NULL },
	{ "sid=a;x=1;sid=", "sid", TIX_EBADREQ, NULL },
	{ "xsid=1; sidx=2", "sid", TIX_ENOTFOUND, NULL },
	{ "SID=1", "sid", TIX_ENOTFOUND, NULL },
	{ "sid", "sid", TIX_ENOTFOUND, NULL },
	{ "", "sid", TIX_ENOTFOUND, NULL },
	{ "a=1", "", TIX_ENOTFOUND, NULL },
	{ NULL, "sid", TIX_ENOTFOUND, NULL },
};

static void
test_cookie_table(void **state)
{
	struct tix_str	 v;
	size_t		 i;
	enum tix_err	 rc;

	(void)state;
	for (i = 0; i < sizeof(ccases) / sizeof(ccases[0]); i++) {
		v.p = NULL;
		v.n = 99;
		rc = tix_cookie_get(ccases[i].header, ccases[i].name, &v);
		if (rc != ccases[i].rc)
			fail_msg("cookie case %zu: %s", i, tix_err_name(rc));
		if (rc != TIX_OK) {
			assert_null(v.p);
			assert_int_equal(v.n, 99);
			continue;
		}
		assert_int_equal(v.n, strlen(ccases[i].value));
		assert_memory_equal(v.p, ccases[i].value, v.n);
		/* Borrowed from the header. */
		assert_true(v.p >= ccases[i].header &&
		    v.p + v.n <= ccases[i].header + strlen(ccases[i].header));
	}
}

static void
test_cookie_limit(void **state)
{
	char		 h[TIX_MAX_COOKIE + 2];
	struct tix_str	 v;

	(void)state;
	memset(h, 'x', sizeof(h));
	memcpy(h, "sid=abc; y=", 11);
	h[TIX_MAX_COOKIE] = '\0';		/* exactly the limit */
	assert_int_equal(tix_cookie_get(h, "sid", &v), TIX_OK);
	assert_int_equal(v.n, 3);
	h[TIX_MAX_COOKIE] = 'x';
	h[TIX_MAX_COOKIE + 1] = '\0';		/* one past */
	assert_int_equal(tix_cookie_get(h, "sid", &v), TIX_EBADREQ);
}

int
main(void)
{
	const struct CMUnitTest	 tests[] = {
		cmocka_unit_test(test_query_table),
		cmocka_unit_test(test_query_get),
		cmocka_unit_test(test_query_limits),
		cmocka_unit_test(test_cookie_table),
		cmocka_unit_test(test_cookie_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
