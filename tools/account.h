/*
 * account.h: tix-admin account export and delete (docs/backup.md,
 * "A customer's data").
 *
 *   tix-admin account export --account NAME --to DIR
 *   tix-admin account delete --account NAME [--yes]
 */
#ifndef TIX_TOOLS_ACCOUNT_H
#define TIX_TOOLS_ACCOUNT_H

#include "core/arena.h"
#include "core/config.h"
#include "db/db.h"

/* The exit status: 0, 1 on failure (or delete without --yes), 2 on a
 * usage error.  argv[0] is "export" or "delete". */
int	tix_account_main(struct tix_db *db, struct tix_arena *a,
	    const struct tix_config *cfg, int argc, char **argv);

#endif
