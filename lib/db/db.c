/*
 * db.c: one PostgreSQL connection per process, prepared statements,
 * reconnection, and SQLSTATE to enum tix_err.
 *
 * Every session gets statement and lock timeouts below nginx's
 * fastcgi_read_timeout (30 s), so a stuck query ends as a 503 from us,
 * never as a 504 from nginx with the worker still busy.
 */
#include <libpq-fe.h>

#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/log.h"
#include "core/metrics.h"
#include "db/conn.h"
#include "db/db.h"

/* Don't hammer a server that is down: one connection attempt a second. */
#define RECONNECT_INTERVAL_MS 1000
/* Shaped statements kept prepared per connection: a worker's agents
 * use a few dozen filter combinations; each costs the server a plan. */
#define SHAPED_MAX 128

struct tix_db {
	PGconn	*conn;		/* NULL when not connected */
	char	*conninfo;
	int64_t	 last_fail_ms;	/* monotonic time of the last failed connect */
	bool	 prepared[TIX_STMT__MAX];	/* on this connection */
	/* The shaped statements prepared on it (stmt.h); past
	 * SHAPED_MAX, a shape is parsed anew each time, unnamed. */
	unsigned shaped[SHAPED_MAX];
	size_t	 nshaped;
	struct tix_db *replica;	/* NULL, or the read replica's (owned) */
};

static enum tix_err classify(struct tix_db *, const PGresult *,
		    enum tix_stmt);

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

enum tix_err
tix_db_open(const char *conninfo, struct tix_db **out)
{
	struct tix_db *db;

	*out = NULL;
	db = calloc(1, sizeof(*db));
	if (db == NULL)
		return TIX_ENOMEM;
	db->conninfo = strdup(conninfo);
	if (db->conninfo == NULL) {
		free(db);
		return TIX_ENOMEM;
	}
	db->last_fail_ms = -RECONNECT_INTERVAL_MS;
	*out = db;
	return TIX_OK;
}

enum tix_err
tix_db_export_env(const char *conninfo)
{
	PQconninfoOption	*opts, *o;
	char			*err = NULL;
	enum tix_err		 rc = TIX_OK;

	opts = PQconninfoParse(conninfo, &err);
	if (opts == NULL) {
		fprintf(stderr, "TIX_DATABASE_URL: %s", err != NULL ? err :
		    "out of memory\n");
		PQfreemem(err);
		return TIX_EINVAL;
	}
	for (o = opts; o->keyword != NULL && rc == TIX_OK; o++) {
		if (o->val == NULL)
			continue;
		if (o->envvar == NULL || setenv(o->envvar, o->val, 1) != 0) {
			fprintf(stderr, "TIX_DATABASE_URL: %s cannot be "
			    "passed to pg_dump\n", o->keyword);
			rc = TIX_EINVAL;
		}
	}
	PQconninfoFree(opts);
	return rc;
}

static void
disconnect(struct tix_db *db)
{
	if (db->conn != NULL)
		PQfinish(db->conn);
	db->conn = NULL;
}

void
tix_db_close(struct tix_db *db)
{
	if (db == NULL)
		return;
	disconnect(db);
	tix_db_close(db->replica);
	free(db->conninfo);
	free(db);
}

enum tix_err
tix_db_attach_replica(struct tix_db *db, const char *conninfo)
{
	tix_db_close(db->replica);
	db->replica = NULL;
	return tix_db_open(conninfo, &db->replica);
}

struct tix_db *
tix_db_replica(struct tix_db *db)
{
	return db->replica;
}

/* Prepare statement id on this connection the first time it is used. */
static enum tix_err
prepare(struct tix_db *db, enum tix_stmt id, const char *name)
{
	PGresult	*res;
	const char	*sql;
	enum tix_err	 rc;

	if (tix_db_is_prepared(db, id))
		return TIX_OK;
	sql = tix_stmt_sql(id);
	if (sql == NULL)
		return TIX_EINTERNAL;
	res = PQprepare(db->conn, name, sql, 0, NULL);
	if (res != NULL && PQresultStatus(res) == PGRES_COMMAND_OK) {
		tix_db_set_prepared(db, id);
		rc = TIX_OK;
	} else
		rc = classify(db, res, id);
	PQclear(res);
	return rc;
}

/*
 * Whether the server closed an idle connection (a restart, an
 * administrator's pg_terminate_backend).  Between requests a connection
 * has nothing to read (we LISTEN to nothing); if it has, it is almost
 * surely the server's goodbye, and a new connection is cheaper than a
 * failed first statement.  Checking costs one poll().
 */
static bool
server_went_away(PGconn *conn)
{
	struct pollfd pfd;

	pfd.fd = PQsocket(conn);
	pfd.events = POLLIN;
	pfd.revents = 0;
	if (pfd.fd < 0)
		return true;
	return poll(&pfd, 1, 0) != 0;
}

/* NOTICEs ("relation exists, skipping") are not errors: keep them out
 * of the logs. */
static void
ignore_notice(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

enum tix_err
tix_db_ensure(struct tix_db *db)
{
	static const char *const keys[] = {
		"dbname", "connect_timeout", "options", NULL
	};
	const char	*vals[4];
	int64_t		 now;

	if (db->conn != NULL && PQstatus(db->conn) == CONNECTION_OK &&
	    !server_went_away(db->conn))
		return TIX_OK;
	disconnect(db);
	/* After a failed attempt, wait before the next: a server that is
	 * down costs each request nothing but a quick 503.  A connection
	 * that merely ended is replaced at once. */
	now = now_ms();
	if (now - db->last_fail_ms < RECONNECT_INTERVAL_MS)
		return TIX_EUNAVAIL;

	vals[0] = db->conninfo;
	vals[1] = "3";
	/* jit=off: the planner's cost estimates of the search statements
	 * (set-returning functions count as 1,000 rows) start JIT
	 * compilation, which takes hundreds of milliseconds for a statement
	 * that runs in a few: never worth it for short queries like ours. */
	vals[2] = "-c statement_timeout=10000 -c lock_timeout=5000"
	    " -c idle_in_transaction_session_timeout=60000"
	    " -c TimeZone=UTC -c jit=off";
	vals[3] = NULL;
	db->conn = PQconnectdbParams(keys, vals, 1);
	if (db->conn == NULL)
		return TIX_ENOMEM;
	if (PQstatus(db->conn) != CONNECTION_OK) {
		tix_log_warn("db: connect: %s", PQerrorMessage(db->conn));
		disconnect(db);
		db->last_fail_ms = now;
		return TIX_EUNAVAIL;
	}
	PQsetNoticeProcessor(db->conn, ignore_notice, NULL);
	memset(db->prepared, 0, sizeof(db->prepared));
	db->nshaped = 0;
	return TIX_OK;
}

/* What an error means for the caller, from its SQLSTATE. */
static enum tix_err
classify(struct tix_db *db, const PGresult *res, enum tix_stmt id)
{
	const char *state;

	if (db->conn == NULL || PQstatus(db->conn) != CONNECTION_OK) {
		tix_metrics_db_error();
		tix_log_warn("db: connection lost in %s", tix_stmt_name(id));
		disconnect(db);
		return TIX_EUNAVAIL;
	}
	state = res == NULL ? NULL : PQresultErrorField(res, PG_DIAG_SQLSTATE);
	if (state == NULL)
		state = "";
	if (strcmp(state, "23505") == 0)
		return TIX_ECONFLICT;	/* an answer, not a fault */
	tix_metrics_db_error();
	/* 08: connection exception; 57: operator intervention (shutdown,
	 * statement timeout); 53: insufficient resources (disk full, too
	 * many connections); 55P03: lock timeout; 40: serialization. */
	if (strncmp(state, "08", 2) == 0 || strncmp(state, "57", 2) == 0 ||
	    strncmp(state, "53", 2) == 0 || strcmp(state, "55P03") == 0 ||
	    strncmp(state, "40", 2) == 0) {
		tix_log_warn("db: %s: SQLSTATE %s", tix_stmt_name(id), state);
		if (strncmp(state, "57P", 3) == 0)
			disconnect(db);
		return TIX_EUNAVAIL;
	}
	tix_log_error("db: %s: SQLSTATE %s: %s", tix_stmt_name(id), state,
	    res == NULL ? PQerrorMessage(db->conn) :
	    PQresultErrorMessage(res));
	return TIX_EINTERNAL;
}

static enum tix_err
copy_rows(struct tix_arena *a, PGresult *res, struct tix_rows *out)
{
	size_t	 r, c, nr, nc;
	char	*cell;

	nr = (size_t)PQntuples(res);
	nc = (size_t)PQnfields(res);
	out->nrows = nr;
	out->ncols = nc;
	out->cells = NULL;
	if (nr == 0 || nc == 0)
		return TIX_OK;
	if (nr > SIZE_MAX / nc / sizeof(char *))
		return TIX_ENOMEM;
	out->cells = tix_arena_alloc(a, nr * nc * sizeof(char *));
	if (out->cells == NULL)
		return TIX_ENOMEM;
	for (r = 0; r < nr; r++)
		for (c = 0; c < nc; c++) {
			if (PQgetisnull(res, (int)r, (int)c))
				continue;
			cell = tix_arena_strndup(a,
			    PQgetvalue(res, (int)r, (int)c),
			    (size_t)PQgetlength(res, (int)r, (int)c));
			if (cell == NULL)
				return TIX_ENOMEM;
			out->cells[r * nc + c] = cell;
		}
	return TIX_OK;
}

/*
 * Run prepared statement id (preparing it first if this connection has
 * not).  On success *res holds the result, for the caller to PQclear; on
 * failure *res is NULL and the error is classified.
 */
static enum tix_err
exec_prepared(struct tix_db *db, enum tix_stmt id, int n,
    const char *const *vals, const int *lens, const int *fmts, int binary,
    PGresult **res)
{
	char		 name[16];
	ExecStatusType	 st;
	enum tix_err	 rc;
	int		 i;

	*res = NULL;
	if (db->conn == NULL)
		return TIX_EUNAVAIL;
	for (i = 0; i < n; i++)
		if (vals[i] == tix_db_nomem)
			return TIX_ENOMEM;
	tix_db_stmt_name(db, id, name);
	rc = prepare(db, id, name);
	if (rc != TIX_OK)
		return rc;
	*res = PQexecPrepared(db->conn, name, n, vals, lens, fmts, binary);
	st = *res == NULL ? PGRES_FATAL_ERROR : PQresultStatus(*res);
	if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK)
		return TIX_OK;
	rc = classify(db, *res, id);
	PQclear(*res);
	*res = NULL;
	return rc;
}

enum tix_err
tix_db_run(struct tix_db *db, struct tix_arena *a, enum tix_stmt id,
    const char *const *params, int n, struct tix_rows *out)
{
	PGresult	*res;
	enum tix_err	 rc;
	const char	*tuples;

	if (out != NULL)
		memset(out, 0, sizeof(*out));
	rc = exec_prepared(db, id, n, params, NULL, NULL, 0, &res);
	if (rc != TIX_OK)
		return rc;
	if (out != NULL) {
		tuples = PQcmdTuples(res);
		out->affected = tuples[0] == '\0' ? 0 :
		    strtoull(tuples, NULL, 10);
		if (PQresultStatus(res) == PGRES_TUPLES_OK)
			rc = copy_rows(a, res, out);
	}
	PQclear(res);
	return rc;
}

#define MAX_BLOB_PARAMS 8

enum tix_err
tix_db_put_blob(struct tix_db *db, enum tix_stmt id,
    const char *const *params, int n, const void *blob, size_t blob_len)
{
	const char	*vals[MAX_BLOB_PARAMS];
	int		 lens[MAX_BLOB_PARAMS], fmts[MAX_BLOB_PARAMS];
	PGresult	*res;
	enum tix_err	 rc;
	int		 i;

	if (n < 1 || n > MAX_BLOB_PARAMS || blob_len > INT_MAX)
		return TIX_EINTERNAL;
	for (i = 0; i < n; i++) {
		vals[i] = params[i];
		lens[i] = 0;
		fmts[i] = 0;
	}
	vals[n - 1] = blob;
	lens[n - 1] = (int)blob_len;
	fmts[n - 1] = 1;
	rc = exec_prepared(db, id, n, vals, lens, fmts, 0, &res);
	PQclear(res);
	return rc;
}

enum tix_err
tix_db_get_blob(struct tix_db *db, enum tix_stmt id,
    const char *const *params, int n, void *buf, size_t cap, size_t *len)
{
	PGresult	*res;
	enum tix_err	 rc;
	size_t		 got;

	*len = 0;
	rc = exec_prepared(db, id, n, params, NULL, NULL, 1, &res);
	if (rc != TIX_OK)
		return rc;
	if (PQntuples(res) == 0)
		rc = TIX_ENOTFOUND;
	else if (PQnfields(res) != 1 || PQgetisnull(res, 0, 0))
		rc = TIX_EINTERNAL;
	else {
		got = (size_t)PQgetlength(res, 0, 0);
		if (got > cap)
			rc = TIX_EINTERNAL;
		else {
			memcpy(buf, PQgetvalue(res, 0, 0), got);
			*len = got;
		}
	}
	PQclear(res);
	return rc;
}

static enum tix_err
simple(struct tix_db *db, const char *sql)
{
	PGresult	*res;
	enum tix_err	 rc;

	if (db->conn == NULL)
		return TIX_EUNAVAIL;
	res = PQexec(db->conn, sql);
	if (res != NULL && PQresultStatus(res) == PGRES_COMMAND_OK)
		rc = TIX_OK;
	else
		rc = classify(db, res, TIX_STMT__MAX);
	PQclear(res);
	return rc;
}

enum tix_err
tix_db_begin(struct tix_db *db)
{
	return simple(db, "BEGIN");
}

/*
 * PostgreSQL answers COMMIT in an aborted transaction (a statement failed
 * and nobody rolled back) with PGRES_COMMAND_OK and the tag ROLLBACK:
 * nothing was written, so it is no success.  Only the tag COMMIT is.
 */
enum tix_err
tix_db_commit(struct tix_db *db)
{
	PGresult	*res;
	enum tix_err	 rc;

	if (db->conn == NULL)
		return TIX_EUNAVAIL;
	res = PQexec(db->conn, "COMMIT");
	if (res == NULL || PQresultStatus(res) != PGRES_COMMAND_OK)
		rc = classify(db, res, TIX_STMT__MAX);
	else if (strcmp(PQcmdStatus(res), "COMMIT") == 0)
		rc = TIX_OK;
	else {
		tix_log_error("db: COMMIT answered %s: a statement error of "
		    "this transaction went unchecked", PQcmdStatus(res));
		rc = TIX_EINTERNAL;
	}
	PQclear(res);
	return rc;
}

enum tix_err
tix_db_savepoint(struct tix_db *db)
{
	return simple(db, "SAVEPOINT tix_row");
}

enum tix_err
tix_db_release(struct tix_db *db)
{
	return simple(db, "RELEASE SAVEPOINT tix_row");
}

enum tix_err
tix_db_rollback_to(struct tix_db *db)
{
	return simple(db, "ROLLBACK TO SAVEPOINT tix_row");
}

void
tix_db_rollback(struct tix_db *db)
{
	if (db->conn == NULL || PQstatus(db->conn) != CONNECTION_OK)
		return;
	if (PQtransactionStatus(db->conn) == PQTRANS_IDLE)
		return;
	(void)simple(db, "ROLLBACK");
}

enum tix_err
tix_db_script(struct tix_db *db, const char *sql)
{
	return simple(db, sql);
}

enum tix_err
tix_db_listen(struct tix_db *db, const char *channel)
{
	char	sql[80];
	size_t	i;

	/* An identifier of the program's own, never input: checked all
	 * the same, since LISTEN takes no parameters. */
	for (i = 0; channel[i] != '\0'; i++)
		if ((channel[i] < 'a' || channel[i] > 'z') &&
		    channel[i] != '_')
			return TIX_EINTERNAL;
	if (i == 0 || i > 63)
		return TIX_EINTERNAL;
	(void)snprintf(sql, sizeof(sql), "LISTEN %s", channel);
	return simple(db, sql);
}

/* Drop the notifications libpq holds; true if there were any. */
static bool
drain_notifies(PGconn *conn)
{
	PGnotify	*nf;
	bool		 any = false;

	for (;;) {
		nf = PQnotifies(conn);
		if (nf == NULL)
			return any;
		PQfreemem(nf);
		any = true;
	}
}

enum tix_err
tix_db_wait(struct tix_db *db, int timeout_ms, bool *notified)
{
	struct pollfd	pfd;
	int		n;

	*notified = false;
	if (db->conn == NULL || PQstatus(db->conn) != CONNECTION_OK)
		return TIX_EUNAVAIL;
	*notified = drain_notifies(db->conn);
	if (*notified)
		return TIX_OK;
	pfd.fd = PQsocket(db->conn);
	pfd.events = POLLIN;
	pfd.revents = 0;
	if (pfd.fd < 0)
		return TIX_EUNAVAIL;
	n = poll(&pfd, 1, timeout_ms);
	if (n <= 0)
		return TIX_OK;	/* the time is up, or a signal came */
	if (PQconsumeInput(db->conn) == 0) {
		disconnect(db);
		return TIX_EUNAVAIL;
	}
	*notified = drain_notifies(db->conn);
	return TIX_OK;
}

const char *
tix_rows_get(const struct tix_rows *rs, size_t r, size_t c)
{
	return rs->cells[r * rs->ncols + c];
}

int64_t
tix_rows_int(const struct tix_rows *rs, size_t r, size_t c)
{
	const char *s = tix_rows_get(rs, r, c);

	return s == NULL ? 0 : strtoll(s, NULL, 10);
}

bool
tix_rows_bool(const struct tix_rows *rs, size_t r, size_t c)
{
	const char *s = tix_rows_get(rs, r, c);

	return s != NULL && s[0] == 't';
}

const char tix_db_nomem[] = "";

const char *
tix_db_i64(struct tix_arena *a, int64_t v)
{
	const char *s = tix_arena_printf(a, "%lld", (long long)v);

	return s != NULL ? s : tix_db_nomem;
}

/* For the other files of lib/db/ (db/conn.h). */

PGconn *
tix_db_pgconn(struct tix_db *db)
{
	return db->conn;
}

static bool
shaped_known(const struct tix_db *db, unsigned x)
{
	size_t i;

	for (i = 0; i < db->nshaped; i++)
		if (db->shaped[i] == x)
			return true;
	return false;
}

void
tix_db_stmt_name(const struct tix_db *db, enum tix_stmt id, char name[16])
{
	unsigned x;

	if ((int)id < TIX_STMT_SHAPED) {
		snprintf(name, 16, "s%d", (int)id);
		return;
	}
	/* A shape that cannot be kept goes unnamed: the next Parse
	 * replaces it. */
	x = (unsigned)(id - TIX_STMT_SHAPED);
	if (shaped_known(db, x) || db->nshaped < SHAPED_MAX)
		snprintf(name, 16, "l%x", x);
	else
		name[0] = '\0';
}

bool
tix_db_is_prepared(const struct tix_db *db, enum tix_stmt id)
{
	if ((int)id >= TIX_STMT_SHAPED)
		return shaped_known(db, (unsigned)(id - TIX_STMT_SHAPED));
	return db->prepared[id];
}

void
tix_db_set_prepared(struct tix_db *db, enum tix_stmt id)
{
	unsigned x;

	if ((int)id < TIX_STMT_SHAPED) {
		db->prepared[id] = true;
		return;
	}
	x = (unsigned)(id - TIX_STMT_SHAPED);
	if (!shaped_known(db, x) && db->nshaped < SHAPED_MAX)
		db->shaped[db->nshaped++] = x;
}

enum tix_err
tix_db_failed(struct tix_db *db, const PGresult *res, enum tix_stmt id)
{
	return classify(db, res, id);
}

void
tix_db_drop(struct tix_db *db)
{
	disconnect(db);
}

enum tix_err
tix_db_copy(struct tix_arena *a, PGresult *res, struct tix_rows *out)
{
	const char *tuples = PQcmdTuples(res);

	out->affected = tuples[0] == '\0' ? 0 : strtoull(tuples, NULL, 10);
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		return TIX_OK;
	return copy_rows(a, res, out);
}
