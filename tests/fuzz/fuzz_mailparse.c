/*
 * fuzz_mailparse.c: libFuzzer driver for the incoming mail parser
 * (lib/mail/parse.c) and the helpers tix-mailin runs on its results.
 *
 * The input is one message.  The checks are the parser's promises:
 * every string it returns is valid UTF-8; the subject is one line
 * without control characters; the text has no control characters but
 * tab and LF and stays within TIX_MAX_MAIL_TEXT; the message id has no
 * white space; every file has a one-line UTF-8 name and there are at
 * most TIX_MAX_MAIL_PARTS of them; and the helpers (quote trimming,
 * tags, ids) stay inside what they are given.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/str.h"
#include "mail/auth.h"
#include "mail/parse.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_text(const char *s, bool one_line)
{
	size_t n = strlen(s);

	if (!tix_utf8_valid(s, n) || tix_has_control(s, n, !one_line))
		abort();
	if (one_line && (strchr(s, '\n') != NULL || strchr(s, '\r') != NULL))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tix_arena	 a;
	struct tix_mail_in	 m;
	char			 tok[65], id[TIX_MAX_MAIL_ID + 1];
	const char		*t;
	size_t			 pos = 0, i;
	int64_t			 n, ob, uid;
	int			 dm;

	tix_arena_init(&a);
	if (tix_mail_parse(&a, (const char *)data, size, &m) == TIX_OK) {
		check_text(m.subject, true);
		check_text(m.text, false);
		if (strlen(m.text) != m.text_len ||
		    m.text_len > TIX_MAX_MAIL_TEXT || strchr(m.text, '\r'))
			abort();
		if (m.message_id != NULL && (strchr(m.message_id, ' ') ||
		    strlen(m.message_id) > TIX_MAX_MAIL_ID))
			abort();
		if (m.from != NULL && strchr(m.from, '@') == NULL)
			abort();
		if (m.nfiles > TIX_MAX_MAIL_PARTS ||
		    (m.text_from_html && !m.has_text))
			abort();
		for (i = 0; i < m.nfiles; i++) {
			check_text(m.files[i].name, true);
			if (m.files[i].data == NULL)
				abort();
		}
		t = tix_mail_trim_quoted(&a, m.text);
		if (t == NULL || strlen(t) > m.text_len)
			abort();
		check_text(t, false);
		(void)tix_mail_find_tag(m.recipients, "support@tix.test", &n,
		    &uid, tok, sizeof(tok));
		(void)tix_mail_auth_verdict(m.auth_results, "mx.tix.test",
		    m.from, &dm);
		while (tix_mail_next_id(m.references, &pos, id, sizeof(id)))
			(void)tix_mail_our_id(id, "support@tix.test", &n, &ob);
		(void)tix_mail_subject_tag(m.subject, &n);
	}
	tix_arena_reset(&a);
	return 0;
}
