/*
 * test_sla.c: first-response due times, table-driven, in several zones
 * and across daylight-saving changes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <cmocka.h>

#include "tickets/sla.h"

/* Unix time of a UTC wall-clock time. */
static int64_t
utc(int y, int mo, int d, int h, int mi)
{
	struct tm t = { 0 };

	t.tm_year = y - 1900;
	t.tm_mon = mo - 1;
	t.tm_mday = d;
	t.tm_hour = h;
	t.tm_min = mi;
	return (int64_t)timegm(&t);
}

struct sla_case {
	const char		*what;
	const char		*tz;
	enum tix_priority	 p;
	int			 c[5];	/* created, UTC: y m d h min */
	int			 d[5];	/* due, UTC */
};

static const struct sla_case cases[] = {
	{ "critical: one hour, even at 03:00 on a Sunday", "Europe/Berlin",
	    TIX_PRIORITY_CRITICAL, { 2026, 11, 29, 2, 0 },
	    { 2026, 11, 29, 3, 0 } },
	{ "normal: 24 hours around the clock", "Europe/Berlin",
	    TIX_PRIORITY_NORMAL, { 2026, 11, 27, 16, 30 },
	    { 2026, 11, 28, 16, 30 } },
	{ "high: Friday 17:30 Berlin -> Monday 12:30", "Europe/Berlin",
	    TIX_PRIORITY_HIGH, { 2026, 11, 27, 16, 30 },
	    { 2026, 11, 30, 11, 30 } },
	{ "high: Saturday -> Monday 13:00", "Europe/Berlin",
	    TIX_PRIORITY_HIGH, { 2026, 11, 28, 9, 0 },
	    { 2026, 11, 30, 12, 0 } },
	{ "high: before opening counts from 09:00", "Europe/Berlin",
	    TIX_PRIORITY_HIGH, { 2026, 11, 30, 5, 0 },
	    { 2026, 11, 30, 12, 0 } },
	{ "high: after closing counts from the next morning",
	    "Europe/Berlin", TIX_PRIORITY_HIGH, { 2026, 11, 30, 19, 0 },
	    { 2026, 12, 1, 12, 0 } },
	{ "low: Monday 09:00 -> Friday 18:00", "Europe/Berlin",
	    TIX_PRIORITY_LOW, { 2026, 11, 30, 8, 0 },
	    { 2026, 12, 4, 17, 0 } },
	{ "low: Friday 17:30 -> next Friday 17:30", "Europe/Berlin",
	    TIX_PRIORITY_LOW, { 2026, 11, 27, 16, 30 },
	    { 2026, 12, 4, 16, 30 } },
	{ "high: over the spring change in Berlin", "Europe/Berlin",
	    TIX_PRIORITY_HIGH, { 2026, 3, 27, 16, 0 },
	    { 2026, 3, 30, 10, 0 } },
	{ "high: over the autumn change in Berlin", "Europe/Berlin",
	    TIX_PRIORITY_HIGH, { 2026, 10, 23, 15, 0 },
	    { 2026, 10, 26, 11, 0 } },
	{ "high: over the autumn change in New York", "America/New_York",
	    TIX_PRIORITY_HIGH, { 2026, 10, 30, 20, 0 },
	    { 2026, 11, 2, 16, 0 } },
	{ "high: over the spring change in New York", "America/New_York",
	    TIX_PRIORITY_HIGH, { 2026, 3, 6, 22, 0 },
	    { 2026, 3, 9, 16, 0 } },
	{ "high: Kolkata, a half-hour offset", "Asia/Kolkata",
	    TIX_PRIORITY_HIGH, { 2026, 11, 25, 2, 30 },
	    { 2026, 11, 25, 7, 30 } },
	{ "high: Auckland, the day before in UTC", "Pacific/Auckland",
	    TIX_PRIORITY_HIGH, { 2026, 11, 30, 4, 0 },
	    { 2026, 11, 30, 23, 0 } },
	{ "critical: just before the spring change", "Europe/Berlin",
	    TIX_PRIORITY_CRITICAL, { 2026, 3, 29, 0, 30 },
	    { 2026, 3, 29, 1, 30 } },
};

static void
test_table(void **state)
{
	size_t	 i;
	int64_t	 due;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct sla_case *c = &cases[i];

		assert_int_equal(tix_sla_due(utc(c->c[0], c->c[1], c->c[2],
		    c->c[3], c->c[4]), c->p, c->tz, &due), TIX_OK);
		if (due != utc(c->d[0], c->d[1], c->d[2], c->d[3], c->d[4]))
			fail_msg("%s: got %lld", c->what, (long long)due);
	}
}

static void
test_bad_zone(void **state)
{
	int64_t due;

	(void)state;
	assert_int_equal(tix_sla_due(0, TIX_PRIORITY_HIGH, "../etc/passwd",
	    &due), TIX_EINVAL);
	assert_int_equal(tix_sla_due(0, TIX_PRIORITY_HIGH, "/etc/localtime",
	    &due), TIX_EINVAL);
	assert_int_equal(tix_sla_due(0, TIX_PRIORITY_HIGH, "", &due),
	    TIX_EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_bad_zone),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
