/*
 * quizrender: the quiz stage alone, for tests/regress/quiz.sh.  Each
 * argument is a lesson of one module (a directory: its .md files,
 * sorted); a lesson may start with front matter, of which only
 * "assessment: true" is read.  Prints each page's HTML after
 * quiz_extract() and a line per quiz with its model, then runs
 * quiz_check_course().  Diagnostics go to stderr; exits 1 after errors.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>

#include "extern.h"

/* Where "assessment:" starts a line before end, as keys() records it. */
static void
keyat(struct page *pg, const char *end)
{
	const char	*s;
	unsigned	 line = 1;

	pg->assesspos.file = pg->src;
	for (s = pg->text; s < end; s++) {
		if (strncmp(s, "assessment:", 11) == 0 &&
		    (s == pg->text || s[-1] == '\n')) {
			pg->assesspos.line = line;
			pg->assesspos.col = 1;
			return;
		}
		if (*s == '\n')
			line++;
	}
}

static void
addpage(struct course *c, struct module *m, const char *path)
{
	struct page	*pg = xcalloc(1, sizeof(*pg));
	const char	*end;
	size_t		 i;

	if (fs_read(path, &pg->text, &pg->textlen) == -1)
		exit(2);
	pg->kind = PAGE_LESSON;
	pg->src = xstrdup(path);
	pg->body = pg->text;
	pg->bodylen = pg->textlen;
	pg->bodyline = 1;
	pg->module = m;
	if (strncmp(pg->text, "---\n", 4) == 0 &&
	    (end = strstr(pg->text + 4, "\n---\n")) != NULL) {
		pg->assessment = strstr(pg->text, "\nassessment: true\n") !=
		    NULL && strstr(pg->text, "\nassessment: true\n") < end;
		keyat(pg, end);
		pg->body = end + 5;
		pg->bodylen = pg->textlen - (size_t)(pg->body - pg->text);
		for (i = 0; pg->text + i < pg->body; i++)
			if (pg->text[i] == '\n')
				pg->bodyline++;
	}
	pg->index = c->npages;
	c->pages = xreallocarray(c->pages, c->npages + 1, sizeof(*c->pages));
	c->pages[c->npages++] = pg;
	m->lessons = xreallocarray(m->lessons, m->nlessons + 1,
	    sizeof(*m->lessons));
	m->lessons[m->nlessons++] = pg;
}

/*
 * A module's _index.md: "assessment:" sets the module's assessment,
 * "  pass: N" its pass mark.
 */
static void
module(struct module *m, const char *path)
{
	char	*text, *p;
	size_t	 len;

	if (fs_read(path, &text, &len) == -1)
		exit(2);
	free(m->page.src);
	m->page.src = xstrdup(path);
	m->page.text = text;
	m->page.textlen = len;
	m->page.body = text + len;
	keyat(&m->page, m->page.body);
	if (strstr(text, "\nassessment:") != NULL) {
		m->assess.set = 1;
		m->assess.pass = 80;
		if ((p = strstr(text, "\n  pass: ")) != NULL)
			m->assess.pass = strtol(p + 9, NULL, 10);
	}
}

static int
render(struct page *pg)
{
	static const char *const exts[] = { "table", "strikethrough",
	    "autolink", "tasklist" };
	cmark_parser	*p;
	cmark_node	*doc;
	struct quiz	*q;
	char		*html;
	size_t		 i;
	int		 rc, opts = CMARK_OPT_VALIDATE_UTF8 |
			    CMARK_OPT_GITHUB_PRE_LANG;

	p = cmark_parser_new(opts);
	for (i = 0; i < sizeof(exts) / sizeof(exts[0]); i++)
		cmark_parser_attach_syntax_extension(p,
		    cmark_find_syntax_extension(exts[i]));
	cmark_parser_feed(p, pg->body, pg->bodylen);
	doc = cmark_parser_finish(p);
	cmark_consolidate_text_nodes(doc);
	rc = quiz_extract(pg, doc, opts);
	html = cmark_render_html(doc, opts, cmark_parser_get_syntax_extensions(p));
	printf("== %s\n%s", pg->src, html);
	for (i = 0; i < pg->nquizzes; i++) {
		q = pg->quizzes[i];
		printf("# quiz %s type=%s points=%ld graded=%d loose=%d "
		    "maxlength=%ld options=%zu state=%zu%s\n", q->id,
		    quiz_type_name(q->type), q->points, q->graded, q->loose,
		    q->maxlength, q->nopts, quiz_state_size(q),
		    q->autoid ? " autoid" : "");
	}
	free(html);
	cmark_node_free(doc);
	cmark_parser_free(p);
	return rc;
}

int
main(int argc, char *argv[])
{
	struct course	 c;
	struct module	 m;
	char		**names, *path;
	size_t		 n, i, k;
	int		 a, rc = 0;

	memset(&c, 0, sizeof(c));
	memset(&m, 0, sizeof(m));
	m.page.title = xstrdup("Module");
	m.page.src = xstrdup("_index.md");
	c.modules = xcalloc(1, sizeof(*c.modules));
	c.modules[c.nmodules++] = &m;
	cmark_gfm_core_extensions_ensure_registered();
	for (a = 1; a < argc; a++) {
		if (!fs_isdir(argv[a])) {
			addpage(&c, &m, argv[a]);
			continue;
		}
		names = fs_list(argv[a], &n);
		for (i = 0; i < n; i++) {
			k = strlen(names[i]);
			if (strcmp(names[i], "_index.md") == 0) {
				path = fs_join(argv[a], names[i]);
				module(&m, path);
				free(path);
				continue;
			}
			if (k < 3 || strcmp(names[i] + k - 3, ".md") != 0)
				continue;
			path = fs_join(argv[a], names[i]);
			addpage(&c, &m, path);
			free(path);
		}
		fs_list_free(names, n);
	}
	for (i = 0; i < c.npages; i++)
		if (render(c.pages[i]) == -1)
			rc = 1;
	if (quiz_check_course(&c) == -1)
		rc = 1;
	for (i = 0; i < c.npages; i++) {
		for (k = 0; k < c.pages[i]->nquizzes; k++)
			quiz_free(c.pages[i]->quizzes[k]);
		free(c.pages[i]->quizzes);
		free(c.pages[i]->text);
		free(c.pages[i]->src);
		free(c.pages[i]);
	}
	free(c.pages);
	free(m.lessons);
	free(c.modules);
	free(m.page.title);
	free(m.page.src);
	free(m.page.text);
	return rc || diag_errors ? 1 : 0;
}
