/*
 * imap_parse.h: reading the untagged answers of an IMAP server (RFC
 * 3501 7), for lib/mail/imap.c; internal to lib/mail/ and its tests.
 * Pure: no I/O, no allocation.
 *
 * The answer is whatever libcurl handed over for one command, possibly
 * cut short at its maximum: lines ending in CRLF (or LF), a line ending
 * in a literal's announcement "{n}" (or "{n+}", RFC 7888) followed by
 * n bytes that are data, never lines of their own, and text after them
 * that belongs to the same response.  Keywords are compared without
 * regard to case.  Nothing else is read: status lines (OK, NO, BAD,
 * BYE), other responses and garbage are passed over.
 */
#ifndef TIX_MAIL_IMAP_PARSE_H
#define TIX_MAIL_IMAP_PARSE_H

#include <stddef.h>

#include "mail/imap.h"

/*
 * The UIDs of the "* SEARCH n n ..." responses of p (len bytes), into
 * msgs (size 0), sorted, without repeats, at most cap of them: their
 * count.  A UID is 1 to 2^32-1; a line stops at the first word that is
 * none.  A line cut short (the end of p) loses its last, perhaps
 * partial, number.
 */
size_t	tix_imap_parse_search(const char *p, size_t len,
	    struct tix_imap_msg *msgs, size_t cap);

/*
 * The sizes of the "* n FETCH (... UID u ... RFC822.SIZE s ...)"
 * responses of p (len bytes) into the entries of msgs[0..n) with UID u;
 * the others keep theirs.  A response cut short (the end of p) tells
 * nothing.
 */
void	tix_imap_parse_sizes(const char *p, size_t len,
	    struct tix_imap_msg *msgs, size_t n);

#endif
