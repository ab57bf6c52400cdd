/*
 * policy.c: new passwords, checked with cracklib's FascistCheckUser.
 *
 * This is the only file that includes <crack.h>.  cracklib reads its
 * dictionary (GetDefaultCracklibDict(), /var/cache/cracklib/cracklib_dict
 * on Debian, built by cracklib-runtime) on every check; a missing
 * dictionary refuses every password, with cracklib's reason, rather than
 * letting a weak one through.
 */
#include <stdio.h>
#include <string.h>

#include <crack.h>

#include "auth/policy.h"
#include "core/str.h"

/* cracklib looks at this many bytes: a password that is strong in its
 * first 256 bytes is strong, and cracklib's buffers stay far away. */
#define CRACK_MAX	256
/* RFC 5321's longest local part. */
#define LOCAL_MAX	64

const char *
tix_password_policy(const char *pw, const char *email, const char *name)
{
	static char	 reason[200];
	char		 head[CRACK_MAX + 1], user[LOCAL_MAX + 1];
	const char	*why, *at;
	size_t		 n;

	if (tix_str_ieq(pw, strlen(pw), email))
		return "must not be your e-mail address";
	n = strnlen(pw, CRACK_MAX);
	memcpy(head, pw, n);
	head[n] = '\0';
	/* The user name cracklib compares with: the address's local part. */
	at = strchr(email, '@');
	n = at != NULL ? (size_t)(at - email) : strlen(email);
	if (n > LOCAL_MAX)
		n = LOCAL_MAX;
	memcpy(user, email, n);
	user[n] = '\0';
	why = FascistCheckUser(head, GetDefaultCracklibDict(), user, name);
	if (why == NULL)
		return NULL;
	(void)snprintf(reason, sizeof(reason), "is too easy to guess: %s",
	    why);
	return reason;
}
