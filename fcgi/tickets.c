/*
 * tix-tickets: tickets, their timeline, and the health check.
 */
#include "api/serve.h"
#include "fcgi/runner.h"

int
main(int argc, char **argv)
{
	return tix_runner_main(argc, argv, "tix-tickets", tix_ticket_routes,
	    tix_ticket_nroutes);
}
