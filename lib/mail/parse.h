/*
 * parse.h: reading one incoming RFC 5322 message.  Pure: no I/O, no
 * database; everything it returns is allocated from the caller's arena.
 *
 * The MIME structure is GMime 3's (lib/mail/parse.c; GMime is included
 * by lib/mail/ only): headers, multipart/..., transfer encodings,
 * RFC 2231 parameters, charsets through iconv.  What is read:
 *   - the header section (RFC 5322 2.2): at most TIX_MAX_MAIL_HEADERS
 *     fields in at most TIX_MAX_MAIL_HEADER_BYTES;
 *   - the Subject with RFC 2047 encoded words decoded in any charset
 *     iconv knows (ISO-2022-JP, Shift_JIS, KOI8-R, GB18030,
 *     windows-1251, ISO-8859-*, ...; an unknown one is kept when it is
 *     valid UTF-8), made one line of UTF-8 without control characters;
 *   - the From address, Message-ID, In-Reply-To, References,
 *     Auto-Submitted, Precedence, Return-Path, every X-Loop, every
 *     Authentication-Results and every To, Cc and Delivered-To;
 *   - the text: the first text/plain part that is not a file (no
 *     "attachment" disposition, no file name) of multipart/... entities
 *     nested at most TIX_MAX_MAIL_DEPTH deep and TIX_MAX_MAIL_PARTS
 *     parts in all; without one, the first such text/html part as text
 *     (mail/html.h); when neither has more than white space, the body
 *     of the first winmail.dat (mail/tnef.h).  In its declared charset,
 *     made valid UTF-8 with LF line ends, no other control characters
 *     than tab and LF; then the texts of the forwarded messages, each
 *     under a "---------- Forwarded message ----------" line and its
 *     From, Date and Subject; at most TIX_MAX_MAIL_TEXT bytes in all;
 *   - the files: every other part with a file name, an "attachment"
 *     disposition or a Content-ID (an inline image of an HTML mail),
 *     decoded; a winmail.dat (application/ms-tnef) as the files inside
 *     it (mail/tnef.h); a forwarded message (message/rfc822) unpacked:
 *     its files are the mail's (at most TIX_MAX_MAIL_FORWARDS of them,
 *     each a level of nesting).  Signatures
 *     (application/pgp-signature, pkcs7-signature) are no files.  At
 *     most TIX_MAX_MAIL_PARTS files.  Which are taken is ingest's
 *     decision (the file rules), not the parser's.
 * Parts past the limits are skipped, never an error: the message is
 * still read, without them.
 */
#ifndef TIX_MAIL_PARSE_H
#define TIX_MAIL_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"

/* The header section: a legitimate one is a few KiB; long Received
 * chains and DKIM signatures stay far below this. */
#define TIX_MAX_MAIL_HEADER_BYTES	(256 * 1024)
/* Header fields of one entity. */
#define TIX_MAX_MAIL_HEADERS		1000
/* multipart/... nesting (the message itself is depth 0) and parts looked
 * at in all: real mail nests 3 deep (mixed > alternative > related). */
#define TIX_MAX_MAIL_DEPTH		5
#define TIX_MAX_MAIL_PARTS		100
/* Forwarded messages (message/rfc822) unpacked, nested ones included:
 * a forward of a forward of a forward is rare; a hundred is a bomb. */
#define TIX_MAX_MAIL_FORWARDS		10
/* Decoded text kept from the body: the ticket keeps 20,000 characters;
 * this leaves room for the quoted text that is trimmed away. */
#define TIX_MAX_MAIL_TEXT		(1024 * 1024)
/* A Message-ID we record (RFC 5322 allows a line of 998). */
#define TIX_MAX_MAIL_ID			250

/* A file of a message: a part, or a file inside a winmail.dat. */
struct tix_mail_file {
	/* The name the mail gives it, decoded (RFC 2231, RFC 2047), valid
	 * UTF-8 but not yet cleaned (files/name.h); when it gives none,
	 * one made of the part's number and type ("image-2.png"). */
	const char		*name;
	const unsigned char	*data;		/* decoded; in the arena */
	size_t			 len;
};

struct tix_mail_in {
	/* The one address of From:, lower-cased; NULL when there is none,
	 * it is empty ("<>") or From names more than one. */
	const char	*from;
	/* Decoded, one line, trimmed; "" when absent. */
	const char	*subject;
	/* The id between the angle brackets; NULL when absent or invalid
	 * (not printable ASCII, or longer than TIX_MAX_MAIL_ID). */
	const char	*message_id;
	/* Raw (unfolded) values; "" when absent. */
	const char	*in_reply_to;
	const char	*references;
	const char	*auto_submitted;
	const char	*precedence;
	const char	*return_path;
	/* Every X-Loop value; every To, Cc and Delivered-To value; each
	 * value on a line of its own. */
	const char	*x_loop;
	const char	*recipients;
	/* Every Authentication-Results value (RFC 8601), top first, each
	 * on a line of its own (see mail/auth.h). */
	const char	*auth_results;
	/* The text (see above); "" when the message has none. */
	const char	*text;
	size_t		 text_len;
	bool		 has_text;	/* a text part was found */
	bool		 text_from_html;	/* ... and it was text/html */
	/* The files, in the order of the message. */
	const struct tix_mail_file *files;
	size_t		 nfiles;
};

/*
 * Parse msg (len bytes, borrowed, need not be NUL-terminated) into out.
 * TIX_ETOOBIG when the header section passes its limits; TIX_EBADREQ
 * when a field that must be single (From, Subject, Message-ID,
 * In-Reply-To) occurs more than once, which is how a forged second
 * header would be smuggled; TIX_EINVAL when there is no header field at
 * all (empty input, or text that is not a message); TIX_ENOMEM.  On
 * error out is zeroed.
 */
enum tix_err	tix_mail_parse(struct tix_arena *a, const char *msg,
		    size_t len, struct tix_mail_in *out);

/*
 * Decode the RFC 2047 encoded words of an unstructured header value
 * (n bytes) into one line of valid UTF-8 with every control character a
 * space, runs of white space one space, trimmed.  NULL on ENOMEM.
 */
char		*tix_mail_decode_header(struct tix_arena *a, const char *s,
		    size_t n);

/*
 * The reply with what follows it cut: from the first line that is
 * exactly "-- " (a signature) or that begins with "On " and ends with
 * "wrote:" (an attribution), and every line that begins with '>'.
 * Trailing blank lines and white space go too.  text is valid UTF-8;
 * the result is in a.  NULL on ENOMEM.
 */
char		*tix_mail_trim_quoted(struct tix_arena *a, const char *text);

/*
 * Find, among the addresses in list (as tix_mail_in.recipients), one of
 * the form local+TICK-n.uid.mac@domain (a reply address,
 * crypto/replymac.h), with local and domain those of support (compared
 * without regard to case).  *number gets n, *user_id uid, mac (cap
 * bytes) the MAC as written (not checked).  False when there is none.
 */
bool		tix_mail_find_tag(const char *list, const char *support,
		    int64_t *number, int64_t *user_id, char *mac, size_t cap);

/*
 * The next message id in list (In-Reply-To or References) from *pos,
 * copied into id (cap bytes) without the angle brackets; *pos moves
 * past it.  False when there is no more.
 */
bool		tix_mail_next_id(const char *list, size_t *pos, char *id,
		    size_t cap);

/*
 * What a message id of ours names: "TICK-n@domain" (the thread) gives
 * n and *outbox_id 0; "k.TICK-n@domain" (a notification) gives n and
 * k.  domain must be support's.  False for any other id.
 */
bool		tix_mail_our_id(const char *id, const char *support,
		    int64_t *number, int64_t *outbox_id);

/* The n of the first "[TICK-n]" in subject; false when there is none. */
bool		tix_mail_subject_tag(const char *subject, int64_t *number);

/* Whether addr's local part is MAILER-DAEMON or postmaster. */
bool		tix_mail_is_daemon(const char *addr);

#endif
