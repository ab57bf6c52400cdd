/*
 * net.c: what the libcurl users of lib/mail share (send.c, imap.c,
 * sms.c): starting libcurl once, telling a URL's scheme and host, the
 * loopback test behind "TLS or this machine", and wiping a password.
 */
#include <curl/curl.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mail/mail.h"

enum tix_err
tix_mail_curl_init(void)
{
	static int started;

	if (!started) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
			return TIX_EINTERNAL;
		started = 1;
	}
	return TIX_OK;
}

bool
tix_mail_url_parts(const char *url, char *scheme, size_t scheme_cap,
    char *host, size_t host_cap, bool *has_password)
{
	CURLU	*u = curl_url();
	char	*sc = NULL, *ho = NULL, *pw = NULL;
	bool	 ok = false;

	if (u != NULL && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_SCHEME, &sc, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &ho, 0) == CURLUE_OK &&
	    strlen(sc) < scheme_cap && strlen(ho) < host_cap) {
		snprintf(scheme, scheme_cap, "%s", sc);
		snprintf(host, host_cap, "%s", ho);
		*has_password = curl_url_get(u, CURLUPART_PASSWORD, &pw, 0) ==
		    CURLUE_OK;
		ok = true;
	}
	curl_free(sc);
	curl_free(ho);
	curl_free(pw);
	curl_url_cleanup(u);
	return ok;
}

bool
tix_mail_host_loopback(const char *host)
{
	unsigned char	a[16];
	char		h[64];
	size_t		n = strlen(host);

	if (strcmp(host, "localhost") == 0)
		return true;
	if (n > 2 && n < sizeof(h) + 2 && host[0] == '[' &&
	    host[n - 1] == ']') {
		memcpy(h, host + 1, n - 2);
		h[n - 2] = '\0';
		return inet_pton(AF_INET6, h, a) == 1 &&
		    memcmp(a, &in6addr_loopback, 16) == 0;
	}
	return inet_pton(AF_INET, host, a) == 1 && a[0] == 127;
}

void
tix_mail_wipe_free(char *secret)
{
	if (secret == NULL)
		return;
	memset(secret, 0, strlen(secret));
	free(secret);
}
