/*
 * Join zips by copying their records.  A zip entry's local record (its
 * header and compressed data) and central record are the same bytes in
 * any zip that libzip writes with the same settings, but for the offset
 * of the local record: so a zip whose entries all exist already, in the
 * zip of the last build or in zips deflated on other threads, is made
 * by copying byte ranges, in the order of the names, then the central
 * records with their offsets set, then the end record.  Only plain zips
 * (no zip64, no data descriptors, no comments) are joined; for anything
 * else zipcat_open says no, and libzip does the work.
 */
#define _GNU_SOURCE	/* copy_file_range */
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "extern.h"

struct zrec {
	const unsigned char	*cd;	/* its central record */
	size_t			 cdlen;
	uint32_t		 loff;	/* its local record */
	uint64_t		 llen;
};

struct zipcat {
	int		 fd;
	unsigned char	*cd;	/* the central directory */
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

void
zipcat_free(struct zipcat *z)
{
	if (z == NULL)
		return;
	if (z->fd != -1)
		close(z->fd);
	free(z->cd);
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

/* Index the zip at path; NULL when it cannot be joined so. */
struct zipcat *
zipcat_open(const char *path)
{
	struct zipcat	*z;
	unsigned char	 e[22], lh[30];
	const unsigned char *p, *end;
	off_t		 size;
	uint32_t	 cdoff, cdlen, csize;
	size_t		 i, n, len;
	char		*name;

	z = xcalloc(1, sizeof(*z));
	if ((z->fd = open(path, O_RDONLY)) == -1 ||
	    (size = lseek(z->fd, 0, SEEK_END)) < 22 ||
	    readat(z->fd, e, sizeof(e), size - 22) == -1 ||
	    le32(e) != 0x06054b50 || le16(e + 20) != 0 ||
	    le16(e + 8) != le16(e + 10))
		goto no;
	n = le16(e + 10);
	cdlen = le32(e + 12);
	cdoff = le32(e + 16);
	if ((off_t)cdoff + cdlen + 22 != size)
		goto no;	/* zip64, or bytes we do not know */
	z->cd = xmalloc(cdlen + 1);
	if (readat(z->fd, z->cd, cdlen, cdoff) == -1)
		goto no;
	z->r = xcalloc(n + 1, sizeof(*z->r));
	p = z->cd;
	end = z->cd + cdlen;
	for (i = 0; i < n; i++) {
		if (end - p < 46 || le32(p) != 0x02014b50 ||
		    (le16(p + 8) & 0x08) || le32(p + 20) == 0xffffffff ||
		    le32(p + 42) == 0xffffffff)
			goto no;
		len = 46 + (size_t)le16(p + 28) + le16(p + 30) + le16(p + 32);
		if ((size_t)(end - p) < len)
			goto no;
		z->r[i].cd = p;
		z->r[i].cdlen = len;
		z->r[i].loff = le32(p + 42);
		name = xstrndup((const char *)p + 46, le16(p + 28));
		strmap_put(&z->names, name, (long)i);
		free(name);
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
			goto no;
		if (readat(z->fd, lh, sizeof(lh), 0) == -1 ||
		    le32(lh) != 0x04034b50)
			goto no;
	}
	z->n = n;
	return z;
no:
	zipcat_free(z);
	return NULL;
}

size_t
zipcat_count(const struct zipcat *z)
{
	return z->n;
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

static int
put(int fd, const void *data, size_t len)
{
	const char	*p = data;
	ssize_t		 n;

	while (len > 0) {
		if ((n = write(fd, p, len)) == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
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
		if (readat(in, buf, k, off) == -1 || put(out, buf, k) == -1)
			return -1;
		off += (off_t)k;
		len -= k;
	}
	return 0;
}

/*
 * Write the zip path: entry i is entry idx[i] of src[i].  Returns -1
 * after reporting an error, 1 (quietly) when the result would need
 * zip64: then nothing is written.
 */
int
zipcat_write(const char *path, struct zipcat *const *src, const long *idx,
    size_t n)
{
	unsigned char	 e[22], *cd;
	uint64_t	 off = 0, cdlen = 0, run;
	uint32_t	*offs;
	size_t		 i, j;
	int		 fd;

	if (n > 0xffff)
		return 1;
	for (i = 0; i < n; i++) {
		off += src[i]->r[idx[i]].llen;
		cdlen += src[i]->r[idx[i]].cdlen;
	}
	if (off + cdlen >= 0xffffffffu)
		return 1;
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644)) == -1)
		return diag_sys(path, "cannot create");
	offs = xcalloc(n + 1, sizeof(*offs));
	off = 0;
	for (i = 0; i < n; i = j) {
		/* A run of records that follow each other in one source. */
		const struct zrec *r = &src[i]->r[idx[i]];

		run = r->llen;
		for (j = i + 1; j < n && src[j] == src[i] &&
		    src[j]->r[idx[j]].loff == r->loff + run; j++)
			run += src[j]->r[idx[j]].llen;
		if (copy(src[i]->fd, r->loff, fd, run) == -1)
			goto fail;
		for (; i < j; i++) {
			offs[i] = (uint32_t)off;
			off += src[i]->r[idx[i]].llen;
		}
	}
	cd = xmalloc(cdlen + 1);
	for (cdlen = 0, i = 0; i < n; i++) {
		const struct zrec *r = &src[i]->r[idx[i]];

		memcpy(cd + cdlen, r->cd, r->cdlen);
		put32(cd + cdlen + 42, offs[i]);
		cdlen += r->cdlen;
	}
	memset(e, 0, sizeof(e));
	put32(e, 0x06054b50);
	put16(e + 8, (uint32_t)n);
	put16(e + 10, (uint32_t)n);
	put32(e + 12, (uint32_t)cdlen);
	put32(e + 16, (uint32_t)off);
	if (put(fd, cd, cdlen) == -1 || put(fd, e, sizeof(e)) == -1) {
		free(cd);
		goto fail;
	}
	free(cd);
	free(offs);
	if (close(fd) == -1)
		return diag_sys(path, "cannot write");
	return 0;
fail:
	diag_sys(path, "cannot write");
	free(offs);
	close(fd);
	unlink(path);
	return -1;
}
