/*
 * policy.h: the rules a new password must pass.
 */
#ifndef TIX_AUTH_POLICY_H
#define TIX_AUTH_POLICY_H

#include <stddef.h>

/* Characters of a new password (the length is checked by the caller's
 * field reader, in code points). */
#define TIX_MIN_NEW_PASSWORD	10

/*
 * NULL when pw (NUL-terminated, valid UTF-8) may be the new password of
 * the user with this e-mail address and name; else why not, as a
 * sentence fragment for the 422 ("is too easy to guess: it is based on
 * a dictionary word").  The reason is static.  Checks that pw is not the
 * e-mail address, and asks cracklib (Debian's cracklib-runtime
 * dictionary) whether it is a common, dictionary-based or simplistic
 * password, or one made from the address or the name.
 */
const char	*tix_password_policy(const char *pw, const char *email,
		    const char *name);

#endif
