/*
 * tix-tickets: tickets, their timeline, and the health check.
 */
#include "api/serve.h"
#include "fcgi/runner.h"

int
main(int argc, char **argv)
{
	/* Tickets and replies may come with files: the key is needed. */
	return tix_runner_main_files(argc, argv, "tix-tickets",
	    tix_ticket_routes, tix_ticket_nroutes);
}
