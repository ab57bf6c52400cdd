/*
 * ingest.h: turning one parsed incoming message (mail/parse.h) into a
 * ticket, a reply, or a row for agents to review; tix-mailin's work.
 *
 * The rules (docs/api.md, "E-mail", "Mail in"), in order:
 *   1. A Message-ID decided on before for the same sender address (and
 *      the same outcome of the server's authentication check): nothing
 *      (TIX_INGEST_DUPLICATE).
 *   2. Auto-Submitted other than "no", Precedence bulk, junk or list, a
 *      From that is missing, empty or names more than one address, a
 *      mailer daemon (MAILER-DAEMON, postmaster, Return-Path <>), our
 *      own X-Loop: review, never a ticket or reply.
 *   3. With an authserv-id (TIX_MAIL_AUTHSERV_ID): a verdict of
 *      mail/auth.h that is FAIL or MISSING: review.
 *   4. A reply address support+TICK-n.uid.mac@domain in To, Cc or
 *      Delivered-To: the MAC must be right (crypto/replymac.h), From
 *      must be the address of user uid (active), who must be the
 *      ticket's requester or an agent, and In-Reply-To/References may
 *      name no other ticket; else review.
 *   5. Else our ids in In-Reply-To/References (<TICK-n@domain>,
 *      <k.TICK-n@domain> of outbox row k), or "[TICK-n]" in the
 *      subject: only when From is the ticket's requester.  An agent's
 *      address there is review: an agent's mail counts only through
 *      the agent's own reply address, since From alone proves nothing.
 *   6. No ticket named: an active customer's message opens a ticket;
 *      anyone else's is kept for review.
 *   A closed ticket is not reopened: review.  Quoted text and
 *   signatures are trimmed; a reply with nothing left is review, unless
 *   the mail has files: then its text is TIX_MAIL_NO_TEXT.
 * The files of a mail that becomes a ticket or a reply follow the file
 * rules of uploads (files/sniff.h: the type by the name, checked against
 * the content; at most the limits of tix_mail_ingest_file_limits) and
 * are stored like uploads, on the entry, in the same transaction.  A
 * file refused leaves the rest of the mail in: it is listed on the
 * entry with the reason (entry_refused_files).  The files of a mail
 * kept for review are not kept.
 * Everything happens in one transaction, through the domain functions
 * (lib/tickets), so the lifecycle and the outbox work as for the API;
 * the timeline's "via" is "email" and the actor the sender.
 *
 * What remains believed of From: alone is a customer writing on their
 * own ticket by its number or thread; with TIX_MAIL_AUTHSERV_ID the
 * mail server's DMARC, DKIM and SPF results stand behind that too.
 */
#ifndef TIX_MAIL_INGEST_H
#define TIX_MAIL_INGEST_H

#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"
#include "db/db.h"
#include "mail/parse.h"
#include "tickets/license.h"
#include "tickets/ticket.h"

/* Why a file by mail did not go onto its ticket, past the quotas of
 * uploads (files/store.h): listed in the entry's refused files. */
#define TIX_MAIL_REFUSED_TICKET_FULL	"the ticket holds at most 100 files"
#define TIX_MAIL_REFUSED_DAY_FULL \
	"more than a user may upload in a day (2 GiB)"

/* The text of a ticket or a reply from a mail that has none. */
#define TIX_MAIL_NO_TEXT	"(no text)"

enum tix_ingest_outcome {
	TIX_INGEST_TICKET,	/* a new ticket */
	TIX_INGEST_REPLY,	/* a message on a ticket */
	TIX_INGEST_REVIEW,	/* kept in inbound_review */
	TIX_INGEST_DUPLICATE	/* the Message-ID was seen before */
};

struct tix_ingest_result {
	enum tix_ingest_outcome	 outcome;
	int64_t			 number;	/* the ticket's, or 0 */
	const char		*reason;	/* for review: why */
};

/*
 * The file rules for files by mail: at most max_files files
 * (TIX_MAX_FILES) of at most max_file_bytes each (TIX_MAX_FILE_BYTES).
 * Until this is called, the defaults of core/limits.h.
 */
void		tix_mail_ingest_file_limits(int max_files, int max_file_bytes);

/*
 * Decide on m and record the decision, in a transaction of its own.
 * support is the support address (TIX_SUPPORT_ADDRESS), authserv_id
 * the mail server's id whose Authentication-Results count
 * (TIX_MAIL_AUTHSERV_ID; NULL: none).  The reply key must be loaded
 * (crypto/replymac.h), else every reply address is wrong.  Strings in out
 * are constants or in a.  TIX_EUNAVAIL when the database cannot be
 * reached (nothing was recorded: the MTA should retry); other errors as
 * tix_db_run.  A message the domain code refuses (a broken check) is
 * recorded for review instead, in a second transaction.
 */
enum tix_err	tix_mail_ingest(struct tix_db *db, struct tix_arena *a,
		    const char *support, const char *authserv_id,
		    const struct tix_mail_in *m, struct tix_ingest_result *out);

/*
 * The fields of a ticket opened from a mail: the subject cut to 200
 * characters ("(no subject)" when empty), the text without leading
 * blank lines and trailing white space cut to 20,000 ("(no text)"), the
 * first license key of subject or text (copied into key), category
 * general, priority normal.  Strings in a.  TIX_ENOMEM.
 */
enum tix_err	tix_mail_ticket_fields(struct tix_arena *a,
		    const char *subject, const char *text,
		    char key[TIX_LICENSE_KEY_LEN + 1],
		    struct tix_ticket_new *in);

/* The text of a reply by mail: quoted text and signature trimmed
 * (tix_mail_trim_quoted), cut to 20,000 characters; "" when nothing is
 * left.  NULL on ENOMEM. */
const char	*tix_mail_reply_text(struct tix_arena *a, const char *text);

/*
 * Record a message that could not be read (parse errors) for review,
 * with reason, under its Message-ID when known: same transaction rules.
 */
enum tix_err	tix_mail_ingest_unreadable(struct tix_db *db,
		    struct tix_arena *a, const char *reason,
		    struct tix_ingest_result *out);

#endif
