/*
 * migrate.h: which migrations of a directory the database has recorded
 * (migrate.c), for tix-admin migrate and the readiness check.
 */
#ifndef TIX_DB_MIGRATE_H
#define TIX_DB_MIGRATE_H

#include <stddef.h>

#include "db/db.h"

/*
 * The names of dir's *.sql files in name order (the order they apply
 * in), at most max of them, into names (strings in a).  The count, or
 * -1 with errno set when dir cannot be read.
 */
int		tix_migration_files(struct tix_arena *a, const char *dir,
		    const char **names, size_t max);

/*
 * How many of dir's migrations schema_migrations does not record, into
 * *pending, and the first of them (NULL: none) into *first, a string in
 * a.  One read each, no lock: a migration that runs meanwhile shows as
 * pending until it commits.  TIX_EINVAL when dir cannot be read; the
 * database's errors as tix_db_run.
 */
enum tix_err	tix_migrations_pending(struct tix_db *db, struct tix_arena *a,
		    const char *dir, size_t *pending, const char **first);

#endif
