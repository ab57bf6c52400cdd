/*
 * delete_api.c: DELETE /api/tickets/{number}, for admins.
 *
 * The ticket goes with everything that hangs off it: timeline entries,
 * attachments and their chunks, idempotency keys (ON DELETE CASCADE in
 * the schema).  A customer who cannot see the ticket gets 404 as for any
 * ticket; anyone else who is not an admin 403.
 */
#include "api/upload.h"
#include "tickets/ticket.h"

enum tix_err
tix_api_delete_ticket(struct tix_req *r)
{
	struct tix_ctx		 c = { .db = r->db, .arena = r->arena,
	    .who = &r->who };
	struct tix_ticket_ref	 t;
	struct tix_rows		 rs;
	const char		*p[1];
	enum tix_err		 rc;

	rc = tix_ticket_find(&c, r->args[0], &t);
	if (rc != TIX_OK)
		return rc;
	if (r->who.role != TIX_ROLE_ADMIN)
		return tix_req_fail(r, TIX_EFORBIDDEN,
		    "Only admins delete tickets.");
	p[0] = tix_db_i64(r->arena, t.id);
	if (p[0] == NULL)
		return TIX_ENOMEM;
	rc = tix_db_run(r->db, r->arena, TIX_STMT_TICKET_DELETE, p, 1, &rs);
	if (rc != TIX_OK)
		return rc;
	if (rs.affected != 1)
		return TIX_ENOTFOUND;	/* deleted in between */
	return tix_resp_empty(r, 204);
}
