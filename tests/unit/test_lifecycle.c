/*
 * test_lifecycle.c: the lifecycle table, every status x every event x
 * every actor, and ticket numbers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "tickets/lifecycle.h"
#include "tickets/ticket.h"

enum { O = TIX_STATUS_OPEN, P = TIX_STATUS_IN_PROGRESS,
    W = TIX_STATUS_WAITING, R = TIX_STATUS_RESOLVED, C = TIX_STATUS_CLOSED };
/* Errors in the tables, as negative numbers. */
enum { XCLOSED = -1, XTRANS = -2, XREOPEN = -3, XFORBID = -4 };

static int
code_of(enum tix_err rc, enum tix_status next)
{
	switch (rc) {
	case TIX_OK: return (int)next;
	case TIX_ECLOSED: return XCLOSED;
	case TIX_ETRANSITION: return XTRANS;
	case TIX_EREOPEN: return XREOPEN;
	case TIX_EFORBIDDEN: return XFORBID;
	default: return -100;
	}
}

/* What tix_lifecycle_next says of t, as a table entry. */
static int
outcome(const struct tix_transition *t)
{
	enum tix_status	next;
	enum tix_err	rc;

	rc = tix_lifecycle_next(t, &next);
	return code_of(rc, next);
}

/* One row: an event by an actor, the result for each current status
 * open, in_progress, waiting, resolved, closed. */
struct row {
	const char	*what;
	enum tix_event	 ev;
	enum tix_actor	 actor;
	bool		 window;
	int		 want[TIX_STATUS__MAX];
};

static const struct row rows[] = {
	{ "customer reply", TIX_EV_REPLY, TIX_ACTOR_CUSTOMER, true,
	    { O, O, O, O, XCLOSED } },
	{ "agent reply", TIX_EV_REPLY, TIX_ACTOR_AGENT, true,
	    { W, W, W, W, XCLOSED } },
	{ "system reply", TIX_EV_REPLY, TIX_ACTOR_SYSTEM, true,
	    { XFORBID, XFORBID, XFORBID, XFORBID, XFORBID } },
	{ "customer note", TIX_EV_NOTE, TIX_ACTOR_CUSTOMER, true,
	    { XFORBID, XFORBID, XFORBID, XFORBID, XFORBID } },
	{ "agent note", TIX_EV_NOTE, TIX_ACTOR_AGENT, true,
	    { O, P, W, R, XCLOSED } },
	{ "system note", TIX_EV_NOTE, TIX_ACTOR_SYSTEM, true,
	    { XFORBID, XFORBID, XFORBID, XFORBID, XFORBID } },
	{ "customer reopen", TIX_EV_REOPEN, TIX_ACTOR_CUSTOMER, true,
	    { XTRANS, XTRANS, XTRANS, XTRANS, O } },
	{ "agent reopen", TIX_EV_REOPEN, TIX_ACTOR_AGENT, true,
	    { XTRANS, XTRANS, XTRANS, XTRANS, O } },
	{ "customer late reopen", TIX_EV_REOPEN, TIX_ACTOR_CUSTOMER, false,
	    { XTRANS, XTRANS, XTRANS, XTRANS, XREOPEN } },
	{ "agent late reopen", TIX_EV_REOPEN, TIX_ACTOR_AGENT, false,
	    { XTRANS, XTRANS, XTRANS, XTRANS, XREOPEN } },
	{ "system reopen", TIX_EV_REOPEN, TIX_ACTOR_SYSTEM, true,
	    { XFORBID, XFORBID, XFORBID, XFORBID, XFORBID } },
	{ "auto-close", TIX_EV_AUTO_CLOSE, TIX_ACTOR_SYSTEM, true,
	    { XTRANS, XTRANS, XTRANS, C, XTRANS } },
	{ "customer auto-close", TIX_EV_AUTO_CLOSE, TIX_ACTOR_CUSTOMER, true,
	    { XFORBID, XFORBID, XFORBID, XFORBID, XFORBID } },
	{ "agent auto-close", TIX_EV_AUTO_CLOSE, TIX_ACTOR_AGENT, true,
	    { XFORBID, XFORBID, XFORBID, XFORBID, XFORBID } },
};

static void
test_events(void **state)
{
	struct tix_transition	 t;
	enum tix_status		 cur;
	size_t			 i;
	int			 got;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		for (cur = TIX_STATUS_OPEN; cur < TIX_STATUS__MAX; cur++) {
			memset(&t, 0, sizeof(t));
			t.cur = cur;
			t.ev = rows[i].ev;
			t.actor = rows[i].actor;
			t.in_reopen_window = rows[i].window;
			got = outcome(&t);
			if (got != rows[i].want[cur])
				fail_msg("%s on %s: got %d, want %d",
				    rows[i].what, tix_status_names[cur], got,
				    rows[i].want[cur]);
		}
}

/* Setting a status: [actor][current][target]. */
static const int set_status[TIX_ACTOR__MAX][TIX_STATUS__MAX]
    [TIX_STATUS__MAX] = {
	[TIX_ACTOR_CUSTOMER] = {
		{ XFORBID, XFORBID, XFORBID, XFORBID, C },
		{ XFORBID, XFORBID, XFORBID, XFORBID, C },
		{ XFORBID, XFORBID, XFORBID, XFORBID, C },
		{ XFORBID, XFORBID, XFORBID, XFORBID, C },
		{ XFORBID, XFORBID, XFORBID, XFORBID, XTRANS },
	},
	[TIX_ACTOR_AGENT] = {
		{ O, P, W, R, C },
		{ O, P, W, R, C },
		{ O, P, W, R, C },
		{ O, P, W, R, C },
		{ XTRANS, XTRANS, XTRANS, XTRANS, XTRANS },
	},
	[TIX_ACTOR_SYSTEM] = {
		{ XFORBID, XFORBID, XFORBID, XFORBID, XFORBID },
		{ XFORBID, XFORBID, XFORBID, XFORBID, XFORBID },
		{ XFORBID, XFORBID, XFORBID, XFORBID, XFORBID },
		{ XFORBID, XFORBID, XFORBID, XFORBID, XFORBID },
		{ XFORBID, XFORBID, XFORBID, XFORBID, XFORBID },
	},
};

/* An agent's reply that asks for a status: [current][target]. */
static const int reply_with[TIX_STATUS__MAX][TIX_STATUS__MAX] = {
	{ O, P, W, R, XTRANS },
	{ O, P, W, R, XTRANS },
	{ O, P, W, R, XTRANS },
	{ O, P, W, R, XTRANS },
	{ XCLOSED, XCLOSED, XCLOSED, XCLOSED, XCLOSED },
};

static void
test_targets(void **state)
{
	struct tix_transition	 t;
	enum tix_status		 cur, target, next;
	enum tix_actor		 a;
	int			 got;

	(void)state;
	for (a = TIX_ACTOR_CUSTOMER; a < TIX_ACTOR__MAX; a++)
		for (cur = 0; cur < TIX_STATUS__MAX; cur++)
			for (target = 0; target < TIX_STATUS__MAX; target++) {
				memset(&t, 0, sizeof(t));
				t.cur = cur;
				t.ev = TIX_EV_SET_STATUS;
				t.actor = a;
				t.target = target;
				t.has_target = true;
				got = outcome(&t);
				if (got != set_status[a][cur][target])
					fail_msg("actor %d sets %s on %s: %d",
					    (int)a, tix_status_names[target],
					    tix_status_names[cur], got);
				if (a != TIX_ACTOR_AGENT)
					continue;
				t.ev = TIX_EV_REPLY;
				got = outcome(&t);
				assert_int_equal(got, reply_with[cur][target]);
			}
	/* A customer cannot choose a status with a reply. */
	t.cur = TIX_STATUS_OPEN;
	t.ev = TIX_EV_REPLY;
	t.actor = TIX_ACTOR_CUSTOMER;
	t.target = TIX_STATUS_RESOLVED;
	t.has_target = true;
	assert_int_equal(tix_lifecycle_next(&t, &next), TIX_EFORBIDDEN);
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
		cmocka_unit_test(test_events),
		cmocka_unit_test(test_targets),
		cmocka_unit_test(test_numbers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
