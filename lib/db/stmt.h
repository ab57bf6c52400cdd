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
	TIX_STMT_MIGRATE_APPLIED,
	TIX_STMT_MIGRATE_RECORD,
	TIX_STMT_TIMEZONE_VALID,
	TIX_STMT_ACCOUNT_ENSURE,
	TIX_STMT_USER_INSERT,
	TIX_STMT_USER_DISABLE,

	/* auth */
	TIX_STMT_HEALTH,
	TIX_STMT_LOGIN_USER,
	TIX_STMT_LOGIN_FAILURES,
	TIX_STMT_LOGIN_FAILURE_ADD,
	TIX_STMT_LOGIN_FAILURES_CLEAR,
	TIX_STMT_SESSION_INSERT,
	TIX_STMT_SESSION_LOOKUP,
	TIX_STMT_SESSION_TOUCH,
	TIX_STMT_SESSION_DELETE,
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
	TIX_STMT_TICKET_AFTER_MESSAGE,
	TIX_STMT_TICKET_COUNT,
	/* Twelve statements: TIX_STMT_TICKET_LIST + sort * 2 + is_customer,
	 * with sort an enum tix_sort. */
	TIX_STMT_TICKET_LIST,
	TIX_STMT_TICKET_LIST_LAST = TIX_STMT_TICKET_LIST + 11,
	TIX_STMT_LICENSE_FOR_TICKET,

	TIX_STMT__MAX
};

/* The SQL of id, or NULL for an id with none. */
const char	*tix_stmt_sql(int id);
/* A short name for logs. */
const char	*tix_stmt_name(int id);

#endif
