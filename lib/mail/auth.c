/*
 * auth.c: reading Authentication-Results (auth.h).
 *
 * Each field is first made plain: comments, which may nest, become a
 * space; quoted strings stay, so that a ';' or '(' inside one is text.
 * The plain value is then cut at ';' into the authserv-id (its first
 * word; a version may follow) and the results, "method[/version]=result"
 * followed by "reason=..." and "ptype.property=value" words.
 */
#include <stdbool.h>
#include <string.h>

#include "core/str.h"
#include "mail/auth.h"

struct tally {
	bool	ours;		/* a field of our id */
	bool	dmarc_fail, dmarc_pass;
	bool	dkim_pass, spf_pass;	/* aligned with From */
	bool	any_method;	/* a dkim or spf result */
};

static bool
ieq(const char *s, size_t n, const char *lit)
{
	return tix_str_ieq(s, n, lit);
}

/* Comments out of line (n bytes) into out (n + 1 bytes). */
static void
plain(const char *line, size_t n, char *out)
{
	size_t	i, k = 0;
	int	depth = 0;
	bool	quoted = false;

	for (i = 0; i < n; i++) {
		char c = line[i];

		if (quoted) {
			if (c == '\\' && i + 1 < n) {
				out[k++] = c;
				c = line[++i];
			} else if (c == '"')
				quoted = false;
			out[k++] = c;
		} else if (depth > 0) {
			if (c == '\\' && i + 1 < n)
				i++;
			else if (c == '(')
				depth++;
			else if (c == ')' && --depth == 0)
				out[k++] = ' ';
		} else if (c == '(')
			depth = 1;
		else {
			if (c == '"')
				quoted = true;
			out[k++] = c == '\t' ? ' ' : c;
		}
	}
	out[k] = '\0';
}

/* White space around '=' out of s (in place, outside quoted strings):
 * RFC 8601 allows "dkim = pass", and a result is read as one word. */
static void
squeeze(char *s)
{
	size_t	i, k = 0, j;
	bool	quoted = false;

	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] == '"')
			quoted = !quoted;
		if (!quoted && s[i] == ' ') {
			for (j = i; s[j] == ' '; j++)
				;
			if (s[j] == '=' || (k > 0 && s[k - 1] == '=')) {
				i = j - 1;
				continue;
			}
		}
		s[k++] = s[i];
	}
	s[k] = '\0';
}

/* The next word (up to a space) of p (n bytes) from *i. */
static bool
next_word(const char *p, size_t n, size_t *i, const char **w, size_t *wn)
{
	bool quoted = false;

	while (*i < n && p[*i] == ' ')
		(*i)++;
	if (*i >= n)
		return false;
	*w = p + *i;
	for (; *i < n && (quoted || p[*i] != ' '); (*i)++)
		if (p[*i] == '"')
			quoted = !quoted;
	*wn = (size_t)(p + *i - *w);
	return true;
}

/* Whether domain d (n bytes, maybe after an '@', maybe quoted) is
 * from's domain, a parent or a subdomain of it. */
static bool
aligned(const char *d, size_t n, const char *from)
{
	const char	*at, *fd;
	size_t		 fn, i;

	if (from == NULL || (at = strrchr(from, '@')) == NULL)
		return false;
	if (n >= 2 && d[0] == '"' && d[n - 1] == '"') {
		d++;
		n -= 2;
	}
	for (i = n; i > 0; i--)
		if (d[i - 1] == '@') {
			d += i;
			n -= i;
			break;
		}
	fd = at + 1;
	fn = strlen(fd);
	if (n == 0 || fn == 0)
		return false;
	if (n == fn)
		return ieq(d, n, fd);
	if (n < fn)	/* d a parent of the From domain */
		return fd[fn - n - 1] == '.' && ieq(fd + fn - n, n, d) &&
		    memchr(d, '.', n) != NULL;
	return d[n - fn - 1] == '.' && tix_str_ieq(d + n - fn, fn, fd);
}

/* One "method=result prop=value ..." piece. */
static void
result(const char *p, size_t n, const char *from, struct tally *t)
{
	const char	*w, *eq, *slash;
	size_t		 wn, i = 0, mn;
	const char	*res;
	size_t		 rn;
	bool		 is_dkim, is_spf, is_dmarc, pass;
	bool		 ok = false;

	if (!next_word(p, n, &i, &w, &wn))
		return;
	eq = memchr(w, '=', wn);
	if (eq == NULL)
		return;
	mn = (size_t)(eq - w);
	slash = memchr(w, '/', mn);
	if (slash != NULL)
		mn = (size_t)(slash - w);
	res = eq + 1;
	rn = wn - (size_t)(res - w);
	is_dkim = ieq(w, mn, "dkim");
	is_spf = ieq(w, mn, "spf");
	is_dmarc = ieq(w, mn, "dmarc");
	pass = ieq(res, rn, "pass");
	if (is_dmarc) {
		if (ieq(res, rn, "fail"))
			t->dmarc_fail = true;
		else if (pass)
			t->dmarc_pass = true;
		return;
	}
	if (!is_dkim && !is_spf)
		return;
	t->any_method = true;
	if (!pass)
		return;
	while (next_word(p, n, &i, &w, &wn)) {
		eq = memchr(w, '=', wn);
		if (eq == NULL)
			continue;
		mn = (size_t)(eq - w);
		if ((is_dkim && (ieq(w, mn, "header.d") ||
		    ieq(w, mn, "header.i"))) ||
		    (is_spf && ieq(w, mn, "smtp.mailfrom")))
			ok = ok || aligned(eq + 1, wn - mn - 1, from);
	}
	if (ok && is_dkim)
		t->dkim_pass = true;
	if (ok && is_spf)
		t->spf_pass = true;
}

static void
field(const char *line, size_t n, const char *id, const char *from,
    struct tally *t, char *buf)
{
	const char	*w;
	size_t		 len, i, start = 0, k, wn;
	bool		 quoted = false, first = true;

	plain(line, n, buf);
	squeeze(buf);
	len = strlen(buf);
	for (i = 0; i <= len; i++) {
		/* NOLINTNEXTLINE: plain() wrote len bytes and a NUL */
		if (i < len && buf[i] == '"')
			quoted = !quoted;
		if (i < len && (quoted || buf[i] != ';'))
			continue;
		if (first) {
			k = 0;
			if (!next_word(buf, i, &k, &w, &wn) || !ieq(w, wn, id))
				return;
			t->ours = true;
			first = false;
		} else
			result(buf + start, i - start, from, t);
		start = i + 1;
	}
}

enum tix_mail_auth
tix_mail_auth_verdict(const char *results, const char *authserv_id,
    const char *from, int *dmarc_failed)
{
	struct tally	 t;
	const char	*s = results, *e;
	char		 buf[8192];
	size_t		 n;

	memset(&t, 0, sizeof(t));
	*dmarc_failed = 0;
	while (s != NULL && *s != '\0') {
		e = strchr(s, '\n');
		n = e != NULL ? (size_t)(e - s) : strlen(s);
		/* A field longer than a sane one is not ours to read. */
		if (n < sizeof(buf))
			field(s, n, authserv_id, from, &t, buf);
		s = e != NULL ? e + 1 : NULL;
	}
	if (!t.ours)
		return TIX_MAIL_AUTH_MISSING;
	if (t.dmarc_fail) {
		*dmarc_failed = 1;
		return TIX_MAIL_AUTH_FAIL;
	}
	if (t.dmarc_pass || t.dkim_pass || t.spf_pass)
		return TIX_MAIL_AUTH_PASS;
	return t.any_method ? TIX_MAIL_AUTH_FAIL : TIX_MAIL_AUTH_NEUTRAL;
}
