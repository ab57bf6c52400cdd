/*
 * list_read.h: the ticket list and search, served by a read replica when
 * one is attached and has caught up (tickets/list_read.c).
 */
#ifndef TIX_TICKETS_LIST_READ_H
#define TIX_TICKETS_LIST_READ_H

#include "tickets/search.h"

/*
 * tix_ticket_list (search.h) on the replica of c->db when it has
 * replayed every write committed before this call (db.h's
 * tix_db_reader), else on c->db; a replica that fails on the way gives
 * the primary's answer instead.  Errors as tix_ticket_list.
 */
enum tix_err	tix_ticket_list_fresh(const struct tix_ctx *c,
		    const struct tix_ticket_filter *f, struct tix_ticket_page *out);

#endif
