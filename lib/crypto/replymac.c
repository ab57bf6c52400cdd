/*
 * replymac.c: reply-address MACs over keyed BLAKE2b (replymac.h).
 */
#include <sodium.h>

#include <string.h>

#include "crypto/crypto.h"
#include "crypto/replymac.h"

#define MAC_BYTES	15	/* 120 bits: 24 base32 characters */

static const char	domain[] = "tix-reply-v1";
static unsigned char	key[TIX_KEY_LEN];
static bool		has_key;

enum tix_err
tix_reply_key_load(const char *path)
{
	if (tix_key_file_read("TIX_MAIL_TOKEN_KEY_FILE", path, key) != TIX_OK)
		return TIX_EINVAL;
	has_key = true;
	return TIX_OK;
}

void
tix_reply_key_set(const unsigned char k[32])
{
	memcpy(key, k, sizeof(key));
	has_key = true;
}

static void
be64(unsigned char *p, int64_t v)
{
	uint64_t	u = (uint64_t)v;
	int		i;

	for (i = 7; i >= 0; i--) {
		p[i] = (unsigned char)(u & 0xFF);
		u >>= 8;
	}
}

enum tix_err
tix_reply_mac(int64_t number, int64_t user_id, char out[TIX_REPLY_MAC_LEN + 1])
{
	static const char	 abc[] = "abcdefghijklmnopqrstuvwxyz234567";
	unsigned char		 in[sizeof(domain) + 16], mac[MAC_BYTES];
	unsigned		 acc = 0, bits = 0;
	size_t			 i, k = 0;

	if (!has_key)
		return TIX_EINTERNAL;
	memcpy(in, domain, sizeof(domain));	/* with its NUL */
	be64(in + sizeof(domain), number);
	be64(in + sizeof(domain) + 8, user_id);
	if (crypto_generichash(mac, sizeof(mac), in, sizeof(in), key,
	    sizeof(key)) != 0)
		return TIX_EINTERNAL;
	for (i = 0; i < sizeof(mac); i++) {
		acc = (acc << 8) | mac[i];
		bits += 8;
		while (bits >= 5) {
			bits -= 5;
			out[k++] = abc[(acc >> bits) & 31];
		}
	}
	out[k] = '\0';
	sodium_memzero(mac, sizeof(mac));
	return TIX_OK;
}

bool
tix_reply_mac_ok(int64_t number, int64_t user_id, const char *mac)
{
	char	want[TIX_REPLY_MAC_LEN + 1], got[TIX_REPLY_MAC_LEN];
	size_t	i;

	if (mac == NULL || strlen(mac) != TIX_REPLY_MAC_LEN ||
	    tix_reply_mac(number, user_id, want) != TIX_OK)
		return false;
	for (i = 0; i < TIX_REPLY_MAC_LEN; i++)
		got[i] = mac[i] >= 'A' && mac[i] <= 'Z' ?
		    (char)(mac[i] - 'A' + 'a') : mac[i];
	return sodium_memcmp(got, want, TIX_REPLY_MAC_LEN) == 0;
}
