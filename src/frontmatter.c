/*
 * Front matter: the YAML block between "---" lines at the top of a
 * Markdown file, parsed with libyaml into a small tree that keeps the
 * position of every key and value for diagnostics.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "extern.h"

#define FM_MAXDEPTH	32

struct fmparse {
	yaml_parser_t	 p;
	const char	*file;
	unsigned	 line0;	/* file line of the YAML's first line, minus 1 */
};

static void
mark(const struct fmparse *fp, const yaml_mark_t *m, struct pos *pos)
{
	pos->file = fp->file;
	pos->line = (unsigned)m->line + fp->line0 + 1;
	pos->col = (unsigned)m->column + 1;
}

static int
yerr(struct fmparse *fp)
{
	struct pos	 pos;
	const char	*what = fp->p.problem ? fp->p.problem : "malformed YAML";

	mark(fp, &fp->p.problem_mark, &pos);
	if (fp->p.context != NULL)
		return diag_err(&pos, "front matter: %s %s", what,
		    fp->p.context);
	return diag_err(&pos, "front matter: %s", what);
}

static int	 node(struct fmparse *, yaml_event_t *, struct fmval *, int);

static struct fmval *
addkid(struct fmval *v)
{
	v->kids = xreallocarray(v->kids, v->nkids + 1, sizeof(*v->kids));
	memset(&v->kids[v->nkids], 0, sizeof(*v->kids));
	return &v->kids[v->nkids++];
}

static void
release(struct fmval *v)
{
	size_t	 i;

	for (i = 0; i < v->nkids; i++)
		release(&v->kids[i]);
	free(v->kids);
	free(v->key);
	free(v->str);
	memset(v, 0, sizeof(*v));
}

/* Read the children of a mapping or sequence until its end event. */
static int
children(struct fmparse *fp, struct fmval *v, int depth)
{
	yaml_event_t	 ev;
	struct fmval	*kid;
	int		 rc;

	for (;;) {
		if (!yaml_parser_parse(&fp->p, &ev))
			return yerr(fp);
		if (ev.type == YAML_MAPPING_END_EVENT ||
		    ev.type == YAML_SEQUENCE_END_EVENT) {
			yaml_event_delete(&ev);
			return 0;
		}
		kid = addkid(v);
		if (v->type == FM_MAP) {
			if (ev.type != YAML_SCALAR_EVENT) {
				mark(fp, &ev.start_mark, &kid->pos);
				yaml_event_delete(&ev);
				return diag_err(&kid->pos,
				    "front matter: keys must be plain words");
			}
			kid->key = xstrndup((char *)ev.data.scalar.value,
			    ev.data.scalar.length);
			mark(fp, &ev.start_mark, &kid->pos);
			yaml_event_delete(&ev);
			if (!yaml_parser_parse(&fp->p, &ev))
				return yerr(fp);
		} else
			mark(fp, &ev.start_mark, &kid->pos);
		rc = node(fp, &ev, kid, depth + 1);
		yaml_event_delete(&ev);
		if (rc == -1)
			return -1;
	}
}

/* Fill v from the event ev, which the caller deletes. */
static int
node(struct fmparse *fp, yaml_event_t *ev, struct fmval *v, int depth)
{
	mark(fp, &ev->start_mark, &v->vpos);
	if (v->pos.line == 0)
		v->pos = v->vpos;
	if (depth > FM_MAXDEPTH)
		return diag_err(&v->vpos, "front matter: nested too deeply");
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		v->type = FM_SCALAR;
		v->str = xstrndup((char *)ev->data.scalar.value,
		    ev->data.scalar.length);
		v->quoted = ev->data.scalar.style !=
		    YAML_PLAIN_SCALAR_STYLE;
		return 0;
	case YAML_SEQUENCE_START_EVENT:
		v->type = FM_LIST;
		return children(fp, v, depth);
	case YAML_MAPPING_START_EVENT:
		v->type = FM_MAP;
		return children(fp, v, depth);
	case YAML_ALIAS_EVENT:
		return diag_err(&v->vpos,
		    "front matter: aliases are not supported");
	default:
		return diag_err(&v->vpos, "front matter: unexpected YAML");
	}
}

/* Does a line start at s with "---" and nothing but blanks after? */
static size_t
fence(const char *s, size_t n)
{
	size_t	 i;

	if (n < 3 || memcmp(s, "---", 3) != 0)
		return 0;
	for (i = 3; i < n && s[i] != '\n'; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			return 0;
	return i < n ? i + 1 : i;
}

/*
 * Split the front matter off text (a whole file, BOM already skipped)
 * and parse it.  With no front matter fm->root is an empty map and the
 * body is the whole text.  Returns -1 after reporting errors; fm must
 * be released either way.
 */
int
fm_parse(struct frontmatter *fm, const char *file, const char *text,
    size_t len)
{
	struct fmparse	 fp;
	yaml_event_t	 ev;
	size_t		 start, i, n, end = 0, after = 0;
	unsigned	 line = 2, endline = 0;
	int		 rc = 0, done = 0;

	memset(fm, 0, sizeof(*fm));
	fm->root.type = FM_MAP;
	fm->body = text;
	fm->bodylen = len;
	fm->bodyline = 1;
	if ((start = fence(text, len)) == 0)
		return 0;
	for (i = start; i < len; i = i + n, line++) {
		const char *nl = memchr(text + i, '\n', len - i);

		n = nl ? (size_t)(nl - (text + i)) + 1 : len - i;
		if ((after = fence(text + i, len - i)) != 0 ||
		    (n >= 3 && memcmp(text + i, "...", 3) == 0 &&
		    (n == 3 || text[i + 3] == '\n' || text[i + 3] == '\r'))) {
			end = i;
			after = i + n;
			endline = line;
			break;
		}
	}
	if (endline == 0) {
		struct pos p = { file, 1, 1 };

		return diag_err(&p, "front matter: no closing '---' line");
	}
	fm->body = text + after;
	fm->bodylen = len - after;
	fm->bodyline = endline + 1;

	memset(&fp, 0, sizeof(fp));
	fp.file = file;
	fp.line0 = 1;
	if (!yaml_parser_initialize(&fp.p))
		abort();
	yaml_parser_set_input_string(&fp.p,
	    (const unsigned char *)text + start, end - start);
	yaml_parser_set_encoding(&fp.p, YAML_UTF8_ENCODING);
	while (!done && rc == 0) {
		if (!yaml_parser_parse(&fp.p, &ev)) {
			rc = yerr(&fp);
			break;
		}
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = 1;
			break;
		case YAML_STREAM_START_EVENT:
		case YAML_DOCUMENT_START_EVENT:
		case YAML_DOCUMENT_END_EVENT:
			break;
		case YAML_MAPPING_START_EVENT:
			if (fm->root.pos.line != 0) {
				rc = diag_err(&fm->root.pos,
				    "front matter: one document only");
				break;
			}
			rc = node(&fp, &ev, &fm->root, 0);
			break;
		case YAML_SCALAR_EVENT:
			if (ev.data.scalar.length == 0)
				break;	/* an empty block */
			/* FALLTHROUGH */
		default: {
			struct pos p;

			mark(&fp, &ev.start_mark, &p);
			rc = diag_err(&p,
			    "front matter: expected 'key: value' lines");
			break;
		}
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&fp.p);
	if (rc == -1) {
		release(&fm->root);
		fm->root.type = FM_MAP;
	}
	return rc;
}

void
fm_release(struct frontmatter *fm)
{
	release(&fm->root);
}

const struct fmval *
fm_get(const struct fmval *map, const char *key)
{
	size_t	 i;

	if (map == NULL || map->type != FM_MAP)
		return NULL;
	for (i = 0; i < map->nkids; i++)
		if (strcmp(map->kids[i].key, key) == 0)
			return &map->kids[i];
	return NULL;
}

static const char *
typename(enum fmtype t)
{
	return t == FM_SCALAR ? "a text" : t == FM_LIST ? "a list" :
	    "a mapping";
}

/* A string value; *out is the caller's.  Reports a wrong type. */
int
fm_str(const struct fmval *v, char **out)
{
	if (v->type != FM_SCALAR)
		return diag_err(&v->vpos, "'%s' must be text, not %s",
		    v->key, typename(v->type));
	free(*out);
	*out = xstrdup(v->str);
	return 0;
}

int
fm_int(const struct fmval *v, long min, long max, long *out)
{
	char	*end;
	long	 n;

	if (v->type != FM_SCALAR || v->quoted || v->str[0] == '\0')
		return diag_err(&v->vpos, "'%s' must be a whole number",
		    v->key);
	errno = 0;
	n = strtol(v->str, &end, 10);
	if (*end == '%' && end[1] == '\0')
		end++;	/* "80%" reads as 80 */
	if (*end != '\0' || errno == ERANGE)
		return diag_err(&v->vpos, "'%s' must be a whole number, "
		    "not '%s'", v->key, v->str);
	if (n < min || n > max)
		return diag_err(&v->vpos, "'%s' must be between %ld and %ld, "
		    "not %ld", v->key, min, max, n);
	*out = n;
	return 0;
}

int
fm_bool(const struct fmval *v, int *out)
{
	static const char *const t[] = { "true", "True", "TRUE", "yes",
	    "Yes", "on", NULL };
	static const char *const f[] = { "false", "False", "FALSE", "no",
	    "No", "off", NULL };
	size_t	 i;

	if (v->type == FM_SCALAR && !v->quoted) {
		for (i = 0; t[i] != NULL; i++)
			if (strcmp(v->str, t[i]) == 0)
				return *out = 1, 0;
		for (i = 0; f[i] != NULL; i++)
			if (strcmp(v->str, f[i]) == 0)
				return *out = 0, 0;
	}
	return diag_err(&v->vpos, "'%s' must be true or false", v->key);
}

/* A list of strings (a single string is a list of one). */
int
fm_strlist(const struct fmval *v, char ***out, size_t *n)
{
	size_t	 i;

	if (v->type == FM_SCALAR) {
		*out = xcalloc(1, sizeof(**out));
		(*out)[0] = xstrdup(v->str);
		*n = 1;
		return 0;
	}
	if (v->type != FM_LIST)
		return diag_err(&v->vpos, "'%s' must be a list", v->key);
	for (i = 0; i < v->nkids; i++)
		if (v->kids[i].type != FM_SCALAR)
			return diag_err(&v->kids[i].vpos,
			    "'%s' must be a list of texts", v->key);
	*out = xcalloc(v->nkids ? v->nkids : 1, sizeof(**out));
	for (i = 0; i < v->nkids; i++)
		(*out)[i] = xstrdup(v->kids[i].str);
	*n = v->nkids;
	return 0;
}
