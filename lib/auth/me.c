/*
 * me.c: a user's own tokens, sessions and preferences, and the staff
 * list (auth/me.h).  Each is one statement; ownership is part of every
 * WHERE clause, so another user's id matches no row.
 */
#include <string.h>

#include "auth/me.h"
#include "core/config.h"
#include "db/db.h"

/* Run stmt with np parameters, and room in the arena for its rows as
 * structs of size bytes each (*out; there may be none). */
static enum tix_err
run_list(struct tix_req *r, enum tix_stmt stmt, const char *const *p,
    int np, struct tix_rows *rs, size_t size, void **out)
{
	enum tix_err rc;

	rc = tix_db_run(r->db, r->arena, stmt, p, np, rs);
	if (rc != TIX_OK)
		return rc;
	*out = tix_arena_alloc(r->arena, (rs->nrows == 0 ? 1 : rs->nrows) *
	    size);
	return *out == NULL ? TIX_ENOMEM : TIX_OK;
}

static const char *
uid_of(struct tix_req *r)
{
	return tix_db_i64(r->arena, r->who.user_id);
}

/* A delete of row id of r's user by stmt: TIX_ENOTFOUND when none. */
static enum tix_err
delete_own(struct tix_req *r, enum tix_stmt stmt, int64_t id)
{
	struct tix_rows	 rs;
	const char	*p[2];
	enum tix_err	 rc;

	p[0] = tix_db_i64(r->arena, id);
	p[1] = uid_of(r);
	rc = tix_db_run(r->db, r->arena, stmt, p, 2, &rs);
	if (rc == TIX_OK && rs.affected == 0)
		rc = TIX_ENOTFOUND;
	return rc;
}

enum tix_err
tix_auth_token_create(struct tix_req *r, const char *name,
    struct tix_token_made *out)
{
	char		 hash[TIX_HASH_HEX_LEN + 1];
	const char	*p[3];
	struct tix_rows	 rs;
	enum tix_err	 rc;

	memset(out, 0, sizeof(*out));
	tix_token_new(out->token);
	tix_hash_hex(out->token, TIX_TOKEN_LEN, hash);
	p[0] = uid_of(r);
	p[1] = name;
	p[2] = hash;
	rc = tix_db_run(r->db, r->arena, TIX_STMT_TOKEN_INSERT, p, 3, &rs);
	if (rc != TIX_OK)
		return rc;
	out->row.id = tix_rows_int(&rs, 0, 0);
	out->row.name = name;
	out->row.created_at = tix_rows_get(&rs, 0, 1);
	return TIX_OK;
}

enum tix_err
tix_auth_token_list(struct tix_req *r, struct tix_token_row **rows,
    size_t *n)
{
	struct tix_rows		 rs;
	struct tix_token_row	*t;
	const char		*uid = uid_of(r);
	enum tix_err		 rc;
	size_t			 i;

	*n = 0;
	rc = run_list(r, TIX_STMT_TOKEN_LIST, &uid, 1, &rs, sizeof(*t),
	    (void **)&t);
	if (rc != TIX_OK)
		return rc;
	for (i = 0; i < rs.nrows; i++) {
		t[i].id = tix_rows_int(&rs, i, 0);
		t[i].name = tix_rows_get(&rs, i, 1);
		t[i].created_at = tix_rows_get(&rs, i, 2);
		t[i].last_used_at = tix_rows_get(&rs, i, 3);
	}
	*rows = t;
	*n = rs.nrows;
	return TIX_OK;
}

enum tix_err
tix_auth_token_revoke(struct tix_req *r, int64_t id)
{
	return delete_own(r, TIX_STMT_TOKEN_DELETE, id);
}

enum tix_err
tix_auth_session_list(struct tix_req *r, struct tix_session_row **rows,
    size_t *n)
{
	struct tix_rows		 rs;
	struct tix_session_row	*s;
	const char		*p[2];
	enum tix_err		 rc;
	size_t			 i;

	*n = 0;
	p[0] = uid_of(r);
	p[1] = tix_db_i64(r->arena, r->cfg->session_idle_minutes);
	rc = run_list(r, TIX_STMT_SESSION_LIST, p, 2, &rs, sizeof(*s),
	    (void **)&s);
	if (rc != TIX_OK)
		return rc;
	for (i = 0; i < rs.nrows; i++) {
		s[i].id = tix_rows_int(&rs, i, 0);
		s[i].created_at = tix_rows_get(&rs, i, 1);
		s[i].last_used_at = tix_rows_get(&rs, i, 2);
		s[i].ip = tix_rows_get(&rs, i, 3);
		s[i].user_agent = tix_rows_get(&rs, i, 4);
		s[i].current = s[i].id == r->who.session_id;
	}
	*rows = s;
	*n = rs.nrows;
	return TIX_OK;
}

enum tix_err
tix_auth_session_revoke(struct tix_req *r, int64_t id)
{
	return delete_own(r, TIX_STMT_SESSION_REVOKE, id);
}

enum tix_err
tix_auth_session_revoke_others(struct tix_req *r)
{
	const char *p[2];

	p[0] = uid_of(r);
	p[1] = tix_db_i64(r->arena, r->who.session_id);
	return tix_db_run(r->db, r->arena, TIX_STMT_SESSION_REVOKE_OTHERS, p,
	    2, NULL);
}

enum tix_err
tix_auth_prefs_get(struct tix_req *r, struct tix_prefs *out)
{
	struct tix_rows	 rs;
	const char	*uid = uid_of(r);
	enum tix_err	 rc;

	memset(out, 0, sizeof(*out));
	rc = tix_db_run(r->db, r->arena, TIX_STMT_PREFS_GET, &uid, 1, &rs);
	if (rc != TIX_OK)
		return rc;
	if (rs.nrows != 1)
		return TIX_EAUTH;
	out->on_reply = tix_rows_bool(&rs, 0, 0);
	out->on_status = tix_rows_bool(&rs, 0, 1);
	out->on_assigned = tix_rows_bool(&rs, 0, 2);
	out->sms_number = tix_rows_get(&rs, 0, 3);
	out->sms_enabled = tix_rows_bool(&rs, 0, 4);
	return TIX_OK;
}

enum tix_err
tix_auth_prefs_set(struct tix_req *r, const struct tix_prefs *pf)
{
	const char *p[6];

	p[0] = uid_of(r);
	p[1] = pf->on_reply ? "t" : "f";
	p[2] = pf->on_status ? "t" : "f";
	p[3] = pf->on_assigned ? "t" : "f";
	p[4] = pf->sms_number;
	p[5] = pf->sms_enabled ? "t" : "f";
	return tix_db_run(r->db, r->arena, TIX_STMT_PREFS_SET, p, 6, NULL);
}

enum tix_err
tix_auth_staff_list(struct tix_req *r, struct tix_staff_row **rows,
    size_t *n)
{
	struct tix_rows		 rs;
	struct tix_staff_row	*s;
	enum tix_err		 rc;
	size_t			 i;

	*n = 0;
	rc = run_list(r, TIX_STMT_STAFF_LIST, NULL, 0, &rs, sizeof(*s),
	    (void **)&s);
	if (rc != TIX_OK)
		return rc;
	for (i = 0; i < rs.nrows; i++) {
		s[i].id = tix_rows_int(&rs, i, 0);
		s[i].name = tix_rows_get(&rs, i, 1);
		s[i].email = tix_rows_get(&rs, i, 2);
		s[i].role = tix_rows_get(&rs, i, 3);
	}
	*rows = s;
	*n = rs.nrows;
	return TIX_OK;
}
