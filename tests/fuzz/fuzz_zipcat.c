/*
 * libFuzzer target: reading a zip's records to join them (zipcat.c),
 * then writing a zip of every entry from them.  The zip of the last
 * build is read so; a damaged one must be refused, never trusted.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "extern.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	char		 in[] = "/tmp/fuzz-zipcat-in.XXXXXX";
	char		 out[] = "/tmp/fuzz-zipcat-out.XXXXXX";
	struct zipcat	*z, **src;
	long		*idx, i, n;
	int		 fd;

	diag_mute = 1;
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
		n = (long)zipcat_count(z);
		src = calloc((size_t)n + 1, sizeof(*src));
		idx = calloc((size_t)n + 1, sizeof(*idx));
		for (i = 0; src != NULL && idx != NULL && i < n; i++) {
			src[i] = z;
			idx[i] = i;
		}
		if ((fd = mkstemp(out)) != -1) {
			close(fd);
			if (src != NULL && idx != NULL)
				zipcat_write(out, src, idx, (size_t)n);
			unlink(out);
		}
		free(src);
		free(idx);
		zipcat_free(z);
	}
	unlink(in);
	return 0;
}
