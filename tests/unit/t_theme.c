/*
 * Unit tests for theme.c: override lookup order, compiled-template
 * cache, partials through the theme, asset listing, i18n fallbacks and
 * YAML diagnostics.  Fixtures: tests/fixtures/theme/ (run from the top
 * of the tree, as the Makefile does).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "extern.h"
#include "t.h"

#define FIX	"tests/fixtures/theme"
#define BASE	FIX "/base"
#define OVER	FIX "/over"

static char	 cappath[] = "/tmp/t_theme.XXXXXX";
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

static const char *
str(const struct tval *map, const char *key)
{
	const struct tval	*v = tv_get(map, key);

	return v != NULL && v->type == TV_STR ? v->str : NULL;
}

static void
test_lookup(void)
{
	struct theme	*th;
	char		*p;
	const char	*e;

	cap_start();
	th = theme_open(FIX "/nonexistent", NULL, "en");
	e = cap_end();
	T_OK(th == NULL, "missing theme directory");
	T_STREQ(e, FIX "/nonexistent: error: no such theme directory\n",
	    "missing theme directory diagnostic");

	th = theme_open(BASE, OVER, "en");
	T_OK(th != NULL, "theme_open");
	p = theme_path(th, "partials/nav.html");
	T_STREQ(p, OVER "/partials/nav.html", "override wins");
	free(p);
	p = theme_path(th, "page.html");
	T_STREQ(p, BASE "/page.html", "theme file when not overridden");
	free(p);
	p = theme_path(th, "./partials//footer.html");
	T_STREQ(p, BASE "/partials/footer.html", "names are normalised");
	free(p);
	T_OK(theme_path(th, "nothing.html") == NULL, "missing file");
	T_OK(theme_path(th, "../base/page.html") == NULL, ".. refused");
	T_OK(theme_path(th, "/etc/passwd") == NULL, "absolute refused");
	T_OK(theme_path(th, "partials") == NULL, "directory is no file");
	theme_free(th);

	/* No override directory, or one that does not exist. */
	th = theme_open(BASE, FIX "/no-such-override", "en");
	p = th ? theme_path(th, "partials/nav.html") : NULL;
	T_STREQ(p, BASE "/partials/nav.html", "missing override ignored");
	free(p);
	theme_free(th);
	theme_free(NULL);
}

static void
test_templates(void)
{
	struct theme		*th;
	const struct tmpl	*t, *t2;
	struct tval		*root, *m;
	const struct tval	*s;
	struct buf		 b = BUF_INIT;
	const char		*e;
	unsigned		 before;
	size_t			 i;

	th = theme_open(BASE, OVER, "fr");
	t = theme_tmpl(th, "page.html");
	T_OK(t != NULL, "page.html compiles");
	T_OK(theme_tmpl(th, "page.html") == t, "templates are cached");
	root = tv_map(NULL, NULL);
	tv_str(root, "lang", "fr");
	s = theme_i18n(th);
	m = tv_map(root, "i18n");
	for (i = 0; i < s->nkids; i++)
		tv_strn(m, s->kids[i].key, s->kids[i].str, s->kids[i].len);
	T_OK(t != NULL && tmpl_render(t, &b, root) == 0, "page renders");
	T_STREQ(b.data, "<html lang=\"fr\">\n<nav>override</nav>\n"
	    "<p>Suivant</p>\n</html>\n",
	    "partial from the override, i18n under 'i18n'");
	buf_release(&b);
	tv_release(root);
	free(root);

	cap_start();
	t = theme_tmpl(th, "bad.html");
	e = cap_end();
	T_OK(t == NULL, "bad template");
	T_STREQ(e, BASE "/bad.html:2:3: error: unclosed section "
	    "'{{#each}}'\n", "bad template diagnostic at its file");
	before = diag_errors;
	cap_start();
	t = theme_tmpl(th, "bad.html");
	e = cap_end();
	T_OK(t == NULL && e[0] == '\0' && diag_errors == before,
	    "a failed template is reported once");

	cap_start();
	t = theme_tmpl(th, "missing.html");
	e = cap_end();
	T_STREQ(e, BASE "/missing.html:2:1: error: cannot include partial "
	    "'nope'\n", "missing partial at the including tag");

	cap_start();
	t = theme_tmpl(th, "usesbad.html");
	t2 = theme_tmpl(th, "usesbad2.html");
	e = cap_end();
	T_OK(t == NULL && t2 == NULL, "includers of a broken partial fail");
	T_STREQ(e, BASE "/partials/broken.html:1:1: error: unknown filter "
	    "'bold'\n" BASE "/usesbad2.html:1:4: error: cannot include "
	    "partial 'broken'\n",
	    "broken partial reported once; later includers say where");

	cap_start();
	t = theme_tmpl(th, "loop.html");
	e = cap_end();
	T_OK(t == NULL, "recursive partial");
	T_STREQ(e, BASE "/partials/loop.html:1:3: error: partials nested "
	    "deeper than 16 at 'loop' (recursive include?)\n",
	    "recursive partial diagnostic");

	cap_start();
	t = theme_tmpl(th, "nothing.html");
	t2 = theme_tmpl(th, "../x.html");
	e = cap_end();
	T_OK(t == NULL && t2 == NULL, "missing and invalid templates");
	T_STREQ(e, BASE ": error: no template 'nothing.html' in the theme "
	    "or in " OVER "\n" BASE ": error: invalid template name "
	    "'../x.html'\n", "missing template diagnostics");
	theme_free(th);
}

static void
test_files(void)
{
	static const char *const want[] = {
		"assets/binome.css", "assets/extra.css",
		"assets/img/logo.svg", "assets/js/quiz.js",
		"assets/js/search.js",
	};
	struct theme	*th;
	char		**v, *p;
	size_t		 n, i;
	int		 same;

	th = theme_open(BASE, OVER, "en");
	v = theme_files(th, "assets", &n);
	same = v != NULL && n == sizeof(want) / sizeof(want[0]);
	for (i = 0; same && i < n; i++)
		if (strcmp(v[i], want[i]) != 0)
			same = 0;
	T_OK(same, "assets merged, sorted, no duplicates, no dot files");
	for (i = 0; !same && v != NULL && i < n; i++)
		printf("#   got %s\n", v[i]);
	p = theme_path(th, "assets/binome.css");
	T_STREQ(p, OVER "/assets/binome.css", "the override's asset wins");
	free(p);
	fs_list_free(v, n);
	v = theme_files(th, "nothing", &n);
	T_OK(v != NULL && n == 0, "no such subdirectory: empty list");
	fs_list_free(v, n);
	theme_free(th);

	th = theme_open(BASE, NULL, "en");
	v = theme_files(th, "assets/", &n);
	T_OK(v != NULL && n == 3 && strcmp(v[2], "assets/js/quiz.js") == 0,
	    "theme only");
	fs_list_free(v, n);
	theme_free(th);
}

static void
test_i18n(void)
{
	struct theme		*th;
	const struct tval	*s;
	const char		*e;

	th = theme_open(BASE, NULL, "fr-CA");
	s = theme_i18n(th);
	T_STREQ(str(s, "next"), "Prochain", "fr-CA");
	T_STREQ(str(s, "prev"), "Précédent", "fr-CA falls back to fr");
	T_STREQ(str(s, "quiz"), "Check", "then to en");
	theme_free(th);

	th = theme_open(BASE, OVER, "fr-FR");
	s = theme_i18n(th);
	T_STREQ(str(s, "next"), "Suivant", "fr-FR without a file: fr");
	T_STREQ(str(s, "prev"), "Avant", "the override's fr.yml, by key");
	theme_free(th);

	th = theme_open(BASE, NULL, "en_US");
	s = theme_i18n(th);
	T_STREQ(str(s, "next"), "Next", "en_US");
	theme_free(th);

	cap_start();
	th = theme_open(BASE, NULL, "de");
	e = cap_end();
	s = th ? theme_i18n(th) : NULL;
	T_STREQ(s ? str(s, "next") : NULL, "Next", "unknown language: en");
	T_STREQ(e, BASE ": warning: no translation for language 'de', "
	    "using 'en'\n", "unknown language warns");
	theme_free(th);

	cap_start();
	th = theme_open(BASE, NULL, "../x");
	e = cap_end();
	T_OK(th == NULL, "invalid language");
	T_STREQ(e, BASE ": error: invalid language '../x'\n",
	    "invalid language diagnostic");

	cap_start();
	th = theme_open(FIX "/badyaml", NULL, "en");
	e = cap_end();
	T_OK(th == NULL, "bad i18n fails theme_open");
	T_STREQ(e,
	    FIX "/badyaml/i18n/en.yml:3:3: error: value must be a string\n"
	    FIX "/badyaml/i18n/en.yml:4:1: error: duplicate key 'next'\n"
	    FIX "/badyaml/i18n/en.yml:5:1: error: invalid key: use letters, "
	    "digits, '_' and '-'\n", "i18n errors with positions");

	cap_start();
	th = theme_open(FIX "/synyaml", NULL, "en");
	e = cap_end();
	T_OK(th == NULL, "YAML syntax error");
	T_STREQ(e, FIX "/synyaml/i18n/en.yml:2:8: error: while parsing a "
	    "block mapping: did not find expected key\n",
	    "YAML syntax error position");

	cap_start();
	th = theme_open(FIX "/notmap", NULL, "en");
	e = cap_end();
	T_STREQ(e, FIX "/notmap/i18n/en.yml:1:1: error: expected a mapping "
	    "of key: \"string\"\n", "not a mapping");
	theme_free(th);
}

int
main(void)
{
	if (access(BASE "/page.html", R_OK) == -1) {
		printf("Bail out! run from the top of the tree (%s)\n", BASE);
		return 1;
	}
	test_lookup();
	test_templates();
	test_files();
	test_i18n();
	if (capfd != -1) {
		close(capfd);
		unlink(cappath);
	}
	T_DONE();
}
