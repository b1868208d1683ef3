/* Unit tests: buffers, escaping, slugs, folding, UTF-8, paths. */
#include <stdio.h>
#include <stdlib.h>

#include "extern.h"
#include "t.h"

static char *
with(void (*f)(struct buf *, const char *, size_t), const char *s)
{
	struct buf	 b = BUF_INIT;

	f(&b, s, strlen(s));
	return buf_detach(&b, NULL);
}

static void
foldit(struct buf *b, const char *s, size_t n)
{
	fold_text(b, s, n);
}

static void
urlit(struct buf *b, const char *s, size_t n)
{
	if (esc_url(b, s, n) == -1)
		buf_puts(b, "REFUSED");
}

#define CHECK(fn, in, want) do {					\
	char *t_s = with(fn, in);					\
	T_STREQ(t_s, want, #fn ": " #in);				\
	free(t_s);							\
} while (0)

#define CHECKP(expr, want, name) do {					\
	char *t_s = (expr);						\
	T_STREQ(t_s, want, name);					\
	free(t_s);							\
} while (0)

int
main(void)
{
	struct buf	 b = BUF_INIT;
	size_t		 i, len, bad;
	char		*p;

	/* buf: never NULL, grows, detaches. */
	T_OK(b.data != NULL && b.data[0] == '\0', "empty buf is \"\"");
	for (i = 0; i < 1000; i++)
		buf_puts(&b, "abc");
	T_OK(b.len == 3000 && strlen(b.data) == 3000, "buf grows");
	buf_printf(&b, "%d-%s", 42, "x");
	T_OK(strcmp(b.data + 3000, "42-x") == 0, "buf_printf appends");
	buf_truncate(&b, 2);
	T_STREQ(b.data, "ab", "buf_truncate");
	p = buf_detach(&b, &len);
	T_OK(len == 2 && b.len == 0 && b.data[0] == '\0', "buf_detach empties");
	free(p);
	p = buf_detach(&b, NULL);
	T_STREQ(p, "", "detach of an empty buf is a heap \"\"");
	free(p);

	/* Escaping per context. */
	CHECK(esc_html, "<a href=\"x\">&'</a>",
	    "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;");
	CHECK(esc_attr, "\" onload=\"x", "&quot; onload=&quot;x");
	CHECK(esc_json, "a\"b\\c\n</script>\xe2\x80\xa8",
	    "a\\\"b\\\\c\\n\\u003c/script\\u003e\\u2028");
	CHECK(esc_json, "\tx\x01\xe2\x80\xa9\xc3\xa9&",
	    "\\tx\\u0001\\u2029\xc3\xa9\\u0026");
	CHECK(esc_json, "\xe2\x80\xaa\xe2\x80", "\xe2\x80\xaa\xe2\x80");
	CHECK(esc_json, "plain", "plain");
	CHECK(urlit, "javascript:alert(1)", "REFUSED");
	CHECK(urlit, "JavaScript:alert(1)", "REFUSED");
	CHECK(urlit, "vbscript:x", "REFUSED");
	CHECK(urlit, "data:text/html,x", "REFUSED");
	CHECK(urlit, "https://example.org/a b?x=1&y=\"", 
	    "https://example.org/a%20b?x=1&amp;y=%22");
	CHECK(urlit, "../m/l.html#x", "../m/l.html#x");
	CHECK(urlit, "a:b/c", "REFUSED");
	CHECK(urlit, "dir/a:b", "dir/a:b");

	/* Slugs and folding. */
	CHECKP(slugify("Le bon réflexe !", 17), "le-bon-reflexe",
	    "slug drops accents and punctuation");
	CHECKP(slugify("  Œuvre & Ça  ", 16), "oeuvre-ca", "slug of Œ and Ç");
	CHECKP(slugify("L’écoute active", strlen("L’écoute active")),
	    "l-ecoute-active", "typographic apostrophe separates");
	CHECKP(slugify("!!!", 3), "", "slug of punctuation is empty");
	CHECK(foldit, "ÉTÉ Noël", "ete noel");
	CHECK(foldit, "l’éléphant…", "l elephant ");
	CHECK(foldit, "Ελλάδα", "Ελλάδα");

	/* UTF-8. */
	T_OK(utf8_valid("héllo", strlen("héllo"), NULL), "valid UTF-8");
	T_OK(!utf8_valid("h\xc3(", 3, &bad) && bad == 1, "bad byte found");
	T_OK(!utf8_valid("\xc0\xaf", 2, NULL), "overlong refused");
	T_OK(!utf8_valid("\xed\xa0\x80", 3, NULL), "surrogate refused");
	T_OK(!utf8_valid("\xf4\x90\x80\x80", 4, NULL), "past U+10FFFF refused");

	/* Paths. */
	CHECKP(fs_normalize("a/./b/../c"), "a/c", "normalize");
	T_OK(fs_normalize("a/../../x") == NULL, "normalize refuses climbing");
	T_OK(fs_normalize("/etc/passwd") == NULL, "normalize refuses absolute");
	CHECKP(fs_relpath("", "a/b.html"), "a/b.html", "relpath from root");
	CHECKP(fs_relpath("m", "m/l.html"), "l.html", "relpath same dir");
	CHECKP(fs_relpath("m", "index.html"), "../index.html", "relpath up");
	CHECKP(fs_relpath("m", "m2/x.html"), "../m2/x.html",
	    "relpath to a sibling sharing a prefix");
	CHECKP(fs_relpath("a/b", "a/c/d.html"), "../c/d.html",
	    "relpath two levels");
	CHECKP(fs_join("a/", "b"), "a/b", "join");
	CHECKP(fs_dirname("a/b/c.md"), "a/b", "dirname");
	T_STREQ(fs_basename("a/b/c.md"), "c.md", "basename");

	/* The map, across its growths. */
	{
		struct strmap	 m = STRMAP_INIT;
		char		 k[32];
		long		*v;
		int		 j, ok = 1;

		T_OK(strmap_get(&m, "x") == NULL, "empty map");
		for (j = 0; j < 5000; j++) {
			snprintf(k, sizeof(k), "m%04d/%02d", j / 10, j % 10);
			strmap_put(&m, k, j);
		}
		for (j = 0; j < 5000 && ok; j++) {
			snprintf(k, sizeof(k), "m%04d/%02d", j / 10, j % 10);
			ok = (v = strmap_get(&m, k)) != NULL && *v == j;
		}
		T_OK(ok && m.n == 5000, "5000 keys found after growing");
		strmap_put(&m, "m0001/01", -1);
		T_OK(*strmap_get(&m, "m0001/01") == -1 && m.n == 5000,
		    "a key set again keeps one slot");
		T_OK(strmap_get(&m, "m0500/00") == NULL, "a missing key");
		strmap_release(&m);
	}

	/* The state's numbers: the largest of 64 bits, and one past it. */
	{
		struct state	 st;
		char		 rec[256];
		static const char *const nums[][2] = {
		    { "18446744073709551615", "ffffffffffffffff" },
		    { "18446744073709551616", "ffffffffffffffff" },
		    { "18446744073709551615", "10000000000000000" },
		    { "99999999999999999999", "0" },
		    { "12", "1g" } };
		int		 want[] = { 0, -1, -1, -1, -1 };

		for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
			snprintf(rec, sizeof(rec), "binome-state 1\nin %s 3 4 "
			    "a.md\nout %s 5 a.html\n", nums[i][0], nums[i][1]);
			T_OK(state_parse(&st, rec) == want[i],
			    want[i] == 0 ? "state: 2^64 - 1 is read" :
			    "state: a number past 64 bits is refused");
			if (want[i] == 0)
				T_OK(st.nin == 1 && st.in[0].mtime == -1 &&
				    st.nout == 1 && st.out[0].hash == ~0ULL &&
				    st.out[0].size == 5, "state: its fields");
			state_free(&st);
		}
	}
	T_DONE();
}
