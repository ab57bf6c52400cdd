/*
 * inbound_api.c: the review queue's handlers (inbound_api.h): parse the
 * request, call lib/mail/review.c, render the contract's JSON.
 */
#include <string.h>

#include "api/ctx.h"
#include "api/fields.h"
#include "api/inbound_api.h"
#include "api/render.h"
#include "api/ticket_answer.h"
#include "core/limits.h"
#include "core/str.h"
#include "http/query.h"
#include "mail/review.h"

static enum tix_err
forbidden(struct tix_req *r)
{
	return tix_req_fail(r, TIX_EFORBIDDEN, "Only agents work the review "
	    "queue.");
}

/* The path's {} as a mail's id; false (404) for anything else. */
static bool
id_of(const struct tix_req *r, int64_t *id)
{
	return tix_parse_int64(r->args[0], strlen(r->args[0]), false, id) &&
	    *id > 0;
}

/* An integer query parameter in [min, max], or def when absent. */
static enum tix_err
int_param(struct tix_req *r, const struct tix_query *q, const char *name,
    int64_t min, int64_t max, int64_t def, int64_t *out)
{
	const struct tix_param_kv *kv = tix_query_get(q, name);

	*out = def;
	if (kv == NULL)
		return TIX_OK;
	if (!tix_parse_int64(kv->value, kv->value_len, false, out) ||
	    *out < min || *out > max)
		return tix_req_fail(r, TIX_EBADREQ, tix_arena_printf(r->arena,
		    "The value of %s is not valid.", name));
	return TIX_OK;
}

enum tix_err
tix_api_inbound_list(struct tix_req *r)
{
	struct tix_ctx		c = tix_api_ctx(r);
	struct tix_query	q;
	struct tix_review_page	pg;
	struct tix_out		o;
	int64_t			page, per_page;
	size_t			i;
	enum tix_err		rc;

	if (!tix_is_staff(&r->who))
		return forbidden(r);
	rc = tix_req_query(r, &q);
	if (rc == TIX_OK)
		rc = int_param(r, &q, "page", 1, 1000000, 1, &page);
	if (rc == TIX_OK)
		rc = int_param(r, &q, "per_page", 1, TIX_MAX_PER_PAGE,
		    TIX_DEFAULT_PER_PAGE, &per_page);
	if (rc == TIX_OK)
		rc = tix_review_list(&c, page, per_page, &pg);
	if (rc != TIX_OK)
		return rc;
	tix_out_begin(&o);
	tix_jw_key(&o.w, "inbound");
	tix_jw_arr_open(&o.w);
	for (i = 0; i < pg.n; i++) {
		const struct tix_review_row *row = &pg.rows[i];

		tix_jw_obj_open(&o.w);
		tix_jw_kint(&o.w, "id", row->id);
		tix_jw_kstr(&o.w, "from", row->from);
		tix_jw_kstr(&o.w, "subject", row->subject);
		tix_jw_kstr(&o.w, "received_at", row->received_at);
		tix_jw_kstr(&o.w, "reason", row->reason);
		tix_jw_kstr(&o.w, "preview", row->preview);
		tix_jw_kint(&o.w, "attachment_count", row->attachment_count);
		tix_jw_obj_close(&o.w);
	}
	tix_jw_arr_close(&o.w);
	tix_jw_kint(&o.w, "total", pg.total);
	tix_jw_kint(&o.w, "page", page);
	tix_jw_kint(&o.w, "per_page", per_page);
	return tix_out_send(r, &o, 200);
}

enum tix_err
tix_api_inbound_ticket(struct tix_req *r)
{
	struct tix_ctx		 c = tix_api_ctx(r);
	struct tix_json		*j;
	struct tix_ticket_made	 made;
	struct tix_answer	 ans;
	const char		*email;
	int64_t			 id;
	enum tix_err		 rc;

	if (!tix_is_staff(&r->who))
		return forbidden(r);
	if (!id_of(r, &id))
		return TIX_ENOTFOUND;
	rc = tix_req_json(r, &j);
	if (rc == TIX_OK)
		rc = tix_field_text(r, j, "requester_email", 1, TIX_MAX_EMAIL,
		    TIX_TEXT_REQUIRED | TIX_TEXT_ONE_LINE, &email);
	if (rc != TIX_OK)
		return rc;
	tix_api_answer_created(r, &c, &ans, &made);
	rc = tix_review_to_ticket(&c, id, email, &made);
	if (rc == TIX_OK)
		return tix_api_answer_end(&ans, rc);
	(void)tix_api_answer_end(&ans, rc);
	if (rc == TIX_EINVAL)
		return tix_req_field(r, "requester_email",
		    "is not the address of a customer");
	return rc;
}

enum tix_err
tix_api_inbound_append(struct tix_req *r)
{
	struct tix_ctx		 c = tix_api_ctx(r);
	struct tix_json		*j;
	struct tix_answer	 ans;
	const char		*number;
	int64_t			 id, ticket_id, entry_id;
	enum tix_err		 rc;

	if (!tix_is_staff(&r->who))
		return forbidden(r);
	if (!id_of(r, &id))
		return TIX_ENOTFOUND;
	rc = tix_req_json(r, &j);
	if (rc == TIX_OK)
		rc = tix_field_text(r, j, "number", 1, 32,
		    TIX_TEXT_REQUIRED | TIX_TEXT_ONE_LINE, &number);
	if (rc != TIX_OK)
		return rc;
	tix_api_answer_replied(r, &c, &ans, &ticket_id, &entry_id);
	rc = tix_review_append(&c, id, number, &ticket_id, &entry_id);
	if (rc == TIX_OK)
		return tix_api_answer_end(&ans, rc);
	(void)tix_api_answer_end(&ans, rc);
	if (rc == TIX_EINVAL)
		return tix_req_field(r, "number", "is not a ticket with an "
		    "active requester");
	if (rc == TIX_ECLOSED)
		return tix_req_fail(r, rc, "The ticket is closed: reopen it "
		    "first.");
	return rc;
}

enum tix_err
tix_api_inbound_delete(struct tix_req *r)
{
	struct tix_ctx	c = tix_api_ctx(r);
	int64_t		id;
	enum tix_err	rc;

	if (!tix_is_staff(&r->who))
		return forbidden(r);
	if (!id_of(r, &id))
		return TIX_ENOTFOUND;
	rc = tix_review_discard(&c, id);
	if (rc != TIX_OK)
		return rc;
	return tix_resp_empty(r, 204);
}
