/*
 * The output directory, OUT/site and OUT/scorm, changed as one: every
 * file of a build goes through here, is staged in OUT/.binome-tmp and
 * moved in only when the whole build succeeded.
 *
 * Without a record of the last build (state.c) that can be trusted,
 * everything is staged and the staged trees replace the old ones by
 * rename.  With one, only files whose bytes changed are staged; the
 * commit renames them in and removes the files this build no longer
 * makes.  Either way a failed or interrupted build leaves the output
 * as it was, and the result has the bytes of a clean build.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "extern.h"

static struct ofile *
record(struct output *w, const char *rel, uint64_t hash, uint64_t size,
    int changed)
{
	struct ofile	*f;

	if (w->nfiles == w->capfiles) {
		w->capfiles = w->capfiles ? w->capfiles * 2 : 256;
		w->files = xreallocarray(w->files, w->capfiles,
		    sizeof(*w->files));
	}
	f = &w->files[w->nfiles++];
	f->rel = xstrdup(rel);
	f->hash = hash;
	f->size = size;
	f->changed = changed;
	w->nchanged += changed;
	return f;
}

/* Is output directory dir as the last build left it?  Asked once. */
static long
dirsame(struct output *w, const char *dir)
{
	long	*k;

	if ((k = strmap_get(&w->dirsame, dir)) == NULL)
		k = strmap_put(&w->dirsame, dir,
		    state_outdir_same(&w->prev, w->dir, dir));
	return *k;
}

/* The last build's record of rel, if the file is still as it left it. */
static const struct outrec *
present(struct output *w, const char *rel)
{
	const struct outrec	*r;
	struct stat		 st;
	char			*p;
	long			 same;
	int			 ok;

	if (!w->incremental || (r = state_find(&w->prev, rel)) == NULL)
		return NULL;
	/* Its directory as the last build left it: so is the file. */
	p = fs_dirname(rel);
	same = dirsame(w, p);
	free(p);
	if (same)
		return r;
	p = fs_join(w->dir, rel);
	ok = stat(p, &st) == 0 && (uint64_t)st.st_size == r->size;
	free(p);
	return ok ? r : NULL;
}

/*
 * The last build's record of rel, if it made rel from hash and the file
 * is still there as it left it; NULL otherwise.
 */
static const struct outrec *
unchanged(struct output *w, const char *rel, uint64_t hash)
{
	const struct outrec	*r = present(w, rel);

	return r != NULL && r->hash == hash ? r : NULL;
}

/* Is the last build's rel still there, to be kept (output_keep)? */
int
output_has(struct output *w, const char *rel)
{
	return present(w, rel) != NULL;
}

/* Keep the last build's rel, known to be there, as it is. */
void
output_keep(struct output *w, const char *rel)
{
	const struct outrec	*r = state_find(&w->prev, rel);

	if (r != NULL)
		record(w, rel, r->hash, r->size, 0);
}

/*
 * Are all the last build's output directories at dir or under it as
 * it left them?  Then so are its outputs there (output_keep_rest).
 */
int
output_same_under(struct output *w, const char *dir)
{
	const char	*p;
	size_t		 i, n = strlen(dir);

	if (!w->incremental || w->prev.nodir == 0)
		return 0;
	for (i = 0; i < w->prev.nodir; i++) {
		p = w->prev.odir[i].path;
		if (strncmp(p, dir, n) == 0 && (p[n] == '\0' ||
		    p[n] == '/') && !dirsame(w, p))
			return 0;
	}
	return 1;
}

/*
 * Keep, as they are, the last build's outputs under dir that this
 * build has not made since its file from (output_same_under said they
 * are there).
 */
void
output_keep_rest(struct output *w, const char *dir, size_t from)
{
	struct strmap	 made = STRMAP_INIT;
	const struct outrec *r;
	size_t		 i, n = strlen(dir);

	for (i = from; i < w->nfiles; i++)
		strmap_lend(&made, w->files[i].rel, 1);
	for (i = 0; i < w->prev.nout; i++) {
		r = &w->prev.out[i];
		if (strncmp(r->path, dir, n) == 0 && r->path[n] == '/' &&
		    strmap_get(&made, r->path) == NULL)
			record(w, r->path, r->hash, r->size, 0);
	}
	strmap_release(&made);
}

/* Did the last build make rel with these bytes?  Then no writing. */
static int
kept(struct output *w, const char *rel, uint64_t hash, uint64_t size)
{
	const struct outrec	*r = unchanged(w, rel, hash);

	return r != NULL && r->size == size;
}

/* Up to this size, output_copy hands the bytes to the writer threads. */
#define OUTPUT_INLINE	(1 << 20)

/* Where rel is staged. */
char *
output_staged(const struct output *w, const char *rel)
{
	return fs_join(w->tmp, rel);
}

/* Where rel's bytes are now: staged when changed, else in place. */
char *
output_path(const struct output *w, const struct ofile *f)
{
	return fs_join(f->changed ? w->tmp : w->dir, f->rel);
}

/* Does rel go to a package, deflated as it is written (zip_ahead)? */
static int
ahead(const struct output *w, const char *rel)
{
	return w->ahead != NULL && strncmp(rel, w->ahead, strlen(w->ahead)) ==
	    0 && !zip_stored(rel);
}

/* A file of data, len bytes (data is the output's now). */
void
output_put(struct output *w, const char *rel, char *data, size_t len)
{
	uint64_t	 h = hash_bytes(data, len);

	if (kept(w, rel, h, len)) {
		record(w, rel, h, len, 0);
		free(data);
		return;
	}
	record(w, rel, h, len, 1);
	writer_put(w->writer, output_staged(w, rel), data, len, ahead(w, rel));
}

/* A copy of the file src, known by its stat: media can be large. */
int
output_copy(struct output *w, const char *rel, const char *src)
{
	struct stat	 st;
	uint64_t	 h;
	char		*to, *data;
	size_t		 len;
	int		 rc;

	if (stat(src, &st) == -1)
		return diag_sys(src, "cannot stat");
	h = hash_stat(&st);
	if (kept(w, rel, h, (uint64_t)st.st_size)) {
		record(w, rel, h, (uint64_t)st.st_size, 0);
		return 0;
	}
	/* A small file (scripts, styles, SVG): read here, written by the
	 * writer threads with the pages. */
	if (st.st_size <= OUTPUT_INLINE && !zip_stored(rel)) {
		if (fs_read(src, &data, &len) == -1)
			return -1;
		record(w, rel, h, (uint64_t)st.st_size, 1);
		writer_put(w->writer, output_staged(w, rel), data, len,
		    ahead(w, rel));
		return 0;
	}
	to = output_staged(w, rel);
	rc = fs_copy(src, to);
	free(to);
	if (rc == 0)
		record(w, rel, h, (uint64_t)st.st_size, 1);
	return rc;
}

/*
 * A file the caller wrote to output_staged(rel) itself, whose bytes
 * hash to hash: dropped again if the last build made the same.
 */
void
output_staged_done(struct output *w, const char *rel, uint64_t hash,
    uint64_t size)
{
	char	*p;

	if (kept(w, rel, hash, size)) {
		p = output_staged(w, rel);
		unlink(p);
		free(p);
		record(w, rel, hash, size, 0);
	} else
		record(w, rel, hash, size, 1);
}

/*
 * A file made from inputs that hash to key (a zip, say): if the last
 * build made rel from the same key and it is still there, record it
 * and return 1; the caller then need not make it.
 */
int
output_fresh(struct output *w, const char *rel, uint64_t key)
{
	const struct outrec	*r;

	if ((r = unchanged(w, rel, key)) == NULL)
		return 0;
	record(w, rel, key, r->size, 0);
	return 1;
}

/* The zip the last build left at rel, to copy unchanged entries from. */
char *
output_previous(struct output *w, const char *rel)
{
	char	*p;

	if (!w->incremental || state_find(&w->prev, rel) == NULL)
		return NULL;
	p = fs_join(w->dir, rel);
	if (!fs_isfile(p)) {
		free(p);
		return NULL;
	}
	return p;
}

/* Remove the directories of path up to (not including) top, if empty. */
static void
prune(const char *top, const char *path)
{
	char	*d = fs_dirname(path), *up;

	while (strlen(d) > strlen(top) && rmdir(d) == 0) {
		up = fs_dirname(d);
		free(d);
		d = up;
	}
	free(d);
}

/*
 * Replace OUT/name by tmp/name, by rename, the old one moved aside and
 * removed with tmp.
 */
static int
swap(const struct output *w, const char *name)
{
	char	*from, *to, *old;
	int	 rc = 0;

	from = fs_join(w->tmp, name);
	to = fs_join(w->dir, name);
	old = xasprintf("%s/old-%s", w->tmp, name);
	if (!fs_isdir(from) && fs_mkdirs(from) == -1)
		rc = -1;
	else if (fs_replace(from, to, old) == -1)
		rc = diag_sys(to, "cannot move the new output in place");
	free(from);
	free(to);
	free(old);
	return rc;
}

/*
 * The directories of rel, up to OUT, change in the commit: their times
 * are asked again (state_outdirs).
 */
static void
touched(struct output *w, const char *rel)
{
	char	*d, *up;

	for (d = fs_dirname(rel); ; d = up) {
		strmap_put(&w->dirsame, d, 0);
		if (strcmp(d, ".") == 0 || strcmp(d, "/") == 0)
			break;
		up = fs_dirname(d);
		free(d);
	}
	free(d);
}

/*
 * Move the build in.  Incremental: away with what this build no longer
 * makes, then every changed file by rename.  Nothing here checks for
 * interruption: once begun, the commit completes.
 */
int
output_commit(struct output *w)
{
	struct strmap	 now = STRMAP_INIT;
	char		*from, *to, *dir, *aside, n[32];
	size_t		 i;
	int		 rc = 0, gone;

	if (!w->incremental)
		return swap(w, "site") == -1 || swap(w, "scorm") == -1 ?
		    -1 : 0;
	/*
	 * Removals first: a file may give way to a directory.  Mostly a
	 * build makes the files of the last one, in the same order.
	 */
	for (i = 0; i < w->nfiles && i < w->prev.nout; i++)
		if (strcmp(w->files[i].rel, w->prev.out[i].path) != 0)
			break;
	if ((gone = i < w->prev.nout))
		for (i = 0; i < w->nfiles; i++)
			strmap_put(&now, w->files[i].rel, 1);
	for (i = 0; gone && i < w->prev.nout; i++) {
		if (strmap_get(&now, w->prev.out[i].path) != NULL)
			continue;
		touched(w, w->prev.out[i].path);
		to = fs_join(w->dir, w->prev.out[i].path);
		if (unlink(to) == 0 || errno == ENOENT)
			prune(w->dir, to);
		free(to);
	}
	for (i = 0; i < w->nfiles && rc == 0; i++) {
		if (!w->files[i].changed)
			continue;
		touched(w, w->files[i].rel);
		from = fs_join(w->tmp, w->files[i].rel);
		to = fs_join(w->dir, w->files[i].rel);
		dir = fs_dirname(to);
		snprintf(n, sizeof(n), "aside-%zu", i);
		aside = fs_join(w->tmp, n);
		if (fs_mkdirs(dir) == -1)
			rc = -1;
		else if (fs_replace(from, to, aside) == -1)
			rc = diag_sys(to, "cannot move the new file in place");
		free(aside);
		free(dir);
		free(from);
		free(to);
	}
	strmap_release(&now);
	return rc;
}

void
output_release(struct output *w)
{
	size_t	 i;

	for (i = 0; i < w->nfiles; i++)
		free(w->files[i].rel);
	free(w->files);
	w->files = NULL;
	w->nfiles = w->capfiles = w->nchanged = 0;
	strmap_release(&w->dirsame);
}
