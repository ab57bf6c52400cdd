/*
 * account.c: tix-admin account export and delete (account.h).
 *
 * An export is a directory: account.json, files/ID-NAME with each
 * file's plaintext, and MANIFEST (the SHA-256 of each, in sha256sum's
 * format, as a backup's).  It is written in a directory of its own
 * beside DIR and renamed to DIR at the end, so that a failed export
 * leaves nothing behind.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto/crypto.h"
#include "crypto/stream.h"
#include "tickets/account_data.h"
#include "account.h"

#define JSON_FILE	"account.json"
#define MANIFEST_FILE	"MANIFEST"

static void
usage(void)
{
	fprintf(stderr, "usage: tix-admin account export --account NAME "
	    "--to DIR\n"
	    "       tix-admin account delete --account NAME [--yes]\n");
}

static const char *
err_text(enum tix_err rc)
{
	if (rc == TIX_EUNAVAIL)
		return "the database is unreachable (see TIX_DATABASE_URL)";
	return tix_err_name(rc);
}

/* Whether path is absent (*absent) or an empty directory. */
static int
dir_usable(const char *path, int *absent)
{
	struct dirent	*e;
	DIR		*d = opendir(path);
	int		 empty = 1;

	*absent = d == NULL && errno == ENOENT;
	if (d == NULL)
		return *absent;
	while (empty && (e = readdir(d)) != NULL)
		empty = strcmp(e->d_name, ".") == 0 ||
		    strcmp(e->d_name, "..") == 0;
	closedir(d);
	return empty;
}

static int
put_file(void *arg, const void *p, size_t n)
{
	return fwrite(p, 1, n, arg) == n ? 0 : -1;
}

/* A new file of mode 0600 at path, whatever the umask. */
static FILE *
create(const char *path)
{
	int fd = path == NULL ? -1 :
	    open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

	return fd < 0 ? NULL : fdopen(fd, "w");
}

static int
finish(FILE *f, int ok)
{
	ok = ok && fflush(f) == 0 && fsync(fileno(f)) == 0;
	return fclose(f) == 0 && ok ? 0 : -1;
}

/* Remove the temporary export tmp and everything in it. */
static void
remove_tmp(struct tix_arena *a, const char *tmp)
{
	struct dirent	*e;
	const char	*files = tix_arena_printf(a, "%s/files", tmp);
	DIR		*d = files == NULL ? NULL : opendir(files);

	while (d != NULL && (e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			unlink(tix_arena_printf(a, "%s/%s", files, e->d_name));
	if (d != NULL)
		closedir(d);
	if (files != NULL)
		rmdir(files);
	unlink(tix_arena_printf(a, "%s/%s", tmp, JSON_FILE));
	unlink(tix_arena_printf(a, "%s/%s", tmp, MANIFEST_FILE));
	rmdir(tmp);
}

/* Everything but the rename, into tmp; the reason on stderr. */
static int
write_export(struct tix_db *db, struct tix_arena *a, const char *name,
    const char *tmp, size_t *nfiles)
{
	struct tix_account_file	*files;
	const char		*json, *path, **names;
	char			 hex[TIX_HASH_HEX_LEN + 1];
	FILE			*f, *m;
	size_t			 n, i;
	enum tix_err		 rc;
	int			 ok;

	/* One snapshot for the JSON and every file: a file added or
	 * deleted meanwhile is in both or in neither. */
	rc = tix_db_begin(db);
	if (rc == TIX_OK)
		rc = tix_db_script(db, "SET TRANSACTION ISOLATION LEVEL "
		    "REPEATABLE READ, READ ONLY");
	if (rc == TIX_OK)
		rc = tix_account_export(db, a, name, &json, &files, &n);
	if (rc != TIX_OK) {
		tix_db_rollback(db);
		fprintf(stderr, "tix-admin: %s\n", rc == TIX_ENOTFOUND ?
		    "no such account" : err_text(rc));
		return -1;
	}
	names = tix_arena_alloc(a, (n + 1) * sizeof(*names));
	path = tix_arena_printf(a, "%s/%s", tmp, JSON_FILE);
	f = names == NULL ? NULL : create(path);
	if (f == NULL || finish(f, fputs(json, f) >= 0 &&
	    fputc('\n', f) != EOF) != 0 ||
	    mkdir(tix_arena_printf(a, "%s/files", tmp), 0700) != 0) {
		tix_db_rollback(db);
		fprintf(stderr, "tix-admin: cannot write %s: %s\n", tmp,
		    strerror(errno));
		return -1;
	}
	names[0] = JSON_FILE;
	for (i = 0; i < n; i++) {
		names[i + 1] = files[i].path;
		path = tix_arena_printf(a, "%s/%s", tmp, files[i].path);
		f = create(path);
		if (f == NULL) {
			tix_db_rollback(db);
			fprintf(stderr, "tix-admin: cannot write %s: %s\n",
			    path, strerror(errno));
			return -1;
		}
		rc = tix_account_file_copy(db, &files[i], put_file, f);
		if (finish(f, rc == TIX_OK) != 0 || rc != TIX_OK) {
			tix_db_rollback(db);
			fprintf(stderr, "tix-admin: file %" PRId64 " (%s): %s\n",
			    files[i].id, files[i].path, rc == TIX_EINTERNAL ?
			    "does not decrypt or its SHA-256 differs (see the "
			    "log)" : rc == TIX_OK ? strerror(errno) :
			    err_text(rc));
			return -1;
		}
	}
	tix_db_rollback(db);	/* it only read */
	m = create(tix_arena_printf(a, "%s/%s", tmp, MANIFEST_FILE));
	ok = m != NULL;
	for (i = 0; ok && i <= n; i++) {
		ok = tix_hash_file_hex(tix_arena_printf(a, "%s/%s", tmp,
		    names[i]), hex) == TIX_OK;
		ok = ok && fprintf(m, "%s  %s\n", hex, names[i]) > 0;
	}
	if (m == NULL || finish(m, ok) != 0) {
		fprintf(stderr, "tix-admin: cannot write %s/%s\n", tmp,
		    MANIFEST_FILE);
		return -1;
	}
	*nfiles = n;
	return 0;
}

static int
cmd_export(struct tix_db *db, struct tix_arena *a,
    const struct tix_config *cfg, const char *name, const char *dir)
{
	const char	*tmp;
	size_t		 nfiles = 0, len = strlen(dir);
	int		 absent;

	while (len > 1 && dir[len - 1] == '/')
		len--;
	if (!dir_usable(dir, &absent)) {
		fprintf(stderr, "tix-admin: %s: exists and is not an empty "
		    "directory\n", dir);
		return 1;
	}
	if (cfg->attachment_key_file == NULL ||
	    tix_master_key_load(cfg->attachment_key_file) != TIX_OK) {
		fprintf(stderr, "tix-admin: the attachment key "
		    "(TIX_ATTACHMENT_KEY_FILE) is needed to read the files\n");
		return 1;
	}
	/* Beside DIR, so that the rename stays on one file system. */
	tmp = tix_arena_printf(a, "%.*s.tmp-XXXXXX", (int)len, dir);
	if (tmp == NULL || mkdtemp((char *)tmp) == NULL) {
		fprintf(stderr, "tix-admin: cannot create a directory beside "
		    "%s: %s\n", dir, strerror(errno));
		return 1;
	}
	if (write_export(db, a, name, tmp, &nfiles) != 0) {
		remove_tmp(a, tmp);
		return 1;
	}
	if ((!absent && rmdir(dir) != 0) || rename(tmp, dir) != 0) {
		fprintf(stderr, "tix-admin: %s: %s; nothing was exported\n",
		    dir, strerror(errno));
		remove_tmp(a, tmp);
		return 1;
	}
	printf("exported account %s to %s: %s, %zu file(s), %s with their "
	    "SHA-256\n", name, dir, JSON_FILE, nfiles, MANIFEST_FILE);
	return 0;
}

static void
print_counts(const char *verb, const char *name,
    const struct tix_account_counts *c)
{
	printf("%s account %s: %" PRId64 " user(s), %" PRId64 " ticket(s), %"
	    PRId64 " timeline entries, %" PRId64 " file(s), %" PRId64
	    " session(s), %" PRId64 " token(s), %" PRId64 " license(s)\n",
	    verb, name, c->users, c->tickets, c->entries, c->files,
	    c->sessions, c->tokens, c->licenses);
}

static int
cmd_delete(struct tix_db *db, struct tix_arena *a, const char *name,
    int yes)
{
	struct tix_account_counts	c;
	enum tix_err			rc;

	if (!yes) {
		rc = tix_db_begin(db);
		if (rc == TIX_OK)
			rc = tix_account_count(db, a, name, &c);
		tix_db_rollback(db);
	} else
		rc = tix_account_delete(db, a, name, &c);
	if (rc != TIX_OK) {
		fprintf(stderr, "tix-admin: %s\n", rc == TIX_ENOTFOUND ?
		    "no such account" : rc == TIX_EINTERNAL ? "the account "
		    "was not deleted (see the log: a user of it may be named "
		    "by another account's ticket)" : err_text(rc));
		return 1;
	}
	print_counts(yes ? "deleted" : "would delete", name, &c);
	if (!yes) {
		printf("nothing was changed; run it again with --yes to "
		    "delete\n");
		return 1;
	}
	return 0;
}

int
tix_account_main(struct tix_db *db, struct tix_arena *a,
    const struct tix_config *cfg, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "account", required_argument, NULL, 'a' },
		{ "to", required_argument, NULL, 't' },
		{ "yes", no_argument, NULL, 'y' },
		{ NULL, 0, NULL, 0 }
	};
	const char	*name = NULL, *dir = NULL;
	int		 c, yes = 0, export = strcmp(argv[0], "export") == 0;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'a': name = optarg; break;
		case 't': dir = optarg; break;
		case 'y': yes = 1; break;
		default: usage(); return 2;
		}
	}
	if (name == NULL || optind != argc || (export ? dir == NULL || yes :
	    dir != NULL)) {
		usage();
		return 2;
	}
	if (export)
		return cmd_export(db, a, cfg, name, dir);
	return cmd_delete(db, a, name, yes);
}
