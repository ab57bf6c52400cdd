/*
 * backup.c: tix-admin backup and restore (backup.h, docs/backup.md).
 *
 * PostgreSQL's own tools do the database: pg_dump and pg_restore of the
 * server's major version (/usr/lib/postgresql/N/bin, else the ones on
 * PATH), connected through the PG* environment variables that
 * TIX_DATABASE_URL stands for, so no password shows on a command line.
 * Restore checks everything it can before it changes anything: the
 * manifest and every checksum in it, that the database is empty (unless
 * --force), that no key file would be replaced by another (unless
 * --force); then pg_restore runs in one transaction, and only after it
 * succeeded are the keys written.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/str.h"
#include "crypto/crypto.h"
#include "backup.h"

extern char **environ;

#define DUMP_FILE	"database.dump"
#define INFO_FILE	"backup.info"
#define MANIFEST_FILE	"MANIFEST"
/* A manifest has a line a file: a handful; anything bigger is not one. */
#define MAX_MANIFEST	4096
#define MAX_KEY_BYTES	130

/* The key files a backup carries, and the settings that name them. */
struct key {
	const char	*file;		/* in the backup */
	const char	*setting;
	const char	*path;		/* the setting's value, NULL: unset */
};

/*
 * Backup reads the keys where the settings name them, checked by
 * tix_config_load() as any reader of theirs does (program tix-backup).
 * Restore writes them there; the files need not exist yet (a new host),
 * so it takes the paths as they are (cfg NULL), and checks a key file it
 * finds against the backup's before it replaces anything.
 */
static void
keys_of(const struct tix_config *cfg, struct key keys[3])
{
	keys[0] = (struct key){ "keys/attachment.key",
	    "TIX_ATTACHMENT_KEY_FILE", NULL };
	keys[1] = (struct key){ "keys/totp.key", "TIX_TOTP_KEY_FILE", NULL };
	keys[2] = (struct key){ "keys/mail-token.key",
	    "TIX_MAIL_TOKEN_KEY_FILE", NULL };
	if (cfg != NULL) {
		keys[0].path = cfg->attachment_key_file;
		keys[1].path = cfg->totp_key_file;
		keys[2].path = cfg->mail_token_key_file;
		return;
	}
	for (size_t i = 0; i < 3; i++) {
		keys[i].path = getenv(keys[i].setting);
		if (keys[i].path != NULL && *keys[i].path == '\0')
			keys[i].path = NULL;
	}
}

/* Run argv (argv[0] looked up on PATH unless it has a '/'); its exit
 * status, or -1 when it could not be started or died of a signal. */
static int
run_tool(char *const argv[])
{
	pid_t	pid;
	int	rc, status;

	rc = posix_spawnp(&pid, argv[0], NULL, NULL, argv, environ);
	if (rc != 0) {
		fprintf(stderr, "tix-admin: cannot run %s: %s\n", argv[0],
		    strerror(rc));
		return -1;
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/*
 * The pg_dump or pg_restore for the server: the one of its major version
 * when Debian's layout has it, else the one on PATH (pg_dump refuses a
 * newer server itself, with a clear message).  Also the database's name.
 */
static int
find_tool(struct tix_db *db, struct tix_arena *a, const char *tool,
    const char **path, const char **dbname)
{
	struct tix_rows	 rs;
	const char	*p;
	enum tix_err	 rc;

	rc = tix_db_run(db, a, TIX_STMT_SERVER_VERSION, NULL, 0, &rs);
	if (rc != TIX_OK || rs.nrows != 1) {
		fprintf(stderr, "tix-admin: the database is unreachable (see "
		    "TIX_DATABASE_URL)\n");
		return -1;
	}
	*dbname = tix_rows_get(&rs, 0, 1);
	p = tix_arena_printf(a, "/usr/lib/postgresql/%s/bin/%s",
	    tix_rows_get(&rs, 0, 0), tool);
	*path = p != NULL && access(p, X_OK) == 0 ? p : tool;
	return 0;
}

static int
copy_file(const char *from, const char *to)
{
	unsigned char	 buf[MAX_KEY_BYTES];
	ssize_t		 n;
	int		 in, out, ok;

	in = open(from, O_RDONLY);
	if (in < 0)
		return -1;
	n = read(in, buf, sizeof(buf));
	close(in);
	if (n <= 0 || n == (ssize_t)sizeof(buf))
		return -1;	/* a key file is small (config checked it) */
	out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0400);
	if (out < 0)
		return -1;
	ok = write(out, buf, (size_t)n) == n && fsync(out) == 0;
	tix_wipe(buf, sizeof(buf));
	return close(out) == 0 && ok ? 0 : -1;
}

static bool
dir_is_empty(const char *path)
{
	struct dirent	*e;
	DIR		*d = opendir(path);
	bool		 empty = true;

	if (d == NULL)
		return false;
	while (empty && (e = readdir(d)) != NULL)
		empty = strcmp(e->d_name, ".") == 0 ||
		    strcmp(e->d_name, "..") == 0;
	closedir(d);
	return empty;
}

static int
write_manifest(struct tix_arena *a, const char *dir, const char **names,
    size_t n)
{
	char		 hex[TIX_HASH_HEX_LEN + 1];
	const char	*tmp = tix_arena_printf(a, "%s/%s.tmp", dir,
	    MANIFEST_FILE);
	FILE		*f;
	size_t		 i;
	int		 ok = 1;

	f = tmp == NULL ? NULL : fopen(tmp, "w");
	if (f == NULL)
		return -1;
	for (i = 0; i < n && ok; i++) {
		ok = tix_hash_file_hex(tix_arena_printf(a, "%s/%s", dir,
		    names[i]), hex) == TIX_OK;
		if (ok)
			fprintf(f, "%s  %s\n", hex, names[i]);
	}
	ok = ok && fflush(f) == 0 && fsync(fileno(f)) == 0;
	if (fclose(f) != 0 || !ok)
		return -1;
	return rename(tmp, tix_arena_printf(a, "%s/%s", dir, MANIFEST_FILE));
}

int
tix_backup_main(struct tix_db *db, struct tix_arena *a,
    const struct tix_config *cfg, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "to", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 }
	};
	struct key	 keys[3];
	const char	*dir = NULL, *tool, *dbname, *names[5];
	char		*dump_argv[7];
	FILE		*f;
	size_t		 n = 0, i;
	time_t		 now = time(NULL);
	char		 stamp[32];
	int		 c, status;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 't') {
			fprintf(stderr, "usage: tix-admin backup --to DIR\n");
			return 2;
		}
		dir = optarg;
	}
	if (dir == NULL || optind != argc) {
		fprintf(stderr, "usage: tix-admin backup --to DIR\n");
		return 2;
	}
	keys_of(cfg, keys);
	if (keys[0].path == NULL) {
		fprintf(stderr, "tix-admin: TIX_ATTACHMENT_KEY_FILE is not set: "
		    "without the key the files in a backup cannot be read\n");
		return 1;
	}
	if (mkdir(dir, 0700) != 0 && (errno != EEXIST || !dir_is_empty(dir))) {
		fprintf(stderr, "tix-admin: %s: %s\n", dir, errno == EEXIST ?
		    "exists and is not empty" : strerror(errno));
		return 1;
	}
	if (find_tool(db, a, "pg_dump", &tool, &dbname) != 0 ||
	    tix_db_export_env(cfg->database_url) != TIX_OK)
		return 1;
	dump_argv[0] = (char *)tool;
	dump_argv[1] = tix_arena_strdup(a, "--format=custom");
	dump_argv[2] = tix_arena_strdup(a, "--no-password");
	dump_argv[3] = tix_arena_printf(a, "--file=%s/%s", dir, DUMP_FILE);
	dump_argv[4] = tix_arena_printf(a, "--dbname=%s", dbname);
	dump_argv[5] = NULL;
	status = run_tool(dump_argv);
	if (status != 0) {
		fprintf(stderr, "tix-admin: %s failed (status %d); %s is no "
		    "backup\n", tool, status, dir);
		return 1;
	}
	names[n++] = DUMP_FILE;
	if (mkdir(tix_arena_printf(a, "%s/keys", dir), 0700) != 0) {
		fprintf(stderr, "tix-admin: %s/keys: %s\n", dir,
		    strerror(errno));
		return 1;
	}
	for (i = 0; i < 3; i++) {
		if (keys[i].path == NULL) {
			fprintf(stderr, "tix-admin: note: %s is not set; the "
			    "backup has no %s\n", keys[i].setting,
			    keys[i].file);
			continue;
		}
		if (copy_file(keys[i].path, tix_arena_printf(a, "%s/%s", dir,
		    keys[i].file)) != 0) {
			fprintf(stderr, "tix-admin: cannot copy %s (%s): %s\n",
			    keys[i].setting, keys[i].path, strerror(errno));
			return 1;
		}
		names[n++] = keys[i].file;
	}
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	f = fopen(tix_arena_printf(a, "%s/%s", dir, INFO_FILE), "w");
	if (f == NULL || fprintf(f, "format=1\ncreated_at=%s\ndatabase=%s\n"
	    "pg_dump=%s\n", stamp, dbname, tool) < 0 || fclose(f) != 0) {
		fprintf(stderr, "tix-admin: cannot write %s/%s\n", dir,
		    INFO_FILE);
		return 1;
	}
	names[n++] = INFO_FILE;
	if (write_manifest(a, dir, names, n) != 0) {
		fprintf(stderr, "tix-admin: cannot write %s/%s: %s\n", dir,
		    MANIFEST_FILE, strerror(errno));
		return 1;
	}
	printf("backed up database %s and %zu key(s) to %s (%s lists %zu "
	    "files with their SHA-256)\n", dbname, n - 2, dir, MANIFEST_FILE,
	    n);
	return 0;
}

/* One manifest line "HEX  NAME": the name, once checked against the
 * file; NULL (and the reason said) when the line or the file is wrong. */
static const char *
check_line(struct tix_arena *a, const char *dir, char *line,
    const struct key keys[3])
{
	char		 hex[TIX_HASH_HEX_LEN + 1];
	const char	*name;
	size_t		 i;
	bool		 known;

	if (strlen(line) < TIX_HASH_HEX_LEN + 3 ||
	    line[TIX_HASH_HEX_LEN] != ' ' || line[TIX_HASH_HEX_LEN + 1] != ' ') {
		fprintf(stderr, "tix-admin: %s/%s: a line is not "
		    "\"SHA256  NAME\"\n", dir, MANIFEST_FILE);
		return NULL;
	}
	line[TIX_HASH_HEX_LEN] = '\0';
	name = line + TIX_HASH_HEX_LEN + 2;
	known = strcmp(name, DUMP_FILE) == 0 || strcmp(name, INFO_FILE) == 0;
	for (i = 0; i < 3; i++)
		known = known || strcmp(name, keys[i].file) == 0;
	if (!known) {
		fprintf(stderr, "tix-admin: %s/%s names %s, which is no part "
		    "of a backup\n", dir, MANIFEST_FILE, name);
		return NULL;
	}
	if (tix_hash_file_hex(tix_arena_printf(a, "%s/%s", dir, name),
	    hex) != TIX_OK) {
		fprintf(stderr, "tix-admin: %s/%s: %s\n", dir, name,
		    strerror(errno));
		return NULL;
	}
	if (strcmp(hex, line) != 0) {
		fprintf(stderr, "tix-admin: %s/%s does not match its SHA-256 "
		    "in %s: the backup is damaged or was changed\n", dir, name,
		    MANIFEST_FILE);
		return NULL;
	}
	return name;
}

/*
 * Every line of DIR/MANIFEST checked; *has[i] whether key i is in the
 * backup.  0, or -1 with the reason said.
 */
static int
check_manifest(struct tix_arena *a, const char *dir,
    const struct key keys[3], bool has[3])
{
	char		 buf[MAX_MANIFEST + 1], *line, *next;
	const char	*name;
	FILE		*f;
	size_t		 n, i;
	bool		 dump = false;

	f = fopen(tix_arena_printf(a, "%s/%s", dir, MANIFEST_FILE), "r");
	if (f == NULL) {
		fprintf(stderr, "tix-admin: %s/%s: %s (not a complete "
		    "backup)\n", dir, MANIFEST_FILE, strerror(errno));
		return -1;
	}
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	if (n == 0 || n > MAX_MANIFEST || buf[n - 1] != '\n') {
		fprintf(stderr, "tix-admin: %s/%s is not a manifest\n", dir,
		    MANIFEST_FILE);
		return -1;
	}
	buf[n] = '\0';
	for (line = buf; *line != '\0'; line = next) {
		next = strchr(line, '\n');
		*next++ = '\0';
		name = check_line(a, dir, line, keys);
		if (name == NULL)
			return -1;
		dump = dump || strcmp(name, DUMP_FILE) == 0;
		for (i = 0; i < 3; i++)
			has[i] = has[i] || strcmp(name, keys[i].file) == 0;
	}
	if (!dump) {
		fprintf(stderr, "tix-admin: %s/%s lists no %s\n", dir,
		    MANIFEST_FILE, DUMP_FILE);
		return -1;
	}
	return 0;
}

/* Whether two files have the same bytes (both hashed). */
static bool
same_file(const char *x, const char *y)
{
	char hx[TIX_HASH_HEX_LEN + 1], hy[TIX_HASH_HEX_LEN + 1];

	return tix_hash_file_hex(x, hx) == TIX_OK &&
	    tix_hash_file_hex(y, hy) == TIX_OK && strcmp(hx, hy) == 0;
}

/* Put key file from in place at to: whole (a rename), mode 0400. */
static int
install_key(struct tix_arena *a, const char *from, const char *to)
{
	const char *tmp = tix_arena_printf(a, "%s.restore.%ld", to,
	    (long)getpid());

	(void)unlink(tmp);
	if (copy_file(from, tmp) != 0 || rename(tmp, to) != 0) {
		(void)unlink(tmp);
		return -1;
	}
	return 0;
}

int
tix_restore_main(struct tix_db *db, struct tix_arena *a,
    const struct tix_config *cfg, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "from", required_argument, NULL, 'f' },
		{ "force", no_argument, NULL, 'F' },
		{ NULL, 0, NULL, 0 }
	};
	struct key	 keys[3];
	struct tix_rows	 rs;
	struct stat	 st;
	const char	*dir = NULL, *tool, *dbname, *from;
	char		*restore_argv[10];
	bool		 force = false, has[3] = { false, false, false };
	bool		 install[3] = { false, false, false };
	size_t		 i, n = 0, nkeys = 0;
	int		 c, status;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'f')
			dir = optarg;
		else if (c == 'F')
			force = true;
		else
			break;
	}
	if (c != -1 || dir == NULL || optind != argc) {
		fprintf(stderr, "usage: tix-admin restore --from DIR "
		    "[--force]\n");
		return 2;
	}
	keys_of(NULL, keys);
	if (check_manifest(a, dir, keys, has) != 0) {
		fprintf(stderr, "tix-admin: nothing was restored\n");
		return 1;
	}
	if (tix_db_run(db, a, TIX_STMT_SCHEMA_OBJECTS, NULL, 0, &rs) !=
	    TIX_OK || find_tool(db, a, "pg_restore", &tool, &dbname) != 0)
		return 1;
	if (strcmp(tix_rows_get(&rs, 0, 0), "0") != 0 && !force) {
		fprintf(stderr, "tix-admin: the database %s is not empty (%s "
		    "tables, sequences and indexes); restore into a new, empty "
		    "database, or add --force to replace what the backup has; "
		    "nothing was restored\n", dbname, tix_rows_get(&rs, 0, 0));
		return 1;
	}
	for (i = 0; i < 3; i++) {
		if (!has[i])
			continue;
		from = tix_arena_printf(a, "%s/%s", dir, keys[i].file);
		if (keys[i].path == NULL) {
			fprintf(stderr, "tix-admin: note: %s is not set; %s "
			    "stays in the backup\n", keys[i].setting,
			    keys[i].file);
			continue;
		}
		if (stat(keys[i].path, &st) == 0 &&
		    same_file(from, keys[i].path))
			continue;
		if (stat(keys[i].path, &st) == 0 && !force) {
			fprintf(stderr, "tix-admin: %s (%s) holds another key "
			    "than the backup's %s; add --force to replace it; "
			    "nothing was restored\n", keys[i].setting,
			    keys[i].path, keys[i].file);
			return 1;
		}
		install[i] = true;
	}
	if (tix_db_export_env(cfg->database_url) != TIX_OK)
		return 1;
	restore_argv[n++] = (char *)tool;
	restore_argv[n++] = tix_arena_strdup(a, "--no-password");
	restore_argv[n++] = tix_arena_strdup(a, "--no-owner");
	restore_argv[n++] = tix_arena_strdup(a, "--exit-on-error");
	restore_argv[n++] = tix_arena_strdup(a, "--single-transaction");
	if (force) {
		restore_argv[n++] = tix_arena_strdup(a, "--clean");
		restore_argv[n++] = tix_arena_strdup(a, "--if-exists");
	}
	restore_argv[n++] = tix_arena_printf(a, "--dbname=%s", dbname);
	restore_argv[n++] = tix_arena_printf(a, "%s/%s", dir, DUMP_FILE);
	restore_argv[n] = NULL;
	status = run_tool(restore_argv);
	if (status != 0) {
		fprintf(stderr, "tix-admin: %s failed (status %d); it ran in "
		    "one transaction, so the database is as it was\n", tool,
		    status);
		return 1;
	}
	for (i = 0; i < 3; i++) {
		if (!install[i])
			continue;
		if (install_key(a, tix_arena_printf(a, "%s/%s", dir,
		    keys[i].file), keys[i].path) != 0) {
			fprintf(stderr, "tix-admin: the database is restored "
			    "but %s could not be written to %s: %s; copy it by "
			    "hand\n", keys[i].file, keys[i].path,
			    strerror(errno));
			return 1;
		}
		nkeys++;
	}
	printf("restored database %s from %s (checksums match); %zu key "
	    "file(s) written; run tix-admin migrate --check, then start the "
	    "workers%s\n", dbname, dir, nkeys, force ? " (or restart the "
	    "workers that ran: the tables are new ones)" : "");
	return 0;
}
