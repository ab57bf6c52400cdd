/*
 * crypto.h: the only door to libsodium.
 *
 * Tokens (sessions, API tokens, CSRF) are 256 bits from the kernel's
 * CSPRNG, written as 43 characters of unpadded base64url.  The database
 * keeps only their SHA-256, so a stolen copy of it opens no session.
 * Passwords are hashed with argon2id (crypto_pwhash_str).
 */
#ifndef TIX_CRYPTO_CRYPTO_H
#define TIX_CRYPTO_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"

#define TIX_TOKEN_LEN		43	/* base64url of 32 bytes, no padding */
#define TIX_HASH_HEX_LEN	64	/* SHA-256 in hex */
#define TIX_PWHASH_LEN		128	/* crypto_pwhash_STRBYTES */

/* Once per process, before anything else here.  TIX_EINTERNAL if the
 * library cannot start (no entropy source). */
enum tix_err	tix_crypto_init(void);

/* A new random token, NUL-terminated, into out[TIX_TOKEN_LEN + 1]. */
void		tix_token_new(char out[TIX_TOKEN_LEN + 1]);

/* Lower-case hex SHA-256 of s (n bytes) into out[TIX_HASH_HEX_LEN + 1]. */
void		tix_hash_hex(const char *s, size_t n,
		    char out[TIX_HASH_HEX_LEN + 1]);

/* argon2id hash of the password into out[TIX_PWHASH_LEN].  TIX_ENOMEM
 * when the hash's memory cannot be had. */
enum tix_err	tix_password_hash(const char *pw, size_t n,
		    char out[TIX_PWHASH_LEN]);

/*
 * Whether pw matches hash.  hash == NULL (no such user) still does the
 * full work against a dummy hash, so that a missing account and a wrong
 * password take the same time (security.md #21).
 */
bool		tix_password_verify(const char *hash, const char *pw,
		    size_t n);

/*
 * Unpadded base64url of n bytes into out (at most size bytes with the
 * NUL; at least 4 * n / 3 + 2).  And back: false unless s (len bytes) is
 * exactly the unpadded base64url of at most max bytes, then *n_out.
 */
void		tix_b64url_encode(const void *p, size_t n, char *out,
		    size_t size);
bool		tix_b64url_decode(const char *s, size_t len, void *out,
		    size_t max, size_t *n_out);

/* Wipe a secret. */
void		tix_wipe(void *p, size_t n);

#endif
