/*
 * manage.c: listing and re-queueing notifications (manage.h).
 */
#include "outbox/manage.h"

enum tix_err
tix_outbox_list(struct tix_db *db, struct tix_arena *a, bool failed_only,
    int limit, struct tix_outbox_entry **rows, size_t *n)
{
	struct tix_outbox_entry	*out;
	struct tix_rows		 rs;
	const char		*p[2];
	enum tix_err		 rc;
	size_t			 i;

	*rows = NULL;
	*n = 0;
	p[0] = failed_only ? "t" : "f";
	p[1] = tix_db_i64(a, limit);
	rc = tix_db_run(db, a, TIX_STMT_OUTBOX_LIST, p, 2, &rs);
	if (rc != TIX_OK)
		return rc;
	out = tix_arena_alloc(a, (rs.nrows + 1) * sizeof(*out));
	if (out == NULL)
		return TIX_ENOMEM;
	for (i = 0; i < rs.nrows; i++) {
		out[i].id = tix_rows_int(&rs, i, 0);
		out[i].ticket_number = tix_rows_int(&rs, i, 1);
		out[i].status = tix_rows_get(&rs, i, 2);
		out[i].kind = tix_rows_get(&rs, i, 3);
		out[i].recipient = tix_rows_get(&rs, i, 4);
		out[i].attempts = tix_rows_int(&rs, i, 5);
		out[i].created_at = tix_rows_get(&rs, i, 6);
		out[i].next_attempt_at = tix_rows_get(&rs, i, 7);
		out[i].last_error = tix_rows_get(&rs, i, 8);
	}
	*rows = out;
	*n = rs.nrows;
	return TIX_OK;
}

enum tix_err
tix_outbox_requeue(struct tix_db *db, struct tix_arena *a, int64_t id,
    int64_t *count)
{
	struct tix_rows	 rs;
	const char	*p[1];
	enum tix_err	 rc;

	*count = 0;
	p[0] = id > 0 ? tix_db_i64(a, id) : NULL;
	rc = tix_db_begin(db);
	if (rc != TIX_OK)
		return rc;
	rc = tix_db_run(db, a, TIX_STMT_OUTBOX_REQUEUE, p, 1, &rs);
	/* Senders waiting on LISTEN wake at the commit. */
	if (rc == TIX_OK && rs.nrows > 0)
		rc = tix_db_run(db, a, TIX_STMT_OUTBOX_NOTIFY, NULL, 0, NULL);
	if (rc == TIX_OK)
		rc = tix_db_commit(db);
	if (rc != TIX_OK) {
		tix_db_rollback(db);
		return rc;
	}
	*count = (int64_t)rs.nrows;
	return TIX_OK;
}
