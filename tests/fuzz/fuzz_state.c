/* libFuzzer target: the record of the last build (OUT/.binome-state). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "extern.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct state	 s;
	char		*text = malloc(len + 1);
	size_t		 i;

	if (text == NULL)
		return 0;
	memcpy(text, data, len);
	text[len] = '\0';
	if (state_parse(&s, text) == 0) {
		for (i = 0; i < s.nout; i++)
			if (state_find(&s, s.out[i].path) == NULL)
				abort();	/* every output is found again */
		state_free(&s);
	}
	free(text);
	return 0;
}
