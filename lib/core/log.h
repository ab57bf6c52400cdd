/*
 * log.h: one line per event on stderr, which the runner and nginx keep.
 *
 * Control characters in %s arguments are escaped, so user data cannot
 * forge a log line (security.md #75).  fmt is always a literal.
 */
#ifndef TIX_CORE_LOG_H
#define TIX_CORE_LOG_H

enum tix_log_level { TIX_LOG_ERROR, TIX_LOG_WARN, TIX_LOG_INFO, TIX_LOG_DEBUG };

/* The process name put in front of every line, e.g. "tix-tickets". */
void	tix_log_init(const char *progname);
const char *tix_log_name(void);	/* that name */
/* The id of the request being served (nginx's $request_id, also sent
 * as X-Request-Id), put on every line until cleared with NULL.  Only
 * letters, digits and '-' are kept, at most 64 of them. */
void	tix_log_request(const char *id);
void	tix_log(enum tix_log_level lvl, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

#define tix_log_error(...)	tix_log(TIX_LOG_ERROR, __VA_ARGS__)
#define tix_log_warn(...)	tix_log(TIX_LOG_WARN, __VA_ARGS__)
#define tix_log_info(...)	tix_log(TIX_LOG_INFO, __VA_ARGS__)

#endif
