/*
 * mail.h: outgoing mail.  compose.c writes an RFC 5322 message (pure, no
 * I/O); send.c hands it to an SMTP server with libcurl, or drop.c writes
 * it to a directory as an .eml file.  lib/mail/ is the only place that
 * includes <curl/curl.h>.
 *
 * Header injection cannot happen: every header value is either checked
 * to hold only printable ASCII without CR or LF (addresses, tokens,
 * ids) or, for the subject, RFC 2047-encoded as a whole when it is not
 * plain ASCII.  A value that fails a check makes the message TIX_EINVAL,
 * never a header with a line break in it.
 */
#ifndef TIX_MAIL_MAIL_H
#define TIX_MAIL_MAIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "core/buf.h"
#include "core/err.h"

/* The largest message we compose (a 20,000-character body in
 * quoted-printable is at most about 3 times as large). */
#define TIX_MAIL_MAX		(256 * 1024)

/* One notification: a row of the outbox.  Strings are borrowed. */
struct tix_mail {
	int64_t		 id;		/* outbox id: the Message-ID */
	int64_t		 ticket_number;	/* 1001 for TICK-1001; 0: none */
	const char	*from;		/* the support address */
	const char	*to;		/* the recipient's address */
	const char	*subject;	/* UTF-8, one line */
	const char	*body;		/* UTF-8 text, any line ends */
	int64_t		 recipient_id;	/* the user the mail is for */
	/* tix_reply_mac(ticket, recipient); NULL for a mail of no ticket */
	const char	*reply_mac;
	time_t		 date;
};

/*
 * Write m as a complete message (headers, blank line, body; CRLF line
 * ends) into out, which the caller initialised with a maximum (use
 * TIX_MAIL_MAX).  Headers:
 *   Date, From, To, Subject (RFC 2047 B-encoded in words of whole
 *   characters when it is not printable ASCII; folded),
 *   Message-ID <id.TICK-n@domain>  (stable per outbox row),
 *   In-Reply-To and References <TICK-n@domain> (the ticket's thread),
 *   Reply-To local+TICK-n.recipient_id.reply_mac@domain (the
 *   recipient's own reply address, crypto/replymac.h),
 *   (a mail of no ticket, ticket_number 0 and reply_mac NULL, has
 *   Message-ID <id.account@domain> and no thread headers or Reply-To),
 *   Auto-Submitted: auto-generated, X-Loop: <from>,
 *   MIME-Version, Content-Type text/plain; charset=utf-8,
 *   Content-Transfer-Encoding: quoted-printable.
 * In the body every license key is masked but for its last group
 * (tix_license_keys_mask): "*****-*****-*****-12345".
 * domain is the part of from after "@".  TIX_EINVAL when an address,
 * the MAC or the subject holds what a header may not (CR, LF, other
 * control characters, invalid UTF-8); TIX_ETOOBIG past out's maximum.
 * On error out holds a partial message: clear it.
 */
enum tix_err	tix_mail_compose(const struct tix_mail *m, struct tix_buf *out);

/* Whether s is an address we put in a header or an SMTP command:
 * printable ASCII, local@domain, no spaces, quotes, angle brackets,
 * commas or semicolons, at most 254 bytes. */
int		tix_mail_address_ok(const char *s);

/* What became of a message handed to the SMTP server. */
enum tix_mail_result {
	TIX_MAIL_SENT,		/* accepted (250) */
	TIX_MAIL_RETRY,		/* 4xx, no connection, timeout: try later */
	TIX_MAIL_FAILED		/* 5xx: the server refused it for good */
};

struct tix_mailer;

/*
 * A sender for smtp_url (smtp://host:port or smtps://...; copied;
 * user:password@ logs in, and in an smtp:// URL to another machine
 * makes STARTTLS required, so the password is never sent in clear).  One
 * per process; it keeps its connection between messages.  Release with
 * tix_mailer_free(), which accepts NULL.  TIX_ENOMEM or TIX_EINTERNAL
 * (libcurl failed to start).
 */
enum tix_err	tix_mailer_new(const char *smtp_url, struct tix_mailer **out);
void		tix_mailer_free(struct tix_mailer *m);

/*
 * Send msg (len bytes, as tix_mail_compose wrote it) from `from` to
 * `to` (the envelope: both checked with tix_mail_address_ok).  Bounded
 * in time: 10 s to connect, 60 s in all, and a server that sends
 * nothing for 20 s is given up on.  err (errcap bytes) gets a one-line
 * reason for anything but TIX_MAIL_SENT.
 */
enum tix_mail_result tix_mail_send(struct tix_mailer *m, const char *from,
		    const char *to, const char *msg, size_t len, char *err,
		    size_t errcap);

/*
 * Instead of sending: write msg (len bytes) into directory dir (made,
 * 0700, when missing) as "<id, 12 digits>-TICK-<number>.<ext>" (ext
 * "eml" for a mail, "sms" for the text of an SMS), 0600,
 * atomically (a temporary file renamed), replacing the file of an
 * earlier try of the same row.  path_out (path_cap bytes) gets the
 * file's path.  TIX_MAIL_SENT when written; TIX_MAIL_RETRY when the
 * directory cannot be made or written (full disk, permissions), with err
 * set; TIX_MAIL_FAILED for a path too long.
 */
enum tix_mail_result tix_mail_drop(const char *dir, int64_t id,
		    int64_t number, const char *ext, const char *msg, size_t len,
		    char *path_out, size_t path_cap, char *err, size_t errcap);

/*
 * The same for a batch of messages, made durable together (drop.c):
 * tix_drop_batch_new makes one for up to cap files in dir (copied;
 * TIX_EINVAL for a dir too long; free with tix_drop_batch_free, which
 * accepts NULL).  tix_drop_batch_add writes a message under its
 * temporary name (results as tix_mail_drop's, TIX_MAIL_RETRY when the
 * batch is full); none is in place until tix_drop_batch_flush, which
 * syncs every file, renames them all and syncs dir: TIX_MAIL_SENT when
 * every file added is durable under its name, else TIX_MAIL_RETRY for
 * them all (err set).  tix_drop_batch_path(b, i): the name of the i-th
 * file added (until tix_drop_batch_clear, which empties the batch and
 * removes the temporary files of one not flushed).
 */
struct tix_drop_batch;

enum tix_err	tix_drop_batch_new(const char *dir, size_t cap,
		    struct tix_drop_batch **out);
void		tix_drop_batch_free(struct tix_drop_batch *b);
enum tix_mail_result tix_drop_batch_add(struct tix_drop_batch *b, int64_t id,
		    int64_t number, const char *ext, const char *msg,
		    size_t len, char *err, size_t errcap);
enum tix_mail_result tix_drop_batch_flush(struct tix_drop_batch *b,
		    char *err, size_t errcap);
size_t		tix_drop_batch_count(const struct tix_drop_batch *b);
const char	*tix_drop_batch_path(const struct tix_drop_batch *b, size_t i);
void		tix_drop_batch_clear(struct tix_drop_batch *b);

/*
 * SMS through an HTTP gateway (sms.c): a POST to url of an
 * application/x-www-form-urlencoded body with the fields To (the
 * number, E.164), From (from) and Body (the text), with HTTP basic
 * authentication when user is set.  url must be https://, or http://
 * to a loopback address (the password goes in it).  All strings are
 * copied; the password is wiped when freed.  TIX_EINVAL for a URL
 * refused (err says why), TIX_ENOMEM, TIX_EINTERNAL.
 */
struct tix_smser;
enum tix_err	tix_sms_new(const char *url, const char *user,
		    const char *password, const char *from,
		    struct tix_smser **out, char *err, size_t errcap);
void		tix_sms_free(struct tix_smser *s);

/*
 * Send text to number.  Any 2xx answer is sent; 408, 429, 5xx, no
 * connection or a timeout is a retry; any other answer (a refused
 * number, bad credentials) a failure for good.  License keys in text
 * are masked as in mail.  Bounded in time as tix_mail_send.  err
 * (errcap bytes) gets a one-line reason for anything but TIX_MAIL_SENT.
 */
enum tix_mail_result tix_sms_send(struct tix_smser *s, const char *number,
		    const char *text, char *err, size_t errcap);

/*
 * Shared by the libcurl users (net.c).  tix_mail_curl_init: libcurl
 * started, once per process (TIX_EINTERNAL when it cannot be).
 * tix_mail_url_parts: url's scheme and host (as written: "127.0.0.1",
 * "[::1]", "example.com") into the buffers, and whether it holds a
 * password; false for no URL or parts too long.
 * tix_mail_host_loopback: whether such a host is this machine's
 * loopback (127.0.0.0/8, ::1, localhost).  tix_mail_wipe_free: free a
 * string after overwriting it (NULL is fine).
 */
enum tix_err	tix_mail_curl_init(void);
bool		tix_mail_url_parts(const char *url, char *scheme,
		    size_t scheme_cap, char *host, size_t host_cap,
		    bool *has_password);
bool		tix_mail_host_loopback(const char *host);
void		tix_mail_wipe_free(char *secret);

#endif
