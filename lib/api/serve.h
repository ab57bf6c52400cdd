/*
 * serve.h: one request from arrival to response, the same for every
 * worker: route, database, authentication, CSRF, handler, error body.
 */
#ifndef TIX_API_SERVE_H
#define TIX_API_SERVE_H

#include <stddef.h>

#include "core/arena.h"
#include "core/config.h"
#include "http/route.h"

struct FCGX_Request;
struct tix_db;

void	tix_serve(struct FCGX_Request *fr, struct tix_arena *arena,
	    struct tix_db *db, const struct tix_config *cfg,
	    const struct tix_route *routes, size_t nroutes);

/* The route tables of the workers (api/auth_api.c, api/tickets_api.c). */
extern const struct tix_route	tix_auth_routes[];
extern const size_t		tix_auth_nroutes;
extern const struct tix_route	tix_ticket_routes[];
extern const size_t		tix_ticket_nroutes;
extern const struct tix_route	tix_file_routes[];	/* api/files_api.c */
extern const size_t		tix_file_nroutes;

#endif
