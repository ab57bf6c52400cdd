/*
 * secret.c: small secrets kept in the database under a server key (the
 * TOTP secrets of two-factor login), and random bytes.
 *
 * Each secret is sealed with XChaCha20-Poly1305 (libsodium's
 * crypto_aead_xchacha20poly1305_ietf) under the key of
 * TIX_TOTP_KEY_FILE, with a random nonce and the caller's additional
 * data (the owner, so a sealed secret copied to another row fails to
 * open).  The text form is hex of nonce || ciphertext.
 */
#include <sodium.h>

#include <string.h>

#include "crypto/crypto.h"

#define NONCE	crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define ABYTES	crypto_aead_xchacha20poly1305_ietf_ABYTES

static unsigned char	secret_key[TIX_KEY_LEN];
static bool		has_secret_key;

enum tix_err
tix_secret_key_load(const char *path)
{
	enum tix_err rc;

	rc = tix_key_file_read("TIX_TOTP_KEY_FILE", path, secret_key);
	if (rc != TIX_OK)
		return rc;
	has_secret_key = true;
	return TIX_OK;
}

void
tix_random_bytes(void *p, size_t n)
{
	randombytes_buf(p, n);
}

enum tix_err
tix_secret_seal(const void *plain, size_t n, const char *ad, char *out,
    size_t cap)
{
	unsigned char	 sealed[NONCE + TIX_SECRET_MAX + ABYTES];
	unsigned long long clen;

	if (!has_secret_key)
		return TIX_EINTERNAL;
	if (n > TIX_SECRET_MAX || cap < 2 * (NONCE + n + ABYTES) + 1)
		return TIX_ETOOBIG;
	randombytes_buf(sealed, NONCE);
	crypto_aead_xchacha20poly1305_ietf_encrypt(sealed + NONCE, &clen,
	    plain, n, (const unsigned char *)ad, strlen(ad), NULL, sealed,
	    secret_key);
	sodium_bin2hex(out, cap, sealed, NONCE + (size_t)clen);
	return TIX_OK;
}

enum tix_err
tix_secret_open(const char *hex, const char *ad, void *out, size_t cap,
    size_t *n)
{
	unsigned char	 sealed[NONCE + TIX_SECRET_MAX + ABYTES];
	size_t		 len;
	unsigned long long plen;

	if (!has_secret_key)
		return TIX_EINTERNAL;
	if (sodium_hex2bin(sealed, sizeof(sealed), hex, strlen(hex), NULL,
	    &len, NULL) != 0 || len < NONCE + ABYTES ||
	    len - NONCE - ABYTES > cap)
		return TIX_EINTERNAL;
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(out, &plen, NULL,
	    sealed + NONCE, len - NONCE, (const unsigned char *)ad,
	    strlen(ad), sealed, secret_key) != 0)
		return TIX_EINTERNAL;
	*n = (size_t)plen;
	return TIX_OK;
}
