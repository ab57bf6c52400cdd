/*
 * sniff.c: file types by name and by content (sniff.h).
 */
#include <string.h>

#include "core/str.h"
#include "files/sniff.h"

static const struct {
	const char	*ext;
	enum tix_ftype	 type;
} exts[] = {
	{ "png", TIX_FT_PNG }, { "jpg", TIX_FT_JPEG }, { "jpeg", TIX_FT_JPEG },
	{ "gif", TIX_FT_GIF }, { "pdf", TIX_FT_PDF }, { "txt", TIX_FT_TEXT },
	{ "log", TIX_FT_TEXT }, { "json", TIX_FT_TEXT },
	{ "xml", TIX_FT_TEXT }, { "yml", TIX_FT_TEXT },
	{ "yaml", TIX_FT_TEXT },
};

/* Executables, whatever they are called.  "MZ" (PE) is two letters a
 * text may well begin with, so text relies on the NUL rule for it. */
static const struct {
	const char	*magic;
	size_t		 len;
	bool		 also_text;
} executables[] = {
	{ "MZ", 2, false },
	{ "\x7f" "ELF", 4, true },
	{ "\xfe\xed\xfa\xce", 4, true }, { "\xce\xfa\xed\xfe", 4, true },
	{ "\xfe\xed\xfa\xcf", 4, true }, { "\xcf\xfa\xed\xfe", 4, true },
	{ "\xca\xfe\xba\xbe", 4, true },	/* universal binary */
};

enum tix_ftype
tix_sniff_by_name(const char *name, size_t n)
{
	const char	*dot = NULL;
	size_t		 i;

	for (i = 0; i < n; i++)
		if (name[i] == '.')
			dot = name + i;
	if (dot == NULL || dot == name)
		return TIX_FT_NONE;	/* no extension, or ".png" alone */
	dot++;
	for (i = 0; i < sizeof(exts) / sizeof(exts[0]); i++)
		if (tix_str_ieq(dot, (size_t)(name + n - dot), exts[i].ext))
			return exts[i].type;
	return TIX_FT_NONE;
}

const char *
tix_ftype_mime(enum tix_ftype t)
{
	switch (t) {
	case TIX_FT_PNG: return "image/png";
	case TIX_FT_JPEG: return "image/jpeg";
	case TIX_FT_GIF: return "image/gif";
	case TIX_FT_PDF: return "application/pdf";
	case TIX_FT_TEXT: return "text/plain; charset=utf-8";
	default: return "application/octet-stream";
	}
}

void
tix_sniff_init(struct tix_sniff *s, enum tix_ftype t)
{
	memset(s, 0, sizeof(*s));
	s->type = t;
	s->bad = t == TIX_FT_NONE;
}

static bool
starts(const struct tix_sniff *s, const char *magic, size_t n)
{
	return s->head_len >= n && memcmp(s->head, magic, n) == 0;
}

/* The signature checks, on the first TIX_SNIFF_HEAD bytes (or fewer
 * when the file is shorter). */
static bool
head_matches(const struct tix_sniff *s)
{
	size_t i;

	for (i = 0; i < sizeof(executables) / sizeof(executables[0]); i++)
		if ((s->type != TIX_FT_TEXT || executables[i].also_text) &&
		    starts(s, executables[i].magic, executables[i].len))
			return false;
	switch (s->type) {
	case TIX_FT_PNG:
		return starts(s, "\x89PNG\r\n\x1a\n", 8);
	case TIX_FT_JPEG:
		return starts(s, "\xff\xd8\xff", 3);
	case TIX_FT_GIF:
		return starts(s, "GIF87a", 6) || starts(s, "GIF89a", 6);
	case TIX_FT_PDF:
		return starts(s, "%PDF-", 5);
	case TIX_FT_TEXT:
		return true;
	default:
		return false;
	}
}

/* One step of UTF-8 validation (RFC 3629 table 3.7 of Unicode). */
static bool
utf8_byte(struct tix_sniff *s, unsigned char c)
{
	if (s->need > 0) {
		if (c < s->lo || c > s->hi)
			return false;
		s->need--;
		s->lo = 0x80;
		s->hi = 0xbf;
		return true;
	}
	if (c < 0x80)
		return c != 0;
	s->lo = 0x80;
	s->hi = 0xbf;
	if (c >= 0xc2 && c <= 0xdf)
		s->need = 1;
	else if (c >= 0xe0 && c <= 0xef) {
		s->need = 2;
		if (c == 0xe0)
			s->lo = 0xa0;		/* no overlong forms */
		else if (c == 0xed)
			s->hi = 0x9f;		/* no surrogates */
	} else if (c >= 0xf0 && c <= 0xf4) {
		s->need = 3;
		if (c == 0xf0)
			s->lo = 0x90;
		else if (c == 0xf4)
			s->hi = 0x8f;	/* nothing above U+10FFFF */
	} else
		return false;
	return true;
}

enum tix_err
tix_sniff_feed(struct tix_sniff *s, const void *p, size_t n)
{
	const unsigned char	*b = p;
	size_t			 i, take;

	if (s->bad)
		return TIX_EFILETYPE;
	if (!s->head_ok) {
		take = TIX_SNIFF_HEAD - s->head_len;
		if (take > n)
			take = n;
		memcpy(s->head + s->head_len, b, take);
		s->head_len += take;
		if (s->head_len == TIX_SNIFF_HEAD) {
			s->head_ok = true;
			s->bad = !head_matches(s);
		}
	}
	if (s->type == TIX_FT_TEXT)
		for (i = 0; i < n && !s->bad; i++)
			s->bad = !utf8_byte(s, b[i]);
	return s->bad ? TIX_EFILETYPE : TIX_OK;
}

enum tix_err
tix_sniff_finish(struct tix_sniff *s)
{
	if (!s->bad && !s->head_ok) {
		s->head_ok = true;
		s->bad = !head_matches(s);
	}
	if (s->type == TIX_FT_TEXT && s->need > 0)
		s->bad = true;
	return s->bad ? TIX_EFILETYPE : TIX_OK;
}
