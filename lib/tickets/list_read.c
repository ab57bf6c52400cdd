/*
 * list_read.c: lists and searches on a read replica (list_read.h).
 *
 * Only these reads move: they are most of the load, and a page that is
 * as fresh as the request is all they promise.  Everything else,
 * authentication included, stays on the primary.
 */
#include "db/db.h"
#include "tickets/list_read.h"

enum tix_err
tix_ticket_list_fresh(const struct tix_ctx *c,
    const struct tix_ticket_filter *f, struct tix_ticket_page *out)
{
	struct tix_db	*db = tix_db_reader(c->db, c->arena);
	struct tix_ctx	 on_replica = { .db = db, .arena = c->arena,
	    .who = c->who };
	enum tix_err	 rc;

	if (db == c->db)
		return tix_ticket_list(c, f, out);
	rc = tix_ticket_list(&on_replica, f, out);
	/* Gone since the check, or a query cancelled by a conflict with
	 * recovery: the primary answers instead. */
	if (rc == TIX_EUNAVAIL)
		rc = tix_ticket_list(c, f, out);
	return rc;
}
