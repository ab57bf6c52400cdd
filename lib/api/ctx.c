/*
 * ctx.c: struct tix_ctx of a request, built in one place (api/ctx.h).
 */
#include "api/ctx.h"

struct tix_ctx
tix_api_ctx(struct tix_req *r)
{
	struct tix_ctx c = { .db = r->db, .arena = r->arena,
	    .who = &r->who };

	return c;
}
