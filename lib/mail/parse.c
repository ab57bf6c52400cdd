/*
 * parse.c: an incoming message read with GMime 3 (see parse.h for what
 * is read and its limits).
 *
 * GMime parses the whole message into its tree (it bounds nesting
 * itself, at 1024 levels); this file walks the tree within our limits
 * and copies what tix-mailin needs into the arena, so that every GMime
 * object is gone when tix_mail_parse returns.  The message is read as a
 * MIME entity (g_mime_parser_construct_part), not a GMimeMessage, so
 * that GMime does not decode its Subject or parse its addresses: those
 * are ours (words.c), bounded.  GMime's strict RFC 2047 mode is used for
 * the headers it does decode itself (those of a forwarded message): its
 * lenient mode is quadratic on false encoded-word starts (words.c).
 * Every string that leaves this file is valid UTF-8, with the
 * control characters its use allows and no others.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <gmime/gmime.h>

#include "core/str.h"
#include "mail/html.h"
#include "mail/mail.h"
#include "mail/parse.h"
#include "mail/tnef.h"
#include "mail/words.h"

/* How much of a text part's decoded content is converted: the text
 * keeps TIX_MAX_MAIL_TEXT bytes; HTML markup needs room around it. */
#define TEXT_SOURCE_MAX		(2 * TIX_MAX_MAIL_TEXT)
#define HTML_SOURCE_MAX		(8 * TIX_MAX_MAIL_TEXT)

static GMimeParserOptions *options;

static GMimeParserOptions *
parser_options(void)
{
	if (options == NULL) {
		tix_mail_gmime_init();
		options = g_mime_parser_options_new();
		g_mime_parser_options_set_rfc2047_compliance_mode(options,
		    GMIME_RFC_COMPLIANCE_STRICT);
		/* Loose: GMime parses the addresses of a forwarded message
		 * only (ours it leaves to read_headers), and GMime 3.2.13's
		 * strict mode loses the bytes of an address it refuses, such
		 * as "From:=>" (GMime issue 159, fixed in 3.2.15). */
		g_mime_parser_options_set_address_compliance_mode(options,
		    GMIME_RFC_COMPLIANCE_LOOSE);
	}
	return options;
}

/* ------------------------------------------------------------ headers */

/* The unfolded value (CR LF and LF removed), trimmed; a bare CR stays,
 * for the cleaning to make a space. */
static char *
unfold(struct tix_arena *a, const char *v)
{
	size_t	 s = 0, e = strlen(v), j, k;
	char	*out;

	while (s < e && (tix_mail_is_ws(v[s]) || v[s] == '\r' || v[s] == '\n'))
		s++;
	while (e > s && (tix_mail_is_ws(v[e - 1]) || v[e - 1] == '\r' ||
	    v[e - 1] == '\n'))
		e--;
	out = tix_arena_alloc(a, e - s + 1);
	if (out == NULL)
		return NULL;
	for (j = s, k = 0; j < e; j++)
		if (v[j] != '\n' && !(v[j] == '\r' && j + 1 < e &&
		    v[j + 1] == '\n'))
			out[k++] = v[j];
	out[k] = '\0';
	return out;
}

static const char *
raw_of(GMimeHeader *h)
{
	const char *v = g_mime_header_get_raw_value(h);

	return v != NULL ? v : "";
}

/* The first value of name, unfolded; "" when absent. */
static char *
value(struct tix_arena *a, GMimeHeaderList *hl, const char *name)
{
	GMimeHeader	*h;
	int		 i, n = g_mime_header_list_get_count(hl);

	for (i = 0; i < n; i++) {
		h = g_mime_header_list_get_header_at(hl, i);
		if (g_ascii_strcasecmp(g_mime_header_get_name(h), name) == 0)
			return unfold(a, raw_of(h));
	}
	return tix_arena_strdup(a, "");
}

/* Every value of name, unfolded, one a line. */
static enum tix_err
values(struct tix_arena *a, GMimeHeaderList *hl, const char *name,
    struct tix_buf *out)
{
	GMimeHeader	*h;
	char		*v;
	int		 i, n = g_mime_header_list_get_count(hl);
	enum tix_err	 rc;

	for (i = 0; i < n; i++) {
		h = g_mime_header_list_get_header_at(hl, i);
		if (g_ascii_strcasecmp(g_mime_header_get_name(h), name) != 0)
			continue;
		v = unfold(a, raw_of(h));
		if (v == NULL)
			return TIX_ENOMEM;
		if (*v == '\0')
			continue;
		rc = tix_buf_adds(out, v);
		if (rc == TIX_OK)
			rc = tix_buf_add(out, "\n", 1);
		if (rc != TIX_OK)
			return rc;
	}
	return TIX_OK;
}

static const char *
joined(struct tix_arena *a, GMimeHeaderList *hl, const char *const *names,
    enum tix_err *rc)
{
	struct tix_buf	 b;
	const char	*s = NULL;
	size_t		 i;

	tix_buf_init(&b, TIX_MAX_MAIL_HEADER_BYTES);
	*rc = TIX_OK;
	for (i = 0; names[i] != NULL && *rc == TIX_OK; i++)
		*rc = values(a, hl, names[i], &b);
	if (*rc == TIX_OK) {
		s = tix_arena_strndup(a, b.data != NULL ? b.data : "", b.len);
		if (s == NULL)
			*rc = TIX_ENOMEM;
	}
	tix_buf_free(&b);
	return s;
}

/* The header section within its limits, and no field that must be
 * single twice. */
static enum tix_err
check_headers(GMimeHeaderList *hl)
{
	static const char *const single[] = {
		"From", "Subject", "Message-ID", "In-Reply-To"
	};
	GMimeHeader	*h;
	size_t		 bytes = 0, i, seen[4] = { 0, 0, 0, 0 };
	const char	*name;
	int		 k, n = g_mime_header_list_get_count(hl);

	if (n <= 0)
		return TIX_EINVAL;	/* not a message */
	if (n > TIX_MAX_MAIL_HEADERS)
		return TIX_ETOOBIG;
	for (k = 0; k < n; k++) {
		h = g_mime_header_list_get_header_at(hl, k);
		name = g_mime_header_get_name(h);
		bytes += strlen(name) + 1 + strlen(raw_of(h));
		if (bytes > TIX_MAX_MAIL_HEADER_BYTES)
			return TIX_ETOOBIG;
		for (i = 0; i < 4; i++)
			if (g_ascii_strcasecmp(name, single[i]) == 0 &&
			    ++seen[i] > 1)
				return TIX_EBADREQ;
	}
	return TIX_OK;
}

static const char *
message_id(struct tix_arena *a, const char *v)
{
	size_t	n = strlen(v), i;

	if (n < 3 || v[0] != '<' || v[n - 1] != '>' ||
	    n - 2 > TIX_MAX_MAIL_ID)
		return NULL;
	for (i = 1; i < n - 1; i++)
		if (v[i] <= ' ' || v[i] >= 127 || v[i] == '<' || v[i] == '>')
			return NULL;
	return tix_arena_strndup(a, v + 1, n - 2);
}

/* ------------------------------------------------------------- bodies */

struct walk {
	struct tix_arena	*a;
	size_t			 parts;
	bool			 found;		/* text/plain */
	const char		*text;
	size_t			 text_len;
	const char		*html;		/* the first text/html, UTF-8 */
	size_t			 html_len;
	struct tix_mail_file	*files;
	size_t			 nfiles;
	/* The body of the first winmail.dat, cleaned. */
	const char		*tnef;
	size_t			 tnef_len;
	/* Forwarded messages unpacked, and their texts, in order. */
	size_t			 nforwards;
	struct tix_buf		*forwards;
	enum tix_err		 rc;
};

/* The decoded content of part (at most max bytes; max 0: all) in a
 * GByteArray the caller frees. */
static GByteArray *
content_of(GMimePart *part, size_t max)
{
	GMimeDataWrapper	*dw = g_mime_part_get_content(part);
	GMimeStream		*mem;
	GByteArray		*b;

	b = g_byte_array_new();
	if (dw == NULL)
		return b;
	mem = g_mime_stream_mem_new_with_byte_array(b);
	g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(mem), FALSE);
	g_mime_data_wrapper_write_to_stream(dw, mem);
	g_object_unref(mem);
	if (max > 0 && b->len > max)
		g_byte_array_set_size(b, (guint)max);
	return b;
}

/* A text part's content in UTF-8 (from its declared charset), at most
 * max bytes of its source, into out. */
static enum tix_err
text_utf8(GMimePart *part, size_t max, struct tix_buf *out)
{
	GMimeContentType	*ct;
	const char		*cs;
	GByteArray		*b;
	enum tix_err		 rc = TIX_OK;

	ct = g_mime_object_get_content_type(GMIME_OBJECT(part));
	cs = ct != NULL ? g_mime_content_type_get_parameter(ct, "charset") :
	    NULL;
	b = content_of(part, max);
	if (cs == NULL || g_ascii_strcasecmp(cs, "utf-8") == 0 ||
	    g_ascii_strcasecmp(cs, "us-ascii") == 0 ||
	    !tix_mail_to_utf8(cs, (const char *)b->data, b->len, out, &rc))
		rc = tix_buf_add(out, b->data, b->len);
	g_byte_array_free(b, TRUE);
	return rc;
}

static bool
type_is(GMimeObject *o, const char *type, const char *subtype)
{
	GMimeContentType *ct = g_mime_object_get_content_type(o);

	return ct != NULL && g_mime_content_type_is_type(ct, type, subtype);
}

static bool
is_attachment(GMimeObject *o)
{
	GMimeContentDisposition *d = g_mime_object_get_content_disposition(o);

	return d != NULL && g_mime_content_disposition_is_attachment(d);
}

/* A name for a file the mail does not name. */
static const char *
made_name(struct walk *w, GMimeObject *o)
{
	static const char *const ext[][3] = {
		{ "image", "png", "png" }, { "image", "jpeg", "jpg" },
		{ "image", "jpg", "jpg" }, { "image", "gif", "gif" },
		{ "application", "pdf", "pdf" }, { "text", "plain", "txt" },
	};
	size_t	i;

	for (i = 0; i < sizeof(ext) / sizeof(ext[0]); i++)
		if (type_is(o, ext[i][0], ext[i][1]))
			return tix_arena_printf(w->a, "%s-%zu.%s",
			    strcmp(ext[i][0], "image") == 0 ? "image" :
			    "attachment", w->nfiles + 1, ext[i][2]);
	return tix_arena_printf(w->a, "attachment-%zu.bin", w->nfiles + 1);
}

/* A file name from the mail, as valid UTF-8 of one line: GMime has
 * decoded RFC 2231 and RFC 2047 already; 8-bit names in no declared
 * charset are read as windows-1252, as mailers write them. */
static const char *
name_utf8(struct walk *w, const char *name, size_t n)
{
	struct tix_buf	 b;
	const char	*s;
	enum tix_err	 rc;

	if (tix_utf8_valid(name, n))
		return tix_mail_clean(w->a, name, n, true, SIZE_MAX, NULL);
	tix_buf_init(&b, 4 * n + 16);
	if (!tix_mail_to_utf8("windows-1252", name, n, &b, &rc) ||
	    rc != TIX_OK)
		tix_buf_clear(&b);
	s = tix_mail_clean(w->a, b.data != NULL ? b.data : "", b.len, true,
	    SIZE_MAX, NULL);
	tix_buf_free(&b);
	return s;
}

static enum tix_err
add_file(struct walk *w, const char *name, const void *data, size_t len)
{
	struct tix_mail_file	*f;
	unsigned char		*copy = NULL;

	if (w->nfiles >= TIX_MAX_MAIL_PARTS)
		return TIX_OK;
	if (name == NULL)
		return TIX_ENOMEM;
	if (len > 0) {
		copy = tix_arena_alloc(w->a, len);
		if (copy == NULL)
			return TIX_ENOMEM;
		memcpy(copy, data, len);
	}
	f = &w->files[w->nfiles++];
	f->name = name;
	f->data = copy != NULL ? copy : (const unsigned char *)"";
	f->len = len;
	return TIX_OK;
}

static enum tix_err
tnef_file(void *arg, const char *name, size_t name_len,
    const unsigned char *data, size_t len)
{
	struct walk *w = arg;

	return add_file(w, name_len > 0 ? name_utf8(w, name, name_len) :
	    tix_arena_printf(w->a, "attachment-%zu.bin", w->nfiles + 1),
	    data, len);
}

/* A part that is a file: its content, or the files of a winmail.dat. */
static enum tix_err
file_part(struct walk *w, GMimePart *part, const char *name)
{
	GByteArray	*b;
	struct tix_buf	 body;
	bool		 tnef, readable = false;
	enum tix_err	 rc;

	tnef = type_is(GMIME_OBJECT(part), "application", "ms-tnef") ||
	    type_is(GMIME_OBJECT(part), "application", "vnd.ms-tnef");
	b = content_of(part, 0);
	if (tnef) {
		tix_buf_init(&body, w->tnef == NULL ? TIX_MAX_MAIL_TEXT : 0);
		rc = tix_mail_tnef(b->data, b->len, TIX_MAX_MAIL_PARTS -
		    w->nfiles, tnef_file, w, &readable,
		    w->tnef == NULL ? &body : NULL);
		if (rc == TIX_OK && body.len > 0) {
			w->tnef = tix_mail_clean(w->a, body.data, body.len,
			    false, TIX_MAX_MAIL_TEXT, &w->tnef_len);
			if (w->tnef == NULL)
				rc = TIX_ENOMEM;
		}
		tix_buf_free(&body);
		if (rc != TIX_OK || readable) {
			g_byte_array_free(b, TRUE);
			return rc;
		}
	}
	rc = add_file(w, name, b->data, b->len);
	g_byte_array_free(b, TRUE);
	return rc;
}

static enum tix_err
text_part(struct walk *w, GMimePart *part, bool html)
{
	struct tix_buf	utf, txt;
	enum tix_err	rc;

	tix_buf_init(&utf, 5 * HTML_SOURCE_MAX + 16);
	rc = text_utf8(part, html ? HTML_SOURCE_MAX : TEXT_SOURCE_MAX, &utf);
	if (rc == TIX_OK && html) {
		tix_buf_init(&txt, 2 * TIX_MAX_MAIL_TEXT);
		rc = tix_mail_html_text(utf.data != NULL ? utf.data : "",
		    utf.len, &txt);
		if (rc == TIX_OK)
			w->html = tix_mail_clean(w->a, txt.data != NULL ?
			    txt.data : "", txt.len, false, TIX_MAX_MAIL_TEXT,
			    &w->html_len);
		tix_buf_free(&txt);
		if (rc == TIX_OK && w->html == NULL)
			rc = TIX_ENOMEM;
	} else if (rc == TIX_OK) {
		w->text = tix_mail_clean(w->a, utf.data != NULL ? utf.data :
		    "", utf.len, false, TIX_MAX_MAIL_TEXT, &w->text_len);
		if (w->text == NULL)
			rc = TIX_ENOMEM;
		w->found = true;
	}
	tix_buf_free(&utf);
	return rc;
}

static enum tix_err
leaf(struct walk *w, GMimeObject *o)
{
	GMimePart	*part = GMIME_PART(o);
	const char	*fname = g_mime_part_get_filename(part);
	const char	*cid = g_mime_object_get_content_id(o);
	bool		 named = fname != NULL && *fname != '\0';
	bool		 attach = is_attachment(o);

	if (!named && !attach) {
		if (type_is(o, "text", "plain") && !w->found)
			return text_part(w, part, false);
		if (type_is(o, "text", "html") && w->html == NULL)
			return text_part(w, part, true);
		if (type_is(o, "text", "plain") || type_is(o, "text", "html"))
			return TIX_OK;
	}
	if (type_is(o, "application", "pgp-signature") ||
	    type_is(o, "application", "pkcs7-signature") ||
	    type_is(o, "application", "x-pkcs7-signature"))
		return TIX_OK;
	if (!named && !attach && cid == NULL)
		return TIX_OK;		/* an alternative we do not read */
	return file_part(w, part, named ? name_utf8(w, fname, strlen(fname)) :
	    made_name(w, o));
}

/* Whether n bytes of s are only white space. */
static bool
blank(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n')
			return false;
	return true;
}

/* The text of what w walked: the text/plain part, else the text/html
 * one, else (when neither has more than white space) the body of a
 * winmail.dat.  *from_html tells the second. */
static const char *
own_text(const struct walk *w, size_t *len, bool *from_html)
{
	*from_html = false;
	if (w->found && !blank(w->text, w->text_len)) {
		*len = w->text_len;
		return w->text;
	}
	if (w->html != NULL && !blank(w->html, w->html_len)) {
		*from_html = true;
		*len = w->html_len;
		return w->html;
	}
	if (w->tnef != NULL && !blank(w->tnef, w->tnef_len)) {
		*len = w->tnef_len;
		return w->tnef;
	}
	*from_html = !w->found && w->html != NULL;
	*len = w->found ? w->text_len : *from_html ? w->html_len : 0;
	return w->found ? w->text : *from_html ? w->html : NULL;
}

/* The text s (n bytes) without its trailing white space onto b, after a
 * blank line when b has text already. */
static enum tix_err
add_block(struct tix_buf *b, const char *s, size_t n)
{
	enum tix_err rc = TIX_OK;

	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == ' ' ||
	    s[n - 1] == '\t'))
		n--;
	if (n > 0 && b->len > 0)
		rc = tix_buf_add_cut(b, "\n\n", 2);
	return rc == TIX_OK ? tix_buf_add_cut(b, s, n) : rc;
}

static enum tix_err entity(struct walk *, GMimeObject *, int);

/* "Name: value" of the forwarded message's header field name, decoded,
 * onto b; nothing when it is absent. */
static enum tix_err
add_field(struct walk *w, GMimeHeaderList *hl, const char *name,
    struct tix_buf *b)
{
	const char	*v = value(w->a, hl, name), *line;

	if (v == NULL)
		return TIX_ENOMEM;
	if (*v == '\0')
		return TIX_OK;
	line = tix_mail_decode_header(w->a, v, strlen(v));
	line = line != NULL ? tix_arena_printf(w->a, "\n%s: %s", name,
	    line) : NULL;
	return line != NULL ? tix_buf_add_cut(b, line, strlen(line)) :
	    TIX_ENOMEM;
}

/*
 * A forwarded message (message/rfc822), unpacked as a mail client shows
 * it: its files are files of the mail, and its text follows the mail's
 * own under a line that says so and its From, Date and Subject (the
 * messages it forwards in turn after it).  It counts as a level of
 * nesting; at most TIX_MAX_MAIL_FORWARDS are read.
 */
static enum tix_err
forwarded(struct walk *w, GMimeMessagePart *mp, int depth)
{
	GMimeMessage	*msg = g_mime_message_part_get_message(mp);
	GMimeObject	*body;
	GMimeHeaderList	*hl;
	struct tix_buf	 nested, block;
	struct walk	 sub;
	const char	*text;
	size_t		 len;
	bool		 from_html;
	enum tix_err	 rc;

	if (msg == NULL || depth >= TIX_MAX_MAIL_DEPTH ||
	    w->nforwards >= TIX_MAX_MAIL_FORWARDS)
		return TIX_OK;
	tix_buf_init(&nested, TIX_MAX_MAIL_TEXT);
	tix_buf_init(&block, TIX_MAX_MAIL_TEXT);
	memset(&sub, 0, sizeof(sub));
	sub.a = w->a;
	sub.parts = w->parts;
	sub.files = w->files;
	sub.nfiles = w->nfiles;
	sub.nforwards = w->nforwards + 1;
	sub.forwards = &nested;
	body = g_mime_message_get_mime_part(msg);
	rc = body != NULL ? entity(&sub, body, depth + 1) : TIX_OK;
	w->parts = sub.parts;
	w->nfiles = sub.nfiles;
	w->nforwards = sub.nforwards;
	hl = g_mime_object_get_header_list(GMIME_OBJECT(msg));
	if (rc == TIX_OK)
		rc = tix_buf_add_cut(&block, "---------- Forwarded message "
		    "----------", 39);
	if (rc == TIX_OK)
		rc = add_field(w, hl, "From", &block);
	if (rc == TIX_OK)
		rc = add_field(w, hl, "Date", &block);
	if (rc == TIX_OK)
		rc = add_field(w, hl, "Subject", &block);
	text = own_text(&sub, &len, &from_html);
	if (rc == TIX_OK && text != NULL && len > 0)
		rc = add_block(&block, text, len);
	if (rc == TIX_OK && nested.len > 0)
		rc = add_block(&block, nested.data, nested.len);
	if (rc == TIX_OK)
		rc = add_block(w->forwards, block.data, block.len);
	tix_buf_free(&nested);
	tix_buf_free(&block);
	return rc;
}

static enum tix_err
entity(struct walk *w, GMimeObject *o, int depth)
{
	GMimeMultipart	*mp;
	const char	*b;
	int		 i, n;
	enum tix_err	 rc;

	if (GMIME_IS_MULTIPART(o)) {
		if (depth >= TIX_MAX_MAIL_DEPTH)
			return TIX_OK;
		mp = GMIME_MULTIPART(o);
		b = g_mime_multipart_get_boundary(mp);
		if (b == NULL || *b == '\0' || strlen(b) > 70)
			return TIX_OK;	/* RFC 2046 5.1.1: 1 to 70 */
		n = g_mime_multipart_get_count(mp);
		for (i = 0; i < n && w->parts < TIX_MAX_MAIL_PARTS; i++) {
			w->parts++;
			rc = entity(w, g_mime_multipart_get_part(mp, i),
			    depth + 1);
			if (rc != TIX_OK)
				return rc;
		}
		return TIX_OK;
	}
	if (GMIME_IS_MESSAGE_PART(o))
		return forwarded(w, GMIME_MESSAGE_PART(o), depth);
	if (GMIME_IS_PART(o))
		return leaf(w, o);
	return TIX_OK;
}

/* ------------------------------------------------------------ message */

static enum tix_err
read_headers(struct tix_arena *a, GMimeHeaderList *hl,
    struct tix_mail_in *out)
{
	static const char *const loop[] = { "X-Loop", NULL };
	static const char *const ar[] = { "Authentication-Results", NULL };
	static const char *const rcpt[] = { "To", "Cc", "Delivered-To",
	    NULL };
	const char	*v;
	enum tix_err	 rc;

	v = value(a, hl, "From");
	if (v == NULL)
		return TIX_ENOMEM;
	out->from = tix_mail_single_address(a, v);
	v = value(a, hl, "Subject");
	out->subject = v != NULL ? tix_mail_decode_header(a, v, strlen(v)) :
	    NULL;
	v = value(a, hl, "Message-ID");
	if (v == NULL || out->subject == NULL)
		return TIX_ENOMEM;
	out->message_id = message_id(a, v);
	out->in_reply_to = value(a, hl, "In-Reply-To");
	out->references = value(a, hl, "References");
	out->auto_submitted = value(a, hl, "Auto-Submitted");
	out->precedence = value(a, hl, "Precedence");
	out->return_path = value(a, hl, "Return-Path");
	if (out->in_reply_to == NULL || out->references == NULL ||
	    out->auto_submitted == NULL || out->precedence == NULL ||
	    out->return_path == NULL)
		return TIX_ENOMEM;
	out->x_loop = joined(a, hl, loop, &rc);
	if (rc == TIX_OK)
		out->auth_results = joined(a, hl, ar, &rc);
	if (rc == TIX_OK)
		out->recipients = joined(a, hl, rcpt, &rc);
	return rc;
}

/* The message's text into out: its own (own_text), then the texts of
 * the messages it forwards, within TIX_MAX_MAIL_TEXT. */
static enum tix_err
compose(struct tix_arena *a, const struct walk *w, struct tix_mail_in *out)
{
	struct tix_buf	 b;
	const char	*text;
	size_t		 len;
	bool		 from_html;
	enum tix_err	 rc = TIX_OK;

	text = own_text(w, &len, &from_html);
	out->has_text = text != NULL || w->forwards->len > 0;
	out->text_from_html = from_html;
	out->text = text != NULL ? text : "";
	out->text_len = text != NULL ? len : 0;
	if (w->forwards->len == 0)
		return TIX_OK;
	tix_buf_init(&b, TIX_MAX_MAIL_TEXT);
	if (text != NULL)
		rc = add_block(&b, text, len);
	if (rc == TIX_OK)
		rc = add_block(&b, w->forwards->data, w->forwards->len);
	if (rc == TIX_OK) {
		out->text = tix_arena_strndup(a, b.data != NULL ? b.data : "",
		    b.len);
		out->text_len = b.len;
		if (out->text == NULL)
			rc = TIX_ENOMEM;
	}
	tix_buf_free(&b);
	return rc;
}

enum tix_err
tix_mail_parse(struct tix_arena *a, const char *msg, size_t len,
    struct tix_mail_in *out)
{
	GMimeStream	*stream;
	GMimeParser	*parser;
	GMimeHeaderList	*hl;
	GMimeObject	*body;
	struct tix_buf	 forwards;
	struct walk	 w;
	enum tix_err	 rc;

	memset(out, 0, sizeof(*out));
	memset(&w, 0, sizeof(w));
	w.a = a;
	w.files = tix_arena_alloc(a, TIX_MAX_MAIL_PARTS * sizeof(*w.files));
	if (w.files == NULL)
		return TIX_ENOMEM;
	stream = g_mime_stream_mem_new_with_buffer(msg, len);
	parser = g_mime_parser_new_with_stream(stream);
	g_mime_parser_set_format(parser, GMIME_FORMAT_MESSAGE);
	/* The message as a MIME entity: its header list holds every field,
	 * and GMime does not interpret the address and subject fields that
	 * are ours to read. */
	body = g_mime_parser_construct_part(parser, parser_options());
	g_object_unref(parser);
	g_object_unref(stream);
	if (body == NULL)
		return TIX_EINVAL;	/* not a message */
	hl = g_mime_object_get_header_list(body);
	tix_buf_init(&forwards, TIX_MAX_MAIL_TEXT);
	w.forwards = &forwards;
	rc = check_headers(hl);
	if (rc == TIX_OK)
		rc = read_headers(a, hl, out);
	if (rc == TIX_OK)
		rc = entity(&w, body, 0);
	g_object_unref(body);
	if (rc != TIX_OK) {
		tix_buf_free(&forwards);
		memset(out, 0, sizeof(*out));
		return rc;
	}
	rc = compose(a, &w, out);
	tix_buf_free(&forwards);
	if (rc != TIX_OK) {
		memset(out, 0, sizeof(*out));
		return rc;
	}
	out->files = w.files;
	out->nfiles = w.nfiles;
	return TIX_OK;
}
