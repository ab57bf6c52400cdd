/*
 * change.c: the files entry and the deletion of a ticket
 * (tickets/change.h).
 */
#include "db/db.h"
#include "tickets/change.h"

enum tix_err
tix_ticket_files_added(const struct tix_ctx *c, int64_t ticket_id,
    int64_t *entry_id)
{
	struct tix_rows	 rs;
	const char	*p[7];
	enum tix_err	 rc;

	*entry_id = 0;
	p[0] = tix_db_i64(c->arena, ticket_id);
	p[1] = "attachment_added";
	p[2] = tix_db_i64(c->arena, c->who->user_id);
	p[3] = tix_via_name(c->who->via);
	p[4] = p[5] = p[6] = NULL;
	rc = tix_db_run(c->db, c->arena, TIX_STMT_ENTRY_INSERT, p, 7, &rs);
	if (rc != TIX_OK)
		return rc;
	*entry_id = tix_rows_int(&rs, 0, 0);
	return tix_db_run(c->db, c->arena, TIX_STMT_TICKET_TOUCH, p, 1, NULL);
}

enum tix_err
tix_ticket_delete(const struct tix_ctx *c, int64_t ticket_id)
{
	struct tix_rows	 rs;
	const char	*p[1];
	enum tix_err	 rc;

	p[0] = tix_db_i64(c->arena, ticket_id);
	rc = tix_db_run(c->db, c->arena, TIX_STMT_TICKET_DELETE, p, 1, &rs);
	if (rc == TIX_OK && rs.affected != 1)
		rc = TIX_ENOTFOUND;	/* deleted in between */
	return rc;
}
