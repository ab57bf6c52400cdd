/*
 * html.c: HTML to text with libxml2's HTML parser (html.h).
 *
 * The tree is walked without recursion (libxml2 itself refuses documents
 * nested deeper than 256 elements).  The text grows in out until its
 * maximum; after that the walk stops.
 */
#include <limits.h>
#include <stdbool.h>
#include <string.h>

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include "mail/html.h"

static bool
name_in(const xmlChar *name, const char *const *list)
{
	size_t i;

	if (name == NULL)
		return false;
	for (i = 0; list[i] != NULL; i++)
		if (xmlStrcasecmp(name, (const xmlChar *)list[i]) == 0)
			return true;
	return false;
}

static const char *const skipped[] = {
	"script", "style", "head", "title", "template", "noscript", NULL
};
static const char *const blocks[] = {
	"p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "ul",
	"ol", "table", "blockquote", "pre", "hr", "section", "article",
	"header", "footer", "dt", "dd", "dl", "address", "form", "fieldset",
	"body", NULL
};

struct walk {
	struct tix_buf	*out;
	bool		 space;		/* the last byte out is white space */
	int		 pre;		/* inside <pre> */
	int		 quote;		/* <blockquote> depth */
	enum tix_err	 rc;
};

static void
put(struct walk *w, const char *s, size_t n)
{
	if (w->rc == TIX_OK)
		w->rc = tix_buf_add(w->out, s, n);
}

/* A line break, unless the text ends in one already (or is empty). */
static void
brk(struct walk *w)
{
	size_t n = w->out->len;

	if (n > 0 && w->out->data[n - 1] != '\n')
		put(w, "\n", 1);
	w->space = true;
}

/* Text at the start of a line inside a quote begins with "> ", once
 * per level, as a plain-text reply quotes (so mail/parse.h's trimming
 * of replies finds it). */
static void
word(struct walk *w, const char *s, size_t n)
{
	int	i;
	size_t	len = w->out->len;

	if (w->quote > 0 && (len == 0 || w->out->data[len - 1] == '\n'))
		for (i = 0; i < w->quote; i++)
			put(w, "> ", 2);
	put(w, s, n);
}

static void
text(struct walk *w, const char *s)
{
	size_t i, k;

	if (w->pre > 0) {
		for (i = 0; s[i] != '\0'; i = k) {
			for (k = i; s[k] != '\0' && s[k] != '\n'; k++)
				;
			if (k > i)
				word(w, s + i, k - i);
			if (s[k] == '\n') {
				put(w, "\n", 1);
				k++;
			}
		}
		w->space = false;
		return;
	}
	for (i = 0; s[i] != '\0';) {
		if (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' ||
		    s[i] == '\r' || s[i] == '\f') {
			if (!w->space)
				put(w, " ", 1);
			w->space = true;
			i++;
			continue;
		}
		for (k = i; s[k] != '\0' && s[k] != ' ' && s[k] != '\t' &&
		    s[k] != '\n' && s[k] != '\r' && s[k] != '\f'; k++)
			;
		word(w, s + i, k - i);
		w->space = false;
		i = k;
	}
}

static void
enter(struct walk *w, xmlNode *n)
{
	if (xmlStrcasecmp(n->name, (const xmlChar *)"br") == 0) {
		put(w, "\n", 1);
		w->space = true;
	} else if (name_in(n->name, blocks))
		brk(w);
	if (xmlStrcasecmp(n->name, (const xmlChar *)"pre") == 0)
		w->pre++;
	if (xmlStrcasecmp(n->name, (const xmlChar *)"blockquote") == 0)
		w->quote++;
}

static void
leave(struct walk *w, xmlNode *n)
{
	if (xmlStrcasecmp(n->name, (const xmlChar *)"pre") == 0)
		w->pre--;
	if (xmlStrcasecmp(n->name, (const xmlChar *)"blockquote") == 0)
		w->quote--;
	if (name_in(n->name, blocks))
		brk(w);
}

enum tix_err
tix_mail_html_text(const char *html, size_t n, struct tix_buf *out)
{
	struct walk	 w;
	htmlDocPtr	 doc;
	xmlNode		*cur, *root;

	if (n > INT_MAX)
		n = INT_MAX;
	doc = htmlReadMemory(html, (int)n, NULL, "UTF-8", HTML_PARSE_NOERROR |
	    HTML_PARSE_NOWARNING | HTML_PARSE_NONET | HTML_PARSE_NOIMPLIED);
	if (doc == NULL)
		return TIX_OK;		/* nothing readable: no text */
	memset(&w, 0, sizeof(w));
	w.out = out;
	w.space = true;
	root = (xmlNode *)doc;
	cur = root->children;
	while (cur != NULL && w.rc == TIX_OK) {
		bool down = false;

		if (cur->type == XML_ELEMENT_NODE) {
			if (!name_in(cur->name, skipped)) {
				enter(&w, cur);
				down = cur->children != NULL;
				if (!down)
					leave(&w, cur);
			}
		} else if (cur->type == XML_TEXT_NODE ||
		    cur->type == XML_CDATA_SECTION_NODE) {
			if (cur->content != NULL)
				text(&w, (const char *)cur->content);
		}
		if (down) {
			cur = cur->children;
			continue;
		}
		/* Up until there is a next sibling, leaving each element. */
		while (cur != NULL && cur != root && cur->next == NULL) {
			cur = cur->parent;
			if (cur != NULL && cur != root &&
			    cur->type == XML_ELEMENT_NODE)
				leave(&w, cur);
		}
		cur = cur != NULL && cur != root ? cur->next : NULL;
	}
	xmlFreeDoc(doc);
	while (out->len > 0 && (out->data[out->len - 1] == '\n' ||
	    out->data[out->len - 1] == ' '))
		out->len--;
	/* A full buffer is the end of the text, not an error. */
	return w.rc == TIX_ETOOBIG ? TIX_OK : w.rc;
}
