/*
 * replica.c: which connection serves a read that must see the caller's
 * own writes (db.h, docs/scaling.md).
 *
 * A read goes to the replica only when the replica has replayed the
 * primary's WAL up to where it ended as the read began.  Every
 * transaction that committed before that moment, the caller's own
 * writes among them, has its commit record before that position, and a
 * hot standby shows a transaction as soon as it has replayed its commit
 * record; so the replica's answer is one the primary could have given.
 * A replica that is behind, down or promoted (no longer replaying)
 * leaves the read on the primary: the bound on lag is zero bytes.
 */
#include "db/db.h"

struct tix_db *
tix_db_reader(struct tix_db *db, struct tix_arena *a)
{
	struct tix_db	*replica = tix_db_replica(db);
	struct tix_rows	 pos, caught_up;
	const char	*p[1];

	if (replica == NULL || tix_db_ensure(replica) != TIX_OK)
		return db;
	if (tix_db_run(db, a, TIX_STMT_WAL_INSERTED, NULL, 0, &pos) !=
	    TIX_OK || pos.nrows != 1 || tix_rows_get(&pos, 0, 0) == NULL)
		return db;
	p[0] = tix_rows_get(&pos, 0, 0);
	if (tix_db_run(replica, a, TIX_STMT_WAL_REPLAYED_TO, p, 1,
	    &caught_up) != TIX_OK || caught_up.nrows != 1 ||
	    !tix_rows_bool(&caught_up, 0, 0))
		return db;
	return replica;
}
