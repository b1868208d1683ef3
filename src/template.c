/*
 * Templates: a small Mustache-like language, compiled once into a flat
 * array of ops and rendered many times into a struct buf.
 *
 * Syntax (tags are {{ ... }}; spaces inside a tag are ignored):
 *
 *   {{name}}            the value, HTML-escaped (esc_html)
 *   {{name|html}}       the same, spelled out
 *   {{name|attr}}       attribute-escaped (esc_attr), for "..." attributes
 *   {{name|url}}        esc_url; a refused scheme (javascript: ...)
 *                       renders "#unsafe" and is an error (once per tag)
 *   {{name|json}}       a JSON string literal, quotes included (esc_json);
 *                       booleans and @index/@number come out bare
 *   {{raw name}}        unescaped: only for HTML that binome produced
 *   {{a.b.c}}           dotted names walk maps: course.title, page.prev.href
 *   {{.}}               the current #each item (a string)
 *   {{@index}} {{@number}} {{@first}} {{@last}}
 *                       in the innermost #each: 0-based and 1-based
 *                       position, first and last item (booleans)
 *   {{#each list}} ... {{else}} ... {{/each}}
 *                       once per item; the else part (optional) when the
 *                       list is empty.  Inside, a name is looked up in
 *                       the item first, then outward through the
 *                       enclosing #each items, then the root.
 *   {{#if name}} ... {{else}} ... {{/if}}
 *   {{#unless name}} ... {{else}} ... {{/unless}}
 *                       truthy: true, a non-empty string, a non-empty
 *                       list, any map, @index > 0, @number, @first/@last
 *   {{> name}}          include the partial "name", resolved when the
 *                       template is compiled (a theme maps it to
 *                       partials/name.html); at most 16 levels deep
 *   {{! comment }}      nothing
 *
 * Names are [A-Za-z0-9_-] segments joined by dots.  Booleans print as
 * true or false; printing a list or a map is an error.
 *
 * Whitespace: a line that holds only one section, else, partial or
 * comment tag and spaces or tabs is removed entirely, newline included
 * (Mustache's "standalone" rule), so generated HTML stays tidy.  Other
 * text is copied as is.  There is no way to write a literal "{{".
 *
 * Errors are diagnostics at the template's file:line:col (the column of
 * the "{{", in bytes).  Compile errors: unclosed tag, unclosed section,
 * mismatched or unexpected closing tag, unknown section keyword, stray
 * or second else, unknown filter, empty or invalid name, unknown
 * partial, partials nested deeper than 16, sections nested deeper than
 * 64, a template larger than 1 MiB.  Render errors (each reported once
 * per tag, however many pages are rendered): unknown variable (in any
 * scope), printing a list or map, #each over a non-list, @index outside
 * #each, refused URL.  The data producer sets every key a template uses,
 * possibly to false or an empty list.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "extern.h"

#define TMPL_MAXSIZE	(1024u * 1024)	/* bytes of template source */
#define TMPL_MAXDEPTH	64		/* nested sections */
#define TMPL_MAXINCLUDE	16		/* nested partials */
#define NOMID		SIZE_MAX

enum opcode {
	OP_TEXT,
	OP_VAR,
	OP_IF,
	OP_UNLESS,
	OP_EACH,
	OP_ELSE,	/* markers only: sections jump over them */
	OP_END,
	OP_PARTIAL
};

enum filter {
	F_HTML,
	F_ATTR,
	F_URL,
	F_JSON,
	F_RAW
};

/* What a name refers to. */
enum special {
	N_PATH,		/* a dotted path through maps */
	N_DOT,		/* . */
	N_INDEX,	/* @index */
	N_NUMBER,	/* @number */
	N_FIRST,	/* @first */
	N_LAST		/* @last */
};

struct op {
	enum opcode	 code;
	enum filter	 filter;	/* OP_VAR */
	enum special	 special;
	const char	*s;	/* text, or the name; points into tmpl->src */
	size_t		 len;
	size_t		 mid;	/* sections: index of the else, or end */
	size_t		 end;	/* sections: index of the OP_END */
	const struct tmpl *sub;	/* OP_PARTIAL; borrowed from the resolver */
	unsigned	 line, col;
	int		 reported;	/* a render error was reported */
};

struct tmpl {
	char		*file;
	char		*src;	/* NUL-terminated copy; ops point into it */
	struct op	*ops;
	size_t		 nops, capops;
};

/* Compiler state for one template. */
struct comp {
	struct tmpl	*t;
	const char	*src;
	size_t		 len;
	size_t		 scan;	/* line and bol are valid up to here */
	unsigned	 line;
	size_t		 bol;	/* offset of the line's first byte */
	size_t		 stack[TMPL_MAXDEPTH];	/* open section ops */
	size_t		 depth;
	int		 nerr;
	int		 stop;	/* give up: too deep */
	struct tmpl	*(*resolve)(void *, const char *);
	void		*arg;
};

/* One scope of name lookup: the root, or an #each item. */
struct scope {
	const struct tval	*v;
	size_t			 idx, n;	/* position in the #each */
	int			 item;		/* an #each item, not the root */
	const struct scope	*up;
};

/* A looked-up value: a tval, or a number or boolean made up by @names. */
struct val {
	const struct tval	*v;
	int			 isnum, isbool;
	size_t			 num;
	int			 b;
};

/* Partials being compiled, through every tmpl_compile on the stack. */
static unsigned	 includes;

/*
 * Values ---------------------------------------------------------------
 *
 * Ownership: a tree belongs to its root.  tv_map(NULL, NULL) returns a
 * new heap root map: free it with tv_release(root); free(root).  Every
 * other tv_* stores into its parent, which owns the copy (strings are
 * duplicated).
 *
 * Pointer validity: children live by value in their parent's kids
 * array, which grows with realloc.  A pointer returned by tv_map(),
 * tv_list(), tv_item() or tv_get() is valid until the next call that
 * adds a new key or item to the *same parent* (filling the child itself,
 * or any other container, is fine).  So fill a child before adding its
 * siblings:
 *
 *	root = tv_map(NULL, NULL);
 *	c = tv_map(root, "course");	tv_str(c, "title", t);
 *	l = tv_list(root, "pages");	(c is stale from here on)
 *	for (...) { it = tv_item(l); tv_str(it, "href", h); }
 *
 * Setting a key that exists replaces its value in place (no move).
 */

static struct tval *
kid_new(struct tval *parent)
{
	struct tval	*k;

	if (parent->nkids == parent->capkids) {
		parent->capkids = parent->capkids ? parent->capkids * 2 : 4;
		parent->kids = xreallocarray(parent->kids, parent->capkids,
		    sizeof(*parent->kids));
	}
	k = &parent->kids[parent->nkids++];
	memset(k, 0, sizeof(*k));
	return k;
}

/*
 * The slot for key in a map (emptied and reused when it exists), or a
 * new item at the end of a list (key must be NULL).
 */
static struct tval *
slot(struct tval *parent, const char *key)
{
	struct tval	*k;
	size_t		 i;

	if (parent->type == TV_LIST) {
		if (key != NULL) {
			fputs("binome: tv_*: key given for a list item\n",
			    stderr);
			abort();
		}
		return kid_new(parent);
	}
	if (parent->type != TV_MAP || key == NULL) {
		fputs("binome: tv_*: not a map, or no key\n", stderr);
		abort();
	}
	for (i = 0; i < parent->nkids; i++) {
		k = &parent->kids[i];
		if (k->key[0] == key[0] && strcmp(k->key, key) == 0) {
			char *kept = k->key;

			k->key = NULL;
			tv_release(k);
			k->key = kept;
			return k;
		}
	}
	k = kid_new(parent);
	k->key = xstrdup(key);
	return k;
}

/* A container of type t under key in parent, or a heap root. */
static struct tval *
container(struct tval *parent, const char *key, enum tvtype t)
{
	struct tval	*v;

	v = parent == NULL ? xcalloc(1, sizeof(*v)) : slot(parent, key);
	v->type = t;
	return v;
}

/*
 * A map under key in parent (a map), or appended to parent (a list,
 * key NULL); with parent NULL, a new heap root map the caller frees
 * with tv_release(root); free(root).
 */
struct tval *
tv_map(struct tval *parent, const char *key)
{
	return container(parent, key, TV_MAP);
}

/* A list under key in parent (see tv_map); parent NULL: a heap root. */
struct tval *
tv_list(struct tval *parent, const char *key)
{
	return container(parent, key, TV_LIST);
}

/* Append a new empty map to list and return it. */
struct tval *
tv_item(struct tval *list)
{
	return tv_map(list, NULL);
}

/*
 * Set key in map to a copy of s (NULL is the empty string).  With a
 * list and key NULL, append a string item (for {{.}}).
 */
void
tv_strn(struct tval *map, const char *key, const char *s, size_t n)
{
	struct tval	*v;

	v = slot(map, key);
	v->type = TV_STR;
	v->str = s == NULL ? xstrdup("") : xstrndup(s, n);
	v->len = s == NULL ? 0 : n;
}

void
tv_str(struct tval *map, const char *key, const char *s)
{
	tv_strn(map, key, s, s == NULL ? 0 : strlen(s));
}

/* A number, stored as its decimal string. */
void
tv_int(struct tval *map, const char *key, long n)
{
	char	 num[32];

	snprintf(num, sizeof(num), "%ld", n);
	tv_str(map, key, num);
}

void
tv_bool(struct tval *map, const char *key, int b)
{
	struct tval	*v;

	v = slot(map, key);
	v->type = TV_BOOL;
	v->b = b != 0;
}

/* The value of key in map, or NULL (also when map is not a map). */
const struct tval *
tv_get(const struct tval *map, const char *key)
{
	size_t	 i;

	if (map == NULL || map->type != TV_MAP)
		return NULL;
	for (i = 0; i < map->nkids; i++)
		if (map->kids[i].key[0] == key[0] &&
		    strcmp(map->kids[i].key, key) == 0)
			return &map->kids[i];
	return NULL;
}

/*
 * Free what v holds (key, string, children) and zero it; v itself is
 * not freed.  tv_release(NULL) does nothing.
 */
void
tv_release(struct tval *v)
{
	size_t	 i;

	if (v == NULL)
		return;
	for (i = 0; i < v->nkids; i++)
		tv_release(&v->kids[i]);
	free(v->kids);
	free(v->key);
	free(v->str);
	memset(v, 0, sizeof(*v));
}

/* Compiling ------------------------------------------------------------ */

static int
isws(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int
isnamec(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_' || c == '-';
}

/* Bring line and bol up to offset to. */
static void
advance(struct comp *c, size_t to)
{
	const char	*p, *e = c->src + to;

	for (p = c->src + c->scan; p < e &&
	    (p = memchr(p, '\n', (size_t)(e - p))) != NULL; p++) {
		c->line++;
		c->bol = (size_t)(p - c->src) + 1;
	}
	c->scan = to;
}

static int
cerr(struct comp *c, const struct op *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A compile error at the tag of op at. */
static int
cerr(struct comp *c, const struct op *at, const char *fmt, ...)
{
	struct pos	 p;
	struct buf	 msg = BUF_INIT;
	va_list		 ap;
	int		 n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n > 0) {
		buf_grow(&msg, (size_t)n);
		va_start(ap, fmt);
		vsnprintf(msg.data, (size_t)n + 1, fmt, ap);
		va_end(ap);
		msg.len = (size_t)n;
	}
	p.file = c->t->file;
	p.line = at->line;
	p.col = at->col;
	diag_err(&p, "%s", msg.data);
	buf_release(&msg);
	c->nerr++;
	return -1;
}

static struct op *
emit(struct comp *c, enum opcode code, const struct op *tag)
{
	struct op	*op;

	if (c->t->nops == c->t->capops) {
		c->t->capops = c->t->capops ? c->t->capops * 2 : 16;
		c->t->ops = xreallocarray(c->t->ops, c->t->capops,
		    sizeof(*c->t->ops));
	}
	op = &c->t->ops[c->t->nops++];
	memset(op, 0, sizeof(*op));
	op->code = code;
	op->mid = op->end = NOMID;
	if (tag != NULL) {
		op->line = tag->line;
		op->col = tag->col;
	}
	return op;
}

static void
emit_text(struct comp *c, size_t from, size_t to)
{
	struct op	*op;

	if (to <= from)
		return;
	op = emit(c, OP_TEXT, NULL);
	op->s = c->src + from;
	op->len = to - from;
}

/* Trim spaces on both sides of [*a, *b). */
static void
trim(const char *s, size_t *a, size_t *b)
{
	while (*a < *b && isws((unsigned char)s[*a]))
		(*a)++;
	while (*b > *a && isws((unsigned char)s[*b - 1]))
		(*b)--;
}

/*
 * Check the name s[0..n) and classify it into op; reports "empty name"
 * or "invalid name" at tag.
 */
static int
name(struct comp *c, struct op *op, const char *s, size_t n,
    const char *what)
{
	static const struct {
		const char	*s;
		enum special	 sp;
	} at[] = {
		{ "@index", N_INDEX }, { "@number", N_NUMBER },
		{ "@first", N_FIRST }, { "@last", N_LAST },
	};
	size_t	 i, seg = 0;

	op->s = s;
	op->len = n;
	op->special = N_PATH;
	if (n == 0)
		return cerr(c, op, "empty name in '{{%s}}'", what);
	if (n == 1 && s[0] == '.') {
		op->special = N_DOT;
		return 0;
	}
	if (s[0] == '@') {
		for (i = 0; i < sizeof(at) / sizeof(at[0]); i++)
			if (strlen(at[i].s) == n &&
			    memcmp(at[i].s, s, n) == 0) {
				op->special = at[i].sp;
				return 0;
			}
		return cerr(c, op, "unknown name '%.*s'", (int)n, s);
	}
	for (i = 0; i < n; i++) {
		if (s[i] == '.' && seg > 0 && i + 1 < n) {
			seg = 0;
			continue;
		}
		if (!isnamec((unsigned char)s[i]))
			return cerr(c, op, "invalid name '%.*s'", (int)n, s);
		seg++;
	}
	return 0;
}

/* The keyword at s[*a..b) (letters), advancing *a past it. */
static size_t
keyword(const char *s, size_t *a, size_t b)
{
	size_t	 start = *a;

	while (*a < b && ((s[*a] >= 'a' && s[*a] <= 'z') ||
	    (s[*a] >= 'A' && s[*a] <= 'Z')))
		(*a)++;
	return *a - start;
}

static int
kwis(const char *s, size_t n, const char *kw)
{
	return strlen(kw) == n && memcmp(s, kw, n) == 0;
}

static const char *
sectname(enum opcode code)
{
	return code == OP_EACH ? "each" : code == OP_IF ? "if" : "unless";
}

/* {{#each x}}, {{#if x}}, {{#unless x}} */
static int
open_section(struct comp *c, struct op *tag, const char *s, size_t a,
    size_t b)
{
	struct op	*op;
	enum opcode	 code;
	size_t		 kw = a, n;

	n = keyword(s, &a, b);
	if (kwis(s + kw, n, "each"))
		code = OP_EACH;
	else if (kwis(s + kw, n, "if"))
		code = OP_IF;
	else if (kwis(s + kw, n, "unless"))
		code = OP_UNLESS;
	else {
		while (a < b && !isws((unsigned char)s[a]))
			a++;
		return cerr(c, tag, "unknown section '{{#%.*s}}'",
		    (int)(a - kw), s + kw);
	}
	if (a < b && !isws((unsigned char)s[a])) {
		while (a < b && !isws((unsigned char)s[a]))
			a++;
		return cerr(c, tag, "unknown section '{{#%.*s}}'",
		    (int)(a - kw), s + kw);
	}
	if (c->depth == TMPL_MAXDEPTH) {
		c->stop = 1;	/* what follows would only cascade */
		return cerr(c, tag, "sections nested deeper than %d",
		    TMPL_MAXDEPTH);
	}
	trim(s, &a, &b);
	op = emit(c, code, tag);
	c->stack[c->depth++] = c->t->nops - 1;
	if (name(c, op, s + a, b - a, code == OP_EACH ? "#each" :
	    code == OP_IF ? "#if" : "#unless") == -1)
		return -1;
	return 0;
}

/* {{/each}}, {{/if}}, {{/unless}} */
static int
close_section(struct comp *c, struct op *tag, const char *s, size_t a,
    size_t b)
{
	struct op	*open;
	enum opcode	 code;
	size_t		 kw = a, n, at, end;

	n = keyword(s, &a, b);
	if (kwis(s + kw, n, "each"))
		code = OP_EACH;
	else if (kwis(s + kw, n, "if"))
		code = OP_IF;
	else if (kwis(s + kw, n, "unless"))
		code = OP_UNLESS;
	else
		return cerr(c, tag, "unknown section '{{/%.*s}}'",
		    (int)(b - kw), s + kw);
	trim(s, &a, &b);
	if (a < b)	/* report, but close the section all the same */
		cerr(c, tag, "unexpected '%.*s' in '{{/%s}}'",
		    (int)(b - a), s + a, sectname(code));
	if (c->depth == 0)
		return cerr(c, tag, "'{{/%s}}' without '{{#%s}}'",
		    sectname(code), sectname(code));
	at = c->stack[--c->depth];
	emit(c, OP_END, tag);
	end = c->t->nops - 1;
	open = &c->t->ops[at];
	open->end = end;
	if (open->mid == NOMID)
		open->mid = end;
	if (open->code != code)
		return cerr(c, tag, "mismatched '{{/%s}}': '{{#%s}}' at "
		    "%u:%u is still open", sectname(code),
		    sectname(open->code), open->line, open->col);
	return 0;
}

/* {{else}} */
static int
else_section(struct comp *c, struct op *tag)
{
	struct op	*open;

	if (c->depth == 0)
		return cerr(c, tag, "'{{else}}' outside '{{#if}}', "
		    "'{{#unless}}' or '{{#each}}'");
	open = &c->t->ops[c->stack[c->depth - 1]];
	if (open->mid != NOMID)
		return cerr(c, tag, "second '{{else}}' in '{{#%s}}' at %u:%u",
		    sectname(open->code), open->line, open->col);
	emit(c, OP_ELSE, tag);
	open = &c->t->ops[c->stack[c->depth - 1]];
	open->mid = c->t->nops - 1;
	return 0;
}

/* {{> name}}: resolved now, through the caller's callback. */
static int
partial(struct comp *c, struct op *tag, const char *s, size_t a, size_t b)
{
	struct tmpl	*sub = NULL;
	struct op	*op;
	char		*nm;
	unsigned	 before;
	size_t		 i;

	trim(s, &a, &b);
	if (a == b)
		return cerr(c, tag, "empty name in '{{>}}'");
	for (i = a; i < b; i++)
		if (!isnamec((unsigned char)s[i]) && s[i] != '/' &&
		    s[i] != '.')
			return cerr(c, tag, "invalid partial name '%.*s'",
			    (int)(b - a), s + a);
	nm = xstrndup(s + a, b - a);
	if (strstr(nm, "..") != NULL || nm[0] == '/') {
		cerr(c, tag, "invalid partial name '%s'", nm);
		free(nm);
		return -1;
	}
	if (includes >= TMPL_MAXINCLUDE) {
		cerr(c, tag, "partials nested deeper than %d at '%s' "
		    "(recursive include?)", TMPL_MAXINCLUDE, nm);
		free(nm);
		return -1;
	}
	before = diag_errors;
	if (c->resolve != NULL) {
		includes++;
		sub = c->resolve(c->arg, nm);
		includes--;
	}
	if (sub == NULL) {
		/* Say where, unless the resolver already said why. */
		if (diag_errors == before)
			cerr(c, tag, "cannot include partial '%s'", nm);
		else
			c->nerr++;
		free(nm);
		return -1;
	}
	free(nm);
	op = emit(c, OP_PARTIAL, tag);
	op->sub = sub;
	return 0;
}

/* {{name}}, {{name|filter}}, {{raw name}} */
static int
variable(struct comp *c, struct op *tag, const char *s, size_t a, size_t b)
{
	static const struct {
		const char	*s;
		enum filter	 f;
	} filters[] = {
		{ "html", F_HTML }, { "attr", F_ATTR }, { "url", F_URL },
		{ "json", F_JSON },
	};
	struct op	*op;
	enum filter	 f = F_HTML;
	size_t		 kw = a, n, bar, fa, fb, i;

	n = keyword(s, &kw, b);
	if (n == 3 && memcmp(s + a, "raw", 3) == 0 &&
	    (kw == b || isws((unsigned char)s[kw]))) {
		a = kw;
		trim(s, &a, &b);
		if (memchr(s + a, '|', b - a) != NULL)
			return cerr(c, tag, "'raw' takes no filter");
		op = emit(c, OP_VAR, tag);
		op->filter = F_RAW;
		return name(c, op, s + a, b - a, "raw");
	}
	for (bar = a; bar < b && s[bar] != '|'; bar++)
		;
	if (bar < b) {
		fa = bar + 1;
		fb = b;
		trim(s, &fa, &fb);
		for (i = 0; i < sizeof(filters) / sizeof(filters[0]); i++)
			if (kwis(s + fa, fb - fa, filters[i].s))
				break;
		if (i == sizeof(filters) / sizeof(filters[0]))
			return cerr(c, tag, "unknown filter '%.*s'",
			    (int)(fb - fa), s + fa);
		f = filters[i].f;
		b = bar;
		trim(s, &a, &b);
	}
	op = emit(c, OP_VAR, tag);
	op->filter = f;
	return name(c, op, s + a, b - a, "");
}

/*
 * Is the tag [ts, te) alone on its line but for spaces and tabs?  If so,
 * *next is the offset just past its line's end.
 */
static int
standalone(const struct comp *c, size_t ts, size_t te, size_t *next)
{
	size_t	 i;

	for (i = c->bol; i < ts; i++)
		if (c->src[i] != ' ' && c->src[i] != '\t')
			return 0;
	for (i = te; i < c->len; i++)
		if (c->src[i] != ' ' && c->src[i] != '\t')
			break;
	if (i < c->len && c->src[i] == '\r')
		i++;
	if (i < c->len && c->src[i] != '\n')
		return 0;
	*next = i < c->len ? i + 1 : i;
	return 1;
}

static void
compile(struct comp *c)
{
	struct op	 tag;
	const char	*s = c->src, *p, *q;
	size_t		 text = 0, ts, te, a, b, next;
	int		 alone;

	memset(&tag, 0, sizeof(tag));
	for (p = s; (p = strstr(p, "{{")) != NULL; p = s + next) {
		ts = (size_t)(p - s);
		advance(c, ts);
		tag.line = c->line;
		tag.col = (unsigned)(ts - c->bol + 1);
		if ((q = strstr(p + 2, "}}")) == NULL) {
			cerr(c, &tag, "unclosed tag: no '}}' after '{{'");
			text = c->len;
			break;
		}
		te = (size_t)(q - s) + 2;
		a = ts + 2;
		b = te - 2;
		trim(s, &a, &b);
		alone = 0;
		next = te;
		if (a < b && (s[a] == '#' || s[a] == '/' || s[a] == '>' ||
		    s[a] == '!' || (b - a == 4 && memcmp(s + a, "else", 4)
		    == 0)))
			alone = standalone(c, ts, te, &next);
		emit_text(c, text, alone ? c->bol : ts);
		if (a == b)
			cerr(c, &tag, "empty name in '{{}}'");
		else if (s[a] == '!')
			;
		else if (s[a] == '#')
			open_section(c, &tag, s, a + 1, b);
		else if (s[a] == '/')
			close_section(c, &tag, s, a + 1, b);
		else if (s[a] == '>')
			partial(c, &tag, s, a + 1, b);
		else if (b - a == 4 && memcmp(s + a, "else", 4) == 0)
			else_section(c, &tag);
		else
			variable(c, &tag, s, a, b);
		advance(c, te);
		text = next;
		if (c->stop)
			return;
	}
	emit_text(c, text, c->len);
	while (c->depth > 0) {
		struct op *open = &c->t->ops[c->stack[--c->depth]];

		cerr(c, open, "unclosed section '{{#%s}}'",
		    sectname(open->code));
	}
}

/*
 * Compile the template text s (len bytes) read from file.  Partials
 * named in {{> name}} are resolved now by calling resolve(arg, name),
 * which returns a template that must outlive this one (the caller owns
 * both), or NULL; when it returns NULL without reporting anything, this
 * reports "cannot include partial" at the tag.  Reports every error it
 * finds and returns NULL if there was any; free with tmpl_free().
 */
struct tmpl *
tmpl_compile(const char *file, const char *s, size_t len,
    struct tmpl *(*resolve)(void *, const char *), void *arg)
{
	struct comp	 c;
	struct tmpl	*t;

	if (len > TMPL_MAXSIZE) {
		struct pos p = { file, 0, 0 };

		diag_err(&p, "template is larger than %u MiB",
		    TMPL_MAXSIZE >> 20);
		return NULL;
	}
	if (memchr(s, '\0', len) != NULL) {
		struct pos p = { file, 0, 0 };

		diag_err(&p, "template contains a NUL byte");
		return NULL;
	}
	t = xcalloc(1, sizeof(*t));
	t->file = xstrdup(file);
	t->src = xstrndup(s, len);
	memset(&c, 0, sizeof(c));
	c.t = t;
	c.src = t->src;
	c.len = len;
	c.line = 1;
	c.resolve = resolve;
	c.arg = arg;
	compile(&c);
	if (c.nerr > 0) {
		tmpl_free(t);
		return NULL;
	}
	return t;
}

/* Free a template; the partials it includes are not its own. */
void
tmpl_free(struct tmpl *t)
{
	if (t == NULL)
		return;
	free(t->ops);
	free(t->src);
	free(t->file);
	free(t);
}

/* Rendering ------------------------------------------------------------ */

static int
rerr(const struct tmpl *t, struct op *op, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A render error at op's tag, reported only the first time. */
static int
rerr(const struct tmpl *t, struct op *op, const char *fmt, ...)
{
	struct pos	 p;
	char		 msg[256];
	va_list		 ap;

	if (op->reported)
		return -1;
	op->reported = 1;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	p.file = t->file;
	p.line = op->line;
	p.col = op->col;
	return diag_err(&p, "%s", msg);
}

static const struct tval *
find(const struct tval *map, const char *s, size_t n)
{
	size_t	 i;

	/* The first byte first: maps of a hundred keys are searched. */
	for (i = 0; i < map->nkids; i++)
		if ((n == 0 || map->kids[i].key[0] == s[0]) &&
		    strncmp(map->kids[i].key, s, n) == 0 &&
		    map->kids[i].key[n] == '\0')
			return &map->kids[i];
	return NULL;
}

/* Look up op's name in the scopes; reports and returns -1 if absent. */
static int
lookup(const struct tmpl *t, struct op *op, const struct scope *sc,
    struct val *out)
{
	const struct scope	*it;
	const struct tval	*v = NULL;
	const char		*s = op->s, *e = op->s + op->len, *dot;
	size_t			 n;

	memset(out, 0, sizeof(*out));
	if (op->special == N_DOT) {
		if ((out->v = sc->v) == NULL)
			return rerr(t, op, "unknown variable '.'");
		return 0;
	}
	if (op->special != N_PATH) {
		for (it = sc; it != NULL && !it->item; it = it->up)
			;
		if (it == NULL)
			return rerr(t, op, "'%.*s' outside '{{#each}}'",
			    (int)op->len, op->s);
		switch (op->special) {
		case N_INDEX:
		case N_NUMBER:
			out->isnum = 1;
			out->num = it->idx + (op->special == N_NUMBER);
			break;
		default:
			out->isbool = 1;
			out->b = op->special == N_FIRST ? it->idx == 0 :
			    it->idx + 1 == it->n;
			break;
		}
		return 0;
	}
	dot = memchr(s, '.', op->len);
	n = dot == NULL ? op->len : (size_t)(dot - s);
	for (it = sc; it != NULL && v == NULL; it = it->up)
		if (it->v != NULL && it->v->type == TV_MAP)
			v = find(it->v, s, n);
	while (v != NULL && dot != NULL) {
		s = dot + 1;
		dot = memchr(s, '.', (size_t)(e - s));
		n = dot == NULL ? (size_t)(e - s) : (size_t)(dot - s);
		v = v->type == TV_MAP ? find(v, s, n) : NULL;
	}
	if (v == NULL)
		return rerr(t, op, "unknown variable '%.*s'", (int)op->len,
		    op->s);
	out->v = v;
	return 0;
}

static int
truthy(const struct val *v)
{
	if (v->isnum)
		return v->num != 0;
	if (v->isbool)
		return v->b;
	switch (v->v->type) {
	case TV_BOOL:
		return v->v->b;
	case TV_STR:
		return v->v->len > 0;
	case TV_LIST:
		return v->v->nkids > 0;
	default:
		return 1;
	}
}

static int
print(const struct tmpl *t, struct op *op, struct buf *out,
    const struct val *v)
{
	const struct tval	*tv = v->v;

	if (v->isnum) {
		buf_printf(out, "%zu", v->num);
		return 0;
	}
	if (v->isbool || tv->type == TV_BOOL) {
		buf_puts(out, (v->isbool ? v->b : tv->b) ? "true" : "false");
		return 0;
	}
	if (tv->type != TV_STR)
		return rerr(t, op, "'%.*s' is a %s and cannot be printed",
		    (int)op->len, op->s, tv->type == TV_LIST ? "list" : "map");
	switch (op->filter) {
	case F_HTML:
		esc_html(out, tv->str, tv->len);
		break;
	case F_ATTR:
		esc_attr(out, tv->str, tv->len);
		break;
	case F_URL:
		if (esc_url(out, tv->str, tv->len) == -1) {
			buf_puts(out, "#unsafe");
			return rerr(t, op, "unsafe URL '%.40s' refused in "
			    "'%.*s'", tv->str, (int)op->len, op->s);
		}
		break;
	case F_JSON:
		buf_putc(out, '"');
		esc_json(out, tv->str, tv->len);
		buf_putc(out, '"');
		break;
	case F_RAW:
		buf_put(out, tv->str, tv->len);
		break;
	}
	return 0;
}

/*
 * Render ops [from, to) of t.  Errors are reported (once per tag) and
 * rendering goes on, so one run shows them all; returns -1 if any.
 */
static int
run(const struct tmpl *t, size_t from, size_t to, struct buf *out,
    const struct scope *sc)
{
	struct scope	 item;
	struct val	 v;
	struct op	*op;
	size_t		 i, k;
	int		 rc = 0, yes;

	for (i = from; i < to; i++) {
		op = &t->ops[i];
		switch (op->code) {
		case OP_TEXT:
			buf_put(out, op->s, op->len);
			break;
		case OP_VAR:
			if (lookup(t, op, sc, &v) == -1 ||
			    print(t, op, out, &v) == -1)
				rc = -1;
			break;
		case OP_IF:
		case OP_UNLESS:
			if (lookup(t, op, sc, &v) == -1) {
				rc = -1;
				i = op->end;
				break;
			}
			yes = truthy(&v) == (op->code == OP_IF);
			if (yes && run(t, i + 1, op->mid, out, sc) == -1)
				rc = -1;
			if (!yes && op->mid < op->end &&
			    run(t, op->mid + 1, op->end, out, sc) == -1)
				rc = -1;
			i = op->end;
			break;
		case OP_EACH:
			if (lookup(t, op, sc, &v) == -1) {
				rc = -1;
				i = op->end;
				break;
			}
			if (v.v == NULL || v.v->type != TV_LIST) {
				rc = rerr(t, op, "'%.*s' is not a list",
				    (int)op->len, op->s);
				i = op->end;
				break;
			}
			item.n = v.v->nkids;
			item.item = 1;
			item.up = sc;
			for (k = 0; k < item.n; k++) {
				item.v = &v.v->kids[k];
				item.idx = k;
				if (run(t, i + 1, op->mid, out, &item) == -1)
					rc = -1;
			}
			if (item.n == 0 && op->mid < op->end &&
			    run(t, op->mid + 1, op->end, out, sc) == -1)
				rc = -1;
			i = op->end;
			break;
		case OP_PARTIAL:
			if (run(op->sub, 0, op->sub->nops, out, sc) == -1)
				rc = -1;
			break;
		case OP_ELSE:
		case OP_END:
			break;
		}
	}
	return rc;
}

/*
 * Append t rendered with data (a TV_MAP, the root scope) to out.
 * Returns 0, or -1 after reporting errors (out then holds a partial
 * page the caller should drop).  Allocates nothing but out's growth.
 * Not thread-safe: it marks reported errors in the template.
 */
int
tmpl_render(const struct tmpl *t, struct buf *out, const struct tval *data)
{
	return tmpl_render_on(t, out, data, NULL);
}

/*
 * Render with names looked up in data, then in base: what every page of
 * a course shares is built once, not once per page.
 */
int
tmpl_render_on(const struct tmpl *t, struct buf *out, const struct tval *data,
    const struct tval *base)
{
	struct scope	 root, under;

	memset(&root, 0, sizeof(root));
	memset(&under, 0, sizeof(under));
	under.v = base;
	root.v = data;
	root.up = base != NULL ? &under : NULL;
	return run(t, 0, t->nops, out, &root);
}
