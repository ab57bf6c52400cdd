/*
 * ticket.c: ticket writes and lookups.
 */
#include <string.h>

#include "core/str.h"
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

static enum tix_err
add_entry(const struct tix_ctx *c, int64_t ticket_id, const char *type,
    const char *body, const char *from, const char *to, int64_t *entry_id)
{
	const char	*p[7];
	struct tix_rows	 rs;
	enum tix_err	 rc;

	p[0] = tix_db_i64(c->arena, ticket_id);
	p[1] = type;
	p[2] = tix_db_i64(c->arena, c->who->user_id);
	p[3] = tix_via_name(c->who->via);
	p[4] = body;
	p[5] = from;
	p[6] = to;
	if (p[0] == NULL || p[2] == NULL)
		return TIX_ENOMEM;
	rc = tix_db_run(c->db, c->arena, TIX_STMT_ENTRY_INSERT, p, 7, &rs);
	if (rc == TIX_OK && entry_id != NULL)
		*entry_id = tix_rows_int(&rs, 0, 0);
	return rc;
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

enum tix_err
tix_ticket_insert(const struct tix_ctx *c, const struct tix_ticket_new *in,
    struct tix_ticket_made *out)
{
	const char	*p[7];
	struct tix_rows	 rs;
	int64_t		 now, due;
	enum tix_err	 rc;

	p[0] = tix_db_i64(c->arena, in->requester_id != 0 ?
	    in->requester_id : c->who->user_id);
	if (p[0] == NULL)
		return TIX_ENOMEM;
	/* The transaction's own clock and the requester's zone: the due
	 * time is computed from exactly the created_at that is stored. */
	rc = tix_db_run(c->db, c->arena, TIX_STMT_TICKET_CONTEXT, p, 1, &rs);
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
	return add_entry(c, out->id, "created", in->description, NULL, NULL,
	    &out->entry_id);
}

enum tix_err
tix_ticket_create(const struct tix_ctx *c, const struct tix_ticket_new *in,
    struct tix_ticket_made *out)
{
	enum tix_err rc;

	rc = tix_db_begin(c->db);
	if (rc != TIX_OK)
		return rc;
	rc = tix_ticket_insert(c, in, out);
	if (rc == TIX_OK)
		rc = tix_db_commit(c->db);
	if (rc != TIX_OK)
		tix_db_rollback(c->db);
	return rc;
}

static enum tix_err
find(const struct tix_ctx *c, const char *number_text, bool lock,
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
	rc = tix_db_run(c->db, c->arena, lock ? TIX_STMT_TICKET_LOCK :
	    TIX_STMT_TICKET_FIND, p, 2, &rs);
	if (rc != TIX_OK)
		return rc;
	if (rs.nrows != 1)
		return TIX_ENOTFOUND;
	out->id = tix_rows_int(&rs, 0, 0);
	if (!tix_status_parse(tix_rows_get(&rs, 0, 1), &out->status))
		return TIX_EINTERNAL;
	out->requester_id = tix_rows_int(&rs, 0, 2);
	return TIX_OK;
}

enum tix_err
tix_ticket_find(const struct tix_ctx *c, const char *number_text,
    struct tix_ticket_ref *out)
{
	return find(c, number_text, false, out);
}

enum tix_err
tix_ticket_add_reply(const struct tix_ctx *c, const char *number_text,
    const struct tix_reply_in *in, int64_t *ticket_id, int64_t *entry_id)
{
	struct tix_ticket_ref	 t;
	enum tix_status		 next;
	const char		*p[4];
	bool			 staff = tix_is_staff(c->who);
	enum tix_err		 rc;

	/* The row lock orders concurrent replies: each sees the status the
	 * one before it left. */
	rc = find(c, number_text, true, &t);
	if (rc != TIX_OK)
		return rc;
	if (in->internal && !staff)
		return TIX_EFORBIDDEN;
	rc = tix_lifecycle_reply(t.status, staff, in->internal, in->status,
	    &next);
	if (rc != TIX_OK)
		return rc;
	rc = add_entry(c, t.id, in->internal ? "note" : "message", in->body,
	    NULL, NULL, entry_id);
	if (rc == TIX_OK && next != t.status)
		rc = add_entry(c, t.id, "status_changed", NULL,
		    tix_status_names[t.status], tix_status_names[next], NULL);
	if (rc != TIX_OK)
		return rc;
	p[0] = tix_db_i64(c->arena, t.id);
	p[1] = tix_status_names[next];
	p[2] = staff && !in->internal ? "t" : "f";
	p[3] = in->internal ? "t" : "f";
	rc = tix_db_run(c->db, c->arena, TIX_STMT_TICKET_AFTER_MESSAGE, p, 4,
	    NULL);
	if (rc == TIX_OK)
		*ticket_id = t.id;
	return rc;
}

enum tix_err
tix_ticket_reply(const struct tix_ctx *c, const char *number_text,
    const struct tix_reply_in *in, int64_t *ticket_id, int64_t *entry_id)
{
	enum tix_err rc;

	rc = tix_db_begin(c->db);
	if (rc != TIX_OK)
		return rc;
	rc = tix_ticket_add_reply(c, number_text, in, ticket_id, entry_id);
	if (rc == TIX_OK)
		rc = tix_db_commit(c->db);
	if (rc != TIX_OK)
		tix_db_rollback(c->db);
	return rc;
}
