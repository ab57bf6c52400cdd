/*
 * migrate.c: the migrations of a directory and what the database has
 * recorded of them (migrate.h).
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "db/migrate.h"

/* The most files looked at in one directory. */
#define MAX_FILES	256

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int
tix_migration_files(struct tix_arena *a, const char *dir, const char **names,
    size_t max)
{
	struct dirent	*e;
	DIR		*d;
	size_t		 n = 0, len;

	d = opendir(dir);
	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL && n < max) {
		len = strlen(e->d_name);
		if (len > 4 && strcmp(e->d_name + len - 4, ".sql") == 0) {
			names[n] = tix_arena_strdup(a, e->d_name);
			if (names[n] == NULL) {
				closedir(d);
				errno = ENOMEM;
				return -1;
			}
			n++;
		}
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), cmp_names);
	return (int)n;
}

enum tix_err
tix_migrations_pending(struct tix_db *db, struct tix_arena *a,
    const char *dir, size_t *pending, const char **first)
{
	const char	*names[MAX_FILES];
	struct tix_rows	 rs;
	enum tix_err	 rc;
	int		 n, i;

	*pending = 0;
	*first = NULL;
	n = tix_migration_files(a, dir, names, MAX_FILES);
	if (n < 0)
		return TIX_EINVAL;
	for (i = 0; i < n; i++) {
		rc = tix_db_run(db, a, TIX_STMT_MIGRATE_APPLIED, &names[i], 1,
		    &rs);
		if (rc != TIX_OK)
			return rc;
		if (rs.nrows == 0 && (*pending)++ == 0)
			*first = names[i];
	}
	return TIX_OK;
}
