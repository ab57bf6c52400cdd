/*
 * send.c: hand a composed message to an SMTP server with libcurl.
 *
 * The SMTP reply decides what becomes of the message: accepted is sent;
 * a 5xx reply (RFC 5321 4.2.1: permanent) is a failure for good; a 4xx
 * reply, no connection, a timeout or anything else is worth another try
 * later.  A password in an smtp:// URL to another machine makes
 * STARTTLS required, so it never crosses the network in clear.  No
 * proxy is ever used (the environment's *_proxy variables
 * are ignored), and every wait is bounded, so a server that accepts the
 * connection and then says nothing (a tarpit) costs at most a minute.
 */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mail/mail.h"

#define CONNECT_SECONDS		10L
#define TOTAL_SECONDS		60L
#define SILENT_SECONDS		20L	/* under 1 byte/s this long: give up */

struct tix_mailer {
	CURL	*h;
	char	*url;
	bool	 starttls;	/* required: a password, not on loopback */
};

/* A password in an smtp:// URL to another machine is never sent in
 * plain text: STARTTLS is required (RFC 8314; smtps:// is TLS anyway). */
static bool
needs_starttls(const char *url)
{
	char	scheme[16], host[256];
	bool	has_password;

	return tix_mail_url_parts(url, scheme, sizeof(scheme), host,
	    sizeof(host), &has_password) && has_password &&
	    strcmp(scheme, "smtp") == 0 && !tix_mail_host_loopback(host);
}

/* The message being read by libcurl. */
struct reader {
	const char	*p;
	size_t		 left;
};

static size_t
read_cb(char *dst, size_t size, size_t nmemb, void *arg)
{
	struct reader	*r = arg;
	size_t		 n = size * nmemb;

	if (n > r->left)
		n = r->left;
	memcpy(dst, r->p, n);
	r->p += n;
	r->left -= n;
	return n;
}

enum tix_err
tix_mailer_new(const char *smtp_url, struct tix_mailer **out)
{
	struct tix_mailer *m;

	*out = NULL;
	if (tix_mail_curl_init() != TIX_OK)
		return TIX_EINTERNAL;
	m = calloc(1, sizeof(*m));
	if (m == NULL)
		return TIX_ENOMEM;
	m->url = strdup(smtp_url);
	if (m->url == NULL) {
		free(m);
		return TIX_ENOMEM;
	}
	m->starttls = needs_starttls(smtp_url);
	*out = m;
	return TIX_OK;
}

void
tix_mailer_free(struct tix_mailer *m)
{
	if (m == NULL)
		return;
	if (m->h != NULL)
		curl_easy_cleanup(m->h);
	free(m->url);
	free(m);
}

/* The handle, made on first use and after a failure (so that a
 * connection in an unknown state is never reused). */
static CURL *
handle(struct tix_mailer *m)
{
	if (m->h == NULL)
		m->h = curl_easy_init();
	return m->h;
}

enum tix_mail_result
tix_mail_send(struct tix_mailer *m, const char *from, const char *to,
    const char *msg, size_t len, char *err, size_t errcap)
{
	struct curl_slist	*rcpt = NULL;
	struct reader		 r = { msg, len };
	char			 ebuf[CURL_ERROR_SIZE], mfrom[300], mto[300];
	long			 code = 0;
	CURL			*h;
	CURLcode		 cc;
	enum tix_mail_result	 res;

	if (errcap > 0)
		err[0] = '\0';
	if (!tix_mail_address_ok(from) || !tix_mail_address_ok(to)) {
		snprintf(err, errcap, "invalid envelope address");
		return TIX_MAIL_FAILED;
	}
	h = handle(m);
	if (h == NULL) {
		snprintf(err, errcap, "libcurl: no handle");
		return TIX_MAIL_RETRY;
	}
	snprintf(mfrom, sizeof(mfrom), "<%s>", from);
	snprintf(mto, sizeof(mto), "<%s>", to);
	rcpt = curl_slist_append(NULL, mto);
	if (rcpt == NULL) {
		snprintf(err, errcap, "out of memory");
		return TIX_MAIL_RETRY;
	}
	ebuf[0] = '\0';
	curl_easy_reset(h);
	curl_easy_setopt(h, CURLOPT_URL, m->url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	if (m->starttls)
		curl_easy_setopt(h, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
	curl_easy_setopt(h, CURLOPT_NOPROXY, "*");
	curl_easy_setopt(h, CURLOPT_PROXY, "");
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, CONNECT_SECONDS);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, TOTAL_SECONDS);
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, SILENT_SECONDS);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, ebuf);
	curl_easy_setopt(h, CURLOPT_MAIL_FROM, mfrom);
	curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
	curl_easy_setopt(h, CURLOPT_READFUNCTION, read_cb);
	curl_easy_setopt(h, CURLOPT_READDATA, &r);
	cc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
	curl_slist_free_all(rcpt);
	if (cc == CURLE_OK)
		return TIX_MAIL_SENT;
	res = code >= 500 && code <= 599 ? TIX_MAIL_FAILED : TIX_MAIL_RETRY;
	snprintf(err, errcap, "%s%s%s (SMTP %ld)", curl_easy_strerror(cc),
	    ebuf[0] != '\0' ? ": " : "", ebuf, code);
	curl_easy_cleanup(h);
	m->h = NULL;
	return res;
}
