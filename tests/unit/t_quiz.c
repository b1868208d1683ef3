/*
 * Unit tests of quiz.c: parse each type from Markdown, check the
 * model, the diagnostics count, the HTML's answer data, the
 * deterministic shuffle and quiz_state_size().
 */
#include <stdlib.h>
#include <string.h>

#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>

#include "extern.h"
#include "t.h"

static struct page	 pg;
static char		*html;	/* the page rendered after quiz_extract */

static void
reset(void)
{
	size_t	 i;

	for (i = 0; i < pg.nquizzes; i++)
		quiz_free(pg.quizzes[i]);
	free(pg.quizzes);
	free(html);
	html = NULL;
	memset(&pg, 0, sizeof(pg));
	pg.kind = PAGE_LESSON;
	pg.src = (char *)"t.md";
	pg.bodyline = 1;
}

/* Parse md as a page body; returns quiz_extract()'s result. */
static int
parse(const char *md)
{
	static const char *const exts[] = { "table", "strikethrough",
	    "autolink", "tasklist" };
	cmark_parser	*p;
	cmark_node	*doc;
	size_t		 i;
	int		 rc, assessment = pg.assessment;

	reset();
	pg.assessment = assessment;
	p = cmark_parser_new(CMARK_OPT_VALIDATE_UTF8);
	for (i = 0; i < sizeof(exts) / sizeof(exts[0]); i++)
		cmark_parser_attach_syntax_extension(p,
		    cmark_find_syntax_extension(exts[i]));
	cmark_parser_feed(p, md, strlen(md));
	doc = cmark_parser_finish(p);
	rc = quiz_extract(&pg, doc, CMARK_OPT_VALIDATE_UTF8);
	html = cmark_render_html(doc, CMARK_OPT_VALIDATE_UTF8,
	    cmark_parser_get_syntax_extensions(p));
	cmark_node_free(doc);
	cmark_parser_free(p);
	return rc;
}

static const struct quiz *
first(void)
{
	return pg.nquizzes ? pg.quizzes[0] : NULL;
}

/* The first quiz of md, or NULL when md does not parse cleanly. */
static const struct quiz *
get(const char *md)
{
	return parse(md) == 0 ? first() : NULL;
}

/* Errors reported by parsing md. */
static unsigned
errors(const char *md)
{
	unsigned	 before = diag_errors;

	(void)parse(md);
	return diag_errors - before;
}

static void
t_directive(void)
{
	cmark_node	*n = cmark_node_new(CMARK_NODE_HTML_BLOCK);

	cmark_node_set_literal(n, "<!-- quiz id=a -->\n");
	T_OK(quiz_is_directive(n), "directive: plain");
	cmark_node_set_literal(n, "  <!--quiz-->\n");
	T_OK(quiz_is_directive(n), "directive: no spaces");
	cmark_node_set_literal(n, "<!-- quizz -->\n");
	T_OK(!quiz_is_directive(n), "directive: quizz is not one");
	cmark_node_set_literal(n, "<!-- a quiz -->\n");
	T_OK(!quiz_is_directive(n), "directive: comment about a quiz");
	cmark_node_free(n);
	n = cmark_node_new(CMARK_NODE_PARAGRAPH);
	T_OK(!quiz_is_directive(n), "directive: a paragraph is none");
	T_OK(!quiz_is_directive(NULL), "directive: NULL");
	cmark_node_free(n);
}

static void
t_single(void)
{
	const struct quiz *q = NULL;

	q = get("Intro.\n\n<!-- quiz id=vol points=3 -->\n\n"
	    "### Pourquoi *le* volontariat ?\n\nLéa, 24 ans.\n\n"
	    "- [ ] Loi\n  > Non.\n- [x] L'**envie**\n  > Oui.\n\n"
	    "> Explication.\n\nAfter.\n");
	T_OK(q != NULL, "single: parses");
	T_OK(pg.nquizzes == 1, "single: one quiz");
	if (q == NULL)
		return;
	T_STREQ(q->id, "vol", "single: id");
	T_OK(q->type == QUIZ_SINGLE, "single: type");
	T_OK(q->points == 3, "single: points");
	T_OK(q->level == 3, "single: level");
	T_OK(!q->graded && !q->autoid, "single: not graded, explicit id");
	T_STREQ(q->prompt, "Pourquoi <em>le</em> volontariat ?",
	    "single: prompt HTML");
	T_STREQ(q->prompttext, "Pourquoi le volontariat ?",
	    "single: prompt text");
	T_STREQ(q->intro, "<p>Léa, 24 ans.</p>", "single: intro");
	T_OK(q->nopts == 2, "single: two options");
	T_OK(!q->opts[0].correct && q->opts[1].correct, "single: key");
	T_STREQ(q->opts[1].html, "L'<strong>envie</strong>",
	    "single: option HTML");
	T_STREQ(q->opts[1].text, "L'envie", "single: option text");
	T_STREQ(q->opts[0].feedback, "<p>Non.</p>", "single: feedback");
	T_STREQ(q->explain, "<p>Explication.</p>", "single: explanation");
	T_OK(q->pos.line == 3 && q->pos.col == 1, "single: position");
	T_OK(q->opts[1].pos.line == 11, "single: option position");
	T_OK(strstr(html, "<p>Intro.</p>") != NULL &&
	    strstr(html, "<p>After.</p>") != NULL,
	    "single: text around is kept");
	T_OK(strstr(html, "<blockquote>") == NULL &&
	    strstr(html, "<p>Explication") == NULL,
	    "single: explanation only in the JSON data");
	T_OK(strstr(html, "\"correct\":[1]") != NULL, "single: JSON key");
	T_OK(strstr(html, "type=\"radio\"") != NULL, "single: radios");
	T_OK(strstr(html, "aria-live=\"polite\"") != NULL,
	    "single: live region");
	T_OK(strstr(html, "checkbox") == NULL, "single: no task list left");
}

static void
t_types(void)
{
	const struct quiz *q = NULL;

	q = get("<!-- quiz id=m type=multi -->\n### Q\n\n- [x] A\n"
	    "- [ ] B\n- [x] C\n");
	T_OK(q != NULL && q->type == QUIZ_MULTI && q->opts[0].correct &&
	    !q->opts[1].correct && q->opts[2].correct, "multi: key");
	T_OK(strstr(html, "type=\"checkbox\"") != NULL, "multi: checkboxes");

	q = get("<!-- quiz id=t type=tf -->\n### Q\n\n- [ ] Vrai\n"
	    "- [x] Faux\n");
	T_OK(q != NULL && q->type == QUIZ_TF && q->nopts == 2 &&
	    q->opts[1].correct, "tf: parses");

	q = get("<!-- quiz id=s type=short loose maxlength=20 -->\n"
	    "### Q\n\n- un\n-   Un  seul \n");
	T_OK(q != NULL && q->type == QUIZ_SHORT && q->loose &&
	    q->maxlength == 20 && q->nopts == 2, "short: parses");
	if (q != NULL && q->nopts == 2)
		T_STREQ(q->opts[1].text, "Un seul", "short: answer trimmed");
	T_OK(strstr(html, "maxlength=\"20\"") != NULL &&
	    strstr(html, "\"loose\":true") != NULL, "short: input and data");
	q = get("<!-- quiz id=s type=short -->\n### Q\n\n- x\n");
	T_OK(q != NULL && q->maxlength == 100 && !q->loose,
	    "short: default maxlength 100");

	q = get("<!-- quiz id=mt type=match -->\n### Q\n\n- L1\n  - R1\n"
	    "- L2\n  - R2\n- L3\n  - R1\n");
	T_OK(q != NULL && q->type == QUIZ_MATCH && q->nopts == 3,
	    "match: parses");
	if (q != NULL && q->nopts == 3) {
		T_STREQ(q->opts[1].match, "R2", "match: right side");
		T_STREQ(q->opts[2].text, "L3", "match: left side");
	}
	T_OK(strstr(html, "\"pairs\":[0,1,0]") != NULL,
	    "match: repeated right side counted once");
	T_OK(strstr(html, "<select") != NULL, "match: selects");

	q = get("<!-- quiz id=o type=order -->\n### Q\n\n1. A\n2. B\n"
	    "3. C\n");
	T_OK(q != NULL && q->type == QUIZ_ORDER && q->nopts == 3,
	    "order: parses");
	T_OK(strstr(html, "\"shown\":[") != NULL, "order: shown order");

	q = get("<!-- quiz id=r type=reflect maxlength=300 -->\n"
	    "### Prompt\n\nThink.\n\n> Guidance.\n\nAfter.\n");
	T_OK(q != NULL && q->type == QUIZ_REFLECT &&
	    q->maxlength == 300 && q->points == 0 && q->nopts == 0,
	    "reflect: parses");
	if (q != NULL) {
		T_STREQ(q->intro, "<p>Think.</p>", "reflect: intro");
		T_STREQ(q->explain, "<p>Guidance.</p>", "reflect: guidance");
	}
	T_OK(strstr(html, "<textarea") != NULL &&
	    strstr(html, "<p>After.</p>") != NULL, "reflect: textarea");
	q = get("<!-- quiz id=r type=reflect -->\n### P\n");
	T_OK(q != NULL && q->maxlength == 600,
	    "reflect: default maxlength 600");
}

static void
t_ids(void)
{
	const struct quiz *q = NULL;

	q = get("<!-- quiz -->\n### Le bon réflexe !\n\n- [x] A\n"
	    "- [ ] B\n");
	T_OK(q != NULL && q->autoid, "autoid: parses");
	if (q != NULL)
		T_STREQ(q->id, "le-bon-reflexe", "autoid: slug of heading");
	pg.assessment = 1;
	q = get("<!-- quiz id=g -->\n### Q\n\n- [x] A\n- [ ] B\n");
	T_OK(q != NULL && q->graded, "graded on assessment page");
	T_OK(strstr(html, "data-graded") != NULL, "graded: marked in HTML");
	pg.assessment = 0;
}

static void
t_errors(void)
{
	T_OK(errors("<!-- quiz type=nope -->\n### Q\n\n- [x] A\n- [ ] B\n")
	    == 1, "error: unknown type");
	T_OK(pg.nquizzes == 0, "error: quiz not kept");
	T_OK(strstr(html, "checkbox") != NULL, "error: tree left alone");
	T_OK(errors("<!-- quiz id=a foo=1 -->\n### Q\n\n- [x] A\n- [ ] B\n")
	    == 1, "error: unknown attribute");
	T_OK(errors("<!-- quiz id=a -->\nText.\n") == 1,
	    "error: no heading");
	T_OK(errors("<!-- quiz id=a -->\n### Q\n\nText.\n") == 1,
	    "error: no list");
	T_OK(errors("<!-- quiz id=a -->\n### Q\n\n- [ ] A\n- [ ] B\n") == 1,
	    "error: no right option");
	T_OK(errors("<!-- quiz id=a -->\n### Q\n\n- [x] A\n- [x] B\n") == 1,
	    "error: several right options");
	T_OK(errors("<!-- quiz id=a type=tf -->\n### Q\n\n- [x] A\n") == 1,
	    "error: tf with one option");
	T_OK(errors("<!-- quiz id=a type=order -->\n### Q\n\n1. [x] A\n"
	    "2. B\n") == 1, "error: [x] in order");
	T_OK(errors("<!-- quiz id=a type=match -->\n### Q\n\n- A\n  - 1\n"
	    "- B\n") == 1, "error: match item without its match");
	T_OK(errors("<!-- quiz id=a type=short maxlength=3 -->\n### Q\n\n"
	    "- four\n") == 1, "error: answer over maxlength");
	/* One quiz's errors do not stop the next one. */
	T_OK(parse("<!-- quiz id=a -->\n### Q\n\n- [ ] A\n- [ ] B\n\n"
	    "<!-- quiz id=b -->\n### Q\n\n- [x] A\n- [ ] B\n") == -1 &&
	    pg.nquizzes == 1 && strcmp(pg.quizzes[0]->id, "b") == 0,
	    "error: the next quiz is still extracted");
}

/* The "shown" array of the first quiz in the page's HTML. */
static int
identity(size_t n)
{
	const char	*s = strstr(html, "\"shown\":[");
	size_t		 i;
	char		*end;

	if (s == NULL)
		return -1;
	s += 9;
	for (i = 0; i < n; i++) {
		if (strtoul(s, &end, 10) != i)
			return 0;
		s = end + 1;
	}
	return 1;
}

static void
t_shuffle(void)
{
	char	 md[256], *again;
	int	 id, n, bad = 0, same;

	for (n = 2; n <= 6; n++)
		for (id = 0; id < 50; id++) {
			snprintf(md, sizeof(md), "<!-- quiz id=q%d-%d "
			    "type=order -->\n### Q\n\n1. a\n2. b\n%s%s%s%s",
			    n, id, n > 2 ? "3. c\n" : "", n > 3 ? "4. d\n" : "",
			    n > 4 ? "5. e\n" : "", n > 5 ? "6. f\n" : "");
			if (parse(md) != 0 || identity((size_t)n) != 0)
				bad++;
		}
	T_OK(bad == 0, "shuffle: never the right order");
	(void)parse("<!-- quiz id=stable type=order -->\n### Q\n\n1. a\n"
	    "2. b\n3. c\n4. d\n");
	again = strdup(html);
	(void)parse("<!-- quiz id=stable type=order -->\n### Q\n\n1. a\n"
	    "2. b\n3. c\n4. d\n");
	same = strcmp(again, html) == 0;
	free(again);
	T_OK(same, "shuffle: deterministic");
	(void)parse("<!-- quiz id=mt type=match -->\n### Q\n\n- L1\n  - R1\n"
	    "- L2\n  - R2\n");
	T_OK(identity(2) == 0, "shuffle: match choices not in answer order");
}

static void
t_state(void)
{
	const struct quiz *q = NULL;

	(void)parse("<!-- quiz id=a -->\n### Q\n\n- [x] A\n- [ ] B\n");
	q = first();
	T_OK(q && quiz_state_size(q) == 6 + 1, "state: single");
	(void)parse("<!-- quiz id=a type=multi -->\n### Q\n\n- [x] A\n- [ ] B\n"
	    "- [ ] C\n");
	q = first();
	T_OK(q && quiz_state_size(q) == 6 + 5, "state: multi \"0,1,2\"");
	(void)parse("<!-- quiz id=a type=short maxlength=50 -->\n### Q\n\n"
	    "- x\n");
	q = first();
	T_OK(q && quiz_state_size(q) == 6 + 50, "state: short counts maxlength once");
	(void)parse("<!-- quiz id=a type=reflect -->\n### Q\n");
	q = first();
	T_OK(q && quiz_state_size(q) == 6 + 600, "state: reflect, default maxlength 600");
	(void)parse("<!-- quiz id=a type=order -->\n### Q\n\n1. a\n2. b\n"
	    "3. c\n4. d\n5. e\n6. f\n7. g\n8. h\n9. i\n10. j\n11. k\n");
	q = first();
	T_OK(q && quiz_state_size(q) == 6 + 10 + 2 * 1 + 10,
	    "state: order with 11 items");
	(void)parse("<!-- quiz id=a type=match -->\n### Q\n\n- a\n  - 1\n"
	    "- b\n  - 2\n- c\n  - 1\n");
	q = first();
	T_OK(q && quiz_state_size(q) == 6 + 5, "state: match \"1,0,1\"");
	T_STREQ(quiz_type_name(QUIZ_TF), "tf", "type name tf");
	T_STREQ(quiz_type_name(QUIZ_REFLECT), "reflect", "type name reflect");
}

int
main(void)
{
	diag_quiet = 0;
	cmark_gfm_core_extensions_ensure_registered();
	t_directive();
	t_single();
	t_types();
	t_ids();
	t_errors();
	t_shuffle();
	t_state();
	reset();
	T_DONE();
}
