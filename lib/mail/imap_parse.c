/*
 * imap_parse.c: the untagged answers of an IMAP server (imap_parse.h).
 *
 * An answer is walked response by response: a response is a line, and
 * when the line announces a literal, the literal's bytes and the line
 * after them too.  The bytes of a literal are never read as lines: a
 * message header or body inside one may say "* SEARCH 7" and must not
 * count.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/str.h"
#include "mail/imap_parse.h"

/* Digits of a number we read: UIDs and sizes fit in 18. */
#define NUMBER_DIGITS	18

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Whether [p, end) begins with lit, without regard to case. */
static bool
starts(const char *p, const char *end, const char *lit)
{
	size_t k = strlen(lit);

	return (size_t)(end - p) >= k && tix_str_ieq(p, k, lit);
}

/* The number at *p (advanced past it), or false. */
static bool
number(const char **p, const char *end, uint64_t *v)
{
	const char	*s = *p;
	int64_t		 x;

	while (*p < end && is_digit(**p))
		(*p)++;
	if (*p == s || *p - s > NUMBER_DIGITS ||
	    !tix_parse_int64(s, (size_t)(*p - s), false, &x) || x < 0)
		return false;
	*v = (uint64_t)x;
	return true;
}

/* One line of a response. */
struct line {
	const char	*p, *eol;	/* the text, without CR LF */
	bool		 complete;	/* it ended in LF */
	bool		 literal;	/* it announced a literal */
};

/*
 * The line at p into l; returns where the next line begins: after the
 * line end and after the literal the line announces (as much of it as
 * there is).
 */
static const char *
next_line(const char *p, const char *end, struct line *l)
{
	const char	*e, *next, *q, *d;
	uint64_t	 n;

	e = memchr(p, '\n', (size_t)(end - p));
	l->p = p;
	l->complete = e != NULL;
	l->literal = false;
	if (e == NULL)
		e = end;
	next = e < end ? e + 1 : end;
	if (e > p && e[-1] == '\r')
		e--;
	l->eol = e;
	if (!l->complete || e == p || e[-1] != '}')
		return next;
	q = e - 1;
	if (q > p && q[-1] == '+')
		q--;		/* a non-synchronising literal */
	for (d = q; d > p && is_digit(d[-1]); d--)
		;
	if (d == q || d == p || d[-1] != '{' || !number(&d, q, &n))
		return next;
	l->literal = true;
	return n < (uint64_t)(end - next) ? next + n : end;
}

/* The value after the word key in [p, eol), or false. */
static bool
item(const char *p, const char *eol, const char *key, uint64_t *v)
{
	size_t		 k = strlen(key);
	const char	*q;

	for (q = p; q + k < eol; q++)
		if (tix_str_ieq(q, k, key) && (q == p || q[-1] == ' ' ||
		    q[-1] == '(')) {
			q += k;
			return number(&q, eol, v);
		}
	return false;
}

/* "* n FETCH (" */
static bool
is_fetch(const char *p, const char *eol)
{
	if (!starts(p, eol, "* "))
		return false;
	p += 2;
	if (p == eol || !is_digit(*p))
		return false;
	while (p < eol && is_digit(*p))
		p++;
	return starts(p, eol, " FETCH (");
}

static int
by_uid(const void *a, const void *b)
{
	uint32_t x = ((const struct tix_imap_msg *)a)->uid;
	uint32_t y = ((const struct tix_imap_msg *)b)->uid;

	return x < y ? -1 : x > y;
}

/* The numbers of one "* SEARCH" line into msgs from *n. */
static void
search_line(const struct line *l, const char *end,
    struct tix_imap_msg *msgs, size_t cap, size_t *n)
{
	const char	*p = l->p + 9;
	uint64_t	 v;

	while (p < l->eol && *n < cap) {
		if (!number(&p, l->eol, &v) || v == 0 || v > UINT32_MAX)
			break;
		if (p == end)
			break;	/* cut short: perhaps part of a number */
		if (p < l->eol && *p != ' ')
			break;	/* "12x": no number */
		msgs[*n].uid = (uint32_t)v;
		msgs[(*n)++].size = 0;
		while (p < l->eol && *p == ' ')
			p++;
	}
}

size_t
tix_imap_parse_search(const char *p, size_t len, struct tix_imap_msg *msgs,
    size_t cap)
{
	const char	*end;
	struct line	 l;
	bool		 first = true;
	size_t		 n = 0, i, j;

	if (p == NULL)
		return 0;
	end = p + len;
	while (p < end) {
		p = next_line(p, end, &l);
		/* Only the first line of a response starts one. */
		if (first && starts(l.p, l.eol, "* SEARCH "))
			search_line(&l, end, msgs, cap, &n);
		first = !l.literal;
	}
	qsort(msgs, n, sizeof(*msgs), by_uid);
	for (i = j = 0; i < n; i++)
		if (j == 0 || msgs[j - 1].uid != msgs[i].uid)
			msgs[j++] = msgs[i];
	return j;
}

void
tix_imap_parse_sizes(const char *p, size_t len, struct tix_imap_msg *msgs,
    size_t n)
{
	const char	*end;
	struct line	 l;
	uint64_t	 uid = 0, size = 0, v;
	bool		 fetch, has_uid, has_size;
	size_t		 i;

	if (p == NULL)
		return;
	end = p + len;
	while (p < end) {
		p = next_line(p, end, &l);
		fetch = is_fetch(l.p, l.eol);
		has_uid = has_size = false;
		for (;;) {
			if (fetch && !has_uid && item(l.p, l.eol, "UID ", &v)) {
				has_uid = true;
				uid = v;
			}
			if (fetch && !has_size &&
			    item(l.p, l.eol, "RFC822.SIZE ", &v)) {
				has_size = true;
				size = v;
			}
			if (!l.literal || p == end)
				break;
			p = next_line(p, end, &l);
		}
		if (!fetch || !has_uid || !has_size || !l.complete)
			continue;
		for (i = 0; i < n; i++)
			if (msgs[i].uid == uid)
				msgs[i].size = size;
	}
}
