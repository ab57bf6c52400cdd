/*
 * mailin.h: what the two ways of tix-mailin share (tools/mailin.c for
 * --stdin, tools/mailin_imap.c for --imap): one message is taken by
 * the same function either way, with the same exit statuses.
 */
#ifndef TIX_TOOLS_MAILIN_H
#define TIX_TOOLS_MAILIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/config.h"

/* sysexits.h's, for the MTA (mailin.c's header says when). */
#define EX_OK		0
#define EX_USAGE	64
#define EX_DATAERR	65
#define EX_TEMPFAIL	75
#define EX_CONFIG	78

/*
 * Start the wall-clock limit of one message (TIX_MAIL_TIMEOUT_SECONDS):
 * when it passes, the process ends at once with 65 (still reading or
 * parsing: the message is at fault) or 75 (in the database).
 */
void	mailin_limit(const struct tix_config *cfg);

/*
 * Parse msg (len bytes, borrowed) and record a ticket, a reply or a
 * review row, in a transaction of its own.  Returns EX_OK, EX_DATAERR
 * or EX_TEMPFAIL.  The crypto keys and tix_outbox_init must be set up.
 */
int	mailin_take(const struct tix_config *cfg, const char *msg,
	    size_t len);

/*
 * tix-mailin --imap: poll the mailbox at url every interval seconds
 * (once: one pass) until SIGTERM or SIGINT.  Returns the exit status.
 */
int	mailin_imap(const struct tix_config *cfg, const char *url,
	    int64_t interval, bool once);

#endif
