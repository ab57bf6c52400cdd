/*
 * runner.h: the process model shared by every FastCGI worker binary.
 *
 *   tix-WORKER --listen unix:PATH|HOST:PORT --workers N
 *
 * The parent opens the socket, forks N children that accept on it, and
 * restarts a child that dies.  SIGTERM or SIGINT: the parent passes
 * SIGTERM on; each child finishes the request in hand and exits; the
 * parent exits when all have.  Each child owns one database connection.
 */
#ifndef TIX_FCGI_RUNNER_H
#define TIX_FCGI_RUNNER_H

#include <stddef.h>

#include "http/route.h"

/* Run the worker; returns the process exit status. */
int	tix_runner_main(int argc, char **argv, const char *progname,
	    const struct tix_route *routes, size_t nroutes);
/*
 * The same for a worker that reads or writes attachments: it refuses to
 * start (status 2) unless TIX_ATTACHMENT_KEY_FILE names a readable file
 * with a 32-byte key, rather than fail every upload later.
 */
int	tix_runner_main_files(int argc, char **argv, const char *progname,
	    const struct tix_route *routes, size_t nroutes);
/* The same for tix-auth, with TIX_TOTP_KEY_FILE (two-factor secrets). */
int	tix_runner_main_auth(int argc, char **argv, const char *progname,
	    const struct tix_route *routes, size_t nroutes);

#endif
