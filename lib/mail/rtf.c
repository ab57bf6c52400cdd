/*
 * rtf.c: the text of an RTF document (rtf.h).
 *
 * One pass over the bytes with a stack of group states: whether the
 * group is skipped, and its \uc count.  A skipped group is passed over
 * to its closing brace, whatever it holds.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "core/str.h"
#include "mail/rtf.h"

/* Destinations whose groups hold no text of the document. */
static const char *const skipped[] = {
	"fonttbl", "colortbl", "stylesheet", "info", "pict", "object",
	"header", "headerl", "headerr", "headerf", "footer", "footerl",
	"footerr", "footerf", "listtable", "listoverridetable", "rsidtbl",
	"generator", "xmlnstbl", "themedata", "colorschememapping",
	"datastore", "latentstyles", "filetbl", "revtbl", "pgdsctbl",
	"fldinst", "bkmkstart", "bkmkend", "mmathPr",
};

/* windows-1252's 0x80 to 0x9F (0: none); the rest is Latin-1. */
static const uint16_t cp1252[32] = {
	0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
	0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
	0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
	0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
};

struct group {
	bool	skip;
	int	uc;		/* fallback characters after \uN */
};

struct rtf {
	const char	*p, *end;
	struct tix_buf	*out;
	struct group	 st[TIX_RTF_MAX_DEPTH];
	size_t		 depth;		/* st[depth] is the current group */
	size_t		 deeper;	/* groups past the stack */
	bool		 htmlrtf;	/* inside \htmlrtf ... \htmlrtf0 */
	bool		 full;		/* out is at its maximum */
	int		 fallback;	/* characters still to skip */
};

static bool
is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool
skipping(const struct rtf *r)
{
	return r->st[r->depth].skip || r->htmlrtf;
}

/* Character c as UTF-8 into the text, unless skipped or full. */
static enum tix_err
put(struct rtf *r, uint32_t c)
{
	unsigned char	b[4];
	size_t		n;
	enum tix_err	rc;

	if (r->fallback > 0) {
		r->fallback--;
		return TIX_OK;
	}
	if (skipping(r) || r->full || c == 0 || (c >= 0xD800 && c < 0xE000))
		return TIX_OK;
	if (c < 0x80) {
		b[0] = (unsigned char)c;
		n = 1;
	} else if (c < 0x800) {
		b[0] = (unsigned char)(0xC0 | (c >> 6));
		b[1] = (unsigned char)(0x80 | (c & 0x3F));
		n = 2;
	} else {
		b[0] = (unsigned char)(0xE0 | (c >> 12));
		b[1] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
		b[2] = (unsigned char)(0x80 | (c & 0x3F));
		n = 3;
	}
	if (r->out->len + n > r->out->max) {
		r->full = true;
		return TIX_OK;
	}
	rc = tix_buf_add(r->out, b, n);
	return rc == TIX_ETOOBIG ? TIX_OK : rc;
}

static uint32_t
from_1252(unsigned char c)
{
	if (c >= 0x80 && c < 0xA0)
		return cp1252[c - 0x80] != 0 ? cp1252[c - 0x80] : '?';
	return c;
}

static void
open_group(struct rtf *r)
{
	if (r->depth + 1 >= TIX_RTF_MAX_DEPTH) {
		r->deeper++;
		return;
	}
	r->st[r->depth + 1] = r->st[r->depth];
	r->depth++;
}

static void
close_group(struct rtf *r)
{
	if (r->deeper > 0)
		r->deeper--;
	else if (r->depth > 0)
		r->depth--;
	r->fallback = 0;
}

/* The control word w (n letters) with its parameter, if any. */
static enum tix_err
control_word(struct rtf *r, const char *w, size_t n, bool has_param,
    long param)
{
	size_t i;

	for (i = 0; i < sizeof(skipped) / sizeof(skipped[0]); i++)
		if (strlen(skipped[i]) == n && memcmp(w, skipped[i], n) == 0) {
			r->st[r->depth].skip = true;
			return TIX_OK;
		}
	if (n == 7 && memcmp(w, "htmlrtf", 7) == 0) {
		r->htmlrtf = !has_param || param != 0;
		return TIX_OK;
	}
	if ((n == 3 && memcmp(w, "par", 3) == 0) ||
	    (n == 4 && memcmp(w, "line", 4) == 0))
		return put(r, '\n');
	if (n == 3 && memcmp(w, "tab", 3) == 0)
		return put(r, '\t');
	if (n == 2 && memcmp(w, "uc", 2) == 0 && has_param) {
		r->st[r->depth].uc = param >= 0 && param < 8 ? (int)param : 1;
		return TIX_OK;
	}
	if (n == 1 && w[0] == 'u' && has_param) {
		enum tix_err rc = put(r, (uint32_t)(param < 0 ? param + 65536 :
		    param) & 0xFFFF);

		r->fallback = r->st[r->depth].uc;
		return rc;
	}
	return TIX_OK;
}

/* After a backslash: a control word or symbol. */
static enum tix_err
control(struct rtf *r)
{
	const char	*w = r->p;
	size_t		 n;
	long		 param = 0;
	bool		 neg = false, has_param = false;
	int		 h, l, digits = 0;

	if (r->p == r->end)
		return TIX_OK;
	if (!is_alpha(*r->p)) {
		char c = *r->p++;

		switch (c) {
		case '\'':
			if (r->end - r->p < 2) {
				r->p = r->end;	/* cut short */
				return TIX_OK;
			}
			h = tix_hex_digit((unsigned char)r->p[0]);
			l = tix_hex_digit((unsigned char)r->p[1]);
			r->p += 2;
			return h < 0 || l < 0 ? TIX_OK :
			    put(r, from_1252((unsigned char)(h * 16 + l)));
		case '*':
			r->st[r->depth].skip = true;
			return TIX_OK;
		case '~':
			return put(r, ' ');
		case '_':
			return put(r, '-');
		case '\n':
		case '\r':
			return put(r, '\n');
		case '\\':
		case '{':
		case '}':
			return put(r, (unsigned char)c);
		default:
			return TIX_OK;	/* \- and other symbols */
		}
	}
	while (r->p < r->end && is_alpha(*r->p))
		r->p++;
	n = (size_t)(r->p - w);
	if (r->p < r->end && *r->p == '-') {
		neg = true;
		r->p++;
	}
	while (r->p < r->end && *r->p >= '0' && *r->p <= '9') {
		if (digits++ < 9)
			param = param * 10 + (*r->p - '0');
		has_param = true;
		r->p++;
	}
	if (neg)
		param = -param;
	if (r->p < r->end && *r->p == ' ')
		r->p++;		/* the delimiter belongs to the word */
	return control_word(r, w, n, has_param, param);
}

enum tix_err
tix_mail_rtf_text(const char *rtf, size_t n, struct tix_buf *out)
{
	struct rtf	r;
	enum tix_err	rc = TIX_OK;
	char		c;

	memset(&r, 0, sizeof(r));
	r.p = rtf;
	r.end = rtf + n;
	r.out = out;
	r.st[0].uc = 1;
	while (r.p < r.end && rc == TIX_OK && !r.full) {
		c = *r.p++;
		if (c == '{')
			open_group(&r);
		else if (c == '}')
			close_group(&r);
		else if (c == '\\')
			rc = control(&r);
		else if (c != '\r' && c != '\n')
			rc = put(&r, from_1252((unsigned char)c));
	}
	return rc;
}
