/*
 * libFuzzer target: quiz parsing.  The first byte picks the quiz type
 * and whether the lesson is graded; the rest follows a directive and a
 * question heading, so that every input reaches the quiz parser.
 */
#define FUZZ_QUIZ
#include "fuzz_lesson.c"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static const char *const types[] = { "single", "multi", "tf",
	    "short loose", "match", "order", "reflect maxlength=20",
	    "single points=3" };
	struct buf	 b = BUF_INIT;
	int		 rc;

	if (len == 0)
		return 0;
	buf_printf(&b, "%c<!-- quiz id=q type=%s -->\n### Question ?\n\n",
	    data[0] & 1 ? '\n' : ' ', types[(data[0] >> 1) & 7]);
	buf_put(&b, data + 1, len - 1);
	rc = lesson((const uint8_t *)b.data, b.len);
	buf_release(&b);
	return rc;
}
