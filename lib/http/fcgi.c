/*
 * fcgi.c: the only code that reads or writes a libfcgi request.
 *
 * The re-entrant API only (FCGX_*): fcgi_stdio.h would replace the
 * process environment with request parameters (security.md).
 */
#include <fcgiapp.h>

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/limits.h"
#include "core/log.h"
#include "core/str.h"
#include "http/req.h"
#include "http/route.h"
#include "json/json.h"

void
tix_req_start(struct tix_req *r, struct FCGX_Request *fr,
    struct tix_arena *arena)
{
	memset(r, 0, sizeof(*r));
	r->fcgi = fr;
	r->arena = arena;
	r->method = tix_method_parse(tix_req_param(r, "REQUEST_METHOD"));
	r->path = tix_req_param(r, "DOCUMENT_URI");
	r->request_uri = tix_req_param(r, "REQUEST_URI");
	r->query_string = tix_req_param(r, "QUERY_STRING");
	if (r->query_string == NULL)
		r->query_string = "";
}

const char *
tix_req_param(const struct tix_req *r, const char *name)
{
	return FCGX_GetParam(name, r->fcgi->envp);
}

bool
tix_method_is_write(enum tix_method m)
{
	return m == TIX_POST || m == TIX_PUT || m == TIX_PATCH ||
	    m == TIX_DELETE;
}

enum tix_err
tix_req_body(struct tix_req *r, size_t max, const char **body, size_t *len)
{
	const char	*cl = tix_req_param(r, "CONTENT_LENGTH");
	int64_t		 declared;
	char		*buf;
	size_t		 got;
	int		 n;

	*body = "";
	*len = 0;
	if (cl == NULL || *cl == '\0')
		return TIX_OK;	/* nginx sends none for an empty body */
	if (!tix_parse_int64(cl, strlen(cl), false, &declared))
		return tix_req_fail(r, TIX_EBADREQ, "Bad Content-Length.");
	if ((uint64_t)declared > max)
		return TIX_ETOOBIG;
	buf = tix_arena_alloc(r->arena, (size_t)declared + 1);
	if (buf == NULL)
		return TIX_ENOMEM;
	for (got = 0; got < (size_t)declared; got += (size_t)n) {
		n = FCGX_GetStr(buf + got, (int)((size_t)declared - got),
		    r->fcgi->in);
		if (n <= 0)
			return tix_req_fail(r, TIX_EBADREQ,
			    "The request body ended early.");
	}
	buf[got] = '\0';
	*body = r->body = buf;
	*len = r->body_len = got;
	return TIX_OK;
}

enum tix_err
tix_req_length(struct tix_req *r, size_t *len)
{
	const char	*cl = tix_req_param(r, "CONTENT_LENGTH");
	int64_t		 declared;

	*len = 0;
	if (cl == NULL || *cl == '\0')
		return TIX_OK;
	if (!tix_parse_int64(cl, strlen(cl), false, &declared) ||
	    (uint64_t)declared > SIZE_MAX / 2)
		return tix_req_fail(r, TIX_EBADREQ, "Bad Content-Length.");
	*len = (size_t)declared;
	return TIX_OK;
}

enum tix_err
tix_req_read(struct tix_req *r, void *buf, size_t n, size_t *got)
{
	size_t	 declared, want;
	int	 k;

	*got = 0;
	if (tix_req_length(r, &declared) != TIX_OK)
		return TIX_EBADREQ;
	if (r->body_read >= declared)
		return TIX_OK;
	want = declared - r->body_read;
	if (want > n)
		want = n;
	if (want > INT_MAX)
		want = INT_MAX;
	k = FCGX_GetStr(buf, (int)want, r->fcgi->in);
	if (k <= 0)
		return tix_req_fail(r, TIX_EBADREQ,
		    "The request body ended early.");
	r->body_read += (size_t)k;
	*got = (size_t)k;
	return TIX_OK;
}

void
tix_req_drain(struct tix_req *r)
{
	char	buf[16 * 1024];
	size_t	got;

	do {
		if (tix_req_read(r, buf, sizeof(buf), &got) != TIX_OK)
			return;
	} while (got > 0);
}

/* "application/json" with optional parameters, case-insensitive. */
static bool
is_json_type(const char *ct)
{
	static const char	 want[] = "application/json";
	size_t			 n = sizeof(want) - 1;

	if (ct == NULL || !tix_str_ieq(ct, strnlen(ct, n), want))
		return false;
	return ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ';
}

enum tix_err
tix_req_json(struct tix_req *r, struct tix_json **out)
{
	const char	*body;
	size_t		 len;
	enum tix_err	 rc;

	*out = NULL;
	if (!is_json_type(tix_req_param(r, "CONTENT_TYPE")))
		return tix_req_fail(r, TIX_EMEDIA,
		    "Send the body as application/json.");
	rc = tix_req_body(r, TIX_MAX_JSON_BODY, &body, &len);
	if (rc != TIX_OK)
		return rc;
	rc = tix_json_parse_object(body, len, &r->json);
	if (rc == TIX_EBADREQ)
		return tix_req_fail(r, rc,
		    "The body is not a well-formed JSON object.");
	if (rc != TIX_OK)
		return rc;
	*out = r->json;
	return TIX_OK;
}

enum tix_err
tix_req_query(struct tix_req *r, struct tix_query *out)
{
	enum tix_err rc;

	rc = tix_query_parse(r->arena, r->query_string,
	    strlen(r->query_string), out);
	if (rc == TIX_EBADREQ)
		return tix_req_fail(r, rc, "Malformed query string.");
	return rc;
}

enum tix_err
tix_req_fail(struct tix_req *r, enum tix_err rc, const char *message)
{
	r->err_message = message;
	return rc;
}

enum tix_err
tix_req_field(struct tix_req *r, const char *name, const char *message)
{
	if (r->nfields < TIX_MAX_FIELD_ERRORS) {
		r->fields[r->nfields].name = name;
		r->fields[r->nfields].message = message;
		r->nfields++;
	}
	if (r->err_message == NULL)
		r->err_message = "Some fields are not valid.";
	return TIX_EINVAL;
}

enum tix_err
tix_resp_header(struct tix_req *r, const char *name, const char *value)
{
	const char *line;

	if (strpbrk(value, "\r\n") != NULL || strpbrk(name, "\r\n:") != NULL)
		return TIX_EINTERNAL;	/* never split a header */
	if (r->nheaders == TIX_MAX_RESP_HEADERS)
		return TIX_EINTERNAL;
	line = tix_arena_printf(r->arena, "%s: %s", name, value);
	if (line == NULL)
		return TIX_ENOMEM;
	r->headers[r->nheaders++] = line;
	return TIX_OK;
}

static const char *
reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 202: return "Accepted";
	case 204: return "No Content";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 413: return "Content Too Large";
	case 415: return "Unsupported Media Type";
	case 422: return "Unprocessable Content";
	case 429: return "Too Many Requests";
	case 503: return "Service Unavailable";
	default: return "Internal Server Error";
	}
}

/*
 * The status line and headers: content_type and content_length (-1 for
 * none), cache, then the handler's own headers.
 */
static enum tix_err
send_head(struct tix_req *r, int status, const char *content_type,
    int64_t content_length, const char *cache)
{
	FCGX_Stream	*out = r->fcgi->out;
	size_t		 i;
	int		 rc;

	rc = FCGX_FPrintF(out, "Status: %d %s\r\n", status, reason(status));
	if (rc >= 0 && content_type != NULL)
		rc = FCGX_FPrintF(out, "Content-Type: %s\r\n", content_type);
	if (rc >= 0 && content_length >= 0)
		rc = FCGX_FPrintF(out, "Content-Length: %lld\r\n",
		    (long long)content_length);
	if (rc >= 0)
		rc = FCGX_FPrintF(out, "Cache-Control: %s\r\n", cache);
	for (i = 0; rc >= 0 && i < r->nheaders; i++)
		rc = FCGX_FPrintF(out, "%s\r\n", r->headers[i]);
	if (rc >= 0)
		rc = FCGX_PutS("\r\n", out);
	r->responded = true;
	r->status = status;
	return rc < 0 ? TIX_EUNAVAIL : TIX_OK;
}

/* API answers depend on who asks: no shared cache may keep them. */
#define API_CACHE	"no-store"
#define JSON_TYPE	"application/json; charset=utf-8"

enum tix_err
tix_resp_json(struct tix_req *r, int status, const struct tix_buf *b)
{
	enum tix_err rc;

	rc = send_head(r, status, JSON_TYPE, -1, API_CACHE);
	if (rc != TIX_OK)
		return rc;
	if (b->len > 0 && r->method != TIX_HEAD &&
	    FCGX_PutStr(b->data, (int)b->len, r->fcgi->out) < 0)
		return TIX_EUNAVAIL;	/* nginx went away; nothing to do */
	return TIX_OK;
}

enum tix_err
tix_resp_empty(struct tix_req *r, int status)
{
	return send_head(r, status, NULL, -1, API_CACHE);
}

enum tix_err
tix_resp_begin(struct tix_req *r, int status, const char *content_type,
    int64_t content_length)
{
	/* Per user and often private: stored by no cache, as the JSON. */
	return send_head(r, status, content_type, content_length,
	    "private, no-store");
}

enum tix_err
tix_resp_begin_nostore(struct tix_req *r, int status,
    const char *content_type, int64_t content_length)
{
	return send_head(r, status, content_type, content_length, API_CACHE);
}

enum tix_err
tix_resp_write(struct tix_req *r, const void *p, size_t n)
{
	if (n == 0 || r->method == TIX_HEAD)
		return TIX_OK;
	if (n > INT_MAX)
		return TIX_EINTERNAL;
	if (FCGX_PutStr(p, (int)n, r->fcgi->out) < 0)
		return TIX_EUNAVAIL;	/* nginx went away */
	return TIX_OK;
}
