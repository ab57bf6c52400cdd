/*
 * err.c: names of the libtix error codes, for log lines.
 *
 * The names are stable and short so that logs can be searched for them.
 * This module does not map errors to HTTP; lib/http/resp.c does.
 */
#include <stddef.h>

#include "core/err.h"

static const char *const names[] = {
	[TIX_OK] = "ok",
	[TIX_ENOMEM] = "nomem",
	[TIX_EBADREQ] = "badreq",
	[TIX_EINVAL] = "inval",
	[TIX_ETOOBIG] = "toobig",
	[TIX_EAUTH] = "auth",
	[TIX_ECREDS] = "creds",
	[TIX_EFORBIDDEN] = "forbidden",
	[TIX_ECSRF] = "csrf",
	[TIX_ENOTFOUND] = "notfound",
	[TIX_EMETHOD] = "method",
	[TIX_ETRANSITION] = "transition",
	[TIX_ECLOSED] = "closed",
	[TIX_EREOPEN] = "reopen",
	[TIX_ECONFLICT] = "conflict",
	[TIX_EMEDIA] = "media",
	[TIX_ERATE] = "rate",
	[TIX_EUNAVAIL] = "unavail",
	[TIX_EINTERNAL] = "internal",
	[TIX_EFILETOOBIG] = "filetoobig",
	[TIX_EFILETYPE] = "filetype",
	[TIX_ETOOMANYFILES] = "toomanyfiles",
};

const char *
tix_err_name(enum tix_err rc)
{
	unsigned int	 i = (unsigned int)rc;

	if (i >= sizeof(names) / sizeof(names[0]) || names[i] == NULL)
		return "unknown";
	return names[i];
}
