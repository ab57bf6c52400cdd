/*
 * search.c: the ticket list, with or without a search (search.h).
 *
 * One count and one page statement per request, both the agents' or
 * both the customers' variant: which one is decided here, from the
 * principal, and the customers' never reads internal notes.
 */
#include <string.h>

#include "tickets/search.h"

/* Columns of the list statements after the summary's (lib/db/stmt.c):
 * the match cell follows the ticket id. */
#define COL_MATCH	22

enum tix_err
tix_ticket_list(const struct tix_ctx *c, const struct tix_ticket_filter *f,
    struct tix_ticket_page *out)
{
	const char		*p[13];
	const struct tix_search	*s = f->search;
	bool			 staff = tix_is_staff(c->who);
	struct tix_rows		 count;
	enum tix_err		 rc;
	size_t			 i;

	memset(out, 0, sizeof(*out));
	memset(p, 0, sizeof(p));
	if (f->sort < 0 || f->sort >= TIX_SORT__MAX || f->page < 1 ||
	    f->per_page < 1 || f->per_page > TIX_MAX_PER_PAGE)
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
	p[11] = tix_db_i64(c->arena, f->per_page);
	p[12] = tix_db_i64(c->arena, (f->page - 1) * f->per_page);
	if ((!staff && p[0] == NULL) || p[11] == NULL || p[12] == NULL ||
	    (s != NULL && s->is_number && p[7] == NULL))
		return TIX_ENOMEM;

	rc = tix_db_run(c->db, c->arena, staff ? TIX_STMT_TICKET_COUNT :
	    TIX_STMT_TICKET_COUNT_CUSTOMER, p, 11, &count);
	if (rc != TIX_OK)
		return rc;
	rc = tix_db_run(c->db, c->arena, (enum tix_stmt)(TIX_STMT_TICKET_LIST +
	    (int)f->sort * 2 + (staff ? 0 : 1)), p, 13, &out->rows);
	if (rc != TIX_OK)
		return rc;
	out->total = tix_rows_int(&count, 0, 0);
	if (p[7] == NULL && p[8] == NULL)
		return TIX_OK;
	if (out->rows.nrows > 0 && out->rows.ncols <= COL_MATCH)
		return TIX_EINTERNAL;
	out->matches = tix_arena_alloc(c->arena,
	    (out->rows.nrows + 1) * sizeof(*out->matches));
	if (out->matches == NULL)
		return TIX_ENOMEM;
	/* A ticket found by its number alone has no match (in is NULL). */
	for (i = 0; i < out->rows.nrows && rc == TIX_OK; i++)
		rc = tix_search_match_read(c->arena,
		    tix_rows_get(&out->rows, i, COL_MATCH), &out->matches[i]);
	return rc;
}
