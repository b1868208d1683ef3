/*
 * The memo of the last build, OUT/.binome-memo: for every module and
 * lesson page, what loading and rendering it gave.  A page whose source
 * has the same stat is then not read again; one whose rendering would
 * take the same things from outside its source (memo key, context,
 * links, files) is not rendered again either: its page is kept and
 * what it said is said again.  So one edit in ten thousand lessons
 * costs the pages of one module.
 *
 * The memo goes with the state file (state.c): the state names the
 * memo's id, so a memo from another build is never believed.  A source
 * changed within two seconds of its build is recorded with time 0 (its
 * time may not show the next change): never taken for its stat, but
 * still what its page showed (memo_was), for the next build to compare.
 *
 * Format: "binome-memo 1\n", then varints (u; i when zigzag, for
 * signed numbers) and strings (s: length plus one, 0 for none, then the
 * bytes):
 *	u id, then per page:
 *	s src, i mtime, u size, u ino
 *	load:   s title, s description, s duration, u n, n * s objective,
 *		i weight, u draft, u assessment, s slug,
 *		u line, u col (of 'assessment'), u set, i pass, i attempts,
 *		u shuffle, u show_answers,
 *		s said, u warnings
 *	render: u 0 (none) or 1, then u key, u ctx, u srch, u unitkey,
 *		u part, u line (of its search entry),
 *		u n, n * (s id, u level),
 *		u n, n * (u kind, s path, s out, s url, s frag, u line, u col),
 *		u n, n * (s id, u type, i points, u graded,
 *		u autoid, u line, u col, u statesize),
 *		s said, u warnings
 */
#include <sys/stat.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "extern.h"

#define MEMO_FILE	".binome-memo"
#define MEMO_MAGIC	"binome-memo 1\n"

const struct memo *memo_prev;

struct memo {
	const char	*data;	/* the file, mapped: entries point into it */
	size_t		 len;
	struct memo_page *pages;
	size_t		 npages;
	struct strmap	 idx;	/* src -> index in pages */
};

/* ---- reading --------------------------------------------------- */

struct rd {
	const unsigned char *p, *end;
	int		 bad;
};

static uint64_t
get_u(struct rd *r)
{
	uint64_t	 v = 0;
	unsigned	 shift = 0;

	while (!r->bad) {
		if (r->p >= r->end || shift > 63) {
			r->bad = 1;
			break;
		}
		v |= (uint64_t)(*r->p & 0x7f) << shift;
		if ((*r->p++ & 0x80) == 0)
			return v;
		shift += 7;
	}
	return 0;
}

static int64_t
get_i(struct rd *r)
{
	uint64_t	 v = get_u(r);

	return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

/* A string, or NULL; with keep 0 only skipped. */
static char *
get_s(struct rd *r, int keep)
{
	uint64_t	 n = get_u(r);
	char		*s;

	if (r->bad || n == 0)
		return NULL;
	if (n - 1 > (uint64_t)(r->end - r->p) ||
	    memchr(r->p, '\0', (size_t)(n - 1)) != NULL) {
		r->bad = 1;
		return NULL;
	}
	s = keep ? xstrndup((const char *)r->p, (size_t)(n - 1)) : NULL;
	r->p += n - 1;
	return s;
}

/* A count of n items of at least min bytes each. */
static size_t
get_n(struct rd *r, size_t min)
{
	uint64_t	 n = get_u(r);

	if (n > (uint64_t)(r->end - r->p) / min) {
		r->bad = 1;
		return 0;
	}
	return (size_t)n;
}

static unsigned
get_line(struct rd *r)
{
	uint64_t	 v = get_u(r);

	if (v > 0xffffffffu)
		r->bad = 1;
	return (unsigned)v;
}

/*
 * The load part, into pg and m when pg is set; only checked otherwise.
 */
static void
rd_load(struct rd *r, struct page *pg, struct module *m)
{
	struct page	 skip;
	struct assessment a;
	size_t		 i, n;
	int		 keep = pg != NULL;

	memset(&skip, 0, sizeof(skip));
	if (pg == NULL)
		pg = &skip;
	memset(&a, 0, sizeof(a));
	pg->title = get_s(r, keep);
	pg->description = get_s(r, keep);
	pg->duration = get_s(r, keep);
	n = get_n(r, 1);
	if (keep && n > 0)
		pg->objectives = xcalloc(n, sizeof(*pg->objectives));
	for (i = 0; i < n && !r->bad; i++) {
		char *o = get_s(r, keep);

		if (keep) {
			pg->objectives[i] = o != NULL ? o : xstrdup("");
			pg->nobjectives = i + 1;
		}
	}
	pg->weight = (long)get_i(r);
	pg->draft = get_u(r) != 0;
	pg->assessment = get_u(r) != 0;
	free(pg->slug);
	pg->slug = get_s(r, keep);
	pg->assesspos.file = pg->src;
	pg->assesspos.line = get_line(r);
	pg->assesspos.col = get_line(r);
	a.set = get_u(r) != 0;
	a.pass = (long)get_i(r);
	a.attempts = (long)get_i(r);
	a.shuffle = get_u(r) != 0;
	a.show_answers = get_u(r) != 0;
	if (keep && m != NULL && pg == &m->page)
		m->assess = a;
	pg->loadsaid = get_s(r, keep);
	pg->loadwarn = get_line(r);
	if (keep && pg->title == NULL)
		pg->title = xstrdup("");
	if (keep && pg->slug == NULL)
		pg->slug = xstrdup("");
}

/*
 * The render part, into pg when pg is set (with quizzes 1, only its
 * quizzes); only checked otherwise.  Returns its number of quizzes.
 */
static size_t
rd_render(struct rd *r, struct page *pg, int quizzes)
{
	struct page	 skip;
	struct quiz	*q;
	struct dep	*d;
	size_t		 i, n;
	int		 any = pg != NULL, keep = any && !quizzes;

	memset(&skip, 0, sizeof(skip));
	if (pg == NULL)
		pg = &skip;
	if (get_u(r) == 0)
		return 0;
	get_u(r);	/* key and ctx: read at load */
	get_u(r);
	pg->srch = get_u(r);
	get_u(r);	/* unitkey: read at load */
	if (keep) {
		pg->sgroup = (size_t)get_u(r);
		pg->sline = (size_t)get_u(r);
	} else
		get_u(r), get_u(r);
	n = get_n(r, 2);
	if (keep && n > 0)
		pg->heads = xcalloc(n, sizeof(*pg->heads));
	for (i = 0; i < n && !r->bad; i++) {
		char *id = get_s(r, keep);
		unsigned level = get_line(r);

		if (!keep)
			continue;
		pg->heads[i].id = id != NULL ? id : xstrdup("");
		pg->heads[i].level = (int)level;
		pg->nheads = i + 1;
	}
	n = get_n(r, 7);
	if (keep && n > 0)
		pg->deps = xcalloc(n, sizeof(*pg->deps));
	for (i = 0; i < n && !r->bad; i++) {
		struct dep none;

		d = keep ? &pg->deps[i] : &none;
		d->kind = get_u(r) == DEP_FILE ? DEP_FILE : DEP_PAGE;
		d->path = get_s(r, keep);
		d->out = get_s(r, keep);
		d->url = get_s(r, keep);
		d->frag = get_s(r, keep);
		d->line = get_line(r);
		d->col = get_line(r);
		if (keep) {
			pg->ndeps = i + 1;
			if (d->path == NULL)
				d->path = xstrdup("");
		}
	}
	keep = any;
	n = get_n(r, 8);
	if (keep && n > 0)
		pg->quizzes = xcalloc(n, sizeof(*pg->quizzes));
	for (i = 0; i < n && !r->bad; i++) {
		char *id = get_s(r, keep);
		uint64_t type = get_u(r);

		q = keep ? xcalloc(1, sizeof(*q)) : NULL;
		if (type > QUIZ_REFLECT)
			r->bad = 1;
		if (q == NULL) {
			get_u(r), get_u(r), get_u(r), get_u(r), get_u(r);
			get_u(r);
			continue;
		}
		q->id = id != NULL ? id : xstrdup("");
		q->type = (enum quiztype)type;
		q->points = (long)get_i(r);
		q->graded = get_u(r) != 0;
		q->autoid = get_u(r) != 0;
		q->pos.file = pg->src;
		q->pos.line = get_line(r);
		q->pos.col = get_line(r);
		q->statesize = (size_t)get_u(r);
		q->page = pg;
		pg->quizzes[i] = q;
		pg->nquizzes = i + 1;
	}
	keep = any && !quizzes;
	pg->rendersaid = get_s(r, keep);
	pg->renderwarn = get_line(r);
	return n;
}

struct memo *
memo_parse(const char *data, size_t len, uint64_t id)
{
	struct memo	*m;
	struct memo_page *e;
	struct rd	 r;
	size_t		 cap = 0;

	if (len < sizeof(MEMO_MAGIC) - 1 ||
	    memcmp(data, MEMO_MAGIC, sizeof(MEMO_MAGIC) - 1) != 0)
		return NULL;
	r.p = (const unsigned char *)data + sizeof(MEMO_MAGIC) - 1;
	r.end = (const unsigned char *)data + len;
	r.bad = 0;
	if (get_u(&r) != id || r.bad || id == 0)
		return NULL;
	m = xcalloc(1, sizeof(*m));
	while (r.p < r.end && !r.bad) {
		if (m->npages == cap) {
			cap = cap ? cap * 2 : 256;
			m->pages = xreallocarray(m->pages, cap,
			    sizeof(*m->pages));
		}
		e = &m->pages[m->npages];
		memset(e, 0, sizeof(*e));
		e->start = r.p;
		e->src = get_s(&r, 1);
		e->mtime = get_i(&r);
		e->size = get_u(&r);
		e->ino = get_u(&r);
		e->load = r.p;
		rd_load(&r, NULL, NULL);
		e->render = r.p;
		if (!r.bad && r.p < r.end && *r.p == 1) {
			struct rd k = r;

			get_u(&k);
			e->key = get_u(&k);
			e->ctx = get_u(&k);
			e->srch = get_u(&k);
			e->unitkey = get_u(&k);
			e->sgroup = get_u(&k);
			e->sline = get_u(&k);
		}
		e->nquizzes = rd_render(&r, NULL, 0);
		e->end = r.p;
		if (e->src == NULL)
			r.bad = 1;
		if (r.bad) {
			free(e->src);
			break;
		}
		strmap_lend(&m->idx, e->src, (long)m->npages++);
	}
	if (r.bad) {
		memo_free(m);
		return NULL;
	}
	return m;
}

/* OUT's memo if it is the one id names; NULL otherwise, quietly. */
struct memo *
memo_load(const char *outdir, uint64_t id)
{
	struct memo	*m;
	const char	*data;
	char		*path;
	size_t		 len;
	int		 rc;

	if (id == 0)
		return NULL;
	path = fs_join(outdir, MEMO_FILE);
	rc = fs_map(path, &data, &len);
	free(path);
	if (rc == -1)
		return NULL;
	if ((m = memo_parse(data, len, id)) == NULL) {
		fs_unmap(data, len);
		return NULL;
	}
	m->data = data;
	m->len = len;
	return m;
}

void
memo_free(struct memo *m)
{
	size_t	 i;

	if (m == NULL)
		return;
	for (i = 0; i < m->npages; i++)
		free(m->pages[i].src);
	free(m->pages);
	strmap_release(&m->idx);
	fs_unmap(m->data, m->len);
	free(m);
}

/* The nth record, or NULL (for the fuzzer). */
const struct memo_page *
memo_nth(const struct memo *m, size_t n)
{
	return n < m->npages ? &m->pages[n] : NULL;
}

/* The last build's record of src, whatever its stat. */
const struct memo_page *
memo_was(const struct memo *m, const char *src)
{
	long	*i;

	if (m == NULL || (i = strmap_get(&m->idx, src)) == NULL)
		return NULL;
	return &m->pages[*i];
}

/* The record of src if its stat is the recorded one (time 0: none). */
const struct memo_page *
memo_find(const struct memo *m, const char *src, const struct stat *st)
{
	const struct memo_page *e = memo_was(m, src);

	if (e == NULL || e->mtime == 0 || e->mtime != fs_mtime(st) ||
	    e->size != (uint64_t)st->st_size ||
	    e->ino != (uint64_t)st->st_ino)
		return NULL;
	return e;
}

/* Load pg (of module m, if any) from its record, saying what it said. */
void
memo_loaded(struct page *pg, struct module *m, const struct memo_page *e)
{
	struct rd	 r = { e->load, e->render, 0 };

	rd_load(&r, pg, m);
	pg->memo = e;
	diag_replay(pg->loadsaid, pg->loadwarn);
}

/*
 * Its rendering as the last build's: heads, links, quizzes and what it
 * said (md_reuse says it again).  course_unrender() undoes it.
 */
void
memo_rendered(struct page *pg)
{
	struct rd	 r = { pg->memo->render, pg->memo->end, 0 };

	if (pg->rendered)
		return;	/* once is enough (a link to it asked first) */
	rd_render(&r, pg, 0);
	pg->rendered = 1;
}

/* Only its quizzes, as the last build's (for the packages). */
void
memo_quizzes(struct page *pg)
{
	struct rd	 r = { pg->memo->render, pg->memo->end, 0 };

	if (pg->memo->nquizzes > 0)
		rd_render(&r, pg, 1);
}

/* a and b both NULL, or the same string. */
static int
same_s(const char *a, const char *b)
{
	return a == NULL || b == NULL ? a == b : strcmp(a, b) == 0;
}

/* Are the headings, links and quizzes of x and y the same? */
static int
same_render(const struct page *x, const struct page *y)
{
	const struct dep *d, *e;
	const struct quiz *q, *r;
	size_t		 i;

	if (x->nheads != y->nheads || x->ndeps != y->ndeps ||
	    x->nquizzes != y->nquizzes)
		return 0;
	for (i = 0; i < x->nheads; i++)
		if (x->heads[i].level != y->heads[i].level ||
		    !same_s(x->heads[i].id, y->heads[i].id))
			return 0;
	for (i = 0; i < x->ndeps; i++) {
		d = &x->deps[i];
		e = &y->deps[i];
		if (d->kind != e->kind || !same_s(d->path, e->path) ||
		    !same_s(d->out, e->out) || !same_s(d->url, e->url) ||
		    !same_s(d->frag, e->frag))
			return 0;
	}
	for (i = 0; i < x->nquizzes; i++) {
		q = x->quizzes[i];
		r = y->quizzes[i];
		if (q->type != r->type || q->points != r->points ||
		    q->graded != r->graded || q->autoid != r->autoid ||
		    q->statesize != r->statesize || !same_s(q->id, r->id))
			return 0;
	}
	return 1;
}

/* ---- writing --------------------------------------------------- */

/* In place, not a byte at a time through buf_putc: 3 MB at 10,000. */
static void
put_u(struct buf *b, uint64_t v)
{
	unsigned char	*p;

	if (b->cap - b->len < 11)
		buf_grow(b, 10);
	p = (unsigned char *)b->data + b->len;
	for (; v >= 0x80; v >>= 7)
		*p++ = (unsigned char)((v & 0x7f) | 0x80);
	*p++ = (unsigned char)v;
	*p = '\0';
	b->len = (size_t)((char *)p - b->data);
}

static void
put_i(struct buf *b, int64_t v)
{
	put_u(b, ((uint64_t)v << 1) ^ (uint64_t)(v >> 63));
}

static void
put_s(struct buf *b, const char *s)
{
	size_t	 n;

	if (s == NULL) {
		put_u(b, 0);
		return;
	}
	n = strlen(s);
	put_u(b, (uint64_t)n + 1);
	buf_put(b, s, n);
}

/* What loading pg gave: the part other pages may show. */
static void
put_load(struct buf *b, const struct page *pg)
{
	const struct assessment *a;
	struct assessment none;
	size_t		 i;

	memset(&none, 0, sizeof(none));
	a = pg->kind == PAGE_MODULE ? &pg->module->assess : &none;
	put_s(b, pg->title);
	put_s(b, pg->description);
	put_s(b, pg->duration);
	put_u(b, pg->nobjectives);
	for (i = 0; i < pg->nobjectives; i++)
		put_s(b, pg->objectives[i]);
	put_i(b, pg->weight);
	put_u(b, (uint64_t)pg->draft);
	put_u(b, (uint64_t)pg->assessment);
	put_s(b, pg->slug);
	put_u(b, pg->assesspos.line);
	put_u(b, pg->assesspos.col);
	put_u(b, (uint64_t)a->set);
	put_i(b, a->pass);
	put_i(b, a->attempts);
	put_u(b, (uint64_t)a->shuffle);
	put_u(b, (uint64_t)a->show_answers);
	put_s(b, pg->loadsaid);
	put_u(b, pg->loadwarn);
}

static void
put_page(struct buf *b, const struct course *c, const struct page *pg)
{
	size_t		 i;

	put_s(b, pg->src);
	put_i(b, pg->mtime);
	put_u(b, pg->size);
	put_u(b, pg->ino);
	put_load(b, pg);
	if (!pg->rendered) {
		put_u(b, 0);
		return;
	}
	put_u(b, 1);
	put_u(b, c->memokey);
	put_u(b, pg->ctx);
	put_u(b, pg->srch);
	put_u(b, pg->unitkey);
	put_u(b, pg->sgroup);
	put_u(b, pg->sline);
	put_u(b, pg->nheads);
	for (i = 0; i < pg->nheads; i++) {
		put_s(b, pg->heads[i].id);
		put_u(b, (uint64_t)pg->heads[i].level);
	}
	put_u(b, pg->ndeps);
	for (i = 0; i < pg->ndeps; i++) {
		const struct dep *d = &pg->deps[i];

		put_u(b, d->kind);
		put_s(b, d->path);
		put_s(b, d->out);
		put_s(b, d->url);
		put_s(b, d->frag);
		put_u(b, d->line);
		put_u(b, d->col);
	}
	put_u(b, pg->nquizzes);
	for (i = 0; i < pg->nquizzes; i++) {
		const struct quiz *q = pg->quizzes[i];

		put_s(b, q->id);
		put_u(b, q->type);
		put_i(b, q->points);
		put_u(b, (uint64_t)q->graded);
		put_u(b, (uint64_t)q->autoid);
		put_u(b, q->pos.line);
		put_u(b, q->pos.col);
		put_u(b, q->statesize);
	}
	put_s(b, pg->rendersaid);
	put_u(b, pg->renderwarn);
}

/*
 * Does pg, loaded and rendered again, show the other pages and the
 * course what its last record (pg->was) says it did: the same load
 * part (front matter, what loading said), headings, links and quizzes?
 * Line numbers aside: they only place what is said.
 */
int
memo_same(const struct page *pg)
{
	const struct memo_page *e = pg->was;
	struct buf	 b = BUF_INIT;
	struct page	 old;
	struct rd	 r = { e->render, e->end, 0 };
	int		 same;

	put_load(&b, pg);
	same = e->key != 0 && b.len == (size_t)(e->render - e->load) &&
	    memcmp(b.data, e->load, b.len) == 0;
	buf_release(&b);
	if (!same)
		return 0;
	memset(&old, 0, sizeof(old));
	old.src = pg->src;
	rd_render(&r, &old, 0);
	same = !r.bad && same_render(pg, &old);
	course_unrender(&old);
	return same;
}

/*
 * The records of c's pages into c->memo, once they are rendered (only
 * a large course has them: c->memokey set).  Alone on a thread while
 * the packages are made.
 */
void
memo_put(struct course *c)
{
	struct memo_out	*o = &c->memo;
	const struct memo_page *e;
	const struct page *pg;
	struct memo_run	*r;
	const unsigned char *old;
	size_t		 k, off, len;

	buf_truncate(&o->b, 0);
	o->nruns = 0;
	for (k = 1; c->memokey != 0 && k < c->npages; k++) {
		if ((pg = c->pages[k])->ino == 0)
			continue;
		/*
		 * A page taken whole from the last memo, in the same place:
		 * its record again, as it was, left where it is (most of a
		 * large build's pages; copied, they would cost a first touch
		 * of as many new pages of memory).
		 */
		if ((e = pg->memo) != NULL && pg->reuse &&
		    e->key == c->memokey && e->ctx == pg->ctx &&
		    e->srch == pg->srch && e->unitkey == pg->unitkey &&
		    e->sgroup == pg->sgroup && e->sline == pg->sline) {
			old = e->start;
			off = 0;
			len = (size_t)(e->end - e->start);
		} else {
			old = NULL;
			off = o->b.len;
			put_page(&o->b, c, pg);
			len = o->b.len - off;
		}
		r = o->nruns > 0 ? &o->runs[o->nruns - 1] : NULL;
		if (r != NULL && (old == NULL ? r->old == NULL :
		    r->old != NULL && r->old + r->len == old)) {
			r->len += len;
			continue;
		}
		if (o->nruns == o->maxruns) {
			o->maxruns = o->maxruns == 0 ? 16 : o->maxruns * 2;
			o->runs = xreallocarray(o->runs, o->maxruns,
			    sizeof(*o->runs));
		}
		o->runs[o->nruns++] = (struct memo_run){ old, off, len };
	}
}

/*
 * Write the memo of a good build of cs (memo_put), as id, atomically;
 * on failure none is left (the next build is then a full one).  Only
 * large courses have one (c->memokey set); with none, no file.  The
 * last memo is still mapped: the records kept are written from it.
 */
void
memo_save(const char *outdir, uint64_t id, struct course *const *cs,
    size_t n)
{
	struct fs_spill	 w;
	const struct memo_run *r;
	char		*path, *tmp;
	size_t		 i, k;

	path = fs_join(outdir, MEMO_FILE);
	for (i = 0; i < n && cs[i]->memokey == 0; i++)
		continue;
	if (i == n) {
		unlink(path);
		free(path);
		return;
	}
	tmp = xasprintf("%s.tmp", path);
	fs_spill_open(&w, tmp);
	buf_puts(&w.b, MEMO_MAGIC);
	put_u(&w.b, id);
	for (i = 0; i < n; i++)
		for (k = 0; k < cs[i]->memo.nruns; k++) {
			r = &cs[i]->memo.runs[k];
			if (r->old != NULL)
				fs_spill_put(&w, r->old, r->len);
			else
				fs_spill_put(&w, cs[i]->memo.b.data + r->off,
				    r->len);
		}
	if (fs_spill_close(&w, tmp) == -1 ||
	    fs_replace(tmp, path, NULL) == -1) {
		unlink(tmp);
		unlink(path);
	}
	free(tmp);
	free(path);
}
