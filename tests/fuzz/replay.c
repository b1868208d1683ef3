/*
 * Replay corpus files through a fuzz target without libFuzzer, so that
 * `make check` runs every seed under ASan and UBSan.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "extern.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
main(int argc, char *argv[])
{
	char	*data;
	size_t	 len;
	int	 i, rc = 0;

	for (i = 1; i < argc; i++) {
		if (fs_read(argv[i], &data, &len) == -1) {
			rc = 1;
			continue;
		}
		LLVMFuzzerTestOneInput((const uint8_t *)data, len);
		free(data);
		printf("ok - fuzz replay %s\n", argv[i]);
	}
	return rc;
}
