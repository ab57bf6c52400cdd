/*
 * daemon.c: options and signals of the periodic daemons.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "core/str.h"
#include "daemon.h"

volatile sig_atomic_t tix_daemon_stopping;

static void
on_stop(int sig)
{
	(void)sig;
	tix_daemon_stopping = 1;
}

static void
usage(const char *prog)
{
	fprintf(stderr, "usage: %s [--interval SECONDS] [--once]\n", prog);
}

int
tix_daemon_options(int argc, char **argv, const char *prog,
    int64_t *interval, bool *once)
{
	static const struct option opts[] = {
		{ "interval", required_argument, NULL, 'i' },
		{ "once", no_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int ch;

	*once = false;
	while ((ch = getopt_long(argc, argv, "i:oh", opts, NULL)) != -1) {
		switch (ch) {
		case 'i':
			if (!tix_parse_int64(optarg, strlen(optarg), false,
			    interval) || *interval < 1 || *interval > 86400) {
				fprintf(stderr, "%s: --interval takes 1 to 86400 "
				    "seconds\n", prog);
				return 2;
			}
			break;
		case 'o':
			*once = true;
			break;
		case 'h':
			usage(prog);
			return 0;
		default:
			usage(prog);
			return 2;
		}
	}
	if (optind != argc) {
		usage(prog);
		return 2;
	}
	return -1;
}

void
tix_daemon_catch_stop(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
}
