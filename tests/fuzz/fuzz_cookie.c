/*
 * fuzz_cookie.c: libFuzzer driver for the Cookie header reader.
 *
 * Feeds arbitrary bytes (cut at the first NUL, as a FastCGI parameter
 * is) to tix_cookie_get() under the session cookie's names and checks
 * that a value found lies inside the header, right after "name=".
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/limits.h"
#include "core/str.h"
#include "http/query.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
one(const char *header, size_t len, const char *name)
{
	struct tix_str	 v = { NULL, 0 };
	const char	*eq;

	switch (tix_cookie_get(header, name, &v)) {
	case TIX_OK:
		if (len > TIX_MAX_COOKIE || v.p < header ||
		    v.p + v.n > header + len)
			abort();
		for (eq = v.p; eq > header && eq[-1] != '='; eq--)
			continue;
		if (eq == header)
			abort();	/* no '=' before the value */
		break;
	case TIX_ENOTFOUND:
	case TIX_EBADREQ:
		break;
	default:
		abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*header;
	size_t	 len;

	header = malloc(size + 1);
	if (header == NULL)
		return 0;
	memcpy(header, data, size);
	header[size] = '\0';
	len = strlen(header);
	one(header, len, "tix_session");
	one(header, len, "__Host-tix_session");
	one(header, len, "");
	free(header);
	return 0;
}
