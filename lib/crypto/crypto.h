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

/* Lower-case hex SHA-256 of the file at path into out[TIX_HASH_HEX_LEN +
 * 1], read in pieces (any size).  TIX_EINVAL when it cannot be read
 * (errno says why). */
enum tix_err	tix_hash_file_hex(const char *path,
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

#define TIX_KEY_LEN		32

/*
 * Read a 32-byte key from the file at path (32 raw bytes, or 64 hex
 * digits with an optional trailing newline) into key, locked in memory
 * where the system allows.  setting names the variable in messages.
 * TIX_EINVAL with a message on stderr when path is NULL or empty,
 * unreadable or malformed; a warning when others may read the file.
 */
enum tix_err	tix_key_file_read(const char *setting, const char *path,
		    unsigned char key[TIX_KEY_LEN]);

/* n random bytes from the kernel's CSPRNG into p. */
void		tix_random_bytes(void *p, size_t n);

/*
 * Secrets at rest (crypto/secret.c): the key of TIX_TOTP_KEY_FILE,
 * loaded once at start; then up to TIX_SECRET_MAX bytes sealed into hex
 * text (TIX_SECRET_HEX_MAX bytes with the NUL) with ad (the owner) as
 * additional data, and opened again only with the same ad.  Seal and
 * open are TIX_EINTERNAL without a key or for text that does not open.
 */
#define TIX_SECRET_MAX		64
#define TIX_SECRET_HEX_MAX	(2 * (24 + TIX_SECRET_MAX + 16) + 1)
enum tix_err	tix_secret_key_load(const char *path);
enum tix_err	tix_secret_seal(const void *plain, size_t n, const char *ad,
		    char *out, size_t cap);
enum tix_err	tix_secret_open(const char *hex, const char *ad, void *out,
		    size_t cap, size_t *n);
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
