/*
 * err.h: the one error enum of libtix.
 *
 * Every fallible function returns an enum tix_err; results travel through
 * out-parameters.  The mapping to HTTP status and the contract's error
 * codes lives in exactly one table, lib/http/resp.c.
 */
#ifndef TIX_CORE_ERR_H
#define TIX_CORE_ERR_H

enum tix_err {
	TIX_OK = 0,
	TIX_ENOMEM,	/* allocation failed */
	TIX_EBADREQ,	/* malformed request: 400 bad_request */
	TIX_EINVAL,	/* a field rule was broken: 422 validation_failed */
	TIX_ETOOBIG,	/* a documented size limit was exceeded: 413 */
	TIX_EAUTH,	/* not authenticated: 401 */
	TIX_ECREDS,	/* wrong email or password: 401 invalid_credentials */
	TIX_EFORBIDDEN,	/* role may not do this: 403 */
	TIX_ECSRF,	/* state change without a valid CSRF token: 403 */
	TIX_ENOTFOUND,	/* absent OR not visible to this principal: 404 */
	TIX_EMETHOD,	/* route exists, method does not: 405 */
	TIX_ETRANSITION,	/* 409 invalid_transition */
	TIX_ECLOSED,	/* 409 ticket_closed */
	TIX_EREOPEN,	/* 409 reopen_window_expired */
	TIX_ECONFLICT,	/* unique / idempotency conflict */
	TIX_EMEDIA,	/* wrong Content-Type: 415 */
	TIX_ERATE,	/* throttled: 429 */
	TIX_EUNAVAIL,	/* dependency down (database): 503, retry */
	TIX_EINTERNAL,	/* a bug or an unexpected state: 500 */
	TIX_EFILETOOBIG,	/* a file over the size limit: 413 file_too_large */
	TIX_EFILETYPE,	/* a file of a type not allowed: 415 */
	TIX_ETOOMANYFILES	/* more files than allowed: 422 too_many_files */
};

/* A short lower-case name for logs, never NULL. */
const char *tix_err_name(enum tix_err rc);

#endif
