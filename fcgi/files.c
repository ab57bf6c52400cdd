/*
 * tix-files: the attachment routes, uploading files to a ticket and
 * downloading them (nginx sends /api/tickets/{number}/attachments and
 * what is below it here).  Multipart tickets and replies go to
 * tix-tickets; both share lib/.
 */
#include "api/serve.h"
#include "fcgi/runner.h"

int
main(int argc, char **argv)
{
	return tix_runner_main_files(argc, argv, "tix-files", tix_file_routes,
	    tix_file_nroutes);
}
