/*
 * binome: the command line.  Parses options, finds the courses, and
 * hands them to the build.  Exit 0 when all is well, 1 on content
 * errors, 2 on usage errors.
 */
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
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
	    "       binome serve [options] [--port N] [DIR ...]\n"
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
	    "      --port N         serve: the port on 127.0.0.1 (default 8000)\n"
	    "  -j N                 parallel jobs (default: one per core)\n"
	    "  -q, --quiet          no warnings or progress\n"
	    "  -v, --verbose        say what is written\n"
	    "  -h, --help           this help\n"
	    "      --version        the version\n", f);
}

static void
onsignal(int sig)
{
	(void)sig;
	site_interrupted = 1;
}

/*
 * SIGINT and SIGTERM stop a build between two pages; the output is left
 * as it was.  From the very start, so that no moment is unprotected.
 */
static void
catchsignals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = onsignal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

/*
 * The default theme: themes/default in the current directory (a source
 * tree), else share/binome beside the installed binary (so that any
 * PREFIX or DESTDIR works) or the source tree's themes beside build/,
 * else the compiled-in share directory.
 */
static char *
findtheme(void)
{
	char	 exe[4096], *dir, *up, *t;
	ssize_t	 n;

	if (fs_isfile("themes/default/page.html"))
		return xstrdup("themes/default");
	if ((n = readlink("/proc/self/exe", exe, sizeof(exe) - 1)) > 0) {
		exe[n] = '\0';
		dir = fs_dirname(exe);
		up = fs_dirname(dir);
		t = xasprintf("%s/share/binome/themes/default", up);
		if (!fs_isdir(t)) {
			free(t);
			t = xasprintf("%s/themes/default/page.html", up);
			if (fs_isfile(t))
				t[strlen(t) - strlen("/page.html")] = '\0';
			else {
				free(t);
				t = NULL;
			}
		}
		free(dir);
		free(up);
		if (t != NULL)
			return t;
	}
	return xstrdup(BINOME_SHARE "/themes/default");
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

int
main(int argc, char *argv[])
{
	enum { OPT_DRAFTS = 256, OPT_THEME, OPT_TARGET, OPT_PACKAGE,
	    OPT_SCHEMAS, OPT_WERROR, OPT_FORMAT, OPT_VERSION, OPT_PORT };
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
		{ "port", required_argument, NULL, OPT_PORT },
		{ NULL, 0, NULL, 0 }
	};
	struct opts	 o;
	const char	*cmd;
	char		*theme = NULL, *end;
	long		 port = 8000;
	int		 ch, rc, serve;

#ifdef M_MMAP_THRESHOLD
	/*
	 * zlib allocates some 400 KB per zip entry: served from fresh
	 * mappings, ten thousand entries cost ten thousand rounds of page
	 * faults.  Keep such blocks in the heap, and the heap's top.
	 */
	mallopt(M_MMAP_THRESHOLD, 8 << 20);
	mallopt(M_TRIM_THRESHOLD, 32 << 20);
#endif
	memset(&o, 0, sizeof(o));
	o.jobs = (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (o.jobs < 1)
		o.jobs = 1;
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
	    strcmp(argv[1], "check") != 0 && strcmp(argv[1], "serve") != 0)) {
		if (argc >= 2)
			fprintf(stderr, "binome: unknown command '%s'\n",
			    argv[1]);
		usage(stderr);
		return 2;
	}
	cmd = argv[1];
	o.check = strcmp(cmd, "check") == 0;
	serve = strcmp(cmd, "serve") == 0;
	argc--;
	argv++;
	while ((ch = getopt_long(argc, argv, "o:j:qvh", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'o':
			o.out = optarg;
			break;
		case 'j':
			if ((o.jobs = atoi(optarg)) < 1 || o.jobs > 256) {
				fprintf(stderr, "binome: -j wants a number "
				    "of jobs from 1 to 256, not '%s'\n", optarg);
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
		case OPT_PORT:
			port = strtol(optarg, &end, 10);
			if (*end != '\0' || port < 1 || port > 65535) {
				fprintf(stderr, "binome: --port wants a port "
				    "number from 1 to 65535, not '%s'\n", optarg);
				return 2;
			}
			break;
		default:
			usage(stderr);
			return 2;
		}
	}
	argc -= optind;
	argv += optind;

	if (o.theme == NULL)
		o.theme = theme = findtheme();
	if (argc == 0) {
		static char content[] = "content";
		static char *dflt[] = { content, NULL };

		argv = dflt;
		argc = 1;
	}
	if (!serve)
		catchsignals();
	o.last = !serve;
	if (serve)
		rc = serve_run(argv, (size_t)argc, &o, port) == 0 ? 0 : 1;
	else
		rc = site_run(argv, (size_t)argc, &o) == 0 ? 0 : 1;
	free(theme);
	return rc;
}
