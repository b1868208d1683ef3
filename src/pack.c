/*
 * Byte-reproducible zip files with libzip: entries sorted by name, one
 * fixed modification time, fixed attributes, no extra fields, deflate
 * for text and store for formats that are compressed already.  The zip
 * is written to "<zip>.tmp" and renamed, so a failed build leaves no
 * half package.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <zip.h>

#include "extern.h"
#include "libs.h"

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

/* Already compressed: deflate would only cost time. */
static int
stored(const char *name)
{
	static const char *const exts[] = { ".png", ".jpg", ".jpeg",
	    ".gif", ".webp", ".avif", ".zip", ".gz", ".mp3", ".mp4", ".m4a",
	    ".webm", ".ogg", ".oga", ".ogv", ".woff", ".woff2", NULL };
	const char	*dot = strrchr(name, '.');
	size_t		 i;

	if (dot == NULL || strchr(dot, '/') != NULL)
		return 0;
	for (i = 0; exts[i] != NULL; i++)
		if (strcasecmp(dot, exts[i]) == 0)
			return 1;
	return 0;
}

/*
 * The time every entry carries: SOURCE_DATE_EPOCH when set, else
 * PACK_EPOCH.  Zip stores local "DOS" time fields, which libzip fills
 * from localtime(), so hand it the time whose local fields equal the
 * UTC fields of the epoch: the bytes then do not depend on TZ.
 */
static time_t
pack_mtime(void)
{
	const char	*s = getenv("SOURCE_DATE_EPOCH");
	char		*end;
	long long	 v = PACK_EPOCH;
	time_t		 t;
	struct tm	 tm;

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
	t = (time_t)v;
	if (gmtime_r(&t, &tm) == NULL)
		return (time_t)PACK_EPOCH;
	tm.tm_isdst = -1;
	return mktime(&tm);
}

static int
zerr(const char *path, zip_t *za, const char *what)
{
	struct pos	 p = { path, 0, 0 };

	return diag_err(&p, "%s: %s", what,
	    za ? zip_strerror(za) : "cannot open");
}

/*
 * Zips already written, whose entries later zips reuse: joined by
 * copying their records (zipcat.c) or, failing that, through libzip.
 */
struct zref {
	char		*path;
	struct zipcat	*cat;	/* NULL: libzip only */
	zip_t		*za;	/* opened when libzip reads it */
	int		 tmp;	/* remove the file once done */
};

struct packref {
	struct zref	*z;
	size_t		 n;
};

int	 pack_jobs = 1;

/* Add the zip at zippath to r (made when NULL). */
static struct packref *
ref_add(struct packref *r, const char *zippath, int tmp)
{
	struct zref	*z;

	if (!fs_isfile(zippath))
		return r;	/* then its entries are deflated anew */
	if (r == NULL)
		r = xcalloc(1, sizeof(*r));
	r->z = xreallocarray(r->z, r->n + 1, sizeof(*r->z));
	z = &r->z[r->n++];
	z->path = xstrdup(zippath);
	z->cat = zipcat_open(zippath);
	z->za = NULL;
	z->tmp = tmp;
	return r;
}

struct packref *
pack_ref(const char *zippath)
{
	return ref_add(NULL, zippath, 0);
}

void
pack_ref_free(struct packref *r)
{
	size_t	 i;

	if (r == NULL)
		return;
	for (i = 0; i < r->n; i++) {
		zipcat_free(r->z[i].cat);
		if (r->z[i].za != NULL)
			zip_discard(r->z[i].za);
		if (r->z[i].tmp)
			unlink(r->z[i].path);
		free(r->z[i].path);
	}
	free(r->z);
	free(r);
}

/* Where r has name: -1, or its index, in *from. */
static long
ref_find(const struct packref *r, const char *name, struct zref **from)
{
	struct zref	*z;
	long		 idx;
	size_t		 i;
	int		 ze;

	for (i = 0; r != NULL && i < r->n; i++) {
		z = &r->z[i];
		if (z->cat != NULL)
			idx = zipcat_find(z->cat, name);
		else {
			if (z->za == NULL &&
			    (z->za = zip_open(z->path, ZIP_RDONLY, &ze)) == NULL)
				continue;
			idx = (long)zip_name_locate(z->za, name,
			    ZIP_FL_ENC_RAW);
		}
		if (idx >= 0) {
			*from = z;
			return idx;
		}
	}
	return -1;
}

/*
 * Where an entry's bytes are deflated already: in ref when the entry is
 * shared, in old when it is kept, else in parts.  -1, or its index.
 */
static long
locate(const struct packfile *f, const struct packref *ref,
    const struct packref *old, const struct packref *parts,
    struct zref **z)
{
	long	 i = -1;

	if (f->shared)
		i = ref_find(ref, f->name, z);
	if (i < 0 && f->kept)
		i = ref_find(old, f->name, z);
	if (i < 0)
		i = ref_find(parts, f->name, z);
	return i;
}

/*
 * Deflate level 3, zlib's fastest strategy: a 20-lesson build takes
 * 2 ms (8%) less than at level 5, for packages 8% larger (the shipped
 * course: 309 KB against 286 KB).  6 took 11% more than 5, 9 twice 6.
 */
#define PACK_LEVEL	3

/*
 * Give entry idx the fixed metadata every zip of binome has; -1 on
 * failure, unreported.
 */
static int
settle(zip_t *za, zip_int64_t idx, const char *name, time_t mtime)
{
	int	 store = stored(name);

	if (zip_set_file_compression(za, (zip_uint64_t)idx,
	    store ? ZIP_CM_STORE : ZIP_CM_DEFLATE, store ? 0 : PACK_LEVEL) == -1 ||
	    zip_file_set_mtime(za, (zip_uint64_t)idx, mtime, 0) == -1 ||
	    zip_file_set_external_attributes(za, (zip_uint64_t)idx, 0,
	    ZIP_OPSYS_UNIX, (zip_uint32_t)0100644 << 16) == -1 ||
	    zip_file_extra_field_delete(za, (zip_uint64_t)idx,
	    ZIP_EXTRA_FIELD_ALL, ZIP_FL_CENTRAL | ZIP_FL_LOCAL) == -1)
		return -1;
	return 0;
}

static zip_flags_t
encoding(const char *name)
{
	const char	*s;

	for (s = name; *s != '\0'; s++)
		if ((unsigned char)*s >= 0x80)
			return ZIP_FL_ENC_UTF_8;
	return ZIP_FL_ENC_GUESS;
}

/* f's own bytes: its file, or its data (borrowed). */
static zip_source_t *
own(zip_t *za, const struct packfile *f)
{
	return f->path != NULL ? zip_source_file(za, f->path, 0, -1) :
	    zip_source_buffer(za, f->data, f->len, 0);
}

/*
 * Add f from src (NULL: it could not be made) with the fixed metadata;
 * -1 on failure, unreported.
 */
static int
put(zip_t *za, const struct packfile *f, zip_source_t *src, time_t mtime)
{
	zip_int64_t	 idx;

	if (src == NULL)
		return -1;
	if ((idx = zip_file_add(za, f->name, src, encoding(f->name))) < 0) {
		zip_source_free(src);
		return -1;
	}
	return settle(za, idx, f->name, mtime);
}

/* Add one entry, copied where it is deflated already. */
static int
add(zip_t *za, const char *tmp, const struct packfile *f, time_t mtime,
    const struct packref *ref, const struct packref *old,
    const struct packref *parts)
{
	zip_source_t	*src;
	struct zref	*z = NULL;
	long		 from;
	int		 ze;

	from = locate(f, ref, old, parts, &z);
	if (from >= 0 && z->za == NULL &&
	    (z->za = zip_open(z->path, ZIP_RDONLY, &ze)) == NULL)
		from = -1;
	/*
	 * Bytes deflated once at the same level are the same bytes: a
	 * copy of the reference's compressed data changes nothing in the
	 * output, and saves deflating the whole site again.
	 */
	src = from >= 0 ? zip_source_zip(za, z->za, (zip_uint64_t)from,
	    ZIP_FL_COMPRESSED, 0, -1) : own(za, f);
	if (put(za, f, src, mtime) == -1)
		return zerr(tmp, za, f->name);
	return 0;
}

/* Deflate part of the entries into a zip of their own, on a thread. */
struct part {
	char			*path;
	const struct packfile	*f;
	size_t			 n;
	time_t			 mtime;
	pthread_t		 th;
	int			 started;
};

static void *
deflate_part(void *arg)
{
	struct part	*pt = arg;
	zip_t		*za;
	size_t		 i;
	int		 ze;

	/* Quiet: whatever fails here is deflated again, and reported,
	 * by pack_zip itself.  The metadata is the final zip's, so that
	 * its records can be copied as they are. */
	if ((za = zip_open(pt->path, ZIP_CREATE | ZIP_TRUNCATE, &ze)) == NULL)
		return NULL;
	for (i = 0; i < pt->n; i++)
		if (put(za, &pt->f[i], own(za, &pt->f[i]), pt->mtime) == -1)
			break;
	if (i < pt->n || zip_close(za) == -1) {
		zip_discard(za);
		unlink(pt->path);
	}
	return NULL;
}

/*
 * With pack_jobs threads, deflate the entries that ref and old do not
 * hold into part zips, side by side: pack_zip then copies their
 * compressed bytes, which are the bytes it would have made itself.
 * NULL when there is too little to share out.
 */
static struct packref *
deflate_parts(const char *zippath, const struct packfile *files, size_t n,
    const struct packref *ref, const struct packref *old, time_t mtime)
{
	struct part	*pt;
	struct packref	*parts = NULL;
	struct zref	*z;
	size_t		 i, j, k, first, total = 0, share, sum, *todo, ntodo = 0;

	if (pack_jobs < 2)
		return NULL;
	todo = xcalloc(n + 1, sizeof(*todo));
	for (i = 0; i < n; i++)
		if (!stored(files[i].name) &&
		    locate(&files[i], ref, old, NULL, &z) < 0) {
			todo[ntodo++] = i;
			total += files[i].len;
		}
	if (total < (1u << 21)) {
		free(todo);
		return NULL;
	}
	/* Contiguous runs of about equal bytes. */
	pt = xcalloc((size_t)pack_jobs, sizeof(*pt));
	share = total / (size_t)pack_jobs + 1;
	for (k = 0, i = 0; i < (size_t)pack_jobs && k < ntodo; i++) {
		struct packfile *v;

		first = k;
		for (sum = 0; k < ntodo && (sum < share ||
		    i + 1 == (size_t)pack_jobs); k++)
			sum += files[todo[k]].len;
		v = xcalloc(k - first, sizeof(*v));
		for (j = first; j < k; j++)
			v[j - first] = files[todo[j]];
		pt[i].f = v;
		pt[i].n = k - first;
		pt[i].mtime = mtime;
		pt[i].path = xasprintf("%s.part%zu", zippath, i);
		pt[i].started = pthread_create(&pt[i].th, NULL,
		    deflate_part, &pt[i]) == 0;
		if (!pt[i].started)
			deflate_part(&pt[i]);
	}
	for (i = 0; i < (size_t)pack_jobs; i++) {
		if (pt[i].path == NULL)
			continue;
		if (pt[i].started)
			pthread_join(pt[i].th, NULL);
		parts = ref_add(parts, pt[i].path, 1);
		free(pt[i].path);
		free((void *)pt[i].f);
	}
	free(pt);
	free(todo);
	return parts;
}

/* Up to this many bytes of entries, a zip is made in memory. */
#define PACK_INMEM	(16u << 20)

/* Write the zip that libzip made in mem to path. */
static int
memsave(zip_source_t *mem, const char *path)
{
	struct pos	 p = { path, 0, 0 };
	zip_stat_t	 st;
	zip_int64_t	 n;
	char		*data;
	int		 rc;

	if (zip_source_stat(mem, &st) == -1 || !(st.valid & ZIP_STAT_SIZE))
		return diag_err(&p, "cannot size the zip made in memory");
	if (st.size == 0)
		return 0;	/* empty: see the caller */
	data = xmalloc((size_t)st.size);
	if (zip_source_open(mem) == -1) {
		free(data);
		return diag_err(&p, "cannot read the zip made in memory");
	}
	n = zip_source_read(mem, data, st.size);
	zip_source_close(mem);
	if (n < 0 || (zip_uint64_t)n != st.size) {
		free(data);
		return diag_err(&p, "cannot read the zip made in memory");
	}
	rc = fs_write(path, data, (size_t)st.size);
	free(data);
	return rc;
}

/*
 * Write path with libzip: files[pick[0..npick)] (every file when pick
 * is NULL), entries copied from ref, old and parts when they hold them.
 * A small zip is made in memory: written to a file, libzip names its
 * temporary file with OpenSSL's random generator, whose start costs
 * more than a small course's whole package.
 */
static int
libzip_write(const char *path, const struct packfile *files, size_t n,
    const size_t *pick, size_t npick, time_t mtime,
    const struct packref *ref, const struct packref *old,
    const struct packref *parts)
{
	struct pos	 p = { path, 0, 0 };
	zip_source_t	*mem = NULL;
	zip_error_t	 e;
	zip_t		*za = NULL;
	size_t		 i, total = 0;
	int		 ze;

	if (pick == NULL)
		npick = n;
	for (i = 0; i < npick; i++)
		total += files[pick ? pick[i] : i].len;
	zip_error_init(&e);
	if (total < PACK_INMEM) {
		if ((mem = zip_source_buffer_create(NULL, 0, 0, &e)) != NULL) {
			zip_source_keep(mem);
			if ((za = zip_open_from_source(mem, ZIP_TRUNCATE,
			    &e)) == NULL) {
				zip_source_free(mem);
				mem = NULL;
			}
		}
	} else if ((za = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &ze)) ==
	    NULL)
		zip_error_init_with_code(&e, ze);
	if (za == NULL) {
		diag_err(&p, "cannot create the zip: %s",
		    zip_error_strerror(&e));
		zip_error_fini(&e);
		return -1;
	}
	zip_error_fini(&e);
	for (i = 0; i < npick; i++)
		if (add(za, path, &files[pick ? pick[i] : i], mtime, ref, old,
		    parts) == -1)
			goto fail;
	if (zip_close(za) == -1) {
		zerr(path, za, "cannot write");
		goto fail;
	}
	if (mem != NULL && memsave(mem, path) == -1) {
		zip_source_free(mem);
		return -1;
	}
	zip_source_free(mem);
	if (npick == 0 && !fs_isfile(path)) {
		/* libzip writes nothing for an empty archive. */
		static const char eocd[22] = { 'P', 'K', 5, 6 };

		return fs_write(path, eocd, sizeof(eocd));
	}
	return 0;
fail:
	zip_discard(za);
	zip_source_free(mem);
	unlink(path);
	return -1;
}

/*
 * Join: when the records of some entries exist already (in ref, old or
 * parts), make a zip of the others alone, then copy every record into
 * tmp in order.  0 when done, 1 when it cannot be done so (then tmp is
 * not written), -1 after reporting an error.
 */
static int
join(const char *tmp, const struct packfile *files, size_t n, time_t mtime,
    const struct packref *ref, const struct packref *old,
    const struct packref *parts)
{
	struct zipcat	**src;
	struct packref	*fresh = NULL;
	struct zref	*z;
	size_t		*pick, npick = 0, i;
	long		*idx;
	char		*fpath;
	int		 rc = 1;

	src = xcalloc(n + 1, sizeof(*src));
	idx = xcalloc(n + 1, sizeof(*idx));
	pick = xcalloc(n + 1, sizeof(*pick));
	for (i = 0; i < n; i++) {
		idx[i] = locate(&files[i], ref, old, parts, &z);
		if (idx[i] >= 0 && z->cat != NULL)
			src[i] = z->cat;
		else
			pick[npick++] = i;
	}
	if (npick == n)
		goto out;	/* nothing to copy: libzip alone */
	fpath = xasprintf("%s.fresh", tmp);
	if (npick > 0) {
		if (libzip_write(fpath, files, n, pick, npick, mtime, NULL,
		    NULL, NULL) == -1) {
			rc = -1;
			free(fpath);
			goto out;
		}
		fresh = ref_add(NULL, fpath, 1);
		for (i = 0; i < npick; i++) {
			if (fresh == NULL || fresh->z[0].cat == NULL ||
			    (idx[pick[i]] = zipcat_find(fresh->z[0].cat,
			    files[pick[i]].name)) < 0)
				break;
			src[pick[i]] = fresh->z[0].cat;
		}
		if (i < npick) {
			free(fpath);
			goto out;
		}
	}
	free(fpath);
	rc = zipcat_write(tmp, src, idx, n);
out:
	pack_ref_free(fresh);
	free(src);
	free(idx);
	free(pick);
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
	struct packref	*parts;
	char		*tmp;
	time_t		 mtime;
	size_t		 i;
	int		 rc;

	if (lib_load(LIB_ZIP) == -1)
		return -1;
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
	tmp = xasprintf("%s.tmp", zippath);
	parts = deflate_parts(zippath, files, n, ref, old, mtime);
	if ((rc = join(tmp, files, n, mtime, ref, old, parts)) == 1)
		rc = libzip_write(tmp, files, n, NULL, 0, mtime, ref, old,
		    parts);
	pack_ref_free(parts);
	if (rc == 0 && rename(tmp, zippath) == -1)
		rc = diag_sys(zippath, "cannot rename '%s' to it", tmp);
	if (rc == -1)
		unlink(tmp);
	free(tmp);
	return rc;
}
