/*
 * words.h: the pieces of mail reading below parse.c, shared with it:
 * bytes of a declared charset to UTF-8 (GMime's iconv filter), RFC 2047
 * encoded words, text made safe for its use, the single address of a
 * From field.  Internal to lib/mail/; parse.h is the interface.
 */
#ifndef TIX_MAIL_WORDS_H
#define TIX_MAIL_WORDS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"

/* A space or a tab: white space within a header line. */
static inline bool
tix_mail_is_ws(char c)
{
	return c == ' ' || c == '\t';
}

/* ASCII lower case, whatever the locale. */
static inline char
tix_mail_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* GMime's one-time set-up (g_mime_init); idempotent. */
void		tix_mail_gmime_init(void);

/*
 * n bytes of p in charset cs (as a mail declares it; GMime knows the
 * aliases) appended to out as UTF-8; bytes that are not of the charset
 * are dropped.  False when iconv knows no such charset (out unchanged).
 * TIX_ETOOBIG and TIX_ENOMEM through *rc.
 */
bool		tix_mail_to_utf8(const char *cs, const char *p, size_t n,
		    struct tix_buf *out, enum tix_err *rc);

/*
 * s (n bytes) as valid UTF-8 in a: invalid bytes become U+FFFD.
 * one_line: every control character a space, runs of white space one
 * space, trimmed.  Otherwise CRLF and lone CR become LF, tab and LF
 * stay, other control characters go.  At most max bytes (cut at a
 * character); *len (may be NULL) the length.  NULL on ENOMEM.
 */
char		*tix_mail_clean(struct tix_arena *a, const char *s, size_t n,
		    bool one_line, size_t max, size_t *len);

/*
 * The single address of an address-list value, lower-cased, or NULL:
 * comments and quoted display names are skipped; more than one mailbox,
 * none, or one that tix_mail_address_ok refuses gives NULL.
 */
char		*tix_mail_single_address(struct tix_arena *a, const char *v);

#endif
