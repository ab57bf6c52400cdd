/*
 * ctx.h: the domain's view of a request (api/ctx.c).
 */
#ifndef TIX_API_CTX_H
#define TIX_API_CTX_H

#include "http/req.h"
#include "tickets/ticket.h"

/* What the domain calls of r take: its connection, its arena and who is
 * asking (r->who, borrowed: valid while r is). */
struct tix_ctx	tix_api_ctx(struct tix_req *r);

#endif
