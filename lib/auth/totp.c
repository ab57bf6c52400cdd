/*
 * totp.c: TOTP codes over liboath (oath-toolkit).  The only file that
 * includes <liboath/oath.h>.
 */
#include <stdlib.h>
#include <string.h>

#include <liboath/oath.h>

#include "auth/totp.h"
#include "crypto/crypto.h"

static bool oath_ready;

static bool
ready(void)
{
	if (!oath_ready && oath_init() == OATH_OK)
		oath_ready = true;
	return oath_ready;
}

void
tix_totp_new(unsigned char secret[TIX_TOTP_SECRET_LEN])
{
	tix_random_bytes(secret, TIX_TOTP_SECRET_LEN);
}

enum tix_err
tix_totp_base32(const unsigned char *secret, size_t n,
    char out[TIX_TOTP_B32_LEN + 1])
{
	char	*b32 = NULL;
	size_t	 len = 0, i;

	if (!ready())
		return TIX_EINTERNAL;
	if (oath_base32_encode((const char *)secret, n, &b32, &len) !=
	    OATH_OK)
		return TIX_ENOMEM;
	/* liboath pads to a multiple of 8; 20 bytes need none, but the
	 * apps want none in any case. */
	for (i = 0; i < len && i < TIX_TOTP_B32_LEN && b32[i] != '='; i++)
		out[i] = b32[i];
	out[i] = '\0';
	tix_wipe(b32, len);
	free(b32);
	return TIX_OK;
}

bool
tix_totp_verify(const unsigned char *secret, size_t n, time_t now,
    const char *code, int64_t *step)
{
	uint64_t	counter = 0;
	int		pos = 0, rc;
	size_t		i;

	if (!ready() || strlen(code) != TIX_TOTP_DIGITS)
		return false;
	for (i = 0; i < TIX_TOTP_DIGITS; i++)
		if (code[i] < '0' || code[i] > '9')
			return false;
	rc = oath_totp_validate3((const char *)secret, n, now, TIX_TOTP_STEP,
	    OATH_TOTP_DEFAULT_START_TIME, 1, &pos, &counter, code);
	if (rc < 0)
		return false;
	*step = (int64_t)counter;
	return true;
}
