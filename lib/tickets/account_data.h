/*
 * account_data.h: one account's data, for the customer who asks for it
 * and for its deletion (tix-admin account export and delete,
 * docs/backup.md "A customer's data").
 */
#ifndef TIX_TICKETS_ACCOUNT_DATA_H
#define TIX_TICKETS_ACCOUNT_DATA_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"
#include "db/db.h"

/* A file of the export; strings in the arena. */
struct tix_account_file {
	int64_t		 id;
	const char	*path;		/* "files/ID-NAME" (account.json's) */
	uint64_t	 size;
	const char	*sha256;	/* hex, of the plaintext */
	int64_t		 key_id;
	const char	*header;	/* hex */
	int32_t		 nchunks;
};

/*
 * Account name's data in the caller's transaction: *json the text of
 * account.json (in the arena), files[0..*nfiles) the files its timeline
 * names.  TIX_ENOTFOUND without such an account.
 */
enum tix_err	tix_account_export(struct tix_db *db, struct tix_arena *a,
		    const char *name, const char **json,
		    struct tix_account_file **files, size_t *nfiles);

/*
 * File f's plaintext, chunk by chunk, handed to put (nonzero from it
 * stops, TIX_EINTERNAL); then the SHA-256 of all of it checked against
 * the row's: TIX_EINTERNAL when a chunk fails authentication, is missing
 * or the checksum differs.  The attachment key must be loaded.
 */
enum tix_err	tix_account_file_copy(struct tix_db *db,
		    const struct tix_account_file *f,
		    int (*put)(void *arg, const void *p, size_t n), void *arg);

struct tix_account_counts {
	int64_t		account_id;
	int64_t		users, tickets, entries, files, sessions, tokens,
			licenses;
};

/*
 * What deleting account name removes, in the caller's transaction, the
 * account locked.  TIX_ENOTFOUND without such an account.
 */
enum tix_err	tix_account_count(struct tix_db *db, struct tix_arena *a,
		    const char *name, struct tix_account_counts *out);

/*
 * Delete account name with its tickets (entries, files, notices), its
 * users (sessions, tokens), its licenses, in one transaction of its own;
 * *out what was deleted.  Logged with the name and the counts.  A user
 * of the account still named by another account's ticket (an agent
 * assigned to it, say) fails the transaction (TIX_EINTERNAL, the
 * constraint logged) and nothing changes.
 */
enum tix_err	tix_account_delete(struct tix_db *db, struct tix_arena *a,
		    const char *name, struct tix_account_counts *out);

#endif
