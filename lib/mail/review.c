/*
 * review.c: the review queue's reads and actions (review.h), over the
 * domain functions of lib/tickets.  No SQL text: db/stmt.c's.
 */
#include <string.h>

#include "core/limits.h"
#include "core/str.h"
#include "db/db.h"
#include "mail/ingest.h"
#include "mail/review.h"
#include "tickets/types.h"

/* The reasons name the quotas of core/limits.h. */
_Static_assert(TIX_MAX_FILES_PER_TICKET == 100,
    "TIX_MAIL_REFUSED_TICKET_FULL");
_Static_assert(TIX_MAX_UPLOAD_BYTES_PER_DAY == 2048ull * 1024 * 1024,
    "TIX_MAIL_REFUSED_DAY_FULL");

/* A kept mail, locked in the open transaction. */
struct kept {
	const char	*from;
	const char	*subject;
	const char	*body;
};

static enum tix_err
staff_only(const struct tix_ctx *c)
{
	return tix_is_staff(c->who) ? TIX_OK : TIX_EFORBIDDEN;
}

enum tix_err
tix_review_list(const struct tix_ctx *c, int64_t page, int64_t per_page,
    struct tix_review_page *out)
{
	const char	*p[2];
	struct tix_rows	 rs, cnt;
	size_t		 i;
	enum tix_err	 rc;

	memset(out, 0, sizeof(*out));
	rc = staff_only(c);
	if (rc != TIX_OK)
		return rc;
	p[0] = tix_db_i64(c->arena, per_page);
	p[1] = tix_db_i64(c->arena, page);
	rc = tix_db_run(c->db, c->arena, TIX_STMT_REVIEW_COUNT, NULL, 0,
	    &cnt);
	if (rc == TIX_OK)
		rc = tix_db_run(c->db, c->arena, TIX_STMT_REVIEW_LIST, p, 2,
		    &rs);
	if (rc != TIX_OK)
		return rc;
	out->total = cnt.nrows == 1 ? tix_rows_int(&cnt, 0, 0) : 0;
	if (rs.nrows == 0)
		return TIX_OK;
	out->rows = tix_arena_alloc(c->arena, rs.nrows * sizeof(*out->rows));
	if (out->rows == NULL)
		return TIX_ENOMEM;
	for (i = 0; i < rs.nrows; i++) {
		struct tix_review_row *row = &out->rows[i];

		row->id = tix_rows_int(&rs, i, 0);
		row->from = tix_rows_get(&rs, i, 1);
		row->subject = tix_rows_get(&rs, i, 2);
		row->received_at = tix_rows_get(&rs, i, 3);
		row->reason = tix_rows_get(&rs, i, 4);
		row->preview = tix_rows_get(&rs, i, 5);
		row->attachment_count = tix_rows_int(&rs, i, 6);
	}
	out->n = rs.nrows;
	return TIX_OK;
}

/* Begin, and lock mail id into k. */
static enum tix_err
lock(const struct tix_ctx *c, int64_t id, struct kept *k)
{
	const char	*p[1];
	struct tix_rows	 rs;
	enum tix_err	 rc;

	p[0] = tix_db_i64(c->arena, id);
	rc = tix_db_begin(c->db);
	if (rc != TIX_OK)
		return rc;
	rc = tix_db_run(c->db, c->arena, TIX_STMT_REVIEW_LOCK, p, 1, &rs);
	if (rc == TIX_OK && rs.nrows != 1)
		rc = TIX_ENOTFOUND;
	if (rc != TIX_OK) {
		tix_db_rollback(c->db);
		return rc;
	}
	k->from = tix_rows_get(&rs, 0, 1);
	k->subject = tix_rows_get(&rs, 0, 2);
	k->body = tix_rows_get(&rs, 0, 3);
	return TIX_OK;
}

/* Remove mail id and commit; roll back on any error (rc in).  The
 * caller's before-commit hook makes its answer inside the transaction,
 * so a committed change is never answered with an error. */
static enum tix_err
finish(const struct tix_ctx *c, int64_t id, enum tix_err rc)
{
	const char *p[1];

	if (rc == TIX_OK) {
		p[0] = tix_db_i64(c->arena, id);
		rc = tix_db_run(c->db, c->arena, TIX_STMT_REVIEW_DELETE, p, 1,
		    NULL);
	}
	if (rc == TIX_OK && c->before_commit != NULL)
		rc = c->before_commit(c->before_commit_arg);
	if (rc == TIX_OK)
		rc = tix_db_commit(c->db);
	if (rc != TIX_OK)
		tix_db_rollback(c->db);
	return rc;
}

/* The files of kept mail id (and the refusals among them) onto entry
 * entry_id of ticket ticket_id, uploaded by uploader when the sender
 * was no user. */
static enum tix_err
move_files(const struct tix_ctx *c, int64_t id, int64_t ticket_id,
    int64_t entry_id, int64_t uploader)
{
	const char	*p[4], *q[2], *over[7];
	enum tix_err	 rc;

	p[0] = tix_db_i64(c->arena, id);
	p[1] = tix_db_i64(c->arena, ticket_id);
	p[2] = tix_db_i64(c->arena, entry_id);
	p[3] = tix_db_i64(c->arena, uploader);
	/* The quotas of uploads, which the mail's files could not meet
	 * while it had no ticket and no uploader: the files past them are
	 * refused, the rest move. */
	over[0] = p[0];
	over[1] = p[1];
	over[2] = p[3];
	over[3] = tix_db_i64(c->arena, TIX_MAX_FILES_PER_TICKET);
	over[4] = tix_db_i64(c->arena, (int64_t)TIX_MAX_UPLOAD_BYTES_PER_DAY);
	over[5] = TIX_MAIL_REFUSED_TICKET_FULL;
	over[6] = TIX_MAIL_REFUSED_DAY_FULL;
	rc = tix_db_run(c->db, c->arena, TIX_STMT_REVIEW_FILES_OVER, over, 7,
	    NULL);
	if (rc == TIX_OK)
		rc = tix_db_run(c->db, c->arena, TIX_STMT_ATTACH_FROM_REVIEW,
		    p, 4, NULL);
	q[0] = p[0];
	q[1] = p[2];
	if (rc == TIX_OK)
		rc = tix_db_run(c->db, c->arena, TIX_STMT_REFUSED_FROM_REVIEW,
		    q, 2, NULL);
	return rc;
}

/* The active user user_id as the author of a mail (via email). */
static enum tix_err
author(const struct tix_ctx *c, int64_t user_id, struct tix_principal *who)
{
	const char	*p[1];
	struct tix_rows	 rs;
	enum tix_err	 rc;

	p[0] = tix_db_i64(c->arena, user_id);
	rc = tix_db_run(c->db, c->arena, TIX_STMT_REVIEW_USER, p, 1, &rs);
	if (rc != TIX_OK)
		return rc;
	if (rs.nrows != 1)
		return TIX_EINVAL;
	memset(who, 0, sizeof(*who));
	if (!tix_role_parse(tix_rows_get(&rs, 0, 1), &who->role))
		return TIX_EINTERNAL;
	who->user_id = tix_rows_int(&rs, 0, 0);
	who->name = tix_rows_get(&rs, 0, 2);
	who->account_id = tix_rows_int(&rs, 0, 3);
	who->account_name = tix_rows_get(&rs, 0, 4);
	who->timezone = tix_rows_get(&rs, 0, 5);
	who->email = tix_rows_get(&rs, 0, 6);
	who->via = TIX_VIA_EMAIL;
	return TIX_OK;
}

enum tix_err
tix_review_to_ticket(const struct tix_ctx *c, int64_t id,
    const char *requester_email, struct tix_ticket_made *out)
{
	struct tix_principal	 who;
	struct tix_ctx		 as = *c;
	struct tix_ticket_new	 in;
	struct kept		 k;
	char			 key[TIX_LICENSE_KEY_LEN + 1];
	int64_t			 uid;
	enum tix_err		 rc;

	rc = staff_only(c);
	if (rc == TIX_OK)
		rc = lock(c, id, &k);
	if (rc != TIX_OK)
		return rc;
	rc = tix_ticket_requester(c, requester_email, &uid);
	if (rc == TIX_ENOTFOUND)
		rc = TIX_EINVAL;
	if (rc == TIX_OK)
		rc = author(c, uid, &who);
	if (rc == TIX_OK)
		rc = tix_mail_ticket_fields(c->arena, k.subject, k.body, key,
		    &in);
	as.who = &who;
	if (rc == TIX_OK)
		rc = tix_ticket_insert(&as, &in, out);
	if (rc == TIX_OK)
		rc = move_files(c, id, out->id, out->entry_id, who.user_id);
	return finish(c, id, rc);
}

enum tix_err
tix_review_append(const struct tix_ctx *c, int64_t id,
    const char *number_text, int64_t *ticket_id, int64_t *entry_id)
{
	struct tix_principal	 who;
	struct tix_ctx		 as = *c;
	struct tix_reply_in	 in;
	struct tix_rows		 rs;
	struct kept		 k;
	const char		*p[1], *body;
	int64_t			 number;
	enum tix_err		 rc;

	rc = staff_only(c);
	if (rc != TIX_OK)
		return rc;
	if (!tix_ticket_number_parse(number_text, false, &number))
		return TIX_EINVAL;
	rc = lock(c, id, &k);
	if (rc != TIX_OK)
		return rc;
	p[0] = tix_db_i64(c->arena, number);
	rc = tix_db_run(c->db, c->arena, TIX_STMT_REVIEW_REQUESTER, p, 1,
	    &rs);
	if (rc == TIX_OK && rs.nrows != 1)
		rc = TIX_EINVAL;
	if (rc == TIX_OK)
		rc = author(c, tix_rows_int(&rs, 0, 0), &who);
	body = rc == TIX_OK ? tix_mail_reply_text(c->arena, k.body) : "";
	if (body == NULL)
		rc = TIX_ENOMEM;
	memset(&in, 0, sizeof(in));
	in.body = body != NULL && *body != '\0' ? body : TIX_MAIL_NO_TEXT;
	as.who = &who;
	if (rc == TIX_OK)
		rc = tix_ticket_add_reply(&as, number_text, &in, ticket_id,
		    entry_id);
	if (rc == TIX_ENOTFOUND)	/* gone in between */
		rc = TIX_EINVAL;
	if (rc == TIX_OK)
		rc = move_files(c, id, *ticket_id, *entry_id, who.user_id);
	return finish(c, id, rc);
}

enum tix_err
tix_review_discard(const struct tix_ctx *c, int64_t id)
{
	struct kept	k;
	enum tix_err	rc;

	rc = staff_only(c);
	if (rc == TIX_OK)
		rc = lock(c, id, &k);
	if (rc != TIX_OK)
		return rc;
	return finish(c, id, TIX_OK);
}
