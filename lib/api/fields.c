/*
 * fields.c: field readers for JSON bodies.
 */
#include <string.h>

#include "api/fields.h"
#include "core/str.h"

enum tix_err
tix_fields_merge(enum tix_err a, enum tix_err b)
{
	if (a == TIX_OK)
		return b;
	if (b == TIX_OK || a == TIX_EBADREQ || a == TIX_ENOMEM)
		return a;
	if (b == TIX_EBADREQ || b == TIX_ENOMEM)
		return b;
	return a;
}

enum tix_err
tix_field_text(struct tix_req *r, const struct tix_json *j, const char *key,
    size_t min, size_t max, unsigned flags, const char **out)
{
	struct tix_str	 s;
	enum tix_err	 rc;
	size_t		 len;
	const char	*msg;

	*out = NULL;
	if ((flags & TIX_TEXT_NULLABLE) &&
	    tix_json_type_of(j, key) == TIX_JSON_NULL)
		return TIX_OK;
	rc = tix_json_get_string(j, key, r->arena, &s);
	if (rc == TIX_ENOTFOUND) {
		if (flags & TIX_TEXT_REQUIRED)
			return tix_req_field(r, key, "is required");
		return TIX_OK;
	}
	if (rc == TIX_EBADREQ)
		return tix_req_fail(r, rc, "A field has the wrong type.");
	if (rc != TIX_OK)
		return rc;
	/* The JSON layer has checked UTF-8 and NUL already. */
	len = tix_utf8_len(s.p, s.n);
	if (len < min || len > max) {
		msg = tix_arena_printf(r->arena,
		    "must be %zu to %zu characters", min, max);
		return tix_req_field(r, key, msg == NULL ?
		    "has the wrong length" : msg);
	}
	if (tix_has_control(s.p, s.n, (flags & TIX_TEXT_ONE_LINE) == 0))
		return tix_req_field(r, key, (flags & TIX_TEXT_ONE_LINE) ?
		    "must be one line without control characters" :
		    "must not contain control characters");
	*out = s.p;
	return TIX_OK;
}

enum tix_err
tix_field_bool(struct tix_req *r, const struct tix_json *j, const char *key,
    bool *out, bool *present)
{
	enum tix_err rc;

	*present = false;
	rc = tix_json_get_bool(j, key, out);
	if (rc == TIX_ENOTFOUND)
		return TIX_OK;
	if (rc == TIX_EBADREQ)
		return tix_req_fail(r, rc, "A field has the wrong type.");
	if (rc == TIX_OK)
		*present = true;
	return rc;
}

enum tix_err
tix_field_enum(struct tix_req *r, const struct tix_json *j, const char *key,
    const char *const *allowed, bool required, const char **out)
{
	const char	*v;
	enum tix_err	 rc;
	size_t		 i;

	*out = NULL;
	rc = tix_field_text(r, j, key, 0, 64,
	    required ? TIX_TEXT_REQUIRED : 0, &v);
	if (rc != TIX_OK || v == NULL)
		return rc;
	for (i = 0; allowed[i] != NULL; i++)
		if (strcmp(v, allowed[i]) == 0) {
			*out = allowed[i];
			return TIX_OK;
		}
	return tix_req_field(r, key, "is not one of the allowed values");
}
