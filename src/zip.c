/*
 * Zips, written and read by binome itself.  Every zip binome writes is
 * plain: no zip64, no data descriptor, no extra field, no comment; its
 * entries sorted by name, with one time and one mode.  So an entry's
 * local record (its header and compressed data) and central record are
 * the same bytes in any zip that holds it, but for the offset of the
 * local record: a zip whose entries exist already, in the zip of the
 * last build, in the course's first package or in parts deflated on
 * other threads, is made by copying byte ranges in the order of the
 * names, then the central records with their offsets set, then the end
 * record.  zipcat_open reads the records of such a zip, and says no to
 * any other.
 */
#define _GNU_SOURCE	/* copy_file_range */
#include <sys/types.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "extern.h"

struct zrec {
	const char		*name;
	const unsigned char	*cd;	/* its central record */
	size_t			 cdlen;
	uint32_t		 loff;	/* its local record */
	uint64_t		 llen;
};

struct zipcat {
	int		 fd;	/* -1: the zip is mem */
	const unsigned char *mem;
	size_t		 memlen;
	unsigned char	*cd;	/* the central directory */
	char		*names0;	/* its names, NUL-terminated */
	struct zrec	*r;
	size_t		 n;
	struct strmap	 names;	/* name -> index in r */
};

static uint16_t
le16(const unsigned char *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t
le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static void
put16(unsigned char *p, uint32_t v)
{
	p[0] = v & 0xff;
	p[1] = (v >> 8) & 0xff;
}

static void
put32(unsigned char *p, uint32_t v)
{
	put16(p, v);
	put16(p + 2, v >> 16);
}

static int
readat(int fd, void *buf, size_t len, off_t off)
{
	ssize_t	 n;
	size_t	 got = 0;

	while (got < len) {
		n = pread(fd, (char *)buf + got, len - got, off + (off_t)got);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		got += (size_t)n;
	}
	return 0;
}

/* len bytes at off of z's zip. */
static int
fetch(const struct zipcat *z, void *buf, size_t len, uint64_t off)
{
	if (z->fd != -1)
		return readat(z->fd, buf, len, (off_t)off);
	if (off > z->memlen || len > z->memlen - off)
		return -1;
	memcpy(buf, z->mem + off, len);
	return 0;
}

void
zipcat_free(struct zipcat *z)
{
	if (z == NULL)
		return;
	if (z->fd != -1)
		close(z->fd);
	free(z->cd);
	free(z->names0);
	free(z->r);
	strmap_release(&z->names);
	free(z);
}

static int
byoff(const void *a, const void *b)
{
	const struct zrec *x = *(const struct zrec *const *)a;
	const struct zrec *y = *(const struct zrec *const *)b;

	return x->loff < y->loff ? -1 : x->loff > y->loff;
}

/* Index z's records; -1 when it is not a zip binome could write. */
static int
index_zip(struct zipcat *z, uint64_t size)
{
	unsigned char	 e[22], lh[30];
	const unsigned char *p, *end;
	uint32_t	 cdoff, cdlen, csize;
	size_t		 i, n, len;
	char		*name;
	int		 sorted = 1;

	if (size < 22 || fetch(z, e, sizeof(e), size - 22) == -1 ||
	    le32(e) != 0x06054b50 || le16(e + 20) != 0 ||
	    le16(e + 8) != le16(e + 10))
		return -1;
	n = le16(e + 10);
	cdlen = le32(e + 12);
	cdoff = le32(e + 16);
	if ((uint64_t)cdoff + cdlen + 22 != size)
		return -1;	/* zip64, or bytes we do not know */
	z->cd = xmalloc(cdlen + 1);
	if (fetch(z, z->cd, cdlen, cdoff) == -1)
		return -1;
	z->r = xcalloc(n + 1, sizeof(*z->r));
	/* Every name fits in the directory, with room for its NUL. */
	z->names0 = name = xmalloc(cdlen + 1);
	p = z->cd;
	end = z->cd + cdlen;
	for (i = 0; i < n; i++) {
		if (end - p < 46 || le32(p) != 0x02014b50 ||
		    (le16(p + 8) & 0x08) || le32(p + 20) == 0xffffffff ||
		    le32(p + 42) == 0xffffffff)
			return -1;
		len = 46 + (size_t)le16(p + 28) + le16(p + 30) + le16(p + 32);
		if ((size_t)(end - p) < len)
			return -1;
		z->r[i].cd = p;
		z->r[i].cdlen = len;
		z->r[i].loff = le32(p + 42);
		/* Lent to the map: ten thousand names, not copied twice. */
		memcpy(name, p + 46, le16(p + 28));
		name[le16(p + 28)] = '\0';
		z->r[i].name = name;
		strmap_lend(&z->names, name, (long)i);
		name += le16(p + 28) + 1;
		sorted = sorted && (i == 0 || z->r[i].loff > z->r[i - 1].loff);
		p += len;
	}
	/*
	 * The local records lie end to end, from 0 to the central
	 * directory: each runs to the next one.  Reading the headers one
	 * by one would cost a read per entry; a record whose length does
	 * not fit its header, name and data (with at most 64 KiB of extra
	 * field), or a gap, means a zip not made so: no.
	 */
	if (n > 0) {
		struct zrec **by = xcalloc(n, sizeof(*by));

		for (i = 0; i < n; i++)
			by[i] = &z->r[i];
		if (!sorted)	/* binome writes them in order */
			qsort(by, n, sizeof(*by), byoff);
		for (i = 0; i < n; i++) {
			uint32_t next = i + 1 < n ? by[i + 1]->loff : cdoff;
			uint64_t min;

			csize = le32(by[i]->cd + 20);
			min = 30 + (uint64_t)le16(by[i]->cd + 28) + csize;
			if ((i == 0 && by[i]->loff != 0) || next < by[i]->loff ||
			    next - by[i]->loff < min ||
			    next - by[i]->loff - min > 0xffff)
				break;
			by[i]->llen = next - by[i]->loff;
		}
		free(by);
		if (i < n)
			return -1;
		if (fetch(z, lh, sizeof(lh), 0) == -1 ||
		    le32(lh) != 0x04034b50)
			return -1;
	}
	z->n = n;
	return 0;
}

/* The records of the zip at path; NULL when it is not one to copy. */
struct zipcat *
zipcat_open(const char *path)
{
	struct zipcat	*z = xcalloc(1, sizeof(*z));
	off_t		 size;

	if ((z->fd = open(path, O_RDONLY)) == -1 ||
	    (size = lseek(z->fd, 0, SEEK_END)) == -1 ||
	    index_zip(z, (uint64_t)size) == -1) {
		zipcat_free(z);
		return NULL;
	}
	return z;
}

/* The same, of the zip mem[0..len), which must outlive it. */
struct zipcat *
zipcat_mem(const void *mem, size_t len)
{
	struct zipcat	*z = xcalloc(1, sizeof(*z));

	z->fd = -1;
	z->mem = mem;
	z->memlen = len;
	if (index_zip(z, len) == -1) {
		zipcat_free(z);
		return NULL;
	}
	return z;
}

size_t
zipcat_count(const struct zipcat *z)
{
	return z->n;
}

/* The name of entry i (of zipcat_count), in the zip's order. */
const char *
zipcat_name(const struct zipcat *z, size_t i)
{
	return z->r[i].name;
}

/* The index of name in z, or -1. */
long
zipcat_find(const struct zipcat *z, const char *name)
{
	long	*i;

	if (z == NULL || (i = strmap_get(&z->names, name)) == NULL)
		return -1;
	return *i;
}

/*
 * The same, for names asked in the zip's order: the record at *next
 * first, without hashing; *next then goes past the one found.
 */
long
zipcat_next(const struct zipcat *z, const char *name, size_t *next)
{
	long	 i;

	if (z != NULL && *next < z->n && strcmp(z->r[*next].name, name) == 0)
		i = (long)*next;
	else if ((i = zipcat_find(z, name)) < 0)
		return -1;
	*next = (size_t)i + 1;
	return i;
}

/* Copy len bytes at off of in to out's end. */
static int
copy(int in, off_t off, int out, uint64_t len)
{
	char	 buf[65536];
	ssize_t	 n;
	size_t	 k;

	while (len > 0) {
		n = copy_file_range(in, &off, out, NULL, (size_t)len, 0);
		if (n > 0) {
			len -= (uint64_t)n;
			continue;
		}
		if (n == -1 && errno == EINTR)
			continue;
		/* Not supported here: by hand. */
		k = len < sizeof(buf) ? (size_t)len : sizeof(buf);
		if (readat(in, buf, k, off) == -1 ||
		    fs_writeall(out, buf, k) == -1)
			return -1;
		off += (off_t)k;
		len -= k;
	}
	return 0;
}

/* Where a zip goes: a file (through b), or b alone. */
struct sink {
	int		 fd;	/* -1: into b */
	struct buf	*b;
	uint64_t	 off;	/* bytes of the zip so far */
	int		 err;
};

#define SINK_SPILL	(256u << 10)

static void
flush(struct sink *k)
{
	if (k->fd == -1 || k->b->len == 0)
		return;
	if (k->err == 0 && fs_writeall(k->fd, k->b->data, k->b->len) == -1)
		k->err = errno ? errno : EIO;
	k->b->len = 0;
}

/* Copy len bytes at off of z's zip to k. */
static void
take(struct sink *k, const struct zipcat *z, uint64_t off, uint64_t len)
{
	if (z->fd != -1 && k->fd != -1) {
		flush(k);
		if (k->err == 0 && copy(z->fd, (off_t)off, k->fd, len) == -1)
			k->err = errno ? errno : EIO;
	} else if (z->fd == -1)
		buf_put(k->b, z->mem + off, (size_t)len);
	else {
		buf_grow(k->b, (size_t)len);
		if (readat(z->fd, k->b->data + k->b->len, (size_t)len,
		    (off_t)off) == -1)
			k->err = errno ? errno : EIO;
		else
			k->b->len += (size_t)len;
	}
	k->off += len;
	if (k->b->len >= SINK_SPILL)
		flush(k);
}

/* The DOS time and date of t, from its UTC fields. */
static void
dostime(time_t t, uint32_t *tm_out, uint32_t *date)
{
	struct tm	 tm;

	if (gmtime_r(&t, &tm) == NULL)
		memset(&tm, 0, sizeof(tm));
	if (tm.tm_year < 80) {
		tm.tm_year = 80;
		tm.tm_mon = 0;
		tm.tm_mday = 1;
		tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	}
	*tm_out = (uint32_t)(tm.tm_hour << 11 | tm.tm_min << 5 |
	    tm.tm_sec / 2);
	*date = (uint32_t)((tm.tm_year - 80) << 9 | (tm.tm_mon + 1) << 5 |
	    tm.tm_mday);
}

/* Already compressed: deflate would only cost time. */
int
zip_stored(const char *name)
{
	static const char *const exts[] = { ".png", ".jpg", ".jpeg",
	    ".gif", ".webp", ".avif", ".zip", ".gz", ".mp3", ".mp4", ".m4a",
	    ".webm", ".ogg", ".oga", ".ogv", ".woff", ".woff2", NULL };
	const char	*dot = strrchr(name, '.');
	size_t		 i;
	int		 c;

	if (dot == NULL || strchr(dot, '/') != NULL)
		return 0;
	/* Most names are .html, .js, .css: none of these. */
	c = tolower((unsigned char)dot[1]);
	if (c == '\0' || strchr("pjgwazmo", c) == NULL)
		return 0;
	for (i = 0; exts[i] != NULL; i++)
		if (strcasecmp(dot, exts[i]) == 0)
			return 1;
	return 0;
}

/*
 * Files deflated ahead, by the threads that write them, while the next
 * pages render: a package then copies their bytes, which are the bytes
 * make would give.  Up to AHEAD_MAX compressed bytes are kept, so that
 * memory stays small; the others are deflated when the zip is made.
 */
#define AHEAD_MAX	(4u << 20)

struct ahead {
	uint32_t	 crc;
	size_t		 len;
	char		*data;	/* deflated */
	size_t		 dlen;
};

static struct {
	pthread_mutex_t	 mu;
	struct strmap	 idx;	/* path -> index in v */
	struct ahead	*v;
	size_t		 n, bytes;
	struct deflater	*pool[8];
	int		 npool;
} ahead = { PTHREAD_MUTEX_INITIALIZER, STRMAP_INIT, NULL,
    0, 0, { NULL }, 0 };

/* A deflater of the pool, or a new one (320 KiB to map). */
static struct deflater *
deflater_take(void)
{
	struct deflater	*d;

	pthread_mutex_lock(&ahead.mu);
	d = ahead.npool > 0 ? ahead.pool[--ahead.npool] : NULL;
	pthread_mutex_unlock(&ahead.mu);
	return d != NULL ? d : deflater_new();
}

static void
deflater_give(struct deflater *d)
{
	if (d == NULL)
		return;
	pthread_mutex_lock(&ahead.mu);
	if (ahead.npool < 8)
		ahead.pool[ahead.npool++] = d;
	else
		deflater_free(d);
	pthread_mutex_unlock(&ahead.mu);
}

void
zip_ahead(const char *path, const void *data, size_t len)
{
	struct deflater	*d;
	struct buf	 out = BUF_INIT;
	uint32_t	 crc;
	size_t		 n;

	if (len >= 0x7fffffff ||
	    __atomic_load_n(&ahead.bytes, __ATOMIC_RELAXED) >= AHEAD_MAX)
		return;
	d = deflater_take();
	crc = crc32_buf(0, data, len);
	deflate_buf(d, data, len, &out);
	deflater_give(d);
	pthread_mutex_lock(&ahead.mu);
	if (out.len < len && ahead.bytes < AHEAD_MAX) {
		n = ahead.n++;
		ahead.v = xreallocarray(ahead.v, ahead.n, sizeof(*ahead.v));
		ahead.v[n].crc = crc;
		ahead.v[n].len = len;
		ahead.v[n].data = buf_detach(&out, &ahead.v[n].dlen);
		__atomic_store_n(&ahead.bytes, ahead.bytes + ahead.v[n].dlen,
		    __ATOMIC_RELAXED);
		strmap_put(&ahead.idx, path, (long)n);
	}
	pthread_mutex_unlock(&ahead.mu);
	buf_release(&out);
}

/* What zip_ahead made of path, or NULL.  Once the writers are done. */
static const struct ahead *
ahead_of(const char *path)
{
	const struct ahead	*a = NULL;
	long			*i;

	if (path == NULL)
		return NULL;
	pthread_mutex_lock(&ahead.mu);
	if ((i = strmap_get(&ahead.idx, path)) != NULL)
		a = &ahead.v[*i];
	pthread_mutex_unlock(&ahead.mu);
	return a;
}

int
zip_ahead_has(const char *path)
{
	return ahead_of(path) != NULL;
}

/*
 * Forget every file deflated ahead.  The pool of deflaters stays, for
 * the next course: unmapping one costs the other threads a flush of
 * their address caches.
 */
void
zip_ahead_clear(void)
{
	size_t	 i;

	pthread_mutex_lock(&ahead.mu);
	for (i = 0; i < ahead.n; i++)
		free(ahead.v[i].data);
	free(ahead.v);
	ahead.v = NULL;
	ahead.n = 0;
	ahead.bytes = 0;
	strmap_release(&ahead.idx);
	pthread_mutex_unlock(&ahead.mu);
}

/*
 * Append e's local record, made from its bytes (or from what zip_ahead
 * made of them), to k, and its central record to cd.  -1 after
 * reporting.
 */
static int
make(struct sink *k, struct buf *cd, struct deflater *d,
    const struct zipin *e, uint32_t time, uint32_t date, const char *zip)
{
	struct pos	 p = { zip, 0, 0 };
	const struct ahead *a = e->store ? NULL : ahead_of(e->path);
	unsigned char	*h;
	const char	*data = e->data, *s;
	char		*own = NULL;
	size_t		 len = e->len, nlen = strlen(e->name), at, csize;
	uint32_t	 crc, flags = 0;
	int		 method = e->store ? 0 : 8;

	if (a != NULL)
		len = a->len;
	else if (e->path != NULL) {
		if (fs_read(e->path, &own, &len) == -1)
			return -1;
		data = own;
	}
	if (len >= 0x7fffffff || nlen > 0xffff) {
		free(own);
		return diag_err(&p, "'%s' is too large for a zip", e->name);
	}
	for (s = e->name; *s != '\0'; s++)
		if ((unsigned char)*s >= 0x80)
			flags = 1u << 11;	/* the name is UTF-8 */
	crc = a != NULL ? a->crc : crc32_buf(0, data, len);
	at = k->b->len;
	buf_grow(k->b, 30 + nlen);
	k->b->len += 30;
	buf_put(k->b, e->name, nlen);
	if (a != NULL)
		buf_put(k->b, a->data, a->dlen);
	else if (method == 8) {
		deflate_buf(d, data, len, k->b);
		if (k->b->len - at - 30 - nlen >= len) {
			k->b->len = at + 30 + nlen;	/* stored is smaller */
			method = 0;
		}
	}
	if (method == 0)
		buf_put(k->b, data, len);
	free(own);
	csize = k->b->len - at - 30 - nlen;
	h = (unsigned char *)k->b->data + at;
	put32(h, 0x04034b50);
	put16(h + 4, method ? 20 : 10);
	put16(h + 6, flags);
	put16(h + 8, (uint32_t)method);
	put16(h + 10, time);
	put16(h + 12, date);
	put32(h + 14, crc);
	put32(h + 18, (uint32_t)csize);
	put32(h + 22, (uint32_t)len);
	put16(h + 26, (uint32_t)nlen);
	put16(h + 28, 0);

	buf_grow(cd, 46 + nlen);
	h = (unsigned char *)cd->data + cd->len;
	put32(h, 0x02014b50);
	put16(h + 4, 3 << 8 | 20);	/* made on Unix, zip 2.0 */
	memcpy(h + 6, (unsigned char *)k->b->data + at + 4, 26);
	memset(h + 32, 0, 6);		/* comment, disk, internal */
	put32(h + 38, (uint32_t)0100644 << 16);
	put32(h + 42, (uint32_t)k->off);
	memcpy(h + 46, e->name, nlen);
	cd->len += 46 + nlen;
	k->off += 30 + nlen + csize;
	if (k->b->len >= SINK_SPILL)
		flush(k);
	return 0;
}

/*
 * Write the zip of e[0..n), in that order, to path, or, when path is
 * NULL, to *mem (reset first).  An entry with a source is copied from
 * it; the others are made from their bytes, deflated unless store is
 * set or deflate would not make them smaller.  Returns -1 after
 * reporting an error (zip names the zip in it); then path is removed.
 */
int
zip_write(const char *path, struct buf *mem, const struct zipin *e,
    size_t n, time_t mtime, const char *zip)
{
	struct pos	 p = { zip, 0, 0 };
	struct sink	 k;
	struct buf	 b = BUF_INIT, cd = BUF_INIT;
	struct deflater	*d = NULL;
	unsigned char	 end[22];
	uint32_t	 time, date, *offs;
	uint64_t	 run;
	size_t		 i, j, at;
	int		 rc = -1;

	if (n > 0xffff)
		return diag_err(&p, "%zu entries are too many for a zip "
		    "(65,535 at most)", n);
	dostime(mtime, &time, &date);
	k.fd = -1;
	k.b = mem != NULL ? mem : &b;
	k.b->len = 0;
	k.off = 0;
	k.err = 0;
	if (path != NULL && (k.fd = open(path, O_WRONLY | O_CREAT | O_TRUNC,
	    0644)) == -1)
		return diag_sys(path, "cannot create");
	offs = xcalloc(n + 1, sizeof(*offs));
	for (i = 0; i < n; i = j) {
		const struct zipcat *z = e[i].from;

		if (k.off > 0xffffffffu)
			break;
		offs[i] = (uint32_t)k.off;
		if (z == NULL) {
			if (d == NULL)
				d = deflater_take();
			if (make(&k, &cd, d, &e[i], time, date, zip) == -1)
				goto out;
			j = i + 1;
			continue;
		}
		/* A run of records that follow each other in one zip. */
		run = z->r[e[i].idx].llen;
		for (j = i + 1; j < n && e[j].from == z &&
		    z->r[e[j].idx].loff == z->r[e[i].idx].loff + run; j++) {
			offs[j] = (uint32_t)(k.off + run);
			run += z->r[e[j].idx].llen;
		}
		take(&k, z, z->r[e[i].idx].loff, run);
		for (; i < j; i++) {
			const struct zrec *r = &z->r[e[i].idx];

			at = cd.len;
			buf_put(&cd, r->cd, r->cdlen);
			put32((unsigned char *)cd.data + at + 42, offs[i]);
		}
	}
	if (k.off + cd.len > 0xffffffffu) {
		diag_err(&p, "the zip would pass 4 GiB, which needs zip64");
		goto out;
	}
	memset(end, 0, sizeof(end));
	put32(end, 0x06054b50);
	put16(end + 8, (uint32_t)n);
	put16(end + 10, (uint32_t)n);
	put32(end + 12, (uint32_t)cd.len);
	put32(end + 16, (uint32_t)k.off);
	buf_put(k.b, cd.data, cd.len);
	buf_put(k.b, end, sizeof(end));
	flush(&k);
	if (k.fd != -1 && close(k.fd) == -1 && k.err == 0)
		k.err = errno;
	k.fd = -1;
	if (k.err != 0) {
		errno = k.err;
		diag_sys(path, "cannot write");
	} else
		rc = 0;
out:
	if (k.fd != -1)
		close(k.fd);
	if (rc == -1 && path != NULL)
		unlink(path);
	deflater_give(d);
	buf_release(&b);
	buf_release(&cd);
	free(offs);
	return rc;
}
