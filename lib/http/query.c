/*
 * query.c: query strings (application/x-www-form-urlencoded, as in the
 * URL standard) and the Cookie request header (RFC 6265 section 4.2).
 *
 * Pure code over (pointer, length) input; decoded query strings go into
 * the caller's arena, cookie values are borrowed from the header.
 *
 * Rejected rather than repaired, so that nginx, this code and anyone
 * reading the logs see the same parameters: a query longer than
 * TIX_MAX_QUERY or with more than TIX_MAX_QUERY_PARAMS parameters, a
 * '%' not followed by two hex digits, a %00, invalid UTF-8 after
 * decoding, an empty name, a name given twice (which of two values wins
 * differs between frameworks: HTTP parameter pollution), and array syntax
 * ("a[]"), which we never declare.  Cookie headers longer than
 * TIX_MAX_COOKIE and a cookie sent twice are rejected likewise.
 *
 * Not done here: deciding what a parameter means; the route's field table
 * does that.
 */
#include <stdbool.h>
#include <string.h>

#include "core/limits.h"
#include "core/str.h"
#include "http/query.h"

/*
 * Decode n bytes of a name or value ('+' is a space, %XX a byte) into a
 * new NUL-terminated arena string.
 */
static enum tix_err
query_decode(struct tix_arena *a, const char *s, size_t n, char **out,
    size_t *out_len)
{
	char	*d;
	size_t	 i, len = 0;
	int	 hi, lo;

	d = tix_arena_alloc(a, n + 1);	/* decoding never grows */
	if (d == NULL)
		return TIX_ENOMEM;
	for (i = 0; i < n; i++) {
		if (s[i] == '+') {
			d[len++] = ' ';
			continue;
		}
		if (s[i] != '%') {
			d[len++] = s[i];
			continue;
		}
		if (n - i < 3)
			return TIX_EBADREQ;
		hi = tix_hex_digit((unsigned char)s[i + 1]);
		lo = tix_hex_digit((unsigned char)s[i + 2]);
		if (hi < 0 || lo < 0)
			return TIX_EBADREQ;
		d[len++] = (char)(hi << 4 | lo);
		i += 2;
	}
	d[len] = '\0';
	/* tix_utf8_valid() refuses NUL too, raw or from %00. */
	if (!tix_utf8_valid(d, len))
		return TIX_EBADREQ;
	*out = d;
	*out_len = len;
	return TIX_OK;
}

enum tix_err
tix_query_parse(struct tix_arena *a, const char *s, size_t n,
    struct tix_query *out)
{
	struct tix_param_kv	*kv;
	const char		*seg, *end, *eq;
	char			*name, *value;
	size_t			 i, nseg = 0, name_len, value_len, k;
	enum tix_err		 rc = TIX_OK;

	out->params = NULL;
	out->n = 0;
	if (n == 0)
		return TIX_OK;
	if (s == NULL || n > TIX_MAX_QUERY)
		return TIX_EBADREQ;

	/* Count non-empty segments first, so that the array is sized by
	 * the limit and not by the input. */
	for (i = 0; i < n; i++)
		if (s[i] != '&' && (i == 0 || s[i - 1] == '&'))
			nseg++;
	if (nseg == 0)
		return TIX_OK;
	if (nseg > TIX_MAX_QUERY_PARAMS)
		return TIX_EBADREQ;
	kv = tix_arena_alloc(a, nseg * sizeof(*kv));
	if (kv == NULL)
		return TIX_ENOMEM;

	for (seg = s; seg < s + n; seg = end + 1) {
		end = memchr(seg, '&', (size_t)(s + n - seg));
		if (end == NULL)
			end = s + n;
		if (end == seg)
			continue;
		eq = memchr(seg, '=', (size_t)(end - seg));
		if (eq == NULL)
			eq = end;

		rc = query_decode(a, seg, (size_t)(eq - seg), &name,
		    &name_len);
		if (rc != TIX_OK)
			goto out;
		rc = query_decode(a, eq == end ? eq : eq + 1,
		    eq == end ? 0 : (size_t)(end - eq - 1), &value,
		    &value_len);
		if (rc != TIX_OK)
			goto out;
		if (name_len == 0 || strpbrk(name, "[]") != NULL) {
			rc = TIX_EBADREQ;
			goto out;
		}
		for (k = 0; k < out->n; k++)
			if (strcmp(kv[k].name, name) == 0) {
				rc = TIX_EBADREQ;
				goto out;
			}
		kv[out->n].name = name;
		kv[out->n].value = value;
		kv[out->n].value_len = value_len;
		out->n++;
	}
	out->params = kv;
out:
	if (rc != TIX_OK) {
		out->params = NULL;
		out->n = 0;
	}
	return rc;
}

const struct tix_param_kv *
tix_query_get(const struct tix_query *q, const char *name)
{
	size_t	 i;

	if (q == NULL || name == NULL)
		return NULL;
	for (i = 0; i < q->n; i++)
		if (strcmp(q->params[i].name, name) == 0)
			return &q->params[i];
	return NULL;
}

static bool
is_ows(char c)
{
	return c == ' ' || c == '\t';
}

enum tix_err
tix_cookie_get(const char *header, const char *name, struct tix_str *out)
{
	size_t		 hlen, nlen, i = 0, start, end, eq, nend;
	struct tix_str	 found = { NULL, 0 };
	bool		 is_found = false;

	if (header == NULL || name == NULL)
		return TIX_ENOTFOUND;
	hlen = strnlen(header, TIX_MAX_COOKIE + 1);
	if (hlen > TIX_MAX_COOKIE)
		return TIX_EBADREQ;
	nlen = strlen(name);
	if (nlen == 0)
		return TIX_ENOTFOUND;

	while (i < hlen) {
		start = i;
		while (i < hlen && header[i] != ';')
			i++;
		end = i;
		if (i < hlen)
			i++;			/* the ';' */
		while (start < end && is_ows(header[start]))
			start++;
		while (end > start && is_ows(header[end - 1]))
			end--;
		for (eq = start; eq < end && header[eq] != '='; eq++)
			continue;
		if (eq == end)
			continue;		/* no '=': not a cookie pair */
		nend = eq;
		while (nend > start && is_ows(header[nend - 1]))
			nend--;
		if (nend - start != nlen ||
		    memcmp(header + start, name, nlen) != 0)
			continue;
		/* Two cookies of one name (say, one planted for a parent
		 * domain): we cannot tell which is ours. */
		if (is_found)
			return TIX_EBADREQ;
		is_found = true;
		eq++;
		while (eq < end && is_ows(header[eq]))
			eq++;
		found.p = header + eq;
		found.n = end - eq;
	}
	if (!is_found)
		return TIX_ENOTFOUND;
	*out = found;
	return TIX_OK;
}
