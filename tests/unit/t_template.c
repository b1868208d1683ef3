/*
 * Unit tests for template.c: values, escaping per filter, sections,
 * scopes, partials, standalone lines, and every diagnostic with its
 * file:line:col (stderr is captured into a temporary file).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "extern.h"
#include "t.h"

static char	 cappath[] = "/tmp/t_template.XXXXXX";
static int	 capfd = -1, savefd = -1;
static char	 captured[8192];

static void
cap_start(void)
{
	fflush(stderr);
	if (capfd == -1 && (capfd = mkstemp(cappath)) == -1) {
		perror("mkstemp");
		exit(2);
	}
	if (ftruncate(capfd, 0) == -1 || lseek(capfd, 0, SEEK_SET) == -1) {
		perror("ftruncate");
		exit(2);
	}
	savefd = dup(2);
	dup2(capfd, 2);
}

/* Stop capturing; returns what was written to stderr meanwhile. */
static const char *
cap_end(void)
{
	ssize_t	 n;

	fflush(stderr);
	dup2(savefd, 2);
	close(savefd);
	lseek(capfd, 0, SEEK_SET);
	n = read(capfd, captured, sizeof(captured) - 1);
	captured[n > 0 ? n : 0] = '\0';
	return captured;
}

/* Compile s as "t.html" without partials; NULL on errors. */
static struct tmpl *
comp(const char *s)
{
	return tmpl_compile("t.html", s, strlen(s), NULL, NULL);
}

/* Render s with data, returning a static copy of the output. */
static const char *
render(const char *s, const struct tval *data, int *rc)
{
	static char	 out[4096];
	struct tmpl	*t;
	struct buf	 b = BUF_INIT;
	int		 r;

	if ((t = comp(s)) == NULL) {
		*rc = -2;
		return NULL;
	}
	r = tmpl_render(t, &b, data);
	if (rc != NULL)
		*rc = r;
	snprintf(out, sizeof(out), "%s", b.data);
	buf_release(&b);
	tmpl_free(t);
	return out;
}

/* The diagnostics that compiling s prints; NULL if it compiled. */
static const char *
comperr(const char *s)
{
	struct tmpl	*t;
	const char	*e;

	cap_start();
	t = comp(s);
	e = cap_end();
	if (t != NULL) {
		tmpl_free(t);
		return "(compiled)";
	}
	return e;
}

static struct tval *
sample(void)
{
	struct tval	*root, *m, *l, *it, *mods;

	root = tv_map(NULL, NULL);
	tv_str(root, "title", "<script>alert(\"x\")</script> & 'q'");
	tv_str(root, "href", "https://example.org/a b?x=1&y=2");
	tv_str(root, "bad", "javascript:alert(1)");
	tv_str(root, "empty", "");
	tv_bool(root, "yes", 1);
	tv_bool(root, "no", 0);
	tv_int(root, "n", -42);
	tv_str(root, "lang", "fr\" onclick=\"x");
	tv_list(root, "none");
	m = tv_map(root, "course");
	tv_str(m, "title", "Cours");
	m = tv_map(root, "page");
	tv_str(m, "title", "Page");
	m = tv_map(m, "prev");
	tv_str(m, "href", "../01.html");
	l = tv_list(root, "tags");
	tv_str(l, NULL, "a<b");
	tv_str(l, NULL, "c");
	tv_str(l, NULL, "d");
	mods = tv_list(root, "mods");
	it = tv_item(mods);
	tv_str(it, "title", "M1");
	tv_bool(it, "yes", 0);
	l = tv_list(it, "lessons");
	it = tv_item(l);
	tv_str(it, "title", "L1");
	it = tv_item(l);
	tv_str(it, "title", "L2");
	it = tv_item(mods);	/* the first item may move: it is done */
	tv_str(it, "title", "M2");
	tv_list(it, "lessons");
	return root;
}

static void
test_values(void)
{
	struct tval	*root, *m;
	const struct tval *v;

	root = tv_map(NULL, NULL);
	tv_str(root, "a", "1");
	tv_str(root, "a", "2");
	T_OK(root->nkids == 1, "setting a key twice replaces it");
	v = tv_get(root, "a");
	T_STREQ(v ? v->str : NULL, "2", "replaced value");
	m = tv_map(root, "a");
	tv_bool(m, "b", 1);
	v = tv_get(root, "a");
	T_OK(v != NULL && v->type == TV_MAP && v->nkids == 1,
	    "a string replaced by a map");
	tv_int(root, "i", 1234567);
	v = tv_get(root, "i");
	T_STREQ(v ? v->str : NULL, "1234567", "tv_int");
	tv_str(root, "null", NULL);
	v = tv_get(root, "null");
	T_OK(v != NULL && v->type == TV_STR && v->len == 0,
	    "tv_str NULL is the empty string");
	T_OK(tv_get(root, "zzz") == NULL, "tv_get of a missing key");
	T_OK(tv_get(v, "x") == NULL, "tv_get on a string");
	tv_release(root);
	free(root);
}

static void
test_escaping(void)
{
	struct tval	*d = sample();
	const char	*o, *e;
	int		 rc;

	o = render("<h1>{{title}}</h1>", d, &rc);
	T_STREQ(o, "<h1>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"
	    " &amp; &#39;q&#39;</h1>", "{{x}} escapes HTML");
	T_OK(rc == 0, "render ok");
	o = render("{{title|html}}", d, &rc);
	T_OK(o != NULL && strstr(o, "<script>") == NULL, "|html");
	o = render("<html lang=\"{{lang|attr}}\">", d, &rc);
	T_STREQ(o, "<html lang=\"fr&quot; onclick=&quot;x\">", "|attr");
	o = render("<a href=\"{{href|url}}\">", d, &rc);
	T_STREQ(o, "<a href=\"https://example.org/a%20b?x=1&amp;y=2\">",
	    "|url encodes");
	o = render("{{title|json}} {{yes|json}} {{n|json}}", d, &rc);
	T_STREQ(o, "\"\\u003cscript\\u003ealert(\\\"x\\\")\\u003c/script"
	    "\\u003e \\u0026 'q'\" true \"-42\"", "|json");
	o = render("{{raw title}}", d, &rc);
	T_STREQ(o, "<script>alert(\"x\")</script> & 'q'", "{{raw x}}");
	o = render("{{ yes }}/{{no}}/{{n}}/{{empty}}.", d, &rc);
	T_STREQ(o, "true/false/-42/.", "booleans and numbers");
	o = render("{{course.title}} {{page.prev.href|url}}", d, &rc);
	T_STREQ(o, "Cours ../01.html", "dotted names");

	/* javascript: is refused, once per tag, at the tag. */
	{
		struct tmpl	*t;
		struct buf	 b = BUF_INIT;
		unsigned	 before = diag_errors;

		t = comp("x\n <a href=\"{{ bad|url }}\">");
		cap_start();
		rc = tmpl_render(t, &b, d);
		e = cap_end();
		T_OK(rc == -1, "|url refusal fails the render");
		T_STREQ(b.data, "x\n <a href=\"#unsafe\">",
		    "|url refusal renders #unsafe");
		T_STREQ(e, "t.html:2:11: error: unsafe URL "
		    "'javascript:alert(1)' refused in 'bad'\n",
		    "|url refusal diagnostic");
		buf_release(&b);
		cap_start();
		rc = tmpl_render(t, &b, d);
		e = cap_end();
		T_OK(rc == -1 && e[0] == '\0' && diag_errors == before + 1,
		    "|url refusal reported once");
		buf_release(&b);
		tmpl_free(t);
	}
	tv_release(d);
	free(d);
}

static void
test_sections(void)
{
	struct tval	*d = sample();
	const char	*o;
	int		 rc;

	o = render("{{#each tags}}[{{@index}}{{@number}}{{.}}"
	    "{{#if @first}}F{{/if}}{{#if @last}}L{{/if}}]{{/each}}", d, &rc);
	T_STREQ(o, "[01a&lt;bF][12c][23dL]", "each with @index/@first/@last");
	T_OK(rc == 0, "each ok");
	o = render("{{#each none}}x{{else}}empty{{/each}}", d, &rc);
	T_STREQ(o, "empty", "each else on an empty list");
	o = render("{{#each tags}}{{.}}{{else}}empty{{/each}}", d, &rc);
	T_STREQ(o, "a&lt;bcd", "each else skipped");
	o = render("{{#if yes}}Y{{else}}N{{/if}}{{#if no}}Y{{else}}N{{/if}}"
	    "{{#if empty}}Y{{else}}N{{/if}}{{#if title}}Y{{/if}}"
	    "{{#if none}}Y{{else}}N{{/if}}{{#if tags}}Y{{/if}}"
	    "{{#if course}}Y{{/if}}", d, &rc);
	T_STREQ(o, "YNNYNYY", "if/else truthiness");
	o = render("{{#unless no}}U{{else}}x{{/unless}}"
	    "{{#unless yes}}x{{else}}V{{/unless}}", d, &rc);
	T_STREQ(o, "UV", "unless/else");
	/* Nested scopes: item first, then enclosing items, then root. */
	o = render("{{#each mods}}{{title}}({{#each lessons}}{{title}}/"
	    "{{@index}}/{{course.title}}/{{#if yes}}y{{else}}n{{/if}};"
	    "{{/each}}){{/each}}", d, &rc);
	T_STREQ(o, "M1(L1/0/Cours/n;L2/1/Cours/n;)M2()",
	    "nested each, shadowing and outer scopes");
	T_OK(rc == 0, "nested ok");
	o = render("{{#each mods}}{{#if @first}}{{page.title}}{{/if}}"
	    "{{/each}}", d, &rc);
	T_STREQ(o, "Page", "root reached from inside each");
	tv_release(d);
	free(d);
}

static void
test_standalone(void)
{
	struct tval	*d = sample();
	const char	*o;
	int		 rc;

	o = render("<ul>\n  {{#each tags}}\n  <li>{{.}}</li>\n"
	    "  {{/each}}\n</ul>\n", d, &rc);
	T_STREQ(o, "<ul>\n  <li>a&lt;b</li>\n  <li>c</li>\n  <li>d</li>\n"
	    "</ul>\n", "standalone section lines removed");
	o = render("a\n\t{{#if yes}}  \r\nb\n{{else}}\nc\n{{/if}}", d, &rc);
	T_STREQ(o, "a\nb\n", "standalone with tabs, CRLF, else, EOF");
	o = render("a {{#if yes}}b{{/if}} c\n", d, &rc);
	T_STREQ(o, "a b c\n", "inline sections keep their line");
	o = render("  {{title}}\n", d, &rc);
	T_OK(o != NULL && strncmp(o, "  &lt;", 6) == 0,
	    "a variable alone on its line is kept");
	o = render("x\n  {{! a comment }}\ny\n", d, &rc);
	T_STREQ(o, "x\ny\n", "standalone comment removed");
	o = render("{{#if yes}}{{/if}}\nz", d, &rc);
	T_STREQ(o, "\nz", "two tags on a line are not standalone");
	tv_release(d);
	free(d);
}

static const char *
parts[][2] = {
	{ "nav", "<nav>{{title}}</nav>\n" },
	{ "item", "<li>{{.}}</li>\n" },
	{ "outer", "[{{> inner}}]" },
	{ "inner", "{{course.title}}" },
	{ "self", "again {{> self}}" },
	{ "broken", "\n  {{#if x}}" },
};

struct resolver {
	struct tmpl	*made[64];
	size_t		 n;
};

static struct tmpl *
resolve(void *arg, const char *name)
{
	struct resolver	*r = arg;
	struct tmpl	*t;
	size_t		 i;
	char		 file[64];

	for (i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
		if (strcmp(parts[i][0], name) == 0)
			break;
	if (i == sizeof(parts) / sizeof(parts[0]))
		return NULL;
	snprintf(file, sizeof(file), "%s.html", name);
	t = tmpl_compile(file, parts[i][1], strlen(parts[i][1]), resolve, r);
	if (t != NULL && r->n < 64)
		r->made[r->n++] = t;
	return t;
}

static void
test_partials(void)
{
	struct resolver	 r;
	struct tval	*d = sample();
	struct tmpl	*t;
	struct buf	 b = BUF_INIT;
	const char	*s, *e;
	size_t		 i;
	int		 rc;

	memset(&r, 0, sizeof(r));
	s = "<body>\n  {{> nav}}\n<ul>\n{{#each tags}}\n{{> item}}\n"
	    "{{/each}}\n</ul>{{> outer}}\n";
	t = tmpl_compile("page.html", s, strlen(s), resolve, &r);
	T_OK(t != NULL, "partials compile");
	rc = t ? tmpl_render(t, &b, d) : -1;
	T_OK(rc == 0, "partials render");
	T_STREQ(b.data, "<body>\n<nav>&lt;script&gt;alert(&quot;x&quot;)"
	    "&lt;/script&gt; &amp; &#39;q&#39;</nav>\n<ul>\n<li>a&lt;b</li>\n"
	    "<li>c</li>\n<li>d</li>\n</ul>[Cours]\n",
	    "partials share the scope; standalone partial lines");
	buf_release(&b);
	tmpl_free(t);

	cap_start();
	s = "a\n b {{> missing}}";
	t = tmpl_compile("page.html", s, strlen(s), resolve, &r);
	e = cap_end();
	T_OK(t == NULL, "missing partial fails");
	T_STREQ(e, "page.html:2:4: error: cannot include partial 'missing'\n",
	    "missing partial at its tag");

	cap_start();
	s = "{{> broken}}";
	t = tmpl_compile("page.html", s, strlen(s), resolve, &r);
	e = cap_end();
	T_OK(t == NULL, "broken partial fails its includer");
	T_STREQ(e, "broken.html:2:3: error: unclosed section '{{#if}}'\n",
	    "broken partial reported once, in the partial");

	cap_start();
	s = "{{> self}}";
	t = tmpl_compile("page.html", s, strlen(s), resolve, &r);
	e = cap_end();
	T_OK(t == NULL, "recursive partial fails");
	T_STREQ(e, "self.html:1:7: error: partials nested deeper than 16 "
	    "at 'self' (recursive include?)\n", "recursive partial error");

	cap_start();
	t = comp("{{> nav}}");
	e = cap_end();
	T_STREQ(e, "t.html:1:1: error: cannot include partial 'nav'\n",
	    "no resolver");
	T_STREQ(comperr("{{> ../x}}"),
	    "t.html:1:1: error: invalid partial name '../x'\n",
	    "partial name with ..");
	T_STREQ(comperr("{{>}}"), "t.html:1:1: error: empty name in "
	    "'{{>}}'\n", "empty partial name");
	for (i = 0; i < r.n; i++)
		tmpl_free(r.made[i]);
	tv_release(d);
	free(d);
}

static void
test_compile_errors(void)
{
	struct buf	 big = BUF_INIT;
	size_t		 i;
	unsigned	 before;

	T_STREQ(comperr("ab\ncd {{title"),
	    "t.html:2:4: error: unclosed tag: no '}}' after '{{'\n",
	    "unclosed tag");
	T_STREQ(comperr("x\n\n  {{#each items}}\n{{#if a}}{{/if}}\n"),
	    "t.html:3:3: error: unclosed section '{{#each}}'\n",
	    "unclosed section");
	T_STREQ(comperr("{{#if a}}\n {{#each b}}{{/if}}{{/each}}"),
	    "t.html:2:13: error: mismatched '{{/if}}': '{{#each}}' at 2:2 "
	    "is still open\n"
	    "t.html:2:20: error: mismatched '{{/each}}': '{{#if}}' at 1:1 "
	    "is still open\n", "mismatched closing tags");
	T_STREQ(comperr("a {{/if}}"),
	    "t.html:1:3: error: '{{/if}}' without '{{#if}}'\n",
	    "closing without opening");
	T_STREQ(comperr("{{#for x}}{{/for}}"),
	    "t.html:1:1: error: unknown section '{{#for}}'\n"
	    "t.html:1:11: error: unknown section '{{/for}}'\n",
	    "unknown section keyword");
	T_STREQ(comperr("{{#iffy x}}"),
	    "t.html:1:1: error: unknown section '{{#iffy}}'\n",
	    "keyword prefix is not a keyword");
	T_STREQ(comperr("{{#if x}}{{/if y}}"),
	    "t.html:1:10: error: unexpected 'y' in '{{/if}}'\n",
	    "junk in a closing tag");
	T_STREQ(comperr("\t{{ x | bold }}"),
	    "t.html:1:2: error: unknown filter 'bold'\n", "unknown filter");
	T_STREQ(comperr("{{x|}}"), "t.html:1:1: error: unknown filter ''\n",
	    "empty filter");
	T_STREQ(comperr("{{ }}"), "t.html:1:1: error: empty name in '{{}}'\n",
	    "empty tag");
	T_STREQ(comperr("{{|url}}"),
	    "t.html:1:1: error: empty name in '{{}}'\n", "empty name");
	T_STREQ(comperr("{{#if}}{{/if}}"),
	    "t.html:1:1: error: empty name in '{{#if}}'\n",
	    "empty section name");
	T_STREQ(comperr("{{raw}}"),
	    "t.html:1:1: error: empty name in '{{raw}}'\n", "empty raw");
	T_STREQ(comperr("{{raw x|attr}}"),
	    "t.html:1:1: error: 'raw' takes no filter\n", "raw with filter");
	T_STREQ(comperr("{{a..b}}{{{x}}}{{a.}}"),
	    "t.html:1:1: error: invalid name 'a..b'\n"
	    "t.html:1:9: error: invalid name '{x'\n"
	    "t.html:1:16: error: invalid name 'a.'\n", "invalid names");
	T_STREQ(comperr("{{@idx}}"),
	    "t.html:1:1: error: unknown name '@idx'\n", "unknown @name");
	T_STREQ(comperr("{{else}}"),
	    "t.html:1:1: error: '{{else}}' outside '{{#if}}', "
	    "'{{#unless}}' or '{{#each}}'\n", "stray else");
	T_STREQ(comperr("{{#if a}}{{else}}\n{{else}}{{/if}}"),
	    "t.html:2:1: error: second '{{else}}' in '{{#if}}' at 1:1\n",
	    "second else");

	for (i = 0; i < 65; i++)
		buf_puts(&big, "{{#if a}}");
	for (i = 0; i < 65; i++)
		buf_puts(&big, "{{/if}}");
	T_STREQ(comperr(big.data), "t.html:1:577: error: sections nested "
	    "deeper than 64\n", "nesting limit");
	buf_release(&big);
	for (i = 0; i < 64; i++)
		buf_puts(&big, "{{#if a}}");
	for (i = 0; i < 64; i++)
		buf_puts(&big, "{{/if}}");
	T_STREQ(comperr(big.data), "(compiled)", "64 levels are fine");
	buf_release(&big);

	buf_grow(&big, 1024 * 1024 + 1);
	memset(big.data, 'x', 1024 * 1024 + 1);
	big.len = 1024 * 1024 + 1;
	big.data[big.len] = '\0';
	T_STREQ(comperr(big.data),
	    "t.html: error: template is larger than 1 MiB\n", "size limit");
	buf_release(&big);

	before = diag_errors;
	T_OK(comperr("{{a|x}} {{b|y}}\n{{#if}}") != NULL &&
	    diag_errors == before + 4, "all compile errors are reported");
}

static void
test_render_errors(void)
{
	struct tval	*d = sample();
	struct tmpl	*t;
	struct buf	 b = BUF_INIT;
	const char	*e;
	unsigned	 before;
	int		 rc;

	t = comp("<p>\n  {{nope}} {{page.nope}} {{page.title.x}}\n"
	    "{{#if missing}}x{{/if}}{{#each gone}}y{{/each}}"
	    "{{#unless nada}}z{{/unless}}\n{{tags}}{{course}}"
	    "{{#each title}}{{/each}}{{@index}}{{title}}</p>");
	T_OK(t != NULL, "render-error template compiles");
	cap_start();
	rc = tmpl_render(t, &b, d);
	e = cap_end();
	T_OK(rc == -1, "unknown variable fails the render");
	T_STREQ(e,
	    "t.html:2:3: error: unknown variable 'nope'\n"
	    "t.html:2:12: error: unknown variable 'page.nope'\n"
	    "t.html:2:26: error: unknown variable 'page.title.x'\n"
	    "t.html:3:1: error: unknown variable 'missing'\n"
	    "t.html:3:24: error: unknown variable 'gone'\n"
	    "t.html:3:48: error: unknown variable 'nada'\n"
	    "t.html:4:1: error: 'tags' is a list and cannot be printed\n"
	    "t.html:4:9: error: 'course' is a map and cannot be printed\n"
	    "t.html:4:19: error: 'title' is not a list\n"
	    "t.html:4:43: error: '@index' outside '{{#each}}'\n",
	    "render errors with positions");
	T_OK(strstr(b.data, "&#39;q&#39;</p>") != NULL,
	    "rendering goes on after an error");
	buf_release(&b);
	before = diag_errors;
	cap_start();
	rc = tmpl_render(t, &b, d);
	rc += tmpl_render(t, &b, d);
	e = cap_end();
	T_OK(rc == -2, "later renders still fail");
	T_STREQ(e, "", "each render error is reported once per tag");
	T_OK(diag_errors == before, "no more errors counted");
	buf_release(&b);
	tmpl_free(t);
	tv_release(d);
	free(d);
}

int
main(void)
{
	test_values();
	test_escaping();
	test_sections();
	test_standalone();
	test_partials();
	test_compile_errors();
	test_render_errors();
	if (capfd != -1) {
		close(capfd);
		unlink(cappath);
	}
	T_DONE();
}
