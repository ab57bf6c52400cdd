/*
 * runner.c: prefork, supervise, accept, serve.
 *
 * Why processes and not threads: each child holds one PostgreSQL
 * connection and one arena, shares nothing, and a crash takes one request
 * with it, not the service.  The parent only supervises.
 */
#include <fcgiapp.h>

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "api/serve.h"
#include "core/arena.h"
#include "core/config.h"
#include "core/log.h"
#include "core/str.h"
#include "crypto/crypto.h"
#include "crypto/stream.h"
#include "db/db.h"
#include "fcgi/runner.h"
#include "outbox/queue.h"

#define MAX_WORKERS	256
/* After a failed accept (descriptors or memory exhausted), wait this long
 * before the next try, doubling up to the ceiling. */
#define ACCEPT_BACKOFF_MIN_MS	10
#define ACCEPT_BACKOFF_MAX_MS	1000
#define LISTEN_BACKLOG	1024
/* nginx's fastcgi_read_timeout (30 s) and a little more. */
#define STOP_GRACE_SECONDS 35

static volatile sig_atomic_t	stopping;

static void
on_stop(int sig)
{
	(void)sig;
	stopping = 1;
	FCGX_ShutdownPending();
}

static void
on_stop_parent(int sig)
{
	(void)sig;
	stopping = 1;
}

static void
usage(const char *progname)
{
	fprintf(stderr, "usage: %s --listen unix:PATH|HOST:PORT "
	    "[--workers N]\n", progname);
}

/* Install handler for SIGTERM and SIGINT, without SA_RESTART so that a
 * blocked accept() returns. */
static void
catch_stop(void (*handler)(int))
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = handler;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/*
 * The bound on the time from accept to a complete request.  libfcgi
 * accepts a connection and reads its first records inside FCGX_Accept_r,
 * out of reach of the watchdog (armed only once a request is in hand):
 * a peer that connected and sent nothing, or stopped half-way, would
 * hold the process there for good.  So every connection gets a receive
 * timeout as it is accepted: a read that waits longer fails, libfcgi
 * drops the connection and accepts the next.  nginx sends a request
 * whole (request buffering is on), so a healthy peer never waits this
 * long.  Linux copies socket options to accepted TCP sockets but not to
 * unix ones, hence libfcgi's accept() is this one, which applies the
 * timeout on both (symbols of the program come before the C library's).
 */
static int read_timeout_seconds;

int
accept(int fd, struct sockaddr *addr, socklen_t *addr_len)
{
	struct timeval	tv;
	long		c;

	c = syscall(SYS_accept4, fd, addr, addr_len, 0);
	if (c >= 0 && read_timeout_seconds > 0) {
		tv.tv_sec = read_timeout_seconds;
		tv.tv_usec = 0;
		if (setsockopt((int)c, SOL_SOCKET, SO_RCVTIMEO, &tv,
		    sizeof(tv)) != 0) {
			tix_log_error("SO_RCVTIMEO: %s", strerror(errno));
			(void)close((int)c);
			errno = ECONNABORTED;	/* libfcgi tries the next */
			return -1;
		}
	}
	return (int)c;
}

static int
open_socket(const char *listen, int mode)
{
	int fd;

	if (strncmp(listen, "unix:", 5) == 0) {
		listen += 5;
		(void)unlink(listen);	/* a stale socket of a past run */
		fd = FCGX_OpenSocket(listen, LISTEN_BACKLOG);
		/* nginx must reach it; nobody else needs to. */
		if (fd >= 0 && chmod(listen, (mode_t)mode) != 0) {
			tix_log_error("chmod %s: %s", listen, strerror(errno));
			return -1;
		}
	} else
		fd = FCGX_OpenSocket(listen, LISTEN_BACKLOG);
	if (fd < 0)
		tix_log_error("cannot listen on %s", listen);
	return fd;
}

/* Whether a failed FCGX_Accept_r (its negated errno) is the system out
 * of something, which trying again at once cannot fix. */
static bool
is_exhaustion(int rc)
{
	return rc == -EMFILE || rc == -ENFILE || rc == -ENOBUFS ||
	    rc == -ENOMEM;
}

/*
 * Wait before the next accept when the last one failed for want of
 * descriptors or memory: 10 ms doubling to 1 s, so that a child never
 * spins; the first failure of an episode is logged, and the end of it.
 * A stop interrupts the wait (the signal is let in meanwhile).
 */
static void
accept_backoff(int rc, int *backoff_ms, long *nfailed)
{
	struct timespec ts;

	if (!is_exhaustion(rc)) {
		if (*nfailed > 0 && rc >= 0)
			tix_log_info("accept works again after %ld failures",
			    *nfailed);
		if (rc >= 0) {
			*nfailed = 0;
			*backoff_ms = 0;
		}
		return;
	}
	if ((*nfailed)++ == 0)
		tix_log_warn("accept: %s; backing off until it works again",
		    strerror(-rc));
	*backoff_ms = *backoff_ms == 0 ? ACCEPT_BACKOFF_MIN_MS :
	    *backoff_ms * 2;
	if (*backoff_ms > ACCEPT_BACKOFF_MAX_MS)
		*backoff_ms = ACCEPT_BACKOFF_MAX_MS;
	ts.tv_sec = *backoff_ms / 1000;
	ts.tv_nsec = (long)(*backoff_ms % 1000) * 1000000L;
	if (!stopping)
		(void)nanosleep(&ts, NULL);
}

/* One child: accept and serve until told to stop. */
static int
child_main(int sock, const struct tix_config *cfg,
    const struct tix_route *routes, size_t nroutes)
{
	FCGX_Request	 fr;
	struct tix_arena arena;
	struct tix_db	*db;
	sigset_t	 stop_set;
	long		 nfailed = 0;
	int		 rc, backoff_ms = 0;

	prctl(PR_SET_PDEATHSIG, SIGTERM);	/* never outlive the parent */
	catch_stop(on_stop);
	if (tix_db_open(cfg->database_url, &db) != TIX_OK)
		return 1;
	tix_arena_init(&arena);
	if (FCGX_InitRequest(&fr, sock, FCGI_FAIL_ACCEPT_ON_INTR) != 0) {
		tix_db_close(db);
		return 1;
	}
	/*
	 * SIGTERM is let in only while waiting for a request: one that comes
	 * in the middle of a request waits until the response is out, so a
	 * stop never cuts a request short (a signal would make a blocked
	 * read of the body fail with EINTR).  The parent's deadline covers
	 * the one that slips in just before accept() blocks.
	 */
	sigemptyset(&stop_set);
	sigaddset(&stop_set, SIGTERM);
	sigaddset(&stop_set, SIGINT);
	sigprocmask(SIG_BLOCK, &stop_set, NULL);
	while (!stopping) {
		sigprocmask(SIG_UNBLOCK, &stop_set, NULL);
		rc = stopping ? -EINTR : FCGX_Accept_r(&fr);
		accept_backoff(rc, &backoff_ms, &nfailed);
		sigprocmask(SIG_BLOCK, &stop_set, NULL);
		if (rc < 0)
			continue;	/* a stop, EINTR, a bad peer, EMFILE */
		/* The watchdog: SIGALRM's default action ends a process stuck
		 * in a request (a hung read, a loop); the parent replaces it. */
		alarm((unsigned)cfg->request_timeout_seconds);
		tix_serve(&fr, &arena, db, cfg, routes, nroutes);
		FCGX_Finish_r(&fr);
		alarm(0);
		tix_arena_reset(&arena);
	}
	FCGX_Free(&fr, 1);
	tix_db_close(db);
	return 0;
}

static pid_t
spawn(int sock, const struct tix_config *cfg, const struct tix_route *routes,
    size_t nroutes)
{
	pid_t pid = fork();

	if (pid == 0)
		_exit(child_main(sock, cfg, routes, nroutes));
	if (pid < 0)
		tix_log_error("fork: %s", strerror(errno));
	return pid;
}

/* The keys a worker loads at start (run()'s keys). */
#define KEY_ATTACHMENTS	1
#define KEY_TOTP	2

static int
run(int argc, char **argv, const char *progname,
    const struct tix_route *routes, size_t nroutes, int keys)
{
	static const struct option opts[] = {
		{ "listen", required_argument, NULL, 'l' },
		{ "workers", required_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct tix_config	 cfg;
	const char		*listen = NULL;
	pid_t			 kids[MAX_WORKERS], pid;
	int64_t			 nworkers = 2;
	int			 c, i, sock, status, alive;
	time_t			 last_crash = 0, deadline;

	tix_log_init(progname);
	while ((c = getopt_long(argc, argv, "l:w:h", opts, NULL)) != -1) {
		switch (c) {
		case 'l':
			listen = optarg;
			break;
		case 'w':
			if (!tix_parse_int64(optarg, strlen(optarg), false,
			    &nworkers) || nworkers < 1 ||
			    nworkers > MAX_WORKERS) {
				fprintf(stderr, "%s: --workers takes 1 to %d\n",
				    progname, MAX_WORKERS);
				return 2;
			}
			break;
		case 'h':
			usage(progname);
			return 0;
		default:
			usage(progname);
			return 2;
		}
	}
	if (listen == NULL || optind != argc) {
		usage(progname);
		return 2;
	}
	if (tix_config_load(&cfg, progname) != TIX_OK)
		return 2;
	tix_outbox_init(cfg.public_base_url);
	/* Before the fork, so the children share the dummy hash. */
	if (tix_crypto_init() != TIX_OK) {
		tix_log_error("libsodium failed to start");
		return 1;
	}
	if ((keys & KEY_ATTACHMENTS) &&
	    tix_master_key_load(cfg.attachment_key_file) != TIX_OK)
		return 2;
	if ((keys & KEY_TOTP) && tix_secret_key_load(cfg.totp_key_file) !=
	    TIX_OK)
		return 2;
	if (FCGX_Init() != 0)
		return 1;
	sock = open_socket(listen, cfg.socket_mode);
	if (sock < 0)
		return 1;
	read_timeout_seconds = cfg.read_timeout_seconds;

	catch_stop(on_stop_parent);
	for (i = 0; i < nworkers; i++)
		kids[i] = spawn(sock, &cfg, routes, nroutes);
	tix_log_info("listening on %s with %d workers", listen,
	    (int)nworkers);

	while (!stopping) {
		pid = waitpid(-1, &status, 0);
		if (pid < 0)
			continue;	/* EINTR: look at stopping again */
		for (i = 0; i < nworkers; i++) {
			if (kids[i] != pid)
				continue;
			tix_log_warn("worker %d ended (status %d); restarting",
			    (int)pid, status);
			/* A child that dies at once again and again must not
			 * turn this loop into a fork bomb. */
			if (time(NULL) == last_crash)
				sleep(1);
			last_crash = time(NULL);
			kids[i] = stopping ? -1 :
			    spawn(sock, &cfg, routes, nroutes);
		}
	}

	for (i = 0; i < nworkers; i++)
		if (kids[i] > 0)
			kill(kids[i], SIGTERM);
	/* Requests in flight finish within nginx's read timeout; a child
	 * still there after that is stuck, and is killed. */
	deadline = time(NULL) + STOP_GRACE_SECONDS;
	for (alive = 1; alive;) {
		pid = waitpid(-1, &status, WNOHANG);
		if (pid < 0 && errno == ECHILD)
			alive = 0;
		else if (pid <= 0 && time(NULL) >= deadline) {
			tix_log_warn("workers still busy after %d s; killing "
			    "them", STOP_GRACE_SECONDS);
			for (i = 0; i < nworkers; i++)
				if (kids[i] > 0)
					kill(kids[i], SIGKILL);
			deadline = time(NULL) + STOP_GRACE_SECONDS;
		} else if (pid <= 0)
			(void)nanosleep(&(struct timespec){ 0, 50000000 },
			    NULL);
	}
	if (strncmp(listen, "unix:", 5) == 0)
		(void)unlink(listen + 5);
	tix_log_info("stopped");
	return 0;
}

int
tix_runner_main(int argc, char **argv, const char *progname,
    const struct tix_route *routes, size_t nroutes)
{
	return run(argc, argv, progname, routes, nroutes, 0);
}

int
tix_runner_main_auth(int argc, char **argv, const char *progname,
    const struct tix_route *routes, size_t nroutes)
{
	return run(argc, argv, progname, routes, nroutes, KEY_TOTP);
}

int
tix_runner_main_files(int argc, char **argv, const char *progname,
    const struct tix_route *routes, size_t nroutes)
{
	return run(argc, argv, progname, routes, nroutes, KEY_ATTACHMENTS);
}
