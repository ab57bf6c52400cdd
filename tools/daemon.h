/*
 * daemon.h: what the periodic daemons (tix-scheduler, tix-notify) share:
 * the command line [--interval SECONDS] [--once] and a stop on SIGTERM
 * or SIGINT that lets the work in hand finish.
 */
#ifndef TIX_TOOLS_DAEMON_H
#define TIX_TOOLS_DAEMON_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

/* Set by SIGTERM or SIGINT once tix_daemon_catch_stop() ran. */
extern volatile sig_atomic_t tix_daemon_stopping;

/*
 * Read the options of prog; *interval keeps its default unless given.
 * Returns -1 to go on, or the status to exit with (0 after --help, 2 for
 * a usage error, with the message on stderr).
 */
int	tix_daemon_options(int argc, char **argv, const char *prog,
	    int64_t *interval, bool *once);

/* Catch SIGTERM and SIGINT, without SA_RESTART so a sleep is cut short. */
void	tix_daemon_catch_stop(void);

#endif
