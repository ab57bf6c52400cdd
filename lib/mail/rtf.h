/*
 * rtf.h: the text of an RTF document (the body Outlook keeps in a
 * winmail.dat as compressed RTF, mail/tnef.h).  Internal to lib/mail/;
 * pure: no I/O.
 *
 * What is read: the characters of the document; \par and \line as a
 * line end, \tab as a tab, \uN as that character (the \ucN fallback
 * characters after it skipped), \'hh as the windows-1252 character hh.
 * What is dropped: control words, groups that are no text (font,
 * colour and style tables, pictures, objects, headers, document
 * information, and every {\* ...} destination, among them the HTML
 * tags of an HTML body Outlook encapsulated), and the \htmlrtf parts
 * that only stand in for HTML.  Groups nest at most TIX_RTF_MAX_DEPTH
 * deep (deeper ones are read as their parent); work is linear in n.
 */
#ifndef TIX_MAIL_RTF_H
#define TIX_MAIL_RTF_H

#include <stddef.h>

#include "core/buf.h"
#include "core/err.h"

#define TIX_RTF_MAX_DEPTH	64

/*
 * The text of rtf (n bytes, borrowed) appended to out as UTF-8, as far
 * as out's maximum allows (cut at a character, not an error).
 * TIX_ENOMEM.
 */
enum tix_err	tix_mail_rtf_text(const char *rtf, size_t n,
		    struct tix_buf *out);

#endif
