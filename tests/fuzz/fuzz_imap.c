/*
 * fuzz_imap.c: libFuzzer driver for the IMAP answers tix-mailin --imap
 * reads (lib/mail/imap_parse.c).
 *
 * The input is one answer as a server might send it.  The checks are
 * the parser's promises: at most cap UIDs, each 1 to 2^32-1, sorted
 * and without repeats; a size only for a UID asked for; and a literal
 * is data: the same answer behind a literal that swallows it tells
 * nothing new.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mail/imap_parse.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CAP	32

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tix_imap_msg	 msgs[CAP], asked[4];
	const char		*p = (const char *)data;
	char			 head[32];
	unsigned char		*wrapped;
	size_t			 n, i, k;

	n = tix_imap_parse_search(p, size, msgs, CAP);
	if (n > CAP)
		abort();
	for (i = 0; i < n; i++)
		if (msgs[i].uid == 0 || msgs[i].size != 0 ||
		    (i > 0 && msgs[i - 1].uid >= msgs[i].uid))
			abort();

	for (i = 0; i < 4; i++) {
		asked[i].uid = (uint32_t)(i + 1);
		asked[i].size = 0;
	}
	tix_imap_parse_sizes(p, size, asked, 4);
	for (i = 0; i < 4; i++)
		if (asked[i].uid != i + 1)
			abort();

	/* The whole input inside one literal of a FETCH response. */
	k = (size_t)snprintf(head, sizeof(head), "* 1 FETCH (BODY[] {%zu}\r\n",
	    size);
	wrapped = malloc(k + size + 1);
	if (wrapped == NULL)
		return 0;
	memcpy(wrapped, head, k);
	if (size > 0)
		memcpy(wrapped + k, data, size);
	if (tix_imap_parse_search((const char *)wrapped, k + size, msgs,
	    CAP) != 0)
		abort();
	for (i = 0; i < 4; i++)
		asked[i].size = 0;
	tix_imap_parse_sizes((const char *)wrapped, k + size, asked, 4);
	for (i = 0; i < 4; i++)
		if (asked[i].size != 0)
			abort();
	free(wrapped);
	return 0;
}
