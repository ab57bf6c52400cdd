/*
 * crypto.c: tokens, hashes and password hashing over libsodium.
 */
#include <sodium.h>

#include <stdio.h>

#include <string.h>

#include "crypto/crypto.h"

_Static_assert(TIX_PWHASH_LEN == crypto_pwhash_STRBYTES, "hash size");
_Static_assert(TIX_HASH_HEX_LEN == 2 * crypto_hash_sha256_BYTES, "hex");

/* A hash of a random password, made at start-up, to spend the same time
 * on unknown accounts as on known ones. */
static char dummy_hash[crypto_pwhash_STRBYTES];

enum tix_err
tix_crypto_init(void)
{
	char pw[TIX_TOKEN_LEN + 1];

	if (sodium_init() < 0)
		return TIX_EINTERNAL;
	if (dummy_hash[0] != '\0')
		return TIX_OK;
	tix_token_new(pw);
	return tix_password_hash(pw, strlen(pw), dummy_hash);
}

void
tix_token_new(char out[TIX_TOKEN_LEN + 1])
{
	unsigned char raw[32];

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(out, TIX_TOKEN_LEN + 1, raw, sizeof(raw),
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof(raw));
}

void
tix_b64url_encode(const void *p, size_t n, char *out, size_t size)
{
	if (size < sodium_base64_ENCODED_LEN(n,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING)) {
		if (size > 0)
			out[0] = '\0';
		return;
	}
	sodium_bin2base64(out, size, p, n,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

bool
tix_b64url_decode(const char *s, size_t len, void *out, size_t max,
    size_t *n_out)
{
	const char	*end = NULL;
	size_t		 n = 0;

	*n_out = 0;
	if (sodium_base642bin(out, max, s, len, NULL, &n, &end,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
	    end != s + len)
		return false;
	*n_out = n;
	return true;
}

void
tix_hash_hex(const char *s, size_t n, char out[TIX_HASH_HEX_LEN + 1])
{
	unsigned char h[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(h, (const unsigned char *)s, n);
	sodium_bin2hex(out, TIX_HASH_HEX_LEN + 1, h, sizeof(h));
}

enum tix_err
tix_hash_file_hex(const char *path, char out[TIX_HASH_HEX_LEN + 1])
{
	crypto_hash_sha256_state st;
	unsigned char		 h[crypto_hash_sha256_BYTES], buf[65536];
	FILE			*f = fopen(path, "rb");
	size_t			 n;
	int			 bad;

	if (f == NULL)
		return TIX_EINVAL;
	crypto_hash_sha256_init(&st);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		crypto_hash_sha256_update(&st, buf, n);
	bad = ferror(f);
	fclose(f);
	if (bad)
		return TIX_EINVAL;
	crypto_hash_sha256_final(&st, h);
	sodium_bin2hex(out, TIX_HASH_HEX_LEN + 1, h, sizeof(h));
	return TIX_OK;
}

enum tix_err
tix_password_hash(const char *pw, size_t n, char out[TIX_PWHASH_LEN])
{
	if (crypto_pwhash_str(out, pw, n, crypto_pwhash_OPSLIMIT_INTERACTIVE,
	    crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		return TIX_ENOMEM;
	return TIX_OK;
}

bool
tix_password_verify(const char *hash, const char *pw, size_t n)
{
	int spent;

	if (hash == NULL || strnlen(hash, TIX_PWHASH_LEN) == TIX_PWHASH_LEN) {
		/* The result is meaningless; the time it takes is the point. */
		spent = crypto_pwhash_str_verify(dummy_hash, pw, n);
		(void)spent;
		return false;
	}
	return crypto_pwhash_str_verify(hash, pw, n) == 0;
}

void
tix_wipe(void *p, size_t n)
{
	sodium_memzero(p, n);
}
