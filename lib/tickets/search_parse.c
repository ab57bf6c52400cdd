/*
 * search_parse.c: the pure half of search.h: q into terms, terms into an
 * array parameter, a highlighted excerpt into segments.  No I/O.
 *
 * Nothing here interprets the tsquery syntax: a term is text, and the
 * database reads it as text (plainto_tsquery, phraseto_tsquery).  The
 * only characters with a meaning are white space, '"' at the start of a
 * term and '*' at the end of a word.
 */
#include <string.h>

#include "core/str.h"
#include "tickets/search.h"

const char *const tix_sort_names[] = {
	"-updated_at", "updated_at", "-created_at", "created_at",
	"-priority", "priority", "relevance", NULL
};

/* White space, and every ASCII control character with it: a term never
 * holds one (nor so the array separator or the highlight markers). */
static bool
is_sep(unsigned char ch)
{
	return ch <= 0x20 || ch == 0x7f;
}

/* s[0..n) with every separator a space, in the arena. */
static char *
copy_text(struct tix_arena *a, const char *s, size_t n)
{
	char	*d = tix_arena_strndup(a, s, n);
	size_t	 i;

	if (d == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		if (is_sep((unsigned char)d[i]))
			d[i] = ' ';
	return d;
}

static bool
only_seps(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!is_sep((unsigned char)s[i]))
			return false;
	return true;
}

static enum tix_err
add_term(struct tix_arena *a, struct tix_search *out,
    enum tix_search_kind kind, const char *s, size_t n)
{
	struct tix_search_term	*t;
	size_t			 i;

	for (i = 0; i < out->nterms; i++)
		if (out->terms[i].kind == kind && out->terms[i].len == n &&
		    memcmp(out->terms[i].text, s, n) == 0)
			return TIX_OK;	/* said twice: once is enough */
	if (out->nterms == TIX_MAX_SEARCH_TERMS)
		return TIX_ETOOBIG;	/* cannot happen within the limit */
	t = &out->terms[out->nterms];
	t->text = copy_text(a, s, n);
	if (t->text == NULL)
		return TIX_ENOMEM;
	t->kind = kind;
	t->len = n;
	out->nterms++;
	return TIX_OK;
}

/* A word (no separators in it): a prefix when it ends in '*' with three
 * or more characters before; otherwise all of it is text. */
static enum tix_err
add_word(struct tix_arena *a, struct tix_search *out, const char *s,
    size_t n)
{
	size_t stem = n;

	while (stem > 0 && s[stem - 1] == '*')
		stem--;
	if (stem < n && tix_utf8_len(s, stem) >= 3)
		return add_term(a, out, TIX_SEARCH_PREFIX, s, stem);
	return add_term(a, out, TIX_SEARCH_WORD, s, n);
}

/* "TICK-1001" (any case) or "1001": a number as ticket numbers go. */
static bool
number_of(const char *s, size_t n, int64_t *number)
{
	char	buf[24];
	size_t	i;

	if (n == 0 || n >= sizeof(buf))
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (tix_ticket_number_parse(buf, true, number))
		return true;
	if (n > 9 || s[0] == '0')
		return false;
	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return tix_parse_int64(s, n, false, number);
}

enum tix_err
tix_search_parse(struct tix_arena *a, const char *q, size_t n,
    struct tix_search *out)
{
	size_t		 i = 0, start, end;
	enum tix_err	 rc = TIX_OK;

	memset(out, 0, sizeof(*out));
	if (tix_utf8_len(q, n) > TIX_MAX_SEARCH)
		return TIX_ETOOBIG;
	while (i < n && rc == TIX_OK) {
		if (is_sep((unsigned char)q[i])) {
			i++;
			continue;
		}
		if (q[i] == '"') {
			start = ++i;
			while (i < n && q[i] != '"')
				i++;
			end = i;
			if (i < n)
				i++;	/* the closing quote */
			if (!only_seps(q + start, end - start))
				rc = add_term(a, out, TIX_SEARCH_PHRASE,
				    q + start, end - start);
			continue;
		}
		start = i;
		while (i < n && !is_sep((unsigned char)q[i]))
			i++;
		rc = add_word(a, out, q + start, i - start);
	}
	if (rc != TIX_OK) {
		memset(out, 0, sizeof(*out));
		return rc;
	}
	/* The number test is on q without its surrounding white space. */
	start = 0;
	end = n;
	while (start < end && is_sep((unsigned char)q[start]))
		start++;
	while (end > start && is_sep((unsigned char)q[end - 1]))
		end--;
	out->is_number = number_of(q + start, end - start, &out->number);
	return TIX_OK;
}

const char *
tix_search_array(struct tix_arena *a, const struct tix_search *s)
{
	static const char	 kinds[] = { 'w', 'p', 'x' };
	size_t			 cap = 3, i, j, k = 0;
	char			*d;

	for (i = 0; i < s->nterms; i++)
		cap += 4 + 2 * s->terms[i].len;	/* ,"k...", escapes */
	d = tix_arena_alloc(a, cap);
	if (d == NULL)
		return NULL;
	d[k++] = '{';
	for (i = 0; i < s->nterms; i++) {
		if (i > 0)
			d[k++] = ',';
		d[k++] = '"';
		d[k++] = kinds[s->terms[i].kind];
		for (j = 0; j < s->terms[i].len; j++) {
			/* Array syntax: inside double quotes, '"' and '\'
			 * are written with a backslash; nothing else is
			 * special. */
			if (s->terms[i].text[j] == '"' ||
			    s->terms[i].text[j] == '\\')
				d[k++] = '\\';
			d[k++] = s->terms[i].text[j];
		}
		d[k++] = '"';
	}
	d[k++] = '}';
	d[k] = '\0';
	return d;
}

enum tix_err
tix_search_match_read(struct tix_arena *a, const char *cell,
    struct tix_search_match *out)
{
	const char	*colon, *p, *run;
	size_t		 nmarks = 0, n = 0, i;
	bool		 hit = false;
	char		*in, *text;

	memset(out, 0, sizeof(*out));
	if (cell == NULL)
		return TIX_OK;
	colon = strchr(cell, ':');
	if (colon == NULL || colon == cell || colon - cell > 16)
		return TIX_OK;
	in = tix_arena_strndup(a, cell, (size_t)(colon - cell));
	if (in == NULL)
		return TIX_ENOMEM;
	for (p = colon + 1; *p != '\0'; p++)
		if (*p == TIX_SEARCH_HIT_START || *p == TIX_SEARCH_HIT_STOP)
			nmarks++;
	/* Runs are separated by markers: at most one more than those. */
	out->segs = tix_arena_alloc(a, (nmarks + 1) * sizeof(*out->segs));
	if (out->segs == NULL) {
		memset(out, 0, sizeof(*out));
		return TIX_ENOMEM;
	}
	run = colon + 1;
	for (p = run;; p++) {
		if (*p != '\0' && *p != TIX_SEARCH_HIT_START &&
		    *p != TIX_SEARCH_HIT_STOP)
			continue;
		if (p > run) {
			text = tix_arena_strndup(a, run, (size_t)(p - run));
			if (text == NULL) {
				memset(out, 0, sizeof(*out));
				return TIX_ENOMEM;
			}
			for (i = 0; text[i] != '\0'; i++)
				if (text[i] == TIX_SEARCH_LT)
					text[i] = '<';
				else if (text[i] == TIX_SEARCH_AMP)
					text[i] = '&';
			out->segs[n].text = text;
			out->segs[n++].hit = hit;
		}
		if (*p == '\0')
			break;
		hit = *p == TIX_SEARCH_HIT_START;
		run = p + 1;
	}
	out->in = in;
	out->nsegs = n;
	return TIX_OK;
}
