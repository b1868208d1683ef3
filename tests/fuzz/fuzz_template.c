/* libFuzzer target: template compiling and rendering. */
#include <stdint.h>
#include <stdlib.h>

#include "extern.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct tmpl *
nopartial(void *arg, const char *name)
{
	(void)arg;
	(void)name;
	return NULL;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct tmpl	*t;
	struct tval	*root, *l, *it;
	struct buf	 b = BUF_INIT;

	diag_mute = 1;
	if ((t = tmpl_compile("fuzz.html", (const char *)data, len,
	    nopartial, NULL)) == NULL)
		return 0;
	root = tv_map(NULL, NULL);
	tv_str(root, "title", "<b>&\"'</b>");
	tv_str(root, "href", "javascript:alert(1)");
	tv_bool(root, "yes", 1);
	l = tv_list(root, "items");
	it = tv_item(l);
	tv_str(it, "name", "one");
	it = tv_item(l);
	tv_str(it, "name", "two");
	l = tv_list(root, "words");
	tv_str(l, NULL, "a");
	tmpl_render(t, &b, root);
	buf_release(&b);
	tv_release(root);
	free(root);
	tmpl_free(t);
	return 0;
}
