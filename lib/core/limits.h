/*
 * limits.h: every size limit of the network-facing code, in one place.
 *
 * Each entry says why it is what it is.  nginx's limits (nginx/) are kept
 * in step by hand; the API tests check each limit at the edge and one
 * past it.
 */
#ifndef TIX_CORE_LIMITS_H
#define TIX_CORE_LIMITS_H

/* A JSON request body: the contract's 1 MiB (413 body_too_large past it). */
#define TIX_MAX_JSON_BODY	(1024 * 1024)
/* JSON nesting: our documents are two levels deep; 32 leaves room and
 * keeps a hostile "[[[[..." from exhausting the stack. */
#define TIX_MAX_JSON_DEPTH	32
/* Keys in one JSON object: more than any endpoint declares, ten times. */
#define TIX_MAX_JSON_KEYS	64
/* Ticket subject, in characters (code points): the contract's 200. */
#define TIX_MAX_SUBJECT		200
/* Ticket description and message bodies, in characters: the contract's. */
#define TIX_MAX_TEXT		20000
/* Names: user names, token names, account names, products. */
#define TIX_MAX_NAME		200
#define TIX_MAX_TOKEN_NAME	100
/* RFC 5321's limit on a forward path. */
#define TIX_MAX_EMAIL		254
/* Passwords: argon2id takes any length; 1024 bytes bounds the work. */
#define TIX_MAX_PASSWORD	1024
/* The query string: nginx allows 8 KiB of request line anyway. */
#define TIX_MAX_QUERY		4096
/* Query parameters in one request: the list route declares 12. */
#define TIX_MAX_QUERY_PARAMS	32
/* Cookie header bytes we look at. */
#define TIX_MAX_COOKIE		4096
/* Page size of every list: the contract's 1 to 100. */
#define TIX_MAX_PER_PAGE	100
#define TIX_DEFAULT_PER_PAGE	25
/* A list's total is exact up to this many tickets; past it the list says
 * total_capped and stops counting. */
#define TIX_LIST_TOTAL_CAP	10000
/* A list cursor's length in characters (lib/tickets/search.c). */
#define TIX_MAX_CURSOR		128
/* The Idempotency-Key header, in bytes: the contract's 1 to 100. */
#define TIX_MAX_IDEMPOTENCY_KEY	100
/* Search text in q, in characters (code points): the contract's 200,
 * long enough for a sentence; it bounds the terms of one search
 * (TIX_MAX_SEARCH_TERMS) and so the index lookups. */
#define TIX_MAX_SEARCH		200
/* Per-request arena: 64 MiB is far above any legitimate request (a 1 MiB
 * body decoded and re-encoded a few times) and bounds a hostile one. */
#define TIX_MAX_ARENA		(64u * 1024 * 1024)
/* A response body built in memory: a full page of 100 summaries is about
 * 100 KiB; a ticket with a long timeline may be a few MiB. */
#define TIX_MAX_RESPONSE	(32u * 1024 * 1024)


/*
 * Files (attachments).  The count and size per file are settings
 * (TIX_MAX_FILES, TIX_MAX_FILE_BYTES in struct tix_config); these are
 * their defaults and the hard ceilings a setting may not pass, since
 * nginx's client_max_body_size (52m on the upload routes) is sized for
 * the defaults.
 */
#define TIX_DEFAULT_MAX_FILES		5
#define TIX_DEFAULT_MAX_FILE_BYTES	(10u * 1024 * 1024)
#define TIX_CEIL_MAX_FILES		20
#define TIX_CEIL_MAX_FILE_BYTES		(100u * 1024 * 1024)
/* A multipart body beyond the files themselves: form fields, part
 * headers, boundaries.  The worker's Content-Length limit is
 * files * size + this. */
#define TIX_MAX_FORM_OVERHEAD		(1024u * 1024)
/* The headers of one multipart part, in bytes: a Content-Disposition
 * with a long file name fits many times over. */
#define TIX_MAX_PART_HEADERS		(8 * 1024)
/* Non-file parts (form fields) in one multipart body: the create route
 * declares 6. */
#define TIX_MAX_FORM_FIELDS		16
/* One form field's value, in bytes: 20,000 characters of up to 4 bytes. */
#define TIX_MAX_FORM_FIELD		(80 * 1024)
/*
 * Quotas on stored files (security.md 54): files on one ticket, over
 * all its submissions (20 full ones), and bytes one user may upload in
 * 24 hours (40 full submissions).  Checked when a request's files are
 * linked, in its transaction (two requests at once may each pass: the
 * excess is one submission at most).
 */
#define TIX_MAX_FILES_PER_TICKET	100
#define TIX_MAX_UPLOAD_BYTES_PER_DAY	(2048ull * 1024 * 1024)
/* A stored file name, in bytes (longer names are shortened, keeping the
 * extension). */
#define TIX_MAX_FILENAME		255
/*
 * Mail in (tix-mailin): the largest message, a setting
 * (TIX_MAX_MAIL_BYTES) with this default and ceiling.  25 MiB is what
 * common mail services accept; a bigger message is refused, for good.
 */
#define TIX_DEFAULT_MAX_MAIL_BYTES	(25u * 1024 * 1024)
#define TIX_CEIL_MAX_MAIL_BYTES		(100u * 1024 * 1024)
/* Plaintext bytes per stored chunk: the unit of encryption and of
 * database I/O, so a worker holds about two of these per file. */
#define TIX_FILE_CHUNK			(64 * 1024)

#endif
