/*
 * test_multipart.c: unit tests of lib/http/multipart.c: the same body fed
 * in pieces of every size gives the same parts, and every malformation
 * is refused.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/err.h"
#include "core/limits.h"
#include "http/multipart.h"

#define S(lit)	lit, sizeof(lit) - 1
#define MAX_PARTS	8
#define MAX_TEXT	4096

/* What the callbacks saw: "name|filename|data" per part, filename "-"
 * when there was none. */
struct seen {
	char	parts[MAX_PARTS][MAX_TEXT];
	size_t	len[MAX_PARTS];
	size_t	n;
	bool	open;
	int	fail_on_part;	/* fail this part's start, or -1 */
};

static void
add(struct seen *s, const char *p, size_t n)
{
	assert_true(s->len[s->n] + n < MAX_TEXT);
	memcpy(s->parts[s->n] + s->len[s->n], p, n);
	s->len[s->n] += n;
}

static enum tix_err
on_begin(void *arg, const struct tix_mp_part *p)
{
	struct seen *s = arg;

	assert_false(s->open);
	assert_true(s->n < MAX_PARTS);
	if ((int)s->n == s->fail_on_part)
		return TIX_EFILETYPE;
	s->open = true;
	add(s, p->name.p, p->name.n);
	add(s, "|", 1);
	if (p->filename.p == NULL)
		add(s, "-", 1);
	else
		add(s, p->filename.p, p->filename.n);
	add(s, "|", 1);
	return TIX_OK;
}

static enum tix_err
on_data(void *arg, const char *p, size_t n)
{
	struct seen *s = arg;

	assert_true(s->open);
	assert_true(n > 0);
	add(s, p, n);
	return TIX_OK;
}

static enum tix_err
on_end(void *arg)
{
	struct seen *s = arg;

	assert_true(s->open);
	s->open = false;
	s->parts[s->n][s->len[s->n]] = '\0';
	s->n++;
	return TIX_OK;
}

static const struct tix_mp_cb cb = { on_begin, on_data, on_end };

/* Parse body in pieces of step bytes (0: all at once). */
static enum tix_err
parse(const char *boundary, const char *body, size_t n, size_t step,
    struct seen *s)
{
	struct tix_mp		mp;
	struct tix_str		b = { boundary, strlen(boundary) };
	size_t			i, k;
	enum tix_err		rc = TIX_OK;
	int			fail = s->fail_on_part;

	memset(s, 0, sizeof(*s));
	s->fail_on_part = fail;
	tix_mp_init(&mp, b, &cb, s);
	if (step == 0)
		step = n == 0 ? 1 : n;
	for (i = 0; i < n && rc == TIX_OK; i += k) {
		k = n - i < step ? n - i : step;
		rc = tix_mp_feed(&mp, body + i, k);
	}
	if (rc == TIX_OK)
		rc = tix_mp_finish(&mp);
	return rc;
}

static const char good[] =
    "preamble, ignored\r\n"
    "--AaB03x\r\n"
    "Content-Disposition: form-data; name=\"subject\"\r\n"
    "\r\n"
    "Hello\r\n--AaB0 not a delimiter\r\r\n\r\n"
    "--AaB03x  \r\n"
    "content-disposition: form-data; name=\"attachments\"; "
    "filename=\"a b.png\"\r\n"
    "Content-Type: image/png\r\n"
    "Content-Transfer-Encoding: binary\r\n"
    "\r\n"
    "\x89PNG\r\n\x1a\n\0\0\r\r\n-\r\n--\r\n--AaB03\r\n"
    "--AaB03x\r\n"
    "Content-Disposition: form-data; name=empty\r\n"
    "\r\n"
    "\r\n"
    "--AaB03x--\r\n"
    "epilogue, ignored\r\n--AaB03x\r\n";

static void
check_good(const struct seen *s)
{
	static const char want1[] =
	    "attachments|a b.png|\x89PNG\r\n\x1a\n\0\0\r\r\n-\r\n--\r\n--AaB03";

	assert_int_equal(s->n, 3);
	assert_string_equal(s->parts[0],
	    "subject|-|Hello\r\n--AaB0 not a delimiter\r\r\n");
	assert_int_equal(s->len[1], sizeof(want1) - 1);
	assert_memory_equal(s->parts[1], want1, sizeof(want1) - 1);
	assert_string_equal(s->parts[2], "empty|-|");
}

static void
test_every_split(void **state)
{
	struct seen	 s;
	size_t		 step;

	(void)state;
	s.fail_on_part = -1;
	for (step = 0; step <= sizeof(good) - 1; step++) {
		assert_int_equal(parse("AaB03x", good, sizeof(good) - 1, step,
		    &s), TIX_OK);
		check_good(&s);
	}
}

/* Two pieces, cut at every position. */
static void
test_every_cut(void **state)
{
	struct seen	 s;
	struct tix_mp	 mp;
	struct tix_str	 b = { "AaB03x", 6 };
	size_t		 cut, n = sizeof(good) - 1;

	(void)state;
	for (cut = 0; cut <= n; cut++) {
		memset(&s, 0, sizeof(s));
		s.fail_on_part = -1;
		tix_mp_init(&mp, b, &cb, &s);
		assert_int_equal(tix_mp_feed(&mp, good, cut), TIX_OK);
		assert_int_equal(tix_mp_feed(&mp, good + cut, n - cut), TIX_OK);
		assert_int_equal(tix_mp_finish(&mp), TIX_OK);
		check_good(&s);
	}
}

static void
test_starts_with_delimiter(void **state)
{
	struct seen s;

	(void)state;
	s.fail_on_part = -1;
	assert_int_equal(parse("b", S("--b\r\nContent-Disposition: form-data;"
	    " name=x\r\n\r\n1\r\n--b--"), 1, &s), TIX_OK);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.parts[0], "x|-|1");
	/* No parts at all is well-formed. */
	assert_int_equal(parse("b", S("--b--\r\n"), 0, &s), TIX_OK);
	assert_int_equal(s.n, 0);
}

struct bad {
	const char	*what;
	const char	*boundary;
	const char	*body;
};

static const struct bad bads[] = {
	{ "empty body", "b", "" },
	{ "no closing delimiter", "b",
	    "--b\r\nContent-Disposition: form-data; name=x\r\n\r\n1\r\n" },
	{ "closing delimiter cut", "b",
	    "--b\r\nContent-Disposition: form-data; name=x\r\n\r\n1\r\n--b-" },
	{ "wrong boundary", "other",
	    "--b\r\nContent-Disposition: form-data; name=x\r\n\r\n1\r\n--b--" },
	{ "part without a name", "b",
	    "--b\r\nContent-Disposition: form-data\r\n\r\n1\r\n--b--" },
	{ "empty name", "b",
	    "--b\r\nContent-Disposition: form-data; name=\"\"\r\n\r\n1\r\n"
	    "--b--" },
	{ "no Content-Disposition", "b",
	    "--b\r\nContent-Type: text/plain\r\n\r\n1\r\n--b--" },
	{ "no headers", "b", "--b\r\n\r\n1\r\n--b--" },
	{ "not form-data", "b",
	    "--b\r\nContent-Disposition: attachment; name=x\r\n\r\n1\r\n"
	    "--b--" },
	{ "two Content-Disposition", "b",
	    "--b\r\nContent-Disposition: form-data; name=x\r\n"
	    "Content-Disposition: form-data; name=y\r\n\r\n1\r\n--b--" },
	{ "name twice", "b",
	    "--b\r\nContent-Disposition: form-data; name=x; name=y\r\n\r\n1"
	    "\r\n--b--" },
	{ "filename twice", "b",
	    "--b\r\nContent-Disposition: form-data; name=x; filename=a; "
	    "filename=b\r\n\r\n1\r\n--b--" },
	{ "unterminated quote", "b",
	    "--b\r\nContent-Disposition: form-data; name=\"x\r\n\r\n1\r\n"
	    "--b--" },
	{ "junk after a quoted value", "b",
	    "--b\r\nContent-Disposition: form-data; name=\"x\"y\r\n\r\n1\r\n"
	    "--b--" },
	{ "bare LF in headers", "b",
	    "--b\r\nContent-Disposition: form-data; name=x\nX: y\r\n\r\n1"
	    "\r\n--b--" },
	{ "folded header", "b",
	    "--b\r\nContent-Disposition: form-data;\r\n name=x\r\n\r\n1\r\n"
	    "--b--" },
	{ "header without colon", "b",
	    "--b\r\nContent-Disposition: form-data; name=x\r\nJunk\r\n\r\n1"
	    "\r\n--b--" },
	{ "base64 part", "b",
	    "--b\r\nContent-Disposition: form-data; name=x\r\n"
	    "Content-Transfer-Encoding: base64\r\n\r\nMQ==\r\n--b--" },
	{ "junk after a delimiter", "b",
	    "--b\r\nContent-Disposition: form-data; name=x\r\n\r\n1\r\n"
	    "--bc\r\n--b--" },
	{ "LF alone after a delimiter", "b",
	    "--b\nContent-Disposition: form-data; name=x\r\n\r\n1\r\n--b--" },
};

static void
test_malformed(void **state)
{
	struct seen	 s;
	size_t		 i, step, n;

	(void)state;
	for (i = 0; i < sizeof(bads) / sizeof(bads[0]); i++) {
		n = strlen(bads[i].body);
		for (step = 0; step <= n; step++) {
			s.fail_on_part = -1;
			if (parse(bads[i].boundary, bads[i].body, n, step,
			    &s) != TIX_EBADREQ)
				fail_msg("accepted: %s (step %zu)",
				    bads[i].what, step);
		}
	}
}

static void
test_oversize_headers(void **state)
{
	static char	body[TIX_MAX_PART_HEADERS + 256];
	struct seen	s;
	size_t		n, pad;

	(void)state;
	/* Headers of exactly the limit pass; one byte more does not. */
	for (pad = 0; pad < 2; pad++) {
		n = (size_t)snprintf(body, sizeof(body), "--b\r\n"
		    "Content-Disposition: form-data; name=x\r\nX: ");
		size_t fixed = strlen("Content-Disposition: form-data; "
		    "name=x\r\nX: ") + 4;
		memset(body + n, 'a', TIX_MAX_PART_HEADERS - fixed + pad);
		n += TIX_MAX_PART_HEADERS - fixed + pad;
		memcpy(body + n, "\r\n\r\n1\r\n--b--", 13);
		n += 13;
		s.fail_on_part = -1;
		assert_int_equal(parse("b", body, n, 0, &s),
		    pad == 0 ? TIX_OK : TIX_EBADREQ);
	}
}

static void
test_callback_error_sticks(void **state)
{
	struct seen	 s;
	struct tix_mp	 mp;
	struct tix_str	 b = { "AaB03x", 6 };

	(void)state;
	memset(&s, 0, sizeof(s));
	s.fail_on_part = 1;
	tix_mp_init(&mp, b, &cb, &s);
	assert_int_equal(tix_mp_feed(&mp, good, sizeof(good) - 1),
	    TIX_EFILETYPE);
	assert_int_equal(tix_mp_feed(&mp, "x", 1), TIX_EFILETYPE);
	assert_int_equal(tix_mp_finish(&mp), TIX_EFILETYPE);
	assert_int_equal(s.n, 1);
}

static void
test_boundary(void **state)
{
	struct tix_str	b;
	char		long71[128];

	(void)state;
	assert_int_equal(tix_mp_boundary("multipart/form-data; boundary=abc",
	    &b), TIX_OK);
	assert_int_equal(b.n, 3);
	assert_memory_equal(b.p, "abc", 3);
	assert_int_equal(tix_mp_boundary("Multipart/Form-Data;charset=utf-8;"
	    " BOUNDARY=\"a b:c?\"", &b), TIX_OK);
	assert_int_equal(b.n, 6);
	assert_memory_equal(b.p, "a b:c?", 6);
	assert_int_equal(tix_mp_boundary("multipart/form-data", &b),
	    TIX_EBADREQ);
	assert_int_equal(tix_mp_boundary("multipart/form-data; boundary=",
	    &b), TIX_EBADREQ);
	assert_int_equal(tix_mp_boundary("multipart/form-data; boundary=\"\"",
	    &b), TIX_EBADREQ);
	assert_int_equal(tix_mp_boundary("multipart/form-data; boundary=a; "
	    "boundary=b", &b), TIX_EBADREQ);
	assert_int_equal(tix_mp_boundary("multipart/form-data; "
	    "boundary=\"ab \"", &b), TIX_EBADREQ);
	assert_int_equal(tix_mp_boundary("multipart/form-data; "
	    "boundary=\"a\rb\"", &b), TIX_EBADREQ);
	assert_int_equal(tix_mp_boundary("multipart/mixed; boundary=a", &b),
	    TIX_EBADREQ);
	assert_int_equal(tix_mp_boundary("application/json", &b),
	    TIX_EBADREQ);
	assert_int_equal(tix_mp_boundary(NULL, &b), TIX_EBADREQ);
	memset(long71, 'a', 71);
	memcpy(long71 + 71, "\0", 1);
	{
		char ct[160];

		snprintf(ct, sizeof(ct), "multipart/form-data; boundary=%.70s",
		    long71);
		assert_int_equal(tix_mp_boundary(ct, &b), TIX_OK);
		snprintf(ct, sizeof(ct), "multipart/form-data; boundary=%s",
		    long71);
		assert_int_equal(tix_mp_boundary(ct, &b), TIX_EBADREQ);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_split),
		cmocka_unit_test(test_every_cut),
		cmocka_unit_test(test_starts_with_delimiter),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_oversize_headers),
		cmocka_unit_test(test_callback_error_sticks),
		cmocka_unit_test(test_boundary),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
