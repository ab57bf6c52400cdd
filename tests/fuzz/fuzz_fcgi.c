/*
 * fuzz_fcgi.c: libFuzzer driver for the front door of every worker:
 * a request as nginx hands it over, read through libfcgi's re-entrant
 * API exactly as the runner does (FCGX_Accept_r on a unix socket), then
 * the request line, route, query string, Cookie header and JSON body
 * read by our code as tix_serve() reads them.
 *
 * The input is the request's parameters, one "NAME=VALUE" a line, an
 * empty line, then the body; the first byte chooses the size of the
 * PARAMS records (so that pairs are split across records) and whether
 * the connection is kept.  The driver encodes well-formed FastCGI
 * records with true lengths; CONTENT_LENGTH is what the input says.  It
 * writes them to a fresh connection to a private listening socket,
 * shuts the writing side (so that every read ends) and accepts.
 *
 * Why not raw records: fuzzing them found three bugs in Debian 12's
 * libfcgi 2.4.2, none in Tix, that make any further search report the
 * same (docs/security.md, "Fuzzing"): name and value lengths whose sum
 * overflows an int (the CVE-2025-23016 fix checks each alone) make it
 * allocate 16 EiB and write through the NULL it gets; an FCGI_GET_VALUES
 * record naming FCGI_MPXS_CONNS four times overflows a 64-byte reply
 * buffer on the stack; other management records leak.  Only nginx can
 * reach a worker's socket (security.md 3), and it sends none of these;
 * tests/security/test_http_framing.py checks what a peer that does
 * takes down: one process, which the runner replaces.  Leaks inside
 * libfcgi are not reported (the suppression below); ours are.
 */
#include <fcgiapp.h>

#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "api/serve.h"
#include "core/arena.h"
#include "core/limits.h"
#include "http/query.h"
#include "http/req.h"
#include "http/route.h"
#include "json/json.h"

int		 LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
const char	*__lsan_default_suppressions(void);

const char *
__lsan_default_suppressions(void)
{
	return "leak:libfcgi.so\n";
}


/*
 * All of it is written before the accept, so it must fit in the
 * socket's buffer (net.core.wmem_default, 208 KiB on Linux).
 */
#define MAX_WRITE	(128 * 1024)

static int		 listen_fd = -1;
static struct sockaddr_un addr;

static void
remove_socket(void)
{
	(void)unlink(addr.sun_path);
}

static bool
setup(void)
{
	int flags;

	if (listen_fd >= 0)
		return true;
	(void)signal(SIGPIPE, SIG_IGN);
	if (FCGX_Init() != 0)
		return false;
	memset(&addr, 0, sizeof(addr));
	addr.sun_family = AF_UNIX;
	(void)snprintf(addr.sun_path, sizeof(addr.sun_path),
	    "/tmp/tix-fuzz-fcgi-%ld.sock", (long)getpid());
	remove_socket();
	listen_fd = FCGX_OpenSocket(addr.sun_path, 16);
	if (listen_fd < 0)
		return false;
	flags = fcntl(listen_fd, F_GETFL);
	if (flags < 0 || fcntl(listen_fd, F_SETFL, flags | O_NONBLOCK) < 0)
		return false;
	(void)atexit(remove_socket);
	return true;
}

/* Append one record of type with n bytes of content to out. */
static size_t
put_record(uint8_t *out, int type, const uint8_t *p, size_t n)
{
	out[0] = 1;
	out[1] = (uint8_t)type;
	out[2] = 0;
	out[3] = 1;
	out[4] = (uint8_t)(n >> 8);
	out[5] = (uint8_t)n;
	out[6] = 0;
	out[7] = 0;
	if (n > 0)
		memcpy(out + 8, p, n);
	return 8 + n;
}

/* One name-value length, in one byte or four. */
static size_t
put_length(uint8_t *out, size_t n)
{
	if (n < 128) {
		out[0] = (uint8_t)n;
		return 1;
	}
	out[0] = (uint8_t)(n >> 24 | 0x80);
	out[1] = (uint8_t)(n >> 16);
	out[2] = (uint8_t)(n >> 8);
	out[3] = (uint8_t)n;
	return 4;
}

/*
 * The records of the request the input describes, in a malloc'd buffer
 * (*len bytes), or NULL.
 */
static uint8_t *
encode(const uint8_t *d, size_t n, size_t *len)
{
	static const uint8_t	 begin[8] = { 0, 1 };	/* responder */
	uint8_t			*pairs, *out, b[8];
	const uint8_t		*line, *nl, *eq, *body = d + n;
	size_t			 np = 0, o = 0, chunk, i, k;

	if (n == 0)
		return NULL;
	chunk = (d[0] >> 1) == 0 ? 65535 : (size_t)(d[0] >> 1);
	/* Pairs take at most 8 more bytes than their line. */
	pairs = malloc(n * 9 + 16);
	out = malloc(n * 9 + 16 + (n / chunk + 4) * 8 * 2);
	if (pairs == NULL || out == NULL)
		goto fail;
	for (line = d + 1; line < d + n; line = nl + 1) {
		nl = memchr(line, '\n', (size_t)(d + n - line));
		if (nl == NULL)
			nl = d + n;
		if (nl == line) {
			body = nl + 1;
			break;
		}
		eq = memchr(line, '=', (size_t)(nl - line));
		if (eq == NULL)
			eq = nl;
		np += put_length(pairs + np, (size_t)(eq - line));
		np += put_length(pairs + np,
		    eq == nl ? 0 : (size_t)(nl - eq - 1));
		memcpy(pairs + np, line, (size_t)(eq - line));
		np += (size_t)(eq - line);
		if (eq < nl) {
			memcpy(pairs + np, eq + 1, (size_t)(nl - eq - 1));
			np += (size_t)(nl - eq - 1);
		}
		if (nl == d + n)
			break;
	}
	memcpy(b, begin, sizeof(b));
	b[2] = d[0] & 1;	/* FCGI_KEEP_CONN */
	o += put_record(out + o, 1, b, sizeof(b));
	for (i = 0; i < np; i += k) {
		k = np - i < chunk ? np - i : chunk;
		o += put_record(out + o, 4, pairs + i, k);
	}
	o += put_record(out + o, 4, NULL, 0);
	for (; body < d + n; body += k) {
		k = (size_t)(d + n - body) < 65535 ? (size_t)(d + n - body) :
		    65535;
		o += put_record(out + o, 5, body, k);
	}
	o += put_record(out + o, 5, NULL, 0);
	free(pairs);
	*len = o;
	return out;
fail:
	free(pairs);
	free(out);
	return NULL;
}

/* What tix_serve() reads of a request before authentication. */
static void
serve_front(FCGX_Request *fr)
{
	static const struct { const struct tix_route *r; const size_t *n; }
	    tables[] = {
		{ tix_auth_routes, &tix_auth_nroutes },
		{ tix_ticket_routes, &tix_ticket_nroutes },
		{ tix_file_routes, &tix_file_nroutes },
	};
	struct tix_arena	 a;
	struct tix_req		 r;
	struct tix_query	 q;
	struct tix_str		 cookie;
	struct tix_json		*j;
	const struct tix_route	*route;
	size_t			 i;

	tix_arena_init(&a);
	tix_req_start(&r, fr, &a);
	for (i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
		r.nargs = 0;
		(void)tix_route_find(&r, tables[i].r, *tables[i].n, &route);
	}
	(void)tix_req_query(&r, &q);
	(void)tix_cookie_get(tix_req_param(&r, "HTTP_COOKIE"), "tix_session",
	    &cookie);
	if (tix_req_json(&r, &j) == TIX_OK && r.body_len > TIX_MAX_JSON_BODY)
		abort();
	tix_json_free(r.json);
	(void)FCGX_PutS("Status: 204 No Content\r\n\r\n", fr->out);
	tix_arena_reset(&a);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FCGX_Request	 fr;
	int		 c;
	size_t		 off, len;
	ssize_t		 w;
	uint8_t		*rec;

	if (!setup())
		abort();
	rec = encode(data, size, &len);
	if (rec == NULL)
		return 0;
	if (len > MAX_WRITE) {
		free(rec);
		return 0;
	}
	c = socket(AF_UNIX, SOCK_STREAM, 0);
	if (c < 0)
		abort();
	if (connect(c, (const struct sockaddr *)&addr, sizeof(addr)) != 0)
		abort();
	for (off = 0; off < len; off += (size_t)w) {
		w = write(c, rec + off, len - off);
		if (w <= 0)
			abort();
	}
	(void)shutdown(c, SHUT_WR);
	if (FCGX_InitRequest(&fr, listen_fd, 0) != 0)
		abort();
	if (FCGX_Accept_r(&fr) == 0) {
		serve_front(&fr);
		FCGX_Finish_r(&fr);
	}
	FCGX_Free(&fr, 1);
	(void)close(c);
	free(rec);
	return 0;
}
