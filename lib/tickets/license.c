/*
 * license.c: license key detection.
 */
#include <string.h>

#include "tickets/license.h"

static bool
key_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* Any letter, digit or dash: what may not touch a key on either side. */
static bool
word_char(char c)
{
	return key_char(c) || (c >= 'a' && c <= 'z') || c == '-';
}

static bool
key_at(const char *s)
{
	size_t i;

	for (i = 0; i < TIX_LICENSE_KEY_LEN; i++) {
		if (i % 6 == 5) {
			if (s[i] != '-')
				return false;
		} else if (!key_char(s[i]))
			return false;
	}
	return true;
}

bool
tix_license_key_valid(const char *s)
{
	return strlen(s) == TIX_LICENSE_KEY_LEN && key_at(s);
}

size_t
tix_license_keys_find(const char *text, size_t n,
    char (*keys)[TIX_LICENSE_KEY_LEN + 1], size_t max)
{
	size_t i, k, found = 0;
	bool seen;

	for (i = 0; found < max && i + TIX_LICENSE_KEY_LEN <= n; i++) {
		if (i > 0 && word_char(text[i - 1]))
			continue;
		if (!key_at(text + i))
			continue;
		if (i + TIX_LICENSE_KEY_LEN < n &&
		    word_char(text[i + TIX_LICENSE_KEY_LEN]))
			continue;
		seen = false;
		for (k = 0; k < found; k++)
			if (memcmp(keys[k], text + i, TIX_LICENSE_KEY_LEN) == 0)
				seen = true;
		if (!seen) {
			memcpy(keys[found], text + i, TIX_LICENSE_KEY_LEN);
			keys[found][TIX_LICENSE_KEY_LEN] = '\0';
			found++;
		}
		i += TIX_LICENSE_KEY_LEN - 1;
	}
	return found;
}

size_t
tix_license_keys_mask(char *text, size_t n)
{
	size_t i, k, found = 0;

	for (i = 0; i + TIX_LICENSE_KEY_LEN <= n; i++) {
		if (i > 0 && word_char(text[i - 1]))
			continue;
		if (!key_at(text + i))
			continue;
		if (i + TIX_LICENSE_KEY_LEN < n &&
		    word_char(text[i + TIX_LICENSE_KEY_LEN]))
			continue;
		/* The first three groups; the last one stays. */
		for (k = 0; k < TIX_LICENSE_KEY_LEN - 5; k++)
			if (text[i + k] != '-')
				text[i + k] = '*';
		found++;
		i += TIX_LICENSE_KEY_LEN - 1;
	}
	return found;
}
