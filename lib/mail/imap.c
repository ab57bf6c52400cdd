/*
 * imap.c: a mailbox over IMAP with libcurl (imap.h).
 *
 * libcurl speaks IMAP through URLs and "custom requests": a URL
 * imap://host/INBOX/;UID=n fetches message n whole (UID FETCH n
 * BODY[]), and CURLOPT_CUSTOMREQUEST sends any other command in the
 * mailbox of the URL, handing us its untagged answer lines.  A custom
 * FETCH of a message's text does not work in libcurl before 8.x (only
 * the line that announces the literal comes back; curl/curl#1150,
 * #18847), so texts come by URL and everything else (SEARCH, sizes,
 * EXAMINE, SELECT, STORE) by custom request.  libcurl SELECTs the URL's
 * mailbox once per connection; our own EXAMINE and SELECT switch it
 * between read-only (for fetching) and read-write (for flagging).  The
 * answers are read by imap_parse.c.
 */
#include <curl/curl.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/str.h"
#include "mail/imap.h"
#include "mail/imap_parse.h"
#include "mail/mail.h"

#define CONNECT_SECONDS		10L
#define TOTAL_SECONDS		300L	/* a 25 MiB message at 100 KiB/s */
#define SILENT_SECONDS		30L	/* under 1 byte/s this long: give up */
#define ANSWER_MAX		(1024 * 1024)	/* SEARCH and FETCH lines */
#define MAILBOX_MAX		200

struct tix_imap {
	CURL		*h;		/* NULL: connect on next use */
	char		*base;		/* imap://host:port/MAILBOX */
	char		*mailbox;	/* the name, IMAP-quoted */
	char		*user;
	char		*password;
	bool		 starttls;	/* required: not loopback, not imaps */
};

/* Where libcurl's output goes: b, or nowhere when b is NULL. */
struct sink {
	struct tix_buf	*b;
	bool		 too_big;
};

static size_t
write_cb(char *p, size_t size, size_t nmemb, void *arg)
{
	struct sink	*s = arg;
	size_t		 n = size * nmemb;

	if (s->b == NULL)
		return n;
	if (tix_buf_add(s->b, p, n) != TIX_OK) {
		s->too_big = true;
		return 0;	/* ends the transfer: CURLE_WRITE_ERROR */
	}
	return n;
}

/* name as an IMAP quoted string (RFC 3501 4.3), printable ASCII only. */
static char *
quoted(const char *name)
{
	size_t	 n = strlen(name), i, j = 0;
	char	*q;

	if (n == 0 || n > MAILBOX_MAX)
		return NULL;
	q = malloc(2 * n + 3);
	if (q == NULL)
		return NULL;
	q[j++] = '"';
	for (i = 0; i < n; i++) {
		if (name[i] < ' ' || name[i] > '~') {
			free(q);
			return NULL;
		}
		if (name[i] == '"' || name[i] == '\\')
			q[j++] = '\\';
		q[j++] = name[i];
	}
	q[j++] = '"';
	q[j] = '\0';
	return q;
}

/* The checks of imap.h on url; the base URL and mailbox into im. */
static enum tix_err
parse_url(struct tix_imap *im, const char *url, char *err, size_t errcap)
{
	CURLU		*u;
	char		*scheme = NULL, *host = NULL, *path = NULL;
	char		*part = NULL, *full = NULL;
	const char	*name;
	enum tix_err	 rc = TIX_EINVAL;

	u = curl_url();
	if (u == NULL)
		return TIX_ENOMEM;
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK) {
		snprintf(err, errcap, "not a URL");
		goto out;
	}
	curl_url_get(u, CURLUPART_SCHEME, &scheme, 0);
	curl_url_get(u, CURLUPART_HOST, &host, 0);
	if (scheme == NULL || host == NULL ||
	    (strcmp(scheme, "imap") != 0 && strcmp(scheme, "imaps") != 0)) {
		snprintf(err, errcap, "not an imap:// or imaps:// URL");
		goto out;
	}
	if (curl_url_get(u, CURLUPART_USER, &part, 0) == CURLUE_OK ||
	    curl_url_get(u, CURLUPART_PASSWORD, &part, 0) == CURLUE_OK) {
		snprintf(err, errcap, "no user or password in the URL: "
		    "set TIX_IMAP_USER and TIX_IMAP_PASSWORD_FILE");
		goto out;
	}
	if (curl_url_get(u, CURLUPART_QUERY, &part, 0) == CURLUE_OK ||
	    curl_url_get(u, CURLUPART_FRAGMENT, &part, 0) == CURLUE_OK ||
	    curl_url_get(u, CURLUPART_OPTIONS, &part, 0) == CURLUE_OK) {
		snprintf(err, errcap, "no query, fragment or options in the "
		    "URL: only imap[s]://host[:port][/MAILBOX]");
		goto out;
	}
	if (curl_url_get(u, CURLUPART_PATH, &path, CURLU_URLDECODE) !=
	    CURLUE_OK || path == NULL) {
		snprintf(err, errcap, "the mailbox name is not readable");
		goto out;
	}
	name = path[0] == '/' ? path + 1 : path;
	if (*name == '\0') {
		name = "INBOX";
		curl_url_set(u, CURLUPART_PATH, "/INBOX", 0);
	}
	im->mailbox = strchr(name, ';') == NULL ? quoted(name) : NULL;
	if (im->mailbox == NULL) {
		snprintf(err, errcap, "the mailbox name must be up to %d "
		    "printable ASCII characters, without ';'", MAILBOX_MAX);
		goto out;
	}
	if (curl_url_get(u, CURLUPART_URL, &full, 0) != CURLUE_OK) {
		rc = TIX_ENOMEM;
		goto out;
	}
	im->base = strdup(full);
	/* RFC 8314: TLS, or at least STARTTLS, off this machine. */
	im->starttls = strcmp(scheme, "imap") == 0 && !tix_mail_host_loopback(host);
	rc = im->base != NULL ? TIX_OK : TIX_ENOMEM;
out:
	curl_free(scheme);
	curl_free(host);
	curl_free(path);
	curl_free(part);
	curl_free(full);
	curl_url_cleanup(u);
	return rc;
}

enum tix_err
tix_imap_new(const char *url, const char *user, const char *password,
    struct tix_imap **out, char *err, size_t errcap)
{
	struct tix_imap	*im;
	enum tix_err	 rc;

	*out = NULL;
	if (errcap > 0)
		err[0] = '\0';
	if (tix_mail_curl_init() != TIX_OK)
		return TIX_EINTERNAL;
	im = calloc(1, sizeof(*im));
	if (im == NULL)
		return TIX_ENOMEM;
	rc = parse_url(im, url, err, errcap);
	if (rc == TIX_OK) {
		im->user = strdup(user != NULL ? user : "");
		im->password = strdup(password != NULL ? password : "");
		if (im->user == NULL || im->password == NULL)
			rc = TIX_ENOMEM;
	}
	if (rc != TIX_OK) {
		tix_imap_free(im);
		return rc;
	}
	*out = im;
	return TIX_OK;
}

void
tix_imap_free(struct tix_imap *im)
{
	if (im == NULL)
		return;
	if (im->h != NULL)
		curl_easy_cleanup(im->h);
	tix_mail_wipe_free(im->password);
	free(im->user);
	free(im->mailbox);
	free(im->base);
	free(im);
}

/* Drop the connection: the next call starts on a new one. */
static void
drop(struct tix_imap *im)
{
	if (im->h != NULL)
		curl_easy_cleanup(im->h);
	im->h = NULL;
}

/*
 * One transfer: url, with custom as the command (NULL: the URL's
 * fetch), output into s.  *connects gets how many connections it
 * opened.  On failure the connection is dropped and err says why.
 */
static enum tix_err
perform(struct tix_imap *im, const char *url, const char *custom,
    struct sink *s, long *connects, char *err, size_t errcap)
{
	char		 ebuf[CURL_ERROR_SIZE];
	CURLcode	 cc;

	if (im->h == NULL)
		im->h = curl_easy_init();
	if (im->h == NULL) {
		snprintf(err, errcap, "libcurl: no handle");
		return TIX_EUNAVAIL;
	}
	ebuf[0] = '\0';
	/* Reset keeps the connection (and its selected mailbox). */
	curl_easy_reset(im->h);
	curl_easy_setopt(im->h, CURLOPT_URL, url);
	curl_easy_setopt(im->h, CURLOPT_PROTOCOLS_STR, "imap,imaps");
	curl_easy_setopt(im->h, CURLOPT_USE_SSL,
	    im->starttls ? (long)CURLUSESSL_ALL : (long)CURLUSESSL_NONE);
	curl_easy_setopt(im->h, CURLOPT_USERNAME, im->user);
	curl_easy_setopt(im->h, CURLOPT_PASSWORD, im->password);
	curl_easy_setopt(im->h, CURLOPT_NOPROXY, "*");
	curl_easy_setopt(im->h, CURLOPT_PROXY, "");
	curl_easy_setopt(im->h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(im->h, CURLOPT_CONNECTTIMEOUT, CONNECT_SECONDS);
	curl_easy_setopt(im->h, CURLOPT_TIMEOUT, TOTAL_SECONDS);
	curl_easy_setopt(im->h, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(im->h, CURLOPT_LOW_SPEED_TIME, SILENT_SECONDS);
	curl_easy_setopt(im->h, CURLOPT_ERRORBUFFER, ebuf);
	curl_easy_setopt(im->h, CURLOPT_WRITEFUNCTION, write_cb);
	curl_easy_setopt(im->h, CURLOPT_WRITEDATA, s);
	if (custom != NULL)
		curl_easy_setopt(im->h, CURLOPT_CUSTOMREQUEST, custom);
	cc = curl_easy_perform(im->h);
	*connects = 0;
	curl_easy_getinfo(im->h, CURLINFO_NUM_CONNECTS, connects);
	if (cc == CURLE_OK)
		return TIX_OK;
	drop(im);
	if (s->too_big) {
		snprintf(err, errcap, "bigger than allowed");
		return TIX_ETOOBIG;
	}
	snprintf(err, errcap, "%s%s%s", curl_easy_strerror(cc),
	    ebuf[0] != '\0' ? ": " : "", ebuf);
	return TIX_EUNAVAIL;
}

/* A command in the mailbox; its answer into answer (NULL: dropped). */
static enum tix_err
command(struct tix_imap *im, const char *cmd, struct tix_buf *answer,
    char *err, size_t errcap)
{
	struct sink	s = { answer, false };
	long		connects;

	if (answer != NULL)
		tix_buf_clear(answer);
	return perform(im, im->base, cmd, &s, &connects, err, errcap);
}

enum tix_err
tix_imap_unseen(struct tix_imap *im, struct tix_imap_msg *msgs, size_t cap,
    size_t *n, char *err, size_t errcap)
{
	struct tix_buf	 answer, cmd;
	size_t		 i;
	enum tix_err	 rc;

	*n = 0;
	tix_buf_init(&answer, ANSWER_MAX);
	tix_buf_init(&cmd, 64 + cap * 12);
	rc = command(im, "UID SEARCH UNSEEN", &answer, err, errcap);
	if (rc == TIX_ETOOBIG) {
		/* Thousands waiting: what came is enough for a batch. */
		rc = TIX_OK;
	}
	if (rc == TIX_OK && answer.data != NULL)
		*n = tix_imap_parse_search(answer.data, answer.len, msgs,
		    cap);
	if (rc == TIX_OK && *n > 0) {
		rc = tix_buf_adds(&cmd, "UID FETCH ");
		for (i = 0; rc == TIX_OK && i < *n; i++)
			rc = tix_buf_printf(&cmd, "%s%lu", i > 0 ? "," : "",
			    (unsigned long)msgs[i].uid);
		if (rc == TIX_OK)
			rc = tix_buf_adds(&cmd, " (UID RFC822.SIZE)");
		if (rc != TIX_OK)
			rc = TIX_ENOMEM;
		if (rc == TIX_OK)
			rc = command(im, cmd.data, &answer, err, errcap);
		if (rc == TIX_ETOOBIG)
			rc = TIX_EUNAVAIL;
		if (rc == TIX_OK && answer.data != NULL)
			tix_imap_parse_sizes(answer.data, answer.len, msgs,
			    *n);
	}
	if (rc != TIX_OK)
		*n = 0;
	tix_buf_free(&answer);
	tix_buf_free(&cmd);
	return rc;
}

enum tix_err
tix_imap_fetch(struct tix_imap *im, uint32_t uid, struct tix_buf *out,
    bool *seen_early, char *err, size_t errcap)
{
	struct sink	 s = { out, false };
	char		 cmd[MAILBOX_MAX * 2 + 16];
	char		*url;
	long		 connects = 0;
	enum tix_err	 rc;

	*seen_early = false;
	tix_buf_clear(out);
	snprintf(cmd, sizeof(cmd), "EXAMINE %s", im->mailbox);
	rc = command(im, cmd, NULL, err, errcap);
	if (rc != TIX_OK)
		return rc;
	url = malloc(strlen(im->base) + 24);
	if (url == NULL)
		return TIX_ENOMEM;
	snprintf(url, strlen(im->base) + 24, "%s/;UID=%lu", im->base,
	    (unsigned long)uid);
	rc = perform(im, url, NULL, &s, &connects, err, errcap);
	free(url);
	/* A new connection was SELECTed read-write for the fetch. */
	*seen_early = connects > 0;
	/* The server answers OK and nothing for a UID it does not have. */
	if (rc == TIX_OK && out->len == 0) {
		snprintf(err, errcap, "no such message, or an empty one");
		return TIX_ENOTFOUND;
	}
	return rc;
}

enum tix_err
tix_imap_mark(struct tix_imap *im, uint32_t uid, enum tix_imap_mark how,
    char *err, size_t errcap)
{
	char		 cmd[MAILBOX_MAX * 2 + 16];
	const char	*flags;
	enum tix_err	 rc;

	snprintf(cmd, sizeof(cmd), "SELECT %s", im->mailbox);
	rc = command(im, cmd, NULL, err, errcap);
	if (rc != TIX_OK)
		return rc;
	switch (how) {
	case TIX_IMAP_TAKEN:
		flags = "+FLAGS.SILENT (\\Seen)";
		break;
	case TIX_IMAP_REFUSED:
		flags = "+FLAGS.SILENT (\\Seen \\Flagged)";
		break;
	default:
		flags = "-FLAGS.SILENT (\\Seen)";
		break;
	}
	snprintf(cmd, sizeof(cmd), "UID STORE %lu %s", (unsigned long)uid,
	    flags);
	return command(im, cmd, NULL, err, errcap);
}
