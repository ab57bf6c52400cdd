/*
 * resp.c: enum tix_err to HTTP, in one table, and the contract's error
 * body {"error":{"code","message"[,"fields"]}}.
 *
 * An internal error says nothing about its cause to the client: the
 * cause is in the log (security.md #76).
 */
#include <stdio.h>

#include "core/limits.h"
#include "http/req.h"
#include "json/json.h"

static const struct {
	int		 status;
	const char	*code;
	const char	*message;	/* when the handler gave none */
} errors[] = {
	[TIX_OK] = { 500, "internal", "Internal error." },
	[TIX_ENOMEM] = { 503, "unavailable",
	    "The server is busy; try again." },
	[TIX_EBADREQ] = { 400, "bad_request", "Malformed request." },
	[TIX_EINVAL] = { 422, "validation_failed",
	    "Some fields are not valid." },
	[TIX_ETOOBIG] = { 413, "body_too_large",
	    "The request body is too large." },
	[TIX_EAUTH] = { 401, "unauthenticated", "Log in first." },
	[TIX_ECREDS] = { 401, "invalid_credentials",
	    "Wrong email or password." },
	[TIX_EFORBIDDEN] = { 403, "forbidden",
	    "You may not do this." },
	[TIX_ECSRF] = { 403, "csrf_failed",
	    "Missing or wrong X-CSRF-Token header." },
	[TIX_ENOTFOUND] = { 404, "not_found", "Not found." },
	[TIX_EMETHOD] = { 405, "method_not_allowed",
	    "This method is not allowed here." },
	[TIX_ETRANSITION] = { 409, "invalid_transition",
	    "The ticket cannot change to that status." },
	[TIX_ECLOSED] = { 409, "ticket_closed",
	    "The ticket is closed; reopen it instead." },
	[TIX_EREOPEN] = { 409, "reopen_window_expired",
	    "The ticket was closed too long ago to reopen." },
	[TIX_ECONFLICT] = { 409, "conflict", "Conflict." },
	[TIX_EMEDIA] = { 415, "unsupported_media_type",
	    "Unsupported content type." },
	[TIX_ERATE] = { 429, "rate_limited",
	    "Too many attempts; wait and try again." },
	[TIX_EUNAVAIL] = { 503, "unavailable",
	    "The service is unavailable; try again shortly." },
	[TIX_EINTERNAL] = { 500, "internal", "Internal error." },
	[TIX_EFILETOOBIG] = { 413, "file_too_large",
	    "A file is larger than allowed." },
	[TIX_EFILETYPE] = { 415, "file_type_not_allowed",
	    "This type of file is not allowed." },
	[TIX_ETOOMANYFILES] = { 422, "too_many_files",
	    "Too many files in one submission." },
};

int
tix_err_status(enum tix_err rc)
{
	if ((size_t)rc >= sizeof(errors) / sizeof(errors[0]))
		return 500;
	return errors[rc].status;
}

void
tix_resp_error(struct tix_req *r, enum tix_err rc)
{
	struct tix_buf	 b;
	struct tix_jw	 w;
	size_t		 i;

	if ((size_t)rc >= sizeof(errors) / sizeof(errors[0]))
		rc = TIX_EINTERNAL;
	/* Internal errors keep their detail in the log, never here. */
	if (rc == TIX_EINTERNAL || rc == TIX_OK || r->err_message == NULL)
		r->err_message = errors[rc].message;
	if (rc == TIX_EUNAVAIL || rc == TIX_ENOMEM)
		(void)tix_resp_header(r, "Retry-After", "1");
	if (rc == TIX_EMETHOD && r->allow != NULL)
		(void)tix_resp_header(r, "Allow", r->allow);

	tix_buf_init(&b, 64 * 1024);
	tix_jw_init(&w, &b);
	tix_jw_obj_open(&w);
	tix_jw_key(&w, "error");
	tix_jw_obj_open(&w);
	tix_jw_kstr(&w, "code", errors[rc].code);
	tix_jw_kstr(&w, "message", r->err_message);
	/* EUNAVAIL: the parts of GET /api/ready that are not ready. */
	if ((rc == TIX_EINVAL || rc == TIX_EUNAVAIL) && r->nfields > 0) {
		tix_jw_key(&w, "fields");
		tix_jw_obj_open(&w);
		for (i = 0; i < r->nfields; i++)
			tix_jw_kstr(&w, r->fields[i].name,
			    r->fields[i].message);
		tix_jw_obj_close(&w);
	}
	tix_jw_obj_close(&w);
	tix_jw_obj_close(&w);
	if (tix_jw_finish(&w) == TIX_OK)
		(void)tix_resp_json(r, errors[rc].status, &b);
	else
		(void)tix_resp_empty(r, 500);
	tix_buf_free(&b);
}
