/*
 * account_data.c: an account's data exported or deleted
 * (account_data.h).
 */
#include <inttypes.h>
#include <stdbool.h>
#include <string.h>

#include "core/log.h"
#include "crypto/stream.h"
#include "db/stmt.h"
#include "files/store.h"
#include "tickets/account_data.h"

enum tix_err
tix_account_export(struct tix_db *db, struct tix_arena *a, const char *name,
    const char **json, struct tix_account_file **files, size_t *nfiles)
{
	struct tix_rows			 rs;
	struct tix_account_file		*f;
	enum tix_err			 rc;

	*json = NULL;
	*files = NULL;
	*nfiles = 0;
	rc = tix_db_run(db, a, TIX_STMT_ACCOUNT_EXPORT, &name, 1, &rs);
	if (rc != TIX_OK)
		return rc;
	if (rs.nrows != 1)
		return TIX_ENOTFOUND;
	*json = tix_rows_get(&rs, 0, 0);
	rc = tix_db_run(db, a, TIX_STMT_ACCOUNT_FILES, &name, 1, &rs);
	if (rc != TIX_OK)
		return rc;
	if (rs.nrows == 0)
		return TIX_OK;
	f = tix_arena_alloc(a, rs.nrows * sizeof(*f));
	if (f == NULL)
		return TIX_ENOMEM;
	for (size_t i = 0; i < rs.nrows; i++)
		f[i] = (struct tix_account_file){
			.id = tix_rows_int(&rs, i, 0),
			.path = tix_rows_get(&rs, i, 1),
			.size = (uint64_t)tix_rows_int(&rs, i, 2),
			.sha256 = tix_rows_get(&rs, i, 3),
			.key_id = tix_rows_int(&rs, i, 4),
			.header = tix_rows_get(&rs, i, 5),
			.nchunks = (int32_t)tix_rows_int(&rs, i, 6),
		};
	*files = f;
	*nfiles = rs.nrows;
	return TIX_OK;
}

enum tix_err
tix_account_file_copy(struct tix_db *db, const struct tix_account_file *f,
    int (*put)(void *arg, const void *p, size_t n), void *arg)
{
	/* Static: two chunk buffers, too big for the stack of a tool. */
	static struct tix_file_r	 rd;
	struct tix_sha256		 sha;
	const unsigned char		*p;
	char				 hex[65];
	size_t				 n;
	bool				 done = false;
	enum tix_err			 rc;

	rc = tix_file_open(&rd, db, f->id, f->key_id, f->header, f->nchunks,
	    f->size);
	tix_sha256_init(&sha);
	while (rc == TIX_OK && !done) {
		rc = tix_file_next(&rd, &p, &n, &done);
		if (rc == TIX_OK && !done) {
			tix_sha256_update(&sha, p, n);
			if (n > 0 && put(arg, p, n) != 0)
				rc = TIX_EINTERNAL;
		}
	}
	if (rc != TIX_OK)
		return rc;
	tix_sha256_final_hex(&sha, hex);
	if (f->sha256 == NULL || strcmp(hex, f->sha256) != 0) {
		tix_log_error("attachment %" PRId64 ": SHA-256 differs from "
		    "the stored one", f->id);
		return TIX_EINTERNAL;
	}
	return TIX_OK;
}

enum tix_err
tix_account_count(struct tix_db *db, struct tix_arena *a, const char *name,
    struct tix_account_counts *out)
{
	struct tix_rows	rs;
	enum tix_err	rc;

	memset(out, 0, sizeof(*out));
	rc = tix_db_run(db, a, TIX_STMT_ACCOUNT_COUNTS, &name, 1, &rs);
	if (rc != TIX_OK)
		return rc;
	if (rs.nrows != 1)
		return TIX_ENOTFOUND;
	*out = (struct tix_account_counts){
		.account_id = tix_rows_int(&rs, 0, 0),
		.users = tix_rows_int(&rs, 0, 1),
		.tickets = tix_rows_int(&rs, 0, 2),
		.entries = tix_rows_int(&rs, 0, 3),
		.files = tix_rows_int(&rs, 0, 4),
		.sessions = tix_rows_int(&rs, 0, 5),
		.tokens = tix_rows_int(&rs, 0, 6),
		.licenses = tix_rows_int(&rs, 0, 7),
	};
	return TIX_OK;
}

enum tix_err
tix_account_delete(struct tix_db *db, struct tix_arena *a, const char *name,
    struct tix_account_counts *out)
{
	/* In this order: the tickets name the users, the users and the
	 * licenses the account. */
	static const enum tix_stmt steps[] = { TIX_STMT_ACCOUNT_DEL_OUTBOX,
	    TIX_STMT_ACCOUNT_DEL_TICKETS, TIX_STMT_ACCOUNT_DEL_USERS,
	    TIX_STMT_ACCOUNT_DEL_LICENSES, TIX_STMT_ACCOUNT_DEL };
	const char	*id;
	enum tix_err	 rc;

	rc = tix_db_begin(db);
	if (rc != TIX_OK)
		return rc;
	rc = tix_account_count(db, a, name, out);
	id = rc == TIX_OK ? tix_db_i64(a, out->account_id) : NULL;
	for (size_t i = 0; rc == TIX_OK && i < sizeof(steps) / sizeof(steps[0]);
	    i++)
		rc = tix_db_run(db, a, steps[i], &id, 1, NULL);
	if (rc == TIX_OK)
		rc = tix_db_commit(db);
	if (rc != TIX_OK) {
		tix_db_rollback(db);
		return rc;
	}
	/* The name and the counts only: never what was in them. */
	tix_log_info("account %s deleted: %" PRId64 " user(s), %" PRId64
	    " ticket(s), %" PRId64 " timeline entries, %" PRId64 " file(s), %"
	    PRId64 " session(s), %" PRId64 " token(s), %" PRId64
	    " license(s)", name, out->users, out->tickets, out->entries,
	    out->files, out->sessions, out->tokens, out->licenses);
	return TIX_OK;
}
