/*
 * me.h: what a signed-in user manages of their own (auth/me.c): API
 * tokens, sessions and notification preferences; and the staff list
 * that assignment offers.
 *
 * Every function acts for r->who and only on rows of that user: an id
 * of another user's token or session is TIX_ENOTFOUND, exactly like an
 * id that does not exist.  Rows are copied into the arena.
 */
#ifndef TIX_AUTH_ME_H
#define TIX_AUTH_ME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/crypto.h"
#include "http/req.h"

struct tix_token_row {
	int64_t		 id;
	const char	*name;
	const char	*created_at;
	const char	*last_used_at;	/* NULL: never */
};

/* A new token: the secret is shown once and kept only as a hash. */
struct tix_token_made {
	struct tix_token_row	row;
	char			token[TIX_TOKEN_LEN + 1];	/* wipe it */
};

struct tix_session_row {
	int64_t		 id;
	const char	*created_at;
	const char	*last_used_at;
	const char	*ip;
	const char	*user_agent;
	bool		 current;	/* r's own session */
};

struct tix_prefs {
	bool		 on_reply, on_status, on_assigned, sms_enabled;
	const char	*sms_number;	/* NULL: none */
};

struct tix_staff_row {
	int64_t		 id;
	const char	*name;
	const char	*email;
	const char	*role;
};

/* A token named name (validated by the caller) for r's user. */
enum tix_err	tix_auth_token_create(struct tix_req *r, const char *name,
		    struct tix_token_made *out);
/* The user's tokens, oldest first. */
enum tix_err	tix_auth_token_list(struct tix_req *r,
		    struct tix_token_row **rows, size_t *n);
enum tix_err	tix_auth_token_revoke(struct tix_req *r, int64_t id);

/* The user's sessions in use within the idle limit, latest use first. */
enum tix_err	tix_auth_session_list(struct tix_req *r,
		    struct tix_session_row **rows, size_t *n);
enum tix_err	tix_auth_session_revoke(struct tix_req *r, int64_t id);
/* Every session of the user but r's (with a token: every one). */
enum tix_err	tix_auth_session_revoke_others(struct tix_req *r);

/* TIX_EAUTH when the user is gone. */
enum tix_err	tix_auth_prefs_get(struct tix_req *r, struct tix_prefs *out);
/* The whole of pf, checked by the caller. */
enum tix_err	tix_auth_prefs_set(struct tix_req *r,
		    const struct tix_prefs *pf);

/* Agents and admins who are not disabled, by name. */
enum tix_err	tix_auth_staff_list(struct tix_req *r,
		    struct tix_staff_row **rows, size_t *n);

#endif
