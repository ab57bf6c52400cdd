/*
 * tnef.c: winmail.dat unpacked with libytnef (tnef.h).
 *
 * libytnef parses from memory it may not keep: the stream is copied
 * into a buffer of its own and freed with the parse.  The long file name
 * (PR_ATTACH_LONG_FILENAME) is preferred to the 8.3 title, as Outlook
 * shows it.
 */
#include <stdio.h>	/* ytnef.h needs FILE */
#include <stdlib.h>
#include <string.h>

#include <ytnef.h>

#include "mail/tnef.h"

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
    void *arg, bool *readable)
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
	}
	TNEFFree(&t);
	free(copy);
	return rc;
}
