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
#include "api/ready_api.h"
#include "api/inbound_api.h"
#include "api/render.h"
#include "api/serve.h"
#include "api/ticket_answer.h"
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

/* The ticket's lookup in the caller's scope and its detail are one
 * batch: a ticket not theirs is 404 with nothing of it read. */
static enum tix_err
h_get(struct tix_req *r)
{
	struct tix_out	o;
	enum tix_err	rc;

	tix_out_begin(&o);
	tix_jw_key(&o.w, "ticket");
	rc = tix_api_detail_render_path(r, &o.w);
	if (rc != TIX_OK) {
		tix_out_discard(&o);
		return rc;
	}
	return tix_out_send(r, &o, 200);
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
		rc = tix_api_ticket_visible(r);
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
		tix_api_summary_render(&o.w, &pg.tickets[i]);
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
	{ TIX_GET, "/api/ready", tix_api_ready, true },
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
