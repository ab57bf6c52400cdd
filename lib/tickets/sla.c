/*
 * sla.c: business-hours arithmetic over the system's zone database.
 *
 * Walking wall-clock days with mktime() (tm_isdst = -1) lets the C
 * library apply each day's own UTC offset, which is what makes the
 * answer right across daylight-saving changes.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tickets/sla.h"

#define OPEN_HOUR	9
#define CLOSE_HOUR	18
#define HOUR		3600

/* Local wall-clock time hh:00 on the day of tm, plus add_days. */
static time_t
at_hour(const struct tm *day, int add_days, int hour)
{
	struct tm t = *day;

	t.tm_mday += add_days;
	t.tm_hour = hour;
	t.tm_min = 0;
	t.tm_sec = 0;
	t.tm_isdst = -1;
	return mktime(&t);
}

static time_t
add_business(time_t t, int64_t secs)
{
	struct tm	 tm;
	time_t		 close;

	for (;;) {
		localtime_r(&t, &tm);
		if (tm.tm_wday == 0 || tm.tm_wday == 6 ||
		    tm.tm_hour >= CLOSE_HOUR) {
			t = at_hour(&tm, 1, OPEN_HOUR);
			continue;
		}
		if (tm.tm_hour < OPEN_HOUR) {
			t = at_hour(&tm, 0, OPEN_HOUR);
			continue;
		}
		close = at_hour(&tm, 0, CLOSE_HOUR);
		if (secs <= close - t)
			return t + (time_t)secs;
		secs -= close - t;
		t = at_hour(&tm, 1, OPEN_HOUR);
	}
}

/* A zone name is a relative path under the zone database. */
static int
zone_ok(const char *tz)
{
	size_t i, n = strlen(tz);

	if (n == 0 || n > 64 || tz[0] == '/' || strstr(tz, "..") != NULL)
		return 0;
	for (i = 0; i < n; i++)
		if (!((tz[i] >= 'A' && tz[i] <= 'Z') ||
		    (tz[i] >= 'a' && tz[i] <= 'z') ||
		    (tz[i] >= '0' && tz[i] <= '9') ||
		    strchr("/_+-", tz[i]) != NULL))
			return 0;
	return 1;
}

enum tix_err
tix_sla_due(int64_t created, enum tix_priority p, const char *tz,
    int64_t *due)
{
	char		 saved[128], zone[80];
	const char	*old;
	int		 had_tz;

	switch (p) {
	case TIX_PRIORITY_CRITICAL:
		*due = created + HOUR;
		return TIX_OK;
	case TIX_PRIORITY_NORMAL:
		*due = created + 24 * HOUR;
		return TIX_OK;
	default:
		break;
	}
	if (!zone_ok(tz))
		return TIX_EINVAL;

	old = getenv("TZ");
	had_tz = old != NULL && strlen(old) < sizeof(saved);
	if (had_tz)
		memcpy(saved, old, strlen(old) + 1);
	/* A leading ':' makes glibc read the zone file, never parse the
	 * name as a POSIX rule. */
	zone[0] = ':';
	memcpy(zone + 1, tz, strlen(tz) + 1);
	setenv("TZ", zone, 1);
	tzset();
	*due = (int64_t)add_business((time_t)created,
	    p == TIX_PRIORITY_HIGH ? 4 * HOUR : 45 * HOUR);
	if (had_tz)
		setenv("TZ", saved, 1);
	else
		unsetenv("TZ");
	tzset();
	return TIX_OK;
}
