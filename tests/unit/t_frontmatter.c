/* Unit tests: front matter splitting, types, positions. */
#include <stdlib.h>

#include "extern.h"
#include "t.h"

static int
parse(struct frontmatter *fm, const char *s)
{
	return fm_parse(fm, "t.md", s, strlen(s));
}

int
main(void)
{
	struct frontmatter fm;
	const struct fmval *v;
	char		*s = NULL, **list = NULL;
	size_t		 n = 0;
	long		 num = 0;
	int		 b = -1;
	unsigned	 errs;

	diag_quiet = 1;
	T_OK(parse(&fm, "# no front matter\n") == 0 &&
	    fm.root.nkids == 0 && fm.bodyline == 1, "no front matter");
	fm_release(&fm);

	T_OK(parse(&fm, "---\ntitle: Hello\nweight: 3\ndraft: true\n"
	    "objectives:\n  - one\n  - two\n---\nBody\n") == 0,
	    "parses a block");
	T_OK(fm.bodyline == 9 && strcmp(fm.body, "Body\n") == 0,
	    "body starts after the fence");
	v = fm_get(&fm.root, "title");
	T_OK(v != NULL && fm_str(v, &s) == 0 && strcmp(s, "Hello") == 0,
	    "title is text");
	T_OK(v->pos.line == 2 && v->pos.col == 1, "key position is file line");
	T_OK(fm_int(fm_get(&fm.root, "weight"), 0, 10, &num) == 0 && num == 3,
	    "weight is a number");
	T_OK(fm_bool(fm_get(&fm.root, "draft"), &b) == 0 && b == 1,
	    "draft is a boolean");
	T_OK(fm_strlist(fm_get(&fm.root, "objectives"), &list, &n) == 0 &&
	    n == 2 && strcmp(list[1], "two") == 0, "objectives is a list");
	fs_list_free(list, n);
	errs = diag_errors;
	T_OK(fm_int(fm_get(&fm.root, "title"), 0, 10, &num) == -1 &&
	    diag_errors == errs + 1, "text is not a number");
	T_OK(fm_strlist(fm_get(&fm.root, "weight"), &list, &n) == 0 && n == 1,
	    "a scalar is a list of one");
	fs_list_free(list, n);
	fm_release(&fm);
	free(s);

	T_OK(parse(&fm, "---\r\ntitle: CRLF\r\n---\r\nBody\r\n") == 0 &&
	    fm_get(&fm.root, "title") != NULL, "CRLF accepted");
	fm_release(&fm);

	errs = diag_errors;
	T_OK(parse(&fm, "---\ntitle: [unclosed\n---\n") == -1 &&
	    diag_errors > errs, "malformed YAML is an error");
	fm_release(&fm);
	T_OK(parse(&fm, "---\ntitle: x\n") == -1, "unclosed block is an error");
	fm_release(&fm);
	T_OK(parse(&fm, "---\n- a\n- b\n---\n") == -1, "a list is no front matter");
	fm_release(&fm);
	T_OK(parse(&fm, "---\na: &x 1\nb: *x\n---\n") == -1, "aliases refused");
	fm_release(&fm);
	T_OK(parse(&fm, "---\ntitle: \"80\"\n---\n") == 0 &&
	    fm_int(fm_get(&fm.root, "title"), 0, 100, &num) == -1,
	    "a quoted number is text");
	fm_release(&fm);
	T_OK(parse(&fm, "---\n---\nbody") == 0 && fm.root.nkids == 0 &&
	    strcmp(fm.body, "body") == 0, "empty block");
	fm_release(&fm);
	T_DONE();
}
