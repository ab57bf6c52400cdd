/*
 * test_lifecycle.c: what a reply does to a status, for every status,
 * author and kind of reply.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "tickets/lifecycle.h"
#include "tickets/ticket.h"

enum { O = TIX_STATUS_OPEN, P = TIX_STATUS_IN_PROGRESS,
    W = TIX_STATUS_WAITING, R = TIX_STATUS_RESOLVED, C = TIX_STATUS_CLOSED };

/* Expected next status per current status, or -1 for ticket_closed. */
static const int customer_reply[] = { O, O, O, O, -1 };
static const int agent_reply[] = { W, W, W, W, -1 };
static const int agent_note[] = { O, P, W, R, -1 };

static void
check_row(const int *want, bool staff, bool internal)
{
	enum tix_status	 cur, next;
	enum tix_err	 rc;

	for (cur = TIX_STATUS_OPEN; cur < TIX_STATUS__MAX; cur++) {
		rc = tix_lifecycle_reply(cur, staff, internal, NULL, &next);
		if (want[cur] < 0) {
			assert_int_equal(rc, TIX_ECLOSED);
			continue;
		}
		assert_int_equal(rc, TIX_OK);
		assert_int_equal(next, want[cur]);
	}
}

static void
test_replies(void **state)
{
	(void)state;
	check_row(customer_reply, false, false);
	check_row(agent_reply, true, false);
	check_row(agent_note, true, true);
}

static void
test_agent_chooses(void **state)
{
	enum tix_status	next, want;

	(void)state;
	for (want = TIX_STATUS_OPEN; want < TIX_STATUS_CLOSED; want++) {
		assert_int_equal(tix_lifecycle_reply(TIX_STATUS_OPEN, true,
		    false, &want, &next), TIX_OK);
		assert_int_equal(next, want);
	}
	want = TIX_STATUS_CLOSED;
	assert_int_equal(tix_lifecycle_reply(TIX_STATUS_OPEN, true, false,
	    &want, &next), TIX_ETRANSITION);
}

static void
test_numbers(void **state)
{
	static const struct {
		const char	*s;
		bool		 any_case, ok;
		int64_t		 n;
	} t[] = {
		{ "TICK-1001", false, true, 1001 },
		{ "TICK-999999999", false, true, 999999999 },
		{ "TICK-1000000000", false, false, 0 },
		{ "tick-1001", false, false, 0 },
		{ "tick-1001", true, true, 1001 },
		{ "TICK-", false, false, 0 },
		{ "TICK-01001", false, false, 0 },
		{ "TICK--1", false, false, 0 },
		{ "TICK-1a", false, false, 0 },
		{ "1001", false, false, 0 },
		{ "TICK-1001 ", false, false, 0 },
	};
	size_t	i;
	int64_t	n;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		n = 0;
		if (tix_ticket_number_parse(t[i].s, t[i].any_case, &n) !=
		    t[i].ok)
			fail_msg("%s", t[i].s);
		if (t[i].ok)
			assert_int_equal(n, t[i].n);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_replies),
		cmocka_unit_test(test_agent_chooses),
		cmocka_unit_test(test_numbers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
