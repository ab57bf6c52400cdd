/*
 * db.h: the only door to PostgreSQL.  libpq is included by lib/db/ alone.
 *
 * A struct tix_db is one connection, owned by one process.  It connects
 * lazily and reconnects by itself: tix_db_ensure() is called at the start
 * of every request and answers TIX_EUNAVAIL while the server cannot be
 * reached, retrying at most once a second, so a down database costs a
 * request nothing but a quick 503.
 *
 * Statements are named in db/stmt.h and prepared on first use per
 * connection; no
 * SQL text is ever built from input.  Parameters and results are text.
 * Results are copied into the caller's arena, so no PGresult escapes.
 */
#ifndef TIX_DB_DB_H
#define TIX_DB_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"
#include "db/stmt.h"

struct tix_db;

/* Rows of one result; cells are NUL-terminated, NULL for SQL NULL. */
struct tix_rows {
	size_t		  nrows;
	size_t		  ncols;
	const char	**cells;	/* nrows * ncols, row-major, in the arena */
	uint64_t	  affected;	/* for INSERT/UPDATE/DELETE */
};

/*
 * Make a handle for conninfo (a libpq connection string; copied).  Does
 * not connect.  Release with tix_db_close(), which accepts NULL.
 */
enum tix_err	tix_db_open(const char *conninfo, struct tix_db **out);
void		tix_db_close(struct tix_db *db);

/*
 * A streaming replica beside the primary db, for reads that may be
 * served from it (conninfo copied; connects lazily, like db; closed
 * with db).  tix_db_replica: it, or NULL when none was attached.
 */
enum tix_err	tix_db_attach_replica(struct tix_db *db, const char *conninfo);
struct tix_db	*tix_db_replica(struct tix_db *db);

/*
 * The connection for a read that must see every write committed before
 * it began (db/replica.c): db's replica when it has replayed db's WAL
 * that far, else db itself.  Never fails: a replica that is down, lags
 * or is no longer one gives db.  Costs a statement on each.
 */
struct tix_db	*tix_db_reader(struct tix_db *db, struct tix_arena *a);

/*
 * Connect (or reconnect) and prepare every statement if needed.
 * TIX_EUNAVAIL when the server is unreachable.
 */
enum tix_err	tix_db_ensure(struct tix_db *db);

/*
 * Put what conninfo says into the PG* environment variables libpq's own
 * programs read (PGHOST, PGDATABASE, PGPASSWORD...), so that pg_dump and
 * pg_restore connect where the programs do without a password on their
 * command line.  TIX_EINVAL (and a line on stderr) when conninfo does
 * not parse or has a keyword no variable stands for.
 */
enum tix_err	tix_db_export_env(const char *conninfo);

/*
 * Run statement id with n text parameters (NULL is SQL NULL) and copy the
 * result into a.  out may be NULL when the rows are not wanted.  Errors:
 * TIX_EUNAVAIL (connection lost, server shutting down, statement or lock
 * timeout, serialization failure), TIX_ECONFLICT (unique violation),
 * TIX_EINTERNAL (anything else; logged here with the SQLSTATE, since only
 * this layer has it), TIX_ENOMEM.
 */
enum tix_err	tix_db_run(struct tix_db *db, struct tix_arena *a,
		    enum tix_stmt id, const char *const *params, int n,
		    struct tix_rows *out);

/*
 * Binary values (bytea), for file chunks, without copies into an arena
 * so that memory stays flat however many chunks a request moves.
 *
 * tix_db_put_blob runs id with n parameters, of which the last is the
 * blob (blob_len bytes, sent in binary; params[n - 1] is not read); n is
 * at most 8.  tix_db_get_blob runs id, whose result is at most one row
 * of one bytea column, and copies that value into buf (cap bytes):
 * TIX_ENOTFOUND without a row, TIX_EINTERNAL when it is NULL or longer
 * than cap.  Other errors as tix_db_run.
 */
enum tix_err	tix_db_put_blob(struct tix_db *db, enum tix_stmt id,
		    const char *const *params, int n, const void *blob,
		    size_t blob_len);
enum tix_err	tix_db_get_blob(struct tix_db *db, enum tix_stmt id,
		    const char *const *params, int n, void *buf, size_t cap,
		    size_t *len);

/*
 * Transactions.  rollback is safe to call when none is open.  commit is
 * TIX_OK only when PostgreSQL committed: in a transaction that a failed
 * statement aborted it is TIX_EINTERNAL (and the transaction is over).
 */
enum tix_err	tix_db_begin(struct tix_db *db);
enum tix_err	tix_db_commit(struct tix_db *db);
void		tix_db_rollback(struct tix_db *db);

/*
 * One savepoint inside the open transaction, for work on many rows of
 * which one may fail: savepoint before a row, release after it, or
 * rollback_to after its failure, which undoes that row alone and leaves
 * the transaction usable.
 */
enum tix_err	tix_db_savepoint(struct tix_db *db);
enum tix_err	tix_db_release(struct tix_db *db);
enum tix_err	tix_db_rollback_to(struct tix_db *db);

/*
 * Run a whole SQL script (a migration) in the current transaction.  For
 * tix-admin only: the script is a trusted file, never input.
 */
enum tix_err	tix_db_script(struct tix_db *db, const char *sql);

/*
 * LISTEN on channel (lower-case letters and '_': a constant of the
 * program, TIX_EINTERNAL otherwise).  A new connection listens to
 * nothing: call it again after tix_db_ensure.
 */
enum tix_err	tix_db_listen(struct tix_db *db, const char *channel);

/*
 * Wait up to timeout_ms for a notification on a channel listened to, or
 * for a signal.  *notified says whether one came (all pending are
 * consumed).  TIX_EUNAVAIL when the connection is gone.
 */
enum tix_err	tix_db_wait(struct tix_db *db, int timeout_ms,
		    bool *notified);

/* Cell access; r and c must be in range. */
const char	*tix_rows_get(const struct tix_rows *rs, size_t r, size_t c);
int64_t		 tix_rows_int(const struct tix_rows *rs, size_t r, size_t c);
bool		 tix_rows_bool(const struct tix_rows *rs, size_t r, size_t c);

/*
 * Decimal text of v in a (for parameters).  When a is out of memory it
 * returns tix_db_nomem, never NULL (which a statement would take for SQL
 * NULL, and answer "no such row"): a statement given tix_db_nomem as a
 * parameter is not run and fails with TIX_ENOMEM.
 */
extern const char tix_db_nomem[];
const char	*tix_db_i64(struct tix_arena *a, int64_t v);

#endif
