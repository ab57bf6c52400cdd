/*
 * test_db.c: transactions against the real server (TIX_DATABASE_URL, set
 * by scripts/test; skipped without it).  A COMMIT after a failed
 * statement is PostgreSQL's ROLLBACK, and must not count as written.
 * A parameter the arena could not make fails its statement unrun.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "core/arena.h"
#include "db/db.h"

static int
open_db(void **state)
{
	const char	*url = getenv("TIX_DATABASE_URL");
	struct tix_db	*db;

	if (url == NULL || tix_db_open(url, &db) != TIX_OK ||
	    tix_db_ensure(db) != TIX_OK)
		*state = NULL;
	else
		*state = db;
	return 0;
}

static int
close_db(void **state)
{
	tix_db_close(*state);
	return 0;
}

static void
commit_of_an_aborted_transaction_fails(void **state)
{
	struct tix_db *db = *state;

	if (db == NULL)
		skip();
	assert_int_equal(tix_db_begin(db), TIX_OK);
	/* A statement error that a caller failed to check. */
	assert_int_equal(tix_db_script(db, "SELECT 1/0"), TIX_EINTERNAL);
	assert_int_equal(tix_db_commit(db), TIX_EINTERNAL);
	/* The transaction is over: the connection serves the next one. */
	assert_int_equal(tix_db_begin(db), TIX_OK);
	assert_int_equal(tix_db_script(db, "SET LOCAL lock_timeout = 1000"), TIX_OK);
	assert_int_equal(tix_db_commit(db), TIX_OK);
}

static void
commit_without_a_transaction_is_ok(void **state)
{
	struct tix_db *db = *state;

	if (db == NULL)
		skip();
	/* COMMIT outside a transaction warns and answers COMMIT. */
	assert_int_equal(tix_db_commit(db), TIX_OK);
}

static void
parameter_without_memory_fails_the_statement(void **state)
{
	struct tix_db		*db = *state;
	struct tix_arena	 a;
	struct tix_rows		 rs;
	const char		*p[2];

	if (db == NULL)
		skip();
	tix_arena_init(&a);
	a.cap = 16;
	assert_non_null(tix_arena_alloc(&a, 16));	/* the arena is full */
	p[0] = tix_db_i64(&a, 1001);
	assert_ptr_equal(p[0], tix_db_nomem);
	p[1] = NULL;
	/* Not run (as SQL NULL it would find no row): no memory. */
	assert_int_equal(tix_db_run(db, &a, TIX_STMT_TICKET_FIND, p, 2, &rs),
	    TIX_ENOMEM);
	tix_arena_reset(&a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(commit_of_an_aborted_transaction_fails),
		cmocka_unit_test(commit_without_a_transaction_is_ok),
		cmocka_unit_test(parameter_without_memory_fails_the_statement),
	};

	return cmocka_run_group_tests(tests, open_db, close_db);
}
