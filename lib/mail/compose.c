/*
 * compose.c: a notification as an RFC 5322 message.  Pure: no I/O, no
 * clock (the date comes in), so it is tested byte for byte.
 *
 * The body is quoted-printable (RFC 2045 6.7): every line stays under 77
 * octets whatever the text (a reply may be one 20,000-character line),
 * line ends become CRLF (CR, LF and CRLF in the text are each one line
 * end, so no bare CR or LF reaches the wire), and non-ASCII, '=',
 * control characters and trailing blanks are escaped.  A line that is
 * only "." stays so: libcurl dot-stuffs the DATA (RFC 5321 4.5.2).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/str.h"
#include "mail/mail.h"
#include "tickets/license.h"

/* RFC 2047 2: an encoded-word is at most 75 characters.  36 bytes make
 * 48 base64 characters, a word of 60: "Subject: " and a word fit in 78. */
#define EW_BYTES	36
/* RFC 5322 2.1.1: lines SHOULD be at most 78 characters. */
#define LINE_MAX	78
/* RFC 2045 6.7 (5): encoded lines at most 76 characters. */
#define QP_LINE		76

int
tix_mail_address_ok(const char *s)
{
	const char	*at;
	size_t		 i, n;

	if (s == NULL)
		return 0;
	n = strlen(s);
	if (n < 3 || n > 254)
		return 0;
	for (i = 0; i < n; i++)
		if (s[i] <= ' ' || s[i] > '~' ||
		    strchr("<>()[],;:\\\"", s[i]) != NULL)
			return 0;
	at = strchr(s, '@');
	return at != NULL && at != s && at[1] != '\0' &&
	    strchr(at + 1, '@') == NULL;
}

static enum tix_err
base64(struct tix_buf *out, const unsigned char *p, size_t n)
{
	static const char	 abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				    "abcdefghijklmnopqrstuvwxyz0123456789+/";
	char			 q[4];
	unsigned long		 v;
	size_t			 i;
	enum tix_err		 rc = TIX_OK;

	for (i = 0; rc == TIX_OK && i < n; i += 3) {
		v = (unsigned long)p[i] << 16;
		if (i + 1 < n)
			v |= (unsigned long)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		q[0] = abc[(v >> 18) & 63];
		q[1] = abc[(v >> 12) & 63];
		q[2] = i + 1 < n ? abc[(v >> 6) & 63] : '=';
		q[3] = i + 2 < n ? abc[v & 63] : '=';
		rc = tix_buf_add(out, q, 4);
	}
	return rc;
}

/* Whether s can go into a header as it is: printable ASCII, and nothing
 * a reader would take for an encoded-word. */
static int
plain_ascii(const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++)
		if (s[i] < ' ' || s[i] > '~')
			return 0;
	return strstr(s, "=?") == NULL;
}

/*
 * "Subject: " and s, folded.  Plain ASCII is folded before a space
 * (unfolding gives back exactly s); anything else is a run of B
 * encoded-words, each of whole UTF-8 characters (RFC 2047 5 (3)), with
 * the folding between them, which decoders drop (RFC 2047 6.2).
 */
static enum tix_err
subject(struct tix_buf *out, const char *s)
{
	size_t		 n = strlen(s), i, j, take, col;
	enum tix_err	 rc;

	if (!tix_utf8_valid(s, n) || tix_has_control(s, n, false))
		return TIX_EINVAL;
	rc = tix_buf_adds(out, "Subject: ");
	col = strlen("Subject: ");
	if (plain_ascii(s)) {
		for (i = 0; rc == TIX_OK && i < n; i++) {
			if (s[i] == ' ') {
				for (j = i + 1; j < n && s[j] != ' '; j++)
					;
				if (col + (j - i) > LINE_MAX && col > 1) {
					rc = tix_buf_adds(out, "\r\n");
					col = 0;
				}
			}
			if (rc == TIX_OK)
				rc = tix_buf_add(out, s + i, 1);
			col++;
		}
		return rc == TIX_OK ? tix_buf_adds(out, "\r\n") : rc;
	}
	for (i = 0; rc == TIX_OK && i < n; i += take) {
		take = n - i < EW_BYTES ? n - i : EW_BYTES;
		/* Back off to the start of a character. */
		while (i + take < n &&
		    ((unsigned char)s[i + take] & 0xc0) == 0x80)
			take--;
		if (i > 0)
			rc = tix_buf_adds(out, "\r\n ");
		if (rc == TIX_OK)
			rc = tix_buf_adds(out, "=?UTF-8?B?");
		if (rc == TIX_OK)
			rc = base64(out, (const unsigned char *)s + i, take);
		if (rc == TIX_OK)
			rc = tix_buf_adds(out, "?=");
	}
	return rc == TIX_OK ? tix_buf_adds(out, "\r\n") : rc;
}

/* Whether byte c of a line must be escaped; last: it ends the line. */
static int
qp_escape(unsigned char c, int last)
{
	if (c == ' ' || c == '\t')
		return last;	/* trailing blanks would be stripped */
	return c < 33 || c > 126 || c == '=';
}

/* One line of text (no line end in it), encoded, then CRLF. */
static enum tix_err
qp_line(struct tix_buf *out, const unsigned char *p, size_t n)
{
	static const char	 hex[] = "0123456789ABCDEF";
	char			 tok[3];
	size_t			 i, col = 0, len;
	int			 last;
	enum tix_err		 rc = TIX_OK;

	for (i = 0; rc == TIX_OK && i < n; i++) {
		last = i + 1 == n;
		if (qp_escape(p[i], last)) {
			tok[0] = '=';
			tok[1] = hex[p[i] >> 4];
			tok[2] = hex[p[i] & 15];
			len = 3;
		} else {
			tok[0] = (char)p[i];
			len = 1;
		}
		/* Room for the soft break's "=", except on the last token. */
		if (col + len > (last ? QP_LINE : QP_LINE - 1)) {
			rc = tix_buf_adds(out, "=\r\n");
			col = 0;
		}
		if (rc == TIX_OK)
			rc = tix_buf_add(out, tok, len);
		col += len;
	}
	return rc == TIX_OK ? tix_buf_adds(out, "\r\n") : rc;
}

static enum tix_err
qp_body(struct tix_buf *out, const char *body)
{
	const unsigned char	*p = (const unsigned char *)body;
	size_t			 i = 0, start, n = strlen(body);
	enum tix_err		 rc = TIX_OK;

	while (rc == TIX_OK && i < n) {
		start = i;
		while (i < n && p[i] != '\r' && p[i] != '\n')
			i++;
		rc = qp_line(out, p + start, i - start);
		/* CRLF, CR or LF: one line end. */
		if (i < n && p[i] == '\r' && i + 1 < n && p[i + 1] == '\n')
			i += 2;
		else if (i < n)
			i++;
	}
	return rc;
}

static enum tix_err
date(struct tix_buf *out, time_t t)
{
	static const char *const days[] = { "Sun", "Mon", "Tue", "Wed",
	    "Thu", "Fri", "Sat" };
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr",
	    "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL)
		return TIX_EINVAL;
	return tix_buf_printf(out, "Date: %s, %d %s %04d %02d:%02d:%02d "
	    "+0000\r\n", days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon],
	    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static int
token_ok(const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++)
		if (!((s[i] >= '2' && s[i] <= '7') ||
		    (s[i] >= 'a' && s[i] <= 'z')) || i >= 64)
			return 0;
	return i > 0;
}

enum tix_err
tix_mail_compose(const struct tix_mail *m, struct tix_buf *out)
{
	const char	*at;
	char		*body;
	int		 local_len;
	long long	 id = (long long)m->id, tick = (long long)m->ticket_number;
	enum tix_err	 rc;

	bool		 account = m->ticket_number == 0 && m->reply_mac == NULL;

	if (!tix_mail_address_ok(m->from) || !tix_mail_address_ok(m->to) ||
	    (!account && (m->reply_mac == NULL || !token_ok(m->reply_mac) ||
	    m->recipient_id <= 0 || m->ticket_number <= 0)) ||
	    m->subject == NULL || m->body == NULL || m->id <= 0)
		return TIX_EINVAL;
	at = strchr(m->from, '@');
	local_len = (int)(at - m->from);
	rc = date(out, m->date);
	if (rc == TIX_OK)
		rc = tix_buf_printf(out, "From: %s\r\nTo: %s\r\n", m->from,
		    m->to);
	if (rc == TIX_OK)
		rc = subject(out, m->subject);
	if (rc == TIX_OK && account)
		rc = tix_buf_printf(out,
		    "Message-ID: <%lld.account%s>\r\n"
		    "Auto-Submitted: auto-generated\r\n"
		    "X-Loop: %s\r\n"
		    "MIME-Version: 1.0\r\n"
		    "Content-Type: text/plain; charset=utf-8\r\n"
		    "Content-Transfer-Encoding: quoted-printable\r\n"
		    "\r\n", id, at, m->from);
	else if (rc == TIX_OK)
		rc = tix_buf_printf(out,
		    "Message-ID: <%lld.TICK-%lld%s>\r\n"
		    "In-Reply-To: <TICK-%lld%s>\r\n"
		    "References: <TICK-%lld%s>\r\n"
		    "Reply-To: %.*s+TICK-%lld.%lld.%s%s\r\n"
		    "Auto-Submitted: auto-generated\r\n"
		    "X-Loop: %s\r\n"
		    "MIME-Version: 1.0\r\n"
		    "Content-Type: text/plain; charset=utf-8\r\n"
		    "Content-Transfer-Encoding: quoted-printable\r\n"
		    "\r\n", id, tick, at, tick, at, tick, at, local_len,
		    m->from, tick, (long long)m->recipient_id, m->reply_mac, at,
		    m->from);
	if (rc == TIX_OK) {
		/* License keys leave only as their last group. */
		body = strdup(m->body);
		if (body == NULL)
			return TIX_ENOMEM;
		(void)tix_license_keys_mask(body, strlen(body));
		rc = qp_body(out, body);
		free(body);
	}
	return rc;
}
