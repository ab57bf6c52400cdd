/*
 * runner.c: prefork, supervise, accept, serve.
 *
 * Why processes and not threads: each child holds one PostgreSQL
 * connection and one arena, shares nothing, and a crash takes one request
 * with it, not the service.  The parent only supervises.
 *
 * Stopping and upgrading (docs/upgrade.md).  A child takes SIGTERM only
 * while it waits in accept() for a connection: a request it has
 * accepted is read, served and answered whole, and a child told to stop
 * accepts nothing more.  SIGUSR2 to the parent starts the binary on disk
 * again with the listening socket handed down (fd 3, LISTEN_FDS and
 * LISTEN_PID as systemd's socket activation has them): the socket is
 * never closed, so connections queue in it while the processes change.
 * A new binary that fails to start ends; the old parent sees that and
 * serves on.
 * Once the new parent's children run, it sends SIGTERM to the old parent,
 * whose children finish what they hold and end.
 */
#include <fcgiapp.h>

#include <errno.h>
#include <fcntl.h>
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

static volatile sig_atomic_t	stopping, upgrading;
/* SIGTERM and SIGINT: a child lets them in only while it waits for a
 * connection (see child_main). */
static sigset_t			stop_signals;
static int			listen_fd = -1;

/* Where an upgrade hands the listening socket to the new binary. */
#define INHERITED_FD	3

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
on_upgrade(int sig)
{
	(void)sig;
	upgrading = 1;
}

static void
usage(const char *progname)
{
	fprintf(stderr, "usage: %s --listen unix:PATH|HOST:PORT "
	    "[--workers N] [--pid-file PATH]\n", progname);
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

	/* Waiting for a connection, a stop is let in, also when libfcgi
	 * comes back here by itself after a peer that connected and sent
	 * no request (a readiness probe): the block below would otherwise
	 * still hold, and the stop wait for the next connection. */
	if (fd == listen_fd) {
		sigprocmask(SIG_UNBLOCK, &stop_signals, NULL);
		if (stopping) {
			errno = EINTR;
			return -1;
		}
	}
	c = syscall(SYS_accept4, fd, addr, addr_len, 0);
	/* A connection in hand: a stop waits until it is answered.  libfcgi
	 * reads the request's first records before FCGX_Accept_r returns,
	 * and a signal then would cut such a read short (EINTR). */
	if (c >= 0 && fd == listen_fd)
		sigprocmask(SIG_BLOCK, &stop_signals, NULL);
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
	long		 nfailed = 0;
	int		 rc, backoff_ms = 0;

	prctl(PR_SET_PDEATHSIG, SIGTERM);	/* never outlive the parent */
	catch_stop(on_stop);
	if (tix_db_open(cfg->database_url, &db) != TIX_OK)
		return 1;
	if (cfg->database_read_url != NULL &&
	    tix_db_attach_replica(db, cfg->database_read_url) != TIX_OK) {
		tix_db_close(db);
		return 1;
	}
	tix_arena_init(&arena);
	if (FCGX_InitRequest(&fr, sock, FCGI_FAIL_ACCEPT_ON_INTR) != 0) {
		tix_db_close(db);
		return 1;
	}
	/*
	 * SIGTERM is let in only while waiting for a connection: one that
	 * comes in the middle of a request waits until the response is out,
	 * so a stop never cuts a request short (a signal would make a
	 * blocked read of the body fail with EINTR).  accept() above blocks
	 * it again the moment a connection is taken, before libfcgi reads
	 * the request's first records.  The parent's deadline covers the one
	 * that slips in just before accept() blocks.
	 */
	sigprocmask(SIG_BLOCK, &stop_signals, NULL);
	signal(SIGUSR2, SIG_IGN);
	while (!stopping) {
		sigprocmask(SIG_UNBLOCK, &stop_signals, NULL);
		rc = stopping ? -EINTR : FCGX_Accept_r(&fr);
		accept_backoff(rc, &backoff_ms, &nfailed);
		sigprocmask(SIG_BLOCK, &stop_signals, NULL);
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

/*
 * The listening socket a parent before us handed down (an upgrade, or
 * systemd's socket activation): fd 3 when LISTEN_FDS is 1 and LISTEN_PID
 * is this process.  -1: none, open our own; -2: a handed-down one that
 * is not a listening socket (said).
 */
static int
inherited_socket(void)
{
	const char	*fds = getenv("LISTEN_FDS"), *pid = getenv("LISTEN_PID");
	int64_t		 n, p;
	int		 on = 0;
	socklen_t	 len = sizeof(on);

	if (fds == NULL || pid == NULL)
		return -1;
	if (!tix_parse_int64(fds, strlen(fds), false, &n) || n != 1 ||
	    !tix_parse_int64(pid, strlen(pid), false, &p) || p != getpid())
		return -1;
	(void)unsetenv("LISTEN_FDS");
	(void)unsetenv("LISTEN_PID");
	if (getsockopt(INHERITED_FD, SOL_SOCKET, SO_ACCEPTCONN, &on,
	    &len) != 0 || !on) {
		tix_log_error("LISTEN_FDS: fd %d is not a listening socket",
		    INHERITED_FD);
		return -2;
	}
	(void)fcntl(INHERITED_FD, F_SETFD, FD_CLOEXEC);
	return INHERITED_FD;
}

/*
 * SIGUSR2: start the binary on disk (argv as we were started) with the
 * listening socket handed down.  It sends us SIGTERM once it serves
 * (TIX_UPGRADE_FROM_PID); if it ends before that, we go on serving.  Its
 * pid (a child of ours until we end), or -1.
 */
static pid_t
start_upgrade(int sock, char **argv)
{
	char	 num[32];
	pid_t	 pid, self = getpid();
	sigset_t none;

	pid = fork();
	if (pid < 0) {
		tix_log_error("upgrade: fork: %s", strerror(errno));
		return -1;
	}
	if (pid > 0) {
		tix_log_info("upgrade: starting %s with the socket", argv[0]);
		return pid;
	}
	if (sock != INHERITED_FD && dup2(sock, INHERITED_FD) < 0)
		_exit(127);
	(void)fcntl(INHERITED_FD, F_SETFD, 0);
	snprintf(num, sizeof(num), "%ld", (long)getpid());
	(void)setenv("LISTEN_PID", num, 1);
	(void)setenv("LISTEN_FDS", "1", 1);
	snprintf(num, sizeof(num), "%ld", (long)self);
	(void)setenv("TIX_UPGRADE_FROM_PID", num, 1);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	execvp(argv[0], argv);
	tix_log_error("upgrade: cannot run %s: %s", argv[0], strerror(errno));
	_exit(127);
}

/* The pid file: written whole (a rename), so a reader never sees half. */
static int
write_pid_file(const char *path)
{
	char	 tmp[4096];
	FILE	*f;

	if (snprintf(tmp, sizeof(tmp), "%s.%ld", path, (long)getpid()) >=
	    (int)sizeof(tmp))
		return -1;
	f = fopen(tmp, "w");
	if (f == NULL)
		return -1;
	fprintf(f, "%ld\n", (long)getpid());
	if (fclose(f) != 0 || rename(tmp, path) != 0) {
		(void)unlink(tmp);
		return -1;
	}
	return 0;
}

/* Remove the pid file if it still names us (not our successor). */
static void
remove_pid_file(const char *path)
{
	char	 buf[32];
	FILE	*f = fopen(path, "r");
	long	 pid = 0;

	if (f == NULL)
		return;
	if (fgets(buf, sizeof(buf), f) != NULL)
		pid = strtol(buf, NULL, 10);
	fclose(f);
	if (pid == (long)getpid())
		(void)unlink(path);
}

/* Tell the parent we took over from that it may stop now. */
static void
end_predecessor(void)
{
	const char	*s = getenv("TIX_UPGRADE_FROM_PID");
	int64_t		 pid;

	if (s == NULL)
		return;
	if (tix_parse_int64(s, strlen(s), false, &pid) && pid > 1 &&
	    kill((pid_t)pid, SIGTERM) == 0)
		tix_log_info("upgrade: took over the socket; stopping %lld",
		    (long long)pid);
	(void)unsetenv("TIX_UPGRADE_FROM_PID");
}

static int
run(int argc, char **argv, const char *progname,
    const struct tix_route *routes, size_t nroutes, int keys)
{
	static const struct option opts[] = {
		{ "listen", required_argument, NULL, 'l' },
		{ "workers", required_argument, NULL, 'w' },
		{ "pid-file", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct tix_config	 cfg;
	struct sigaction	 sa;
	const char		*listen = NULL, *pid_file = NULL;
	pid_t			 kids[MAX_WORKERS], pid, successor = -1;
	int64_t			 nworkers = 2;
	int			 c, i, sock, status, alive;
	bool			 inherited;
	time_t			 last_crash = 0, deadline;

	tix_log_init(progname);
	while ((c = getopt_long(argc, argv, "l:w:p:h", opts, NULL)) != -1) {
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
		case 'p':
			pid_file = optarg;
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
	sock = inherited_socket();
	inherited = sock >= 0;
	if (sock == -1)
		sock = open_socket(listen, cfg.socket_mode);
	if (sock < 0)
		return 1;
	listen_fd = sock;
	sigemptyset(&stop_signals);
	sigaddset(&stop_signals, SIGTERM);
	sigaddset(&stop_signals, SIGINT);
	read_timeout_seconds = cfg.read_timeout_seconds;

	catch_stop(on_stop_parent);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_upgrade;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR2, &sa, NULL);
	for (i = 0; i < nworkers; i++)
		kids[i] = spawn(sock, &cfg, routes, nroutes);
	if (pid_file != NULL && write_pid_file(pid_file) != 0)
		tix_log_error("cannot write the pid file %s: %s", pid_file,
		    strerror(errno));
	tix_log_info("listening on %s with %d workers%s", listen,
	    (int)nworkers, inherited ? " (socket handed down)" : "");
	end_predecessor();

	while (!stopping) {
		if (upgrading && successor > 0)
			tix_log_warn("upgrade: one is under way already");
		else if (upgrading)
			successor = start_upgrade(sock, argv);
		upgrading = 0;
		/* A signal between the look at the flags and a blocking wait
		 * would wait for the next child to end: poll instead. */
		pid = waitpid(-1, &status, WNOHANG);
		if (pid == 0)
			(void)nanosleep(&(struct timespec){ 0, 200000000 },
			    NULL);
		if (pid <= 0)
			continue;	/* look at the flags again */
		if (pid == successor) {
			tix_log_error("upgrade: the new binary ended (status %d) "
			    "before it took over; serving on", status);
			successor = -1;
		}
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
		/* Our workers only: a successor is a child too, and stays. */
		for (alive = 0, i = 0; i < nworkers; i++) {
			if (kids[i] <= 0)
				continue;
			pid = waitpid(kids[i], &status, WNOHANG);
			if (pid == kids[i] || (pid < 0 && errno == ECHILD))
				kids[i] = -1;
			else
				alive++;
		}
		if (alive && time(NULL) >= deadline) {
			tix_log_warn("workers still busy after %d s; killing "
			    "them", STOP_GRACE_SECONDS);
			for (i = 0; i < nworkers; i++)
				if (kids[i] > 0)
					kill(kids[i], SIGKILL);
			deadline = time(NULL) + STOP_GRACE_SECONDS;
		} else if (alive)
			(void)nanosleep(&(struct timespec){ 0, 50000000 },
			    NULL);
	}
	/* After an upgrade the socket and its path are the successor's
	 * (or, when it failed, a stale path the next start replaces). */
	if (successor <= 0 && strncmp(listen, "unix:", 5) == 0)
		(void)unlink(listen + 5);
	if (pid_file != NULL)
		remove_pid_file(pid_file);
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
