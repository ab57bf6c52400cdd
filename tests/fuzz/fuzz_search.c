/*
 * fuzz_search.c: libFuzzer driver for the search text parser.
 *
 * Feeds arbitrary bytes that are valid UTF-8 (as every q is after the
 * query string parser) to tix_search_parse(), checks what the terms may
 * never hold, encodes them as the array parameter, and reads the same
 * bytes as a match cell, so that the sanitizers see every path.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/str.h"
#include "tickets/search.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tix_arena	 a;
	struct tix_search	 s;
	struct tix_search_match	 m;
	const char		*q = (const char *)data, *arr;
	char			*cell;
	size_t			 i, j;

	if (!tix_utf8_valid(q, size))
		return 0;
	tix_arena_init(&a);
	if (tix_search_parse(&a, q, size, &s) == TIX_OK) {
		if (s.nterms > TIX_MAX_SEARCH_TERMS)
			abort();
		for (i = 0; i < s.nterms; i++) {
			if (s.terms[i].len == 0 ||
			    strlen(s.terms[i].text) != s.terms[i].len)
				abort();
			for (j = 0; j < s.terms[i].len; j++)
				if ((unsigned char)s.terms[i].text[j] < 0x20)
					abort();	/* a control char */
		}
		arr = tix_search_array(&a, &s);
		if (arr == NULL || arr[0] != '{')
			abort();
	}
	cell = tix_arena_strndup(&a, q, size);
	if (cell != NULL && tix_search_match_read(&a, cell, &m) == TIX_OK)
		for (i = 0; i < m.nsegs; i++)
			if (m.segs[i].text[0] == '\0')
				abort();
	tix_arena_reset(&a);
	return 0;
}
