/*
 * replymac.h: the MAC in a reply address.
 *
 * Every notification's Reply-To names its ticket, its one recipient and
 * a MAC over both: support+TICK-1001.<user id>.<mac>@domain.  The MAC is
 * keyed BLAKE2b (crypto_generichash) with a server key, over the domain
 * string "tix-reply-v1", a NUL, and the ticket number and the user id as
 * 64-bit big-endian integers; its first 15 bytes are written as 24
 * characters of lower-case base32 (RFC 4648 alphabet, no padding), so a
 * mail system that folds the case of local parts does not break it.
 * Nothing is stored: a reply is checked by computing the MAC again, so
 * no table can be read to find tokens, and a leaked address speaks for
 * one person on one ticket.
 *
 * The key is read once at start from TIX_MAIL_TOKEN_KEY_FILE (32 raw
 * bytes or 64 hex digits); tix-notify and tix-mailin need the same one.
 * A new key makes every earlier reply address invalid (its mails go to
 * review).
 */
#ifndef TIX_CRYPTO_REPLYMAC_H
#define TIX_CRYPTO_REPLYMAC_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"

#define TIX_REPLY_MAC_LEN	24

/* Load the key from path: TIX_EINVAL with a message on stderr when it
 * is missing or malformed.  Call tix_crypto_init() first. */
enum tix_err	tix_reply_key_load(const char *path);

/* Set the key directly (tests). */
void		tix_reply_key_set(const unsigned char key[32]);

/* The MAC of (number, user_id) into out.  TIX_EINTERNAL when no key is
 * loaded. */
enum tix_err	tix_reply_mac(int64_t number, int64_t user_id,
		    char out[TIX_REPLY_MAC_LEN + 1]);

/* Whether mac (any case) is the MAC of (number, user_id), compared in
 * constant time.  False without a key. */
bool		tix_reply_mac_ok(int64_t number, int64_t user_id,
		    const char *mac);

#endif
