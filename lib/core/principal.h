/*
 * principal.h: who is asking.  Filled by auth/session.c from a session
 * cookie or a bearer token, read by every policy decision.  A plain type
 * in core/, below both http/ (a request carries one) and auth/ (which
 * fills it), so that http/ needs nothing of auth/.
 */
#ifndef TIX_CORE_PRINCIPAL_H
#define TIX_CORE_PRINCIPAL_H

#include <stdbool.h>
#include <stdint.h>

enum tix_role { TIX_ROLE_CUSTOMER, TIX_ROLE_AGENT, TIX_ROLE_ADMIN };

/* How a change reached us: the timeline's "via". */
enum tix_via { TIX_VIA_PORTAL, TIX_VIA_EMAIL, TIX_VIA_API, TIX_VIA_SYSTEM };

struct tix_principal {
	int64_t		 user_id;
	const char	*email;
	const char	*name;
	enum tix_role	 role;
	int64_t		 account_id;
	const char	*account_name;
	const char	*timezone;	/* IANA name of the account's zone */
	enum tix_via	 via;		/* portal: session; api: token */
	int64_t		 session_id;	/* 0 with a bearer token */
	const char	*csrf_token;	/* the session's; NULL with a token */
	bool		 two_factor;	/* the user has 2FA on */
	/* The session passed a second factor (login code, or 2FA turned
	 * on in it); false with a token. */
	bool		 session_two_factor;
	/* Staff without 2FA under TIX_REQUIRE_2FA_FOR_STAFF: the session
	 * may only set 2FA up (tix_auth_setup_allows). */
	bool		 setup_only;
};

/* Agents and admins: the helpdesk side. */
static inline bool
tix_is_staff(const struct tix_principal *p)
{
	return p->role != TIX_ROLE_CUSTOMER;
}

const char	*tix_role_name(enum tix_role r);
/* TIX_ROLE_* from "customer" etc.; false when s names no role. */
bool		 tix_role_parse(const char *s, enum tix_role *out);
const char	*tix_via_name(enum tix_via v);

#endif
