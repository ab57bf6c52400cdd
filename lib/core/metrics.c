/*
 * metrics.c: counters in a file mapped shared by a binary's processes
 * (metrics.h), and their Prometheus text.
 *
 * The file is a fixed layout (struct file) of 64-bit counters.  Every
 * process that opens it writes the same header (names of the routes,
 * from the same binary), so the last writer changes nothing; counters
 * are only ever added to with __atomic_fetch_add.  A reader may see one
 * request's counters half-added (count before sum); Prometheus tolerates
 * that, and the next scrape is whole again.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/log.h"
#include "core/metrics.h"

#define MAGIC		"tixmet1"
#define NSTATUS		500	/* 100..599 */
#define NAME_LEN	64

/* Upper bounds of the latency buckets, in microseconds. */
static const uint64_t bucket_us[TIX_METRICS_NBUCKETS - 1] = {
	1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000, 500000,
	1000000, 5000000
};
static const char *const bucket_le[TIX_METRICS_NBUCKETS] = {
	"0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1", "0.25",
	"0.5", "1", "5", "+Inf"
};

struct route {
	char		 method[16];
	char		 pattern[NAME_LEN];
	uint64_t	 status[NSTATUS];
	uint64_t	 bucket[TIX_METRICS_NBUCKETS];	/* not cumulative */
	uint64_t	 count;
	uint64_t	 sum_us;
};

struct file {
	char		 magic[8];
	char		 progname[32];
	uint64_t	 nroutes;	/* routes in use, "(none)" included */
	uint64_t	 db_errors;
	struct route	 routes[TIX_METRICS_MAX_ROUTES + 1];
};

static struct file	*mine;		/* NULL: metrics off */
static size_t		 nmine;		/* the binary's own routes */

static void
copy_name(char *dst, size_t size, const char *src)
{
	size_t i;

	/* Names are ours (route tables), but the file is read by a scrape:
	 * keep to characters that need no escaping in a label value. */
	for (i = 0; i < size - 1 && src[i] != '\0'; i++)
		dst[i] = (src[i] == '"' || src[i] == '\\' || src[i] < 0x20) ?
		    '_' : src[i];
	memset(dst + i, 0, size - i);
}

enum tix_err
tix_metrics_open(const char *dir, const char *progname,
    const char *const *methods, const char *const *patterns,
    size_t nroutes)
{
	char		 path[4096];
	struct file	*f;
	size_t		 i;
	int		 fd, n;

	if (dir == NULL || *dir == '\0' || mine != NULL)
		return TIX_OK;
	if (nroutes > TIX_METRICS_MAX_ROUTES)
		nroutes = TIX_METRICS_MAX_ROUTES;	/* the rest: "(none)" */
	n = snprintf(path, sizeof(path), "%s/%s.metrics", dir, progname);
	if (n < 0 || (size_t)n >= sizeof(path))
		return TIX_EINTERNAL;
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0640);
	if (fd < 0) {
		tix_log_warn("metrics: %s: %s", path, strerror(errno));
		return TIX_EINTERNAL;
	}
	/* Growing to the same size from several processes is harmless;
	 * the new bytes read as zero. */
	if (ftruncate(fd, (off_t)sizeof(struct file)) != 0) {
		tix_log_warn("metrics: %s: %s", path, strerror(errno));
		close(fd);
		return TIX_EINTERNAL;
	}
	f = mmap(NULL, sizeof(*f), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (f == MAP_FAILED) {
		tix_log_warn("metrics: mmap %s: %s", path, strerror(errno));
		return TIX_EINTERNAL;
	}
	copy_name(f->progname, sizeof(f->progname), progname);
	for (i = 0; i < nroutes; i++) {
		copy_name(f->routes[i].method, sizeof(f->routes[i].method),
		    methods[i]);
		copy_name(f->routes[i].pattern, sizeof(f->routes[i].pattern),
		    patterns[i]);
	}
	copy_name(f->routes[nroutes].method, sizeof(f->routes[0].method), "");
	copy_name(f->routes[nroutes].pattern, sizeof(f->routes[0].pattern),
	    "(none)");
	__atomic_store_n(&f->nroutes, (uint64_t)nroutes + 1, __ATOMIC_RELAXED);
	memcpy(f->magic, MAGIC, sizeof(f->magic));
	mine = f;
	nmine = nroutes;
	return TIX_OK;
}

static void
add(uint64_t *p, uint64_t v)
{
	__atomic_fetch_add(p, v, __ATOMIC_RELAXED);
}

void
tix_metrics_request(size_t route, int status, uint64_t usec)
{
	struct route	*r;
	size_t		 b;

	if (mine == NULL)
		return;
	r = &mine->routes[route < nmine ? route : nmine];
	if (status >= 100 && status <= 599)
		add(&r->status[status - 100], 1);
	for (b = 0; b < TIX_METRICS_NBUCKETS - 1 && usec > bucket_us[b]; b++)
		;
	add(&r->bucket[b], 1);
	add(&r->count, 1);
	add(&r->sum_us, usec);
}

void
tix_metrics_db_error(void)
{
	if (mine != NULL)
		add(&mine->db_errors, 1);
}

static uint64_t
get(const uint64_t *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

/* One file's series; the HELP and TYPE lines come first, once. */
static enum tix_err
render_file(const struct file *f, struct tix_buf *req, struct tix_buf *dur,
    struct tix_buf *db)
{
	enum tix_err	 rc = TIX_OK;
	uint64_t	 n = get(&f->nroutes), cum;
	size_t		 i, s, b;

	if (n > TIX_METRICS_MAX_ROUTES + 1)
		return TIX_OK;	/* not a file of ours */
	for (i = 0; i < n && rc == TIX_OK; i++) {
		const struct route *r = &f->routes[i];

		if (get(&r->count) == 0)
			continue;
		for (s = 0; s < NSTATUS && rc == TIX_OK; s++)
			if (get(&r->status[s]) != 0)
				rc = tix_buf_printf(req, "tix_http_requests_total"
				    "{binary=\"%.32s\",method=\"%.16s\","
				    "route=\"%.64s\",status=\"%zu\"} %llu\n",
				    f->progname, r->method, r->pattern, s + 100,
				    (unsigned long long)get(&r->status[s]));
		for (b = 0, cum = 0; b < TIX_METRICS_NBUCKETS && rc == TIX_OK;
		    b++) {
			cum += get(&r->bucket[b]);
			rc = tix_buf_printf(dur, "tix_http_request_duration_"
			    "seconds_bucket{binary=\"%.32s\",method=\"%.16s\","
			    "route=\"%.64s\",le=\"%s\"} %llu\n", f->progname,
			    r->method, r->pattern, bucket_le[b],
			    (unsigned long long)cum);
		}
		if (rc == TIX_OK)
			rc = tix_buf_printf(dur, "tix_http_request_duration_"
			    "seconds_sum{binary=\"%.32s\",method=\"%.16s\","
			    "route=\"%.64s\"} %.6f\n"
			    "tix_http_request_duration_seconds_count{binary="
			    "\"%.32s\",method=\"%.16s\",route=\"%.64s\"} %llu\n",
			    f->progname, r->method, r->pattern,
			    (double)get(&r->sum_us) / 1e6, f->progname,
			    r->method, r->pattern,
			    (unsigned long long)get(&r->count));
	}
	if (rc == TIX_OK)
		rc = tix_buf_printf(db, "tix_db_errors_total{binary=\"%.32s\"}"
		    " %llu\n", f->progname,
		    (unsigned long long)get(&f->db_errors));
	return rc;
}

/* Map dir/name read-only when it is a whole metrics file. */
static const struct file *
map_file(const char *dir, const char *name)
{
	char		 path[4096];
	struct stat	 st;
	const struct file *f;
	int		 fd, n;

	n = snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (n < 0 || (size_t)n >= sizeof(path))
		return NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    st.st_size != (off_t)sizeof(struct file)) {
		close(fd);
		return NULL;
	}
	f = mmap(NULL, sizeof(*f), PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	if (f == MAP_FAILED)
		return NULL;
	if (memcmp(f->magic, MAGIC, sizeof(f->magic)) != 0) {
		munmap((void *)f, sizeof(*f));
		return NULL;
	}
	return f;
}

static bool
is_metrics_name(const char *name)
{
	size_t n = strlen(name);

	return n > 8 && name[0] != '.' && strcmp(name + n - 8, ".metrics") == 0;
}

enum tix_err
tix_metrics_render(const char *dir, struct tix_buf *out)
{
	struct tix_buf	 req, dur, db;
	struct dirent	*de;
	DIR		*d;
	enum tix_err	 rc;

	if (dir == NULL || *dir == '\0')
		return TIX_OK;
	d = opendir(dir);
	if (d == NULL)
		return TIX_OK;	/* nothing counted yet */
	tix_buf_init(&req, out->max);
	tix_buf_init(&dur, out->max);
	tix_buf_init(&db, out->max);
	rc = tix_buf_adds(&req, "# HELP tix_http_requests_total Requests "
	    "answered, by worker binary, route and status.\n"
	    "# TYPE tix_http_requests_total counter\n");
	if (rc == TIX_OK)
		rc = tix_buf_adds(&dur, "# HELP tix_http_request_duration_"
		    "seconds Time from a request's start to its answer.\n"
		    "# TYPE tix_http_request_duration_seconds histogram\n");
	if (rc == TIX_OK)
		rc = tix_buf_adds(&db, "# HELP tix_db_errors_total Database "
		    "statements that failed.\n"
		    "# TYPE tix_db_errors_total counter\n");
	while (rc == TIX_OK && (de = readdir(d)) != NULL) {
		const struct file *f;

		if (!is_metrics_name(de->d_name))
			continue;
		f = map_file(dir, de->d_name);
		if (f == NULL)
			continue;
		rc = render_file(f, &req, &dur, &db);
		munmap((void *)f, sizeof(*f));
	}
	closedir(d);
	if (rc == TIX_OK)
		rc = tix_buf_add(out, req.data, req.len);
	if (rc == TIX_OK)
		rc = tix_buf_add(out, dur.data, dur.len);
	if (rc == TIX_OK)
		rc = tix_buf_add(out, db.data, db.len);
	tix_buf_free(&req);
	tix_buf_free(&dur);
	tix_buf_free(&db);
	return rc;
}
