/*
 * change.h: the ticket changes that are neither a create, a reply nor
 * an update (tickets/change.c): the entry that files sent on their own
 * hang off, and deleting a ticket.
 *
 * Both run in the caller's transaction (or none): the files entry is
 * one step of an upload that commits once (tickets/work.h).
 */
#ifndef TIX_TICKETS_CHANGE_H
#define TIX_TICKETS_CHANGE_H

#include <stdint.h>

#include "tickets/ticket.h"

/*
 * An attachment_added entry on ticket_id by c->who (the files are then
 * linked to *entry_id); the ticket counts as updated by its requester
 * side.  The caller found the ticket visible to c->who and open.
 */
enum tix_err	tix_ticket_files_added(const struct tix_ctx *c,
		    int64_t ticket_id, int64_t *entry_id);

/*
 * Delete ticket_id with everything that hangs off it: timeline entries,
 * attachments and their chunks, idempotency keys (ON DELETE CASCADE in
 * the schema).  TIX_ENOTFOUND when it is gone already.  Who may is the
 * caller's rule (admins).
 */
enum tix_err	tix_ticket_delete(const struct tix_ctx *c, int64_t ticket_id);

#endif
