/*
 * Byte-reproducible zip files (written by zip.c): entries sorted by
 * name, one fixed modification time, fixed attributes, no extra fields,
 * deflate for text and store for formats that are compressed already.
 * The zip is written to "<zip>.tmp" and renamed, so a failed build
 * leaves no half package.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "extern.h"

#define PACK_EPOCH	946684800L	/* 2000-01-01T00:00:00Z */
#define DOS_EPOCH	315532800L	/* 1980-01-01T00:00:00Z, DOS time 0 */

static int
namecmp(const void *a, const void *b)
{
	const struct packfile	*x = a, *y = b;

	return strcmp(x->name, y->name);
}

/*
 * A zip entry name must be relative and normalised: no leading '/',
 * no '\', no empty, "." or ".." component, no control character.
 */
static int
name_ok(const char *name)
{
	const char	*s, *e;
	size_t		 n;

	if (name[0] == '\0' || name[0] == '/')
		return 0;
	for (s = name; *s != '\0'; s++)
		if (*s == '\\' || (unsigned char)*s < 0x20 || *s == 0x7f)
			return 0;
	for (s = name; ; s = e + 1) {
		if ((e = strchr(s, '/')) == NULL)
			e = s + strlen(s);
		n = (size_t)(e - s);
		if (n == 0 || (n == 1 && s[0] == '.') ||
		    (n == 2 && s[0] == '.' && s[1] == '.'))
			return 0;
		if (*e == '\0')
			return 1;
	}
}

/*
 * The time every entry carries: SOURCE_DATE_EPOCH when set, else
 * PACK_EPOCH, within what DOS time can say.  zip.c writes its UTC
 * fields: the bytes do not depend on TZ.
 */
static time_t
pack_mtime(void)
{
	const char	*s = getenv("SOURCE_DATE_EPOCH");
	char		*end;
	long long	 v = PACK_EPOCH;

	if (s != NULL && *s != '\0') {
		errno = 0;
		v = strtoll(s, &end, 10);
		if (errno != 0 || *end != '\0' || v < 0)
			v = PACK_EPOCH;
	}
	if (v < DOS_EPOCH)
		v = DOS_EPOCH;
	if (v > 4102444799LL)	/* DOS time ends in 2107; keep it sane */
		v = 4102444799LL;
	return (time_t)v;
}

/*
 * Zips whose records later zips copy: the zip of the last build, the
 * course's first package, parts deflated on other threads (in memory
 * when mem is set).
 */
struct zref {
	char		*path;
	struct buf	 mem;
	struct zipcat	*cat;	/* NULL: not a zip to copy from */
	size_t		 next;	/* where the next name is likely */
	int		 tmp;	/* remove the file once done */
};

struct packref {
	struct zref	*z;
	size_t		 n;
};

int	 pack_jobs = 1;

/* Add the zip at zippath, or in *mem (then r's), to r (made when NULL). */
static struct packref *
ref_add(struct packref *r, const char *zippath, struct buf *mem, int tmp)
{
	struct zref	*z;

	if (mem == NULL && !fs_isfile(zippath))
		return r;	/* then its entries are deflated anew */
	if (r == NULL)
		r = xcalloc(1, sizeof(*r));
	r->z = xreallocarray(r->z, r->n + 1, sizeof(*r->z));
	z = &r->z[r->n++];
	z->path = mem == NULL ? xstrdup(zippath) : NULL;
	z->mem = mem != NULL ? *mem : (struct buf)BUF_INIT;
	z->cat = mem != NULL ? zipcat_mem(z->mem.data, z->mem.len) :
	    zipcat_open(zippath);
	z->next = 0;
	z->tmp = tmp;
	return r;
}

struct packref *
pack_ref(const char *zippath)
{
	return ref_add(NULL, zippath, NULL, 0);
}

void
pack_ref_free(struct packref *r)
{
	size_t	 i;

	if (r == NULL)
		return;
	for (i = 0; i < r->n; i++) {
		zipcat_free(r->z[i].cat);
		if (r->z[i].tmp && r->z[i].path != NULL)
			unlink(r->z[i].path);
		free(r->z[i].path);
		buf_release(&r->z[i].mem);
	}
	free(r->z);
	free(r);
}

/* Could the zip r was made from be read? */
int
pack_ref_ok(const struct packref *r)
{
	return r != NULL && r->n == 1 && r->z[0].cat != NULL;
}

/* Where r has name: -1, or its index, in *from. */
static long
ref_find(const struct packref *r, const char *name, struct zipcat **from)
{
	long	 idx;
	size_t	 i;

	for (i = 0; r != NULL && i < r->n; i++)
		if ((idx = zipcat_next(r->z[i].cat, name, &r->z[i].next)) >= 0) {
			*from = r->z[i].cat;
			return idx;
		}
	return -1;
}

/*
 * Where an entry's bytes are deflated already: in ref when the entry is
 * shared, in old when it is kept.  -1, or its index in *from.
 */
static long
locate(const struct packfile *f, const struct packref *ref,
    const struct packref *old, struct zipcat **from)
{
	long	 i = -1;

	if (f->shared)
		i = ref_find(ref, f->name, from);
	if (i < 0 && f->kept)
		i = ref_find(old, f->name, from);
	return i;
}

/* Deflate part of the entries into a zip of their own, on a thread. */
struct part {
	char			*path;	/* NULL: in mem */
	struct buf		 mem;
	const char		*zip;
	struct zipin		*e;
	size_t			 n;
	time_t			 mtime;
	struct aside		*job;
	int			 rc;
};

static void *
deflate_part(void *arg)
{
	struct part	*pt = arg;

	pt->rc = zip_write(pt->path, pt->path ? NULL : &pt->mem, pt->e, pt->n,
	    pt->mtime, pt->zip);
	return NULL;
}

#define PACK_SPLIT	(128u << 10)	/* less to deflate: one core */
#define PACK_INMEM	(16u << 20)	/* less: parts made in memory */

/*
 * With pack_jobs threads, the main one among them, deflate the entries
 * of e that have no record yet into part zips, side by side, and point
 * the entries at their records: zip_write then copies the bytes it
 * would have made itself.  *parts gets the parts to free after.  -1
 * after reporting an error.
 */
static int
deflate_parts(const char *zippath, struct zipin *e, size_t n, time_t mtime,
    struct packref **parts)
{
	struct part	*pt;
	struct zipin	*v;
	size_t		 i, j, k, first, total = 0, share, sum, *todo, ntodo = 0;
	size_t		 jobs = (size_t)pack_jobs;
	int		 rc = 0;

	*parts = NULL;
	if (pack_jobs < 2)
		return 0;
	todo = xcalloc(n + 1, sizeof(*todo));
	for (i = 0; i < n; i++)
		if (e[i].from == NULL && !e[i].store &&
		    !zip_ahead_has(e[i].path)) {
			todo[ntodo++] = i;
			total += e[i].len;
		}
	if (total < PACK_SPLIT) {
		free(todo);
		return 0;
	}
	/*
	 * Contiguous runs of about equal bytes: an entry joins a run when
	 * its middle falls within the run's share (two entries of 220 and
	 * 400 KB then go one a core, not both on the first).
	 */
	pt = xcalloc(jobs, sizeof(*pt));
	share = total / jobs + 1;
	for (k = 0, i = 0; i < jobs && k < ntodo; i++) {
		first = k;
		for (sum = 0; k < ntodo && (k == first || i + 1 == jobs ||
		    sum + e[todo[k]].len / 2 < share); k++)
			sum += e[todo[k]].len;
		v = xcalloc(k - first, sizeof(*v));
		for (j = first; j < k; j++)
			v[j - first] = e[todo[j]];
		pt[i].e = v;
		pt[i].n = k - first;
		pt[i].mtime = mtime;
		pt[i].zip = zippath;
		pt[i].mem = (struct buf)BUF_INIT;
		if (total >= PACK_INMEM)
			pt[i].path = xasprintf("%s.part%zu", zippath, i);
		/* The first part is the main thread's, below. */
		if (i > 0)
			pt[i].job = aside_start(1, deflate_part, &pt[i]);
	}
	if (pt[0].e != NULL)
		deflate_part(&pt[0]);
	for (k = 0, i = 0; i < jobs; i++) {
		if (pt[i].e == NULL)
			continue;
		if (pt[i].job != NULL)
			aside_join(pt[i].job);
		if (pt[i].rc == -1)
			rc = -1;
		*parts = ref_add(*parts, pt[i].path,
		    pt[i].path ? NULL : &pt[i].mem, 1);
		for (j = 0; j < pt[i].n; j++, k++)
			if (rc == 0 && (e[todo[k]].from =
			    (*parts)->z[(*parts)->n - 1].cat) != NULL)
				e[todo[k]].idx = (long)j;
		free(pt[i].path);
		free(pt[i].e);
	}
	free(pt);
	free(todo);
	return rc;
}

/*
 * Write the zip zippath from files (sorted in place by name; their
 * names and data stay the caller's), copying shared entries from ref
 * and kept ones from old, when they have them.  Names must be relative
 * and normalised, and unique.  The same files give the same bytes.
 * Returns -1 after reporting an error; then no zippath is written.
 */
int
pack_zip(const char *zippath, struct packfile *files, size_t n,
    const struct packref *ref, const struct packref *old)
{
	struct pos	 p = { zippath, 0, 0 };
	struct packref	*parts = NULL;
	struct zipin	*e;
	struct zipcat	*from;
	char		*tmp;
	time_t		 mtime;
	size_t		 i;
	long		 idx;
	int		 rc;

	for (i = 0; i < n; i++)
		if (!name_ok(files[i].name))
			return diag_err(&p, "refusing zip entry name '%s': "
			    "it must be relative, without '.', '..' or '\\'",
			    files[i].name);
	qsort(files, n, sizeof(*files), namecmp);
	for (i = 1; i < n; i++)
		if (strcmp(files[i - 1].name, files[i].name) == 0)
			return diag_err(&p, "duplicate zip entry '%s'",
			    files[i].name);

	mtime = pack_mtime();
	e = xcalloc(n + 1, sizeof(*e));
	for (i = 0; i < n; i++) {
		e[i].name = files[i].name;
		e[i].data = files[i].data;
		e[i].len = files[i].len;
		e[i].path = files[i].path;
		e[i].store = zip_stored(files[i].name);
		if ((idx = locate(&files[i], ref, old, &from)) >= 0) {
			e[i].from = from;
			e[i].idx = idx;
		}
	}
	tmp = xasprintf("%s.tmp", zippath);
	rc = deflate_parts(zippath, e, n, mtime, &parts);
	if (rc == 0)
		rc = zip_write(tmp, NULL, e, n, mtime, zippath);
	pack_ref_free(parts);
	free(e);
	if (rc == 0 && rename(tmp, zippath) == -1)
		rc = diag_sys(zippath, "cannot rename '%s' to it", tmp);
	if (rc == -1)
		unlink(tmp);
	free(tmp);
	return rc;
}

/*
 * zippath: the zip old (pack_ref_ok) with the entries of ch (in any
 * order; those it does not have are left out) in place of its own, and
 * its others copied as they are: the bytes pack_zip gives for all the
 * entries.  Entries of ch shared are taken deflated from ref if it has
 * them.  Returns how many of ch it has (0: nothing written), -1 after
 * an error.
 */
long
pack_patch(const char *zippath, const struct packref *old,
    struct packfile *ch, size_t nch, const struct packref *ref)
{
	const struct zipcat *z = old->z[0].cat;
	struct packfile	*pf, key, *f;
	size_t		 i, n = zipcat_count(z);
	long		 used = 0;
	int		 rc = 0;

	if (nch == 0)
		return 0;
	qsort(ch, nch, sizeof(*ch), namecmp);
	pf = xcalloc(n + 1, sizeof(*pf));
	memset(&key, 0, sizeof(key));
	for (i = 0; i < n; i++) {
		key.name = zipcat_name(z, i);
		if ((f = bsearch(&key, ch, nch, sizeof(*ch), namecmp)) != NULL) {
			pf[i] = *f;
			used++;
		} else
			pf[i] = (struct packfile){ key.name, NULL, 0, NULL, 0,
			    1 };
	}
	if (used > 0)
		rc = pack_zip(zippath, pf, n, ref, old);
	free(pf);
	return rc == -1 ? -1 : used;
}
