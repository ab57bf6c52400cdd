/*
 * words.c: charsets, RFC 2047 encoded words, clean text, the From
 * address (words.h).
 *
 * Charsets are GMime's: its charset filter over iconv, which knows the
 * names mail uses (ISO-2022-JP, Shift_JIS, KOI8-R, GB18030,
 * windows-1251, ISO-8859-*, ...) and their aliases.
 *
 * The encoded words of a header are found here, not by GMime: its
 * tokenizer in the lenient mode real mail needs scans from every "=?"
 * to the end of the value when no "?=" follows, so a 1 MiB Subject of
 * false starts took a minute; in its strict mode words glued together
 * ("=?a?q?x?==?a?q?y?=", which real clients write) are not decoded.
 * This one remembers where a search for "?=" failed and never makes it
 * again: linear in the value's length.  The decoding of a word (base64
 * through GMime, Q below) and its charset are GMime's.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <gmime/gmime.h>

#include "core/str.h"
#include "mail/mail.h"
#include "mail/parse.h"
#include "mail/words.h"

static bool gmime_ready;

void
tix_mail_gmime_init(void)
{
	if (gmime_ready)
		return;
	g_mime_init();
	gmime_ready = true;
}

#define TO_UTF8_STEP	4096

bool
tix_mail_to_utf8(const char *cs, const char *p, size_t n,
    struct tix_buf *out, enum tix_err *rc)
{
	GMimeFilter	*f;
	char		*o;
	size_t		 olen, pre, done, step;

	*rc = TIX_OK;
	tix_mail_gmime_init();
	f = g_mime_filter_charset_new(cs, "UTF-8");
	if (f == NULL)
		return false;
	/*
	 * In pieces of TO_UTF8_STEP bytes: the filter calls iconv again
	 * after each byte it cannot convert, with all the input that is
	 * left, and a checker of iconv's arguments (AddressSanitizer's)
	 * reads all of it each time, which makes a long invalid text
	 * quadratic.  The filter keeps a character cut at a piece's end
	 * for the next.  It takes a writable buffer but does not write
	 * to it.
	 */
	for (done = 0; *rc == TIX_OK && done < n; done += step) {
		step = n - done < TO_UTF8_STEP ? n - done : TO_UTF8_STEP;
		g_mime_filter_filter(f, (char *)(uintptr_t)(p + done), step,
		    0, &o, &olen, &pre);
		*rc = tix_buf_add(out, o, olen);
	}
	if (*rc == TIX_OK) {
		g_mime_filter_complete(f, NULL, 0, 0, &o, &olen, &pre);
		*rc = tix_buf_add(out, o, olen);
	}
	g_object_unref(f);
	return true;
}

/* The length of the valid UTF-8 sequence at s (n bytes left), or 0. */
static size_t
utf8_seq(const unsigned char *s, size_t n)
{
	size_t k;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xC2 && s[0] <= 0xDF)
		k = 2;
	else if (s[0] >= 0xE0 && s[0] <= 0xEF)
		k = 3;
	else if (s[0] >= 0xF0 && s[0] <= 0xF4)
		k = 4;
	else
		return 0;
	if (k > n || !tix_utf8_valid((const char *)s, k))
		return 0;
	return k;
}

char *
tix_mail_clean(struct tix_arena *a, const char *s, size_t n, bool one_line,
    size_t max, size_t *len)
{
	const unsigned char	*u = (const unsigned char *)s;
	char			*out;
	size_t			 i = 0, k = 0, q, room;
	uint32_t		 cp;
	bool			 space = true;	/* trims the start */

	if (n > (SIZE_MAX - 1) / 3)
		return NULL;
	room = 3 * n < max ? 3 * n : max;
	out = tix_arena_alloc(a, room + 1);
	if (out == NULL)
		return NULL;
	while (i < n) {
		q = utf8_seq(u + i, n - i);
		if (q == 0) {
			if (k + 3 > max)
				break;
			memcpy(out + k, "\xEF\xBF\xBD", 3);
			k += 3;
			i++;
			space = false;
			continue;
		}
		cp = u[i];
		if (q == 2)
			cp = ((u[i] & 0x1Fu) << 6) | (u[i + 1] & 0x3Fu);
		if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0)) {
			if (one_line) {
				if (!space && k < max)
					out[k++] = ' ';
				space = true;
			} else if (cp == '\r' || cp == '\n' || cp == '\t') {
				if (k < max)
					out[k++] = cp == '\t' ? '\t' : '\n';
				if (cp == '\r' && i + 1 < n && u[i + 1] == '\n')
					i++;
			}
			i += q;
			continue;
		}
		if (one_line && cp == ' ') {
			if (!space && k < max)
				out[k++] = ' ';
			space = true;
			i++;
			continue;
		}
		if (k + q > max)
			break;
		memcpy(out + k, u + i, q);
		k += q;
		i += q;
		space = false;
	}
	if (one_line)
		while (k > 0 && out[k - 1] == ' ')
			k--;
	out[k] = '\0';
	if (len != NULL)
		*len = k;
	return out;
}

/* ---------------------------------------------------------- RFC 2047 */

/* The Q encoding (RFC 2047 4.2): "=XX" a byte, '_' a space. */
static enum tix_err
q_decode(const char *s, size_t n, struct tix_buf *out)
{
	size_t		i = 0;
	char		c;
	enum tix_err	rc = TIX_OK;

	while (i < n && rc == TIX_OK) {
		c = s[i];
		if (c == '=' && i + 2 < n &&
		    tix_hex_digit((unsigned char)s[i + 1]) >= 0 &&
		    tix_hex_digit((unsigned char)s[i + 2]) >= 0) {
			c = (char)(tix_hex_digit((unsigned char)s[i + 1]) * 16 +
			    tix_hex_digit((unsigned char)s[i + 2]));
			i += 3;
		} else {
			if (c == '_')
				c = ' ';
			i++;
		}
		rc = tix_buf_add(out, &c, 1);
	}
	return rc;
}

static enum tix_err
b_decode(const char *s, size_t n, struct tix_buf *out)
{
	unsigned char	*o;
	size_t		 k;
	int		 state = 0;
	guint32		 save = 0;
	enum tix_err	 rc;

	o = g_malloc(n / 4 * 3 + 3);
	k = g_mime_encoding_base64_decode_step((const unsigned char *)s, n, o,
	    &state, &save);
	rc = tix_buf_add(out, o, k);
	g_free(o);
	return rc;
}

/* Encoded words of one charset in a row, still in their charset: a
 * character may be split across two words (RFC 2047 5 forbids it,
 * mailers do it). */
struct pending {
	char		cs[81];
	struct tix_buf	raw;
};

static enum tix_err
flush(struct pending *p, struct tix_buf *out)
{
	enum tix_err	rc = TIX_OK;

	if (p->raw.len == 0)
		return TIX_OK;
	if (!tix_mail_to_utf8(p->cs, p->raw.data, p->raw.len, out, &rc)) {
		/* iconv knows no such charset: the bytes when they are
		 * UTF-8, else a marker, never mojibake. */
		rc = tix_utf8_valid(p->raw.data, p->raw.len) ?
		    tix_buf_add(out, p->raw.data, p->raw.len) :
		    tix_buf_adds(out, "\xEF\xBF\xBD");
	}
	tix_buf_clear(&p->raw);
	return rc;
}

/*
 * An encoded word "=?charset?X?text?=" at s (n bytes left): its length,
 * or 0 when it is not one.  The word's bytes go to p (flushed to out
 * first when its charset is another).
 *
 * *dead (in bytes from s, updated) is where an earlier search for the
 * closing "?=" stopped without finding one: a search that starts before
 * it would stop there too, so it is not made again.
 */
static size_t
encoded_word(const char *s, size_t n, struct pending *p,
    struct tix_buf *out, size_t *dead)
{
	size_t		 i, cs_len, t0, t1;
	const char	*star;
	enum tix_err	 rc;
	char		 enc;

	if (n < 8 || s[0] != '=' || s[1] != '?')
		return 0;
	for (i = 2; i < n && i < 80 && s[i] != '?' && s[i] > ' '; i++)
		;
	if (i >= n || s[i] != '?' || i == 2)
		return 0;
	cs_len = i - 2;
	/* RFC 2231 5: "charset*language" */
	star = memchr(s + 2, '*', cs_len);
	if (star != NULL)
		cs_len = (size_t)(star - (s + 2));
	if (i + 3 > n || s[i + 2] != '?')
		return 0;
	enc = tix_mail_lower(s[i + 1]);
	if (enc != 'b' && enc != 'q')
		return 0;
	t0 = i + 3;
	if (t0 < *dead)
		return 0;
	for (t1 = t0; t1 + 1 < n && !(s[t1] == '?' && s[t1 + 1] == '=') &&
	    s[t1] > ' ' && s[t1] < 127; t1++)
		;
	if (t1 + 1 >= n || s[t1] != '?' || s[t1 + 1] != '=') {
		*dead = t1;
		return 0;
	}
	if (strlen(p->cs) != cs_len || !tix_str_ieq(s + 2, cs_len, p->cs)) {
		rc = flush(p, out);
		if (rc != TIX_OK)
			return 0;
		memcpy(p->cs, s + 2, cs_len);
		p->cs[cs_len] = '\0';
	}
	rc = enc == 'b' ? b_decode(s + t0, t1 - t0, &p->raw) :
	    q_decode(s + t0, t1 - t0, &p->raw);
	return rc == TIX_OK ? t1 + 2 : 0;
}

char *
tix_mail_decode_header(struct tix_arena *a, const char *s, size_t n)
{
	struct tix_buf	 b;
	struct pending	 p;
	size_t		 i = 0, k, ws, dead = 0, rel;
	bool		 after_word = false;
	char		*out = NULL;

	tix_buf_init(&b, TIX_MAX_MAIL_HEADER_BYTES * 3);
	memset(&p, 0, sizeof(p));
	tix_buf_init(&p.raw, TIX_MAX_MAIL_HEADER_BYTES);
	while (i < n) {
		rel = dead > i ? dead - i : 0;
		k = encoded_word(s + i, n - i, &p, &b, &rel);
		if (rel > 0 && i + rel > dead)
			dead = i + rel;
		if (k > 0) {
			i += k;
			after_word = true;
			continue;
		}
		if (tix_mail_is_ws(s[i]) || s[i] == '\r' || s[i] == '\n') {
			/* White space between two encoded words is not
			 * text (RFC 2047 6.2). */
			for (ws = i; ws < n && (tix_mail_is_ws(s[ws]) ||
			    s[ws] == '\r' || s[ws] == '\n'); ws++)
				;
			if (after_word && ws < n && s[ws] == '=' &&
			    ws + 1 < n && s[ws + 1] == '?') {
				i = ws;
				continue;
			}
			if (flush(&p, &b) != TIX_OK ||
			    tix_buf_add(&b, s + i, ws - i) != TIX_OK)
				goto out;
			i = ws;
			continue;
		}
		after_word = false;
		if (flush(&p, &b) != TIX_OK || tix_buf_add(&b, s + i, 1) !=
		    TIX_OK)
			goto out;
		i++;
	}
	if (flush(&p, &b) != TIX_OK)
		goto out;
	out = tix_mail_clean(a, b.data != NULL ? b.data : "", b.len, true,
	    SIZE_MAX, NULL);
out:
	tix_buf_free(&p.raw);
	tix_buf_free(&b);
	return out;
}

/* ---------------------------------------------------------- addresses */

char *
tix_mail_single_address(struct tix_arena *a, const char *v)
{
	size_t		 n = strlen(v), i, k = 0, boxes = 0;
	char		*bare, *angle = NULL, *res;
	int		 depth = 0;
	bool		 quoted = false, in_angle = false, box = false;
	size_t		 ak = 0;

	bare = tix_arena_alloc(a, n + 1);
	angle = tix_arena_alloc(a, n + 1);
	if (bare == NULL || angle == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		char c = v[i];

		if (quoted) {
			if (c == '\\' && i + 1 < n)
				i++;
			else if (c == '"')
				quoted = false;
			continue;
		}
		if (depth > 0) {
			if (c == '\\' && i + 1 < n)
				i++;
			else if (c == '(')
				depth++;
			else if (c == ')')
				depth--;
			continue;
		}
		if (in_angle) {
			if (c == '>')
				in_angle = false;
			else
				angle[ak++] = tix_mail_lower(c);
			continue;
		}
		switch (c) {
		case '"':
			quoted = true;
			box = true;
			break;
		case '(':
			depth = 1;
			break;
		case '<':
			if (ak > 0)
				return NULL;	/* two angle addresses */
			in_angle = true;
			box = true;
			break;
		case ',':
			if (box)
				boxes++;
			box = false;
			break;
		default:
			if (!tix_mail_is_ws(c)) {
				bare[k++] = tix_mail_lower(c);
				box = true;
			}
			break;
		}
	}
	if (box)
		boxes++;
	if (boxes != 1 || quoted || in_angle)
		return NULL;
	angle[ak] = '\0';
	bare[k] = '\0';
	res = ak > 0 ? angle : bare;
	if (*res == '\0' || !tix_mail_address_ok(res))
		return NULL;
	return res;
}
