/*
 * arena.c: per-request memory in blocks (h2o's pool).
 *
 * Small allocations are carved from blocks of TIX_ARENA_BLOCK bytes; an
 * allocation larger than a quarter of a block gets a block of its own, so
 * that one large string does not waste the rest of the current block.
 * Every allocation is rounded up to 16 bytes, is 16-byte aligned and is
 * zeroed.  The sum of the rounded sizes is capped at a->cap (TIX_MAX_ARENA
 * when 0): past it allocation fails, which callers report as TIX_ENOMEM.
 *
 * There is no per-allocation free and no realloc: everything goes at once
 * in tix_arena_reset().
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/limits.h"

#define TIX_ARENA_ALIGN	16
#define TIX_ARENA_BLOCK	(8 * 1024)

struct tix_arena_block {
	struct tix_arena_block	*next;
	size_t			 size;	/* usable bytes after the header */
	size_t			 used;
};

/* The header rounded up, so that the first byte after it is aligned. */
#define BLOCK_HDR \
	((sizeof(struct tix_arena_block) + TIX_ARENA_ALIGN - 1) & \
	    ~(size_t)(TIX_ARENA_ALIGN - 1))

static unsigned char *
block_data(struct tix_arena_block *b)
{
	return (unsigned char *)b + BLOCK_HDR;
}

static struct tix_arena_block *
block_new(size_t size)
{
	struct tix_arena_block	*b;

	/* size is a multiple of the alignment, as aligned_alloc wants. */
	if (size > SIZE_MAX - BLOCK_HDR)
		return NULL;
	b = aligned_alloc(TIX_ARENA_ALIGN, BLOCK_HDR + size);
	if (b == NULL)
		return NULL;
	b->next = NULL;
	b->size = size;
	b->used = 0;
	return b;
}

void
tix_arena_init(struct tix_arena *a)
{
	a->head = NULL;
	a->used = 0;
	a->cap = 0;
	a->allocs = 0;
	a->fail_at = 0;
}

void
tix_arena_reset(struct tix_arena *a)
{
	struct tix_arena_block	*b, *next;

	for (b = a->head; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
	a->head = NULL;
	a->used = 0;
	a->allocs = 0;
	a->fail_at = 0;
}

void
tix_arena_fail_at(struct tix_arena *a, unsigned long n)
{
	a->allocs = 0;
	a->fail_at = n;
}

void *
tix_arena_alloc(struct tix_arena *a, size_t n)
{
	struct tix_arena_block	*b;
	size_t			 cap, sz;
	unsigned char		*p;

	a->allocs++;
	if (a->fail_at != 0 && a->allocs == a->fail_at)
		return NULL;
	cap = a->cap != 0 ? a->cap : TIX_MAX_ARENA;
	if (n == 0)
		n = 1;
	if (n > cap)
		return NULL;
	sz = (n + TIX_ARENA_ALIGN - 1) & ~(size_t)(TIX_ARENA_ALIGN - 1);
	if (sz > cap - a->used)
		return NULL;

	if (sz > TIX_ARENA_BLOCK / 4) {
		b = block_new(sz);
		if (b == NULL)
			return NULL;
		b->used = sz;
		/* Behind the head, which may still have room. */
		if (a->head != NULL) {
			b->next = a->head->next;
			a->head->next = b;
		} else
			a->head = b;
		p = block_data(b);
	} else {
		b = a->head;
		if (b == NULL || b->size - b->used < sz) {
			b = block_new(TIX_ARENA_BLOCK);
			if (b == NULL)
				return NULL;
			b->next = a->head;
			a->head = b;
		}
		p = block_data(b) + b->used;
		b->used += sz;
	}
	a->used += sz;
	memset(p, 0, sz);
	return p;
}

char *
tix_arena_strndup(struct tix_arena *a, const char *s, size_t n)
{
	char	*p;

	if (n == SIZE_MAX || (s == NULL && n != 0))
		return NULL;
	p = tix_arena_alloc(a, n + 1);
	if (p == NULL)
		return NULL;
	if (n != 0)
		memcpy(p, s, n);
	return p;
}

char *
tix_arena_strdup(struct tix_arena *a, const char *s)
{
	if (s == NULL)
		return NULL;
	return tix_arena_strndup(a, s, strlen(s));
}

char *
tix_arena_printf(struct tix_arena *a, const char *fmt, ...)
{
	va_list	 ap;
	int	 len;
	char	*p;

	va_start(ap, fmt);
	len = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (len < 0)
		return NULL;
	p = tix_arena_alloc(a, (size_t)len + 1);
	if (p == NULL)
		return NULL;
	va_start(ap, fmt);
	len = vsnprintf(p, (size_t)len + 1, fmt, ap);
	va_end(ap);
	if (len < 0)
		return NULL;
	return p;
}
