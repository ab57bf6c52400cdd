/*
 * tix-admin: the operator's command line.
 *
 *   tix-admin migrate [--check | --dry-run]
 *   tix-admin config check [--for PROGRAM]
 *   tix-admin backup --to DIR
 *   tix-admin restore --from DIR [--force]
 *   tix-admin account export --account NAME --to DIR
 *   tix-admin account delete --account NAME [--yes]
 *   tix-admin user add --email E --name N --role customer|agent|admin
 *                      --account A [--timezone Europe/Berlin]
 *   tix-admin user disable --email E
 *   tix-admin user logout --email E
 *   tix-admin user reset-2fa --email E
 *   tix-admin security-events --email E
 *   tix-admin license add --key K --account A --product P
 *                         [--max-activations N] [--expires YYYY-MM-DD]
 *   tix-admin activation add --key K --machine M
 *   tix-admin outbox list [--failed] [--limit N]
 *   tix-admin outbox retry ID|--all-failed
 *
 * Settings come from the environment like the workers' (TIX_DATABASE_URL,
 * TIX_SQL_DIR).  Every command is one transaction; errors go to stderr
 * and the exit status is 1 (2 for a usage error).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "core/principal.h"
#include "core/arena.h"
#include "core/config.h"
#include "core/limits.h"
#include "core/log.h"
#include "core/str.h"
#include "crypto/crypto.h"
#include "db/db.h"
#include "db/migrate.h"
#include "mail/mail.h"
#include "outbox/manage.h"
#include "tickets/license.h"
#include "account.h"
#include "backup.h"

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
	    "usage: tix-admin migrate [--check | --dry-run]\n"
	    "       tix-admin config check [--for PROGRAM]"
	    " (the settings, checked)\n"
	    "       tix-admin backup --to DIR\n"
	    "       tix-admin restore --from DIR [--force]\n"
	    "       tix-admin account export --account NAME --to DIR"
	    " (a customer's data)\n"
	    "       tix-admin account delete --account NAME [--yes]"
	    " (without --yes: counts only)\n"
	    "       tix-admin user add --email E --name N "
	    "--role customer|agent|admin\n"
	    "                          --account A [--timezone ZONE]"
	    "   (password on standard input)\n"
	    "       tix-admin user disable --email E\n"
	    "       tix-admin user logout --email E"
	    "    (ends every session of the user)\n"
	    "       tix-admin user reset-2fa --email E"
	    " (turns two-factor login off)\n"
	    "       tix-admin security-events --email E"
	    " (logins, 2FA, passwords, sessions)\n"
	    "       tix-admin license add --key K --account A --product P\n"
	    "                             [--max-activations N] "
	    "[--expires YYYY-MM-DD]\n"
	    "       tix-admin activation add --key K --machine M\n"
	    "       tix-admin outbox list [--failed] [--limit N]\n"
	    "       tix-admin outbox retry ID|--all-failed\n");
}

static const char *
db_error(enum tix_err rc)
{
	if (rc == TIX_EUNAVAIL)
		return "the database is unreachable (see TIX_DATABASE_URL)";
	return tix_err_name(rc);
}

/* A migration's text, in an allocation of its own size: every file of
 * TIX_SQL_DIR is read in one run, so a fixed-size buffer each would add
 * up past the arena's limit. */
static char *
read_file(const char *path)
{
	FILE		*f = fopen(path, "r");
	struct stat	 st;
	char		*buf = NULL;
	size_t		 n;

	if (f == NULL)
		return NULL;
	if (fstat(fileno(f), &st) == 0 && st.st_size >= 0 &&
	    st.st_size <= MAX_SCRIPT)
		buf = tix_arena_alloc(&arena, (size_t)st.st_size + 1);
	n = buf == NULL ? 0 : fread(buf, 1, (size_t)st.st_size + 1, f);
	fclose(f);
	if (buf == NULL || n != (size_t)st.st_size)
		return NULL;
	buf[n] = '\0';
	return buf;
}

/* What migrate does with a file that is not recorded yet. */
enum migrate_mode {
	MIGRATE_APPLY,		/* run it and record it */
	MIGRATE_CHECK,		/* only say that it is pending */
	MIGRATE_DRY_RUN		/* run it, then roll it back */
};

static double
seconds_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) +
	    (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

static const char bootstrap[] =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version text PRIMARY KEY,"
    " applied_at timestamptz NOT NULL DEFAULT now())";

/* The first line of a migration that must run outside a transaction
 * block (CREATE INDEX CONCURRENTLY and friends: docs/upgrade.md). */
#define NO_TRANSACTION	"-- tix:no-transaction\n"

/*
 * A migration marked NO_TRANSACTION: under the migrators' lock held by
 * the session, run as it is (one statement: PostgreSQL runs a script of
 * several in one implicit transaction), then recorded.  It cannot be
 * rolled back, so --dry-run does not run it.  When it fails half-way
 * (an index build cancelled leaves an invalid index), nothing is
 * recorded and the next migrate runs it again: write it so that it may
 * (IF NOT EXISTS; docs/upgrade.md says how to clear an invalid index).
 */
static enum tix_err
migrate_outside(struct tix_db *db, const char *name, const char *sql,
    enum migrate_mode mode, int *pending)
{
	struct tix_rows	 rs;
	struct timespec	 t0;
	enum tix_err	 rc, rc2;

	rc = tix_db_run(db, &arena, TIX_STMT_MIGRATE_LOCK_SESSION, NULL, 0,
	    NULL);
	if (rc != TIX_OK)
		return rc;
	/* Whether it is recorded, in a transaction of its own (rolled back
	 * by --check and --dry-run, which leave the database as it was). */
	rc = tix_db_begin(db);
	if (rc == TIX_OK)
		rc = tix_db_script(db, bootstrap);
	if (rc == TIX_OK)
		rc = tix_db_run(db, &arena, TIX_STMT_MIGRATE_APPLIED, &name, 1,
		    &rs);
	if (rc == TIX_OK && mode == MIGRATE_APPLY)
		rc = tix_db_commit(db);
	else
		tix_db_rollback(db);
	if (rc == TIX_OK && rs.nrows == 0) {
		*pending = 1;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		if (mode == MIGRATE_CHECK)
			printf("pending %s (runs outside a transaction)\n",
			    name);
		else if (mode == MIGRATE_DRY_RUN)
			printf("would apply %s (runs outside a transaction, so "
			    "not tried)\n", name);
		else {
			rc = tix_db_script(db, sql);
			if (rc == TIX_OK)
				rc = tix_db_run(db, &arena,
				    TIX_STMT_MIGRATE_RECORD, &name, 1, NULL);
			if (rc == TIX_OK)
				printf("ran %s outside a transaction in %.3f "
				    "s\n", name, seconds_since(&t0));
		}
	}
	rc2 = tix_db_run(db, &arena, TIX_STMT_MIGRATE_UNLOCK_SESSION, NULL, 0,
	    NULL);
	if (rc != TIX_OK && mode == MIGRATE_APPLY)
		*pending = 0;
	return rc != TIX_OK ? rc : rc2;
}

/*
 * One migration file, in one transaction: *pending says whether it was
 * not recorded yet.  Only MIGRATE_APPLY commits; the other modes roll
 * back whatever they did (the bootstrap of schema_migrations included),
 * so they leave the database as it was.
 */
static enum tix_err
migrate_one(struct tix_db *db, const char *dir, const char *name,
    enum migrate_mode mode, int *pending)
{
	struct tix_rows	 rs;
	struct timespec	 t0;
	const char	*path, *sql;
	enum tix_err	 rc;

	*pending = 0;
	path = tix_arena_printf(&arena, "%s/%s", dir, name);
	sql = path == NULL ? NULL : read_file(path);
	if (sql == NULL) {
		fprintf(stderr, "tix-admin: cannot read %s\n", path);
		return TIX_EINVAL;
	}
	if (strncmp(sql, NO_TRANSACTION, strlen(NO_TRANSACTION)) == 0)
		return migrate_outside(db, name, sql, mode, pending);
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
		*pending = 1;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		if (mode != MIGRATE_CHECK)
			rc = tix_db_script(db, sql);
		if (rc == TIX_OK && mode == MIGRATE_APPLY)
			rc = tix_db_run(db, &arena, TIX_STMT_MIGRATE_RECORD,
			    &name, 1, NULL);
		if (rc == TIX_OK && mode == MIGRATE_DRY_RUN)
			printf("would apply %s (ran in %.3f s, rolled back)\n",
			    name, seconds_since(&t0));
		else if (rc == TIX_OK && mode == MIGRATE_CHECK)
			printf("pending %s\n", name);
	}
	if (rc == TIX_OK && mode == MIGRATE_APPLY)
		rc = tix_db_commit(db);
	else
		tix_db_rollback(db);
	if (rc != TIX_OK) {
		tix_db_rollback(db);
		if (mode == MIGRATE_APPLY)
			*pending = 0;
	}
	return rc;
}

/*
 * tix-admin migrate: apply the files of TIX_SQL_DIR not applied yet, in
 * name order.  --check lists them and exits 1 when there are any (0:
 * up to date); --dry-run runs each in a transaction it rolls back, to
 * see that it applies and how long it takes, and changes nothing.
 */
static int
cmd_migrate(struct tix_db *db, const struct tix_config *cfg, int argc,
    char **argv)
{
	const char	*dir = cfg->sql_dir;
	const char	*names[MAX_MIGRATIONS];
	enum migrate_mode mode = MIGRATE_APPLY;
	int		 n, i, pending, count = 0;
	enum tix_err	 rc;

	if (argc == 2 && strcmp(argv[1], "--check") == 0)
		mode = MIGRATE_CHECK;
	else if (argc == 2 && strcmp(argv[1], "--dry-run") == 0)
		mode = MIGRATE_DRY_RUN;
	else if (argc != 1) {
		usage();
		return 2;
	}
	if (dir == NULL)
		dir = TIX_DEFAULT_SQL_DIR;
	n = tix_migration_files(&arena, dir, names, MAX_MIGRATIONS);
	if (n < 0) {
		fprintf(stderr, "tix-admin: %s: %s (set TIX_SQL_DIR)\n", dir,
		    strerror(errno));
		return 1;
	}
	for (i = 0; i < n; i++) {
		rc = migrate_one(db, dir, names[i], mode, &pending);
		if (rc != TIX_OK) {
			fprintf(stderr, "tix-admin: migration %s failed: %s; "
			    "nothing of it was applied\n", names[i],
			    db_error(rc));
			return 1;
		}
		if (pending && mode == MIGRATE_APPLY)
			printf("applied %s\n", names[i]);
		count += pending;
	}
	if (mode == MIGRATE_CHECK) {
		printf(count ? "%d migration(s) pending\n" :
		    "%d migration(s) pending; the schema is up to date\n",
		    count);
		return count ? 1 : 0;
	}
	if (mode == MIGRATE_DRY_RUN) {
		printf("%d migration(s) would be applied; nothing was changed\n",
		    count);
		return 0;
	}
	printf("%d migration(s) applied; the schema is up to date\n", count);
	return 0;
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
	/* The validator of the mail code, so that every user can be sent
	 * notices: printable ASCII, an international domain in its ASCII
	 * (xn--) form. */
	if (!tix_mail_address_ok(email)) {
		fprintf(stderr, "tix-admin: %s is not a valid email address "
		    "(local@domain in printable ASCII; write an international "
		    "domain in its ASCII form, xn--...)\n", email);
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

/* The one option "--email E" of a command: 0, or 2 after the usage. */
static int
email_option(int argc, char **argv, const char **email)
{
	static const struct option opts[] = {
		{ "email", required_argument, NULL, 'e' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	*email = NULL;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 'e') {
			usage();
			return 2;
		}
		*email = optarg;
	}
	if (*email == NULL || optind != argc) {
		usage();
		return 2;
	}
	return 0;
}

/* An operator's change, in the audit trail. */
static void
admin_event(struct tix_db *db, const char *email, const char *kind)
{
	const char *p[6] = { NULL, email, kind, "success", "tix-admin",
	    "tix-admin" };

	if (tix_db_run(db, &arena, TIX_STMT_SECURITY_EVENT, p, 6, NULL) !=
	    TIX_OK)
		fprintf(stderr, "tix-admin: warning: the security event was "
		    "not recorded\n");
}

static int
cmd_security_events(struct tix_db *db, int argc, char **argv)
{
	const char	*email;
	struct tix_rows	 rs;
	enum tix_err	 rc;
	size_t		 i;

	if (email_option(argc, argv, &email) != 0)
		return 2;
	rc = tix_db_run(db, &arena, TIX_STMT_SECURITY_EVENTS, &email, 1, &rs);
	if (rc != TIX_OK) {
		fprintf(stderr, "tix-admin: %s\n", db_error(rc));
		return 1;
	}
	if (rs.nrows == 0) {
		fprintf(stderr, "tix-admin: no security events for %s\n",
		    email);
		return 0;
	}
	printf("time\tevent\toutcome\taddress\tuser agent\n");
	for (i = 0; i < rs.nrows; i++)
		printf("%s\t%s\t%s\t%s\t%s\n", tix_rows_get(&rs, i, 0),
		    tix_rows_get(&rs, i, 1), tix_rows_get(&rs, i, 2),
		    tix_rows_get(&rs, i, 3), tix_rows_get(&rs, i, 4));
	return 0;
}

/*
 * The commands that act on one user: --email E, then statement id with
 * E as its one parameter, whose answer names the user in a row (none:
 * no such user).  0 with *rs; else the exit status, the error said.
 */
static int
run_for_user(struct tix_db *db, int argc, char **argv, enum tix_stmt id,
    const char **email, struct tix_rows *rs)
{
	enum tix_err rc;

	if (email_option(argc, argv, email) != 0)
		return 2;
	rc = tix_db_run(db, &arena, id, email, 1, rs);
	if (rc != TIX_OK) {
		fprintf(stderr, "tix-admin: %s\n", db_error(rc));
		return 1;
	}
	if (rs->nrows == 0) {
		fprintf(stderr, "tix-admin: no user has the address %s\n",
		    *email);
		return 1;
	}
	return 0;
}

static int
cmd_user_logout(struct tix_db *db, int argc, char **argv)
{
	const char	*email;
	struct tix_rows	 rs;
	int		 status;

	status = run_for_user(db, argc, argv, TIX_STMT_USER_LOGOUT, &email,
	    &rs);
	if (status != 0)
		return status;
	admin_event(db, email, "admin_logout");
	printf("ended %s session(s) of %s (API tokens stay)\n",
	    tix_rows_get(&rs, 0, 0), email);
	return 0;
}

/* A lost phone without recovery codes: 2FA off, codes and pending
 * logins gone; the user logs in with the password and sets it up again. */
static int
cmd_user_reset_2fa(struct tix_db *db, int argc, char **argv)
{
	const char	*email;
	struct tix_rows	 rs;
	int		 status;

	status = run_for_user(db, argc, argv, TIX_STMT_TOTP_RESET, &email,
	    &rs);
	if (status != 0)
		return status;
	if (tix_rows_bool(&rs, 0, 1)) {
		admin_event(db, email, "2fa_reset");
		printf("two-factor login of %s is off; their recovery codes "
		    "are void\n", email);
	} else
		printf("%s had no two-factor login; nothing changed\n", email);
	return 0;
}

static int
cmd_user_disable(struct tix_db *db, int argc, char **argv)
{
	const char	*email;
	struct tix_rows	 rs;
	int		 status;

	status = run_for_user(db, argc, argv, TIX_STMT_USER_DISABLE, &email,
	    &rs);
	if (status != 0)
		return status;
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

/* tix-admin outbox list: what is waiting or has failed, newest first. */
static int
cmd_outbox_list(struct tix_db *db, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "failed", no_argument, NULL, 'f' },
		{ "limit", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 }
	};
	struct tix_outbox_entry	*rows;
	int64_t			 limit = 50;
	bool			 failed = false;
	size_t			 n, i;
	enum tix_err		 rc;
	int			 c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'f': failed = true; break;
		case 'n':
			if (!tix_parse_int64(optarg, strlen(optarg), false,
			    &limit) || limit < 1 || limit > 10000) {
				fprintf(stderr, "tix-admin: --limit takes 1 to "
				    "10000\n");
				usage();
				return 2;
			}
			break;
		default: usage(); return 2;
		}
	}
	if (optind != argc) {
		usage();
		return 2;
	}
	rc = tix_outbox_list(db, &arena, failed, (int)limit, &rows, &n);
	if (rc != TIX_OK) {
		fprintf(stderr, "tix-admin: %s\n", db_error(rc));
		return 1;
	}
	printf("%-8s %-10s %-7s %-12s %-8s %-20s %-20s %s\n", "ID", "TICKET",
	    "STATUS", "KIND", "ATTEMPTS", "CREATED", "NEXT TRY", "TO / ERROR");
	for (i = 0; i < n; i++) {
		const struct tix_outbox_entry *e = &rows[i];
		char number[32];

		/* A mail of no ticket (a password reset) has no number. */
		if (e->ticket_number > 0)
			snprintf(number, sizeof(number), "TICK-%lld",
			    (long long)e->ticket_number);
		else
			snprintf(number, sizeof(number), "-");
		printf("%-8lld %-10s %-7s %-12s %-8lld %-20s %-20s %s%s%s\n",
		    (long long)e->id, number, e->status, e->kind,
		    (long long)e->attempts, e->created_at,
		    strcmp(e->status, "failed") == 0 ? "-" : e->next_attempt_at,
		    e->recipient, e->last_error != NULL ? ": " : "",
		    e->last_error != NULL ? e->last_error : "");
	}
	printf("%zu notification(s) %s\n", n, failed ? "failed" :
	    "not sent");
	return 0;
}

/* tix-admin outbox retry: failed notifications queued again. */
static int
cmd_outbox_retry(struct tix_db *db, int argc, char **argv)
{
	int64_t		 id = 0, count;
	enum tix_err	 rc;

	if (argc != 2 || (strcmp(argv[1], "--all-failed") != 0 &&
	    (!tix_parse_int64(argv[1], strlen(argv[1]), false, &id) ||
	    id < 1))) {
		usage();
		return 2;
	}
	rc = tix_outbox_requeue(db, &arena, id, &count);
	if (rc != TIX_OK) {
		fprintf(stderr, "tix-admin: %s\n", db_error(rc));
		return 1;
	}
	if (id > 0 && count == 0) {
		fprintf(stderr, "tix-admin: notification %lld is not a failed "
		    "one (see tix-admin outbox list --failed)\n",
		    (long long)id);
		return 1;
	}
	printf("%lld notification(s) queued again\n", (long long)count);
	return 0;
}

/*
 * tix-admin config check [--for PROGRAM]: every setting as PROGRAM (one of
 * the Tix programs; default: all of them at once) would read it, checked
 * the same way, with where each came from; secrets masked.  0 when all
 * are valid, 2 (and the one line naming the bad one) when not.
 */
static int
cmd_config_check(int argc, char **argv)
{
	static const char *const programs[] = { "tix-auth", "tix-tickets",
	    "tix-files", "tix-scheduler", "tix-notify", "tix-mailin",
	    "tix-admin" };
	struct tix_config	 cfg;
	const char		*program = NULL;
	size_t			 i;

	if (argc == 3 && strcmp(argv[1], "--for") == 0) {
		for (i = 0; i < sizeof(programs) / sizeof(programs[0]); i++)
			if (strcmp(argv[2], programs[i]) == 0)
				program = programs[i];
		if (program == NULL) {
			fprintf(stderr, "tix-admin: --for takes tix-auth, "
			    "tix-tickets, tix-files, tix-scheduler, "
			    "tix-notify, tix-mailin or tix-admin\n");
			return 2;
		}
	} else if (argc != 1) {
		usage();
		return 2;
	}
	if (tix_config_load(&cfg, program) != TIX_OK)
		return 2;
	tix_config_print(stdout, &cfg);
	printf("configuration valid%s%s\n", program != NULL ? " for " : "",
	    program != NULL ? program : "");
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
	if (argc >= 3 && strcmp(argv[1], "config") == 0 &&
	    strcmp(argv[2], "check") == 0)
		return cmd_config_check(argc - 2, argv + 2);
	if (strcmp(argv[1], "migrate") != 0 &&
	    strcmp(argv[1], "backup") != 0 &&
	    strcmp(argv[1], "restore") != 0 &&
	    strcmp(argv[1], "security-events") != 0 && (argc < 3 ||
	    !((strcmp(argv[1], "user") == 0 && (strcmp(argv[2], "add") == 0 ||
	    strcmp(argv[2], "disable") == 0 ||
	    strcmp(argv[2], "logout") == 0 ||
	    strcmp(argv[2], "reset-2fa") == 0)) ||
	    (strcmp(argv[1], "license") == 0 && strcmp(argv[2], "add") == 0) ||
	    (strcmp(argv[1], "account") == 0 &&
	    (strcmp(argv[2], "export") == 0 ||
	    strcmp(argv[2], "delete") == 0)) ||
	    (strcmp(argv[1], "activation") == 0 &&
	    strcmp(argv[2], "add") == 0) ||
	    (strcmp(argv[1], "outbox") == 0 && (strcmp(argv[2], "list") == 0 ||
	    strcmp(argv[2], "retry") == 0))))) {
		usage();
		return 2;
	}
	/* Backup and account export read the key files; no other command
	 * needs them. */
	if (tix_config_load(&cfg, strcmp(argv[1], "backup") == 0 ||
	    (strcmp(argv[1], "account") == 0 &&
	    strcmp(argv[2], "export") == 0) ? "tix-backup" : "tix-admin") !=
	    TIX_OK)
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
		status = cmd_migrate(db, &cfg, argc - 1, argv + 1);
	else if (strcmp(argv[1], "backup") == 0)
		status = tix_backup_main(db, &arena, &cfg, argc - 1, argv + 1);
	else if (strcmp(argv[1], "restore") == 0)
		status = tix_restore_main(db, &arena, &cfg, argc - 1, argv + 1);
	else if (strcmp(argv[1], "security-events") == 0)
		status = cmd_security_events(db, argc - 1, argv + 1);
	else if (strcmp(argv[1], "account") == 0)
		status = tix_account_main(db, &arena, &cfg, argc - 2,
		    argv + 2);
	else if (strcmp(argv[1], "license") == 0)
		status = cmd_license_add(db, argc - 2, argv + 2);
	else if (strcmp(argv[1], "activation") == 0)
		status = cmd_activation_add(db, argc - 2, argv + 2);
	else if (strcmp(argv[1], "outbox") == 0 && strcmp(argv[2], "list") == 0)
		status = cmd_outbox_list(db, argc - 2, argv + 2);
	else if (strcmp(argv[1], "outbox") == 0)
		status = cmd_outbox_retry(db, argc - 2, argv + 2);
	else if (strcmp(argv[2], "add") == 0)
		status = cmd_user_add(db, argc - 2, argv + 2);
	else if (strcmp(argv[2], "reset-2fa") == 0)
		status = cmd_user_reset_2fa(db, argc - 2, argv + 2);
	else if (strcmp(argv[2], "logout") == 0)
		status = cmd_user_logout(db, argc - 2, argv + 2);
	else
		status = cmd_user_disable(db, argc - 2, argv + 2);
	tix_db_close(db);
	tix_arena_reset(&arena);
	return status;
}
