/*
 * work.c: a request's unit of work over the process's connection
 * (tickets/work.h).
 */
#include "db/db.h"
#include "tickets/work.h"

enum tix_err
tix_work_ready(const struct tix_ctx *c)
{
	return tix_db_ensure(c->db);
}

enum tix_err
tix_work_begin(const struct tix_ctx *c)
{
	return tix_db_begin(c->db);
}

enum tix_err
tix_work_commit(const struct tix_ctx *c)
{
	return tix_db_commit(c->db);
}

void
tix_work_rollback(const struct tix_ctx *c)
{
	tix_db_rollback(c->db);
}
