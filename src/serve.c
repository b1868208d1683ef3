/*
 * binome serve: a live preview on 127.0.0.1.
 *
 * The main thread builds (site_run), then watches the course folders
 * and the theme with inotify and rebuilds when they change.  A
 * libmicrohttpd daemon, one thread per connection, serves OUT/site at
 * /, OUT/scorm at /scorm/, the LMS simulator (the theme's lms/) at
 * /lms/ with each package's files read straight out of its zip, and a
 * stream of server-sent events at /_binome/events that tells the open
 * pages to reload or to show the build's errors.  Every HTML page of
 * the site gets <script src="/_binome/reload.js"> before </body> on
 * the way out, never on disk.
 *
 * Threads share one thing, struct live, under its mutex: the number of
 * builds, whether the last one worked, and its diagnostics.  Only the
 * main thread builds (diag_* and site_run are not thread-safe); the
 * connection threads only read files.
 */
#include <sys/types.h>
#include <sys/inotify.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>
#include <zip.h>

#include "extern.h"
#include "libs.h"

#ifndef BINOME_SHARE
#define BINOME_SHARE "/usr/local/share/binome"
#endif

#define DEBOUNCE_MS	100
#define PING_S		15
#define MAXFILE		FS_MAXFILE

/* What the builds tell the open pages; under mu. */
struct live {
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	unsigned long	 gen;	/* builds finished */
	int		 ok;	/* the last one worked */
	struct buf	 err;	/* its diagnostics when it did not */
	int		 stop;	/* shutting down: end every stream */
};

struct server {
	const struct opts *o;	/* borrowed */
	char		*site;	/* OUT/site */
	char		*scorm;	/* OUT/scorm */
	char		*lms;	/* the simulator's files */
	char		*outreal;	/* realpath of OUT, or NULL */
	struct live	 live;
};

/* One open event stream. */
struct sse {
	struct live	*live;	/* borrowed */
	unsigned long	 gen;	/* the build the page shows */
	int		 hello;	/* the first bytes were sent */
	struct buf	 out;	/* bytes not yet handed to MHD */
	size_t		 off;
};

/* Watched directories, by inotify descriptor. */
struct watch {
	int		 wd;
	char		*path;
};

struct watches {
	int		 fd;
	struct watch	*v;
	size_t		 n, cap;
};

static int	 sigfd[2] = { -1, -1 };

static const struct {
	const char	*ext;
	const char	*type;
} types[] = {
	{ ".html", "text/html; charset=utf-8" },
	{ ".htm", "text/html; charset=utf-8" },
	{ ".css", "text/css; charset=utf-8" },
	{ ".js", "text/javascript; charset=utf-8" },
	{ ".mjs", "text/javascript; charset=utf-8" },
	{ ".json", "application/json" },
	{ ".svg", "image/svg+xml" },
	{ ".png", "image/png" },
	{ ".jpg", "image/jpeg" },
	{ ".jpeg", "image/jpeg" },
	{ ".gif", "image/gif" },
	{ ".webp", "image/webp" },
	{ ".ico", "image/x-icon" },
	{ ".pdf", "application/pdf" },
	{ ".txt", "text/plain; charset=utf-8" },
	{ ".md", "text/plain; charset=utf-8" },
	{ ".zip", "application/zip" },
	{ ".xml", "application/xml" },
	{ ".xsd", "application/xml" },
	{ ".dtd", "application/xml-dtd" },
	{ ".mp4", "video/mp4" },
	{ ".webm", "video/webm" },
	{ ".mp3", "audio/mpeg" },
	{ ".vtt", "text/vtt; charset=utf-8" },
	{ ".woff2", "font/woff2" },
	{ ".woff", "font/woff" },
};

static void
onsignal(int sig)
{
	int	 e = errno;
	char	 c = (char)sig;

	site_interrupted = 1;	/* a build under way stops early */
	if (write(sigfd[1], &c, 1) == -1) {
		/* the pipe is full: a signal is already pending */
	}
	errno = e;
}

/* SIGINT and SIGTERM stop the server, and a build under way. */
static void
catch_signals(void)
{
	struct sigaction	 sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = onsignal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

static const char *
mimetype(const char *path)
{
	size_t	 i, n = strlen(path), l;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		l = strlen(types[i].ext);
		if (n >= l && strcasecmp(path + n - l, types[i].ext) == 0)
			return types[i].type;
	}
	return "application/octet-stream";
}

static int
ishtml(const char *type)
{
	return strncmp(type, "text/html", 9) == 0;
}

static uint64_t
now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Live state ------------------------------------------------------- */

static void
live_init(struct live *l)
{
	pthread_condattr_t	 ca;

	memset(l, 0, sizeof(*l));
	l->err = (struct buf)BUF_INIT;
	pthread_mutex_init(&l->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&l->cv, &ca);
	pthread_condattr_destroy(&ca);
}

static void
live_release(struct live *l)
{
	pthread_cond_destroy(&l->cv);
	pthread_mutex_destroy(&l->mu);
	buf_release(&l->err);
}

/* A build finished: wake every stream. */
static void
live_publish(struct live *l, int ok, const struct buf *err)
{
	pthread_mutex_lock(&l->mu);
	l->gen++;
	l->ok = ok;
	buf_truncate(&l->err, 0);
	if (!ok)
		buf_put(&l->err, err->data, err->len);
	pthread_cond_broadcast(&l->cv);
	pthread_mutex_unlock(&l->mu);
}

static void
live_stop(struct live *l)
{
	pthread_mutex_lock(&l->mu);
	l->stop = 1;
	pthread_cond_broadcast(&l->cv);
	pthread_mutex_unlock(&l->mu);
}

static unsigned long
live_gen(struct live *l)
{
	unsigned long	 g;

	pthread_mutex_lock(&l->mu);
	g = l->gen;
	pthread_mutex_unlock(&l->mu);
	return g;
}

/* Responses -------------------------------------------------------- */

/* Queue r with status, type and the headers every answer has. */
static enum MHD_Result
answer(struct MHD_Connection *c, unsigned status, const char *type,
    struct MHD_Response *r)
{
	enum MHD_Result		 rc;

	MHD_add_response_header(r, "Content-Type", type);
	MHD_add_response_header(r, "Cache-Control", "no-store");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	rc = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return rc;
}

/* Queue body (ours now, freed by MHD) with status and type. */
static enum MHD_Result
reply(struct MHD_Connection *c, unsigned status, const char *type,
    char *body, size_t len)
{
	struct MHD_Response	*r;

	r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	if (r == NULL) {
		free(body);
		return MHD_NO;
	}
	return answer(c, status, type, r);
}

/*
 * Put the reload script before the last </body> of an HTML page (at
 * its end when there is none); gen is the build the page comes from.
 */
static void
inject(struct buf *out, const char *html, size_t len, unsigned long gen)
{
	size_t	 i, at = len;

	for (i = len; i >= 7; i--)
		if (strncasecmp(html + i - 7, "</body>", 7) == 0) {
			at = i - 7;
			break;
		}
	buf_put(out, html, at);
	buf_printf(out, "<script src=\"/_binome/reload.js\" "
	    "data-binome-gen=\"%lu\"></script>", gen);
	buf_put(out, html + at, len - at);
}

/* A small error page; the site's own get the reload script too. */
static enum MHD_Result
status_page(struct server *s, struct MHD_Connection *c, unsigned status,
    const char *what, int live)
{
	struct buf	 b = BUF_INIT, page = BUF_INIT;
	char		*body;
	size_t		 len;

	buf_printf(&b, "<!doctype html>\n<html lang=\"en\"><head>"
	    "<meta charset=\"utf-8\"><title>%u %s</title></head>\n"
	    "<body><h1>%u %s</h1>\n</body></html>\n",
	    status, what, status, what);
	if (live) {
		inject(&page, b.data, b.len, live_gen(&s->live));
		buf_release(&b);
		body = buf_detach(&page, &len);
	} else
		body = buf_detach(&b, &len);
	return reply(c, status, "text/html; charset=utf-8", body, len);
}

static enum MHD_Result
redirect(struct MHD_Connection *c, const char *url)
{
	struct MHD_Response	*r;
	enum MHD_Result		 rc;
	char			*to = xasprintf("%s/", url);

	r = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
	if (r == NULL) {
		free(to);
		return MHD_NO;
	}
	MHD_add_response_header(r, "Location", to);
	free(to);
	rc = MHD_queue_response(c, MHD_HTTP_MOVED_PERMANENTLY, r);
	MHD_destroy_response(r);
	return rc;
}

/* Read a whole open file, quietly (no diag_*: not this thread's). */
static int
slurp(int fd, size_t size, struct buf *b)
{
	ssize_t	 n;

	buf_grow(b, size);
	for (;;) {
		buf_grow(b, 4096);
		n = read(fd, b->data + b->len, b->cap - b->len - 1);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		if (n == 0)
			break;
		b->len += (size_t)n;
		if (b->len > MAXFILE)
			return -1;
	}
	b->data[b->len] = '\0';
	return 0;
}

/*
 * Is this (already percent-decoded) path one we may map to a file?
 * No "." or ".." segment, no hidden file, no backslash.
 */
static int
safepath(const char *url)
{
	const char	*p = url, *e;

	if (*p != '/')
		return 0;
	while (*p != '\0') {
		while (*p == '/')
			p++;
		e = p + strcspn(p, "/");
		if (e > p && *p == '.')
			return 0;
		p = e;
	}
	return strchr(url, '\\') == NULL;
}

/*
 * Serve rel (a safe path starting with '/') from root: directories by
 * their index.html, never a listing, nothing whose real path leaves
 * root.  HTML gets the reload script when live is set.
 */
static enum MHD_Result
sendfile_(struct server *s, struct MHD_Connection *c, const char *root,
    const char *url, const char *rel, int live)
{
	struct MHD_Response	*r;
	struct stat		 st;
	struct buf		 b = BUF_INIT, page = BUF_INIT;
	const char		*type;
	char			*path, *idx, *body;
	size_t			 len;
	int			 fd;

	path = fs_join(root, rel + 1);
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		if (url[strlen(url) - 1] != '/') {
			free(path);
			return redirect(c, url);
		}
		idx = fs_join(path, "index.html");
		free(path);
		path = idx;
	}
	if (!fs_inside(root, path)) {
		free(path);
		return status_page(s, c, MHD_HTTP_NOT_FOUND, "Not Found", live);
	}
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1 ||
	    fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    (uintmax_t)st.st_size > MAXFILE) {
		if (fd != -1)
			close(fd);
		free(path);
		return status_page(s, c, MHD_HTTP_NOT_FOUND, "Not Found", live);
	}
	type = mimetype(path);
	free(path);
	if (!live || !ishtml(type)) {
		r = MHD_create_response_from_fd((uint64_t)st.st_size, fd);
		if (r == NULL) {
			close(fd);
			return MHD_NO;
		}
		return answer(c, MHD_HTTP_OK, type, r);
	}
	if (slurp(fd, (size_t)st.st_size, &b) == -1) {
		close(fd);
		buf_release(&b);
		return status_page(s, c, MHD_HTTP_INTERNAL_SERVER_ERROR,
		    "Internal Server Error", live);
	}
	close(fd);
	inject(&page, b.data, b.len, live_gen(&s->live));
	buf_release(&b);
	body = buf_detach(&page, &len);
	return reply(c, MHD_HTTP_OK, type, body, len);
}

/* The simulator ---------------------------------------------------- */

static int
namecmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * /lms/packages.json: the zips in OUT/scorm, sorted.  (Not fs_list,
 * which reports through diag_*, the build thread's.)
 */
static enum MHD_Result
packages(struct server *s, struct MHD_Connection *c)
{
	struct buf	 b = BUF_INIT;
	struct dirent	*de;
	char		**names = NULL, *body;
	size_t		 n = 0, cap = 0, i, len, l;
	DIR		*d;

	if ((d = opendir(s->scorm)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			l = strlen(de->d_name);
			if (l < 5 || de->d_name[0] == '.' ||
			    strcmp(de->d_name + l - 4, ".zip") != 0)
				continue;
			if (n == cap) {
				cap = cap ? cap * 2 : 16;
				names = xreallocarray(names, cap,
				    sizeof(*names));
			}
			names[n++] = xstrdup(de->d_name);
		}
		closedir(d);
	}
	if (n > 0)
		qsort(names, n, sizeof(*names), namecmp);
	buf_puts(&b, "{\"packages\":[");
	for (i = 0; i < n; i++) {
		buf_puts(&b, i ? ",\"" : "\"");
		esc_json(&b, names[i], strlen(names[i]));
		buf_putc(&b, '"');
		free(names[i]);
	}
	free(names);
	buf_puts(&b, "]}\n");
	body = buf_detach(&b, &len);
	return reply(c, MHD_HTTP_OK, "application/json", body, len);
}

/* /lms/pkg/<zip>/<path>: one file, read out of the package. */
static enum MHD_Result
zipfile(struct server *s, struct MHD_Connection *c, const char *rest)
{
	const char	*slash = strchr(rest, '/');
	char		*name, *path, *body;
	zip_t		*z;
	zip_file_t	*f = NULL;
	zip_stat_t	 st;
	zip_int64_t	 i, got = -1;
	int		 err;

	if (slash == NULL || slash == rest || slash[1] == '\0')
		return status_page(s, c, MHD_HTTP_NOT_FOUND, "Not Found", 0);
	name = xstrndup(rest, (size_t)(slash - rest));
	if (strlen(name) < 5 || strcmp(name + strlen(name) - 4, ".zip")) {
		free(name);
		return status_page(s, c, MHD_HTTP_NOT_FOUND, "Not Found", 0);
	}
	path = fs_join(s->scorm, name);
	free(name);
	z = fs_inside(s->scorm, path) ? zip_open(path, ZIP_RDONLY, &err) :
	    NULL;
	free(path);
	if (z == NULL)
		return status_page(s, c, MHD_HTTP_NOT_FOUND, "Not Found", 0);
	body = NULL;
	if ((i = zip_name_locate(z, slash + 1, 0)) >= 0 &&
	    zip_stat_index(z, (zip_uint64_t)i, 0, &st) == 0 &&
	    (st.valid & ZIP_STAT_SIZE) && st.size <= MAXFILE &&
	    (f = zip_fopen_index(z, (zip_uint64_t)i, 0)) != NULL) {
		body = xmalloc((size_t)st.size + 1);
		got = zip_fread(f, body, st.size);
		zip_fclose(f);
	}
	zip_discard(z);
	if (body == NULL || got != (zip_int64_t)st.size) {
		free(body);
		return status_page(s, c, MHD_HTTP_NOT_FOUND, "Not Found", 0);
	}
	return reply(c, MHD_HTTP_OK, mimetype(slash + 1), body, (size_t)got);
}

/* Server-sent events ----------------------------------------------- */

static void
sse_event(struct sse *e, const struct live *l)
{
	const char	*p, *nl;

	if (l->ok) {
		buf_puts(&e->out, "event: reload\ndata: ok\n\n");
		return;
	}
	buf_puts(&e->out, "event: error\n");
	for (p = l->err.data; *p != '\0'; p = nl + 1) {
		nl = strchr(p, '\n');
		if (nl == NULL)
			nl = p + strlen(p) - 1;
		buf_puts(&e->out, "data: ");
		buf_put(&e->out, p, (size_t)(nl - p + (*nl != '\n')));
		buf_putc(&e->out, '\n');
	}
	if (l->err.len == 0)
		buf_puts(&e->out, "data: build failed\n");
	buf_putc(&e->out, '\n');
}

/*
 * MHD asks for more of the stream: block (this connection has its own
 * thread) until a build finishes, the ping is due or we stop.
 */
static ssize_t
sse_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct sse	*e = cls;
	struct live	*l = e->live;
	struct timespec	 until;
	size_t		 n;
	int		 rc;

	while (e->off >= e->out.len) {
		buf_truncate(&e->out, 0);
		e->off = 0;
		pthread_mutex_lock(&l->mu);
		if (l->stop) {
			pthread_mutex_unlock(&l->mu);
			return MHD_CONTENT_READER_END_OF_STREAM;
		}
		if (!e->hello) {
			e->hello = 1;
			buf_puts(&e->out, "retry: 1000\n: binome\n\n");
			if (!l->ok && e->gen == l->gen)
				sse_event(e, l);
		} else if (e->gen != l->gen) {
			e->gen = l->gen;
			sse_event(e, l);
		} else {
			clock_gettime(CLOCK_MONOTONIC, &until);
			until.tv_sec += PING_S;
			rc = 0;
			while (!l->stop && e->gen == l->gen && rc == 0)
				rc = pthread_cond_timedwait(&l->cv, &l->mu,
				    &until);
			if (rc == ETIMEDOUT && !l->stop && e->gen == l->gen)
				buf_puts(&e->out, ": ping\n\n");
		}
		pthread_mutex_unlock(&l->mu);
	}
	n = e->out.len - e->off;
	if (n > max)
		n = max;
	memcpy(buf, e->out.data + e->off, n);
	e->off += n;
	return (ssize_t)n;
}

static void
sse_free(void *cls)
{
	struct sse	*e = cls;

	buf_release(&e->out);
	free(e);
}

static enum MHD_Result
events(struct server *s, struct MHD_Connection *c)
{
	struct MHD_Response	*r;
	struct sse		*e = xcalloc(1, sizeof(*e));
	const char		*g;
	char			*end;
	enum MHD_Result		 rc;

	e->live = &s->live;
	e->out = (struct buf)BUF_INIT;
	e->gen = live_gen(&s->live);
	g = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "gen");
	if (g != NULL && *g != '\0') {
		unsigned long v = strtoul(g, &end, 10);

		if (*end == '\0')
			e->gen = v;
	}
	r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096,
	    sse_read, e, sse_free);
	if (r == NULL) {
		sse_free(e);
		return MHD_NO;
	}
	MHD_add_response_header(r, "Content-Type", "text/event-stream");
	MHD_add_response_header(r, "Cache-Control", "no-store");
	rc = MHD_queue_response(c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return rc;
}

/* Routing ---------------------------------------------------------- */

static enum MHD_Result
handle(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *data,
    size_t *datalen, void **ctx)
{
	struct server	*s = cls;

	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
		return status_page(s, c, MHD_HTTP_METHOD_NOT_ALLOWED,
		    "Method Not Allowed", 0);
	if (!safepath(url))
		return status_page(s, c, MHD_HTTP_FORBIDDEN, "Forbidden", 0);
	if (strcmp(url, "/_binome/events") == 0)
		return events(s, c);
	if (strcmp(url, "/_binome/reload.js") == 0 ||
	    strcmp(url, "/_binome/reload.css") == 0)
		return sendfile_(s, c, s->lms, url, url + 8, 0);
	if (strcmp(url, "/lms") == 0)
		return redirect(c, url);
	if (strcmp(url, "/lms/packages.json") == 0)
		return packages(s, c);
	if (strncmp(url, "/lms/pkg/", 9) == 0)
		return zipfile(s, c, url + 9);
	if (strncmp(url, "/lms/", 5) == 0)
		return sendfile_(s, c, s->lms, url, url + 4, 0);
	if (strcmp(url, "/scorm") == 0)
		return redirect(c, url);
	if (strncmp(url, "/scorm/", 7) == 0)
		return sendfile_(s, c, s->scorm, url, url + 6, 0);
	return sendfile_(s, c, s->site, url, url, 1);
}

/* Refuse every peer that is not this machine. */
static enum MHD_Result
loopback(void *cls, const struct sockaddr *sa, socklen_t len)
{
	const struct sockaddr_in	*in;
	const struct sockaddr_in6	*in6;
	static const unsigned char	 mapped[12] =
	    { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

	if (sa->sa_family == AF_INET && len >= sizeof(*in)) {
		in = (const struct sockaddr_in *)(const void *)sa;
		return (ntohl(in->sin_addr.s_addr) >> 24) == 127 ?
		    MHD_YES : MHD_NO;
	}
	if (sa->sa_family == AF_INET6 && len >= sizeof(*in6)) {
		in6 = (const struct sockaddr_in6 *)(const void *)sa;
		if (IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr))
			return MHD_YES;
		return memcmp(in6->sin6_addr.s6_addr, mapped, 12) == 0 &&
		    in6->sin6_addr.s6_addr[12] == 127 ? MHD_YES : MHD_NO;
	}
	return MHD_NO;
}

/* Watching --------------------------------------------------------- */

static int
watched(const struct watches *w, int wd)
{
	size_t	 i;

	for (i = 0; i < w->n; i++)
		if (w->v[i].wd == wd)
			return (int)i;
	return -1;
}

/* Watch dir and every folder under it (symbolic links not followed). */
static void
watch_tree(struct watches *w, const struct server *s, const char *dir)
{
	const uint32_t	 mask = IN_CLOSE_WRITE | IN_CREATE | IN_DELETE |
	    IN_MOVED_FROM | IN_MOVED_TO | IN_MODIFY | IN_ATTRIB |
	    IN_DELETE_SELF | IN_ONLYDIR;
	struct stat	 st;
	struct dirent	*de;
	DIR		*d;
	char		*real, *sub;
	int		 wd;

	if ((real = realpath(dir, NULL)) == NULL)
		return;
	/* the output may sit in a watched folder: its writes are ours */
	if (s->outreal != NULL && strcmp(real, s->outreal) == 0) {
		free(real);
		return;
	}
	free(real);
	if ((wd = inotify_add_watch(w->fd, dir, mask)) == -1)
		return;
	if (watched(w, wd) == -1) {
		if (w->n == w->cap) {
			w->cap = w->cap ? w->cap * 2 : 32;
			w->v = xreallocarray(w->v, w->cap, sizeof(*w->v));
		}
		w->v[w->n].wd = wd;
		w->v[w->n++].path = xstrdup(dir);
	}
	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0 || de->d_name[0] == '.')
			continue;
		sub = fs_join(dir, de->d_name);
		if (lstat(sub, &st) == 0 && S_ISDIR(st.st_mode))
			watch_tree(w, s, sub);
		free(sub);
	}
	closedir(d);
}

static void
watch_all(struct watches *w, const struct server *s, char *const *dirs,
    size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		watch_tree(w, s, dirs[i]);
	watch_tree(w, s, s->o->theme);
}

static void
watches_release(struct watches *w)
{
	size_t	 i;

	for (i = 0; i < w->n; i++)
		free(w->v[i].path);
	free(w->v);
	if (w->fd != -1)
		close(w->fd);
}

/*
 * Read the pending events; 1 when one of them matters (a change of a
 * file that is not hidden, or lost events), 0 otherwise.
 */
static int
drain(struct watches *w)
{
	char			 ev[8192]
	    __attribute__((aligned(__alignof__(struct inotify_event))));
	const struct inotify_event *ie;
	ssize_t			 n;
	char			*p;
	int			 change = 0;

	while ((n = read(w->fd, ev, sizeof(ev))) > 0)
		for (p = ev; p < ev + n; p += sizeof(*ie) + ie->len) {
			ie = (const struct inotify_event *)(void *)p;
			if (ie->mask & IN_Q_OVERFLOW)
				change = 1;
			else if (ie->mask & IN_IGNORED)
				continue;
			else if (ie->len == 0 || ie->name[0] != '.')
				change = 1;
		}
	return change;
}

/* Building --------------------------------------------------------- */

/*
 * One build, its diagnostics kept in diag (and printed on the
 * terminal as usual).  Returns 0 when it worked.
 */
static int
build(const struct server *s, char *const *dirs, size_t n, struct buf *diag)
{
	FILE	*tmp;
	char	 chunk[4096];
	size_t	 got;
	int	 saved = -1, rc;

	buf_truncate(diag, 0);
	fflush(stderr);
	if ((tmp = tmpfile()) != NULL && (saved = dup(STDERR_FILENO)) != -1)
		dup2(fileno(tmp), STDERR_FILENO);
	diag_errors = diag_warnings = 0;
	rc = site_run(dirs, n, s->o);
	fflush(stderr);
	if (saved != -1) {
		dup2(saved, STDERR_FILENO);
		close(saved);
		rewind(tmp);
		while ((got = fread(chunk, 1, sizeof(chunk), tmp)) > 0)
			buf_put(diag, chunk, got);
		fputs(diag->data, stderr);
	}
	if (tmp != NULL)
		fclose(tmp);
	return rc;
}

static void
rebuild(struct server *s, char *const *dirs, size_t n)
{
	struct buf	 diag = BUF_INIT;
	uint64_t	 t0 = now_ms();
	int		 ok;

	ok = build(s, dirs, n, &diag) == 0;
	if (site_interrupted) {
		/* Ctrl-C during the build: stop (the loop reads this) */
		onsignal(SIGINT);
		buf_release(&diag);
		return;
	}
	live_publish(&s->live, ok, &diag);
	buf_release(&diag);
	if (ok && !diag_quiet)
		fprintf(stderr, "binome: built in %llu ms\n",
		    (unsigned long long)(now_ms() - t0));
}

/* Set-up ----------------------------------------------------------- */

/* The simulator's folder: the theme's lms/, else the default theme's. */
static char *
lmsdir(const char *theme)
{
	char	*p, *parent;

	p = fs_join(theme, "lms");
	if (fs_isdir(p))
		return p;
	free(p);
	parent = fs_dirname(theme);
	p = fs_join(parent, "default/lms");
	free(parent);
	if (fs_isdir(p))
		return p;
	free(p);
	return xstrdup(BINOME_SHARE "/themes/default/lms");
}

/* Say why the port could not be had: try to bind it ourselves. */
static void
porterror(long port)
{
	struct sockaddr_in	 a;
	int			 fd, e = 0;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons((unsigned short)port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		e = errno;
	else {
		if (bind(fd, (struct sockaddr *)&a, sizeof(a)) == -1)
			e = errno;
		close(fd);
	}
	if (e == EADDRINUSE)
		fprintf(stderr, "binome: port %ld is already in use on "
		    "127.0.0.1; choose another with --port\n", port);
	else if (e != 0)
		fprintf(stderr, "binome: cannot listen on 127.0.0.1:%ld: %s\n",
		    port, strerror(e));
	else
		fprintf(stderr, "binome: cannot start the server on "
		    "127.0.0.1:%ld\n", port);
}

static struct MHD_Daemon *
start(struct server *s, long port)
{
	struct sockaddr_in	 a;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons((unsigned short)port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION |
	    MHD_USE_INTERNAL_POLLING_THREAD, (uint16_t)port, loopback, NULL,
	    handle, s,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&a,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)120,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned int)256,
	    MHD_OPTION_END);
}

static void
server_release(struct server *s)
{
	free(s->site);
	free(s->scorm);
	free(s->lms);
	free(s->outreal);
	live_release(&s->live);
}

/*
 * Wait for signals and changes; rebuild once the files have been
 * quiet for DEBOUNCE_MS.  Returns when SIGINT or SIGTERM arrives.
 */
static void
loop(struct server *s, struct watches *w, char *const *dirs, size_t n)
{
	struct pollfd	 pfd[2];
	int		 pending = 0, r;
	char		 c;

	for (;;) {
		pfd[0].fd = sigfd[0];
		pfd[0].events = POLLIN;
		pfd[1].fd = w->fd;
		pfd[1].events = POLLIN;
		r = poll(pfd, w->fd == -1 ? 1 : 2, pending ? DEBOUNCE_MS : -1);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			perror("binome: poll");
			return;
		}
		if (pfd[0].revents & POLLIN) {
			if (read(sigfd[0], &c, 1) == 1)
				return;
		}
		if (w->fd != -1 && (pfd[1].revents & POLLIN)) {
			if (drain(w))
				pending = 1;
			continue;
		}
		if (r == 0 && pending) {
			pending = 0;
			rebuild(s, dirs, n);
			watch_all(w, s, dirs, n);	/* new folders */
		}
	}
}

int
serve_run(char *const *dirs, size_t n, const struct opts *o, long port)
{
	struct server		 s;
	struct watches		 w;
	struct MHD_Daemon	*d;
	struct sigaction	 sa, oldint, oldterm, oldpipe;
	int			 rc = -1;

	if (lib_load(LIB_MHD) == -1 || lib_load(LIB_ZIP) == -1)
		return -1;
	memset(&s, 0, sizeof(s));
	memset(&w, 0, sizeof(w));
	w.fd = -1;
	s.o = o;
	s.site = fs_join(o->out, "site");
	s.scorm = fs_join(o->out, "scorm");
	s.lms = lmsdir(o->theme);
	live_init(&s.live);
	if (pipe(sigfd) == -1) {
		perror("binome: pipe");
		server_release(&s);
		return -1;
	}
	fcntl(sigfd[0], F_SETFD, FD_CLOEXEC);
	fcntl(sigfd[1], F_SETFD, FD_CLOEXEC);
	fcntl(sigfd[1], F_SETFL, O_NONBLOCK);
	sigaction(SIGINT, NULL, &oldint);
	sigaction(SIGTERM, NULL, &oldterm);
	catch_signals();
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, &oldpipe);

	if ((d = start(&s, port)) == NULL) {
		porterror(port);
		goto out;
	}
	fs_mkdirs(o->out);
	s.outreal = realpath(o->out, NULL);
	if ((w.fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) == -1)
		fprintf(stderr, "binome: inotify: %s; changes will not be "
		    "seen\n", strerror(errno));
	else
		watch_all(&w, &s, dirs, n);
	rebuild(&s, dirs, n);
	printf("binome: serving http://127.0.0.1:%ld/ (Ctrl-C to stop)\n",
	    port);
	printf("binome: LMS simulator at http://127.0.0.1:%ld/lms/\n", port);
	fflush(stdout);
	loop(&s, &w, dirs, n);
	fputs("binome: stopping\n", stderr);
	live_stop(&s.live);
	MHD_stop_daemon(d);
	rc = 0;
out:
	watches_release(&w);
	sigaction(SIGINT, &oldint, NULL);
	sigaction(SIGTERM, &oldterm, NULL);
	sigaction(SIGPIPE, &oldpipe, NULL);
	close(sigfd[0]);
	close(sigfd[1]);
	sigfd[0] = sigfd[1] = -1;
	server_release(&s);
	return rc;
}
