/*
 * name.h: file names, from the client's claim to a header value.
 *
 * A name is displayed and sent back in Content-Disposition, never used
 * to store anything (the content lives in the database under an id), so
 * cleaning it is about display and headers: no directories, no control
 * or bidirectional-override characters, no quotes or backslashes, at
 * most TIX_MAX_FILENAME bytes with the extension kept.
 */
#ifndef TIX_FILES_NAME_H
#define TIX_FILES_NAME_H

#include <stddef.h>

#include "core/arena.h"
#include "core/err.h"

/*
 * The cleaned display name of raw (n bytes, as the client sent it),
 * NUL-terminated in a.  TIX_EBADREQ when raw is not UTF-8 or nothing is
 * left of it; TIX_ENOMEM.
 */
enum tix_err	tix_file_name_clean(struct tix_arena *a, const char *raw,
		    size_t n, const char **out);

/*
 * The Content-Disposition value for a download of the file name:
 * attachment; filename*=UTF-8''<name percent-encoded per RFC 5987>
 * (RFC 6266).  NULL on ENOMEM.
 */
const char	*tix_file_disposition(struct tix_arena *a, const char *name);

#endif
