/*
 * drop.c: composed messages written to a directory as .eml files
 * instead of being sent (mail.h, tix_mail_drop and the batch): the local
 * default when no SMTP server is configured, so that every notice can be
 * read.
 *
 * A file appears whole or not at all: it is written under a temporary
 * name in the same directory, flushed, and renamed.  Its name comes from
 * the outbox row (zero-padded id, ticket number), so a row sent again
 * (at least once) replaces its own file rather than adding one.  Files
 * are 0600 (they hold the recipient's reply address).
 *
 * A batch makes its files durable together: the writeback of every
 * temporary file is started first, so that the fsync of each waits on
 * one journal commit for all rather than one commit per file; then all
 * are renamed and the directory is synced once.  A flush that fails
 * leaves the files to be written again (the rows are retried).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mail/mail.h"

struct drop_file {
	int	fd;
	char	tmp[4200];
	char	path[4200];
};

struct tix_drop_batch {
	char			 dir[4096];
	size_t			 n, cap;
	struct drop_file	*f;
};

/* mkdir -p of dir (0700 for what it makes). */
static int
make_dirs(const char *dir)
{
	char	path[4096];
	size_t	i, n = strlen(dir);

	if (n == 0 || n >= sizeof(path))
		return -1;
	memcpy(path, dir, n + 1);
	for (i = 1; i <= n; i++) {
		if (path[i] != '/' && path[i] != '\0')
			continue;
		path[i] = '\0';
		if (mkdir(path, 0700) != 0 && errno != EEXIST)
			return -1;
		path[i] = i < n ? '/' : '\0';
	}
	return 0;
}

enum tix_err
tix_drop_batch_new(const char *dir, size_t cap, struct tix_drop_batch **out)
{
	struct tix_drop_batch *b;

	*out = NULL;
	if (strlen(dir) >= sizeof(b->dir) || cap == 0)
		return TIX_EINVAL;
	b = calloc(1, sizeof(*b));
	if (b == NULL)
		return TIX_ENOMEM;
	b->f = calloc(cap, sizeof(*b->f));
	if (b->f == NULL) {
		free(b);
		return TIX_ENOMEM;
	}
	memcpy(b->dir, dir, strlen(dir) + 1);
	b->cap = cap;
	*out = b;
	return TIX_OK;
}

/* Close and remove the temporary files not yet renamed. */
static void
discard(struct tix_drop_batch *b)
{
	size_t i;

	for (i = 0; i < b->n; i++) {
		if (b->f[i].fd >= 0) {
			close(b->f[i].fd);
			unlink(b->f[i].tmp);
		}
	}
	b->n = 0;
}

void
tix_drop_batch_free(struct tix_drop_batch *b)
{
	if (b == NULL)
		return;
	discard(b);
	free(b->f);
	free(b);
}

size_t
tix_drop_batch_count(const struct tix_drop_batch *b)
{
	return b->n;
}

const char *
tix_drop_batch_path(const struct tix_drop_batch *b, size_t i)
{
	return i < b->n ? b->f[i].path : NULL;
}

enum tix_mail_result
tix_drop_batch_add(struct tix_drop_batch *b, int64_t id, int64_t number,
    const char *ext, const char *msg, size_t len, char *err, size_t errcap)
{
	struct drop_file	*f;
	size_t			 done = 0;
	ssize_t			 w;

	if (errcap > 0)
		err[0] = '\0';
	if (b->n == b->cap) {
		snprintf(err, errcap, "the batch of files is full");
		return TIX_MAIL_RETRY;
	}
	/* Once a batch: the directory stays for the rest of it. */
	if (b->n == 0 && make_dirs(b->dir) != 0) {
		snprintf(err, errcap, "cannot make %s: %s", b->dir,
		    strerror(errno));
		return TIX_MAIL_RETRY;
	}
	f = &b->f[b->n];
	if ((size_t)snprintf(f->path, sizeof(f->path),
	    "%s/%012lld-TICK-%lld.%s", b->dir, (long long)id,
	    (long long)number, ext) >= sizeof(f->path) ||
	    (size_t)snprintf(f->tmp, sizeof(f->tmp), "%s/.%012lld.%ld.tmp",
	    b->dir, (long long)id, (long)getpid()) >= sizeof(f->tmp)) {
		snprintf(err, errcap, "TIX_MAIL_DIR is too long");
		return TIX_MAIL_FAILED;
	}
	f->fd = open(f->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC |
	    O_NOFOLLOW, 0600);
	if (f->fd < 0) {
		snprintf(err, errcap, "cannot write in %s: %s", b->dir,
		    strerror(errno));
		return TIX_MAIL_RETRY;
	}
	while (done < len) {
		w = write(f->fd, msg + done, len - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		done += (size_t)w;
	}
	if (done < len) {
		snprintf(err, errcap, "cannot write %s: %s", f->tmp,
		    w < 0 ? strerror(errno) : "short write");
		close(f->fd);
		unlink(f->tmp);
		return TIX_MAIL_RETRY;
	}
	/* Start the writeback now; the flush waits for it. */
	(void)sync_file_range(f->fd, 0, 0, SYNC_FILE_RANGE_WRITE);
	b->n++;
	return TIX_MAIL_SENT;
}

enum tix_mail_result
tix_drop_batch_flush(struct tix_drop_batch *b, char *err, size_t errcap)
{
	size_t	i;
	int	dfd;

	if (errcap > 0)
		err[0] = '\0';
	if (b->n == 0)
		return TIX_MAIL_SENT;
	for (i = 0; i < b->n; i++) {
		if (fsync(b->f[i].fd) != 0 || close(b->f[i].fd) != 0) {
			snprintf(err, errcap, "cannot write %s: %s",
			    b->f[i].tmp, strerror(errno));
			b->f[i].fd = -1;
			unlink(b->f[i].tmp);
			goto fail;
		}
		b->f[i].fd = -1;
	}
	for (i = 0; i < b->n; i++) {
		if (rename(b->f[i].tmp, b->f[i].path) != 0) {
			snprintf(err, errcap, "cannot write %s: %s",
			    b->f[i].path, strerror(errno));
			goto fail;
		}
	}
	/* The renames are durable only once the directory is. */
	dfd = open(b->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || fsync(dfd) != 0) {
		snprintf(err, errcap, "cannot sync %s: %s", b->dir,
		    strerror(errno));
		if (dfd >= 0)
			close(dfd);
		b->n = 0;
		return TIX_MAIL_RETRY;
	}
	close(dfd);
	return TIX_MAIL_SENT;
fail:
	for (i = 0; i < b->n; i++) {
		if (b->f[i].fd >= 0)
			close(b->f[i].fd);
		b->f[i].fd = -1;
		unlink(b->f[i].tmp);
	}
	b->n = 0;
	return TIX_MAIL_RETRY;
}

void
tix_drop_batch_clear(struct tix_drop_batch *b)
{
	discard(b);
}

enum tix_mail_result
tix_mail_drop(const char *dir, int64_t id, int64_t number, const char *ext,
    const char *msg, size_t len, char *path_out, size_t path_cap, char *err,
    size_t errcap)
{
	struct tix_drop_batch	*b;
	enum tix_mail_result	 res;

	if (tix_drop_batch_new(dir, 1, &b) != TIX_OK) {
		snprintf(err, errcap, "cannot write in %s: out of memory or "
		    "too long", dir);
		return TIX_MAIL_RETRY;
	}
	res = tix_drop_batch_add(b, id, number, ext, msg, len, err, errcap);
	if (res == TIX_MAIL_SENT && path_cap > 0)
		snprintf(path_out, path_cap, "%s", b->f[0].path);
	if (res == TIX_MAIL_SENT)
		res = tix_drop_batch_flush(b, err, errcap);
	tix_drop_batch_clear(b);
	tix_drop_batch_free(b);
	return res;
}
