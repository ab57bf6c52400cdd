/*
 * license.h: finding license keys in ticket text.  Pure.
 *
 * A key is four groups of five upper-case letters or digits joined by
 * '-' ("ABCDE-FGHIJ-KLMNO-12345"), standing on its own: not inside a
 * longer run of letters, digits or dashes.
 */
#ifndef TIX_TICKETS_LICENSE_H
#define TIX_TICKETS_LICENSE_H

#include <stdbool.h>
#include <stddef.h>

#define TIX_LICENSE_KEY_LEN 23

/* Whether s is exactly one key. */
bool	tix_license_key_valid(const char *s);

/*
 * Copy up to max keys found in text (n bytes), in order of appearance
 * and without repeats, into keys[i] (each TIX_LICENSE_KEY_LEN + 1 bytes,
 * NUL-terminated).  Returns how many were found.
 */
size_t	tix_license_keys_find(const char *text, size_t n,
	    char (*keys)[TIX_LICENSE_KEY_LEN + 1], size_t max);

/*
 * Mask in place every key that tix_license_keys_find would find in text
 * (n bytes) but for its last group: "*****-*****-*****-12345", so that
 * a key never travels whole in a mail.  Returns how many were masked.
 */
size_t	tix_license_keys_mask(char *text, size_t n);

#endif
