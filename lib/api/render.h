/*
 * render.h: writing JSON responses, and the shapes shared by several
 * routes (the user object).
 */
#ifndef TIX_API_RENDER_H
#define TIX_API_RENDER_H

#include "core/principal.h"
#include "http/req.h"
#include "json/json.h"

/* A response body in the making: a top-level object is open. */
struct tix_out {
	struct tix_buf	b;
	struct tix_jw	w;
};

void		tix_out_begin(struct tix_out *o);
/* Close the object, send it with status, release the buffer. */
enum tix_err	tix_out_send(struct tix_req *r, struct tix_out *o, int status);
/* Release the buffer without sending (on an error path). */
void		tix_out_discard(struct tix_out *o);

/* {"id","email","name","role","account":{"id","name","timezone"}} */
void		tix_render_user(struct tix_jw *w, const struct tix_principal *p);

#endif
