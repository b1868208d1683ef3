/*
 * binome: the command line.  Parses options, finds the courses, and
 * hands them to the build.  Exit 0 when all is well, 1 on content
 * errors, 2 on usage errors.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "extern.h"

#ifndef BINOME_SHARE
#define BINOME_SHARE "/usr/local/share/binome"
#endif

static void
usage(FILE *f)
{
	fputs("usage: binome build [options] [DIR ...]\n"
	    "       binome check [options] [DIR ...]\n"
	    "       binome --help | --version\n"
	    "\n"
	    "Compile Markdown courses into a static site (OUT/site) and SCORM\n"
	    "packages (OUT/scorm).  Each DIR is a course (it holds _index.md)\n"
	    "or a folder of courses; the default is content.\n"
	    "\n"
	    "  -o, --output OUT     output directory (default: build)\n"
	    "      --drafts         include lessons marked draft\n"
	    "      --theme DIR      theme directory (default: themes/default)\n"
	    "      --target LIST    scorm12,scorm2004 (default: the course's)\n"
	    "      --package MODE   course, module or both\n"
	    "      --schemas DIR    put the manifest's XSDs in the packages\n"
	    "      --werror         treat warnings as errors\n"
	    "      --format json    diagnostics as JSON lines\n"
	    "  -j N                 parallel jobs (accepted; builds are serial)\n"
	    "  -q, --quiet          no warnings or progress\n"
	    "  -v, --verbose        say what is written\n"
	    "  -h, --help           this help\n"
	    "      --version        the version\n", f);
}

static int
parsetargets(const char *s, int *out)
{
	char	*dup = xstrdup(s), *tok, *save = NULL;
	int	 rc = 0;

	*out = 0;
	for (tok = strtok_r(dup, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		if (strcmp(tok, "scorm12") == 0)
			*out |= TARGET_SCORM12;
		else if (strcmp(tok, "scorm2004") == 0)
			*out |= TARGET_SCORM2004;
		else {
			fprintf(stderr, "binome: unknown target '%s' "
			    "(expected scorm12, scorm2004)\n", tok);
			rc = -1;
		}
	}
	free(dup);
	return rc;
}

/* Add the course in dir, or every course directly under it. */
static int
findcourses(const char *dir, const struct opts *o, struct course ***cs,
    size_t *n)
{
	char	*idx, **names, *path;
	size_t	 i, nn, found = 0;

	if (!fs_isdir(dir)) {
		struct pos p = { dir, 0, 0 };

		return diag_err(&p, "no such directory");
	}
	idx = fs_join(dir, "_index.md");
	if (fs_isfile(idx)) {
		free(idx);
		*cs = xreallocarray(*cs, *n + 1, sizeof(**cs));
		(*cs)[(*n)++] = course_load(dir, o);
		return 0;
	}
	free(idx);
	if ((names = fs_list(dir, &nn)) == NULL)
		return -1;
	for (i = 0; i < nn; i++) {
		path = fs_join(dir, names[i]);
		idx = fs_join(path, "_index.md");
		if (names[i][0] != '.' && fs_isfile(idx)) {
			*cs = xreallocarray(*cs, *n + 1, sizeof(**cs));
			(*cs)[(*n)++] = course_load(path, o);
			found++;
		}
		free(idx);
		free(path);
	}
	fs_list_free(names, nn);
	if (found == 0) {
		struct pos p = { dir, 0, 0 };

		return diag_err(&p, "no course here: a course is a "
		    "directory with an _index.md");
	}
	return 0;
}

int
main(int argc, char *argv[])
{
	enum { OPT_DRAFTS = 256, OPT_THEME, OPT_TARGET, OPT_PACKAGE,
	    OPT_SCHEMAS, OPT_WERROR, OPT_FORMAT, OPT_VERSION };
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "drafts", no_argument, NULL, OPT_DRAFTS },
		{ "theme", required_argument, NULL, OPT_THEME },
		{ "target", required_argument, NULL, OPT_TARGET },
		{ "package", required_argument, NULL, OPT_PACKAGE },
		{ "schemas", required_argument, NULL, OPT_SCHEMAS },
		{ "werror", no_argument, NULL, OPT_WERROR },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ NULL, 0, NULL, 0 }
	};
	struct opts	 o;
	struct course	**cs = NULL;
	size_t		 n = 0, i;
	const char	*cmd;
	char		*theme = NULL;
	int		 ch, rc;

	memset(&o, 0, sizeof(o));
	o.out = "build";
	if (argc > 1 && strcmp(argv[1], "--version") == 0) {
		puts("binome " BINOME_VERSION);
		return 0;
	}
	if (argc > 1 && (strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0)) {
		usage(stdout);
		return 0;
	}
	if (argc < 2 || (strcmp(argv[1], "build") != 0 &&
	    strcmp(argv[1], "check") != 0)) {
		if (argc >= 2)
			fprintf(stderr, "binome: unknown command '%s'\n",
			    argv[1]);
		usage(stderr);
		return 2;
	}
	cmd = argv[1];
	o.check = strcmp(cmd, "check") == 0;
	argc--;
	argv++;
	while ((ch = getopt_long(argc, argv, "o:j:qvh", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'o':
			o.out = optarg;
			break;
		case 'j':
			if (atoi(optarg) < 1) {
				fprintf(stderr, "binome: -j wants a number "
				    "of jobs, not '%s'\n", optarg);
				return 2;
			}
			break;
		case 'q':
			diag_quiet = 1;
			break;
		case 'v':
			o.verbose = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case OPT_DRAFTS:
			o.drafts = 1;
			break;
		case OPT_THEME:
			o.theme = optarg;
			break;
		case OPT_TARGET:
			if (parsetargets(optarg, &o.targets) == -1)
				return 2;
			break;
		case OPT_PACKAGE:
			if (strcmp(optarg, "course") == 0)
				o.packmode = PACK_COURSE;
			else if (strcmp(optarg, "module") == 0)
				o.packmode = PACK_MODULE;
			else if (strcmp(optarg, "both") == 0)
				o.packmode = PACK_COURSE | PACK_MODULE;
			else {
				fprintf(stderr, "binome: --package is course, "
				    "module or both, not '%s'\n", optarg);
				return 2;
			}
			break;
		case OPT_SCHEMAS:
			if (!fs_isdir(optarg)) {
				fprintf(stderr, "binome: --schemas: no such "
				    "directory '%s'\n", optarg);
				return 2;
			}
			o.schemas = optarg;
			break;
		case OPT_WERROR:
			diag_werror = 1;
			break;
		case OPT_FORMAT:
			if (strcmp(optarg, "json") == 0)
				diag_json = 1;
			else if (strcmp(optarg, "text") != 0) {
				fprintf(stderr, "binome: --format is text or "
				    "json, not '%s'\n", optarg);
				return 2;
			}
			break;
		case OPT_VERSION:
			puts("binome " BINOME_VERSION);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	argc -= optind;
	argv += optind;

	if (o.theme == NULL) {
		if (fs_isfile("themes/default/page.html"))
			o.theme = "themes/default";
		else
			o.theme = theme = xstrdup(BINOME_SHARE
			    "/themes/default");
	}
	if (argc == 0)
		findcourses("content", &o, &cs, &n);
	for (i = 0; i < (size_t)argc; i++)
		findcourses(argv[i], &o, &cs, &n);
	rc = 1;
	if (n > 0 && site_build(cs, n, &o) == 0 && diag_errors == 0)
		rc = 0;
	for (i = 0; i < n; i++)
		course_free(cs[i]);
	free(cs);
	free(theme);
	if (rc == 0 && !diag_quiet && (diag_warnings || o.verbose))
		fprintf(stderr, "binome: %zu course%s, %u warning%s\n", n,
		    n == 1 ? "" : "s", diag_warnings,
		    diag_warnings == 1 ? "" : "s");
	if (rc != 0)
		fprintf(stderr, "binome: %u error%s%s\n", diag_errors,
		    diag_errors == 1 ? "" : "s", o.check ? "" :
		    "; the previous output is unchanged");
	return rc;
}
