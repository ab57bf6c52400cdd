/*
 * attach.c: attachments of tickets (files/attach.h).
 */
#include <string.h>

#include "db/db.h"
#include "files/attach.h"
#include "files/store.h"

enum tix_err
tix_attach_begin(struct tix_file_w *w, const struct tix_ctx *c,
    const char *name, enum tix_ftype type, uint64_t max)
{
	return tix_file_begin(w, c->db, c->who->user_id, name, type, max);
}

enum tix_err
tix_attach_link(const struct tix_ctx *c, const int64_t *ids, size_t n,
    int64_t ticket_id, int64_t entry_id)
{
	enum tix_err rc;

	if (n == 0)
		return TIX_OK;
	/* Files per ticket and bytes per user a day (files/store.h). */
	rc = tix_file_quota(c->db, c->arena, ticket_id, c->who->user_id, n,
	    0);
	if (rc != TIX_OK)
		return rc;
	return tix_file_link(c->db, c->arena, ids, n, ticket_id, entry_id);
}

enum tix_err
tix_attach_find(const struct tix_ctx *c, int64_t ticket_id, int64_t id,
    struct tix_attach_file *out)
{
	struct tix_rows	 rs;
	const char	*p[3];
	enum tix_err	 rc;

	memset(out, 0, sizeof(*out));
	p[0] = tix_db_i64(c->arena, id);
	p[1] = tix_db_i64(c->arena, ticket_id);
	p[2] = tix_is_staff(c->who) ? "t" : "f";
	rc = tix_db_run(c->db, c->arena, TIX_STMT_ATTACH_GET, p, 3, &rs);
	if (rc != TIX_OK)
		return rc;
	if (rs.nrows != 1)
		return TIX_ENOTFOUND;
	out->id = tix_rows_int(&rs, 0, 0);
	out->filename = tix_rows_get(&rs, 0, 1);
	out->content_type = tix_rows_get(&rs, 0, 2);
	out->size = tix_rows_int(&rs, 0, 3);
	out->sha256 = tix_rows_get(&rs, 0, 4);
	out->key_id = tix_rows_int(&rs, 0, 5);
	out->header = tix_rows_get(&rs, 0, 6);
	out->nchunks = (int32_t)tix_rows_int(&rs, 0, 7);
	return TIX_OK;
}

enum tix_err
tix_attach_open(struct tix_file_r *rd, const struct tix_ctx *c,
    const struct tix_attach_file *f)
{
	return tix_file_open(rd, c->db, f->id, f->key_id, f->header,
	    f->nchunks, (uint64_t)f->size);
}
