/*
 * ready.c: the readiness check (ready.h).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/log.h"
#include "db/migrate.h"
#include "tickets/read.h"
#include "tickets/ready.h"
#include "tickets/work.h"

#ifndef TIX_DEFAULT_SQL_DIR
#define TIX_DEFAULT_SQL_DIR	"sql"
#endif

/* The last migrations check of this process: a worker process serves
 * one request at a time, so plain statics do.  The name is copied out
 * of the request's arena. */
static struct {
	bool		 valid;
	time_t		 at;
	size_t		 pending;
	char		 first[256];
} cache;

static time_t
now_monotonic(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

static void
migrations(const struct tix_ctx *c, const struct tix_config *cfg,
    struct tix_readiness *out)
{
	const char	*dir = cfg->sql_dir != NULL ? cfg->sql_dir :
	    TIX_DEFAULT_SQL_DIR;
	const char	*first;
	time_t		 t = now_monotonic();
	enum tix_err	 rc;

	if (!cache.valid || t - cache.at >= TIX_READY_CACHE_SECONDS) {
		rc = tix_migrations_pending(c->db, c->arena, dir,
		    &cache.pending, &first);
		if (rc != TIX_OK) {
			tix_log_warn("ready: the migrations of %s cannot be "
			    "checked: %s", dir, tix_err_name(rc));
			cache.valid = false;
			return;
		}
		cache.valid = true;
		cache.at = t;
		cache.first[0] = '\0';
		if (first != NULL)
			snprintf(cache.first, sizeof(cache.first), "%s",
			    first);
	}
	out->migrations_known = true;
	out->pending = cache.pending;
	out->first_pending = cache.pending > 0 ? cache.first : NULL;
}

void
tix_readiness_check(const struct tix_ctx *c, const struct tix_config *cfg,
    const char *program, struct tix_readiness *out)
{
	memset(out, 0, sizeof(*out));
	/* The route skips the runner's connect, to answer when it fails. */
	out->database = tix_work_ready(c) == TIX_OK &&
	    tix_health_check(c) == TIX_OK;
	out->key_problem = tix_config_keys_problem(cfg, program,
	    &out->key_setting);
	if (out->database)
		migrations(c, cfg, out);
}
