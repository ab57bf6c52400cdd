/*
 * config.c: TIX_* settings from the environment.  Read at start-up, before
 * any request, so no request can influence them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "core/limits.h"
#include "core/str.h"

static enum tix_err
int_setting(const char *name, int def, int min, int max, int *out)
{
	const char	*s = getenv(name);
	int64_t		 v;

	*out = def;
	if (s == NULL || *s == '\0')
		return TIX_OK;
	if (!tix_parse_int64(s, strlen(s), false, &v) || v < min || v > max) {
		fprintf(stderr, "%s must be a whole number from %d to %d\n",
		    name, min, max);
		return TIX_EINVAL;
	}
	*out = (int)v;
	return TIX_OK;
}

/* A setting that goes into mail text or headers: printable ASCII only. */
static enum tix_err
text_setting(const char *name, const char *def, const char **out)
{
	const char	*s = getenv(name);
	size_t		 i;

	*out = def;
	if (s == NULL || *s == '\0')
		return TIX_OK;
	for (i = 0; s[i] != '\0'; i++)
		if (s[i] <= ' ' || s[i] > '~' || i >= 500) {
			fprintf(stderr, "%s must be up to 500 printable ASCII "
			    "characters without spaces\n", name);
			return TIX_EINVAL;
		}
	*out = s;
	return TIX_OK;
}

/* "smtp://" or "smtps://" (any case), then a host (after user:password@
 * when there is one): not empty, not a path. */
static bool
is_smtp_url(const char *u)
{
	size_t n;

	if (tix_str_ieq(u, strnlen(u, 7), "smtp://"))
		n = 7;
	else if (tix_str_ieq(u, strnlen(u, 8), "smtps://"))
		n = 8;
	else
		return false;
	u += n;
	if (strchr(u, '@') != NULL)
		u = strrchr(u, '@') + 1;
	return *u != '\0' && *u != '/' && *u != ':' && *u != '?' &&
	    *u != '#';
}

static enum tix_err
mail_settings(struct tix_config *cfg)
{
	static char	 base[512];
	const char	*at;
	size_t		 n;
	enum tix_err	 rc;

	rc = text_setting("TIX_PUBLIC_BASE_URL", "http://localhost",
	    &cfg->public_base_url);
	if (rc == TIX_OK)
		rc = text_setting("TIX_SMTP_URL", NULL, &cfg->smtp_url);
	if (rc == TIX_OK)
		rc = text_setting("TIX_SUPPORT_ADDRESS", "support@localhost",
		    &cfg->support_address);
	if (rc == TIX_OK)
		rc = text_setting("TIX_MAIL_AUTHSERV_ID", NULL,
		    &cfg->mail_authserv_id);
	if (rc == TIX_OK)
		rc = text_setting("TIX_MAIL_DIR", "var/mail", &cfg->mail_dir);
	if (rc != TIX_OK)
		return rc;
	cfg->mail_token_key_file = getenv("TIX_MAIL_TOKEN_KEY_FILE");
	if (strncmp(cfg->public_base_url, "http://", 7) != 0 &&
	    strncmp(cfg->public_base_url, "https://", 8) != 0) {
		fprintf(stderr, "TIX_PUBLIC_BASE_URL must start with http:// "
		    "or https://\n");
		return TIX_EINVAL;
	}
	/* Outbound URLs are the operator's, but a slip (or an injected
	 * environment) must not point the mailer at a file, another
	 * protocol or a web service: SMTP with a host, nothing else
	 * (security.md 73; libcurl is held to smtp and smtps as well). */
	if (cfg->smtp_url != NULL && !is_smtp_url(cfg->smtp_url)) {
		fprintf(stderr, "TIX_SMTP_URL must be smtp://HOST[:PORT] or "
		    "smtps://HOST[:PORT]\n");
		return TIX_EINVAL;
	}
	/* Links append "/customer/...": keep no trailing slash. */
	n = strlen(cfg->public_base_url);
	while (n > 0 && cfg->public_base_url[n - 1] == '/')
		n--;
	memcpy(base, cfg->public_base_url, n);
	base[n] = '\0';
	cfg->public_base_url = base;
	at = strchr(cfg->support_address, '@');
	if (at == NULL || at == cfg->support_address || at[1] == '\0' ||
	    strchr(at + 1, '@') != NULL ||
	    strcspn(cfg->support_address, "<>()[],;:\\\"+") !=
	    strlen(cfg->support_address)) {
		fprintf(stderr, "TIX_SUPPORT_ADDRESS must be a plain address "
		    "like support@example.com (no '+': tags are added)\n");
		return TIX_EINVAL;
	}
	return TIX_OK;
}

enum tix_err
tix_config_load(struct tix_config *cfg)
{
	enum tix_err rc;

	memset(cfg, 0, sizeof(*cfg));
	cfg->database_url = getenv("TIX_DATABASE_URL");
	if (cfg->database_url == NULL || *cfg->database_url == '\0') {
		fprintf(stderr, "TIX_DATABASE_URL is not set (a libpq "
		    "connection string, e.g. \"dbname=tix\")\n");
		return TIX_EINVAL;
	}
	rc = int_setting("TIX_SESSION_IDLE_MINUTES", 480, 1, 525600,
	    &cfg->session_idle_minutes);
	if (rc == TIX_OK)
		rc = int_setting("TIX_REQUEST_TIMEOUT_SECONDS", 60, 1, 3600,
		    &cfg->request_timeout_seconds);
	if (rc == TIX_OK)
		rc = int_setting("TIX_READ_TIMEOUT_SECONDS", 10, 1, 3600,
		    &cfg->read_timeout_seconds);
	if (rc == TIX_OK)
		rc = int_setting("TIX_LOGIN_MAX_PER_EMAIL", 5, 1, 1000,
		    &cfg->login_max_per_email);
	if (rc == TIX_OK)
		rc = int_setting("TIX_LOGIN_MAX_PER_ADDRESS", 30, 1, 100000,
		    &cfg->login_max_per_address);
	if (rc == TIX_OK)
		rc = int_setting("TIX_LOGIN_WINDOW_MINUTES", 15, 1, 1440,
		    &cfg->login_window_minutes);
	if (rc == TIX_OK)
		rc = int_setting("TIX_MAX_FILES", TIX_DEFAULT_MAX_FILES, 1,
		    TIX_CEIL_MAX_FILES, &cfg->max_files);
	if (rc == TIX_OK)
		rc = int_setting("TIX_MAX_FILE_BYTES",
		    (int)TIX_DEFAULT_MAX_FILE_BYTES, 1,
		    (int)TIX_CEIL_MAX_FILE_BYTES, &cfg->max_file_bytes);
	if (rc == TIX_OK)
		rc = int_setting("TIX_MAX_MAIL_BYTES",
		    (int)TIX_DEFAULT_MAX_MAIL_BYTES, 1024,
		    (int)TIX_CEIL_MAX_MAIL_BYTES, &cfg->max_mail_bytes);
	if (rc == TIX_OK)
		rc = int_setting("TIX_RETENTION_OUTBOX_DAYS", 30, 0, 36500,
		    &cfg->retention_outbox_days);
	if (rc == TIX_OK)
		rc = int_setting("TIX_RETENTION_SESSION_DAYS", 7, 0, 36500,
		    &cfg->retention_session_days);
	if (rc == TIX_OK)
		rc = int_setting("TIX_RETENTION_LOGIN_DAYS", 30, 0, 36500,
		    &cfg->retention_login_days);
	if (rc == TIX_OK)
		rc = int_setting("TIX_RETENTION_REVIEW_DAYS", 90, 0, 36500,
		    &cfg->retention_review_days);
	cfg->metrics_dir = getenv("TIX_METRICS_DIR");
	if (rc == TIX_OK && !tix_netlist_parse(getenv("TIX_TRUSTED_PROXIES"),
	    &cfg->trusted_proxies)) {
		fprintf(stderr, "TIX_TRUSTED_PROXIES must be up to %d "
		    "addresses or networks (10.0.0.0/8, ::1), separated by "
		    "commas or spaces\n", TIX_MAX_PROXIES);
		rc = TIX_EINVAL;
	}
	if (rc == TIX_OK)
		rc = int_setting("TIX_MAIL_TIMEOUT_SECONDS", 60, 1, 3600,
		    &cfg->mail_timeout_seconds);
	/* Checked by the workers that need it (tix-tickets, tix-files). */
	cfg->attachment_key_file = getenv("TIX_ATTACHMENT_KEY_FILE");
	/* Checked by tix-auth. */
	cfg->totp_key_file = getenv("TIX_TOTP_KEY_FILE");
	if (rc == TIX_OK)
		rc = int_setting("TIX_REQUIRE_2FA_FOR_STAFF", 0, 0, 1,
		    &cfg->require_2fa_for_staff);
	if (rc == TIX_OK)
		rc = mail_settings(cfg);
	return rc;
}
