/*
 * store.c: encrypted chunks in attachment_chunks (store.h).
 *
 * Numbers for statement parameters are formatted into stack buffers, not
 * the arena, so that a file of any size costs the arena nothing per
 * chunk.
 */
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "files/store.h"

enum tix_err
tix_file_begin(struct tix_file_w *w, struct tix_db *db, int64_t uploader,
    const char *name, enum tix_ftype type, uint64_t max)
{
	unsigned char	 header[TIX_SEAL_HEADER_LEN];
	char		 hex[2 * TIX_SEAL_HEADER_LEN + 1], up[24], key[24];
	const char	*p[4];
	struct tix_arena a;
	struct tix_rows	 rs;
	int64_t		 key_id;
	enum tix_err	 rc;

	memset(w, 0, offsetof(struct tix_file_w, plain));
	if (type == TIX_FT_NONE)
		return TIX_EFILETYPE;
	w->db = db;
	w->type = type;
	w->max = max;
	tix_sniff_init(&w->sniff, type);
	tix_sha256_init(&w->sha);
	key_id = tix_seal_key_id_new();
	rc = tix_seal_init(&w->seal, key_id, header);
	if (rc != TIX_OK)
		return rc;
	tix_hex(header, sizeof(header), hex);
	snprintf(up, sizeof(up), "%" PRId64, uploader);
	snprintf(key, sizeof(key), "%" PRId64, key_id);
	p[0] = uploader > 0 ? up : NULL;	/* none: a stranger's mail */
	p[1] = name;
	p[2] = key;
	p[3] = hex;
	/* A scratch arena for the one row of the id, freed here. */
	tix_arena_init(&a);
	rc = tix_db_run(db, &a, TIX_STMT_ATTACH_INSERT, p, 4, &rs);
	if (rc == TIX_OK && rs.nrows == 1)
		w->id = tix_rows_int(&rs, 0, 0);
	else if (rc == TIX_OK)
		rc = TIX_EINTERNAL;
	tix_arena_reset(&a);
	return rc;
}

/* Seal the buffered plaintext as chunk w->seq and insert it. */
static enum tix_err
flush(struct tix_file_w *w, bool final)
{
	char		 id[24], seq[16];
	const char	*p[3];
	enum tix_err	 rc;

	rc = tix_seal_push(&w->seal, w->id, w->plain, w->plain_len, final,
	    w->cipher);
	if (rc != TIX_OK)
		return rc;
	snprintf(id, sizeof(id), "%" PRId64, w->id);
	snprintf(seq, sizeof(seq), "%" PRId32, w->seq);
	p[0] = id;
	p[1] = seq;
	p[2] = NULL;
	rc = tix_db_put_blob(w->db, TIX_STMT_ATTACH_CHUNK_INSERT, p, 3,
	    w->cipher, w->plain_len + TIX_SEAL_ABYTES);
	if (rc != TIX_OK)
		return rc;
	w->seq++;
	w->plain_len = 0;
	return TIX_OK;
}

enum tix_err
tix_file_write(struct tix_file_w *w, const void *p, size_t n)
{
	const unsigned char	*b = p;
	size_t			 take;
	enum tix_err		 rc;

	if (n > w->max - w->size)
		return TIX_EFILETOOBIG;
	w->size += n;
	rc = tix_sniff_feed(&w->sniff, b, n);
	if (rc != TIX_OK)
		return rc;
	tix_sha256_update(&w->sha, b, n);
	while (n > 0) {
		/* A full chunk goes out only now that more follows: the
		 * last one must carry the FINAL tag. */
		if (w->plain_len == sizeof(w->plain)) {
			rc = flush(w, false);
			if (rc != TIX_OK)
				return rc;
		}
		take = sizeof(w->plain) - w->plain_len;
		if (take > n)
			take = n;
		memcpy(w->plain + w->plain_len, b, take);
		w->plain_len += take;
		b += take;
		n -= take;
	}
	return TIX_OK;
}

enum tix_err
tix_file_end(struct tix_file_w *w)
{
	char		 id[24], size[24], nchunks[16];
	const char	*p[5];
	enum tix_err	 rc;

	rc = tix_sniff_finish(&w->sniff);
	if (rc == TIX_OK)
		rc = flush(w, true);
	if (rc != TIX_OK)
		return rc;
	tix_sha256_final_hex(&w->sha, w->sha_hex);
	snprintf(id, sizeof(id), "%" PRId64, w->id);
	snprintf(size, sizeof(size), "%" PRIu64, w->size);
	snprintf(nchunks, sizeof(nchunks), "%" PRId32, w->seq);
	p[0] = id;
	p[1] = tix_ftype_mime(w->type);
	p[2] = size;
	p[3] = w->sha_hex;
	p[4] = nchunks;
	return tix_db_run(w->db, NULL, TIX_STMT_ATTACH_FINISH, p, 5, NULL);
}

enum tix_err
tix_file_put(struct tix_file_w *w, struct tix_db *db, int64_t uploader,
    const char *name, enum tix_ftype type, uint64_t max, const void *p,
    size_t n, int64_t *id)
{
	struct tix_sniff	sniff;
	enum tix_err		rc;

	*id = 0;
	if (type == TIX_FT_NONE)
		return TIX_EFILETYPE;
	if (n > max)
		return TIX_EFILETOOBIG;
	tix_sniff_init(&sniff, type);
	rc = tix_sniff_feed(&sniff, p, n);
	if (rc == TIX_OK)
		rc = tix_sniff_finish(&sniff);
	if (rc == TIX_OK)
		rc = tix_file_begin(w, db, uploader, name, type, max);
	if (rc == TIX_OK)
		rc = tix_file_write(w, p, n);
	if (rc == TIX_OK)
		rc = tix_file_end(w);
	if (rc == TIX_OK)
		*id = w->id;
	return rc;
}

/* ids as a PostgreSQL array, "{1,2}", in list. */
static enum tix_err
id_list(struct tix_buf *list, const int64_t *ids, size_t n)
{
	size_t		i;
	enum tix_err	rc;

	tix_buf_init(list, 24 * n + 3);
	rc = tix_buf_adds(list, "{");
	for (i = 0; rc == TIX_OK && i < n; i++)
		rc = tix_buf_printf(list, "%s%" PRId64, i == 0 ? "" : ",",
		    ids[i]);
	if (rc == TIX_OK)
		rc = tix_buf_add(list, "}", 2);
	return rc;
}

/* Run stmt with the list of ids first, then n more parameters. */
static enum tix_err
link_run(struct tix_db *db, struct tix_arena *a, enum tix_stmt stmt,
    const int64_t *ids, size_t n, const int64_t *more, size_t nmore)
{
	struct tix_buf	 list;
	const char	*p[3];
	size_t		 i;
	enum tix_err	 rc;

	if (n == 0)
		return TIX_OK;
	rc = id_list(&list, ids, n);
	p[0] = list.data;
	for (i = 0; i < nmore; i++)
		p[1 + i] = tix_db_i64(a, more[i]);
	if (rc == TIX_OK)
		rc = tix_db_run(db, a, stmt, p, 1 + nmore, NULL);
	tix_buf_free(&list);
	return rc;
}

enum tix_err
tix_file_link(struct tix_db *db, struct tix_arena *a, const int64_t *ids,
    size_t n, int64_t ticket_id, int64_t entry_id)
{
	const int64_t more[2] = { ticket_id, entry_id };

	return link_run(db, a, TIX_STMT_ATTACH_LINK, ids, n, more, 2);
}

enum tix_err
tix_file_link_review(struct tix_db *db, struct tix_arena *a,
    const int64_t *ids, size_t n, int64_t review_id)
{
	return link_run(db, a, TIX_STMT_ATTACH_LINK_REVIEW, ids, n,
	    &review_id, 1);
}

enum tix_err
tix_file_open(struct tix_file_r *rd, struct tix_db *db, int64_t id,
    int64_t key_id, const char *header_hex, int32_t nchunks, uint64_t size)
{
	unsigned char header[TIX_SEAL_HEADER_LEN];

	memset(rd, 0, offsetof(struct tix_file_r, cipher));
	rd->db = db;
	rd->id = id;
	rd->nchunks = nchunks;
	rd->size = size;
	if (header_hex == NULL || nchunks < 1 ||
	    !tix_unhex(header_hex, header, sizeof(header)))
		return TIX_EINTERNAL;
	return tix_open_init(&rd->seal, key_id, header);
}

enum tix_err
tix_file_next(struct tix_file_r *rd, const unsigned char **p, size_t *n,
    bool *done)
{
	char		 id[24], seq[16];
	const char	*params[2];
	size_t		 len;
	bool		 final;
	enum tix_err	 rc;

	*p = rd->plain;
	*n = 0;
	*done = rd->seq == rd->nchunks;
	if (*done)
		return TIX_OK;
	snprintf(id, sizeof(id), "%" PRId64, rd->id);
	snprintf(seq, sizeof(seq), "%" PRId32, rd->seq);
	params[0] = id;
	params[1] = seq;
	rc = tix_db_get_blob(rd->db, TIX_STMT_ATTACH_CHUNK_GET, params, 2,
	    rd->cipher, sizeof(rd->cipher), &len);
	if (rc == TIX_ENOTFOUND)
		return TIX_EINTERNAL;	/* a chunk is missing */
	if (rc != TIX_OK)
		return rc;
	rc = tix_open_pull(&rd->seal, rd->id, rd->cipher, len, rd->plain, n,
	    &final);
	if (rc != TIX_OK)
		return rc;
	rd->seq++;
	rd->seen += *n;
	/* FINAL exactly on the last chunk, and the size of the row. */
	if (final != (rd->seq == rd->nchunks) ||
	    (final && rd->seen != rd->size) || rd->seen > rd->size) {
		*n = 0;
		return TIX_EINTERNAL;
	}
	*done = false;
	return TIX_OK;
}

enum tix_err
tix_file_quota(struct tix_db *db, struct tix_arena *a, int64_t ticket_id,
    int64_t user_id, size_t nfiles, uint64_t nbytes)
{
	const char	*p[2];
	struct tix_rows	 rs;
	uint64_t	 stored;
	enum tix_err	 rc;

	p[0] = tix_db_i64(a, ticket_id);
	p[1] = tix_db_i64(a, user_id);
	rc = tix_db_run(db, a, TIX_STMT_ATTACH_QUOTA, p, 2, &rs);
	if (rc != TIX_OK)
		return rc;
	if (rs.nrows != 1)
		return TIX_EINTERNAL;
	if ((uint64_t)tix_rows_int(&rs, 0, 0) + nfiles >
	    TIX_MAX_FILES_PER_TICKET)
		return TIX_ETOOMANYFILES;
	stored = (uint64_t)tix_rows_int(&rs, 0, 1);
	if (stored > TIX_MAX_UPLOAD_BYTES_PER_DAY ||
	    nbytes > TIX_MAX_UPLOAD_BYTES_PER_DAY - stored)
		return TIX_EFILETOOBIG;
	return TIX_OK;
}
