/*
 * ready.h: whether this worker process can serve (GET /api/ready),
 * beyond being alive (GET /api/health): the database answers, the key
 * files it reads are usable, and the schema has every migration.
 */
#ifndef TIX_TICKETS_READY_H
#define TIX_TICKETS_READY_H

#include <stdbool.h>
#include <stddef.h>

#include "core/config.h"
#include "tickets/ticket.h"

struct tix_readiness {
	bool		 database;	/* it answered */
	/* NULL: every key file is usable; else the first setting that is
	 * not, and what is wrong (static text). */
	const char	*key_setting;
	const char	*key_problem;
	/* Only when database: whether the migrations are known, how many of
	 * TIX_SQL_DIR's are not recorded, and the first of them. */
	bool		 migrations_known;
	size_t		 pending;
	const char	*first_pending;
};

/*
 * Fill out for program (its key files) with cfg's settings.  The
 * migrations are read at most once per TIX_READY_CACHE_SECONDS in a
 * process (a list of files and a read each); the rest every call.
 * Never fails: what cannot be checked is not ready.
 */
void	tix_readiness_check(const struct tix_ctx *c,
	    const struct tix_config *cfg, const char *program,
	    struct tix_readiness *out);

#define TIX_READY_CACHE_SECONDS	5

#endif
