/*
 * tix-mailin: takes one incoming message on standard input, as an MTA's
 * pipe transport delivers it (Postfix: `pipe ... argv=tix-mailin`), and
 * turns it into a ticket, a reply, or a row for review (the rules are
 * lib/mail/ingest.h's; docs/api.md, "Mail in").
 *
 *   tix-mailin < message
 *
 * The exit status is for the MTA, which retries a delivery that exits
 * 75 (EX_TEMPFAIL) and bounces one that exits otherwise non-zero:
 *    0  the message was decided on and recorded (a ticket, a reply, a
 *       review row), or refused for good (bigger than
 *       TIX_MAX_MAIL_BYTES: nothing recorded, a line on stderr), or
 *       was seen before (same Message-ID);
 *   75  nothing could be recorded (the database is unreachable, memory
 *       ran out): deliver it again later;
 *   64  wrong arguments; 78 a bad setting (both deferred by Postfix).
 * A message is never bounced to its sender by us: that would answer
 * spam and auto-replies.
 *
 * Settings: TIX_DATABASE_URL, TIX_SUPPORT_ADDRESS (our address: the
 * reply tags and X-Loop), TIX_PUBLIC_BASE_URL (links in the notices the
 * new tickets and replies queue), TIX_MAX_MAIL_BYTES (default 25 MiB).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/config.h"
#include "core/log.h"
#include "crypto/crypto.h"
#include "crypto/replymac.h"
#include "db/db.h"
#include "mail/ingest.h"
#include "mail/parse.h"
#include "outbox/queue.h"

#define EX_OK		0
#define EX_USAGE	64
#define EX_TEMPFAIL	75
#define EX_CONFIG	78

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

int
main(int argc, char **argv)
{
	struct tix_config		 cfg;
	struct tix_arena		 arena;
	struct tix_buf			 msg;
	struct tix_mail_in		 m;
	struct tix_ingest_result	 res;
	struct tix_db			*db = NULL;
	const char			*reason = NULL;
	bool				 too_big;
	enum tix_err			 rc;
	int				 status;

	tix_log_init("tix-mailin");
	if (argc == 2 && strcmp(argv[1], "--help") == 0) {
		fprintf(stderr, "usage: tix-mailin < message\n");
		return EX_OK;
	}
	if (argc != 1) {
		fprintf(stderr, "usage: tix-mailin < message\n");
		return EX_USAGE;
	}
	if (tix_config_load(&cfg) != TIX_OK)
		return EX_CONFIG;
	if (tix_crypto_init() != TIX_OK ||
	    tix_reply_key_load(cfg.mail_token_key_file) != TIX_OK)
		return EX_CONFIG;
	tix_outbox_init(cfg.public_base_url);

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
		return EX_OK;
	}

	tix_arena_init(&arena);
	rc = tix_mail_parse(&arena, msg.data != NULL ? msg.data : "",
	    msg.len, &m);
	if (rc == TIX_ETOOBIG)
		reason = "unreadable: header section over its limits";
	else if (rc == TIX_EBADREQ)
		reason = "unreadable: a header that must be single is repeated";
	if (rc != TIX_OK && reason == NULL) {
		status = status_of(rc);
		goto done;
	}
	if (tix_db_open(cfg.database_url, &db) != TIX_OK) {
		status = status_of(TIX_ENOMEM);
		goto done;
	}
	if (reason != NULL)
		rc = tix_mail_ingest_unreadable(db, &arena, reason, &res);
	else
		rc = tix_mail_ingest(db, &arena, cfg.support_address,
		    cfg.mail_authserv_id, &m, &res);
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
	tix_db_close(db);
	tix_arena_reset(&arena);
	tix_buf_free(&msg);
	return status;
}
