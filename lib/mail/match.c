/*
 * match.c: what a message's words name, our rules over strings parse.c
 * returns (parse.h): quoted text and signatures trimmed, the reply
 * address, our message ids, the "[TICK-n]" tag of a subject, mailer
 * daemons.  Pure: no I/O, no MIME.  Every loop is bounded by its input.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/str.h"
#include "mail/parse.h"
#include "mail/words.h"

static bool
ieq_prefix(const char *s, size_t n, const char *lit)
{
	size_t i, k = strlen(lit);

	if (n < k)
		return false;
	for (i = 0; i < k; i++)
		if (tix_mail_lower(s[i]) != tix_mail_lower(lit[i]))
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
		if (s[i] == '\0' ||
		    tix_mail_lower(s[i]) != tix_mail_lower(lit[i]))
			return false;
	return true;
}

/* Whether line (n bytes) begins an attribution: "On ... wrote:". */
static bool
ends_wrote(const char *s, size_t n)
{
	while (n > 0 && (tix_mail_is_ws(s[n - 1]) || s[n - 1] == '\r'))
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
	while (k > 0 && (out[k - 1] == '\n' || tix_mail_is_ws(out[k - 1])))
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
		if (tix_mail_lower(s[i]) != tix_mail_lower(support[i]))
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
