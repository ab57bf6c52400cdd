/*
 * ingest.c: the rules of mail in (ingest.h), over the domain functions
 * of lib/tickets.  No SQL text here: the statements are db/stmt.c's.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "core/principal.h"
#include "core/limits.h"
#include "core/str.h"
#include "crypto/replymac.h"
#include "db/db.h"
#include "files/name.h"
#include "files/sniff.h"
#include "files/store.h"
#include "mail/auth.h"
#include "mail/ingest.h"
#include "mail/parse.h"
#include "tickets/license.h"
#include "tickets/ticket.h"
#include "tickets/types.h"

/* The file rules (tix_mail_ingest_file_limits). */
static size_t		max_files = TIX_DEFAULT_MAX_FILES;
static uint64_t		max_file_bytes = TIX_DEFAULT_MAX_FILE_BYTES;

void
tix_mail_ingest_file_limits(int files, int bytes)
{
	if (files >= 0)
		max_files = (size_t)files < TIX_CEIL_MAX_FILES ?
		    (size_t)files : TIX_CEIL_MAX_FILES;
	if (bytes >= 0)
		max_file_bytes = (uint64_t)bytes;
}

/* The sender, when an active user. */
struct sender {
	bool			 known;
	struct tix_principal	 who;
};

/* A ticket as a message names it. */
struct named {
	int64_t		 number;
	int64_t		 id;
	int64_t		 requester_id;
	bool		 closed;
};

/* A reply address: local+TICK-number.user_id.mac@domain. */
struct tag {
	int64_t		 number;
	int64_t		 user_id;
	const char	*mac;
};

struct job {
	struct tix_db			*db;
	struct tix_arena		*a;
	const char			*support;
	const char			*authserv_id;	/* NULL: none */
	const struct tix_mail_in	*m;
	enum tix_mail_auth		 auth;
	int				 dmarc_failed;
	struct sender			 s;
	struct tix_ingest_result	*out;
	int64_t				 ticket_id;	/* of the result */
	/* The mail's files are stored (not for a mail recorded as
	 * unreadable or after a refusal of the domain code). */
	bool				 keep_files;
};

/* The first word of v (up to ';', space or the end), compared. */
static bool
first_word_is(const char *v, const char *lit)
{
	size_t n = 0;

	if (v == NULL)
		return false;	/* a header the mail did not have */
	while (*v == ' ' || *v == '\t')
		v++;
	while (v[n] != '\0' && v[n] != ';' && v[n] != ' ' && v[n] != '\t')
		n++;
	return tix_str_ieq(v, n, lit);
}

/* Whether a line of list holds addr (without regard to case). */
static bool
list_has(const char *list, const char *addr)
{
	size_t	k = strlen(addr), i, j;

	for (i = 0; k > 0 && list[i] != '\0'; i++) {
		for (j = 0; j < k && list[i + j] != '\0'; j++) {
			char x = list[i + j], y = addr[j];

			if (x >= 'A' && x <= 'Z')
				x = (char)(x - 'A' + 'a');
			if (y >= 'A' && y <= 'Z')
				y = (char)(y - 'A' + 'a');
			if (x != y)
				break;
		}
		if (j == k)
			return true;
	}
	return false;
}

/* The first max characters of UTF-8 s, in a. */
static const char *
cut(struct tix_arena *a, const char *s, size_t max)
{
	size_t i = 0, chars = 0;

	while (s[i] != '\0' && chars < max) {
		i++;
		while (((unsigned char)s[i] & 0xC0) == 0x80)
			i++;
		chars++;
	}
	return s[i] == '\0' ? s : tix_arena_strndup(a, s, i);
}

/* text without its leading blank lines and trailing white space. */
static const char *
trim(struct tix_arena *a, const char *text)
{
	size_t	n;

	while (*text == '\n' || *text == '\r')
		text++;
	n = strlen(text);
	while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == ' ' ||
	    text[n - 1] == '\t'))
		n--;
	return tix_arena_strndup(a, text, n);
}

/* Why m may not become a ticket or reply whoever sent it, or NULL. */
static const char *
refused(const struct tix_mail_in *m, const char *support)
{
	if (m->auto_submitted != NULL && m->auto_submitted[0] != '\0' &&
	    !first_word_is(m->auto_submitted, "no"))
		return "auto-submitted";
	if (first_word_is(m->precedence, "bulk") ||
	    first_word_is(m->precedence, "junk") ||
	    first_word_is(m->precedence, "list"))
		return "bulk or list mail (Precedence)";
	if (m->from == NULL)
		return "no single sender address";
	if (tix_mail_is_daemon(m->from) ||
	    strcmp(m->return_path, "<>") == 0)
		return "mailer daemon";
	if (list_has(m->x_loop, support))
		return "mail loop (our X-Loop)";
	return NULL;
}

static enum tix_err
load_sender(struct job *j)
{
	struct tix_rows	rs;
	enum tix_err	rc;

	memset(&j->s, 0, sizeof(j->s));
	if (j->m->from == NULL)
		return TIX_OK;
	rc = tix_db_run(j->db, j->a, TIX_STMT_MAIL_USER, &j->m->from, 1, &rs);
	if (rc != TIX_OK || rs.nrows != 1)
		return rc;
	if (!tix_role_parse(tix_rows_get(&rs, 0, 1), &j->s.who.role))
		return TIX_EINTERNAL;
	j->s.known = true;
	j->s.who.user_id = tix_rows_int(&rs, 0, 0);
	j->s.who.email = j->m->from;
	j->s.who.name = tix_rows_get(&rs, 0, 2);
	j->s.who.account_id = tix_rows_int(&rs, 0, 3);
	j->s.who.account_name = tix_rows_get(&rs, 0, 4);
	j->s.who.timezone = tix_rows_get(&rs, 0, 5);
	j->s.who.via = TIX_VIA_EMAIL;
	return TIX_OK;
}

/* Ticket number into t; t->id stays 0 when there is none. */
static enum tix_err
load_ticket(struct job *j, int64_t number, struct named *t)
{
	const char	*p;
	struct tix_rows	 rs;
	enum tix_err	 rc;

	memset(t, 0, sizeof(*t));
	t->number = number;
	p = tix_db_i64(j->a, number);
	rc = tix_db_run(j->db, j->a, TIX_STMT_MAIL_TICKET, &p, 1, &rs);
	if (rc != TIX_OK || rs.nrows != 1)
		return rc;
	t->id = tix_rows_int(&rs, 0, 0);
	t->requester_id = tix_rows_int(&rs, 0, 1);
	t->closed = strcmp(tix_rows_get(&rs, 0, 2), "closed") == 0;
	return TIX_OK;
}

/* The ticket an id of ours names, or 0: a notification's id counts only
 * when that outbox row is about that ticket. */
static enum tix_err
id_ticket(struct job *j, const char *id, int64_t *number)
{
	int64_t		 n, ob;
	const char	*p;
	struct tix_rows	 rs;
	enum tix_err	 rc;

	*number = 0;
	if (!tix_mail_our_id(id, j->support, &n, &ob))
		return TIX_OK;
	if (ob == 0) {
		*number = n;
		return TIX_OK;
	}
	p = tix_db_i64(j->a, ob);
	rc = tix_db_run(j->db, j->a, TIX_STMT_MAIL_OUTBOX_TICKET, &p, 1, &rs);
	if (rc == TIX_OK && rs.nrows == 1 && tix_rows_int(&rs, 0, 0) == n)
		*number = n;
	return rc;
}

/*
 * The tickets In-Reply-To and References name: the first into *first
 * (In-Reply-To before References), and whether another one is named
 * than want (0: any two different ones) into *other.
 */
static enum tix_err
thread(struct job *j, int64_t want, int64_t *first, bool *other)
{
	const char	*lists[2] = { j->m->in_reply_to, j->m->references };
	char		 id[TIX_MAX_MAIL_ID + 1];
	size_t		 i, pos;
	int64_t		 n;
	enum tix_err	 rc;

	*first = 0;
	*other = false;
	for (i = 0; i < 2; i++) {
		pos = 0;
		while (tix_mail_next_id(lists[i], &pos, id, sizeof(id))) {
			rc = id_ticket(j, id, &n);
			if (rc != TIX_OK)
				return rc;
			if (n == 0)
				continue;
			if (*first == 0)
				*first = n;
			if (n != (want != 0 ? want : *first))
				*other = true;
		}
	}
	return TIX_OK;
}

/* Where a mail's files go: entry entry_id of ticket ticket_id, or the
 * kept mail review_id. */
struct place {
	int64_t		ticket_id, entry_id, review_id;
};

static enum tix_err
refuse_file(struct job *j, const struct place *to, const char *name,
    const char *why)
{
	const char *p[4];

	p[0] = to->entry_id != 0 ? tix_db_i64(j->a, to->entry_id) : NULL;
	p[1] = to->review_id != 0 ? tix_db_i64(j->a, to->review_id) : NULL;
	p[2] = name;
	p[3] = why;
	if ((p[0] == NULL && p[1] == NULL) || why == NULL)
		return TIX_ENOMEM;
	return tix_db_run(j->db, j->a, TIX_STMT_REFUSED_INSERT, p, 4, NULL);
}

static enum tix_err
link_files(struct job *j, const struct place *to, const int64_t *ids,
    size_t n)
{
	if (to->review_id != 0)
		return tix_file_link_review(j->db, j->a, ids, n,
		    to->review_id);
	return tix_file_link(j->db, j->a, ids, n, to->ticket_id,
	    to->entry_id);
}

/*
 * Why file f may not go onto the ticket of to, past the quotas uploads
 * have (files/store.h), or *why NULL.  nids files of the mail are
 * stored already.  The files of a kept mail have no uploader yet: the
 * quotas are those of the ticket an agent makes of it.
 */
static enum tix_err
quota_refusal(struct job *j, const struct place *to, size_t nids,
    const struct tix_mail_file *f, const char **why)
{
	enum tix_err rc;

	*why = NULL;
	if (to->review_id != 0 || !j->s.known || f->len > max_file_bytes)
		return TIX_OK;		/* the size refuses it first */
	rc = tix_file_quota(j->db, j->a, to->ticket_id, j->s.who.user_id,
	    nids + 1, f->len);
	if (rc == TIX_ETOOMANYFILES)
		*why = TIX_MAIL_REFUSED_TICKET_FULL;
	else if (rc == TIX_EFILETOOBIG)
		*why = TIX_MAIL_REFUSED_DAY_FULL;
	else
		return rc;
	return *why != NULL ? TIX_OK : TIX_ENOMEM;
}

/*
 * The mail's files to their place, in the open transaction: each one
 * the rules take stored as an upload is, each other one listed with
 * why.  The uploader is the sender when a user (else none until an
 * agent gives the kept mail a requester).
 */
static enum tix_err
attach_files(struct job *j, const struct place *to)
{
	const struct tix_mail_file	*f;
	struct tix_file_w		*w;
	int64_t				 ids[TIX_CEIL_MAX_FILES];
	size_t				 nids = 0, i;
	const char			*name, *why;
	enum tix_ftype			 type;
	enum tix_err			 rc;

	if (j->m->nfiles == 0)
		return TIX_OK;
	w = tix_arena_alloc(j->a, sizeof(*w));
	if (w == NULL)
		return TIX_ENOMEM;
	for (i = 0; i < j->m->nfiles; i++) {
		f = &j->m->files[i];
		why = NULL;
		rc = tix_file_name_clean(j->a, f->name, strlen(f->name),
		    &name);
		if (rc == TIX_EBADREQ) {
			name = "(unnamed)";
			why = "the file name is not valid";
			rc = TIX_OK;
		} else if (rc != TIX_OK)
			return rc;
		type = tix_sniff_by_name(name, strlen(name));
		if (why == NULL && type == TIX_FT_NONE)
			why = "files of this type are not allowed (PNG, JPEG, "
			    "GIF, PDF or text: .txt, .log, .json, .xml, .yml, "
			    ".yaml)";
		else if (why == NULL && nids == max_files)
			why = tix_arena_printf(j->a, "more than %zu files in "
			    "one mail", max_files);
		else if (why == NULL)
			rc = quota_refusal(j, to, nids, f, &why);
		if (rc != TIX_OK)
			return rc;
		if (why == NULL) {
			rc = tix_file_put(w, j->db, j->s.known ?
			    j->s.who.user_id : 0, name,
			    type, max_file_bytes, f->data, f->len, &ids[nids]);
			if (rc == TIX_EFILETOOBIG)
				why = tix_arena_printf(j->a, "larger than %llu "
				    "bytes",
				    (unsigned long long)max_file_bytes);
			else if (rc == TIX_EFILETYPE)
				why = "the content is not what its name says";
			else if (rc != TIX_OK)
				return rc;
			else
				nids++;
		}
		if (why != NULL) {
			rc = refuse_file(j, to, name, why);
			if (rc != TIX_OK)
				return rc;
		}
	}
	return link_files(j, to, ids, nids);
}

static enum tix_err
review(struct job *j, const char *reason, int64_t ticket_id)
{
	const char	*p[6];
	struct tix_rows	 rs;
	struct place	 to;
	enum tix_err	 rc;

	j->out->outcome = TIX_INGEST_REVIEW;
	j->out->reason = reason;
	j->ticket_id = ticket_id;
	p[0] = j->m->message_id;
	p[1] = j->m->from;
	p[2] = j->m->subject != NULL ? j->m->subject : "";
	p[3] = j->m->text != NULL ? j->m->text : "";
	p[4] = reason;
	p[5] = ticket_id != 0 ? tix_db_i64(j->a, ticket_id) : NULL;
	rc = tix_db_run(j->db, j->a, TIX_STMT_INBOUND_REVIEW, p, 6, &rs);
	if (rc != TIX_OK || !j->keep_files)
		return rc;
	memset(&to, 0, sizeof(to));
	to.review_id = rs.nrows == 1 ? tix_rows_int(&rs, 0, 0) : 0;
	return to.review_id != 0 ? attach_files(j, &to) : TIX_EINTERNAL;
}

static enum tix_err
reply(struct job *j, const struct named *t)
{
	struct tix_ctx		 c = { 0 };
	struct tix_reply_in	 in;
	const char		*body, *number;
	int64_t			 tid, eid;
	enum tix_err		 rc;

	if (t->closed)
		return review(j, "reply to a closed ticket", t->id);
	body = tix_mail_reply_text(j->a, j->m->text);
	if (body == NULL)
		return TIX_ENOMEM;
	/* Files alone are a reply too (a screenshot sent back); the
	 * entry needs a text, the one a ticket without text gets. */
	if (*body == '\0' && j->m->nfiles == 0)
		return review(j, "empty reply", t->id);
	if (*body == '\0')
		body = TIX_MAIL_NO_TEXT;
	memset(&in, 0, sizeof(in));
	in.body = body;
	number = tix_arena_printf(j->a, "TICK-%lld", (long long)t->number);
	if (number == NULL)
		return TIX_ENOMEM;
	c.db = j->db;
	c.arena = j->a;
	c.who = &j->s.who;
	rc = tix_ticket_add_reply(&c, number, &in, &tid, &eid);
	if (rc == TIX_ECLOSED || rc == TIX_ETRANSITION ||
	    rc == TIX_ENOTFOUND || rc == TIX_EFORBIDDEN)
		return review(j, "the ticket takes no reply now", t->id);
	if (rc == TIX_OK) {
		struct place to = { tid, eid, 0 };

		rc = attach_files(j, &to);
	}
	if (rc != TIX_OK)
		return rc;
	j->out->outcome = TIX_INGEST_REPLY;
	j->out->number = t->number;
	j->ticket_id = tid;
	return TIX_OK;
}

const char *
tix_mail_reply_text(struct tix_arena *a, const char *text)
{
	const char *body = tix_mail_trim_quoted(a, text);

	return body != NULL ? cut(a, body, TIX_MAX_TEXT) : NULL;
}

enum tix_err
tix_mail_ticket_fields(struct tix_arena *a, const char *subject,
    const char *text, char key[TIX_LICENSE_KEY_LEN + 1],
    struct tix_ticket_new *in)
{
	char	keys[1][TIX_LICENSE_KEY_LEN + 1];

	text = trim(a, text);
	if (text == NULL)
		return TIX_ENOMEM;
	memset(in, 0, sizeof(*in));
	in->subject = *subject != '\0' ? cut(a, subject, TIX_MAX_SUBJECT) :
	    "(no subject)";
	in->description = *text != '\0' ? cut(a, text, TIX_MAX_TEXT) :
	    TIX_MAIL_NO_TEXT;
	if (in->subject == NULL || in->description == NULL)
		return TIX_ENOMEM;
	if (tix_license_keys_find(subject, strlen(subject), keys, 1) == 1 ||
	    tix_license_keys_find(text, strlen(text), keys, 1) == 1) {
		memcpy(key, keys[0], sizeof(keys[0]));
		in->license_key = key;
	}
	in->category = "general";
	in->priority = TIX_PRIORITY_NORMAL;
	return TIX_OK;
}

static enum tix_err
open_ticket(struct job *j)
{
	struct tix_ctx		 c = { 0 };
	struct tix_ticket_new	 in;
	struct tix_ticket_made	 made;
	char			 key[TIX_LICENSE_KEY_LEN + 1];
	enum tix_err		 rc;

	rc = tix_mail_ticket_fields(j->a, j->m->subject, j->m->text, key,
	    &in);
	if (rc != TIX_OK)
		return rc;
	c.db = j->db;
	c.arena = j->a;
	c.who = &j->s.who;
	rc = tix_ticket_insert(&c, &in, &made);
	if (rc == TIX_OK) {
		struct place to = { made.id, made.entry_id, 0 };

		rc = attach_files(j, &to);
	}
	if (rc != TIX_OK)
		return rc;
	j->out->outcome = TIX_INGEST_TICKET;
	j->out->number = made.number;
	j->ticket_id = made.id;
	return TIX_OK;
}

/*
 * A mail to a reply address: it counts as its recipient's only when the
 * MAC is right, From is that recipient's address, and the recipient may
 * still write on the ticket (its requester, or an agent).
 */
static enum tix_err
tagged(const struct tag *tag, struct job *j)
{
	struct named	t;
	int64_t		first;
	bool		other;
	enum tix_err	rc;

	if (!tix_reply_mac_ok(tag->number, tag->user_id, tag->mac))
		return review(j, "wrong reply token", 0);
	rc = load_ticket(j, tag->number, &t);
	if (rc != TIX_OK)
		return rc;
	if (t.id == 0)
		return review(j, "no such ticket (reply address)", 0);
	if (!j->s.known || j->s.who.user_id != tag->user_id)
		return review(j, "sender is not the recipient of this reply "
		    "address", t.id);
	if (!tix_is_staff(&j->s.who) && j->s.who.user_id != t.requester_id)
		return review(j, "sender is not the requester or an agent",
		    t.id);
	rc = thread(j, tag->number, &first, &other);
	if (rc != TIX_OK)
		return rc;
	if (other)
		return review(j, "reply address and thread name different "
		    "tickets", t.id);
	return reply(j, &t);
}

/* Why the receiving server's checks keep m for review, or NULL. */
static const char *
unverified(struct job *j)
{
	if (j->authserv_id == NULL)
		return NULL;
	switch (j->auth) {
	case TIX_MAIL_AUTH_FAIL:
		return j->dmarc_failed ? "unverified sender: DMARC failed" :
		    "unverified sender: neither DKIM nor SPF passed for the "
		    "sender's domain";
	case TIX_MAIL_AUTH_MISSING:
		return "unverified sender: no Authentication-Results from "
		    "our mail server";
	default:
		return NULL;
	}
}

/* The decision, in the open transaction. */
static enum tix_err
decide(struct job *j)
{
	const struct tix_mail_in	*m = j->m;
	const char			*why;
	char				 mac[TIX_REPLY_MAC_LEN + 2];
	struct tag			 tag;
	struct named			 t;
	int64_t				 first;
	bool				 other;
	enum tix_err			 rc;

	why = refused(m, j->support);
	if (why != NULL)
		return review(j, why, 0);
	why = unverified(j);
	if (why != NULL)
		return review(j, why, 0);
	rc = load_sender(j);
	if (rc != TIX_OK)
		return rc;

	if (tix_mail_find_tag(m->recipients, j->support, &tag.number,
	    &tag.user_id, mac, sizeof(mac))) {
		tag.mac = mac;
		return tagged(&tag, j);
	}

	/* The thread and the subject speak for the requester only: From is
	 * all that says who wrote, and an agent's word needs more. */
	rc = thread(j, 0, &first, &other);
	if (rc != TIX_OK)
		return rc;
	if (first == 0 && !tix_mail_subject_tag(m->subject, &first))
		first = 0;
	if (first != 0) {
		rc = load_ticket(j, first, &t);
		if (rc != TIX_OK)
			return rc;
		if (t.id == 0)
			return review(j, "no such ticket", 0);
		if (j->s.known && tix_is_staff(&j->s.who))
			return review(j, "an agent's mail counts only through "
			    "the agent's own reply address", t.id);
		if (!j->s.known || j->s.who.user_id != t.requester_id)
			return review(j, "sender is not the requester", t.id);
		return reply(j, &t);
	}

	if (!j->s.known)
		return review(j, "unknown sender", 0);
	if (tix_is_staff(&j->s.who))
		return review(j, "mail from an agent names no ticket", 0);
	return open_ticket(j);
}

/* Claim the Message-ID, decide, record, commit. */
static enum tix_err
attempt(struct job *j, const char *forced_reason, int64_t *claim)
{
	const char	*p[3];
	struct tix_rows	 rs;
	enum tix_err	 rc;

	*claim = 0;
	rc = tix_db_begin(j->db);
	if (rc != TIX_OK)
		return rc;
	p[0] = j->m->message_id;
	p[1] = j->m->from;
	p[2] = j->authserv_id != NULL && (j->auth == TIX_MAIL_AUTH_FAIL ||
	    j->auth == TIX_MAIL_AUTH_MISSING) ? "true" : "false";
	rc = tix_db_run(j->db, j->a, TIX_STMT_INBOUND_CLAIM, p, 3, &rs);
	if (rc != TIX_OK)
		goto out;
	if (rs.nrows == 0) {
		j->out->outcome = TIX_INGEST_DUPLICATE;
		tix_db_rollback(j->db);
		return TIX_OK;
	}
	*claim = tix_rows_int(&rs, 0, 0);
	rc = forced_reason != NULL ? review(j, forced_reason, 0) : decide(j);
	if (rc != TIX_OK)
		goto out;
	p[0] = tix_db_i64(j->a, *claim);
	p[1] = j->out->outcome == TIX_INGEST_TICKET ? "ticket" :
	    j->out->outcome == TIX_INGEST_REPLY ? "reply" : "review";
	p[2] = j->ticket_id != 0 ? tix_db_i64(j->a, j->ticket_id) : NULL;
	rc = tix_db_run(j->db, j->a, TIX_STMT_INBOUND_SET, p, 3, NULL);
	if (rc == TIX_OK)
		rc = tix_db_commit(j->db);
out:
	if (rc != TIX_OK)
		tix_db_rollback(j->db);
	return rc;
}

static enum tix_err
run(struct tix_db *db, struct tix_arena *a, const char *support,
    const char *authserv_id, const struct tix_mail_in *m,
    const char *forced, struct tix_ingest_result *out)
{
	struct job	j;
	int64_t		claim;
	enum tix_err	rc;

	memset(out, 0, sizeof(*out));
	memset(&j, 0, sizeof(j));
	j.db = db;
	j.a = a;
	j.support = support;
	j.authserv_id = authserv_id;
	j.m = m;
	j.out = out;
	j.keep_files = forced == NULL;
	if (authserv_id != NULL)
		j.auth = tix_mail_auth_verdict(m->auth_results != NULL ?
		    m->auth_results : "", authserv_id, m->from,
		    &j.dmarc_failed);
	rc = tix_db_ensure(db);
	if (rc == TIX_OK)
		rc = attempt(&j, forced, &claim);
	if (rc == TIX_OK || rc == TIX_EUNAVAIL || rc == TIX_ENOMEM ||
	    forced != NULL)
		return rc;
	/* The domain code refused what the rules let through (a check
	 * we did not foresee): keep the message rather than lose it. */
	memset(out, 0, sizeof(*out));
	j.ticket_id = 0;
	j.keep_files = false;
	forced = tix_arena_printf(a, "could not be recorded (%s)",
	    tix_err_name(rc));
	if (forced == NULL)
		return TIX_ENOMEM;
	return attempt(&j, forced, &claim);
}

enum tix_err
tix_mail_ingest(struct tix_db *db, struct tix_arena *a, const char *support,
    const char *authserv_id, const struct tix_mail_in *m,
    struct tix_ingest_result *out)
{
	return run(db, a, support, authserv_id, m, NULL, out);
}

enum tix_err
tix_mail_ingest_unreadable(struct tix_db *db, struct tix_arena *a,
    const char *reason, struct tix_ingest_result *out)
{
	struct tix_mail_in m;

	memset(&m, 0, sizeof(m));
	m.subject = "";
	m.text = "";
	return run(db, a, "", NULL, &m, reason, out);
}
