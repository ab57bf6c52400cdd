/*
 * backup.h: tix-admin backup and restore (docs/backup.md).
 *
 *   tix-admin backup --to DIR
 *   tix-admin restore --from DIR [--force]
 *
 * A backup is a directory: database.dump (pg_dump's custom format, made
 * by the pg_dump of the server's major version), keys/ (the attachment
 * key and, when set, the two-factor and mail token keys), backup.info and
 * MANIFEST, the SHA-256 of each of them in sha256sum's format, written
 * last: a directory without it is no complete backup.
 */
#ifndef TIX_TOOLS_BACKUP_H
#define TIX_TOOLS_BACKUP_H

#include "core/arena.h"
#include "core/config.h"
#include "db/db.h"

/* Both return the exit status: 0, 1 on failure, 2 on a usage error (the
 * reason said on stderr).  argv[0] is the command's name. */
int	tix_backup_main(struct tix_db *db, struct tix_arena *a,
	    const struct tix_config *cfg, int argc, char **argv);
int	tix_restore_main(struct tix_db *db, struct tix_arena *a,
	    const struct tix_config *cfg, int argc, char **argv);

#endif
