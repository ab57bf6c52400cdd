/*
 * fuzz_json.c: libFuzzer driver for the strict JSON parser.
 *
 * Feeds arbitrary bytes to tix_json_parse_object() and, when a document
 * is accepted, reads a member with every getter, so that the sanitizers
 * see the parse, the getters' copies and the free.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "json/json.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tix_json		*j = NULL;
	struct tix_arena	 a;
	struct tix_str		 s;
	int64_t			 v;
	bool			 b;

	if (tix_json_parse_object((const char *)data, size, &j) != TIX_OK)
		return 0;
	tix_arena_init(&a);
	(void)tix_json_type_of(j, "a");
	(void)tix_json_get_string(j, "a", &a, &s);
	(void)tix_json_get_int(j, "a", &v);
	(void)tix_json_get_bool(j, "a", &b);
	tix_arena_reset(&a);
	tix_json_free(j);
	return 0;
}
