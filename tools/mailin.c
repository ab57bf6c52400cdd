/*
 * tix-mailin: takes one incoming message on standard input, as an MTA's
 * pipe transport delivers it (Postfix: `pipe ... argv=tix-mailin
 * --stdin`), and turns it into a ticket, a reply, or a row for review
 * (the rules are lib/mail/ingest.h's; docs/api.md, "Mail in").
 *
 *   tix-mailin --stdin < message
 *   tix-mailin --imap URL [--interval SECONDS] [--once]
 *
 * With --imap it reads a mailbox instead (tools/mailin_imap.c), each
 * message taken by mailin_take() below exactly as one on stdin, its
 * exit status deciding how the message is flagged.
 *
 * The exit status is for the MTA (sysexits.h):
 *    0  the message was recorded (a ticket, a reply), kept for review
 *       (a review row), or deliberately ignored (seen before: the same
 *       Message-ID from the same sender);
 *   75  EX_TEMPFAIL: nothing was recorded and trying again can help:
 *       the database is unreachable or too slow (the wall-clock limit
 *       passed while it was being written), memory ran out.  The MTA
 *       keeps the message and delivers it again later;
 *   65  EX_DATAERR: a message it can never take: bigger than
 *       TIX_MAX_MAIL_BYTES, not a message at all (empty, no header
 *       field), or one whose reading passed the wall-clock limit.
 *       Nothing recorded; the MTA returns it to its sender;
 *   64  wrong arguments; 78 a bad setting (Postfix defers both).
 * Every run is bounded: TIX_MAIL_TIMEOUT_SECONDS (default 60) of wall
 * clock for the whole message, reading, parsing and the transaction.
 *
 * Settings: TIX_DATABASE_URL, TIX_SUPPORT_ADDRESS (our address: the
 * reply addresses and X-Loop), TIX_MAIL_TOKEN_KEY_FILE (the reply
 * addresses' key, required), TIX_ATTACHMENT_KEY_FILE (the files' key,
 * required: files by mail are sealed as uploads are),
 * TIX_MAIL_AUTHSERV_ID (whose
 * Authentication-Results count), TIX_PUBLIC_BASE_URL (links in the
 * notices the new tickets and replies queue), TIX_MAX_MAIL_BYTES
 * (default 25 MiB), TIX_MAIL_TIMEOUT_SECONDS; files by mail follow
 * TIX_MAX_FILES and TIX_MAX_FILE_BYTES, as uploads do.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/str.h"
#include "core/buf.h"
#include "core/config.h"
#include "core/log.h"
#include "crypto/crypto.h"
#include "crypto/replymac.h"
#include "crypto/stream.h"
#include "db/db.h"
#include "mail/ingest.h"
#include "mail/parse.h"
#include "mailin.h"
#include "outbox/queue.h"


/* What the run is doing, for the wall-clock limit: while the message is
 * read and parsed, passing the limit means the message itself is at
 * fault (65); once the database is involved, it may be the database
 * (75: an unfinished transaction is rolled back when we exit). */
static volatile sig_atomic_t in_database;

static void
on_alarm(int sig)
{
	static const char parse_msg[] = "tix-mailin: message refused: "
	    "reading it passed TIX_MAIL_TIMEOUT_SECONDS; nothing recorded\n";
	static const char db_msg[] = "tix-mailin: nothing recorded: the "
	    "database took longer than TIX_MAIL_TIMEOUT_SECONDS; the MTA "
	    "will retry\n";
	ssize_t n;

	(void)sig;
	if (in_database)
		n = write(STDERR_FILENO, db_msg, sizeof(db_msg) - 1);
	else
		n = write(STDERR_FILENO, parse_msg, sizeof(parse_msg) - 1);
	(void)n;
	_exit(in_database ? EX_TEMPFAIL : EX_DATAERR);
}

static void
usage(FILE *f)
{
	fprintf(f, "usage: tix-mailin --stdin < message\n"
	    "       tix-mailin --imap URL [--interval SECONDS] [--once]\n");
}

/* Standard input into msg (its max set by the caller).  *too_big when
 * there is more; the rest is read and dropped, so that the MTA's write
 * does not fail. */
static int
slurp(struct tix_buf *msg, bool *too_big)
{
	char	 chunk[65536];
	ssize_t	 n;

	*too_big = false;
	for (;;) {
		n = read(STDIN_FILENO, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			return 0;
		if (!*too_big &&
		    tix_buf_add(msg, chunk, (size_t)n) != TIX_OK) {
			*too_big = true;
			tix_buf_free(msg);
		}
	}
}

static int
status_of(enum tix_err rc)
{
	if (rc == TIX_OK)
		return EX_OK;
	tix_log_error("nothing recorded: %s; the MTA will retry",
	    tix_err_name(rc));
	return EX_TEMPFAIL;
}

/*
 * Parse msg (len bytes) and decide on it in a transaction of its own:
 * the exit status of the message (0, 65 or 75), as the file's header
 * says.  The wall-clock limit (the caller's alarm) goes on running.
 */
int
mailin_take(const struct tix_config *cfg, const char *msg, size_t len)
{
	struct tix_arena		 arena;
	struct tix_mail_in		 m;
	struct tix_ingest_result	 res;
	struct tix_db			*db = NULL;
	const char			*reason = NULL;
	enum tix_err			 rc;
	int				 status;

	in_database = 0;
	tix_arena_init(&arena);
	rc = tix_mail_parse(&arena, msg != NULL ? msg : "", len, &m);
	if (rc == TIX_ETOOBIG)
		reason = "unreadable: header section over its limits";
	else if (rc == TIX_EBADREQ)
		reason = "unreadable: a header that must be single is repeated";
	if (rc == TIX_EINVAL) {
		tix_log_warn("message refused: not a message (no header "
		    "field); nothing recorded");
		status = EX_DATAERR;
		goto done;
	}
	if (rc != TIX_OK && reason == NULL) {
		status = status_of(rc);
		goto done;
	}
	in_database = 1;
	if (tix_db_open(cfg->database_url, &db) != TIX_OK) {
		status = status_of(TIX_ENOMEM);
		goto done;
	}
	if (reason != NULL)
		rc = tix_mail_ingest_unreadable(db, &arena, reason, &res);
	else
		rc = tix_mail_ingest(db, &arena, cfg->support_address,
		    cfg->mail_authserv_id, &m, &res);
	status = status_of(rc);
	if (rc != TIX_OK)
		goto done;
	switch (res.outcome) {
	case TIX_INGEST_TICKET:
		tix_log_info("TICK-%lld opened from <%s>",
		    (long long)res.number, m.from);
		break;
	case TIX_INGEST_REPLY:
		tix_log_info("reply on TICK-%lld from <%s>",
		    (long long)res.number, m.from);
		break;
	case TIX_INGEST_REVIEW:
		tix_log_info("kept for review: %s", res.reason);
		break;
	case TIX_INGEST_DUPLICATE:
		tix_log_info("Message-ID <%s> seen before: nothing done",
		    m.message_id);
		break;
	}
done:
	in_database = 0;
	tix_db_close(db);
	tix_arena_reset(&arena);
	return status;
}

void
mailin_limit(const struct tix_config *cfg)
{
	in_database = 0;
	signal(SIGALRM, on_alarm);
	alarm((unsigned)cfg->mail_timeout_seconds);
}

int
main(int argc, char **argv)
{
	struct tix_config		 cfg;
	struct tix_buf			 msg;
	const char			*imap_url = NULL;
	int64_t				 interval = 30;
	bool				 too_big, once = false;
	int				 status, i;

	tix_log_init("tix-mailin");
	if (argc == 2 && strcmp(argv[1], "--help") == 0) {
		usage(stdout);
		return EX_OK;
	}
	/* No argument: --stdin, as earlier versions were run.  Else
	 * --imap URL [--interval S] [--once], in any order. */
	if (argc > 2 || (argc == 2 && strcmp(argv[1], "--stdin") != 0)) {
		for (i = 1; i < argc; i++) {
			if (strcmp(argv[i], "--imap") == 0 && i + 1 < argc)
				imap_url = argv[++i];
			else if (strcmp(argv[i], "--interval") == 0 &&
			    i + 1 < argc && tix_parse_int64(argv[i + 1],
			    strlen(argv[i + 1]), false, &interval) &&
			    interval >= 1 && interval <= 86400)
				i++;
			else if (strcmp(argv[i], "--once") == 0)
				once = true;
			else
				break;
		}
		if (i < argc || imap_url == NULL) {
			usage(stderr);
			return EX_USAGE;
		}
	}
	if (tix_config_load(&cfg, "tix-mailin") != TIX_OK)
		return EX_CONFIG;
	if (imap_url == NULL)
		mailin_limit(&cfg);
	/* Files by mail are stored as uploads are: sealed under the
	 * attachment key. */
	if (tix_crypto_init() != TIX_OK ||
	    tix_reply_key_load(cfg.mail_token_key_file) != TIX_OK ||
	    tix_master_key_load(cfg.attachment_key_file) != TIX_OK)
		return EX_CONFIG;
	tix_outbox_init(cfg.public_base_url);
	tix_mail_ingest_file_limits(cfg.max_files, cfg.max_file_bytes);
	if (imap_url != NULL)
		return mailin_imap(&cfg, imap_url, interval, once);

	tix_buf_init(&msg, (size_t)cfg.max_mail_bytes);
	if (slurp(&msg, &too_big) != 0) {
		tix_log_error("cannot read the message: %s", strerror(errno));
		tix_buf_free(&msg);
		return EX_TEMPFAIL;
	}
	if (too_big) {
		/* Refused for good: a retry would be as big. */
		tix_log_warn("message refused: bigger than TIX_MAX_MAIL_BYTES "
		    "(%d bytes); nothing recorded", cfg.max_mail_bytes);
		return EX_DATAERR;
	}
	status = mailin_take(&cfg, msg.data, msg.len);
	tix_buf_free(&msg);
	return status;
}
