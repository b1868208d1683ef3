/*
 * Byte-reproducible zip files with libzip: entries sorted by name, one
 * fixed modification time, fixed attributes, no extra fields, deflate
 * for text and store for formats that are compressed already.  The zip
 * is written to "<zip>.tmp" and renamed, so a failed build leaves no
 * half package.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <zip.h>

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

/* A zip already written, whose compressed entries later zips reuse. */
struct packref {
	zip_t	*za;
};

struct packref *
pack_ref(const char *zippath)
{
	struct packref	*r;
	zip_t		*za;
	int		 ze;

	if ((za = zip_open(zippath, ZIP_RDONLY, &ze)) == NULL)
		return NULL;	/* then every entry is deflated anew */
	r = xcalloc(1, sizeof(*r));
	r->za = za;
	return r;
}

void
pack_ref_free(struct packref *r)
{
	if (r == NULL)
		return;
	zip_discard(r->za);
	free(r);
}

/*
 * Deflate level: 6, zlib's default, costs half the time of 9 on HTML
 * for packages a few percent larger.
 */
#define PACK_LEVEL	6

/* Add one entry with fixed metadata; its data stays borrowed. */
static int
add(zip_t *za, const char *tmp, const struct packfile *f, time_t mtime,
    const struct packref *ref)
{
	zip_source_t	*src;
	zip_int64_t	 idx, from = -1;
	zip_flags_t	 enc = ZIP_FL_ENC_GUESS;
	const char	*s;
	int		 store = stored(f->name);

	for (s = f->name; *s != '\0'; s++)
		if ((unsigned char)*s >= 0x80)
			enc = ZIP_FL_ENC_UTF_8;
	if (ref != NULL && f->shared)
		from = zip_name_locate(ref->za, f->name, ZIP_FL_ENC_RAW);
	/*
	 * Bytes deflated once at the same level are the same bytes: a
	 * copy of the reference's compressed data changes nothing in the
	 * output, and saves deflating the whole site again.
	 */
	if (from >= 0)
		src = zip_source_zip(za, ref->za, (zip_uint64_t)from,
		    ZIP_FL_COMPRESSED, 0, -1);
	else if (f->path != NULL)
		src = zip_source_file(za, f->path, 0, -1);
	else
		src = zip_source_buffer(za, f->data, f->len, 0);
	if (src == NULL)
		return zerr(tmp, za, f->name);
	if ((idx = zip_file_add(za, f->name, src, enc)) < 0) {
		zip_source_free(src);
		return zerr(tmp, za, f->name);
	}
	if (zip_set_file_compression(za, (zip_uint64_t)idx,
	    store ? ZIP_CM_STORE : ZIP_CM_DEFLATE, store ? 0 : PACK_LEVEL) == -1 ||
	    zip_file_set_mtime(za, (zip_uint64_t)idx, mtime, 0) == -1 ||
	    zip_file_set_external_attributes(za, (zip_uint64_t)idx, 0,
	    ZIP_OPSYS_UNIX, (zip_uint32_t)0100644 << 16) == -1 ||
	    zip_file_extra_field_delete(za, (zip_uint64_t)idx,
	    ZIP_EXTRA_FIELD_ALL, ZIP_FL_CENTRAL | ZIP_FL_LOCAL) == -1)
		return zerr(tmp, za, f->name);
	return 0;
}

/*
 * Write the zip zippath from files (sorted in place by name; their
 * names and data stay the caller's), copying shared entries from ref
 * when it has them.  Names must be relative and
 * normalised, and unique.  The same files give the same bytes.
 * Returns -1 after reporting an error; then no zippath is written.
 */
int
pack_zip(const char *zippath, struct packfile *files, size_t n,
    const struct packref *ref)
{
	struct pos	 p = { zippath, 0, 0 };
	zip_t		*za;
	char		*tmp;
	time_t		 mtime;
	size_t		 i;
	int		 ze;

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
	if ((za = zip_open(tmp, ZIP_CREATE | ZIP_TRUNCATE, &ze)) == NULL) {
		zip_error_t	 e;

		zip_error_init_with_code(&e, ze);
		diag_err(&p, "cannot create '%s': %s", tmp,
		    zip_error_strerror(&e));
		zip_error_fini(&e);
		free(tmp);
		return -1;
	}
	for (i = 0; i < n; i++)
		if (add(za, tmp, &files[i], mtime, ref) == -1)
			goto fail;
	if (zip_close(za) == -1) {
		zerr(tmp, za, "cannot write");
		goto fail;
	}
	za = NULL;
	if (n == 0 && !fs_isfile(tmp)) {
		/* libzip writes nothing for an empty archive. */
		static const char eocd[22] = { 'P', 'K', 5, 6 };

		if (fs_write(tmp, eocd, sizeof(eocd)) == -1)
			goto fail;
	}
	if (rename(tmp, zippath) == -1) {
		diag_sys(zippath, "cannot rename '%s' to it", tmp);
		goto fail;
	}
	free(tmp);
	return 0;
fail:
	if (za != NULL)
		zip_discard(za);
	unlink(tmp);
	free(tmp);
	return -1;
}
