/*
 * batch.c: statements sent together in libpq's pipeline mode (batch.h).
 *
 * A pipeline answers each statement with its result and then a NULL,
 * a statement after a failed one with PGRES_PIPELINE_ABORTED, and the
 * sync with PGRES_PIPELINE_SYNC, after which the connection may leave
 * pipeline mode.  Whatever goes wrong, every result up to the sync is
 * read, so that the connection is left as it was found; a connection
 * that breaks on the way is closed instead.
 */
#include <string.h>

#include "db/batch.h"
#include "db/conn.h"

void
tix_db_batch_init(struct tix_db_batch *b, struct tix_db *db,
    struct tix_arena *a)
{
	memset(b, 0, sizeof(*b));
	b->db = db;
	b->arena = a;
}

void
tix_db_batch_begin(struct tix_db_batch *b)
{
	b->begin = true;
}

void
tix_db_batch_add(struct tix_db_batch *b, enum tix_stmt id,
    const char *const *params, int n, struct tix_rows *out)
{
	if (out != NULL)
		memset(out, 0, sizeof(*out));
	if (b->n == TIX_DB_BATCH_MAX) {
		b->full = true;
		return;
	}
	b->q[b->n].id = id;
	b->q[b->n].params = params;
	b->q[b->n].nparams = n;
	b->q[b->n].out = out;
	b->n++;
}

/* The connection broke, or libpq lost its footing: start anew. */
static enum tix_err
lost(struct tix_db *db, enum tix_stmt id, const PGresult *res)
{
	enum tix_err rc = tix_db_failed(db, res, id);

	tix_db_drop(db);
	return rc == TIX_OK ? TIX_EUNAVAIL : rc;
}

/* Prepare what this connection has not yet, before the pipeline (a
 * round trip once per statement and connection). */
static enum tix_err
prepare_all(struct tix_db_batch *b, char names[][16])
{
	enum tix_err	rc;
	size_t		i;
	int		k;

	for (i = 0; i < b->n; i++) {
		for (k = 0; k < b->q[i].nparams; k++)
			if (b->q[i].params[k] == tix_db_nomem)
				return TIX_ENOMEM;
		rc = tix_db_prepared(b->db, b->q[i].id, names[i]);
		if (rc != TIX_OK)
			return rc;
	}
	return TIX_OK;
}

static bool
send_all(struct tix_db_batch *b, PGconn *conn, char names[][16])
{
	size_t i;

	if (PQenterPipelineMode(conn) != 1)
		return false;
	if (b->begin && PQsendQueryParams(conn, "BEGIN", 0, NULL, NULL, NULL,
	    NULL, 0) != 1)
		return false;
	for (i = 0; i < b->n; i++)
		if (PQsendQueryPrepared(conn, names[i], b->q[i].nparams,
		    b->q[i].params, NULL, NULL, 0) != 1)
			return false;
	return PQpipelineSync(conn) == 1;
}

/*
 * Read the results up to the sync.  Result k is BEGIN's when b->begin
 * and k == 0, else statement k - b->begin's.  The first failure is the
 * answer; the results after it are still read.
 */
static enum tix_err
read_all(struct tix_db_batch *b, PGconn *conn)
{
	size_t		 first = b->begin ? 1 : 0, nq = b->n + first, k = 0;
	enum tix_err	 rc = TIX_OK, one;
	enum tix_stmt	 id;
	ExecStatusType	 st;
	PGresult	*res;

	for (;;) {
		id = k >= first && k < nq ? b->q[k - first].id :
		    TIX_STMT__MAX;
		res = PQgetResult(conn);
		if (res == NULL) {
			/* The end of one statement's results. */
			if (PQstatus(conn) != CONNECTION_OK || ++k > nq)
				return lost(b->db, id, NULL);
			continue;
		}
		st = PQresultStatus(res);
		if (st == PGRES_PIPELINE_SYNC) {
			PQclear(res);
			break;
		}
		if (k >= nq || PQstatus(conn) != CONNECTION_OK) {
			rc = lost(b->db, id, res);
			PQclear(res);
			return rc;
		}
		if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK) {
			if (rc == TIX_OK && k >= first &&
			    b->q[k - first].out != NULL)
				rc = tix_db_copy(b->arena, res,
				    b->q[k - first].out);
		} else if (st != PGRES_PIPELINE_ABORTED) {
			one = tix_db_failed(b->db, res, id);
			if (rc == TIX_OK)
				rc = one;
			if (tix_db_pgconn(b->db) != conn) {
				PQclear(res);
				return rc;	/* classified as lost: closed */
			}
		}
		PQclear(res);
	}
	if (PQexitPipelineMode(conn) != 1)
		return lost(b->db, TIX_STMT__MAX, NULL);
	return rc;
}

enum tix_err
tix_db_batch_run(struct tix_db_batch *b)
{
	char		 names[TIX_DB_BATCH_MAX][16];
	PGconn		*conn;
	enum tix_err	 rc;

	if (b->full)
		return TIX_EINTERNAL;
	conn = tix_db_pgconn(b->db);
	if (conn == NULL)
		return TIX_EUNAVAIL;
	rc = prepare_all(b, names);
	if (rc != TIX_OK)
		return rc;
	conn = tix_db_pgconn(b->db);	/* preparing may have lost it */
	if (conn == NULL)
		return TIX_EUNAVAIL;
	if (!send_all(b, conn, names))
		return lost(b->db, TIX_STMT__MAX, NULL);
	return read_all(b, conn);
}
