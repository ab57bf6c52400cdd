/*
 * search.c: the ticket list, with or without a search (search.h).
 *
 * One count and one page statement per request, both the agents' or
 * both the customers' variant: which one is decided here, from the
 * principal, and the customers' never reads internal notes.  They go
 * to the database in one round trip (db/batch.h), except for a word
 * search without a cursor, whose way to the page depends on the count.
 *
 * Pages continue by keyset: the page statement reads one row more than
 * the page, and when it comes the page's last row's sort keys become
 * the next cursor.  A cursor is
 *
 *	version (1) | sort (1) | id (8) | k1 (8) | k2 (4) | k3 (8) | MAC (16)
 *
 * in unpadded base64url (62 characters), integers big-endian.  k1 is the
 * sort's time in microseconds since the epoch, or the priority's index
 * in tix_priority_names, or for relevance whether the row is the
 * numbered ticket; k2 the rank's float bits; k3 relevance's time.  The
 * MAC also covers the viewer's user id and every filter, so a cursor
 * cannot be replayed by another user or into another query.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/limits.h"
#include "core/str.h"
#include "crypto/crypto.h"
#include "crypto/stream.h"
#include "db/batch.h"
#include "db/stmt.h"
#include "tickets/search.h"
#include "tickets/types.h"

/* Columns of the list statements after the summary's (lib/db/stmt.c):
 * the match cell follows the ticket id, then the row's sort keys. */
#define COL_ID		21
#define COL_MATCH	22
#define COL_K1		23
#define COL_K2		24
#define COL_K3		25

#define CURSOR_VERSION	1
#define CURSOR_BODY	30
#define CURSOR_BYTES	(CURSOR_BODY + TIX_MAC_LEN)
/* The kdf context of the cursors' MAC key (crypto/stream.h). */
static const char cursor_purpose[8] = { 't', 'i', 'x', 'c', 'u', 'r', 's',
    '1' };

struct cursor {
	enum tix_sort	sort;
	int64_t		id, k1, k3;
	uint32_t	k2;
};

static void
put64(unsigned char *p, uint64_t v)
{
	int i;

	for (i = 7; i >= 0; i--, v >>= 8)
		p[i] = (unsigned char)v;
}

static uint64_t
get64(const unsigned char *p)
{
	uint64_t	v = 0;
	int		i;

	for (i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

/* One filter value into the MAC: absent and empty differ, and the
 * length keeps one value from running into the next. */
static void
mac_field(struct tix_mac *m, const char *v)
{
	unsigned char	hdr[5] = { 0 };
	size_t		n = v == NULL ? 0 : strlen(v);

	hdr[0] = v != NULL;
	hdr[1] = (unsigned char)(n >> 24);
	hdr[2] = (unsigned char)(n >> 16);
	hdr[3] = (unsigned char)(n >> 8);
	hdr[4] = (unsigned char)n;
	tix_mac_update(m, hdr, sizeof(hdr));
	if (n > 0)
		tix_mac_update(m, v, n);
}

/* The MAC of a cursor's body for this viewer and the filters p (the
 * list statements' parameters: $2-$11, the viewer's zone left out). */
static enum tix_err
cursor_mac(const struct tix_ctx *c, const unsigned char *body,
    const char *const *p, unsigned char out[TIX_MAC_LEN])
{
	static const int	filters[] = { 1, 2, 3, 4, 5, 7, 8, 9, 10 };
	struct tix_mac		m;
	unsigned char		who[8];
	enum tix_err		rc;
	size_t			i;

	rc = tix_mac_init(&m, cursor_purpose);
	if (rc != TIX_OK)
		return rc;
	tix_mac_update(&m, body, CURSOR_BODY);
	put64(who, (uint64_t)c->who->user_id);
	tix_mac_update(&m, who, sizeof(who));
	for (i = 0; i < sizeof(filters) / sizeof(filters[0]); i++)
		mac_field(&m, p[filters[i]]);
	tix_mac_final(&m, out);
	return TIX_OK;
}

static enum tix_err
cursor_encode(const struct tix_ctx *c, const struct cursor *k,
    const char *const *p, const char **out)
{
	unsigned char	raw[CURSOR_BYTES];
	char		*s;
	size_t		 size = 4 * CURSOR_BYTES / 3 + 3;
	enum tix_err	 rc;

	raw[0] = CURSOR_VERSION;
	raw[1] = (unsigned char)k->sort;
	put64(raw + 2, (uint64_t)k->id);
	put64(raw + 10, (uint64_t)k->k1);
	raw[18] = (unsigned char)(k->k2 >> 24);
	raw[19] = (unsigned char)(k->k2 >> 16);
	raw[20] = (unsigned char)(k->k2 >> 8);
	raw[21] = (unsigned char)k->k2;
	put64(raw + 22, (uint64_t)k->k3);
	rc = cursor_mac(c, raw, p, raw + CURSOR_BODY);
	if (rc != TIX_OK)
		return rc;
	s = tix_arena_alloc(c->arena, size);
	if (s == NULL)
		return TIX_ENOMEM;
	tix_b64url_encode(raw, sizeof(raw), s, size);
	*out = s;
	return TIX_OK;
}

/* TIX_EBADREQ unless s is a cursor made by cursor_encode for this
 * viewer, these filters and sort. */
static enum tix_err
cursor_decode(const struct tix_ctx *c, const char *s, enum tix_sort sort,
    const char *const *p, struct cursor *k)
{
	unsigned char	raw[CURSOR_BYTES], mac[TIX_MAC_LEN];
	size_t		n, len = strlen(s);
	enum tix_err	rc;

	if (len > TIX_MAX_CURSOR ||
	    !tix_b64url_decode(s, len, raw, sizeof(raw), &n) ||
	    n != sizeof(raw) || raw[0] != CURSOR_VERSION ||
	    raw[1] != (unsigned char)sort)
		return TIX_EBADREQ;
	rc = cursor_mac(c, raw, p, mac);
	if (rc != TIX_OK)
		return rc;
	if (!tix_mac_equal(mac, raw + CURSOR_BODY))
		return TIX_EBADREQ;
	k->sort = sort;
	k->id = (int64_t)get64(raw + 2);
	k->k1 = (int64_t)get64(raw + 10);
	k->k2 = (uint32_t)raw[18] << 24 | (uint32_t)raw[19] << 16 |
	    (uint32_t)raw[20] << 8 | raw[21];
	k->k3 = (int64_t)get64(raw + 22);
	return TIX_OK;
}

static bool
is_priority_sort(enum tix_sort s)
{
	return s == TIX_SORT_PRIORITY_DESC || s == TIX_SORT_PRIORITY_ASC;
}

/* The list statements' $14, {id, k1, k2, k3} as they read it. */
static const char *
cursor_param(struct tix_arena *a, const struct cursor *k)
{
	float	rank;
	size_t	n;

	if (is_priority_sort(k->sort)) {
		for (n = 0; tix_priority_names[n] != NULL; n++)
			;
		if (k->k1 < 0 || (size_t)k->k1 >= n)
			return NULL;
		return tix_arena_printf(a, "{%lld,%s}", (long long)k->id,
		    tix_priority_names[k->k1]);
	}
	if (k->sort != TIX_SORT_RELEVANCE)
		return tix_arena_printf(a, "{%lld,%lld}", (long long)k->id,
		    (long long)k->k1);
	memcpy(&rank, &k->k2, sizeof(rank));
	return tix_arena_printf(a, "{%lld,%s,%.9g,%lld}", (long long)k->id,
	    k->k1 ? "t" : "f", (double)rank, (long long)k->k3);
}

static bool
cell_int(const struct tix_rows *rs, size_t r, size_t col, int64_t *out)
{
	const char *v = tix_rows_get(rs, r, col);

	return v != NULL && tix_parse_int64(v, strlen(v), true, out);
}

/* The sort keys of row r of a page. */
static bool
cursor_of_row(const struct tix_rows *rs, size_t r, enum tix_sort sort,
    struct cursor *k)
{
	const char	*v;
	char		*end;
	float		 rank;

	memset(k, 0, sizeof(*k));
	k->sort = sort;
	if (!cell_int(rs, r, COL_ID, &k->id))
		return false;
	if (is_priority_sort(sort)) {
		v = tix_rows_get(rs, r, COL_K1);
		for (k->k1 = 0; v != NULL && tix_priority_names[k->k1] != NULL;
		    k->k1++)
			if (strcmp(v, tix_priority_names[k->k1]) == 0)
				return true;
		return false;
	}
	if (sort != TIX_SORT_RELEVANCE)
		return cell_int(rs, r, COL_K1, &k->k1);
	v = tix_rows_get(rs, r, COL_K1);
	if (v == NULL || (strcmp(v, "t") != 0 && strcmp(v, "f") != 0))
		return false;
	k->k1 = v[0] == 't';
	v = tix_rows_get(rs, r, COL_K2);
	if (v == NULL)
		return false;
	rank = strtof(v, &end);
	if (end == v || *end != '\0')
		return false;
	memcpy(&k->k2, &rank, sizeof(rank));
	return cell_int(rs, r, COL_K3, &k->k3);
}

/*
 * The way to a search's page (lib/db/stmt.c): ranked, from all the
 * matches, when at most this many tickets match (or q is a number, whose
 * ticket comes first); else walked along the sort's index, checking
 * each row's document, and relevance is newest update first.  Ranking
 * reads every match's document, so this bounds the work of a page; the
 * walk stops at the page, so a word in most tickets is as quick as one
 * in a few hundred.
 */
#define RANK_MAX	1000

/* The page statement of a way (ranked or walked), sort and viewer. */
static enum tix_stmt
page_stmt(bool ranked, enum tix_sort sort, bool staff)
{
	return (enum tix_stmt)((ranked ? TIX_STMT_SEARCH_RANKED :
	    TIX_STMT_TICKET_LIST) + (int)sort * 2 + (staff ? 0 : 1));
}

/*
 * The shape of a list without a search (db/stmt.h): which filters it
 * has, so that its statements name those alone.  TIX_SHAPE__LIMIT for
 * statuses that are not a list of tix_status_names (the caller checked
 * them: it cannot happen).
 */
static unsigned
list_shape(const struct tix_ticket_filter *f, bool staff)
{
	unsigned	 x = staff ? 0 : TIX_SHAPE_CUSTOMER, mask = 0;
	const char	*s = f->statuses, *comma;
	char		 name[32];
	enum tix_status	 st;
	size_t		 n;

	while (s != NULL) {
		comma = strchr(s, ',');
		n = comma != NULL ? (size_t)(comma - s) : strlen(s);
		if (n >= sizeof(name))
			return TIX_SHAPE__LIMIT;
		memcpy(name, s, n);
		name[n] = '\0';
		if (!tix_status_parse(name, &st))
			return TIX_SHAPE__LIMIT;
		mask |= 1u << st;
		s = comma != NULL ? comma + 1 : NULL;
	}
	x |= TIX_SHAPE_STATUSES(mask);
	if (f->category != NULL)
		x |= TIX_SHAPE_CATEGORY;
	if (f->priority != NULL)
		x |= TIX_SHAPE_PRIORITY;
	if (f->created_from != NULL)
		x |= TIX_SHAPE_FROM;
	if (f->created_to != NULL)
		x |= TIX_SHAPE_TO;
	if (f->assignee != NULL)
		x |= strcmp(f->assignee, "none") == 0 ? TIX_SHAPE_UNASSIGNED :
		    TIX_SHAPE_ASSIGNEE;
	if (f->breached != NULL)
		x |= strcmp(f->breached, "true") == 0 ? TIX_SHAPE_BREACHED :
		    TIX_SHAPE_NOT_BREACHED;
	return x;
}

enum tix_err
tix_ticket_list(const struct tix_ctx *c, const struct tix_ticket_filter *f,
    struct tix_ticket_page *out)
{
	const char		*p[14], *pc[12];
	const struct tix_search	*s = f->search;
	bool			 staff = tix_is_staff(c->who);
	bool			 searching, ranked = false, by_count = false;
	struct tix_db_batch	 b;
	enum tix_stmt		 count_stmt, page_id;
	unsigned		 shape = 0;
	enum tix_sort		 sort = f->sort;
	struct tix_rows		 count, rows;
	struct cursor		 k;
	enum tix_err		 rc;
	int64_t			 n;
	size_t			 i;

	memset(out, 0, sizeof(*out));
	memset(p, 0, sizeof(p));
	if (f->sort < 0 || f->sort >= TIX_SORT__MAX || f->page < 1 ||
	    f->per_page < 1 || f->per_page > TIX_MAX_PER_PAGE ||
	    (f->cursor != NULL && f->page != 1))
		return TIX_EINTERNAL;	/* the caller checks these */
	p[0] = staff ? NULL : tix_db_i64(c->arena, c->who->user_id);
	p[1] = f->statuses;
	p[2] = f->category;
	p[3] = f->priority;
	p[4] = f->created_from;
	p[5] = f->created_to;
	p[6] = c->who->timezone;
	if (s != NULL && s->is_number)
		p[7] = tix_db_i64(c->arena, s->number);
	/* A q of no terms at all ('""') is a search that matches nothing. */
	if (s != NULL && (s->nterms > 0 || !s->is_number)) {
		p[8] = tix_search_array(c->arena, s);
		if (p[8] == NULL)
			return TIX_ENOMEM;
	}
	p[9] = f->assignee;
	p[10] = f->breached;
	p[11] = tix_db_i64(c->arena, TIX_LIST_TOTAL_CAP + 1);
	searching = p[7] != NULL || p[8] != NULL;
	/* Without q, relevance is newest update first. */
	if (!searching && sort == TIX_SORT_RELEVANCE)
		sort = TIX_SORT_UPDATED_DESC;
	if (f->cursor != NULL) {
		/* A walked relevance search's cursor is -updated_at's. */
		rc = cursor_decode(c, f->cursor, sort, p, &k);
		if (rc == TIX_EBADREQ && searching &&
		    sort == TIX_SORT_RELEVANCE)
			rc = cursor_decode(c, f->cursor,
			    TIX_SORT_UPDATED_DESC, p, &k);
		if (rc != TIX_OK)
			return rc;
		p[13] = cursor_param(c->arena, &k);
		if (p[13] == NULL)
			return TIX_EBADREQ;
	}

	/* The count's parameters are the page's but for $12 (its cap). */
	memcpy(pc, p, sizeof(pc));
	if (searching)
		count_stmt = staff ? TIX_STMT_SEARCH_COUNT :
		    TIX_STMT_SEARCH_COUNT_CUSTOMER;
	else {
		shape = list_shape(f, staff);
		if (shape >= TIX_SHAPE__LIMIT)
			return TIX_EINTERNAL;
		count_stmt = (enum tix_stmt)(TIX_STMT_SHAPED +
		    (int)(shape | TIX_SHAPE_COUNT));
	}
	/* One row more than the page tells whether another page follows. */
	p[11] = tix_db_i64(c->arena, f->per_page + 1);
	p[12] = tix_db_i64(c->arena, f->cursor != NULL ? 0 :
	    (f->page - 1) * f->per_page);
	/* A cursor keeps the way of the page it came from; a number is
	 * always ranked; else the count decides (RANK_MAX). */
	if (searching && f->cursor != NULL && sort == TIX_SORT_RELEVANCE)
		ranked = k.sort == TIX_SORT_RELEVANCE;
	else if (searching && p[7] != NULL)
		ranked = true;
	else if (searching)
		by_count = true;
	tix_db_batch_init(&b, c->db, c->arena);
	tix_db_batch_add(&b, count_stmt, pc, 12, &count);
	if (!by_count) {
		/* The page needs nothing of the count: both in one trip. */
		if (!ranked && sort == TIX_SORT_RELEVANCE)
			sort = TIX_SORT_UPDATED_DESC;
		page_id = searching ? page_stmt(ranked, sort, staff) :
		    (enum tix_stmt)(TIX_STMT_SHAPED + (int)(shape |
		    TIX_SHAPE_SORT(sort) | TIX_SHAPE_LIMIT(f->per_page + 1) |
		    (f->cursor != NULL ? TIX_SHAPE_CURSOR : 0) |
		    (f->page > 1 ? TIX_SHAPE_OFFSET : 0)));
		tix_db_batch_add(&b, page_id, p, 14, &rows);
	}
	rc = tix_db_batch_run(&b);
	if (rc != TIX_OK)
		return rc;
	n = tix_rows_int(&count, 0, 0);
	out->total = n;
	if (out->total > TIX_LIST_TOTAL_CAP) {
		out->total = TIX_LIST_TOTAL_CAP;
		out->total_capped = true;
	}
	if (by_count) {
		ranked = n <= RANK_MAX;
		if (!ranked && sort == TIX_SORT_RELEVANCE)
			sort = TIX_SORT_UPDATED_DESC;
		rc = tix_db_run(c->db, c->arena, page_stmt(ranked, sort,
		    staff), p, 14, &rows);
		if (rc != TIX_OK)
			return rc;
	}
	if (rows.nrows > 0 && rows.ncols <= COL_K3)
		return TIX_EINTERNAL;
	if (rows.nrows > (size_t)f->per_page) {
		rows.nrows = (size_t)f->per_page;
		if (!cursor_of_row(&rows, rows.nrows - 1, sort, &k))
			return TIX_EINTERNAL;
		rc = cursor_encode(c, &k, p, &out->next_cursor);
		if (rc != TIX_OK)
			return rc;
	}
	out->tickets = tix_arena_alloc(c->arena,
	    (rows.nrows + 1) * sizeof(*out->tickets));
	if (out->tickets == NULL)
		return TIX_ENOMEM;
	for (i = 0; i < rows.nrows; i++)
		tix_summary_read(&rows, i, &out->tickets[i]);
	out->ntickets = rows.nrows;
	if (!searching)
		return TIX_OK;
	out->matches = tix_arena_alloc(c->arena,
	    (rows.nrows + 1) * sizeof(*out->matches));
	if (out->matches == NULL)
		return TIX_ENOMEM;
	/* A ticket found by its number alone has no match (in is NULL). */
	for (i = 0; i < rows.nrows && rc == TIX_OK; i++)
		rc = tix_search_match_read(c->arena,
		    tix_rows_get(&rows, i, COL_MATCH), &out->matches[i]);
	return rc;
}
