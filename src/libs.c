/* The libraries binome loads when it needs them: see libs.h. */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <zip.h>
#include <libxml/tree.h>
#include <libxml/parser.h>
#include <libxml/xmlschemas.h>
#include <libxml/schematron.h>
#include <microhttpd.h>

#include "extern.h"
#include "libs.h"

/* The names the Makefile read off the installed libraries. */
#ifndef ZIP_SONAME
#define ZIP_SONAME	"libzip.so.4"
#endif
#ifndef XML2_SONAME
#define XML2_SONAME	"libxml2.so.2"
#endif
#ifndef MHD_SONAME
#define MHD_SONAME	"libmicrohttpd.so.12"
#endif

#define LIB_NAME(f)	#f,

static struct libzip	 zip_tab;
static struct libxml	 xml_tab;
static struct libmhd	 mhd_tab;
static const char *const zip_names[] = { LIBZIP_FUNCS(LIB_NAME) };
static const char *const xml_names[] = { LIBXML_FUNCS(LIB_NAME) };
static const char *const mhd_names[] = { LIBMHD_FUNCS(LIB_NAME) };

enum { UNTRIED, LOADED, FAILED };

static struct loaded {
	const char		*soname;
	const char		*devname;	/* the -dev package's link */
	const char		*why;		/* what binome needs it for */
	const char *const	*names;
	size_t			 n;
	void			*tab;		/* n function pointers */
	int			 state;
	char			 err[512];	/* why it failed */
	int			 said;
	pthread_mutex_t		 mu;
} libs[] = {
	{ ZIP_SONAME, "libzip.so", "to read SCORM packages", zip_names,
	    sizeof(zip_names) / sizeof(zip_names[0]), &zip_tab, UNTRIED,
	    "", 0, PTHREAD_MUTEX_INITIALIZER },
	{ XML2_SONAME, "libxml2.so", "for --schemas", xml_names,
	    sizeof(xml_names) / sizeof(xml_names[0]), &xml_tab, UNTRIED,
	    "", 0, PTHREAD_MUTEX_INITIALIZER },
	{ MHD_SONAME, "libmicrohttpd.so", "to serve", mhd_names,
	    sizeof(mhd_names) / sizeof(mhd_names[0]), &mhd_tab, UNTRIED,
	    "", 0, PTHREAD_MUTEX_INITIALIZER },
};

/* Open the library and fill its table, or keep why not in l->err. */
static int
open_lib(struct loaded *l)
{
	void	*h, **slot = l->tab;
	size_t	 i;

	if ((h = dlopen(l->soname, RTLD_LAZY | RTLD_LOCAL)) == NULL &&
	    (h = dlopen(l->devname, RTLD_LAZY | RTLD_LOCAL)) == NULL) {
		snprintf(l->err, sizeof(l->err), "cannot load it, needed "
		    "%s: %s", l->why, dlerror());
		return FAILED;
	}
	for (i = 0; i < l->n; i++)
		if ((slot[i] = dlsym(h, l->names[i])) == NULL) {
			snprintf(l->err, sizeof(l->err), "it has no %s",
			    l->names[i]);
			return FAILED;
		}
	return LOADED;
}

/* Load l once, whichever thread asks first; the others wait. */
static int
load(struct loaded *l)
{
	int	 state;

	state = __atomic_load_n(&l->state, __ATOMIC_ACQUIRE);
	if (state != UNTRIED)
		return state;
	pthread_mutex_lock(&l->mu);
	if ((state = l->state) == UNTRIED)
		__atomic_store_n(&l->state, state = open_lib(l),
		    __ATOMIC_RELEASE);
	pthread_mutex_unlock(&l->mu);
	return state;
}

int
lib_load(enum lib id)
{
	struct loaded	*l = &libs[id];
	struct pos	 p = { l->soname, 0, 0 };
	int		 say;

	if (load(l) == LOADED)
		return 0;
	pthread_mutex_lock(&l->mu);
	say = !l->said;
	l->said = 1;
	pthread_mutex_unlock(&l->mu);
	if (say)
		diag_err(&p, "%s", l->err);
	return -1;
}

/* A caller that did not lib_load first: the error was said, stop. */
static void *
table(enum lib id)
{
	if (lib_load(id) == -1)
		exit(1);
	return libs[id].tab;
}

const struct libzip *
libzip(void)
{
	return table(LIB_ZIP);
}

const struct libxml *
libxml(void)
{
	return table(LIB_XML);
}

const struct libmhd *
libmhd(void)
{
	return table(LIB_MHD);
}
