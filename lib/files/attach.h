/*
 * attach.h: files as attachments of tickets (files/attach.c), over the
 * encrypted store (files/store.h).
 *
 * An upload stores each file as it arrives (tix_attach_begin, then the
 * store's write and end), unlinked, and links them to the ticket and
 * entry they came with (tix_attach_link), all in the caller's
 * transaction.  A download finds the file (tix_attach_find) and reads
 * it (tix_attach_open, then tix_file_next).
 *
 * Access is decided in tix_attach_find's one query: the file must
 * belong to the ticket (which the caller found visible to c->who), and
 * a customer never gets a file of an internal note.  Anything else is
 * TIX_ENOTFOUND, exactly like a file that does not exist.
 */
#ifndef TIX_FILES_ATTACH_H
#define TIX_FILES_ATTACH_H

#include <stddef.h>
#include <stdint.h>

#include "files/store.h"
#include "tickets/ticket.h"

/* Start a file uploaded by c->who (as tix_file_begin). */
enum tix_err	tix_attach_begin(struct tix_file_w *w,
		    const struct tix_ctx *c, const char *name,
		    enum tix_ftype type, uint64_t max);

/* Link the n unlinked files ids (n may be 0) to ticket_id and its entry
 * entry_id, within the quotas of tix_file_quota (TIX_ETOOMANYFILES,
 * TIX_EFILETOOBIG past them). */
enum tix_err	tix_attach_link(const struct tix_ctx *c, const int64_t *ids,
		    size_t n, int64_t ticket_id, int64_t entry_id);

/* A stored file: what a download says of it, and where its chunks are. */
struct tix_attach_file {
	int64_t		 id;
	const char	*filename;
	const char	*content_type;
	int64_t		 size;
	const char	*sha256;	/* hex */
	int64_t		 key_id;
	const char	*header;	/* hex */
	int32_t		 nchunks;
};

enum tix_err	tix_attach_find(const struct tix_ctx *c, int64_t ticket_id,
		    int64_t id, struct tix_attach_file *out);
/* Prepare to read f's chunks into rd (as tix_file_open). */
enum tix_err	tix_attach_open(struct tix_file_r *rd,
		    const struct tix_ctx *c, const struct tix_attach_file *f);

#endif
