/*
 * log.c: one line per event on stderr.
 *
 * A line is "<progname>[<pid>] LEVEL message\n" ("... LEVEL
 * req=<id> message" while a request is served), written with a single
 * write(2) so that lines from concurrent workers do not interleave.  The
 * message is formatted into a bounded stack buffer (longer messages are
 * cut and end in "..."), then every byte that could forge or garble a
 * line is written as \xNN: C0 controls, DEL, the backslash itself (so
 * that an escape in the output is always ours), C1 controls, and bytes
 * that are not well-formed UTF-8.  Valid UTF-8 text is kept as it is.
 *
 * Not done here: levels filtering, timestamps (the collector adds them),
 * and any allocation.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/log.h"
#include "core/str.h"

#define TIX_LOG_MSG	1024	/* formatted message, before escaping */
#define TIX_LOG_NAME	64

static char	 progname[TIX_LOG_NAME] = "tix";
static char	 request_id[65];	/* "" between requests */

static const char *const levels[] = {
	[TIX_LOG_ERROR] = "ERROR",
	[TIX_LOG_WARN] = "WARN",
	[TIX_LOG_INFO] = "INFO",
	[TIX_LOG_DEBUG] = "DEBUG",
};

void
tix_log_init(const char *name)
{
	size_t	 i;

	if (name == NULL)
		return;
	/* Keep only printable ASCII: the name starts every line. */
	for (i = 0; i < sizeof(progname) - 1 && name[i] != '\0'; i++) {
		if (name[i] > 0x20 && name[i] < 0x7f)
			progname[i] = name[i];
		else
			progname[i] = '?';
	}
	progname[i] = '\0';
}

const char *
tix_log_name(void)
{
	return progname;
}

void
tix_log_request(const char *id)
{
	size_t	 i, n = 0;
	char	 ch;

	for (i = 0; id != NULL && id[i] != '\0' && n < sizeof(request_id) - 1;
	    i++) {
		ch = id[i];
		if ((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') ||
		    (ch >= 'A' && ch <= 'Z') || ch == '-')
			request_id[n++] = ch;
	}
	request_id[n] = '\0';
}

/*
 * Length of the run at s that may be copied as is: a printable ASCII byte
 * other than backslash, or one well-formed UTF-8 sequence that is not a
 * C1 control.  0 means "escape this byte".
 */
static size_t
log_plain(const unsigned char *s, size_t n)
{
	size_t	 len;

	if (s[0] < 0x80)
		return (s[0] >= 0x20 && s[0] != 0x7f && s[0] != '\\') ? 1 : 0;
	if (s[0] < 0xe0)
		len = 2;
	else if (s[0] < 0xf0)
		len = 3;
	else
		len = 4;
	if (len > n || !tix_utf8_valid((const char *)s, len))
		return 0;
	if (s[0] == 0xc2 && s[1] <= 0x9f)
		return 0;
	return len;
}

static void
write_all(const char *p, size_t n)
{
	ssize_t	 w;

	while (n > 0) {
		w = write(STDERR_FILENO, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		p += w;
		n -= (size_t)w;
	}
}

void
tix_log(enum tix_log_level lvl, const char *fmt, ...)
{
	static const char	 hex[] = "0123456789abcdef";
	char			 msg[TIX_LOG_MSG];
	/* Every byte may become four, plus the prefix, "..." and "\n". */
	char			 line[TIX_LOG_NAME + 64 + 70 + 4 * TIX_LOG_MSG];
	const unsigned char	*m = (const unsigned char *)msg;
	const char		*lvname = "?";
	va_list			 ap;
	int			 r;
	size_t			 mlen, len, i, k;
	int			 saved = errno;
	bool			 is_cut;

	va_start(ap, fmt);
	r = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (r < 0)
		r = 0;
	/* r, not strlen(): a %c of 0 is escaped like any other control. */
	is_cut = (size_t)r >= sizeof(msg);
	mlen = is_cut ? sizeof(msg) - 1 : (size_t)r;

	if ((unsigned int)lvl < sizeof(levels) / sizeof(levels[0]))
		lvname = levels[lvl];
	r = snprintf(line, sizeof(line), "%s[%ld] %s %s%s%s", progname,
	    (long)getpid(), lvname, request_id[0] != '\0' ? "req=" : "",
	    request_id, request_id[0] != '\0' ? " " : "");
	if (r < 0)
		goto out;
	len = (size_t)r;

	for (i = 0; i < mlen; ) {
		k = log_plain(m + i, mlen - i);
		if (k == 0) {
			line[len++] = '\\';
			line[len++] = 'x';
			line[len++] = hex[m[i] >> 4];
			line[len++] = hex[m[i] & 0x0f];
			i++;
			continue;
		}
		memcpy(line + len, m + i, k);
		len += k;
		i += k;
	}
	if (is_cut) {
		/* NOLINTNEXTLINE: a counted line, not a C string */
		memcpy(line + len, "...", 3);
		len += 3;
	}
	line[len++] = '\n';
	write_all(line, len);
out:
	errno = saved;
}
