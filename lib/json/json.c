/*
 * json.c: strict JSON in, escaped JSON out.  The only file that sees
 * json-c.
 *
 * Reading happens in two passes.  First a validator of our own scans the
 * text against the grammar of RFC 8259 and our limits, without recursion
 * (an explicit stack of at most TIX_MAX_JSON_DEPTH frames).  It rejects
 * what json-c accepts or repairs:
 *
 *   - invalid UTF-8 anywhere, keys included (RFC 8259 section 8.1);
 *   - "\u0000", which would cut a C string short;
 *   - a lone surrogate escape, or a low one first (section 8.2);
 *   - a key used twice in one object, comparing decoded keys, so that
 *     {"a":1,"\u0061":2} is a duplicate: json-c keeps the last silently,
 *     and two readers of the same text must not disagree (section 4);
 *   - nesting deeper than TIX_MAX_JSON_DEPTH (arrays and objects both
 *     count; the top-level object is depth 1), more than
 *     TIX_MAX_JSON_KEYS keys in one object;
 *   - a top-level value that is not an object, and anything but
 *     whitespace after it;
 *   - NaN, Infinity, comments, single quotes, trailing commas, leading
 *     zeros, raw control characters in strings;
 *   - an integer (no '.', 'e' or 'E') outside int64, and a number that
 *     overflows a double (1e999): json-c would clamp both.
 *
 * Only then does json_tokener, in strict mode, build the tree that the
 * getters read.  The validator allocates its key table from a private
 * arena, released before returning.
 *
 * A struct tix_json is never defined: a pointer to one is the json-c root
 * object, converted at this module's boundary so that no caller can reach
 * json-c.
 *
 * The writer appends to a struct tix_buf by hand; it does not use json-c.
 * Misuse (a value without a key in an object, a key in an array, closing
 * the wrong container, a second top-level value, nesting deeper than
 * TIX_JW_MAX_DEPTH, a string that is not UTF-8) is a bug in the caller and
 * fails with TIX_EINTERNAL; a full buffer fails with its own code.
 */
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "core/limits.h"
#include "core/str.h"
#include "json/json.h"

/* FNV-1a over decoded code points: a cheap filter before comparing keys. */
#define FNV_OFFSET	2166136261u
#define FNV_PRIME	16777619u

/* A key of an open object: where its raw text is, and a summary of the
 * decoded form. */
struct jv_key {
	size_t		 off;	/* first byte after the opening quote */
	size_t		 len;	/* raw bytes before the closing quote */
	size_t		 ncp;	/* decoded code points */
	uint32_t	 hash;
};

struct jv_frame {
	bool		 is_obj;
	size_t		 key0;	/* this object's first key in keys[] */
	size_t		 nkeys;
};

struct jv {
	const unsigned char	*s;
	size_t			 n;
	size_t			 pos;
	struct tix_arena	*a;	/* for long number literals */
	size_t			 depth;
	size_t			 nkeys;	/* live entries of keys[] */
	struct jv_frame		 stack[TIX_MAX_JSON_DEPTH];
	/* Each open object holds at most TIX_MAX_JSON_KEYS of these. */
	struct jv_key		 keys[TIX_MAX_JSON_DEPTH * TIX_MAX_JSON_KEYS];
};

enum jv_state {
	JV_VALUE,	/* a value starts here */
	JV_KEY,		/* a key starts here */
	JV_AFTER	/* a value ended: ',', a closer, or the end */
};

static void
jv_ws(struct jv *v)
{
	while (v->pos < v->n && (v->s[v->pos] == ' ' ||
	    v->s[v->pos] == '\t' || v->s[v->pos] == '\n' ||
	    v->s[v->pos] == '\r'))
		v->pos++;
}

static bool
jv_hex4(const unsigned char *s, size_t end, size_t i, uint32_t *out)
{
	uint32_t	 cp = 0;
	size_t		 k;
	int		 d;

	if (i > end || end - i < 4)
		return false;
	for (k = 0; k < 4; k++) {
		d = tix_hex_digit(s[i + k]);
		if (d < 0)
			return false;
		cp = cp << 4 | (uint32_t)d;
	}
	*out = cp;
	return true;
}

/*
 * Length of a UTF-8 sequence from its lead byte; 0 for a byte that cannot
 * lead.  tix_utf8_valid() then checks the whole sequence.
 */
static size_t
utf8_lead_len(unsigned char c)
{
	if (c < 0x80)
		return 1;
	if (c < 0xc2)
		return 0;
	if (c < 0xe0)
		return 2;
	if (c < 0xf0)
		return 3;
	if (c < 0xf5)
		return 4;
	return 0;
}

/*
 * Decode one character of string content at s[*i], not reaching end, and
 * move *i past it.  False on a raw control character, a bad escape, an
 * escaped NUL, a surrogate escape that is not a high-low pair, or invalid
 * UTF-8.  The caller has checked that s[*i] is not the closing quote.
 */
static bool
jv_char(const unsigned char *s, size_t end, size_t *i, uint32_t *cp)
{
	size_t		 p = *i, len, k;
	uint32_t	 hi, lo;
	unsigned char	 c = s[p];

	if (c < 0x20)
		return false;
	if (c == '\\') {
		if (end - p < 2)
			return false;
		switch (s[p + 1]) {
		case '"':
		case '\\':
		case '/':
			*cp = s[p + 1];
			break;
		case 'b':
			*cp = '\b';
			break;
		case 'f':
			*cp = '\f';
			break;
		case 'n':
			*cp = '\n';
			break;
		case 'r':
			*cp = '\r';
			break;
		case 't':
			*cp = '\t';
			break;
		case 'u':
			if (!jv_hex4(s, end, p + 2, &hi))
				return false;
			if (hi == 0 || (hi >= 0xdc00 && hi <= 0xdfff))
				return false;
			if (hi < 0xd800 || hi > 0xdbff) {
				*cp = hi;
				*i = p + 6;
				return true;
			}
			if (end - (p + 6) < 2 || s[p + 6] != '\\' ||
			    s[p + 7] != 'u')
				return false;
			if (!jv_hex4(s, end, p + 8, &lo))
				return false;
			if (lo < 0xdc00 || lo > 0xdfff)
				return false;
			*cp = 0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00);
			*i = p + 12;
			return true;
		default:
			return false;
		}
		*i = p + 2;
		return true;
	}
	if (c < 0x80) {
		*cp = c;
		*i = p + 1;
		return true;
	}
	len = utf8_lead_len(c);
	if (len == 0 || len > end - p ||
	    !tix_utf8_valid((const char *)s + p, len))
		return false;
	*cp = c & (0xff >> (len + 1));
	for (k = 1; k < len; k++)
		*cp = (*cp << 6) | (s[p + k] & 0x3f);
	*i = p + len;
	return true;
}

/*
 * Scan the string whose opening quote is at v->pos and move past its
 * closing quote.  When k is not NULL, describe the string there.
 */
static bool
jv_string(struct jv *v, struct jv_key *k)
{
	size_t		 i = v->pos + 1, ncp = 0;
	uint32_t	 cp, h = FNV_OFFSET;

	for (;;) {
		if (i >= v->n)
			return false;
		if (v->s[i] == '"')
			break;
		if (!jv_char(v->s, v->n, &i, &cp))
			return false;
		h = (h ^ cp) * FNV_PRIME;
		ncp++;
	}
	if (k != NULL) {
		k->off = v->pos + 1;
		k->len = i - k->off;
		k->ncp = ncp;
		k->hash = h;
	}
	v->pos = i + 1;
	return true;
}

/* Whether two validated keys decode to the same code points. */
static bool
jv_key_equal(const struct jv *v, const struct jv_key *x,
    const struct jv_key *y)
{
	size_t		 i = x->off, j = y->off;
	size_t		 xend = x->off + x->len, yend = y->off + y->len;
	uint32_t	 a, b;

	if (x->hash != y->hash || x->ncp != y->ncp)
		return false;
	while (i < xend && j < yend) {
		if (!jv_char(v->s, xend, &i, &a) ||
		    !jv_char(v->s, yend, &j, &b))
			return false;
		if (a != b)
			return false;
	}
	return i == xend && j == yend;
}

static bool
jv_digits(struct jv *v)
{
	size_t	 start = v->pos;

	while (v->pos < v->n && v->s[v->pos] >= '0' && v->s[v->pos] <= '9')
		v->pos++;
	return v->pos > start;
}

/*
 * Scan a number (RFC 8259 section 6) at v->pos.  Whatever follows it is
 * the next state's business, which is how "01" and "1.2.3" fail.
 */
static enum tix_err
jv_number(struct jv *v)
{
	size_t		 start = v->pos, len;
	bool		 is_int = true;
	int64_t		 i64;
	char		 small[64], *copy;
	double		 d;

	if (v->s[v->pos] == '-')
		v->pos++;
	if (v->pos < v->n && v->s[v->pos] == '0')
		v->pos++;
	else if (v->pos < v->n && v->s[v->pos] >= '1' && v->s[v->pos] <= '9')
		jv_digits(v);
	else
		return TIX_EBADREQ;
	if (v->pos < v->n && v->s[v->pos] == '.') {
		is_int = false;
		v->pos++;
		if (!jv_digits(v))
			return TIX_EBADREQ;
	}
	if (v->pos < v->n && (v->s[v->pos] == 'e' || v->s[v->pos] == 'E')) {
		is_int = false;
		v->pos++;
		if (v->pos < v->n &&
		    (v->s[v->pos] == '+' || v->s[v->pos] == '-'))
			v->pos++;
		if (!jv_digits(v))
			return TIX_EBADREQ;
	}
	len = v->pos - start;

	if (is_int)
		return tix_parse_int64((const char *)v->s + start, len, true,
		    &i64) ? TIX_OK : TIX_EBADREQ;

	/* strtod wants a C string; the grammar above leaves it nothing to
	 * misread (no hex, no "inf"). */
	if (len < sizeof(small)) {
		memcpy(small, v->s + start, len);
		small[len] = '\0';
		copy = small;
	} else {
		copy = tix_arena_strndup(v->a, (const char *)v->s + start,
		    len);
		if (copy == NULL)
			return TIX_ENOMEM;
	}
	d = strtod(copy, NULL);
	return isinf(d) ? TIX_EBADREQ : TIX_OK;
}

static bool
jv_literal(struct jv *v, const char *lit)
{
	size_t	 len = strlen(lit);

	if (v->n - v->pos < len || memcmp(v->s + v->pos, lit, len) != 0)
		return false;
	v->pos += len;
	return true;
}

static enum tix_err
jv_open(struct jv *v, bool is_obj)
{
	struct jv_frame	*f;

	if (v->depth == TIX_MAX_JSON_DEPTH)
		return TIX_EBADREQ;
	f = &v->stack[v->depth++];
	f->is_obj = is_obj;
	f->key0 = v->nkeys;
	f->nkeys = 0;
	v->pos++;
	return TIX_OK;
}

static void
jv_close(struct jv *v)
{
	v->nkeys = v->stack[v->depth - 1].key0;
	v->depth--;
	v->pos++;
}

/* A value at v->pos, then JV_AFTER (or into a container). */
static enum tix_err
jv_value(struct jv *v, enum jv_state *st)
{
	enum tix_err	 rc = TIX_OK;
	unsigned char	 c;
	bool		 is_obj;

	if (v->pos >= v->n)
		return TIX_EBADREQ;
	c = v->s[v->pos];
	*st = JV_AFTER;
	switch (c) {
	case '{':
	case '[':
		is_obj = c == '{';
		rc = jv_open(v, is_obj);
		if (rc != TIX_OK)
			return rc;
		jv_ws(v);
		if (v->pos < v->n && v->s[v->pos] == (is_obj ? '}' : ']'))
			jv_close(v);
		else
			*st = is_obj ? JV_KEY : JV_VALUE;
		break;
	case '"':
		if (!jv_string(v, NULL))
			rc = TIX_EBADREQ;
		break;
	case 't':
		if (!jv_literal(v, "true"))
			rc = TIX_EBADREQ;
		break;
	case 'f':
		if (!jv_literal(v, "false"))
			rc = TIX_EBADREQ;
		break;
	case 'n':
		if (!jv_literal(v, "null"))
			rc = TIX_EBADREQ;
		break;
	default:
		if (c == '-' || (c >= '0' && c <= '9'))
			rc = jv_number(v);
		else
			rc = TIX_EBADREQ;
		break;
	}
	return rc;
}

/* A key at v->pos, checked against its object's other keys, and ':'. */
static enum tix_err
jv_key(struct jv *v)
{
	struct jv_frame	*f = &v->stack[v->depth - 1];
	struct jv_key	*k;
	size_t		 i;

	if (v->pos >= v->n || v->s[v->pos] != '"')
		return TIX_EBADREQ;
	if (f->nkeys == TIX_MAX_JSON_KEYS)
		return TIX_EBADREQ;
	k = &v->keys[v->nkeys];
	if (!jv_string(v, k))
		return TIX_EBADREQ;
	for (i = f->key0; i < v->nkeys; i++)
		if (jv_key_equal(v, &v->keys[i], k))
			return TIX_EBADREQ;
	v->nkeys++;
	f->nkeys++;
	jv_ws(v);
	if (v->pos >= v->n || v->s[v->pos] != ':')
		return TIX_EBADREQ;
	v->pos++;
	return TIX_OK;
}

/* After a value inside a container: a separator or the closer. */
static enum tix_err
jv_after(struct jv *v, enum jv_state *st)
{
	struct jv_frame	*f;
	unsigned char	 c;

	if (v->pos >= v->n)
		return TIX_EBADREQ;
	f = &v->stack[v->depth - 1];
	c = v->s[v->pos];
	if (c == ',') {
		v->pos++;
		*st = f->is_obj ? JV_KEY : JV_VALUE;
		return TIX_OK;
	}
	if (c != (f->is_obj ? '}' : ']'))
		return TIX_EBADREQ;
	jv_close(v);
	*st = JV_AFTER;
	return TIX_OK;
}

static enum tix_err
jv_run(struct jv *v)
{
	enum jv_state	 st = JV_VALUE;
	enum tix_err	 rc;

	jv_ws(v);
	if (v->pos >= v->n || v->s[v->pos] != '{')
		return TIX_EBADREQ;
	for (;;) {
		switch (st) {
		case JV_VALUE:
			rc = jv_value(v, &st);
			break;
		case JV_KEY:
			rc = jv_key(v);
			st = JV_VALUE;
			break;
		default:
			/* The top-level object has closed and the whitespace
			 * after it is skipped: only the end may follow. */
			if (v->depth == 0)
				return v->pos == v->n ? TIX_OK : TIX_EBADREQ;
			rc = jv_after(v, &st);
			break;
		}
		if (rc != TIX_OK)
			return rc;
		jv_ws(v);
	}
}

static const struct json_object *
root_of(const struct tix_json *j)
{
	return (const struct json_object *)(const void *)j;
}

enum tix_err
tix_json_parse_object(const char *s, size_t n, struct tix_json **out)
{
	struct tix_arena	 a;
	struct jv		*v;
	struct json_tokener	*tok = NULL;
	struct json_object	*root = NULL;
	enum tix_err		 rc;

	*out = NULL;
	tix_arena_init(&a);
	/* json_tokener_parse_ex() takes an int length. */
	if (s == NULL || n > INT_MAX) {
		rc = TIX_EBADREQ;
		goto out;
	}
	v = tix_arena_alloc(&a, sizeof(*v));
	if (v == NULL) {
		rc = TIX_ENOMEM;
		goto out;
	}
	v->s = (const unsigned char *)s;
	v->n = n;
	v->a = &a;
	rc = jv_run(v);
	if (rc != TIX_OK)
		goto out;

	/* The validator has bounded the depth; json-c counts a container's
	 * members as one level deeper, so give it room. */
	tok = json_tokener_new_ex(TIX_MAX_JSON_DEPTH + 2);
	if (tok == NULL) {
		rc = TIX_ENOMEM;
		goto out;
	}
	json_tokener_set_flags(tok,
	    JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	root = json_tokener_parse_ex(tok, s, (int)n);
	/* Should the two parsers ever disagree, reject. */
	if (root == NULL ||
	    json_tokener_get_error(tok) != json_tokener_success ||
	    !json_object_is_type(root, json_type_object)) {
		rc = TIX_EBADREQ;
		goto out;
	}
	*out = (struct tix_json *)(void *)root;
	root = NULL;
out:
	json_object_put(root);
	if (tok != NULL)
		json_tokener_free(tok);
	tix_arena_reset(&a);
	return rc;
}

void
tix_json_free(struct tix_json *j)
{
	json_object_put((struct json_object *)(void *)j);
}

/*
 * Member key of the top-level object into *val (NULL for a JSON null).
 * False when absent.  *val is borrowed from j.
 */
static bool
member(const struct tix_json *j, const char *key, struct json_object **val)
{
	if (j == NULL || key == NULL)
		return false;
	return json_object_object_get_ex(root_of(j), key, val) != 0;
}

enum tix_json_type
tix_json_type_of(const struct tix_json *j, const char *key)
{
	struct json_object	*val;

	if (!member(j, key, &val))
		return TIX_JSON_ABSENT;
	switch (json_object_get_type(val)) {
	case json_type_null:
		return TIX_JSON_NULL;
	case json_type_boolean:
		return TIX_JSON_BOOL;
	case json_type_int:
		return TIX_JSON_INT;
	case json_type_double:
		return TIX_JSON_NUMBER;
	case json_type_string:
		return TIX_JSON_STRING;
	case json_type_array:
		return TIX_JSON_ARRAY;
	case json_type_object:
		return TIX_JSON_OBJECT;
	}
	return TIX_JSON_ABSENT;
}

enum tix_err
tix_json_get_string(const struct tix_json *j, const char *key,
    struct tix_arena *a, struct tix_str *out)
{
	struct json_object	*val;
	const char		*p;
	char			*copy;
	int			 len;

	if (!member(j, key, &val))
		return TIX_ENOTFOUND;
	if (!json_object_is_type(val, json_type_string))
		return TIX_EBADREQ;
	p = json_object_get_string(val);
	len = json_object_get_string_len(val);
	if (p == NULL || len < 0)
		return TIX_EINTERNAL;
	copy = tix_arena_strndup(a, p, (size_t)len);
	if (copy == NULL)
		return TIX_ENOMEM;
	out->p = copy;
	out->n = (size_t)len;
	return TIX_OK;
}

enum tix_err
tix_json_get_bool(const struct tix_json *j, const char *key, bool *out)
{
	struct json_object	*val;

	if (!member(j, key, &val))
		return TIX_ENOTFOUND;
	if (!json_object_is_type(val, json_type_boolean))
		return TIX_EBADREQ;
	*out = json_object_get_boolean(val) != 0;
	return TIX_OK;
}

enum tix_err
tix_json_get_int(const struct tix_json *j, const char *key, int64_t *out)
{
	struct json_object	*val;
	int64_t			 v;

	if (!member(j, key, &val))
		return TIX_ENOTFOUND;
	/* json-c makes any literal with '.', 'e' or 'E' a double, so 1.0
	 * and 1e2 stop here. */
	if (!json_object_is_type(val, json_type_int))
		return TIX_EBADREQ;
	v = json_object_get_int64(val);
	/* json-c keeps 2^63 and above as uint64 and clamps them to
	 * INT64_MAX when asked for an int64.  The validator refuses them
	 * already; this keeps the getter honest on its own. */
	if (v == INT64_MAX && json_object_get_uint64(val) != (uint64_t)v)
		return TIX_EBADREQ;
	*out = v;
	return TIX_OK;
}

/*
 * The writer.  It refuses, with TIX_EINTERNAL, what would not be JSON: a
 * value without a key in an object, a key in an array, unbalanced
 * closes, a second top-level value.
 */
static bool
jw_in_obj(const struct tix_jw *w)
{
	return w->depth > 0 && w->is_obj[w->depth - 1];
}

static void
jw_fail(struct tix_jw *w, enum tix_err rc)
{
	if (w->err == TIX_OK)
		w->err = rc;
}

static void
jw_add(struct tix_jw *w, const char *p, size_t n)
{
	enum tix_err	 rc;

	if (w->err != TIX_OK)
		return;
	rc = tix_buf_add(w->b, p, n);
	if (rc != TIX_OK)
		jw_fail(w, rc);
}

/* Before any value: the comma in an array, the key check in an object,
 * and only one value at the top. */
static bool
jw_begin_value(struct tix_jw *w)
{
	if (w->err != TIX_OK)
		return false;
	if (w->depth == 0) {
		if (w->done)
			jw_fail(w, TIX_EINTERNAL);
	} else if (jw_in_obj(w)) {
		if (!w->after_key)
			jw_fail(w, TIX_EINTERNAL);
		w->after_key = false;
	} else {
		if (!w->first[w->depth - 1])
			jw_add(w, ",", 1);
		w->first[w->depth - 1] = false;
	}
	return w->err == TIX_OK;
}

static void
jw_end_value(struct tix_jw *w)
{
	if (w->err == TIX_OK && w->depth == 0)
		w->done = true;
}

/*
 * s as a JSON string: RFC 8259 section 7, with the HTML-sensitive '<',
 * '>', '&' and the JavaScript line terminators U+2028 and U+2029 as \u
 * escapes too.  Bytes are copied in runs between escapes.
 */
static void
jw_string(struct tix_jw *w, const char *s, size_t n)
{
	static const char	 hex[] = "0123456789abcdef";
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i = 0, run = 0, len;
	char			 esc[7];
	const char		*e;

	jw_add(w, "\"", 1);
	while (i < n && w->err == TIX_OK) {
		e = NULL;
		len = 1;
		if (p[i] >= 0x80) {
			len = utf8_lead_len(p[i]);
			if (len == 0 || len > n - i ||
			    !tix_utf8_valid(s + i, len)) {
				jw_fail(w, TIX_EINTERNAL);
				break;
			}
			if (len == 3 && p[i] == 0xe2 && p[i + 1] == 0x80 &&
			    p[i + 2] == 0xa8)
				e = "\\u2028";
			else if (len == 3 && p[i] == 0xe2 &&
			    p[i + 1] == 0x80 && p[i + 2] == 0xa9)
				e = "\\u2029";
		} else {
			switch (p[i]) {
			case '"':
				e = "\\\"";
				break;
			case '\\':
				e = "\\\\";
				break;
			case '\b':
				e = "\\b";
				break;
			case '\f':
				e = "\\f";
				break;
			case '\n':
				e = "\\n";
				break;
			case '\r':
				e = "\\r";
				break;
			case '\t':
				e = "\\t";
				break;
			case '<':
				e = "\\u003c";
				break;
			case '>':
				e = "\\u003e";
				break;
			case '&':
				e = "\\u0026";
				break;
			default:
				if (p[i] < 0x20) {
					memcpy(esc, "\\u00", 4);
					esc[4] = hex[p[i] >> 4];
					esc[5] = hex[p[i] & 0x0f];
					esc[6] = '\0';
					e = esc;
				}
				break;
			}
		}
		if (e == NULL) {
			run += len;
			i += len;
			continue;
		}
		jw_add(w, s + i - run, run);
		jw_add(w, e, strlen(e));
		run = 0;
		i += len;
	}
	jw_add(w, s + i - run, run);
	jw_add(w, "\"", 1);
}

void
tix_jw_init(struct tix_jw *w, struct tix_buf *b)
{
	memset(w, 0, sizeof(*w));
	w->b = b;
	w->err = b != NULL ? TIX_OK : TIX_EINTERNAL;
}

static void
jw_open(struct tix_jw *w, bool is_obj)
{
	if (!jw_begin_value(w))
		return;
	if (w->depth >= TIX_JW_MAX_DEPTH) {
		jw_fail(w, TIX_EINTERNAL);
		return;
	}
	jw_add(w, is_obj ? "{" : "[", 1);
	if (w->err != TIX_OK)
		return;
	w->first[w->depth] = true;
	w->is_obj[w->depth] = is_obj;
	w->depth++;
}

static void
jw_close(struct tix_jw *w, bool is_obj)
{
	if (w->err != TIX_OK)
		return;
	if (w->depth == 0 || jw_in_obj(w) != is_obj || w->after_key) {
		jw_fail(w, TIX_EINTERNAL);
		return;
	}
	jw_add(w, is_obj ? "}" : "]", 1);
	if (w->err != TIX_OK)
		return;
	w->depth--;
	jw_end_value(w);
}

void
tix_jw_obj_open(struct tix_jw *w)
{
	jw_open(w, true);
}

void
tix_jw_obj_close(struct tix_jw *w)
{
	jw_close(w, true);
}

void
tix_jw_arr_open(struct tix_jw *w)
{
	jw_open(w, false);
}

void
tix_jw_arr_close(struct tix_jw *w)
{
	jw_close(w, false);
}

void
tix_jw_key(struct tix_jw *w, const char *key)
{
	if (w->err != TIX_OK)
		return;
	if (key == NULL || !jw_in_obj(w) || w->after_key) {
		jw_fail(w, TIX_EINTERNAL);
		return;
	}
	if (!w->first[w->depth - 1])
		jw_add(w, ",", 1);
	w->first[w->depth - 1] = false;
	jw_string(w, key, strlen(key));
	jw_add(w, ":", 1);
	w->after_key = true;
}

void
tix_jw_str(struct tix_jw *w, const char *s, size_t n)
{
	if (s == NULL) {
		tix_jw_null(w);
		return;
	}
	if (!jw_begin_value(w))
		return;
	jw_string(w, s, n);
	jw_end_value(w);
}

void
tix_jw_strz(struct tix_jw *w, const char *s)
{
	tix_jw_str(w, s, s != NULL ? strlen(s) : 0);
}

void
tix_jw_int(struct tix_jw *w, int64_t v)
{
	char	 num[24];
	int	 len;

	if (!jw_begin_value(w))
		return;
	len = snprintf(num, sizeof(num), "%" PRId64, v);
	if (len < 0 || (size_t)len >= sizeof(num)) {
		jw_fail(w, TIX_EINTERNAL);
		return;
	}
	jw_add(w, num, (size_t)len);
	jw_end_value(w);
}

void
tix_jw_bool(struct tix_jw *w, bool v)
{
	if (!jw_begin_value(w))
		return;
	if (v)
		jw_add(w, "true", 4);
	else
		jw_add(w, "false", 5);
	jw_end_value(w);
}

void
tix_jw_null(struct tix_jw *w)
{
	if (!jw_begin_value(w))
		return;
	jw_add(w, "null", 4);
	jw_end_value(w);
}

void
tix_jw_kstr(struct tix_jw *w, const char *key, const char *s)
{
	tix_jw_key(w, key);
	tix_jw_strz(w, s);
}

void
tix_jw_kint(struct tix_jw *w, const char *key, int64_t v)
{
	tix_jw_key(w, key);
	tix_jw_int(w, v);
}

void
tix_jw_kbool(struct tix_jw *w, const char *key, bool v)
{
	tix_jw_key(w, key);
	tix_jw_bool(w, v);
}

enum tix_err
tix_jw_finish(struct tix_jw *w)
{
	if (w->err != TIX_OK)
		return w->err;
	if (w->depth != 0 || !w->done)
		return TIX_EINTERNAL;
	return TIX_OK;
}
