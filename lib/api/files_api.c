/*
 * files_api.c: the routes of tix-files: uploading files to a ticket and
 * downloading one.
 *
 * A download is streamed: the file's chunks are read, authenticated and
 * written one at a time, so a worker holds one chunk however large the
 * file.  Every chunk is authenticated before any of it is sent.  The
 * first one is checked before the headers, so that a file that fails at
 * once is a plain 500; a later one that fails ends the response early:
 * Content-Length was already promised, so nginx closes the client's
 * connection short of it, and the client sees an incomplete download,
 * never a complete-looking wrong one.  Either way the cause is logged.
 *
 * Access: the ticket must be visible to the caller (a customer's own),
 * the file must belong to it, and a customer never gets a file attached
 * to an internal note: all three in one query; anything else is 404,
 * exactly like a file that does not exist.  Ids are the table's bigint:
 * every access is checked against the ticket and the viewer, and there
 * is no upload-then-attach flow whose ids could be borrowed.
 */
#include <string.h>

#include "api/serve.h"
#include "api/upload.h"
#include "core/log.h"
#include "core/str.h"
#include "files/name.h"
#include "files/store.h"
#include "tickets/ticket.h"

/* Columns of TIX_STMT_ATTACH_GET. */
enum { G_ID, G_NAME, G_TYPE, G_SIZE, G_SHA, G_KEY, G_HEADER, G_NCHUNKS };

/* Whether an If-None-Match value names etag ("*", or a list of tags,
 * compared weakly as RFC 9110 13.1.2 says). */
static bool
etag_matches(const char *inm, const char *etag)
{
	const char	*s = inm, *end;
	size_t		 n, elen = strlen(etag);

	if (inm == NULL)
		return false;
	for (;;) {
		while (*s == ' ' || *s == '\t' || *s == ',')
			s++;
		if (*s == '\0')
			return false;
		if (*s == '*')
			return true;
		if (strncmp(s, "W/", 2) == 0)
			s += 2;
		end = strchr(s, ',');
		n = end == NULL ? strlen(s) : (size_t)(end - s);
		while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
			n--;
		if (n == elen && memcmp(s, etag, n) == 0)
			return true;
		if (end == NULL)
			return false;
		s = end;
	}
}

static enum tix_err
download_headers(struct tix_req *r, const struct tix_rows *rs,
    const char *etag)
{
	const char	*cd;
	enum tix_err	 rc;

	cd = tix_file_disposition(r->arena, tix_rows_get(rs, 0, G_NAME));
	if (cd == NULL)
		return TIX_ENOMEM;
	rc = tix_resp_header(r, "Content-Disposition", cd);
	if (rc == TIX_OK)
		rc = tix_resp_header(r, "X-Content-Type-Options", "nosniff");
	if (rc == TIX_OK)
		rc = tix_resp_header(r, "Content-Security-Policy", "sandbox");
	if (rc == TIX_OK)
		rc = tix_resp_header(r, "ETag", etag);
	return rc;
}

static enum tix_err
h_download(struct tix_req *r)
{
	struct tix_ctx		 c = { .db = r->db, .arena = r->arena,
	    .who = &r->who };
	struct tix_ticket_ref	 t;
	struct tix_rows		 rs;
	struct tix_file_r	*rd;
	const unsigned char	*chunk;
	const char		*p[3], *etag;
	int64_t			 id;
	size_t			 n;
	bool			 done;
	enum tix_err		 rc;

	rc = tix_ticket_find(&c, r->args[0], &t);
	if (rc != TIX_OK)
		return rc;
	if (!tix_parse_int64(r->args[1], strlen(r->args[1]), false, &id))
		return TIX_ENOTFOUND;
	p[0] = r->args[1];
	p[1] = tix_db_i64(r->arena, t.id);
	p[2] = tix_is_staff(&r->who) ? "t" : "f";
	rc = tix_db_run(r->db, r->arena, TIX_STMT_ATTACH_GET, p, 3, &rs);
	if (rc != TIX_OK)
		return rc;
	if (rs.nrows != 1)
		return TIX_ENOTFOUND;
	etag = tix_arena_printf(r->arena, "\"%s\"",
	    tix_rows_get(&rs, 0, G_SHA));
	if (etag == NULL)
		return TIX_ENOMEM;
	if (etag_matches(tix_req_param(r, "HTTP_IF_NONE_MATCH"), etag)) {
		rc = tix_resp_header(r, "ETag", etag);
		return rc != TIX_OK ? rc : tix_resp_begin(r, 304, NULL, -1);
	}

	rd = tix_arena_alloc(r->arena, sizeof(*rd));
	if (rd == NULL)
		return TIX_ENOMEM;
	rc = tix_file_open(rd, r->db, id, tix_rows_int(&rs, 0, G_KEY),
	    tix_rows_get(&rs, 0, G_HEADER),
	    (int32_t)tix_rows_int(&rs, 0, G_NCHUNKS),
	    (uint64_t)tix_rows_int(&rs, 0, G_SIZE));
	if (rc == TIX_OK)
		rc = tix_file_next(rd, &chunk, &n, &done);
	if (rc == TIX_EINTERNAL)
		tix_log_error("attachment %lld: chunk 0 failed authentication "
		    "or is missing; not served", (long long)id);
	if (rc == TIX_OK)
		rc = download_headers(r, &rs, etag);
	if (rc == TIX_OK)
		rc = tix_resp_begin(r, 200, tix_rows_get(&rs, 0, G_TYPE),
		    tix_rows_int(&rs, 0, G_SIZE));
	if (rc != TIX_OK || r->method == TIX_HEAD)
		return rc;
	while (!done) {
		rc = tix_resp_write(r, chunk, n);
		if (rc == TIX_OK)
			rc = tix_file_next(rd, &chunk, &n, &done);
		if (rc == TIX_EINTERNAL)
			tix_log_error("attachment %lld: chunk %d failed "
			    "authentication or is missing; download cut short",
			    (long long)id, (int)rd->seq);
		if (rc != TIX_OK)
			return rc;	/* the response ends short */
	}
	return TIX_OK;
}

const struct tix_route tix_file_routes[] = {
	{ TIX_POST, "/api/tickets/{}/attachments", tix_upload_files, false },
	{ TIX_GET, "/api/tickets/{}/attachments/{}", h_download, false },
};
const size_t tix_file_nroutes =
    sizeof(tix_file_routes) / sizeof(tix_file_routes[0]);
