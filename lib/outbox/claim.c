/*
 * claim.c: claiming and marking outbox rows (claim.h).
 */
#include "outbox/claim.h"

#include <stdio.h>

enum tix_err
tix_outbox_claim(struct tix_db *db, struct tix_arena *a, int limit,
    struct tix_outbox_row **rows, size_t *n)
{
	const char		*p[2];
	struct tix_rows		 rs;
	struct tix_outbox_row	*out;
	size_t			 i;
	enum tix_err		 rc;

	*rows = NULL;
	*n = 0;
	p[0] = tix_db_i64(a, limit);
	p[1] = tix_db_i64(a, TIX_OUTBOX_LEASE);
	rc = tix_db_run(db, a, TIX_STMT_OUTBOX_CLAIM, p, 2, &rs);
	if (rc != TIX_OK || rs.nrows == 0)
		return rc;
	out = tix_arena_alloc(a, rs.nrows * sizeof(*out));
	if (out == NULL)
		return TIX_ENOMEM;
	for (i = 0; i < rs.nrows; i++) {
		out[i].id = tix_rows_int(&rs, i, 0);
		out[i].ticket_number = tix_rows_int(&rs, i, 1);
		out[i].recipient = tix_rows_get(&rs, i, 2);
		out[i].subject = tix_rows_get(&rs, i, 3);
		out[i].body = tix_rows_get(&rs, i, 4);
		out[i].recipient_id = tix_rows_int(&rs, i, 5);
		out[i].attempts = tix_rows_int(&rs, i, 6);
		out[i].is_sms = tix_rows_bool(&rs, i, 7);
	}
	*rows = out;
	*n = rs.nrows;
	return TIX_OK;
}

/* ids as a PostgreSQL array literal, "{1,2,3}", in a. */
static const char *
id_array(struct tix_arena *a, const int64_t *ids, size_t n)
{
	char	*s;
	size_t	 i, len = 0, cap = n * 21 + 3;

	s = tix_arena_alloc(a, cap);
	if (s == NULL)
		return NULL;
	s[len++] = '{';
	for (i = 0; i < n; i++)
		len += (size_t)snprintf(s + len, cap - len, "%s%lld",
		    i > 0 ? "," : "", (long long)ids[i]);
	s[len++] = '}';
	s[len] = '\0';
	return s;
}

static enum tix_err
run_ids(struct tix_db *db, struct tix_arena *a, enum tix_stmt id,
    const int64_t *ids, size_t n)
{
	const char *p[1];

	if (n == 0)
		return TIX_OK;
	p[0] = id_array(a, ids, n);
	if (p[0] == NULL)
		return TIX_ENOMEM;
	return tix_db_run(db, a, id, p, 1, NULL);
}

enum tix_err
tix_outbox_mark_sent(struct tix_db *db, struct tix_arena *a,
    const int64_t *ids, size_t n)
{
	return run_ids(db, a, TIX_STMT_OUTBOX_SENT, ids, n);
}

enum tix_err
tix_outbox_release(struct tix_db *db, struct tix_arena *a,
    const int64_t *ids, size_t n)
{
	return run_ids(db, a, TIX_STMT_OUTBOX_RELEASE, ids, n);
}

enum tix_err
tix_outbox_mark_retry(struct tix_db *db, struct tix_arena *a, int64_t id,
    int delay, const char *error)
{
	const char *p[3];

	p[0] = tix_db_i64(a, id);
	p[1] = tix_db_i64(a, delay);
	p[2] = error;
	return tix_db_run(db, a, TIX_STMT_OUTBOX_RETRY, p, 3, NULL);
}

enum tix_err
tix_outbox_mark_failed(struct tix_db *db, struct tix_arena *a, int64_t id,
    const char *error)
{
	const char *p[2];

	p[0] = tix_db_i64(a, id);
	p[1] = error;
	return tix_db_run(db, a, TIX_STMT_OUTBOX_FAILED, p, 2, NULL);
}

int
tix_outbox_backoff(int64_t attempts)
{
	int	delay = 60;

	while (attempts > 1 && delay < 3600) {
		delay *= 2;
		attempts--;
	}
	return delay < 3600 ? delay : 3600;
}
