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

/*
 * What the pipeline carries, in order: BEGIN when asked, and each
 * statement, after its Parse (PQsendPrepare) when this connection has
 * not prepared it yet, so that even a statement's first use costs no
 * round trip of its own.
 */
enum cmd_kind { CMD_BEGIN, CMD_PREPARE, CMD_EXEC };

struct cmd {
	enum cmd_kind	kind;
	size_t		q;	/* the statement's index in b->q */
};

#define MAX_CMDS (1 + 2 * TIX_DB_BATCH_MAX)

static enum tix_err
plan(const struct tix_db_batch *b, struct cmd *cmds, size_t *n)
{
	size_t	i, j;
	int	k;
	bool	parsed;

	*n = 0;
	if (b->begin)
		cmds[(*n)++] = (struct cmd){ .kind = CMD_BEGIN };
	for (i = 0; i < b->n; i++) {
		for (k = 0; k < b->q[i].nparams; k++)
			if (b->q[i].params[k] == tix_db_nomem)
				return TIX_ENOMEM;
		if (tix_stmt_sql(b->q[i].id) == NULL)
			return TIX_EINTERNAL;
		parsed = tix_db_is_prepared(b->db, b->q[i].id);
		for (j = 0; j < i && !parsed; j++)
			parsed = b->q[j].id == b->q[i].id;
		if (!parsed)
			cmds[(*n)++] = (struct cmd){ .kind = CMD_PREPARE,
			    .q = i };
		cmds[(*n)++] = (struct cmd){ .kind = CMD_EXEC, .q = i };
	}
	return TIX_OK;
}

static bool
send_all(struct tix_db_batch *b, PGconn *conn, const struct cmd *cmds,
    size_t n)
{
	char	name[16];
	size_t	i;
	int	ok = 1;

	if (PQenterPipelineMode(conn) != 1)
		return false;
	for (i = 0; i < n && ok == 1; i++) {
		if (cmds[i].kind == CMD_BEGIN) {
			ok = PQsendQueryParams(conn, "BEGIN", 0, NULL, NULL,
			    NULL, NULL, 0);
			continue;
		}
		tix_db_stmt_name(b->db, b->q[cmds[i].q].id, name);
		if (cmds[i].kind == CMD_PREPARE)
			ok = PQsendPrepare(conn, name,
			    tix_stmt_sql(b->q[cmds[i].q].id), 0, NULL);
		else
			ok = PQsendQueryPrepared(conn, name,
			    b->q[cmds[i].q].nparams, b->q[cmds[i].q].params,
			    NULL, NULL, 0);
	}
	return ok == 1 && PQpipelineSync(conn) == 1;
}

/* What result res of command c means: copied rows, a statement now
 * prepared, or nothing (BEGIN). */
static enum tix_err
took(struct tix_db_batch *b, const struct cmd *c, PGresult *res)
{
	if (c->kind == CMD_PREPARE)
		tix_db_set_prepared(b->db, b->q[c->q].id);
	if (c->kind != CMD_EXEC || b->q[c->q].out == NULL)
		return TIX_OK;
	return tix_db_copy(b->arena, res, b->q[c->q].out);
}

/*
 * Read the results up to the sync, one command's after the other's.
 * The first failure is the answer; the results after it are still
 * read.
 */
static enum tix_err
read_all(struct tix_db_batch *b, PGconn *conn, const struct cmd *cmds,
    size_t n)
{
	enum tix_err	 rc = TIX_OK, one;
	enum tix_stmt	 id;
	ExecStatusType	 st;
	PGresult	*res;
	size_t		 k = 0;

	for (;;) {
		id = k < n && cmds[k].kind != CMD_BEGIN ?
		    b->q[cmds[k].q].id : TIX_STMT__MAX;
		res = PQgetResult(conn);
		if (res == NULL) {
			/* The end of one command's results. */
			if (PQstatus(conn) != CONNECTION_OK || ++k > n)
				return lost(b->db, id, NULL);
			continue;
		}
		st = PQresultStatus(res);
		if (st == PGRES_PIPELINE_SYNC) {
			PQclear(res);
			break;
		}
		if (k >= n || PQstatus(conn) != CONNECTION_OK) {
			rc = lost(b->db, id, res);
			PQclear(res);
			return rc;
		}
		if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK) {
			one = took(b, &cmds[k], res);
			if (rc == TIX_OK)
				rc = one;
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
	struct cmd	 cmds[MAX_CMDS];
	PGconn		*conn;
	enum tix_err	 rc;
	size_t		 n;

	if (b->full)
		return TIX_EINTERNAL;
	rc = plan(b, cmds, &n);
	if (rc != TIX_OK)
		return rc;
	conn = tix_db_pgconn(b->db);
	if (conn == NULL)
		return TIX_EUNAVAIL;
	if (!send_all(b, conn, cmds, n))
		return lost(b->db, TIX_STMT__MAX, NULL);
	return read_all(b, conn, cmds, n);
}
