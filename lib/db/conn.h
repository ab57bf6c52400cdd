/*
 * conn.h: what db.c lends the other files of lib/db/ (batch.c): the
 * connection itself, statement names, error classification, result
 * copies.
 * Never included outside lib/db/.
 */
#ifndef TIX_DB_CONN_H
#define TIX_DB_CONN_H

#include <libpq-fe.h>

#include <stdbool.h>

#include "db/db.h"

/* The connection, or NULL when there is none. */
PGconn		*tix_db_pgconn(struct tix_db *db);
/* The name statement id is prepared under, and whether it is on this
 * connection (set when a batch prepared it). */
void		 tix_db_stmt_name(const struct tix_db *db, enum tix_stmt id,
		    char name[16]);
bool		 tix_db_is_prepared(const struct tix_db *db, enum tix_stmt id);
void		 tix_db_set_prepared(struct tix_db *db, enum tix_stmt id);
/* What the failed result res of id means (tix_db_run's errors); may
 * close the connection, after which tix_db_pgconn is NULL. */
enum tix_err	 tix_db_failed(struct tix_db *db, const PGresult *res,
		    enum tix_stmt id);
/* Close the connection: the next request connects anew. */
void		 tix_db_drop(struct tix_db *db);
/* Copy res into out (tix_db_run's rows and affected count). */
enum tix_err	 tix_db_copy(struct tix_arena *a, PGresult *res,
		    struct tix_rows *out);

#endif
