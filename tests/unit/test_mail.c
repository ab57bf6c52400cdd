/*
 * test_mail.c: composing a notification (lib/mail/compose.c) byte for
 * byte: the exact headers, RFC 2047 subjects (emoji, U+202E), header
 * injection refused, the quoted-printable body with CRLF line ends; the
 * outbox's retry backoff; and a batch of .eml files (drop.c), in place
 * only after its flush.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/buf.h"
#include "crypto/crypto.h"
#include "crypto/replymac.h"
#include "mail/auth.h"
#include "mail/mail.h"
#include "tickets/license.h"
#include "outbox/claim.h"

#define TOKEN	"4j4c7yot4dcpkq56gm3a2qsv"

static struct tix_mail
sample(void)
{
	struct tix_mail m;

	memset(&m, 0, sizeof(m));
	m.id = 42;
	m.ticket_number = 1001;
	m.from = "support@tix.test";
	m.to = "ann@example.com";
	m.subject = "[TICK-1001] Printer on fire";
	m.body = "Hello\n";
	m.recipient_id = 7;
	m.reply_mac = TOKEN;
	m.date = 1795707408;	/* 2026-11-26 15:36:48 UTC, a Thursday */
	return m;
}

/* Compose m; the message (NUL-terminated) is the caller's to free. */
static char *
compose(const struct tix_mail *m, enum tix_err want)
{
	struct tix_buf	 b;
	char		*s;

	tix_buf_init(&b, TIX_MAIL_MAX);
	assert_int_equal(tix_mail_compose(m, &b), want);
	if (want != TIX_OK) {
		tix_buf_free(&b);
		return NULL;
	}
	s = strdup(b.data);
	tix_buf_free(&b);
	assert_non_null(s);
	return s;
}

/* No CR without LF after it, no LF without CR before it. */
static void
assert_crlf_only(const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] == '\r')
			assert_int_equal(s[i + 1], '\n');
		if (s[i] == '\n')
			assert_true(i > 0 && s[i - 1] == '\r');
	}
}

/* Every line of s (up to the end or "\r\n\r\n" when headers_only) is at
 * most max characters. */
static void
assert_lines_max(const char *s, size_t max, int headers_only)
{
	const char	*end = headers_only ? strstr(s, "\r\n\r\n") + 2 :
			    s + strlen(s);
	const char	*nl;

	while (s < end) {
		nl = strstr(s, "\r\n");
		assert_non_null(nl);
		assert_true((size_t)(nl - s) <= max);
		s = nl + 2;
	}
}

static void
test_headers_exact(void **state)
{
	struct tix_mail	 m = sample();
	char		*s;

	(void)state;
	s = compose(&m, TIX_OK);
	assert_string_equal(s,
	    "Date: Thu, 26 Nov 2026 15:36:48 +0000\r\n"
	    "From: support@tix.test\r\n"
	    "To: ann@example.com\r\n"
	    "Subject: [TICK-1001] Printer on fire\r\n"
	    "Message-ID: <42.TICK-1001@tix.test>\r\n"
	    "In-Reply-To: <TICK-1001@tix.test>\r\n"
	    "References: <TICK-1001@tix.test>\r\n"
	    "Reply-To: support+TICK-1001.7." TOKEN "@tix.test\r\n"
	    "Auto-Submitted: auto-generated\r\n"
	    "X-Loop: support@tix.test\r\n"
	    "MIME-Version: 1.0\r\n"
	    "Content-Type: text/plain; charset=utf-8\r\n"
	    "Content-Transfer-Encoding: quoted-printable\r\n"
	    "\r\n"
	    "Hello\r\n");
	free(s);
}

/* The Message-ID depends on the row only: a resend has the same one. */
static void
test_message_id_stable(void **state)
{
	struct tix_mail	 m = sample();
	char		*a, *b;

	(void)state;
	a = compose(&m, TIX_OK);
	m.date += 3600;
	b = compose(&m, TIX_OK);
	assert_non_null(strstr(a, "Message-ID: <42.TICK-1001@tix.test>\r\n"));
	assert_non_null(strstr(b, "Message-ID: <42.TICK-1001@tix.test>\r\n"));
	free(a);
	free(b);
}

static int
b64val(char c)
{
	static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789+/";
	const char *p = strchr(abc, c);

	return p != NULL && c != '\0' ? (int)(p - abc) : -1;
}

/* Decode the Subject header of msg: unfold, then each B encoded-word.
 * Returns a string the caller frees. */
static char *
decoded_subject(const char *msg)
{
	const char	*p = strstr(msg, "\r\nSubject: ") + 11, *q;
	char		*out = calloc(1, 1024);
	size_t		 n = 0;
	unsigned long	 v;
	int		 bits, d;

	assert_non_null(out);
	for (;;) {
		assert_memory_equal(p, "=?UTF-8?B?", 10);
		p += 10;
		q = strstr(p, "?=");
		assert_non_null(q);
		assert_true(q - p + 12 <= 75);	/* RFC 2047 2 */
		v = 0;
		bits = 0;
		for (; p < q; p++) {
			if (*p == '=')
				continue;
			d = b64val(*p);
			assert_true(d >= 0);
			v = (v << 6) | (unsigned long)d;
			bits += 6;
			if (bits >= 8) {
				bits -= 8;
				out[n++] = (char)((v >> bits) & 0xff);
			}
		}
		p = q + 2;
		if (strncmp(p, "\r\n ", 3) != 0)
			break;
		p += 3;
	}
	assert_memory_equal(p, "\r\n", 2);
	return out;
}

static void
test_subject_encoded(void **state)
{
	struct tix_mail	 m = sample();
	/* Emoji (4 bytes), U+202E RIGHT-TO-LEFT OVERRIDE, accents: long
	 * enough for several words, so splits meet multi-byte characters. */
	const char	*subj = "[TICK-1001] Dr\xc3\xbc" "cker \xf0\x9f\x94\xa5 "
			    "brennt \xe2\x80\xae" "gnp.exe \xf0\x9f\x98\x80"
			    "\xf0\x9f\x98\x80\xf0\x9f\x98\x80 na\xc3\xafve "
			    "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e";
	char		*s, *d, *hdr;
	size_t		 i;

	(void)state;
	m.subject = subj;
	s = compose(&m, TIX_OK);
	/* The headers are ASCII, lines short, CRLF only. */
	hdr = strstr(s, "\r\n\r\n");
	for (i = 0; s + i < hdr; i++)
		assert_true((unsigned char)s[i] < 0x80);
	assert_lines_max(s, 78, 1);
	assert_crlf_only(s);
	assert_null(strstr(s, "\xe2\x80\xae"));
	d = decoded_subject(s);
	assert_string_equal(d, subj);
	free(d);
	free(s);
}

/* ASCII that looks like an encoded-word is encoded, so a reader never
 * decodes what the customer typed. */
static void
test_subject_lookalike_encoded(void **state)
{
	struct tix_mail	 m = sample();
	char		*s, *d;

	(void)state;
	m.subject = "[TICK-1001] =?UTF-8?B?QmNjOiB4?=";
	s = compose(&m, TIX_OK);
	d = decoded_subject(s);
	assert_string_equal(d, m.subject);
	free(d);
	free(s);
}

static void
test_subject_long_ascii_folded(void **state)
{
	struct tix_mail	 m = sample();
	char		 subj[256], unfolded[512];
	const char	*p, *end;
	char		*s;
	size_t		 n = 0;

	(void)state;
	n = (size_t)snprintf(subj, sizeof(subj), "[TICK-1001]");
	while (n < 200)
		n += (size_t)snprintf(subj + n, sizeof(subj) - n, " word");
	n = 0;
	m.subject = subj;
	s = compose(&m, TIX_OK);
	assert_lines_max(s, 78, 1);
	/* Unfolding (dropping CRLF before a blank) gives it back. */
	p = strstr(s, "Subject: ") + 9;
	end = strstr(p, "\r\nMessage-ID:");
	for (; p < end; p++)
		if (!(p[0] == '\r' && p[1] == '\n') &&
		    !(p[0] == '\n' && p > s && p[-1] == '\r'))
			unfolded[n++] = *p;
	unfolded[n] = '\0';
	assert_string_equal(unfolded, subj);
	free(s);
}

static void
test_injection_refused(void **state)
{
	static const char *const bad_subjects[] = {
		"Hi\r\nBcc: victim@example.com", "Hi\nBcc: victim@example.com",
		"Hi\rBcc: x", "tab\there", "nul\x01", "c1 \xc2\x85 next line",
		"bad utf8 \xff\xfe", "overlong \xc0\xaf",
	};
	static const char *const bad_addresses[] = {
		"a@b.c\r\nBcc: victim@example.com", "a b@c.d", "<a@b.c>",
		"a@b.c, victim@example.com", "a@b.c;d@e.f", "\"x\"@y.z",
		"no-at-sign", "@b.c", "a@", "a@b@c", "caf\xc3\xa9@b.c", "",
	};
	struct tix_mail	 m;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(bad_subjects) / sizeof(*bad_subjects); i++) {
		m = sample();
		m.subject = bad_subjects[i];
		(void)compose(&m, TIX_EINVAL);
	}
	for (i = 0; i < sizeof(bad_addresses) / sizeof(*bad_addresses);
	    i++) {
		m = sample();
		m.to = bad_addresses[i];
		(void)compose(&m, TIX_EINVAL);
		m = sample();
		m.from = bad_addresses[i];
		(void)compose(&m, TIX_EINVAL);
		assert_false(tix_mail_address_ok(bad_addresses[i]));
	}
	m = sample();
	m.reply_mac = "abc\r\nBcc: victim@example.com";
	(void)compose(&m, TIX_EINVAL);
	m.reply_mac = "";
	(void)compose(&m, TIX_EINVAL);
	m.reply_mac = "ABC";		/* not lower-case base32 */
	(void)compose(&m, TIX_EINVAL);
	m = sample();
	m.recipient_id = 0;
	(void)compose(&m, TIX_EINVAL);
	assert_true(tix_mail_address_ok("danger-$USER@example.com"));
	assert_true(tix_mail_address_ok("a@b.c"));
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode a quoted-printable body (CRLF line ends). */
static char *
qp_decode(const char *s)
{
	char	*out = calloc(1, strlen(s) + 1);
	size_t	 n = 0;

	assert_non_null(out);
	while (*s != '\0') {
		if (s[0] == '=' && s[1] == '\r' && s[2] == '\n') {
			s += 3;		/* soft break */
		} else if (s[0] == '=') {
			assert_true(hexval(s[1]) >= 0 && hexval(s[2]) >= 0);
			out[n++] = (char)(hexval(s[1]) * 16 + hexval(s[2]));
			s += 3;
		} else {
			/* No blank right before a line end (RFC 2045 6.7);
			 * the text starts after "\r\n\r\n", so s[-1] is
			 * readable. */
			if (s[0] == '\r')
				assert_true(s[-1] != ' ' && s[-1] != '\t');
			out[n++] = *s++;
		}
	}
	return out;
}

static void
test_body_quoted_printable(void **state)
{
	struct tix_mail	 m = sample();
	char		 body[3000], want[3200];
	char		*s, *b, *d;
	size_t		 i, n, w;

	(void)state;
	/* A lone ".", bare LF and CR around dots, '=', trailing blanks,
	 * UTF-8, a NUL-free control, and a 2,000-character line. */
	n = (size_t)snprintf(body, sizeof(body), "%s", "line one\n.\nx\r.\r"
	    "crlf\r\n= sign and trailing \ntab\t\nGr\xc3\xbc\xc3\x9f"
	    "e \xf0\x9f\x94\xa5\x07\n");
	for (i = 0; i < 2000; i++)
		body[n++] = (char)('a' + i % 26);
	body[n] = '\0';
	m.body = body;
	s = compose(&m, TIX_OK);
	assert_crlf_only(s);
	b = strstr(s, "\r\n\r\n") + 4;
	assert_lines_max(b, 76, 0);
	for (i = 0; b[i] != '\0'; i++)
		assert_true((unsigned char)b[i] < 0x80);
	/* The lone "." line is there, for libcurl to dot-stuff. */
	assert_non_null(strstr(b, "\r\n.\r\nx\r\n.\r\ncrlf\r\n"));
	d = qp_decode(b);
	w = (size_t)snprintf(want, sizeof(want), "%s", "line one\r\n.\r\n"
	    "x\r\n.\r\ncrlf\r\n= sign and trailing \r\ntab\t\r\n"
	    "Gr\xc3\xbc\xc3\x9f" "e \xf0\x9f\x94\xa5\x07\r\n");
	for (i = 0; i < 2000; i++)
		want[w++] = (char)('a' + i % 26);
	memcpy(want + w, "\r\n", 3);
	assert_string_equal(d, want);
	free(d);
	free(s);
}

static void
test_too_big(void **state)
{
	struct tix_mail	 m = sample();
	struct tix_buf	 b;

	(void)state;
	tix_buf_init(&b, 200);
	assert_int_equal(tix_mail_compose(&m, &b), TIX_ETOOBIG);
	tix_buf_free(&b);
}

static void
test_backoff(void **state)
{
	(void)state;
	assert_int_equal(tix_outbox_backoff(1), 60);
	assert_int_equal(tix_outbox_backoff(2), 120);
	assert_int_equal(tix_outbox_backoff(3), 240);
	assert_int_equal(tix_outbox_backoff(6), 1920);
	assert_int_equal(tix_outbox_backoff(7), 3600);
	assert_int_equal(tix_outbox_backoff(1000), 3600);
}

/* A mail of no ticket (a password reset): no thread, no Reply-To. */
static void
test_account_mail(void **state)
{
	struct tix_mail	 m;
	char		*s;

	(void)state;
	m = sample();
	m.ticket_number = 0;
	m.reply_mac = NULL;
	m.subject = "Reset your password";
	s = compose(&m, TIX_OK);
	assert_non_null(strstr(s, "\r\nMessage-ID: <42.account@tix.test>\r\n"));
	assert_null(strstr(s, "Reply-To"));
	assert_null(strstr(s, "In-Reply-To"));
	assert_null(strstr(s, "References"));
	assert_null(strstr(s, "TICK-"));
	assert_non_null(strstr(s, "\r\nAuto-Submitted: auto-generated\r\n"));
	assert_crlf_only(s);
	free(s);
	/* Half of a ticket's thread is no mail at all. */
	m.reply_mac = TOKEN;
	(void)compose(&m, TIX_EINVAL);
	m = sample();
	m.reply_mac = NULL;
	(void)compose(&m, TIX_EINVAL);
}

/* The MAC is keyed BLAKE2b as replymac.h describes it: the expected
 * values were computed independently (Python's hashlib.blake2b). */
static void
test_reply_mac(void **state)
{
	unsigned char	key[32];
	char		mac[TIX_REPLY_MAC_LEN + 1];
	size_t		i;

	(void)state;
	assert_int_equal(tix_crypto_init(), TIX_OK);
	for (i = 0; i < sizeof(key); i++)
		key[i] = (unsigned char)i;
	tix_reply_key_set(key);
	assert_int_equal(tix_reply_mac(1001, 7, mac), TIX_OK);
	assert_string_equal(mac, TOKEN);
	assert_int_equal(tix_reply_mac(7, 1001, mac), TIX_OK);
	assert_string_equal(mac, "zsc4qthkb2hpfddzbiqywvai");
	assert_int_equal(tix_reply_mac(1001, 8, mac), TIX_OK);
	assert_string_equal(mac, "gwpb4cpj64l7wf6wi3ap2q7i");
	assert_true(tix_reply_mac_ok(1001, 7, TOKEN));
	assert_true(tix_reply_mac_ok(1001, 7, "4J4C7YOT4DCPKQ56GM3A2QSV"));
	assert_false(tix_reply_mac_ok(1001, 8, TOKEN));
	assert_false(tix_reply_mac_ok(1002, 7, TOKEN));
	assert_false(tix_reply_mac_ok(1001, 7, "4j4c7yot4dcpkq56gm3a2qsw"));
	assert_false(tix_reply_mac_ok(1001, 7, "4j4c7yot4dcpkq56gm3a2qs"));
	assert_false(tix_reply_mac_ok(1001, 7, ""));
	assert_false(tix_reply_mac_ok(1001, 7, NULL));
}

static enum tix_mail_auth
verdict(const char *results, const char *from, int *dmarc)
{
	return tix_mail_auth_verdict(results, "mx.tix.test", from, dmarc);
}

static void
test_auth_results(void **state)
{
	const char	*ann = "ann@example.com";
	int		 d;

	(void)state;
	assert_int_equal(verdict("", ann, &d), TIX_MAIL_AUTH_MISSING);
	assert_int_equal(verdict("other.example; dmarc=pass", ann, &d),
	    TIX_MAIL_AUTH_MISSING);
	assert_int_equal(verdict("mx.tix.test; dmarc=pass (p=reject) "
	    "header.from=example.com", ann, &d), TIX_MAIL_AUTH_PASS);
	assert_int_equal(verdict("MX.TIX.TEST 1; dmarc=fail header.from="
	    "example.com", ann, &d), TIX_MAIL_AUTH_FAIL);
	assert_int_equal(d, 1);
	/* Other ids are ignored, whatever they say. */
	assert_int_equal(verdict("evil.example; dmarc=pass\n"
	    "mx.tix.test; dmarc=fail", ann, &d), TIX_MAIL_AUTH_FAIL);
	assert_int_equal(verdict("evil.example; dmarc=fail\n"
	    "mx.tix.test; dmarc=pass", ann, &d), TIX_MAIL_AUTH_PASS);
	/* A fail of ours outweighs a pass of ours (several milters). */
	assert_int_equal(verdict("mx.tix.test; dmarc=pass\n"
	    "mx.tix.test; dmarc=fail", ann, &d), TIX_MAIL_AUTH_FAIL);
	/* Without DMARC: DKIM or SPF for the From domain. */
	assert_int_equal(verdict("mx.tix.test; dkim=fail header.d=example.com;"
	    " spf=fail smtp.mailfrom=ann@example.com", ann, &d),
	    TIX_MAIL_AUTH_FAIL);
	assert_int_equal(d, 0);
	assert_int_equal(verdict("mx.tix.test; dkim=pass header.d=example.com;"
	    " spf=fail smtp.mailfrom=ann@example.com", ann, &d),
	    TIX_MAIL_AUTH_PASS);
	assert_int_equal(verdict("mx.tix.test; dkim=fail; spf=pass "
	    "smtp.mailfrom=bounce@mail.example.com", ann, &d),
	    TIX_MAIL_AUTH_PASS);
	assert_int_equal(verdict("mx.tix.test; dkim=pass header.i="
	    "@mail.example.com", ann, &d), TIX_MAIL_AUTH_PASS);
	/* A pass for somebody else's domain is no pass for this one. */
	assert_int_equal(verdict("mx.tix.test; dkim=pass header.d=evil.com;"
	    " spf=pass smtp.mailfrom=x@evil.com", ann, &d),
	    TIX_MAIL_AUTH_FAIL);
	assert_int_equal(verdict("mx.tix.test; dkim=pass header.d="
	    "notexample.com", ann, &d), TIX_MAIL_AUTH_FAIL);
	assert_int_equal(verdict("mx.tix.test; dkim=pass header.d=com", ann,
	    &d), TIX_MAIL_AUTH_FAIL);
	/* Spaces around "=" are allowed (RFC 8601 2.2). */
	assert_int_equal(verdict("mx.tix.test; dmarc = fail", ann, &d),
	    TIX_MAIL_AUTH_FAIL);
	assert_int_equal(verdict("mx.tix.test; dkim= pass "
	    "header.d =example.com", ann, &d), TIX_MAIL_AUTH_PASS);
	assert_int_equal(verdict("mx.tix.test; none", ann, &d),
	    TIX_MAIL_AUTH_NEUTRAL);
	/* Comments and quoted strings are not syntax. */
	assert_int_equal(verdict("mx.tix.test (dmarc=fail; x); dkim=pass "
	    "(good sig) header.d=example.com", ann, &d), TIX_MAIL_AUTH_PASS);
	assert_int_equal(verdict("mx.tix.test; dkim=pass reason=\"a;dmarc="
	    "fail\" header.d=example.com", ann, &d), TIX_MAIL_AUTH_PASS);
	assert_int_equal(verdict("mx.tix.test; dkim=pass header.d=example.com",
	    NULL, &d), TIX_MAIL_AUTH_FAIL);
	assert_int_equal(verdict("(unclosed; mx.tix.test; dmarc=pass", ann,
	    &d), TIX_MAIL_AUTH_MISSING);
}

static void
test_license_keys_masked(void **state)
{
	struct tix_mail	 m = sample();
	char		*msg, t[128];

	(void)state;
	snprintf(t, sizeof(t), "%s", "ABCDE-FGHIJ-KLMNO-12345, xABCDE-FGHIJ-"
	    "KLMNO-12345 ABCDE-FGHIJ-KLMNO-1234 (ZZZZZ-YYYYY-XXXXX-99999)");
	assert_int_equal(tix_license_keys_mask(t, strlen(t)), 2);
	assert_string_equal(t, "*****-*****-*****-12345, xABCDE-FGHIJ-"
	    "KLMNO-12345 ABCDE-FGHIJ-KLMNO-1234 (*****-*****-*****-99999)");
	m.body = "Your key ABCDE-FGHIJ-KLMNO-12345 works again.\n";
	msg = compose(&m, TIX_OK);
	assert_non_null(strstr(msg, "Your key *****-*****-*****-12345 works"));
	assert_null(strstr(msg, "ABCDE"));
	free(msg);
}

/* Names in dir, counted: those starting with '.' and the others. */
static void
count_files(const char *dir, int *hidden, int *shown)
{
	DIR		*d = opendir(dir);
	struct dirent	*e;

	*hidden = *shown = 0;
	assert_non_null(d);
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (e->d_name[0] == '.')
			(*hidden)++;
		else
			(*shown)++;
	}
	closedir(d);
}

static void
test_drop_batch(void **state)
{
	struct tix_drop_batch	*b;
	char			 tmpl[] = "/tmp/tix-drop-XXXXXX", dir[64];
	char			 err[256], buf[64];
	int			 hidden, shown;
	FILE			*f;
	size_t			 n;

	(void)state;
	assert_non_null(mkdtemp(tmpl));
	snprintf(dir, sizeof(dir), "%s/mail", tmpl);
	assert_int_equal(tix_drop_batch_new(dir, 2, &b), TIX_OK);
	assert_int_equal(tix_drop_batch_add(b, 7, 1001, "eml", "one", 3, err,
	    sizeof(err)), TIX_MAIL_SENT);
	assert_int_equal(tix_drop_batch_add(b, 8, 1001, "sms", "two", 3, err,
	    sizeof(err)), TIX_MAIL_SENT);
	assert_int_equal(tix_drop_batch_add(b, 9, 1001, "eml", "x", 1, err,
	    sizeof(err)), TIX_MAIL_RETRY);		/* full */
	/* Nothing is in place before the flush. */
	count_files(dir, &hidden, &shown);
	assert_int_equal(hidden, 2);
	assert_int_equal(shown, 0);
	assert_int_equal(tix_drop_batch_flush(b, err, sizeof(err)),
	    TIX_MAIL_SENT);
	assert_string_equal(tix_drop_batch_path(b, 1),
	    strcat(strcpy(buf, dir), "/000000000008-TICK-1001.sms"));
	count_files(dir, &hidden, &shown);
	assert_int_equal(hidden, 0);
	assert_int_equal(shown, 2);
	f = fopen(tix_drop_batch_path(b, 0), "r");
	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	assert_int_equal(n, 3);
	assert_memory_equal(buf, "one", 3);
	tix_drop_batch_clear(b);
	assert_int_equal(tix_drop_batch_count(b), 0);
	/* One cleared unflushed leaves no temporary file and no mail. */
	assert_int_equal(tix_drop_batch_add(b, 10, 1001, "eml", "three", 5,
	    err, sizeof(err)), TIX_MAIL_SENT);
	tix_drop_batch_clear(b);
	count_files(dir, &hidden, &shown);
	assert_int_equal(hidden, 0);
	assert_int_equal(shown, 2);
	tix_drop_batch_free(b);
	assert_int_equal(unlink(strcat(strcpy(buf, dir),
	    "/000000000007-TICK-1001.eml")), 0);
	assert_int_equal(unlink(strcat(strcpy(buf, dir),
	    "/000000000008-TICK-1001.sms")), 0);
	assert_int_equal(rmdir(dir), 0);
	assert_int_equal(rmdir(tmpl), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_headers_exact),
		cmocka_unit_test(test_account_mail),
		cmocka_unit_test(test_message_id_stable),
		cmocka_unit_test(test_subject_encoded),
		cmocka_unit_test(test_subject_lookalike_encoded),
		cmocka_unit_test(test_subject_long_ascii_folded),
		cmocka_unit_test(test_injection_refused),
		cmocka_unit_test(test_body_quoted_printable),
		cmocka_unit_test(test_too_big),
		cmocka_unit_test(test_backoff),
		cmocka_unit_test(test_reply_mac),
		cmocka_unit_test(test_auth_results),
		cmocka_unit_test(test_license_keys_masked),
		cmocka_unit_test(test_drop_batch),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
