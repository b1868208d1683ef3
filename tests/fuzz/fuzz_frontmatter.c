/* libFuzzer target: front matter splitting and YAML parsing. */
#include <stdint.h>
#include <stdlib.h>

#include "extern.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct frontmatter fm;
	char		*s = NULL, **l = NULL;
	size_t		 i, n = 0;
	long		 num;
	int		 b;

	diag_mute = 1;
	fm_parse(&fm, "fuzz.md", (const char *)data, len);
	for (i = 0; i < fm.root.nkids; i++) {
		const struct fmval *v = &fm.root.kids[i];

		if (fm_str(v, &s) == 0) {
			free(s);
			s = NULL;
		}
		fm_int(v, -100, 100, &num);
		fm_bool(v, &b);
		if (fm_strlist(v, &l, &n) == 0)
			fs_list_free(l, n);
	}
	fm_release(&fm);
	return 0;
}
