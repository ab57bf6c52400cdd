/*
 * fuzz_multipart.c: libFuzzer driver for the multipart parser.
 *
 * The first byte picks the piece size the body is fed in (1 to 256, or
 * all at once), so that every split is explored; the rest is the body,
 * parsed with the boundary "b0undary".  The callbacks check the
 * parser's promises: parts begin and end in pairs, data comes only
 * inside a part, never empty, and a name is never empty.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/multipart.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct state {
	bool	in_part;
	size_t	bytes;
};

static enum tix_err
on_begin(void *arg, const struct tix_mp_part *p)
{
	struct state *s = arg;

	if (s->in_part || p->name.n == 0 || p->name.p == NULL)
		abort();
	s->in_part = true;
	/* Touch every byte the parser points at, for the sanitizers. */
	s->bytes += (size_t)(memchr(p->name.p, 0, p->name.n) != NULL);
	if (p->filename.p != NULL && p->filename.n > 0)
		s->bytes += (size_t)(memchr(p->filename.p, 0,
		    p->filename.n) != NULL);
	return TIX_OK;
}

static enum tix_err
on_data(void *arg, const char *p, size_t n)
{
	struct state *s = arg;

	if (!s->in_part || n == 0)
		abort();
	s->bytes += (size_t)(memchr(p, 0, n) != NULL);
	return TIX_OK;
}

static enum tix_err
on_end(void *arg)
{
	struct state *s = arg;

	if (!s->in_part)
		abort();
	s->in_part = false;
	return TIX_OK;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct tix_mp_cb	 cb = {
		on_begin, on_data, on_end
	};
	static struct tix_mp		 mp;
	struct tix_str			 b = { "b0undary", 8 };
	struct state			 s = { false, 0 };
	size_t				 step, i, k;
	enum tix_err			 rc = TIX_OK;

	if (size < 1)
		return 0;
	step = data[0] == 0 ? size : (size_t)data[0];
	data++;
	size--;
	tix_mp_init(&mp, b, &cb, &s);
	for (i = 0; i < size && rc == TIX_OK; i += k) {
		k = size - i < step ? size - i : step;
		rc = tix_mp_feed(&mp, (const char *)data + i, k);
	}
	if (rc == TIX_OK)
		rc = tix_mp_finish(&mp);
	if (rc == TIX_OK && s.in_part)
		abort();	/* a finished body left a part open */
	return 0;
}
