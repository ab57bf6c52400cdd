/*
 * tickets_api.h: pieces of the ticket routes that the upload routes
 * (api/upload.c) share, so that a ticket or reply sent as multipart
 * follows exactly the rules of one sent as JSON.
 */
#ifndef TIX_API_TICKETS_API_H
#define TIX_API_TICKETS_API_H

#include "http/req.h"
#include "json/json.h"
#include "tickets/ticket.h"

/* Validate the fields of a new ticket (the contract's create rules). */
enum tix_err	tix_api_ticket_fields(struct tix_req *r,
		    const struct tix_json *j, struct tix_ticket_new *in);
/* Validate a reply; *status_storage backs in->status. */
enum tix_err	tix_api_reply_fields(struct tix_req *r,
		    const struct tix_json *j, struct tix_reply_in *in,
		    enum tix_status *status_storage);
/*
 * Read the Idempotency-Key header into in, with the hash of the request
 * (body, len) that a retry must match.  TIX_EBADREQ for a malformed key.
 */
enum tix_err	tix_api_idempotency(struct tix_req *r, const char *body,
		    size_t len, struct tix_ticket_new *in);
/* 201 with Location and {"ticket": detail}. */
enum tix_err	tix_api_send_created(struct tix_req *r,
		    const struct tix_ticket_made *made);
/* 201 with {"entry", "ticket": summary}. */
enum tix_err	tix_api_send_replied(struct tix_req *r, int64_t ticket_id,
		    int64_t entry_id);

#endif
