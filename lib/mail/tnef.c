/*
 * tnef.c: winmail.dat unpacked with libytnef (tnef.h).
 *
 * libytnef parses from memory it may not keep: the stream is copied
 * into a buffer of its own and freed with the parse.  The long file name
 * (PR_ATTACH_LONG_FILENAME) is preferred to the 8.3 title, as Outlook
 * shows it.
 *
 * libytnef's DecompressRTF trusts the stream: it sizes its buffer from
 * the header (up to 4 GiB), and a stream that ends early has it write
 * to stdout ("Corrupted stream"; older releases exit()).  A compressed
 * RTF body is therefore walked here first, step for step as
 * DecompressRTF will, and handed to it only when the walk stays inside
 * the data and the size inside TIX_TNEF_RTF_MAX.  The stored,
 * uncompressed form ("MELA") is not read: DecompressRTF copies it from
 * the wrong offset and leaves its size unset.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>	/* ytnef.h needs FILE; snprintf */
#include <stdlib.h>
#include <string.h>

#include <ytnef.h>

#include "mail/rtf.h"
#include "mail/tnef.h"
#include "mail/words.h"

/* MS-OXRTFCP 2.1.3.1: the header, the magic of a compressed stream and
 * the length of the dictionary's initial contents, which DecompressRTF
 * writes before the output. */
#define RTF_HEADER		16
#define RTF_COMPRESSED		0x75465a4cu	/* "LZFu" */
#define RTF_PREBUF		207
#define RTF_DICT		4096

static uint32_t
le32(const BYTE *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

/* Whether DecompressRTF reads v safely (see above): its loop, without
 * the copying. */
static bool
rtf_safe(const variableLength *v)
{
	const BYTE	*src = v->data;
	uint32_t	 size, raw, in = RTF_HEADER, out = RTF_PREBUF, total;
	uint32_t	 offset, end, flags = 0, nflags = 0;

	if (src == NULL || v->size < 20)
		return false;
	size = (uint32_t)v->size;
	raw = le32(src + 4);
	if (le32(src) != size - 4 || le32(src + 8) != RTF_COMPRESSED ||
	    raw == 0 || raw > TIX_TNEF_RTF_MAX)
		return false;
	total = RTF_PREBUF + raw;
	while (out < total && in < size) {
		flags = nflags++ % 8 == 0 ? src[in++] : flags >> 1;
		if ((flags & 1) == 0) {
			if (in >= size)
				return false;	/* "Corrupted stream" */
			in++;
			out++;
			continue;
		}
		if (size - in < 2)
			return false;	/* it would read past the end */
		offset = (uint32_t)src[in] << 4 | (uint32_t)src[in + 1] >> 4;
		end = (src[in + 1] & 0xFu) + 2;
		in += 2;
		offset += out / RTF_DICT * RTF_DICT;
		if (offset >= out)
			offset -= RTF_DICT;	/* wraps as its unsigned does */
		end += offset;
		while (offset < end && out < total && offset < total) {
			offset++;
			out++;
		}
	}
	return true;
}


/* 8-bit text s (n bytes) of code page cp into out as UTF-8. */
static enum tix_err
text8(const TNEFStruct *t, const char *s, size_t n, struct tix_buf *out)
{
	char		cs[16];
	uint32_t	cp = 0;
	enum tix_err	rc = TIX_OK;

	while (n > 0 && s[n - 1] == '\0')
		n--;
	if (t->CodePage.data != NULL && t->CodePage.size >= 4)
		cp = le32(t->CodePage.data);
	snprintf(cs, sizeof(cs), "cp%u", (unsigned)cp);
	if (cp == 65001)
		return tix_buf_add_cut(out, s, n);
	if ((cp == 0 || !tix_mail_to_utf8(cs, s, n, out, &rc)) &&
	    !tix_mail_to_utf8("windows-1252", s, n, out, &rc))
		return TIX_OK;
	return rc == TIX_ENOMEM ? TIX_ENOMEM : TIX_OK;
}

/* The message's body (tnef.h) into out. */
static enum tix_err
body_of(TNEFStruct *t, struct tix_buf *out)
{
	variableLength	*v;
	BYTE		*raw;
	int		 raw_len = 0;
	enum tix_err	 rc;

	/* libytnef made a Unicode string UTF-8, NUL-terminated, in a
	 * buffer of 3/2 its size. */
	v = MAPIFindProperty(&t->MapiProperties, PROP_TAG(PT_UNICODE,
	    PR_BODY));
	if (v != MAPI_UNDEFINED && v->data != NULL && v->size > 0)
		return tix_buf_add_cut(out, (const char *)v->data,
		    strnlen((const char *)v->data, (size_t)v->size / 2 * 3));
	v = MAPIFindProperty(&t->MapiProperties, PROP_TAG(PT_STRING8,
	    PR_BODY));
	if (v == MAPI_UNDEFINED || v->data == NULL || v->size <= 0)
		v = &t->body;
	if (v->data != NULL && v->size > 0)
		return text8(t, (const char *)v->data, (size_t)v->size, out);
	v = MAPIFindProperty(&t->MapiProperties, PROP_TAG(PT_BINARY,
	    PR_RTF_COMPRESSED));
	if (v == MAPI_UNDEFINED || !rtf_safe(v))
		return TIX_OK;
	raw = DecompressRTF(v, &raw_len);
	if (raw == NULL)
		return TIX_OK;
	rc = raw_len > 0 ? tix_mail_rtf_text((const char *)raw,
	    (size_t)raw_len, out) : TIX_OK;
	free(raw);
	return rc;
}

static const BYTE *
name_of(Attachment *at, size_t *n)
{
	variableLength	*v;
	const BYTE	*p;
	size_t		 k;

	v = MAPIFindProperty(&at->MAPI, PROP_TAG(PT_STRING8,
	    PR_ATTACH_LONG_FILENAME));
	if (v == MAPI_UNDEFINED || v->data == NULL || v->size <= 0)
		v = &at->Title;
	if (v->data == NULL || v->size <= 0) {
		*n = 0;
		return (const BYTE *)"";
	}
	p = v->data;
	/* The stored string ends in a NUL, or should. */
	for (k = 0; k < (size_t)v->size && p[k] != '\0'; k++)
		;
	*n = k;
	return p;
}

enum tix_err
tix_mail_tnef(const void *p, size_t n, size_t max, tix_tnef_file_cb cb,
    void *arg, bool *readable, struct tix_buf *text)
{
	TNEFStruct	 t;
	Attachment	*at;
	BYTE		*copy;
	const BYTE	*name;
	size_t		 name_len, k = 0;
	enum tix_err	 rc = TIX_OK;

	*readable = false;
	/* The signature checked here: libytnef says so on stdout. */
	if (n < 6 || n > 0x7fffffff ||
	    memcmp(p, "\x78\x9f\x3e\x22", 4) != 0)
		return TIX_OK;
	copy = malloc(n);
	if (copy == NULL)
		return TIX_ENOMEM;
	memcpy(copy, p, n);
	TNEFInitialize(&t);
	t.Debug = 0;
	if (TNEFParseMemory(copy, (long)n, &t) == 0) {
		*readable = true;
		for (at = t.starting_attach.next; at != NULL && k < max &&
		    rc == TIX_OK; at = at->next) {
			if (at->FileData.data == NULL || at->FileData.size <= 0)
				continue;
			name = name_of(at, &name_len);
			rc = cb(arg, (const char *)name, name_len,
			    at->FileData.data, (size_t)at->FileData.size);
			k++;
		}
		if (rc == TIX_OK && text != NULL)
			rc = body_of(&t, text);
	}
	TNEFFree(&t);
	free(copy);
	return rc;
}
