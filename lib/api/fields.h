/*
 * fields.h: reading typed, validated fields out of a JSON body.
 *
 * Each reader returns TIX_OK, TIX_EBADREQ (the value has the wrong JSON
 * type: 400), TIX_EINVAL (it breaks a field rule; the reason is recorded
 * with tix_req_field for the 422 body) or TIX_ENOMEM.  Collect several
 * with tix_fields_merge() so that one 422 names every bad field.
 */
#ifndef TIX_API_FIELDS_H
#define TIX_API_FIELDS_H

#include <stdbool.h>
#include <stddef.h>

#include "http/req.h"
#include "json/json.h"

enum tix_text_flags {
	TIX_TEXT_REQUIRED = 1 << 0,
	TIX_TEXT_ONE_LINE = 1 << 1,	/* no control characters at all */
	TIX_TEXT_NULLABLE = 1 << 2	/* null reads as *out == NULL */
};

/*
 * A string of min..max characters (code points).  Multi-line text may
 * hold \n, \r and \t but no other control character.  *out is NULL when
 * the field is absent (or null, with TIX_TEXT_NULLABLE).
 */
enum tix_err	tix_field_text(struct tix_req *r, const struct tix_json *j,
		    const char *key, size_t min, size_t max, unsigned flags,
		    const char **out);

/* A boolean; *out is untouched when absent (then *present is false). */
enum tix_err	tix_field_bool(struct tix_req *r, const struct tix_json *j,
		    const char *key, bool *out, bool *present);

/*
 * One of the NUL-terminated names in allowed (a NULL-terminated list);
 * *out is NULL when absent.  Any other string is TIX_EINVAL.
 */
enum tix_err	tix_field_enum(struct tix_req *r, const struct tix_json *j,
		    const char *key, const char *const *allowed,
		    bool required, const char **out);

/* The more serious of two results: 400 beats 422 beats OK. */
enum tix_err	tix_fields_merge(enum tix_err a, enum tix_err b);

#endif
