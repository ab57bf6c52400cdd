/*
 * req.h: one HTTP request as a worker sees it, and its response.
 *
 * struct tix_req is filled by the runner from FastCGI (http/fcgi.c, the
 * only code that touches libfcgi's request) and handed to the handlers in
 * lib/api/.  Everything in it lives in the request's arena.
 *
 * A handler either writes a response with tix_resp_json() /
 * tix_resp_empty() and returns TIX_OK, or returns an error code, after
 * tix_req_fail() / tix_req_field() if it has something to say; the runner
 * then writes the contract's error body (http/resp.c).
 */
#ifndef TIX_HTTP_REQ_H
#define TIX_HTTP_REQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/principal.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "http/query.h"

struct FCGX_Request;
struct tix_db;
struct tix_json;
struct tix_config;

enum tix_method {
	TIX_GET = 1 << 0,
	TIX_POST = 1 << 1,
	TIX_PUT = 1 << 2,
	TIX_PATCH = 1 << 3,
	TIX_DELETE = 1 << 4,
	TIX_HEAD = 1 << 5,
	TIX_OTHER = 1 << 6
};

#define TIX_MAX_ROUTE_ARGS	4
#define TIX_MAX_FIELD_ERRORS	16
#define TIX_MAX_RESP_HEADERS	8

struct tix_field_error {
	const char	*name;
	const char	*message;
};

struct tix_req {
	struct FCGX_Request	*fcgi;		/* borrowed; http/fcgi.c only */
	struct tix_arena	*arena;		/* borrowed */
	struct tix_db		*db;		/* borrowed; the process's */
	const struct tix_config	*cfg;		/* borrowed; the process's */

	enum tix_method		 method;
	const char		*path;		/* DOCUMENT_URI */
	/* REQUEST_URI: as the client sent it, before nginx decoded it (NULL
	 * when absent). */
	const char		*request_uri;
	const char		*query_string;	/* may be "" */
	const char		*args[TIX_MAX_ROUTE_ARGS]; /* {} segments */
	size_t			 nargs;

	const char		*body;		/* as read by tix_req_body */
	size_t			 body_len;
	struct tix_json		*json;		/* owned; freed by the runner */
	struct tix_principal	 who;		/* valid when authed */
	bool			 authed;

	/* The error the runner reports when the handler fails. */
	const char		*err_message;
	struct tix_field_error	 fields[TIX_MAX_FIELD_ERRORS];
	size_t			 nfields;
	const char		*allow;		/* for 405 */

	/* Extra response headers, "Name: value" each, in the arena. */
	const char		*headers[TIX_MAX_RESP_HEADERS];
	size_t			 nheaders;
	size_t			 body_read;	/* bytes read by tix_req_read */
	bool			 responded;
	int			 status;	/* what was sent, for the log */
};

/*
 * Start r for the request fr that FCGX_Accept_r read: zeroes r, then
 * sets fcgi, arena, method, path, request_uri and query_string ("" when
 * absent) from the request's parameters.
 */
void		 tix_req_start(struct tix_req *r, struct FCGX_Request *fr,
		    struct tix_arena *arena);

/* A FastCGI parameter such as "HTTP_COOKIE", or NULL. */
const char	*tix_req_param(const struct tix_req *r, const char *name);

/*
 * Read the whole body, at most max bytes, into the arena (NUL-terminated,
 * not counted in *len).  CONTENT_LENGTH is checked against max before
 * anything is read: TIX_ETOOBIG past it.  A body shorter than declared
 * (the client went away) or a missing or malformed CONTENT_LENGTH on a
 * method that needs one is TIX_EBADREQ.
 */
enum tix_err	 tix_req_body(struct tix_req *r, size_t max, const char **body,
		    size_t *len);

/*
 * Streaming the body, for multipart uploads: the Content-Length nginx
 * declared (TIX_EBADREQ when missing or malformed; 0 for none), then
 * reads of at most n bytes into buf.  *got is 0 at the end of the body;
 * a body that ends before the declared length (the client went away) is
 * TIX_EBADREQ.  tix_req_drain reads and drops what is left, so that
 * nginx has sent the whole request before an early answer.
 */
enum tix_err	 tix_req_length(struct tix_req *r, size_t *len);
enum tix_err	 tix_req_read(struct tix_req *r, void *buf, size_t n,
		    size_t *got);
void		 tix_req_drain(struct tix_req *r);

/*
 * The JSON body of a write request: Content-Type must be application/json
 * (TIX_EMEDIA), the body at most TIX_MAX_JSON_BODY (TIX_ETOOBIG) and one
 * strict JSON object (TIX_EBADREQ).  *out is freed by the runner after the
 * response, so handlers do not free it.
 */
enum tix_err	 tix_req_json(struct tix_req *r, struct tix_json **out);

/* The query string, parsed (TIX_EBADREQ when malformed). */
enum tix_err	 tix_req_query(struct tix_req *r, struct tix_query *out);

/* Remember why the request failed; both return rc for "return ...". */
enum tix_err	 tix_req_fail(struct tix_req *r, enum tix_err rc,
		    const char *message);
enum tix_err	 tix_req_field(struct tix_req *r, const char *name,
		    const char *message);

/* Add a response header line "Name: value"; value must contain no CR/LF. */
enum tix_err	 tix_resp_header(struct tix_req *r, const char *name,
		    const char *value);
/* Send status and a JSON body (b's contents). */
enum tix_err	 tix_resp_json(struct tix_req *r, int status,
		    const struct tix_buf *b);
/*
 * A streamed response (downloads): status, the headers added with
 * tix_resp_header, Content-Type (none when NULL), Content-Length (none
 * when negative) and "Cache-Control: private, no-store" (the caller
 * sends an ETag), then the body in pieces with tix_resp_write.  A body
 * cut short (the caller stops writing) makes nginx close the client's
 * connection before the declared length: the client sees an incomplete
 * download, never a complete-looking wrong one.
 */
enum tix_err	 tix_resp_begin(struct tix_req *r, int status,
		    const char *content_type, int64_t content_length);
/* The same head with Cache-Control: no-store (a secret in the body). */
enum tix_err	 tix_resp_begin_nostore(struct tix_req *r, int status,
		    const char *content_type, int64_t content_length);
enum tix_err	 tix_resp_write(struct tix_req *r, const void *p, size_t n);
/* Send a status with no body (204). */
enum tix_err	 tix_resp_empty(struct tix_req *r, int status);
/* Send the contract's error body for rc, with r's message and fields. */
void		 tix_resp_error(struct tix_req *r, enum tix_err rc);

/* The HTTP status for rc. */
int		 tix_err_status(enum tix_err rc);

/* Whether the method changes state (needs CSRF with a cookie). */
bool		 tix_method_is_write(enum tix_method m);

#endif
