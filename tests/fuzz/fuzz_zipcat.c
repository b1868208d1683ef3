/*
 * libFuzzer target: reading a zip's records (zip.c), from a file and
 * from memory, then writing a zip of every entry from them; and the
 * input itself deflated as an entry.  The zip of the last build is
 * read so; a damaged one must be refused, never trusted.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "extern.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* A zip of every entry of z, then one of data as a new entry. */
static void
rewrite(const struct zipcat *z, const uint8_t *data, size_t len)
{
	struct buf	 out = BUF_INIT;
	struct zipin	*e;
	size_t		 i, n = z != NULL ? zipcat_count(z) : 0;

	if ((e = calloc(n + 1, sizeof(*e))) == NULL)
		return;
	for (i = 0; i < n; i++) {
		e[i].name = "entry";
		e[i].from = z;
		e[i].idx = (long)i;
	}
	(void)zip_write(NULL, &out, e, n, 0, "fuzz.zip");
	e[0].name = "input";
	e[0].from = NULL;
	e[0].data = (const char *)data;
	e[0].len = len;
	(void)zip_write(NULL, &out, e, 1, 0, "fuzz.zip");
	buf_release(&out);
	free(e);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	char		 in[] = "/tmp/fuzz-zipcat-in.XXXXXX";
	struct zipcat	*z;
	int		 fd;

	diag_mute = 1;
	z = zipcat_mem(data, len);
	rewrite(z, data, len);
	zipcat_free(z);
	if ((fd = mkstemp(in)) == -1)
		return 0;
	if (write(fd, data, len) != (ssize_t)len) {
		close(fd);
		unlink(in);
		return 0;
	}
	close(fd);
	if ((z = zipcat_open(in)) != NULL) {
		(void)zipcat_find(z, "index.html");
		rewrite(z, NULL, 0);
		zipcat_free(z);
	}
	unlink(in);
	return 0;
}
