/*
 * config.h: the process's settings, read once from TIX_* environment
 * variables at start-up (README lists them all).
 */
#ifndef TIX_CORE_CONFIG_H
#define TIX_CORE_CONFIG_H

#include "core/err.h"

struct tix_config {
	const char	*database_url;		/* TIX_DATABASE_URL */
	int		 session_idle_minutes;	/* TIX_SESSION_IDLE_MINUTES */
	/* TIX_REQUEST_TIMEOUT_SECONDS: a worker process still on one request
	 * after this long is stuck, and ends (the runner starts another). */
	int		 request_timeout_seconds;
	int		 login_max_failures;	/* TIX_LOGIN_MAX_FAILURES */
	int		 login_window_minutes;	/* TIX_LOGIN_WINDOW_MINUTES */
	int		 max_files;		/* TIX_MAX_FILES */
	int		 max_file_bytes;	/* TIX_MAX_FILE_BYTES */
	const char	*attachment_key_file;	/* TIX_ATTACHMENT_KEY_FILE */
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
	/* The key of the reply addresses' MACs (tix-notify, tix-mailin;
	 * checked by them), and the authserv-id whose
	 * Authentication-Results tix-mailin believes (NULL: none). */
	const char	*mail_token_key_file;	/* TIX_MAIL_TOKEN_KEY_FILE */
	const char	*mail_authserv_id;	/* TIX_MAIL_AUTHSERV_ID */
	/* Where tix-notify writes .eml files when TIX_SMTP_URL is unset. */
	const char	*mail_dir;		/* TIX_MAIL_DIR */
};

/*
 * Fill cfg from the environment, with defaults for what is unset.
 * TIX_EINVAL (and a message on stderr) when a value is malformed or the
 * database URL is missing.  Strings borrow from the environment.
 */
enum tix_err	tix_config_load(struct tix_config *cfg);

#endif
