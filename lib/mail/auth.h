/*
 * auth.h: what the receiving mail server found out about a message's
 * sender, from its Authentication-Results header fields (RFC 8601).
 * Pure: no I/O.
 *
 * Only results stamped with our server's authserv-id
 * (TIX_MAIL_AUTHSERV_ID) count; fields of every other id are ignored,
 * since anyone can write them.  The MTA must remove fields with our id
 * that arrive from outside (RFC 8601 5; docs/deploy.md shows how).  All
 * fields of our id are read together (OpenDKIM, OpenDMARC and an SPF
 * checker each add one):
 *   - a dmarc result "fail" anywhere: FAIL (it outweighs any pass);
 *   - else a dmarc "pass": PASS;
 *   - else (no DMARC verdict: the domain publishes no policy, or the
 *     check was not run) DKIM and SPF decide, each for the From
 *     address's domain: a dkim "pass" whose header.d (or header.i) is
 *     that domain, a parent or a subdomain of it, or an spf "pass"
 *     whose smtp.mailfrom is, makes PASS; when there are dkim or spf
 *     results and neither passes so (no signature counts as DKIM
 *     failing, an SPF pass for another domain as SPF failing): FAIL;
 *   - fields of our id that report no method ("id; none"): NEUTRAL;
 *   - no field of our id at all: MISSING (the mail did not come
 *     through our checks).
 */
#ifndef TIX_MAIL_AUTH_H
#define TIX_MAIL_AUTH_H

enum tix_mail_auth {
	TIX_MAIL_AUTH_PASS,
	TIX_MAIL_AUTH_NEUTRAL,
	TIX_MAIL_AUTH_FAIL,
	TIX_MAIL_AUTH_MISSING
};

/*
 * The verdict over results (tix_mail_in.auth_results: one field value a
 * line) for authserv_id (compared without regard to case) and from (the
 * sender's address; NULL: no domain can pass).  *dmarc_failed tells
 * whether a FAIL came from DMARC (else from DKIM and SPF).
 */
enum tix_mail_auth tix_mail_auth_verdict(const char *results,
		    const char *authserv_id, const char *from,
		    int *dmarc_failed);

#endif
