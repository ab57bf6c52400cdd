/*
 * parse.c: a bounded reader of incoming mail (see parse.h for what it
 * reads and its limits).
 *
 * The message is never modified: header fields and parts are spans of
 * it, and only the values asked for are copied (unfolded, decoded) into
 * the arena.  Every loop is bounded by the input's length, and the
 * recursion into multipart/... by TIX_MAX_MAIL_DEPTH.  Lines may end in
 * CRLF or LF (an MTA's pipe transport gives LF).  Input is never
 * trusted to be text: every string that leaves this file is valid
 * UTF-8, with the control characters its use allows and no others.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/str.h"
#include "mail/mail.h"
#include "mail/parse.h"

struct hdr {
	const char	*name;
	size_t		 name_len;
	const char	*v;		/* the raw value, folds included */
	size_t		 v_len;
};

struct hdrs {
	struct hdr	*h;
	size_t		 n;
};

static bool
is_ws(char c)
{
	return c == ' ' || c == '\t';
}

static char
lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static bool
ieq_prefix(const char *s, size_t n, const char *lit)
{
	size_t i, k = strlen(lit);

	if (n < k)
		return false;
	for (i = 0; i < k; i++)
		if (lower(s[i]) != lower(lit[i]))
			return false;
	return true;
}

/* Whether NUL-terminated s begins with lit (without regard to case):
 * never reads past s's end or lit's length. */
static bool
ieq_prefix_z(const char *s, const char *lit)
{
	size_t i;

	for (i = 0; lit[i] != '\0'; i++)
		if (s[i] == '\0' || lower(s[i]) != lower(lit[i]))
			return false;
	return true;
}

/*
 * The header section of the entity at p (n bytes): its fields into h
 * (in the arena) and the offset of the body.  A line that is neither a
 * field nor a continuation (an mbox "From " line) is skipped.
 */
static enum tix_err
read_headers(struct tix_arena *a, const char *p, size_t n, struct hdrs *h,
    size_t *body)
{
	size_t		 pos = 0, eol, end, cap = 16, i;
	struct hdr	*cur = NULL, *grown;

	h->n = 0;
	h->h = tix_arena_alloc(a, cap * sizeof(*h->h));
	if (h->h == NULL)
		return TIX_ENOMEM;
	*body = n;
	while (pos < n) {
		if (pos > TIX_MAX_MAIL_HEADER_BYTES)
			return TIX_ETOOBIG;
		eol = pos;
		while (eol < n && p[eol] != '\n')
			eol++;
		end = eol;
		if (end > pos && p[end - 1] == '\r')
			end--;
		if (end == pos) {		/* the blank line */
			*body = eol < n ? eol + 1 : n;
			return TIX_OK;
		}
		if (is_ws(p[pos])) {
			if (cur != NULL)
				cur->v_len = (size_t)(p + end - cur->v);
		} else {
			for (i = pos; i < end && p[i] > ' ' && p[i] < 127 &&
			    p[i] != ':'; i++)
				;
			cur = NULL;
			if (i < end && p[i] == ':' && i > pos) {
				if (h->n == TIX_MAX_MAIL_HEADERS)
					return TIX_ETOOBIG;
				if (h->n == cap) {
					grown = tix_arena_alloc(a,
					    2 * cap * sizeof(*grown));
					if (grown == NULL)
						return TIX_ENOMEM;
					memcpy(grown, h->h,
					    cap * sizeof(*grown));
					h->h = grown;
					cap *= 2;
				}
				cur = &h->h[h->n++];
				cur->name = p + pos;
				cur->name_len = i - pos;
				cur->v = p + i + 1;
				cur->v_len = end - i - 1;
			}
		}
		pos = eol + 1;
	}
	return TIX_OK;
}

static size_t
count(const struct hdrs *h, const char *name)
{
	size_t i, k = 0;

	for (i = 0; i < h->n; i++)
		if (tix_str_ieq(h->h[i].name, h->h[i].name_len, name))
			k++;
	return k;
}

/* The unfolded value (CR and LF removed), trimmed; "" when absent.
 * Later fields of the same name from index *from on: pass NULL for the
 * first. */
static char *
value_from(struct tix_arena *a, const struct hdrs *h, const char *name,
    size_t *from)
{
	size_t		 i, j, k, s, e;
	const struct hdr *f;
	char		*out;

	for (i = from != NULL ? *from : 0; i < h->n; i++) {
		f = &h->h[i];
		if (!tix_str_ieq(f->name, f->name_len, name))
			continue;
		if (from != NULL)
			*from = i + 1;
		s = 0;
		e = f->v_len;
		while (s < e && (is_ws(f->v[s]) || f->v[s] == '\r' ||
		    f->v[s] == '\n'))
			s++;
		while (e > s && (is_ws(f->v[e - 1]) || f->v[e - 1] == '\r' ||
		    f->v[e - 1] == '\n'))
			e--;
		out = tix_arena_alloc(a, e - s + 1);
		if (out == NULL)
			return NULL;
		/* Unfolding removes the line breaks (RFC 5322 2.2.3);
		 * a bare CR stays, for clean() to make a space. */
		for (j = s, k = 0; j < e; j++)
			if (f->v[j] != '\n' && !(f->v[j] == '\r' &&
			    j + 1 < e && f->v[j + 1] == '\n'))
				out[k++] = f->v[j];
		out[k] = '\0';
		return out;
	}
	if (from != NULL)
		*from = h->n;
	return tix_arena_strdup(a, "");
}

static char *
value(struct tix_arena *a, const struct hdrs *h, const char *name)
{
	return value_from(a, h, name, NULL);
}

/* Every value of name, one a line. */
static enum tix_err
values(struct tix_arena *a, const struct hdrs *h, const char *name,
    struct tix_buf *out)
{
	size_t		 from = 0;
	const char	*v;
	enum tix_err	 rc;

	while (from < h->n) {
		v = value_from(a, h, name, &from);
		if (v == NULL)
			return TIX_ENOMEM;
		if (from > h->n || *v == '\0')
			continue;
		rc = tix_buf_adds(out, v);
		if (rc == TIX_OK)
			rc = tix_buf_add(out, "\n", 1);
		if (rc != TIX_OK)
			return rc;
	}
	return TIX_OK;
}

/* ----------------------------------------------------------- charsets */

enum charset { CS_UTF8, CS_LATIN1, CS_CP1252, CS_OTHER };

static enum charset
charset_of(const char *s, size_t n)
{
	if (n == 0 || tix_str_ieq(s, n, "utf-8") || tix_str_ieq(s, n, "utf8") ||
	    tix_str_ieq(s, n, "us-ascii") || tix_str_ieq(s, n, "ascii"))
		return CS_UTF8;
	if (tix_str_ieq(s, n, "iso-8859-1") || tix_str_ieq(s, n, "latin1") ||
	    tix_str_ieq(s, n, "iso_8859-1") || tix_str_ieq(s, n, "latin-1") ||
	    tix_str_ieq(s, n, "l1") || tix_str_ieq(s, n, "iso8859-1"))
		return CS_LATIN1;
	if (tix_str_ieq(s, n, "windows-1252") || tix_str_ieq(s, n, "cp1252"))
		return CS_CP1252;
	return CS_OTHER;
}

/* Windows-1252's 0x80..0x9F (0: undefined, read as U+FFFD). */
static const uint16_t cp1252[32] = {
	0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
	0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
	0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
	0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178
};

static enum tix_err
put_cp(struct tix_buf *b, uint32_t cp)
{
	char	s[4];
	size_t	n;

	if (cp < 0x80) {
		s[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		s[0] = (char)(0xC0 | (cp >> 6));
		s[1] = (char)(0x80 | (cp & 0x3F));
		n = 2;
	} else {
		s[0] = (char)(0xE0 | (cp >> 12));
		s[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		s[2] = (char)(0x80 | (cp & 0x3F));
		n = 3;
	}
	return tix_buf_add(b, s, n);
}

/* Bytes in charset cs as UTF-8 (not yet checked: see clean()). */
static enum tix_err
to_utf8(enum charset cs, const char *s, size_t n, struct tix_buf *out)
{
	size_t		i;
	unsigned char	c;
	enum tix_err	rc = TIX_OK;

	if (cs == CS_UTF8 || cs == CS_OTHER)
		return tix_buf_add(out, s, n);
	for (i = 0; i < n && rc == TIX_OK; i++) {
		c = (unsigned char)s[i];
		if (c < 0x80)
			rc = tix_buf_add(out, &s[i], 1);
		else if (cs == CS_CP1252 && c < 0xA0)
			rc = put_cp(out, cp1252[c - 0x80] != 0 ?
			    cp1252[c - 0x80] : 0xFFFD);
		else
			rc = put_cp(out, c);
	}
	return rc;
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

/*
 * s as valid UTF-8 into a: invalid bytes become U+FFFD.  one_line:
 * every control character a space, runs of white space one space,
 * trimmed.  Otherwise CRLF and lone CR become LF, tab and LF stay, other
 * control characters go.  At most max bytes (cut at a character).
 */
static char *
clean(struct tix_arena *a, const char *s, size_t n, bool one_line,
    size_t max, size_t *len)
{
	const unsigned char	*u = (const unsigned char *)s;
	char			*out;
	size_t			 i = 0, k = 0, q;
	uint32_t		 cp;
	bool			 space = true;	/* trims the start */

	if (n > (SIZE_MAX - 1) / 3)
		return NULL;
	out = tix_arena_alloc(a, 3 * n + 1);
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

/* ---------------------------------------------------------- encodings */

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = lower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static int
b64val(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* Base64 (RFC 2045 6.8): characters outside the alphabet are ignored;
 * '=' ends the data. */
static enum tix_err
b64_decode(const char *s, size_t n, struct tix_buf *out)
{
	uint32_t	acc = 0;
	int		bits = 0, v;
	size_t		i;
	char		c;
	enum tix_err	rc = TIX_OK;

	for (i = 0; i < n && s[i] != '=' && rc == TIX_OK; i++) {
		v = b64val(s[i]);
		if (v < 0)
			continue;
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			c = (char)((acc >> bits) & 0xFF);
			rc = tix_buf_add(out, &c, 1);
		}
	}
	return rc;
}

/* Quoted-printable (RFC 2045 6.7); q: the Q encoding of RFC 2047 4.2,
 * where '_' is a space.  A '=' not followed by two hex digits or a line
 * end is kept as it is. */
static enum tix_err
qp_decode(const char *s, size_t n, bool q, struct tix_buf *out)
{
	size_t		i = 0, j;
	char		c;
	enum tix_err	rc = TIX_OK;

	while (i < n && rc == TIX_OK) {
		c = s[i];
		if (c == '=' && i + 2 < n && hexval(s[i + 1]) >= 0 &&
		    hexval(s[i + 2]) >= 0) {
			c = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
			i += 3;
		} else if (c == '=' && !q) {
			for (j = i + 1; j < n && is_ws(s[j]); j++)
				;
			if (j < n && s[j] == '\r')
				j++;
			if (j == n || s[j] == '\n') {	/* soft line break */
				i = j < n ? j + 1 : n;
				continue;
			}
			i++;
		} else {
			if (q && c == '_')
				c = ' ';
			i++;
		}
		rc = tix_buf_add(out, &c, 1);
	}
	return rc;
}

/* ---------------------------------------------------------- RFC 2047 */

/*
 * An encoded word "=?charset?X?text?=" at s (n bytes left): its length,
 * or 0 when it is not one.  The word is decoded and appended to out.
 *
 * *dead (in bytes from s, updated) is where an earlier search for the
 * closing "?=" stopped without finding one: a search that starts before
 * it would stop there too, so it is not made again.  Without this, a
 * header of many "=?a?q?b" starts and no end costs time quadratic in
 * its length (every start scanned to the end of the line).
 */
static size_t
encoded_word(const char *s, size_t n, struct tix_buf *out, size_t *dead)
{
	size_t		 i, cs_len, t0, t1;
	const char	*star;
	struct tix_buf	 raw;
	enum charset	 cs;
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
	enc = lower(s[i + 1]);
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
	cs = charset_of(s + 2, cs_len);
	tix_buf_init(&raw, TIX_MAX_MAIL_HEADER_BYTES);
	rc = enc == 'b' ? b64_decode(s + t0, t1 - t0, &raw) :
	    qp_decode(s + t0, t1 - t0, true, &raw);
	if (rc == TIX_OK && cs == CS_OTHER &&
	    !tix_utf8_valid(raw.data, raw.len)) {
		/* An unknown charset that is not UTF-8: a marker, not
		 * mojibake. */
		rc = tix_buf_adds(out, "\xEF\xBF\xBD");
	} else if (rc == TIX_OK) {
		rc = to_utf8(cs, raw.data, raw.len, out);
	}
	tix_buf_free(&raw);
	return rc == TIX_OK ? t1 + 2 : 0;
}

char *
tix_mail_decode_header(struct tix_arena *a, const char *s, size_t n)
{
	struct tix_buf	 b;
	size_t		 i = 0, k, ws, dead = 0, rel;
	bool		 after_word = false;
	char		*out;

	tix_buf_init(&b, TIX_MAX_MAIL_HEADER_BYTES * 3);
	while (i < n) {
		rel = dead > i ? dead - i : 0;
		k = encoded_word(s + i, n - i, &b, &rel);
		if (rel > 0 && i + rel > dead)
			dead = i + rel;
		if (k > 0) {
			i += k;
			after_word = true;
			continue;
		}
		if (is_ws(s[i]) || s[i] == '\r' || s[i] == '\n') {
			/* White space between two encoded words is not
			 * text (RFC 2047 6.2). */
			for (ws = i; ws < n && (is_ws(s[ws]) || s[ws] == '\r' ||
			    s[ws] == '\n'); ws++)
				;
			if (after_word && ws < n && s[ws] == '=' &&
			    ws + 1 < n && s[ws + 1] == '?') {
				i = ws;
				continue;
			}
			if (tix_buf_add(&b, s + i, ws - i) != TIX_OK)
				break;
			i = ws;
			continue;
		}
		after_word = false;
		if (tix_buf_add(&b, s + i, 1) != TIX_OK)
			break;
		i++;
	}
	out = clean(a, b.data != NULL ? b.data : "", b.len, true, SIZE_MAX,
	    NULL);
	tix_buf_free(&b);
	return out;
}

/* ---------------------------------------------------------- addresses */

/*
 * The single address of an address-list value, lower-cased, or NULL:
 * comments and quoted display names are skipped; more than one mailbox,
 * none, or one that tix_mail_address_ok refuses gives NULL.
 */
static char *
single_address(struct tix_arena *a, const char *v)
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
				angle[ak++] = lower(c);
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
			if (!is_ws(c)) {
				bare[k++] = lower(c);
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

/* ------------------------------------------------------------ entities */

struct walk {
	struct tix_arena	*a;
	size_t			 parts;
	bool			 found;
	const char		*text;
	size_t			 text_len;
};

/* The parameter name of a Content-Type-like value, or NULL. */
static char *
param(struct tix_arena *a, const char *v, const char *name)
{
	const char	*p = strchr(v, ';'), *s;
	size_t		 k = strlen(name), n;
	char		*out;

	while (p != NULL) {
		p++;
		while (is_ws(*p))
			p++;
		if (ieq_prefix_z(p, name) && p[k] == '=') {
			p += k + 1;
			if (*p == '"') {
				s = ++p;
				while (*p != '\0' && *p != '"')
					p++;
				return tix_arena_strndup(a, s,
				    (size_t)(p - s));
			}
			s = p;
			while (*p != '\0' && *p != ';' && !is_ws(*p))
				p++;
			n = (size_t)(p - s);
			out = tix_arena_strndup(a, s, n);
			return out;
		}
		/* skip to the next ';' outside quotes */
		while (*p != '\0' && *p != ';') {
			if (*p == '"') {
				p++;
				while (*p != '\0' && *p != '"')
					p++;
				if (*p == '\0')
					return NULL;
			}
			p++;
		}
		p = *p == ';' ? p : NULL;
	}
	return NULL;
}

/* The type/subtype of a Content-Type value, up to ';', trimmed. */
static void
media_type(const char *v, const char **t, size_t *n)
{
	size_t k = 0;

	while (is_ws(*v))
		v++;
	while (v[k] != '\0' && v[k] != ';' && !is_ws(v[k]))
		k++;
	*t = v;
	*n = k;
}

static enum tix_err entity(struct walk *w, const struct hdrs *h,
    const char *body, size_t n, int depth);

/* The text of a text/plain entity. */
static enum tix_err
text_part(struct walk *w, const struct hdrs *h, const char *body, size_t n)
{
	const char	*cte, *ct, *cs;
	struct tix_buf	 raw, utf;
	enum tix_err	 rc;

	cte = value(w->a, h, "Content-Transfer-Encoding");
	ct = value(w->a, h, "Content-Type");
	if (cte == NULL || ct == NULL)
		return TIX_ENOMEM;
	cs = param(w->a, ct, "charset");
	tix_buf_init(&raw, 2 * TIX_MAX_MAIL_TEXT);
	tix_buf_init(&utf, 6 * TIX_MAX_MAIL_TEXT);
	if (n > TIX_MAX_MAIL_TEXT * 2)
		n = TIX_MAX_MAIL_TEXT * 2;	/* bounds the decoded size */
	if (tix_str_ieq(cte, strlen(cte), "base64"))
		rc = b64_decode(body, n, &raw);
	else if (tix_str_ieq(cte, strlen(cte), "quoted-printable"))
		rc = qp_decode(body, n, false, &raw);
	else
		rc = tix_buf_add(&raw, body, n);
	if (rc == TIX_OK)
		rc = to_utf8(cs != NULL ? charset_of(cs, strlen(cs)) : CS_UTF8,
		    raw.data != NULL ? raw.data : "", raw.len, &utf);
	if (rc == TIX_OK) {
		w->text = clean(w->a, utf.data != NULL ? utf.data : "",
		    utf.len, false, TIX_MAX_MAIL_TEXT, &w->text_len);
		if (w->text == NULL)
			rc = TIX_ENOMEM;
		w->found = true;
	}
	tix_buf_free(&raw);
	tix_buf_free(&utf);
	return rc;
}

/* One part of a multipart body: its own headers, then its content. */
static enum tix_err
part(struct walk *w, const char *p, size_t n, int depth)
{
	struct hdrs	h;
	size_t		body;
	enum tix_err	rc;

	if (w->parts >= TIX_MAX_MAIL_PARTS)
		return TIX_OK;
	w->parts++;
	rc = read_headers(w->a, p, n, &h, &body);
	if (rc == TIX_ETOOBIG)
		return TIX_OK;		/* skip the part, not the message */
	if (rc != TIX_OK)
		return rc;
	return entity(w, &h, p + body, n - body, depth);
}

/*
 * Split a multipart body at its delimiter lines (RFC 2046 5.1.1): the
 * line break before "--boundary" belongs to the delimiter.  Content
 * before the first delimiter (the preamble) and after the closing one
 * (the epilogue) is not part of any part; a body without a closing
 * delimiter ends its last part at its end.
 */
static enum tix_err
multipart(struct walk *w, const char *p, size_t n, const char *b,
    int depth)
{
	size_t		bl = strlen(b), pos = 0, eol, start = 0, end, i;
	bool		in_part = false, close;
	enum tix_err	rc;

	while (pos < n && !w->found && w->parts < TIX_MAX_MAIL_PARTS) {
		eol = pos;
		while (eol < n && p[eol] != '\n')
			eol++;
		if (eol - pos >= bl + 2 && p[pos] == '-' &&
		    p[pos + 1] == '-' && memcmp(p + pos + 2, b, bl) == 0) {
			i = pos + 2 + bl;
			close = i + 1 < eol && p[i] == '-' && p[i + 1] == '-';
			if (close)
				i += 2;
			while (i < eol && (is_ws(p[i]) || p[i] == '\r'))
				i++;
			if (i == eol) {
				if (in_part) {
					end = pos;
					if (end > start && p[end - 1] == '\n')
						end--;
					if (end > start && p[end - 1] == '\r')
						end--;
					rc = part(w, p + start, end - start,
					    depth);
					if (rc != TIX_OK)
						return rc;
				}
				if (close)
					return TIX_OK;
				in_part = true;
				start = eol < n ? eol + 1 : n;
			}
		}
		pos = eol + 1;
	}
	if (in_part && !w->found && start < n)
		return part(w, p + start, n - start, depth);
	return TIX_OK;
}

static enum tix_err
entity(struct walk *w, const struct hdrs *h, const char *body, size_t n,
    int depth)
{
	const char	*ct, *t, *disp, *b;
	size_t		 tn;

	ct = value(w->a, h, "Content-Type");
	disp = value(w->a, h, "Content-Disposition");
	if (ct == NULL || disp == NULL)
		return TIX_ENOMEM;
	media_type(ct, &t, &tn);
	if (tn > 10 && ieq_prefix(t, tn, "multipart/")) {
		if (depth >= TIX_MAX_MAIL_DEPTH)
			return TIX_OK;
		b = param(w->a, ct, "boundary");
		if (b == NULL || *b == '\0' || strlen(b) > 70)
			return TIX_OK;	/* RFC 2046 5.1.1: 1 to 70 */
		return multipart(w, body, n, b, depth + 1);
	}
	if ((tn == 0 || tix_str_ieq(t, tn, "text/plain")) &&
	    !ieq_prefix_z(disp, "attachment"))
		return text_part(w, h, body, n);
	return TIX_OK;
}

/* ------------------------------------------------------------ message */

static const char *
message_id(struct tix_arena *a, const char *v)
{
	size_t	n = strlen(v), i;

	if (n < 3 || v[0] != '<' || v[n - 1] != '>' ||
	    n - 2 > TIX_MAX_MAIL_ID)
		return NULL;
	for (i = 1; i < n - 1; i++)
		if (v[i] <= ' ' || v[i] >= 127 || v[i] == '<' || v[i] == '>')
			return NULL;
	return tix_arena_strndup(a, v + 1, n - 2);
}

enum tix_err
tix_mail_parse(struct tix_arena *a, const char *msg, size_t len,
    struct tix_mail_in *out)
{
	static const char *const single[] = {
		"From", "Subject", "Message-ID", "In-Reply-To"
	};
	struct hdrs	 h;
	struct walk	 w;
	struct tix_buf	 list;
	size_t		 body, i;
	const char	*v;
	enum tix_err	 rc;

	memset(out, 0, sizeof(*out));
	rc = read_headers(a, msg, len, &h, &body);
	if (rc != TIX_OK)
		return rc;
	if (h.n == 0)
		return TIX_EINVAL;	/* not a message */
	for (i = 0; i < sizeof(single) / sizeof(single[0]); i++)
		if (count(&h, single[i]) > 1)
			return TIX_EBADREQ;
	v = value(a, &h, "From");
	if (v == NULL)
		return TIX_ENOMEM;
	out->from = single_address(a, v);
	v = value(a, &h, "Subject");
	out->subject = v != NULL ? tix_mail_decode_header(a, v, strlen(v)) :
	    NULL;
	v = value(a, &h, "Message-ID");
	if (v == NULL || out->subject == NULL)
		goto nomem;
	out->message_id = message_id(a, v);
	out->in_reply_to = value(a, &h, "In-Reply-To");
	out->references = value(a, &h, "References");
	out->auto_submitted = value(a, &h, "Auto-Submitted");
	out->precedence = value(a, &h, "Precedence");
	out->return_path = value(a, &h, "Return-Path");
	if (out->in_reply_to == NULL || out->references == NULL ||
	    out->auto_submitted == NULL || out->precedence == NULL ||
	    out->return_path == NULL)
		goto nomem;

	tix_buf_init(&list, TIX_MAX_MAIL_HEADER_BYTES);
	rc = values(a, &h, "X-Loop", &list);
	if (rc == TIX_OK)
		out->x_loop = tix_arena_strndup(a, list.data != NULL ?
		    list.data : "", list.len);
	tix_buf_clear(&list);
	if (rc == TIX_OK)
		rc = values(a, &h, "Authentication-Results", &list);
	if (rc == TIX_OK)
		out->auth_results = tix_arena_strndup(a, list.data != NULL ?
		    list.data : "", list.len);
	tix_buf_clear(&list);
	if (rc == TIX_OK)
		rc = values(a, &h, "To", &list);
	if (rc == TIX_OK)
		rc = values(a, &h, "Cc", &list);
	if (rc == TIX_OK)
		rc = values(a, &h, "Delivered-To", &list);
	if (rc == TIX_OK)
		out->recipients = tix_arena_strndup(a, list.data != NULL ?
		    list.data : "", list.len);
	tix_buf_free(&list);
	if (rc != TIX_OK)
		goto fail;
	if (out->x_loop == NULL || out->recipients == NULL ||
	    out->auth_results == NULL)
		goto nomem;

	memset(&w, 0, sizeof(w));
	w.a = a;
	rc = entity(&w, &h, msg + body, len - body, 0);
	if (rc != TIX_OK)
		goto fail;
	out->has_text = w.found;
	out->text = w.found ? w.text : "";
	out->text_len = w.found ? w.text_len : 0;
	return TIX_OK;
nomem:
	rc = TIX_ENOMEM;
fail:
	memset(out, 0, sizeof(*out));
	return rc;
}

/* ------------------------------------------------------------- helpers */

/* Whether line (n bytes) begins an attribution: "On ... wrote:". */
static bool
ends_wrote(const char *s, size_t n)
{
	while (n > 0 && (is_ws(s[n - 1]) || s[n - 1] == '\r'))
		n--;
	return n >= 6 && memcmp(s + n - 6, "wrote:", 6) == 0;
}

char *
tix_mail_trim_quoted(struct tix_arena *a, const char *text)
{
	size_t		 n = strlen(text), pos = 0, eol, nx, k = 0, s;
	char		*out;

	out = tix_arena_alloc(a, n + 1);
	if (out == NULL)
		return NULL;
	while (pos < n) {
		eol = pos;
		while (eol < n && text[eol] != '\n')
			eol++;
		if (eol - pos == 3 && memcmp(text + pos, "-- ", 3) == 0)
			break;
		if (eol - pos >= 3 && memcmp(text + pos, "On ", 3) == 0) {
			if (ends_wrote(text + pos, eol - pos))
				break;
			/* Clients wrap a long attribution: "On ..., Name
			 * <addr>" then "wrote:". */
			nx = eol < n ? eol + 1 : n;
			s = nx;
			while (s < n && text[s] != '\n')
				s++;
			if (nx < n && ends_wrote(text + nx, s - nx))
				break;
		}
		if (!(eol > pos && text[pos] == '>')) {
			memcpy(out + k, text + pos, eol - pos);
			k += eol - pos;
			out[k++] = '\n';
		}
		pos = eol + 1;
	}
	while (k > 0 && (out[k - 1] == '\n' || is_ws(out[k - 1])))
		k--;
	s = 0;
	while (s < k && out[s] == '\n')
		s++;
	out[k] = '\0';
	return out + s;
}

/* Split support into its local part and domain. */
static bool
split_addr(const char *addr, size_t n, size_t *at)
{
	const char *p = memchr(addr, '@', n);

	if (p == NULL || p == addr || (size_t)(p - addr) + 1 >= n)
		return false;
	*at = (size_t)(p - addr);
	return true;
}

/* The digits of s from *i up to end, as a positive number; *i moves
 * past them. */
static bool
number_at(const char *s, size_t *i, size_t end, int64_t *v)
{
	size_t d0 = *i;

	while (*i < end && s[*i] >= '0' && s[*i] <= '9')
		(*i)++;
	return *i > d0 && tix_parse_int64(s + d0, *i - d0, false, v) &&
	    *v > 0;
}

/* One candidate address s (n bytes) checked as a tagged one:
 * local+TICK-n.uid.mac@domain. */
static bool
tag_of(const char *s, size_t n, const char *support, int64_t *number,
    int64_t *user_id, char *mac, size_t cap)
{
	size_t	sat, at, ln, i, t0;

	if (!split_addr(support, strlen(support), &sat) ||
	    !split_addr(s, n, &at))
		return false;
	ln = sat;
	if (at < ln + 1 + 5 ||
	    !tix_str_ieq(s + at + 1, n - at - 1, support + sat + 1))
		return false;
	for (i = 0; i < ln; i++)
		if (lower(s[i]) != lower(support[i]))
			return false;
	if (s[ln] != '+' || !ieq_prefix(s + ln + 1, at - ln - 1, "TICK-"))
		return false;
	i = ln + 6;
	if (!number_at(s, &i, at, number) || i >= at || s[i] != '.')
		return false;
	i++;
	if (!number_at(s, &i, at, user_id) || i >= at || s[i] != '.')
		return false;
	t0 = i + 1;
	if (at - t0 == 0 || at - t0 >= cap)
		return false;
	for (i = t0; i < at; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z')))
			return false;
	memcpy(mac, s + t0, at - t0);
	mac[at - t0] = '\0';
	return true;
}

bool
tix_mail_find_tag(const char *list, const char *support, int64_t *number,
    int64_t *user_id, char *mac, size_t cap)
{
	size_t	i = 0, s;

	while (list[i] != '\0') {
		while (list[i] != '\0' && strchr(" \t\r\n,;<>\"()", list[i]))
			i++;
		s = i;
		while (list[i] != '\0' && !strchr(" \t\r\n,;<>\"()", list[i]))
			i++;
		if (i > s && tag_of(list + s, i - s, support, number,
		    user_id, mac, cap))
			return true;
	}
	return false;
}

bool
tix_mail_next_id(const char *list, size_t *pos, char *id, size_t cap)
{
	const char	*lt, *gt;
	size_t		 n, i;
	bool		 ok;

	for (;;) {
		lt = strchr(list + *pos, '<');
		if (lt == NULL)
			return false;
		gt = strchr(lt + 1, '>');
		if (gt == NULL)
			return false;
		*pos = (size_t)(gt + 1 - list);
		n = (size_t)(gt - lt - 1);
		ok = n > 0 && n < cap;
		for (i = 0; ok && i < n; i++)
			if (lt[1 + i] <= ' ' || lt[1 + i] >= 127 ||
			    lt[1 + i] == '<')
				ok = false;
		if (ok) {
			memcpy(id, lt + 1, n);
			id[n] = '\0';
			return true;
		}
	}
}

bool
tix_mail_our_id(const char *id, const char *support, int64_t *number,
    int64_t *outbox_id)
{
	const char	*dom = strchr(support, '@'), *at, *t, *dot;
	size_t		 n = strlen(id);

	at = strrchr(id, '@');
	if (dom == NULL || at == NULL ||
	    !tix_str_ieq(at + 1, n - (size_t)(at + 1 - id), dom + 1))
		return false;
	*outbox_id = 0;
	t = id;
	dot = memchr(id, '.', (size_t)(at - id));
	if (dot != NULL) {
		if (!tix_parse_int64(id, (size_t)(dot - id), false,
		    outbox_id) || *outbox_id <= 0)
			return false;
		t = dot + 1;
	}
	if (at - t < 6 || memcmp(t, "TICK-", 5) != 0)
		return false;
	return tix_parse_int64(t + 5, (size_t)(at - t - 5), false, number) &&
	    *number > 0;
}

bool
tix_mail_subject_tag(const char *subject, int64_t *number)
{
	const char	*p = subject, *d, *e;

	for (; (p = strchr(p, '[')) != NULL; p++) {
		if (!ieq_prefix_z(p + 1, "TICK-"))
			continue;
		d = p + 6;
		for (e = d; *e >= '0' && *e <= '9'; e++)
			;
		if (e > d && *e == ']' &&
		    tix_parse_int64(d, (size_t)(e - d), false, number) &&
		    *number > 0)
			return true;
	}
	return false;
}

bool
tix_mail_is_daemon(const char *addr)
{
	const char	*at = strchr(addr, '@');
	size_t		 n = at != NULL ? (size_t)(at - addr) : strlen(addr);

	return tix_str_ieq(addr, n, "mailer-daemon") ||
	    tix_str_ieq(addr, n, "postmaster");
}
