/*
 * upload.c: files on tickets.  Not yet: multipart bodies are refused
 * with 415 and tickets have no attachments.
 */
#include <string.h>

#include "api/upload.h"
#include "core/str.h"

bool
tix_req_is_multipart(const struct tix_req *r)
{
	static const char	 want[] = "multipart/form-data";
	const char		*ct = tix_req_param(r, "CONTENT_TYPE");

	return ct != NULL && tix_str_ieq(ct, strnlen(ct, sizeof(want) - 1),
	    want);
}

enum tix_err
tix_upload_create_ticket(struct tix_req *r)
{
	return tix_req_fail(r, TIX_EMEDIA, "Files are not accepted yet.");
}

enum tix_err
tix_upload_reply(struct tix_req *r)
{
	return tix_req_fail(r, TIX_EMEDIA, "Files are not accepted yet.");
}

enum tix_err
tix_attachments_load(struct tix_req *r, int64_t ticket_id,
    struct tix_rows *out)
{
	(void)r;
	(void)ticket_id;
	memset(out, 0, sizeof(*out));
	return TIX_OK;
}

void
tix_attachments_render(struct tix_jw *w, const struct tix_rows *rs,
    int64_t entry_id, const char *number)
{
	(void)rs;
	(void)entry_id;
	(void)number;
	tix_jw_arr_open(w);
	tix_jw_arr_close(w);
}
