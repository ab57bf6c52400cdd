/*
 * json.h: the only door to JSON.  json-c is included by json/json.c alone.
 *
 * Reading: tix_json_parse_object() accepts exactly one JSON object and
 * rejects, with TIX_EBADREQ, everything json-c would quietly accept or
 * repair: invalid UTF-8, "\u0000", lone surrogates, duplicate keys (json-c
 * keeps the last one silently), nesting deeper than TIX_MAX_JSON_DEPTH,
 * more than TIX_MAX_JSON_KEYS keys in one object, trailing bytes, and a
 * top-level value that is not an object.  Getters copy into the caller's
 * arena, so nothing borrowed from json-c ever escapes this module.
 *
 * Writing: struct tix_jw appends JSON text straight into a struct tix_buf.
 * Errors are sticky: after the first failure every call is a no-op and
 * tix_jw_finish() reports it.
 */
#ifndef TIX_JSON_JSON_H
#define TIX_JSON_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/str.h"

struct tix_json;	/* a parsed object; opaque */

enum tix_json_type {
	TIX_JSON_ABSENT,	/* the key is not there */
	TIX_JSON_NULL,
	TIX_JSON_BOOL,
	TIX_JSON_INT,		/* a number without fraction or exponent */
	TIX_JSON_NUMBER,	/* any other number */
	TIX_JSON_STRING,
	TIX_JSON_ARRAY,
	TIX_JSON_OBJECT
};

/*
 * Parse s (n bytes, need not be NUL-terminated) as one JSON object.
 * On success *out owns the document; release it with tix_json_free().
 * Returns TIX_EBADREQ on any of the rejections above, TIX_ENOMEM.
 * *out is NULL on failure.
 */
enum tix_err	tix_json_parse_object(const char *s, size_t n,
		    struct tix_json **out);
void		tix_json_free(struct tix_json *j);	/* accepts NULL */

/* The type of member key of the top-level object. */
enum tix_json_type tix_json_type_of(const struct tix_json *j, const char *key);

/*
 * Typed getters of top-level members.  Each returns TIX_ENOTFOUND when the
 * key is absent, TIX_EBADREQ when it holds another type (no coercion: "1"
 * is not an int, 1.0 is not an int, 1 is not a bool), TIX_OK otherwise.
 * tix_json_get_string copies the value, NUL-terminated, into a; out->n is
 * its length in bytes.  tix_json_get_int rejects values outside int64.
 */
enum tix_err	tix_json_get_string(const struct tix_json *j, const char *key,
		    struct tix_arena *a, struct tix_str *out);
enum tix_err	tix_json_get_bool(const struct tix_json *j, const char *key,
		    bool *out);
enum tix_err	tix_json_get_int(const struct tix_json *j, const char *key,
		    int64_t *out);

/* The writer. */
#define TIX_JW_MAX_DEPTH 16

struct tix_jw {
	struct tix_buf	*b;	/* borrowed */
	enum tix_err	 err;
	int		 depth;	/* open containers */
	bool		 first[TIX_JW_MAX_DEPTH];	/* no comma needed yet */
	bool		 is_obj[TIX_JW_MAX_DEPTH];	/* else an array */
	bool		 after_key;
	bool		 done;	/* the top-level value is complete */
};

void	tix_jw_init(struct tix_jw *w, struct tix_buf *b);
void	tix_jw_obj_open(struct tix_jw *w);
void	tix_jw_obj_close(struct tix_jw *w);
void	tix_jw_arr_open(struct tix_jw *w);
void	tix_jw_arr_close(struct tix_jw *w);
/* A member name; the next value call gives its value. key is a literal
 * or trusted ASCII, escaped all the same. */
void	tix_jw_key(struct tix_jw *w, const char *key);
/* s must be valid UTF-8 (everything stored is); it is escaped per
 * RFC 8259, and '<', '>', '&', U+2028, U+2029 as \u escapes so the text
 * is safe inside HTML too.  s == NULL writes null. */
void	tix_jw_str(struct tix_jw *w, const char *s, size_t n);
void	tix_jw_strz(struct tix_jw *w, const char *s);	/* NULL: null */
void	tix_jw_int(struct tix_jw *w, int64_t v);
void	tix_jw_bool(struct tix_jw *w, bool v);
void	tix_jw_null(struct tix_jw *w);
/* Shorthands: key then value. */
void	tix_jw_kstr(struct tix_jw *w, const char *key, const char *s);
void	tix_jw_kint(struct tix_jw *w, const char *key, int64_t v);
void	tix_jw_kbool(struct tix_jw *w, const char *key, bool v);
/* TIX_OK when the document is complete and nothing failed. */
enum tix_err tix_jw_finish(struct tix_jw *w);

#endif
