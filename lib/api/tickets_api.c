/*
 * tickets_api.c: the routes of tix-tickets.
 *
 * Handlers turn JSON and query strings into the typed input of
 * lib/tickets/, and its rows into the contract's JSON.
 */
#include <stdio.h>
#include <string.h>

#include "api/ctx.h"
#include "api/fields.h"
#include "api/metrics_api.h"
#include "api/inbound_api.h"
#include "api/render.h"
#include "api/serve.h"
#include "api/tickets_api.h"
#include "api/upload.h"
#include "core/limits.h"
#include "core/str.h"
#include "crypto/crypto.h"
#include "tickets/license.h"
#include "tickets/list_read.h"
#include "tickets/read.h"
#include "tickets/search.h"
#include "tickets/ticket.h"

/* Whether the path's {} names a ticket at all: a path that cannot is 404
 * before its body is read, like any other unknown resource. */
static bool
names_ticket(const struct tix_req *r)
{
	int64_t number;

	return tix_ticket_number_parse(r->args[0], false, &number);
}

/*
 * TIX_ENOTFOUND unless the caller may see the path's ticket.  Checked
 * before a role rule where the role rule would otherwise answer 403 for
 * someone else's ticket: what is not yours is not there (404), what is
 * yours but not allowed is 403, then come the field rules (422).
 */
static enum tix_err
visible(struct tix_req *r)
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

static void
render_summary_fields(struct tix_jw *w, const struct tix_ticket_summary *t)
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

/* The detail object: the summary and description, can_reopen,
 * attachments, license and timeline. */
static enum tix_err
render_detail(struct tix_req *r, struct tix_jw *w, int64_t id)
{
	struct tix_ctx			c = tix_api_ctx(r);
	struct tix_ticket_detail	d;
	const char			*number;
	enum tix_err			rc;
	size_t				i;

	rc = tix_ticket_detail_get(&c, id, &d);
	if (rc != TIX_OK)
		return rc;
	number = number_of(r, &d.summary);
	tix_jw_obj_open(w);
	render_summary_fields(w, &d.summary);
	tix_jw_kstr(w, "description", d.description);
	tix_jw_kbool(w, "can_reopen", d.can_reopen);
	tix_jw_key(w, "attachments");
	tix_attachments_render(w, d.attachments, d.nattachments, 0, number);
	tix_jw_key(w, "license");
	render_license(w, d.license);
	tix_jw_key(w, "timeline");
	tix_jw_arr_open(w);
	for (i = 0; i < d.nentries; i++)
		render_entry(w, &d.entries[i], d.attachments, d.nattachments,
		    number);
	tix_jw_arr_close(w);
	tix_jw_obj_close(w);
	return TIX_OK;
}

static enum tix_err
send_detail(struct tix_req *r, int64_t id, int status)
{
	struct tix_out	o;
	enum tix_err	rc;

	tix_out_begin(&o);
	tix_jw_key(&o.w, "ticket");
	rc = render_detail(r, &o.w, id);
	if (rc != TIX_OK) {
		tix_out_discard(&o);
		return rc;
	}
	return tix_out_send(r, &o, status);
}

static enum tix_err
h_health(struct tix_req *r)
{
	struct tix_out	o;
	enum tix_err	rc;

	struct tix_ctx	c = tix_api_ctx(r);

	rc = tix_health_check(&c);
	if (rc != TIX_OK)
		return tix_req_fail(r, TIX_EUNAVAIL,
		    "The database is unreachable.");
	tix_out_begin(&o);
	tix_jw_kstr(&o.w, "status", "ok");
	tix_jw_kstr(&o.w, "database", "ok");
	return tix_out_send(r, &o, 200);
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
	return render_detail(a->r, &a->o.w, a->made->id);
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
	return render_detail(a->r, &a->o.w, *a->ticket_id);
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

static enum tix_err
h_create(struct tix_req *r)
{
	struct tix_json		*j;
	struct tix_ctx		 c = tix_api_ctx(r);
	struct tix_ticket_new	 in;
	struct tix_ticket_made	 made;
	struct tix_answer	 ans;
	enum tix_err		 rc;

	if (tix_req_is_multipart(r))
		return tix_upload_create_ticket(r);
	rc = tix_req_json(r, &j);
	if (rc == TIX_OK)
		rc = tix_api_ticket_fields(r, j, &in);
	if (rc == TIX_OK)
		rc = tix_api_idempotency(r, r->body, r->body_len, &in);
	tix_api_answer_created(r, &c, &ans, &made);
	if (rc == TIX_OK)
		rc = tix_ticket_create(&c, &in, &made);
	rc = tix_api_answer_end(&ans, rc);
	if (rc == TIX_ECONFLICT)
		return tix_req_field(r, "Idempotency-Key", "was used with "
		    "another request; use a new key for a new ticket");
	return rc;
}

static enum tix_err
h_get(struct tix_req *r)
{
	struct tix_ctx		c = tix_api_ctx(r);
	struct tix_ticket_ref	t;
	enum tix_err		rc;

	rc = tix_ticket_find(&c, r->args[0], &t);
	if (rc != TIX_OK)
		return rc;
	return send_detail(r, t.id, 200);
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
		rc = visible(r);
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
	struct tix_ticket_summary	 t;
	struct tix_entry		*es;
	struct tix_attachment		*att;
	size_t				 nes, natt, i;
	enum tix_err			 rc;

	rc = tix_ticket_summary_get(&c, *a->ticket_id, &t);
	if (rc == TIX_OK)
		rc = tix_ticket_entries(&c, *a->ticket_id, &es, &nes);
	if (rc == TIX_OK)
		rc = tix_ticket_attachments(&c, *a->ticket_id, &att, &natt);
	if (rc != TIX_OK)
		return rc;
	tix_out_begin(&a->o);
	a->ready = true;
	for (i = 0; i < nes; i++)
		if (es[i].id == *a->entry_id) {
			tix_jw_key(&a->o.w, "entry");
			render_entry(&a->o.w, &es[i], att, natt,
			    number_of(a->r, &t));
		}
	tix_jw_key(&a->o.w, "ticket");
	tix_jw_obj_open(&a->o.w);
	render_summary_fields(&a->o.w, &t);
	tix_jw_obj_close(&a->o.w);
	return TIX_OK;
}

static enum tix_err
h_reply(struct tix_req *r)
{
	struct tix_json		*j;
	struct tix_ctx		 c = tix_api_ctx(r);
	struct tix_reply_in	 in;
	enum tix_status		 st;
	int64_t			 ticket_id, entry_id;
	struct tix_answer	 ans;
	enum tix_err		 rc;

	if (!names_ticket(r))
		return TIX_ENOTFOUND;

	if (tix_req_is_multipart(r))
		return tix_upload_reply(r);
	rc = tix_req_json(r, &j);
	if (rc == TIX_OK)
		rc = tix_api_reply_fields(r, j, &in, &st);
	if (rc != TIX_OK)
		return rc;
	tix_api_answer_replied(r, &c, &ans, &ticket_id, &entry_id);
	rc = tix_ticket_reply(&c, r->args[0], &in, &ticket_id, &entry_id);
	rc = tix_api_answer_end(&ans, rc);
	if (rc == TIX_EFORBIDDEN)
		return tix_req_fail(r, rc, "Only agents write internal notes.");
	return rc;
}

/*
 * A customer may send {"status": "closed"} and nothing else: any other
 * member, or any other value, is 403 before a field rule is looked at,
 * so that a customer learns nothing about what agents may send.
 */
static enum tix_err
customer_may_patch(struct tix_req *r, const struct tix_json *j)
{
	static const char *const staff_only[] = {
		"priority", "category", "assignee_id", NULL
	};
	struct tix_str	s;
	size_t		i;

	for (i = 0; staff_only[i] != NULL; i++)
		if (tix_json_type_of(j, staff_only[i]) != TIX_JSON_ABSENT)
			return tix_req_fail(r, TIX_EFORBIDDEN, "Customers may "
			    "only close their own tickets.");
	if (tix_json_type_of(j, "status") == TIX_JSON_ABSENT)
		return TIX_OK;
	if (tix_json_get_string(j, "status", r->arena, &s) != TIX_OK ||
	    strcmp(s.p, "closed") != 0)
		return tix_req_fail(r, TIX_EFORBIDDEN, "Customers may only "
		    "close their own tickets.");
	return TIX_OK;
}

static enum tix_err
h_patch(struct tix_req *r)
{
	struct tix_json		*j;
	struct tix_ctx		 c = tix_api_ctx(r);
	struct tix_ticket_patch	 pt;
	enum tix_status		 status;
	enum tix_priority	 priority;
	const char		*sv, *pv;
	enum tix_json_type	 at;
	int64_t			 ticket_id;
	struct tix_answer	 ans;
	enum tix_err		 rc;

	if (!names_ticket(r))
		return TIX_ENOTFOUND;

	memset(&pt, 0, sizeof(pt));
	rc = tix_req_json(r, &j);
	if (rc == TIX_OK && !tix_is_staff(&r->who))
		rc = visible(r);
	if (rc == TIX_OK && !tix_is_staff(&r->who))
		rc = customer_may_patch(r, j);
	if (rc != TIX_OK)
		return rc;
	rc = tix_field_enum(r, j, "status", tix_status_names, false, &sv);
	rc = tix_fields_merge(rc, tix_field_enum(r, j, "priority",
	    tix_priority_names, false, &pv));
	rc = tix_fields_merge(rc, tix_field_enum(r, j, "category",
	    tix_category_names, false, &pt.category));
	at = tix_json_type_of(j, "assignee_id");
	if (at == TIX_JSON_INT) {
		pt.has_assignee = true;
		(void)tix_json_get_int(j, "assignee_id", &pt.assignee_id);
		if (pt.assignee_id <= 0)
			rc = tix_fields_merge(rc, tix_req_field(r,
			    "assignee_id", "is not an active agent"));
	} else if (at == TIX_JSON_NULL)
		pt.has_assignee = true;
	else if (at != TIX_JSON_ABSENT)
		rc = tix_fields_merge(rc, tix_req_fail(r, TIX_EBADREQ,
		    "assignee_id must be a number or null."));
	if (rc != TIX_OK)
		return rc;
	if (sv == NULL && pv == NULL && pt.category == NULL &&
	    !pt.has_assignee)
		return tix_req_fail(r, TIX_EINVAL, "Nothing to change: send "
		    "status, priority, category or assignee_id.");
	if (sv != NULL) {
		(void)tix_status_parse(sv, &status);
		pt.status = &status;
	}
	if (pv != NULL) {
		(void)tix_priority_parse(pv, &priority);
		pt.priority = &priority;
	}
	tix_api_answer_detail(r, &c, &ans, &ticket_id);
	rc = tix_ticket_update(&c, r->args[0], &pt, &ticket_id);
	rc = tix_api_answer_end(&ans, rc);
	if (rc == TIX_EINVAL)
		return tix_req_field(r, "assignee_id", "is not an active agent");
	if (rc == TIX_EFORBIDDEN)
		return tix_req_fail(r, rc, "Customers may only close their "
		    "own tickets.");
	if (rc == TIX_ETRANSITION)
		return tix_req_fail(r, rc, "A closed ticket leaves closed only "
		    "by being reopened.");
	return rc;
}

static enum tix_err
h_reopen(struct tix_req *r)
{
	struct tix_json	*j;
	struct tix_ctx	 c = tix_api_ctx(r);
	const char		*body;
	int64_t			 ticket_id;
	struct tix_answer	 ans;
	enum tix_err		 rc;

	if (!names_ticket(r))
		return TIX_ENOTFOUND;

	rc = tix_req_json(r, &j);
	if (rc == TIX_OK)
		rc = tix_field_text(r, j, "body", 1, TIX_MAX_TEXT,
		    TIX_TEXT_REQUIRED, &body);
	if (rc != TIX_OK)
		return rc;
	tix_api_answer_detail(r, &c, &ans, &ticket_id);
	rc = tix_ticket_reopen(&c, r->args[0], body, &ticket_id);
	rc = tix_api_answer_end(&ans, rc);
	if (rc == TIX_ETRANSITION)
		return tix_req_fail(r, rc, "Only a closed ticket can be "
		    "reopened.");
	return rc;
}

static enum tix_err
h_stats(struct tix_req *r)
{
	struct tix_ctx		c = tix_api_ctx(r);
	struct tix_ticket_stats	st;
	struct tix_out		o;
	enum tix_err		rc;
	int			i;

	rc = tix_ticket_stats(&c, &st);
	if (rc != TIX_OK)
		return rc;
	tix_out_begin(&o);
	tix_jw_key(&o.w, "by_status");
	tix_jw_obj_open(&o.w);
	for (i = 0; i < TIX_STATUS__MAX; i++)
		tix_jw_kint(&o.w, tix_status_names[i], st.by_status[i]);
	tix_jw_obj_close(&o.w);
	/* Customers own no queue: unassigned is the helpdesk's business. */
	if (tix_is_staff(&r->who))
		tix_jw_kint(&o.w, "unassigned", st.unassigned);
	tix_jw_kint(&o.w, "breached", st.breached);
	return tix_out_send(r, &o, 200);
}

/* YYYY-MM-DD naming a real day. */
static bool
is_date(const char *s)
{
	static const int days[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	int	y, m, d, i;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return false;
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
	    (s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (y < 1970 || m < 1 || m > 12 || d < 1 || d > days[m - 1])
		return false;
	return m != 2 || d < 29 || (y % 4 == 0 && (y % 100 != 0 ||
	    y % 400 == 0));
}

static bool
in_list(const char *const *names, const char *s, size_t n)
{
	size_t i;

	for (i = 0; names[i] != NULL; i++)
		if (strlen(names[i]) == n && strncmp(names[i], s, n) == 0)
			return true;
	return false;
}

/* "open,waiting": every item a status, none empty. */
static bool
is_status_list(const char *s)
{
	const char *end;

	for (;;) {
		end = strchr(s, ',');
		if (!in_list(tix_status_names, s,
		    end == NULL ? strlen(s) : (size_t)(end - s)))
			return false;
		if (end == NULL)
			return true;
		s = end + 1;
	}
}

static enum tix_err
bad_param(struct tix_req *r, const char *name)
{
	return tix_req_fail(r, TIX_EBADREQ, tix_arena_printf(r->arena,
	    "The value of %s is not valid.", name));
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
		return bad_param(r, name);
	return TIX_OK;
}

static const char *
str_param(const struct tix_query *q, const char *name)
{
	const struct tix_param_kv *kv = tix_query_get(q, name);

	return kv == NULL ? NULL : kv->value;
}

/* "match" of a search's row: where the best hit is and the excerpt
 * around it, cut into plain-text segments; null for a ticket found by
 * its number alone. */
static void
render_match(struct tix_jw *w, const struct tix_search_match *m)
{
	size_t i;

	tix_jw_key(w, "match");
	if (m->in == NULL) {
		tix_jw_null(w);
		return;
	}
	tix_jw_obj_open(w);
	tix_jw_kstr(w, "in", m->in);
	tix_jw_key(w, "snippet");
	tix_jw_arr_open(w);
	for (i = 0; i < m->nsegs; i++) {
		tix_jw_obj_open(w);
		tix_jw_kstr(w, "text", m->segs[i].text);
		tix_jw_kbool(w, "hit", m->segs[i].hit);
		tix_jw_obj_close(w);
	}
	tix_jw_arr_close(w);
	tix_jw_obj_close(w);
}

static enum tix_err
h_list(struct tix_req *r)
{
	struct tix_query	 q;
	struct tix_ctx		 c = tix_api_ctx(r);
	struct tix_ticket_filter f;
	struct tix_ticket_page	 pg;
	struct tix_search	*search;
	struct tix_out		 o;
	const char		*v;
	bool			 staff = tix_is_staff(&r->who);
	int64_t			 number;
	size_t			 i, sort;
	enum tix_err		 rc;

	memset(&f, 0, sizeof(f));
	rc = tix_req_query(r, &q);
	if (rc != TIX_OK)
		return rc;
	v = str_param(&q, "status");
	if (v != NULL && !is_status_list(v))
		return bad_param(r, "status");
	f.statuses = v;
	v = str_param(&q, "category");
	if (v != NULL && !in_list(tix_category_names, v, strlen(v)))
		return bad_param(r, "category");
	f.category = v;
	v = str_param(&q, "priority");
	if (v != NULL && !in_list(tix_priority_names, v, strlen(v)))
		return bad_param(r, "priority");
	f.priority = v;
	v = str_param(&q, "created_from");
	if (v != NULL && !is_date(v))
		return bad_param(r, "created_from");
	f.created_from = v;
	v = str_param(&q, "created_to");
	if (v != NULL && !is_date(v))
		return bad_param(r, "created_to");
	f.created_to = v;
	/* q: at most TIX_MAX_SEARCH characters; only white space is as no
	 * q at all. */
	v = str_param(&q, "q");
	if (v != NULL && tix_utf8_len(v, strlen(v)) > TIX_MAX_SEARCH)
		return bad_param(r, "q");
	if (v != NULL && v[strspn(v, " \t\r\n")] != '\0') {
		search = tix_arena_alloc(r->arena, sizeof(*search));
		if (search == NULL)
			return TIX_ENOMEM;
		rc = tix_search_parse(r->arena, v, strlen(v), search);
		if (rc == TIX_ETOOBIG)
			return bad_param(r, "q");
		if (rc != TIX_OK)
			return rc;
		f.search = search;
	}
	v = str_param(&q, "assignee");
	if (v != NULL) {
		if (!staff)
			return bad_param(r, "assignee");
		if (strcmp(v, "me") == 0)
			v = tix_arena_printf(r->arena, "%lld",
			    (long long)r->who.user_id);
		else if (strcmp(v, "none") != 0 &&
		    !tix_parse_int64(v, strlen(v), false, &number))
			return bad_param(r, "assignee");
		f.assignee = v;
	}
	v = str_param(&q, "breached");
	if (v != NULL) {
		if (!staff || (strcmp(v, "true") != 0 &&
		    strcmp(v, "false") != 0))
			return bad_param(r, "breached");
		f.breached = v;
	}
	/* The default order: by relevance with q, else newest update. */
	sort = f.search != NULL ? TIX_SORT_RELEVANCE : TIX_SORT_UPDATED_DESC;
	v = str_param(&q, "sort");
	if (v != NULL) {
		for (sort = 0; tix_sort_names[sort] != NULL; sort++)
			if (strcmp(v, tix_sort_names[sort]) == 0)
				break;
		if (tix_sort_names[sort] == NULL)
			return bad_param(r, "sort");
	}
	f.sort = (enum tix_sort)sort;
	rc = int_param(r, &q, "page", 1, 1000000, 1, &f.page);
	if (rc == TIX_OK)
		rc = int_param(r, &q, "per_page", 1, TIX_MAX_PER_PAGE,
		    TIX_DEFAULT_PER_PAGE, &f.per_page);
	if (rc != TIX_OK)
		return rc;
	/* A cursor says where the page starts: a page number as well is
	 * two answers to one question. */
	f.cursor = str_param(&q, "cursor");
	if (f.cursor != NULL && tix_query_get(&q, "page") != NULL)
		return tix_req_fail(r, TIX_EBADREQ, "Give cursor or page, "
		    "not both.");
	rc = tix_ticket_list_fresh(&c, &f, &pg);
	if (rc == TIX_EBADREQ && f.cursor != NULL)
		return bad_param(r, "cursor");
	if (rc != TIX_OK)
		return rc;
	tix_out_begin(&o);
	tix_jw_key(&o.w, "tickets");
	tix_jw_arr_open(&o.w);
	for (i = 0; i < pg.ntickets; i++) {
		tix_jw_obj_open(&o.w);
		render_summary_fields(&o.w, &pg.tickets[i]);
		if (pg.matches != NULL)
			render_match(&o.w, &pg.matches[i]);
		tix_jw_obj_close(&o.w);
	}
	tix_jw_arr_close(&o.w);
	tix_jw_kint(&o.w, "total", pg.total);
	tix_jw_kbool(&o.w, "total_capped", pg.total_capped);
	tix_jw_kstr(&o.w, "next_cursor", pg.next_cursor);
	/* A page reached by cursor has no number. */
	if (f.cursor != NULL) {
		tix_jw_key(&o.w, "page");
		tix_jw_null(&o.w);
	} else
		tix_jw_kint(&o.w, "page", f.page);
	tix_jw_kint(&o.w, "per_page", f.per_page);
	return tix_out_send(r, &o, 200);
}

const struct tix_route tix_ticket_routes[] = {
	{ TIX_GET, "/api/health", h_health, true },
	/* Public here: the handler lets in loopback clients and admins. */
	{ TIX_GET, "/api/metrics", tix_api_metrics, true },
	{ TIX_GET, "/api/tickets", h_list, false },
	{ TIX_POST, "/api/tickets", h_create, false },
	/* Before "{}", which would take "stats" for a ticket number. */
	{ TIX_GET, "/api/tickets/stats", h_stats, false },
	{ TIX_GET, "/api/tickets/inbound", tix_api_inbound_list, false },
	{ TIX_POST, "/api/tickets/inbound/{}/ticket", tix_api_inbound_ticket,
	    false },
	{ TIX_POST, "/api/tickets/inbound/{}/append", tix_api_inbound_append,
	    false },
	{ TIX_DELETE, "/api/tickets/inbound/{}", tix_api_inbound_delete,
	    false },
	{ TIX_GET, "/api/tickets/{}", h_get, false },
	{ TIX_PATCH, "/api/tickets/{}", h_patch, false },
	{ TIX_DELETE, "/api/tickets/{}", tix_api_delete_ticket, false },
	{ TIX_POST, "/api/tickets/{}/messages", h_reply, false },
	{ TIX_POST, "/api/tickets/{}/reopen", h_reopen, false },
};
const size_t tix_ticket_nroutes =
    sizeof(tix_ticket_routes) / sizeof(tix_ticket_routes[0]);
