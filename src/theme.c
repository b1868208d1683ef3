/*
 * Themes: where each theme file comes from, the translated strings and
 * the compiled templates.
 *
 * A file "name" (a relative path such as "page.html" or "assets/x.css")
 * is looked up first under the override directory (a course's theme/),
 * then under the theme directory: the same relative path overrides.
 * {{> x}} in a template is the file partials/x.html, found the same way.
 * Strings come from i18n/<lang>.yml, a flat mapping of key: "string".
 */
#include <sys/stat.h>

#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "extern.h"

struct cached {
	char		*name;	/* relative path, e.g. partials/nav.html */
	struct tmpl	*t;	/* NULL: it failed, already reported */
};

struct theme {
	char		*dir;
	char		*over;	/* NULL when there is none */
	struct tval	 i18n;	/* TV_MAP of TV_STR */
	struct cached	*cache;
	size_t		 ncache, capcache;
};

/* A relative name that stays inside the theme, or NULL. */
static char *
safe_name(const char *name)
{
	char	*n;

	if (name == NULL || name[0] == '\0' || name[0] == '/')
		return NULL;
	if ((n = fs_normalize(name)) == NULL || n[0] == '\0') {
		free(n);
		return NULL;
	}
	return n;
}

/*
 * The path of the file that wins for name (override first, then the
 * theme), or NULL when neither has it or the name leaves the theme.
 * The caller frees.  Reports nothing.
 */
char *
theme_path(const struct theme *th, const char *name)
{
	char	*n, *p;

	if ((n = safe_name(name)) == NULL)
		return NULL;
	if (th->over != NULL) {
		p = fs_join(th->over, n);
		if (fs_isfile(p)) {
			free(n);
			return p;
		}
		free(p);
	}
	p = fs_join(th->dir, n);
	free(n);
	if (fs_isfile(p))
		return p;
	free(p);
	return NULL;
}

/* i18n ----------------------------------------------------------------- */

static int
yerr(const char *file, const yaml_mark_t *m, const char *what)
{
	struct pos	 p;

	p.file = file;
	p.line = (unsigned)m->line + 1;
	p.col = (unsigned)m->column + 1;
	return diag_err(&p, "%s", what);
}

static int
keyok(const char *s, size_t n)
{
	size_t	 i;

	if (n == 0)
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '_' ||
		    s[i] == '-'))
			return 0;
	return 1;
}

/*
 * Parse the flat mapping in file into map, replacing keys it already
 * has.  Reports every error it can; returns -1 if any.
 */
static int
i18n_parse(const char *file, const char *s, size_t len, struct tval *map)
{
	yaml_parser_t	 parser;
	yaml_event_t	 ev;
	struct tval	 seen;	/* keys of this file, for duplicates */
	char		*key = NULL, msg[256];
	const char	*v;
	size_t		 n;
	int		 rc = 0, done = 0, docs = 0, nest = 0;

	memset(&seen, 0, sizeof(seen));
	seen.type = TV_MAP;
	if (!yaml_parser_initialize(&parser))
		return diag_sys(file, "cannot initialise the YAML parser");
	yaml_parser_set_input_string(&parser, (const unsigned char *)s, len);
	while (!done) {
		if (!yaml_parser_parse(&parser, &ev)) {
			snprintf(msg, sizeof(msg), "%s%s%s",
			    parser.context ? parser.context : "",
			    parser.context ? ": " : "",
			    parser.problem ? parser.problem : "bad YAML");
			rc = yerr(file, &parser.problem_mark, msg);
			break;
		}
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = 1;
			break;
		case YAML_DOCUMENT_START_EVENT:
			if (++docs > 1) {
				rc = yerr(file, &ev.start_mark,
				    "only one YAML document is allowed");
				done = 1;
			}
			break;
		case YAML_MAPPING_START_EVENT:
		case YAML_SEQUENCE_START_EVENT:
			if (nest == 1 || (nest == 0 &&
			    ev.type == YAML_SEQUENCE_START_EVENT))
				rc = yerr(file, &ev.start_mark, nest == 0 ?
				    "expected a mapping of key: \"string\"" :
				    key != NULL ? "value must be a string" :
				    "key must be a string");
			free(key);
			key = NULL;
			nest++;
			break;
		case YAML_MAPPING_END_EVENT:
		case YAML_SEQUENCE_END_EVENT:
			nest--;
			break;
		case YAML_ALIAS_EVENT:
			rc = yerr(file, &ev.start_mark,
			    "aliases are not allowed");
			free(key);
			key = NULL;
			break;
		case YAML_SCALAR_EVENT:
			v = (const char *)ev.data.scalar.value;
			n = ev.data.scalar.length;
			if (nest == 0 && n > 0)
				rc = yerr(file, &ev.start_mark,
				    "expected a mapping of key: \"string\"");
			if (nest != 1)
				break;
			if (key != NULL) {
				tv_strn(map, key, v, n);
				free(key);
				key = NULL;
				break;
			}
			key = xstrndup(v, n);
			if (!keyok(v, n)) {
				rc = yerr(file, &ev.start_mark, "invalid key: "
				    "use letters, digits, '_' and '-'");
			} else if (tv_get(&seen, key) != NULL) {
				snprintf(msg, sizeof(msg),
				    "duplicate key '%s'", key);
				rc = yerr(file, &ev.start_mark, msg);
			} else
				tv_bool(&seen, key, 1);
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
	}
	free(key);
	tv_release(&seen);
	yaml_parser_delete(&parser);
	return rc;
}

/*
 * Merge i18n/<lang>.yml of the theme, then of the override, into the
 * strings.  Returns 1 when neither has the file, -1 after errors.
 */
static int
i18n_load(struct theme *th, const char *lang)
{
	const char	*roots[2];
	char		*rel, *path, *data;
	size_t		 i, len;
	int		 rc = 1;

	roots[0] = th->dir;
	roots[1] = th->over;
	rel = xasprintf("i18n/%s.yml", lang);
	for (i = 0; i < 2; i++) {
		if (roots[i] == NULL)
			continue;
		path = fs_join(roots[i], rel);
		if (!fs_isfile(path)) {
			free(path);
			continue;
		}
		if (rc == 1)
			rc = 0;
		if (fs_read(path, &data, &len) == -1)
			rc = -1;
		else {
			if (i18n_parse(path, data, len, &th->i18n) == -1)
				rc = -1;
			free(data);
		}
		free(path);
	}
	free(rel);
	return rc;
}

/*
 * Layer en, then the base language (fr), then the full tag (fr-FR), each
 * from the theme then the override, so that every key falls back to the
 * less specific file and a course can override one string.
 */
static int
i18n_open(struct theme *th, const char *lang)
{
	struct pos	 p = { NULL, 0, 0 };
	char		*base;
	size_t		 i, n;
	int		 rc = 0, r, found = 0;

	th->i18n.type = TV_MAP;
	if (lang == NULL || lang[0] == '\0')
		lang = "en";
	for (i = 0; lang[i] != '\0'; i++)
		if (!keyok(lang + i, 1)) {
			p.file = th->dir;
			return diag_err(&p, "invalid language '%s'", lang);
		}
	n = strcspn(lang, "-_");
	base = xstrndup(lang, n);
	if ((r = i18n_load(th, "en")) == -1)
		rc = -1;
	if (strcmp(base, "en") != 0) {
		if ((r = i18n_load(th, base)) == -1)
			rc = -1;
		found |= r != 1;
	} else
		found = 1;
	if (lang[n] != '\0') {
		if ((r = i18n_load(th, lang)) == -1)
			rc = -1;
		found |= r != 1;
	}
	if (!found) {
		p.file = th->dir;
		diag_warn(&p, "no translation for language '%s', using 'en'",
		    lang);
	}
	free(base);
	return rc;
}

/* Templates ------------------------------------------------------------ */

static struct tmpl *get(struct theme *, const char *, int);

/* tmpl_compile's resolver: {{> x}} is partials/x.html. */
static struct tmpl *
partial_cb(void *arg, const char *name)
{
	struct tmpl	*t;
	char		*rel;

	rel = xasprintf("partials/%s.html", name);
	t = get(arg, rel, 1);
	free(rel);
	return t;
}

/*
 * The compiled template rel, from the cache or compiled now.  A missing
 * file is reported unless quiet (then the includer reports it at its
 * tag).  Failures are cached so that they are reported once.
 */
static struct tmpl *
get(struct theme *th, const char *rel, int quiet)
{
	struct pos	 p = { NULL, 0, 0 };
	struct tmpl	*t;
	char		*path, *data;
	size_t		 i, len;

	for (i = 0; i < th->ncache; i++)
		if (strcmp(th->cache[i].name, rel) == 0)
			return th->cache[i].t;
	if ((path = theme_path(th, rel)) == NULL) {
		if (quiet)
			return NULL;
		p.file = th->dir;
		diag_err(&p, "no template '%s' in the theme%s%s", rel,
		    th->over ? " or in " : "", th->over ? th->over : "");
		return NULL;
	}
	t = NULL;
	if (fs_read(path, &data, &len) == 0) {
		t = tmpl_compile(path, data, len, partial_cb, th);
		free(data);
	}
	free(path);
	/* A recursive include may have cached rel meanwhile. */
	for (i = 0; i < th->ncache; i++)
		if (strcmp(th->cache[i].name, rel) == 0) {
			tmpl_free(t);
			return th->cache[i].t;
		}
	if (th->ncache == th->capcache) {
		th->capcache = th->capcache ? th->capcache * 2 : 8;
		th->cache = xreallocarray(th->cache, th->capcache,
		    sizeof(*th->cache));
	}
	th->cache[th->ncache].name = xstrdup(rel);
	th->cache[th->ncache].t = t;
	th->ncache++;
	return t;
}

/*
 * The template name (e.g. "page.html"), compiled on first use with its
 * partials and kept until theme_free().  NULL after reporting errors
 * (reported once: later calls return NULL quietly).
 */
const struct tmpl *
theme_tmpl(struct theme *th, const char *name)
{
	struct pos	 p = { NULL, 0, 0 };
	char		*n;
	struct tmpl	*t;

	if ((n = safe_name(name)) == NULL) {
		p.file = th->dir;
		diag_err(&p, "invalid template name '%s'", name);
		return NULL;
	}
	t = get(th, n, 0);
	free(n);
	return t;
}

/* Files ---------------------------------------------------------------- */

struct list {
	char	**v;
	size_t	 n, cap;
};

/* Add every file under root/rel to l as "rel/...", recursively. */
static int
walk(const char *root, const char *rel, struct list *l, int depth)
{
	struct stat	 st;
	char		**names, *dir, *p, *r;
	size_t		 i, n;
	int		 rc = 0;

	if (depth > 32) {
		struct pos pos = { root, 0, 0 };

		return diag_err(&pos, "'%s' is nested too deep", rel);
	}
	dir = fs_join(root, rel);
	names = fs_list(dir, &n);
	if (names == NULL) {
		free(dir);
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (names[i][0] == '.')
			continue;	/* .gitkeep, .DS_Store */
		p = fs_join(dir, names[i]);
		r = fs_join(rel, names[i]);
		if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode)) {
			if (walk(root, r, l, depth + 1) == -1)
				rc = -1;
			free(r);
		} else if (fs_isfile(p)) {
			if (l->n == l->cap) {
				l->cap = l->cap ? l->cap * 2 : 32;
				l->v = xreallocarray(l->v, l->cap,
				    sizeof(*l->v));
			}
			l->v[l->n++] = r;
		} else
			free(r);
		free(p);
	}
	fs_list_free(names, n);
	free(dir);
	return rc;
}

static int
pathcmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Every file under subdir in the override and the theme, as sorted
 * relative paths without duplicates ("assets/js/quiz.js"); find the one
 * to copy with theme_path().  Hidden files are skipped.  The caller
 * frees each string and the array (fs_list_free(v, n)); NULL after
 * reporting an error.
 */
char **
theme_files(const struct theme *th, const char *subdir, size_t *np)
{
	struct list	 l = { NULL, 0, 0 };
	const char	*roots[2];
	char		*sub, *d;
	size_t		 i, j;
	int		 rc = 0;

	*np = 0;
	if ((sub = safe_name(subdir)) == NULL) {
		struct pos p = { th->dir, 0, 0 };

		diag_err(&p, "invalid theme directory '%s'", subdir);
		return NULL;
	}
	roots[0] = th->over;
	roots[1] = th->dir;
	for (i = 0; i < 2; i++) {
		if (roots[i] == NULL)
			continue;
		d = fs_join(roots[i], sub);
		if (fs_isdir(d) && walk(roots[i], sub, &l, 0) == -1)
			rc = -1;
		free(d);
	}
	free(sub);
	if (rc == -1) {
		fs_list_free(l.v, l.n);
		return NULL;
	}
	if (l.v == NULL)
		l.v = xcalloc(1, sizeof(*l.v));
	qsort(l.v, l.n, sizeof(*l.v), pathcmp);
	for (i = j = 0; i < l.n; i++) {
		if (j > 0 && strcmp(l.v[j - 1], l.v[i]) == 0)
			free(l.v[i]);
		else
			l.v[j++] = l.v[i];
	}
	*np = j;
	return l.v;
}

/*
 * A key for everything of the theme a page's HTML may come from: the
 * bytes of every file but assets/ (copied, not read), in the override
 * and in the theme.
 */
uint64_t
theme_key(const struct theme *th)
{
	struct list	 l = { NULL, 0, 0 };
	struct hash	 h;
	const char	*roots[2];
	char		**names, *p, *data;
	size_t		 i, j, n, len;
	const char	*what;

	hash_init(&h);
	roots[0] = th->over;
	roots[1] = th->dir;
	for (i = 0; i < 2; i++) {
		if (roots[i] == NULL || (names = fs_list(roots[i], &n)) == NULL)
			continue;
		for (j = 0; j < n; j++) {
			p = fs_join(roots[i], names[j]);
			if (names[j][0] == '.' || strcmp(names[j], "assets") == 0)
				;
			else if (fs_isdir(p))
				walk(roots[i], names[j], &l, 0);
			else if (fs_isfile(p)) {
				if (l.n == l.cap) {
					l.cap = l.cap ? l.cap * 2 : 32;
					l.v = xreallocarray(l.v, l.cap,
					    sizeof(*l.v));
				}
				l.v[l.n++] = xstrdup(names[j]);
			}
			free(p);
		}
		fs_list_free(names, n);
		if (l.n > 1)
			qsort(l.v, l.n, sizeof(*l.v), pathcmp);
		hash_add(&h, roots[i], strlen(roots[i]) + 1);
		for (j = 0; j < l.n; j++) {
			p = fs_join(roots[i], l.v[j]);
			hash_add(&h, l.v[j], strlen(l.v[j]) + 1);
			/* A file that cannot be read matters if it is used. */
			if (fs_read_quiet(p, &data, &len, &what) == 0) {
				hash_add(&h, &len, sizeof(len));
				hash_add(&h, data, len);
				free(data);
			}
			free(p);
		}
		fs_list_free(l.v, l.n);
		l.v = NULL;
		l.n = l.cap = 0;
	}
	return hash_end(&h);
}

/* Opening and closing ---------------------------------------------------- */

/*
 * Open the theme in themedir, with files in overridedir (may be NULL or
 * missing) taking precedence, and load its strings for lang (e.g.
 * "fr-FR": i18n/en.yml, then fr.yml, then fr-FR.yml, each of the theme
 * then of the override, each overriding the previous ones key by key;
 * a warning when neither fr nor fr-FR exists).  Returns NULL after reporting an error
 * (no theme directory, bad YAML); free with theme_free().
 */
struct theme *
theme_open(const char *themedir, const char *overridedir, const char *lang)
{
	struct theme	*th;

	if (!fs_isdir(themedir)) {
		struct pos p = { themedir, 0, 0 };

		diag_err(&p, "no such theme directory");
		return NULL;
	}
	th = xcalloc(1, sizeof(*th));
	th->dir = xstrdup(themedir);
	if (overridedir != NULL && fs_isdir(overridedir))
		th->over = xstrdup(overridedir);
	if (i18n_open(th, lang) == -1) {
		theme_free(th);
		return NULL;
	}
	return th;
}

/*
 * The translated strings: a TV_MAP of TV_STR (key NULL), owned by the
 * theme and valid until theme_free().  To use {{i18n.next}}, copy it
 * into the page data under "i18n" (see theme_i18n's users), e.g.
 *
 *	m = tv_map(root, "i18n");
 *	for (i = 0; i < s->nkids; i++)
 *		tv_strn(m, s->kids[i].key, s->kids[i].str, s->kids[i].len);
 */
const struct tval *
theme_i18n(const struct theme *th)
{
	return &th->i18n;
}

void
theme_free(struct theme *th)
{
	size_t	 i;

	if (th == NULL)
		return;
	for (i = 0; i < th->ncache; i++) {
		tmpl_free(th->cache[i].t);
		free(th->cache[i].name);
	}
	free(th->cache);
	tv_release(&th->i18n);
	free(th->dir);
	free(th->over);
	free(th);
}
