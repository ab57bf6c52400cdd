/*
 * ticket_answer.h: what the ticket routes (api/tickets_api.c), the
 * upload routes (api/upload.c) and kept mails (api/inbound_api.c)
 * share, so that a ticket or reply sent as multipart follows exactly
 * the rules of one sent as JSON and is answered with the same JSON.
 * Below all three: it includes none of them.
 */
#ifndef TIX_API_TICKET_ANSWER_H
#define TIX_API_TICKET_ANSWER_H

#include "api/render.h"
#include "http/req.h"
#include "json/json.h"
#include "tickets/read.h"
#include "tickets/ticket.h"

/*
 * TIX_ENOTFOUND unless the caller may see the path's ticket.  Checked
 * before a role rule where the role rule would otherwise answer 403 for
 * someone else's ticket.
 */
enum tix_err	tix_api_ticket_visible(struct tix_req *r);

/* The fields of a list row (a summary) into the open object of w. */
void		tix_api_summary_render(struct tix_jw *w,
		    const struct tix_ticket_summary *t);
/* The detail object of ticket id into w. */
enum tix_err	tix_api_detail_render(struct tix_req *r, struct tix_jw *w,
		    int64_t id);
/* The same of the path's ticket if the caller may see it, in one round
 * trip (TIX_ENOTFOUND, and nothing in w, when not). */
enum tix_err	tix_api_detail_render_path(struct tix_req *r,
		    struct tix_jw *w);
/*
 * Write a JSON array of the n attachments in att that belong to
 * entry_id, or all of them when entry_id is 0.  number is the ticket's
 * TICK-number text, for the download URLs.
 */
void		tix_attachments_render(struct tix_jw *w,
		    const struct tix_attachment *att, size_t n,
		    int64_t entry_id, const char *number);

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
/*
 * The answers of a write (201 with Location and {"ticket": detail}; 201
 * with {"entry", "ticket": summary}; 200 with {"ticket": detail}) made
 * before the write commits, and sent after: a failure to make one rolls
 * the write back instead of answering an error for a committed write.
 * tix_api_answer_created/_replied/_detail hook the answer into c (it is
 * made from *made, or *ticket_id and *entry_id, as the write left them);
 * a caller that commits itself passes c NULL and calls
 * tix_api_answer_make before its COMMIT.  tix_api_answer_end sends it
 * when rc is TIX_OK, else drops it (and its headers) and returns rc.
 */
struct tix_answer {
	struct tix_req			*r;
	const struct tix_ticket_made	*made;
	const int64_t			*ticket_id;
	const int64_t			*entry_id;
	int				 status;	/* 201, or 200 */
	struct tix_out			 o;
	size_t				 nheaders;	/* before the answer's */
	bool				 ready;
};
void		tix_api_answer_created(struct tix_req *r, struct tix_ctx *c,
		    struct tix_answer *a, const struct tix_ticket_made *made);
void		tix_api_answer_replied(struct tix_req *r, struct tix_ctx *c,
		    struct tix_answer *a, const int64_t *ticket_id,
		    const int64_t *entry_id);
/* 200 with {"ticket": detail} of *ticket_id (a PATCH, a reopen). */
void		tix_api_answer_detail(struct tix_req *r, struct tix_ctx *c,
		    struct tix_answer *a, const int64_t *ticket_id);
enum tix_err	tix_api_answer_make(void *answer);
enum tix_err	tix_api_answer_end(struct tix_answer *a, enum tix_err rc);

#endif
