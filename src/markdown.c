/*
 * Markdown to HTML for every page of a course, with cmark-gfm, one page
 * at a time: collect its heading anchors, check and rewrite links and
 * images (a link to a heading of a later page is checked at the end),
 * turn GitHub alerts into asides, hand the quizzes to quiz.c, render.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>

#include "extern.h"

#define PLAIN_MAX	6000	/* folded characters of a page in the search index */

/* A link to a heading of a page not parsed yet: checked at the end. */
struct later {
	struct pos	 pos;
	char		*url, *frag;
	const struct page *to;
};

struct mdctx {
	struct course	*c;
	struct page	*pg;
	struct later	**later;	/* the run's list */
	size_t		*nlater;
	const struct tval *i18n;
	int		 opts;
	int		 french;	/* lang fr: no-break spaces */
	int		 rc;
};

static const char *const alerts[][2] = {
	{ "NOTE", "note" }, { "TIP", "tip" }, { "IMPORTANT", "important" },
	{ "WARNING", "warning" }, { "CAUTION", "caution" },
};

static const char *const alert_en[] = { "Note", "Tip", "Important",
	"Warning", "Caution" };

/* Ids the page template uses; a heading never takes one of them. */
static const char *const reserved[] = { "main", "toc", "search",
	"search-results", "content", "top", NULL };

static void
nodepos(const struct page *pg, cmark_node *n, struct pos *p)
{
	p->file = pg->src;
	p->line = (unsigned)cmark_node_get_start_line(n);
	if (p->line)
		p->line += pg->bodyline - 1;
	p->col = (unsigned)cmark_node_get_start_column(n);
}

/* The plain text of a node's inline content. */
static void
plaintext(cmark_node *n, struct buf *b)
{
	cmark_iter	*it = cmark_iter_new(n);
	cmark_event_type ev;
	cmark_node	*cur;
	const char	*lit;

	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cur = cmark_iter_get_node(it);
		/* Blocks and table cells are separate words. */
		if ((cmark_node_get_type(cur) & CMARK_NODE_TYPE_MASK) ==
		    CMARK_NODE_TYPE_BLOCK || cmark_node_get_type(cur) ==
		    CMARK_NODE_CUSTOM_BLOCK) {
			if (b->len && b->data[b->len - 1] != ' ')
				buf_putc(b, ' ');
			continue;
		}
		if (ev != CMARK_EVENT_ENTER)
			continue;
		switch (cmark_node_get_type(cur)) {
		case CMARK_NODE_TEXT:
		case CMARK_NODE_CODE:
			if ((lit = cmark_node_get_literal(cur)) != NULL)
				buf_puts(b, lit);
			break;
		case CMARK_NODE_SOFTBREAK:
		case CMARK_NODE_LINEBREAK:
			buf_putc(b, ' ');
			break;
		default:
			break;
		}
	}
	cmark_iter_free(it);
}

/* Ids the theme uses, which a heading never takes. */
static int
reservedid(const char *id)
{
	size_t	 i;

	for (i = 0; reserved[i] != NULL; i++)
		if (strcmp(reserved[i], id) == 0)
			return 1;
	return strncmp(id, "binome-", 7) == 0;
}

/* Pass one: the anchors of a page's headings, unique in the page. */
static void
anchors(struct page *pg, cmark_node *doc)
{
	cmark_node	*n, *prev;
	struct buf	 t = BUF_INIT;
	struct heading	*h;
	struct strmap	 ids = STRMAP_INIT;
	char		*base, *id;
	long		*k;
	int		 level = 1;

	for (n = cmark_node_first_child(doc); n != NULL;
	    n = cmark_node_next(n)) {
		if (cmark_node_get_type(n) != CMARK_NODE_HEADING)
			continue;
		prev = cmark_node_previous(n);
		if (prev != NULL && quiz_is_directive(prev))
			continue;
		buf_truncate(&t, 0);
		plaintext(n, &t);
		base = slugify(t.data, t.len);
		if (base[0] == '\0') {
			free(base);
			base = xstrdup("section");
		} else if (reservedid(base)) {
			/* No suffix frees "binome-…": leave that space. */
			id = xasprintf("h-%s", base);
			free(base);
			base = id;
		}
		/*
		 * Repeats get -1, -2...: a taken id maps to the next
		 * suffix to try, so that a thousand equal headings stay
		 * linear.
		 */
		id = xstrdup(base);
		k = strmap_get(&ids, base);
		while (strmap_get(&ids, id) != NULL) {
			if (k == NULL)
				k = strmap_put(&ids, base, 1);
			free(id);
			id = xasprintf("%s-%ld", base, (*k)++);
		}
		strmap_put(&ids, id, 1);
		free(base);
		pg->heads = xreallocarray(pg->heads, pg->nheads + 1,
		    sizeof(*pg->heads));
		h = &pg->heads[pg->nheads++];
		h->id = id;
		h->text = xstrndup(t.data, t.len);
		h->level = cmark_node_get_heading_level(n);
		if (h->level == 1 || h->level > level + 1) {
			struct pos p;

			nodepos(pg, n, &p);
			if (h->level == 1)
				diag_warn(&p, "level-1 heading in the body: the "
				    "page title is the only h1; start at ##");
			else
				diag_warn(&p, "heading level %d after level %d: "
				    "do not skip levels", h->level, level);
		}
		level = h->level;
	}
	strmap_release(&ids);
	buf_release(&t);
}

static int
hasanchor(const struct page *pg, const char *id)
{
	size_t	 i;

	for (i = 0; i < pg->nheads; i++)
		if (strcmp(pg->heads[i].id, id) == 0)
			return 1;
	return 0;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static char *
urldecode(const char *s, size_t n)
{
	struct buf	 b = BUF_INIT;
	size_t		 i;

	for (i = 0; i < n; i++)
		if (s[i] == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 &&
		    hexval(s[i + 2]) >= 0) {
			buf_putc(&b, hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
			i += 2;
		} else
			buf_putc(&b, s[i]);
	return buf_detach(&b, NULL);
}

/* Remember what the page's rendering took from outside its source. */
static void
adddep(struct page *pg, enum depkind kind, const char *path, const char *out,
    const char *url, const char *frag, const struct pos *p)
{
	struct dep	*d;

	pg->deps = xreallocarray(pg->deps, pg->ndeps + 1, sizeof(*pg->deps));
	d = &pg->deps[pg->ndeps++];
	d->kind = kind;
	d->path = xstrdup(path);
	d->out = out != NULL ? xstrdup(out) : NULL;
	d->url = frag != NULL ? xstrdup(url) : NULL;
	d->frag = frag != NULL ? xstrdup(frag) : NULL;
	d->line = p->line;
	d->col = p->col;
}

/* A link to a heading of a later page: checked at the end. */
static void
addlater(struct mdctx *x, const struct pos *p, const char *url,
    const char *frag, const struct page *to)
{
	struct later	*l;

	*x->later = xreallocarray(*x->later, *x->nlater + 1,
	    sizeof(**x->later));
	l = &(*x->later)[(*x->nlater)++];
	l->pos = *p;
	l->url = xstrdup(url);
	l->frag = xstrdup(frag);
	l->to = to;
}

/* The output-relative URL from the current page to out, with #frag. */
static char *
relurl(const struct page *from, const char *out, const char *frag)
{
	char	*dir, *rel, *url;

	dir = fs_dirname(from->out);
	rel = fs_relpath(strcmp(dir, ".") == 0 ? "" : dir, out);
	url = frag != NULL ? xasprintf("%s#%s", rel, frag) : xstrdup(rel);
	free(dir);
	free(rel);
	return url;
}

/*
 * Check one link or image and rewrite its URL: a .md file becomes its
 * page, another file is copied under media/, an anchor must exist.
 */
static void
checklink(struct mdctx *x, cmark_node *n)
{
	struct page	*pg = x->pg, *to;
	struct pos	 p;
	const char	*url = cmark_node_get_url(n), *hash, *q, *ext;
	char		*path = NULL, *frag = NULL, *srcrel = NULL, *full = NULL;
	char		*norm = NULL, *out = NULL;
	int		 image = cmark_node_get_type(n) == CMARK_NODE_IMAGE;
	size_t		 i, plen;

	nodepos(pg, n, &p);
	if (image && cmark_node_first_child(n) == NULL)
		diag_warn(&p, "image '%s' has no alt text: describe it "
		    "between the brackets", url ? url : "");
	if (!image && cmark_node_first_child(n) == NULL)
		diag_warn(&p, "link '%s' has no text", url ? url : "");
	if (url == NULL || url[0] == '\0') {
		x->rc = diag_err(&p, "empty %s URL", image ? "image" : "link");
		return;
	}
	if (url[0] == '#') {
		if (!hasanchor(pg, url + 1))
			x->rc = diag_err(&p, "no heading with anchor '%s' "
			    "in this page", url);
		return;
	}
	for (i = 0; isalnum((unsigned char)url[i]) || url[i] == '+' ||
	    url[i] == '-' || url[i] == '.'; i++)
		continue;
	if (url[i] == ':' && i > 0) {
		if (!url_is_safe(url, strlen(url)))
			x->rc = diag_err(&p, "refused URL scheme in '%s'", url);
		else if (image)
			x->rc = diag_err(&p, "image '%s' is not a file of the "
			    "course: pages make no external requests", url);
		return;
	}
	if (url[0] == '/' || url[0] == '\\') {
		x->rc = diag_err(&p, "absolute path '%s': link files of the "
		    "course relatively", url);
		return;
	}
	hash = strchr(url, '#');
	q = strchr(url, '?');
	plen = strlen(url);
	if (q != NULL && (hash == NULL || q < hash))
		plen = (size_t)(q - url);
	else if (hash != NULL)
		plen = (size_t)(hash - url);
	if (hash != NULL)
		frag = urldecode(hash + 1, strlen(hash + 1));
	path = urldecode(url, plen);

	/* The page's directory, relative to the course. */
	srcrel = xstrdup(pg->srcdir + strlen(x->c->dir) +
	    (pg->srcdir[strlen(x->c->dir)] == '/'));
	full = fs_join(srcrel, path);
	norm = fs_normalize(full);
	if (norm == NULL || strncmp(norm, "theme/", 6) == 0) {
		x->rc = diag_err(&p, "'%s' leaves the course directory",
		    url);
		goto out;
	}
	ext = strrchr(norm, '.');
	if (ext != NULL && strcmp(ext, ".md") == 0) {
		char *src = fs_join(x->c->dir, norm);

		to = course_page(x->c, src);
		free(src);
		if (to == NULL) {
			x->rc = diag_err(&p, "link to '%s': no such lesson "
			    "(or it is a draft)", url);
			goto out;
		}
		/* One kept whole (site.c's patch): its headings are in
		 * its record. */
		if (frag != NULL && to->index < pg->index && !to->rendered &&
		    to->memo != NULL)
			memo_rendered(to);
		if (frag != NULL && to->index > pg->index)
			addlater(x, &p, url, frag, to);
		else if (frag != NULL && !hasanchor(to, frag)) {
			x->rc = diag_err(&p, "link to '%s': no heading with "
			    "anchor '#%s' in %s", url, frag, to->src);
			goto out;
		}
		adddep(pg, DEP_PAGE, to->src, to->out, url, frag, &p);
		out = relurl(pg, to->out, frag);
	} else if (strmap_get(&x->c->assetidx, norm) != NULL) {
		/* Checked when first met. */
		adddep(pg, DEP_FILE, norm, NULL, url, NULL, &p);
		out = relurl(pg, course_asset(x->c, norm), frag);
	} else {
		char *src = fs_join(x->c->dir, norm);

		if (!fs_isfile(src)) {
			x->rc = diag_err(&p, "%s '%s' not found (looked for "
			    "%s)", image ? "image" : "file", url, src);
			free(src);
			goto out;
		}
		if (!fs_inside(x->c->dir, src)) {
			x->rc = diag_err(&p, "'%s' is a link to a file outside "
			    "the course: copy the file into the course", url);
			free(src);
			goto out;
		}
		free(src);
		adddep(pg, DEP_FILE, norm, NULL, url, NULL, &p);
		out = relurl(pg, course_asset(x->c, norm), frag);
	}
	{
		struct buf enc = BUF_INIT;

		/* Percent-encode spaces and non-ASCII for the href. */
		for (i = 0; out[i] != '\0'; i++) {
			unsigned char ch = (unsigned char)out[i];

			if (ch <= 0x20 || ch >= 0x7f || ch == '"' ||
			    ch == '<' || ch == '>' || ch == '\\' ||
			    ch == '^' || ch == '`' || ch == '{' ||
			    ch == '|' || ch == '}' || ch == '%')
				buf_printf(&enc, "%%%02X", ch);
			else
				buf_putc(&enc, ch);
		}
		cmark_node_set_url(n, enc.data);
		buf_release(&enc);
	}
out:
	free(path);
	free(frag);
	free(srcrel);
	free(full);
	free(norm);
	free(out);
}

static const char *
i18n(const struct tval *t, const char *key, const char *dflt)
{
	const struct tval *v = t != NULL ? tv_get(t, key) : NULL;

	return v != NULL && v->type == TV_STR ? v->str : dflt;
}

/*
 * Replace n by a custom block printing on and off around n's children,
 * which move into it; n is freed.  Returns the new block.
 */
static cmark_node *
wrap(cmark_node *n, const char *on, const char *off)
{
	cmark_node	*box, *kid;

	box = cmark_node_new(CMARK_NODE_CUSTOM_BLOCK);
	cmark_node_set_on_enter(box, on);
	cmark_node_set_on_exit(box, off);
	while ((kid = cmark_node_first_child(n)) != NULL) {
		cmark_node_unlink(kid);
		cmark_node_append_child(box, kid);
	}
	cmark_node_replace(n, box);
	cmark_node_free(n);
	return box;
}

/*
 * A block quote whose first line is "[!NOTE]" (or TIP, IMPORTANT,
 * WARNING, CAUTION) becomes an aside with a title in the course's
 * language.  Returns the replacement, or NULL when n is no alert.
 */
static cmark_node *
alert(struct mdctx *x, cmark_node *n)
{
	cmark_node	*para, *text, *next, *box;
	const char	*lit, *label;
	struct buf	 b = BUF_INIT;
	size_t		 i, len;
	char		 key[32];

	para = cmark_node_first_child(n);
	if (para == NULL || cmark_node_get_type(para) != CMARK_NODE_PARAGRAPH)
		return NULL;
	text = cmark_node_first_child(para);
	if (text == NULL || cmark_node_get_type(text) != CMARK_NODE_TEXT)
		return NULL;
	lit = cmark_node_get_literal(text);
	for (i = 0; i < sizeof(alerts) / sizeof(alerts[0]); i++) {
		len = strlen(alerts[i][0]);
		if (lit[0] == '[' && lit[1] == '!' &&
		    strncasecmp(lit + 2, alerts[i][0], len) == 0 &&
		    lit[2 + len] == ']')
			break;
	}
	if (i == sizeof(alerts) / sizeof(alerts[0]))
		return NULL;
	/* Drop the marker and the line break after it. */
	lit += 3 + strlen(alerts[i][0]);
	while (*lit == ' ' || *lit == '\t')
		lit++;
	if (*lit != '\0')
		cmark_node_set_literal(text, lit);
	else {
		next = cmark_node_next(text);
		cmark_node_free(text);
		if (next != NULL &&
		    (cmark_node_get_type(next) == CMARK_NODE_SOFTBREAK ||
		    cmark_node_get_type(next) == CMARK_NODE_LINEBREAK))
			cmark_node_free(next);
		if (cmark_node_first_child(para) == NULL)
			cmark_node_free(para);
	}
	snprintf(key, sizeof(key), "alert_%s", alerts[i][1]);
	label = i18n(x->i18n, key, alert_en[i]);
	buf_printf(&b, "<aside class=\"alert alert-%s\" role=\"note\" "
	    "aria-label=\"", alerts[i][1]);
	esc_attr(&b, label, strlen(label));
	buf_puts(&b, "\">\n<p class=\"alert-title\">");
	esc_html(&b, label, strlen(label));
	buf_puts(&b, "</p>\n");
	box = wrap(n, b.data, "</aside>\n");
	buf_release(&b);
	return box;
}

/*
 * Make the inline nodes under n own their text: cmark keeps it as
 * pointers into the enclosing block's buffer, which dies with the block
 * when the children move elsewhere.  Getting a literal copies it.
 */
static void
ownliterals(cmark_node *n)
{
	cmark_iter	*it = cmark_iter_new(n);
	cmark_node	*cur;

	while (cmark_iter_next(it) != CMARK_EVENT_DONE) {
		cur = cmark_iter_get_node(it);
		switch (cmark_node_get_type(cur)) {
		case CMARK_NODE_LINK:
		case CMARK_NODE_IMAGE:
			cmark_node_get_url(cur);
			cmark_node_get_title(cur);
			break;
		default:
			if (cmark_node_get_type(cur) != CMARK_NODE_DOCUMENT)
				cmark_node_get_literal(cur);
			break;
		}
	}
	cmark_iter_free(it);
}

/* A heading becomes a custom block carrying its anchor as id. */
static cmark_node *
heading(cmark_node *n, const struct heading *h)
{
	cmark_node	*box;
	char		*on;
	char		 off[16];
	struct buf	 b = BUF_INIT;

	buf_printf(&b, "<h%d id=\"", h->level);
	esc_attr(&b, h->id, strlen(h->id));
	buf_puts(&b, "\">");
	on = buf_detach(&b, NULL);
	snprintf(off, sizeof(off), "</h%d>\n", h->level);
	/* Inline children inside a custom block render as they are. */
	ownliterals(n);
	box = wrap(n, on, off);
	free(on);
	return box;
}

/* A table whose header cells are all empty has no header row. */
static void
tablehead(struct mdctx *x, cmark_node *row)
{
	struct buf	 t = BUF_INIT;
	struct pos	 p;
	cmark_node	*cell;

	for (cell = cmark_node_first_child(row); cell != NULL;
	    cell = cmark_node_next(cell))
		plaintext(cell, &t);
	while (t.len && t.data[t.len - 1] == ' ')
		t.len--;
	if (t.len == 0) {
		nodepos(x->pg, row, &p);
		diag_warn(&p, "table without a header row: name its columns "
		    "in the first row");
	}
	buf_release(&t);
}

static int
isdirective(const char *lit)
{
	while (*lit == ' ')
		lit++;
	return strncmp(lit, "<!--", 4) == 0 && strstr(lit, "-->") != NULL &&
	    strstr(strstr(lit, "-->") + 3, "<") == NULL;
}

/*
 * French typography: the space before : ; ! ? and » and after « becomes
 * a no-break space (narrow before ; ! ?), so that the sign never starts
 * a line.  Authors type ordinary spaces.
 */
static void
frenchspaces(cmark_node *n)
{
	const char	*s = cmark_node_get_literal(n), *p;
	struct buf	 b = BUF_INIT;
	int		 changed = 0;

	for (p = s; *p != '\0'; p++) {
		if (*p == ' ' && (p[1] == ':' || p[1] == '\xc2')) {
			/* " :" and " »" (U+00BB is C2 BB) */
			if (p[1] == ':' || (unsigned char)p[2] == 0xbb) {
				buf_puts(&b, "\xc2\xa0");	/* U+00A0 */
				changed = 1;
				continue;
			}
		} else if (*p == ' ' && (p[1] == ';' || p[1] == '!' ||
		    p[1] == '?')) {
			buf_puts(&b, "\xe2\x80\xaf");	/* U+202F */
			changed = 1;
			continue;
		} else if (*p == ' ' && p > s && (unsigned char)p[-1] == 0xab &&
		    p - s >= 2 && (unsigned char)p[-2] == 0xc2) {
			buf_puts(&b, "\xc2\xa0");	/* after « */
			changed = 1;
			continue;
		}
		buf_putc(&b, *p);
	}
	if (changed)
		cmark_node_set_literal(n, b.data);
	buf_release(&b);
}

/* Pass two over one page. */
static void
transform(struct mdctx *x, cmark_node *doc)
{
	cmark_iter	*it;
	cmark_event_type ev;
	cmark_node	*n, *prev;
	cmark_node	**quotes = NULL;
	size_t		 h = 0, nquotes = 0;
	struct pos	 p;

	/* Headings (top level, as in pass one), in the same order. */
	for (n = cmark_node_first_child(doc); n != NULL;
	    n = cmark_node_next(n)) {
		if (cmark_node_get_type(n) != CMARK_NODE_HEADING)
			continue;
		prev = cmark_node_previous(n);
		if ((prev != NULL && quiz_is_directive(prev)) ||
		    h >= x->pg->nheads)
			continue;
		n = heading(n, &x->pg->heads[h++]);
	}
	it = cmark_iter_new(doc);
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		n = cmark_iter_get_node(it);
		switch (cmark_node_get_type(n)) {
		case CMARK_NODE_TEXT:
			if (x->french)
				frenchspaces(n);
			break;
		case CMARK_NODE_LINK:
		case CMARK_NODE_IMAGE:
			if (ev == CMARK_EVENT_ENTER)
				checklink(x, n);
			break;
		case CMARK_NODE_HTML_BLOCK:
		case CMARK_NODE_HTML_INLINE:
			if (ev == CMARK_EVENT_EXIT)
				break;
			if (x->c->unsafe_html || quiz_is_directive(n) ||
			    isdirective(cmark_node_get_literal(n)))
				break;
			nodepos(x->pg, n, &p);
			diag_warn(&p, "raw HTML is not rendered: write "
			    "Markdown, or set 'unsafe_html: true' in the "
			    "course's _index.md");
			break;
		default:
			if (ev == CMARK_EVENT_ENTER && strcmp(
			    cmark_node_get_type_string(n), "table_header") == 0)
				tablehead(x, n);
			break;
		}
	}
	cmark_iter_free(it);
	/* Alerts last: replacing nodes under an iterator is unsafe. */
	it = cmark_iter_new(doc);
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		n = cmark_iter_get_node(it);
		if (ev == CMARK_EVENT_EXIT &&
		    cmark_node_get_type(n) == CMARK_NODE_BLOCK_QUOTE) {
			quotes = xreallocarray(quotes, nquotes + 1,
			    sizeof(*quotes));
			quotes[nquotes++] = n;
		}
	}
	cmark_iter_free(it);
	for (h = 0; h < nquotes; h++)
		alert(x, quotes[h]);
	free(quotes);
}

/* The folded text of a page for the search index. */
static char *
searchtext(cmark_node *doc)
{
	struct buf	 t = BUF_INIT, f = BUF_INIT, out = BUF_INIT;
	size_t		 i;
	int		 space = 1;

	plaintext(doc, &t);
	fold_text(&f, t.data, t.len);
	for (i = 0; i < f.len && out.len < PLAIN_MAX; i++) {
		if (f.data[i] == ' ') {
			if (!space)
				buf_putc(&out, ' ');
			space = 1;
		} else {
			buf_putc(&out, f.data[i]);
			space = 0;
		}
	}
	if (out.len && out.data[out.len - 1] == ' ')
		buf_truncate(&out, out.len - 1);
	buf_release(&t);
	buf_release(&f);
	return buf_detach(&out, NULL);
}

/*
 * cmark-gfm renders a task list item's box as a bare, unlabelled
 * checkbox: hide it from assistive technology and say its state in
 * words instead.
 */
static char *
tasks(const char *html, const struct tval *t)
{
	static const char done[] =
	    "<input type=\"checkbox\" checked=\"\" disabled=\"\" />";
	static const char todo[] = "<input type=\"checkbox\" disabled=\"\" />";
	struct buf	 b = BUF_INIT;
	const char	*p, *label;
	int		 checked;

	while ((p = strstr(html, "<input type=\"checkbox\"")) != NULL) {
		buf_put(&b, html, (size_t)(p - html));
		checked = strncmp(p, done, sizeof(done) - 1) == 0;
		if (!checked && strncmp(p, todo, sizeof(todo) - 1) != 0) {
			buf_putc(&b, *p);
			html = p + 1;
			continue;
		}
		label = checked ? i18n(t, "task_done", "Done:") :
		    i18n(t, "task_todo", "To do:");
		buf_puts(&b, checked ?
		    "<input type=\"checkbox\" checked=\"\" disabled=\"\" "
		    "aria-hidden=\"true\" />" :
		    "<input type=\"checkbox\" disabled=\"\" "
		    "aria-hidden=\"true\" />");
		buf_puts(&b, "<span class=\"visually-hidden\">");
		esc_html(&b, label, strlen(label));
		buf_puts(&b, " </span>");
		html = p + (checked ? sizeof(done) : sizeof(todo)) - 1;
	}
	buf_puts(&b, html);
	return buf_detach(&b, NULL);
}

static cmark_parser *
newparser(int opts)
{
	static const char *const exts[] = { "table", "strikethrough",
	    "autolink", "tasklist" };
	cmark_parser	*p;
	size_t		 i;

	p = cmark_parser_new(opts);
	for (i = 0; i < sizeof(exts) / sizeof(exts[0]); i++)
		cmark_parser_attach_syntax_extension(p,
		    cmark_find_syntax_extension(exts[i]));
	return p;
}

/* A course being rendered, page by page. */
struct mdrun {
	struct mdctx	 x;
	struct later	*later;
	size_t		 nlater;
};

static cmark_node *
parse(const struct mdctx *x, const struct page *pg, cmark_parser **pp)
{
	cmark_node	*doc;

	*pp = newparser(x->opts);
	cmark_parser_feed(*pp, pg->body, pg->bodylen);
	doc = cmark_parser_finish(*pp);
	cmark_consolidate_text_nodes(doc);
	return doc;
}

/*
 * Start rendering a course; i18n gives the alert titles.  Each page is
 * parsed once, in md_page: a link to a heading of a later page is
 * checked in md_end, once that page's anchors are known.
 */
struct mdrun *
md_begin(struct course *c, const struct tval *i18ns)
{
	struct mdrun	*r;

	cmark_gfm_core_extensions_ensure_registered();
	r = xcalloc(1, sizeof(*r));
	r->x.c = c;
	r->x.later = &r->later;
	r->x.nlater = &r->nlater;
	r->x.i18n = i18ns;
	r->x.opts = CMARK_OPT_VALIDATE_UTF8 |
	    (c->unsafe_html ? CMARK_OPT_UNSAFE : 0);
	r->x.french = strncmp(c->lang, "fr", 2) == 0 &&
	    (c->lang[2] == '\0' || c->lang[2] == '-' || c->lang[2] == '_');
	if (c->unsafe_html)
		diag_warn(&(struct pos){ c->page.src, 1, 1 }, "unsafe_html "
		    "is set: raw HTML in lessons goes to learners unchecked");
	return r;
}

/*
 * Render one page, in course order: page->heads, page->html,
 * page->plain, page->quizzes (and course->assets).  Returns -1 when the
 * page had errors.
 */
int
md_page(struct mdrun *r, struct page *pg)
{
	struct mdctx	 x = r->x;
	cmark_parser	*p;
	cmark_node	*doc;
	char		*html;

	x.pg = pg;
	x.rc = 0;
	doc = parse(&x, pg, &p);
	anchors(pg, doc);
	transform(&x, doc);
	if (quiz_extract(pg, doc, x.opts) == -1)
		x.rc = -1;
	pg->plain = searchtext(doc);
	html = cmark_render_html(doc, x.opts,
	    cmark_parser_get_syntax_extensions(p));
	pg->html = tasks(html, x.i18n);
	free(html);
	cmark_node_free(doc);
	cmark_parser_free(p);
	pg->rendered = 1;
	if (x.rc == -1)
		r->x.rc = -1;
	return x.rc;
}

/*
 * A page as the last build rendered it (memo_rendered): it says what it
 * said, its files are the course's again, in the same order, and its
 * links to headings are checked at the end.
 */
void
md_reuse(struct mdrun *r, struct page *pg)
{
	struct mdctx	*x = &r->x;
	const struct dep *d;
	const struct page *to;
	struct pos	 p;
	size_t		 i;

	diag_replay(pg->rendersaid, pg->renderwarn);
	for (i = 0; i < pg->ndeps; i++) {
		d = &pg->deps[i];
		p.file = pg->src;
		p.line = d->line;
		p.col = d->col;
		if (d->kind == DEP_FILE)
			course_asset(x->c, d->path);
		else if (d->frag != NULL &&
		    (to = course_page(x->c, d->path)) != NULL)
			addlater(x, &p, d->url != NULL ? d->url : "", d->frag,
			    to);
	}
}

/* The checks across pages; frees r.  Returns -1 after any error. */
int
md_end(struct mdrun *r)
{
	struct later	*l;
	size_t		 i;
	int		 rc = r->x.rc;

	for (i = 0; i < r->nlater; i++) {
		l = &r->later[i];
		if (!hasanchor(l->to, l->frag))
			rc = diag_err(&l->pos, "link to '%s': no heading with "
			    "anchor '#%s' in %s", l->url, l->frag, l->to->src);
	}
	if (quiz_check_course(r->x.c) == -1)
		rc = -1;
	md_free(r);
	return rc;
}

/* Free r without the checks across pages (known to hold). */
void
md_free(struct mdrun *r)
{
	size_t	 i;

	for (i = 0; i < r->nlater; i++) {
		free(r->later[i].url);
		free(r->later[i].frag);
	}
	free(r->later);
	free(r);
}

/* Every page at once (for the fuzzer). */
int
md_render_course(struct course *c, const struct tval *i18ns)
{
	struct mdrun	*r = md_begin(c, i18ns);
	size_t		 i;

	for (i = 0; i < c->npages; i++)
		md_page(r, c->pages[i]);
	return md_end(r);
}
