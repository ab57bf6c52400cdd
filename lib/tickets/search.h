/*
 * search.h: the ticket list and its full-text search.
 *
 * Two halves.  The pure one (search_parse.c, unit tested and fuzzed)
 * turns the text of q into search terms, encodes them as the one array
 * parameter the list statements take, and cuts a highlighted excerpt
 * from the database into segments.  The other (search.c) runs the list
 * and count statements for a typed filter, with the visibility rule of
 * every read: a customer's statements do not name internal notes at all.
 *
 * What q means (docs/api.md, Search): words separated by white space;
 * "a quoted phrase" (an unclosed quote runs to the end); word* with at
 * least three characters before the '*' is a prefix.  Every other
 * character, operators of PostgreSQL's tsquery syntax included, is text:
 * the terms reach SQL only as bound text, read by plainto_tsquery or
 * phraseto_tsquery (sql/007_search.sql).
 */
#ifndef TIX_TICKETS_SEARCH_H
#define TIX_TICKETS_SEARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/limits.h"
#include "db/db.h"
#include "tickets/read.h"
#include "tickets/ticket.h"

enum tix_search_kind {
	TIX_SEARCH_WORD,	/* every word form: "activate", "activation" */
	TIX_SEARCH_PHRASE,	/* the words in this order, next to each other */
	TIX_SEARCH_PREFIX	/* words starting so (text without the '*') */
};

struct tix_search_term {
	enum tix_search_kind	 kind;
	const char		*text;	/* NUL-terminated, in the arena */
	size_t			 len;	/* bytes */
};

/* Terms of one q: each term takes at least one character and a
 * separator, so a q within TIX_MAX_SEARCH has at most this many. */
#define TIX_MAX_SEARCH_TERMS	(TIX_MAX_SEARCH / 2 + 1)

struct tix_search {
	struct tix_search_term	 terms[TIX_MAX_SEARCH_TERMS];
	size_t			 nterms;	/* 0: q had no terms */
	bool			 is_number;	/* q alone is a ticket number */
	int64_t			 number;	/* then: TICK-number */
};

/*
 * Parse q (n bytes of valid UTF-8, at most TIX_MAX_SEARCH characters:
 * the caller checks) into out.  Repeated terms are kept once.  ASCII
 * control characters separate words like white space.  q that is only
 * "TICK-1001" (any case) or "1001" also sets is_number.  Strings are
 * allocated from a.  TIX_ETOOBIG when q is longer than TIX_MAX_SEARCH
 * characters, TIX_ENOMEM; out is zeroed on error.
 */
enum tix_err	tix_search_parse(struct tix_arena *a, const char *q, size_t n,
		    struct tix_search *out);

/*
 * The terms as a PostgreSQL array literal of text, each element the kind
 * letter ('w', 'p' or 'x') followed by the term's text, quoted and
 * escaped for the array syntax: {"wactivate","pnot working"}.  No terms:
 * "{}".  Allocated from a; NULL on ENOMEM.
 */
const char	*tix_search_array(struct tix_arena *a, const struct tix_search *s);

/* One piece of an excerpt: plain text, or a matching word. */
struct tix_snippet_seg {
	const char	*text;	/* NUL-terminated, never empty, in the arena */
	bool		 hit;
};

/* Where a ticket matched and the excerpt around the best hit. */
struct tix_search_match {
	const char		*in;	/* "subject", "description", ... */
	struct tix_snippet_seg	*segs;	/* in the arena */
	size_t			 nsegs;
};

/*
 * The highlight markers of the list statements' excerpts (ts_headline's
 * StartSel and StopSel), and two stand-ins: control characters that
 * stored text never holds
 * (validation refuses them, and the statements remove them from the text
 * before highlighting).
 */
#define TIX_SEARCH_HIT_START	'\001'
#define TIX_SEARCH_HIT_STOP	'\002'
/* '<' and '&' in the excerpt, which ts_headline would otherwise take
 * for the start of an HTML tag or entity and drop. */
#define TIX_SEARCH_LT		'\003'
#define TIX_SEARCH_AMP		'\004'

/*
 * Read a list statement's match cell, "<in>:<excerpt>" with the hits
 * between the markers above, into out.  Unbalanced or nested markers are
 * tolerated (a marker only switches the state); empty segments are left
 * out; TIX_SEARCH_LT and TIX_SEARCH_AMP become '<' and '&' again.  A cell without "<in>:" (NULL included) leaves out zeroed (in is
 * NULL) and is TIX_OK.  Segments are allocated from a; TIX_ENOMEM, with
 * out zeroed.
 */
enum tix_err	tix_search_match_read(struct tix_arena *a, const char *cell,
		    struct tix_search_match *out);

/* Sort orders of the list, in the order of the list statements. */
enum tix_sort {
	TIX_SORT_UPDATED_DESC, TIX_SORT_UPDATED_ASC,
	TIX_SORT_CREATED_DESC, TIX_SORT_CREATED_ASC,
	TIX_SORT_PRIORITY_DESC, TIX_SORT_PRIORITY_ASC,
	TIX_SORT_RELEVANCE,
	TIX_SORT__MAX
};
/* Their names in the query string ("-updated_at", ..., "relevance"),
 * indexed by enum tix_sort, NULL-terminated. */
extern const char *const tix_sort_names[];

/* A list request, every value already checked by the caller. */
struct tix_ticket_filter {
	const char		*statuses;	/* "open,waiting" or NULL */
	const char		*category;	/* a tix_category_names entry */
	const char		*priority;	/* a tix_priority_names entry */
	const char		*created_from;	/* YYYY-MM-DD or NULL */
	const char		*created_to;
	const char		*assignee;	/* "none", a user id, or NULL */
	const char		*breached;	/* "true", "false" or NULL */
	const struct tix_search	*search;	/* NULL: no q */
	enum tix_sort		 sort;
	int64_t			 page;		/* from 1; 1 with a cursor */
	int64_t			 per_page;
	/* next_cursor of an earlier page with these filters and sort, by
	 * this viewer, or NULL: the page starts right after its last row. */
	const char		*cursor;
};

struct tix_ticket_page {
	struct tix_ticket_summary *tickets;	/* in c->arena */
	size_t			 ntickets;
	int64_t			 total;		/* at most TIX_LIST_TOTAL_CAP */
	bool			 total_capped;	/* more pass than total */
	/* The cursor of the page after this one, NULL when this is the
	 * last; in the arena. */
	const char		*next_cursor;
	/* With a search: one per row (in NULL when nothing matched in
	 * text, e.g. a ticket found by its number); else NULL. */
	struct tix_search_match	*matches;
};

/*
 * One page of the tickets the caller may see that pass f, and how many
 * pass it in all (exactly up to TIX_LIST_TOTAL_CAP).
 *
 * Cursors: base64url of a version, the sort, the last row's sort keys
 * and id, and a MAC (crypto/stream.h, purpose "tixcurs1") over those and
 * the viewer's user id, the sort and every filter, so a cursor is only
 * good for the same viewer with the same query.  f->cursor that does not
 * decode, or whose MAC does not match: TIX_EBADREQ, nothing run.  Without f->search->nterms and is_number, q is as
 * absent.  A search whose terms are all stop words or punctuation
 * matches no ticket (only the numbered one, if q is a number).  Rows and
 * matches are in c->arena.  Errors as tix_db_run.
 */
enum tix_err	tix_ticket_list(const struct tix_ctx *c,
		    const struct tix_ticket_filter *f, struct tix_ticket_page *out);

#endif
