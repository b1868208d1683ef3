/*
 * libFuzzer target: the memo of the last build (OUT/.binome-memo), after
 * its magic and id: every record it accepts is loaded into a page and
 * its rendering read back, as a build would.
 */
#include <sys/stat.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "extern.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static const char head[] = "binome-memo 1\n\001";
	struct memo	*m;
	const struct memo_page *e;
	struct module	 mod;
	struct stat	 st;
	char		*text = malloc(sizeof(head) - 1 + len + 1);
	long		 i;

	if (text == NULL)
		return 0;
	diag_mute = 1;
	memcpy(text, head, sizeof(head) - 1);
	memcpy(text + sizeof(head) - 1, data, len);
	if ((m = memo_parse(text, sizeof(head) - 1 + len, 1)) != NULL) {
		for (i = 0;; i++) {
			memset(&mod, 0, sizeof(mod));
			mod.page.kind = PAGE_MODULE;
			mod.page.module = &mod;
			if ((e = memo_nth(m, (size_t)i)) == NULL)
				break;
			memset(&st, 0, sizeof(st));
			st.st_mtim.tv_sec = (time_t)(e->mtime / 1000000000);
			st.st_mtim.tv_nsec = (long)(e->mtime % 1000000000);
			st.st_size = (off_t)e->size;
			st.st_ino = (ino_t)e->ino;
			mod.page.src = xstrdup(e->src);
			/* The last record of a path is the one found. */
			if (memo_find(m, e->src, &st) == NULL &&
			    memo_nth(m, (size_t)i + 1) == NULL)
				abort();
			memo_loaded(&mod.page, &mod, e);
			if (e->key != 0)
				memo_rendered(&mod.page);
			course_page_release(&mod.page);
		}
		memo_free(m);
	}
	free(text);
	return 0;
}
