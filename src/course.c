/*
 * Load a course directory into the model: the course, its modules and
 * their lessons, front matter interpreted, ordered by weight then file
 * name.  Author mistakes are diagnostics; loading goes on to find them
 * all.
 */
#include <sys/stat.h>

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "extern.h"

enum scope {
	IN_COURSE,
	IN_MODULE,
	IN_LESSON
};

/*
 * Read a Markdown file: refuse NUL bytes and invalid UTF-8 (with the
 * position of the first bad byte), skip a BOM, split the front matter.
 */
static int
readpage(struct page *pg, struct frontmatter *fm)
{
	struct pos	 p = { pg->src, 0, 0 };
	size_t		 bad, i, off = 0;
	unsigned	 line = 1, col = 1;

	struct stat	 st;

	if (stat(pg->src, &st) == 0 && (uintmax_t)st.st_size > MD_MAXFILE) {
		p.line = 1;
		p.col = 1;
		return diag_err(&p, "page is %ju MB, over the %u MB a page may "
		    "be: split it into several lessons",
		    (uintmax_t)st.st_size / 1000000, MD_MAXFILE >> 20);
	}
	if (fs_read(pg->src, &pg->text, &pg->textlen) == -1)
		return -1;
	if (memchr(pg->text, '\0', pg->textlen) != NULL ||
	    !utf8_valid(pg->text, pg->textlen, &bad)) {
		const char *nul = memchr(pg->text, '\0', pg->textlen);
		int isnul = nul != NULL &&
		    (utf8_valid(pg->text, (size_t)(nul - pg->text), &bad));

		if (isnul)
			bad = (size_t)(nul - pg->text);
		for (i = 0; i < bad; i++) {
			if (pg->text[i] == '\n') {
				line++;
				col = 1;
			} else if (((unsigned char)pg->text[i] & 0xc0) != 0x80)
				col++;
		}
		p.line = line;
		p.col = col;
		return diag_err(&p, isnul ? "file contains a NUL byte" :
		    "file is not valid UTF-8");
	}
	if (pg->textlen >= 3 && memcmp(pg->text, "\xef\xbb\xbf", 3) == 0)
		off = 3;
	if (fm_parse(fm, pg->src, pg->text + off, pg->textlen - off) == -1)
		return -1;
	pg->body = fm->body;
	pg->bodylen = fm->bodylen;
	pg->bodyline = fm->bodyline;
	return 0;
}

/* "02-devenir-mentor" is "devenir-mentor"; "03_x.md" is "x". */
static char *
fileslug(const char *name)
{
	const char	*s = name, *dot;
	size_t		 n;

	while (isdigit((unsigned char)*s))
		s++;
	if (s != name && (*s == '-' || *s == '_') && s[1] != '\0' &&
	    s[1] != '.')
		name = s + 1;
	dot = strrchr(name, '.');
	n = dot != NULL && strcmp(dot, ".md") == 0 ?
	    (size_t)(dot - name) : strlen(name);
	return slugify(name, n);
}

static int
validslug(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (!(islower((unsigned char)*s) || isdigit((unsigned char)*s) ||
		    *s == '-'))
			return 0;
	return 1;
}

/* A version names the zips: letters, digits, '.', '-', '_' and '+'. */
static int
validversion(const char *s)
{
	if (*s == '\0' || *s == '.')
		return 0;
	for (; *s != '\0'; s++)
		if (!(isalnum((unsigned char)*s) || strchr(".-_+", *s) != NULL))
			return 0;
	return 1;
}

static int
assessment(const struct fmval *v, struct assessment *a)
{
	size_t		 i;
	const struct fmval *k;
	int		 rc = 0;

	a->set = 1;
	a->pass = 80;
	a->attempts = 0;
	a->shuffle = 0;
	a->show_answers = 1;
	if (v->type != FM_MAP)
		return diag_err(&v->vpos, "'assessment' must be a mapping "
		    "with pass, attempts, shuffle, show_answers");
	for (i = 0; i < v->nkids; i++) {
		k = &v->kids[i];
		if (strcmp(k->key, "pass") == 0)
			rc |= fm_int(k, 0, 100, &a->pass);
		else if (strcmp(k->key, "attempts") == 0)
			rc |= fm_int(k, 0, 1000, &a->attempts);
		else if (strcmp(k->key, "shuffle") == 0)
			rc |= fm_bool(k, &a->shuffle);
		else if (strcmp(k->key, "show_answers") == 0)
			rc |= fm_bool(k, &a->show_answers);
		else
			diag_warn(&k->pos, "unknown key 'assessment.%s'",
			    k->key);
	}
	return rc ? -1 : 0;
}

static int
targets(const struct fmval *v, int *out)
{
	char	**list = NULL;
	size_t	 n = 0, i;
	int	 rc = 0;

	if (fm_strlist(v, &list, &n) == -1)
		return -1;
	*out = 0;
	for (i = 0; i < n; i++) {
		if (strcmp(list[i], "scorm12") == 0)
			*out |= TARGET_SCORM12;
		else if (strcmp(list[i], "scorm2004") == 0)
			*out |= TARGET_SCORM2004;
		else
			rc = diag_err(&v->vpos, "unknown target '%s' "
			    "(expected scorm12, scorm2004)", list[i]);
	}
	fs_list_free(list, n);
	return rc;
}

/* Interpret the keys every page has, and those of its scope. */
static int
keys(struct course *c, struct page *pg, struct module *m,
    const struct fmval *root, enum scope scope)
{
	const struct fmval *v;
	size_t		 i;
	int		 rc = 0, r;

	for (i = 0; i < root->nkids; i++) {
		v = &root->kids[i];
		r = 0;
		if (strcmp(v->key, "title") == 0)
			r = fm_str(v, &pg->title);
		else if (strcmp(v->key, "description") == 0)
			r = fm_str(v, &pg->description);
		else if (strcmp(v->key, "duration") == 0)
			r = fm_str(v, &pg->duration);
		else if (strcmp(v->key, "objectives") == 0 && scope != IN_COURSE)
			r = fm_strlist(v, &pg->objectives, &pg->nobjectives);
		else if (strcmp(v->key, "weight") == 0 && scope != IN_COURSE)
			r = fm_int(v, -1000000, 1000000, &pg->weight);
		else if (strcmp(v->key, "draft") == 0 && scope == IN_LESSON)
			r = fm_bool(v, &pg->draft);
		else if (strcmp(v->key, "slug") == 0 && scope != IN_COURSE) {
			if ((r = fm_str(v, &pg->slug)) == 0 &&
			    !validslug(pg->slug))
				r = diag_err(&v->vpos, "slug '%s' must use only "
				    "a-z, 0-9 and '-'", pg->slug);
		} else if (strcmp(v->key, "assessment") == 0 &&
		    scope == IN_LESSON)
			r = fm_bool(v, &pg->assessment);
		else if (strcmp(v->key, "assessment") == 0 && scope == IN_MODULE)
			r = assessment(v, &m->assess);
		else if (scope != IN_COURSE)
			diag_warn(&v->pos, "unknown key '%s'", v->key);
		else if (strcmp(v->key, "id") == 0) {
			if ((r = fm_str(v, &c->id)) == 0 && !validslug(c->id))
				r = diag_err(&v->vpos, "id '%s' must use only "
				    "a-z, 0-9 and '-'", c->id);
		} else if (strcmp(v->key, "lang") == 0)
			r = fm_str(v, &c->lang);
		else if (strcmp(v->key, "version") == 0) {
			if ((r = fm_str(v, &c->version)) == 0 &&
			    !validversion(c->version))
				r = diag_err(&v->vpos, "version '%s' must use "
				    "only letters, digits, '.', '-', '_' and "
				    "'+', as in 1.2.0", c->version);
		}
		else if (strcmp(v->key, "authors") == 0)
			r = fm_strlist(v, &c->authors, &c->nauthors);
		else if (strcmp(v->key, "audience") == 0)
			r = fm_str(v, &c->audience);
		else if (strcmp(v->key, "pass") == 0)
			r = fm_int(v, 0, 100, &c->pass);
		else if (strcmp(v->key, "unsafe_html") == 0)
			r = fm_bool(v, &c->unsafe_html);
		else if (strcmp(v->key, "targets") == 0)
			r = targets(v, &c->targets);
		else if (strcmp(v->key, "package") == 0) {
			if (v->type != FM_SCALAR)
				r = diag_err(&v->vpos, "'package' must be "
				    "course, module or both");
			else if (strcmp(v->str, "course") == 0)
				c->packmode = PACK_COURSE;
			else if (strcmp(v->str, "module") == 0)
				c->packmode = PACK_MODULE;
			else if (strcmp(v->str, "both") == 0)
				c->packmode = PACK_COURSE | PACK_MODULE;
			else
				r = diag_err(&v->vpos, "'package' must be "
				    "course, module or both, not '%s'", v->str);
		} else
			diag_warn(&v->pos, "unknown key '%s'", v->key);
		rc |= r;
	}
	if (pg->title == NULL || pg->title[0] == '\0') {
		struct pos p = { pg->src, 1, 1 };

		free(pg->title);
		pg->title = xstrdup("");
		rc = diag_err(&p, "missing 'title' in the front matter");
	}
	return rc ? -1 : 0;
}

/*
 * Load a page: from the last build's memo when its source has the same
 * stat (st, or NULL when unknown), else from the file.
 */
static int
loadpage(struct course *c, struct page *pg, struct module *m,
    enum scope scope, const struct stat *st)
{
	struct frontmatter fm;
	struct diagmark	 mark;
	const struct memo_page *e;
	int		 rc;

	memset(&fm, 0, sizeof(fm));
	pg->srcdir = fs_dirname(pg->src);
	if (scope != IN_COURSE)
		pg->was = memo_was(memo_prev, pg->src);
	if (st != NULL && scope != IN_COURSE &&
	    (e = memo_find(memo_prev, pg->src, st)) != NULL) {
		memo_loaded(pg, m, e);
		pg->mtime = e->mtime;
		pg->size = e->size;
		pg->ino = e->ino;
		return 0;
	}
	diag_mark(&mark);
	if ((rc = readpage(pg, &fm)) == 0)
		rc = keys(c, pg, m, &fm.root, scope);
	else if (pg->title == NULL)
		pg->title = xstrdup("");
	fm_release(&fm);
	pg->loadsaid = diag_since(&mark, &pg->loadwarn);
	/*
	 * Remember its stat for the next build, with time 0 when it
	 * changed within two seconds: a change in the same tick would not
	 * show.
	 */
	if (rc == 0 && st != NULL && S_ISREG(st->st_mode)) {
		if (st->st_mtim.tv_sec + 2 < time(NULL))
			pg->mtime = fs_mtime(st);
		pg->size = (uint64_t)st->st_size;
		pg->ino = (uint64_t)st->st_ino;
	}
	return rc;
}

/* The text of a page loaded from the memo, to render it after all. */
int
course_read(struct page *pg)
{
	struct frontmatter fm;
	int		 rc;

	if (pg->text != NULL)
		return 0;
	memset(&fm, 0, sizeof(fm));
	rc = readpage(pg, &fm);
	fm_release(&fm);
	return rc;
}

/* Forget what rendering pg gave, to render it again. */
void
course_unrender(struct page *pg)
{
	size_t	 i;

	free(pg->html);
	free(pg->plain);
	pg->html = pg->plain = NULL;
	for (i = 0; i < pg->nheads; i++) {
		free(pg->heads[i].id);
		free(pg->heads[i].text);
	}
	free(pg->heads);
	pg->heads = NULL;
	pg->nheads = 0;
	for (i = 0; i < pg->nquizzes; i++)
		quiz_free(pg->quizzes[i]);
	free(pg->quizzes);
	pg->quizzes = NULL;
	pg->nquizzes = 0;
	for (i = 0; i < pg->ndeps; i++) {
		free(pg->deps[i].path);
		free(pg->deps[i].out);
		free(pg->deps[i].url);
		free(pg->deps[i].frag);
	}
	free(pg->deps);
	pg->deps = NULL;
	pg->ndeps = 0;
	free(pg->rendersaid);
	pg->rendersaid = NULL;
	pg->renderwarn = 0;
	free(pg->entry);
	pg->entry = NULL;
	pg->rendered = 0;
}

/* Free what pg holds, not pg itself. */
void
course_page_release(struct page *pg)
{
	course_unrender(pg);
	free(pg->src);
	free(pg->srcdir);
	free(pg->title);
	free(pg->description);
	free(pg->duration);
	fs_list_free(pg->objectives, pg->nobjectives);
	free(pg->slug);
	free(pg->out);
	free(pg->text);
	free(pg->loadsaid);
}

static int
bypos(const void *a, const void *b)
{
	const struct page *x = *(struct page *const *)a;
	const struct page *y = *(struct page *const *)b;

	if (x->weight != y->weight)
		return x->weight < y->weight ? -1 : 1;
	return strcmp(x->src, y->src);
}

static int
bymod(const void *a, const void *b)
{
	const struct module *x = *(struct module *const *)a;
	const struct module *y = *(struct module *const *)b;

	if (x->page.weight != y->page.weight)
		return x->page.weight < y->page.weight ? -1 : 1;
	return strcmp(x->page.src, y->page.src);
}

const struct state *course_seen;

/*
 * lstat, from what the build's walk of its inputs saw when it can: ten
 * thousand lessons are then not asked about twice.
 */
static int
known(const char *path, struct stat *st)
{
	if (course_seen != NULL && state_lstat(course_seen, path, st) == 0)
		return 0;
	return lstat(path, st);
}

/* Is path of type (S_IFDIR, S_IFREG), a link followed? */
static int
isa(const char *path, mode_t type)
{
	struct stat	 st;

	if (known(path, &st) == -1)
		return 0;
	if (S_ISLNK(st.st_mode))
		return type == S_IFDIR ? fs_isdir(path) : fs_isfile(path);
	return (st.st_mode & S_IFMT) == type;
}

/* fs_list, from the walk when it can. */
static char **
list(const char *dir, size_t *np)
{
	char	**v;

	if (course_seen != NULL &&
	    (v = state_list(course_seen, dir, np)) != NULL)
		return v;
	return fs_list(dir, np);
}

/* Refuse links that lead outside the course; lstat, not stat. */
static int
islink(const char *path)
{
	struct stat	 st;

	return known(path, &st) == 0 && S_ISLNK(st.st_mode);
}

static int
loadmodule(struct course *c, struct module *m, const struct opts *o)
{
	char		**names, *path, *idx;
	size_t		 n, i;
	struct page	*l;
	struct stat	 st;
	int		 rc, link, dir;

	rc = loadpage(c, &m->page, m, IN_MODULE, known(m->page.src, &st) == 0 &&
	    S_ISREG(st.st_mode) ? &st : NULL);
	if ((names = list(m->page.srcdir, &n)) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		path = fs_join(m->page.srcdir, names[i]);
		idx = NULL;
		/* One lstat a lesson: what it points to only for a link. */
		if (known(path, &st) == -1)
			st.st_mode = 0;
		link = S_ISLNK(st.st_mode);
		dir = link ? fs_isdir(path) : S_ISDIR(st.st_mode);
		if (names[i][0] == '.' || strcmp(names[i], "_index.md") == 0 ||
		    (dir && !isa(idx = fs_join(path, "index.md"), S_IFREG)) ||
		    (!dir && (strlen(names[i]) < 4 ||
		    strcmp(names[i] + strlen(names[i]) - 3, ".md") != 0))) {
			free(idx);
			free(path);
			continue;
		}
		if (link) {
			struct pos p = { path, 0, 0 };

			rc = diag_err(&p, "symbolic links are not followed; "
			    "move the lesson into the course");
			free(idx);
			free(path);
			continue;
		}
		l = xcalloc(1, sizeof(*l));
		l->kind = PAGE_LESSON;
		l->module = m;
		l->src = idx != NULL ? idx : xstrdup(path);
		l->slug = fileslug(names[i]);
		free(path);
		/* A lesson in a directory is its index.md. */
		if (dir && (known(l->src, &st) == -1 || !S_ISREG(st.st_mode)))
			st.st_mode = 0;
		if (loadpage(c, l, m, IN_LESSON, st.st_mode ? &st : NULL) == -1)
			rc = -1;
		if (l->draft && !o->drafts) {
			course_page_release(l);
			free(l);
			continue;
		}
		m->lessons = xreallocarray(m->lessons, m->nlessons + 1,
		    sizeof(*m->lessons));
		m->lessons[m->nlessons++] = l;
	}
	fs_list_free(names, n);
	if (m->nlessons > 1)
		qsort(m->lessons, m->nlessons, sizeof(*m->lessons), bypos);
	if (m->nlessons == 0) {
		struct pos p = { m->page.src, 1, 1 };

		diag_warn(&p, "module '%s' has no lessons", m->page.title);
	}
	return rc;
}

/* Give every page its output path and place; find duplicate slugs. */
static int
place(struct course *c)
{
	struct strmap	 slugs = STRMAP_INIT;
	size_t		 i, j, k;
	struct module	*m;
	struct page	*l;
	long		*first;
	int		 rc = 0;

	c->page.out = xstrdup("index.html");
	c->page.index = 0;
	c->pages = xreallocarray(NULL, 1, sizeof(*c->pages));
	c->pages[0] = &c->page;
	c->npages = 1;
	for (i = 0; i < c->nmodules; i++) {
		m = c->modules[i];
		m->index = i;
		/* A map: a thousand modules are not compared pair by pair. */
		if ((first = strmap_get(&slugs, m->page.slug)) != NULL) {
			struct pos p = { m->page.src, 1, 1 };

			rc = diag_err(&p, "module slug '%s' is also used by %s",
			    m->page.slug, c->modules[*first]->page.src);
		} else
			strmap_lend(&slugs, m->page.slug, (long)i);
		m->page.out = xconcat(m->page.slug, "/index.html", (char *)NULL);
		c->pages = xreallocarray(c->pages, c->npages + 1 + m->nlessons,
		    sizeof(*c->pages));
		m->page.index = c->npages;
		c->pages[c->npages++] = &m->page;
		for (j = 0; j < m->nlessons; j++) {
			l = m->lessons[j];
			for (k = 0; k < j; k++)
				if (strcmp(m->lessons[k]->slug, l->slug) == 0) {
					struct pos p = { l->src, 1, 1 };

					rc = diag_err(&p, "lesson slug '%s' is "
					    "also used by %s", l->slug,
					    m->lessons[k]->src);
					break;
				}
			if (strcmp(l->slug, "index") == 0) {
				struct pos p = { l->src, 1, 1 };

				rc = diag_err(&p, "lesson slug 'index' is "
				    "reserved for the module page");
			}
			l->out = xconcat(m->page.slug, "/", l->slug, ".html",
			    (char *)NULL);
			l->index = c->npages;
			c->pages[c->npages++] = l;
		}
	}
	strmap_release(&slugs);
	return rc;
}

/*
 * Load the course in dir.  Returns NULL only when the directory is not a
 * course at all; otherwise a course, with diag_errors counting mistakes.
 * The caller frees it with course_free().
 */
struct course *
course_load(const char *dir, const struct opts *o)
{
	struct course	*c;
	struct module	*m;
	char		**names, *path, *idx;
	size_t		 n, i;

	c = xcalloc(1, sizeof(*c));
	c->memo.b = (struct buf)BUF_INIT;
	c->dir = xstrdup(dir);
	c->page.kind = PAGE_COURSE;
	c->page.src = fs_join(dir, "_index.md");
	c->pass = 80;
	c->packmode = PACK_COURSE;
	c->targets = TARGET_SCORM12 | TARGET_SCORM2004;
	loadpage(c, &c->page, NULL, IN_COURSE, NULL);
	c->page.slug = xstrdup("");
	if (c->id == NULL)
		c->id = fileslug(fs_basename(dir));
	if (c->id[0] == '\0') {
		struct pos p = { c->page.src, 1, 1 };

		diag_err(&p, "set 'id' in the front matter: the directory "
		    "name gives no usable id");
	}
	if (c->lang == NULL)
		c->lang = xstrdup("en");
	if (c->version == NULL)
		c->version = xstrdup("1.0.0");
	if (o->targets)
		c->targets = o->targets;
	if (o->packmode)
		c->packmode = o->packmode;
	path = fs_join(dir, "theme");
	if (fs_isdir(path))
		c->themedir = path;
	else
		free(path);

	if ((names = list(dir, &n)) == NULL)
		return c;
	for (i = 0; i < n; i++) {
		path = fs_join(dir, names[i]);
		idx = fs_join(path, "_index.md");
		if (names[i][0] == '.' || strcmp(names[i], "theme") == 0 ||
		    !isa(path, S_IFDIR) || !isa(idx, S_IFREG)) {
			free(idx);
			free(path);
			continue;
		}
		if (islink(path)) {
			struct pos p = { path, 0, 0 };

			diag_err(&p, "symbolic links are not followed; "
			    "move the module into the course");
			free(idx);
			free(path);
			continue;
		}
		m = xcalloc(1, sizeof(*m));
		m->page.kind = PAGE_MODULE;
		m->page.src = idx;
		m->page.module = m;
		m->page.slug = fileslug(names[i]);
		free(path);
		loadmodule(c, m, o);
		c->modules = xreallocarray(c->modules, c->nmodules + 1,
		    sizeof(*c->modules));
		c->modules[c->nmodules++] = m;
	}
	fs_list_free(names, n);
	if (c->nmodules > 1)
		qsort(c->modules, c->nmodules, sizeof(*c->modules), bymod);
	if (c->nmodules == 0) {
		struct pos p = { c->page.src, 1, 1 };

		diag_err(&p, "course has no modules: add a directory with "
		    "an _index.md");
	}
	place(c);
	return c;
}

/*
 * Register a file that a page references (an image, a download) and
 * return its output path relative to the course; path is relative to
 * the course directory and already normalised.
 */
const char *
course_asset(struct course *c, const char *path)
{
	long	*i;

	if ((i = strmap_get(&c->assetidx, path)) != NULL)
		return c->assets[*i].out;
	c->assets = xreallocarray(c->assets, c->nassets + 1,
	    sizeof(*c->assets));
	c->assets[c->nassets].src = fs_join(c->dir, path);
	c->assets[c->nassets].out = xasprintf("media/%s", path);
	strmap_put(&c->assetidx, path, (long)c->nassets);
	return c->assets[c->nassets++].out;
}

struct page *
course_page(struct course *c, const char *path)
{
	long	*i;
	size_t	 k;

	if (c->pageidx.n == 0)
		for (k = 0; k < c->npages; k++)
			strmap_lend(&c->pageidx, c->pages[k]->src, (long)k);
	return (i = strmap_get(&c->pageidx, path)) != NULL ?
	    c->pages[*i] : NULL;
}

void
course_free(struct course *c)
{
	size_t	 i, j;

	if (c == NULL)
		return;
	for (i = 0; i < c->nmodules; i++) {
		for (j = 0; j < c->modules[i]->nlessons; j++) {
			course_page_release(c->modules[i]->lessons[j]);
			free(c->modules[i]->lessons[j]);
		}
		free(c->modules[i]->lessons);
		course_page_release(&c->modules[i]->page);
		free(c->modules[i]);
	}
	free(c->modules);
	course_page_release(&c->page);
	free(c->pages);
	for (i = 0; i < c->nassets; i++) {
		free(c->assets[i].src);
		free(c->assets[i].out);
	}
	free(c->assets);
	strmap_release(&c->assetidx);
	strmap_release(&c->pageidx);
	buf_release(&c->memo.b);
	free(c->memo.runs);
	free(c->dir);
	free(c->id);
	free(c->lang);
	free(c->version);
	fs_list_free(c->authors, c->nauthors);
	free(c->audience);
	free(c->themedir);
	free(c);
}
