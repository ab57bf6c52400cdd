/*
 * tnef.h: the files inside an Outlook winmail.dat (TNEF,
 * application/ms-tnef), read with libytnef.  Internal to lib/mail/
 * (parse.c); lib/mail/tnef.c is the only file that includes libytnef.
 */
#ifndef TIX_MAIL_TNEF_H
#define TIX_MAIL_TNEF_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"

/* One file of the stream: its name as stored (8-bit, in the sender's
 * code page, not NUL-terminated) and its bytes, both borrowed until
 * the callback returns. */
typedef enum tix_err (*tix_tnef_file_cb)(void *arg, const char *name,
    size_t name_len, const unsigned char *data, size_t len);

/*
 * Call cb for each attachment of the TNEF stream p (n bytes, borrowed)
 * that has content, in order, at most max times.  *readable false when
 * p is no TNEF stream libytnef can read (then cb was not called).
 * Returns what cb returned when not TIX_OK.
 */
enum tix_err	tix_mail_tnef(const void *p, size_t n, size_t max,
		    tix_tnef_file_cb cb, void *arg, bool *readable);

#endif
