/*
 * mailin_imap.c: tix-mailin --imap URL [--interval SECONDS] [--once]:
 * the messages of a mailbox into tickets, replies and review rows.
 *
 * A pass lists the unseen messages (up to TIX_IMAP_BATCH, oldest
 * first; a full batch is followed by another pass at once) and, for
 * each, fetches it without marking it, takes it exactly as --stdin
 * does (mailin_take, in a child process with the same wall-clock
 * limit), and flags it by the outcome:
 *   0   recorded, kept for review or seen before: \Seen;
 *   65  never takeable (bigger than TIX_MAX_MAIL_BYTES, known from its
 *       size before fetching; not a message; too slow to read; a child
 *       that crashed on it): \Seen and \Flagged, so that it stays in the
 *       mailbox for a person and no longer holds up the others;
 *   75  nothing recorded, retrying can help (the database): left
 *       unseen (\Seen taken off again if the fetch set it), tried in a
 *       later pass.
 * The flag is set only after the message's transaction committed; a
 * process that ends in between leaves the message unseen, and the next
 * pass finds its Message-ID decided on already (ingest.h, rule 1) and
 * only flags it.  One message's outcome never stops the others: the
 * pass goes on with the next.  A mailbox that cannot be reached (the
 * server down, the connection dropped, a refused login) ends the pass;
 * the next one connects afresh.
 *
 * Between passes it sleeps --interval seconds (default 30).  --once:
 * one pass, exit 0, or 1 when the mailbox could not be read, for cron
 * and tests.  SIGTERM or SIGINT: stop after the message in hand.
 *
 * Settings: TIX_IMAP_USER, TIX_IMAP_PASSWORD_FILE (the password, on
 * the file's first line) and everything --stdin reads.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/config.h"
#include "core/log.h"
#include "daemon.h"
#include "mail/imap.h"
#include "mailin.h"

/* What became of one pass. */
struct tally {
	int	taken, refused, later;
};

/* mailin_take in a child process, so that the wall-clock limit (which
 * ends the process) and a crash end only this message. */
static int
take_isolated(const struct tix_config *cfg, const struct tix_buf *msg)
{
	pid_t	pid;
	int	st;

	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		tix_log_error("cannot fork: %s", strerror(errno));
		return EX_TEMPFAIL;
	}
	if (pid == 0) {
		signal(SIGTERM, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		mailin_limit(cfg);
		_exit(mailin_take(cfg, msg->data, msg->len));
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR) {
			tix_log_error("waitpid: %s", strerror(errno));
			return EX_TEMPFAIL;
		}
	if (WIFEXITED(st))
		return WEXITSTATUS(st) == EX_OK ||
		    WEXITSTATUS(st) == EX_DATAERR ? WEXITSTATUS(st) :
		    EX_TEMPFAIL;
	tix_log_error("taking the message ended with signal %d",
	    WIFSIGNALED(st) ? WTERMSIG(st) : 0);
	return EX_DATAERR;
}

static enum tix_err
mark(struct tix_imap *im, uint32_t uid, enum tix_imap_mark how)
{
	char		err[512];
	enum tix_err	rc;

	rc = tix_imap_mark(im, uid, how, err, sizeof(err));
	if (rc != TIX_OK)
		tix_log_warn("UID %lu: cannot flag it: %s; it is looked at "
		    "again next pass", (unsigned long)uid, err);
	return rc;
}

/* One message; TIX_EUNAVAIL ends the pass (the mailbox is gone). */
static enum tix_err
one(const struct tix_config *cfg, struct tix_imap *im,
    const struct tix_imap_msg *m, struct tix_buf *msg, struct tally *t)
{
	char		err[512];
	bool		seen_early;
	int		status;
	enum tix_err	rc;

	if (m->size > (uint64_t)cfg->max_mail_bytes) {
		tix_log_warn("UID %lu refused: %llu bytes, bigger than "
		    "TIX_MAX_MAIL_BYTES (%d); flagged, nothing recorded",
		    (unsigned long)m->uid, (unsigned long long)m->size,
		    cfg->max_mail_bytes);
		t->refused++;
		return mark(im, m->uid, TIX_IMAP_REFUSED);
	}
	rc = tix_imap_fetch(im, m->uid, msg, &seen_early, err, sizeof(err));
	if (rc == TIX_ENOTFOUND) {
		/* Expunged meanwhile (the flag then does nothing), or empty:
		 * not a message, as --stdin would say (65). */
		t->refused++;
		return mark(im, m->uid, TIX_IMAP_REFUSED);
	}
	if (rc == TIX_ETOOBIG) {
		tix_log_warn("UID %lu refused: bigger than TIX_MAX_MAIL_BYTES "
		    "(%d); flagged, nothing recorded", (unsigned long)m->uid,
		    cfg->max_mail_bytes);
		t->refused++;
		return mark(im, m->uid, TIX_IMAP_REFUSED);
	}
	if (rc != TIX_OK) {
		tix_log_warn("UID %lu: cannot fetch it: %s",
		    (unsigned long)m->uid, err);
		return rc;
	}
	status = take_isolated(cfg, msg);
	if (status == EX_OK) {
		t->taken++;
		return mark(im, m->uid, TIX_IMAP_TAKEN);
	}
	if (status == EX_DATAERR) {
		tix_log_warn("UID %lu refused; flagged, nothing recorded",
		    (unsigned long)m->uid);
		t->refused++;
		return mark(im, m->uid, TIX_IMAP_REFUSED);
	}
	t->later++;
	tix_log_warn("UID %lu: nothing recorded, tried again next pass",
	    (unsigned long)m->uid);
	return seen_early ? mark(im, m->uid, TIX_IMAP_UNTAKEN) : TIX_OK;
}

/* The buffers of a pass: the message, the list. */
struct buf_pair {
	struct tix_buf		 msg;
	struct tix_imap_msg	 msgs[TIX_IMAP_BATCH];
};

/* Passes until the mailbox has no more unseen messages than a batch
 * (or stopped).  TIX_EUNAVAIL: the mailbox could not be read. */
static enum tix_err
pass(const struct tix_config *cfg, struct tix_imap *im, struct buf_pair *u)
{
	struct tally	t;
	char		err[512];
	size_t		n, i;
	enum tix_err	rc;

	do {
		memset(&t, 0, sizeof(t));
		rc = tix_imap_unseen(im, u->msgs, TIX_IMAP_BATCH, &n, err,
		    sizeof(err));
		if (rc != TIX_OK) {
			tix_log_warn("cannot read the mailbox: %s", err);
			return rc;
		}
		for (i = 0; rc == TIX_OK && i < n && !tix_daemon_stopping;
		    i++)
			rc = one(cfg, im, &u->msgs[i], &u->msg, &t);
		if (t.taken + t.refused + t.later > 0)
			tix_log_info("pass: %d taken, %d refused, %d for "
			    "later", t.taken, t.refused, t.later);
		/* A batch of only retries would come back the same. */
	} while (rc == TIX_OK && n == TIX_IMAP_BATCH && t.later < (int)n &&
	    !tix_daemon_stopping);
	return rc;
}

int
mailin_imap(const struct tix_config *cfg, const char *url,
    int64_t interval, bool once)
{
	static struct buf_pair	 u;
	struct tix_imap		*im = NULL;
	struct timespec		 nap;
	char			 password[1024], err[512];
	enum tix_err		 rc;

	password[0] = '\0';
	if (cfg->imap_password_file != NULL &&
	    tix_config_read_secret("TIX_IMAP_PASSWORD_FILE",
	    cfg->imap_password_file, password, sizeof(password)) != TIX_OK)
		return EX_CONFIG;
	rc = tix_imap_new(url, cfg->imap_user, password, &im, err,
	    sizeof(err));
	memset(password, 0, sizeof(password));
	if (rc != TIX_OK) {
		tix_log_error("--imap %s: %s", url,
		    rc == TIX_EINVAL ? err : tix_err_name(rc));
		return rc == TIX_EINVAL ? EX_USAGE : EX_CONFIG;
	}
	tix_buf_init(&u.msg, (size_t)cfg->max_mail_bytes);
	tix_daemon_catch_stop();
	if (once) {
		rc = pass(cfg, im, &u);
		tix_imap_free(im);
		tix_buf_free(&u.msg);
		return rc == TIX_OK ? 0 : 1;
	}
	tix_log_info("reading %s every %d s", url, (int)interval);
	while (!tix_daemon_stopping) {
		(void)pass(cfg, im, &u);
		nap.tv_sec = (time_t)interval;
		nap.tv_nsec = 0;
		if (!tix_daemon_stopping)
			(void)nanosleep(&nap, NULL);
	}
	tix_log_info("stopped");
	tix_imap_free(im);
	tix_buf_free(&u.msg);
	return 0;
}
