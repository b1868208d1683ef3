/*
 * File system helpers: paths, whole-file read and write, directories.
 * System errors are reported with diag_sys() and return -1.
 */
#include <sys/mman.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "extern.h"

/* Join a and b with one slash; the caller frees. */
char *
fs_join(const char *a, const char *b)
{
	size_t	 la = strlen(a);

	if (la == 0 || b[0] == '/')
		return xstrdup(b);
	return xconcat(a, a[la - 1] == '/' ? "" : "/", b, (char *)NULL);
}

/* The directory part of p ("." when there is none); the caller frees. */
char *
fs_dirname(const char *p)
{
	const char	*s = strrchr(p, '/');

	if (s == NULL)
		return xstrdup(".");
	if (s == p)
		return xstrdup("/");
	return xstrndup(p, (size_t)(s - p));
}

const char *
fs_basename(const char *p)
{
	const char	*s = strrchr(p, '/');

	return s == NULL ? p : s + 1;
}

/*
 * Resolve "." and ".." lexically in a relative path.  Returns NULL when
 * the path climbs above its start or is absolute: callers refuse those.
 */
char *
fs_normalize(const char *p)
{
	struct buf	 b = BUF_INIT;
	const char	*s, *e;
	size_t		 n;

	if (p[0] == '/')
		return NULL;
	for (s = p; *s != '\0'; s = *e ? e + 1 : e) {
		if ((e = strchr(s, '/')) == NULL)
			e = s + strlen(s);
		n = (size_t)(e - s);
		if (n == 0 || (n == 1 && s[0] == '.'))
			continue;
		if (n == 2 && s[0] == '.' && s[1] == '.') {
			char *slash;

			if (b.len == 0) {
				buf_release(&b);
				return NULL;
			}
			slash = strrchr(b.data, '/');
			buf_truncate(&b, slash ? (size_t)(slash - b.data) : 0);
			continue;
		}
		if (b.len)
			buf_putc(&b, '/');
		buf_put(&b, s, n);
	}
	return buf_detach(&b, NULL);
}

/*
 * The relative path from directory from to file to, both relative to
 * the same root and normalised ("" is the root): from "a/b" to
 * "a/c/d.html" is "../c/d.html".  The caller frees.
 */
char *
fs_relpath(const char *from, const char *to)
{
	struct buf	 b = BUF_INIT;
	size_t		 i = 0, common = 0;
	const char	*s;

	/* The longest common run of whole directory names. */
	for (;;) {
		if (from[i] == '\0') {
			if (to[i] == '/')
				common = i + 1;
			break;
		}
		if (from[i] != to[i])
			break;
		if (from[i] == '/')
			common = i + 1;
		i++;
	}
	if (from[0] != '\0' && !(from[i] == '\0' && to[i] == '/'))
		for (s = from + common, buf_puts(&b, "../"); *s != '\0'; s++)
			if (*s == '/')
				buf_puts(&b, "../");
	buf_puts(&b, to + common);
	return buf_detach(&b, NULL);
}

/* Is path, with every symbolic link resolved, inside dir? */
int
fs_inside(const char *dir, const char *path)
{
	char	*d, *p;
	size_t	 n;
	int	 in;

	if ((d = realpath(dir, NULL)) == NULL)
		return 0;
	if ((p = realpath(path, NULL)) == NULL) {
		free(d);
		return 0;
	}
	n = strlen(d);
	in = strncmp(d, p, n) == 0 && (p[n] == '/' || p[n] == '\0');
	free(d);
	free(p);
	return in;
}

int
fs_isdir(const char *p)
{
	struct stat	 st;

	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

int
fs_isfile(const char *p)
{
	struct stat	 st;

	return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/*
 * Read a whole regular file, NUL-terminated; *data is the caller's.
 * Files over FS_MAXFILE are refused.
 */
int
fs_read(const char *path, char **data, size_t *len)
{
	const char	*what;

	if (fs_read_quiet(path, data, len, &what) == 0)
		return 0;
	if (errno == EFBIG) {
		struct pos p = { path, 0, 0 };

		return diag_err(&p, "file is larger than %u MiB",
		    FS_MAXFILE >> 20);
	}
	return diag_sys(path, "%s", what);
}

/*
 * fs_read without a word, for files binome wrote itself (its records)
 * or only hashes: -1 with errno set (EFBIG: over FS_MAXFILE) and *what
 * saying what failed.
 */
int
fs_read_quiet(const char *path, char **data, size_t *len, const char **what)
{
	struct stat	 st;
	struct buf	 b = BUF_INIT;
	ssize_t		 n;
	int		 fd, e;

	*what = "cannot open";
	if ((fd = open(path, O_RDONLY)) == -1)
		return -1;
	*what = "cannot stat";
	if (fstat(fd, &st) == -1)
		goto fail;
	*what = "not a regular file";
	errno = EINVAL;
	if (!S_ISREG(st.st_mode))
		goto fail;
	errno = EFBIG;
	if ((uintmax_t)st.st_size > FS_MAXFILE)
		goto fail;
	/* Exactly the size, plus one byte to see the end: ten thousand
	 * lessons stay in memory while a course builds. */
	b.cap = (size_t)st.st_size + 2;
	b.data = xmalloc(b.cap);
	b.data[0] = '\0';
	*what = "cannot read";
	for (;;) {
		if (b.cap - b.len - 1 == 0)
			buf_grow(&b, 4096);
		n = read(fd, b.data + b.len, b.cap - b.len - 1);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			goto fail;
		if (n == 0)
			break;
		b.len += (size_t)n;
		b.data[b.len] = '\0';
		errno = EFBIG;
		if (b.len > FS_MAXFILE)
			goto fail;
	}
	close(fd);
	*data = buf_detach(&b, len);
	return 0;
fail:
	e = errno;
	close(fd);
	buf_release(&b);
	errno = e;
	return -1;
}

/* A stat's modification time in nanoseconds. */
int64_t
fs_mtime(const struct stat *st)
{
	return (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec;
}

/*
 * mkdir -p without a word: -1 with errno set, *failed the directory
 * that could not be made (a copy of part of path, for the caller to
 * free) .
 */
static int
mkdirs(const char *path, char **failed)
{
	char	*p, *s;
	int	 e;

	*failed = NULL;
	if (*path == '\0' || fs_isdir(path))
		return 0;
	p = xstrdup(path);
	for (s = p + 1; ; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		e = *s;
		*s = '\0';
		if (mkdir(p, 0755) == -1 && errno != EEXIST) {
			*failed = p;
			return -1;
		}
		if (e == '\0')
			break;
		*s = '/';
	}
	free(p);
	return 0;
}

/* Create path for writing, and its directory if need be; quietly. */
static int
create(const char *path, const char **what, char **where)
{
	char	*dir;
	int	 fd, rc;

	*where = NULL;
	*what = "cannot create";
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644)) != -1)
		return fd;
	if (errno != ENOENT)
		return -1;
	dir = fs_dirname(path);
	rc = mkdirs(dir, where);
	free(dir);
	if (rc == -1) {
		*what = "cannot create directory";
		return -1;
	}
	return open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
}

/* Write all of data to fd; -1 with errno set on failure. */
int
fs_writeall(int fd, const void *data, size_t len)
{
	const char	*p = data;
	ssize_t		 n;

	while (len > 0) {
		if ((n = write(fd, p, len)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0) {
			errno = EIO;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * Write a whole file, creating its directory, without a word (for
 * threads): -1 with errno set, *what saying what failed and *where
 * (when not NULL, to free) the directory that could not be made.
 */
int
fs_write_quiet(const char *path, const void *data, size_t len,
    const char **what, char **where)
{
	int	 fd, e;

	if ((fd = create(path, what, where)) == -1)
		return -1;
	*what = "cannot write";
	if (fs_writeall(fd, data, len) == -1) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return close(fd);
}

/*
 * Map a file binome wrote itself, read-only, quietly: what its reader
 * keeps points into the page cache instead of a copy on the heap, a
 * copy that costs a large build its first touch of every page.  binome
 * replaces its records by rename, never in place, so a mapping stays
 * whole.  -1 when it cannot (an empty file included).
 */
int
fs_map(const char *path, const char **data, size_t *len)
{
	struct stat	 st;
	void		*p = MAP_FAILED;
	int		 fd;

	if ((fd = open(path, O_RDONLY)) == -1)
		return -1;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
	    (uintmax_t)st.st_size <= FS_MAXFILE)
		p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE,
		    fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return -1;
	*data = p;
	*len = (size_t)st.st_size;
	return 0;
}

void
fs_unmap(const char *data, size_t len)
{
	if (data != NULL)
		munmap((void *)data, len);
}

/* Report a failure of fs_write_quiet; returns -1. */
int
fs_write_report(const char *path, const char *what, char *where)
{
	int	 rc;

	rc = diag_sys(where != NULL ? where : path, "%s", what);
	free(where);
	return rc;
}

/*
 * A record written as it is made: its buffer goes to the file each
 * time it passes FS_SPILL bytes, so that a large record never stands
 * whole in memory.  Quiet until fs_spill_close, which reports the first
 * failure and returns -1.
 */
#define FS_SPILL	(256u << 10)

void
fs_spill_open(struct fs_spill *w, const char *path)
{
	memset(w, 0, sizeof(*w));
	w->b = (struct buf)BUF_INIT;
	if ((w->fd = create(path, &w->what, &w->where)) == -1)
		w->err = errno;
}

/* Write out the buffer; the first failure is kept. */
static void
spill(struct fs_spill *w)
{
	if (w->err == 0 && w->b.len > 0 &&
	    fs_writeall(w->fd, w->b.data, w->b.len) == -1) {
		w->err = errno;
		w->what = "cannot write";
	}
	w->b.len = 0;
}

void
fs_spill(struct fs_spill *w)
{
	if (w->b.len >= FS_SPILL)
		spill(w);
}

/*
 * Add bytes that stay where they are until the file is closed: a large
 * run is written from its place, not copied through the buffer (its
 * pages would be new memory, and a first touch of a page is dear).
 */
void
fs_spill_put(struct fs_spill *w, const void *p, size_t n)
{
	if (n < FS_SPILL / 4) {
		buf_put(&w->b, p, n);
		fs_spill(w);
		return;
	}
	spill(w);
	if (w->err == 0 && fs_writeall(w->fd, p, n) == -1) {
		w->err = errno;
		w->what = "cannot write";
	}
}

int
fs_spill_close(struct fs_spill *w, const char *path)
{
	spill(w);
	if (w->fd != -1 && close(w->fd) == -1 && w->err == 0) {
		w->err = errno;
		w->what = "cannot write";
	}
	buf_release(&w->b);
	if (w->err == 0)
		return 0;
	errno = w->err;
	return fs_write_report(path, w->what, w->where);
}

/*
 * rename(from, to) where to may exist: moved to aside first (left for
 * the caller to remove), or removed when aside is NULL.  On ext4 a
 * rename that replaces a file starts writing from's data back and waits
 * for the disk (auto_da_alloc): up to 24 ms for a 28 MB package, where
 * a rename onto no file costs nothing.  -1 with errno set on failure,
 * the old to put back from aside.
 */
int
fs_replace(const char *from, const char *to, const char *aside)
{
	int	 e;

	if (aside != NULL ? rename(to, aside) == -1 : unlink(to) == -1)
		if (errno != ENOENT)
			return -1;
	if (rename(from, to) == 0)
		return 0;
	e = errno;
	if (aside != NULL)
		rename(aside, to);
	errno = e;
	return -1;
}

/* Write a whole file, creating its directory; every write is checked. */
int
fs_write(const char *path, const void *data, size_t len)
{
	const char	*what;
	char		*where;

	if (fs_write_quiet(path, data, len, &what, &where) == -1)
		return fs_write_report(path, what, where);
	return 0;
}

/* mkdir -p */
int
fs_mkdirs(const char *path)
{
	char	*failed;

	if (mkdirs(path, &failed) == -1) {
		diag_sys(failed, "cannot create directory");
		free(failed);
		return -1;
	}
	return 0;
}

/* rm -rf, without following symbolic links. */
int
fs_rmtree(const char *path)
{
	struct stat	 st;
	char		**names, *p;
	size_t		 i, n;
	int		 rc = 0;

	if (lstat(path, &st) == -1)
		return errno == ENOENT ? 0 : diag_sys(path, "cannot stat");
	if (!S_ISDIR(st.st_mode))
		return unlink(path) == -1 ? diag_sys(path, "cannot remove") : 0;
	if ((names = fs_list(path, &n)) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		p = fs_join(path, names[i]);
		if (fs_rmtree(p) == -1)
			rc = -1;
		free(p);
	}
	fs_list_free(names, n);
	if (rmdir(path) == -1)
		return diag_sys(path, "cannot remove");
	return rc;
}

/* Copy a file of any size, a block at a time (videos may be large). */
int
fs_copy(const char *from, const char *to)
{
	char	 block[65536];
	ssize_t	 n, w;
	int	 in, out;

	if ((in = open(from, O_RDONLY)) == -1)
		return diag_sys(from, "cannot open");
	if (fs_write(to, "", 0) == -1 ||
	    (out = open(to, O_WRONLY | O_TRUNC)) == -1) {
		close(in);
		return -1;
	}
	for (;;) {
		if ((n = read(in, block, sizeof(block))) == -1) {
			if (errno == EINTR)
				continue;
			diag_sys(from, "cannot read");
			break;
		}
		if (n == 0) {
			close(in);
			if (close(out) == -1)
				return diag_sys(to, "cannot write");
			return 0;
		}
		for (w = 0; w < n; ) {
			ssize_t k = write(out, block + w, (size_t)(n - w));

			if (k == -1 && errno == EINTR)
				continue;
			if (k == -1) {
				diag_sys(to, "cannot write");
				close(in);
				close(out);
				return -1;
			}
			w += k;
		}
	}
	close(in);
	close(out);
	return -1;
}

static int
namecmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * The names in a directory but "." and "..", sorted bytewise so that
 * every walk is deterministic; free with fs_list_free().
 */
char **
fs_list(const char *path, size_t *np)
{
	DIR		*d;
	struct dirent	*de;
	char		**v = NULL;
	size_t		 n = 0, cap = 0;

	if ((d = opendir(path)) == NULL) {
		diag_sys(path, "cannot open directory");
		return NULL;
	}
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			v = xreallocarray(v, cap, sizeof(*v));
		}
		v[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (v == NULL)
		v = xcalloc(1, sizeof(*v));
	qsort(v, n, sizeof(*v), namecmp);
	*np = n;
	return v;
}

void
fs_list_free(char **v, size_t n)
{
	size_t	 i;

	if (v == NULL)
		return;
	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}
