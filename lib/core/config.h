/*
 * config.h: the process's settings, read once from TIX_* environment
 * variables at start-up (README lists them all).
 */
#ifndef TIX_CORE_CONFIG_H
#define TIX_CORE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "core/addr.h"
#include "core/err.h"

/* The most settings the table of config.c may hold. */
#define TIX_CONFIG_MAX	64

struct tix_config {
	const char	*database_url;		/* TIX_DATABASE_URL */
	/* A streaming replica for the ticket list and search (NULL: none;
	 * db/replica.c says when it is used). */
	const char	*database_read_url;	/* TIX_DATABASE_READ_URL */
	/* The migrations of tix-admin migrate (NULL: its default). */
	const char	*sql_dir;		/* TIX_SQL_DIR */
	/* A worker's unix socket's file mode (default 0660). */
	int		 socket_mode;		/* TIX_SOCKET_MODE */
	int		 session_idle_minutes;	/* TIX_SESSION_IDLE_MINUTES */
	/* TIX_REQUEST_TIMEOUT_SECONDS: a worker process still on one request
	 * after this long is stuck, and ends (the runner starts another). */
	int		 request_timeout_seconds;
	/* TIX_READ_TIMEOUT_SECONDS: the longest a worker waits for one read
	 * from its peer (nginx), from the connection's first byte on: a peer
	 * that connects and sends nothing is dropped after this long. */
	int		 read_timeout_seconds;
	/* Failed logins within the window, per (client address, email)
	 * and per client address, before 429. */
	int		 login_max_per_email;	/* TIX_LOGIN_MAX_PER_EMAIL */
	int		 login_max_per_address;	/* TIX_LOGIN_MAX_PER_ADDRESS */
	int		 login_window_minutes;	/* TIX_LOGIN_WINDOW_MINUTES */
	/* Peers whose X-Forwarded-For names the client. */
	struct tix_netlist trusted_proxies;	/* TIX_TRUSTED_PROXIES */
	int		 max_files;		/* TIX_MAX_FILES */
	int		 max_file_bytes;	/* TIX_MAX_FILE_BYTES */
	const char	*attachment_key_file;	/* TIX_ATTACHMENT_KEY_FILE */
	/* The key TOTP secrets are sealed under (tix-auth needs it). */
	const char	*totp_key_file;		/* TIX_TOTP_KEY_FILE */
	/* Agents and admins must use 2FA. */
	int		 require_2fa_for_staff;	/* TIX_REQUIRE_2FA_FOR_STAFF */
	/* The largest message tix-mailin takes. */
	int		 max_mail_bytes;	/* TIX_MAX_MAIL_BYTES */
	/* tix-mailin's wall-clock limit for one message. */
	int		 mail_timeout_seconds;	/* TIX_MAIL_TIMEOUT_SECONDS */
	/* Mail: the base of links in notices (no trailing slash; default
	 * http://localhost), the SMTP server (tix-notify; NULL: unset) and
	 * the address notices come from (default support@localhost). */
	const char	*public_base_url;	/* TIX_PUBLIC_BASE_URL */
	const char	*smtp_url;		/* TIX_SMTP_URL */
	const char	*support_address;	/* TIX_SUPPORT_ADDRESS */
	/* Where the workers keep their shared request counters (NULL:
	 * none counted; core/metrics.h). */
	const char	*metrics_dir;		/* TIX_METRICS_DIR */
	/* Retention, in days (tix-scheduler prunes; 0: keep for ever):
	 * sent notices, sessions after they expired, failed logins, inbound
	 * mail kept for review. */
	int		 retention_outbox_days;	/* TIX_RETENTION_OUTBOX_DAYS */
	int		 retention_session_days; /* TIX_RETENTION_SESSION_DAYS */
	int		 retention_login_days;	/* TIX_RETENTION_LOGIN_DAYS */
	int		 retention_review_days;	/* TIX_RETENTION_REVIEW_DAYS */
	/* The key of the reply addresses' MACs (tix-notify, tix-mailin;
	 * checked by them), and the authserv-id whose
	 * Authentication-Results tix-mailin believes (NULL: none). */
	const char	*mail_token_key_file;	/* TIX_MAIL_TOKEN_KEY_FILE */
	const char	*mail_authserv_id;	/* TIX_MAIL_AUTHSERV_ID */
	/* Where tix-notify writes .eml files when TIX_SMTP_URL is unset. */
	const char	*mail_dir;		/* TIX_MAIL_DIR */
	/* tix-mailin --imap: the mailbox (scripts/run and the compose
	 * file pass it as --imap), its login and the file holding its
	 * password (NULL: unset). */
	const char	*imap_url;		/* TIX_IMAP_URL */
	const char	*imap_user;		/* TIX_IMAP_USER */
	const char	*imap_password_file;	/* TIX_IMAP_PASSWORD_FILE */
	/* The SMS gateway (NULL: no SMS is queued or sent), its login,
	 * the file holding its password, and the sender (To/From/Body
	 * form fields; docs/deploy.md). */
	const char	*sms_url;		/* TIX_SMS_URL */
	const char	*sms_user;		/* TIX_SMS_USER */
	const char	*sms_password_file;	/* TIX_SMS_PASSWORD_FILE */
	const char	*sms_from;		/* TIX_SMS_FROM */
	/* Whether setting i (config.c's table) came from the environment
	 * rather than its default. */
	bool		 from_env[TIX_CONFIG_MAX];
};

/*
 * Fill cfg from the environment, with defaults for what is unset, as
 * program ("tix-tickets", ...) reads it: the settings only other programs
 * read are left at their defaults and not checked (docker-compose hands
 * every service the same environment, the key files only to those that
 * read them).  program NULL: every setting, as `tix-admin config check`
 * does.  Each setting is checked against its type: whole numbers in
 * their range, URLs well-formed with an allowed scheme, key files
 * readable with a 32-byte key, directories present.  TIX_EINVAL, with
 * one line on stderr naming the setting and what is wrong with it, at
 * the first bad one or when TIX_DATABASE_URL is missing.  Strings borrow
 * from the environment.
 */
enum tix_err	tix_config_load(struct tix_config *cfg, const char *program);

/*
 * Print the effective configuration to out, a line a setting:
 * NAME=VALUE, a tab and where it came from (environment, default or
 * unset).  Passwords in URLs and connection strings show as ***; key
 * files show as their path, never their contents.
 */
void		tix_config_print(FILE *out, const struct tix_config *cfg);

/*
 * Whether the key files program reads (TIX_*_KEY_FILE, those set) are
 * still readable and hold a key, as at start-up: NULL when they are,
 * else what is wrong with the first that is not (static text, valid
 * until the next call), its setting's name into *setting.
 */
const char	*tix_config_keys_problem(const struct tix_config *cfg,
		    const char *program, const char **setting);

/*
 * The secret on the first line of the file at path (the file of
 * setting, named in messages): a password of up to cap - 1 bytes,
 * without the line end, into out.  TIX_EINVAL (and a message on
 * stderr) when the file cannot be read, is empty or the line longer.
 */
enum tix_err	tix_config_read_secret(const char *setting, const char *path,
		    char *out, size_t cap);

#endif
