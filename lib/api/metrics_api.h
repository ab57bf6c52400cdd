/*
 * metrics_api.h: GET /api/metrics (metrics_api.c).
 */
#ifndef TIX_API_METRICS_API_H
#define TIX_API_METRICS_API_H

#include "http/req.h"

enum tix_err	tix_api_metrics(struct tix_req *r);

#endif
