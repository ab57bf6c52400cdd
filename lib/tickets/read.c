/*
 * read.c: a ticket's summary, detail, timeline, attachments and license
 * as typed structs (read.h), from the statements of lib/db/stmt.c.
 *
 * The detail's four statements (summary, timeline, refused files,
 * attachments) need nothing of each other: they go in one batch, one
 * round trip (db/batch.h).  Each takes the viewer's role itself, and
 * by number the caller's scope too, so that a GET needs no lookup of
 * the ticket before them.
 */
#include <string.h>

#include "core/limits.h"
#include "db/batch.h"
#include "tickets/license.h"
#include "tickets/read.h"

/* Columns of the summary (SUMMARY_COLS), then the detail's two. */
enum {
	C_NUMBER, C_SUBJECT, C_STATUS, C_PRIORITY, C_CATEGORY, C_LICENSE,
	C_REQ_ID, C_REQ_NAME, C_REQ_EMAIL, C_REQ_ACCOUNT_ID, C_REQ_ACCOUNT_NAME,
	C_ASG_ID, C_ASG_NAME, C_CREATED,
	C_UPDATED, C_FIRST_RESPONSE, C_RESOLVED, C_CLOSED, C_DUE, C_BREACHED,
	C_ATTACHMENTS, C_ID,
	C_DESCRIPTION, C_REOPEN_WINDOW	/* detail only */
};

/* Columns of TIX_STMT_ATTACH_LIST. */
enum { A_ID, A_NAME, A_TYPE, A_SIZE, A_CREATED, A_ENTRY };

/* Columns of TIX_STMT_TICKET_ENTRIES. */
enum {
	E_ID, E_TYPE, E_AT, E_ACTOR_ID, E_ACTOR_NAME, E_ACTOR_ROLE, E_VIA,
	E_BODY, E_FROM, E_TO
};

/* Columns of TIX_STMT_LICENSE_FOR_TICKET. */
enum { L_KEY, L_PRODUCT, L_STATUS, L_EXPIRES, L_USED, L_MAX, L_ID };

void
tix_summary_read(const struct tix_rows *rs, size_t r,
    struct tix_ticket_summary *out)
{
	memset(out, 0, sizeof(*out));
	out->id = tix_rows_int(rs, r, C_ID);
	out->number = tix_rows_int(rs, r, C_NUMBER);
	out->subject = tix_rows_get(rs, r, C_SUBJECT);
	out->status = tix_rows_get(rs, r, C_STATUS);
	out->priority = tix_rows_get(rs, r, C_PRIORITY);
	out->category = tix_rows_get(rs, r, C_CATEGORY);
	out->license_key = tix_rows_get(rs, r, C_LICENSE);
	out->requester_id = tix_rows_int(rs, r, C_REQ_ID);
	out->requester_name = tix_rows_get(rs, r, C_REQ_NAME);
	out->requester_email = tix_rows_get(rs, r, C_REQ_EMAIL);
	out->account_id = tix_rows_int(rs, r, C_REQ_ACCOUNT_ID);
	out->account_name = tix_rows_get(rs, r, C_REQ_ACCOUNT_NAME);
	if (tix_rows_get(rs, r, C_ASG_ID) != NULL) {
		out->assignee_id = tix_rows_int(rs, r, C_ASG_ID);
		out->assignee_name = tix_rows_get(rs, r, C_ASG_NAME);
	}
	out->created_at = tix_rows_get(rs, r, C_CREATED);
	out->updated_at = tix_rows_get(rs, r, C_UPDATED);
	out->first_response_at = tix_rows_get(rs, r, C_FIRST_RESPONSE);
	out->resolved_at = tix_rows_get(rs, r, C_RESOLVED);
	out->closed_at = tix_rows_get(rs, r, C_CLOSED);
	out->first_response_due_at = tix_rows_get(rs, r, C_DUE);
	out->breached = tix_rows_bool(rs, r, C_BREACHED);
	out->attachment_count = tix_rows_int(rs, r, C_ATTACHMENTS);
}

/* Statement id's rows for ticket id and whether the viewer is staff
 * (sees internal notes). */
static enum tix_err
ticket_rows(const struct tix_ctx *c, enum tix_stmt stmt, int64_t id,
    struct tix_rows *rs)
{
	const char *p[2];

	p[0] = tix_db_i64(c->arena, id);
	p[1] = tix_is_staff(c->who) ? "t" : "f";
	return tix_db_run(c->db, c->arena, stmt, p, 2, rs);
}

/* An array of n elements of size sz in the arena (one at least, so
 * that an empty list is not NULL). */
static void *
array_of(struct tix_arena *a, size_t n, size_t sz)
{
	void *p = tix_arena_alloc(a, (n + 1) * sz);

	if (p != NULL)
		memset(p, 0, (n + 1) * sz);
	return p;
}

/* The refused files rs (ordered by entry, as e) onto their entries. */
static enum tix_err
refused_files(const struct tix_ctx *c, const struct tix_rows *rs,
    struct tix_entry *e, size_t n)
{
	size_t	i, j, k = 0, r0;

	for (i = 0; i < n && k < rs->nrows; i++) {
		while (k < rs->nrows && tix_rows_int(rs, k, 0) < e[i].id)
			k++;
		for (r0 = k; k < rs->nrows && tix_rows_int(rs, k, 0) ==
		    e[i].id; k++)
			;
		if (k == r0)
			continue;
		e[i].refused = array_of(c->arena, k - r0,
		    sizeof(*e[i].refused));
		if (e[i].refused == NULL)
			return TIX_ENOMEM;
		for (j = r0; j < k; j++) {
			e[i].refused[j - r0].filename = tix_rows_get(rs, j, 1);
			e[i].refused[j - r0].reason = tix_rows_get(rs, j, 2);
		}
		e[i].nrefused = k - r0;
	}
	return TIX_OK;
}

/* The timeline from the rows of TICKET_ENTRIES and REFUSED_LIST. */
static enum tix_err
entries_read(const struct tix_ctx *c, const struct tix_rows *rs,
    const struct tix_rows *refused, struct tix_entry **out, size_t *n)
{
	struct tix_entry *e;
	enum tix_err	 rc;
	size_t		 i;

	*out = NULL;
	*n = 0;
	if (rs->nrows > 0 && rs->ncols <= E_TO)
		return TIX_EINTERNAL;
	if (refused->nrows > 0 && refused->ncols < 3)
		return TIX_EINTERNAL;
	e = array_of(c->arena, rs->nrows, sizeof(*e));
	if (e == NULL)
		return TIX_ENOMEM;
	for (i = 0; i < rs->nrows; i++) {
		e[i].id = tix_rows_int(rs, i, E_ID);
		e[i].type = tix_rows_get(rs, i, E_TYPE);
		e[i].at = tix_rows_get(rs, i, E_AT);
		if (tix_rows_get(rs, i, E_ACTOR_ID) != NULL) {
			e[i].actor_id = tix_rows_int(rs, i, E_ACTOR_ID);
			e[i].actor_name = tix_rows_get(rs, i, E_ACTOR_NAME);
			e[i].actor_role = tix_rows_get(rs, i, E_ACTOR_ROLE);
		}
		e[i].via = tix_rows_get(rs, i, E_VIA);
		e[i].body = tix_rows_get(rs, i, E_BODY);
		e[i].from = tix_rows_get(rs, i, E_FROM);
		e[i].to = tix_rows_get(rs, i, E_TO);
	}
	rc = refused_files(c, refused, e, rs->nrows);
	if (rc != TIX_OK)
		return rc;
	*out = e;
	*n = rs->nrows;
	return TIX_OK;
}

/* The attachments from the rows of ATTACH_LIST. */
static enum tix_err
attachments_read(const struct tix_ctx *c, const struct tix_rows *rs,
    struct tix_attachment **out, size_t *n)
{
	struct tix_attachment	*a;
	size_t			 i;

	*out = NULL;
	*n = 0;
	if (rs->nrows > 0 && rs->ncols <= A_ENTRY)
		return TIX_EINTERNAL;
	a = array_of(c->arena, rs->nrows, sizeof(*a));
	if (a == NULL)
		return TIX_ENOMEM;
	for (i = 0; i < rs->nrows; i++) {
		a[i].id = tix_rows_int(rs, i, A_ID);
		a[i].filename = tix_rows_get(rs, i, A_NAME);
		a[i].content_type = tix_rows_get(rs, i, A_TYPE);
		a[i].size = tix_rows_int(rs, i, A_SIZE);
		a[i].created_at = tix_rows_get(rs, i, A_CREATED);
		a[i].entry_id = tix_rows_int(rs, i, A_ENTRY);
	}
	*out = a;
	*n = rs->nrows;
	return TIX_OK;
}

enum tix_err
tix_ticket_attachments(const struct tix_ctx *c, int64_t id,
    struct tix_attachment **out, size_t *n)
{
	struct tix_rows	rs;
	enum tix_err	rc;

	*out = NULL;
	*n = 0;
	rc = ticket_rows(c, TIX_STMT_ATTACH_LIST, id, &rs);
	if (rc != TIX_OK)
		return rc;
	return attachments_read(c, &rs, out, n);
}

/* Candidate keys, in order: the license_key field, then the subject,
 * then the description. */
#define MAX_KEYS 8

/*
 * The first key named by the ticket that the caller may see: a customer
 * only their own account's, an agent any.  A key of another account is
 * as no key at all: *out stays NULL.
 */
static enum tix_err
license_of(const struct tix_ctx *c, const struct tix_ticket_detail *d,
    struct tix_license_view **out)
{
	char			 keys[MAX_KEYS][TIX_LICENSE_KEY_LEN + 1];
	const char		*texts[3], *p[2];
	struct tix_rows		 ls, as;
	struct tix_license_view	*l;
	size_t			 n = 0, i;
	enum tix_err		 rc;

	*out = NULL;
	texts[0] = d->summary.license_key;
	texts[1] = d->summary.subject;
	texts[2] = d->description;
	for (i = 0; i < 3 && n < MAX_KEYS; i++)
		if (texts[i] != NULL)
			n += tix_license_keys_find(texts[i], strlen(texts[i]),
			    keys + n, MAX_KEYS - n);
	p[1] = NULL;
	if (!tix_is_staff(c->who))
		p[1] = tix_db_i64(c->arena, c->who->account_id);
	for (i = 0; i < n; i++) {
		p[0] = keys[i];
		rc = tix_db_run(c->db, c->arena, TIX_STMT_LICENSE_FOR_TICKET,
		    p, 2, &ls);
		if (rc != TIX_OK)
			return rc;
		if (ls.nrows == 1)
			break;
	}
	if (i == n)
		return TIX_OK;
	if (ls.ncols <= L_ID)
		return TIX_EINTERNAL;
	p[0] = tix_rows_get(&ls, 0, L_ID);
	rc = tix_db_run(c->db, c->arena, TIX_STMT_LICENSE_ACTIVATIONS, p, 1,
	    &as);
	if (rc != TIX_OK)
		return rc;
	if (as.nrows > 0 && as.ncols < 3)
		return TIX_EINTERNAL;
	l = array_of(c->arena, 1, sizeof(*l));
	if (l == NULL)
		return TIX_ENOMEM;
	l->key = tix_rows_get(&ls, 0, L_KEY);
	l->product = tix_rows_get(&ls, 0, L_PRODUCT);
	l->status = tix_rows_get(&ls, 0, L_STATUS);
	l->expires_at = tix_rows_get(&ls, 0, L_EXPIRES);
	l->activations_used = tix_rows_int(&ls, 0, L_USED);
	l->activations_max = tix_rows_int(&ls, 0, L_MAX);
	l->activations = array_of(c->arena, as.nrows, sizeof(*l->activations));
	if (l->activations == NULL)
		return TIX_ENOMEM;
	for (i = 0; i < as.nrows; i++) {
		l->activations[i].machine = tix_rows_get(&as, i, 0);
		l->activations[i].activated_at = tix_rows_get(&as, i, 1);
		l->activations[i].deactivated_at = tix_rows_get(&as, i, 2);
	}
	l->nactivations = as.nrows;
	*out = l;
	return TIX_OK;
}

/* The detail's four statements: by the ticket's id, by its number. */
static const enum tix_stmt by_id[4] = {
	TIX_STMT_TICKET_SUMMARY, TIX_STMT_TICKET_ENTRIES,
	TIX_STMT_REFUSED_LIST, TIX_STMT_ATTACH_LIST
};
static const enum tix_stmt by_number[4] = {
	TIX_STMT_TICKET_SUMMARY_N, TIX_STMT_TICKET_ENTRIES_N,
	TIX_STMT_REFUSED_LIST_N, TIX_STMT_ATTACH_LIST_N
};

/*
 * The detail without its license: the summary, timeline, refused files
 * and attachments of the ticket that key (and, by number, scope) names,
 * in one batch.  nparams: 2 by id, 3 by number (scope the third).
 */
static enum tix_err
view_get(const struct tix_ctx *c, const enum tix_stmt q[4], const char *key,
    const char *scope, int nparams, struct tix_ticket_detail *out)
{
	struct tix_db_batch	b;
	struct tix_rows		sum, ents, refused, att;
	const char		*sp[3], *tp[3];
	bool			staff = tix_is_staff(c->who);
	enum tix_err		rc;

	memset(out, 0, sizeof(*out));
	sp[0] = tp[0] = key;
	sp[1] = staff ? "f" : "t";	/* a customer: customer_updated_at */
	tp[1] = staff ? "t" : "f";	/* whether they see internal notes */
	sp[2] = tp[2] = scope;
	tix_db_batch_init(&b, c->db, c->arena);
	tix_db_batch_add(&b, q[0], sp, nparams, &sum);
	tix_db_batch_add(&b, q[1], tp, nparams, &ents);
	tix_db_batch_add(&b, q[2], tp, nparams, &refused);
	tix_db_batch_add(&b, q[3], tp, nparams, &att);
	rc = tix_db_batch_run(&b);
	if (rc != TIX_OK)
		return rc;
	/* None: not the caller's (by number), or deleted in between. */
	if (sum.nrows != 1)
		return TIX_ENOTFOUND;
	if (sum.ncols <= C_REOPEN_WINDOW)
		return TIX_EINTERNAL;
	tix_summary_read(&sum, 0, &out->summary);
	out->description = tix_rows_get(&sum, 0, C_DESCRIPTION);
	/* Reopening: a closed ticket, closed less than 30 days ago. */
	out->can_reopen = out->summary.status != NULL &&
	    strcmp(out->summary.status, "closed") == 0 &&
	    tix_rows_bool(&sum, 0, C_REOPEN_WINDOW);
	rc = entries_read(c, &ents, &refused, &out->entries, &out->nentries);
	if (rc == TIX_OK)
		rc = attachments_read(c, &att, &out->attachments,
		    &out->nattachments);
	return rc;
}

static enum tix_err
view_by_id(const struct tix_ctx *c, int64_t id, struct tix_ticket_detail *out)
{
	return view_get(c, by_id, tix_db_i64(c->arena, id), NULL, 2, out);
}

enum tix_err
tix_ticket_view_get(const struct tix_ctx *c, int64_t id,
    struct tix_ticket_detail *out)
{
	return view_by_id(c, id, out);
}

enum tix_err
tix_ticket_detail_get(const struct tix_ctx *c, int64_t id,
    struct tix_ticket_detail *out)
{
	enum tix_err rc;

	rc = view_by_id(c, id, out);
	if (rc == TIX_OK)
		rc = license_of(c, out, &out->license);
	return rc;
}

enum tix_err
tix_ticket_detail_find(const struct tix_ctx *c, const char *number_text,
    struct tix_ticket_detail *out)
{
	const char	*scope = NULL;
	int64_t		 number;
	enum tix_err	 rc;

	memset(out, 0, sizeof(*out));
	if (!tix_ticket_number_parse(number_text, false, &number))
		return TIX_ENOTFOUND;
	/* The scope of tix_ticket_find: a customer sees their own. */
	if (!tix_is_staff(c->who))
		scope = tix_db_i64(c->arena, c->who->user_id);
	rc = view_get(c, by_number, tix_db_i64(c->arena, number), scope, 3,
	    out);
	if (rc == TIX_OK)
		rc = license_of(c, out, &out->license);
	return rc;
}

enum tix_err
tix_health_check(const struct tix_ctx *c)
{
	return tix_db_run(c->db, c->arena, TIX_STMT_HEALTH, NULL, 0, NULL);
}
