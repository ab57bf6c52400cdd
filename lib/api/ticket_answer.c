/*
 * ticket_answer.c: what a write of a ticket or reply shares whichever
 * way it came (JSON in api/tickets_api.c, multipart in api/upload.c, a
 * kept mail in api/inbound_api.c): the field rules, the Idempotency-Key,
 * and the JSON of tickets, timelines and attachments that answers it.
 * It calls nothing of the routes above it, so the arrows point one way.
 */
#include <stdio.h>
#include <string.h>

#include "api/ctx.h"
#include "api/fields.h"
#include "api/render.h"
#include "api/ticket_answer.h"
#include "core/limits.h"
#include "core/str.h"
#include "crypto/crypto.h"
#include "tickets/license.h"
#include "tickets/read.h"
#include "tickets/ticket.h"

/*
 * TIX_ENOTFOUND unless the caller may see the path's ticket.  Checked
 * before a role rule where the role rule would otherwise answer 403 for
 * someone else's ticket: what is not yours is not there (404), what is
 * yours but not allowed is 403, then come the field rules (422).
 */
enum tix_err
tix_api_ticket_visible(struct tix_req *r)
{
	struct tix_ctx		c = tix_api_ctx(r);
	struct tix_ticket_ref	t;

	return tix_ticket_find(&c, r->args[0], &t);
}

static void
kts(struct tix_jw *w, const char *key, const char *v)
{
	tix_jw_kstr(w, key, v);	/* NULL renders as null */
}

void
tix_api_summary_render(struct tix_jw *w, const struct tix_ticket_summary *t)
{
	char number[32];

	snprintf(number, sizeof(number), "TICK-%lld", (long long)t->number);
	tix_jw_kstr(w, "number", number);
	tix_jw_kstr(w, "subject", t->subject);
	tix_jw_kstr(w, "status", t->status);
	tix_jw_kstr(w, "priority", t->priority);
	tix_jw_kstr(w, "category", t->category);
	tix_jw_kstr(w, "license_key", t->license_key);
	tix_jw_key(w, "requester");
	tix_jw_obj_open(w);
	tix_jw_kint(w, "id", t->requester_id);
	tix_jw_kstr(w, "name", t->requester_name);
	tix_jw_kstr(w, "email", t->requester_email);
	tix_jw_key(w, "account");
	tix_jw_obj_open(w);
	tix_jw_kint(w, "id", t->account_id);
	tix_jw_kstr(w, "name", t->account_name);
	tix_jw_obj_close(w);
	tix_jw_obj_close(w);
	tix_jw_key(w, "assignee");
	if (t->assignee_id == 0)
		tix_jw_null(w);
	else {
		tix_jw_obj_open(w);
		tix_jw_kint(w, "id", t->assignee_id);
		tix_jw_kstr(w, "name", t->assignee_name);
		tix_jw_obj_close(w);
	}
	kts(w, "created_at", t->created_at);
	kts(w, "updated_at", t->updated_at);
	kts(w, "first_response_at", t->first_response_at);
	kts(w, "resolved_at", t->resolved_at);
	kts(w, "closed_at", t->closed_at);
	tix_jw_key(w, "sla");
	tix_jw_obj_open(w);
	kts(w, "first_response_due_at", t->first_response_due_at);
	tix_jw_kbool(w, "breached", t->breached);
	tix_jw_obj_close(w);
	tix_jw_kint(w, "attachment_count", t->attachment_count);
}

static void
render_entry(struct tix_jw *w, const struct tix_entry *e,
    const struct tix_attachment *att, size_t natt, const char *number)
{
	size_t i;

	tix_jw_obj_open(w);
	tix_jw_kint(w, "id", e->id);
	tix_jw_kstr(w, "type", e->type);
	kts(w, "at", e->at);
	tix_jw_key(w, "actor");
	if (e->actor_id == 0)
		tix_jw_null(w);
	else {
		tix_jw_obj_open(w);
		tix_jw_kint(w, "id", e->actor_id);
		tix_jw_kstr(w, "name", e->actor_name);
		tix_jw_kstr(w, "role", e->actor_role);
		tix_jw_obj_close(w);
	}
	tix_jw_kstr(w, "via", e->via);
	tix_jw_kstr(w, "body", e->body);
	tix_jw_kstr(w, "from", e->from);
	tix_jw_kstr(w, "to", e->to);
	tix_jw_key(w, "attachments");
	tix_attachments_render(w, att, natt, e->id, number);
	tix_jw_key(w, "refused_attachments");
	tix_jw_arr_open(w);
	for (i = 0; i < e->nrefused; i++) {
		tix_jw_obj_open(w);
		tix_jw_kstr(w, "filename", e->refused[i].filename);
		tix_jw_kstr(w, "reason", e->refused[i].reason);
		tix_jw_obj_close(w);
	}
	tix_jw_arr_close(w);
	tix_jw_obj_close(w);
}

/* "TICK-1001" of a summary. */
static const char *
number_of(struct tix_req *r, const struct tix_ticket_summary *t)
{
	return tix_arena_printf(r->arena, "TICK-%lld", (long long)t->number);
}

/* A license the viewer may see, or null. */
static void
render_license(struct tix_jw *w, const struct tix_license_view *l)
{
	size_t i;

	if (l == NULL) {
		tix_jw_null(w);
		return;
	}
	tix_jw_obj_open(w);
	tix_jw_kstr(w, "key", l->key);
	tix_jw_kstr(w, "product", l->product);
	tix_jw_kstr(w, "status", l->status);
	kts(w, "expires_at", l->expires_at);
	tix_jw_kint(w, "activations_used", l->activations_used);
	tix_jw_kint(w, "activations_max", l->activations_max);
	tix_jw_key(w, "activations");
	tix_jw_arr_open(w);
	for (i = 0; i < l->nactivations; i++) {
		tix_jw_obj_open(w);
		tix_jw_kstr(w, "machine", l->activations[i].machine);
		kts(w, "activated_at", l->activations[i].activated_at);
		kts(w, "deactivated_at", l->activations[i].deactivated_at);
		tix_jw_obj_close(w);
	}
	tix_jw_arr_close(w);
	tix_jw_obj_close(w);
}

/* The detail object d: the summary and description, can_reopen,
 * attachments, license and timeline. */
static void
render_detail(struct tix_req *r, struct tix_jw *w,
    const struct tix_ticket_detail *d)
{
	const char	*number = number_of(r, &d->summary);
	size_t		 i;

	tix_jw_obj_open(w);
	tix_api_summary_render(w, &d->summary);
	tix_jw_kstr(w, "description", d->description);
	tix_jw_kbool(w, "can_reopen", d->can_reopen);
	tix_jw_key(w, "attachments");
	tix_attachments_render(w, d->attachments, d->nattachments, 0, number);
	tix_jw_key(w, "license");
	render_license(w, d->license);
	tix_jw_key(w, "timeline");
	tix_jw_arr_open(w);
	for (i = 0; i < d->nentries; i++)
		render_entry(w, &d->entries[i], d->attachments,
		    d->nattachments, number);
	tix_jw_arr_close(w);
	tix_jw_obj_close(w);
}

enum tix_err
tix_api_detail_render(struct tix_req *r, struct tix_jw *w, int64_t id)
{
	struct tix_ctx			c = tix_api_ctx(r);
	struct tix_ticket_detail	d;
	enum tix_err			rc;

	rc = tix_ticket_detail_get(&c, id, &d);
	if (rc == TIX_OK)
		render_detail(r, w, &d);
	return rc;
}

enum tix_err
tix_api_detail_render_path(struct tix_req *r, struct tix_jw *w)
{
	struct tix_ctx			c = tix_api_ctx(r);
	struct tix_ticket_detail	d;
	enum tix_err			rc;

	rc = tix_ticket_detail_find(&c, r->args[0], &d);
	if (rc == TIX_OK)
		render_detail(r, w, &d);
	return rc;
}

enum tix_err
tix_api_ticket_fields(struct tix_req *r, const struct tix_json *j,
    struct tix_ticket_new *in)
{
	struct tix_ctx	 c = tix_api_ctx(r);
	const char	*priority, *email;
	enum tix_err	 rc;

	memset(in, 0, sizeof(*in));
	rc = tix_field_text(r, j, "subject", 1, TIX_MAX_SUBJECT,
	    TIX_TEXT_REQUIRED | TIX_TEXT_ONE_LINE, &in->subject);
	rc = tix_fields_merge(rc, tix_field_text(r, j, "description", 1,
	    TIX_MAX_TEXT, TIX_TEXT_REQUIRED, &in->description));
	rc = tix_fields_merge(rc, tix_field_enum(r, j, "category",
	    tix_category_names, true, &in->category));
	rc = tix_fields_merge(rc, tix_field_enum(r, j, "priority",
	    tix_priority_names, false, &priority));
	rc = tix_fields_merge(rc, tix_field_text(r, j, "license_key", 0, 64,
	    TIX_TEXT_NULLABLE | TIX_TEXT_ONE_LINE, &in->license_key));
	if (in->license_key != NULL && !tix_license_key_valid(in->license_key))
		rc = tix_fields_merge(rc, tix_req_field(r, "license_key",
		    "must be four groups of five upper-case letters or digits, "
		    "like ABCDE-FGHIJ-KLMNO-12345"));
	rc = tix_fields_merge(rc, tix_field_text(r, j, "requester_email", 1,
	    TIX_MAX_EMAIL, TIX_TEXT_ONE_LINE, &email));
	if (rc != TIX_OK)
		return rc;
	in->priority = TIX_PRIORITY_NORMAL;
	if (priority != NULL)
		(void)tix_priority_parse(priority, &in->priority);
	if (email != NULL) {
		if (!tix_is_staff(&r->who))
			return tix_req_fail(r, TIX_EFORBIDDEN, "Only agents "
			    "may open tickets for someone else.");
		rc = tix_ticket_requester(&c, email, &in->requester_id);
		if (rc == TIX_ENOTFOUND)
			return tix_req_field(r, "requester_email",
			    "is not the address of a customer");
	}
	return rc;
}

enum tix_err
tix_api_idempotency(struct tix_req *r, const char *body, size_t len,
    struct tix_ticket_new *in)
{
	const char	*key = tix_req_param(r, "HTTP_IDEMPOTENCY_KEY");
	char		*hash;
	size_t		 n;

	if (key == NULL)
		return TIX_OK;
	n = strlen(key);
	if (n < 1 || n > TIX_MAX_IDEMPOTENCY_KEY || !tix_utf8_valid(key, n) ||
	    tix_has_control(key, n, false))
		return tix_req_fail(r, TIX_EBADREQ, "Idempotency-Key must be 1 "
		    "to 100 characters of text.");
	hash = tix_arena_alloc(r->arena, TIX_HASH_HEX_LEN + 1);
	if (hash == NULL)
		return TIX_ENOMEM;
	tix_hash_hex(body, len, hash);
	in->idempotency_key = key;
	in->request_hash = hash;
	return TIX_OK;
}

/* Location and {"ticket": detail} of a->made, into a->o. */
static enum tix_err
make_created(struct tix_answer *a)
{
	const char	*location;
	enum tix_err	 rc;

	location = tix_arena_printf(a->r->arena, "/api/tickets/TICK-%lld",
	    (long long)a->made->number);
	if (location == NULL)
		return TIX_ENOMEM;
	rc = tix_resp_header(a->r, "Location", location);
	if (rc != TIX_OK)
		return rc;
	tix_out_begin(&a->o);
	a->ready = true;
	tix_jw_key(&a->o.w, "ticket");
	return tix_api_detail_render(a->r, &a->o.w, a->made->id);
}

static enum tix_err make_replied(struct tix_answer *);

void
tix_api_answer_created(struct tix_req *r, struct tix_ctx *c,
    struct tix_answer *a, const struct tix_ticket_made *made)
{
	memset(a, 0, sizeof(*a));
	a->r = r;
	a->made = made;
	a->status = 201;
	a->nheaders = r->nheaders;
	if (c != NULL) {
		c->before_commit = tix_api_answer_make;
		c->before_commit_arg = a;
	}
}

void
tix_api_answer_replied(struct tix_req *r, struct tix_ctx *c,
    struct tix_answer *a, const int64_t *ticket_id, const int64_t *entry_id)
{
	tix_api_answer_created(r, c, a, NULL);
	a->ticket_id = ticket_id;
	a->entry_id = entry_id;
}

void
tix_api_answer_detail(struct tix_req *r, struct tix_ctx *c,
    struct tix_answer *a, const int64_t *ticket_id)
{
	tix_api_answer_created(r, c, a, NULL);
	a->ticket_id = ticket_id;
	a->status = 200;
}

/* {"ticket": detail} of *a->ticket_id, into a->o. */
static enum tix_err
make_detail(struct tix_answer *a)
{
	tix_out_begin(&a->o);
	a->ready = true;
	tix_jw_key(&a->o.w, "ticket");
	return tix_api_detail_render(a->r, &a->o.w, *a->ticket_id);
}

/* Drop a made answer and the headers it added. */
static void
answer_drop(struct tix_answer *a)
{
	if (a->ready)
		tix_out_discard(&a->o);
	a->ready = false;
	a->r->nheaders = a->nheaders;
}

enum tix_err
tix_api_answer_make(void *answer)
{
	struct tix_answer	*a = answer;
	enum tix_err		 rc;

	a->nheaders = a->r->nheaders;
	if (a->made != NULL)
		rc = make_created(a);
	else if (a->entry_id != NULL)
		rc = make_replied(a);
	else
		rc = make_detail(a);
	if (rc != TIX_OK)
		answer_drop(a);
	return rc;
}

enum tix_err
tix_api_answer_end(struct tix_answer *a, enum tix_err rc)
{
	if (rc == TIX_OK && !a->ready)
		rc = tix_api_answer_make(a);	/* nothing was committed */
	if (rc != TIX_OK) {
		answer_drop(a);
		return rc;
	}
	a->ready = false;
	return tix_out_send(a->r, &a->o, a->status);
}

enum tix_err
tix_api_reply_fields(struct tix_req *r, const struct tix_json *j,
    struct tix_reply_in *in, enum tix_status *status_storage)
{
	const char	*status;
	bool		 present;
	enum tix_err	 rc;

	memset(in, 0, sizeof(*in));
	/* A customer asking for a note on their ticket is refused before any
	 * field rule. */
	if (!tix_is_staff(&r->who) &&
	    tix_json_type_of(j, "internal") == TIX_JSON_BOOL &&
	    tix_json_get_bool(j, "internal", &in->internal) == TIX_OK &&
	    in->internal) {
		rc = tix_api_ticket_visible(r);
		return rc != TIX_OK ? rc : tix_req_fail(r, TIX_EFORBIDDEN,
		    "Only agents write internal notes.");
	}
	rc = tix_field_text(r, j, "body", 1, TIX_MAX_TEXT, TIX_TEXT_REQUIRED,
	    &in->body);
	rc = tix_fields_merge(rc, tix_field_bool(r, j, "internal",
	    &in->internal, &present));
	rc = tix_fields_merge(rc, tix_field_enum(r, j, "status",
	    tix_status_names, false, &status));
	if (rc != TIX_OK)
		return rc;
	if (status != NULL) {
		if (!tix_is_staff(&r->who))
			return tix_req_fail(r, TIX_EFORBIDDEN,
			    "Only agents set a status with a reply.");
		(void)tix_status_parse(status, status_storage);
		in->status = status_storage;
	}
	return TIX_OK;
}

/* {"entry", "ticket": summary} of *a->entry_id, into a->o. */
static enum tix_err
make_replied(struct tix_answer *a)
{
	struct tix_ctx			 c = tix_api_ctx(a->r);
	struct tix_ticket_detail	 d;
	size_t				 i;
	enum tix_err			 rc;

	rc = tix_ticket_view_get(&c, *a->ticket_id, &d);
	if (rc != TIX_OK)
		return rc;
	tix_out_begin(&a->o);
	a->ready = true;
	for (i = 0; i < d.nentries; i++)
		if (d.entries[i].id == *a->entry_id) {
			tix_jw_key(&a->o.w, "entry");
			render_entry(&a->o.w, &d.entries[i], d.attachments,
			    d.nattachments, number_of(a->r, &d.summary));
		}
	tix_jw_key(&a->o.w, "ticket");
	tix_jw_obj_open(&a->o.w);
	tix_api_summary_render(&a->o.w, &d.summary);
	tix_jw_obj_close(&a->o.w);
	return TIX_OK;
}

void
tix_attachments_render(struct tix_jw *w, const struct tix_attachment *att,
    size_t n, int64_t entry_id, const char *number)
{
	char	url[128];
	size_t	i;

	tix_jw_arr_open(w);
	for (i = 0; i < n; i++) {
		if (entry_id != 0 && att[i].entry_id != entry_id)
			continue;
		snprintf(url, sizeof(url), "/api/tickets/%s/attachments/%lld",
		    number == NULL ? "-" : number, (long long)att[i].id);
		tix_jw_obj_open(w);
		tix_jw_kint(w, "id", att[i].id);
		tix_jw_kstr(w, "filename", att[i].filename);
		tix_jw_kstr(w, "content_type", att[i].content_type);
		tix_jw_kint(w, "size", att[i].size);
		tix_jw_kstr(w, "created_at", att[i].created_at);
		tix_jw_kstr(w, "url", url);
		tix_jw_obj_close(w);
	}
	tix_jw_arr_close(w);
}
