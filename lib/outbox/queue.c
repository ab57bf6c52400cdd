/*
 * queue.c: notification rows, written in the caller's transaction.
 *
 * The text of every notice is here.  Bodies are plain UTF-8 with "\n"
 * line ends (lib/mail/compose.c makes them CRLF and quoted-printable);
 * subjects are "[TICK-1001] <subject>", one line, since a ticket's
 * subject holds no control characters (checked at input; compose.c
 * refuses them again).  A body never depends on the recipient, so one
 * INSERT ... SELECT writes the rows of all recipients at once, and the
 * rows of one change go with their NOTIFY in one round trip (db/batch.h).
 */
#include <string.h>

#include "db/batch.h"
#include "outbox/queue.h"

static const char *base_url = "http://localhost";

void
tix_outbox_init(const char *public_base_url)
{
	if (public_base_url != NULL && *public_base_url != '\0')
		base_url = public_base_url;
}

/* What a notice says about its ticket, read after the change. */
struct info {
	const char	*number;	/* "TICK-1001" */
	const char	*subject;
	const char	*status;
	const char	*priority;
	const char	*category;
	const char	*description;
	const char	*requester;	/* name */
	const char	*requester_email;
	const char	*due;		/* first response due, RFC 3339 */
	int64_t		 requester_id;
	const char	*link;		/* for the requester */
	const char	*staff_link;	/* for agents */
	const char	*mail_subject;	/* "[TICK-1001] subject" */
};

static enum tix_err
load(const struct tix_outbox_ctx *o, int64_t ticket_id, struct info *t)
{
	const char	*p[1];
	struct tix_rows	 rs;
	enum tix_err	 rc;

	p[0] = tix_db_i64(o->arena, ticket_id);
	rc = tix_db_run(o->db, o->arena, TIX_STMT_OUTBOX_TICKET, p, 1, &rs);
	if (rc != TIX_OK)
		return rc;
	if (rs.nrows != 1)
		return TIX_EINTERNAL;	/* the caller holds it: cannot be */
	t->number = tix_arena_printf(o->arena, "TICK-%s",
	    tix_rows_get(&rs, 0, 0));
	t->subject = tix_rows_get(&rs, 0, 1);
	t->status = tix_rows_get(&rs, 0, 2);
	t->priority = tix_rows_get(&rs, 0, 3);
	t->category = tix_rows_get(&rs, 0, 4);
	t->description = tix_rows_get(&rs, 0, 5);
	t->requester = tix_rows_get(&rs, 0, 6);
	t->requester_email = tix_rows_get(&rs, 0, 7);
	t->due = tix_rows_get(&rs, 0, 8);
	t->requester_id = tix_rows_int(&rs, 0, 9);
	if (t->number == NULL)
		return TIX_ENOMEM;
	t->link = tix_arena_printf(o->arena, "%s/customer/tickets/%s",
	    base_url, t->number);
	t->staff_link = tix_arena_printf(o->arena, "%s/agent/tickets/%s",
	    base_url, t->number);
	t->mail_subject = tix_arena_printf(o->arena, "[%s] %s", t->number,
	    t->subject);
	if (t->link == NULL || t->staff_link == NULL ||
	    t->mail_subject == NULL)
		return TIX_ENOMEM;
	return TIX_OK;
}

/* "in_progress" as "in progress". */
static const char *
human(struct tix_arena *a, const char *status)
{
	char	*s = tix_arena_strdup(a, status);
	size_t	 i;

	if (s == NULL)
		return status;
	for (i = 0; s[i] != '\0'; i++)
		if (s[i] == '_')
			s[i] = ' ';
	return s;
}

/* Recipients: one user, or the ticket's agents (assignee or all). */
enum audience { TO_USER, TO_STAFF };

/*
 * Queue kind with subject and body for the audience into b, except the
 * actor when except_actor; pref names the preference that must be on
 * (NULL: none).  body NULL is TIX_ENOMEM (an arena_printf that failed).
 */
static enum tix_err
put_add(const struct tix_outbox_ctx *o, struct tix_db_batch *b,
    int64_t ticket_id, enum audience to, int64_t user_id, const char *kind,
    const char *pref, const struct info *t, const char *body,
    bool except_actor)
{
	const char	**p;
	const char	 *except = NULL;

	if (body == NULL)
		return TIX_ENOMEM;
	/* The batch borrows the parameters until it runs. */
	p = tix_arena_alloc(o->arena, 7 * sizeof(*p));
	if (p == NULL)
		return TIX_ENOMEM;
	if (except_actor && o->actor_id != 0)
		except = tix_db_i64(o->arena, o->actor_id);
	p[0] = tix_db_i64(o->arena, ticket_id);
	p[1] = kind;
	p[2] = t->mail_subject;
	p[3] = body;
	p[4] = pref;
	if (to == TO_USER) {
		p[5] = tix_db_i64(o->arena, user_id);
		p[6] = except;
		tix_db_batch_add(b, TIX_STMT_OUTBOX_TO_USER, p, 7, NULL);
	} else {
		p[5] = except;
		tix_db_batch_add(b, TIX_STMT_OUTBOX_TO_STAFF, p, 6, NULL);
	}
	return TIX_OK;
}

/*
 * Run the rows queued into b with the NOTIFY that wakes tix-notify, in
 * one round trip.  Several in one transaction fold into one (same
 * channel and payload), delivered only if the transaction commits; one
 * for rows that a preference turned off wakes the sender for nothing.
 */
static enum tix_err
send_queued(struct tix_db_batch *b)
{
	tix_db_batch_add(b, TIX_STMT_OUTBOX_NOTIFY, NULL, 0, NULL);
	return tix_db_batch_run(b);
}

static enum tix_err
put(const struct tix_outbox_ctx *o, int64_t ticket_id, enum audience to,
    int64_t user_id, const char *kind, const char *pref,
    const struct info *t, const char *body, bool except_actor)
{
	struct tix_db_batch	b;
	enum tix_err		rc;

	tix_db_batch_init(&b, o->db, o->arena);
	rc = put_add(o, &b, ticket_id, to, user_id, kind, pref, t, body,
	    except_actor);
	if (rc != TIX_OK)
		return rc;
	return send_queued(&b);
}

/* s cut to at most max characters (whole UTF-8 sequences). */
static const char *
cut(struct tix_arena *a, const char *s, size_t max)
{
	size_t	i, chars = 0;

	for (i = 0; s[i] != '\0'; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80 && ++chars > max)
			return tix_arena_strndup(a, s, i);
	return s;
}

/*
 * The requester's SMS (sql/030), when they opted in: text, a line
 * short enough for one SMS with a link of usual length.  It names the
 * ticket and who acted, never a subject, a reply's text or a note (any
 * of which may hold a license key or what the customer should read
 * on the ticket's page only).
 */
static enum tix_err
sms_add(const struct tix_outbox_ctx *o, struct tix_db_batch *b,
    int64_t ticket_id, const char *kind, const struct info *t,
    const char *text)
{
	const char **p;

	if (text == NULL)
		return TIX_ENOMEM;
	p = tix_arena_alloc(o->arena, 6 * sizeof(*p));
	if (p == NULL)
		return TIX_ENOMEM;
	p[0] = tix_db_i64(o->arena, ticket_id);
	p[1] = kind;
	p[2] = t->mail_subject;
	p[3] = text;
	p[4] = tix_db_i64(o->arena, t->requester_id);
	p[5] = o->actor_id != 0 ? tix_db_i64(o->arena, o->actor_id) : NULL;
	tix_db_batch_add(b, TIX_STMT_OUTBOX_SMS, p, 6, NULL);
	return TIX_OK;
}

static enum tix_err
sms(const struct tix_outbox_ctx *o, int64_t ticket_id, const char *kind,
    const struct info *t, const char *text)
{
	struct tix_db_batch	b;
	enum tix_err		rc;

	tix_db_batch_init(&b, o->db, o->arena);
	rc = sms_add(o, &b, ticket_id, kind, t, text);
	if (rc != TIX_OK)
		return rc;
	return send_queued(&b);
}

static enum tix_err
to_requester(const struct tix_outbox_ctx *o, int64_t ticket_id,
    const char *kind, const char *pref, const struct info *t,
    const char *body, bool except_actor)
{
	return put(o, ticket_id, TO_USER, t->requester_id, kind, pref, t,
	    body, except_actor);
}

enum tix_err
tix_outbox_created(struct tix_outbox_ctx o, int64_t ticket_id)
{
	struct tix_db_batch	b;
	struct info		t;
	enum tix_err		rc;

	rc = load(&o, ticket_id, &t);
	if (rc != TIX_OK)
		return rc;
	tix_db_batch_init(&b, o.db, o.arena);
	rc = put_add(&o, &b, ticket_id, TO_USER, t.requester_id, "received",
	    NULL, &t, tix_arena_printf(o.arena,
	    "We have received your request and opened ticket %s:\n"
	    "\n"
	    "  %s\n"
	    "\n"
	    "We will answer as soon as we can.  You can follow the ticket\n"
	    "here:\n"
	    "\n"
	    "%s\n", t.number, t.subject, t.link), false);
	if (rc != TIX_OK)
		return rc;
	rc = put_add(&o, &b, ticket_id, TO_STAFF, 0, "new_ticket", NULL, &t,
	    tix_arena_printf(o.arena,
	    "New ticket %s from %s <%s>\n"
	    "Priority: %s, category: %s\n"
	    "\n"
	    "%s\n"
	    "\n"
	    "%s\n", t.number, t.requester, t.requester_email, t.priority,
	    t.category, t.description, t.staff_link), true);
	if (rc != TIX_OK)
		return rc;
	return send_queued(&b);
}

enum tix_err
tix_outbox_message(struct tix_outbox_ctx o, int64_t ticket_id,
    const char *body, bool internal, const char *from, const char *to)
{
	struct tix_db_batch	b;
	struct info		t;
	bool			changed = strcmp(from, to) != 0;
	enum tix_err		rc;

	if (internal)	/* the status only, never the note's text */
		return tix_outbox_status(o, ticket_id, from, to);
	rc = load(&o, ticket_id, &t);
	if (rc != TIX_OK)
		return rc;
	if (o.actor_is_staff) {
		tix_db_batch_init(&b, o.db, o.arena);
		rc = sms_add(&o, &b, ticket_id, "reply", &t,
		    tix_arena_printf(o.arena,
		    "%s: %s replied%s. Read it: %s", t.number,
		    cut(o.arena, o.actor_name, 40),
		    changed && strcmp(to, "resolved") == 0 ?
		    " and marked it resolved" : "", t.link));
		if (rc == TIX_OK)
			rc = put_add(&o, &b, ticket_id, TO_USER,
			    t.requester_id, "reply", "reply", &t,
			    tix_arena_printf(o.arena,
			    "%s replied to your ticket %s (%s):\n"
			    "\n"
			    "%s\n"
			    "\n"
			    "%s%s%s"
			    "You can read the whole conversation and answer "
			    "here:\n"
			    "\n"
			    "%s\n", o.actor_name, t.number, t.subject, body,
			    changed ? "Status: " : "",
			    changed ? human(o.arena, to) : "",
			    changed ? "\n\n" : "", t.link), true);
		if (rc != TIX_OK)
			return rc;
		return send_queued(&b);
	}
	return put(&o, ticket_id, TO_STAFF, 0, "customer_reply", "reply", &t,
	    tix_arena_printf(o.arena,
	    "%s wrote on %s (%s):\n"
	    "\n"
	    "%s\n"
	    "\n"
	    "Status: %s\n"
	    "\n"
	    "%s\n", o.actor_name, t.number, t.subject, body,
	    human(o.arena, to), t.staff_link), true);
}

enum tix_err
tix_outbox_status(struct tix_outbox_ctx o, int64_t ticket_id,
    const char *from, const char *to)
{
	struct info	 t;
	const char	*extra = "";
	enum tix_err	 rc;

	if (strcmp(from, to) == 0)
		return TIX_OK;
	rc = load(&o, ticket_id, &t);
	if (rc != TIX_OK)
		return rc;
	if (strcmp(to, "resolved") == 0) {
		extra = "If the problem is not solved, reply on the ticket's "
		    "page and it\nopens again.\n\n";
		rc = sms(&o, ticket_id, "status", &t, tix_arena_printf(o.arena,
		    "%s is resolved. Not solved? Reply here: %s", t.number,
		    t.link));
		if (rc != TIX_OK)
			return rc;
	}
	else if (strcmp(to, "closed") == 0)
		extra = "A closed ticket can be reopened within 30 days on "
		    "its page.\n\n";
	return to_requester(&o, ticket_id, "status", "status", &t,
	    tix_arena_printf(o.arena,
	    "The status of your ticket %s (%s) changed from %s to %s.\n"
	    "\n"
	    "%s"
	    "%s\n", t.number, t.subject, human(o.arena, from),
	    human(o.arena, to), extra, t.link), true);
}

enum tix_err
tix_outbox_assigned(struct tix_outbox_ctx o, int64_t ticket_id,
    int64_t assignee_id)
{
	struct info	t;
	enum tix_err	rc;

	if (assignee_id == 0)
		return TIX_OK;
	rc = load(&o, ticket_id, &t);
	if (rc != TIX_OK)
		return rc;
	return put(&o, ticket_id, TO_USER, assignee_id, "assigned",
	    "assigned", &t, tix_arena_printf(o.arena,
	    "%s was assigned to you by %s:\n"
	    "\n"
	    "  %s\n"
	    "\n"
	    "Requester: %s <%s>\n"
	    "Status: %s, priority: %s, category: %s\n"
	    "\n"
	    "%s\n", t.number, o.actor_name, t.subject, t.requester,
	    t.requester_email, human(o.arena, t.status), t.priority,
	    t.category, t.staff_link), true);
}

enum tix_err
tix_outbox_reopened(struct tix_outbox_ctx o, int64_t ticket_id,
    const char *body, const char *from)
{
	struct info	t;
	enum tix_err	rc;

	rc = load(&o, ticket_id, &t);
	if (rc != TIX_OK)
		return rc;
	if (o.actor_is_staff)
		return to_requester(&o, ticket_id, "reply", "reply", &t,
		    tix_arena_printf(o.arena,
		    "%s reopened your ticket %s (%s):\n"
		    "\n"
		    "%s\n"
		    "\n"
		    "%s\n", o.actor_name, t.number, t.subject, body, t.link),
		    true);
	return put(&o, ticket_id, TO_STAFF, 0, "customer_reply", "reply", &t,
	    tix_arena_printf(o.arena,
	    "%s reopened %s (%s), which was %s:\n"
	    "\n"
	    "%s\n"
	    "\n"
	    "%s\n", o.actor_name, t.number, t.subject, human(o.arena, from),
	    body, t.staff_link), true);
}

enum tix_err
tix_outbox_breach(struct tix_outbox_ctx o, int64_t ticket_id)
{
	struct info	t;
	enum tix_err	rc;

	rc = load(&o, ticket_id, &t);
	if (rc != TIX_OK)
		return rc;
	return put(&o, ticket_id, TO_STAFF, 0, "sla_breach", NULL, &t,
	    tix_arena_printf(o.arena,
	    "The first response to %s is overdue: it was due at %s.\n"
	    "\n"
	    "  %s\n"
	    "\n"
	    "Requester: %s <%s>, priority: %s\n"
	    "\n"
	    "%s\n", t.number, t.due, t.subject, t.requester,
	    t.requester_email, t.priority, t.staff_link), false);
}

enum tix_err
tix_outbox_password_reset(struct tix_db *db, struct tix_arena *a,
    int64_t user_id, const char *token, const char *address)
{
	const char	*p[4];
	struct tix_rows	 rs;
	enum tix_err	 rc;

	p[0] = tix_db_i64(a, user_id);
	p[1] = "password_reset";
	p[2] = "Reset your password";
	p[3] = tix_arena_printf(a,
	    "Someone asked to reset the password of your support account;\n"
	    "we hope it was you.  To choose a new password, open this link\n"
	    "within one hour:\n"
	    "\n"
	    "%s/reset-password?token=%s\n"
	    "\n"
	    "The link works once.  Your two-factor login, if you use it,\n"
	    "stays on, and every session of yours ends when the new password\n"
	    "is set.\n"
	    "\n"
	    "If you did not ask, ignore this mail: your password stays as it\n"
	    "is.  The request came from the address %s.\n", base_url, token,
	    address);
	if (p[3] == NULL)
		return TIX_ENOMEM;
	rc = tix_db_run(db, a, TIX_STMT_OUTBOX_ACCOUNT, p, 4, &rs);
	if (rc != TIX_OK || rs.affected == 0)
		return rc;
	return tix_db_run(db, a, TIX_STMT_OUTBOX_NOTIFY, NULL, 0, NULL);
}
