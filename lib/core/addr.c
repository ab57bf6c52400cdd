/*
 * addr.c: client addresses and trusted proxies (see addr.h).
 */
#include <arpa/inet.h>
#include <string.h>

#include "core/addr.h"
#include "core/str.h"

/* a (len bytes, not NUL-terminated) as 16 bytes, IPv4 mapped; the
 * number of significant bits (32 or 128) in *bits. */
static bool
to_bytes(const char *a, size_t len, uint8_t out[16], int *bits)
{
	char		buf[TIX_ADDR_TEXT];
	struct in_addr	v4;

	while (len > 0 && (*a == ' ' || *a == '\t')) {
		a++;
		len--;
	}
	while (len > 0 && (a[len - 1] == ' ' || a[len - 1] == '\t'))
		len--;
	if (len == 0 || len >= sizeof(buf))
		return false;
	memcpy(buf, a, len);
	buf[len] = '\0';
	if (inet_pton(AF_INET, buf, &v4) == 1) {
		memset(out, 0, 10);
		out[10] = 0xff;
		out[11] = 0xff;
		memcpy(out + 12, &v4, 4);
		*bits = 32;
		return true;
	}
	if (inet_pton(AF_INET6, buf, out) == 1) {
		*bits = 128;
		return true;
	}
	return false;
}

static bool
is_mapped(const uint8_t b[16])
{
	static const uint8_t prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    0xff, 0xff };

	return memcmp(b, prefix, 12) == 0;
}

static bool
parse_net(const char *s, size_t len, struct tix_net *out)
{
	const char	*slash = memchr(s, '/', len);
	int64_t		 prefix;
	int		 bits;

	if (!to_bytes(s, slash != NULL ? (size_t)(slash - s) : len,
	    out->bytes, &bits))
		return false;
	out->prefix = 128;
	if (slash != NULL) {
		if (!tix_parse_int64(slash + 1, len - (size_t)(slash + 1 - s),
		    false, &prefix) || prefix < 0 || prefix > bits)
			return false;
		out->prefix = (int)prefix + (bits == 32 ? 96 : 0);
	}
	return true;
}

bool
tix_netlist_parse(const char *s, struct tix_netlist *out)
{
	size_t n;

	out->n = 0;
	if (s == NULL)
		return true;
	for (;;) {
		s += strspn(s, " \t,");
		if (*s == '\0')
			return true;
		n = strcspn(s, " \t,");
		if (out->n == TIX_MAX_PROXIES ||
		    !parse_net(s, n, &out->nets[out->n]))
			return false;
		out->n++;
		s += n;
	}
}

static bool
in_net(const struct tix_net *net, const uint8_t b[16])
{
	int	full = net->prefix / 8, rest = net->prefix % 8;
	uint8_t	mask;

	if (memcmp(net->bytes, b, (size_t)full) != 0)
		return false;
	if (rest == 0)
		return true;
	mask = (uint8_t)(0xff << (8 - rest));
	return (net->bytes[full] & mask) == (b[full] & mask);
}

static bool
has_bytes(const struct tix_netlist *l, const uint8_t b[16])
{
	size_t i;

	for (i = 0; l != NULL && i < l->n; i++)
		if (in_net(&l->nets[i], b))
			return true;
	return false;
}

bool
tix_netlist_has(const struct tix_netlist *l, const char *a)
{
	uint8_t	b[16];
	int	bits;

	return a != NULL && to_bytes(a, strlen(a), b, &bits) &&
	    has_bytes(l, b);
}

static void
bytes_text(const uint8_t b[16], char *out)
{
	if (is_mapped(b))
		(void)inet_ntop(AF_INET, b + 12, out, TIX_ADDR_TEXT);
	else
		(void)inet_ntop(AF_INET6, b, out, TIX_ADDR_TEXT);
}

bool
tix_addr_canon(const char *a, size_t len, char *out)
{
	uint8_t	b[16];
	int	bits;

	if (!to_bytes(a, len, b, &bits))
		return false;
	bytes_text(b, out);
	return true;
}

void
tix_addr_client(const char *remote, const char *forwarded,
    const struct tix_netlist *trusted, char *out)
{
	uint8_t	 b[16];
	int	 bits;
	size_t	 end;
	const char *start;

	if (remote == NULL || !to_bytes(remote, strlen(remote), b, &bits)) {
		memcpy(out, "unknown", sizeof("unknown"));
		return;
	}
	bytes_text(b, out);
	if (forwarded == NULL || !has_bytes(trusted, b))
		return;
	/* Walk the list from the right: each hop was added by the proxy
	 * to its right, and counts while that proxy is trusted. */
	end = strlen(forwarded);
	while (end > 0) {
		start = forwarded + end;
		while (start > forwarded && start[-1] != ',')
			start--;
		if (!to_bytes(start, (size_t)(forwarded + end - start), b,
		    &bits))
			return;		/* garbage: keep the last good hop */
		bytes_text(b, out);
		if (!has_bytes(trusted, b))
			return;
		end = start > forwarded ? (size_t)(start - 1 - forwarded) : 0;
	}
}
