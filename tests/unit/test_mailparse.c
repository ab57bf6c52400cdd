/*
 * test_mailparse.c: reading incoming mail (lib/mail/parse.c): folded
 * headers, RFC 2047 subjects, the From address, quoted-printable and
 * base64 bodies, charsets, multipart and its limits, inputs shaped like
 * header injection, quote trimming, and the helpers that find tickets
 * in addresses, message ids and subjects; charsets through GMime and
 * iconv, HTML-only mail, files (RFC 2231 names, inline images,
 * winmail.dat), and the time a large or hostile message takes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/str.h"
#include "mail/parse.h"
#include "mail/words.h"

static struct tix_arena arena;

static int
setup(void **state)
{
	(void)state;
	tix_arena_init(&arena);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	tix_arena_reset(&arena);
	return 0;
}

static struct tix_mail_in
parse_ok(const char *msg)
{
	struct tix_mail_in m;

	assert_int_equal(tix_mail_parse(&arena, msg, strlen(msg), &m), TIX_OK);
	assert_true(tix_utf8_valid(m.subject, strlen(m.subject)) ||
	    m.subject[0] == '\0');
	return m;
}

static void
test_basic_and_folding(void **state)
{
	struct tix_mail_in m = parse_ok(
	    "Return-Path: <ann@example.com>\r\n"
	    "From: \"Ann, Example\" <Ann@Example.COM>\r\n"
	    "To: support@tix.test\r\n"
	    "Subject: a folded\r\n"
	    "  subject\tline\r\n"
	    "Message-ID: <abc.123@mail.example.com>\r\n"
	    "In-Reply-To: <TICK-1001@tix.test>\r\n"
	    "References: <a@b>\r\n <TICK-1001@tix.test>\r\n"
	    "\r\n"
	    "Hello\r\nthere\r\n");

	(void)state;
	assert_string_equal(m.from, "ann@example.com");
	assert_string_equal(m.subject, "a folded subject line");
	assert_string_equal(m.message_id, "abc.123@mail.example.com");
	assert_string_equal(m.in_reply_to, "<TICK-1001@tix.test>");
	assert_string_equal(m.references, "<a@b> <TICK-1001@tix.test>");
	assert_string_equal(m.return_path, "<ann@example.com>");
	assert_string_equal(m.recipients, "support@tix.test\n");
	assert_true(m.has_text);
	assert_string_equal(m.text, "Hello\nthere\n");
}

static void
test_lf_only_and_no_body(void **state)
{
	struct tix_mail_in m = parse_ok("From: bob@example.com\n"
	    "Subject: hi\n");

	(void)state;
	assert_string_equal(m.from, "bob@example.com");
	assert_string_equal(m.subject, "hi");
	assert_null(m.message_id);
	assert_string_equal(m.text, "");
	m = parse_ok("X-Only: one field\n");
	assert_null(m.from);
	assert_string_equal(m.subject, "");
	/* Not a message: nothing, or no header field at all. */
	assert_int_equal(tix_mail_parse(&arena, "", 0, &m), TIX_EINVAL);
	assert_int_equal(tix_mail_parse(&arena, "\nbody\n", 6, &m),
	    TIX_EINVAL);
	assert_int_equal(tix_mail_parse(&arena, "just some text\nmore\n", 20,
	    &m), TIX_EINVAL);
	assert_int_equal(tix_mail_parse(&arena, "\x7f\x45LF\x02\x01", 6,
	    &m), TIX_EINVAL);
}

/* Encoded-word starts without an end, many of them: time linear in the
 * length (a quadratic scan took seconds for 200 KiB). */
static void
test_encoded_word_starts_linear(void **state)
{
	size_t		 n = 250 * 1024, i;
	char		*s = malloc(n + 1);
	char		*out;
	clock_t		 t0;

	(void)state;
	assert_non_null(s);
	for (i = 0; i < n; i++)
		s[i] = "=?a?q?b"[i % 7];
	s[n] = '\0';
	t0 = clock();
	out = tix_mail_decode_header(&arena, s, n);
	assert_non_null(out);
	assert_int_equal(strlen(out), n);
	assert_true((double)(clock() - t0) / CLOCKS_PER_SEC < 1.0);
	free(s);
	/* A real word after false starts is still decoded. */
	out = tix_mail_decode_header(&arena, "=?a?q?b=?a?q?b =?utf-8?q?caf=C3"
	    "=A9?=", 36);
	assert_string_equal(out, "=?a?q?b=?a?q?b caf\xC3\xA9");
}

static void
test_from_forms(void **state)
{
	struct tix_mail_in m;

	(void)state;
	m = parse_ok("From: carl@example.com (Carl <x@y>)\n\n");
	assert_string_equal(m.from, "carl@example.com");
	m = parse_ok("From: \"x@evil <a@b>\" <dee@example.com>\n\n");
	assert_string_equal(m.from, "dee@example.com");
	m = parse_ok("From: <>\n\n");
	assert_null(m.from);
	m = parse_ok("From: a@example.com, b@example.com\n\n");
	assert_null(m.from);
	m = parse_ok("From: <a@example.com> <b@example.com>\n\n");
	assert_null(m.from);
	m = parse_ok("From: undisclosed-recipients:;\n\n");
	assert_null(m.from);
	m = parse_ok("From: Ann <ann@exa mple.com>\n\n");
	assert_null(m.from);
}

static char *
dec(const char *s)
{
	return tix_mail_decode_header(&arena, s, strlen(s));
}

static void
test_encoded_words(void **state)
{
	char *s;

	(void)state;
	s = dec("=?UTF-8?B?SGVsbG8g8J+Qmw==?=");
	assert_string_equal(s, "Hello \xF0\x9F\x90\x9B");
	s = dec("=?iso-8859-1?q?caf=E9_cr=E8me?=");
	assert_string_equal(s, "caf\xC3\xA9 cr\xC3\xA8me");
	/* White space between two encoded words is dropped (RFC 2047 6.2),
	 * between a word and text it stays. */
	s = dec("=?utf-8?q?a?= \t =?utf-8?q?b?= c");
	assert_string_equal(s, "ab c");
	/* Unknown charset: kept when valid UTF-8; bytes that are not
	 * text are dropped, never passed on. */
	s = dec("=?x-unknown?q?ok=C3=A9?=");
	assert_string_equal(s, "ok\xC3\xA9");
	s = dec("=?x-unknown?q?bad=FF?= x");
	assert_true(strcmp(s, "bad x") == 0 ||
	    strcmp(s, "\xEF\xBF\xBD x") == 0);
	/* A character split across two words of one charset. */
	s = dec("=?utf-8?q?caf=C3?= =?utf-8?q?=A9?=");
	assert_string_equal(s, "caf\xC3\xA9");
	/* Not encoded words: left as they are. */
	s = dec("=?utf-8?x?abc?= =?bad");
	assert_string_equal(s, "=?utf-8?x?abc?= =?bad");
	/* Raw 8-bit that is not UTF-8 is replaced, not passed on. */
	s = dec("caf\xE9");
	assert_string_equal(s, "caf\xEF\xBF\xBD");
	/* windows-1252's quotes. */
	s = dec("=?windows-1252?Q?=93q=94?=");
	assert_string_equal(s, "\xE2\x80\x9Cq\xE2\x80\x9D");
}

static void
test_injection_like(void **state)
{
	struct tix_mail_in m;

	(void)state;
	/* An encoded CR LF never becomes a line break. */
	m = parse_ok("From: a@example.com\n"
	    "Subject: =?utf-8?q?hi=0D=0ABcc:_x@evil?=\n\n");
	assert_string_equal(m.subject, "hi Bcc: x@evil");
	/* NUL, bare CR, and C1 controls in a header are spaces. */
	m = parse_ok("From: a@example.com\n"
	    "Subject: a\rb =?utf-8?b?AGM=?= =?utf-8?q?=C2=85d?=\n\n");
	assert_null(strchr(m.subject, '\r'));
	assert_string_equal(m.subject, "a b c d");
	/* A second From (or Subject, Message-ID) is refused. */
	assert_int_equal(tix_mail_parse(&arena,
	    "From: a@example.com\nFrom: agent@tix.test\n\n", 42, &m),
	    TIX_EBADREQ);
	assert_null(m.from);
	/* A continuation line cannot start a header. */
	m = parse_ok("Subject: x\n From: agent@tix.test\nFrom: c@example.com\n"
	    "\n");
	assert_string_equal(m.from, "c@example.com");
	assert_string_equal(m.subject, "x From: agent@tix.test");
	/* A Message-ID with spaces or controls is no id. */
	m = parse_ok("Message-ID: <a b@c>\n\n");
	assert_null(m.message_id);
}

static void
test_header_limits(void **state)
{
	struct tix_buf		b;
	struct tix_mail_in	m;
	int			i;

	(void)state;
	tix_buf_init(&b, 1u << 24);
	for (i = 0; i < TIX_MAX_MAIL_HEADERS; i++)
		assert_int_equal(tix_buf_adds(&b, "X-A: b\n"), TIX_OK);
	assert_int_equal(tix_buf_adds(&b, "\nbody"), TIX_OK);
	assert_int_equal(tix_mail_parse(&arena, b.data, b.len, &m), TIX_OK);
	tix_buf_clear(&b);
	for (i = 0; i <= TIX_MAX_MAIL_HEADERS; i++)
		assert_int_equal(tix_buf_adds(&b, "X-A: b\n"), TIX_OK);
	assert_int_equal(tix_mail_parse(&arena, b.data, b.len, &m),
	    TIX_ETOOBIG);
	tix_buf_clear(&b);
	assert_int_equal(tix_buf_adds(&b, "Subject: x\n"), TIX_OK);
	for (i = 0; i < TIX_MAX_MAIL_HEADER_BYTES / 8 + 1; i++)
		assert_int_equal(tix_buf_adds(&b, "  abcde\n"), TIX_OK);
	assert_int_equal(tix_mail_parse(&arena, b.data, b.len, &m),
	    TIX_ETOOBIG);
	tix_buf_free(&b);
}

static void
test_qp_and_base64(void **state)
{
	struct tix_mail_in m;

	(void)state;
	m = parse_ok("Content-Type: text/plain; charset=\"utf-8\"\n"
	    "Content-Transfer-Encoding: quoted-printable\n\n"
	    "caf=C3=A9 long line=\r\n continues=3D=\nend =zz\n");
	assert_string_equal(m.text, "caf\xC3\xA9 long line continues=end =zz\n");
	m = parse_ok("Content-Type: text/plain; charset=iso-8859-1\n"
	    "Content-Transfer-Encoding: BASE64\n\n"
	    "Y2Fm6SBsaW5lMQ0K\nbGluZTI=\n");
	assert_string_equal(m.text, "caf\xC3\xA9 line1\nline2");
	/* Invalid UTF-8 in an 8bit body: replaced; controls dropped. */
	m = parse_ok("Content-Transfer-Encoding: 8bit\n\na\xFF\x01" "b\tc\r\n");
	assert_string_equal(m.text, "a\xEF\xBF\xBD" "b\tc\n");
}

static void
test_multipart(void **state)
{
	struct tix_mail_in m;

	(void)state;
	m = parse_ok("Content-Type: multipart/mixed; boundary=\"outer\"\n\n"
	    "preamble\n"
	    "--outer\n"
	    "Content-Type: multipart/alternative; boundary=inner\n\n"
	    "--inner\n"
	    "Content-Type: text/html\n\n<p>html</p>\n"
	    "--inner\n"
	    "Content-Type: text/plain; charset=utf-8\n"
	    "Content-Transfer-Encoding: quoted-printable\n\n"
	    "the=20text\n"
	    "--inner--\n"
	    "--outer\n"
	    "Content-Type: text/plain\n"
	    "Content-Disposition: attachment; filename=a.txt\n\nnot me\n"
	    "--outer--\nepilogue\n");
	assert_true(m.has_text);
	assert_string_equal(m.text, "the text");
	/* An attachment is never the text. */
	m = parse_ok("Content-Type: multipart/mixed; boundary=b\n\n"
	    "--b\nContent-Type: text/plain\n"
	    "Content-Disposition: attachment\n\nno\n--b--\n");
	assert_false(m.has_text);
	assert_string_equal(m.text, "");
	/* No closing delimiter: the last part ends with the body. */
	m = parse_ok("Content-Type: multipart/mixed; boundary=b\n\n"
	    "--b\n\ntext without end\n");
	assert_string_equal(m.text, "text without end\n");
	/* A boundary longer than 70 is no boundary. */
	m = parse_ok("Content-Type: multipart/mixed; boundary="
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "\n\n--aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaa\n\nx\n");
	assert_false(m.has_text);
}

/* A text/plain part inside depth levels of multipart/mixed. */
static char *
nested(int depth)
{
	struct tix_buf	 b;
	int		 i;
	char		*s;

	tix_buf_init(&b, 1 << 20);
	for (i = 0; i < depth; i++)
		assert_int_equal(tix_buf_printf(&b, "Content-Type: multipart/"
		    "mixed; boundary=b%d\n\n--b%d\n", i, i), TIX_OK);
	assert_int_equal(tix_buf_adds(&b, "Content-Type: text/plain\n\ndeep"),
	    TIX_OK);
	for (i = depth - 1; i >= 0; i--)
		assert_int_equal(tix_buf_printf(&b, "\n--b%d--", i), TIX_OK);
	s = tix_arena_strdup(&arena, b.data);
	tix_buf_free(&b);
	return s;
}

static void
test_nesting_limit(void **state)
{
	struct tix_mail_in m;

	(void)state;
	m = parse_ok(nested(TIX_MAX_MAIL_DEPTH));
	assert_true(m.has_text);
	assert_string_equal(m.text, "deep");
	m = parse_ok(nested(TIX_MAX_MAIL_DEPTH + 1));
	assert_false(m.has_text);
}

static void
test_parts_limit(void **state)
{
	struct tix_buf		b;
	struct tix_mail_in	m;
	int			i, k;

	(void)state;
	for (k = TIX_MAX_MAIL_PARTS - 1; k <= TIX_MAX_MAIL_PARTS; k++) {
		tix_buf_init(&b, 1 << 20);
		assert_int_equal(tix_buf_adds(&b, "Content-Type: multipart/"
		    "mixed; boundary=b\n\n"), TIX_OK);
		for (i = 0; i < k; i++)
			assert_int_equal(tix_buf_adds(&b, "--b\n"
			    "Content-Type: image/png\n\nx\n"), TIX_OK);
		assert_int_equal(tix_buf_adds(&b, "--b\n\nlast\n--b--\n"),
		    TIX_OK);
		assert_int_equal(tix_mail_parse(&arena, b.data, b.len, &m),
		    TIX_OK);
		/* The 100th part is read, the 101st is not. */
		assert_int_equal(m.has_text, k < TIX_MAX_MAIL_PARTS);
		tix_buf_free(&b);
	}
}

/* Each charset in the subject and in the body arrives as its UTF-8. */
static void
test_charsets(void **state)
{
	static const struct {
		const char *cs, *word, *raw, *utf8;
	} t[] = {
		{ "iso-2022-jp", "=?iso-2022-jp?B?GyRCRnxLXDhsJE4lRiU5JUgbKEI=?=",
		    "\x1B$BF|K\x5C" "8l$N%F%9%H\x1B(B",
		    "日本語のテスト" },
		{ "Shift_JIS", "=?Shift_JIS?B?grGC8YLJgr+CzZCiikU=?=",
		    "\x82\xB1\x82\xF1\x82\xC9\x82\xBF\x82\xCD\x90\xA2\x8A" "E",
		    "こんにちは世界" },
		{ "KOI8-R", "=?KOI8-R?B?8NLJ18XUIM3J0g==?=",
		    "\xF0\xD2\xC9\xD7\xC5\xD4 \xCD\xC9\xD2",
		    "Привет мир" },
		{ "GB18030", "=?GB18030?B?xOO6w8rAvec=?=",
		    "\xC4\xE3\xBA\xC3\xCA\xC0\xBD\xE7",
		    "你好世界" },
		{ "windows-1251", "=?windows-1251?B?x+Tw4OLx8uLz6fLl?=",
		    "\xC7\xE4\xF0\xE0\xE2\xF1\xF2\xE2\xF3\xE9\xF2\xE5",
		    "Здравствуйте" },
	};
	struct tix_mail_in	 m;
	char			*msg;
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		msg = tix_arena_printf(&arena, "From: a@example.com\n"
		    "Subject: %s\nContent-Type: text/plain; charset=\"%s\"\n"
		    "Content-Transfer-Encoding: 8bit\n\n%s\n", t[i].word,
		    t[i].cs, t[i].raw);
		m = parse_ok(msg);
		assert_string_equal(m.subject, t[i].utf8);
		assert_true(m.has_text);
		assert_string_equal(m.text, tix_arena_printf(&arena, "%s\n",
		    t[i].utf8));
	}
	/* RFC 2231: a file name in a charset, in continuations. */
	m = parse_ok("From: a@example.com\n"
	    "Content-Type: multipart/mixed; boundary=b\n\n--b\n\nbody\n--b\n"
	    "Content-Type: text/plain\n"
	    "Content-Disposition: attachment;\n"
	    " filename*0*=windows-1251''%D1%EF%E8%F1%EE%EA;\n"
	    " filename*1=\".txt\"\n\nlist\n--b--\n");
	assert_int_equal(m.nfiles, 1);
	assert_string_equal(m.files[0].name, "Список.txt");
	assert_int_equal(m.files[0].len, 4);
	assert_memory_equal(m.files[0].data, "list", 4);
}

static void
test_html_only(void **state)
{
	struct tix_mail_in m;

	(void)state;
	m = parse_ok("From: a@example.com\n"
	    "Content-Type: text/html; charset=windows-1251\n\n"
	    "<html><head><title>t</title><style>p{color:red}</style>"
	    "<script>alert('x')</script></head>"
	    "<body><p>Fish &amp; chips &lt;3 &#8364;5</p>"
	    "<div>line<br>two \xC7\xE4</div><!-- hidden --></body></html>\n");
	assert_true(m.has_text);
	assert_true(m.text_from_html);
	assert_string_equal(m.text, "Fish & chips <3 \xE2\x82\xAC" "5\nline\n"
	    "two Зд");
	assert_int_equal(m.nfiles, 0);
	/* An HTML reply: its quote is quoted as in plain text, so the
	 * reply's trimming finds it. */
	m = parse_ok("From: a@example.com\nContent-Type: text/html\n\n"
	    "<div>Thanks, works.</div><div class=gmail_quote>On Mon, 1 Jan "
	    "2026, Support wrote:<blockquote><p>old</p><pre>a\nb</pre>"
	    "</blockquote></div>\n");
	assert_string_equal(m.text, "Thanks, works.\nOn Mon, 1 Jan 2026, "
	    "Support wrote:\n> old\n> a\n> b");
	assert_string_equal(tix_mail_trim_quoted(&arena, m.text),
	    "Thanks, works.");
	/* text/plain wins over its HTML alternative; the inline image of
	 * the HTML is a file all the same. */
	m = parse_ok("From: a@example.com\n"
	    "Content-Type: multipart/related; boundary=r\n\n--r\n"
	    "Content-Type: multipart/alternative; boundary=a\n\n--a\n"
	    "Content-Type: text/html\n\n<p>html <img src=\"cid:i1@x\"></p>\n"
	    "--a\nContent-Type: text/plain\n\nplain\n--a--\n--r\n"
	    "Content-Type: image/png\nContent-ID: <i1@x>\n"
	    "Content-Transfer-Encoding: base64\n\niVBORw0KGgo=\n--r--\n");
	assert_false(m.text_from_html);
	assert_string_equal(m.text, "plain");
	assert_int_equal(m.nfiles, 1);
	assert_string_equal(m.files[0].name, "image-1.png");
	assert_int_equal(m.files[0].len, 8);
	assert_memory_equal(m.files[0].data, "\x89PNG\r\n\x1A\n", 8);
}

/* A winmail.dat is the files inside it; one libytnef cannot read stays
 * itself; a forwarded message is listed without its content. */
static void
test_tnef_and_forwarded(void **state)
{
	struct tix_mail_in m;

	(void)state;
	m = parse_ok("From: a@example.com\n"
	    "Content-Type: multipart/mixed; boundary=b\n\n--b\n\nbody\n--b\n"
	    "Content-Type: application/ms-tnef; name=winmail.dat\n"
	    "Content-Transfer-Encoding: base64\n\n"
	    "eJ8+IgEAAQaQCAAEAAAAAAABAAEAAQeQBgAIAAAA5AQAAAAAAADoAAICkAYA\n"
	    "DgAAAAEA/////wAAAAAAAAAA/QMCEIABAAoAAABub3Rlcy50eHQAtwMCD4AG\n"
	    "ABMAAABoZWxsbyBmcm9tIG91dGxvb2sK\n"
	    "Hwc=\n"
	    "\n--b\n"
	    "Content-Type: application/ms-tnef; name=winmail.dat\n\n"
	    "not tnef\n--b\n"
	    "Content-Type: message/rfc822\n\nFrom: x@y\nSubject: old\n\nold\n"
	    "--b\nContent-Type: application/pgp-signature; name=sig.asc\n\n"
	    "sig\n--b--\n");
	assert_string_equal(m.text, "body\n\n"
	    "---------- Forwarded message ----------\n"
	    "From: x@y\nSubject: old\n\nold");
	assert_int_equal(m.nfiles, 2);
	assert_string_equal(m.files[0].name, "notes.txt");
	assert_int_equal(m.files[0].len, 19);
	assert_memory_equal(m.files[0].data, "hello from outlook\n", 19);
	assert_string_equal(m.files[1].name, "winmail.dat");
	assert_int_equal(m.files[1].len, 8);
	assert_memory_equal(m.files[1].data, "not tnef", 8);
}

/* A winmail.dat's own body (attBody) is the text of a mail without
 * one; forwarded messages nest within the depth, their files are the
 * mail's. */
static void
test_tnef_body_and_nested_forwards(void **state)
{
	struct tix_mail_in m;

	(void)state;
	/* signature, key; attOemCodepage 1252; attBody "Caf\xe9!". */
	m = parse_ok("From: a@example.com\n"
	    "Content-Type: application/ms-tnef; name=winmail.dat\n"
	    "Content-Transfer-Encoding: base64\n\n"
	    "eJ8+IgEAAQeQBgAIAAAA5AQAAAAAAADoAAEMgAIABQAAAENhZukhFAI=\n");
	assert_true(m.has_text);
	assert_string_equal(m.text, "Caf\xc3\xa9!");
	m = parse_ok("From: a@example.com\n"
	    "Content-Type: message/rfc822\n\n"
	    "From: b@example.com\nSubject: one\n"
	    "Content-Type: multipart/mixed; boundary=c\n\n--c\n\nfirst\n"
	    "--c\nContent-Type: message/rfc822\n\n"
	    "From: c@example.com\nSubject: two\n"
	    "Content-Type: multipart/mixed; boundary=d\n\n--d\n\nsecond\n"
	    "--d\nContent-Type: text/plain; name=log.txt\n\nlog\n--d--\n"
	    "--c--\n");
	assert_string_equal(m.text,
	    "---------- Forwarded message ----------\n"
	    "From: b@example.com\nSubject: one\n\nfirst\n\n"
	    "---------- Forwarded message ----------\n"
	    "From: c@example.com\nSubject: two\n\nsecond");
	assert_int_equal(m.nfiles, 1);
	assert_string_equal(m.files[0].name, "log.txt");
}

/* A 25 MiB message (a large file, base64) in well under two seconds;
 * a 1 MiB Subject of encoded words, false starts and all, likewise. */
static void
test_large_in_time(void **state)
{
	struct tix_buf		 b;
	struct tix_mail_in	 m;
	size_t			 i;
	clock_t			 t0;
	char			*s;

	(void)state;
	tix_buf_init(&b, 27u << 20);
	assert_int_equal(tix_buf_adds(&b, "From: a@example.com\n"
	    "Content-Type: multipart/mixed; boundary=b\n\n--b\n\nbig\n--b\n"
	    "Content-Type: application/pdf; name=big.pdf\n"
	    "Content-Transfer-Encoding: base64\n\n"), TIX_OK);
	while (b.len < (25u << 20))
		assert_int_equal(tix_buf_adds(&b, "JVBERi0xLjQKJcfsj6IKNSAwIG9"
		    "iago8PC9MZW5ndGggNiAwIFIvRmlsdGVyIC9GbGF0ZURlY29kZT4+CnN0"
		    "\n"), TIX_OK);
	assert_int_equal(tix_buf_adds(&b, "--b--\n"), TIX_OK);
	t0 = clock();
	assert_int_equal(tix_mail_parse(&arena, b.data, b.len, &m), TIX_OK);
	assert_true((double)(clock() - t0) / CLOCKS_PER_SEC < 2.0);
	assert_string_equal(m.text, "big");
	assert_int_equal(m.nfiles, 1);
	assert_true(m.files[0].len > (18u << 20));
	tix_buf_free(&b);

	/* 10,000 parts, 500 levels of nesting, a long body in UTF-32LE
	 * (security.md 64, 65): read within the limits, in time. */
	tix_buf_init(&b, 8u << 20);
	assert_int_equal(tix_buf_adds(&b, "Content-Type: multipart/mixed; "
	    "boundary=p\n\n"), TIX_OK);
	for (i = 0; i < 10000; i++)
		assert_int_equal(tix_buf_adds(&b, "--p\nContent-Type: image/png;"
		    " name=a.png\n\nx\n"), TIX_OK);
	assert_int_equal(tix_buf_adds(&b, "--p--\n"), TIX_OK);
	t0 = clock();
	assert_int_equal(tix_mail_parse(&arena, b.data, b.len, &m), TIX_OK);
	assert_true((double)(clock() - t0) / CLOCKS_PER_SEC < 2.0);
	assert_int_equal(m.nfiles, TIX_MAX_MAIL_PARTS);
	tix_buf_free(&b);
	s = nested(500);
	t0 = clock();
	assert_int_equal(tix_mail_parse(&arena, s, strlen(s), &m), TIX_OK);
	assert_true((double)(clock() - t0) / CLOCKS_PER_SEC < 2.0);
	assert_false(m.has_text);
	tix_buf_init(&b, 16u << 20);
	assert_int_equal(tix_buf_adds(&b, "Content-Type: text/plain; "
	    "charset=\"utf-32LE\"\nContent-Transfer-Encoding: base64\n\n"),
	    TIX_OK);
	while (b.len < (12u << 20))
		assert_int_equal(tix_buf_adds(&b, "YQAAAGIAAAAKAAAA\n"), TIX_OK);
	t0 = clock();
	assert_int_equal(tix_mail_parse(&arena, b.data, b.len, &m), TIX_OK);
	assert_true((double)(clock() - t0) / CLOCKS_PER_SEC < 2.0);
	assert_true(m.text_len > 0 && m.text_len <= TIX_MAX_MAIL_TEXT);
	assert_memory_equal(m.text, "ab\nab\n", 6);
	tix_buf_free(&b);

	s = malloc((1u << 20) + 1);
	assert_non_null(s);
	for (i = 0; i < (1u << 20); i++)
		s[i] = "=?utf-8?q?a?= =?a?q?b"[i % 21];
	s[1u << 20] = '\0';
	t0 = clock();
	assert_non_null(tix_mail_decode_header(&arena, s, 1u << 20));
	assert_true((double)(clock() - t0) / CLOCKS_PER_SEC < 1.0);
	free(s);
}

static void
test_trim_quoted(void **state)
{
	(void)state;
	assert_string_equal(tix_mail_trim_quoted(&arena,
	    "\nThanks, fixed.\n\nOn Mon, 1 Jan 2026, Support <s@x> wrote:\n"
	    "> old\n> text\n"), "Thanks, fixed.");
	assert_string_equal(tix_mail_trim_quoted(&arena,
	    "Yes.\nOn Mon, 1 Jan 2026 at 10:00, A Long Name <a@example.com>\n"
	    "wrote:\n> q\n"), "Yes.");
	assert_string_equal(tix_mail_trim_quoted(&arena,
	    "> quoted first\nmy answer\n> more\nsecond\n-- \nAnn\nCEO\n"),
	    "my answer\nsecond");
	assert_string_equal(tix_mail_trim_quoted(&arena,
	    "On the other hand, it works.\n"), "On the other hand, it works.");
	assert_string_equal(tix_mail_trim_quoted(&arena, "> all quoted\n"),
	    "");
}

static void
test_tags_and_ids(void **state)
{
	char	tok[65];
	char	id[64];
	int64_t	n, ob, uid;
	size_t	pos = 0;

	(void)state;
	assert_true(tix_mail_find_tag("Ann <ann@x>, \"S\" <Support+TICK-1001."
	    "42.abcDEF0123@TIX.test>\n", "support@tix.test", &n, &uid, tok,
	    sizeof(tok)));
	assert_int_equal(n, 1001);
	assert_int_equal(uid, 42);
	assert_string_equal(tok, "abcDEF0123");
	assert_false(tix_mail_find_tag("support+TICK-1001.4.abc@evil.test",
	    "support@tix.test", &n, &uid, tok, sizeof(tok)));
	assert_false(tix_mail_find_tag("other+TICK-1001.4.abc@tix.test",
	    "support@tix.test", &n, &uid, tok, sizeof(tok)));
	assert_false(tix_mail_find_tag("support+TICK-1001.4.a-b@tix.test",
	    "support@tix.test", &n, &uid, tok, sizeof(tok)));
	assert_false(tix_mail_find_tag("support+TICK-.4.abc@tix.test",
	    "support@tix.test", &n, &uid, tok, sizeof(tok)));
	/* The old form, one token per ticket, is no reply address. */
	assert_false(tix_mail_find_tag("support+TICK-1001.0123456789abcdef"
	    "0123456789abcdef@tix.test", "support@tix.test", &n, &uid, tok,
	    sizeof(tok)));
	assert_false(tix_mail_find_tag("support+TICK-1001.0.abc@tix.test",
	    "support@tix.test", &n, &uid, tok, sizeof(tok)));

	assert_true(tix_mail_next_id("<a@b> junk <TICK-7@tix.test>", &pos, id,
	    sizeof(id)));
	assert_string_equal(id, "a@b");
	assert_true(tix_mail_next_id("<a@b> junk <TICK-7@tix.test>", &pos, id,
	    sizeof(id)));
	assert_string_equal(id, "TICK-7@tix.test");
	assert_false(tix_mail_next_id("<a@b> junk <TICK-7@tix.test>", &pos,
	    id, sizeof(id)));

	assert_true(tix_mail_our_id("TICK-7@tix.test", "support@tix.test", &n,
	    &ob));
	assert_int_equal(n, 7);
	assert_int_equal(ob, 0);
	assert_true(tix_mail_our_id("42.TICK-1001@TIX.TEST",
	    "support@tix.test", &n, &ob));
	assert_int_equal(n, 1001);
	assert_int_equal(ob, 42);
	assert_false(tix_mail_our_id("TICK-7@evil.test", "support@tix.test",
	    &n, &ob));
	assert_false(tix_mail_our_id("x.TICK-7@tix.test", "support@tix.test",
	    &n, &ob));

	assert_true(tix_mail_subject_tag("Re: [TICK-1002] printer", &n));
	assert_int_equal(n, 1002);
	assert_false(tix_mail_subject_tag("TICK-1002 [TICK-] [TICK-9x]", &n));

	assert_true(tix_mail_is_daemon("MAILER-DAEMON@mx.example.com"));
	assert_true(tix_mail_is_daemon("postmaster@example.com"));
	assert_false(tix_mail_is_daemon("postmasters@example.com"));
}

/*
 * A long text converts in pieces (words.c): a character cut at a
 * piece's end comes out whole, and a long invalid text ends in time.
 * Shift_JIS "\x82\xA0" is HIRAGANA A (U+3042, E3 81 82 in UTF-8); one
 * ASCII byte first puts a character across every 4,096th byte.
 */
static void
test_long_text_in_pieces(void **state)
{
	struct tix_buf	 out;
	enum tix_err	 rc;
	char		*in;
	size_t		 i, n = 1 + 2 * 6000;

	(void)state;
	in = malloc(n);
	assert_non_null(in);
	in[0] = 'x';
	for (i = 1; i < n; i += 2) {
		in[i] = '\x82';
		in[i + 1] = '\xA0';
	}
	tix_buf_init(&out, 1 << 20);
	assert_true(tix_mail_to_utf8("Shift_JIS", in, n, &out, &rc));
	assert_int_equal(rc, TIX_OK);
	assert_int_equal(out.len, 1 + 3 * 6000);
	assert_int_equal(out.data[0], 'x');
	for (i = 1; i < out.len; i += 3)
		assert_memory_equal(out.data + i, "\xE3\x81\x82", 3);
	tix_buf_free(&out);
	/* 3 MiB that are no UTF-32 at all: every code unit past U+10FFFF. */
	free(in);
	n = 3 << 20;
	in = malloc(n);
	assert_non_null(in);
	memset(in, 0xFF, n);
	tix_buf_init(&out, 16 << 20);
	assert_true(tix_mail_to_utf8("UTF-32LE", in, n, &out, &rc));
	assert_int_equal(rc, TIX_OK);
	assert_true(tix_utf8_valid(out.data, out.len));
	tix_buf_free(&out);
	free(in);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_basic_and_folding, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_encoded_word_starts_linear,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_lf_only_and_no_body,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_from_forms, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_encoded_words, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_injection_like, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_header_limits, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_qp_and_base64, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_multipart, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_nesting_limit, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_parts_limit, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_charsets, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_long_text_in_pieces, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_html_only, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_tnef_body_and_nested_forwards,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_tnef_and_forwarded, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_large_in_time, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_trim_quoted, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_tags_and_ids, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
