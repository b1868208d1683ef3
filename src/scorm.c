/*
 * SCORM packages of a built course: SCORM 1.2 and SCORM 2004 4th
 * Edition, one package for the whole course and/or one per module.
 *
 * Each package is a single SCO (research/scorm.md, point 2): the zip
 * holds every file of the built course, the launch page scorm.html
 * (rendered from the theme; it keeps the LMS session and shows the
 * pages in an iframe, see assets/scorm.js) and imsmanifest.xml.  With
 * --schemas, the XSDs the manifest names in xsi:schemaLocation, and
 * what they include, are placed at the zip root as ADL's validator
 * demands, and libxml2 validates the manifest against them.
 *
 * Identifiers are derived from the course id, version and module slug
 * only, so rebuilding a course gives the same manifest and, through
 * pack_zip, the same bytes.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>
#include <libxml/parser.h>
#include <libxml/xmlschemas.h>
#include <libxml/schematron.h>

#include "extern.h"
#include "libs.h"

#define LIMIT12		4096u	/* cmi.suspend_data, SCORM 1.2 */
#define LIMIT2004	64000u	/* cmi.suspend_data, SCORM 2004 */
#define MAXTRIES	999	/* scorm.js caps try and attempt counters */

/* One version's namespaces and the schema files that declare them. */
struct nsdecl {
	const char	*prefix;	/* NULL: the default namespace */
	const char	*uri;
	const char	*xsd;	/* in xsi:schemaLocation, or NULL */
};

static const struct nsdecl ns12[] = {
	{ NULL, "http://www.imsproject.org/xsd/imscp_rootv1p1p2",
	    "imscp_rootv1p1p2.xsd" },
	{ "adlcp", "http://www.adlnet.org/xsd/adlcp_rootv1p2",
	    "adlcp_rootv1p2.xsd" },
	/* Not used, but named like ADL's and Rustici's 1.2 packages. */
	{ NULL, "http://www.imsglobal.org/xsd/imsmd_rootv1p2p1",
	    "imsmd_rootv1p2p1.xsd" },
	{ NULL, NULL, NULL }
};

static const struct nsdecl ns2004[] = {
	{ NULL, "http://www.imsglobal.org/xsd/imscp_v1p1", "imscp_v1p1.xsd" },
	{ "adlcp", "http://www.adlnet.org/xsd/adlcp_v1p3", "adlcp_v1p3.xsd" },
	{ "adlseq", "http://www.adlnet.org/xsd/adlseq_v1p3",
	    "adlseq_v1p3.xsd" },
	{ "adlnav", "http://www.adlnet.org/xsd/adlnav_v1p3",
	    "adlnav_v1p3.xsd" },
	{ "imsss", "http://www.imsglobal.org/xsd/imsss", "imsss_v1p0.xsd" },
	{ NULL, NULL, NULL }
};

/* What one package covers: the course, or one module of it. */
struct scope {
	const struct module	*mod;	/* NULL: the whole course */
	long			 pass;	/* pass mark in %, -1: ungraded */
};

/*
 * A file to zip (name relative to the zip): bytes in memory, or the
 * path of a file of the built site, streamed in when the zip is written.
 */
struct file {
	char		*name;
	char		*data;
	size_t		 len;
	char		*path;
	uint64_t	 hash;	/* of the bytes */
	int		 kept;	/* as the last build left it */
};

struct files {
	struct file	*v;
	size_t		 n, cap;
};

static void
files_add(struct files *fl, char *name, char *data, size_t len)
{
	if (fl->n == fl->cap) {
		fl->cap = fl->cap ? fl->cap * 2 : 64;
		fl->v = xreallocarray(fl->v, fl->cap, sizeof(*fl->v));
	}
	fl->v[fl->n].name = name;
	fl->v[fl->n].data = data;
	fl->v[fl->n].len = len;
	fl->v[fl->n].path = NULL;
	fl->v[fl->n].hash = data != NULL ? hash_bytes(data, len) : 0;
	fl->v[fl->n].kept = 0;
	fl->n++;
}

static int
files_has(const struct files *fl, const char *name)
{
	size_t	 i;

	for (i = 0; i < fl->n; i++)
		if (strcmp(fl->v[i].name, name) == 0)
			return 1;
	return 0;
}

static void
files_free(struct files *fl)
{
	size_t	 i;

	for (i = 0; i < fl->n; i++) {
		free(fl->v[i].name);
		free(fl->v[i].data);
		free(fl->v[i].path);
	}
	free(fl->v);
	fl->v = NULL;
	fl->n = fl->cap = 0;
}

static int
filecmp(const void *a, const void *b)
{
	return strcmp(((const struct file *)a)->name,
	    ((const struct file *)b)->name);
}

/* Suspend data budget -------------------------------------------------- */

static size_t
digits(unsigned long v)
{
	size_t	 n = 1;

	while (v >= 10) {
		v /= 10;
		n++;
	}
	return n;
}

/* Length of s once scorm.js has backslash-escaped \ | : ; in it. */
static size_t
esclen(const char *s)
{
	size_t	 n = 0;

	for (; *s != '\0'; s++)
		n += strchr("\\|:;", *s) != NULL ? 2 : 1;
	return n;
}

static int
in_scope(const struct page *p, const struct module *m)
{
	return m == NULL || p->module == m;
}

/* Sum of the points of the graded quizzes of a module. */
static unsigned long
module_max(const struct module *m)
{
	unsigned long	 max = 0;
	size_t		 i, j;

	for (i = 0; i < m->nlessons; i++)
		for (j = 0; j < m->lessons[i]->nquizzes; j++)
			if (m->lessons[i]->quizzes[j]->graded &&
			    m->lessons[i]->quizzes[j]->points > 0)
				max += (unsigned long)
				    m->lessons[i]->quizzes[j]->points;
	return max;
}

/*
 * Worst-case suspend_data for the pages of module m (all pages when m
 * is NULL), in scorm.js's encoding (themes/default/README.md,
 * "suspend_data"):
 *
 *	1|<seen>|<loc>|<id>:<k>:<n>:<len>:<r>;...|<mod>:<n>:<s>:<m>:<p>;...
 *
 * seen is a base64url bitset of every page of the course (6 pages a
 * character), loc a page index, r a response of len characters (taken
 * verbatim, so never escaped), s a score with at most 2 decimals.
 * q->statesize (quiz_state_size()) gives the worst case of "<k>:<n>:<r>".
 */
static size_t
budget(const struct course *c, const struct module *m)
{
	const struct page	*p;
	const struct quiz	*q;
	size_t			 n, i, j, r;

	n = 2;					/* "1|" */
	n += (c->npages + 5) / 6 + 1;		/* seen "|" */
	n += digits(c->npages) + 1;		/* loc "|" */
	for (i = 0; i < c->npages; i++) {
		p = c->pages[i];
		if (!in_scope(p, m))
			continue;
		for (j = 0; j < p->nquizzes; j++) {
			q = p->quizzes[j];
			/*
			 * quiz.c counts <k>:<n>:<r> with n up to 3 digits
			 * (MAXTRIES) and r's text once, as stored: add
			 * "<id>:", "<len>:" and ";".
			 */
			r = q->statesize;
			n += esclen(q->id) + 1 + digits(r) + 1 + r + 1;
		}
	}
	n += 1;					/* "|" */
	for (i = 0; i < c->nmodules; i++) {
		const struct module *mod = c->modules[i];
		unsigned long max;

		if (!mod->assess.set || (m != NULL && mod != m))
			continue;
		max = module_max(mod);
		n += digits(i) + 1 + digits(MAXTRIES) + 1 +
		    digits(max) + 3 + 1 + digits(max) + 1 + 1 + 1;
	}
	return n;
}

/*
 * Worst-case length of the course's suspend_data in scorm.js's
 * encoding, for a package of the whole course.  Reports nothing.
 */
size_t
scorm_state_budget(const struct course *c)
{
	return budget(c, NULL);
}

/* Manifest ------------------------------------------------------------- */

/* A valid xs:ID from parts: [A-Za-z0-9_.-], anything else becomes '-'. */
static char *
ident(const char *prefix, const char *id, const char *version,
    const char *slug)
{
	struct buf	 b = BUF_INIT;
	const char	*parts[3], *s;
	size_t		 i;

	buf_puts(&b, prefix);	/* starts with a letter */
	parts[0] = id;
	parts[1] = version;
	parts[2] = slug;
	for (i = 0; i < 3; i++) {
		if (parts[i] == NULL || parts[i][0] == '\0')
			continue;
		buf_putc(&b, '-');
		for (s = parts[i]; *s != '\0'; s++)
			if ((*s >= 'a' && *s <= 'z') ||
			    (*s >= 'A' && *s <= 'Z') ||
			    (*s >= '0' && *s <= '9') ||
			    *s == '_' || *s == '.' || *s == '-')
				buf_putc(&b, *s);
			else
				buf_putc(&b, '-');
	}
	return buf_detach(&b, NULL);
}

/*
 * A file name as a relative URI reference: bytes outside RFC 3986's
 * unreserved and path sets are percent-encoded (':' too, so that a
 * first segment never reads as a scheme).
 */
static char *
href(const char *name)
{
	struct buf	 b = BUF_INIT;
	const unsigned char *s;

	for (s = (const unsigned char *)name; *s != '\0'; s++)
		if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || strchr("-._~/!$&'()*+,;=@",
		    *s) != NULL)
			buf_putc(&b, *s);
		else
			buf_printf(&b, "%%%02X", *s);
	return buf_detach(&b, NULL);
}

/* A module's slug names its package and identifiers. */
static const char *
modslug(const struct module *m)
{
	return m->page.slug != NULL && m->page.slug[0] != '\0' ?
	    m->page.slug : "module";
}

static const char *
title_of(const struct course *c, const struct scope *sc)
{
	return sc->mod ? sc->mod->page.title : c->page.title;
}

/*
 * XML text and attribute values, escaped as libxml2's xmlTextWriter
 * escapes them, so that manifests keep their bytes.
 */
static void
xml_esc(struct buf *b, const char *s, int attr)
{
	for (; *s != '\0'; s++)
		switch (*s) {
		case '<':
			buf_puts(b, "&lt;");
			break;
		case '>':
			buf_puts(b, "&gt;");
			break;
		case '&':
			buf_puts(b, "&amp;");
			break;
		case '"':
			buf_puts(b, "&quot;");
			break;
		case '\r':
			buf_puts(b, "&#13;");
			break;
		case '\n':
		case '\t':
			if (attr) {
				buf_printf(b, "&#%d;", *s);
				break;
			}
			/* FALLTHROUGH */
		default:
			buf_putc(b, *s);
			break;
		}
}

/* name="value" after a start tag's name. */
static void
xml_attr(struct buf *b, const char *name, const char *value)
{
	buf_printf(b, " %s=\"", name);
	xml_esc(b, value, 1);
	buf_putc(b, '"');
}

/* <name>text</name> on a line of its own, depth levels in. */
static void
xml_elem(struct buf *b, int depth, const char *name, const char *text)
{
	buf_printf(b, "%*s<%s>", depth * 2, "", name);
	xml_esc(b, text, 0);
	buf_printf(b, "</%s>\n", name);
}

static void
xml_comment(struct buf *b, int depth, const char *text)
{
	buf_printf(b, "%*s<!--%s-->\n", depth * 2, "", text);
}

static void
xw_start(struct buf *b, const struct nsdecl *ns, const char *id,
    const char *version)
{
	struct buf	 loc = BUF_INIT;
	size_t		 i;
	char		*name;

	buf_puts(b, "<manifest");
	xml_attr(b, "identifier", id);
	xml_attr(b, "version", version);
	for (i = 0; ns[i].uri != NULL; i++) {
		if (i == 0 || ns[i].prefix != NULL) {
			name = ns[i].prefix ? xasprintf("xmlns:%s",
			    ns[i].prefix) : xstrdup("xmlns");
			xml_attr(b, name, ns[i].uri);
			free(name);
		}
		if (ns[i].xsd != NULL)
			buf_printf(&loc, "%s%s %s", loc.len ? " " : "",
			    ns[i].uri, ns[i].xsd);
	}
	xml_attr(b, "xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance");
	xml_attr(b, "xsi:schemaLocation", loc.data);
	buf_puts(b, ">\n");
	buf_release(&loc);
}

static void
xw_metadata(struct buf *b, const char *schemaversion)
{
	buf_puts(b, "  <metadata>\n");
	xml_elem(b, 2, "schema", "ADL SCORM");
	xml_elem(b, 2, "schemaversion", schemaversion);
	buf_puts(b, "  </metadata>\n");
}

/* resource with every file of the zip but the control documents. */
static void
xw_resources(struct buf *b, int v2004, const char *resid,
    const struct files *content)
{
	size_t	 i;
	char	*h;

	buf_puts(b, "  <resources>\n    <resource");
	xml_attr(b, "identifier", resid);
	xml_attr(b, "type", "webcontent");
	xml_attr(b, v2004 ? "adlcp:scormType" : "adlcp:scormtype", "sco");
	xml_attr(b, "href", "scorm.html");
	buf_puts(b, ">\n");
	for (i = 0; i < content->n; i++) {
		h = href(content->v[i].name);
		buf_puts(b, "      <file");
		xml_attr(b, "href", h);
		buf_puts(b, "/>\n");
		free(h);
	}
	buf_puts(b, "    </resource>\n  </resources>\n");
}

/* The SCORM 2004 sequencing and presentation of the one item. */
static void
xw_seq2004(struct buf *b, const struct scope *sc)
{
	char	 num[32];

	buf_puts(b, "        <imsss:sequencing>\n");
	if (sc->pass >= 0) {
		xml_comment(b, 5, " pass mark: the LMS compares "
		    "cmi.score.scaled with it ");
		buf_puts(b, "          <imsss:objectives>\n"
		    "            <imsss:primaryObjective");
		xml_attr(b, "objectiveID", "PRIMARY-OBJ");
		xml_attr(b, "satisfiedByMeasure", "true");
		buf_puts(b, ">\n");
		snprintf(num, sizeof(num), "%ld.%02ld", sc->pass / 100,
		    sc->pass % 100);
		xml_elem(b, 7, "imsss:minNormalizedMeasure", num);
		buf_puts(b, "            </imsss:primaryObjective>\n"
		    "          </imsss:objectives>\n");
	}
	buf_puts(b, "          <imsss:deliveryControls");
	xml_attr(b, "completionSetByContent", "true");
	xml_attr(b, "objectiveSetByContent", "true");
	buf_puts(b, "/>\n        </imsss:sequencing>\n");
	xml_comment(b, 4, " presentation: hide nothing. The LMS keeps its "
	    "own navigation and exit controls; scorm.html adds an Exit "
	    "button of its own ");
	buf_puts(b, "        <adlnav:presentation>\n"
	    "          <adlnav:navigationInterface/>\n"
	    "        </adlnav:presentation>\n");
}

/*
 * The imsmanifest.xml of one package into *out (the caller frees);
 * content is the sorted list of the zip's files but the control
 * documents.
 */
static void
manifest(const struct course *c, const struct scope *sc, int v2004,
    const struct files *content, char **out, size_t *outlen)
{
	struct buf	 b = BUF_INIT;
	const char	*slug = sc->mod ? modslug(sc->mod) : NULL;
	const char	*title = title_of(c, sc);
	char		*mid, *oid, *iid, *rid;
	char		 num[32];

	mid = ident("MANIFEST", c->id, c->version, slug);
	oid = ident("ORG", c->id, NULL, slug);
	iid = ident("ITEM", c->id, NULL, slug);
	rid = ident("RES", c->id, NULL, slug);
	buf_puts(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	xml_comment(&b, 0, v2004 ?
	    " SCORM 2004 4th Edition package written by binome: one SCO,"
	    " navigation inside it " :
	    " SCORM 1.2 package written by binome: one SCO, navigation"
	    " inside it ");
	xw_start(&b, v2004 ? ns2004 : ns12, mid, c->version);
	xw_metadata(&b, v2004 ? "2004 4th Edition" : "1.2");

	buf_puts(&b, "  <organizations");
	xml_attr(&b, "default", oid);
	buf_puts(&b, ">\n    <organization");
	xml_attr(&b, "identifier", oid);
	buf_puts(&b, ">\n");
	xml_elem(&b, 3, "title", title);
	buf_puts(&b, "      <item");
	xml_attr(&b, "identifier", iid);
	xml_attr(&b, "identifierref", rid);
	if (!v2004)
		xml_attr(&b, "isvisible", "true");
	buf_puts(&b, ">\n");
	xml_elem(&b, 4, "title", title);
	if (v2004)
		xw_seq2004(&b, sc);
	else if (sc->pass >= 0) {
		xml_comment(&b, 4, " scorm.html always sends "
		    "cmi.core.score.raw, and sets passed/failed by the "
		    "same mark ");
		snprintf(num, sizeof(num), "%ld", sc->pass);
		xml_elem(&b, 4, "adlcp:masteryscore", num);
	}
	buf_puts(&b, "      </item>\n    </organization>\n"
	    "  </organizations>\n");
	xw_resources(&b, v2004, rid, content);
	buf_puts(&b, "</manifest>\n");
	*out = buf_detach(&b, outlen);
	free(mid);
	free(oid);
	free(iid);
	free(rid);
}

/* Schemas -------------------------------------------------------------- */

/* A local file name: no directory, no scheme, not empty. */
static int
localname(const char *s)
{
	return s != NULL && *s != '\0' && strchr(s, '/') == NULL &&
	    strchr(s, ':') == NULL && strchr(s, '\\') == NULL &&
	    strcmp(s, ".") != 0 && strcmp(s, "..") != 0;
}

static int add_schema(struct files *, const char *, const char *);

/* An attribute's value as the parser left it: one text node. */
static const char *
attr(xmlNodePtr n, const char *name)
{
	xmlAttrPtr	 a;

	for (a = n->properties; a != NULL; a = a->next)
		if (strcmp((const char *)a->name, name) == 0)
			return a->children != NULL &&
			    a->children->type == XML_TEXT_NODE &&
			    a->children->next == NULL ?
			    (const char *)a->children->content : NULL;
	return NULL;
}

/* Follow xs:include/import/redefine and a DOCTYPE's system id. */
static int
schema_refs(struct files *fl, const char *dir, xmlNodePtr n)
{
	const char	*name, *loc;
	int		 rc = 0;

	for (; n != NULL && rc == 0; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		name = (const char *)n->name;
		if (strcmp(name, "include") == 0 ||
		    strcmp(name, "import") == 0 ||
		    strcmp(name, "redefine") == 0) {
			loc = attr(n, "schemaLocation");
			if (localname(loc))
				rc = add_schema(fl, dir, loc);
		}
		if (rc == 0)
			rc = schema_refs(fl, dir, n->children);
	}
	return rc;
}

/* The quoted "*.dtd" names a DTD refers to (XMLSchema.dtd's entities). */
static int
dtd_refs(struct files *fl, const char *dir, const char *s, size_t len)
{
	const char	*e = s + len, *q, *end;
	char		*name;
	int		 rc = 0;

	for (q = s; q < e && rc == 0; q++) {
		if (*q != '"' && *q != '\'')
			continue;
		if ((end = memchr(q + 1, *q, (size_t)(e - q - 1))) == NULL)
			break;
		name = xstrndup(q + 1, (size_t)(end - q - 1));
		if (strlen(name) > 4 &&
		    strcmp(name + strlen(name) - 4, ".dtd") == 0 &&
		    localname(name)) {
			char *path = fs_join(dir, name);

			if (fs_isfile(path))
				rc = add_schema(fl, dir, name);
			free(path);
		}
		free(name);
		q = end;
	}
	return rc;
}

/*
 * Add dir/name and every local schema or DTD it refers to (once).
 * Returns -1 after reporting an error.
 */
static int
add_schema(struct files *fl, const char *dir, const char *name)
{
	char		*path, *data;
	size_t		 len;
	xmlDocPtr	 doc;
	int		 rc = 0;

	if (files_has(fl, name))
		return 0;
	path = fs_join(dir, name);
	if (fs_read(path, &data, &len) == -1) {
		free(path);
		return -1;
	}
	free(path);
	files_add(fl, xstrdup(name), data, len);
	if (len > 4 && strcmp(name + strlen(name) - 4, ".dtd") == 0)
		return dtd_refs(fl, dir, data, len);
	doc = xmlReadMemory(data, (int)len, name, NULL,
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (doc == NULL) {
		struct pos p = { name, 0, 0 };

		return diag_err(&p, "cannot parse schema in '%s'", dir);
	}
	if (doc->intSubset != NULL &&
	    localname((const char *)doc->intSubset->SystemID)) {
		char *dtd = fs_join(dir,
		    (const char *)doc->intSubset->SystemID);

		if (fs_isfile(dtd))
			rc = add_schema(fl, dir,
			    (const char *)doc->intSubset->SystemID);
		free(dtd);
	}
	if (rc == 0)
		rc = schema_refs(fl, dir, xmlDocGetRootElement(doc));
	xmlFreeDoc(doc);
	return rc;
}

/* The control documents of one version, read from opts->schemas. */
static int
load_schemas(struct files *fl, const char *schemas, int v2004)
{
	const struct nsdecl	*ns = v2004 ? ns2004 : ns12;
	char			*dir;
	size_t			 i;
	int			 rc = 0;

	if (lib_load(LIB_XML) == -1)
		return -1;
	dir = fs_join(schemas, v2004 ? "scorm2004-4th" : "scorm12");
	for (i = 0; ns[i].uri != NULL && rc == 0; i++)
		if (ns[i].xsd != NULL)
			rc = add_schema(fl, dir, ns[i].xsd);
	free(dir);
	return rc;
}

/* Course files --------------------------------------------------------- */

/* Launch page ---------------------------------------------------------- */

/* First page href of the scope, and its allowed page list ("" = all). */
static void
scope_pages(const struct course *c, const struct scope *sc,
    struct buf *pages, const char **start)
{
	size_t	 i;

	*start = c->npages ? c->pages[0]->out : "index.html";
	if (sc->mod == NULL)
		return;
	*start = sc->mod->page.out;
	buf_printf(pages, "%zu", sc->mod->page.index);
	for (i = 0; i < sc->mod->nlessons; i++)
		buf_printf(pages, ",%zu", sc->mod->lessons[i]->index);
}

/*
 * Render the theme's scorm.html for one package.  The template data
 * is documented in themes/default/README.md ("scorm.html").
 */
static int
launch_page(const struct course *c, struct theme *th, const struct scope *sc,
    int v2004, char **out, size_t *outlen)
{
	const struct tmpl	*t;
	const struct tval	*i18n;
	struct tval		*root, *m;
	struct buf		 b = BUF_INIT, pages = BUF_INIT;
	const char		*start;
	size_t			 i;
	int			 rc;

	if ((t = theme_tmpl(th, "scorm.html")) == NULL)
		return -1;
	scope_pages(c, sc, &pages, &start);
	root = tv_map(NULL, NULL);
	tv_str(root, "lang", c->lang);
	tv_str(root, "title", title_of(c, sc));
	tv_str(root, "assets", "assets/");
	tv_str(root, "scorm", v2004 ? "2004" : "1.2");
	tv_bool(root, "scorm12", !v2004);
	tv_bool(root, "scorm2004", v2004);
	tv_str(root, "start", start);
	tv_str(root, "pages", pages.data);
	if (sc->mod != NULL)
		tv_int(root, "module", (long)sc->mod->index);
	else
		tv_str(root, "module", "");
	if (sc->pass >= 0)
		tv_int(root, "pass", sc->pass);
	else
		tv_str(root, "pass", "");
	tv_int(root, "limit", v2004 ? LIMIT2004 : LIMIT12);
	m = tv_map(root, "course");
	tv_str(m, "id", c->id);
	tv_str(m, "version", c->version);
	tv_str(m, "title", c->page.title);
	m = tv_map(root, "i18n");
	i18n = theme_i18n(th);
	for (i = 0; i18n != NULL && i < i18n->nkids; i++)
		if (i18n->kids[i].type == TV_STR)
			tv_strn(m, i18n->kids[i].key, i18n->kids[i].str,
			    i18n->kids[i].len);
	rc = tmpl_render(t, &b, root);
	tv_release(root);
	free(root);
	buf_release(&pages);
	if (rc == -1) {
		buf_release(&b);
		return -1;
	}
	*out = buf_detach(&b, outlen);
	return 0;
}

/* Packages ------------------------------------------------------------- */

static int
check_budget(const struct course *c, const struct scope *sc, int targets)
{
	struct pos	 p = { c->page.src, 1, 1 };
	size_t		 n = budget(c, sc->mod);
	const char	*what = sc->mod ? "a module package" : "the course";

	if ((targets & TARGET_SCORM12) && n > LIMIT12)
		return diag_err(&p, "worst-case suspend_data of %s is %zu "
		    "characters, over SCORM 1.2's %u: lower the maxlength "
		    "of 'reflect' and 'short' quizzes, use fewer quizzes, "
		    "set 'package: module', or set 'targets: scorm2004'",
		    what, n, LIMIT12);
	if ((targets & TARGET_SCORM2004) && n > LIMIT2004)
		return diag_err(&p, "worst-case suspend_data of %s is %zu "
		    "characters, over SCORM 2004's %u: lower the maxlength "
		    "of 'reflect' and 'short' quizzes, use fewer quizzes, "
		    "or set 'package: module'", what, n, LIMIT2004);
	return 0;
}

/* Pass mark of a scope: -1 when no graded assessment is in it. */
static long
scope_pass(const struct course *c, const struct module *m)
{
	size_t	 i;

	if (m != NULL)
		return m->assess.set ? (m->assess.pass > 0 ?
		    m->assess.pass : c->pass) : -1;
	for (i = 0; i < c->nmodules; i++)
		if (c->modules[i]->assess.set)
			return c->pass;
	return -1;
}

struct xmlerrs {
	const struct course	*c;
	const char		*what;
	int			 n;
};

/* libxml2's validation errors, as our diagnostics (the first few). */
static void
xmlerr(void *arg, xmlErrorPtr e)
{
	struct xmlerrs	*x = arg;
	struct pos	 p = { x->c->page.src, 1, 1 };
	char		*msg;
	size_t		 len;

	if (e == NULL || e->level < XML_ERR_ERROR || x->n++ >= 5)
		return;
	msg = xstrdup(e->message != NULL ? e->message : "invalid");
	len = strlen(msg);
	while (len > 0 && (msg[len - 1] == '\n' || msg[len - 1] == ' '))
		msg[--len] = '\0';
	diag_err(&p, "the generated %s manifest is invalid (line %d): %s",
	    x->what, e->line, msg);
	free(msg);
}

/*
 * With --schemas, check a generated manifest against the official XSD
 * (through the kit's wrapper) and the kit's Schematron rules, as the
 * tests do with xmllint.  An error here is a bug of binome's, but a
 * trainer learns it before an LMS does.
 */
static int
validate(const struct course *c, const char *schemas, int v2004,
    const char *xml, size_t len)
{
	struct xmlerrs		 x = { c, v2004 ? "SCORM 2004" : "SCORM 1.2", 0 };
	xmlSchemaParserCtxtPtr	 pc;
	xmlSchemaPtr		 schema = NULL;
	xmlSchemaValidCtxtPtr	 vc;
	xmlSchematronParserCtxtPtr spc;
	xmlSchematronPtr	 sch = NULL;
	xmlSchematronValidCtxtPtr svc;
	xmlDocPtr		 doc;
	char			*xsd, *rules;
	struct pos		 p = { c->page.src, 1, 1 };
	int			 rc = 0;

	if (lib_load(LIB_XML) == -1)
		return -1;
	xsd = fs_join(schemas, v2004 ?
	    "scorm2004-4th/scorm2004_4th_manifest.xsd" :
	    "scorm12/scorm12_manifest.xsd");
	rules = fs_join(schemas, v2004 ? "checks/scorm2004-rules.sch" :
	    "checks/scorm12-rules.sch");
	doc = xmlReadMemory(xml, (int)len, "imsmanifest.xml", "UTF-8",
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (doc == NULL) {
		rc = diag_err(&p, "the generated manifest is not well formed");
		goto out;
	}
	xmlSetStructuredErrorFunc(&x, xmlerr);
	if ((pc = xmlSchemaNewParserCtxt(xsd)) != NULL) {
		schema = xmlSchemaParse(pc);
		xmlSchemaFreeParserCtxt(pc);
	}
	if (schema == NULL)
		rc = diag_err(&p, "--schemas: cannot load %s", xsd);
	else if ((vc = xmlSchemaNewValidCtxt(schema)) != NULL) {
		xmlSchemaSetValidStructuredErrors(vc, xmlerr, &x);
		if (xmlSchemaValidateDoc(vc, doc) != 0 && x.n == 0)
			diag_err(&p, "the generated %s manifest does not "
			    "match %s", x.what, xsd);
		if (x.n)
			rc = -1;
		xmlSchemaFreeValidCtxt(vc);
	}
	if (fs_isfile(rules) &&
	    (spc = xmlSchematronNewParserCtxt(rules)) != NULL) {
		sch = xmlSchematronParse(spc);
		xmlSchematronFreeParserCtxt(spc);
	}
	if (sch != NULL &&
	    (svc = xmlSchematronNewValidCtxt(sch,
	    XML_SCHEMATRON_OUT_QUIET)) != NULL) {
		if (xmlSchematronValidateDoc(svc, doc) != 0)
			rc = diag_err(&p, "the generated %s manifest breaks "
			    "the rules of %s", x.what, rules);
		xmlSchematronFreeValidCtxt(svc);
	}
	xmlSetStructuredErrorFunc(NULL, NULL);
	xmlSchematronFree(sch);
	xmlSchemaFree(schema);
	xmlFreeDoc(doc);
out:
	free(xsd);
	free(rules);
	return rc;
}

/* Cornerstone asks for packages of at most 250 MB; most LMSs cap too. */
#define PACKAGE_WARN	(250u * 1000 * 1000)

/* What a zip is made of, hashed: the same key, the same bytes. */
static uint64_t
zipkey(const struct files *content, const struct files *xsd,
    const char *xml, size_t xmllen)
{
	struct hash	 h;
	uint64_t	 v[2];
	size_t		 i;

	hash_init(&h);
	for (i = 0; i < content->n; i++) {
		hash_add(&h, content->v[i].name,
		    strlen(content->v[i].name) + 1);
		v[0] = content->v[i].hash;
		v[1] = content->v[i].len;
		hash_add(&h, v, sizeof(v));
	}
	for (i = 0; i < xsd->n; i++) {
		hash_add(&h, xsd->v[i].name, strlen(xsd->v[i].name) + 1);
		hash_add(&h, xsd->v[i].data, xsd->v[i].len);
	}
	hash_add(&h, xml, xmllen);
	return hash_end(&h);
}

/* The name of the zip of module mod (NULL: the course). */
static char *
zipname(const struct course *c, const struct module *mod, int v2004)
{
	if (mod != NULL)
		return xasprintf("%s-%s-%s-%s.zip", c->id, c->version,
		    modslug(mod), v2004 ? "scorm2004" : "scorm12");
	return xasprintf("%s-%s-%s.zip", c->id, c->version,
	    v2004 ? "scorm2004" : "scorm12");
}

static void
sizewarn(const struct course *c, const char *name, const struct stat *st)
{
	struct pos	 p = { c->page.src, 1, 1 };

	if ((uintmax_t)st->st_size > PACKAGE_WARN)
		diag_warn(&p, "package %s is %ju MB: many LMSs refuse "
		    "packages over 250 MB; move videos out, or set "
		    "'package: module'", name,
		    (uintmax_t)st->st_size / 1000000);
}

/*
 * Write one zip: the site files of the scope (sorted), scorm.html, the
 * manifest and the schemas.  A module package leaves out the pages of
 * other modules (pages maps each page file to its page), whose links
 * the launcher turns into text.  Entries come deflated, when they can,
 * from ref (a package written before by this build) or from the zip of
 * the same name the last build left.  A zip whose inputs did not change
 * is not made again.  Where the zip now is goes to *zippath.
 */
static int
package(const struct course *c, struct theme *th, const struct scope *sc,
    int v2004, const struct files *site, const struct strmap *pages,
    const struct files *xsd, const char *schemas, struct output *w,
    const struct packref *ref, char **zippath)
{
	struct files	 content = { NULL, 0, 0 };
	struct packfile	*pf;
	struct packref	*old = NULL;
	char		*html = NULL, *xml = NULL, *zip = NULL, *name, *rel;
	char		*prev;
	size_t		 htmllen, xmllen, i, n;
	uint64_t	 key;
	long		*pg;
	int		 rc = -1;

	*zippath = NULL;
	if (launch_page(c, th, sc, v2004, &html, &htmllen) == -1)
		return -1;
	/* Borrow the site's files; scorm.html is the only new one. */
	content.v = xcalloc(site->n + 1, sizeof(*content.v));
	for (i = 0; i < site->n; i++) {
		pg = strmap_get(pages, site->v[i].name);
		if (pg == NULL || in_scope(c->pages[*pg], sc->mod))
			content.v[content.n++] = site->v[i];
	}
	content.v[content.n].name = (char *)"scorm.html";
	content.v[content.n].data = html;
	content.v[content.n].len = htmllen;
	content.v[content.n].hash = hash_bytes(html, htmllen);
	content.n++;
	qsort(content.v, content.n, sizeof(*content.v), filecmp);
	manifest(c, sc, v2004, &content, &xml, &xmllen);
	if (schemas != NULL &&
	    validate(c, schemas, v2004, xml, xmllen) == -1)
		goto out;

	name = zipname(c, sc->mod, v2004);
	rel = xasprintf("scorm/%s", name);
	key = zipkey(&content, xsd, xml, xmllen);
	if (output_fresh(w, rel, key)) {
		*zippath = fs_join(w->dir, rel);
		rc = 0;
		goto done;
	}

	n = content.n + 1 + xsd->n;
	pf = xcalloc(n, sizeof(*pf));
	for (i = 0; i < content.n; i++)
		pf[i] = (struct packfile){ content.v[i].name,
		    content.v[i].data, content.v[i].len, content.v[i].path,
		    content.v[i].path != NULL, content.v[i].kept };
	pf[i++] = (struct packfile){ "imsmanifest.xml", xml, xmllen,
	    NULL, 0, 0 };
	for (n = 0; n < xsd->n; n++)
		pf[i++] = (struct packfile){ xsd->v[n].name, xsd->v[n].data,
		    xsd->v[n].len, NULL, 0, 0 };
	if ((prev = output_previous(w, rel)) != NULL) {
		old = pack_ref(prev);
		free(prev);
	}
	zip = output_staged(w, rel);
	rc = pack_zip(zip, pf, i, ref, old);
	pack_ref_free(old);
	if (rc == 0) {
		struct stat st;

		if (stat(zip, &st) == -1)
			rc = diag_sys(zip, "cannot stat");
		else {
			output_staged_done(w, rel, key, (uint64_t)st.st_size);
			sizewarn(c, name, &st);
			*zippath = zip;
			zip = NULL;
		}
	}
	free(zip);
	free(pf);
done:
	free(rel);
	free(name);
out:
	free(content.v);
	free(html);
	free(xml);
	return rc;
}

/* Names the launcher adds at the zip root: the site must not have them. */
static int
check_clash(const struct course *c, const struct files *site,
    const struct files *xsd)
{
	struct pos	 p = { c->page.src, 1, 1 };
	size_t		 i;

	for (i = 0; i < site->n; i++)
		if (strcmp(site->v[i].name, "scorm.html") == 0 ||
		    strcmp(site->v[i].name, "imsmanifest.xml") == 0 ||
		    files_has(xsd, site->v[i].name))
			return diag_err(&p, "the built course has a file "
			    "'%s', which its SCORM packages need for "
			    "themselves", site->v[i].name);
	return 0;
}

/*
 * Write the SCORM packages of a built course, from its site files among
 * w's files (site/<id>/...), into w's scorm/, named
 * <id>-<version>[-<module slug>]-scorm12.zip / -scorm2004.zip.  Targets
 * and package modes come from opts when set, else from the course.
 * Returns -1 after reporting errors.
 */
/* The standards and the scopes c is packaged for. */
static void
packing(const struct course *c, const struct opts *o, int *targets,
    int *mode)
{
	*targets = o->targets ? o->targets : c->targets;
	if (*targets == 0)
		*targets = TARGET_SCORM12;
	*mode = o->packmode ? o->packmode : c->packmode;
	if (*mode == 0)
		*mode = PACK_COURSE;
}

int
scorm_build(struct course *c, struct theme *th, const struct opts *o,
    struct output *w)
{
	struct files	 site = { NULL, 0, 0 }, xsd[2] = { { NULL, 0, 0 },
			    { NULL, 0, 0 } };
	struct scope	 sc;
	struct strmap	 pages = STRMAP_INIT;
	struct packref	*ref = NULL;
	char		*zip, *prefix;
	long		 s;
	int		 targets, mode, v, rc = 0;
	size_t		 i, plen, left;

	packing(c, o, &targets, &mode);
	sc.mod = NULL;
	sc.pass = scope_pass(c, NULL);
	if ((mode & PACK_COURSE) && check_budget(c, &sc, targets) == -1)
		return -1;
	if (mode & PACK_MODULE)
		for (i = 0; i < c->nmodules; i++) {
			sc.mod = c->modules[i];
			if (check_budget(c, &sc, targets) == -1)
				return -1;
		}

	prefix = xasprintf("site/%s/", c->id);
	plen = strlen(prefix);
	for (i = 0; i < w->nfiles; i++) {
		const struct ofile *f = &w->files[i];

		if (strncmp(f->rel, prefix, plen) != 0)
			continue;
		files_add(&site, xstrdup(f->rel + plen), NULL, f->size);
		site.v[site.n - 1].path = output_path(w, f);
		site.v[site.n - 1].hash = f->hash;
		site.v[site.n - 1].kept = !f->changed;
	}
	free(prefix);
	qsort(site.v, site.n, sizeof(*site.v), filecmp);
	for (v = 0; v < 2; v++)
		if (o->schemas != NULL &&
		    (targets & (v ? TARGET_SCORM2004 : TARGET_SCORM12)) &&
		    load_schemas(&xsd[v], o->schemas, v) == -1)
			goto fail;
	for (v = 0; v < 2; v++)
		if (check_clash(c, &site, &xsd[v]) == -1)
			goto fail;
	zip = output_staged(w, "scorm");
	v = fs_mkdirs(zip);
	free(zip);
	if (v == -1)
		goto fail;

	for (i = 0; i < c->npages; i++)
		strmap_put(&pages, c->pages[i]->out, (long)i);
	left = ((mode & PACK_COURSE) ? 1 : 0) +
	    ((mode & PACK_MODULE) ? c->nmodules : 0);
	left *= (size_t)!!(targets & TARGET_SCORM12) +
	    !!(targets & TARGET_SCORM2004);
	/*
	 * Scope by scope, the course first: the first zip is the reference
	 * whose deflated entries every later package copies.
	 */
	for (s = -1; s < (long)c->nmodules; s++) {
		if (s < 0 ? !(mode & PACK_COURSE) : !(mode & PACK_MODULE))
			continue;
		sc.mod = s < 0 ? NULL : c->modules[s];
		sc.pass = scope_pass(c, sc.mod);
		for (v = 0; v < 2; v++) {
			if (!(targets & (v ? TARGET_SCORM2004 :
			    TARGET_SCORM12)))
				continue;
			if (package(c, th, &sc, v, &site, &pages, &xsd[v],
			    o->schemas, w, ref, &zip) == -1)
				goto fail;
			if (ref == NULL && --left > 0)
				ref = pack_ref(zip);
			free(zip);
		}
	}
	goto out;
fail:
	rc = -1;
out:
	pack_ref_free(ref);
	strmap_release(&pages);
	files_free(&site);
	files_free(&xsd[0]);
	files_free(&xsd[1]);
	return rc;
}

/*
 * The packages of a course whose pages site.c patched: their manifests,
 * launchers and lists of files are the last build's, so each is its
 * last zip with the site files this build changed in place of their
 * entries (deflated anew, or taken from the first zip made), the others
 * copied as they are: scorm_build's bytes.  The key kept for a zip is
 * then not zipkey's: the next build that makes the zip whole finds it
 * not fresh, and makes the same bytes again.  Returns 1 when done so;
 * 0 when a zip of the last build is not there to patch (nothing done:
 * scorm_build then); -1 after an error.
 */
int
scorm_patch(struct course *c, const struct opts *o, struct output *w)
{
	const struct ofile *f;
	const struct outrec *r;
	struct packref	**old = NULL, *ref = NULL;
	struct packfile	*ch = NULL;
	struct stat	 st;
	struct hash	 h;
	char		**rels = NULL, *prefix, *name, *zip, *p;
	size_t		 i, j, n = 0, nch = 0, plen;
	long		 s, used;
	int		 targets, mode, v, rc = 1;

	packing(c, o, &targets, &mode);
	for (s = -1; s < (long)c->nmodules; s++) {
		if (s < 0 ? !(mode & PACK_COURSE) : !(mode & PACK_MODULE))
			continue;
		for (v = 0; v < 2; v++) {
			if (!(targets & (v ? TARGET_SCORM2004 :
			    TARGET_SCORM12)))
				continue;
			name = zipname(c, s < 0 ? NULL : c->modules[s], v);
			rels = xreallocarray(rels, n + 1, sizeof(*rels));
			rels[n++] = xconcat("scorm/", name, (char *)NULL);
			free(name);
		}
	}
	/* All there and readable, or none is patched. */
	old = xcalloc(n + 1, sizeof(*old));
	for (i = 0; rc == 1 && i < n; i++) {
		if ((p = output_previous(w, rels[i])) != NULL)
			old[i] = pack_ref(p);
		free(p);
		if (!pack_ref_ok(old[i]))
			rc = 0;
	}
	prefix = xasprintf("site/%s/", c->id);
	plen = strlen(prefix);
	hash_init(&h);
	for (i = 0; rc == 1 && i < w->nfiles; i++) {
		f = &w->files[i];
		if (!f->changed || strncmp(f->rel, prefix, plen) != 0)
			continue;
		ch = xreallocarray(ch, nch + 1, sizeof(*ch));
		ch[nch++] = (struct packfile){ f->rel + plen, NULL, f->size,
		    output_path(w, f), 0, 0 };
		hash_add(&h, f->rel, strlen(f->rel) + 1);
		hash_add(&h, &f->hash, sizeof(f->hash));
	}
	free(prefix);
	if (rc == 1) {
		zip = output_staged(w, "scorm");
		if (fs_mkdirs(zip) == -1)
			rc = -1;
		free(zip);
	}
	for (i = 0; rc == 1 && i < n; i++) {
		zip = output_staged(w, rels[i]);
		if ((used = pack_patch(zip, old[i], ch, nch, ref)) == 0)
			output_keep(w, rels[i]);
		else if (used == -1)
			rc = -1;
		else if (stat(zip, &st) == -1)
			rc = diag_sys(zip, "cannot stat");
		else {
			/* A key of its own: the last one and the changes. */
			struct hash k = h;

			r = state_find(&w->prev, rels[i]);
			hash_add(&k, &r->hash, sizeof(r->hash));
			output_staged_done(w, rels[i], hash_end(&k),
			    (uint64_t)st.st_size);
			sizewarn(c, strchr(rels[i], '/') + 1, &st);
			if (ref == NULL && i + 1 < n) {
				/* Later zips take these entries from it. */
				ref = pack_ref(zip);
				for (j = 0; j < nch; j++)
					ch[j].shared = 1;
			}
		}
		free(zip);
	}
	pack_ref_free(ref);
	for (i = 0; i < n; i++) {
		pack_ref_free(old[i]);
		free(rels[i]);
	}
	for (i = 0; i < nch; i++)
		free((char *)ch[i].path);
	free(ch);
	free(old);
	free(rels);
	return rc;
}
