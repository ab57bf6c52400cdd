/*
 * ready_api.h: GET /api/ready (ready_api.c).  tix_serve does not connect
 * to the database before it: the handler asks, and answers when the
 * database is down.
 */
#ifndef TIX_API_READY_API_H
#define TIX_API_READY_API_H

#include "http/req.h"

enum tix_err	tix_api_ready(struct tix_req *r);

#endif
