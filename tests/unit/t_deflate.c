/*
 * Unit tests for deflate.c and zip.c's writer: every kind of input
 * (empty, one byte, runs, text of many blocks, noise, repeats at the
 * window's edge) comes back whole through libzip, which inflates with
 * zlib; text is compressed; a deflater gives the same bytes whatever
 * it deflated before; an entry deflated ahead (zip_ahead) gives the
 * zip the bytes it has when deflated there; CRC-32 has its check value.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zip.h>

#include "extern.h"
#include "t.h"

#define NIN	8

static char	 dir[] = "/tmp/t_deflate.XXXXXX";

static uint32_t	 seed = 12345;

static unsigned
rnd(void)
{
	seed = seed * 1103515245u + 12345u;
	return seed >> 16;
}

/* Input k, into b. */
static void
input(int k, struct buf *b)
{
	static const char *const words[] = { "le ", "mentorat ", "inversé ",
	    "<p class=\"lead\">", "</p>\n", "réseaux ", "sociaux ", "des ",
	    "seniors ", "juniors ", "<a href=\"m01/l02.html\">", "</a> " };
	size_t	 i, n;

	b->len = 0;
	switch (k) {
	case 0:		/* empty */
		break;
	case 1:
		buf_putc(b, 'x');
		break;
	case 2:		/* one long run: matches of 258 */
		for (i = 0; i < 100000; i++)
			buf_putc(b, 'a');
		break;
	case 3:		/* text, many blocks */
		for (i = 0; i < 400000; i++)
			buf_puts(b, words[rnd() % 12]);
		break;
	case 4:		/* noise: stored blocks */
		for (i = 0; i < 200000; i++)
			buf_putc(b, (int)(rnd() & 0xff));
		break;
	case 5:		/* noise repeated at the window's edge */
	case 6:
	case 7:
		n = k == 5 ? 32767 : k == 6 ? 32768 : 32769;
		buf_grow(b, 2 * n + 1000);	/* b->data stays put */
		for (i = 0; i < n; i++)
			buf_putc(b, (int)(rnd() & 0xff));
		buf_put(b, b->data, n);
		buf_put(b, b->data, 1000);
		break;
	}
}

int
main(void)
{
	struct zipin	 e[NIN];
	struct buf	 in[NIN], a = BUF_INIT, b = BUF_INIT;
	struct deflater	*d;
	zip_t		*za;
	zip_stat_t	 st;
	zip_file_t	*zf;
	char		*path, *got, name[16];
	int		 k, ze, whole = 1, asked = 1;

	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 2;
	}
	T_OK(crc32_buf(0, "123456789", 9) == 0xcbf43926u, "CRC-32 check value");
	T_OK(crc32_buf(crc32_buf(0, "1234", 4), "56789", 5) == 0xcbf43926u,
	    "CRC-32 in two steps");

	memset(e, 0, sizeof(e));
	for (k = 0; k < NIN; k++) {
		in[k] = (struct buf)BUF_INIT;
		input(k, &in[k]);
		snprintf(name, sizeof(name), "in%d", k);
		e[k].name = xstrdup(name);
		e[k].data = in[k].data;
		e[k].len = in[k].len;
	}
	path = fs_join(dir, "t.zip");
	T_OK(zip_write(path, NULL, e, NIN, 946684800, path) == 0,
	    "zip_write writes");
	za = zip_open(path, ZIP_RDONLY | ZIP_CHECKCONS, &ze);
	T_OK(za != NULL && zip_get_num_entries(za, 0) == NIN,
	    "libzip opens it, with every entry");
	for (k = 0; za != NULL && k < NIN; k++) {
		got = xmalloc(in[k].len + 1);
		if (zip_stat_index(za, (zip_uint64_t)k, 0, &st) != 0 ||
		    st.size != in[k].len ||
		    (zf = zip_fopen_index(za, (zip_uint64_t)k, 0)) == NULL) {
			whole = 0;
			free(got);
			continue;
		}
		if (zip_fread(zf, got, in[k].len) != (zip_int64_t)in[k].len ||
		    memcmp(got, in[k].data, in[k].len) != 0)
			whole = 0;
		zip_fclose(zf);
		free(got);
		if (k == 3 && !(st.comp_method == ZIP_CM_DEFLATE &&
		    st.comp_size < st.size / 3))
			asked = 0;
		if (k == 4 && st.comp_method != ZIP_CM_STORE)
			asked = 0;
	}
	T_OK(whole, "every entry inflates to its bytes, CRC checked");
	T_OK(asked, "text is deflated to under a third, noise stored");
	if (za != NULL)
		zip_close(za);

	d = deflater_new();
	deflate_buf(d, in[3].data, in[3].len, &a);
	deflate_buf(d, in[5].data, in[5].len, &b);
	b.len = 0;
	deflate_buf(d, in[3].data, in[3].len, &b);
	T_OK(a.len == b.len && memcmp(a.data, b.data, a.len) == 0,
	    "the same input gives the same bytes after another one");
	deflater_free(d);

	/* Ahead: the same zip, from the files, deflated before or not. */
	a.len = b.len = 0;
	for (k = 0; k < NIN; k++) {
		snprintf(name, sizeof(name), "f%d", k);
		e[k].path = fs_join(dir, name);
		e[k].data = NULL;
		fs_write(e[k].path, in[k].data, in[k].len);
	}
	T_OK(zip_write(NULL, &a, e, NIN, 946684800, "a.zip") == 0,
	    "a zip from files");
	for (k = 0; k < NIN; k++)
		zip_ahead(e[k].path, in[k].data, in[k].len);
	T_OK(zip_ahead_has(e[3].path) && !zip_ahead_has(e[4].path),
	    "text is deflated ahead, noise is not kept");
	for (k = 0; k < NIN; k++)
		if (zip_ahead_has(e[k].path))
			unlink(e[k].path);	/* not read again */
	T_OK(zip_write(NULL, &b, e, NIN, 946684800, "b.zip") == 0 &&
	    a.len == b.len && memcmp(a.data, b.data, a.len) == 0,
	    "deflated ahead, the same zip");
	zip_ahead_clear();
	T_OK(!zip_ahead_has(e[3].path), "zip_ahead_clear forgets");

	buf_release(&a);
	buf_release(&b);
	for (k = 0; k < NIN; k++) {
		unlink(e[k].path);
		free((char *)e[k].path);
		buf_release(&in[k]);
		free((char *)e[k].name);
	}
	unlink(path);
	free(path);
	rmdir(dir);
	T_DONE();
}
