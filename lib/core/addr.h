/*
 * addr.h: client addresses: IPv4 and IPv6 text, networks in CIDR form,
 * and the client behind a chain of trusted proxies.
 *
 * Pure functions over caller-owned buffers: no allocation, no I/O.
 */
#ifndef TIX_CORE_ADDR_H
#define TIX_CORE_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Longest text of an address (INET6_ADDRSTRLEN) with its NUL. */
#define TIX_ADDR_TEXT	46
/* Networks in one TIX_TRUSTED_PROXIES. */
#define TIX_MAX_PROXIES	32

struct tix_net {
	uint8_t	 bytes[16];	/* IPv4 as ::ffff:a.b.c.d */
	int	 prefix;	/* bits of bytes that must match, 0..128 */
};

struct tix_netlist {
	struct tix_net	 nets[TIX_MAX_PROXIES];
	size_t		 n;
};

/*
 * Parse "10.0.0.0/8, 192.168.1.7 ::1 fd00::/8" (commas or spaces between
 * entries; an address alone is a host) into out.  false when an entry is
 * malformed or there are more than TIX_MAX_PROXIES.
 */
bool	tix_netlist_parse(const char *s, struct tix_netlist *out);

/* Whether the address text a lies in one of the networks of l. */
bool	tix_netlist_has(const struct tix_netlist *l, const char *a);

/*
 * The canonical text of the address a (trimmed of spaces) into out
 * (TIX_ADDR_TEXT bytes): inet_ntop's form, IPv4-mapped IPv6 as plain
 * IPv4.  false when a is no address.
 */
bool	tix_addr_canon(const char *a, size_t len, char *out);

/*
 * The client's address into out (TIX_ADDR_TEXT bytes): remote (the peer
 * nginx saw) unless remote is a trusted proxy and forwarded (the
 * X-Forwarded-For list, "client, proxy1, proxy2") names one; then the
 * right-most entry of forwarded that is not itself trusted (an entry
 * left of it could be made up by the client).  remote may be NULL or
 * malformed: out is then "unknown".
 */
void	tix_addr_client(const char *remote, const char *forwarded,
	    const struct tix_netlist *trusted, char *out);

#endif
