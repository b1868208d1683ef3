/*
 * Write the site: every page of every course through the theme's
 * templates, the theme's assets, the media, the generated course data
 * and search index, then the SCORM packages.  Every file goes through
 * output.c, staged and moved in only when the whole build succeeded, so
 * a failed build never damages the last good output; with the record
 * of the last build (state.c), only what changed is written.
 */
#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "extern.h"

/* Up to this many pages, every page's contents list every lesson; */
#define TOC_FULL	300
/* up to this many modules, every module. */
#define TOC_MODULES	50
/* The heap a small build touches (some twenty lessons): mem_warm. */
#define WARM_HEAP	(1 << 20)

/* Over this many inputs, a build is large (mem_huge). */
#define LARGE_INPUTS	2000
/* Over this many pages, the search index is in parts (PART_MODULES). */
#define SPLIT_PAGES	300

volatile sig_atomic_t site_interrupted;

/* Progress of the run, shown on a terminal and summed up at the end. */
static struct {
	int		 tty;	/* show the updating line */
	size_t		 done, total;	/* pages */
	size_t		 packages;
	struct timespec	 start, shown;
} progress;

static double
elapsed(const struct timespec *from)
{
	struct timespec	 now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - from->tv_sec) +
	    (double)(now.tv_nsec - from->tv_nsec) / 1e9;
}

/*
 * With BINOME_TIMES set, the time each stage took, on stderr: what the
 * benchmark reports as write time, and where to look first.
 */
static int
timed(void)
{
	static int	 on = -1;

	if (on == -1)
		on = getenv("BINOME_TIMES") != NULL;
	return on;
}

static void
stage(const char *name)
{
	static struct timespec	 last;
	struct timespec		 now;

	if (!timed())
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (name != NULL)
		fprintf(stderr, "binome: %-8s %.3f s\n", name, elapsed(&last));
	last = now;
}

/* One page written: redraw the line at most ten times a second. */
static void
tick(void)
{
	progress.done++;
	if (!progress.tty || elapsed(&progress.shown) < 0.1)
		return;
	clock_gettime(CLOCK_MONOTONIC, &progress.shown);
	fprintf(stderr, "\rbinome: %zu/%zu pages, %.1f s", progress.done,
	    progress.total, elapsed(&progress.start));
}

static const char *
orempty(const char *s)
{
	return s != NULL ? s : "";
}

static void
strlist(struct tval *map, const char *key, char **v, size_t n)
{
	struct tval	*l = tv_list(map, key);
	size_t		 i;

	for (i = 0; i < n; i++)
		tv_str(l, NULL, v[i]);
}

static void
pagelink(struct tval *map, const char *key, const struct page *from,
    const struct page *to)
{
	struct tval	*m;
	char		*dir, *href;

	if (to == NULL) {
		tv_bool(map, key, 0);
		return;
	}
	dir = fs_dirname(from->out);
	href = fs_relpath(strcmp(dir, ".") == 0 ? "" : dir, to->out);
	m = tv_map(map, key);
	tv_str(m, "title", to->title);
	tv_str(m, "href", href);
	tv_int(m, "index", (long)to->index);
	free(href);
	free(dir);
}

static char *
href(const struct page *from, const struct page *to)
{
	char	*dir, *h;

	dir = fs_dirname(from->out);
	h = fs_relpath(strcmp(dir, ".") == 0 ? "" : dir, to->out);
	free(dir);
	return h;
}

/* The stable id of a page: "module/lesson" by slugs, "" for the home. */
static char *
pageid(const struct page *pg)
{
	if (pg->kind == PAGE_COURSE)
		return xstrdup("");
	if (pg->kind == PAGE_MODULE)
		return xstrdup(pg->slug);
	return xconcat(pg->module->page.slug, "/", pg->slug, (char *)NULL);
}

/* Copy the theme's strings under "i18n". */
static void
attach(struct tval *root, const char *key, const struct tval *s)
{
	struct tval	*m = tv_map(root, key);
	size_t		 i;

	for (i = 0; s != NULL && i < s->nkids; i++)
		if (s->kids[i].type == TV_STR)
			tv_strn(m, s->kids[i].key, s->kids[i].str,
			    s->kids[i].len);
}

/*
 * What every page of a course at the same depth sees: built once per
 * course, under each page's own data (tmpl_render_on).
 */
static struct tval *
basedata(const struct course *c, int depth, const struct tval *i18n)
{
	struct tval	*root, *m;
	const char	*rootpath = depth ? "../" : "";
	char		*s;

	root = tv_map(NULL, NULL);
	tv_str(root, "lang", c->lang);
	attach(root, "i18n", i18n);
	tv_str(root, "root", rootpath);
	s = xasprintf("%sassets/", rootpath);
	tv_str(root, "assets", s);
	free(s);
	tv_str(root, "siteroot", depth ? "../../" : "../");

	m = tv_map(root, "course");
	tv_str(m, "title", c->page.title);
	tv_str(m, "id", c->id);
	tv_str(m, "version", c->version);
	tv_str(m, "description", orempty(c->page.description));
	tv_str(m, "audience", orempty(c->audience));
	tv_str(m, "duration", orempty(c->page.duration));
	s = xasprintf("%sindex.html", rootpath);
	tv_str(m, "href", s);
	free(s);
	strlist(m, "authors", c->authors, c->nauthors);
	return root;
}

/* Everything page.html sees of one page; see themes/default/README.md. */
static struct tval *
pagedata(const struct course *c, const struct page *pg)
{
	struct tval	*root, *m, *toc, *it, *ls, *li, *bc;
	const struct page *prev, *next;
	const struct module *mod;
	char		*h, *id;
	size_t		 i;

	root = tv_map(NULL, NULL);
	m = tv_map(root, "page");
	tv_str(m, "kind", pg->kind == PAGE_COURSE ? "course" :
	    pg->kind == PAGE_MODULE ? "module" : "lesson");
	tv_bool(m, "is_course", pg->kind == PAGE_COURSE);
	tv_bool(m, "is_module", pg->kind == PAGE_MODULE);
	tv_bool(m, "is_lesson", pg->kind == PAGE_LESSON);
	tv_str(m, "title", pg->title);
	tv_str(m, "description", orempty(pg->description));
	tv_str(m, "duration", orempty(pg->duration));
	strlist(m, "objectives", pg->objectives, pg->nobjectives);
	tv_int(m, "index", (long)pg->index);
	id = pageid(pg);
	tv_str(m, "id", id);
	free(id);
	mod = pg->kind == PAGE_LESSON ? pg->module : NULL;
	tv_str(m, "module_title", mod ? mod->page.title : "");
	h = mod ? href(pg, &mod->page) : NULL;
	tv_str(m, "module_href", orempty(h));
	free(h);
	tv_bool(m, "has_quiz", pg->nquizzes > 0);
	tv_bool(m, "assessment", pg->assessment && pg->nquizzes > 0);

	/* A module page lists its lessons. */
	ls = tv_list(m, "lessons");
	for (i = 0; pg->kind == PAGE_MODULE && i < pg->module->nlessons; i++) {
		const struct page *l = pg->module->lessons[i];

		li = tv_item(ls);
		tv_str(li, "title", l->title);
		h = href(pg, l);
		tv_str(li, "href", h);
		free(h);
		tv_str(li, "description", orempty(l->description));
		tv_str(li, "duration", orempty(l->duration));
		tv_int(li, "index", (long)l->index);
	}

	tv_str(root, "body", pg->html);

	/*
	 * The contents.  A large course lists only the current module's
	 * lessons, and a course of many modules only the current module
	 * (the home page lists them all): every page would otherwise carry
	 * the whole course, and a build would be quadratic.
	 */
	toc = tv_list(root, "toc");
	for (i = 0; i < c->nmodules; i++) {
		const struct module *md = c->modules[i];
		size_t k;

		if (c->nmodules > TOC_MODULES && pg->module != md &&
		    pg->kind != PAGE_COURSE)
			continue;
		it = tv_item(toc);
		tv_str(it, "title", md->page.title);
		h = href(pg, &md->page);
		tv_str(it, "href", h);
		free(h);
		tv_int(it, "index", (long)md->page.index);
		tv_int(it, "module", (long)md->index);
		tv_bool(it, "current", pg == &md->page);
		tv_bool(it, "open", pg->module == md);
		ls = tv_list(it, "lessons");
		if (c->npages > TOC_FULL && pg->module != md)
			continue;
		for (k = 0; k < md->nlessons; k++) {
			li = tv_item(ls);
			tv_str(li, "title", md->lessons[k]->title);
			h = href(pg, md->lessons[k]);
			tv_str(li, "href", h);
			free(h);
			tv_int(li, "index", (long)md->lessons[k]->index);
			tv_bool(li, "current", pg == md->lessons[k]);
		}
	}

	bc = tv_list(root, "breadcrumbs");
	if (pg->kind != PAGE_COURSE) {
		it = tv_item(bc);
		tv_str(it, "title", c->page.title);
		h = href(pg, &c->page);
		tv_str(it, "href", h);
		free(h);
	}
	if (pg->kind == PAGE_LESSON) {
		it = tv_item(bc);
		tv_str(it, "title", pg->module->page.title);
		h = href(pg, &pg->module->page);
		tv_str(it, "href", h);
		free(h);
	}

	prev = pg->index > 0 ? c->pages[pg->index - 1] : NULL;
	next = pg->index + 1 < c->npages ? c->pages[pg->index + 1] : NULL;
	pagelink(root, "prev", pg, prev);
	pagelink(root, "next", pg, next);
	return root;
}

static void
jsonstr(struct buf *b, const char *s)
{
	buf_putc(b, '"');
	esc_json(b, s, strlen(s));
	buf_putc(b, '"');
}

/* assets/course.js: window.BINOME_COURSE, the run-time's map. */
static void
coursejs(const struct course *c, struct buf *b)
{
	const struct module *m;
	const struct page *pg;
	const struct quiz *q;
	size_t		 i, j, k, n;
	long		 max;
	char		*id;

	buf_puts(b, "window.BINOME_COURSE = {\"id\":");
	jsonstr(b, c->id);
	buf_puts(b, ",\"version\":");
	jsonstr(b, c->version);
	buf_puts(b, ",\"title\":");
	jsonstr(b, c->page.title);
	buf_puts(b, ",\"lang\":");
	jsonstr(b, c->lang);
	buf_printf(b, ",\"pass\":%ld,\n\"pages\":[", c->pass);
	for (i = 0; i < c->npages; i++) {
		pg = c->pages[i];
		id = pageid(pg);
		buf_puts(b, i ? ",\n{\"id\":" : "\n{\"id\":");
		jsonstr(b, id);
		free(id);
		buf_puts(b, ",\"href\":");
		jsonstr(b, pg->out);
		buf_puts(b, ",\"title\":");
		jsonstr(b, pg->title);
		buf_puts(b, pg->kind == PAGE_COURSE ?
		    ",\"kind\":\"course\",\"module\":" :
		    pg->kind == PAGE_MODULE ? ",\"kind\":\"module\",\"module\":" :
		    ",\"kind\":\"lesson\",\"module\":");
		buf_putl(b, pg->kind == PAGE_COURSE ? -1L :
		    (long)pg->module->index);
		buf_putc(b, '}');
	}
	buf_puts(b, "],\n\"modules\":[");
	for (i = 0; i < c->nmodules; i++) {
		m = c->modules[i];
		buf_puts(b, i ? ",\n{\"title\":" : "\n{\"title\":");
		jsonstr(b, m->page.title);
		buf_puts(b, ",\"href\":");
		jsonstr(b, m->page.out);
		buf_puts(b, ",\"page\":");
		buf_putl(b, (long)m->page.index);
		buf_puts(b, ",\"lessons\":[");
		for (j = 0; j < m->nlessons; j++) {
			if (j > 0)
				buf_putc(b, ',');
			buf_putl(b, (long)m->lessons[j]->index);
		}
		buf_puts(b, "],\"assessment\":");
		for (max = 0, n = 0, j = 0; j < m->nlessons; j++)
			for (k = 0; k < m->lessons[j]->nquizzes; k++) {
				q = m->lessons[j]->quizzes[k];
				if (q->graded && q->type != QUIZ_REFLECT) {
					max += q->points;
					n++;
				}
			}
		if (n == 0) {
			buf_puts(b, "null}");
			continue;
		}
		buf_printf(b, "{\"pass\":%ld,\"attempts\":%ld,\"shuffle\":%s,"
		    "\"show_answers\":%s,\"max\":%ld,\"quizzes\":[",
		    m->assess.set ? m->assess.pass : c->pass,
		    m->assess.set ? m->assess.attempts : 0L,
		    m->assess.shuffle ? "true" : "false",
		    !m->assess.set || m->assess.show_answers ? "true" : "false",
		    max);
		for (n = 0, j = 0; j < m->nlessons; j++)
			for (k = 0; k < m->lessons[j]->nquizzes; k++) {
				q = m->lessons[j]->quizzes[k];
				if (!q->graded || q->type == QUIZ_REFLECT)
					continue;
				if (n++)
					buf_putc(b, ',');
				jsonstr(b, q->id);
			}
		buf_puts(b, "]}}");
	}
	buf_puts(b, "],\n\"quizzes\":{");
	for (n = 0, i = 0; i < c->npages; i++) {
		pg = c->pages[i];
		for (k = 0; k < pg->nquizzes; k++) {
			q = pg->quizzes[k];
			buf_puts(b, n++ ? ",\n" : "\n");
			jsonstr(b, q->id);
			buf_printf(b, ":{\"page\":%zu,\"module\":%ld,"
			    "\"type\":\"%s\",\"points\":%ld,\"graded\":%s}",
			    pg->index, pg->kind == PAGE_COURSE ? -1L :
			    (long)pg->module->index, quiz_type_name(q->type),
			    q->points, q->graded ? "true" : "false");
		}
	}
	buf_puts(b, "}};\n");
}

/* The output's path of a file of the course. */
static char *
outrel(const struct course *c, const char *name)
{
	return xconcat("site/", c->id, "/", name, (char *)NULL);
}

/* A generated file of the course: the output takes b's bytes. */
static void
putbuf(struct output *w, const struct course *c, const char *name,
    struct buf *b)
{
	char	*rel = outrel(c, name);
	size_t	 len;
	char	*data = buf_detach(b, &len);

	output_put(w, rel, data, len);
	free(rel);
}

/*
 * assets/search-index.js: titles and folded text of every page, one
 * statement per course (themes/default/README.md).  A large course's
 * pages are in parts of PART_MODULES modules, assets/search/NNNN.js,
 * that search-index.js names: an edit then rewrites, and zips again,
 * one small file, with the entries of the pages that did not change
 * taken from the last build's.
 */
static void
search_entry(struct page *pg, struct buf *b)
{
	size_t	 at;

	buf_puts(b, b->len ? ",\n" : "\n");
	at = b->len;
	buf_puts(b, "{\"t\":");
	jsonstr(b, pg->title);
	buf_puts(b, ",\"h\":");
	jsonstr(b, pg->out);
	buf_puts(b, ",\"x\":");
	jsonstr(b, orempty(pg->plain));
	buf_putc(b, '}');
	pg->srch = hash_bytes(b->data + at, b->len - at);
}

/*
 * The search parts: one for every PART_MODULES modules, some 200 KB at
 * ten lessons a module; few files to write and for search.js to load.
 */
#define PART_MODULES	16

static size_t
groupof(const struct module *m)
{
	return m->index / PART_MODULES;
}

/* Search part g, relative to assets/. */
static char *
partname(size_t g)
{
	return xasprintf("search/%04zu.js", g);
}

static char *
partrel(const struct course *c, size_t g)
{
	char	*name = partname(g), *file, *rel;

	file = xasprintf("assets/%s", name);
	rel = outrel(c, file);
	free(file);
	free(name);
	return rel;
}

/* The key of search part g: its bytes come from these. */
static uint64_t
partkey(const struct course *c, size_t g)
{
	const struct module *m;
	struct hash	 h;
	size_t		 i, k;

	hash_init(&h);
	hash_add(&h, c->id, strlen(c->id) + 1);
	hash_add(&h, &g, sizeof(g));
	for (i = g * PART_MODULES; i < c->nmodules &&
	    i < (g + 1) * PART_MODULES; i++) {
		m = c->modules[i];
		hash_add(&h, &m->page.srch, sizeof(m->page.srch));
		for (k = 0; k < m->nlessons; k++)
			hash_add(&h, &m->lessons[k]->srch, sizeof(uint64_t));
	}
	return hash_end(&h);
}

/* Search part g, or the course's index (g NOPART), into the output. */
#define NOPART	((size_t)-1)

static void
search_put(struct output *w, const struct course *c, size_t g,
    struct buf *entries, const char *parts)
{
	struct buf	 b = BUF_INIT;
	char		*name, *key;

	if (g != NOPART) {
		buf_puts(&b, "(window.BINOME_SEARCH_PARTS = "
		    "window.BINOME_SEARCH_PARTS || {})[");
		name = partname(g);
		key = xasprintf("%s/%s", c->id, name);
		jsonstr(&b, key);
		free(key);
		key = xasprintf("assets/%s", name);
		free(name);
		name = key;
		buf_puts(&b, "] = [");
	} else {
		buf_puts(&b, "(window.BINOME_SEARCH = window.BINOME_SEARCH || "
		    "[]).push({\"d\":");
		jsonstr(&b, c->id);
		buf_puts(&b, ",\"c\":");
		jsonstr(&b, c->page.title);
		if (parts != NULL)
			buf_printf(&b, ",\"parts\":[%s]", parts);
		buf_puts(&b, ",\"p\":[");
		name = xstrdup("assets/search-index.js");
	}
	buf_put(&b, entries->data, entries->len);
	buf_puts(&b, g != NOPART ? "];\n" : "]});\n");
	putbuf(w, c, name, &b);
	free(name);
	buf_truncate(entries, 0);
}

/* Render one page through page.html, for the output. */
static int
writepage(const struct course *c, struct theme *th, const struct page *pg,
    struct output *w, struct tval *const base[2])
{
	const struct tmpl *t;
	struct tval	*data;
	struct buf	 b = BUF_INIT;
	int		 rc;

	if ((t = theme_tmpl(th, "page.html")) == NULL)
		return -1;
	data = pagedata(c, pg);
	rc = tmpl_render_on(t, &b, data, base[strchr(pg->out, '/') != NULL]);
	tv_release(data);
	free(data);
	if (rc == -1) {
		buf_release(&b);
		return -1;
	}
	putbuf(w, c, pg->out, &b);
	return 0;
}

static int
themefiles(struct theme *th, const struct course *c, struct output *w)
{
	char		**files, *src, *rel;
	size_t		 n, i;
	int		 rc = 0;

	files = theme_files(th, "assets", &n);
	for (i = 0; files != NULL && i < n; i++) {
		src = theme_path(th, files[i]);
		rel = outrel(c, files[i]);
		if (src == NULL || output_copy(w, rel, src) == -1)
			rc = -1;
		free(src);
		free(rel);
		free(files[i]);
	}
	free(files);
	return rc;
}

static int
copyfiles(const struct course *c, struct output *w)
{
	char		*rel;
	size_t		 i;
	int		 rc = 0;

	for (i = 0; i < c->nassets; i++) {
		rel = outrel(c, c->assets[i].out);
		if (output_copy(w, rel, c->assets[i].src) == -1)
			rc = -1;
		free(rel);
	}
	return rc;
}

/* A page's source and body are no longer needed once it is written. */
static void
done(struct page *pg)
{
	free(pg->html);
	free(pg->plain);
	free(pg->text);
	free(pg->entry);
	pg->html = pg->plain = pg->text = pg->entry = NULL;
	pg->body = NULL;
	pg->textlen = pg->bodylen = 0;
}

static void
hstr(struct hash *h, const char *s)
{
	if (s == NULL)
		hash_add(h, "", 1);	/* not the empty string's bytes */
	else
		hash_add(h, s, strlen(s) + 1);
}

static void
hnum(struct hash *h, uint64_t v)
{
	hash_add(h, &v, sizeof(v));
}

/*
 * What pages show of module m: all of it in its own pages (lessons
 * with their descriptions), only its line and its lessons' titles in
 * the contents of others (and not even those in a large course).
 */
static uint64_t
modkey(const struct module *m, int others, int lessons)
{
	const struct page *l;
	struct hash	 h;
	size_t		 i;

	hash_init(&h);
	hnum(&h, m->index);
	for (i = 0; i <= (lessons ? m->nlessons : 0); i++) {
		l = i == 0 ? &m->page : m->lessons[i - 1];
		hstr(&h, l->title);
		hstr(&h, l->out);
		hnum(&h, l->index);
		if (!others) {
			hstr(&h, l->description);
			hstr(&h, l->duration);
		}
	}
	return hash_end(&h);
}

/*
 * Set each page's ctx: a key over what pagedata() shows of other pages
 * (its module's pages, the contents, the previous and next pages) and
 * of its own place.  What it shows of its own source is the memo's
 * business, and of the course the memo key's.  Keep it in step with
 * pagedata().
 */
static void
contexts(struct course *c)
{
	const struct page *pg, *nb;
	struct hash	 h;
	uint64_t	*mk, all;
	size_t		 i, k;

	mk = xcalloc(c->nmodules + 1, sizeof(*mk));
	hash_init(&h);
	for (i = 0; i < c->nmodules; i++) {
		mk[i] = modkey(c->modules[i], 0, 1);
		hnum(&h, modkey(c->modules[i], 1, c->npages <= TOC_FULL));
	}
	all = hash_end(&h);
	for (i = 1; i < c->npages; i++) {
		pg = c->pages[i];
		hash_init(&h);
		hstr(&h, pg->out);
		hnum(&h, pg->index);
		hnum(&h, mk[pg->module->index]);
		hnum(&h, c->nmodules <= TOC_MODULES ? all : 0);
		hnum(&h, c->npages > TOC_FULL);
		for (k = 0; k < 2; k++) {
			nb = k == 0 ? c->pages[i - 1] : i + 1 < c->npages ?
			    c->pages[i + 1] : NULL;
			hstr(&h, nb != NULL ? nb->title : NULL);
			hstr(&h, nb != NULL ? nb->out : NULL);
		}
		c->pages[i]->ctx = hash_end(&h);
	}
	free(mk);
}

/*
 * What every page's rendering depends on besides its source and its
 * context: the theme's templates and strings, and the course's own
 * front matter (language, title, raw HTML...).
 */
static uint64_t
memokey(const struct course *c, const struct theme *th)
{
	struct hash	 h;

	hash_init(&h);
	hnum(&h, theme_key(th));
	hstr(&h, c->dir);
	hnum(&h, c->page.textlen);
	hash_add(&h, c->page.text, c->page.textlen);
	return hash_end(&h);
}

/* Are the files pg's rendering found still where it found them? */
static int
depsok(struct course *c, const struct page *pg, struct strmap *files)
{
	const struct dep *d;
	const struct page *to;
	long		*k;
	char		*src;
	size_t		 i;

	for (i = 0; i < pg->ndeps; i++) {
		d = &pg->deps[i];
		if (d->kind == DEP_PAGE) {
			to = course_page(c, d->path);
			if (to == NULL || d->out == NULL ||
			    strcmp(to->out, d->out) != 0)
				return 0;
			continue;
		}
		if ((k = strmap_get(files, d->path)) == NULL) {
			src = fs_join(c->dir, d->path);
			k = strmap_put(files, d->path, fs_isfile(src) &&
			    fs_inside(c->dir, src));
			free(src);
		}
		if (!*k)
			return 0;
	}
	return 1;
}

/* The last build's search parts, read to take entries from. */
struct oldparts {
	struct strmap	 idx;	/* group number -> index in v */
	struct oldpart {
		char	*data;	/* NULL: not there */
		size_t	*line, nline;	/* where each line starts */
	}		*v;
	size_t		 n;
};

/*
 * The entry of the last build's part g at place k, if that part is as
 * the last build left it and the entry's bytes hash to srch; NULL
 * otherwise.  A part is one line a page after its first:
 * "{...}," and "{...}];" at the end.
 */
static char *
oldentry(struct output *w, const struct course *c, struct oldparts *op,
    size_t g, size_t k, uint64_t srch)
{
	struct oldpart	*p;
	char		 num[32], *rel, *path;
	const char	*what;
	const char	*s, *e;
	size_t		 len, i;
	long		*at;

	snprintf(num, sizeof(num), "%zu", g);
	if ((at = strmap_get(&op->idx, num)) == NULL) {
		op->v = xreallocarray(op->v, op->n + 1, sizeof(*op->v));
		p = &op->v[op->n];
		memset(p, 0, sizeof(*p));
		rel = partrel(c, g);
		path = fs_join(w->dir, rel);
		if (output_has(w, rel) &&
		    fs_read_quiet(path, &p->data, &len, &what) == 0)
			for (i = 0; i <= len; i++)
				if (i == 0 || p->data[i - 1] == '\n') {
					p->line = xreallocarray(p->line,
					    p->nline + 1, sizeof(*p->line));
					p->line[p->nline++] = i;
				}
		free(path);
		free(rel);
		at = strmap_put(&op->idx, num, (long)op->n++);
	}
	p = &op->v[*at];
	if (p->data == NULL || k + 2 >= p->nline)
		return NULL;
	s = p->data + p->line[k + 1];
	e = p->data + p->line[k + 2] - 1;	/* its newline */
	if (e - s >= 1 && e[-1] == ',')
		e--;
	else if (e - s >= 2 && e[-1] == ';' && e[-2] == ']')
		e -= 2;
	else
		return NULL;
	if (hash_bytes(s, (size_t)(e - s)) != srch)
		return NULL;
	return xstrndup(s, (size_t)(e - s));
}

static void
oldparts_free(struct oldparts *op)
{
	size_t	 i;

	for (i = 0; i < op->n; i++) {
		free(op->v[i].data);
		free(op->v[i].line);
	}
	free(op->v);
	strmap_release(&op->idx);
}

/* Page k of module m: its own page, then its lessons. */
static struct page *
modpage(struct module *m, size_t k)
{
	return k == 0 ? &m->page : m->lessons[k - 1];
}

/*
 * May module m's pages come out as the last build left them, if they
 * are still in the output (modpresent)?
 */
static int
modreusable(struct course *c, struct module *m, struct strmap *files)
{
	struct page	*pg;
	size_t		 k;
	int		 ok = 1;

	for (k = 0; k <= m->nlessons && ok; k++) {
		pg = modpage(m, k);
		if (pg->memo == NULL || pg->memo->key != c->memokey ||
		    pg->memo->ctx != pg->ctx)
			return 0;
		memo_rendered(pg);
		ok = depsok(c, pg, files);
	}
	return ok;
}

/* Are all the pages of every module still in the output?  has[i]. */
struct present {
	struct course	*c;
	struct output	*w;
	int		*has;
};

static void *
modpresent(void *arg)
{
	struct present	*p = arg;
	struct module	*m;
	char		*rel;
	size_t		 i, k;

	for (i = 0; i < p->c->nmodules; i++) {
		m = p->c->modules[i];
		p->has[i] = 1;
		for (k = 0; k <= m->nlessons && p->has[i]; k++) {
			rel = outrel(p->c, modpage(m, k)->out);
			p->has[i] = output_has(p->w, rel);
			free(rel);
		}
	}
	return NULL;
}

/*
 * Which pages of a large course come out as the last build left them:
 * every page of a module whose pages all have their memo, under the
 * same memo key and context, with the same links and files, and are
 * still in the output.  Those take the memo's rendering; the others
 * are rendered.  A search part is kept when all its modules are; else
 * it is written again, with the last build's entries of kept pages
 * (or, when one is not there, their module rendered).  Sets keep[g]
 * for each part; returns how many pages are kept.
 */
static size_t
reusable(struct course *c, struct output *w, int *keep, int jobs)
{
	struct strmap	 files = STRMAP_INIT;
	struct present	 p;
	struct aside	*asking;
	struct oldparts	 op;
	struct module	*m;
	struct page	*pg;
	char		*rel;
	size_t		 i, k, g, n = 0, ng;
	int		*ok;

	memset(&op, 0, sizeof(op));
	ok = xcalloc(c->nmodules + 1, sizeof(*ok));
	/*
	 * The outputs are asked for on another core (some thousand stats
	 * of directories, ten thousand lookups) while this one decodes
	 * the records and checks their links; nothing else asks the
	 * output meanwhile.  They allocate little there (a thread's own
	 * heap has no huge pages, and a first touch of a page is dear):
	 * the index of the last build's outputs is made here first.
	 */
	state_find(&w->prev, "");
	p.c = c;
	p.w = w;
	p.has = xcalloc(c->nmodules + 1, sizeof(*p.has));
	asking = aside_start(jobs - 1, modpresent, &p);
	for (i = 0; i < c->nmodules; i++)
		ok[i] = modreusable(c, c->modules[i], &files);
	aside_join(asking);
	for (i = 0; i < c->nmodules; i++)
		ok[i] &= p.has[i];
	free(p.has);
	ng = (c->nmodules + PART_MODULES - 1) / PART_MODULES;
	for (g = 0; g < ng; g++) {
		keep[g] = 1;
		for (i = g * PART_MODULES; i < c->nmodules &&
		    i < (g + 1) * PART_MODULES; i++)
			keep[g] &= ok[i];
		if (keep[g]) {
			rel = partrel(c, g);
			m = c->modules[g * PART_MODULES];
			keep[g] = m->page.memo->unitkey == partkey(c, g) &&
			    output_has(w, rel);
			free(rel);
		}
		for (i = g * PART_MODULES; !keep[g] && i < c->nmodules &&
		    i < (g + 1) * PART_MODULES; i++)
			for (k = 0; ok[i] && k <= c->modules[i]->nlessons;
			    k++) {
				pg = modpage(c->modules[i], k);
				pg->entry = oldentry(w, c, &op, pg->sgroup,
				    pg->sline, pg->srch);
				ok[i] = pg->entry != NULL;
			}
	}
	for (i = 0; i < c->nmodules; i++) {
		m = c->modules[i];
		for (k = 0; k <= m->nlessons; k++) {
			pg = modpage(m, k);
			if (ok[i])
				pg->reuse = 1;
			else if (pg->rendered)
				course_unrender(pg);
		}
		n += ok[i] ? m->nlessons + 1 : 0;
	}
	free(ok);
	oldparts_free(&op);
	strmap_release(&files);
	return n;
}

/* An entry of a search part after those in b. */
static void
partput(struct buf *b, const char *entry)
{
	buf_puts(b, b->len ? ",\n" : "\n");
	buf_puts(b, entry);
}

/*
 * Search part g into b again: the entries of the pages rendered anew
 * (no memo), the others' from the last build's part.  0 when one of
 * those is not there as it was.
 */
static int
partagain(struct output *w, const struct course *c, struct oldparts *op,
    size_t g, struct buf *b)
{
	const struct memo_page *e;
	struct module	*m;
	struct page	*pg;
	char		*entry;
	size_t		 j, k;

	for (j = g * PART_MODULES; j < c->nmodules &&
	    j < (g + 1) * PART_MODULES; j++)
		for (m = c->modules[j], k = 0; k <= m->nlessons; k++) {
			if ((e = (pg = modpage(m, k))->memo) == NULL) {
				search_entry(pg, b);
				continue;
			}
			entry = oldentry(w, c, op, e->sgroup, e->sline,
			    e->srch);
			if (entry == NULL)
				return 0;
			partput(b, entry);
			free(entry);
		}
	return 1;
}

/*
 * The edit most often made: the text of a few pages, and nothing of
 * what the other pages and the packages show of them (their front
 * matter, headings, links and quizzes: memo_same).  When all else is
 * as the last build left it (every other input by its stat, every page
 * with its record in the same order, the outputs by their directories)
 * and that build said nothing, every other file of the course is the
 * last build's: only those pages and their search parts are made, the
 * rest kept without a look at each page.  Returns 1 when the course's
 * pages were made so; 0 when not (nothing done: the usual way then).
 */
static int
patch(struct course *c, struct output *w, const struct opts *o,
    struct theme *th)
{
	const struct memo_page *e, *last = NULL;
	const struct state *now = w->now;
	struct strmap	 edited = STRMAP_INIT;
	struct oldparts	 op;
	struct buf	*parts = NULL;
	struct mdrun	*md = NULL;
	struct page	*pg, **ed = NULL;
	struct module	*m;
	struct tval	*base[2];
	char		*dir;
	size_t		*groups = NULL, i, j, k, n = 0, ng = 0, g, from;
	unsigned	 errors = diag_errors, warnings = diag_warnings;
	int		 ok = 1, mute = diag_mute;

	if (!w->incremental || now == NULL || now->unknown ||
	    w->prev.said.len > 0 || w->prev.warnings > 0 || warnings > 0)
		return 0;
	memset(&op, 0, sizeof(op));
	dir = xconcat("site/", c->id, (char *)NULL);
	for (k = 1; ok && k < c->npages; k++) {
		pg = c->pages[k];
		e = pg->was;	/* pg->memo too, when it has one */
		ok = e != NULL && e->key == c->memokey &&
		    (last == NULL || e == last + 1);
		last = e;
		if (ok && pg->memo == NULL) {
			ed = xreallocarray(ed, n + 1, sizeof(*ed));
			ed[n++] = pg;
			strmap_lend(&edited, pg->src, 1);
		}
	}
	for (i = 0; ok && i < now->nin; i++)
		ok = !now->in[i].changed ||
		    strmap_get(&edited, now->in[i].path) != NULL;
	if (!ok || !output_same_under(w, dir))
		goto no;

	/* Those pages, quietly: if they differ, the usual way says it. */
	md = md_begin(c, theme_i18n(th));
	diag_mute = 1;
	for (i = 0; i < n && ok; i++)
		ok = course_read(ed[i]) == 0 && md_page(md, ed[i]) == 0 &&
		    memo_same(ed[i]);
	diag_mute = mute;
	ok = ok && diag_errors == errors && diag_warnings == warnings;
	diag_errors = errors;
	diag_warnings = warnings;

	/* Their search parts, with the other pages' entries as they were. */
	groups = xcalloc(n + 1, sizeof(*groups));
	parts = xcalloc(n + 1, sizeof(*parts));
	for (i = 0; ok && i < n; i++) {
		g = groupof(ed[i]->module);
		for (k = 0; k < ng && groups[k] != g; k++)
			continue;
		if (k < ng)
			continue;
		groups[ng++] = g;
		ok = partagain(w, c, &op, g, &parts[ng - 1]);
	}
	if (!ok)
		goto no;

	/* From here on, the course is made so. */
	for (k = 1; k < c->npages; k++) {
		pg = c->pages[k];
		e = pg->was;	/* pg->memo too, when it has one */
		pg->ctx = e->ctx;
		pg->sgroup = e->sgroup;
		pg->sline = e->sline;
		pg->unitkey = e->unitkey;
		if (pg->memo != NULL) {
			pg->srch = e->srch;
			pg->reuse = 1;
		}
	}
	base[0] = basedata(c, 0, theme_i18n(th));
	base[1] = basedata(c, 1, theme_i18n(th));
	w->writer = writer_new(o->jobs > 1 ? o->jobs - 1 : 0);
	from = w->nfiles;
	themefiles(th, c, w);
	for (i = 0; i < n; i++)
		if (writepage(c, th, ed[i], w, base) == -1)
			ok = 0;
	for (i = 0; i < ng; i++) {
		g = groups[i];
		search_put(w, c, g, &parts[i], NULL);
		for (j = g * PART_MODULES; j < c->nmodules &&
		    j < (g + 1) * PART_MODULES; j++) {
			m = c->modules[j];
			m->page.unitkey = partkey(c, g);
			/* Its record changes: the next memo encodes it. */
			if (m->page.reuse)
				memo_rendered(&m->page);
		}
	}
	/* What the packages take from the pages kept: their quizzes. */
	for (k = 1; k < c->npages; k++)
		if ((pg = c->pages[k])->reuse && !pg->rendered)
			memo_quizzes(pg);
	output_keep_rest(w, dir, from);
	for (i = 0; i < n; i++)
		done(ed[i]);
	progress.done += c->npages;
	writer_end(w->writer);
	w->writer = NULL;
	for (i = 0; i < 2; i++) {
		tv_release(base[i]);
		free(base[i]);
	}
	if (o->verbose)
		diag_note("binome: %s: %zu of %zu pages as the last build "
		    "left them", c->id, c->npages - n, c->npages);
	ok = 1;
	goto out;
no:
	for (i = 0; i < n; i++) {
		done(ed[i]);
		course_unrender(ed[i]);
	}
	ok = 0;
out:
	if (md != NULL)
		md_free(md);
	for (i = 0; i < ng; i++)
		buf_release(&parts[i]);
	free(parts);
	free(groups);
	free(ed);
	free(dir);
	oldparts_free(&op);
	strmap_release(&edited);
	return ok;
}

/*
 * Render one page, or take it as the last build left it.  After an
 * error in the course (diag_errors over before), go on checking but
 * write no more.
 */
static int
onepage(struct course *c, struct page *pg, struct mdrun *md,
    struct theme *th, struct output *w, struct tval *const base[2],
    unsigned before)
{
	struct diagmark	 mark;
	char		*rel;

	if (pg->reuse) {
		md_reuse(md, pg);
		rel = outrel(c, pg->out);
		output_keep(w, rel);
		free(rel);
		return 0;
	}
	diag_mark(&mark);
	if (course_read(pg) == -1 || md_page(md, pg) == -1 ||
	    diag_errors != before || writepage(c, th, pg, w, base) == -1)
		return -1;
	pg->rendersaid = diag_since(&mark, &pg->renderwarn);
	return 0;
}

/* memo_put on a thread. */
static void *
memoput(void *arg)
{
	memo_put(arg);
	return NULL;
}

/*
 * Build one course into the output's site/<id>/ and its packages, page
 * by page: only what navigation needs stays in memory.
 */
static int
course(struct course *c, struct output *w, const struct opts *o,
    struct theme *th)
{
	struct buf	 b = BUF_INIT, idx = BUF_INIT, part = BUF_INIT;
	struct buf	 parts = BUF_INIT;
	struct aside	*encoding = NULL;
	struct mdrun	*md;
	struct tval	*base[2];
	struct page	*pg;
	struct module	*m;
	char		*name, *ahead = NULL;
	uint64_t	 key;
	size_t		 i, k, g, ng, line = 0, reused = 0;
	unsigned	 before = diag_errors;
	int		 split = c->npages > SPLIT_PAGES, ok = 1, *keep;
	int		 patched = 0;

	/* A small course is rendered whole: no memo (c->memokey 0). */
	ng = (c->nmodules + PART_MODULES - 1) / PART_MODULES;
	keep = xcalloc(ng + 1, sizeof(*keep));
	if (split) {
		c->memokey = memokey(c, th);
		if (!o->check && (patched = patch(c, w, o, th)))
			goto made;
		contexts(c);
		if (w->incremental)
			reused = reusable(c, w, keep, o->jobs);
	}
	md = md_begin(c, theme_i18n(th));
	base[0] = basedata(c, 0, theme_i18n(th));
	base[1] = basedata(c, 1, theme_i18n(th));
	w->writer = writer_new(o->jobs > 1 ? o->jobs - 1 : 0);
	/* A small course's files are deflated for its packages by the
	 * threads that write them, while the next pages render. */
	if (!split && !o->check) {
		ahead = xasprintf("site/%s/", c->id);
		w->ahead = ahead;
	}
	/* First, so that the writers take them while pages render. */
	if (!o->check && themefiles(th, c, w) == -1)
		ok = 0;
	for (i = 0; i < c->npages && !site_interrupted; i++) {
		pg = c->pages[i];
		m = pg->module;
		if (onepage(c, pg, md, th, w, base, before) == -1)
			ok = 0;
		else if (!split || m == NULL)
			search_entry(pg, &idx);
		else if (!keep[groupof(m)]) {
			/* Its part is written again: its entry goes in. */
			if (pg->entry != NULL)
				partput(&part, pg->entry);
			else if (!pg->reuse)
				search_entry(pg, &part);
		}
		if (split && m != NULL) {
			pg->sgroup = groupof(m);
			pg->sline = line++;
		}
		tick();
		done(pg);
		/* The end of a part. */
		if (!split || m == NULL || (i + 1 < c->npages &&
		    groupof(c->pages[i + 1]->module) == groupof(m)))
			continue;
		g = groupof(m);
		name = partname(g);
		jsonstr(&parts, name);
		buf_putc(&parts, ',');
		free(name);
		key = partkey(c, g);
		for (k = g * PART_MODULES; k < c->nmodules &&
		    k < (g + 1) * PART_MODULES; k++)
			c->modules[k]->page.unitkey = key;
		line = 0;
		if (keep[g]) {
			char *rel = partrel(c, g);

			output_keep(w, rel);
			free(rel);
		} else if (ok && diag_errors == before)
			search_put(w, c, g, &part, NULL);
		buf_truncate(&part, 0);
	}
	md_end(md);	/* its errors count in diag_errors */
	for (i = 0; i < 2; i++) {
		tv_release(base[i]);
		free(base[i]);
	}
	if (o->verbose && split)
		diag_note("binome: %s: %zu of %zu pages as the last build "
		    "left them", c->id, reused, c->npages);
	if (diag_errors == before && !site_interrupted) {
		if (parts.len > 0)
			buf_truncate(&parts, parts.len - 1);
		search_put(w, c, NOPART, &idx, split ? parts.data : NULL);
		copyfiles(c, w);
		coursejs(c, &b);
		putbuf(w, c, "assets/course.js", &b);
	}
	writer_end(w->writer);
	w->writer = NULL;
made:
	stage("pages");
	w->ahead = NULL;
	if (diag_errors == before && !site_interrupted) {
		/* The memo's records, while the packages are made. */
		if (c->memokey != 0 && !o->check)
			encoding = aside_start(o->jobs - 1, memoput, c);
		if (!patched || scorm_patch(c, o, w) == 0)
			scorm_build(c, th, o, w);
		if (encoding != NULL)
			aside_join(encoding);
	}
	zip_ahead_clear();
	free(ahead);
	stage("packages");
	buf_release(&b);
	buf_release(&idx);
	buf_release(&part);
	buf_release(&parts);
	free(keep);
	return diag_errors == before ? 0 : -1;
}

/*
 * The site root: the list of courses, in the first course's language,
 * with th when it is the theme that takes (NULL: opened here).
 */
static int
rootindex(struct course **cs, size_t n, const struct opts *o,
    struct theme *th, struct output *w)
{
	struct theme	*own = NULL;
	const struct tmpl *t;
	struct tval	*root, *l, *it;
	struct buf	 b = BUF_INIT;
	size_t		 i, len;
	int		 rc = -1;
	char		*h;

	if (th == NULL)
		th = own = theme_open(o->theme, NULL, n ? cs[0]->lang : "en");
	if (th == NULL || (t = theme_tmpl(th, "index.html")) == NULL) {
		theme_free(own);
		return -1;
	}
	root = tv_map(NULL, NULL);
	tv_str(root, "lang", n ? cs[0]->lang : "en");
	attach(root, "i18n", theme_i18n(th));
	tv_str(root, "title", n == 1 ? cs[0]->page.title : "");
	l = tv_list(root, "courses");
	for (i = 0; i < n; i++) {
		it = tv_item(l);
		tv_str(it, "title", cs[i]->page.title);
		tv_str(it, "description", orempty(cs[i]->page.description));
		h = xasprintf("%s/index.html", cs[i]->id);
		tv_str(it, "href", h);
		free(h);
		tv_str(it, "duration", orempty(cs[i]->page.duration));
		tv_str(it, "lang", cs[i]->lang);
		tv_str(it, "dir", cs[i]->id);
	}
	if (tmpl_render(t, &b, root) == 0) {
		h = buf_detach(&b, &len);
		output_put(w, "site/index.html", h, len);
		rc = 0;
	}
	tv_release(root);
	free(root);
	buf_release(&b);
	theme_free(own);
	return rc;
}

/*
 * Build the site and the packages of every course into w, staged; the
 * caller commits.  Returns -1 after reporting errors.
 */
static int
site_build(struct course **cs, size_t n, const struct opts *o,
    struct output *w)
{
	struct theme	*th, *first = NULL;
	size_t		 i, j;
	int		 rc = 0;

	pack_jobs = o->jobs;
	for (i = 0; i < n; i++)
		for (j = 0; j < i; j++)
			if (strcmp(cs[i]->id, cs[j]->id) == 0) {
				struct pos p = { cs[i]->page.src, 1, 1 };

				rc = diag_err(&p, "course id '%s' is also used "
				    "by %s", cs[i]->id, cs[j]->page.src);
			}
	for (i = 0; rc == 0 && i < n && !site_interrupted; i++) {
		th = theme_open(o->theme, cs[i]->themedir, cs[i]->lang);
		if (th == NULL || course(cs[i], w, o, th) == -1)
			rc = -1;
		/* The root's theme: the first course's, if not its own. */
		if (i == 0 && cs[0]->themedir == NULL)
			first = th;
		else
			theme_free(th);
	}
	if (rc == 0 && diag_errors == 0 && !site_interrupted)
		rc = rootindex(cs, n, o, first, w);
	theme_free(first);
	if (site_interrupted)
		rc = diag_err(NULL, "interrupted: the previous output is "
		    "left as it was");
	for (i = 0; i < w->nfiles; i++)
		if (strncmp(w->files[i].rel, "scorm/", 6) == 0)
			progress.packages++;
	return rc == 0 && diag_errors == 0 ? 0 : -1;
}

/* Add the course in dir, or every course directly under it. */
static int
findcourses(const char *dir, const struct opts *o, struct course ***cs,
    size_t *n)
{
	char	*idx, **names, *path;
	size_t	 i, nn, found = 0;

	if (!fs_isdir(dir)) {
		struct pos p = { dir, 0, 0 };

		return diag_err(&p, "no such directory");
	}
	idx = fs_join(dir, "_index.md");
	if (fs_isfile(idx)) {
		free(idx);
		*cs = xreallocarray(*cs, *n + 1, sizeof(**cs));
		(*cs)[(*n)++] = course_load(dir, o);
		return 0;
	}
	free(idx);
	if ((names = fs_list(dir, &nn)) == NULL)
		return -1;
	for (i = 0; i < nn; i++) {
		path = fs_join(dir, names[i]);
		idx = fs_join(path, "_index.md");
		if (names[i][0] != '.' && fs_isfile(idx)) {
			*cs = xreallocarray(*cs, *n + 1, sizeof(**cs));
			(*cs)[(*n)++] = course_load(path, o);
			found++;
		}
		free(idx);
		free(path);
	}
	fs_list_free(names, nn);
	if (found == 0) {
		struct pos p = { dir, 0, 0 };

		return diag_err(&p, "no course here: a course is a "
		    "directory with an _index.md");
	}
	return 0;
}

/*
 * What the output depends on besides the files read: this binome, its
 * options, the working directory and SOURCE_DATE_EPOCH.
 */
static uint64_t
buildkey(char *const *dirs, size_t ndirs, const struct opts *o)
{
	struct buf	 b = BUF_INIT;
	struct stat	 st;
	char		*cwd, *exe;
	const char	*sde = getenv("SOURCE_DATE_EPOCH");
	uint64_t	 key;
	size_t		 i;

	buf_printf(&b, "binome %s\n%d %d %d %d %d %d\n", BINOME_VERSION,
	    o->targets, o->packmode, o->drafts, diag_quiet, diag_werror,
	    diag_json);
	buf_printf(&b, "%s\n%s\n%s\n", orempty(o->theme), orempty(o->schemas),
	    orempty(sde));
	if ((cwd = getcwd(NULL, 0)) != NULL)
		buf_printf(&b, "%s\n", cwd);
	free(cwd);
	/* Another build of binome may write other bytes. */
	if ((exe = realpath("/proc/self/exe", NULL)) != NULL &&
	    stat(exe, &st) == 0)
		buf_printf(&b, "%s %jd %jd %ju\n", exe,
		    (intmax_t)st.st_mtim.tv_sec, (intmax_t)st.st_mtim.tv_nsec,
		    (uintmax_t)st.st_size);
	else
		buf_printf(&b, "%d\n", getpid());	/* never the same */
	free(exe);
	for (i = 0; i < ndirs; i++)
		buf_printf(&b, "%s\n", dirs[i]);
	key = hash_bytes(b.data, b.len);
	buf_release(&b);
	return key;
}

static void
summary(size_t courses, size_t pages, size_t packages, unsigned warnings,
    int uptodate)
{
	if (progress.tty)
		fputs("\r\033[K", stderr);
	if (diag_quiet)
		return;
	fprintf(stderr, "binome: %zu course%s, %zu page%s, %zu package%s",
	    courses, courses == 1 ? "" : "s", pages, pages == 1 ? "" : "s",
	    packages, packages == 1 ? "" : "s");
	if (warnings)
		fprintf(stderr, ", %u warning%s", warnings,
		    warnings == 1 ? "" : "s");
	if (uptodate)
		fputs(", up to date", stderr);
	/* Times only on a terminal: logs stay reproducible. */
	if (progress.tty)
		fprintf(stderr, " in %.2f s", elapsed(&progress.start));
	fputc('\n', stderr);
}

/* One build at a time per output directory: -1, or the lock's fd. */
static int
lockout(const char *out)
{
	char	*lock;
	int	 fd;

	if (fs_mkdirs(out) == -1)
		return -1;
	lock = fs_join(out, ".binome.lock");
	if ((fd = open(lock, O_RDWR | O_CREAT, 0644)) == -1) {
		diag_sys(lock, "cannot create the lock file");
		free(lock);
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		diag_note("binome: waiting for another build of %s", out);
		if (flock(fd, LOCK_EX) == -1) {
			diag_sys(lock, "cannot lock");
			close(fd);
			fd = -1;
		}
	}
	free(lock);
	return fd;
}

/*
 * What the last build of a process leaves to the kernel (site_run).
 * Not static: stores to an object no code reads would be optimised
 * away, and the leak checkers would then see the memory as lost.
 */
struct site_left {
	struct course	**cs;
	struct output	 w;	/* with the last build's state */
	struct state	 now;
	struct memo	*memo;
} site_left;

/* fs_rmtree on a thread. */
static void *
rmtree(void *arg)
{
	fs_rmtree(arg);
	return NULL;
}

/*
 * Load the courses of dirs (each a course or a directory of courses),
 * build them, free them, and say how it went on stderr.  The command
 * line and serve both build through here.  Nothing in the output
 * directory changes unless every course built without error.  Returns
 * -1 on errors.
 */
int
site_run(char *const *dirs, size_t ndirs, const struct opts *o)
{
	struct course	**cs = NULL;
	struct output	 w;
	struct state	 now;
	struct memo	*memo = NULL;
	struct aside	*clearing;
	struct timespec	 ts;
	struct buf	*record = diag_record;
	uint64_t	 key = 0;
	size_t		 n = 0, i;
	int		 rc = -1, fd = -1;

	memset(&progress, 0, sizeof(progress));
	memset(&w, 0, sizeof(w));
	state_jobs = o->jobs;
	memset(&now, 0, sizeof(now));
	progress.tty = !diag_quiet && !diag_json && isatty(STDERR_FILENO);
	clock_gettime(CLOCK_MONOTONIC, &progress.start);
	progress.shown = progress.start;
	stage(NULL);

	if (o->check) {
		/* check leaves the output directory alone: work elsewhere. */
		const char *t = getenv("TMPDIR");

		w.tmp = xasprintf("%s/binome-check-XXXXXX",
		    t != NULL && *t != '\0' ? t : "/tmp");
		if (mkdtemp(w.tmp) == NULL) {
			diag_sys(w.tmp, "cannot create a temporary directory");
			free(w.tmp);
			goto end;
		}
		w.dir = xstrdup(w.tmp);
		mem_warm(WARM_HEAP);
	} else {
		if ((fd = lockout(o->out)) == -1)
			goto end;
		w.dir = xstrdup(o->out);
		key = buildkey(dirs, ndirs, o);
		if (state_large(o->out))
			mem_huge();
		else
			mem_warm(WARM_HEAP);
		if (state_load(&w.prev, o->out) == 0 && w.prev.key == key) {
			if (state_fresh(&w.prev, o->out)) {
				/* Nothing changed: say what was said. */
				if (w.prev.said.len > 0)
					fputs(w.prev.said.data, stderr);
				diag_warnings += w.prev.warnings;
				stage("uptodate");
				summary(w.prev.courses, w.prev.pages,
				    w.prev.packages, w.prev.warnings, 1);
				rc = 0;
				goto end;
			}
			w.incremental = 1;
			memo = memo_load(o->out, w.prev.memo);
		} else
			state_free(&w.prev);
		/* Before reading: a change made during the build shows. */
		now.key = key;
		for (i = 0; i < ndirs; i++)
			state_walk(&now, dirs[i], &w.prev);
		if (o->theme != NULL)
			state_walk(&now, o->theme, &w.prev);
		if (o->schemas != NULL)
			state_walk(&now, o->schemas, &w.prev);
		if (now.nin > LARGE_INPUTS)
			mem_huge();
		stage("inputs");
		if (timed())
			fprintf(stderr, "binome: read %zu of %zu directories\n",
			    now.nread, now.ndirs);
		w.tmp = fs_join(o->out, ".binome-tmp");
		fs_rmtree(w.tmp);	/* left by an interrupted build */
		if (fs_mkdirs(w.tmp) == -1)
			goto end;
	}
	diag_record = &now.said;

	memo_prev = memo;
	course_seen = o->check ? NULL : &now;
	w.now = o->check ? NULL : &now;
	for (i = 0; i < ndirs; i++)
		findcourses(dirs[i], o, &cs, &n);
	memo_prev = NULL;
	course_seen = NULL;
	stage("load");
	for (i = 0; i < n; i++)
		progress.total += cs[i]->npages;
	/* A course that did not load is not built: its pages may clash. */
	if (n > 0 && diag_errors == 0 && site_build(cs, n, o, &w) == 0 &&
	    diag_errors == 0)
		rc = 0;
	if (rc == 0 && !o->check) {
		/* From here on, the build completes. */
		state_remove(o->out);
		if (output_commit(&w) == -1)
			rc = -1;
		else {
			/* A memo only the state it was saved with names. */
			clock_gettime(CLOCK_REALTIME, &ts);
			now.memo = hash_bytes(&ts, sizeof(ts)) ^ key;
			now.memo += now.memo == 0;
			/* What the last build left (a replaced package). */
			clearing = aside_start(o->jobs - 1, rmtree, w.tmp);
			/* A memo that fails is removed: the state saved
			 * with its id then finds none. */
			memo_save(o->out, now.memo, cs, n);
			for (i = 0; i < w.nfiles; i++)
				state_out(&now, w.files[i].rel,
				    w.files[i].hash, w.files[i].size);
			state_outdirs(&now, o->out, &w.prev, &w.dirsame);
			now.courses = n;
			now.pages = progress.total;
			now.packages = progress.packages;
			now.warnings = diag_warnings;
			state_save(&now, o->out);
			aside_join(clearing);
		}
		stage("commit");
	}
	if (rc == 0)
		summary(n, progress.total, progress.packages, diag_warnings,
		    0);
end:
	diag_record = record;
	if (w.tmp != NULL)
		fs_rmtree(w.tmp);
	stage("cleanup");
	if (o->last && now.nin > LARGE_INPUTS) {
		/*
		 * The process ends now: freeing a large build piece by
		 * piece only costs time.  Kept here, the memory is still
		 * reachable for the leak checkers.
		 */
		site_left.cs = cs;
		site_left.w = w;
		site_left.now = now;
		site_left.memo = memo;
	} else {
		for (i = 0; i < n; i++)
			course_free(cs[i]);
		free(cs);
		free(w.tmp);
		free(w.dir);
		output_release(&w);
		memo_free(memo);
		state_free(&w.prev);
		state_free(&now);
	}
	if (fd != -1)
		close(fd);
	if (rc != 0)
		fprintf(stderr, "binome: %u error%s%s\n", diag_errors,
		    diag_errors == 1 ? "" : "s", o->check ? "" :
		    "; the previous output is unchanged");
	return rc;
}
