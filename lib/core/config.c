/*
 * config.c: TIX_* settings from the environment.  Read at start-up, before
 * any request, so no request can influence them.
 *
 * One table holds every setting: its name, its kind (which says how it
 * is checked), its default, its range and where it goes in struct
 * tix_config.  tix_config_load() checks each against its kind and stops
 * at the first bad one with one line on stderr naming it; nothing is
 * checked anywhere else.  A new setting is one row here, one field in
 * config.h and one line in the README's table.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/config.h"
#include "core/limits.h"
#include "core/str.h"

/* The longest text setting; URLs and paths included. */
#define MAX_SETTING	1000

enum kind {
	K_INT,		/* a whole number in [min, max] */
	K_TEXT,		/* printable ASCII without spaces */
	K_URL,		/* scheme://host[:port][/...], scheme from a list */
	K_CONNINFO,	/* a libpq connection string: key=value or URI */
	K_KEYFILE,	/* a readable file with a 32-byte key (raw or hex) */
	K_DIR,		/* an existing directory */
	K_NETLIST,	/* addresses and networks (core/addr.h) */
	K_ADDRESS,	/* a plain mail address without '+' */
	K_MODE		/* an octal file mode, 0 to 0777 */
};

struct setting {
	const char	*name;
	enum kind	 kind;
	size_t		 off;		/* the field in struct tix_config */
	const char	*def;		/* default text (NULL: unset) */
	int64_t		 min, max;	/* K_INT, K_MODE */
	const char	*schemes;	/* K_URL: "http https" */
	bool		 required;
	bool		 secret;	/* config check masks passwords */
	const char	*readers;	/* the programs that read it (NULL:
					 * all); the others leave it alone.
					 * tix-backup: tix-admin backup */
};

#define WORKERS		"tix-auth tix-tickets tix-files"
#define F(field)	offsetof(struct tix_config, field)
#define STR(x)		#x
#define XSTR(x)		STR(x)

static const struct setting settings[] = {
	{ .name = "TIX_DATABASE_URL", .kind = K_CONNINFO,
	    .off = F(database_url), .required = true, .secret = true },
	{ .name = "TIX_DATABASE_READ_URL", .kind = K_CONNINFO,
	    .off = F(database_read_url), .secret = true,
	    .readers = "tix-tickets" },
	{ .name = "TIX_SQL_DIR", .kind = K_DIR, .off = F(sql_dir),
	    .readers = "tix-admin tix-tickets" },
	{ .name = "TIX_SESSION_IDLE_MINUTES", .kind = K_INT,
	    .off = F(session_idle_minutes), .def = "480", .min = 1,
	    .max = 525600 },
	{ .name = "TIX_REQUEST_TIMEOUT_SECONDS", .kind = K_INT,
	    .off = F(request_timeout_seconds), .def = "60", .min = 1,
	    .max = 3600 },
	{ .name = "TIX_READ_TIMEOUT_SECONDS", .kind = K_INT,
	    .off = F(read_timeout_seconds), .def = "10", .min = 1,
	    .max = 3600 },
	{ .name = "TIX_LOGIN_MAX_PER_EMAIL", .kind = K_INT,
	    .off = F(login_max_per_email), .def = "5", .min = 1, .max = 1000 },
	{ .name = "TIX_LOGIN_MAX_PER_ADDRESS", .kind = K_INT,
	    .off = F(login_max_per_address), .def = "30", .min = 1,
	    .max = 100000 },
	{ .name = "TIX_LOGIN_WINDOW_MINUTES", .kind = K_INT,
	    .off = F(login_window_minutes), .def = "15", .min = 1,
	    .max = 1440 },
	{ .name = "TIX_TRUSTED_PROXIES", .kind = K_NETLIST,
	    .off = F(trusted_proxies) },
	{ .name = "TIX_SOCKET_MODE", .kind = K_MODE, .off = F(socket_mode),
	    .def = "0660", .min = 0, .max = 0777, .readers = WORKERS },
	{ .name = "TIX_MAX_FILES", .kind = K_INT, .off = F(max_files),
	    .def = XSTR(TIX_DEFAULT_MAX_FILES), .min = 1,
	    .max = TIX_CEIL_MAX_FILES },
	{ .name = "TIX_MAX_FILE_BYTES", .kind = K_INT, .off = F(max_file_bytes),
	    .def = "10485760", .min = 1, .max = TIX_CEIL_MAX_FILE_BYTES },
	{ .name = "TIX_ATTACHMENT_KEY_FILE", .kind = K_KEYFILE,
	    .off = F(attachment_key_file),
	    .readers = "tix-tickets tix-files tix-mailin tix-backup" },
	{ .name = "TIX_TOTP_KEY_FILE", .kind = K_KEYFILE,
	    .off = F(totp_key_file), .readers = "tix-auth tix-backup" },
	{ .name = "TIX_REQUIRE_2FA_FOR_STAFF", .kind = K_INT,
	    .off = F(require_2fa_for_staff), .def = "0", .min = 0, .max = 1 },
	{ .name = "TIX_METRICS_DIR", .kind = K_DIR, .off = F(metrics_dir),
	    .readers = WORKERS },
	{ .name = "TIX_RETENTION_OUTBOX_DAYS", .kind = K_INT,
	    .off = F(retention_outbox_days), .def = "30", .min = 0,
	    .max = 36500 },
	{ .name = "TIX_RETENTION_SESSION_DAYS", .kind = K_INT,
	    .off = F(retention_session_days), .def = "7", .min = 0,
	    .max = 36500 },
	{ .name = "TIX_RETENTION_LOGIN_DAYS", .kind = K_INT,
	    .off = F(retention_login_days), .def = "30", .min = 0,
	    .max = 36500 },
	{ .name = "TIX_RETENTION_REVIEW_DAYS", .kind = K_INT,
	    .off = F(retention_review_days), .def = "90", .min = 0,
	    .max = 36500 },
	/* Mail. */
	{ .name = "TIX_PUBLIC_BASE_URL", .kind = K_URL,
	    .off = F(public_base_url), .def = "http://localhost",
	    .schemes = "http https" },
	{ .name = "TIX_SMTP_URL", .kind = K_URL, .off = F(smtp_url),
	    .schemes = "smtp smtps", .secret = true },
	{ .name = "TIX_SUPPORT_ADDRESS", .kind = K_ADDRESS,
	    .off = F(support_address), .def = "support@localhost" },
	{ .name = "TIX_MAIL_TOKEN_KEY_FILE", .kind = K_KEYFILE,
	    .off = F(mail_token_key_file),
	    .readers = "tix-notify tix-mailin tix-backup" },
	{ .name = "TIX_MAIL_AUTHSERV_ID", .kind = K_TEXT,
	    .off = F(mail_authserv_id) },
	{ .name = "TIX_MAIL_DIR", .kind = K_TEXT, .off = F(mail_dir),
	    .def = "var/mail" },
	{ .name = "TIX_MAX_MAIL_BYTES", .kind = K_INT, .off = F(max_mail_bytes),
	    .def = "26214400", .min = 1024, .max = TIX_CEIL_MAX_MAIL_BYTES },
	{ .name = "TIX_MAIL_TIMEOUT_SECONDS", .kind = K_INT,
	    .off = F(mail_timeout_seconds), .def = "60", .min = 1,
	    .max = 3600 },
	/* tix-mailin --imap's mailbox (docs/deploy.md): no login in the
	 * URL, the password in a file. */
	{ .name = "TIX_IMAP_URL", .kind = K_URL, .off = F(imap_url),
	    .schemes = "imap imaps", .readers = "tix-mailin" },
	{ .name = "TIX_IMAP_USER", .kind = K_TEXT, .off = F(imap_user),
	    .readers = "tix-mailin" },
	{ .name = "TIX_IMAP_PASSWORD_FILE", .kind = K_TEXT,
	    .off = F(imap_password_file), .readers = "tix-mailin" },
	/* The SMS gateway: To/From/Body form fields (docs/deploy.md). */
	{ .name = "TIX_SMS_URL", .kind = K_URL, .off = F(sms_url),
	    .schemes = "http https", .secret = true, .readers = "tix-notify" },
	{ .name = "TIX_SMS_USER", .kind = K_TEXT, .off = F(sms_user),
	    .readers = "tix-notify" },
	{ .name = "TIX_SMS_PASSWORD_FILE", .kind = K_TEXT,
	    .off = F(sms_password_file), .readers = "tix-notify" },
	{ .name = "TIX_SMS_FROM", .kind = K_TEXT, .off = F(sms_from),
	    .readers = "tix-notify" },
};

#define NSETTINGS	(sizeof(settings) / sizeof(settings[0]))
_Static_assert(NSETTINGS <= TIX_CONFIG_MAX, "raise TIX_CONFIG_MAX");

static bool
is_printable(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] <= ' ' || s[i] > '~')
			return false;
	return true;
}

static bool
is_in_words(const char *words, const char *w, size_t n)
{
	const char *p = words;

	while (*p != '\0') {
		size_t len = strcspn(p, " ");

		if (len == n && strncmp(p, w, n) == 0)
			return true;
		p += len;
		p += strspn(p, " ");
	}
	return false;
}

/*
 * scheme://[user[:password]@]host[:port][/path...]: host is a name, an
 * IPv4 address or [IPv6]; port 1 to 65535; the scheme one of the words
 * of schemes.  NULL when well-formed, else what is wrong.
 */
static const char *
url_problem(const char *s, const char *schemes)
{
	const char	*p, *auth, *end, *host, *colon;
	size_t		 n, i;
	int64_t		 port;

	p = strstr(s, "://");
	if (p == NULL || p == s)
		return "is not a URL (scheme://host...)";
	if (!is_in_words(schemes, s, (size_t)(p - s)))
		return "has a scheme that is not allowed here";
	auth = p + 3;
	end = auth + strcspn(auth, "/?#");
	host = auth;
	for (p = auth; p < end; p++)
		if (*p == '@')
			host = p + 1;
	if (host == end || *host == ':')
		return "has no host";
	if (*host == '[') {
		p = memchr(host, ']', (size_t)(end - host));
		if (p == NULL || p == host + 1)
			return "has a bad [IPv6] host";
		colon = p + 1 < end && p[1] == ':' ? p + 1 : NULL;
		if (p + 1 < end && colon == NULL)
			return "has a bad [IPv6] host";
	} else {
		colon = memchr(host, ':', (size_t)(end - host));
		n = (size_t)((colon != NULL ? colon : end) - host);
		for (i = 0; i < n; i++)
			if (!((host[i] >= 'a' && host[i] <= 'z') ||
			    (host[i] >= 'A' && host[i] <= 'Z') ||
			    (host[i] >= '0' && host[i] <= '9') ||
			    host[i] == '-' || host[i] == '.' || host[i] == '_'))
				return "has a bad host name";
	}
	if (colon != NULL) {
		n = (size_t)(end - colon - 1);
		if (!tix_parse_int64(colon + 1, n, false, &port) || port < 1 ||
		    port > 65535)
			return "has a bad port (1 to 65535)";
	}
	return NULL;
}

static bool
is_key_char(char c)
{
	return (c >= 'a' && c <= 'z') || c == '_';
}

/* A conninfo key=value value (bare or quoted) from p: its end, NULL
 * when a quote is not closed. */
static const char *
value_end(const char *p)
{
	if (*p != '\'')
		return p + strcspn(p, " ");
	for (p++; *p != '\'' && *p != '\0'; p++)
		if (*p == '\\' && p[1] != '\0')
			p++;
	return *p == '\'' ? p + 1 : NULL;
}

/*
 * A libpq connection string: a postgres:// or postgresql:// URI, or
 * keyword=value pairs with bare or single-quoted values (libpq's own
 * syntax, "Connection Strings" in its manual).  libpq checks the
 * keywords themselves at the first connection.
 */
static const char *
conninfo_problem(const char *s)
{
	const char *p = s;

	if (strncmp(s, "postgres://", 11) == 0 ||
	    strncmp(s, "postgresql://", 13) == 0)
		return strchr(s, ' ') != NULL ? "is a URI with a space in it" :
		    NULL;
	while (*p == ' ')
		p++;
	if (*p == '\0')
		return "is empty";
	while (*p != '\0') {
		if (!is_key_char(*p))
			return "is not a libpq connection string "
			    "(\"host=... dbname=tix\" or postgresql://...)";
		while (is_key_char(*p))
			p++;
		while (*p == ' ')
			p++;
		if (*p++ != '=')
			return "has a keyword without \"=value\"";
		while (*p == ' ')
			p++;
		if (*p == '\0')
			return "has a keyword without a value";
		p = value_end(p);
		if (p == NULL)
			return "has an unterminated quoted value";
		while (*p == ' ')
			p++;
	}
	return NULL;
}

static bool
is_hex(const unsigned char *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!((b[i] >= '0' && b[i] <= '9') || (b[i] >= 'a' &&
		    b[i] <= 'f') || (b[i] >= 'A' && b[i] <= 'F')))
			return false;
	return true;
}

/* The key itself is read by the program that needs it (crypto/); here
 * only that it is there and has the right shape. */
static const char *
keyfile_problem(const char *path)
{
	static char	 why[160];
	unsigned char	 buf[130];
	struct stat	 st;
	FILE		*f;
	size_t		 n;

	f = fopen(path, "rb");
	if (f == NULL) {
		snprintf(why, sizeof(why), "cannot be read: %s",
		    strerror(errno));
		return why;
	}
	if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
		fclose(f);
		return "is not a regular file";
	}
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	if (n != 32) {
		while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r' ||
		    buf[n - 1] == ' ' || buf[n - 1] == '\t'))
			n--;
		if (n != 64 || !is_hex(buf, n))
			n = 0;
	}
	explicit_bzero(buf, sizeof(buf));
	return n == 0 ? "must hold a 32-byte key (32 raw bytes or 64 hex "
	    "digits)" : NULL;
}

static const char *
address_problem(const char *s)
{
	const char *at = strchr(s, '@');

	if (at == NULL || at == s || at[1] == '\0' ||
	    strchr(at + 1, '@') != NULL ||
	    strcspn(s, "<>()[],;:\\\"+") != strlen(s))
		return "must be a plain address like support@example.com "
		    "(no '+': tags are added)";
	return NULL;
}

/* Check s for setting t and store it in cfg; NULL or the problem. */
static const char *
take(const struct setting *t, const char *s, struct tix_config *cfg)
{
	static char	 why[120];
	char		*field = (char *)cfg + t->off;
	struct stat	 st;
	const char	*bad = NULL;
	int64_t		 v;
	size_t		 n = strlen(s);
	char		*end;
	long		 mode;

	if (n > MAX_SETTING)
		return "is longer than " XSTR(MAX_SETTING) " characters";
	switch (t->kind) {
	case K_INT:
		if (!tix_parse_int64(s, n, false, &v) || v < t->min ||
		    v > t->max) {
			snprintf(why, sizeof(why), "must be a whole number "
			    "from %lld to %lld", (long long)t->min,
			    (long long)t->max);
			return why;
		}
		*(int *)(void *)field = (int)v;
		return NULL;
	case K_MODE:
		errno = 0;
		mode = strtol(s, &end, 8);
		if (*s < '0' || *s > '7' || *end != '\0' || errno != 0 ||
		    mode < 0 || mode > t->max)
			return "must be an octal file mode from 0 to 0777";
		*(int *)(void *)field = (int)mode;
		return NULL;
	case K_NETLIST:
		if (!tix_netlist_parse(s, (struct tix_netlist *)(void *)field))
			return "must be up to " XSTR(TIX_MAX_PROXIES)
			    " addresses or networks (10.0.0.0/8, ::1), "
			    "separated by commas or spaces";
		return NULL;
	case K_CONNINFO:
		if (tix_has_control(s, n, false) || !tix_utf8_valid(s, n))
			bad = "has control characters or is not UTF-8";
		else
			bad = conninfo_problem(s);
		break;
	case K_TEXT:
	case K_URL:
	case K_ADDRESS:
		if (!is_printable(s, n))
			bad = "must be printable ASCII without spaces";
		else if (t->kind == K_URL)
			bad = url_problem(s, t->schemes);
		else if (t->kind == K_ADDRESS)
			bad = address_problem(s);
		break;
	case K_KEYFILE:
		bad = keyfile_problem(s);
		break;
	case K_DIR:
		if (stat(s, &st) != 0) {
			snprintf(why, sizeof(why), "%s: %s", s,
			    strerror(errno));
			bad = why;
		} else if (!S_ISDIR(st.st_mode))
			bad = "is not a directory";
		break;
	}
	if (bad == NULL)
		*(const char **)(void *)field = s;
	return bad;
}

/* Whether program (NULL: any) reads setting i. */
static bool
reads(const char *program, size_t i)
{
	const char *r = settings[i].readers;

	return program == NULL || r == NULL ||
	    is_in_words(r, program, strlen(program));
}

const char *
tix_config_keys_problem(const struct tix_config *cfg, const char *program,
    const char **setting)
{
	const char	*path, *bad;
	size_t		 i;

	*setting = NULL;
	for (i = 0; i < NSETTINGS; i++) {
		if (settings[i].kind != K_KEYFILE || !reads(program, i))
			continue;
		path = *(const char *const *)(const void *)
		    ((const char *)cfg + settings[i].off);
		if (path == NULL)
			continue;
		bad = keyfile_problem(path);
		if (bad != NULL) {
			*setting = settings[i].name;
			return bad;
		}
	}
	return NULL;
}

enum tix_err
tix_config_load(struct tix_config *cfg, const char *program)
{
	static char	 base[MAX_SETTING + 1];
	const char	*s, *why;
	const char	*who = program != NULL ? program : "tix-admin";
	size_t		 i, n;

	memset(cfg, 0, sizeof(*cfg));
	for (i = 0; i < NSETTINGS; i++) {
		const struct setting *t = &settings[i];

		s = getenv(t->name);
		cfg->from_env[i] = s != NULL && *s != '\0' &&
		    reads(program, i);
		if (!cfg->from_env[i]) {
			if (t->required) {
				fprintf(stderr, "%s: %s is not set (see the "
				    "README's settings)\n", who, t->name);
				return TIX_EINVAL;
			}
			if (t->def == NULL)
				continue;
			s = t->def;
		}
		why = take(t, s, cfg);
		if (why != NULL) {
			fprintf(stderr, "%s: %s %s\n", who, t->name, why);
			return TIX_EINVAL;
		}
	}
	if (cfg->sms_url != NULL && cfg->sms_from == NULL) {
		fprintf(stderr, "%s: TIX_SMS_URL needs TIX_SMS_FROM (the sender "
		    "number or name the gateway allows)\n", who);
		return TIX_EINVAL;
	}
	/* Links append "/customer/...": keep no trailing slash. */
	n = strlen(cfg->public_base_url);
	while (n > 0 && cfg->public_base_url[n - 1] == '/')
		n--;
	memcpy(base, cfg->public_base_url, n);
	base[n] = '\0';
	cfg->public_base_url = base;
	return TIX_OK;
}

/*
 * A URL or connection string with its password replaced by "***":
 * user:PASSWORD@ in a URL, password=VALUE in key=value form (which
 * tix_config_load() found well-formed).
 */
static void
print_masked(FILE *out, const char *s)
{
	const char *p, *end, *at = NULL, *colon, *key;
	size_t klen;

	p = strstr(s, "://");
	if (p != NULL) {
		end = p + 3 + strcspn(p + 3, "/?#");
		for (colon = p + 3; colon < end; colon++)
			if (*colon == '@')
				at = colon;
		colon = at == NULL ? NULL : memchr(p + 3, ':',
		    (size_t)(at - p - 3));
		if (colon != NULL)
			fprintf(out, "%.*s:***%s", (int)(colon - s), s, at);
		else
			fputs(s, out);
		return;
	}
	while (*s != '\0') {
		key = s + strspn(s, " ");
		for (p = key; is_key_char(*p); p++)
			continue;
		klen = (size_t)(p - key);
		p += strspn(p, " ");
		p += *p == '=';
		p += strspn(p, " ");
		end = value_end(p);
		if (klen == 8 && strncmp(key, "password", 8) == 0)
			fprintf(out, "%.*s***", (int)(p - s), s);
		else
			fprintf(out, "%.*s", (int)(end - s), s);
		s = end;
	}
}

void
tix_config_print(FILE *out, const struct tix_config *cfg)
{
	const char	*s;
	size_t		 i;

	for (i = 0; i < NSETTINGS; i++) {
		const struct setting *t = &settings[i];
		const char *field = (const char *)cfg + t->off;

		fprintf(out, "%s=", t->name);
		switch (t->kind) {
		case K_INT:
			fprintf(out, "%d", *(const int *)(const void *)field);
			break;
		case K_MODE:
			fprintf(out, "%04o", *(const int *)(const void *)field);
			break;
		case K_NETLIST:
			s = getenv(t->name);
			fputs(cfg->from_env[i] ? s : "", out);
			break;
		default:
			s = *(const char *const *)(const void *)field;
			if (s != NULL && t->secret)
				print_masked(out, s);
			else if (s != NULL)
				fputs(s, out);
			break;
		}
		fprintf(out, "\t(%s)\n", cfg->from_env[i] ? "environment" :
		    t->def != NULL ? "default" : "unset");
	}
}

enum tix_err
tix_config_read_secret(const char *setting, const char *path, char *out,
    size_t cap)
{
	FILE	*f;
	size_t	 n = 0;
	int	 c;

	out[0] = '\0';
	f = fopen(path, "r");
	if (f == NULL) {
		fprintf(stderr, "%s: cannot read %s\n", setting, path);
		return TIX_EINVAL;
	}
	while ((c = getc(f)) != EOF && c != '\n' && c != '\r' &&
	    n + 1 < cap)
		out[n++] = (char)c;
	out[n] = '\0';
	fclose(f);
	if (n == 0 || n + 1 >= cap) {
		memset(out, 0, cap);
		fprintf(stderr, "%s: %s must hold the password on its first "
		    "line (1 to %zu bytes)\n", setting, path, cap - 2);
		return TIX_EINVAL;
	}
	return TIX_OK;
}
