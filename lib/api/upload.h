/*
 * upload.h: files on tickets: multipart creates and replies, the
 * attachment routes (api/upload.c; downloads in api/files_api.c).
 */
#ifndef TIX_API_UPLOAD_H
#define TIX_API_UPLOAD_H

#include <stdbool.h>
#include <stdint.h>

#include "http/req.h"
#include "json/json.h"
#include "tickets/read.h"

/* Whether the body is multipart/form-data. */
bool		tix_req_is_multipart(const struct tix_req *r);

/*
 * POST /api/tickets and POST .../messages sent as multipart, and
 * POST .../attachments (files only, with an attachment_added entry).
 * Each is one transaction: on any error nothing is stored.
 */
enum tix_err	tix_upload_create_ticket(struct tix_req *r);
enum tix_err	tix_upload_reply(struct tix_req *r);
enum tix_err	tix_upload_files(struct tix_req *r);

/* DELETE /api/tickets/{number}: admins only (api/delete_api.c). */
enum tix_err	tix_api_delete_ticket(struct tix_req *r);

#endif
