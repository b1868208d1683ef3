/*
 * Quizzes.  In a lesson, a question is a directive on its own line,
 * a heading (the question), optional blocks (a scenario), a list (the
 * options, accepted answers or items) and an optional block quote (the
 * explanation):
 *
 *	<!-- quiz id=volontariat type=single points=1 -->
 *	### Pourquoi le volontariat ?
 *	- [ ] Parce que la loi l'impose
 *	  > Non : aucune loi ne l'impose.
 *	- [x] Parce que l'envie fait passer le savoir
 *	> Le volontariat est la première clé.
 *
 * quiz_extract() checks each one (diagnostics at the author's
 * file:line:col), keeps it as a struct quiz and replaces its nodes by
 * one custom block of HTML: the question, the inputs, an empty
 * feedback region and the answer key as JSON.  The HTML carries no
 * interface text: quiz.js adds the buttons and messages in the page's
 * language.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>

#include "extern.h"

#define ID_MAX		64	/* characters of a quiz id */
#define POINTS_MAX	100
#define SHORT_LEN	100	/* default maxlength of a short answer */
#define SHORT_MAX	250	/* SCORM 2004 fill-in (1.2 takes 255) */
#define REFLECT_LEN	600
#define REFLECT_MAX	4000	/* SCORM 2004 long-fill-in */
#define OPTS_MAX	26	/* options, items: one letter each in the LMS */

static const char *const typenames[] = {
	"single", "multi", "tf", "short", "match", "order", "reflect"
};
#define NTYPES	(sizeof(typenames) / sizeof(typenames[0]))

enum attr {
	A_ID,
	A_TYPE,
	A_POINTS,
	A_MAXLENGTH,
	A_LOOSE,
	A__MAX
};

static const char *const attrnames[] = {
	"id", "type", "points", "maxlength", "loose"
};

/* One quiz being parsed. */
struct qctx {
	struct page	*pg;
	int		 opts;	/* cmark render options */
	int		 rc;	/* -1 once an error was reported */
	int		 seen[A__MAX];
	struct pos	 apos[A__MAX];	/* of each attribute seen */
};

/* A directive being scanned: where s[i] is in the author's file. */
struct scan {
	const char	*s;
	size_t		 i;
	struct pos	 pos;
};

static void
nodepos(const struct page *pg, cmark_node *n, struct pos *p)
{
	p->file = pg->src;
	p->line = (unsigned)cmark_node_get_start_line(n);
	if (p->line && pg->bodyline > 1)
		p->line += pg->bodyline - 1;
	p->col = (unsigned)cmark_node_get_start_column(n);
}

static int
ntype(cmark_node *n)
{
	return n == NULL ? CMARK_NODE_NONE : (int)cmark_node_get_type(n);
}

/* "block quote", "code block": a node's kind for messages. */
static const char *
kind(cmark_node *n)
{
	const char	*on;

	switch (cmark_node_get_type(n)) {
	case CMARK_NODE_BLOCK_QUOTE:
		return "block quote";
	case CMARK_NODE_LIST:
		return "list";
	case CMARK_NODE_CODE_BLOCK:
		return "code block";
	case CMARK_NODE_HTML_BLOCK:
		return "HTML block";
	case CMARK_NODE_PARAGRAPH:
		return "paragraph";
	case CMARK_NODE_HEADING:
		return "heading";
	case CMARK_NODE_THEMATIC_BREAK:
		return "thematic break";
	case CMARK_NODE_CUSTOM_BLOCK:
		on = cmark_node_get_on_enter(n);
		return on != NULL && strncmp(on, "<form class=\"quiz", 17) == 0 ?
		    "quiz" : on != NULL && strncmp(on, "<aside", 6) == 0 ?
		    "alert" : "block";
	default:
		return cmark_node_get_type_string(n);
	}
}

/* The text after "<!-- quiz", or NULL when lit is no quiz directive. */
static const char *
dirbody(const char *lit)
{
	while (*lit == ' ' || *lit == '\t')
		lit++;
	if (strncmp(lit, "<!--", 4) != 0)
		return NULL;
	lit += 4;
	while (isspace((unsigned char)*lit))
		lit++;
	if (strncmp(lit, "quiz", 4) != 0)
		return NULL;
	lit += 4;
	if (*lit != '\0' && !isspace((unsigned char)*lit) &&
	    strncmp(lit, "-->", 3) != 0)
		return NULL;
	return lit;
}

/*
 * Is this node a quiz directive: an HTML block "<!-- quiz ...", the
 * word quiz followed by a space or the end of the comment?
 */
int
quiz_is_directive(cmark_node *n)
{
	const char	*lit;

	if (n == NULL || cmark_node_get_type(n) != CMARK_NODE_HTML_BLOCK ||
	    (lit = cmark_node_get_literal(n)) == NULL)
		return 0;
	return dirbody(lit) != NULL;
}

const char *
quiz_type_name(enum quiztype t)
{
	return (size_t)t < NTYPES ? typenames[t] : "?";
}

void
quiz_free(struct quiz *q)
{
	size_t	 i;

	if (q == NULL)
		return;
	for (i = 0; i < q->nopts; i++) {
		free(q->opts[i].html);
		free(q->opts[i].text);
		free(q->opts[i].match);
		free(q->opts[i].matchhtml);
		free(q->opts[i].feedback);
	}
	free(q->opts);
	free(q->id);
	free(q->prompt);
	free(q->prompttext);
	free(q->intro);
	free(q->explain);
	free(q);
}

/* ---- text and HTML of nodes ------------------------------------- */

/* Plain text of a node's inlines, white space collapsed and trimmed. */
static char *
plain(cmark_node *n)
{
	struct buf	 b = BUF_INIT;
	cmark_iter	*it;
	cmark_event_type ev;
	cmark_node	*cur;
	const char	*lit;
	int		 space = 1;

	it = cmark_iter_new(n);
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cur = cmark_iter_get_node(it);
		if (ev != CMARK_EVENT_ENTER)
			continue;
		switch (cmark_node_get_type(cur)) {
		case CMARK_NODE_TEXT:
		case CMARK_NODE_CODE:
			lit = cmark_node_get_literal(cur);
			break;
		case CMARK_NODE_SOFTBREAK:
		case CMARK_NODE_LINEBREAK:
			lit = " ";
			break;
		default:
			continue;
		}
		for (; lit != NULL && *lit != '\0'; lit++) {
			if (isspace((unsigned char)*lit)) {
				if (!space)
					buf_putc(&b, ' ');
				space = 1;
			} else {
				buf_putc(&b, *lit);
				space = 0;
			}
		}
	}
	cmark_iter_free(it);
	if (b.len && b.data[b.len - 1] == ' ')
		buf_truncate(&b, b.len - 1);
	return buf_detach(&b, NULL);
}

static void
render(struct buf *b, cmark_node *n, int opts)
{
	char	*s;

	s = cmark_render_html(n, opts, NULL);
	buf_puts(b, s);
	free(s);
}

static void
rtrim(struct buf *b)
{
	while (b->len && isspace((unsigned char)b->data[b->len - 1]))
		buf_truncate(b, b->len - 1);
}

/* The HTML of a node's inline children (a heading, a paragraph). */
static char *
inlines(cmark_node *n, int opts)
{
	struct buf	 b = BUF_INIT;
	cmark_node	*k;

	for (k = cmark_node_first_child(n); k != NULL; k = cmark_node_next(k))
		render(&b, k, opts);
	rtrim(&b);
	return buf_detach(&b, NULL);
}

/* The HTML of the sibling blocks from up to (not including) to. */
static char *
blocks(cmark_node *from, cmark_node *to, int opts)
{
	struct buf	 b = BUF_INIT;

	for (; from != NULL && from != to; from = cmark_node_next(from))
		render(&b, from, opts);
	rtrim(&b);
	return buf_detach(&b, NULL);
}

/* A block quote, or an alert that markdown.c made an aside of. */
static int
isquote(cmark_node *n)
{
	const char	*on;

	if (ntype(n) == CMARK_NODE_BLOCK_QUOTE)
		return 1;
	if (ntype(n) != CMARK_NODE_CUSTOM_BLOCK)
		return 0;
	on = cmark_node_get_on_enter(n);
	return on != NULL && strncmp(on, "<aside", 6) == 0;
}

/* A block quote's content, or an alert whole (it keeps its title). */
static char *
quotehtml(cmark_node *n, int opts)
{
	if (ntype(n) == CMARK_NODE_BLOCK_QUOTE)
		return blocks(cmark_node_first_child(n), NULL, opts);
	return blocks(n, cmark_node_next(n), opts);
}

/* Characters (code points) of UTF-8 text. */
static size_t
nchars(const char *s)
{
	size_t	 n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

/* ---- the directive ---------------------------------------------- */

static void
step(struct scan *sc)
{
	if (sc->s[sc->i] == '\n') {
		sc->pos.line++;
		sc->pos.col = 1;
	} else
		sc->pos.col++;
	sc->i++;
}

static int
atend(const struct scan *sc)
{
	return strncmp(sc->s + sc->i, "-->", 3) == 0;
}

static int
keychar(int c)
{
	return isalnum(c) || c == '-' || c == '_';
}

static int
number(const char *v, size_t n, long lo, long hi, long *out)
{
	long	 r = 0;
	size_t	 i;

	if (n == 0 || n > 6)
		return -1;
	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)v[i]))
			return -1;
		r = r * 10 + (v[i] - '0');
	}
	if (r < lo || r > hi)
		return -1;
	*out = r;
	return 0;
}

static int
validid(const char *v, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (!(islower((unsigned char)v[i]) ||
		    isdigit((unsigned char)v[i]) || v[i] == '-'))
			return 0;
	return n > 0;
}

/* One key[=value] of the directive. */
static void
attribute(struct qctx *x, struct quiz *q, const char *k, size_t klen,
    const char *v, size_t vlen, int hasval, const struct pos *kp,
    const struct pos *vp)
{
	size_t	 a, t;

	for (a = 0; a < A__MAX; a++)
		if (strlen(attrnames[a]) == klen &&
		    strncmp(attrnames[a], k, klen) == 0)
			break;
	if (a == A__MAX) {
		x->rc = diag_err(kp, "unknown quiz attribute '%.*s' (expected "
		    "id, type, points, maxlength or loose)", (int)klen, k);
		return;
	}
	if (x->seen[a]) {
		x->rc = diag_err(kp, "duplicate quiz attribute '%s'",
		    attrnames[a]);
		return;
	}
	x->seen[a] = 1;
	x->apos[a] = *kp;
	if (a == A_LOOSE) {
		if (hasval)
			x->rc = diag_err(kp, "quiz attribute 'loose' takes no "
			    "value");
		q->loose = 1;
		return;
	}
	if (!hasval || vlen == 0) {
		x->rc = diag_err(kp, "quiz attribute '%s' needs a value",
		    attrnames[a]);
		return;
	}
	switch (a) {
	case A_ID:
		if (!validid(v, vlen))
			x->rc = diag_err(vp, "bad quiz id '%.*s': use only "
			    "a-z, 0-9 and '-'", (int)vlen, v);
		else if (vlen > ID_MAX)
			x->rc = diag_err(vp, "quiz id '%.*s' is longer than "
			    "%d characters", (int)vlen, v, ID_MAX);
		else
			q->id = xstrndup(v, vlen);
		break;
	case A_TYPE:
		for (t = 0; t < NTYPES; t++)
			if (strlen(typenames[t]) == vlen &&
			    strncmp(typenames[t], v, vlen) == 0)
				break;
		if (t == NTYPES)
			x->rc = diag_err(vp, "unknown quiz type '%.*s' "
			    "(expected single, multi, tf, short, match, "
			    "order or reflect)", (int)vlen, v);
		else
			q->type = (enum quiztype)t;
		break;
	case A_POINTS:
		if (number(v, vlen, 1, POINTS_MAX, &q->points) == -1)
			x->rc = diag_err(vp, "bad points value '%.*s': "
			    "expected a whole number from 1 to %d",
			    (int)vlen, v, POINTS_MAX);
		break;
	case A_MAXLENGTH:
		if (number(v, vlen, 1, REFLECT_MAX, &q->maxlength) == -1) {
			q->maxlength = 0;
			x->rc = diag_err(vp, "bad maxlength value '%.*s': "
			    "expected a whole number from 1 to %d",
			    (int)vlen, v, REFLECT_MAX);
		}
		break;
	default:
		break;
	}
}

/*
 * Read the directive's attributes into q.  Returns -1 when it cannot
 * be read at all (no "-->", a stray character).
 */
static int
directive(struct qctx *x, struct quiz *q, cmark_node *n)
{
	struct scan	 sc;
	struct pos	 kp, vp;
	const char	*lit = cmark_node_get_literal(n), *body, *k, *v;
	size_t		 klen, vlen, indent;
	int		 hasval, quoted;

	body = dirbody(lit);
	if (strstr(body, "-->") == NULL)
		return diag_err(&q->pos, "unterminated quiz directive: end "
		    "it with '-->'");
	for (indent = 0; lit[indent] == ' ' || lit[indent] == '\t'; indent++)
		continue;
	sc.s = lit;
	sc.i = 0;
	sc.pos = q->pos;
	sc.pos.col = q->pos.col > indent ? q->pos.col - (unsigned)indent : 1;
	while (sc.s + sc.i < body)
		step(&sc);
	for (;;) {
		while (isspace((unsigned char)sc.s[sc.i]))
			step(&sc);
		if (atend(&sc))
			break;
		kp = sc.pos;
		k = sc.s + sc.i;
		while (keychar((unsigned char)sc.s[sc.i]) && !atend(&sc))
			step(&sc);
		klen = (size_t)(sc.s + sc.i - k);
		if (klen == 0)
			return diag_err(&kp, "unexpected '%c' in the quiz "
			    "directive (expected key=value)", sc.s[sc.i]);
		hasval = quoted = 0;
		v = NULL;
		vlen = 0;
		vp = sc.pos;
		if (sc.s[sc.i] == '=') {
			hasval = 1;
			step(&sc);
			vp = sc.pos;
			if (sc.s[sc.i] == '"') {
				quoted = 1;
				step(&sc);
			}
			v = sc.s + sc.i;
			while (sc.s[sc.i] != '\0' && (quoted ?
			    sc.s[sc.i] != '"' && sc.s[sc.i] != '\n' :
			    !isspace((unsigned char)sc.s[sc.i]) &&
			    !atend(&sc)))
				step(&sc);
			vlen = (size_t)(sc.s + sc.i - v);
			if (quoted) {
				if (sc.s[sc.i] != '"')
					return diag_err(&vp, "unterminated "
					    "quoted value in the quiz "
					    "directive");
				step(&sc);
			}
		}
		attribute(x, q, k, klen, v, vlen, hasval, &kp, &vp);
	}
	sc.i += 3;
	sc.pos.col += 3;
	while (isspace((unsigned char)sc.s[sc.i]))
		step(&sc);
	if (sc.s[sc.i] != '\0')
		return diag_err(&sc.pos, "text after the quiz directive: "
		    "put the question heading on the next line");
	return 0;
}

/* Defaults and the attributes that only some types take. */
static void
settle(struct qctx *x, struct quiz *q)
{
	if (q->points == 0)
		q->points = 1;
	if (q->type == QUIZ_REFLECT) {
		if (x->seen[A_POINTS])
			x->rc = diag_err(&x->apos[A_POINTS], "quiz attribute "
			    "'points' does not apply to a reflect question: "
			    "it is not scored");
		q->points = 0;
	}
	if (q->loose && q->type != QUIZ_SHORT)
		x->rc = diag_err(&x->apos[A_LOOSE], "quiz attribute 'loose' "
		    "applies only to type=short");
	if (x->seen[A_MAXLENGTH] && q->maxlength != 0 &&
	    q->type != QUIZ_SHORT && q->type != QUIZ_REFLECT)
		x->rc = diag_err(&x->apos[A_MAXLENGTH], "quiz attribute "
		    "'maxlength' applies only to type=short and "
		    "type=reflect");
	else if (q->type == QUIZ_SHORT && q->maxlength > SHORT_MAX)
		x->rc = diag_err(&x->apos[A_MAXLENGTH], "maxlength %ld is "
		    "too long for a short answer: SCORM allows %d "
		    "characters", q->maxlength, SHORT_MAX);
	if (q->maxlength == 0)
		q->maxlength = q->type == QUIZ_SHORT ? SHORT_LEN :
		    q->type == QUIZ_REFLECT ? REFLECT_LEN : 0;
	if (q->type != QUIZ_SHORT && q->type != QUIZ_REFLECT)
		q->maxlength = 0;
}

/* ---- the options ------------------------------------------------ */

static int
ischoice(enum quiztype t)
{
	return t == QUIZ_SINGLE || t == QUIZ_MULTI || t == QUIZ_TF;
}

static int
istask(cmark_node *item)
{
	const char	*t = cmark_node_get_type_string(item);

	return t != NULL && strcmp(t, "tasklist") == 0;
}

/* The right side of a match item: a list holding one plain item. */
static void
matchside(struct qctx *x, struct quizopt *o, cmark_node *list)
{
	cmark_node	*sub = cmark_node_first_child(list), *para;
	struct pos	 p;

	nodepos(x->pg, list, &p);
	o->match = xstrdup("");	/* seen, even if wrong */
	if (sub == NULL || cmark_node_next(sub) != NULL) {
		x->rc = diag_err(&p, "a match item needs exactly one nested "
		    "item (its match), found several");
		return;
	}
	para = cmark_node_first_child(sub);
	nodepos(x->pg, sub, &p);
	if (istask(sub)) {
		x->rc = diag_err(&p, "checkbox in a match: write the match "
		    "as a plain item");
		return;
	}
	if (para == NULL) {
		x->rc = diag_err(&p, "empty match");
		return;
	}
	if (ntype(para) != CMARK_NODE_PARAGRAPH ||
	    cmark_node_next(para) != NULL) {
		x->rc = diag_err(&p, "a match must be one line of text");
		return;
	}
	free(o->match);
	o->match = plain(para);
	o->matchhtml = inlines(para, x->opts);
	if (o->match[0] == '\0')
		x->rc = diag_err(&p, "empty match");
}

/* What one list item of each type is called in messages. */
static const char *const nouns[] = { "option", "option", "option",
    "accepted answer", "match item", "item", "" };
static const char *const anouns[] = { "an option", "an option",
    "an option", "an accepted answer", "a match item", "an item", "" };

/* Hints for an item that has or lacks its checkbox. */
static const char *
taskhint(enum quiztype t)
{
	switch (t) {
	case QUIZ_SHORT:
		return "list the accepted answers as plain items";
	case QUIZ_ORDER:
		return "write the items in the right order, without [x]";
	default:
		return "write plain items";
	}
}

/* One list item into o. */
static void
item(struct qctx *x, struct quiz *q, cmark_node *it, struct quizopt *o)
{
	cmark_node	*para, *k;
	struct pos	 p;
	int		 task = istask(it);

	nodepos(x->pg, it, &o->pos);
	para = cmark_node_first_child(it);
	if (para != NULL && ntype(para) != CMARK_NODE_PARAGRAPH) {
		nodepos(x->pg, para, &p);
		x->rc = diag_err(&p, "%s starts with a %s: it must be "
		    "one line of text", nouns[q->type], kind(para));
		return;
	}
	o->text = para != NULL ? plain(para) : xstrdup("");
	o->html = para != NULL ? inlines(para, x->opts) : xstrdup("");
	/* "- [x]" with nothing after it is no task item for cmark-gfm. */
	o->correct = task && cmark_gfm_extensions_get_tasklist_item_checked(it);
	if (!task && (strcmp(o->text, "[ ]") == 0 ||
	    strcmp(o->text, "[x]") == 0 || strcmp(o->text, "[X]") == 0)) {
		task = 1;
		o->correct = o->text[1] != ' ';
		o->text[0] = o->html[0] = '\0';
	}
	if (o->text[0] == '\0')
		x->rc = diag_err(&o->pos, "empty %s", nouns[q->type]);
	if (ischoice(q->type) && !task)
		x->rc = diag_err(&o->pos, "option without a checkbox in a "
		    "question of type=%s: start it with [ ] or [x]",
		    typenames[q->type]);
	else if (!ischoice(q->type) && task)
		x->rc = diag_err(&o->pos, "checkbox in a question of "
		    "type=%s: %s", typenames[q->type], taskhint(q->type));
	for (k = para != NULL ? cmark_node_next(para) : NULL; k != NULL;
	    k = cmark_node_next(k)) {
		nodepos(x->pg, k, &p);
		if (p.line == 0)	/* a node we made: no position */
			p = o->pos;
		if (ischoice(q->type) && isquote(k) && o->feedback == NULL)
			o->feedback = quotehtml(k, x->opts);
		else if (q->type == QUIZ_MATCH &&
		    ntype(k) == CMARK_NODE_LIST && o->match == NULL)
			matchside(x, o, k);
		else if (ischoice(q->type) && isquote(k))
			x->rc = diag_err(&p, "second feedback block quote "
			    "in an option");
		else if (q->type == QUIZ_MATCH &&
		    ntype(k) == CMARK_NODE_LIST)
			x->rc = diag_err(&p, "second nested list in a match "
			    "item: a match item has one match");
		else
			x->rc = diag_err(&p, "unexpected %s in %s%s",
			    kind(k), anouns[q->type], ischoice(q->type) ?
			    ": an option "
			    "is one line of text, then a block quote of "
			    "feedback" : ": it is one line of text");
	}
	if (q->type == QUIZ_MATCH && o->match == NULL && o->text[0] != '\0')
		x->rc = diag_err(&o->pos, "a match item needs exactly one "
		    "nested item (its match), found none");
	if (q->type == QUIZ_SHORT && o->text[0] != '\0') {
		if (nchars(o->text) > SHORT_MAX)
			x->rc = diag_err(&o->pos, "accepted answer is %zu "
			    "characters long: SCORM allows %d",
			    nchars(o->text), SHORT_MAX);
		else if (nchars(o->text) > (size_t)q->maxlength)
			x->rc = diag_err(&o->pos, "accepted answer is longer "
			    "than maxlength=%ld", q->maxlength);
	}
}

/* The list's items into q->opts, with the checks on their number. */
static void
options(struct qctx *x, struct quiz *q, cmark_node *list)
{
	cmark_node	*it;
	struct pos	 p;
	size_t		 i, n = 0, right = 0;
	static const char *const what[] = { "options", "options",
	    "options", "accepted answers", "items", "items", "" };

	nodepos(x->pg, list, &p);
	if (q->type == QUIZ_ORDER &&
	    cmark_node_get_list_type(list) != CMARK_ORDERED_LIST)
		x->rc = diag_err(&p, "a question of type=order needs an "
		    "ordered list (1. 2. 3.) in the right order");
	for (it = cmark_node_first_child(list); it != NULL;
	    it = cmark_node_next(it))
		n++;
	q->opts = xcalloc(n, sizeof(*q->opts));
	for (it = cmark_node_first_child(list); it != NULL;
	    it = cmark_node_next(it)) {
		item(x, q, it, &q->opts[q->nopts]);
		if (q->opts[q->nopts].correct && ++right == 2 &&
		    (q->type == QUIZ_SINGLE || q->type == QUIZ_TF))
			x->rc = diag_err(&q->opts[q->nopts].pos, "several "
			    "right options in a question of type=%s: check "
			    "one%s", typenames[q->type],
			    q->type == QUIZ_SINGLE ? ", or use type=multi" :
			    "");
		q->nopts++;
	}
	if (n > OPTS_MAX && q->type != QUIZ_SHORT)
		x->rc = diag_err(&p, "too many %s: %zu, at most %d (a letter "
		    "each for the LMS)", what[q->type], n, OPTS_MAX);
	if (q->type == QUIZ_TF && n != 2)
		x->rc = diag_err(&p, "a question of type=tf needs exactly "
		    "two options (true, then false), found %zu", n);
	else if (q->type != QUIZ_SHORT && n < 2)
		x->rc = diag_err(&p, "a question of type=%s needs at least "
		    "two %s, found %zu", typenames[q->type], what[q->type],
		    n);
	if (ischoice(q->type) && right == 0 && n > 0)
		x->rc = diag_err(&p, "no right option: check %s with [x]",
		    q->type == QUIZ_MULTI ? "one or more" : "one");
	for (i = 0; q->type == QUIZ_SHORT && i < q->nopts; i++)
		q->opts[i].correct = 1;
}

/* ---- ids and shuffles ------------------------------------------- */

/* The slug of the heading, at most ID_MAX characters. */
static char *
autoid(const char *text)
{
	char	*s = slugify(text, strlen(text));
	size_t	 n = strlen(s);

	/* Cut at a word boundary when there is one. */
	if (n > ID_MAX) {
		for (n = ID_MAX; n > 0 && s[n] != '-'; n--)
			continue;
		if (n == 0)
			n = ID_MAX;
		while (n > 0 && s[n - 1] == '-')
			n--;
		s[n] = '\0';
	}
	return s;
}

/* FNV-1a, then xorshift32: the same sequence as quiz.js's shuffle(). */
static uint32_t
seedof(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 16777619u;
	}
	return h ? h : 1;
}

static uint32_t
rnd(uint32_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 17;
	*x ^= *x << 5;
	return *x;
}

/*
 * A permutation of 0..n-1 that depends only on seed and is never the
 * identity when n >= 2, so that no list shows in the answer's order.
 */
static size_t *
shuffle(size_t n, const char *seed)
{
	size_t	*p = xcalloc(n, sizeof(*p)), i, j, t;
	uint32_t x = seedof(seed);

	for (i = 0; i < n; i++)
		p[i] = i;
	for (i = n; i > 1; i--) {
		j = rnd(&x) % i;
		t = p[i - 1];
		p[i - 1] = p[j];
		p[j] = t;
	}
	for (i = 0; i < n && p[i] == i; i++)
		continue;
	if (n >= 2 && i == n) {
		t = p[0];
		memmove(p, p + 1, (n - 1) * sizeof(*p));
		p[n - 1] = t;
	}
	return p;
}

/*
 * The right sides of a match, each once, in order of first use:
 * rights[k] is an option whose match is the k-th distinct one, and
 * pairs[i] the index of option i's match among them.
 */
#define SIDE(q, i)	((q)->opts[i].match ? (q)->opts[i].match : "")

static size_t
rights(const struct quiz *q, size_t *first, size_t *pairs)
{
	size_t	 i, k, n = 0;

	for (i = 0; i < q->nopts; i++) {
		for (k = 0; k < n; k++)
			if (strcmp(SIDE(q, first[k]), SIDE(q, i)) == 0)
				break;
		if (k == n)
			first[n++] = i;
		pairs[i] = k;
	}
	return n;
}

/* ---- HTML ------------------------------------------------------- */

static void
idattr(struct buf *b, const struct quiz *q, const char *suffix)
{
	buf_puts(b, "quiz-");
	esc_attr(b, q->id, strlen(q->id));
	buf_puts(b, suffix);
}

static void
jstr(struct buf *b, const char *s)
{
	buf_putc(b, '"');
	esc_json(b, s, strlen(s));
	buf_putc(b, '"');
}

static void
jints(struct buf *b, const char *key, const size_t *v, size_t n)
{
	size_t	 i;

	buf_printf(b, ",\"%s\":[", key);
	for (i = 0; i < n; i++)
		buf_printf(b, "%s%zu", i ? "," : "", v[i]);
	buf_putc(b, ']');
}

/* The answer key and feedback, for quiz.js (never shown as is). */
static void
data(struct buf *b, const struct quiz *q, const size_t *shown,
    size_t nshown, const size_t *pairs)
{
	size_t	 i, n;

	buf_puts(b, "<script type=\"application/json\" class=\"quiz-data\">"
	    "{\"id\":");
	jstr(b, q->id);
	buf_printf(b, ",\"type\":\"%s\",\"points\":%ld,\"graded\":%s,"
	    "\"prompt\":", typenames[q->type], q->points,
	    q->graded ? "true" : "false");
	jstr(b, q->prompttext);
	if (ischoice(q->type)) {
		buf_puts(b, ",\"correct\":[");
		for (n = 0, i = 0; i < q->nopts; i++)
			if (q->opts[i].correct)
				buf_printf(b, "%s%zu", n++ ? "," : "", i);
		buf_puts(b, "],\"feedback\":[");
		for (i = 0; i < q->nopts; i++) {
			if (i)
				buf_putc(b, ',');
			if (q->opts[i].feedback != NULL)
				jstr(b, q->opts[i].feedback);
			else
				buf_puts(b, "null");
		}
		buf_putc(b, ']');
	}
	if (q->type == QUIZ_SHORT) {
		buf_puts(b, ",\"answers\":[");
		for (i = 0; i < q->nopts; i++) {
			if (i)
				buf_putc(b, ',');
			jstr(b, q->opts[i].text);
		}
		buf_printf(b, "],\"loose\":%s", q->loose ? "true" : "false");
	}
	if (q->type == QUIZ_SHORT || q->type == QUIZ_REFLECT)
		buf_printf(b, ",\"maxlength\":%ld", q->maxlength);
	if (q->type == QUIZ_MATCH)
		jints(b, "pairs", pairs, q->nopts);
	if (q->type == QUIZ_MATCH || q->type == QUIZ_ORDER)
		jints(b, "shown", shown, nshown);
	buf_puts(b, ",\"explain\":");
	jstr(b, q->explain != NULL ? q->explain : "");
	buf_puts(b, "}</script>\n");
}

static void
choices(struct buf *b, const struct quiz *q)
{
	size_t	 i;
	char	 sfx[32];

	buf_puts(b, "<ul class=\"quiz-options\">\n");
	for (i = 0; i < q->nopts; i++) {
		snprintf(sfx, sizeof(sfx), "-%zu", i);
		buf_printf(b, "<li class=\"quiz-option\"><input type=\"%s\" "
		    "name=\"", q->type == QUIZ_MULTI ? "checkbox" : "radio");
		idattr(b, q, "");
		buf_puts(b, "\" id=\"");
		idattr(b, q, sfx);
		buf_printf(b, "\" value=\"%zu\"> <label for=\"", i);
		idattr(b, q, sfx);
		buf_puts(b, "\">");
		buf_puts(b, q->opts[i].html);
		buf_puts(b, "</label></li>\n");
	}
	buf_puts(b, "</ul>\n");
}

/* One select per left item; the right sides in a shuffled order. */
static void
matches(struct buf *b, const struct quiz *q, const size_t *first,
    const size_t *shown, size_t nr)
{
	size_t	 i, k;
	char	 sfx[32];

	buf_puts(b, "<ul class=\"quiz-pairs\">\n");
	for (i = 0; i < q->nopts; i++) {
		snprintf(sfx, sizeof(sfx), "-%zu", i);
		buf_puts(b, "<li class=\"quiz-match-row\"><label class=\""
		    "quiz-match-left\" for=\"");
		idattr(b, q, sfx);
		buf_puts(b, "\">");
		buf_puts(b, q->opts[i].html);
		buf_puts(b, "</label> <select id=\"");
		idattr(b, q, sfx);
		buf_puts(b, "\" name=\"");
		idattr(b, q, sfx);
		buf_puts(b, "\"><option value=\"\">\xe2\x80\x94</option>");
		for (k = 0; k < nr; k++) {
			buf_printf(b, "<option value=\"%zu\">", k);
			esc_html(b, q->opts[first[shown[k]]].match,
			    strlen(q->opts[first[shown[k]]].match));
			buf_puts(b, "</option>");
		}
		buf_puts(b, "</select></li>\n");
	}
	buf_puts(b, "</ul>\n");
}

static void
orders(struct buf *b, const struct quiz *q, const size_t *shown)
{
	size_t	 k;
	char	 sfx[32];

	buf_puts(b, "<ol class=\"quiz-sequence\">\n");
	for (k = 0; k < q->nopts; k++) {
		snprintf(sfx, sizeof(sfx), "-%zu", k);
		buf_puts(b, "<li class=\"quiz-order-item\"><span class=\""
		    "quiz-order-text\" id=\"");
		idattr(b, q, sfx);
		buf_puts(b, "\">");
		buf_puts(b, q->opts[shown[k]].html);
		buf_puts(b, "</span></li>\n");
	}
	buf_puts(b, "</ol>\n");
}

static void
textinput(struct buf *b, const struct quiz *q)
{
	if (q->type == QUIZ_SHORT)
		buf_puts(b, "<p class=\"quiz-field\"><input type=\"text\" "
		    "class=\"quiz-input\" id=\"");
	else
		buf_puts(b, "<p class=\"quiz-field\"><textarea "
		    "class=\"quiz-input\" rows=\"5\" id=\"");
	idattr(b, q, "-input");
	buf_puts(b, "\" name=\"");
	idattr(b, q, "");
	buf_puts(b, "\" aria-labelledby=\"");
	idattr(b, q, "-prompt");
	buf_printf(b, "\" maxlength=\"%ld\"", q->maxlength);
	if (q->type == QUIZ_SHORT)
		buf_puts(b, " autocomplete=\"off\" spellcheck=\"false\"></p>\n");
	else
		buf_puts(b, "></textarea></p>\n");
}

/*
 * The quiz's HTML: a form quiz.js brings to life.  Option text and
 * feedback were rendered by cmark (safe mode); ids and labels we add
 * go through the escapers.
 */
static char *
quizhtml(const struct quiz *q)
{
	struct buf	 b = BUF_INIT;
	size_t		*first = NULL, *pairs = NULL, *shown = NULL, nr = 0;
	int		 group = q->type != QUIZ_SHORT && q->type != QUIZ_REFLECT;

	if (q->type == QUIZ_MATCH) {
		first = xcalloc(q->nopts, sizeof(*first));
		pairs = xcalloc(q->nopts, sizeof(*pairs));
		nr = rights(q, first, pairs);
		shown = shuffle(nr, q->id);
	} else if (q->type == QUIZ_ORDER) {
		nr = q->nopts;
		shown = shuffle(nr, q->id);
	}
	buf_printf(&b, "<form class=\"quiz quiz-%s\" id=\"",
	    typenames[q->type]);
	idattr(&b, q, "");
	buf_puts(&b, "\" data-quiz=\"");
	esc_attr(&b, q->id, strlen(q->id));
	buf_printf(&b, "\" data-type=\"%s\"%s novalidate>\n",
	    typenames[q->type], q->graded ? " data-graded=\"\"" : "");
	if (group)
		buf_puts(&b, "<fieldset class=\"quiz-body\">\n<legend class="
		    "\"quiz-legend\">");
	else
		buf_puts(&b, "<div class=\"quiz-body\">\n");
	buf_printf(&b, "<h%d class=\"quiz-prompt\" id=\"", q->level);
	idattr(&b, q, "-prompt");
	buf_puts(&b, "\">");
	buf_puts(&b, q->prompt);
	buf_printf(&b, "</h%d>%s\n", q->level, group ? "</legend>" : "");
	if (q->intro != NULL && q->intro[0] != '\0') {
		buf_puts(&b, "<div class=\"quiz-intro\">\n");
		buf_puts(&b, q->intro);
		buf_puts(&b, "\n</div>\n");
	}
	switch (q->type) {
	case QUIZ_SINGLE:
	case QUIZ_MULTI:
	case QUIZ_TF:
		choices(&b, q);
		break;
	case QUIZ_MATCH:
		matches(&b, q, first, shown, nr);
		break;
	case QUIZ_ORDER:
		orders(&b, q, shown);
		break;
	default:
		textinput(&b, q);
		break;
	}
	buf_puts(&b, group ? "</fieldset>\n" : "</div>\n");
	buf_puts(&b, "<div class=\"quiz-actions\"></div>\n"
	    "<div class=\"quiz-feedback\" id=\"");
	idattr(&b, q, "-feedback");
	buf_puts(&b, "\" aria-live=\"polite\"></div>\n");
	data(&b, q, shown, nr, pairs);
	buf_puts(&b, "</form>\n");
	free(first);
	free(pairs);
	free(shown);
	return buf_detach(&b, NULL);
}

/* ---- one quiz --------------------------------------------------- */

/* Stops the blocks of a question: the next section or question. */
static int
isstop(cmark_node *n)
{
	return n == NULL || ntype(n) == CMARK_NODE_HEADING ||
	    ntype(n) == CMARK_NODE_THEMATIC_BREAK || quiz_is_directive(n);
}

/*
 * Parse the quiz starting at directive dir.  On success, append it to
 * the page and swap its nodes for one custom block; on errors leave
 * the tree alone.  Returns -1 after reporting errors.
 */
static int
one(struct page *pg, cmark_node *dir, int opts)
{
	struct qctx	 x;
	struct quiz	*q;
	struct pos	 hp;
	cmark_node	*head, *n, *next, *end, *box;
	char		*html;

	memset(&x, 0, sizeof(x));
	x.pg = pg;
	x.opts = opts;
	q = xcalloc(1, sizeof(*q));
	q->page = pg;
	q->graded = pg->assessment;
	nodepos(pg, dir, &q->pos);
	if (directive(&x, q, dir) == -1)
		goto fail;
	settle(&x, q);

	head = cmark_node_next(dir);
	if (ntype(head) != CMARK_NODE_HEADING) {
		diag_err(&q->pos, "missing question heading after the quiz "
		    "directive");
		goto fail;
	}
	nodepos(pg, head, &hp);
	q->level = cmark_node_get_heading_level(head);
	q->prompt = inlines(head, opts);
	q->prompttext = plain(head);
	if (q->prompttext[0] == '\0')
		x.rc = diag_err(&hp, "empty question heading");

	/* The scenario runs to the list (the guidance for reflect). */
	for (n = cmark_node_next(head); !isstop(n); n = cmark_node_next(n))
		if (q->type == QUIZ_REFLECT ? isquote(n) :
		    ntype(n) == CMARK_NODE_LIST)
			break;
	q->intro = blocks(cmark_node_next(head), n, opts);
	if (q->type != QUIZ_REFLECT) {
		if (ntype(n) != CMARK_NODE_LIST) {
			diag_err(&hp, "no list of %s after the question",
			    q->type == QUIZ_SHORT ? "accepted answers" :
			    q->type == QUIZ_MATCH || q->type == QUIZ_ORDER ?
			    "items" : "options");
			goto fail;
		}
		options(&x, q, n);
		n = cmark_node_next(n);
	}
	if (isquote(n)) {
		q->explain = quotehtml(n, opts);
		n = cmark_node_next(n);
	}
	end = n;

	if (q->id == NULL) {
		q->autoid = 1;
		q->id = autoid(q->prompttext);
		if (q->id[0] == '\0')
			x.rc = diag_err(&q->pos, "cannot make a quiz id from "
			    "the heading: add id=... to the directive");
	}
	if (x.rc == -1)
		goto fail;

	html = quizhtml(q);
	box = cmark_node_new(CMARK_NODE_CUSTOM_BLOCK);
	cmark_node_set_on_enter(box, html);
	cmark_node_set_on_exit(box, "");
	free(html);
	cmark_node_insert_before(dir, box);
	for (n = dir; n != end; n = next) {
		next = cmark_node_next(n);
		cmark_node_free(n);
	}
	pg->quizzes = xreallocarray(pg->quizzes, pg->nquizzes + 1,
	    sizeof(*pg->quizzes));
	pg->quizzes[pg->nquizzes++] = q;
	return 0;
fail:
	quiz_free(q);
	return -1;
}

/*
 * Find every quiz in a parsed page, check it (diagnostics at the
 * author's file:line:col), append it to page->quizzes and replace its
 * nodes by one custom block holding the quiz HTML.  opts are the
 * cmark render options of the page.  A quiz with errors is left as it
 * was.  Returns -1 after reporting errors.
 */
int
quiz_extract(struct page *pg, cmark_node *doc, int opts)
{
	cmark_iter	*it;
	cmark_event_type ev;
	cmark_node	*n, **dirs = NULL;
	struct quiz	*q;
	size_t		 ndirs = 0, i, k, first;
	int		 rc = 0;

	opts &= ~CMARK_OPT_SOURCEPOS;
	it = cmark_iter_new(doc);
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		n = cmark_iter_get_node(it);
		if (ev == CMARK_EVENT_ENTER && quiz_is_directive(n)) {
			dirs = xreallocarray(dirs, ndirs + 1, sizeof(*dirs));
			dirs[ndirs++] = n;
		}
	}
	cmark_iter_free(it);
	/*
	 * Last first: a quiz's nodes all come after its directive, so
	 * a directive not yet handled is never freed with them (one
	 * nested in another quiz's option, say).  The page keeps them in
	 * document order.
	 */
	first = pg->nquizzes;
	for (i = ndirs; i > 0; i--)
		if (one(pg, dirs[i - 1], opts) == -1)
			rc = -1;
	for (i = first, k = pg->nquizzes; i + 1 < k; i++, k--) {
		q = pg->quizzes[i];
		pg->quizzes[i] = pg->quizzes[k - 1];
		pg->quizzes[k - 1] = q;
	}
	for (i = first; i < pg->nquizzes; i++)
		pg->quizzes[i]->statesize = quiz_state_size(pg->quizzes[i]);
	free(dirs);
	return rc;
}

/* ---- the course ------------------------------------------------- */

static int
byid(const void *a, const void *b)
{
	const struct quiz *x = *(struct quiz *const *)a;
	const struct quiz *y = *(struct quiz *const *)b;
	int		 c;

	if ((c = strcmp(x->id, y->id)) != 0)
		return c;
	if (x->page->index != y->page->index)
		return x->page->index < y->page->index ? -1 : 1;
	return x->pos.line < y->pos.line ? -1 : x->pos.line > y->pos.line;
}

static int
duplicates(struct course *c)
{
	struct quiz	**all = NULL, *q, *p;
	size_t		 n = 0, i, k;
	int		 rc = 0;

	for (i = 0; i < c->npages; i++)
		for (k = 0; k < c->pages[i]->nquizzes; k++) {
			all = xreallocarray(all, n + 1, sizeof(*all));
			all[n++] = c->pages[i]->quizzes[k];
		}
	if (n > 1)
		qsort(all, n, sizeof(*all), byid);
	for (i = 1, k = 0; i < n; i++) {
		p = all[k];
		q = all[i];
		if (strcmp(p->id, q->id) != 0) {
			k = i;
			continue;
		}
		rc = diag_err(&q->pos, "duplicate quiz id '%s' (first at "
		    "%s:%u)%s", q->id, p->pos.file, p->pos.line,
		    q->autoid || p->autoid ? ": the id comes from the "
		    "heading, set id=... on the directive" : "");
	}
	free(all);
	return rc;
}

/* Sum of the points of a page's scored questions. */
static long
scored(const struct page *pg)
{
	size_t	 i;
	long	 sum = 0;

	for (i = 0; i < pg->nquizzes; i++)
		if (pg->quizzes[i]->type != QUIZ_REFLECT)
			sum += pg->quizzes[i]->points;
	return sum;
}

static int
assessments(struct module *m)
{
	struct page	*first = NULL, *l;
	size_t		 i;
	int		 rc = 0;

	for (i = 0; i < m->nlessons; i++) {
		l = m->lessons[i];
		if (!l->assessment)
			continue;
		if (first != NULL) {
			rc = diag_err(&l->assesspos, "second assessment lesson in module "
			    "'%s' (the first is %s): a module has one graded "
			    "assessment", m->page.title ? m->page.title : "",
			    first->src);
			continue;
		}
		first = l;
		if (scored(l) == 0)
			rc = diag_err(&l->assesspos, "assessment lesson has no "
			    "scored question: its pass mark cannot be reached");
		if (m->assess.set && (m->assess.pass < 0 ||
		    m->assess.pass > 100))
			rc = diag_err(&m->page.assesspos, "pass mark %ld%% "
			    "cannot be reached", m->assess.pass);
	}
	if (first == NULL && m->assess.set)
		diag_warn(&m->page.assesspos, "module has assessment settings "
		    "but no lesson with 'assessment: true'");
	return rc;
}

/*
 * Checks across the course, after every page's quiz_extract():
 * duplicate ids, one assessment lesson per module whose pass mark can
 * be reached.  Reports diagnostics; returns -1 after errors.
 */
int
quiz_check_course(struct course *c)
{
	size_t	 i;
	int	 rc = 0;

	if (duplicates(c) == -1)
		rc = -1;
	for (i = 0; i < c->nmodules; i++)
		if (assessments(c->modules[i]) == -1)
			rc = -1;
	return rc;
}

static size_t
digits(size_t v)
{
	size_t	 n = 1;

	while (v >= 10) {
		v /= 10;
		n++;
	}
	return n;
}

/*
 * Worst-case characters of this quiz's answer in suspend_data: the
 * response string (themes/default/README.md), text once since scorm.js
 * stores it verbatim after its length, plus the correct flag and up to three
 * digits of tries with their separators.  The id and the separators
 * around the entry are scorm_state_budget()'s.
 */
size_t
quiz_state_size(const struct quiz *q)
{
	size_t	 n = 6, i, nr, *first, *pairs;

	switch (q->type) {
	case QUIZ_SINGLE:
	case QUIZ_TF:
		n += digits(q->nopts ? q->nopts - 1 : 0);
		break;
	case QUIZ_MULTI:
	case QUIZ_ORDER:
		for (i = 0; i < q->nopts; i++)
			n += digits(i) + (i ? 1 : 0);
		break;
	case QUIZ_MATCH:
		if (q->nopts == 0)
			break;
		first = xcalloc(q->nopts, sizeof(*first));
		pairs = xcalloc(q->nopts, sizeof(*pairs));
		nr = rights(q, first, pairs);
		n += q->nopts * (digits(nr ? nr - 1 : 0) + 1) - 1;
		free(first);
		free(pairs);
		break;
	case QUIZ_SHORT:
	case QUIZ_REFLECT:
		n += (size_t)q->maxlength;
		break;
	}
	return n;
}
