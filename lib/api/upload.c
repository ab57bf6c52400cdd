/*
 * upload.c: files on tickets.  A ticket or a reply sent as
 * multipart/form-data, POST .../attachments, and the attachments of a
 * ticket as JSON.
 *
 * One request is one transaction: BEGIN, then the body is parsed as it
 * arrives from nginx (http/multipart.c) and each file is checked and
 * stored in encrypted chunks as it goes (files/store.c); the form fields
 * are collected, turned into the JSON object the JSON routes take and
 * validated by the very same code (api/tickets_api.c); then the ticket,
 * reply or attachment_added entry is written, the files are linked to
 * it, and the transaction commits.  Any error, a malformed body, a file
 * too large or of a type not allowed, a bad field, a client that went
 * away, rolls the whole of it back: no ticket, no entry, no chunk.
 *
 * Memory does not grow with the files: one read buffer, one file writer
 * (two chunk buffers) and the parser, allocated once per request.
 */
#include <stdio.h>
#include <string.h>

#include "api/ctx.h"
#include "api/render.h"
#include "api/ticket_answer.h"
#include "api/upload.h"
#include "core/config.h"
#include "core/limits.h"
#include "core/str.h"
#include "crypto/crypto.h"
#include "files/name.h"
#include "files/attach.h"
#include "http/multipart.h"
#include "tickets/change.h"
#include "tickets/work.h"

#define READ_BUF	(64 * 1024)

enum kind { K_TICKET, K_REPLY, K_FILES };

/* The form fields each kind takes besides its files ("attachments"). */
static const char *const ticket_fields[] = {
	"subject", "description", "category", "priority", "license_key",
	"requester_email", NULL
};
static const char *const reply_fields[] = {
	"body", "internal", "status", NULL
};
static const char *const no_fields[] = { NULL };

enum part { P_NONE, P_FIELD, P_FILE, P_EMPTY };

struct upload {
	struct tix_req		*r;
	struct tix_ctx		 c;
	const char *const	*allowed;
	enum part		 part;
	/* fields: names from allowed, values in the arena */
	const char		*names[TIX_MAX_FORM_FIELDS];
	const char		*values[TIX_MAX_FORM_FIELDS];
	size_t			 nfields;
	struct tix_buf		 value;	/* the field being read */
	/* files */
	struct tix_file_w	*w;
	const char		*filename;	/* the file being read */
	int64_t			 ids[TIX_CEIL_MAX_FILES];
	char			 sha[TIX_CEIL_MAX_FILES][65];
	const char		*filenames[TIX_CEIL_MAX_FILES];
	size_t			 nfiles;
};

bool
tix_req_is_multipart(const struct tix_req *r)
{
	static const char	 want[] = "multipart/form-data";
	const char		*ct = tix_req_param(r, "CONTENT_TYPE");

	return ct != NULL && tix_str_ieq(ct, strnlen(ct, sizeof(want) - 1),
	    want);
}

static bool
str_is(struct tix_str s, const char *lit)
{
	return strlen(lit) == s.n && memcmp(s.p, lit, s.n) == 0;
}

static enum tix_err
begin_file(struct upload *u, struct tix_str filename)
{
	struct tix_req	*r = u->r;
	enum tix_ftype	 type;
	enum tix_err	 rc;

	if (filename.p == NULL)
		return tix_req_fail(r, TIX_EBADREQ,
		    "A part named attachments needs a filename.");
	if (filename.n == 0) {
		/* A browser's empty file input: a nameless, empty part. */
		u->part = P_EMPTY;
		return TIX_OK;
	}
	if (u->nfiles == (size_t)r->cfg->max_files)
		return tix_req_fail(r, TIX_ETOOMANYFILES, tix_arena_printf(
		    r->arena, "At most %d files may be sent at once.",
		    r->cfg->max_files));
	rc = tix_file_name_clean(r->arena, filename.p, filename.n,
	    &u->filename);
	if (rc == TIX_EBADREQ)
		return tix_req_fail(r, rc, "A file name is not valid UTF-8 "
		    "or is empty.");
	if (rc != TIX_OK)
		return rc;
	type = tix_sniff_by_name(u->filename, strlen(u->filename));
	if (type == TIX_FT_NONE)
		return tix_req_fail(r, TIX_EFILETYPE, "Files of this type are "
		    "not allowed: send PNG, JPEG, GIF, PDF or text (.txt, "
		    ".log, .json, .xml, .yml, .yaml).");
	u->part = P_FILE;
	return tix_attach_begin(u->w, &u->c, u->filename, type,
	    (uint64_t)r->cfg->max_file_bytes);
}

static enum tix_err
on_begin(void *arg, const struct tix_mp_part *p)
{
	struct upload	*u = arg;
	struct tix_req	*r = u->r;
	size_t		 i;

	if (str_is(p->name, "attachments"))
		return begin_file(u, p->filename);
	for (i = 0; u->allowed[i] != NULL; i++)
		if (str_is(p->name, u->allowed[i]))
			break;
	if (u->allowed[i] == NULL || p->filename.p != NULL)
		return tix_req_fail(r, TIX_EBADREQ, "A part has a name this "
		    "route does not take.");
	for (i = 0; i < u->nfields; i++)
		if (str_is(p->name, u->names[i]))
			return tix_req_fail(r, TIX_EBADREQ, tix_arena_printf(
			    r->arena, "The field %s is given twice.",
			    u->names[i]));
	if (u->nfields == TIX_MAX_FORM_FIELDS)
		return tix_req_fail(r, TIX_EBADREQ, "Too many form fields.");
	for (i = 0; u->allowed[i] != NULL; i++)
		if (str_is(p->name, u->allowed[i]))
			u->names[u->nfields] = u->allowed[i];
	tix_buf_clear(&u->value);
	u->part = P_FIELD;
	return TIX_OK;
}

static enum tix_err
on_data(void *arg, const char *p, size_t n)
{
	struct upload	*u = arg;
	enum tix_err	 rc;

	switch (u->part) {
	case P_FIELD:
		rc = tix_buf_add(&u->value, p, n);
		if (rc == TIX_ETOOBIG)
			return tix_req_fail(u->r, rc, "A form field is "
			    "longer than allowed.");
		return rc;
	case P_FILE:
		rc = tix_file_write(u->w, p, n);
		break;
	case P_EMPTY:
		return tix_req_fail(u->r, TIX_EBADREQ,
		    "A file without a name.");
	default:
		return TIX_EINTERNAL;
	}
	if (rc == TIX_EFILETOOBIG)
		return tix_req_fail(u->r, rc, tix_arena_printf(u->r->arena,
		    "%s is larger than %d bytes.", u->filename,
		    u->r->cfg->max_file_bytes));
	if (rc == TIX_EFILETYPE)
		return tix_req_fail(u->r, rc, tix_arena_printf(u->r->arena,
		    "The content of %s is not what its name says.",
		    u->filename));
	return rc;
}

static enum tix_err
on_end(void *arg)
{
	struct upload	*u = arg;
	struct tix_req	*r = u->r;
	enum tix_err	 rc;
	char		*v;

	switch (u->part) {
	case P_FIELD:
		if (!tix_utf8_valid(u->value.data == NULL ? "" :
		    u->value.data, u->value.len))
			return tix_req_fail(r, TIX_EBADREQ, tix_arena_printf(
			    r->arena, "The field %s is not UTF-8 text.",
			    u->names[u->nfields]));
		v = tix_arena_strndup(r->arena, u->value.data == NULL ? "" :
		    u->value.data, u->value.len);
		if (v == NULL)
			return TIX_ENOMEM;
		u->values[u->nfields++] = v;
		break;
	case P_FILE:
		rc = tix_file_end(u->w);
		if (rc == TIX_EFILETYPE)
			return tix_req_fail(r, rc, tix_arena_printf(r->arena,
			    "The content of %s is not what its name says.",
			    u->filename));
		if (rc != TIX_OK)
			return rc;
		u->ids[u->nfiles] = u->w->id;
		u->filenames[u->nfiles] = u->filename;
		memcpy(u->sha[u->nfiles], u->w->sha_hex, sizeof(u->sha[0]));
		u->nfiles++;
		break;
	default:
		break;
	}
	u->part = P_NONE;
	return TIX_OK;
}

static const struct tix_mp_cb callbacks = { on_begin, on_data, on_end };

/* Read and parse the whole body, storing files as they come. */
static enum tix_err
receive(struct upload *u)
{
	struct tix_req	*r = u->r;
	struct tix_mp	*mp;
	struct tix_str	 boundary;
	char		*buf;
	size_t		 len, got, max;
	enum tix_err	 rc;

	if (tix_mp_boundary(tix_req_param(r, "CONTENT_TYPE"), &boundary) !=
	    TIX_OK)
		return tix_req_fail(r, TIX_EBADREQ, "Send multipart/form-data "
		    "with a boundary.");
	rc = tix_req_length(r, &len);
	if (rc != TIX_OK)
		return rc;
	max = (size_t)r->cfg->max_files * (size_t)r->cfg->max_file_bytes +
	    TIX_MAX_FORM_OVERHEAD;
	if (len > max)
		return tix_req_fail(r, TIX_ETOOBIG, "The request body is "
		    "larger than the files allowed.");
	mp = tix_arena_alloc(r->arena, sizeof(*mp));
	buf = tix_arena_alloc(r->arena, READ_BUF);
	u->w = tix_arena_alloc(r->arena, sizeof(*u->w));
	if (mp == NULL || buf == NULL || u->w == NULL)
		return TIX_ENOMEM;
	tix_mp_init(mp, boundary, &callbacks, u);
	for (;;) {
		rc = tix_req_read(r, buf, READ_BUF, &got);
		if (rc != TIX_OK || got == 0)
			break;
		rc = tix_mp_feed(mp, buf, got);
		if (rc != TIX_OK)
			break;
	}
	if (rc == TIX_OK)
		rc = tix_mp_finish(mp);
	if (rc == TIX_EBADREQ && r->err_message == NULL)
		r->err_message = "The multipart body is malformed.";
	return rc;
}

/*
 * The form fields as the JSON object the JSON routes take, parsed into
 * r->json (freed by the runner).  "internal" is a JSON boolean when it
 * says true or false; anything else stays a string, which the field
 * rules then refuse as the wrong type.
 */
static enum tix_err
fields_json(struct upload *u, struct tix_json **out, struct tix_buf *b)
{
	struct tix_jw	w;
	size_t		i;
	enum tix_err	rc;

	tix_jw_init(&w, b);
	tix_jw_obj_open(&w);
	for (i = 0; i < u->nfields; i++) {
		tix_jw_key(&w, u->names[i]);
		if (strcmp(u->names[i], "internal") == 0 &&
		    (strcmp(u->values[i], "true") == 0 ||
		    strcmp(u->values[i], "false") == 0))
			tix_jw_bool(&w, u->values[i][0] == 't');
		else
			tix_jw_strz(&w, u->values[i]);
	}
	tix_jw_obj_close(&w);
	rc = tix_jw_finish(&w);
	if (rc == TIX_OK)
		rc = tix_json_parse_object(b->data, b->len, &u->r->json);
	if (rc == TIX_EBADREQ)
		return tix_req_fail(u->r, rc, "The form fields are malformed.");
	*out = u->r->json;
	return rc;
}

/* Link the request's files to the ticket and entry. */
static enum tix_err
link_files(struct upload *u, int64_t ticket_id, int64_t entry_id)
{
	struct tix_req	*r = u->r;
	enum tix_err	 rc;

	rc = tix_attach_link(&u->c, u->ids, u->nfiles, ticket_id, entry_id);
	if (rc == TIX_ETOOMANYFILES)
		return tix_req_fail(r, rc, tix_arena_printf(r->arena, "A ticket "
		    "holds at most %d files.", TIX_MAX_FILES_PER_TICKET));
	if (rc == TIX_EFILETOOBIG)
		return tix_req_fail(r, rc, "You have uploaded as much as one "
		    "user may in a day (2 GiB); try again later.");
	return rc;
}

static void
upload_init(struct upload *u, struct tix_req *r, const char *const *allowed)
{
	memset(u, 0, sizeof(*u));
	u->r = r;
	u->c = tix_api_ctx(r);
	u->allowed = allowed;
	tix_buf_init(&u->value, TIX_MAX_FORM_FIELD);
}

/* The end of a request that failed: nothing of it stays. */
static enum tix_err
fail(struct upload *u, enum tix_err rc)
{
	tix_work_rollback(&u->c);
	tix_req_drain(u->r);
	tix_buf_free(&u->value);
	return rc;
}

/*
 * The Idempotency-Key's request hash of a multipart create: the fields as
 * JSON and each file's name and SHA-256, so that a retry with another
 * boundary still counts as the same request.
 */
static enum tix_err
idempotency(struct upload *u, const struct tix_buf *fields,
    struct tix_ticket_new *in)
{
	struct tix_buf	b;
	size_t		i;
	enum tix_err	rc;

	tix_buf_init(&b, fields->len + 2048 + u->nfiles * 400);
	rc = tix_buf_add(&b, fields->data, fields->len);
	for (i = 0; rc == TIX_OK && i < u->nfiles; i++)
		rc = tix_buf_printf(&b, "\n%s %s", u->sha[i],
		    u->filenames[i]);
	if (rc == TIX_OK)
		rc = tix_api_idempotency(u->r, b.data, b.len, in);
	tix_buf_free(&b);
	return rc;
}

enum tix_err
tix_upload_create_ticket(struct tix_req *r)
{
	struct upload		 u;
	struct tix_ticket_new	 in;
	struct tix_ticket_made	 made = { 0 };
	struct tix_json		*j = NULL;
	struct tix_answer	 ans;
	struct tix_buf		 text;
	enum tix_err		 rc;

	upload_init(&u, r, ticket_fields);
	tix_buf_init(&text, TIX_MAX_JSON_BODY);
	rc = tix_work_begin(&u.c);
	if (rc == TIX_OK)
		rc = receive(&u);
	if (rc == TIX_OK)
		rc = fields_json(&u, &j, &text);
	if (rc == TIX_OK)
		rc = tix_api_ticket_fields(r, j, &in);
	if (rc == TIX_OK)
		rc = idempotency(&u, &text, &in);
	tix_buf_free(&text);
	if (rc == TIX_OK)
		rc = tix_ticket_insert(&u.c, &in, &made);
	if (rc == TIX_ECONFLICT)
		rc = tix_req_field(r, "Idempotency-Key", "was used with "
		    "another request; use a new key for a new ticket");
	if (rc != TIX_OK)
		return fail(&u, rc);
	tix_api_answer_created(r, NULL, &ans, &made);
	if (made.replayed)
		tix_work_rollback(&u.c);	/* this request's files go */
	else {
		rc = link_files(&u, made.id, made.entry_id);
		if (rc == TIX_OK)
			rc = tix_api_answer_make(&ans);
		if (rc == TIX_OK)
			rc = tix_work_commit(&u.c);
		if (rc != TIX_OK)
			return fail(&u, tix_api_answer_end(&ans, rc));
	}
	tix_buf_free(&u.value);
	return tix_api_answer_end(&ans, TIX_OK);
}

enum tix_err
tix_upload_reply(struct tix_req *r)
{
	struct upload		 u;
	struct tix_ticket_ref	 t;
	struct tix_reply_in	 in;
	struct tix_json		*j = NULL;
	struct tix_buf		 text;
	enum tix_status		 st;
	int64_t			 ticket_id = 0, entry_id = 0;
	struct tix_answer	 ans;
	enum tix_err		 rc;

	upload_init(&u, r, reply_fields);
	tix_buf_init(&text, TIX_MAX_JSON_BODY);
	/* Not the caller's ticket: 404 before a byte is stored. */
	rc = tix_ticket_find(&u.c, r->args[0], &t);
	if (rc == TIX_OK)
		rc = tix_work_begin(&u.c);
	if (rc == TIX_OK)
		rc = receive(&u);
	if (rc == TIX_OK)
		rc = fields_json(&u, &j, &text);
	tix_buf_free(&text);
	if (rc == TIX_OK)
		rc = tix_api_reply_fields(r, j, &in, &st);
	if (rc == TIX_OK)
		rc = tix_ticket_add_reply(&u.c, r->args[0], &in, &ticket_id,
		    &entry_id);
	if (rc == TIX_EFORBIDDEN && r->err_message == NULL)
		rc = tix_req_fail(r, rc, "Only agents write internal notes.");
	tix_api_answer_replied(r, NULL, &ans, &ticket_id, &entry_id);
	if (rc == TIX_OK)
		rc = link_files(&u, ticket_id, entry_id);
	if (rc == TIX_OK)
		rc = tix_api_answer_make(&ans);
	if (rc == TIX_OK)
		rc = tix_work_commit(&u.c);
	if (rc != TIX_OK)
		return fail(&u, tix_api_answer_end(&ans, rc));
	tix_buf_free(&u.value);
	return tix_api_answer_end(&ans, TIX_OK);
}

enum tix_err
tix_upload_files(struct tix_req *r)
{
	struct upload		 u;
	struct tix_ticket_ref	 t;
	struct tix_attachment	*att;
	struct tix_out		 o;
	int64_t			 entry_id = 0;
	size_t			 natt;
	enum tix_err		 rc;

	upload_init(&u, r, no_fields);
	rc = tix_ticket_find(&u.c, r->args[0], &t);
	if (rc == TIX_OK && !tix_req_is_multipart(r))
		rc = tix_req_fail(r, TIX_EMEDIA,
		    "Send the files as multipart/form-data.");
	if (rc == TIX_OK && t.status == TIX_STATUS_CLOSED)
		rc = tix_req_fail(r, TIX_ECLOSED, "The ticket is closed; "
		    "reopen it to add files.");
	if (rc == TIX_OK)
		rc = tix_work_begin(&u.c);
	if (rc == TIX_OK)
		rc = receive(&u);
	if (rc == TIX_OK && u.nfiles == 0)
		rc = tix_req_field(r, "attachments", "send at least one file");
	if (rc == TIX_OK)
		rc = tix_ticket_files_added(&u.c, t.id, &entry_id);
	if (rc == TIX_OK)
		rc = link_files(&u, t.id, entry_id);
	/* The answer is read before COMMIT: failing to read it rolls the
	 * files back, so that a 201 always means stored and an error
	 * never follows a commit. */
	if (rc == TIX_OK)
		rc = tix_ticket_attachments(&u.c, t.id, &att, &natt);
	if (rc != TIX_OK)
		return fail(&u, rc);
	tix_out_begin(&o);
	tix_jw_key(&o.w, "attachments");
	tix_attachments_render(&o.w, att, natt, entry_id, r->args[0]);
	rc = tix_work_commit(&u.c);
	if (rc != TIX_OK) {
		tix_out_discard(&o);
		return fail(&u, rc);
	}
	tix_buf_free(&u.value);
	return tix_out_send(r, &o, 201);
}
