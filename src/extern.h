/*
 * binome: every shared struct and non-static prototype, grouped by the
 * file that defines them.  Data flows one way:
 *
 *   content/ -course_load-> model -md_*, quiz_*-> pages -site_run-> site/
 *                                   \-scorm_manifest, pack_zip-> scorm/
 */
#ifndef EXTERN_H
#define EXTERN_H

#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#define BINOME_VERSION "0.1.0"

struct tval;
struct theme;

/* buf.c ------------------------------------------------------------- */

/* data is never NULL and always NUL-terminated; cap 0 = static "". */
struct buf {
	char	*data;
	size_t	 len, cap;
};
extern char buf_empty[];
#define BUF_INIT { buf_empty, 0, 0 }

void	 buf_grow(struct buf *, size_t);
void	 buf_put(struct buf *, const void *, size_t);
void	 buf_puts(struct buf *, const char *);
void	 buf_putc(struct buf *, int);
void	 buf_putdec(struct buf *, uint64_t, int);
void	 buf_putl(struct buf *, long);
void	 buf_printf(struct buf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	 buf_vprintf(struct buf *, const char *, va_list)
	    __attribute__((format(printf, 2, 0)));
void	 buf_truncate(struct buf *, size_t);
void	 buf_release(struct buf *);
char	*buf_detach(struct buf *, size_t *);

void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xrealloc(void *, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
char	*xasprintf(const char *, ...) __attribute__((format(printf, 1, 2)));
char	*xconcat(const char *, ...) __attribute__((sentinel));
void	 mem_huge(void);
void	*mem_ready(size_t);
void	 mem_unready(void *, size_t);
void	 mem_warm(size_t);

/* map.c ------------------------------------------------------------- */

struct strmap {
	struct strslot {
		uint64_t	 hash;	/* of key */
		char		*key;	/* NULL: free */
		long		 val;
	}	*v;	/* one probe, one cache line */
	size_t	 cap, n;
	int	 borrowed;	/* keys are the caller's (strmap_lend) */
};

#define STRMAP_INIT	{ NULL, 0, 0, 0 }

long	*strmap_get(const struct strmap *, const char *);
long	*strmap_put(struct strmap *, const char *, long);
long	*strmap_lend(struct strmap *, const char *, long);
void	 strmap_release(struct strmap *);

/* diag.c ------------------------------------------------------------ */

/* A position in an author's file; line and col are 1-based, 0 = unknown. */
struct pos {
	const char	*file;	/* borrowed */
	unsigned	 line, col;
};

extern int	 diag_quiet;	/* -q: no warnings on stderr */
extern int	 diag_werror;	/* --werror: warnings count as errors */
extern int	 diag_json;	/* --format json: one JSON object per line */
extern int	 diag_mute;	/* fuzzing: print nothing, still count */
extern unsigned	 diag_errors, diag_warnings;
extern struct buf *diag_record;	/* when set, gets a copy of what is said */

int	 diag_err(const struct pos *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	 diag_warn(const struct pos *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
int	 diag_sys(const char *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	 diag_note(const char *, ...) __attribute__((format(printf, 1, 2)));

/* What was said since a mark: a page's share, for the memo. */
struct diagmark {
	size_t		 len;
	unsigned	 warnings;
};

void	 diag_mark(struct diagmark *);
char	*diag_since(const struct diagmark *, unsigned *);
void	 diag_replay(const char *, unsigned);

/* fs.c -------------------------------------------------------------- */

#define FS_MAXFILE	(1024u * 1024 * 1024)	/* refuse larger files */
#define MD_MAXFILE	(10u * 1024 * 1024)	/* and larger Markdown pages */

char	*fs_join(const char *, const char *);
char	*fs_dirname(const char *);
const char *fs_basename(const char *);
char	*fs_relpath(const char *from_dir, const char *to);
char	*fs_normalize(const char *);
int	 fs_read(const char *, char **, size_t *);
int	 fs_read_quiet(const char *, char **, size_t *, const char **);
int	 fs_writeall(int, const void *, size_t);
int	 fs_map(const char *, const char **, size_t *);
void	 fs_unmap(const char *, size_t);
struct fs_spill {
	struct buf	 b;	/* what is not written yet */
	int		 fd, err;
	const char	*what;
	char		*where;
};
void	 fs_spill_open(struct fs_spill *, const char *);
void	 fs_spill(struct fs_spill *);
void	 fs_spill_put(struct fs_spill *, const void *, size_t);
int	 fs_spill_close(struct fs_spill *, const char *);
struct stat;
int64_t	 fs_mtime(const struct stat *);
int	 fs_write(const char *, const void *, size_t);
int	 fs_replace(const char *, const char *, const char *);
int	 fs_write_quiet(const char *, const void *, size_t, const char **,
	    char **);
int	 fs_write_report(const char *, const char *, char *);

/* An incremental hash of bytes (state.c). */
struct hash {
	uint64_t	 h, len;
	unsigned char	 tail[8];
	size_t		 ntail;
};

int	 fs_mkdirs(const char *);
int	 fs_rmtree(const char *);
int	 fs_copy(const char *, const char *);
int	 fs_isdir(const char *);
int	 fs_isfile(const char *);
int	 fs_inside(const char *, const char *);
char	**fs_list(const char *, size_t *);
void	 fs_list_free(char **, size_t);

/* escape.c ---------------------------------------------------------- */

void	 esc_html(struct buf *, const char *, size_t);
void	 esc_attr(struct buf *, const char *, size_t);
int	 esc_url(struct buf *, const char *, size_t);
void	 esc_json(struct buf *, const char *, size_t);
int	 url_is_safe(const char *, size_t);
char	*slugify(const char *, size_t);
void	 fold_text(struct buf *, const char *, size_t);
int	 utf8_valid(const char *, size_t, size_t *);

/* frontmatter.c ----------------------------------------------------- */

enum fmtype {
	FM_SCALAR,
	FM_LIST,
	FM_MAP
};

/* One value of the front matter, with the position of its key. */
struct fmval {
	char		*key;	/* NULL for list items */
	enum fmtype	 type;
	char		*str;	/* FM_SCALAR */
	int		 quoted;	/* scalar was quoted: never a bool/int */
	struct fmval	*kids;	/* FM_LIST, FM_MAP */
	size_t		 nkids;
	struct pos	 pos;	/* of the key (or of the item) */
	struct pos	 vpos;	/* of the value */
};

struct frontmatter {
	struct fmval	 root;	/* FM_MAP; empty when there is none */
	const char	*body;	/* borrowed: text after the closing --- */
	size_t		 bodylen;
	unsigned	 bodyline;	/* 1-based line of body in the file */
};

int	 fm_parse(struct frontmatter *, const char *file, const char *, size_t);
void	 fm_release(struct frontmatter *);
const struct fmval *fm_get(const struct fmval *, const char *);
int	 fm_str(const struct fmval *, char **);
int	 fm_int(const struct fmval *, long, long, long *);
int	 fm_bool(const struct fmval *, int *);
int	 fm_strlist(const struct fmval *, char ***, size_t *);

/* course.c ---------------------------------------------------------- */

enum pagekind {
	PAGE_COURSE,
	PAGE_MODULE,
	PAGE_LESSON
};

struct heading {
	char		*id;	/* anchor, unique in the page */
	char		*text;
	int		 level;
};

struct quiz;
struct memo_page;

/*
 * A course's records for the next memo, in order: runs of bytes either
 * still in the last memo's mapping (old) or encoded anew into b.
 */
struct memo_run {
	const unsigned char *old;	/* or NULL: at off in b */
	size_t		 off, len;
};
struct memo_out {
	struct buf	 b;
	struct memo_run	*runs;
	size_t		 nruns, maxruns;
};

/*
 * What a page's rendering took from outside its source: a link to
 * another page (path its source, out where it was then) or a file
 * (path relative to the course).  With them the next build knows
 * whether the page would come out the same (memo.c).
 */
enum depkind {
	DEP_PAGE,
	DEP_FILE
};

struct dep {
	enum depkind	 kind;
	char		*path;
	char		*out;	/* DEP_PAGE: the page's output then */
	char		*url;	/* DEP_PAGE with frag: for the error */
	char		*frag;	/* DEP_PAGE: the anchor, or NULL */
	unsigned	 line, col;
};

/* A page of the course: the course home, a module or a lesson. */
struct page {
	enum pagekind	 kind;
	char		*src;	/* path of the .md file */
	char		*srcdir;	/* directory of its images */
	char		*title;
	char		*description;
	char		*duration;
	char		**objectives;
	size_t		 nobjectives;
	long		 weight;
	int		 draft;
	int		 assessment;	/* lesson: graded quizzes */
	char		*slug;
	char		*out;	/* output path, relative to the course */
	char		*text;	/* whole file */
	size_t		 textlen;
	const char	*body;	/* borrowed from text */
	size_t		 bodylen;
	unsigned	 bodyline;
	char		*html;	/* rendered body */
	struct heading	*heads;
	size_t		 nheads;
	struct quiz	**quizzes;
	size_t		 nquizzes;
	char		*plain;	/* folded text for the search index */
	size_t		 index;	/* position in course->pages */
	struct module	*module;	/* borrowed; NULL for the course */
	struct pos	 assesspos;	/* of the 'assessment' key, if any */

	/* For the next build's memo (memo.c). */
	int64_t		 mtime;	/* of the source, ns; 0: not recorded */
	uint64_t	 size, ino;
	char		*loadsaid;	/* what loading it said */
	unsigned	 loadwarn;
	char		*rendersaid;	/* what rendering it said */
	unsigned	 renderwarn;
	struct dep	*deps;
	size_t		 ndeps;
	uint64_t	 ctx;	/* what its page shows of other pages */
	uint64_t	 srch;	/* hash of its search entry */
	size_t		 sgroup, sline;	/* its search part, its place there */
	char		*entry;	/* its entry, from the last build's part */
	uint64_t	 unitkey;	/* module: its search part's key */
	int		 rendered;	/* html, heads, quizzes... are set */
	const struct memo_page *memo;	/* the last build's, if it still holds */
	const struct memo_page *was;	/* the last build's, whatever its stat */
	int		 reuse;	/* its page is as the last build left it */
};

struct assessment {
	int		 set;	/* module front matter had one */
	long		 pass;	/* percent */
	long		 attempts;	/* 0 = unlimited */
	int		 shuffle;
	int		 show_answers;
};

struct module {
	struct page	 page;
	struct assessment assess;
	struct page	**lessons;	/* ordered */
	size_t		 nlessons;
	size_t		 index;
};

enum target {
	TARGET_SCORM12 = 1,
	TARGET_SCORM2004 = 2
};

enum packmode {
	PACK_COURSE = 1,
	PACK_MODULE = 2
};

struct course {
	struct page	 page;	/* the home page; page.src is _index.md */
	char		*dir;	/* the course directory */
	char		*id;
	char		*lang;
	char		*version;
	char		**authors;
	size_t		 nauthors;
	char		*audience;
	long		 pass;	/* course pass mark, percent */
	int		 unsafe_html;
	int		 targets;	/* TARGET_* bits */
	int		 packmode;	/* PACK_* bits */
	struct module	**modules;
	size_t		 nmodules;
	struct page	**pages;	/* home, then each module then its lessons */
	size_t		 npages;
	char		*themedir;	/* content/<course>/theme or NULL */
	struct asset	*assets;	/* media referenced by pages */
	size_t		 nassets;
	struct strmap	 assetidx;	/* source path -> index in assets */
	struct strmap	 pageidx;	/* page src -> index in pages */
	uint64_t	 memokey;	/* what every page's rendering shares */
	struct memo_out	 memo;	/* its memo records (memo_put) */
};

/* A file referenced by a page and copied into the output. */
struct asset {
	char		*src;	/* path on disk */
	char		*out;	/* output path, relative to the course */
};

struct opts {
	const char	*out;	/* output directory, default build */
	const char	*schemas;	/* --schemas DIR or NULL */
	const char	*theme;	/* theme directory */
	int		 drafts;
	int		 verbose;
	int		 targets;	/* --target overrides, 0 = from course */
	int		 packmode;	/* --package overrides, 0 = from course */
	int		 check;	/* binome check: write nothing */
	int		 jobs;	/* -j: threads at work, 0 = one per core */
	int		 last;	/* the process ends after this build */
};

extern const struct state *course_seen;	/* while loading: inputs walked */

struct course	*course_load(const char *dir, const struct opts *);
int		 course_read(struct page *);
void		 course_unrender(struct page *);
void		 course_page_release(struct page *);
void		 course_free(struct course *);
const char	*course_asset(struct course *, const char *path);
/* The page whose source is path, or NULL. */
struct page	*course_page(struct course *, const char *path);

/* markdown.c -------------------------------------------------------- */

struct mdrun;
struct mdrun	*md_begin(struct course *, const struct tval *);
int		 md_page(struct mdrun *, struct page *);
void		 md_reuse(struct mdrun *, struct page *);
int		 md_end(struct mdrun *);
void		 md_free(struct mdrun *);
int		 md_render_course(struct course *, const struct tval *);

/* quiz.c ------------------------------------------------------------ */

enum quiztype {
	QUIZ_SINGLE,
	QUIZ_MULTI,
	QUIZ_TF,
	QUIZ_SHORT,
	QUIZ_MATCH,
	QUIZ_ORDER,
	QUIZ_REFLECT
};

/*
 * One option of a choice question, one accepted answer (short), one
 * left item (match) or one item in the right order (order).
 */
struct quizopt {
	char		*html;	/* rendered option text (inline HTML) */
	char		*text;	/* plain text, for the LMS */
	char		*match;	/* QUIZ_MATCH: the right side, plain */
	char		*matchhtml;
	char		*feedback;	/* rendered HTML or NULL */
	int		 correct;
	struct pos	 pos;
};

struct quiz {
	char		*id;
	enum quiztype	 type;
	long		 points;
	int		 loose;	/* QUIZ_SHORT: ignore case and accents */
	long		 maxlength;	/* QUIZ_SHORT, QUIZ_REFLECT: input cap */
	int		 graded;	/* in an assessment lesson */
	int		 autoid;	/* id derived from the heading */
	int		 level;	/* heading level of the prompt */
	size_t		 statesize;	/* quiz_state_size() */
	char		*prompt;	/* heading, inline HTML */
	char		*prompttext;	/* heading, plain */
	char		*intro;	/* HTML between heading and list */
	struct quizopt	*opts;
	size_t		 nopts;
	char		*explain;	/* HTML of the closing blockquote */
	struct pos	 pos;	/* of the directive */
	struct page	*page;	/* borrowed */
};

struct cmark_node;

/* Is this node a quiz directive (an HTML block "<!-- quiz ...")? */
int	 quiz_is_directive(struct cmark_node *);
/*
 * Find every quiz in a parsed page, check it (diagnostics at the
 * author's file:line:col), append it to page->quizzes and replace its
 * nodes by one custom block holding the quiz HTML.  Returns -1 after
 * reporting errors.
 */
int	 quiz_extract(struct page *, struct cmark_node *doc, int cmarkopts);
/* Checks across the course: duplicate ids, reachable pass marks. */
int	 quiz_check_course(struct course *);
/* Worst-case characters that one quiz's answer takes in suspend_data. */
size_t	 quiz_state_size(const struct quiz *);
const char *quiz_type_name(enum quiztype);
void	 quiz_free(struct quiz *);

/* template.c -------------------------------------------------------- */

/* A value handed to templates: strings, booleans, lists and maps. */
enum tvtype {
	TV_STR,
	TV_BOOL,
	TV_LIST,
	TV_MAP
};

struct tval {
	enum tvtype	 type;
	char		*key;	/* in a TV_MAP */
	char		*str;	/* TV_STR */
	size_t		 len;
	int		 b;	/* TV_BOOL */
	struct tval	*kids;	/* TV_LIST, TV_MAP */
	size_t		 nkids, capkids;
};

struct tval	*tv_map(struct tval *parent, const char *key);
struct tval	*tv_list(struct tval *parent, const char *key);
struct tval	*tv_item(struct tval *list);
void		 tv_str(struct tval *map, const char *key, const char *);
void		 tv_strn(struct tval *map, const char *key, const char *,
		    size_t);
void		 tv_int(struct tval *map, const char *key, long);
void		 tv_bool(struct tval *map, const char *key, int);
const struct tval *tv_get(const struct tval *map, const char *key);
void		 tv_release(struct tval *);

struct tmpl;
struct tmpl	*tmpl_compile(const char *file, const char *, size_t,
		    struct tmpl *(*)(void *, const char *), void *);
int		 tmpl_render(const struct tmpl *, struct buf *,
		    const struct tval *);
int		 tmpl_render_on(const struct tmpl *, struct buf *,
		    const struct tval *, const struct tval *);
void		 tmpl_free(struct tmpl *);

/* theme.c ----------------------------------------------------------- */

struct theme;
struct theme	*theme_open(const char *themedir, const char *overridedir,
		    const char *lang);
const struct tmpl *theme_tmpl(struct theme *, const char *name);
const struct tval *theme_i18n(const struct theme *);
char		*theme_path(const struct theme *, const char *name);
char		**theme_files(const struct theme *, const char *subdir,
		    size_t *);
uint64_t	 theme_key(const struct theme *);
void		 theme_free(struct theme *);

/* site.c ------------------------------------------------------------ */

/* Set by a signal handler: stop between two pages, keep the old output. */
extern volatile sig_atomic_t site_interrupted;

int	 site_run(char *const *, size_t, const struct opts *);

/* serve.c ----------------------------------------------------------- */

/*
 * Build dirs, serve the output on 127.0.0.1:port, rebuild on change and
 * reload the open pages; returns when interrupted.  -1 on failure.
 */
int	 serve_run(char *const *, size_t, const struct opts *, long);

/* scorm.c ----------------------------------------------------------- */

/*
 * Write the SCORM packages of a built course: coursedir holds the
 * course's site files (pages, assets, media); zips go into scormdir.
 * Returns -1 after reporting errors.
 */
struct output;
int	 scorm_build(struct course *, struct theme *, const struct opts *,
	    struct output *);
int	 scorm_patch(struct course *, const struct opts *, struct output *);
/* Worst-case length of the course's suspend_data. */
size_t	 scorm_state_budget(const struct course *);

/* state.c ----------------------------------------------------------- */

void		 hash_init(struct hash *);
void		 hash_add(struct hash *, const void *, size_t);
uint64_t	 hash_end(struct hash *);
uint64_t	 hash_bytes(const void *, size_t);
uint64_t	 hash_stat(const struct stat *);

struct inrec {
	char		*path;
	int64_t		 mtime;	/* ns */
	uint64_t	 size, ino;
	unsigned	 mode;	/* this build's only */
	int		 changed;	/* this build's: not as prev had it */
};

struct outrec {
	char		*path;	/* relative to the output directory */
	uint64_t	 hash, size;
};

/* What a build read, wrote and said (see state.c). */
struct state {
	uint64_t	 key;	/* binome, options, environment */
	struct inrec	*in;
	size_t		 nin, capin;
	struct outrec	*out;
	size_t		 nout, capout;
	struct strmap	 outidx;
	struct strmap	 inidx;	/* this build's: path -> index in in */
	struct inrec	*odir;	/* output directories, by mtime */
	size_t		 nodir, capodir;
	struct strmap	 odiridx;	/* path -> index in odir */
	struct strmap	 lsidx;	/* this build's: directory -> index in ls */
	char		***ls;	/* the names in each directory walked */
	size_t		*nls, nlist;
	struct buf	 said;
	size_t		 courses, pages, packages;
	unsigned	 warnings;
	uint64_t	 memo;	/* id of the memo saved with it, or 0 */
	int		 bad;	/* cannot be recorded */
	int		 racy;	/* an input changed too recently to trust */
	int64_t		 walked;	/* when the walk began, in seconds */
	size_t		 ndirs, nread;	/* directories walked, and read */
	int		 unknown;	/* some of them not compared with prev */
};

extern int	 state_jobs;
int		 state_load(struct state *, const char *outdir);
int		 state_large(const char *outdir);
int		 state_parse(struct state *, char *);
int		 state_fresh(const struct state *, const char *outdir);
int		 state_save(const struct state *, const char *outdir);
void		 state_remove(const char *outdir);
void		 state_free(struct state *);
void		 state_walk(struct state *, const char *path,
		    const struct state *prev);
void		 state_out(struct state *, const char *, uint64_t, uint64_t);
const struct outrec *state_find(struct state *, const char *);
int		 state_lstat(const struct state *, const char *, struct stat *);
char		**state_list(const struct state *, const char *, size_t *);
void		 state_outdirs(struct state *, const char *,
		    const struct state *, const struct strmap *);
long		 state_outdir_same(const struct state *, const char *,
		    const char *);

/* output.c ---------------------------------------------------------- */

/* A file of this build, relative to the output directory. */
struct ofile {
	char		*rel;
	uint64_t	 hash, size;
	int		 changed;	/* staged: not as the last build left it */
};

struct output {
	char		*dir;	/* OUT */
	char		*tmp;	/* where files are staged */
	int		 incremental;	/* prev is trusted */
	struct state	 prev;	/* the last build's record */
	struct writer	*writer;
	struct ofile	*files;
	size_t		 nfiles, capfiles, nchanged;
	struct strmap	 dirsame;	/* output directory -> state_outdir_same */
	const char	*ahead;	/* files under it go to packages: zip_ahead */
	const struct state *now;	/* this build's inputs, when known */
};

char		*output_staged(const struct output *, const char *);
char		*output_path(const struct output *, const struct ofile *);
void		 output_put(struct output *, const char *, char *, size_t);
int		 output_copy(struct output *, const char *, const char *);
void		 output_staged_done(struct output *, const char *, uint64_t,
		    uint64_t);
int		 output_fresh(struct output *, const char *, uint64_t);
int		 output_has(struct output *, const char *);
void		 output_keep(struct output *, const char *);
int		 output_same_under(struct output *, const char *);
void		 output_keep_rest(struct output *, const char *, size_t);
char		*output_previous(struct output *, const char *);
int		 output_commit(struct output *);
void		 output_release(struct output *);

/* writer.c ---------------------------------------------------------- */

struct writer;
struct writer	*writer_new(int threads);
void		 writer_put(struct writer *, char *path, char *data, size_t,
		    int);
int		 writer_end(struct writer *);
struct aside;
struct aside	*aside_start(int threads, void *(*)(void *), void *);
void		*aside_join(struct aside *);

/* pack.c ------------------------------------------------------------ */

/*
 * A zip entry: its name in the zip and its bytes (borrowed), or, when
 * path is set, the file whose bytes to stream in.  A shared entry has
 * the same bytes in every package of the build: pack_zip may copy it,
 * compressed, from a reference zip instead of deflating it again; a
 * kept one the bytes it had in the last build, and may come from the
 * old zip.
 */
struct packfile {
	const char	*name;
	const char	*data;
	size_t		 len;
	const char	*path;
	int		 shared;
	int		 kept;	/* the same bytes as in the old zip */
};

struct packref;	/* a written zip, opened to copy entries from */

extern int	 pack_jobs;	/* threads that deflate a zip's entries */

int	 pack_zip(const char *zippath, struct packfile *, size_t,
	    const struct packref *, const struct packref *);
struct packref *pack_ref(const char *zippath);
void	 pack_ref_free(struct packref *);
int	 pack_ref_ok(const struct packref *);
long	 pack_patch(const char *, const struct packref *, struct packfile *,
	    size_t, const struct packref *);

/* zip.c ------------------------------------------------------------- */

struct zipcat;	/* the records of a zip binome wrote */
struct zipcat	*zipcat_open(const char *);
struct zipcat	*zipcat_mem(const void *, size_t);
long		 zipcat_find(const struct zipcat *, const char *);
long		 zipcat_next(const struct zipcat *, const char *, size_t *);
size_t		 zipcat_count(const struct zipcat *);
const char	*zipcat_name(const struct zipcat *, size_t);
void		 zipcat_free(struct zipcat *);

/* An entry of a zip to write: copied from a zip, or made. */
struct zipin {
	const char		*name;
	const struct zipcat	*from;	/* its record is from's idx */
	long			 idx;
	const char		*data;	/* else its bytes (borrowed), */
	size_t			 len;
	const char		*path;	/* or the file that holds them */
	int			 store;	/* not deflated */
};
int	 zip_write(const char *, struct buf *, const struct zipin *, size_t,
	    time_t, const char *);
int	 zip_stored(const char *);
void	 zip_ahead(const char *, const void *, size_t);
int	 zip_ahead_has(const char *);
void	 zip_ahead_clear(void);

/* deflate.c --------------------------------------------------------- */

struct deflater;
struct deflater	*deflater_new(void);
void		 deflater_free(struct deflater *);
void		 deflate_buf(struct deflater *, const void *, size_t,
		    struct buf *);
uint32_t	 crc32_buf(uint32_t, const void *, size_t);

/* memo.c ------------------------------------------------------------ */

/* The last build's record of one page, found by memo_find(). */
struct memo_page {
	char		*src;
	int64_t		 mtime;
	uint64_t	 size, ino;
	const unsigned char *start, *load, *render, *end;	/* its parts */
	uint64_t	 key, ctx, srch, unitkey;	/* render part: 0 if none */
	uint64_t	 sgroup, sline;
	size_t		 nquizzes;
};

struct memo;
extern const struct memo *memo_prev;	/* while loading: the last build's */

struct memo	*memo_load(const char *outdir, uint64_t id);
struct memo	*memo_parse(const char *, size_t, uint64_t id);
void		 memo_free(struct memo *);
const struct memo_page *memo_nth(const struct memo *, size_t);
const struct memo_page *memo_find(const struct memo *, const char *,
		    const struct stat *);
const struct memo_page *memo_was(const struct memo *, const char *);
void		 memo_loaded(struct page *, struct module *,
		    const struct memo_page *);
void		 memo_rendered(struct page *);
void		 memo_quizzes(struct page *);
int		 memo_same(const struct page *);
void		 memo_put(struct course *);
void		 memo_save(const char *outdir, uint64_t id,
		    struct course *const *, size_t);

/* libs.c ------------------------------------------------------------ */

enum lib { LIB_ZIP, LIB_XML, LIB_MHD };

int	 lib_load(enum lib);	/* -1 after saying why */

#endif /* EXTERN_H */
