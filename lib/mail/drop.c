/*
 * drop.c: a composed message written to a directory as an .eml file
 * instead of being sent (mail.h, tix_mail_drop): the local default when
 * no SMTP server is configured, so that every notice can be read.
 *
 * The file appears whole or not at all: it is written under a temporary
 * name in the same directory, flushed, and renamed.  Its name comes from
 * the outbox row (zero-padded id, ticket number), so a row sent again
 * (at least once) replaces its own file rather than adding one.  Files
 * are 0600 (they hold the recipient's reply address).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mail/mail.h"

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

enum tix_mail_result
tix_mail_drop(const char *dir, int64_t id, int64_t number, const char *ext,
    const char *msg, size_t len, char *path_out, size_t path_cap, char *err, size_t errcap)
{
	char	 tmp[4200], path[4200];
	size_t	 done = 0;
	ssize_t	 w;
	int	 fd;

	if (errcap > 0)
		err[0] = '\0';
	if (make_dirs(dir) != 0) {
		snprintf(err, errcap, "cannot make %s: %s", dir,
		    strerror(errno));
		return TIX_MAIL_RETRY;
	}
	if ((size_t)snprintf(path, sizeof(path), "%s/%012lld-TICK-%lld.%s",
	    dir, (long long)id, (long long)number, ext) >= sizeof(path) ||
	    (size_t)snprintf(tmp, sizeof(tmp), "%s/.%012lld.%ld.tmp", dir,
	    (long long)id, (long)getpid()) >= sizeof(tmp)) {
		snprintf(err, errcap, "TIX_MAIL_DIR is too long");
		return TIX_MAIL_FAILED;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
	    0600);
	if (fd < 0) {
		snprintf(err, errcap, "cannot write in %s: %s", dir,
		    strerror(errno));
		return TIX_MAIL_RETRY;
	}
	while (done < len) {
		w = write(fd, msg + done, len - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		done += (size_t)w;
	}
	if (done < len || fsync(fd) != 0) {
		snprintf(err, errcap, "cannot write %s: %s", tmp,
		    strerror(errno));
		close(fd);
		unlink(tmp);
		return TIX_MAIL_RETRY;
	}
	if (close(fd) != 0 || rename(tmp, path) != 0) {
		snprintf(err, errcap, "cannot write %s: %s", path,
		    strerror(errno));
		unlink(tmp);
		return TIX_MAIL_RETRY;
	}
	if (path_cap > 0)
		snprintf(path_out, path_cap, "%s", path);
	return TIX_MAIL_SENT;
}
