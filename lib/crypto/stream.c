/*
 * stream.c: the master key, per-file keys, secretstream chunks and
 * streaming SHA-256 over libsodium (stream.h).
 */
#include <sodium.h>

#include <string.h>

#include "crypto/crypto.h"
#include "crypto/stream.h"

_Static_assert(TIX_SEAL_HEADER_LEN ==
    crypto_secretstream_xchacha20poly1305_HEADERBYTES, "header size");
_Static_assert(TIX_SEAL_ABYTES ==
    crypto_secretstream_xchacha20poly1305_ABYTES, "abytes");
_Static_assert(sizeof(crypto_secretstream_xchacha20poly1305_state) <=
    sizeof(((struct tix_seal *)0)->st), "seal state");
_Static_assert(sizeof(crypto_hash_sha256_state) <=
    sizeof(((struct tix_sha256 *)0)->st), "sha256 state");
_Static_assert(crypto_kdf_KEYBYTES == 32, "master key size");
_Static_assert(sizeof(crypto_generichash_state) <=
    sizeof(((struct tix_mac *)0)->st), "mac state");
_Static_assert(TIX_MAC_LEN >= crypto_generichash_BYTES_MIN, "mac size");

/* The domain of our subkeys: any 8 bytes, fixed forever. */
static const char kdf_context[crypto_kdf_CONTEXTBYTES] = "tixfile1";

static unsigned char	master[crypto_kdf_KEYBYTES];
static bool		has_master;

enum tix_err
tix_master_key_load(const char *path)
{
	if (tix_key_file_read("TIX_ATTACHMENT_KEY_FILE", path, master) !=
	    TIX_OK)
		return TIX_EINVAL;
	has_master = true;
	return TIX_OK;
}

int64_t
tix_seal_key_id_new(void)
{
	uint64_t v;

	randombytes_buf(&v, sizeof(v));
	return (int64_t)(v >> 1);	/* fits a bigint, positive */
}

static enum tix_err
file_key(int64_t key_id, unsigned char key[32])
{
	if (!has_master)
		return TIX_EINTERNAL;
	if (crypto_kdf_derive_from_key(key, 32, (uint64_t)key_id, kdf_context,
	    master) != 0)
		return TIX_EINTERNAL;
	return TIX_OK;
}

static void
ad_of(int64_t file_id, unsigned char ad[8])
{
	uint64_t	v = (uint64_t)file_id;
	int		i;

	for (i = 0; i < 8; i++)
		ad[i] = (unsigned char)(v >> (8 * i));
}

enum tix_err
tix_seal_init(struct tix_seal *s, int64_t key_id,
    unsigned char header[TIX_SEAL_HEADER_LEN])
{
	unsigned char	key[32];
	enum tix_err	rc;

	rc = file_key(key_id, key);
	if (rc == TIX_OK &&
	    crypto_secretstream_xchacha20poly1305_init_push(
	    (crypto_secretstream_xchacha20poly1305_state *)s->st, header,
	    key) != 0)
		rc = TIX_EINTERNAL;
	sodium_memzero(key, sizeof(key));
	return rc;
}

enum tix_err
tix_seal_push(struct tix_seal *s, int64_t file_id, const unsigned char *in,
    size_t n, bool final, unsigned char *out)
{
	unsigned char ad[8];

	ad_of(file_id, ad);
	if (crypto_secretstream_xchacha20poly1305_push(
	    (crypto_secretstream_xchacha20poly1305_state *)s->st, out, NULL,
	    in, n, ad, sizeof(ad), final ?
	    crypto_secretstream_xchacha20poly1305_TAG_FINAL :
	    crypto_secretstream_xchacha20poly1305_TAG_MESSAGE) != 0)
		return TIX_EINTERNAL;
	return TIX_OK;
}

enum tix_err
tix_open_init(struct tix_seal *s, int64_t key_id,
    const unsigned char header[TIX_SEAL_HEADER_LEN])
{
	unsigned char	key[32];
	enum tix_err	rc;

	rc = file_key(key_id, key);
	if (rc == TIX_OK &&
	    crypto_secretstream_xchacha20poly1305_init_pull(
	    (crypto_secretstream_xchacha20poly1305_state *)s->st, header,
	    key) != 0)
		rc = TIX_EINTERNAL;
	sodium_memzero(key, sizeof(key));
	return rc;
}

enum tix_err
tix_open_pull(struct tix_seal *s, int64_t file_id, const unsigned char *in,
    size_t n, unsigned char *out, size_t *out_n, bool *final)
{
	unsigned char		ad[8], tag = 0;
	unsigned long long	m = 0;

	*out_n = 0;
	*final = false;
	if (n < TIX_SEAL_ABYTES)
		return TIX_EINTERNAL;
	ad_of(file_id, ad);
	if (crypto_secretstream_xchacha20poly1305_pull(
	    (crypto_secretstream_xchacha20poly1305_state *)s->st, out, &m,
	    &tag, in, n, ad, sizeof(ad)) != 0)
		return TIX_EINTERNAL;
	if (tag != crypto_secretstream_xchacha20poly1305_TAG_MESSAGE &&
	    tag != crypto_secretstream_xchacha20poly1305_TAG_FINAL)
		return TIX_EINTERNAL;	/* we never write other tags */
	*out_n = (size_t)m;
	*final = tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL;
	return TIX_OK;
}

void
tix_sha256_init(struct tix_sha256 *h)
{
	crypto_hash_sha256_init((crypto_hash_sha256_state *)h->st);
}

void
tix_sha256_update(struct tix_sha256 *h, const void *p, size_t n)
{
	crypto_hash_sha256_update((crypto_hash_sha256_state *)h->st, p, n);
}

void
tix_sha256_final_hex(struct tix_sha256 *h, char out[65])
{
	unsigned char d[crypto_hash_sha256_BYTES];

	crypto_hash_sha256_final((crypto_hash_sha256_state *)h->st, d);
	sodium_bin2hex(out, 65, d, sizeof(d));
}

void
tix_hex(const unsigned char *p, size_t n, char *out)
{
	sodium_bin2hex(out, 2 * n + 1, p, n);
}

bool
tix_unhex(const char *hex, unsigned char *out, size_t n)
{
	size_t got = 0;

	if (strlen(hex) != 2 * n)
		return false;
	return sodium_hex2bin(out, n, hex, 2 * n, NULL, &got, NULL) == 0 &&
	    got == n;
}

/* The subkey id of every purpose's MAC key: the purpose is the kdf
 * context, so one id serves them all. */
#define MAC_SUBKEY_ID	1

enum tix_err
tix_mac_init(struct tix_mac *m, const char purpose[8])
{
	unsigned char	key[crypto_generichash_KEYBYTES];
	enum tix_err	rc = TIX_OK;

	if (!has_master)
		return TIX_EINTERNAL;
	if (crypto_kdf_derive_from_key(key, sizeof(key), MAC_SUBKEY_ID,
	    purpose, master) != 0 ||
	    crypto_generichash_init((crypto_generichash_state *)(void *)m->st,
	    key, sizeof(key), TIX_MAC_LEN) != 0)
		rc = TIX_EINTERNAL;
	sodium_memzero(key, sizeof(key));
	return rc;
}

void
tix_mac_update(struct tix_mac *m, const void *p, size_t n)
{
	(void)crypto_generichash_update(
	    (crypto_generichash_state *)(void *)m->st, p, n);
}

void
tix_mac_final(struct tix_mac *m, unsigned char out[TIX_MAC_LEN])
{
	(void)crypto_generichash_final(
	    (crypto_generichash_state *)(void *)m->st, out, TIX_MAC_LEN);
	sodium_memzero(m->st, sizeof(m->st));
}

bool
tix_mac_equal(const unsigned char a[TIX_MAC_LEN],
    const unsigned char b[TIX_MAC_LEN])
{
	return sodium_memcmp(a, b, TIX_MAC_LEN) == 0;
}
