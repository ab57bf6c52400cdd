/*
 * stmt.c: the text of every statement in enum tix_stmt.
 *
 * Conventions: times leave the database as RFC 3339 UTC text through
 * tix_ts(); hashes travel as hex and are stored as bytea; every id
 * parameter is bigint.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "core/limits.h"
#include "db/stmt.h"

/* Who is asking: eight columns, the same in every principal lookup. */
#define PRINCIPAL_COLS \
	"u.id, u.email, u.name, u.role, a.id, a.name, a.timezone," \
	" u.totp_secret IS NOT NULL"

/*
 * A ticket summary (list row): columns 0-21 in this order, read by
 * lib/api/tickets_api.c (its C_* enum).  "breached": no first response by
 * the due time, or a late one.  The requester's account (ra) is shown to
 * agents and to the requester alike: a customer sees only their own
 * tickets, so only their own account.  The list statements add one more,
 * the search's match cell (MATCH below, read by lib/tickets/search.c).
 */
#define SUMMARY_COLS(updated, customer) \
	"t.number, t.subject, t.status, t.priority, t.category," \
	" t.license_key, r.id, r.name, r.email, ra.id, ra.name," \
	" asg.id, asg.name," \
	" tix_ts(t.created_at), tix_ts(" updated ")," \
	" tix_ts(t.first_response_at), tix_ts(t.resolved_at)," \
	" tix_ts(t.closed_at), tix_ts(t.first_response_due_at)," \
	" " BREACHED ", " ATTACHMENT_COUNT(customer) ", t.id"
/* The files of a ticket the viewer may see: a customer does not count
 * those on internal notes. */
#define ATTACHMENT_COUNT(customer) \
	"(SELECT count(*) FROM attachments x" \
	" JOIN ticket_entries xe ON xe.id = x.entry_id" \
	" WHERE x.ticket_id = t.id AND NOT (xe.internal AND " customer "))"
#define SUMMARY_JOINS \
	" JOIN users r ON r.id = t.requester_id" \
	" JOIN accounts ra ON ra.id = r.account_id" \
	" LEFT JOIN users asg ON asg.id = t.assignee_id"
#define SUMMARY_FROM " FROM tickets t" SUMMARY_JOINS

/*
 * The detail of a ticket (lib/tickets/read.c), four statements of one
 * batch, each of the ticket given by the SQL ticket: its id $1 in the
 * by-id ones (the answers of writes), VISIBLE_ID in the _N ones (GET).
 * $2 is the viewer's role: a customer (the summary: customer_updated_at,
 * no count of files on notes) or staff (the others: internal notes and
 * their files and refused files).
 */
#define DETAIL_SUMMARY(where) \
	"SELECT " SUMMARY_COLS("CASE WHEN $2::bool" \
	" THEN t.customer_updated_at ELSE t.updated_at END", "$2::bool") \
	", t.description, t.closed_at > now() - interval '30 days'" \
	SUMMARY_FROM " WHERE " where
#define DETAIL_ENTRIES(ticket) \
	"SELECT e.id, e.type, tix_ts(e.created_at), u.id, u.name," \
	" u.role, e.via, e.body, e.from_value, e.to_value" \
	" FROM ticket_entries e LEFT JOIN users u ON u.id = e.actor_id" \
	" WHERE e.ticket_id = " ticket " AND (NOT e.internal OR $2::bool)" \
	" ORDER BY e.id"
#define DETAIL_REFUSED(ticket) \
	"SELECT r.entry_id, r.filename, r.reason" \
	" FROM entry_refused_files r" \
	" JOIN ticket_entries e ON e.id = r.entry_id" \
	" WHERE e.ticket_id = " ticket " AND (NOT e.internal OR $2::bool)" \
	" ORDER BY r.entry_id, r.id"
#define DETAIL_ATTACHMENTS(ticket) \
	"SELECT a.id, a.filename, a.content_type, a.size," \
	" tix_ts(a.created_at), a.entry_id FROM attachments a" \
	" JOIN ticket_entries e ON e.id = a.entry_id" \
	" WHERE a.ticket_id = " ticket " AND (NOT e.internal OR $2::bool)" \
	" ORDER BY a.id"
/* The id of ticket number $1 if the caller may see it ($3: the
 * customer, NULL for staff), else NULL (no row matches NULL). */
#define VISIBLE_ID \
	"(SELECT v.id FROM tickets v WHERE v.number = $1" \
	" AND ($3::bigint IS NULL OR v.requester_id = $3))"

/* A file's path in an account export: files/ID-NAME, or files/ID when
 * that would pass a file system's 255 bytes a name (the name is in
 * account.json either way). */
#define EXPORT_PATH \
	"'files/' || x.id || CASE WHEN octet_length(x.filename) <= 200" \
	" THEN '-' || x.filename ELSE '' END"

/*
 * The search's filters but the requester and the words, shared by its
 * counts and pages (the lists without a search have shaped statements of
 * the same parameters, shaped_statement() below): $2 statuses as "a,b", $3 category, $4 priority,
 * $5/$6 first and last day, $7 the viewer's time zone, $10 assignee
 * ("none" or an id), $11 breached.  $1 is the customer whose tickets
 * these are (NULL for staff), $8 a ticket number, $9 search terms (the
 * array of lib/tickets/search_parse.c, read by tix_search_all() and
 * tix_search_any(), sql/007 and 016).  Every value was checked against
 * an allowlist or parsed in C first, so the casts to the enums cannot
 * fail; comparing the enums themselves (not their text) lets the
 * indexes of sql/015 answer the status and category filters, and
 * tix_statuses() (sql/020, immutable) makes the statuses a constant the
 * planner estimates and matches to the partial index of open tickets.  The
 * workers run these with the values bound (custom plans), so a filter
 * that is NULL folds away before planning.
 */
#define BREACHED \
	"(CASE WHEN t.first_response_at IS NULL" \
	" THEN now() > t.first_response_due_at" \
	" ELSE t.first_response_at > t.first_response_due_at END)"
#define LIST_FILTERS \
	" ($2::text IS NULL" \
	"  OR t.status = ANY (tix_statuses($2::text)))" \
	" AND ($3::text IS NULL OR t.category = $3::text::ticket_category)" \
	" AND ($4::text IS NULL OR t.priority = $4::text::ticket_priority)" \
	" AND ($5::date IS NULL OR" \
	"  t.created_at >= ($5::date::timestamp AT TIME ZONE $7::text))" \
	" AND ($6::date IS NULL OR" \
	"  t.created_at < (($6::date + 1)::timestamp AT TIME ZONE $7::text))" \
	" AND ($10::text IS NULL" \
	"  OR ($10::text = 'none' AND t.assignee_id IS NULL)" \
	"  OR t.assignee_id::text = $10::text)" \
	" AND ($11::bool IS NULL OR " BREACHED " = $11::bool)"
#define MINE(tab) "($1::bigint IS NULL OR " tab ".requester_id = $1)"

/*
 * The search (lib/tickets/search.c picks the statements).  A ticket
 * matches when its one search document (ticket_search, sql/016) matches
 * every term: d.doc for a customer, d.staff_doc (notes too) for agents,
 * given as vec.  The customers' statements never name staff_doc nor the
 * notes' vectors.  Two ways to a page:
 *   ranked  the matches come from the document's GIN index, all of them
 *           (the caller only goes this way when the capped count says
 *           there are few, or q is a number), then join the tickets and
 *           sort: by rank for relevance;
 *   walked  the list statement of the sort (its btree index, in order)
 *           with the document of each row checked, stopping at the
 *           page: for words that many tickets hold.  Relevance is then
 *           newest update first.
 * MATCHES(vec) is the ranked way's candidates: the word matches with
 * their rank, and the numbered ticket ($8) when the words miss it,
 * joined to their tickets only.  The ranked page filters, sorts and
 * limits them in a subquery of its own (list_statement()) and joins the
 * summary (requester, account, assignee) to the page's rows alone,
 * whatever the plan: a generic plan estimates one candidate and would
 * join the small tables by a scan each per candidate, before the sort.
 */
#define SEARCH_WITH \
	"WITH s AS MATERIALIZED (SELECT tix_search_all($9::text[]) AS qa," \
	" tix_search_any($9::text[]) AS rq) "
#define WORDS(vec) "d." vec " @@ (SELECT s.qa FROM s)"
#define WORD_HIT(vec) \
	"EXISTS (SELECT 1 FROM ticket_search d WHERE d.ticket_id = t.id" \
	" AND " WORDS(vec) ")"
#define MATCHES(vec, rank) \
	" FROM (SELECT d.ticket_id, " rank " FROM ticket_search d" \
	"  WHERE " WORDS(vec) " AND " MINE("d") \
	"  UNION ALL SELECT t.id, 0::real FROM tickets t" \
	"  WHERE t.number = $8::int AND " MINE("t") \
	"  AND NOT " WORD_HIT(vec) ") m(id, rank)" \
	" JOIN tickets t ON t.id = m.id"
/* The walked way's check of one row: its document, by primary key. */
#define WALK_HIT(vec) \
	"($9::text[] IS NULL OR (SELECT d." vec " FROM ticket_search d" \
	" WHERE d.ticket_id = t.id) @@ (SELECT s.qa FROM s))"
/*
 * The capped count of a search: the word matches, from ticket_search
 * alone when no filter names a ticket column (the LEFT JOIN of a unique
 * key with nothing read from it is removed), and the numbered ticket
 * when the words miss it.
 */
#define SEARCH_COUNT(vec) \
	SEARCH_WITH "SELECT (SELECT count(*) FROM (SELECT 1 FROM ticket_search d" \
	" LEFT JOIN tickets t ON t.id = d.ticket_id" \
	" WHERE " WORDS(vec) " AND " MINE("d") " AND" LIST_FILTERS \
	" LIMIT $12) c) + (SELECT count(*) FROM tickets t" \
	" WHERE t.number = $8::int AND " MINE("t") " AND" LIST_FILTERS \
	" AND NOT " WORD_HIT(vec) ")"

/*
 * The page's own search columns.  s.rq is any of the terms as one
 * tsquery (tix_search_any(), NULL without q).  The rank (ranked way
 * only) is ts_rank of the whole document: the subject's weight A counts
 * most, then the description's B, then the messages' C (ts_rank's
 * default weights 1, 0.4, 0.2), so a hit in the subject ranks above one
 * in the description above one in a message.
 * MATCH: "<in>:<excerpt>" of the best field in that order, the hits
 * between \x01 and \x02 (TIX_SEARCH_HIT_START/STOP), for
 * lib/tickets/search_parse.c to cut.  ts_headline drops what its parser
 * takes for HTML tags and entities, so '<' and '&' travel as \x03 and
 * \x04 (TIX_SEARCH_LT/AMP) and come back in C; the text loses any of
 * the four control characters first (validation keeps them out anyway).
 * One fragment of up to 20 words around the best hit in the field's
 * first 4,000 characters (ts_headline parses all it is given: about a
 * tenth of a millisecond for 400 characters).  ts_headline
 * and the subqueries sit in the select list, so that they run for the
 * rows of the page only (PostgreSQL computes costly output columns after
 * the sort and limit).  s, the statement's one CTE (SEARCH_WITH), makes
 * both tsqueries once per execution, whatever plan PostgreSQL picks: in
 * a generic plan a call in a row's expression runs once per row.
 */
#define SEARCH_FROM " CROSS JOIN s"
#define RANK(vec) "ts_rank(d." vec ", (SELECT s.rq FROM s))"
#define HEADLINE \
	"ts_headline('tix_search'::regconfig," \
	" translate(left(m.body, 4000), E'\\x01\\x02\\x03\\x04<&'," \
	" E'    \\x03\\x04')," \
	" s.rq, E'StartSel=\\x01, StopSel=\\x02, MaxFragments=1," \
	" MaxWords=20, MinWords=5, ShortWord=3')"
#define BEST_ENTRY(o, in, vec) \
	" UNION ALL (SELECT " o ", '" in "', e.body FROM ticket_entries e" \
	" WHERE e.ticket_id = t.id AND " vec " @@ s.rq" \
	" ORDER BY ts_rank(" vec ", s.rq) DESC, e.id DESC LIMIT 1)"
#define MATCH(notes) \
	"CASE WHEN $9::text[] IS NULL THEN NULL ELSE" \
	" (SELECT m.f || ':' || " HEADLINE " FROM (" \
	"  SELECT 1, 'subject', t.subject WHERE t.subject_search @@ s.rq" \
	"  UNION ALL SELECT 2, 'description', t.description" \
	"   WHERE t.description_search @@ s.rq" \
	BEST_ENTRY("3", "message", "e.search") notes \
	" ) m(o, f, body) ORDER BY m.o LIMIT 1) END"
#define NOTE_MATCH BEST_ENTRY("4", "note", "e.note_search")

/*
 * What the domain code needs to decide about a ticket (struct
 * tix_ticket_ref, read in lib/tickets/ticket.c): id, status, requester,
 * priority, category, assignee, created_at (Unix), the requester's zone,
 * whether it was closed less than 30 days ago, whether its first
 * response is overdue and unanswered.
 */
#define REF_COLS \
	"t.id, t.status, t.requester_id, t.priority, t.category," \
	" t.assignee_id, floor(extract(epoch FROM t.created_at))::bigint," \
	" a.timezone, coalesce(t.closed_at > now() - interval '30 days'," \
	" false), t.first_response_at IS NULL" \
	" AND now() > t.first_response_due_at"
/* No join reaches a row that another transaction may change while we wait
 * for the ticket's lock: after the wait PostgreSQL re-reads the ticket but
 * not the joined rows, so a joined assignee's name could be stale. */
#define REF_FROM \
	" FROM tickets t JOIN users r ON r.id = t.requester_id" \
	" JOIN accounts a ON a.id = r.account_id"

/* Whether user u wants this kind of mail: $5 names the preference. */
#define OUTBOX_PREF \
	"($5::text IS NULL OR CASE $5::text" \
	" WHEN 'reply' THEN u.email_on_reply" \
	" WHEN 'status' THEN u.email_on_status" \
	" WHEN 'assigned' THEN u.email_on_assigned ELSE false END)"

static const struct {
	const char	*name;
	const char	*sql;
} stmts[TIX_STMT__MAX] = {
	/* The server's major version (tix-admin backup runs its pg_dump),
	 * and how many tables, sequences, views... the public schema has
	 * (tix-admin restore goes only into an empty database). */
	[TIX_STMT_SERVER_VERSION] = { "server_version",
	    "SELECT current_setting('server_version_num')::int / 10000,"
	    " current_database()" },
	/*
	 * One account's data as account.json (tix-admin account export):
	 * users without password hashes, two-factor secrets or tokens; the
	 * tickets with the timeline a customer sees (internal notes and
	 * their files left out, as the API leaves them out for customers).
	 */
	[TIX_STMT_ACCOUNT_EXPORT] = { "account_export",
	    "SELECT json_build_object("
	    " 'account', json_build_object('id', a.id, 'name', a.name,"
	    "  'timezone', a.timezone, 'created_at', tix_ts(a.created_at)),"
	    " 'users', COALESCE((SELECT json_agg(json_build_object("
	    "  'id', u.id, 'email', u.email, 'name', u.name, 'role', u.role,"
	    "  'disabled_at', tix_ts(u.disabled_at),"
	    "  'email_on_reply', u.email_on_reply,"
	    "  'email_on_status', u.email_on_status,"
	    "  'email_on_assigned', u.email_on_assigned,"
	    "  'sms_number', u.sms_number, 'sms_enabled', u.sms_enabled,"
	    "  'two_factor', u.totp_secret IS NOT NULL,"
	    "  'created_at', tix_ts(u.created_at)) ORDER BY u.id)"
	    "  FROM users u WHERE u.account_id = a.id), '[]'),"
	    " 'tickets', COALESCE((SELECT json_agg(json_build_object("
	    "  'number', 'TICK-' || t.number, 'subject', t.subject,"
	    "  'description', t.description, 'status', t.status,"
	    "  'priority', t.priority, 'category', t.category,"
	    "  'license_key', t.license_key,"
	    "  'requester', json_build_object('id', r.id, 'name', r.name,"
	    "   'email', r.email),"
	    "  'created_at', tix_ts(t.created_at),"
	    "  'updated_at', tix_ts(t.customer_updated_at),"
	    "  'resolved_at', tix_ts(t.resolved_at),"
	    "  'closed_at', tix_ts(t.closed_at),"
	    "  'timeline', COALESCE((SELECT json_agg(json_build_object("
	    "   'id', e.id, 'type', e.type, 'at', tix_ts(e.created_at),"
	    "   'actor', CASE WHEN ac.id IS NULL THEN NULL ELSE"
	    "    json_build_object('id', ac.id, 'name', ac.name,"
	    "    'role', ac.role) END,"
	    "   'via', e.via, 'body', e.body, 'from', e.from_value,"
	    "   'to', e.to_value,"
	    "   'attachments', COALESCE((SELECT json_agg(json_build_object("
	    "    'id', x.id, 'filename', x.filename,"
	    "    'content_type', x.content_type, 'size', x.size,"
	    "    'sha256', encode(x.sha256, 'hex'),"
	    "    'created_at', tix_ts(x.created_at),"
	    "    'file', " EXPORT_PATH ") ORDER BY x.id)"
	    "    FROM attachments x WHERE x.entry_id = e.id), '[]'))"
	    "   ORDER BY e.id)"
	    "   FROM ticket_entries e LEFT JOIN users ac ON ac.id = e.actor_id"
	    "   WHERE e.ticket_id = t.id AND NOT e.internal), '[]'))"
	    "  ORDER BY t.number)"
	    "  FROM tickets t JOIN users r ON r.id = t.requester_id"
	    "  WHERE t.account_id = a.id), '[]'),"
	    " 'licenses', COALESCE((SELECT json_agg(json_build_object("
	    "  'key', l.key, 'product', l.product, 'status', l.status,"
	    "  'expires_at', tix_ts(l.expires_at),"
	    "  'max_activations', l.activations_max,"
	    "  'created_at', tix_ts(l.created_at),"
	    "  'activations', COALESCE((SELECT json_agg(json_build_object("
	    "   'machine', v.machine, 'activated_at', tix_ts(v.activated_at),"
	    "   'deactivated_at', tix_ts(v.deactivated_at)) ORDER BY v.id)"
	    "   FROM activations v WHERE v.license_id = l.id), '[]'))"
	    "  ORDER BY l.id)"
	    "  FROM licenses l WHERE l.account_id = a.id), '[]'))::text"
	    " FROM accounts a WHERE a.name = $1" },
	/* The files of that export: those of entries a customer sees. */
	[TIX_STMT_ACCOUNT_FILES] = { "account_files",
	    "SELECT x.id, " EXPORT_PATH ", x.size, encode(x.sha256, 'hex'),"
	    " x.key_id, encode(x.header, 'hex'), x.nchunks"
	    " FROM accounts a JOIN tickets t ON t.account_id = a.id"
	    " JOIN ticket_entries e ON e.ticket_id = t.id AND NOT e.internal"
	    " JOIN attachments x ON x.entry_id = e.id"
	    " WHERE a.name = $1 ORDER BY x.id" },
	/* What account delete removes; FOR UPDATE: no user or ticket joins
	 * the account meanwhile (their inserts wait for the lock). */
	[TIX_STMT_ACCOUNT_COUNTS] = { "account_counts",
	    "SELECT a.id,"
	    " (SELECT count(*) FROM users u WHERE u.account_id = a.id),"
	    " (SELECT count(*) FROM tickets t WHERE t.account_id = a.id),"
	    " (SELECT count(*) FROM ticket_entries e JOIN tickets t"
	    "  ON t.id = e.ticket_id WHERE t.account_id = a.id),"
	    " (SELECT count(*) FROM attachments x JOIN tickets t"
	    "  ON t.id = x.ticket_id WHERE t.account_id = a.id),"
	    " (SELECT count(*) FROM sessions s JOIN users u"
	    "  ON u.id = s.user_id WHERE u.account_id = a.id),"
	    " (SELECT count(*) FROM api_tokens k JOIN users u"
	    "  ON u.id = k.user_id WHERE u.account_id = a.id),"
	    " (SELECT count(*) FROM licenses l WHERE l.account_id = a.id)"
	    " FROM accounts a WHERE a.name = $1 FOR UPDATE OF a" },
	/* Notices to the users outside their tickets (password resets);
	 * those of the tickets go with the tickets. */
	[TIX_STMT_ACCOUNT_DEL_OUTBOX] = { "account_del_outbox",
	    "DELETE FROM outbox WHERE recipient_id IN"
	    " (SELECT id FROM users WHERE account_id = $1)" },
	/* Entries, files and their chunks, notices, search rows cascade. */
	[TIX_STMT_ACCOUNT_DEL_TICKETS] = { "account_del_tickets",
	    "DELETE FROM tickets WHERE account_id = $1" },
	/* Sessions, tokens, 2FA codes, resets cascade; security events
	 * stay, unlinked (sql/022). */
	[TIX_STMT_ACCOUNT_DEL_USERS] = { "account_del_users",
	    "DELETE FROM users WHERE account_id = $1" },
	[TIX_STMT_ACCOUNT_DEL_LICENSES] = { "account_del_licenses",
	    "DELETE FROM licenses WHERE account_id = $1" },
	[TIX_STMT_ACCOUNT_DEL] = { "account_del",
	    "DELETE FROM accounts WHERE id = $1" },
	[TIX_STMT_SCHEMA_OBJECTS] = { "schema_objects",
	    "SELECT count(*) FROM pg_class c"
	    " JOIN pg_namespace n ON n.oid = c.relnamespace"
	    " WHERE n.nspname = 'public'" },
	[TIX_STMT_MIGRATE_LOCK] = { "migrate_lock",
	    "SELECT pg_advisory_xact_lock(7469780001)" },
	/* The same lock for a migration that runs outside a transaction
	 * (CREATE INDEX CONCURRENTLY): held by the session until released. */
	[TIX_STMT_MIGRATE_LOCK_SESSION] = { "migrate_lock_session",
	    "SELECT pg_advisory_lock(7469780001)" },
	[TIX_STMT_MIGRATE_UNLOCK_SESSION] = { "migrate_unlock_session",
	    "SELECT pg_advisory_unlock(7469780001)" },
	[TIX_STMT_MIGRATE_APPLIED] = { "migrate_applied",
	    "SELECT 1 FROM schema_migrations WHERE version = $1" },
	[TIX_STMT_MIGRATE_RECORD] = { "migrate_record",
	    "INSERT INTO schema_migrations (version) VALUES ($1)" },
	[TIX_STMT_TIMEZONE_VALID] = { "timezone_valid",
	    "SELECT 1 FROM pg_timezone_names WHERE name = $1" },
	[TIX_STMT_ACCOUNT_ENSURE] = { "account_ensure",
	    "WITH ins AS (INSERT INTO accounts (name, timezone)"
	    " VALUES ($1, $2) ON CONFLICT (name) DO NOTHING RETURNING id)"
	    " SELECT id FROM ins UNION ALL"
	    " SELECT id FROM accounts WHERE name = $1 LIMIT 1" },
	[TIX_STMT_USER_INSERT] = { "user_insert",
	    "INSERT INTO users (account_id, email, name, role, password_hash)"
	    " VALUES ($1, lower($2), $3, $4::user_role, $5) RETURNING id" },
	[TIX_STMT_USER_DISABLE] = { "user_disable",
	    "WITH u AS (UPDATE users"
	    "  SET disabled_at = coalesce(disabled_at, now())"
	    "  WHERE email = lower($1) RETURNING id),"
	    " s AS (DELETE FROM sessions WHERE user_id IN (SELECT id FROM u)),"
	    " k AS (DELETE FROM api_tokens"
	    "  WHERE user_id IN (SELECT id FROM u))"
	    " SELECT id FROM u" },

	[TIX_STMT_HEALTH] = { "health", "SELECT 1" },
	[TIX_STMT_LOGIN_USER] = { "login_user",
	    "SELECT id, password_hash, disabled_at IS NOT NULL,"
	    " totp_secret IS NOT NULL, role FROM users"
	    " WHERE email = lower($1)" },
	/* One login attempt at a time per client address: the claim below
	 * runs under this lock, so parallel tries cannot pass the limit. */
	[TIX_STMT_LOGIN_LOCK] = { "login_lock",
	    "SELECT pg_advisory_xact_lock(hashtextextended("
	    "'tix-login ' || $1::text, 0))" },
	/*
	 * Claim one attempt for (address $1, email $2): a failure row that
	 * the caller deletes when the password turns out right.  None when
	 * the window ($3 minutes) already holds $4 failures of kind $6 for
	 * the pair or $5 for the address; then the second column is the
	 * seconds until
	 * the oldest failure that counts leaves the window.  Prunes every
	 * expired row, so the table stays as small as the window.
	 */
	[TIX_STMT_LOGIN_CLAIM] = { "login_claim",
	    "WITH old AS (DELETE FROM login_failures"
	    "  WHERE failed_at <= now() - make_interval(mins => $3::int)),"
	    " c AS (SELECT count(*) FILTER (WHERE email = lower($2)) AS pe,"
	    "  count(*) AS pa,"
	    "  min(failed_at) FILTER (WHERE email = lower($2)) AS oe,"
	    "  min(failed_at) AS oa FROM login_failures"
	    "  WHERE address = $1 AND kind = $6"
	    "  AND failed_at > now() - make_interval(mins => $3::int)),"
	    " ins AS (INSERT INTO login_failures (address, email, kind)"
	    "  SELECT $1, lower($2), $6 FROM c WHERE c.pe < $4 AND c.pa < $5"
	    "  RETURNING id)"
	    " SELECT (SELECT id FROM ins), greatest(1, ceil(extract(epoch FROM"
	    "  (CASE WHEN c.pe >= $4 THEN c.oe ELSE c.oa END)"
	    "  + make_interval(mins => $3::int) - now())))::bigint FROM c" },
	/* A right password: the claim and the pair's earlier failures go
	 * (the address's failures for other e-mails stay). */
	[TIX_STMT_LOGIN_FAILURES_CLEAR] = { "login_failures_clear",
	    "DELETE FROM login_failures WHERE id = $1"
	    " OR (address = $2 AND email = lower($3) AND kind = 'login')" },
	[TIX_STMT_SESSION_INSERT] = { "session_insert",
	    "INSERT INTO sessions (user_id, token_hash, csrf_token, ip,"
	    " user_agent, two_factor, setup_only)"
	    " VALUES ($1, decode($2, 'hex'), $3, $4, $5, $6, $7)"
	    " RETURNING id" },
	/* The user's live sessions ($2: the idle minutes), latest use
	 * first. */
	[TIX_STMT_SESSION_LIST] = { "session_list",
	    "SELECT id, tix_ts(created_at), tix_ts(last_seen_at), ip,"
	    " user_agent FROM sessions WHERE user_id = $1"
	    " AND last_seen_at > now() - make_interval(mins => $2::int)"
	    " ORDER BY last_seen_at DESC, id DESC" },
	[TIX_STMT_SESSION_REVOKE] = { "session_revoke",
	    "DELETE FROM sessions WHERE id = $1 AND user_id = $2" },
	/* Every session of user $1 but session $2 (0: every one). */
	[TIX_STMT_SESSION_REVOKE_OTHERS] = { "session_revoke_others",
	    "DELETE FROM sessions WHERE user_id = $1 AND id <> $2" },
	[TIX_STMT_PASSWORD_GET] = { "password_get",
	    "SELECT password_hash FROM users WHERE id = $1"
	    " AND disabled_at IS NULL" },
	/* A new password hash for user $1; every session but $3 ends. */
	[TIX_STMT_PASSWORD_SET] = { "password_set",
	    "WITH u AS (UPDATE users SET password_hash = $2 WHERE id = $1"
	    "  RETURNING id)"
	    " DELETE FROM sessions WHERE user_id IN (SELECT id FROM u)"
	    " AND id <> $3" },
	/* Two-factor login (lib/auth/twofactor.c). */
	[TIX_STMT_TOTP_STATE] = { "totp_state",
	    "SELECT totp_secret, totp_pending FROM users WHERE id = $1" },
	[TIX_STMT_TOTP_PENDING_SET] = { "totp_pending_set",
	    "UPDATE users SET totp_pending = $2 WHERE id = $1"
	    " AND totp_secret IS NULL RETURNING id" },
	/* The pending secret $3 (as read) becomes the one in use, with
	 * the step of the code that proved it. */
	[TIX_STMT_TOTP_ENABLE] = { "totp_enable",
	    "UPDATE users SET totp_secret = totp_pending, totp_pending = NULL,"
	    " totp_last_step = $2, totp_enabled_at = now()"
	    " WHERE id = $1 AND totp_secret IS NULL AND totp_pending = $3"
	    " RETURNING id" },
	/* A code's step, accepted once: no row when it is not after the
	 * last one accepted. */
	[TIX_STMT_TOTP_USE_STEP] = { "totp_use_step",
	    "UPDATE users SET totp_last_step = $2 WHERE id = $1"
	    " AND totp_secret IS NOT NULL"
	    " AND (totp_last_step IS NULL OR totp_last_step < $2)"
	    " RETURNING id" },
	/* $2: the ten codes' SHA-256 in hex, comma-separated. */
	[TIX_STMT_RECOVERY_SET] = { "recovery_set",
	    "WITH old AS (DELETE FROM recovery_codes WHERE user_id = $1)"
	    " INSERT INTO recovery_codes (user_id, code_hash)"
	    " SELECT $1, decode(h, 'hex')"
	    " FROM unnest(string_to_array($2::text, ',')) h" },
	[TIX_STMT_RECOVERY_USE] = { "recovery_use",
	    "UPDATE recovery_codes SET used_at = now() WHERE user_id = $1"
	    " AND code_hash = decode($2, 'hex') AND used_at IS NULL"
	    " RETURNING id" },
	[TIX_STMT_TOTP_DISABLE] = { "totp_disable",
	    "WITH u AS (UPDATE users SET totp_secret = NULL,"
	    "  totp_pending = NULL, totp_last_step = NULL,"
	    "  totp_enabled_at = NULL WHERE id = $1 RETURNING id),"
	    " r AS (DELETE FROM recovery_codes"
	    "  WHERE user_id IN (SELECT id FROM u)),"
	    " c AS (DELETE FROM login_challenges"
	    "  WHERE user_id IN (SELECT id FROM u))"
	    " SELECT id FROM u" },
	/* tix-admin user reset-2fa: the same by e-mail; the second column
	 * says whether 2FA was on. */
	[TIX_STMT_TOTP_RESET] = { "totp_reset",
	    "WITH o AS (SELECT id, totp_secret IS NOT NULL AS was FROM users"
	    "  WHERE email = lower($1)),"
	    " u AS (UPDATE users SET totp_secret = NULL,"
	    "  totp_pending = NULL, totp_last_step = NULL,"
	    "  totp_enabled_at = NULL WHERE id IN (SELECT id FROM o)),"
	    " r AS (DELETE FROM recovery_codes"
	    "  WHERE user_id IN (SELECT id FROM o)),"
	    " c AS (DELETE FROM login_challenges"
	    "  WHERE user_id IN (SELECT id FROM o))"
	    " SELECT id, was FROM o" },
	[TIX_STMT_SESSION_MARK_2FA] = { "session_mark_2fa",
	    "UPDATE sessions SET two_factor = true, setup_only = false"
	    " WHERE id = $1" },
	/* A new challenge; expired ones go. */
	[TIX_STMT_CHALLENGE_INSERT] = { "challenge_insert",
	    "WITH old AS (DELETE FROM login_challenges"
	    "  WHERE created_at <= now() - interval '5 minutes')"
	    " INSERT INTO login_challenges (user_id, token_hash)"
	    " VALUES ($1, decode($2, 'hex'))" },
	[TIX_STMT_CHALLENGE_GET] = { "challenge_get",
	    "SELECT c.id, u.id, u.email, u.totp_secret FROM login_challenges c"
	    " JOIN users u ON u.id = c.user_id"
	    " WHERE c.token_hash = decode($1, 'hex')"
	    " AND c.created_at > now() - interval '5 minutes'"
	    " AND c.failures < 5 AND u.disabled_at IS NULL"
	    " AND u.totp_secret IS NOT NULL" },
	[TIX_STMT_CHALLENGE_FAIL] = { "challenge_fail",
	    "UPDATE login_challenges SET failures = failures + 1"
	    " WHERE id = $1" },
	/* Its one success: no row when another request used it first. */
	[TIX_STMT_CHALLENGE_DELETE] = { "challenge_delete",
	    "DELETE FROM login_challenges WHERE id = $1 AND failures < 5"
	    " RETURNING id" },
	/* Password resets (lib/auth/account.c). */
	[TIX_STMT_RESET_USER] = { "reset_user",
	    "SELECT id, email FROM users WHERE email = lower($1)"
	    " AND disabled_at IS NULL" },
	[TIX_STMT_RESET_INSERT] = { "reset_insert",
	    "WITH old AS (DELETE FROM password_resets"
	    "  WHERE created_at < now() - interval '1 day')"
	    " INSERT INTO password_resets (user_id, token_hash)"
	    " VALUES ($1, decode($2, 'hex'))" },
	/* A mail that belongs to no ticket, to user $1. */
	[TIX_STMT_OUTBOX_ACCOUNT] = { "outbox_account",
	    "INSERT INTO outbox (recipient_id, recipient, kind, subject, body)"
	    " SELECT id, email, $2::outbox_kind, $3, $4 FROM users"
	    " WHERE id = $1 AND disabled_at IS NULL" },
	/* The user of a live token: unused, under an hour old, enabled. */
	[TIX_STMT_RESET_PEEK] = { "reset_peek",
	    "SELECT u.id, u.email, u.name FROM password_resets p"
	    " JOIN users u ON u.id = p.user_id"
	    " WHERE p.token_hash = decode($1, 'hex') AND p.used_at IS NULL"
	    " AND p.created_at > now() - interval '1 hour'"
	    " AND u.disabled_at IS NULL" },
	/* Spend the token: no row when another request did first. */
	[TIX_STMT_RESET_USE] = { "reset_use",
	    "UPDATE password_resets SET used_at = now()"
	    " WHERE token_hash = decode($1, 'hex') AND used_at IS NULL"
	    " AND created_at > now() - interval '1 hour' RETURNING user_id" },
	/* The new hash for user $1; every session, pending login and
	 * other reset token of the user ends. */
	[TIX_STMT_RESET_FINISH] = { "reset_finish",
	    "WITH u AS (UPDATE users SET password_hash = $2 WHERE id = $1"
	    "  RETURNING id),"
	    " s AS (DELETE FROM sessions WHERE user_id IN (SELECT id FROM u)),"
	    " c AS (DELETE FROM login_challenges"
	    "  WHERE user_id IN (SELECT id FROM u)),"
	    " o AS (UPDATE password_resets SET used_at = now()"
	    "  WHERE user_id IN (SELECT id FROM u) AND used_at IS NULL)"
	    " SELECT id FROM u" },
	/* The audit trail (sql/012): $1 the user's id or NULL, $2 the
	 * e-mail address (the user's when $1 is set and $2 is NULL). */
	[TIX_STMT_SECURITY_EVENT] = { "security_event",
	    "INSERT INTO security_events (user_id, email, kind, outcome,"
	    " address, user_agent)"
	    " SELECT coalesce($1::bigint, (SELECT id FROM users"
	    "  WHERE email = lower($2))),"
	    " left(coalesce(lower($2), (SELECT email FROM users"
	    "  WHERE id = $1::bigint), ''), 254), $3, $4, left($5, 64),"
	    " left($6, 512)" },
	[TIX_STMT_SECURITY_EVENTS] = { "security_events",
	    "SELECT tix_ts(e.at), e.kind, e.outcome, e.address, e.user_agent"
	    " FROM security_events e WHERE e.email = lower($1)"
	    " OR e.user_id = (SELECT id FROM users WHERE email = lower($1))"
	    " ORDER BY e.at, e.id" },
	[TIX_STMT_USER_LOGOUT] = { "user_logout",
	    "WITH u AS (SELECT id FROM users WHERE email = lower($1)),"
	    " s AS (DELETE FROM sessions WHERE user_id IN (SELECT id FROM u)"
	    "  RETURNING id)"
	    " SELECT (SELECT count(*) FROM s) FROM u" },
	[TIX_STMT_SESSION_LOOKUP] = { "session_lookup",
	    "SELECT s.id, s.csrf_token,"
	    " s.last_seen_at < now() - interval '1 minute', " PRINCIPAL_COLS
	    ", s.two_factor, s.setup_only"
	    " FROM sessions s JOIN users u ON u.id = s.user_id"
	    " JOIN accounts a ON a.id = u.account_id"
	    " WHERE s.token_hash = decode($1, 'hex')"
	    " AND u.disabled_at IS NULL"
	    " AND s.last_seen_at > now() - make_interval(mins => $2::int)" },
	[TIX_STMT_SESSION_TOUCH] = { "session_touch",
	    "UPDATE sessions SET last_seen_at = now() WHERE id = $1" },
	[TIX_STMT_SESSION_DELETE] = { "session_delete",
	    "DELETE FROM sessions WHERE id = $1" },
	[TIX_STMT_TOKEN_LOOKUP] = { "token_lookup",
	    "SELECT k.id, k.last_used_at IS NULL"
	    " OR k.last_used_at < now() - interval '1 minute', "
	    PRINCIPAL_COLS
	    " FROM api_tokens k JOIN users u ON u.id = k.user_id"
	    " JOIN accounts a ON a.id = u.account_id"
	    " WHERE k.token_hash = decode($1, 'hex')"
	    " AND u.disabled_at IS NULL" },
	[TIX_STMT_TOKEN_TOUCH] = { "token_touch",
	    "UPDATE api_tokens SET last_used_at = now() WHERE id = $1" },
	[TIX_STMT_TOKEN_INSERT] = { "token_insert",
	    "INSERT INTO api_tokens (user_id, name, token_hash)"
	    " VALUES ($1, $2, decode($3, 'hex'))"
	    " RETURNING id, tix_ts(created_at)" },
	[TIX_STMT_TOKEN_LIST] = { "token_list",
	    "SELECT id, name, tix_ts(created_at), tix_ts(last_used_at)"
	    " FROM api_tokens WHERE user_id = $1 ORDER BY id" },
	[TIX_STMT_TOKEN_DELETE] = { "token_delete",
	    "DELETE FROM api_tokens WHERE id = $1 AND user_id = $2" },
	[TIX_STMT_PREFS_GET] = { "prefs_get",
	    "SELECT email_on_reply, email_on_status, email_on_assigned,"
	    " sms_number, sms_enabled FROM users WHERE id = $1" },
	[TIX_STMT_PREFS_SET] = { "prefs_set",
	    "UPDATE users SET email_on_reply = $2, email_on_status = $3,"
	    " email_on_assigned = $4, sms_number = $5, sms_enabled = $6"
	    " WHERE id = $1" },
	[TIX_STMT_STAFF_LIST] = { "staff_list",
	    "SELECT id, name, email, role FROM users"
	    " WHERE role IN ('agent', 'admin') AND disabled_at IS NULL"
	    " ORDER BY name, id" },

	[TIX_STMT_TICKET_CONTEXT] = { "ticket_context",
	    "SELECT floor(extract(epoch FROM now()))::bigint, a.timezone,"
	    " u.role FROM users u JOIN accounts a ON a.id = u.account_id"
	    " WHERE u.id = $1" },
	[TIX_STMT_REQUESTER_BY_EMAIL] = { "requester_by_email",
	    "SELECT id, role FROM users"
	    " WHERE email = lower($1) AND disabled_at IS NULL" },
	[TIX_STMT_TICKET_INSERT] = { "ticket_insert",
	    "INSERT INTO tickets (account_id, requester_id, subject,"
	    " description, priority, category, license_key,"
	    " first_response_due_at)"
	    " SELECT u.account_id, u.id, $2, $3, $4::ticket_priority,"
	    " $5::ticket_category, $6, to_timestamp($7::bigint)"
	    " FROM users u WHERE u.id = $1 RETURNING id, number" },
	[TIX_STMT_ENTRY_INSERT] = { "entry_insert",
	    "INSERT INTO ticket_entries (ticket_id, type, actor_id, via,"
	    " body, from_value, to_value, internal)"
	    " VALUES ($1, $2::entry_type, $3, $4::entry_via, $5, $6, $7,"
	    " $2::entry_type = 'note') RETURNING id" },
	[TIX_STMT_TICKET_FIND] = { "ticket_find",
	    "SELECT " REF_COLS REF_FROM " WHERE t.number = $1"
	    " AND ($2::bigint IS NULL OR t.requester_id = $2)" },
	[TIX_STMT_TICKET_LOCK] = { "ticket_lock",
	    "SELECT " REF_COLS REF_FROM " WHERE t.number = $1"
	    " AND ($2::bigint IS NULL OR t.requester_id = $2)"
	    " FOR UPDATE OF t" },
	/* $2: the viewer is a customer (sees customer_updated_at). */
	[TIX_STMT_TICKET_SUMMARY] = { "ticket_summary",
	    DETAIL_SUMMARY("t.id = $1") },
	[TIX_STMT_TICKET_ENTRIES] = { "ticket_entries",
	    DETAIL_ENTRIES("$1") },
	/* The detail's four by ticket number $1 in the caller's scope $3
	 * (the ticket_find rule): nothing of a ticket the caller may not
	 * see; $2 as in the four by id. */
	[TIX_STMT_TICKET_SUMMARY_N] = { "ticket_summary_n",
	    DETAIL_SUMMARY("t.number = $1"
	    " AND ($3::bigint IS NULL OR t.requester_id = $3)") },
	[TIX_STMT_TICKET_ENTRIES_N] = { "ticket_entries_n",
	    DETAIL_ENTRIES(VISIBLE_ID) },
	[TIX_STMT_REFUSED_LIST_N] = { "refused_list_n",
	    DETAIL_REFUSED(VISIBLE_ID) },
	[TIX_STMT_ATTACH_LIST_N] = { "attach_list_n",
	    DETAIL_ATTACHMENTS(VISIBLE_ID) },
	/* $2 new status, $3 counts as the first response, $4 internal
	 * (customers don't see the change). */
	[TIX_STMT_TICKET_AFTER_MESSAGE] = { "ticket_after_message",
	    "UPDATE tickets SET status = $2::ticket_status,"
	    " first_response_at = CASE WHEN $3::bool"
	    "  THEN coalesce(first_response_at, now())"
	    "  ELSE first_response_at END,"
	    " resolved_at = CASE WHEN $2::ticket_status = 'resolved'"
	    "  THEN coalesce(resolved_at, now()) END,"
	    " updated_at = now(),"
	    " customer_updated_at = CASE WHEN $4::bool"
	    "  THEN customer_updated_at ELSE now() END"
	    " WHERE id = $1" },
	/* The search's count stops at $12 rows (TIX_LIST_TOTAL_CAP + 1),
	 * so that a list of a million tickets does not count them all (the
	 * lists' own counts are shaped: TIX_STMT_SHAPED). */
	[TIX_STMT_SEARCH_COUNT] = { "search_count",
	    SEARCH_COUNT("staff_doc") },
	[TIX_STMT_SEARCH_COUNT_CUSTOMER] = { "search_count_c",
	    SEARCH_COUNT("doc") },
	/* $2: the viewer's account when a customer, else NULL. */
	[TIX_STMT_LICENSE_FOR_TICKET] = { "license_for_ticket",
	    "SELECT l.key, l.product, CASE WHEN l.status = 'active'"
	    " AND l.expires_at <= now() THEN 'expired' ELSE l.status::text END,"
	    " tix_ts(l.expires_at), (SELECT count(*) FROM activations v"
	    "  WHERE v.license_id = l.id AND v.deactivated_at IS NULL),"
	    " l.activations_max, l.id FROM licenses l"
	    " WHERE l.key = $1 AND ($2::bigint IS NULL OR l.account_id = $2)" },

	/* resolved_at marks the last resolution: kept when a resolved
	 * ticket is closed, cleared when it goes back to work. */
	[TIX_STMT_TICKET_SET_STATUS] = { "ticket_set_status",
	    "UPDATE tickets SET status = $2::ticket_status,"
	    " resolved_at = CASE WHEN $2::ticket_status = 'resolved'"
	    "  THEN now() WHEN $2::ticket_status = 'closed' THEN resolved_at"
	    "  END,"
	    " closed_at = CASE WHEN $2::ticket_status = 'closed'"
	    "  THEN now() END,"
	    " updated_at = now(), customer_updated_at = now()"
	    " WHERE id = $1" },
	[TIX_STMT_TICKET_SET_PRIORITY] = { "ticket_set_priority",
	    "UPDATE tickets SET priority = $2::ticket_priority,"
	    " first_response_due_at = to_timestamp($3::bigint),"
	    " updated_at = now(), customer_updated_at = now()"
	    " WHERE id = $1" },
	[TIX_STMT_TICKET_SET_CATEGORY] = { "ticket_set_category",
	    "UPDATE tickets SET category = $2::ticket_category,"
	    " updated_at = now(), customer_updated_at = now()"
	    " WHERE id = $1" },
	[TIX_STMT_TICKET_SET_ASSIGNEE] = { "ticket_set_assignee",
	    "UPDATE tickets SET assignee_id = $2::bigint,"
	    " updated_at = now(), customer_updated_at = now()"
	    " WHERE id = $1" },
	[TIX_STMT_TICKET_REOPEN] = { "ticket_reopen",
	    "UPDATE tickets SET status = 'open', closed_at = NULL,"
	    " resolved_at = NULL, updated_at = now(),"
	    " customer_updated_at = now() WHERE id = $1" },
	[TIX_STMT_USER_NAME] = { "user_name",
	    "SELECT name FROM users WHERE id = $1" },
	[TIX_STMT_STAFF_NAME] = { "staff_name",
	    "SELECT name FROM users WHERE id = $1"
	    " AND role IN ('agent', 'admin') AND disabled_at IS NULL" },
	/* A key is claimed inside the create's transaction: a concurrent
	 * twin waits on the unique index, then finds the committed row. */
	[TIX_STMT_IDEM_CLAIM] = { "idem_claim",
	    "INSERT INTO idempotency_keys (user_id, key, request_hash)"
	    " VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING 1" },
	[TIX_STMT_IDEM_GET] = { "idem_get",
	    "SELECT k.request_hash, k.ticket_id, t.number"
	    " FROM idempotency_keys k LEFT JOIN tickets t ON t.id = k.ticket_id"
	    " WHERE k.user_id = $1 AND k.key = $2" },
	[TIX_STMT_IDEM_SET] = { "idem_set",
	    "UPDATE idempotency_keys SET ticket_id = $3"
	    " WHERE user_id = $1 AND key = $2" },
	[TIX_STMT_IDEM_PRUNE] = { "idem_prune",
	    "DELETE FROM idempotency_keys"
	    " WHERE created_at < now() - interval '24 hours'" },
	/* Retention (tix-scheduler): at most $2 rows older than $1 days a
	 * call, so that no delete holds its locks for long. */
	[TIX_STMT_PRUNE_OUTBOX] = { "prune_outbox",
	    "DELETE FROM outbox WHERE id IN (SELECT id FROM outbox"
	    " WHERE status = 'sent'"
	    " AND sent_at < now() - make_interval(days => $1::int)"
	    " ORDER BY id LIMIT $2)" },
	/* Sessions expired (idle for $3 minutes) $1 days ago. */
	[TIX_STMT_PRUNE_SESSIONS] = { "prune_sessions",
	    "DELETE FROM sessions WHERE id IN (SELECT id FROM sessions"
	    " WHERE last_seen_at < now() - make_interval(days => $1::int)"
	    " - make_interval(mins => $3::int) ORDER BY id LIMIT $2)" },
	[TIX_STMT_PRUNE_LOGIN_FAILURES] = { "prune_login_failures",
	    "DELETE FROM login_failures WHERE ctid = ANY (ARRAY(SELECT ctid"
	    " FROM login_failures"
	    " WHERE failed_at < now() - make_interval(days => $1::int)"
	    " LIMIT $2))" },
	[TIX_STMT_PRUNE_REVIEW] = { "prune_review",
	    "DELETE FROM inbound_review WHERE id IN (SELECT id"
	    " FROM inbound_review"
	    " WHERE created_at < now() - make_interval(days => $1::int)"
	    " ORDER BY id LIMIT $2)" },
	[TIX_STMT_TICKET_STATS] = { "ticket_stats",
	    "SELECT count(*) FILTER (WHERE status = 'open'),"
	    " count(*) FILTER (WHERE status = 'in_progress'),"
	    " count(*) FILTER (WHERE status = 'waiting'),"
	    " count(*) FILTER (WHERE status = 'resolved'),"
	    " count(*) FILTER (WHERE status = 'closed'),"
	    " count(*) FILTER (WHERE assignee_id IS NULL"
	    "  AND status NOT IN ('resolved', 'closed')),"
	    " count(*) FILTER (WHERE " BREACHED
	    "  AND status NOT IN ('resolved', 'closed'))"
	    " FROM tickets t WHERE ($1::bigint IS NULL OR requester_id = $1)" },
	[TIX_STMT_LICENSE_ACTIVATIONS] = { "license_activations",
	    "SELECT machine, tix_ts(activated_at), tix_ts(deactivated_at)"
	    " FROM activations WHERE license_id = $1 ORDER BY id" },
	[TIX_STMT_LICENSE_INSERT] = { "license_insert",
	    "INSERT INTO licenses (key, account_id, product, activations_max,"
	    " expires_at) SELECT $1, a.id, $3, $4::int,"
	    " ($5::date)::timestamp AT TIME ZONE a.timezone"
	    " FROM accounts a WHERE a.name = $2 RETURNING id" },
	/* Counts and inserts under the license's row lock, so two
	 * activations at once cannot both take the last seat. */
	[TIX_STMT_ACTIVATION_INSERT] = { "activation_insert",
	    "WITH l AS (SELECT id, activations_max FROM licenses"
	    "  WHERE key = $1 FOR UPDATE)"
	    " INSERT INTO activations (license_id, machine)"
	    " SELECT l.id, $2 FROM l WHERE (SELECT count(*) FROM activations v"
	    "  WHERE v.license_id = l.id AND v.deactivated_at IS NULL)"
	    "  < l.activations_max RETURNING id" },
	[TIX_STMT_SCHED_AUTOCLOSE] = { "sched_autoclose",
	    "SELECT id FROM tickets WHERE status = 'resolved'"
	    " AND resolved_at <= now() - make_interval(days => $1::int)"
	    " AND id > $3 ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED" },
	[TIX_STMT_SCHED_BREACHES] = { "sched_breaches",
	    "SELECT id FROM tickets WHERE sla_breached_at IS NULL"
	    " AND first_response_at IS NULL"
	    " AND first_response_due_at < now()"
	    " AND id > $2 ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED" },
	[TIX_STMT_TICKET_LOCK_ID] = { "ticket_lock_id",
	    "SELECT " REF_COLS REF_FROM " WHERE t.id = $1 FOR UPDATE OF t" },
	[TIX_STMT_TICKET_MARK_BREACHED] = { "ticket_mark_breached",
	    "UPDATE tickets SET sla_breached_at = now(), updated_at = now()"
	    " WHERE id = $1 AND sla_breached_at IS NULL" },

	/* Attachments.  Rows and chunks are written inside the transaction
	 * of the ticket, reply or upload they belong to (sql/003). */
	[TIX_STMT_ATTACH_INSERT] = { "attach_insert",
	    "INSERT INTO attachments (uploader_id, filename, key_id, header)"
	    " VALUES ($1, $2, $3, decode($4, 'hex')) RETURNING id" },
	/* $3 is binary (tix_db_put_blob). */
	[TIX_STMT_ATTACH_CHUNK_INSERT] = { "attach_chunk_insert",
	    "INSERT INTO attachment_chunks (attachment_id, seq, data)"
	    " VALUES ($1, $2, $3)" },
	[TIX_STMT_ATTACH_FINISH] = { "attach_finish",
	    "UPDATE attachments SET content_type = $2, size = $3,"
	    " sha256 = decode($4, 'hex'), nchunks = $5 WHERE id = $1" },
	/* $1 the files of this request as "{1,2}". */
	[TIX_STMT_ATTACH_LINK] = { "attach_link",
	    "UPDATE attachments SET ticket_id = $2, entry_id = $3"
	    " WHERE id = ANY ($1::bigint[]) AND ticket_id IS NULL" },
	/* Files on ticket $1, and bytes user $2 stored in the last day
	 * (this request's files included: they are in its transaction). */
	[TIX_STMT_ATTACH_QUOTA] = { "attach_quota",
	    "SELECT (SELECT count(*) FROM attachments WHERE ticket_id = $1),"
	    " (SELECT coalesce(sum(size), 0) FROM attachments"
	    "  WHERE uploader_id = $2 AND created_at > now() - interval '1 day')" },
	/* $2: the viewer is staff (sees files on internal notes). */
	[TIX_STMT_ATTACH_LIST] = { "attach_list",
	    DETAIL_ATTACHMENTS("$1") },
	/* The files of a mail that were not taken (lib/mail/ingest.c),
	 * and those of ticket $1 as the viewer may see them ($2: staff). */
	/* $1 the entry or $2 the kept mail. */
	[TIX_STMT_REFUSED_INSERT] = { "refused_insert",
	    "INSERT INTO entry_refused_files (entry_id, review_id, filename,"
	    " reason) VALUES ($1, $2, $3, $4)" },
	[TIX_STMT_REFUSED_LIST] = { "refused_list",
	    DETAIL_REFUSED("$1") },
	/* The files of a kept mail ($1 as "{1,2}") on review row $2, and
	 * moved from it to ticket $2 and entry $3 (uploader $4 when the
	 * sender was no user). */
	[TIX_STMT_ATTACH_LINK_REVIEW] = { "attach_link_review",
	    "UPDATE attachments SET review_id = $2"
	    " WHERE id = ANY ($1::bigint[]) AND ticket_id IS NULL" },
	[TIX_STMT_ATTACH_FROM_REVIEW] = { "attach_from_review",
	    "UPDATE attachments SET ticket_id = $2, entry_id = $3,"
	    " uploader_id = coalesce(uploader_id, $4), review_id = NULL"
	    " WHERE review_id = $1" },
	/*
	 * The files of kept mail $1 that do not fit on ticket $2 for
	 * uploader $3 (the quotas of files/store.h: $4 files a ticket, $5
	 * bytes a user a day), in file order: out of the attachments, into
	 * the mail's refused files with the reason, each as its name.  Files
	 * that already have an uploader were counted when they came.
	 */
	[TIX_STMT_REVIEW_FILES_OVER] = { "review_files_over",
	    "WITH q AS (SELECT"
	    "  (SELECT count(*) FROM attachments WHERE ticket_id = $2) AS n,"
	    "  (SELECT coalesce(sum(size), 0) FROM attachments"
	    "   WHERE uploader_id = $3"
	    "   AND created_at > now() - interval '1 day') AS b),"
	    " f AS (SELECT a.id, a.filename, row_number() OVER w AS k,"
	    "  sum(CASE WHEN a.uploader_id IS NULL THEN a.size ELSE 0 END)"
	    "   OVER w AS s"
	    "  FROM attachments a WHERE a.review_id = $1"
	    "  WINDOW w AS (ORDER BY a.id)),"
	    " over AS (SELECT f.id, f.filename, CASE WHEN q.n + f.k > $4"
	    "   THEN 'files' ELSE 'bytes' END AS why FROM f, q"
	    "  WHERE q.n + f.k > $4 OR q.b + f.s > $5),"
	    " gone AS (DELETE FROM attachments"
	    "  WHERE id IN (SELECT id FROM over) RETURNING id)"
	    " INSERT INTO entry_refused_files (review_id, filename, reason)"
	    " SELECT $1, o.filename, CASE o.why WHEN 'files' THEN $6"
	    "  ELSE $7 END FROM over o JOIN gone g ON g.id = o.id"
	    " ORDER BY o.id" },
	[TIX_STMT_REFUSED_FROM_REVIEW] = { "refused_from_review",
	    "UPDATE entry_refused_files SET entry_id = $2, review_id = NULL"
	    " WHERE review_id = $1" },
	[TIX_STMT_ATTACH_GET] = { "attach_get",
	    "SELECT a.id, a.filename, a.content_type, a.size,"
	    " encode(a.sha256, 'hex'), a.key_id, encode(a.header, 'hex'),"
	    " a.nchunks FROM attachments a"
	    " JOIN ticket_entries e ON e.id = a.entry_id"
	    " WHERE a.id = $1 AND a.ticket_id = $2"
	    " AND (NOT e.internal OR $3::bool)" },
	/* Fetched in binary (tix_db_get_blob). */
	[TIX_STMT_ATTACH_CHUNK_GET] = { "attach_chunk_get",
	    "SELECT data FROM attachment_chunks"
	    " WHERE attachment_id = $1 AND seq = $2" },
	/* A change every viewer sees (an upload). */
	[TIX_STMT_TICKET_TOUCH] = { "ticket_touch",
	    "UPDATE tickets SET updated_at = now(),"
	    " customer_updated_at = now() WHERE id = $1" },
	/* Entries, attachments and chunks go with it (ON DELETE CASCADE). */
	[TIX_STMT_TICKET_DELETE] = { "ticket_delete",
	    "DELETE FROM tickets WHERE id = $1" },

	/* The outbox (sql/005).  What a notice says is read in the
	 * transaction that causes it, after the change. */
	[TIX_STMT_OUTBOX_TICKET] = { "outbox_ticket",
	    "SELECT t.number, t.subject, t.status, t.priority, t.category,"
	    " t.description, r.name, r.email, tix_ts(t.first_response_due_at),"
	    " r.id FROM tickets t JOIN users r ON r.id = t.requester_id"
	    " WHERE t.id = $1" },
	/* One row for user $6 unless that is $7 (who acted), disabled, or
	 * has turned this kind off ($5 names the preference, NULL: none). */
	[TIX_STMT_OUTBOX_TO_USER] = { "outbox_to_user",
	    "INSERT INTO outbox (ticket_id, ticket_number, recipient_id,"
	    " recipient, kind, subject, body)"
	    " SELECT t.id, t.number, u.id, u.email, $2::outbox_kind, $3, $4"
	    " FROM tickets t, users u"
	    " WHERE t.id = $1 AND u.id = $6 AND u.disabled_at IS NULL"
	    " AND u.id IS DISTINCT FROM $7::bigint AND " OUTBOX_PREF },
	/* The assignee, or every active agent and admin when there is
	 * none, except $6; otherwise as OUTBOX_TO_USER. */
	[TIX_STMT_OUTBOX_TO_STAFF] = { "outbox_to_staff",
	    "INSERT INTO outbox (ticket_id, ticket_number, recipient_id,"
	    " recipient, kind, subject, body)"
	    " SELECT t.id, t.number, u.id, u.email, $2::outbox_kind, $3, $4"
	    " FROM tickets t JOIN users u ON"
	    " CASE WHEN t.assignee_id IS NULL"
	    "  THEN u.role IN ('agent', 'admin') ELSE u.id = t.assignee_id END"
	    " WHERE t.id = $1 AND u.disabled_at IS NULL"
	    " AND u.id IS DISTINCT FROM $6::bigint AND " OUTBOX_PREF },
	/* An SMS (sql/030) for user $5 unless that is $6 (who acted),
	 * disabled, or has not opted in with a number. */
	[TIX_STMT_OUTBOX_SMS] = { "outbox_sms",
	    "INSERT INTO outbox (ticket_id, ticket_number, recipient_id,"
	    " recipient, kind, subject, body, channel)"
	    " SELECT t.id, t.number, u.id, u.sms_number, $2::outbox_kind, $3,"
	    " $4, 'sms' FROM tickets t, users u"
	    " WHERE t.id = $1 AND u.id = $5 AND u.disabled_at IS NULL"
	    " AND u.sms_enabled AND u.sms_number IS NOT NULL"
	    " AND u.id IS DISTINCT FROM $6::bigint" },
	/* Delivered at commit, so a sender wakes when the rows are there. */
	[TIX_STMT_OUTBOX_NOTIFY] = { "outbox_notify",
	    "SELECT pg_notify('tix_outbox', '')" },
	/* Claim up to $1 due rows for $2 seconds (the lease): other senders
	 * skip them while the claim runs and find them not due after. */
	[TIX_STMT_OUTBOX_CLAIM] = { "outbox_claim",
	    "UPDATE outbox o SET attempts = o.attempts + 1,"
	    " next_attempt_at = now() + make_interval(secs => $2::int)"
	    " FROM (SELECT id FROM outbox WHERE status = 'queued'"
	    "  AND next_attempt_at <= now() ORDER BY next_attempt_at, id"
	    "  LIMIT $1 FOR UPDATE SKIP LOCKED) c WHERE o.id = c.id"
	    " RETURNING o.id, o.ticket_number, o.recipient, o.subject, o.body,"
	    " o.recipient_id, o.attempts, o.channel = 'sms'" },
	/* A claim's rows that went out, all at once ($1 an array of ids):
	 * one commit for the batch rather than one a notice. */
	[TIX_STMT_OUTBOX_SENT] = { "outbox_sent",
	    "UPDATE outbox SET status = 'sent', sent_at = now(),"
	    " last_error = NULL WHERE id = ANY($1::bigint[])"
	    " AND status = 'queued'" },
	/* Claimed rows not tried (the sender stopped, or the batch ran out
	 * of time): due again at once, the claim's attempt not counted. */
	[TIX_STMT_OUTBOX_RELEASE] = { "outbox_release",
	    "UPDATE outbox SET attempts = attempts - 1, next_attempt_at = now()"
	    " WHERE id = ANY($1::bigint[]) AND status = 'queued'" },
	[TIX_STMT_OUTBOX_RETRY] = { "outbox_retry",
	    "UPDATE outbox SET next_attempt_at = now() +"
	    " make_interval(secs => $2::int), last_error = left($3, 1000)"
	    " WHERE id = $1 AND status = 'queued'" },
	[TIX_STMT_OUTBOX_FAILED] = { "outbox_failed",
	    "UPDATE outbox SET status = 'failed', last_error = left($2, 1000)"
	    " WHERE id = $1 AND status = 'queued'" },
	/* tix-admin outbox list: the newest $2 rows not sent ($1: only the
	 * failed ones). */
	[TIX_STMT_OUTBOX_LIST] = { "outbox_list",
	    "SELECT id, ticket_number, status, kind, recipient, attempts,"
	    " tix_ts(created_at), tix_ts(next_attempt_at), last_error"
	    " FROM outbox WHERE status <> 'sent'"
	    " AND (NOT $1::bool OR status = 'failed')"
	    " ORDER BY id DESC LIMIT $2" },
	/* tix-admin outbox retry: failed rows (one, $1, or all: NULL)
	 * queued again, due now, with their tries counted afresh. */
	[TIX_STMT_OUTBOX_REQUEUE] = { "outbox_requeue",
	    "UPDATE outbox SET status = 'queued', attempts = 0,"
	    " next_attempt_at = now()"
	    " WHERE status = 'failed' AND ($1::bigint IS NULL OR id = $1)"
	    " RETURNING id" },

	/* Mail in.  The sender of a message, by address: an active user. */
	[TIX_STMT_MAIL_USER] = { "mail_user",
	    "SELECT u.id, u.role, u.name, u.account_id, a.name, a.timezone"
	    " FROM users u JOIN accounts a ON a.id = u.account_id"
	    " WHERE u.email = lower($1) AND u.disabled_at IS NULL" },
	/* What a message that names ticket $1 is checked against. */
	[TIX_STMT_MAIL_TICKET] = { "mail_ticket",
	    "SELECT id, requester_id, status FROM tickets"
	    " WHERE number = $1" },
	[TIX_STMT_MAIL_OUTBOX_TICKET] = { "mail_outbox_ticket",
	    "SELECT ticket_number FROM outbox WHERE id = $1" },
	/* No row back: this Message-ID was decided on before (a concurrent
	 * delivery waits here for the first one's transaction). */
	[TIX_STMT_INBOUND_CLAIM] = { "inbound_claim",
	    "INSERT INTO inbound_messages (message_id, outcome, from_address,"
	    " auth_failed) VALUES ($1, 'review', lower($2), $3::boolean)"
	    " ON CONFLICT (coalesce(from_address, ''), message_id, auth_failed)"
	    " DO NOTHING RETURNING id" },
	[TIX_STMT_INBOUND_SET] = { "inbound_set",
	    "UPDATE inbound_messages SET outcome = $2::inbound_outcome,"
	    " ticket_id = $3 WHERE id = $1" },
	[TIX_STMT_INBOUND_REVIEW] = { "inbound_review",
	    "INSERT INTO inbound_review (message_id, from_address, subject,"
	    " body_excerpt, reason, ticket_id, body)"
	    " VALUES ($1, $2, left($3, 200), left($4, 2000), $5, $6,"
	    " left($4, 100000)) RETURNING id" },
	/* The review queue, newest first: page $2 of $1 rows. */
	[TIX_STMT_REVIEW_LIST] = { "review_list",
	    "SELECT id, from_address, subject, tix_ts(created_at), reason,"
	    " left(body_excerpt, 300), (SELECT count(*) FROM attachments a"
	    "  WHERE a.review_id = r.id) FROM inbound_review r"
	    " ORDER BY created_at DESC, id DESC"
	    " LIMIT $1::bigint OFFSET ($2::bigint - 1) * $1::bigint" },
	[TIX_STMT_REVIEW_COUNT] = { "review_count",
	    "SELECT count(*) FROM inbound_review" },
	/* A kept mail, held until the action on it commits: a second
	 * action at once waits, then finds it gone. */
	[TIX_STMT_REVIEW_LOCK] = { "review_lock",
	    "SELECT id, coalesce(from_address, ''), subject, body"
	    " FROM inbound_review WHERE id = $1 FOR UPDATE" },
	[TIX_STMT_REVIEW_DELETE] = { "review_delete",
	    "DELETE FROM inbound_review WHERE id = $1" },
	/* An active user as a principal: the author of a kept mail. */
	[TIX_STMT_REVIEW_USER] = { "review_user",
	    "SELECT u.id, u.role, u.name, u.account_id, a.name, a.timezone,"
	    " u.email FROM users u JOIN accounts a ON a.id = u.account_id"
	    " WHERE u.id = $1 AND u.disabled_at IS NULL" },
	/* The requester of ticket number $1, whatever their state. */
	[TIX_STMT_REVIEW_REQUESTER] = { "review_requester",
	    "SELECT requester_id FROM tickets WHERE number = $1" },
	/* For GET /api/metrics: the outbox's depth and failures, the open
	 * tickets past their first-response target, breaches ever. */
	[TIX_STMT_OPS_GAUGES] = { "ops_gauges",
	    "SELECT (SELECT count(*) FROM outbox WHERE status = 'queued'),"
	    " (SELECT count(*) FROM outbox WHERE status = 'failed'),"
	    " (SELECT count(*) FROM tickets t WHERE " BREACHED
	    "  AND status NOT IN ('resolved', 'closed')),"
	    " (SELECT count(*) FROM ticket_entries WHERE type = 'sla_breached'),"
	    /* How late the scheduler is: the oldest miss it has not marked
	     * (the rows sched_breaches picks), in seconds; 0 when none. */
	    " (SELECT COALESCE(extract(epoch FROM now()"
	    "  - min(first_response_due_at))::bigint, 0) FROM tickets"
	    "  WHERE sla_breached_at IS NULL AND first_response_at IS NULL"
	    "  AND first_response_due_at < now())" },
	/* On the primary: where its WAL ends now, past the commit record of
	 * every transaction committed so far (asynchronous ones too). */
	[TIX_STMT_WAL_INSERTED] = { "wal_inserted",
	    "SELECT pg_current_wal_insert_lsn()::text" },
	/* On a replica: whether it has replayed the WAL up to $1 (false on
	 * a server that is no replica, or no longer one). */
	[TIX_STMT_WAL_REPLAYED_TO] = { "wal_replayed_to",
	    "SELECT coalesce(pg_last_wal_replay_lsn() >= $1::pg_lsn, false)" },
};

/*
 * The list statements, made once from constant parts: a sort order is
 * picked from this table by index, never spelled by the client.  Even
 * indexes are the agents' statements, odd ones the customers' (whose
 * "updated" is customer_updated_at).  Two families of fourteen: the
 * lists (also the walked search, WALK_HIT) and the ranked search
 * (MATCHES); the same fourteen parameters and columns in both.
 *
 * Keyset pagination (lib/tickets/search.c): every order ends in t.id and
 * runs one way, so "after the row with keys k" is one row comparison,
 * which the btree indexes of sql/001, 004 and 015 answer directly.  The
 * three columns after the match cell are the row's keys (KEYS), and $14
 * the keys of the previous page's last row as a text array {id, k1, k2,
 * k3} (AFTER), NULL for no cursor.  Times travel as whole microseconds
 * since the epoch, exact both ways (extract(epoch) is numeric; the
 * product with an interval of one microsecond is exact below 2^53).
 * The rank of the relevance order is a real: its text round-trips.
 */
#define US(col)	"(extract(epoch FROM " col ") * 1000000)::bigint"
#define CUR(i)	"(($14::text[])[" #i "])"
#define AT_US(i) \
	"('epoch'::timestamptz + " CUR(i) "::bigint * interval '1 microsecond')"
#define NUMBERED "coalesce(t.number = $8::int, false)"

struct list_shape {
	const char	*order;	/* ORDER BY */
	const char	*keys;	/* three select columns: k1, k2, k3 */
	const char	*after;	/* the row comes after the cursor's */
};

#define BY_TIME(col, dir, op) { \
	col " " dir ", t.id " dir, \
	US(col) ", NULL::real, NULL::bigint", \
	"(" col ", t.id) " op " (" AT_US(2) ", " CUR(1) "::bigint)" }
#define BY_PRIORITY(dir, op) { \
	"t.priority " dir ", t.id " dir, \
	"t.priority, NULL::real, NULL::bigint", \
	"(t.priority, t.id) " op " (" CUR(2) "::ticket_priority, " \
	CUR(1) "::bigint)" }
/* relevance (the ranked way only): the numbered ticket first, then by
 * rank, then as -updated_at.  m.rank is computed once per candidate. */
#define BY_RANK(col) { \
	NUMBERED " DESC, m.rank DESC, " col " DESC, t.id DESC", \
	NUMBERED ", m.rank, " US(col), \
	"(" NUMBERED ", m.rank, " col ", t.id) < (" CUR(2) "::bool, " \
	CUR(3) "::real, " AT_US(4) ", " CUR(1) "::bigint)" }

/* Indexed by enum tix_sort * 2 + is_customer.  The walked way has no
 * order of its own for relevance (lib/tickets/search.c asks for
 * -updated_at instead): its last two are -updated_at's. */
static const struct list_shape list_shapes[14] = {
	BY_TIME("t.updated_at", "DESC", "<"),
	BY_TIME("t.customer_updated_at", "DESC", "<"),
	BY_TIME("t.updated_at", "ASC", ">"),
	BY_TIME("t.customer_updated_at", "ASC", ">"),
	BY_TIME("t.created_at", "DESC", "<"),
	BY_TIME("t.created_at", "DESC", "<"),
	BY_TIME("t.created_at", "ASC", ">"),
	BY_TIME("t.created_at", "ASC", ">"),
	BY_PRIORITY("DESC", "<"),
	BY_PRIORITY("DESC", "<"),
	BY_PRIORITY("ASC", ">"),
	BY_PRIORITY("ASC", ">"),
	BY_RANK("t.updated_at"),
	BY_RANK("t.customer_updated_at"),
};
static char list_sql[2][14][12288];

/* Statement i of the list family (ranked false: the lists and the
 * walked search) or of the ranked search. */
static const char *
list_statement(bool ranked, int i)
{
	const char	*updated = i % 2 ? "t.customer_updated_at" :
			    "t.updated_at";
	const char	*vec = i % 2 ? "doc" : "staff_doc";
	const struct list_shape *sh = &list_shapes[i];
	char		*out = list_sql[ranked][i];
	char		 rank[128], hit[256], from[1024];
	int		 n, m;

	if (out[0] != '\0')
		return out;
	if (!ranked && i >= 12)
		sh = &list_shapes[i - 12];
	if (ranked) {
		n = snprintf(rank, sizeof(rank), i >= 12 ? RANK("%s") :
		    "0::real", vec);
		if (n < 0 || (size_t)n >= sizeof(rank))
			return NULL;	/* cannot happen: constant parts */
		n = snprintf(from, sizeof(from), MATCHES("%s", "%s"), rank,
		    vec, vec);
		m = snprintf(hit, sizeof(hit), "%s", "");
	} else {
		n = snprintf(from, sizeof(from), "%s", SUMMARY_FROM);
		m = snprintf(hit, sizeof(hit), " AND " MINE("t")
		    " AND $8::int IS NULL AND " WALK_HIT("%s"), vec);
	}
	if (n < 0 || m < 0 || (size_t)n >= sizeof(from) ||
	    (size_t)m >= sizeof(hit))
		return NULL;
	if (ranked)
		/* The page's ids and ranks first (m), from the candidates and
		 * their tickets alone; then its summaries, in the same order
		 * (the order and keys read only t and m). */
		n = snprintf(out, sizeof(list_sql[0][0]), SEARCH_WITH
		    "SELECT " SUMMARY_COLS("%s", "%s") ", " MATCH("%s") ", %s"
		    " FROM (SELECT t.id, m.rank%s WHERE" LIST_FILTERS
		    " AND ($14::text[] IS NULL OR %s)"
		    " ORDER BY %s LIMIT $12 OFFSET $13) m"
		    " JOIN tickets t ON t.id = m.id" SUMMARY_JOINS SEARCH_FROM
		    " ORDER BY %s", updated, i % 2 ? "true" : "false",
		    i % 2 ? "" : NOTE_MATCH, sh->keys, from, sh->after,
		    sh->order, sh->order);
	else
		n = snprintf(out, sizeof(list_sql[0][0]), SEARCH_WITH "SELECT "
		    SUMMARY_COLS("%s", "%s") ", " MATCH("%s") ", %s%s"
		    SEARCH_FROM " WHERE" LIST_FILTERS
		    "%s AND ($14::text[] IS NULL OR %s)"
		    " ORDER BY %s LIMIT $12 OFFSET $13", updated,
		    i % 2 ? "true" : "false", i % 2 ? "" : NOTE_MATCH, sh->keys,
		    from, hit, sh->after, sh->order);
	if (n < 0 || (size_t)n >= sizeof(list_sql[0][0])) {
		out[0] = '\0';
		return NULL;	/* cannot happen: the parts are constants */
	}
	return out;
}

/*
 * The shaped list statements (TIX_STMT_SHAPED, stmt.h).  The parameters
 * of a shape's filters are those of LIST_FILTERS, compared without an
 * "IS NULL OR": a filter the shape lacks is not in the text at all.  The
 * statuses are the enum's labels, from the mask (a constant that the
 * partial index of open tickets matches).  Every parameter's type is
 * named once, in a WITH query that nothing reads (PostgreSQL drops it
 * before planning), so that each shape takes the same parameters
 * whichever of them it uses.
 */
static const char *const shape_statuses[] = {
	"open", "in_progress", "waiting", "resolved", "closed"
};
#define SHAPE_TYPES \
	"WITH unused AS (SELECT $1::bigint, $2::text, $3::text, $4::text," \
	" $5::date, $6::date, $7::text, $8::int, $9::text[], $10::text," \
	" $11::bool, $12::bigint"
#define SHAPE_BUFS	4
static char shape_sql[SHAPE_BUFS][8192];
static unsigned shape_next;

struct shape_text {
	char	*p;
	size_t	 len, size;
	bool	 over;
};

static void
shape_add(struct shape_text *t, const char *s)
{
	size_t n = strlen(s);

	if (t->over || t->len + n >= t->size) {
		t->over = true;
		return;
	}
	memcpy(t->p + t->len, s, n + 1);
	t->len += n;
}

/* " AND tab.status IN ('a', 'b')" for status mask m, nothing for 0. */
static void
shape_statuses_in(struct shape_text *t, const char *tab, unsigned m)
{
	size_t		i;
	const char	*sep = " IN (";

	if (m == 0)
		return;
	shape_add(t, " AND ");
	shape_add(t, tab);
	shape_add(t, ".status");
	for (i = 0; i < sizeof(shape_statuses) / sizeof(shape_statuses[0]);
	    i++)
		if (m & (1u << i)) {
			shape_add(t, sep);
			shape_add(t, "'");
			shape_add(t, shape_statuses[i]);
			shape_add(t, "'");
			sep = ", ";
		}
	shape_add(t, ")");
}

static void
shape_filters(struct shape_text *t, unsigned x)
{
	if (x & TIX_SHAPE_CUSTOMER)
		shape_add(t, " AND t.requester_id = $1::bigint");
	shape_statuses_in(t, "t", TIX_SHAPE_STATUSES_OF(x));
	if (x & TIX_SHAPE_CATEGORY)
		shape_add(t, " AND t.category = $3::text::ticket_category");
	if (x & TIX_SHAPE_PRIORITY)
		shape_add(t, " AND t.priority = $4::text::ticket_priority");
	if (x & TIX_SHAPE_FROM)
		shape_add(t, " AND t.created_at >="
		    " ($5::date::timestamp AT TIME ZONE $7::text)");
	if (x & TIX_SHAPE_TO)
		shape_add(t, " AND t.created_at <"
		    " (($6::date + 1)::timestamp AT TIME ZONE $7::text)");
	if (x & TIX_SHAPE_UNASSIGNED)
		shape_add(t, " AND t.assignee_id IS NULL");
	if (x & TIX_SHAPE_ASSIGNEE)
		shape_add(t, " AND t.assignee_id = $10::text::bigint");
	if (x & TIX_SHAPE_BREACHED)
		shape_add(t, " AND " BREACHED);
	if (x & TIX_SHAPE_NOT_BREACHED)
		shape_add(t, " AND NOT " BREACHED);
}

/* The text of shape x, or NULL for a shape with none. */
static const char *
shaped_statement(unsigned x)
{
	struct shape_text	 t;
	const struct list_shape	*sh;
	bool			 customer = x & TIX_SHAPE_CUSTOMER;
	unsigned		 sort = TIX_SHAPE_SORT_OF(x);

	unsigned		 limit = TIX_SHAPE_LIMIT_OF(x);
	char			 n[64];

	if (x >= TIX_SHAPE__LIMIT || sort >= 6 ||
	    ((x & TIX_SHAPE_UNASSIGNED) && (x & TIX_SHAPE_ASSIGNEE)) ||
	    ((x & TIX_SHAPE_BREACHED) && (x & TIX_SHAPE_NOT_BREACHED)))
		return NULL;
	if ((x & TIX_SHAPE_COUNT) ? (sort != 0 || limit != 0 ||
	    (x & (TIX_SHAPE_CURSOR | TIX_SHAPE_OFFSET))) :
	    (limit < 2 || limit > TIX_MAX_PER_PAGE + 1))
		return NULL;
	t.p = shape_sql[shape_next++ % SHAPE_BUFS];
	t.p[0] = '\0';
	t.len = 0;
	t.size = sizeof(shape_sql[0]);
	t.over = false;
	if ((x & TIX_SHAPE_COUNT) && (x & ~(TIX_SHAPE_COUNT |
	    TIX_SHAPE_STATUSES(31u) | TIX_SHAPE_UNASSIGNED)) == 0) {
		/* An agent's count by status and assignment alone: the sum
		 * of ticket_counts (sql/025), exact, whatever the total. */
		shape_add(&t, SHAPE_TYPES ") SELECT coalesce(sum(c.n), 0)"
		    " FROM ticket_counts c WHERE true");
		shape_statuses_in(&t, "c", TIX_SHAPE_STATUSES_OF(x));
		if (x & TIX_SHAPE_UNASSIGNED)
			shape_add(&t, " AND c.unassigned");
		return t.over ? NULL : t.p;
	}
	if (x & TIX_SHAPE_COUNT) {
		shape_add(&t, SHAPE_TYPES ") SELECT count(*) FROM (SELECT 1"
		    " FROM tickets t WHERE true");
		shape_filters(&t, x);
		snprintf(n, sizeof(n), " LIMIT %d) c", TIX_LIST_TOTAL_CAP + 1);
		shape_add(&t, n);
		return t.over ? NULL : t.p;
	}
	sh = &list_shapes[sort * 2 + (customer ? 1 : 0)];
	shape_add(&t, SHAPE_TYPES ", $13::bigint, $14::text[]) SELECT ");
	shape_add(&t, customer ?
	    SUMMARY_COLS("t.customer_updated_at", "true") :
	    SUMMARY_COLS("t.updated_at", "false"));
	shape_add(&t, ", NULL::text, ");
	shape_add(&t, sh->keys);
	shape_add(&t, SUMMARY_FROM " WHERE true");
	shape_filters(&t, x);
	if (x & TIX_SHAPE_CURSOR) {
		shape_add(&t, " AND ");
		shape_add(&t, sh->after);
	}
	shape_add(&t, " ORDER BY ");
	shape_add(&t, sh->order);
	snprintf(n, sizeof(n), " LIMIT %u", limit);
	shape_add(&t, n);
	if (x & TIX_SHAPE_OFFSET)
		shape_add(&t, " OFFSET $13");
	return t.over ? NULL : t.p;
}

const char *
tix_stmt_sql(int id)
{
	if (id >= TIX_STMT_SHAPED)
		return shaped_statement((unsigned)(id - TIX_STMT_SHAPED));
	if (id >= TIX_STMT_TICKET_LIST && id <= TIX_STMT_TICKET_LIST_LAST)
		return list_statement(false, id - TIX_STMT_TICKET_LIST);
	if (id >= TIX_STMT_SEARCH_RANKED && id <= TIX_STMT_SEARCH_RANKED_LAST)
		return list_statement(true, id - TIX_STMT_SEARCH_RANKED);
	if (id < 0 || id >= TIX_STMT__MAX)
		return NULL;
	return stmts[id].sql;
}

const char *
tix_stmt_name(int id)
{
	if (id >= TIX_STMT_SHAPED)
		return (id - TIX_STMT_SHAPED) & TIX_SHAPE_COUNT ?
		    "ticket_count_shaped" : "ticket_list_shaped";
	if (id >= TIX_STMT_TICKET_LIST && id <= TIX_STMT_TICKET_LIST_LAST)
		return "ticket_list";
	if (id >= TIX_STMT_SEARCH_RANKED && id <= TIX_STMT_SEARCH_RANKED_LAST)
		return "search_ranked";
	if (id < 0 || id >= TIX_STMT__MAX || stmts[id].name == NULL)
		return "script";
	return stmts[id].name;
}
