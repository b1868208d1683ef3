/*
 * Unit tests for pack.c: entries are written sorted, the same files
 * give the same bytes (whatever TZ says), and unsafe names are refused
 * without leaving a zip behind.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zip.h>

#include "extern.h"
#include "t.h"

static char	 dir[] = "/tmp/t_pack.XXXXXX";

static struct packfile *
sample(size_t *n)
{
	static struct packfile	 f[4];
	static char		 big[20000];
	size_t			 i;

	for (i = 0; i < sizeof(big); i++)
		big[i] = "binome "[i % 7];
	f[0] = (struct packfile){ "scorm.html", "<!doctype html>", 15, NULL, 0, 0 };
	f[1] = (struct packfile){ "assets/binome.js", big, sizeof(big), NULL, 0, 0 };
	f[2] = (struct packfile){ "imsmanifest.xml", "<manifest/>", 11, NULL, 0, 0 };
	f[3] = (struct packfile){ "media/photo.png", "\x89PNG....", 8, NULL, 0, 0 };
	*n = 4;
	return f;
}

static char *
slurp(const char *path, size_t *len)
{
	char	*data = NULL;

	if (fs_read(path, &data, len) == -1)
		return NULL;
	return data;
}

int
main(void)
{
	struct packfile	*f, bad;
	char		*z1, *z2, *tmp, *a = NULL, *b = NULL;
	size_t		 n, la = 0, lb = 0, i;
	zip_t		*za;
	zip_stat_t	 st;
	int		 sorted = 1, ze;

	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 2;
	}
	z1 = fs_join(dir, "one.zip");
	z2 = fs_join(dir, "two.zip");
	unsetenv("SOURCE_DATE_EPOCH");

	f = sample(&n);
	T_OK(pack_zip(z1, f, n, NULL, NULL) == 0, "pack_zip writes a zip");
	tmp = xasprintf("%s.tmp", z1);
	T_OK(!fs_isfile(tmp), "no .tmp file is left behind");
	free(tmp);

	/* Entries come out in byte order, data intact. */
	za = zip_open(z1, ZIP_RDONLY, &ze);
	T_OK(za != NULL && zip_get_num_entries(za, 0) == 4,
	    "the zip has four entries");
	for (i = 1; za != NULL && i < 4; i++)
		if (strcmp(zip_get_name(za, i - 1, 0),
		    zip_get_name(za, i, 0)) >= 0)
			sorted = 0;
	T_OK(za != NULL && sorted, "entries are sorted by name");
	T_OK(za != NULL && zip_stat(za, "assets/binome.js", 0, &st) == 0 &&
	    st.size == 20000 && st.comp_method == ZIP_CM_DEFLATE,
	    "text is deflated");
	T_OK(za != NULL && zip_stat(za, "media/photo.png", 0, &st) == 0 &&
	    st.comp_method == ZIP_CM_STORE, "png is stored");
	if (za != NULL)
		zip_close(za);

	/* Same input, another order, another TZ: same bytes. */
	f = sample(&n);
	f[0] = f[3];
	f[3] = (struct packfile){ "scorm.html", "<!doctype html>", 15, NULL, 0, 0 };
	setenv("TZ", "Pacific/Auckland", 1);
	tzset();
	T_OK(pack_zip(z2, f, n, NULL, NULL) == 0, "pack_zip writes a second zip");
	setenv("TZ", "UTC", 1);
	tzset();
	a = slurp(z1, &la);
	b = slurp(z2, &lb);
	T_OK(a && b && la == lb && memcmp(a, b, la) == 0,
	    "building twice gives identical bytes");
	free(b);

	/*
	 * Entries streamed from files, or copied compressed from a
	 * reference zip, give the bytes of a fresh build.
	 */
	{
		struct packref	*ref;
		struct packfile	*g;
		char		*js = fs_join(dir, "binome.js");

		g = sample(&n);
		T_OK(fs_write(js, g[1].data, g[1].len) == 0, "write a file");
		g[1].data = NULL;
		g[1].len = 0;
		g[1].path = js;
		T_OK(pack_zip(z2, g, n, NULL, NULL) == 0 &&
		    (b = slurp(z2, &lb)) != NULL && lb == la &&
		    memcmp(a, b, la) == 0, "a file entry gives the same bytes");
		free(b);
		ref = pack_ref(z1);
		T_OK(ref != NULL, "pack_ref opens a written zip");
		g = sample(&n);
		for (i = 0; i < n; i++)
			g[i].shared = 1;
		/* A reference entry wins over the (here different) data. */
		g[1].data = "changed";
		g[1].len = 7;
		T_OK(pack_zip(z2, g, n, ref, NULL) == 0 &&
		    (b = slurp(z2, &lb)) != NULL && lb == la &&
		    memcmp(a, b, la) == 0,
		    "shared entries are copied from the reference");
		free(b);
		g = sample(&n);
		g[1].data = "changed";
		g[1].len = 7;
		T_OK(pack_zip(z2, g, n, ref, NULL) == 0 &&
		    (b = slurp(z2, &lb)) != NULL &&
		    (lb != la || memcmp(a, b, la) != 0),
		    "entries not shared are deflated anew");
		free(b);
		g = sample(&n);
		for (i = 0; i < n; i++)
			g[i].kept = 1;
		g[1].data = "changed";
		g[1].len = 7;
		T_OK(pack_zip(z2, g, n, NULL, ref) == 0 &&
		    (b = slurp(z2, &lb)) != NULL && lb == la &&
		    memcmp(a, b, la) == 0,
		    "kept entries are copied from the old zip");
		free(b);
		pack_ref_free(ref);
		unlink(js);
		free(js);
	}
	free(a);

	/* SOURCE_DATE_EPOCH changes the stored time, and only that. */
	setenv("SOURCE_DATE_EPOCH", "1700000000", 1);
	f = sample(&n);
	T_OK(pack_zip(z2, f, n, NULL, NULL) == 0, "pack_zip with SOURCE_DATE_EPOCH");
	za = zip_open(z2, ZIP_RDONLY, &ze);
	T_OK(za != NULL && zip_stat(za, "scorm.html", 0, &st) == 0 &&
	    (st.mtime == 1700000000 || st.mtime == 1700000000 - 1),
	    "the entry time is SOURCE_DATE_EPOCH (2 s resolution)");
	if (za != NULL)
		zip_close(za);
	unsetenv("SOURCE_DATE_EPOCH");

	/* Unsafe names are refused and nothing is written. */
	fputs("# the next errors are expected\n", stdout);
	fflush(stdout);
	bad = (struct packfile){ "../x", "x", 1, NULL, 0, 0 };
	unlink(z2);
	T_OK(pack_zip(z2, &bad, 1, NULL, NULL) == -1 && !fs_isfile(z2),
	    "refuses ../x");
	bad.name = "/x";
	T_OK(pack_zip(z2, &bad, 1, NULL, NULL) == -1 && !fs_isfile(z2), "refuses /x");
	bad.name = "a/../../x";
	T_OK(pack_zip(z2, &bad, 1, NULL, NULL) == -1, "refuses a/../../x");
	bad.name = "a//x";
	T_OK(pack_zip(z2, &bad, 1, NULL, NULL) == -1, "refuses a//x");
	bad.name = "a\\x";
	T_OK(pack_zip(z2, &bad, 1, NULL, NULL) == -1, "refuses a\\x");
	f = sample(&n);
	f[1].name = "scorm.html";
	T_OK(pack_zip(z2, f, n, NULL, NULL) == -1 && !fs_isfile(z2),
	    "refuses duplicate names");

	unlink(z1);
	unlink(z2);
	rmdir(dir);
	free(z1);
	free(z2);
	T_DONE();
}
