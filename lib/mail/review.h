/*
 * review.h: the queue of mail kept for review (inbound_review), as
 * agents work through it: list it, turn a mail into a ticket of a
 * chosen customer, append it to a ticket as the requester's message, or
 * discard it.  Each action and the mail's removal from the queue commit
 * together; two agents acting on one mail at once: the second finds it
 * gone (TIX_ENOTFOUND).  Only agents and admins: TIX_EFORBIDDEN for
 * anyone else.
 */
#ifndef TIX_MAIL_REVIEW_H
#define TIX_MAIL_REVIEW_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "tickets/ticket.h"

struct tix_review_row {
	int64_t		 id;
	const char	*from;		/* NULL: no single sender */
	const char	*subject;
	const char	*received_at;	/* RFC 3339 */
	const char	*reason;
	const char	*preview;	/* the text's first 300 characters */
	int64_t		 attachment_count;
};

struct tix_review_page {
	struct tix_review_row	*rows;	/* in c->arena */
	size_t			 n;
	int64_t			 total;
};

/* Page page (from 1) of per_page rows, newest first. */
enum tix_err	tix_review_list(const struct tix_ctx *c, int64_t page,
		    int64_t per_page, struct tix_review_page *out);

/*
 * Open a ticket from mail id for the active customer requester_email,
 * as if that customer had mailed it: the created entry is theirs, via
 * email; subject, text and license key as for mail in
 * (tix_mail_ticket_fields); the usual notices.  TIX_ENOTFOUND: no such
 * mail; TIX_EINVAL: the address is not an active customer's.
 */
enum tix_err	tix_review_to_ticket(const struct tix_ctx *c, int64_t id,
		    const char *requester_email, struct tix_ticket_made *out);

/*
 * Add mail id to ticket number_text as a public message of the ticket's
 * requester, via email (quoted text trimmed; "(no text)" when none is
 * left); the lifecycle applies as for a customer's reply.
 * TIX_ENOTFOUND: no such mail; TIX_EINVAL: no such ticket (or its
 * requester is disabled); TIX_ECLOSED: the ticket is closed.
 */
enum tix_err	tix_review_append(const struct tix_ctx *c, int64_t id,
		    const char *number_text, int64_t *ticket_id,
		    int64_t *entry_id);

/* Remove mail id from the queue.  TIX_ENOTFOUND: no such mail. */
enum tix_err	tix_review_discard(const struct tix_ctx *c, int64_t id);

#endif
