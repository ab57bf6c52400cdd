/*
 * html.h: the text of an HTML mail, for a mail that has no text/plain
 * part.  Internal to lib/mail/ (parse.c).
 *
 * libxml2's HTML parser reads the markup as browsers do (unclosed tags,
 * entities, comments); what is kept is the text: tags dropped, entities
 * decoded, the contents of script, style, head, title and template
 * gone, a line break for <br> and around block elements (p, div, li,
 * tr, headings, ...), white space collapsed as HTML renders it (kept
 * inside <pre>), the lines of a <blockquote> quoted with "> " as a
 * plain-text reply quotes them.  lib/mail/html.c is the only file that includes
 * libxml2.
 */
#ifndef TIX_MAIL_HTML_H
#define TIX_MAIL_HTML_H

#include <stddef.h>

#include "core/buf.h"
#include "core/err.h"

/*
 * The text of html (n bytes of UTF-8, borrowed) appended to out (its
 * maximum bounds the work: past it the rest is dropped, not an error).
 * TIX_ENOMEM.
 */
enum tix_err	tix_mail_html_text(const char *html, size_t n,
		    struct tix_buf *out);

#endif
