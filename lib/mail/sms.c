/*
 * sms.c: SMS through an HTTP gateway with libcurl (mail.h, tix_sms_*).
 *
 * The form (To, From, Body) is what Twilio-style gateways take; each
 * field is percent-encoded by libcurl (curl_easy_escape), so no value
 * can add a field.  Like send.c: no proxy, no redirects, every wait
 * bounded, and a handle whose transfer failed is never reused.
 */
#include <curl/curl.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mail/mail.h"
#include "tickets/license.h"

#define CONNECT_SECONDS		10L
#define TOTAL_SECONDS		30L
#define SMS_TEXT_MAX		480	/* three parts; sql/030 checks it */

struct tix_smser {
	CURL	*h;
	char	*url;
	char	*user;		/* NULL: no authentication */
	char	*password;
	char	*from;
};

/* The answer is not needed: dropped. */
static size_t
discard(char *p, size_t size, size_t nmemb, void *arg)
{
	(void)p;
	(void)arg;
	return size * nmemb;
}

static enum tix_err
check_url(const char *url, char *err, size_t errcap)
{
	char	scheme[16], host[256];
	bool	has_password;

	if (!tix_mail_url_parts(url, scheme, sizeof(scheme), host,
	    sizeof(host), &has_password)) {
		snprintf(err, errcap, "TIX_SMS_URL is not a URL");
		return TIX_EINVAL;
	}
	if (strcmp(scheme, "https") == 0 ||
	    (strcmp(scheme, "http") == 0 && tix_mail_host_loopback(host)))
		return TIX_OK;
	snprintf(err, errcap, "TIX_SMS_URL must be https:// (http:// only "
	    "to this machine)");
	return TIX_EINVAL;
}

enum tix_err
tix_sms_new(const char *url, const char *user, const char *password,
    const char *from, struct tix_smser **out, char *err, size_t errcap)
{
	struct tix_smser *s;
	enum tix_err	 rc;

	*out = NULL;
	if (errcap > 0)
		err[0] = '\0';
	if (tix_mail_curl_init() != TIX_OK)
		return TIX_EINTERNAL;
	rc = check_url(url, err, errcap);
	if (rc != TIX_OK)
		return rc;
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return TIX_ENOMEM;
	s->url = strdup(url);
	s->from = strdup(from != NULL ? from : "");
	s->password = strdup(password != NULL ? password : "");
	s->user = user != NULL ? strdup(user) : NULL;
	if (s->url == NULL || s->from == NULL || s->password == NULL ||
	    (user != NULL && s->user == NULL)) {
		tix_sms_free(s);
		return TIX_ENOMEM;
	}
	*out = s;
	return TIX_OK;
}

void
tix_sms_free(struct tix_smser *s)
{
	if (s == NULL)
		return;
	if (s->h != NULL)
		curl_easy_cleanup(s->h);
	tix_mail_wipe_free(s->password);
	free(s->user);
	free(s->from);
	free(s->url);
	free(s);
}

/* "To=...&From=...&Body=..." (curl_free it), or NULL. */
static char *
form(CURL *h, const char *number, const char *from, const char *text)
{
	char	*to = curl_easy_escape(h, number, 0);
	char	*fr = curl_easy_escape(h, from, 0);
	char	*body = curl_easy_escape(h, text, 0);
	char	*out = NULL;
	size_t	 n;

	if (to != NULL && fr != NULL && body != NULL) {
		n = strlen(to) + strlen(fr) + strlen(body) + 20;
		out = malloc(n);
		if (out != NULL)
			snprintf(out, n, "To=%s&From=%s&Body=%s", to, fr,
			    body);
	}
	curl_free(to);
	curl_free(fr);
	curl_free(body);
	return out;
}

enum tix_mail_result
tix_sms_send(struct tix_smser *s, const char *number, const char *text,
    char *err, size_t errcap)
{
	char		 ebuf[CURL_ERROR_SIZE];
	char		*masked, *fields;
	long		 code = 0;
	size_t		 n = strlen(text);
	CURLcode	 cc;

	if (errcap > 0)
		err[0] = '\0';
	if (n == 0 || n > SMS_TEXT_MAX) {
		snprintf(err, errcap, "SMS text empty or too long");
		return TIX_MAIL_FAILED;
	}
	if (s->h == NULL)
		s->h = curl_easy_init();
	masked = strdup(text);
	if (s->h == NULL || masked == NULL) {
		free(masked);
		snprintf(err, errcap, "out of memory");
		return TIX_MAIL_RETRY;
	}
	(void)tix_license_keys_mask(masked, n);
	fields = form(s->h, number, s->from, masked);
	free(masked);
	if (fields == NULL) {
		snprintf(err, errcap, "out of memory");
		return TIX_MAIL_RETRY;
	}
	ebuf[0] = '\0';
	curl_easy_reset(s->h);
	curl_easy_setopt(s->h, CURLOPT_URL, s->url);
	curl_easy_setopt(s->h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(s->h, CURLOPT_NOPROXY, "*");
	curl_easy_setopt(s->h, CURLOPT_PROXY, "");
	curl_easy_setopt(s->h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(s->h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(s->h, CURLOPT_CONNECTTIMEOUT, CONNECT_SECONDS);
	curl_easy_setopt(s->h, CURLOPT_TIMEOUT, TOTAL_SECONDS);
	curl_easy_setopt(s->h, CURLOPT_ERRORBUFFER, ebuf);
	curl_easy_setopt(s->h, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(s->h, CURLOPT_POSTFIELDS, fields);
	if (s->user != NULL) {
		curl_easy_setopt(s->h, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		curl_easy_setopt(s->h, CURLOPT_USERNAME, s->user);
		curl_easy_setopt(s->h, CURLOPT_PASSWORD, s->password);
	}
	cc = curl_easy_perform(s->h);
	curl_easy_getinfo(s->h, CURLINFO_RESPONSE_CODE, &code);
	free(fields);
	if (cc == CURLE_OK && code >= 200 && code <= 299)
		return TIX_MAIL_SENT;
	curl_easy_cleanup(s->h);
	s->h = NULL;
	if (cc != CURLE_OK) {
		snprintf(err, errcap, "%s%s%s", curl_easy_strerror(cc),
		    ebuf[0] != '\0' ? ": " : "", ebuf);
		return TIX_MAIL_RETRY;
	}
	snprintf(err, errcap, "the SMS gateway answered HTTP %ld", code);
	return code == 408 || code == 429 || code >= 500 ? TIX_MAIL_RETRY :
	    TIX_MAIL_FAILED;
}
