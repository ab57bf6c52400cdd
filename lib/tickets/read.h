/*
 * read.h: the read side of a ticket as typed structs: its summary (a
 * list row), its detail, timeline and attachments, and the license it
 * names.  Every read takes the viewer from the context and applies the
 * visibility rule of GET /api/tickets/{number}: a customer gets no
 * internal note, and no attachment of one.  Strings are NUL-terminated
 * and live in c->arena; NULL is "none" (JSON null).
 */
#ifndef TIX_TICKETS_READ_H
#define TIX_TICKETS_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "tickets/ticket.h"

struct tix_rows;

struct tix_ticket_summary {
	int64_t		 id;
	int64_t		 number;		/* TICK-number */
	const char	*subject;
	const char	*status, *priority, *category;	/* their names */
	const char	*license_key;
	int64_t		 requester_id;
	const char	*requester_name, *requester_email;
	int64_t		 account_id;		/* the requester's account */
	const char	*account_name;
	int64_t		 assignee_id;		/* 0: unassigned */
	const char	*assignee_name;
	/* RFC 3339 UTC times; updated_at is what the viewer sees change. */
	const char	*created_at, *updated_at;
	const char	*first_response_at, *resolved_at, *closed_at;
	const char	*first_response_due_at;
	bool		 breached;
	int64_t		 attachment_count;	/* that the viewer may see */
};

struct tix_attachment {
	int64_t		 id;
	int64_t		 entry_id;	/* the timeline entry it came with */
	const char	*filename;
	const char	*content_type;
	int64_t		 size;
	const char	*created_at;
};

/* A file of a mail that was not taken, and why (files by mail). */
struct tix_refused_file {
	const char	*filename;
	const char	*reason;
};

struct tix_entry {
	int64_t		 id;
	const char	*type;		/* "message", "note", ... */
	const char	*at;
	int64_t		 actor_id;	/* 0: the system */
	const char	*actor_name, *actor_role;
	const char	*via;
	const char	*body, *from, *to;
	/* The files of the mail it came from that were refused. */
	struct tix_refused_file	*refused;
	size_t			 nrefused;
};

struct tix_activation {
	const char	*machine;
	const char	*activated_at, *deactivated_at;
};

struct tix_license_view {
	const char		*key, *product, *status, *expires_at;
	int64_t			 activations_used, activations_max;
	struct tix_activation	*activations;
	size_t			 nactivations;
};

struct tix_ticket_detail {
	struct tix_ticket_summary	 summary;
	const char			*description;
	bool				 can_reopen;
	struct tix_attachment		*attachments;	/* oldest first */
	size_t				 nattachments;
	struct tix_entry		*entries;	/* oldest first */
	size_t				 nentries;
	/* The first key the ticket names (license_key, subject, then
	 * description) that the viewer may see: a customer only their own
	 * account's.  NULL: none. */
	struct tix_license_view		*license;
};

/* The detail of ticket id: summary, description, attachments, timeline
 * and license.  TIX_ENOTFOUND when it is gone. */
enum tix_err	tix_ticket_detail_get(const struct tix_ctx *c, int64_t id,
		    struct tix_ticket_detail *out);

/* The same of the ticket numbered number_text ("TICK-1001") if the
 * caller may see it (the rule of tix_ticket_find: a customer only their
 * own), in one round trip but the license's.  TIX_ENOTFOUND when it is
 * not there or not theirs: then nothing of it was read. */
enum tix_err	tix_ticket_detail_find(const struct tix_ctx *c,
		    const char *number_text, struct tix_ticket_detail *out);

/* The same without the license (no lookup of keys): for the answer to
 * a reply, which shows no license. */
enum tix_err	tix_ticket_view_get(const struct tix_ctx *c, int64_t id,
		    struct tix_ticket_detail *out);

/* The attachments of ticket id, in upload order. */
enum tix_err	tix_ticket_attachments(const struct tix_ctx *c, int64_t id,
		    struct tix_attachment **out, size_t *n);

/* One round trip to the database: TIX_OK when it answers. */
enum tix_err	tix_health_check(const struct tix_ctx *c);

/* Row r of a result whose first columns are the summary's
 * (SUMMARY_COLS of lib/db/stmt.c), for search.c. */
void		tix_summary_read(const struct tix_rows *rs, size_t r,
		    struct tix_ticket_summary *out);

#endif
