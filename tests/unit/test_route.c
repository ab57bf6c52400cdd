/*
 * test_route.c: exact route matching, captures, 404 and 405.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "http/route.h"

static enum tix_err h(struct tix_req *r) { (void)r; return TIX_OK; }

static const struct tix_route routes[] = {
	{ TIX_GET, "/api/tickets", h, false },
	{ TIX_POST, "/api/tickets", h, false },
	{ TIX_GET, "/api/tickets/{}", h, false },
	{ TIX_POST, "/api/tickets/{}/messages", h, false },
	{ TIX_GET | TIX_PUT, "/api/me/preferences", h, false },
};

static enum tix_err
find(struct tix_arena *a, enum tix_method m, const char *path,
    struct tix_req *r)
{
	const struct tix_route *route;

	memset(r, 0, sizeof(*r));
	r->arena = a;
	r->method = m;
	r->path = path;
	return tix_route_find(r, routes, sizeof(routes) / sizeof(routes[0]),
	    &route);
}

static void
test_match(void **state)
{
	struct tix_arena	a;
	struct tix_req		r;

	(void)state;
	tix_arena_init(&a);
	assert_int_equal(find(&a, TIX_GET, "/api/tickets", &r), TIX_OK);
	assert_int_equal(find(&a, TIX_HEAD, "/api/tickets", &r), TIX_OK);
	assert_int_equal(find(&a, TIX_GET, "/api/tickets/TICK-1001", &r),
	    TIX_OK);
	assert_int_equal(r.nargs, 1);
	assert_string_equal(r.args[0], "TICK-1001");
	assert_int_equal(find(&a, TIX_POST, "/api/tickets/TICK-7/messages",
	    &r), TIX_OK);
	assert_string_equal(r.args[0], "TICK-7");
	tix_arena_reset(&a);
}

static void
test_no_match(void **state)
{
	static const char *const paths[] = {
		"/api/tickets/", "/api/tickets//messages", "/api/ticketsx",
		"/api/tickets/TICK-1/messages/", "/api/tickets/a/b",
		"/api/tickets\n/x", "", "/", "/api",
	};
	struct tix_arena	a;
	struct tix_req		r;
	size_t			i;

	(void)state;
	tix_arena_init(&a);
	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		if (find(&a, TIX_GET, paths[i], &r) != TIX_ENOTFOUND)
			fail_msg("%s matched", paths[i]);
	tix_arena_reset(&a);
}

static void
test_encoded_slash(void **state)
{
	static const char *const uris[] = {
		"/api/tickets%2FTICK-1", "/api/tickets/TICK-1%2fmessages",
		"/api/tickets/TICK-1%2Fmessages?x=1",
	};
	struct tix_arena	a;
	struct tix_req		r;
	size_t			i;

	(void)state;
	tix_arena_init(&a);
	for (i = 0; i < sizeof(uris) / sizeof(uris[0]); i++) {
		/* nginx hands over the decoded path, which would match. */
		memset(&r, 0, sizeof(r));
		assert_int_equal(find(&a, TIX_POST,
		    "/api/tickets/TICK-1/messages", &r), TIX_OK);
		r.request_uri = uris[i];
		if (tix_route_find(&r, routes, sizeof(routes) /
		    sizeof(routes[0]), &(const struct tix_route *){ NULL }) !=
		    TIX_ENOTFOUND)
			fail_msg("%s matched", uris[i]);
	}
	/* In the query it is data, not a path. */
	memset(&r, 0, sizeof(r));
	assert_int_equal(find(&a, TIX_GET, "/api/tickets", &r), TIX_OK);
	r.request_uri = "/api/tickets?q=a%2Fb";
	assert_int_equal(tix_route_find(&r, routes, sizeof(routes) /
	    sizeof(routes[0]), &(const struct tix_route *){ NULL }), TIX_OK);
	tix_arena_reset(&a);
}

static void
test_method(void **state)
{
	struct tix_arena	a;
	struct tix_req		r;

	(void)state;
	tix_arena_init(&a);
	assert_int_equal(find(&a, TIX_DELETE, "/api/tickets", &r),
	    TIX_EMETHOD);
	assert_string_equal(r.allow, "GET, POST");
	assert_int_equal(find(&a, TIX_PATCH, "/api/me/preferences", &r),
	    TIX_EMETHOD);
	assert_string_equal(r.allow, "GET, PUT");
	assert_int_equal(find(&a, TIX_OTHER, "/api/tickets/TICK-1", &r),
	    TIX_EMETHOD);
	tix_arena_reset(&a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_match),
		cmocka_unit_test(test_no_match),
		cmocka_unit_test(test_encoded_slash),
		cmocka_unit_test(test_method),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
