/*
 * fuzz_query.c: libFuzzer driver for the query string parser.
 *
 * Feeds arbitrary bytes to tix_query_parse() (as QUERY_STRING arrives
 * from nginx, without the '?') and checks what an accepted query may
 * never hold: more than TIX_MAX_QUERY_PARAMS parameters, an empty or
 * repeated name, array syntax, a NUL or invalid UTF-8 in a value, or a
 * value whose length disagrees with its bytes.  Every name is then
 * looked up again, as the handlers do.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/limits.h"
#include "core/str.h"
#include "http/query.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tix_arena	 a;
	struct tix_query	 q;
	const struct tix_param_kv *kv;
	size_t			 i, j;

	tix_arena_init(&a);
	if (tix_query_parse(&a, (const char *)data, size, &q) != TIX_OK) {
		if (q.n != 0 || q.params != NULL)
			abort();	/* zeroed on failure */
		tix_arena_reset(&a);
		return 0;
	}
	if (size > TIX_MAX_QUERY || q.n > TIX_MAX_QUERY_PARAMS)
		abort();
	for (i = 0; i < q.n; i++) {
		kv = &q.params[i];
		if (kv->name[0] == '\0' || strpbrk(kv->name, "[]") != NULL)
			abort();
		if (strlen(kv->value) != kv->value_len ||
		    !tix_utf8_valid(kv->value, kv->value_len) ||
		    !tix_utf8_valid(kv->name, strlen(kv->name)))
			abort();
		for (j = 0; j < i; j++)
			if (strcmp(q.params[j].name, kv->name) == 0)
				abort();	/* a name twice */
		if (tix_query_get(&q, kv->name) != kv)
			abort();
	}
	tix_arena_reset(&a);
	return 0;
}
