/*
 * inbound_api.h: the review queue's routes (api/inbound_api.c).
 *
 *   GET    /api/tickets/inbound              the queue, newest first
 *   POST   /api/tickets/inbound/{id}/ticket  {"requester_email"} → 201 ticket
 *   POST   /api/tickets/inbound/{id}/append  {"number"} → 201 entry, ticket
 *   DELETE /api/tickets/inbound/{id}         204
 *
 * Agents only: customers get 403 before anything else is looked at.
 */
#ifndef TIX_API_INBOUND_API_H
#define TIX_API_INBOUND_API_H

#include "http/req.h"

enum tix_err	tix_api_inbound_list(struct tix_req *r);
enum tix_err	tix_api_inbound_ticket(struct tix_req *r);
enum tix_err	tix_api_inbound_append(struct tix_req *r);
enum tix_err	tix_api_inbound_delete(struct tix_req *r);

#endif
