/*
 * tix-notify: sends the notification outbox by SMTP (or, without an SMTP
 * server, writes each mail to a directory as an .eml file).
 *
 *   tix-notify [--interval SECONDS] [--once]
 *
 * Each pass claims due rows of the outbox in batches of 100 (FOR UPDATE
 * SKIP LOCKED, so any number of senders may run at once, on any hosts,
 * and none sends a row another has claimed), composes each message
 * (lib/mail/compose.c), hands it to TIX_SMTP_URL (libcurl keeps the
 * connection for the next one) and marks the rows, those sent in one
 * statement per batch:
 *   accepted              sent
 *   4xx, no connection    queued again, due after a backoff (1 minute,
 *                         doubling, at most an hour); failed after 20 tries
 *   5xx                   failed, for good, with the server's answer in
 *                         last_error
 * Delivery is at least once: a sender that dies after the server
 * accepted messages and before marking them leaves the rows claimed for
 * a lease of 15 minutes, after which they are sent again with the same
 * Message-ID (receivers can drop the duplicate).  A batch starts no
 * send after 5 minutes and releases the rows left (lib/outbox/claim.h),
 * so no claim is still being sent when its lease ends.
 *
 * Between passes it waits for a NOTIFY on "tix_outbox" (sent by every
 * enqueue, at commit) or --interval seconds (default 30), whichever
 * comes first.  --once: one pass, exit 0 (1 when the database is
 * unreachable), for cron and tests.  SIGTERM or SIGINT: stop after the
 * message being sent (the batch's rows sent are marked, the others
 * released).
 *
 * Without TIX_SMTP_URL (the local default) nothing is sent: each message
 * is written whole, atomically, to TIX_MAIL_DIR (default var/mail) as
 * <outbox id>-TICK-<n>.eml, 0600, and the row marked sent once the
 * batch's files and the directory are synced (together: one journal
 * commit for the batch, not one a file); a directory that cannot be
 * written is a retry like an unreachable server.
 *
 * SMS rows (sql/030: agent replies and resolutions for requesters who
 * opted in) come from the same outbox, claimed and retried the same
 * way: POSTed to TIX_SMS_URL as a form (To, From, Body; lib/mail/sms.c)
 * where 2xx is sent, 408, 429, 5xx or no connection a retry, any other
 * answer a failure; without TIX_SMS_URL written to TIX_MAIL_DIR as
 * <outbox id>-TICK-<n>.sms.
 *
 * Settings: TIX_DATABASE_URL, TIX_SMTP_URL (e.g. smtp://127.0.0.1:25;
 * unset: files), TIX_MAIL_DIR, TIX_SUPPORT_ADDRESS (the From: address),
 * TIX_MAIL_TOKEN_KEY_FILE (the key of the reply addresses' MACs,
 * required: each notice's Reply-To is its recipient's own,
 * crypto/replymac.h), TIX_SMS_URL, TIX_SMS_USER, TIX_SMS_PASSWORD_FILE,
 * TIX_SMS_FROM.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/config.h"
#include "core/log.h"
#include "core/str.h"
#include "crypto/crypto.h"
#include "crypto/replymac.h"
#include "daemon.h"
#include "db/db.h"
#include "mail/mail.h"
#include "outbox/claim.h"
#include "outbox/queue.h"

struct sender {
	struct tix_db		*db;
	struct tix_arena	 arena;
	struct tix_mailer	*mailer;	/* NULL: write files to dir */
	struct tix_smser	*smser;		/* NULL: write .sms files */
	struct tix_drop_batch	*files;		/* a claim's files */
	const char		*dir;
	const char		*from;
	struct tix_buf		 msg;
};

/* Keep a server's answer storable: printable ASCII only. */
static void
clean(char *s)
{
	for (; *s != '\0'; s++)
		if (*s < ' ' || *s > '~')
			*s = '?';
}

/* What became of one claimed row in its batch. */
struct outcome {
	enum tix_mail_result	 res;
	bool			 tried;		/* false: released */
	bool			 in_file;	/* written, durable at the flush */
	char			 err[512];
};

/* A row that did not go out: queued again with its backoff, or failed
 * for good after its last try. */
static enum tix_err
record(struct sender *s, const struct tix_outbox_row *row,
    const struct outcome *o)
{
	if (o->res == TIX_MAIL_RETRY &&
	    row->attempts < TIX_OUTBOX_MAX_ATTEMPTS) {
		tix_log_warn("outbox %lld: attempt %lld failed, will retry: %s",
		    (long long)row->id, (long long)row->attempts, o->err);
		return tix_outbox_mark_retry(s->db, &s->arena, row->id,
		    tix_outbox_backoff(row->attempts), o->err);
	}
	tix_log_error("outbox %lld to %s failed after %lld attempt(s): %s",
	    (long long)row->id, row->recipient, (long long)row->attempts,
	    o->err);
	return tix_outbox_mark_failed(s->db, &s->arena, row->id, o->err);
}

/* Send one claimed mail row, or add its file to the batch. */
static void
deliver(struct sender *s, const struct tix_outbox_row *row,
    struct outcome *o)
{
	struct tix_mail		 m;
	char			 mac[TIX_REPLY_MAC_LEN + 1];
	enum tix_err		 rc;

	/* A mail of no ticket (a password reset) has no reply address. */
	if (row->ticket_number > 0) {
		rc = tix_reply_mac(row->ticket_number, row->recipient_id, mac);
		if (rc != TIX_OK) {
			o->res = TIX_MAIL_RETRY;
			snprintf(o->err, sizeof(o->err), "reply address: %s",
			    tix_err_name(rc));
			return;
		}
	}
	memset(&m, 0, sizeof(m));
	m.id = row->id;
	m.ticket_number = row->ticket_number;
	m.from = s->from;
	m.to = row->recipient;
	m.subject = row->subject;
	m.body = row->body;
	m.recipient_id = row->recipient_id;
	m.reply_mac = row->ticket_number > 0 ? mac : NULL;
	m.date = time(NULL);
	tix_buf_clear(&s->msg);
	rc = tix_mail_compose(&m, &s->msg);
	if (rc != TIX_OK) {
		tix_log_warn("outbox %lld: cannot compose: %s",
		    (long long)row->id, tix_err_name(rc));
		o->res = TIX_MAIL_FAILED;
		snprintf(o->err, sizeof(o->err), "%s", "cannot compose the "
		    "message (invalid address or subject)");
		return;
	}
	if (s->mailer != NULL) {
		o->res = tix_mail_send(s->mailer, s->from, row->recipient,
		    s->msg.data, s->msg.len, o->err, sizeof(o->err));
		return;
	}
	o->res = tix_drop_batch_add(s->files, row->id, row->ticket_number,
	    "eml", s->msg.data, s->msg.len, o->err, sizeof(o->err));
	o->in_file = o->res == TIX_MAIL_SENT;
}

/* An SMS row: its body is the text, its recipient the number. */
static void
deliver_sms(struct sender *s, const struct tix_outbox_row *row,
    struct outcome *o)
{
	if (s->smser != NULL) {
		o->res = tix_sms_send(s->smser, row->recipient, row->body,
		    o->err, sizeof(o->err));
		return;
	}
	o->res = tix_drop_batch_add(s->files, row->id, row->ticket_number,
	    "sms", row->body, strlen(row->body), o->err, sizeof(o->err));
	o->in_file = o->res == TIX_MAIL_SENT;
}

/* Send the n claimed rows, then mark them: those that went out in one
 * statement, after their files (if any) are durable; the rest each with
 * what became of it.  Rows not tried are released. */
static enum tix_err
send_batch(struct sender *s, const struct tix_outbox_row *rows, size_t n,
    int *sent)
{
	struct outcome		*o;
	int64_t			*done, *untried;
	size_t			 i, k, nd = 0, nu = 0;
	time_t			 deadline = time(NULL) + TIX_OUTBOX_BATCH_SECONDS;
	char			 ferr[512];
	enum tix_err		 rc = TIX_OK, r;

	o = tix_arena_alloc(&s->arena, n * sizeof(*o));
	done = tix_arena_alloc(&s->arena, n * sizeof(*done));
	untried = tix_arena_alloc(&s->arena, n * sizeof(*untried));
	if (o == NULL || done == NULL || untried == NULL)
		return TIX_ENOMEM;
	memset(o, 0, n * sizeof(*o));
	for (i = 0; i < n; i++) {
		if (tix_daemon_stopping || time(NULL) >= deadline)
			continue;
		o[i].tried = true;
		if (rows[i].is_sms)
			deliver_sms(s, &rows[i], &o[i]);
		else
			deliver(s, &rows[i], &o[i]);
		clean(o[i].err);
	}
	/* No row is marked sent before its file is on disk. */
	if (tix_drop_batch_flush(s->files, ferr, sizeof(ferr)) !=
	    TIX_MAIL_SENT) {
		clean(ferr);
		for (i = 0; i < n; i++) {
			if (!o[i].in_file)
				continue;
			o[i].res = TIX_MAIL_RETRY;
			memcpy(o[i].err, ferr, sizeof(ferr));
		}
	}
	for (i = 0, k = 0; i < n; i++) {
		if (!o[i].tried)
			untried[nu++] = rows[i].id;
		else if (o[i].res == TIX_MAIL_SENT)
			done[nd++] = rows[i].id;
		if (o[i].tried && o[i].in_file && o[i].res == TIX_MAIL_SENT)
			tix_log_info("outbox %lld to %s: %s",
			    (long long)rows[i].id, rows[i].recipient,
			    tix_drop_batch_path(s->files, k));
		if (o[i].in_file)
			k++;
	}
	tix_drop_batch_clear(s->files);
	rc = tix_outbox_mark_sent(s->db, &s->arena, done, nd);
	if (rc == TIX_OK)
		*sent += (int)nd;
	for (i = 0; rc == TIX_OK && i < n; i++)
		if (o[i].tried && o[i].res != TIX_MAIL_SENT)
			rc = record(s, &rows[i], &o[i]);
	/* Released even after a failure above: they were never tried. */
	r = tix_outbox_release(s->db, &s->arena, untried, nu);
	return rc != TIX_OK ? rc : r;
}

static enum tix_err
pass(struct sender *s)
{
	struct tix_outbox_row	*rows;
	size_t			 n = 0;
	int			 sent = 0;
	enum tix_err		 rc;

	rc = tix_db_ensure(s->db);
	do {
		if (rc == TIX_OK)
			rc = tix_outbox_claim(s->db, &s->arena,
			    TIX_OUTBOX_BATCH, &rows, &n);
		if (rc == TIX_OK && n > 0)
			rc = send_batch(s, rows, n, &sent);
		tix_arena_reset(&s->arena);
	} while (rc == TIX_OK && n == TIX_OUTBOX_BATCH &&
	    !tix_daemon_stopping);
	if (rc != TIX_OK) {
		tix_log_warn("pass failed: %s", tix_err_name(rc));
		return rc;
	}
	if (sent > 0)
		tix_log_info("sent %d message(s)", sent);
	return TIX_OK;
}

/* Until stopped: a pass, then wait for a NOTIFY or the interval. */
static void
run(struct sender *s, int64_t interval)
{
	struct timespec	nap;
	bool		notified;
	enum tix_err	rc;

	tix_log_info("sending the outbox; a pass on notice or every %d s",
	    (int)interval);
	while (!tix_daemon_stopping) {
		rc = tix_db_ensure(s->db);
		/* Listen before the pass: a row committed during it wakes
		 * the wait at once. */
		if (rc == TIX_OK)
			rc = tix_db_listen(s->db, TIX_OUTBOX_CHANNEL);
		if (rc == TIX_OK)
			rc = pass(s);
		if (rc == TIX_OK && !tix_daemon_stopping)
			rc = tix_db_wait(s->db, (int)interval * 1000,
			    &notified);
		if (rc != TIX_OK && !tix_daemon_stopping) {
			nap.tv_sec = (time_t)(interval < 5 ? interval : 5);
			nap.tv_nsec = 0;
			(void)nanosleep(&nap, NULL);
		}
	}
	tix_log_info("stopped");
}

/* The SMS gateway of TIX_SMS_URL, its password from its file. */
static enum tix_err
start_sms(const struct tix_config *cfg, struct sender *s)
{
	char		password[1024], err[256];
	enum tix_err	rc = TIX_OK;

	password[0] = '\0';
	if (cfg->sms_user != NULL && cfg->sms_password_file != NULL)
		rc = tix_config_read_secret("TIX_SMS_PASSWORD_FILE",
		    cfg->sms_password_file, password, sizeof(password));
	if (rc == TIX_OK)
		rc = tix_sms_new(cfg->sms_url, cfg->sms_user, password,
		    cfg->sms_from, &s->smser, err, sizeof(err));
	tix_wipe(password, sizeof(password));
	if (rc == TIX_EINVAL)
		tix_log_error("%s", err);
	else if (rc != TIX_OK)
		tix_log_error("cannot start the SMS sender: %s",
		    tix_err_name(rc));
	return rc;
}

int
main(int argc, char **argv)
{
	struct tix_config	 cfg;
	struct sender		 s;
	int64_t			 interval = 30;
	bool			 once;
	int			 status;

	tix_log_init("tix-notify");
	status = tix_daemon_options(argc, argv, "tix-notify", &interval,
	    &once);
	if (status >= 0)
		return status;
	status = 0;
	if (tix_config_load(&cfg, "tix-notify") != TIX_OK)
		return 2;

	if (tix_crypto_init() != TIX_OK ||
	    tix_reply_key_load(cfg.mail_token_key_file) != TIX_OK)
		return 2;
	tix_daemon_catch_stop();

	memset(&s, 0, sizeof(s));
	s.from = cfg.support_address;
	s.dir = cfg.mail_dir;
	tix_arena_init(&s.arena);
	tix_buf_init(&s.msg, TIX_MAIL_MAX);
	if (tix_drop_batch_new(s.dir, TIX_OUTBOX_BATCH, &s.files) != TIX_OK ||
	    tix_db_open(cfg.database_url, &s.db) != TIX_OK ||
	    (cfg.smtp_url != NULL &&
	    tix_mailer_new(cfg.smtp_url, &s.mailer) != TIX_OK)) {
		tix_log_error("cannot start");
		return 1;
	}
	if (cfg.sms_url != NULL && start_sms(&cfg, &s) != TIX_OK) {
		tix_mailer_free(s.mailer);
		tix_drop_batch_free(s.files);
		tix_db_close(s.db);
		return 2;
	}
	if (s.mailer == NULL)
		tix_log_warn("TIX_SMTP_URL is not set: nothing is sent; each "
		    "mail is written to %s as an .eml file (TIX_MAIL_DIR)",
		    s.dir);
	if (once)
		status = pass(&s) == TIX_OK ? 0 : 1;
	else
		run(&s, interval);
	tix_mailer_free(s.mailer);
	tix_sms_free(s.smser);
	tix_drop_batch_free(s.files);
	tix_buf_free(&s.msg);
	tix_db_close(s.db);
	tix_arena_reset(&s.arena);
	return status;
}
