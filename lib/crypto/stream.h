/*
 * stream.h: encryption of stored files, and streaming SHA-256.
 *
 * Every file is encrypted with libsodium's secretstream
 * (XChaCha20-Poly1305) under a key of its own, derived with
 * crypto_kdf_derive_from_key from the process's master key and a random
 * 64-bit subkey id that is stored beside the file.  The file is cut into
 * chunks; each is sealed with the file's id as additional data, and the
 * last carries the FINAL tag, so a chunk that was changed, moved to
 * another file, reordered, dropped or cut off fails to open.
 *
 * The master key (32 bytes) is read once at start from the file named by
 * TIX_ATTACHMENT_KEY_FILE: 32 raw bytes, or 64 hex digits with an
 * optional trailing newline.  It is kept in locked memory where the
 * system allows and never leaves this module.
 *
 * The same master key also keys short MACs (keyed BLAKE2b,
 * crypto_generichash, 128 bits) under subkeys derived for one purpose
 * each, with its own 8-character kdf context, so that a MAC made for one
 * purpose (a list cursor: "tixcurs1") is worth nothing for another and
 * no key of a file can be had from one.
 */
#ifndef TIX_CRYPTO_STREAM_H
#define TIX_CRYPTO_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

#define TIX_SEAL_HEADER_LEN	24	/* ..._HEADERBYTES */
#define TIX_SEAL_ABYTES		17	/* added to every chunk */
#define TIX_SHA256_LEN		32

/* Opaque states, sized and aligned for libsodium's (checked there). */
struct tix_seal {
	_Alignas(16) unsigned char	st[64];
};
struct tix_sha256 {
	_Alignas(16) unsigned char	st[128];
};

/*
 * Load the master key from path.  TIX_EINVAL with a message on stderr
 * when path is NULL or empty, unreadable, or holds anything but 32 raw
 * bytes or 64 hex digits.  Call tix_crypto_init() first.
 */
enum tix_err	tix_master_key_load(const char *path);

/* A new random subkey id for a file. */
int64_t		tix_seal_key_id_new(void);

/*
 * Start sealing a file: a fresh header (to store) into header.
 * TIX_EINTERNAL when no master key is loaded.
 */
enum tix_err	tix_seal_init(struct tix_seal *s, int64_t key_id,
		    unsigned char header[TIX_SEAL_HEADER_LEN]);
/* Seal n bytes of in into out (n + TIX_SEAL_ABYTES bytes); file_id is
 * the additional data, final marks the last chunk. */
enum tix_err	tix_seal_push(struct tix_seal *s, int64_t file_id,
		    const unsigned char *in, size_t n, bool final,
		    unsigned char *out);

/* Start opening a file sealed with key_id and header. */
enum tix_err	tix_open_init(struct tix_seal *s, int64_t key_id,
		    const unsigned char header[TIX_SEAL_HEADER_LEN]);
/*
 * Open one chunk of n bytes into out (n - TIX_SEAL_ABYTES bytes, *out_n);
 * *final tells whether it was the last.  TIX_EINTERNAL when it fails
 * authentication (the caller logs it: nothing of it may be served).
 */
enum tix_err	tix_open_pull(struct tix_seal *s, int64_t file_id,
		    const unsigned char *in, size_t n, unsigned char *out,
		    size_t *out_n, bool *final);

void		tix_sha256_init(struct tix_sha256 *h);
void		tix_sha256_update(struct tix_sha256 *h, const void *p,
		    size_t n);
/* The digest as 64 lower-case hex digits and a NUL. */
void		tix_sha256_final_hex(struct tix_sha256 *h, char out[65]);

#define TIX_MAC_LEN	16

/* A MAC in progress: opaque, sized for crypto_generichash_state. */
struct tix_mac {
	_Alignas(64) unsigned char	st[384];
};

/*
 * Start a MAC under the subkey of the master key for purpose (exactly 8
 * characters, fixed forever for that purpose).  TIX_EINTERNAL when no
 * master key is loaded.
 */
enum tix_err	tix_mac_init(struct tix_mac *m, const char purpose[8]);
void		tix_mac_update(struct tix_mac *m, const void *p, size_t n);
void		tix_mac_final(struct tix_mac *m,
		    unsigned char out[TIX_MAC_LEN]);
/* Whether two MACs are equal, in constant time. */
bool		tix_mac_equal(const unsigned char a[TIX_MAC_LEN],
		    const unsigned char b[TIX_MAC_LEN]);

/* Hex of n bytes into out (2n + 1 bytes); and back: false unless hex is
 * exactly 2n hex digits. */
void		tix_hex(const unsigned char *p, size_t n, char *out);
bool		tix_unhex(const char *hex, unsigned char *out, size_t n);

#endif
