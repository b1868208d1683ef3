/*
 * libFuzzer target: a whole lesson through Markdown, links, alerts and
 * quizzes, in a course built in memory (no files).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "extern.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
page(struct page *pg, enum pagekind kind, const char *src, const char *out)
{
	pg->kind = kind;
	pg->src = xstrdup(src);
	pg->srcdir = fs_dirname(src);
	pg->title = xstrdup("T");
	pg->slug = xstrdup("s");
	pg->out = xstrdup(out);
	pg->text = xstrdup("");
	pg->body = pg->text;
	pg->bodyline = 1;
}

static int
lesson(const uint8_t *data, size_t len)
{
	struct course	*c;
	struct module	*m;
	struct page	*l;

	diag_mute = 1;
	c = xcalloc(1, sizeof(*c));
	c->dir = xstrdup("/nonexistent/c");
	c->id = xstrdup("c");
	c->lang = xstrdup("en");
	c->version = xstrdup("1");
	page(&c->page, PAGE_COURSE, "/nonexistent/c/_index.md", "index.html");
	m = xcalloc(1, sizeof(*m));
	page(&m->page, PAGE_MODULE, "/nonexistent/c/01-m/_index.md",
	    "m/index.html");
	m->page.module = m;
	/* The module page holds the same text: its links to the lesson's
	 * headings are checked after the lesson, at the end. */
	free(m->page.text);
	m->page.text = xstrndup((const char *)data, len);
	m->page.textlen = len;
	m->page.body = m->page.text;
	m->page.bodylen = len;
	m->assess.set = 1;
	m->assess.pass = 80;
	l = xcalloc(1, sizeof(*l));
	page(l, PAGE_LESSON, "/nonexistent/c/01-m/01-l.md", "m/l.html");
	l->module = m;
	l->assessment = len > 0 && data[0] & 1;
	free(l->text);
	l->text = xstrndup((const char *)data, len);
	l->textlen = len;
	l->body = l->text;
	l->bodylen = len;
	m->lessons = xcalloc(1, sizeof(*m->lessons));
	m->lessons[0] = l;
	m->nlessons = 1;
	c->modules = xcalloc(1, sizeof(*c->modules));
	c->modules[0] = m;
	c->nmodules = 1;
	c->pages = xcalloc(3, sizeof(*c->pages));
	c->pages[0] = &c->page;
	c->pages[1] = &m->page;
	c->pages[2] = l;
	c->npages = 3;
	l->index = 2;
	m->page.index = 1;
	md_render_course(c, NULL);
	scorm_state_budget(c);
	course_free(c);
	return 0;
}

#ifndef FUZZ_QUIZ
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	return lesson(data, len);
}
#endif
