/*
 * tnef.h: the files and the body inside an Outlook winmail.dat (TNEF,
 * application/ms-tnef), read with libytnef.  Internal to lib/mail/
 * (parse.c); lib/mail/tnef.c is the only file that includes libytnef.
 */
#ifndef TIX_MAIL_TNEF_H
#define TIX_MAIL_TNEF_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"
#include "core/err.h"

/* One file of the stream: its name as stored (8-bit, in the sender's
 * code page, not NUL-terminated) and its bytes, both borrowed until
 * the callback returns. */
typedef enum tix_err (*tix_tnef_file_cb)(void *arg, const char *name,
    size_t name_len, const unsigned char *data, size_t len);

/* The compressed RTF body decompressed at most: a message's text is
 * TIX_MAX_MAIL_TEXT, and RTF markup needs room around it. */
#define TIX_TNEF_RTF_MAX	(4 * 1024 * 1024)

/*
 * Call cb for each attachment of the TNEF stream p (n bytes, borrowed)
 * that has content, in order, at most max times.  *readable false when
 * p is no TNEF stream libytnef can read (then cb was not called).
 * When text is not NULL, the body the stream carries is appended to it
 * (as far as its maximum allows), in UTF-8 but not yet cleaned: the
 * first of PR_BODY (Unicode or 8-bit), the TNEF body attribute
 * (attBody), and the compressed RTF (PR_RTF_COMPRESSED, at most
 * TIX_TNEF_RTF_MAX bytes decompressed, mail/rtf.h); 8-bit text in the
 * stream's code page (windows-1252 when it names none iconv knows).
 * Returns what cb returned when not TIX_OK, TIX_ENOMEM.
 */
enum tix_err	tix_mail_tnef(const void *p, size_t n, size_t max,
		    tix_tnef_file_cb cb, void *arg, bool *readable,
		    struct tix_buf *text);

#endif
