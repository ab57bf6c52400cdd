/*
 * keyfile.c: reading a 32-byte key from a file (crypto.h).
 */
#include <sodium.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "crypto/crypto.h"

static bool
is_space(unsigned char c)
{
	return c == '\n' || c == '\r' || c == ' ' || c == '\t';
}

enum tix_err
tix_key_file_read(const char *setting, const char *path,
    unsigned char key[TIX_KEY_LEN])
{
	unsigned char	 buf[130];
	size_t		 n, got = 0;
	FILE		*f;
	struct stat	 st;
	bool		 ok;

	if (path == NULL || *path == '\0') {
		fprintf(stderr, "%s is not set (a file with a 32-byte key; "
		    "see README)\n", setting);
		return TIX_EINVAL;
	}
	f = fopen(path, "rb");
	if (f == NULL) {
		fprintf(stderr, "%s %s: %s\n", setting, path, strerror(errno));
		return TIX_EINVAL;
	}
	n = fread(buf, 1, sizeof(buf), f);
	if (fstat(fileno(f), &st) == 0 && (st.st_mode & 0077) != 0)
		fprintf(stderr, "warning: %s %s can be read by other users; "
		    "chmod 0400 it\n", setting, path);
	fclose(f);
	ok = n == TIX_KEY_LEN;
	if (ok)
		memcpy(key, buf, TIX_KEY_LEN);
	else {
		while (n > 0 && is_space(buf[n - 1]))
			n--;
		ok = n == 2 * TIX_KEY_LEN && sodium_hex2bin(key, TIX_KEY_LEN,
		    (const char *)buf, n, NULL, &got, NULL) == 0 &&
		    got == TIX_KEY_LEN;
	}
	sodium_memzero(buf, sizeof(buf));
	if (!ok) {
		sodium_memzero(key, TIX_KEY_LEN);
		fprintf(stderr, "%s %s must hold 32 raw bytes or 64 hex "
		    "digits\n", setting, path);
		return TIX_EINVAL;
	}
	(void)sodium_mlock(key, TIX_KEY_LEN);
	return TIX_OK;
}
