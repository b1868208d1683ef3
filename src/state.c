/*
 * The record of the last good build, OUT/.binome-state: what it read
 * (every file and directory of the courses and themes, by stat), what
 * it wrote (every output, by content hash) and what it said.  With it,
 * a build with no change does nothing but stat its inputs, and a build
 * after a change writes only the files whose bytes changed.  Any doubt
 * (another binome, other options, a damaged record) means a clean build.
 *
 * Format, one record per line, fields separated by one space, the path
 * last (paths are not escaped; one with a newline is not recorded, and
 * the next build is then a clean one):
 *	binome-state 1
 *	key HASH
 *	in MTIME_NS SIZE INODE PATH
 *	out HASH SIZE PATH	(relative to the output directory)
 *	odir MTIME_NS PATH	(a directory of outputs, after the build)
 *	note COURSES PAGES PACKAGES WARNINGS
 *	racy			(an input changed just before: check all)
 *	walk SECONDS		(when the walk of the inputs began)
 *	memo ID			(the memo saved with it, memo.c)
 *	say TEXT		(one line of what the build printed)
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "extern.h"

#define STATE_FILE	".binome-state"
#define WALK_THREADS	4	/* at most, to lstat the inputs */

/* The hash that stands for a file's bytes by its stat: for copies. */
uint64_t
hash_stat(const struct stat *st)
{
	uint64_t	 v[4];

	v[0] = (uint64_t)fs_mtime(st);
	v[1] = (uint64_t)st->st_size;
	v[2] = (uint64_t)st->st_ino;
	v[3] = (uint64_t)st->st_dev;
	return hash_bytes(v, sizeof(v));
}

void
state_free(struct state *s)
{
	size_t	 i;

	for (i = 0; i < s->nin; i++)
		free(s->in[i].path);
	for (i = 0; i < s->nout; i++)
		free(s->out[i].path);
	for (i = 0; i < s->nodir; i++)
		free(s->odir[i].path);
	free(s->odir);
	strmap_release(&s->odiridx);
	free(s->in);
	free(s->out);
	strmap_release(&s->outidx);
	strmap_release(&s->inidx);
	strmap_release(&s->lsidx);
	for (i = 0; i < s->nlist; i++)
		fs_list_free(s->ls[i], s->nls[i]);
	free(s->ls);
	free(s->nls);
	buf_release(&s->said);
	memset(s, 0, sizeof(*s));
}

static struct inrec *
in_new(struct state *s)
{
	if (s->nin == s->capin) {
		s->capin = s->capin ? s->capin * 2 : 256;
		s->in = xreallocarray(s->in, s->capin, sizeof(*s->in));
	}
	return &s->in[s->nin++];
}

void
state_out(struct state *s, const char *path, uint64_t hash, uint64_t size)
{
	struct outrec	*r;

	if (strchr(path, '\n') != NULL) {
		s->bad = 1;
		return;
	}
	if (s->nout == s->capout) {
		s->capout = s->capout ? s->capout * 2 : 256;
		s->out = xreallocarray(s->out, s->capout, sizeof(*s->out));
	}
	r = &s->out[s->nout];
	r->path = xstrdup(path);
	r->hash = hash;
	r->size = size;
	s->nout++;
}

/* The last build's record of path; indexes them on first use. */
const struct outrec *
state_find(struct state *s, const char *path)
{
	long	*i;
	size_t	 k;

	if (s->outidx.n == 0)
		for (k = 0; k < s->nout; k++)
			strmap_lend(&s->outidx, s->out[k].path, (long)k);
	i = strmap_get(&s->outidx, path);
	return i != NULL ? &s->out[*i] : NULL;
}

/*
 * What this build's walk saw of path (lstat's mode, times, size and
 * inode), without asking again; -1 when it was not walked.
 */
int
state_lstat(const struct state *s, const char *path, struct stat *st)
{
	const struct inrec	*r;
	long			*i;

	if ((i = strmap_get(&s->inidx, path)) == NULL)
		return -1;
	r = &s->in[*i];
	memset(st, 0, sizeof(*st));
	st->st_mode = (mode_t)r->mode;
	st->st_mtim.tv_sec = (time_t)(r->mtime / 1000000000);
	st->st_mtim.tv_nsec = (long)(r->mtime % 1000000000);
	st->st_size = (off_t)r->size;
	st->st_ino = (ino_t)r->ino;
	return 0;
}

/* Names with their type in front (listdir), by name. */
static int
bytype(const void *a, const void *b)
{
	return strcmp(*(char *const *)a + 1, *(char *const *)b + 1);
}

/* The names in directory path, sorted, with their types; NULL if none. */
static char **
listdir(const char *path, size_t *np, unsigned char **types)
{
	DIR		*d;
	struct dirent	*de;
	char		**v = NULL, *t;
	size_t		 n = 0, cap = 0, i;

	if ((d = opendir(path)) == NULL)
		return NULL;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			v = xreallocarray(v, cap, sizeof(*v));
		}
		/* The type rides in front of the name while sorting. */
		t = xmalloc(strlen(de->d_name) + 2);
		t[0] = (char)de->d_type;
		strcpy(t + 1, de->d_name);
		v[n++] = t;
	}
	closedir(d);
	if (n > 1)
		qsort(v, n, sizeof(*v), bytype);
	*types = xcalloc(n + 1, 1);
	for (i = 0; i < n; i++) {
		(*types)[i] = (unsigned char)v[i][0];
		memmove(v[i], v[i] + 1, strlen(v[i] + 1) + 1);
	}
	if (v == NULL)
		v = xcalloc(1, sizeof(*v));
	*np = n;
	return v;
}

/* Register the names in directory path (state_list). */
static void
listed(struct state *s, const char *path, char **names, size_t n)
{
	s->ls = xreallocarray(s->ls, s->nlist + 1, sizeof(*s->ls));
	s->nls = xreallocarray(s->nls, s->nlist + 1, sizeof(*s->nls));
	s->ls[s->nlist] = names;
	s->nls[s->nlist] = n;
	strmap_put(&s->lsidx, path, (long)s->nlist++);
}

/*
 * Phase one of a walk: the paths under path, depth first in name
 * order, told apart by the types readdir gives (lstat only where it
 * gives none), and the listing of every directory.
 */
static void
gather(struct state *s, const char *path, unsigned char type)
{
	struct inrec	*r;
	struct stat	 st;
	unsigned char	*types;
	char		*p, **names;
	size_t		 i, n;

	if (strchr(path, '\n') != NULL) {
		s->bad = 1;
		return;
	}
	r = in_new(s);
	memset(r, 0, sizeof(*r));
	r->path = xstrdup(path);
	if (type == DT_UNKNOWN) {
		if (lstat(path, &st) == -1) {
			s->bad = 1;
			return;
		}
		type = S_ISDIR(st.st_mode) ? DT_DIR : DT_REG;
	}
	if (type != DT_DIR)
		return;
	s->nread++;
	if ((names = listdir(path, &n, &types)) == NULL) {
		s->bad = 1;
		return;
	}
	listed(s, path, names, n);	/* for the loading (state_list) */
	for (i = 0; i < n; i++) {
		p = fs_join(path, names[i]);
		gather(s, p, types[i]);
		free(p);
	}
	free(types);
}

/*
 * A share of the records [from, to) of s for one thread: every nth from
 * the kth.  Ten thousand lessons are ten thousand lstats, which the
 * cores make at once.
 */
struct share {
	struct state	*s;
	size_t		 from, to, k, n;
	time_t		 now;
	int		 bad, racy;
	volatile int	*changed;	/* state_fresh: any thread saw one */
	struct aside	*job;
};

int	 state_jobs;	/* threads that lstat, 0 for one a core (-j) */

/* Run fn on the shares of [from, to) of s, on every core; how many. */
static size_t
together(struct share *sh, struct state *s, size_t from, size_t to,
    void *(*fn)(void *), volatile int *changed)
{
	long	 cores = state_jobs > 0 ? state_jobs :
		    sysconf(_SC_NPROCESSORS_ONLN);
	size_t	 i, n = 1;

	if (to - from > 512 && cores > 1)
		n = cores < WALK_THREADS ? (size_t)cores : WALK_THREADS;
	for (i = 0; i < n; i++) {
		memset(&sh[i], 0, sizeof(sh[i]));
		sh[i].s = s;
		sh[i].from = from;
		sh[i].to = to;
		sh[i].k = i;
		sh[i].n = n;
		sh[i].now = time(NULL);
		sh[i].changed = changed;
	}
	for (i = 1; i < n; i++)
		sh[i].job = aside_start(1, fn, &sh[i]);
	fn(&sh[0]);
	for (i = 1; i < n; i++)
		aside_join(sh[i].job);
	return n;
}

/* Phase two of a walk: lstat a share of the records gathered. */
static void *
lstats(void *arg)
{
	struct share	*j = arg;
	struct inrec	*r;
	struct stat	 st;
	size_t		 i;

	for (i = j->from + j->k; i < j->to; i += j->n) {
		r = &j->s->in[i];
		if (lstat(r->path, &st) == -1) {
			j->bad = 1;
			continue;
		}
		r->mtime = fs_mtime(&st);
		r->size = (uint64_t)st.st_size;
		r->ino = (uint64_t)st.st_ino;
		r->mode = (unsigned)st.st_mode;
		/*
		 * Changed within the last two seconds: a change in the same
		 * tick of the file system's clock, same size, would not
		 * show.  Then the next build checks every byte again (as
		 * git does).
		 */
		if (st.st_mtim.tv_sec + 2 >= j->now)
			j->racy = 1;
	}
	return NULL;
}

/* Is p a path under dir (of length n)? */
static int
under(const char *p, const char *dir, size_t n)
{
	return strncmp(p, dir, n) == 0 && p[n] == '/';
}

/*
 * Phase one from the last build's record: the paths it had under path,
 * in its order, which is gather's.  The index of path in prev's records
 * when it has it; the records are then this walk's, to lstat and to
 * check with recall().
 */
static long
predict(struct state *s, const struct state *prev, const char *path)
{
	size_t	 i, k, n = strlen(path);

	if (prev == NULL || prev->walked == 0)
		return -1;
	for (k = 0; k < prev->nin; k++)
		if (strcmp(prev->in[k].path, path) == 0)
			break;
	if (k == prev->nin)
		return -1;
	for (i = k; i < prev->nin && (i == k ||
	    under(prev->in[i].path, path, n)); i++) {
		struct inrec *r = in_new(s);

		memset(r, 0, sizeof(*r));
		r->path = xstrdup(prev->in[i].path);
	}
	return (long)k;
}

/*
 * Are the records [from, s->nin), predicted from prev's at on, what
 * gather would have found?  A directory with the time and inode it had,
 * two seconds before the last walk began, holds the names it held (as
 * git's untracked cache trusts): no readdir.  Any other directory is
 * read, and must hold the names predicted.  The listings are
 * registered.
 */
static int
recall(struct state *s, const struct state *prev, size_t from, size_t at)
{
	const struct inrec *o;
	struct inrec	*r;
	size_t		*open, depth = 0, i, j, k, n, *cnt;
	char		***names, **fresh;
	unsigned char	*types;
	int		 ok = !s->bad;

	open = xcalloc(s->nin - from + 1, sizeof(*open));
	names = xcalloc(s->nin - from + 1, sizeof(*names));
	cnt = xcalloc(s->nin - from + 1, sizeof(*cnt));
	/* Each path's directory is the innermost one still open. */
	for (i = from; ok && i < s->nin; i++) {
		r = &s->in[i];
		while (depth > 0 && !under(r->path, s->in[open[depth - 1]].path,
		    strlen(s->in[open[depth - 1]].path)))
			depth--;
		if (depth > 0) {
			k = open[depth - 1] - from;
			if ((cnt[k] & (cnt[k] + 1)) == 0)	/* 2^n - 1 */
				names[k] = xreallocarray(names[k],
				    2 * cnt[k] + 2, sizeof(**names));
			names[k][cnt[k]++] = xstrdup(strrchr(r->path, '/') + 1);
			names[k][cnt[k]] = NULL;
		} else if (i != from)
			ok = 0;
		if (S_ISDIR(r->mode))
			open[depth++] = i;
	}
	for (i = from; ok && i < s->nin; i++) {
		r = &s->in[i];
		if (!S_ISDIR(r->mode))
			continue;
		k = i - from;
		if (names[k] == NULL)
			names[k] = xcalloc(1, sizeof(**names));
		o = &prev->in[at + k];
		if (o->mtime == r->mtime && o->ino == r->ino &&
		    o->mtime / 1000000000 + 2 < prev->walked)
			continue;
		s->nread++;
		if ((fresh = listdir(r->path, &n, &types)) == NULL) {
			ok = 0;
			break;
		}
		free(types);
		if (n != cnt[k])
			ok = 0;
		for (j = 0; ok && j < n; j++)
			ok = strcmp(fresh[j], names[k][j]) == 0;
		fs_list_free(fresh, n);
	}
	for (i = from; i < s->nin; i++) {
		k = i - from;
		if (ok && S_ISDIR(s->in[i].mode))
			listed(s, s->in[i].path, names[k], cnt[k]);
		else if (names[k] != NULL)
			fs_list_free(names[k], cnt[k]);
	}
	free(open);
	free(names);
	free(cnt);
	return ok ? 0 : -1;
}

/*
 * Record path and, for a directory, everything under it: listed first,
 * then stat'ed on every core, as ten thousand lessons take ten
 * thousand system calls.  With prev, the last build's record, the
 * listing is taken from it where the directories did not change.
 */
void
state_walk(struct state *s, const char *path, const struct state *prev)
{
	struct share	 sh[WALK_THREADS];
	size_t		 first = s->nin, i, n;
	long		 at;
	int		 bad = s->bad, racy = s->racy;

	if (s->walked == 0)
		s->walked = (int64_t)time(NULL);
	if ((at = predict(s, prev, path)) == -1)
		gather(s, path, DT_UNKNOWN);
	for (;;) {
		n = together(sh, s, first, s->nin, lstats, NULL);
		for (i = 0; i < n; i++) {
			s->bad |= sh[i].bad;
			s->racy |= sh[i].racy;
		}
		if (at == -1 || recall(s, prev, first, (size_t)at) == 0)
			break;
		/* Not as it was: walk it afresh. */
		for (i = first; i < s->nin; i++)
			free(s->in[i].path);
		s->nin = first;
		s->bad = bad;
		s->racy = racy;
		at = -1;
		gather(s, path, DT_UNKNOWN);
	}
	for (i = first; i < s->nin; i++) {
		struct inrec *r = &s->in[i];
		const struct inrec *o;

		strmap_lend(&s->inidx, r->path, (long)i);
		s->ndirs += S_ISDIR(r->mode) != 0;
		/* Which files changed since (the walk's records are prev's). */
		r->changed = 0;
		if (at == -1 || S_ISDIR(r->mode))
			continue;
		o = &prev->in[(size_t)at + (i - first)];
		r->changed = o->mtime != r->mtime || o->size != r->size ||
		    o->ino != r->ino;
	}
	s->unknown |= at == -1;
}

static void
add_odir(struct state *s, const char *path, int64_t mtime)
{
	if (s->nodir == s->capodir) {
		s->capodir = s->capodir ? s->capodir * 2 : 64;
		s->odir = xreallocarray(s->odir, s->capodir,
		    sizeof(*s->odir));
	}
	memset(&s->odir[s->nodir], 0, sizeof(*s->odir));
	s->odir[s->nodir].path = xstrdup(path);
	s->odir[s->nodir].mtime = mtime;
	strmap_lend(&s->odiridx, s->odir[s->nodir].path, (long)s->nodir);
	s->nodir++;
}

/* The time of the output directory dir (relative), or -1. */
static int64_t
dirtime(const char *outdir, const char *dir)
{
	struct stat	 st;
	char		*p = fs_join(outdir, dir);
	int64_t		 t = -1;

	if (stat(p, &st) == 0 && S_ISDIR(st.st_mode))
		t = fs_mtime(&st);
	free(p);
	return t;
}

/*
 * Record the time of every directory that holds outputs, as the build
 * leaves it: removing or adding a file changes its directory's time,
 * so the next build learns that an output went missing from a stat a
 * directory, not a stat a file.  A directory same names (from
 * state_outdir_same, left alone since) keeps prev's time unasked; -1,
 * for one that is not there, is never the same.
 */
void
state_outdirs(struct state *s, const char *outdir, const struct state *prev,
    const struct strmap *same)
{
	const char	*slash, *last = NULL;
	char		*d;
	size_t		 i, n, nlast = 0;
	long		*k;

	for (i = 0; i < s->nout; i++) {
		/* Mostly the directory of the file before. */
		slash = strrchr(s->out[i].path, '/');
		n = slash != NULL ? (size_t)(slash - s->out[i].path) : 0;
		if (last != NULL && n == nlast &&
		    memcmp(last, s->out[i].path, n) == 0)
			continue;
		last = s->out[i].path;
		nlast = n;
		d = fs_dirname(s->out[i].path);
		if (strmap_get(&s->odiridx, d) == NULL)
			add_odir(s, d, same != NULL &&
			    (k = strmap_get(same, d)) != NULL && *k > 0 ?
			    prev->odir[*k - 1].mtime : dirtime(outdir, d));
		free(d);
	}
}

/*
 * Is the output directory dir (relative) as the last build left it?
 * Then 1 + its index in s->odir; else 0.
 */
long
state_outdir_same(const struct state *s, const char *outdir, const char *dir)
{
	long	*k;
	int64_t	 t;

	if ((k = strmap_get(&s->odiridx, dir)) == NULL)
		return 0;
	t = dirtime(outdir, dir);
	return t != -1 && t == s->odir[*k].mtime ? *k + 1 : 0;
}

/* A copy of the names the walk found in directory path, or NULL. */
char **
state_list(const struct state *s, const char *path, size_t *np)
{
	char	**v;
	long	*k;
	size_t	 i;

	if ((k = strmap_get(&s->lsidx, path)) == NULL)
		return NULL;
	*np = s->nls[*k];
	v = xcalloc(*np + 1, sizeof(*v));
	for (i = 0; i < *np; i++)
		v[i] = xstrdup(s->ls[*k][i]);
	return v;
}

static char *
statepath(const char *outdir)
{
	return fs_join(outdir, STATE_FILE);
}

/*
 * A number in base 10 or 16 and the space after it, at *p; sscanf
 * would take a tenth of a large build's time.
 */
static int
num(char **p, int base, unsigned long long *v)
{
	/* v * base + d overflows when v > lim, or v == lim and d > rem:
	 * no division a digit. */
	const unsigned long long lim = ~0ULL / (unsigned)base;
	const unsigned		 rem = (unsigned)(~0ULL % (unsigned)base);
	char			*s = *p;
	unsigned		 d;

	*v = 0;
	for (; *s != ' '; s++) {
		if (*s >= '0' && *s <= '9')
			d = (unsigned)(*s - '0');
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = (unsigned)(*s - 'a' + 10);
		else
			return -1;
		if (*v > lim || (*v == lim && d > rem))
			return -1;
		*v = *v * (unsigned)base + d;
	}
	if (s == *p)
		return -1;
	*p = s + 1;
	return 0;
}

/*
 * Parse a record (data, NUL-terminated, is cut up in place); -1 when it
 * is not one written by this version, or damaged.
 */
int
state_parse(struct state *s, char *data)
{
	char		*line, *next, *sp;
	struct inrec	*r;
	unsigned long long a, b, c;
	int		 neg;

	memset(s, 0, sizeof(*s));
	if (strncmp(data, "binome-state 1\n", 15) != 0)
		return -1;
	for (line = data + 15; *line != '\0'; line = next) {
		if ((next = strchr(line, '\n')) == NULL)
			goto bad;	/* cut short */
		*next++ = '\0';
		/* The lines of every input and output first. */
		if (strncmp(line, "in ", 3) == 0) {
			sp = line + 3;
			neg = *sp == '-';	/* before 1970 */
			sp += neg;
			if (num(&sp, 10, &a) == -1 || num(&sp, 10, &b) == -1 ||
			    num(&sp, 10, &c) == -1)
				goto bad;
			r = in_new(s);
			r->mtime = neg ? -(int64_t)a : (int64_t)a;
			r->size = b;
			r->ino = c;
			r->path = xstrdup(sp);
		} else if (strncmp(line, "out ", 4) == 0) {
			sp = line + 4;
			if (num(&sp, 16, &a) == -1 || num(&sp, 10, &b) == -1)
				goto bad;
			state_out(s, sp, a, b);
		} else if (strncmp(line, "key ", 4) == 0)
			s->key = strtoull(line + 4, NULL, 16);
		else if (strcmp(line, "racy") == 0)
			s->racy = 1;
		else if (strncmp(line, "walk ", 5) == 0)
			s->walked = strtoll(line + 5, NULL, 10);
		else if (strncmp(line, "memo ", 5) == 0)
			s->memo = strtoull(line + 5, NULL, 16);
		else if (strncmp(line, "say ", 4) == 0) {
			buf_puts(&s->said, line + 4);
			buf_putc(&s->said, '\n');
		} else if (strncmp(line, "note ", 5) == 0) {
			if (sscanf(line + 5, "%zu %zu %zu %u", &s->courses,
			    &s->pages, &s->packages, &s->warnings) != 4)
				goto bad;
		} else if (strncmp(line, "odir ", 5) == 0) {
			if (sscanf(line + 5, "%lld", (long long *)&a) != 1 ||
			    (sp = strchr(line + 5, ' ')) == NULL)
				goto bad;
			add_odir(s, sp + 1, (int64_t)(long long)a);
		} else
			goto bad;
	}
	return 0;
bad:
	state_free(s);
	return -1;
}

/* Was the last build into OUT a large one (over 256 KB of record)? */
int
state_large(const char *outdir)
{
	struct stat	 st;
	char		*path = statepath(outdir);
	int		 large;

	large = stat(path, &st) == 0 && st.st_size > 256 * 1024;
	free(path);
	return large;
}

/* Read OUT's record; -1 (quietly) when there is none worth trusting. */
int
state_load(struct state *s, const char *outdir)
{
	char		*path, *data;
	const char	*what;
	size_t		 len;
	int		 rc;

	memset(s, 0, sizeof(*s));
	path = statepath(outdir);
	rc = fs_read_quiet(path, &data, &len, &what);
	free(path);
	if (rc == -1)
		return -1;
	rc = state_parse(s, data);
	free(data);
	return rc;
}

/* Are a share of the recorded inputs as they were? */
static void *
same(void *arg)
{
	struct share		*j = arg;
	const struct inrec	*r;
	struct stat		 st;
	size_t			 i;

	for (i = j->from + j->k; i < j->to && !*j->changed; i += j->n) {
		r = &j->s->in[i];
		if (lstat(r->path, &st) == -1 || fs_mtime(&st) != r->mtime ||
		    (uint64_t)st.st_size != r->size ||
		    (uint64_t)st.st_ino != r->ino)
			*j->changed = 1;
	}
	return NULL;
}

/* Are all recorded inputs as they were, and all outputs still there? */
int
state_fresh(const struct state *s, const char *outdir)
{
	struct share	 sh[WALK_THREADS];
	struct stat	 st;
	size_t		 i;
	char		*p;
	volatile int	 changed = 0;
	int		 ok = !s->racy;

	if (ok) {
		together(sh, (struct state *)s, 0, s->nin, same, &changed);
		ok = !changed;
	}
	/* The outputs: by their directories, or one by one. */
	for (i = 0; ok && i < s->nodir; i++)
		ok = state_outdir_same(s, outdir, s->odir[i].path);
	for (i = 0; ok && s->nodir == 0 && i < s->nout; i++) {
		p = fs_join(outdir, s->out[i].path);
		ok = stat(p, &st) == 0 && (uint64_t)st.st_size ==
		    s->out[i].size;
		free(p);
	}
	return ok;
}

/* v in decimal (negative: the two's complement of v), then a space. */
static void
dec(struct buf *b, uint64_t v, int neg)
{
	buf_putdec(b, neg ? -v : v, neg);
	buf_putc(b, ' ');
}

/* v in 16 hexadecimal digits, then a space. */
static void
hex(struct buf *b, uint64_t v)
{
	char	 d[17];
	int	 i;

	for (i = 15; i >= 0; i--, v >>= 4)
		d[i] = "0123456789abcdef"[v & 15];
	d[16] = ' ';
	buf_put(b, d, sizeof(d));
}

/* Write OUT's record, atomically; on failure, remove the old one. */
int
state_save(const struct state *s, const char *outdir)
{
	struct fs_spill	 w;
	struct buf	*b = &w.b;
	char		*path, *tmp;
	size_t		 i;
	const char	*l, *e;
	int		 rc = -1;

	path = statepath(outdir);
	tmp = xasprintf("%s.tmp", path);
	if (s->bad) {
		unlink(path);
		goto out;
	}
	fs_spill_open(&w, tmp);
	buf_printf(b, "binome-state 1\nkey %016" PRIx64 "\n", s->key);
	buf_printf(b, "note %zu %zu %zu %u\n", s->courses, s->pages,
	    s->packages, s->warnings);
	if (s->racy)
		buf_puts(b, "racy\n");
	if (s->walked > 0)
		buf_printf(b, "walk %" PRId64 "\n", s->walked);
	if (s->memo != 0)
		buf_printf(b, "memo %016" PRIx64 "\n", s->memo);
	for (l = s->said.data; l != NULL && *l != '\0'; l = e + 1) {
		if ((e = strchr(l, '\n')) == NULL)
			break;
		buf_printf(b, "say %.*s\n", (int)(e - l), l);
	}
	/* By hand: printf would take a tenth of a large build's time. */
	for (i = 0; i < s->nin; i++) {
		buf_puts(b, "in ");
		dec(b, (uint64_t)s->in[i].mtime, s->in[i].mtime < 0);
		dec(b, s->in[i].size, 0);
		dec(b, s->in[i].ino, 0);
		buf_puts(b, s->in[i].path);
		buf_putc(b, '\n');
		fs_spill(&w);
	}
	for (i = 0; i < s->nout; i++) {
		buf_puts(b, "out ");
		hex(b, s->out[i].hash);
		dec(b, s->out[i].size, 0);
		buf_puts(b, s->out[i].path);
		buf_putc(b, '\n');
		fs_spill(&w);
	}
	for (i = 0; i < s->nodir; i++) {
		buf_printf(b, "odir %" PRId64 " %s\n", s->odir[i].mtime,
		    s->odir[i].path);
		fs_spill(&w);
	}
	if (fs_spill_close(&w, tmp) == 0 && fs_replace(tmp, path, NULL) == 0)
		rc = 0;
	else {
		unlink(tmp);
		unlink(path);
	}
out:
	free(tmp);
	free(path);
	return rc;
}

void
state_remove(const char *outdir)
{
	char	*path = statepath(outdir);

	unlink(path);
	free(path);
}
