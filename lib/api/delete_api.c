/*
 * delete_api.c: DELETE /api/tickets/{number}, for admins.
 *
 * The ticket goes with everything that hangs off it
 * (tickets/change.h).  A customer who cannot see the ticket gets 404 as for any
 * ticket; anyone else who is not an admin 403.
 */
#include "api/ctx.h"
#include "api/upload.h"
#include "tickets/change.h"

enum tix_err
tix_api_delete_ticket(struct tix_req *r)
{
	struct tix_ctx		 c = tix_api_ctx(r);
	struct tix_ticket_ref	 t;
	enum tix_err		 rc;

	rc = tix_ticket_find(&c, r->args[0], &t);
	if (rc != TIX_OK)
		return rc;
	if (r->who.role != TIX_ROLE_ADMIN)
		return tix_req_fail(r, TIX_EFORBIDDEN,
		    "Only admins delete tickets.");
	rc = tix_ticket_delete(&c, t.id);
	return rc == TIX_OK ? tix_resp_empty(r, 204) : rc;
}
