/*
 * stmt.h: every SQL statement the programs may run, by name.
 *
 * The text of each is in db/stmt.c and nowhere else.  Choices that SQL
 * cannot take as parameters (sort orders) are separate statements picked
 * from an allowlist, never text built from input.
 */
#ifndef TIX_DB_STMT_H
#define TIX_DB_STMT_H

enum tix_stmt {
	/* tix-admin */
	TIX_STMT_MIGRATE_LOCK,
	TIX_STMT_MIGRATE_LOCK_SESSION,
	TIX_STMT_MIGRATE_UNLOCK_SESSION,
	TIX_STMT_MIGRATE_APPLIED,
	TIX_STMT_MIGRATE_RECORD,
	TIX_STMT_TIMEZONE_VALID,
	TIX_STMT_ACCOUNT_ENSURE,
	TIX_STMT_USER_INSERT,
	TIX_STMT_USER_DISABLE,
	TIX_STMT_SERVER_VERSION,
	TIX_STMT_SCHEMA_OBJECTS,
	TIX_STMT_ACCOUNT_EXPORT,
	TIX_STMT_ACCOUNT_FILES,
	TIX_STMT_ACCOUNT_COUNTS,
	TIX_STMT_ACCOUNT_DEL_OUTBOX,
	TIX_STMT_ACCOUNT_DEL_TICKETS,
	TIX_STMT_ACCOUNT_DEL_USERS,
	TIX_STMT_ACCOUNT_DEL_LICENSES,
	TIX_STMT_ACCOUNT_DEL,

	/* auth */
	TIX_STMT_HEALTH,
	TIX_STMT_LOGIN_USER,
	TIX_STMT_LOGIN_LOCK,
	TIX_STMT_LOGIN_CLAIM,
	TIX_STMT_LOGIN_FAILURES_CLEAR,
	TIX_STMT_SESSION_INSERT,
	TIX_STMT_SESSION_LOOKUP,
	TIX_STMT_SESSION_TOUCH,
	TIX_STMT_SESSION_DELETE,
	TIX_STMT_SESSION_LIST,
	TIX_STMT_SESSION_REVOKE,
	TIX_STMT_SESSION_REVOKE_OTHERS,
	TIX_STMT_USER_LOGOUT,
	TIX_STMT_PASSWORD_GET,
	TIX_STMT_SECURITY_EVENT,
	TIX_STMT_SECURITY_EVENTS,
	TIX_STMT_RESET_USER,
	TIX_STMT_RESET_INSERT,
	TIX_STMT_OUTBOX_ACCOUNT,
	TIX_STMT_RESET_PEEK,
	TIX_STMT_RESET_USE,
	TIX_STMT_RESET_FINISH,
	TIX_STMT_TOTP_STATE,
	TIX_STMT_TOTP_PENDING_SET,
	TIX_STMT_TOTP_ENABLE,
	TIX_STMT_TOTP_USE_STEP,
	TIX_STMT_RECOVERY_SET,
	TIX_STMT_RECOVERY_USE,
	TIX_STMT_TOTP_DISABLE,
	TIX_STMT_TOTP_RESET,
	TIX_STMT_SESSION_MARK_2FA,
	TIX_STMT_CHALLENGE_INSERT,
	TIX_STMT_CHALLENGE_GET,
	TIX_STMT_CHALLENGE_FAIL,
	TIX_STMT_CHALLENGE_DELETE,
	TIX_STMT_PASSWORD_SET,
	TIX_STMT_TOKEN_LOOKUP,
	TIX_STMT_TOKEN_TOUCH,
	TIX_STMT_TOKEN_INSERT,
	TIX_STMT_TOKEN_LIST,
	TIX_STMT_TOKEN_DELETE,
	TIX_STMT_PREFS_GET,
	TIX_STMT_PREFS_SET,
	TIX_STMT_STAFF_LIST,

	/* tickets */
	TIX_STMT_TICKET_CONTEXT,
	TIX_STMT_REQUESTER_BY_EMAIL,
	TIX_STMT_TICKET_INSERT,
	TIX_STMT_ENTRY_INSERT,
	TIX_STMT_TICKET_FIND,
	TIX_STMT_TICKET_LOCK,
	TIX_STMT_TICKET_SUMMARY,
	TIX_STMT_TICKET_ENTRIES,
	/* The detail by number in the caller's scope (GET). */
	TIX_STMT_TICKET_SUMMARY_N,
	TIX_STMT_TICKET_ENTRIES_N,
	TIX_STMT_REFUSED_LIST_N,
	TIX_STMT_ATTACH_LIST_N,
	TIX_STMT_TICKET_AFTER_MESSAGE,
	/* Fourteen statements: TIX_STMT_TICKET_LIST + sort * 2 +
	 * is_customer, with sort an enum tix_sort (lib/tickets/search.h):
	 * the lists, and the search that walks a list's order. */
	TIX_STMT_TICKET_LIST,
	TIX_STMT_TICKET_LIST_LAST = TIX_STMT_TICKET_LIST + 13,
	/* The search's capped counts, and its ranked pages (fourteen, as
	 * the list's): lib/tickets/search.c. */
	TIX_STMT_SEARCH_COUNT,
	TIX_STMT_SEARCH_COUNT_CUSTOMER,
	TIX_STMT_SEARCH_RANKED,
	TIX_STMT_SEARCH_RANKED_LAST = TIX_STMT_SEARCH_RANKED + 13,
	TIX_STMT_LICENSE_FOR_TICKET,

	/* lifecycle, SLA, idempotency, stats, licenses */
	TIX_STMT_TICKET_SET_STATUS,
	TIX_STMT_TICKET_SET_PRIORITY,
	TIX_STMT_TICKET_SET_CATEGORY,
	TIX_STMT_TICKET_SET_ASSIGNEE,
	TIX_STMT_TICKET_REOPEN,
	TIX_STMT_STAFF_NAME,
	TIX_STMT_USER_NAME,
	TIX_STMT_IDEM_CLAIM,
	TIX_STMT_IDEM_GET,
	TIX_STMT_IDEM_SET,
	TIX_STMT_IDEM_PRUNE,
	TIX_STMT_PRUNE_OUTBOX,
	TIX_STMT_PRUNE_SESSIONS,
	TIX_STMT_PRUNE_LOGIN_FAILURES,
	TIX_STMT_PRUNE_REVIEW,
	TIX_STMT_TICKET_STATS,
	TIX_STMT_LICENSE_ACTIVATIONS,
	TIX_STMT_LICENSE_INSERT,
	TIX_STMT_ACTIVATION_INSERT,
	TIX_STMT_SCHED_AUTOCLOSE,
	TIX_STMT_SCHED_BREACHES,
	TIX_STMT_TICKET_LOCK_ID,
	TIX_STMT_TICKET_MARK_BREACHED,

	/* attachments (lib/files, lib/api/upload.c, lib/api/files_api.c) */
	TIX_STMT_ATTACH_INSERT,
	TIX_STMT_ATTACH_CHUNK_INSERT,
	TIX_STMT_ATTACH_FINISH,
	TIX_STMT_ATTACH_LINK,
	TIX_STMT_ATTACH_QUOTA,
	TIX_STMT_ATTACH_LIST,
	TIX_STMT_REFUSED_INSERT,
	TIX_STMT_REFUSED_LIST,
	TIX_STMT_ATTACH_LINK_REVIEW,
	TIX_STMT_ATTACH_FROM_REVIEW,
	TIX_STMT_REVIEW_FILES_OVER,
	TIX_STMT_REFUSED_FROM_REVIEW,
	TIX_STMT_ATTACH_GET,
	TIX_STMT_ATTACH_CHUNK_GET,
	TIX_STMT_TICKET_TOUCH,
	TIX_STMT_TICKET_DELETE,

	/* the notification outbox (lib/outbox) */
	TIX_STMT_OUTBOX_TICKET,
	TIX_STMT_OUTBOX_TO_USER,
	TIX_STMT_OUTBOX_TO_STAFF,
	TIX_STMT_OUTBOX_SMS,
	TIX_STMT_OUTBOX_NOTIFY,
	TIX_STMT_OUTBOX_CLAIM,
	TIX_STMT_OUTBOX_SENT,
	TIX_STMT_OUTBOX_RELEASE,
	TIX_STMT_OUTBOX_RETRY,
	TIX_STMT_OUTBOX_FAILED,
	TIX_STMT_OUTBOX_LIST,
	TIX_STMT_OUTBOX_REQUEUE,

	/* mail in (lib/mail/ingest.c) */
	TIX_STMT_MAIL_USER,
	TIX_STMT_MAIL_TICKET,
	TIX_STMT_MAIL_OUTBOX_TICKET,
	TIX_STMT_INBOUND_CLAIM,
	TIX_STMT_INBOUND_SET,
	TIX_STMT_INBOUND_REVIEW,
	/* operations (lib/tickets/gauges.c) */
	TIX_STMT_OPS_GAUGES,
	TIX_STMT_REVIEW_LIST,
	TIX_STMT_REVIEW_COUNT,
	TIX_STMT_REVIEW_LOCK,
	TIX_STMT_REVIEW_DELETE,
	TIX_STMT_REVIEW_USER,
	TIX_STMT_REVIEW_REQUESTER,
	/* reads from a replica (lib/db/replica.c) */
	TIX_STMT_WAL_INSERTED,
	TIX_STMT_WAL_REPLAYED_TO,

	TIX_STMT__MAX
};

/*
 * A list statement shaped by its filters (lib/tickets/search.c, without
 * a search): its id is TIX_STMT_SHAPED + the OR of the TIX_SHAPE_*
 * below.  Its text names only the filters the shape has, so that one
 * plan serves every request of that shape and PostgreSQL need not plan
 * each one again; it takes the same fourteen parameters as
 * TIX_STMT_TICKET_LIST (a count: the first twelve), the unused ones
 * ignored.  A count stops at TIX_LIST_TOTAL_CAP + 1 rows.
 */
#define TIX_STMT_SHAPED		(1 << 28)
#define TIX_SHAPE_CUSTOMER	(1u << 0)	/* $1 is the requester */
#define TIX_SHAPE_COUNT		(1u << 1)	/* the capped count */
#define TIX_SHAPE_SORT(s)	((unsigned)(s) << 2)	/* enum tix_sort, 0-5 */
#define TIX_SHAPE_SORT_OF(x)	(((x) >> 2) & 7u)
#define TIX_SHAPE_CURSOR	(1u << 5)	/* $14 */
/* Statuses as a mask of 1 << enum tix_status (the database enum's
 * order, lib/tickets/types.h). */
#define TIX_SHAPE_STATUSES(m)	((unsigned)(m) << 6)
#define TIX_SHAPE_STATUSES_OF(x) (((x) >> 6) & 31u)
#define TIX_SHAPE_CATEGORY	(1u << 11)	/* $3 */
#define TIX_SHAPE_PRIORITY	(1u << 12)	/* $4 */
#define TIX_SHAPE_FROM		(1u << 13)	/* $5, in zone $7 */
#define TIX_SHAPE_TO		(1u << 14)	/* $6, in zone $7 */
#define TIX_SHAPE_UNASSIGNED	(1u << 15)
#define TIX_SHAPE_ASSIGNEE	(1u << 16)	/* $10, a user id */
#define TIX_SHAPE_BREACHED	(1u << 17)
#define TIX_SHAPE_NOT_BREACHED	(1u << 18)
/* The page's LIMIT, a constant: per_page + 1 (2-101).  A parameter
 * there would make PostgreSQL guess a tenth of the table for it and keep
 * planning each request anew. */
#define TIX_SHAPE_LIMIT(n)	((unsigned)(n) << 19)
#define TIX_SHAPE_LIMIT_OF(x)	(((x) >> 19) & 127u)
#define TIX_SHAPE_OFFSET	(1u << 26)	/* $13: a page past the first */
#define TIX_SHAPE__LIMIT	(1u << 27)

/* The SQL of id, or NULL for an id with none.  A shaped statement's text
 * is made on each call, in one of a few buffers that the following
 * calls reuse: use it before the fourth call after. */
const char	*tix_stmt_sql(int id);
/* A short name for logs. */
const char	*tix_stmt_name(int id);

#endif
