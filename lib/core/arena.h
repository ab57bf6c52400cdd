/*
 * arena.h: per-request memory.
 *
 * Everything derived from one request is allocated here and released in
 * one call after the response is written; request code never frees arena
 * memory.  Allocation returns NULL only when the arena's cap
 * (TIX_MAX_ARENA) or malloc fails; callers map that to TIX_ENOMEM.
 */
#ifndef TIX_CORE_ARENA_H
#define TIX_CORE_ARENA_H

#include <stddef.h>

struct tix_arena_block;

struct tix_arena {
	struct tix_arena_block	*head;
	size_t			 used;	/* bytes handed out, for the cap */
	size_t			 cap;	/* 0: TIX_MAX_ARENA */
	unsigned long		 allocs;	/* since the last reset */
	unsigned long		 fail_at;	/* 0, or the one to fail */
};

void	 tix_arena_init(struct tix_arena *a);
/* Frees every block; the arena is empty and reusable afterwards. */
void	 tix_arena_reset(struct tix_arena *a);
/* Zeroed, 16-byte aligned memory, or NULL. */
void	*tix_arena_alloc(struct tix_arena *a, size_t n);
/* A NUL-terminated copy of the first n bytes of s, or NULL. */
char	*tix_arena_strndup(struct tix_arena *a, const char *s, size_t n);
char	*tix_arena_strdup(struct tix_arena *a, const char *s);
/* printf into the arena; NULL on failure.  fmt is never user data. */
char	*tix_arena_printf(struct tix_arena *a, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/*
 * Fault injection (builds with TIX_FAULT_INJECTION, the tests'): the
 * n-th allocation from now fails as if malloc had, every other one
 * works (curl's torture tests).  0 turns it off; a reset does too.
 */
void	 tix_arena_fail_at(struct tix_arena *a, unsigned long n);

#endif
