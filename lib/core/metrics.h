/*
 * metrics.h: request counters shared by every worker process of a host.
 *
 * Each worker binary keeps one file, TIX_METRICS_DIR/<progname>.metrics,
 * mapped shared by all of its processes: the counters are added to with
 * atomic operations, so nothing is lost between processes and a child
 * that dies keeps what it counted.  GET /api/metrics reads every such
 * file of the directory, so one scrape shows tix-auth, tix-tickets and
 * tix-files together.  Without TIX_METRICS_DIR nothing is counted (the
 * calls cost a branch).  Counters restart from zero when the files are
 * removed, which Prometheus takes as a counter reset.
 */
#ifndef TIX_CORE_METRICS_H
#define TIX_CORE_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"

/* Routes counted per binary; requests that match none count as route
 * "(none)". */
#define TIX_METRICS_MAX_ROUTES	40
/* Latency buckets, in seconds (Prometheus "le"), and +Inf. */
#define TIX_METRICS_NBUCKETS	12

/*
 * Map (creating it when needed) the file of progname for the routes
 * named by methods[i] and patterns[i] (method as "GET", "POST|PATCH").
 * dir NULL or "": metrics off.  Call once per process, after fork.
 * TIX_EINTERNAL (logged) when the file cannot be made; metrics stay off.
 */
enum tix_err	tix_metrics_open(const char *dir, const char *progname,
		    const char *const *methods, const char *const *patterns,
		    size_t nroutes);

/* One answered request: route index (nroutes for no route), HTTP
 * status, and microseconds from the request's start to its end. */
void		tix_metrics_request(size_t route, int status, uint64_t usec);

/* A statement that failed in the database layer. */
void		tix_metrics_db_error(void);

/*
 * Append the Prometheus text of every metrics file in dir to out:
 * tix_http_requests_total{binary,method,route,status},
 * tix_http_request_duration_seconds{binary,method,route} (histogram),
 * tix_db_errors_total{binary}.  Files of another layout are skipped.
 */
enum tix_err	tix_metrics_render(const char *dir, struct tix_buf *out);

#endif
