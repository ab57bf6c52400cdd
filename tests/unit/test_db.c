/*
 * test_db.c: transactions against the real server (TIX_DATABASE_URL, set
 * by scripts/test; skipped without it).  A COMMIT after a failed
 * statement is PostgreSQL's ROLLBACK, and must not count as written.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(commit_of_an_aborted_transaction_fails),
		cmocka_unit_test(commit_without_a_transaction_is_ok),
	};

	return cmocka_run_group_tests(tests, open_db, close_db);
}
