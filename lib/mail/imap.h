/*
 * imap.h: reading a mailbox over IMAP with libcurl, for tix-mailin
 * --imap (docs/deploy.md, "A mailbox over IMAP").
 *
 * The mailbox is only ever read and flagged: messages are listed by
 * UID (UID SEARCH UNSEEN), fetched whole, and flagged \Seen once the
 * caller has recorded them.  A fetch must not mark a message \Seen by
 * itself (IMAP's FETCH BODY[] does, RFC 3501 6.4.5, and libcurl's URL
 * fetch sends exactly that): the mailbox is opened read-only with
 * EXAMINE before each fetch, so the \Seen flag is set by our STORE,
 * after the commit, and never earlier.  Only when libcurl had to
 * reconnect for the fetch itself (it SELECTs read-write on a new
 * connection) may the fetch have set it; the fetch says so, and the
 * caller takes the flag off again when the message was not recorded.
 *
 * Only TLS or loopback: imaps://, imap:// to a loopback address
 * (127.0.0.0/8, ::1, localhost), or imap:// elsewhere with STARTTLS
 * required (the connection fails rather than go on in plain text).
 * Certificates are verified.  No proxy is ever used, every wait is
 * bounded, and a connection that failed in any way is dropped, so the
 * next call starts on a fresh one (this is how a dropped connection or
 * a restarted server is recovered from).
 */
#ifndef TIX_MAIL_IMAP_H
#define TIX_MAIL_IMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"

/* Messages listed in one call: the rest wait for the next. */
#define TIX_IMAP_BATCH		100

struct tix_imap;

/* One message waiting in the mailbox. */
struct tix_imap_msg {
	uint32_t	 uid;
	uint64_t	 size;		/* RFC822.SIZE, 0 when not told */
};

/* What a message is flagged with after the caller decided on it. */
enum tix_imap_mark {
	TIX_IMAP_TAKEN,		/* +\Seen: recorded */
	TIX_IMAP_REFUSED,	/* +\Seen \Flagged: can never be taken */
	TIX_IMAP_UNTAKEN	/* -\Seen: not recorded, try again later */
};

/*
 * A reader of the mailbox at url: imap[s]://host[:port][/MAILBOX]
 * (INBOX when no mailbox is named; the name printable ASCII), logging
 * in as user with password (both copied; the password is wiped when
 * freed).  No user name or password in the URL itself, no query.
 * Nothing is connected yet.  TIX_EINVAL, with the reason in err (errcap
 * bytes), for a URL refused by the rules above; TIX_ENOMEM,
 * TIX_EINTERNAL (libcurl failed to start).  Release with
 * tix_imap_free(), which accepts NULL.
 */
enum tix_err	tix_imap_new(const char *url, const char *user,
		    const char *password, struct tix_imap **out, char *err,
		    size_t errcap);
void		tix_imap_free(struct tix_imap *im);

/*
 * The unseen messages, oldest UID first, at most cap of them, with
 * their sizes: msgs gets *n entries.  TIX_EUNAVAIL when the server
 * cannot be reached or answers otherwise than expected, with a one-line
 * reason in err.
 */
enum tix_err	tix_imap_unseen(struct tix_imap *im, struct tix_imap_msg *msgs,
		    size_t cap, size_t *n, char *err, size_t errcap);

/*
 * The whole message uid into out (cleared first; its maximum, set by
 * the caller, is the largest message taken).  *seen_early tells whether
 * the fetch may have set \Seen (a new connection: see above).
 * TIX_ETOOBIG past out's maximum (the connection is dropped: the
 * message is not read to its end); TIX_ENOTFOUND when the server sent
 * nothing: no such message (expunged meanwhile) or an empty one;
 * TIX_EUNAVAIL as above.
 */
enum tix_err	tix_imap_fetch(struct tix_imap *im, uint32_t uid,
		    struct tix_buf *out, bool *seen_early, char *err,
		    size_t errcap);

/* Flag message uid as how says.  TIX_EUNAVAIL as above. */
enum tix_err	tix_imap_mark(struct tix_imap *im, uint32_t uid,
		    enum tix_imap_mark how, char *err, size_t errcap);

#endif
