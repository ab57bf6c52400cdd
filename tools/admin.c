/*
 * tix-admin: the operator's command line.
 *
 *   tix-admin migrate
 *   tix-admin user add --email E --name N --role customer|agent|admin
 *                      --account A [--timezone Europe/Berlin]
 *   tix-admin user disable --email E
 *   tix-admin license add --key K --account A --product P
 *                         [--max-activations N] [--expires YYYY-MM-DD]
 *   tix-admin activation add --key K --machine M
 *
 * Settings come from the environment like the workers' (TIX_DATABASE_URL,
 * TIX_SQL_DIR).  Every command is one transaction; errors go to stderr
 * and the exit status is 1 (2 for a usage error).
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/principal.h"
#include "core/arena.h"
#include "core/config.h"
#include "core/limits.h"
#include "core/log.h"
#include "core/str.h"
#include "crypto/crypto.h"
#include "db/db.h"
#include "tickets/license.h"

#ifndef TIX_DEFAULT_SQL_DIR
#define TIX_DEFAULT_SQL_DIR "/usr/share/tix/sql"
#endif

#define MAX_MIGRATIONS	256
#define MAX_SCRIPT	(4 * 1024 * 1024)

static struct tix_arena	arena;

static void
usage(void)
{
	fprintf(stderr,
	    "usage: tix-admin migrate\n"
	    "       tix-admin user add --email E --name N "
	    "--role customer|agent|admin\n"
	    "                          --account A [--timezone ZONE]"
	    "   (password on standard input)\n"
	    "       tix-admin user disable --email E\n"
	    "       tix-admin license add --key K --account A --product P\n"
	    "                             [--max-activations N] "
	    "[--expires YYYY-MM-DD]\n"
	    "       tix-admin activation add --key K --machine M\n");
}

static const char *
db_error(enum tix_err rc)
{
	if (rc == TIX_EUNAVAIL)
		return "the database is unreachable (see TIX_DATABASE_URL)";
	return tix_err_name(rc);
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static char *
read_file(const char *path)
{
	FILE	*f = fopen(path, "r");
	char	*buf;
	size_t	 n;

	if (f == NULL)
		return NULL;
	buf = tix_arena_alloc(&arena, MAX_SCRIPT + 1);
	n = buf == NULL ? 0 : fread(buf, 1, MAX_SCRIPT + 1, f);
	fclose(f);
	if (buf == NULL || n > MAX_SCRIPT)
		return NULL;
	buf[n] = '\0';
	return buf;
}

/* Apply one migration file unless it is recorded; *applied says which. */
static enum tix_err
migrate_one(struct tix_db *db, const char *dir, const char *name,
    int *applied)
{
	static const char bootstrap[] =
	    "CREATE TABLE IF NOT EXISTS schema_migrations ("
	    " version text PRIMARY KEY,"
	    " applied_at timestamptz NOT NULL DEFAULT now())";
	struct tix_rows	 rs;
	const char	*path, *sql;
	enum tix_err	 rc;

	*applied = 0;
	path = tix_arena_printf(&arena, "%s/%s", dir, name);
	sql = path == NULL ? NULL : read_file(path);
	if (sql == NULL) {
		fprintf(stderr, "tix-admin: cannot read %s\n", path);
		return TIX_EINVAL;
	}
	rc = tix_db_begin(db);
	if (rc != TIX_OK)
		return rc;
	/* One migrator at a time, across hosts. */
	rc = tix_db_run(db, &arena, TIX_STMT_MIGRATE_LOCK, NULL, 0, NULL);
	if (rc == TIX_OK)
		rc = tix_db_script(db, bootstrap);
	if (rc == TIX_OK)
		rc = tix_db_run(db, &arena, TIX_STMT_MIGRATE_APPLIED, &name, 1,
		    &rs);
	if (rc == TIX_OK && rs.nrows == 0) {
		rc = tix_db_script(db, sql);
		if (rc == TIX_OK)
			rc = tix_db_run(db, &arena, TIX_STMT_MIGRATE_RECORD,
			    &name, 1, NULL);
		*applied = rc == TIX_OK;
	}
	if (rc == TIX_OK)
		rc = tix_db_commit(db);
	if (rc != TIX_OK) {
		tix_db_rollback(db);
		*applied = 0;
	}
	return rc;
}

static int
cmd_migrate(struct tix_db *db)
{
	const char	*dir = getenv("TIX_SQL_DIR");
	const char	*names[MAX_MIGRATIONS];
	struct dirent	*e;
	DIR		*d;
	size_t		 n = 0, i, len;
	int		 applied, count = 0;
	enum tix_err	 rc;

	if (dir == NULL || *dir == '\0')
		dir = TIX_DEFAULT_SQL_DIR;
	d = opendir(dir);
	if (d == NULL) {
		fprintf(stderr, "tix-admin: %s: %s (set TIX_SQL_DIR)\n", dir,
		    strerror(errno));
		return 1;
	}
	while ((e = readdir(d)) != NULL && n < MAX_MIGRATIONS) {
		len = strlen(e->d_name);
		if (len > 4 && strcmp(e->d_name + len - 4, ".sql") == 0)
			names[n++] = tix_arena_strdup(&arena, e->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), cmp_names);
	for (i = 0; i < n; i++) {
		rc = migrate_one(db, dir, names[i], &applied);
		if (rc != TIX_OK) {
			fprintf(stderr, "tix-admin: migration %s failed: %s; "
			    "nothing of it was applied\n", names[i],
			    db_error(rc));
			return 1;
		}
		if (applied) {
			printf("applied %s\n", names[i]);
			count++;
		}
	}
	printf("%d migration(s) applied; the schema is up to date\n", count);
	return 0;
}

/* An address as the login form will accept it. */
static int
email_ok(const char *s)
{
	const char	*at = strchr(s, '@');
	size_t		 n = strlen(s);

	return n >= 3 && n <= TIX_MAX_EMAIL && at != NULL && at != s &&
	    at[1] != '\0' && strchr(at + 1, '@') == NULL &&
	    strpbrk(s, " \t\r\n\"<>,;") == NULL && tix_utf8_valid(s, n) &&
	    !tix_has_control(s, n, false);
}

/* Addresses are stored and compared in lower case (ASCII only: the
 * domain part of an IDN address arrives in its ASCII form). */
static const char *
lower_ascii(const char *s)
{
	char	*t = tix_arena_strdup(&arena, s);
	size_t	 i;

	for (i = 0; t != NULL && t[i] != '\0'; i++)
		if (t[i] >= 'A' && t[i] <= 'Z')
			t[i] = (char)(t[i] - 'A' + 'a');
	return t == NULL ? s : t;
}

static int
read_password(char *buf, size_t size, size_t *len)
{
	size_t n = fread(buf, 1, size - 1, stdin);

	if (n == size - 1 && fgetc(stdin) != EOF)
		return -1;
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	*len = n;
	return 0;
}

static int
cmd_user_add(struct tix_db *db, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "email", required_argument, NULL, 'e' },
		{ "name", required_argument, NULL, 'n' },
		{ "role", required_argument, NULL, 'r' },
		{ "account", required_argument, NULL, 'a' },
		{ "timezone", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 }
	};
	const char	*email = NULL, *name = NULL, *role = NULL;
	const char	*account = NULL, *tz = "UTC", *p[5];
	char		 pw[TIX_MAX_PASSWORD + 2], hash[TIX_PWHASH_LEN];
	struct tix_rows	 rs;
	enum tix_role	 r;
	size_t		 pwlen;
	enum tix_err	 rc;
	int		 c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'e': email = optarg; break;
		case 'n': name = optarg; break;
		case 'r': role = optarg; break;
		case 'a': account = optarg; break;
		case 't': tz = optarg; break;
		default: usage(); return 2;
		}
	}
	if (email == NULL || name == NULL || role == NULL || account == NULL ||
	    optind != argc) {
		usage();
		return 2;
	}
	email = lower_ascii(email);
	if (!email_ok(email)) {
		fprintf(stderr, "tix-admin: %s is not a valid email address\n",
		    email);
		return 1;
	}
	if (!tix_role_parse(role, &r)) {
		fprintf(stderr, "tix-admin: role must be customer, agent or "
		    "admin\n");
		return 2;
	}
	if (strlen(name) < 1 || tix_utf8_len(name, strlen(name)) >
	    TIX_MAX_NAME || !tix_utf8_valid(name, strlen(name)) ||
	    tix_has_control(name, strlen(name), false) ||
	    strlen(account) < 1 || tix_utf8_len(account, strlen(account)) >
	    TIX_MAX_NAME || !tix_utf8_valid(account, strlen(account)) ||
	    tix_has_control(account, strlen(account), false)) {
		fprintf(stderr, "tix-admin: name and account must be 1 to %d "
		    "characters of text\n", TIX_MAX_NAME);
		return 1;
	}
	if (read_password(pw, sizeof(pw), &pwlen) != 0 || pwlen < 8 ||
	    pwlen > TIX_MAX_PASSWORD) {
		fprintf(stderr, "tix-admin: the password (on standard input) "
		    "must be 8 to %d bytes\n", TIX_MAX_PASSWORD);
		return 1;
	}
	rc = tix_password_hash(pw, pwlen, hash);
	tix_wipe(pw, sizeof(pw));
	if (rc != TIX_OK) {
		fprintf(stderr, "tix-admin: cannot hash the password\n");
		return 1;
	}

	rc = tix_db_run(db, &arena, TIX_STMT_TIMEZONE_VALID, &tz, 1, &rs);
	if (rc == TIX_OK && rs.nrows == 0) {
		fprintf(stderr, "tix-admin: %s is not an IANA time zone\n",
		    tz);
		return 1;
	}
	if (rc == TIX_OK)
		rc = tix_db_begin(db);
	p[0] = account;
	p[1] = tz;
	if (rc == TIX_OK)
		rc = tix_db_run(db, &arena, TIX_STMT_ACCOUNT_ENSURE, p, 2, &rs);
	if (rc == TIX_OK) {
		p[0] = tix_rows_get(&rs, 0, 0);
		p[1] = email;
		p[2] = name;
		p[3] = role;
		p[4] = hash;
		rc = tix_db_run(db, &arena, TIX_STMT_USER_INSERT, p, 5, &rs);
	}
	if (rc == TIX_OK)
		rc = tix_db_commit(db);
	if (rc != TIX_OK) {
		tix_db_rollback(db);
		if (rc == TIX_ECONFLICT)
			fprintf(stderr, "tix-admin: a user with the address %s "
			    "exists already\n", email);
		else
			fprintf(stderr, "tix-admin: %s\n", db_error(rc));
		return 1;
	}
	printf("added %s %s (id %s) to account %s\n", role, email,
	    tix_rows_get(&rs, 0, 0), account);
	return 0;
}

static int
cmd_user_disable(struct tix_db *db, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "email", required_argument, NULL, 'e' },
		{ NULL, 0, NULL, 0 }
	};
	const char	*email = NULL;
	struct tix_rows	 rs;
	enum tix_err	 rc;
	int		 c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 'e') {
			usage();
			return 2;
		}
		email = optarg;
	}
	if (email == NULL || optind != argc) {
		usage();
		return 2;
	}
	rc = tix_db_run(db, &arena, TIX_STMT_USER_DISABLE, &email, 1, &rs);
	if (rc != TIX_OK) {
		fprintf(stderr, "tix-admin: %s\n", db_error(rc));
		return 1;
	}
	if (rs.nrows == 0) {
		fprintf(stderr, "tix-admin: no user has the address %s\n",
		    email);
		return 1;
	}
	printf("disabled %s; their sessions and API tokens are revoked\n",
	    email);
	return 0;
}

/* Text of 1 to max characters, without control characters. */
static int
text_ok(const char *s, size_t max)
{
	size_t n = strlen(s);

	return n > 0 && tix_utf8_valid(s, n) && tix_utf8_len(s, n) <= max &&
	    !tix_has_control(s, n, false);
}

/* YYYY-MM-DD, digits in place; PostgreSQL checks the calendar. */
static int
date_ok(const char *s)
{
	size_t i;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	for (i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return 0;
	return 1;
}

static int
cmd_license_add(struct tix_db *db, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "account", required_argument, NULL, 'a' },
		{ "product", required_argument, NULL, 'p' },
		{ "max-activations", required_argument, NULL, 'm' },
		{ "expires", required_argument, NULL, 'e' },
		{ NULL, 0, NULL, 0 }
	};
	const char	*key = NULL, *account = NULL, *product = NULL;
	const char	*max = "1", *expires = NULL, *p[5];
	struct tix_rows	 rs;
	int64_t		 n;
	enum tix_err	 rc;
	int		 c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'k': key = optarg; break;
		case 'a': account = optarg; break;
		case 'p': product = optarg; break;
		case 'm': max = optarg; break;
		case 'e': expires = optarg; break;
		default: usage(); return 2;
		}
	}
	if (key == NULL || account == NULL || product == NULL ||
	    optind != argc) {
		usage();
		return 2;
	}
	if (!tix_license_key_valid(key)) {
		fprintf(stderr, "tix-admin: %s is not a license key (four "
		    "groups of five upper-case letters or digits, like "
		    "ABCDE-FGHIJ-KLMNO-12345)\n", key);
		return 1;
	}
	if (!text_ok(product, TIX_MAX_NAME)) {
		fprintf(stderr, "tix-admin: the product must be 1 to %d "
		    "characters of text\n", TIX_MAX_NAME);
		return 1;
	}
	if (!tix_parse_int64(max, strlen(max), false, &n) || n < 0 ||
	    n > 1000000) {
		fprintf(stderr, "tix-admin: --max-activations takes a whole "
		    "number from 0 to 1000000\n");
		return 1;
	}
	if (expires != NULL && !date_ok(expires)) {
		fprintf(stderr, "tix-admin: --expires takes a date as "
		    "YYYY-MM-DD\n");
		return 1;
	}
	p[0] = key;
	p[1] = account;
	p[2] = product;
	p[3] = max;
	p[4] = expires;
	rc = tix_db_run(db, &arena, TIX_STMT_LICENSE_INSERT, p, 5, &rs);
	if (rc == TIX_OK && rs.nrows == 0) {
		fprintf(stderr, "tix-admin: no account is named %s\n",
		    account);
		return 1;
	}
	if (rc == TIX_ECONFLICT) {
		fprintf(stderr, "tix-admin: the key %s exists already\n", key);
		return 1;
	}
	if (rc != TIX_OK) {
		fprintf(stderr, "tix-admin: %s\n", rc == TIX_EINTERNAL ?
		    "the license was not added (is the date a real day?)" :
		    db_error(rc));
		return 1;
	}
	printf("added license %s for %s to account %s\n", key, product,
	    account);
	return 0;
}

static int
cmd_activation_add(struct tix_db *db, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "machine", required_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 }
	};
	const char	*key = NULL, *machine = NULL, *p[2];
	struct tix_rows	 rs;
	enum tix_err	 rc;
	int		 c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'k': key = optarg; break;
		case 'm': machine = optarg; break;
		default: usage(); return 2;
		}
	}
	if (key == NULL || machine == NULL || optind != argc) {
		usage();
		return 2;
	}
	if (!text_ok(machine, TIX_MAX_NAME)) {
		fprintf(stderr, "tix-admin: the machine must be 1 to %d "
		    "characters of text\n", TIX_MAX_NAME);
		return 1;
	}
	p[0] = key;
	p[1] = machine;
	rc = tix_db_begin(db);
	if (rc == TIX_OK)
		rc = tix_db_run(db, &arena, TIX_STMT_ACTIVATION_INSERT, p, 2,
		    &rs);
	if (rc == TIX_OK && rs.nrows == 0) {
		tix_db_rollback(db);
		rc = tix_db_run(db, &arena, TIX_STMT_LICENSE_FOR_TICKET,
		    (const char *[]){ key, NULL }, 2, &rs);
		if (rc == TIX_OK && rs.nrows == 0)
			fprintf(stderr, "tix-admin: no license has the key "
			    "%s\n", key);
		else if (rc == TIX_OK)
			fprintf(stderr, "tix-admin: all %s activations of %s "
			    "are in use\n", tix_rows_get(&rs, 0, 5), key);
		else
			fprintf(stderr, "tix-admin: %s\n", db_error(rc));
		return 1;
	}
	if (rc == TIX_OK)
		rc = tix_db_commit(db);
	if (rc != TIX_OK) {
		tix_db_rollback(db);
		fprintf(stderr, "tix-admin: %s\n", db_error(rc));
		return 1;
	}
	printf("activated %s on %s\n", key, machine);
	return 0;
}

int
main(int argc, char **argv)
{
	struct tix_config	 cfg;
	struct tix_db		*db = NULL;
	enum tix_err		 rc;
	int			 status;

	tix_log_init("tix-admin");
	if (argc < 2 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0) {
		usage();
		return argc < 2 ? 2 : 0;
	}
	if (strcmp(argv[1], "migrate") != 0 && (argc < 3 ||
	    !((strcmp(argv[1], "user") == 0 && (strcmp(argv[2], "add") == 0 ||
	    strcmp(argv[2], "disable") == 0)) ||
	    (strcmp(argv[1], "license") == 0 && strcmp(argv[2], "add") == 0) ||
	    (strcmp(argv[1], "activation") == 0 &&
	    strcmp(argv[2], "add") == 0)))) {
		usage();
		return 2;
	}
	if (tix_config_load(&cfg) != TIX_OK)
		return 2;
	if (tix_crypto_init() != TIX_OK) {
		fprintf(stderr, "tix-admin: libsodium failed to start\n");
		return 1;
	}
	tix_arena_init(&arena);
	if (tix_db_open(cfg.database_url, &db) != TIX_OK)
		return 1;
	rc = tix_db_ensure(db);
	if (rc != TIX_OK) {
		fprintf(stderr, "tix-admin: %s\n", db_error(rc));
		tix_db_close(db);
		return 1;
	}
	if (strcmp(argv[1], "migrate") == 0)
		status = cmd_migrate(db);
	else if (strcmp(argv[1], "license") == 0)
		status = cmd_license_add(db, argc - 2, argv + 2);
	else if (strcmp(argv[1], "activation") == 0)
		status = cmd_activation_add(db, argc - 2, argv + 2);
	else if (strcmp(argv[2], "add") == 0)
		status = cmd_user_add(db, argc - 2, argv + 2);
	else
		status = cmd_user_disable(db, argc - 2, argv + 2);
	tix_db_close(db);
	tix_arena_reset(&arena);
	return status;
}
