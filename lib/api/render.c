/*
 * render.c: response bodies.
 */
#include "api/render.h"
#include "core/limits.h"

void
tix_out_begin(struct tix_out *o)
{
	tix_buf_init(&o->b, TIX_MAX_RESPONSE);
	tix_jw_init(&o->w, &o->b);
	tix_jw_obj_open(&o->w);
}

enum tix_err
tix_out_send(struct tix_req *r, struct tix_out *o, int status)
{
	enum tix_err rc;

	tix_jw_obj_close(&o->w);
	rc = tix_jw_finish(&o->w);
	if (rc == TIX_OK)
		rc = tix_resp_json(r, status, &o->b);
	tix_buf_free(&o->b);
	return rc;
}

void
tix_out_discard(struct tix_out *o)
{
	tix_buf_free(&o->b);
}

void
tix_render_user(struct tix_jw *w, const struct tix_principal *p)
{
	tix_jw_obj_open(w);
	tix_jw_kint(w, "id", p->user_id);
	tix_jw_kstr(w, "email", p->email);
	tix_jw_kstr(w, "name", p->name);
	tix_jw_kstr(w, "role", tix_role_name(p->role));
	tix_jw_kbool(w, "two_factor", p->two_factor);
	tix_jw_key(w, "account");
	tix_jw_obj_open(w);
	tix_jw_kint(w, "id", p->account_id);
	tix_jw_kstr(w, "name", p->account_name);
	tix_jw_kstr(w, "timezone", p->timezone);
	tix_jw_obj_close(w);
	tix_jw_obj_close(w);
}
