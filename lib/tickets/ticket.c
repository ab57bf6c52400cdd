/*
 * ticket.c: ticket writes and lookups.
 */
#include <string.h>

#include "core/log.h"
#include "core/str.h"
#include "db/batch.h"
#include "outbox/queue.h"
#include "tickets/lifecycle.h"
#include "tickets/sla.h"
#include "tickets/ticket.h"

#define TICKET_PREFIX "TICK-"

bool
tix_ticket_number_parse(const char *s, bool any_case, int64_t *number)
{
	size_t n = sizeof(TICKET_PREFIX) - 1;

	if (s == NULL || strlen(s) <= n || strlen(s) > n + 9)
		return false;
	if (any_case ? !tix_str_ieq(s, n, TICKET_PREFIX) :
	    strncmp(s, TICKET_PREFIX, n) != 0)
		return false;
	if (s[n] == '0')
		return false;
	return tix_parse_int64(s + n, strlen(s + n), false, number);
}

/* The customer's own id when the caller is a customer, else NULL: the
 * scope parameter of every lookup. */
static const char *
scope(const struct tix_ctx *c)
{
	if (tix_is_staff(c->who))
		return NULL;
	return tix_db_i64(c->arena, c->who->user_id);
}

/* The caller as the outbox sees it: the system has no user. */
static struct tix_outbox_ctx
outbox(const struct tix_ctx *c)
{
	struct tix_outbox_ctx o;

	o.db = c->db;
	o.arena = c->arena;
	o.actor_id = c->who->via == TIX_VIA_SYSTEM ? 0 : c->who->user_id;
	o.actor_name = c->who->name != NULL ? c->who->name : "Support";
	o.actor_is_staff = tix_is_staff(c->who);
	return o;
}

/*
 * Run id as tix_db_run does; when begin, after a BEGIN sent in the same
 * round trip: the first statement of a call's own transaction.
 */
static enum tix_err
run_first(const struct tix_ctx *c, bool begin, enum tix_stmt id,
    const char *const *p, int n, struct tix_rows *rs)
{
	struct tix_db_batch b;

	if (!begin)
		return tix_db_run(c->db, c->arena, id, p, n, rs);
	tix_db_batch_init(&b, c->db, c->arena);
	tix_db_batch_begin(&b);
	tix_db_batch_add(&b, id, p, n, rs);
	return tix_db_batch_run(&b);
}

/* Who an entry is by: the caller, or the system (actor null). */
enum by { BY_CALLER, BY_SYSTEM };

/* The parameters of TIX_STMT_ENTRY_INSERT into p (in the arena). */
static void
entry_params(const struct tix_ctx *c, enum by by, int64_t ticket_id,
    const char *type, const char *body, const char *from, const char *to,
    const char *p[7])
{
	bool system = by == BY_SYSTEM || c->who->via == TIX_VIA_SYSTEM;

	p[0] = tix_db_i64(c->arena, ticket_id);
	p[1] = type;
	p[2] = system ? NULL : tix_db_i64(c->arena, c->who->user_id);
	p[3] = tix_via_name(system ? TIX_VIA_SYSTEM : c->who->via);
	p[4] = body;
	p[5] = from;
	p[6] = to;
}

static enum tix_err
add_entry_by(const struct tix_ctx *c, enum by by, int64_t ticket_id,
    const char *type, const char *body, const char *from, const char *to,
    int64_t *entry_id)
{
	const char	*p[7];
	struct tix_rows	 rs;
	enum tix_err	 rc;

	entry_params(c, by, ticket_id, type, body, from, to, p);
	rc = tix_db_run(c->db, c->arena, TIX_STMT_ENTRY_INSERT, p, 7, &rs);
	if (rc == TIX_OK && entry_id != NULL)
		*entry_id = tix_rows_int(&rs, 0, 0);
	return rc;
}

static enum tix_err
add_entry(const struct tix_ctx *c, int64_t ticket_id, const char *type,
    const char *body, const char *from, const char *to, int64_t *entry_id)
{
	return add_entry_by(c, BY_CALLER, ticket_id, type, body, from, to,
	    entry_id);
}

enum tix_err
tix_ticket_requester(const struct tix_ctx *c, const char *email,
    int64_t *user_id)
{
	struct tix_rows	 rs;
	enum tix_err	 rc;

	rc = tix_db_run(c->db, c->arena, TIX_STMT_REQUESTER_BY_EMAIL, &email,
	    1, &rs);
	if (rc != TIX_OK)
		return rc;
	if (rs.nrows != 1 || strcmp(tix_rows_get(&rs, 0, 1), "customer") != 0)
		return TIX_ENOTFOUND;
	*user_id = tix_rows_int(&rs, 0, 0);
	return TIX_OK;
}

/* End the transaction begun for a call (by its first statement, see
 * run_first): commit after rc == TIX_OK, roll back otherwise. */
static enum tix_err
in_transaction(const struct tix_ctx *c, enum tix_err rc)
{
	if (rc == TIX_OK && c->before_commit != NULL)
		rc = c->before_commit(c->before_commit_arg);
	if (rc == TIX_OK)
		rc = tix_db_commit(c->db);
	if (rc != TIX_OK)
		tix_db_rollback(c->db);
	return rc;
}

/*
 * Claim the caller's idempotency key for this request.  A key already
 * claimed (its transaction committed: the claim waits for a concurrent
 * one) with the same request hash replays its ticket; with another hash
 * it is TIX_ECONFLICT.
 */
static enum tix_err
claim_key(const struct tix_ctx *c, bool begin,
    const struct tix_ticket_new *in, struct tix_ticket_made *out)
{
	const char	*p[3];
	struct tix_rows	 rs;
	enum tix_err	 rc;

	p[0] = tix_db_i64(c->arena, c->who->user_id);
	p[1] = in->idempotency_key;
	p[2] = in->request_hash;
	rc = run_first(c, begin, TIX_STMT_IDEM_CLAIM, p, 3, &rs);
	if (rc != TIX_OK || rs.nrows == 1)
		return rc;
	rc = tix_db_run(c->db, c->arena, TIX_STMT_IDEM_GET, p, 2, &rs);
	if (rc != TIX_OK)
		return rc;
	if (rs.nrows != 1 || tix_rows_get(&rs, 0, 1) == NULL)
		return TIX_EUNAVAIL;	/* pruned or gone meanwhile: retry */
	if (strcmp(tix_rows_get(&rs, 0, 0), in->request_hash) != 0)
		return TIX_ECONFLICT;
	out->id = tix_rows_int(&rs, 0, 1);
	out->number = tix_rows_int(&rs, 0, 2);
	out->replayed = true;
	return TIX_OK;
}

/* tix_ticket_insert, beginning the transaction itself when begin. */
static enum tix_err
insert(const struct tix_ctx *c, bool begin, const struct tix_ticket_new *in,
    struct tix_ticket_made *out)
{
	const char	*p[7];
	struct tix_rows	 rs;
	int64_t		 now, due;
	enum tix_err	 rc;

	memset(out, 0, sizeof(*out));
	if (in->idempotency_key != NULL) {
		rc = claim_key(c, begin, in, out);
		if (rc != TIX_OK || out->replayed)
			return rc;
		begin = false;
	}
	p[0] = tix_db_i64(c->arena, in->requester_id != 0 ?
	    in->requester_id : c->who->user_id);
	/* The transaction's own clock and the requester's zone: the due
	 * time is computed from exactly the created_at that is stored. */
	rc = run_first(c, begin, TIX_STMT_TICKET_CONTEXT, p, 1, &rs);
	if (rc != TIX_OK)
		return rc;
	if (rs.nrows != 1)
		return TIX_EINTERNAL;
	now = tix_rows_int(&rs, 0, 0);
	if (tix_sla_due(now, in->priority, tix_rows_get(&rs, 0, 1), &due) !=
	    TIX_OK)
		return TIX_EINTERNAL;	/* a stored zone we cannot read */
	p[1] = in->subject;
	p[2] = in->description;
	p[3] = tix_priority_names[in->priority];
	p[4] = in->category;
	p[5] = in->license_key;
	p[6] = tix_db_i64(c->arena, due);
	rc = tix_db_run(c->db, c->arena, TIX_STMT_TICKET_INSERT, p, 7, &rs);
	if (rc != TIX_OK)
		return rc;
	out->id = tix_rows_int(&rs, 0, 0);
	out->number = tix_rows_int(&rs, 0, 1);
	rc = add_entry(c, out->id, "created", in->description, NULL, NULL,
	    &out->entry_id);
	if (rc == TIX_OK)
		rc = tix_outbox_created(outbox(c), out->id);
	if (rc != TIX_OK || in->idempotency_key == NULL)
		return rc;
	p[0] = tix_db_i64(c->arena, c->who->user_id);
	p[1] = in->idempotency_key;
	p[2] = tix_db_i64(c->arena, out->id);
	return tix_db_run(c->db, c->arena, TIX_STMT_IDEM_SET, p, 3, NULL);
}

enum tix_err
tix_ticket_insert(const struct tix_ctx *c, const struct tix_ticket_new *in,
    struct tix_ticket_made *out)
{
	return insert(c, false, in, out);
}

enum tix_err
tix_ticket_create(const struct tix_ctx *c, const struct tix_ticket_new *in,
    struct tix_ticket_made *out)
{
	return in_transaction(c, insert(c, true, in, out));
}

/* A ticket_ref from the REF_COLS of TICKET_FIND, TICKET_LOCK(_ID). */
static enum tix_err
read_ref(const struct tix_rows *rs, struct tix_ticket_ref *out)
{
	memset(out, 0, sizeof(*out));
	out->id = tix_rows_int(rs, 0, 0);
	if (!tix_status_parse(tix_rows_get(rs, 0, 1), &out->status) ||
	    !tix_priority_parse(tix_rows_get(rs, 0, 3), &out->priority))
		return TIX_EINTERNAL;
	out->requester_id = tix_rows_int(rs, 0, 2);
	out->category = tix_rows_get(rs, 0, 4);
	out->assignee_id = tix_rows_int(rs, 0, 5);
	out->created = tix_rows_int(rs, 0, 6);
	out->timezone = tix_rows_get(rs, 0, 7);
	out->in_reopen_window = tix_rows_bool(rs, 0, 8);
	out->overdue = tix_rows_bool(rs, 0, 9);
	return TIX_OK;
}

static enum tix_err
find(const struct tix_ctx *c, const char *number_text, bool lock, bool begin,
    struct tix_ticket_ref *out)
{
	const char	*p[2];
	struct tix_rows	 rs;
	int64_t		 number;
	enum tix_err	 rc;

	if (!tix_ticket_number_parse(number_text, false, &number))
		return TIX_ENOTFOUND;
	p[0] = tix_db_i64(c->arena, number);
	p[1] = scope(c);
	rc = run_first(c, begin, lock ? TIX_STMT_TICKET_LOCK :
	    TIX_STMT_TICKET_FIND, p, 2, &rs);
	if (rc != TIX_OK)
		return rc;
	if (rs.nrows != 1)
		return TIX_ENOTFOUND;
	return read_ref(&rs, out);
}

enum tix_err
tix_ticket_find(const struct tix_ctx *c, const char *number_text,
    struct tix_ticket_ref *out)
{
	return find(c, number_text, false, false, out);
}

static enum tix_actor
actor_of(const struct tix_ctx *c)
{
	if (c->who->via == TIX_VIA_SYSTEM)
		return TIX_ACTOR_SYSTEM;
	return tix_is_staff(c->who) ? TIX_ACTOR_AGENT : TIX_ACTOR_CUSTOMER;
}

/* Set the status (with its entry) unless it is already so. */
static enum tix_err
change_status(const struct tix_ctx *c, enum by by,
    const struct tix_ticket_ref *t, enum tix_status next)
{
	const char	*p[2];
	enum tix_err	 rc;

	if (next == t->status)
		return TIX_OK;
	p[0] = tix_db_i64(c->arena, t->id);
	p[1] = tix_status_names[next];
	rc = tix_db_run(c->db, c->arena, TIX_STMT_TICKET_SET_STATUS, p, 2,
	    NULL);
	if (rc == TIX_OK)
		rc = add_entry_by(c, by, t->id, "status_changed", NULL,
		    tix_status_names[t->status], tix_status_names[next], NULL);
	if (rc != TIX_OK)
		return rc;
	return tix_outbox_status(outbox(c), t->id, tix_status_names[t->status],
	    tix_status_names[next]);
}

/* Set the priority and the due time that follows from it. */
static enum tix_err
change_priority(const struct tix_ctx *c, enum by by,
    const struct tix_ticket_ref *t, enum tix_priority next)
{
	const char	*p[3];
	int64_t		 due;
	enum tix_err	 rc;

	if (next == t->priority)
		return TIX_OK;
	if (tix_sla_due(t->created, next, t->timezone, &due) != TIX_OK)
		return TIX_EINTERNAL;
	p[0] = tix_db_i64(c->arena, t->id);
	p[1] = tix_priority_names[next];
	p[2] = tix_db_i64(c->arena, due);
	rc = tix_db_run(c->db, c->arena, TIX_STMT_TICKET_SET_PRIORITY, p, 3,
	    NULL);
	if (rc != TIX_OK)
		return rc;
	return add_entry_by(c, by, t->id, "priority_changed", NULL,
	    tix_priority_names[t->priority], tix_priority_names[next], NULL);
}

/* tix_ticket_add_reply, beginning the transaction itself when begin. */
static enum tix_err
add_reply(const struct tix_ctx *c, bool begin, const char *number_text,
    const struct tix_reply_in *in, int64_t *ticket_id, int64_t *entry_id)
{
	struct tix_ticket_ref	 t;
	struct tix_transition	 tr;
	enum tix_status		 next;
	enum tix_priority	 bump;
	struct tix_db_batch	 b;
	struct tix_rows		 made;
	const char		*p[4], *pm[7], *ps[7], *pp[3], *pe[7];
	bool			 staff = tix_is_staff(c->who);
	int64_t			 due;
	enum tix_err		 rc;

	/* The row lock orders concurrent replies: each sees the status the
	 * one before it left. */
	rc = find(c, number_text, true, begin, &t);
	if (rc != TIX_OK)
		return rc;
	memset(&tr, 0, sizeof(tr));
	tr.cur = t.status;
	tr.ev = in->internal ? TIX_EV_NOTE : TIX_EV_REPLY;
	tr.actor = actor_of(c);
	tr.has_target = in->status != NULL;
	if (in->status != NULL)
		tr.target = *in->status;
	rc = tix_lifecycle_next(&tr, &next);
	if (rc != TIX_OK)
		return rc;
	/* The entries and the ticket's new state need nothing of each
	 * other in C: one round trip for all of them, in timeline order. */
	tix_db_batch_init(&b, c->db, c->arena);
	entry_params(c, BY_CALLER, t.id, in->internal ? "note" : "message",
	    in->body, NULL, NULL, pm);
	tix_db_batch_add(&b, TIX_STMT_ENTRY_INSERT, pm, 7, &made);
	if (next != t.status) {
		entry_params(c, BY_CALLER, t.id, "status_changed", NULL,
		    tix_status_names[t.status], tix_status_names[next], ps);
		tix_db_batch_add(&b, TIX_STMT_ENTRY_INSERT, ps, 7, NULL);
	}
	/* A customer who writes again after the due time passed unanswered
	 * gets one step more urgency (the contract stops at high). */
	if (!staff && t.overdue && t.priority < TIX_PRIORITY_HIGH) {
		bump = (enum tix_priority)(t.priority + 1);
		if (tix_sla_due(t.created, bump, t.timezone, &due) != TIX_OK)
			return TIX_EINTERNAL;
		pp[0] = tix_db_i64(c->arena, t.id);
		pp[1] = tix_priority_names[bump];
		pp[2] = tix_db_i64(c->arena, due);
		tix_db_batch_add(&b, TIX_STMT_TICKET_SET_PRIORITY, pp, 3, NULL);
		entry_params(c, BY_SYSTEM, t.id, "priority_changed", NULL,
		    tix_priority_names[t.priority], tix_priority_names[bump],
		    pe);
		tix_db_batch_add(&b, TIX_STMT_ENTRY_INSERT, pe, 7, NULL);
	}
	p[0] = tix_db_i64(c->arena, t.id);
	p[1] = tix_status_names[next];
	p[2] = staff && !in->internal ? "t" : "f";
	p[3] = in->internal ? "t" : "f";
	tix_db_batch_add(&b, TIX_STMT_TICKET_AFTER_MESSAGE, p, 4, NULL);
	rc = tix_db_batch_run(&b);
	if (rc == TIX_OK && made.nrows != 1)
		rc = TIX_EINTERNAL;
	if (rc == TIX_OK)
		*entry_id = tix_rows_int(&made, 0, 0);
	if (rc == TIX_OK)
		rc = tix_outbox_message(outbox(c), t.id, in->body, in->internal,
		    tix_status_names[t.status], tix_status_names[next]);
	if (rc == TIX_OK)
		*ticket_id = t.id;
	return rc;
}

enum tix_err
tix_ticket_add_reply(const struct tix_ctx *c, const char *number_text,
    const struct tix_reply_in *in, int64_t *ticket_id, int64_t *entry_id)
{
	return add_reply(c, false, number_text, in, ticket_id, entry_id);
}

enum tix_err
tix_ticket_reply(const struct tix_ctx *c, const char *number_text,
    const struct tix_reply_in *in, int64_t *ticket_id, int64_t *entry_id)
{
	return in_transaction(c, add_reply(c, true, number_text, in,
	    ticket_id, entry_id));
}

/* The name of user id, or NULL for 0. */
static enum tix_err
user_name(const struct tix_ctx *c, int64_t id, const char **name)
{
	const char	*p[1];
	struct tix_rows	 rs;
	enum tix_err	 rc;

	*name = NULL;
	if (id == 0)
		return TIX_OK;
	p[0] = tix_db_i64(c->arena, id);
	rc = tix_db_run(c->db, c->arena, TIX_STMT_USER_NAME, p, 1, &rs);
	if (rc == TIX_OK && rs.nrows == 1)
		*name = tix_rows_get(&rs, 0, 0);
	return rc;
}

static enum tix_err
assign(const struct tix_ctx *c, const struct tix_ticket_ref *t,
    int64_t assignee_id)
{
	const char	*p[2], *name = NULL, *before;
	struct tix_rows	 rs;
	enum tix_err	 rc;

	if (assignee_id == t->assignee_id)
		return TIX_OK;
	/* Read under the ticket's lock: the name of the assignee now. */
	rc = user_name(c, t->assignee_id, &before);
	if (rc != TIX_OK)
		return rc;
	p[0] = tix_db_i64(c->arena, assignee_id);
	if (assignee_id != 0) {
		rc = tix_db_run(c->db, c->arena, TIX_STMT_STAFF_NAME, p, 1,
		    &rs);
		if (rc != TIX_OK)
			return rc;
		if (rs.nrows != 1)
			return TIX_EINVAL;
		name = tix_rows_get(&rs, 0, 0);
	}
	p[0] = tix_db_i64(c->arena, t->id);
	p[1] = assignee_id == 0 ? NULL : tix_db_i64(c->arena, assignee_id);
	rc = tix_db_run(c->db, c->arena, TIX_STMT_TICKET_SET_ASSIGNEE, p, 2,
	    NULL);
	if (rc == TIX_OK)
		rc = add_entry(c, t->id, "assigned", NULL, before, name, NULL);
	if (rc != TIX_OK)
		return rc;
	return tix_outbox_assigned(outbox(c), t->id, assignee_id);
}

static enum tix_err
update(const struct tix_ctx *c, const char *number_text,
    const struct tix_ticket_patch *pt, int64_t *ticket_id)
{
	struct tix_ticket_ref	 t;
	struct tix_transition	 tr;
	enum tix_status		 next;
	const char		*p[2];
	enum tix_err		 rc;

	rc = find(c, number_text, true, true, &t);
	if (rc != TIX_OK)
		return rc;
	*ticket_id = t.id;
	if (!tix_is_staff(c->who) && (pt->priority != NULL ||
	    pt->category != NULL || pt->has_assignee))
		return TIX_EFORBIDDEN;
	if (pt->status != NULL) {
		memset(&tr, 0, sizeof(tr));
		tr.cur = t.status;
		tr.ev = TIX_EV_SET_STATUS;
		tr.actor = actor_of(c);
		tr.target = *pt->status;
		tr.has_target = true;
		rc = tix_lifecycle_next(&tr, &next);
		if (rc == TIX_OK)
			rc = change_status(c, BY_CALLER, &t, next);
		if (rc != TIX_OK)
			return rc;
	}
	if (pt->priority != NULL) {
		rc = change_priority(c, BY_CALLER, &t, *pt->priority);
		if (rc != TIX_OK)
			return rc;
	}
	if (pt->category != NULL && strcmp(pt->category, t.category) != 0) {
		p[0] = tix_db_i64(c->arena, t.id);
		p[1] = pt->category;
		rc = tix_db_run(c->db, c->arena, TIX_STMT_TICKET_SET_CATEGORY,
		    p, 2, NULL);
		if (rc == TIX_OK)
			rc = add_entry(c, t.id, "category_changed", NULL,
			    t.category, pt->category, NULL);
		if (rc != TIX_OK)
			return rc;
	}
	if (pt->has_assignee)
		return assign(c, &t, pt->assignee_id);
	return TIX_OK;
}

enum tix_err
tix_ticket_update(const struct tix_ctx *c, const char *number_text,
    const struct tix_ticket_patch *p, int64_t *ticket_id)
{
	/* update's lock is the transaction's first statement. */
	return in_transaction(c, update(c, number_text, p, ticket_id));
}

static enum tix_err
reopen(const struct tix_ctx *c, const char *number_text, const char *body,
    int64_t *ticket_id)
{
	struct tix_ticket_ref	 t;
	struct tix_transition	 tr;
	enum tix_status		 next;
	const char		*id;
	enum tix_err		 rc;

	rc = find(c, number_text, true, true, &t);
	if (rc != TIX_OK)
		return rc;
	*ticket_id = t.id;
	memset(&tr, 0, sizeof(tr));
	tr.cur = t.status;
	tr.ev = TIX_EV_REOPEN;
	tr.actor = actor_of(c);
	tr.in_reopen_window = t.in_reopen_window;
	rc = tix_lifecycle_next(&tr, &next);
	if (rc != TIX_OK)
		return rc;
	id = tix_db_i64(c->arena, t.id);
	rc = tix_db_run(c->db, c->arena, TIX_STMT_TICKET_REOPEN, &id, 1,
	    NULL);
	if (rc == TIX_OK)
		rc = add_entry(c, t.id, "reopened", body,
		    tix_status_names[t.status], tix_status_names[next], NULL);
	if (rc != TIX_OK)
		return rc;
	return tix_outbox_reopened(outbox(c), t.id, body,
	    tix_status_names[t.status]);
}

enum tix_err
tix_ticket_reopen(const struct tix_ctx *c, const char *number_text,
    const char *body, int64_t *ticket_id)
{
	/* reopen's lock is the transaction's first statement. */
	return in_transaction(c, reopen(c, number_text, body, ticket_id));
}

/* Lock the ticket with this id (the scheduler holds it already). */
static enum tix_err
lock_id(const struct tix_ctx *c, const char *id, struct tix_ticket_ref *t)
{
	struct tix_rows	rs;
	enum tix_err	rc;

	rc = tix_db_run(c->db, c->arena, TIX_STMT_TICKET_LOCK_ID, &id, 1,
	    &rs);
	if (rc != TIX_OK)
		return rc;
	if (rs.nrows != 1)
		return TIX_ENOTFOUND;
	return read_ref(&rs, t);
}

/* A row's failure that the batch survives: anything but the database
 * gone or memory exhausted. */
static bool
row_may_fail(enum tix_err rc)
{
	return rc != TIX_OK && rc != TIX_EUNAVAIL && rc != TIX_ENOMEM;
}

/*
 * Finish ticket id's work under the savepoint: release it after
 * success, undo it after a failure that is the row's own (logged and
 * counted, TIX_OK so that the batch goes on).
 */
static enum tix_err
row_done(const struct tix_ctx *c, const char *what, int64_t id,
    enum tix_err rc, struct tix_sched_batch *b)
{
	if (rc == TIX_OK) {
		b->done++;
		return tix_db_release(c->db);
	}
	if (!row_may_fail(rc))
		return rc;
	tix_log_warn("scheduler: %s of ticket id %lld failed (%s); skipped",
	    what, (long long)id, tix_err_name(rc));
	b->skipped++;
	return tix_db_rollback_to(c->db);
}

static enum tix_err
autoclose_one(const struct tix_ctx *c, const char *id)
{
	struct tix_ticket_ref	 t;
	struct tix_transition	 tr;
	enum tix_status		 next;
	enum tix_err		 rc;

	rc = lock_id(c, id, &t);
	if (rc != TIX_OK)
		return rc;
	memset(&tr, 0, sizeof(tr));
	tr.cur = t.status;
	tr.ev = TIX_EV_AUTO_CLOSE;
	tr.actor = TIX_ACTOR_SYSTEM;
	rc = tix_lifecycle_next(&tr, &next);
	if (rc == TIX_OK)
		rc = change_status(c, BY_SYSTEM, &t, next);
	return rc;
}

static enum tix_err
autoclose(const struct tix_ctx *c, int days, struct tix_sched_batch *b)
{
	struct tix_rows	 rs;
	const char	*p[3];
	size_t		 i;
	enum tix_err	 rc;

	p[0] = tix_db_i64(c->arena, days);
	p[1] = tix_db_i64(c->arena, b->limit);
	p[2] = tix_db_i64(c->arena, b->after);
	rc = tix_db_run(c->db, c->arena, TIX_STMT_SCHED_AUTOCLOSE, p, 3, &rs);
	for (i = 0; rc == TIX_OK && i < rs.nrows; i++) {
		b->seen++;
		b->after = tix_rows_int(&rs, i, 0);
		rc = tix_db_savepoint(c->db);
		if (rc == TIX_OK)
			rc = row_done(c, "auto-close", b->after,
			    autoclose_one(c, tix_rows_get(&rs, i, 0)), b);
	}
	return rc;
}

/* Counters of a batch start at zero; its limit and cursor are kept. */
static void
batch_start(struct tix_sched_batch *b)
{
	b->seen = 0;
	b->done = 0;
	b->skipped = 0;
}

enum tix_err
tix_ticket_autoclose_due(const struct tix_ctx *c, int days,
    struct tix_sched_batch *b)
{
	enum tix_err rc;

	batch_start(b);
	rc = tix_db_begin(c->db);
	if (rc != TIX_OK)
		return rc;
	return in_transaction(c, autoclose(c, days, b));
}

static enum tix_err
breach_one(const struct tix_ctx *c, const char *id, int64_t n)
{
	enum tix_err rc;

	rc = tix_db_run(c->db, c->arena, TIX_STMT_TICKET_MARK_BREACHED, &id,
	    1, NULL);
	if (rc == TIX_OK)
		rc = add_entry_by(c, BY_SYSTEM, n, "sla_breached", NULL, NULL,
		    NULL, NULL);
	if (rc == TIX_OK)
		rc = tix_outbox_breach(outbox(c), n);
	return rc;
}

static enum tix_err
breaches(const struct tix_ctx *c, struct tix_sched_batch *b)
{
	struct tix_rows	 rs;
	const char	*p[2];
	size_t		 i;
	enum tix_err	 rc;

	p[0] = tix_db_i64(c->arena, b->limit);
	p[1] = tix_db_i64(c->arena, b->after);
	rc = tix_db_run(c->db, c->arena, TIX_STMT_SCHED_BREACHES, p, 2, &rs);
	for (i = 0; rc == TIX_OK && i < rs.nrows; i++) {
		b->seen++;
		b->after = tix_rows_int(&rs, i, 0);
		rc = tix_db_savepoint(c->db);
		if (rc == TIX_OK)
			rc = row_done(c, "SLA breach", b->after,
			    breach_one(c, tix_rows_get(&rs, i, 0), b->after),
			    b);
	}
	return rc;
}

enum tix_err
tix_ticket_record_breaches(const struct tix_ctx *c,
    struct tix_sched_batch *b)
{
	enum tix_err rc;

	batch_start(b);
	rc = tix_db_begin(c->db);
	if (rc != TIX_OK)
		return rc;
	return in_transaction(c, breaches(c, b));
}

enum tix_err
tix_ticket_stats(const struct tix_ctx *c, struct tix_ticket_stats *out)
{
	const char	*p[1];
	struct tix_rows	 rs;
	enum tix_err	 rc;
	int		 i;

	p[0] = scope(c);
	rc = tix_db_run(c->db, c->arena, TIX_STMT_TICKET_STATS, p, 1, &rs);
	if (rc != TIX_OK)
		return rc;
	for (i = 0; i < TIX_STATUS__MAX; i++)
		out->by_status[i] = tix_rows_int(&rs, 0, (size_t)i);
	out->unassigned = tix_rows_int(&rs, 0, 5);
	out->breached = tix_rows_int(&rs, 0, 6);
	return TIX_OK;
}
