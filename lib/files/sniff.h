/*
 * sniff.h: which files Tix accepts, decided from the name and checked
 * against the content as it streams by.
 *
 * The name's extension says what the file claims to be (the contract's
 * list: PNG, JPEG, GIF, PDF and UTF-8 text as .txt .log .json .xml .yml
 * .yaml); the content must then be exactly that: the format's magic
 * bytes, or for text valid UTF-8 (RFC 3629) without NUL, checked across
 * any split of the stream.  Executables (PE, ELF, Mach-O) are refused
 * whatever their name: their signatures are checked first, and a PE's
 * header holds NULs, which no text may.  The client's Content-Type is
 * never looked at; the type served later is the one decided here.
 */
#ifndef TIX_FILES_SNIFF_H
#define TIX_FILES_SNIFF_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"

enum tix_ftype {
	TIX_FT_NONE,	/* not allowed */
	TIX_FT_PNG,
	TIX_FT_JPEG,
	TIX_FT_GIF,
	TIX_FT_PDF,
	TIX_FT_TEXT
};

#define TIX_SNIFF_HEAD	8	/* bytes needed for every signature */

struct tix_sniff {
	enum tix_ftype	type;
	unsigned char	head[TIX_SNIFF_HEAD];
	size_t		head_len;
	bool		head_ok;	/* the signature was checked */
	bool		bad;
	unsigned int	need;		/* continuation bytes due */
	unsigned char	lo, hi;		/* range of the next one */
};

/* The type the file name claims (its extension, any case), or NONE. */
enum tix_ftype	tix_sniff_by_name(const char *name, size_t n);
/* The Content-Type a file of type t is stored and served with. */
const char	*tix_ftype_mime(enum tix_ftype t);

void		tix_sniff_init(struct tix_sniff *s, enum tix_ftype t);
/* The next n bytes: TIX_EFILETYPE as soon as they cannot be the type. */
enum tix_err	tix_sniff_feed(struct tix_sniff *s, const void *p,
		    size_t n);
/* The end: TIX_EFILETYPE when the file as a whole is not the type
 * (too short for its signature, text ending inside a character). */
enum tix_err	tix_sniff_finish(struct tix_sniff *s);

#endif
