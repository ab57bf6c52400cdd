/*
 * queue.h: notifications queued in the caller's transaction (the
 * transactional outbox, sql/005_outbox.sql).
 *
 * Each tix_outbox_* call writes the rows for one event, one per
 * recipient, with the subject and plain-text body composed now, from
 * the data of this moment, and a NOTIFY on channel "tix_outbox" that
 * PostgreSQL delivers at commit.  Nothing is sent here: tix-notify sends
 * the rows later (lib/mail), so a state change and its mails commit or
 * vanish together and no request waits for an SMTP server.
 *
 * Who gets what (docs/api.md, "E-mail"), each recipient only while
 * active and only with the matching preference on:
 *   received        the requester (always)
 *   reply           the requester (email_on_reply): an agent's public
 *                   reply, with its text and the ticket's link
 *   status          the requester (email_on_status): status changes,
 *                   resolution and closing
 *   assigned        the new assignee (email_on_assigned)
 *   new_ticket      the assignee, or every active agent when there is
 *                   none (always)
 *   customer_reply  the same agents (email_on_reply)
 *   sla_breach      the same agents (always)
 * SMS (sql/030), besides the mail, to a requester who opted in
 * (sms_enabled with an sms_number), whatever the mail preferences: an
 * agent's public reply, and the resolution.  An SMS names the ticket,
 * who acted and the link, never a subject or a message's text.
 * The user who acted never gets a notice of their own action (except
 * "received").  A customer never gets anything about an internal note:
 * a note that changes the status causes a status notice, without the
 * note's text.
 *
 * This module sits below lib/tickets (which calls it) and knows nothing
 * of it: tickets are ids, statuses are names.
 */
#ifndef TIX_OUTBOX_QUEUE_H
#define TIX_OUTBOX_QUEUE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"
#include "db/db.h"

/* The NOTIFY channel of new rows. */
#define TIX_OUTBOX_CHANNEL	"tix_outbox"

/* Who acts, in which transaction.  Strings are borrowed for the call. */
struct tix_outbox_ctx {
	struct tix_db		*db;
	struct tix_arena	*arena;
	int64_t			 actor_id;	/* 0: the system */
	const char		*actor_name;
	bool			 actor_is_staff;
};

/*
 * The base of the links in notices (TIX_PUBLIC_BASE_URL, without a
 * trailing slash), once per process before any call below.  Borrowed:
 * it must live as long as the process.  Without a call, links start
 * with "http://localhost".
 */
void		tix_outbox_init(const char *public_base_url);

/*
 * The events.  ticket_id is a ticket the caller has just changed (and
 * holds locked), in the transaction that is open.  Statuses are
 * tix_status_names entries.  Errors are the database's (tix_db_run);
 * on error the caller rolls the whole transaction back.
 */
enum tix_err	tix_outbox_created(struct tix_outbox_ctx o, int64_t ticket_id);
/* A message or note by the actor; from/to the status before and after
 * (equal when it did not change). */
enum tix_err	tix_outbox_message(struct tix_outbox_ctx o, int64_t ticket_id,
		    const char *body, bool internal, const char *from,
		    const char *to);
enum tix_err	tix_outbox_status(struct tix_outbox_ctx o, int64_t ticket_id,
		    const char *from, const char *to);
enum tix_err	tix_outbox_assigned(struct tix_outbox_ctx o,
		    int64_t ticket_id, int64_t assignee_id);
enum tix_err	tix_outbox_reopened(struct tix_outbox_ctx o,
		    int64_t ticket_id, const char *body, const char *from);
enum tix_err	tix_outbox_breach(struct tix_outbox_ctx o, int64_t ticket_id);

/*
 * The password reset mail to user_id (enabled), with the link
 * <base>/reset-password?token=<token> and the client address the
 * request came from.  A mail of no ticket: tix-notify sends it without
 * Reply-To or thread headers.
 */
enum tix_err	tix_outbox_password_reset(struct tix_db *db,
		    struct tix_arena *a, int64_t user_id, const char *token,
		    const char *address);

#endif
