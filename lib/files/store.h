/*
 * store.h: files in the database, encrypted, one chunk at a time.
 *
 * Writing: tix_file_begin inserts the file's row, tix_file_write takes
 * the content in pieces of any size, checks it (size limit, type) and
 * seals and inserts a chunk each time TIX_FILE_CHUNK bytes are complete
 * and more follow; tix_file_end seals the last chunk (possibly empty)
 * with the FINAL tag and completes the row.  All of it runs in the
 * caller's transaction: on any error the caller rolls back and nothing
 * is left.  Memory: the struct (two chunk buffers), whatever the size.
 *
 * Reading: tix_file_open, then tix_file_next for each chunk's plaintext
 * in order.  Every chunk is authenticated before a byte of it is handed
 * out; a chunk that fails, a missing or extra one, a stream without its
 * FINAL tag where the row says it ends, or a size other than the row's
 * is TIX_EINTERNAL (the caller logs it; nothing of that chunk is served).
 */
#ifndef TIX_FILES_STORE_H
#define TIX_FILES_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/limits.h"
#include "crypto/stream.h"
#include "db/db.h"
#include "files/sniff.h"

struct tix_file_w {
	struct tix_db		*db;
	int64_t			 id;		/* attachments.id */
	enum tix_ftype		 type;
	struct tix_seal		 seal;
	struct tix_sha256	 sha;
	struct tix_sniff	 sniff;
	uint64_t		 size, max;
	int32_t			 seq;	/* chunks inserted */
	char			 sha_hex[65];	/* by tix_file_end */
	size_t			 plain_len;
	unsigned char		 plain[TIX_FILE_CHUNK];
	unsigned char		 cipher[TIX_FILE_CHUNK + TIX_SEAL_ABYTES];
};

/*
 * Start a file named name (cleaned, see files/name.h) of type (from the
 * name; TIX_FT_NONE is TIX_EFILETYPE) uploaded by user uploader (0:
 * none yet, for the files of a mail kept for review), at most max
 * bytes.  The row is unlinked until the caller links it.
 */
enum tix_err	tix_file_begin(struct tix_file_w *w, struct tix_db *db,
		    int64_t uploader, const char *name, enum tix_ftype type,
		    uint64_t max);
/* TIX_EFILETOOBIG past max, TIX_EFILETYPE when the content is not the
 * type, database errors. */
enum tix_err	tix_file_write(struct tix_file_w *w, const void *p,
		    size_t n);
enum tix_err	tix_file_end(struct tix_file_w *w);

/*
 * A whole file in memory (files by mail): the content is checked first,
 * TIX_EFILETOOBIG past max and TIX_EFILETYPE when it is not the type,
 * before anything is written, so that a refusal leaves nothing in the
 * transaction; then begin, write and end as above.  *id the file's.
 */
enum tix_err	tix_file_put(struct tix_file_w *w, struct tix_db *db,
		    int64_t uploader, const char *name, enum tix_ftype type,
		    uint64_t max, const void *p, size_t n, int64_t *id);

/* Link files ids[0..n) to the ticket and its timeline entry, or to the
 * kept mail review_id (the deferred check refuses a commit that leaves
 * one unlinked). */
enum tix_err	tix_file_link(struct tix_db *db, struct tix_arena *a,
		    const int64_t *ids, size_t n, int64_t ticket_id,
		    int64_t entry_id);
enum tix_err	tix_file_link_review(struct tix_db *db, struct tix_arena *a,
		    const int64_t *ids, size_t n, int64_t review_id);

struct tix_file_r {
	struct tix_db		*db;
	int64_t			 id;
	int32_t			 seq, nchunks;
	uint64_t		 size, seen;
	struct tix_seal		 seal;
	unsigned char		 cipher[TIX_FILE_CHUNK + TIX_SEAL_ABYTES];
	unsigned char		 plain[TIX_FILE_CHUNK];
};

/*
 * Whether nfiles more files, nbytes more bytes, may go onto ticket_id
 * from user_id (TIX_MAX_FILES_PER_TICKET, TIX_MAX_UPLOAD_BYTES_PER_DAY).
 * The files linked to the ticket count, and the user's stored files of
 * the last day, those of this transaction included (linked or not): an
 * upload that stored its files first passes nbytes 0; files by mail,
 * checked before each is stored, pass its size and count the ones of
 * the mail already stored, not yet linked, in nfiles.
 * TIX_ETOOMANYFILES or TIX_EFILETOOBIG when not; the database's error
 * otherwise.
 */
enum tix_err	tix_file_quota(struct tix_db *db, struct tix_arena *a,
		    int64_t ticket_id, int64_t user_id, size_t nfiles,
		    uint64_t nbytes);

/* Prepare to read file id (key_id, header_hex, nchunks and size from its
 * row). */
enum tix_err	tix_file_open(struct tix_file_r *rd, struct tix_db *db,
		    int64_t id, int64_t key_id, const char *header_hex,
		    int32_t nchunks, uint64_t size);
/* The next chunk's plaintext in *p (n bytes, valid until the next call);
 * *done after the last one. */
enum tix_err	tix_file_next(struct tix_file_r *rd,
		    const unsigned char **p, size_t *n, bool *done);

#endif
