/*
 * tix-auth: login, sessions, API tokens, preferences, the staff list.
 */
#include "api/serve.h"
#include "fcgi/runner.h"

int
main(int argc, char **argv)
{
	/* Two-factor secrets are sealed: the key is needed. */
	return tix_runner_main_auth(argc, argv, "tix-auth", tix_auth_routes,
	    tix_auth_nroutes);
}
