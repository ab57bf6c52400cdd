/*
 * multipart.c: the incremental multipart/form-data parser (multipart.h).
 *
 * The delimiter is CRLF "--" boundary.  Since a boundary holds no CR,
 * a failed partial match can only restart at a CR, so matching needs no
 * look-behind buffer: the bytes matched so far are a prefix of the
 * delimiter itself, and are handed on from there when they turn out to
 * be data.  The body's start counts as if a CRLF came before it, so that
 * a body may begin with "--boundary".
 */
#include <string.h>

#include "http/multipart.h"

enum {
	S_PREAMBLE,	/* before the first delimiter: ignored */
	S_AFTER,	/* just after a delimiter: "--" or padding CRLF */
	S_DASH,		/* after "-": the second "-" of the close */
	S_PAD,		/* transport padding (spaces, tabs) */
	S_CR,		/* a CR after a delimiter: the LF */
	S_HEADERS,	/* a part's headers, up to the empty line */
	S_BODY,		/* a part's data */
	S_END		/* after the close delimiter: epilogue, ignored */
};

/* Padding after a delimiter: RFC 2046 allows it; bound it anyway. */
#define MAX_PADDING	64

/* RFC 2046 bchars, less the space (allowed but not last; checked apart). */
static bool
is_bchar(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z') || strchr("'()+_,-./:=? ", c) != NULL;
}

/* RFC 9110 token characters. */
static bool
is_tchar(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z') || (c != '\0' &&
	    strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

static const char *
skip_ows(const char *s, const char *end)
{
	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	return s;
}

/*
 * The next "; name=value" of a header value at *s: 1 with name and value
 * (quotes removed), 0 at the end, -1 when malformed.
 */
static int
next_param(const char **s, const char *end, struct tix_str *name,
    struct tix_str *value)
{
	const char *p = skip_ows(*s, end), *q;

	if (p == end)
		return 0;
	if (*p != ';')
		return -1;
	p = skip_ows(p + 1, end);
	for (q = p; q < end && is_tchar((unsigned char)*q); q++)
		;
	if (q == p || q == end || *q != '=')
		return -1;
	name->p = p;
	name->n = (size_t)(q - p);
	p = q + 1;
	if (p < end && *p == '"') {
		q = memchr(p + 1, '"', (size_t)(end - p - 1));
		if (q == NULL)
			return -1;
		value->p = p + 1;
		value->n = (size_t)(q - p - 1);
		q++;
	} else {
		for (q = p; q < end && is_tchar((unsigned char)*q); q++)
			;
		if (q == p)
			return -1;
		value->p = p;
		value->n = (size_t)(q - p);
	}
	*s = q;
	return 1;
}

enum tix_err
tix_mp_boundary(const char *ct, struct tix_str *out)
{
	static const char	 type[] = "multipart/form-data";
	const char		*s, *end;
	struct tix_str		 name, value;
	size_t			 i;
	int			 got;
	bool			 found = false;

	out->p = NULL;
	out->n = 0;
	if (ct == NULL || strlen(ct) < sizeof(type) - 1 ||
	    !tix_str_ieq(ct, sizeof(type) - 1, type))
		return TIX_EBADREQ;
	s = ct + sizeof(type) - 1;
	end = ct + strlen(ct);
	while ((got = next_param(&s, end, &name, &value)) == 1) {
		if (!tix_str_ieq(name.p, name.n, "boundary"))
			continue;
		if (found)
			return TIX_EBADREQ;
		found = true;
		*out = value;
	}
	if (got < 0 || !found || out->n == 0 ||
	    out->n > TIX_MP_MAX_BOUNDARY || out->p[out->n - 1] == ' ')
		return TIX_EBADREQ;
	for (i = 0; i < out->n; i++)
		if (!is_bchar((unsigned char)out->p[i]))
			return TIX_EBADREQ;
	return TIX_OK;
}

void
tix_mp_init(struct tix_mp *mp, struct tix_str boundary,
    const struct tix_mp_cb *cb, void *arg)
{
	memset(mp, 0, sizeof(*mp));
	mp->cb = cb;
	mp->arg = arg;
	memcpy(mp->delim, "\r\n--", 4);
	if (boundary.n > TIX_MP_MAX_BOUNDARY) {
		mp->err = TIX_EBADREQ;
		return;
	}
	memcpy(mp->delim + 4, boundary.p, boundary.n);
	mp->delim_len = 4 + boundary.n;
	mp->state = S_PREAMBLE;
	mp->match = 2;		/* the body's start stands for a CRLF */
}

/* Content-Disposition: form-data; name="..."[; filename="..."] */
static enum tix_err
disposition(const char *v, const char *end, struct tix_mp_part *part)
{
	static const char	 fd[] = "form-data";
	struct tix_str		 name, value;
	bool			 has_name = false;
	int			 got;

	v = skip_ows(v, end);
	if ((size_t)(end - v) < sizeof(fd) - 1 ||
	    !tix_str_ieq(v, sizeof(fd) - 1, fd))
		return TIX_EBADREQ;
	v += sizeof(fd) - 1;
	while ((got = next_param(&v, end, &name, &value)) == 1) {
		if (tix_str_ieq(name.p, name.n, "name")) {
			if (has_name)
				return TIX_EBADREQ;
			has_name = true;
			part->name = value;
		} else if (tix_str_ieq(name.p, name.n, "filename")) {
			if (part->filename.p != NULL)
				return TIX_EBADREQ;
			part->filename = value;
		}
		/* Others (filename* among them, which RFC 7578 forbids
		 * senders to use) are ignored. */
	}
	if (got < 0 || !has_name || part->name.n == 0)
		return TIX_EBADREQ;
	return TIX_OK;
}

/* The encodings that mean "the bytes as they are". */
static bool
identity_encoding(const char *v, const char *end)
{
	const char	*e = end;
	size_t		 n;

	v = skip_ows(v, end);
	while (e > v && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	n = (size_t)(e - v);
	return tix_str_ieq(v, n, "binary") || tix_str_ieq(v, n, "8bit") ||
	    tix_str_ieq(v, n, "7bit");
}

/* The headers of a part are complete in mp->hdr (ending in CRLF CRLF, or
 * just CRLF when there are none): check them and announce the part. */
static enum tix_err
headers_done(struct tix_mp *mp)
{
	struct tix_mp_part	 part;
	const char		*line = mp->hdr, *end = mp->hdr + mp->hdr_len;
	const char		*eol, *colon, *name_end;
	bool			 seen_cd = false;
	enum tix_err		 rc;

	memset(&part, 0, sizeof(part));
	end -= 2;	/* the empty line's CRLF */
	for (; line < end; line = eol + 2) {
		eol = line;
		while (eol < end && *eol != '\r' && *eol != '\n')
			eol++;
		if (eol == end || eol[0] != '\r' || eol[1] != '\n')
			return TIX_EBADREQ;	/* bare CR or LF */
		colon = memchr(line, ':', (size_t)(eol - line));
		if (colon == NULL || colon == line)
			return TIX_EBADREQ;	/* also: folded lines */
		for (name_end = line; name_end < colon; name_end++)
			if (!is_tchar((unsigned char)*name_end))
				return TIX_EBADREQ;
		if (tix_str_ieq(line, (size_t)(colon - line),
		    "content-disposition")) {
			if (seen_cd)
				return TIX_EBADREQ;
			seen_cd = true;
			rc = disposition(colon + 1, eol, &part);
			if (rc != TIX_OK)
				return rc;
		} else if (tix_str_ieq(line, (size_t)(colon - line),
		    "content-transfer-encoding") &&
		    !identity_encoding(colon + 1, eol))
			return TIX_EBADREQ;
	}
	if (!seen_cd)
		return TIX_EBADREQ;
	mp->in_part = true;
	return mp->cb->part_begin(mp->arg, &part);
}

static enum tix_err
emit(struct tix_mp *mp, const char *p, size_t n)
{
	if (n == 0 || mp->state != S_BODY)
		return TIX_OK;
	return mp->cb->part_data(mp->arg, p, n);
}

/* A whole delimiter was matched. */
static enum tix_err
delimiter(struct tix_mp *mp)
{
	enum tix_err rc = TIX_OK;

	if (mp->in_part) {
		mp->in_part = false;
		rc = mp->cb->part_end(mp->arg);
	}
	mp->state = S_AFTER;
	mp->match = 0;
	return rc;
}

/* Scan data (in the preamble or a part) for the delimiter.  Returns the
 * bytes used; stops after a delimiter or at an error. */
static size_t
scan(struct tix_mp *mp, const char *p, size_t n)
{
	const char	*run = p, *cr;
	size_t		 i = 0;

	while (i < n) {
		if (mp->match == 0) {
			/* Fast path: everything before the next CR is data. */
			cr = memchr(p + i, '\r', n - i);
			if (cr == NULL) {
				i = n;
				break;
			}
			i = (size_t)(cr - p);
		}
		if (p[i] == mp->delim[mp->match]) {
			if (mp->match == 0) {
				mp->err = emit(mp, run, (size_t)(p + i - run));
				if (mp->err != TIX_OK)
					return i;
			}
			mp->match++;
			i++;
			run = p + i;
			if (mp->match == mp->delim_len) {
				mp->err = delimiter(mp);
				return i;
			}
			continue;
		}
		/* The bytes matched so far were data after all.  The start
		 * of the body stands for a CRLF that was never data. */
		if (mp->state == S_BODY)
			mp->err = emit(mp, mp->delim, mp->match);
		if (mp->err != TIX_OK)
			return i;
		mp->match = 0;
		run = p + i;
		/* p[i] is looked at again, now with match 0 */
		if (p[i] != '\r')
			i++;
		else if (p[i] == mp->delim[0]) {
			mp->match = 1;
			i++;
			run = p + i;
		}
	}
	if (mp->match == 0)
		mp->err = emit(mp, run, (size_t)(p + i - run));
	return i;
}

static enum tix_err
step(struct tix_mp *mp, char c)
{
	switch (mp->state) {
	case S_AFTER:
		if (c == '-') {
			mp->state = S_DASH;
			return TIX_OK;
		}
		mp->lwsp = 0;
		mp->state = S_PAD;
		/* FALLTHROUGH */
	case S_PAD:
		if (c == ' ' || c == '\t')
			return ++mp->lwsp > MAX_PADDING ? TIX_EBADREQ : TIX_OK;
		if (c != '\r')
			return TIX_EBADREQ;
		mp->state = S_CR;
		return TIX_OK;
	case S_DASH:
		if (c != '-')
			return TIX_EBADREQ;
		mp->state = S_END;
		return TIX_OK;
	case S_CR:
		if (c != '\n')
			return TIX_EBADREQ;
		mp->state = S_HEADERS;
		mp->hdr_len = 0;
		return TIX_OK;
	case S_HEADERS:
		if (mp->hdr_len == sizeof(mp->hdr))
			return TIX_EBADREQ;
		mp->hdr[mp->hdr_len++] = c;
		if (c != '\n')
			return TIX_OK;
		if ((mp->hdr_len == 2 && mp->hdr[0] == '\r') ||
		    (mp->hdr_len >= 4 &&
		    memcmp(mp->hdr + mp->hdr_len - 4, "\r\n\r\n", 4) == 0)) {
			mp->state = S_BODY;
			mp->match = 0;
			return headers_done(mp);
		}
		return TIX_OK;
	default:
		return TIX_EINTERNAL;
	}
}

enum tix_err
tix_mp_feed(struct tix_mp *mp, const char *p, size_t n)
{
	size_t i = 0;

	while (mp->err == TIX_OK && i < n) {
		switch (mp->state) {
		case S_PREAMBLE:
		case S_BODY:
			i += scan(mp, p + i, n - i);
			break;
		case S_END:
			return TIX_OK;	/* the epilogue */
		default:
			mp->err = step(mp, p[i++]);
			break;
		}
	}
	return mp->err;
}

enum tix_err
tix_mp_finish(struct tix_mp *mp)
{
	if (mp->err == TIX_OK && mp->state != S_END)
		mp->err = TIX_EBADREQ;
	return mp->err;
}
