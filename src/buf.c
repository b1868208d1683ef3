/*
 * Growable byte buffers and allocation wrappers that abort on failure,
 * so that stage code has no out-of-memory paths.
 */
#include <sys/mman.h>

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "extern.h"

char buf_empty[1];

static void
oom(void)
{
	fputs("binome: out of memory\n", stderr);
	abort();
}

void *
xmalloc(size_t n)
{
	void	*p;

	if ((p = malloc(n ? n : 1)) == NULL)
		oom();
	return p;
}

void *
xcalloc(size_t n, size_t sz)
{
	void	*p;

	if ((p = calloc(n ? n : 1, sz ? sz : 1)) == NULL)
		oom();
	return p;
}

void *
xrealloc(void *p, size_t n)
{
	if ((p = realloc(p, n ? n : 1)) == NULL)
		oom();
	return p;
}

void *
xreallocarray(void *p, size_t n, size_t sz)
{
	if (sz && n > SIZE_MAX / sz)
		oom();
	return xrealloc(p, n * sz);
}

char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *
xstrndup(const char *s, size_t n)
{
	char	*p;

	p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/* The strings up to NULL, end to end. */
char *
xconcat(const char *s, ...)
{
	struct buf	 b = BUF_INIT;
	va_list		 ap;

	va_start(ap, s);
	for (; s != NULL; s = va_arg(ap, const char *))
		buf_puts(&b, s);
	va_end(ap);
	return buf_detach(&b, NULL);
}

char *
xasprintf(const char *fmt, ...)
{
	struct buf	 b = BUF_INIT;
	va_list		 ap;

	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	return buf_detach(&b, NULL);
}

/* Make room for n more bytes and the terminating NUL. */
void
buf_grow(struct buf *b, size_t n)
{
	size_t	 need, cap;

	if (n > SIZE_MAX - b->len - 1)
		oom();
	need = b->len + n + 1;
	if (need <= b->cap)
		return;
	cap = b->cap < 64 ? 64 : b->cap;
	while (cap < need)
		cap = cap > SIZE_MAX / 3 * 2 ? need : cap + cap / 2;
	if (b->cap == 0) {
		b->data = xmalloc(cap);
		b->data[0] = '\0';
	} else
		b->data = xrealloc(b->data, cap);
	b->cap = cap;
}

void
buf_put(struct buf *b, const void *p, size_t n)
{
	if (n == 0)
		return;
	if (n >= b->cap - b->len)
		buf_grow(b, n);
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void
buf_puts(struct buf *b, const char *s)
{
	buf_put(b, s, strlen(s));
}

void
buf_putc(struct buf *b, int c)
{
	/* The common case first: escaping puts one byte at a time. */
	if (b->len + 1 < b->cap) {
		b->data[b->len++] = (char)c;
		b->data[b->len] = '\0';
		return;
	}
	buf_grow(b, 1);
	b->data[b->len++] = (char)c;
	b->data[b->len] = '\0';
}

void
buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	va_list	 cp;
	int	 n;

	/* Most fit in the room there is: one pass instead of two. */
	buf_grow(b, 63);
	va_copy(cp, ap);
	n = vsnprintf(b->data + b->len, b->cap - b->len, fmt, cp);
	va_end(cp);
	if (n < 0)
		oom();
	if ((size_t)n >= b->cap - b->len) {
		buf_grow(b, (size_t)n);
		vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	}
	b->len += (size_t)n;
}

/* u in decimal, -u when neg, without printf's set-up. */
void
buf_putdec(struct buf *b, uint64_t u, int neg)
{
	char	 s[24], *p = s + sizeof(s);

	do
		*--p = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (neg)
		*--p = '-';
	buf_put(b, p, (size_t)(s + sizeof(s) - p));
}

void
buf_putl(struct buf *b, long v)
{
	buf_putdec(b, v < 0 ? -(uint64_t)v : (uint64_t)v, v < 0);
}

void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	buf_vprintf(b, fmt, ap);
	va_end(ap);
}

void
buf_truncate(struct buf *b, size_t len)
{
	if (len < b->len) {
		b->len = len;
		b->data[len] = '\0';
	}
}

/* Free the memory; the buffer is empty and reusable. */
void
buf_release(struct buf *b)
{
	if (b->cap)
		free(b->data);
	b->data = buf_empty;
	b->len = b->cap = 0;
}

/* Hand the memory to the caller, who frees it; the buffer is emptied. */
char *
buf_detach(struct buf *b, size_t *len)
{
	char	*p;

	p = b->cap ? b->data : xstrdup("");
	if (len != NULL)
		*len = b->len;
	b->data = buf_empty;
	b->len = b->cap = 0;
	return p;
}

/* A fast 64-bit hash, eight bytes a step: change detection, not crypto. */
#define HMUL	0x9e3779b97f4a7c15ULL

static uint64_t
mix(uint64_t h, uint64_t w)
{
	h ^= w * HMUL;
	h = (h << 31) | (h >> 33);
	return h * 0xbf58476d1ce4e5b9ULL;
}

void
hash_init(struct hash *h)
{
	memset(h, 0, sizeof(*h));
	h->h = 0x243f6a8885a308d3ULL;
}

void
hash_add(struct hash *h, const void *data, size_t len)
{
	const unsigned char	*p = data;
	uint64_t		 w;

	h->len += len;
	while (len > 0 && h->ntail > 0) {
		h->tail[h->ntail++] = *p++;
		len--;
		if (h->ntail == 8) {
			memcpy(&w, h->tail, 8);
			h->h = mix(h->h, w);
			h->ntail = 0;
		}
	}
	for (; len >= 8; p += 8, len -= 8) {
		memcpy(&w, p, 8);
		h->h = mix(h->h, w);
	}
	while (len-- > 0)
		h->tail[h->ntail++] = *p++;
}

uint64_t
hash_end(struct hash *h)
{
	uint64_t	 w = 0;

	memcpy(&w, h->tail, h->ntail);
	return mix(mix(h->h, w), h->len ^ ((uint64_t)h->ntail << 56));
}

uint64_t
hash_bytes(const void *data, size_t len)
{
	struct hash	 h;

	hash_init(&h);
	hash_add(&h, data, len);
	return hash_end(&h);
}

/*
 * len bytes, zeroed, their pages in place at once: mapping them in one
 * call costs about a tenth of their first touches one by one here (see
 * mem_huge).  For memory that is used at once and kept.
 */
#if defined(MAP_POPULATE) && !defined(__SANITIZE_ADDRESS__)
void *
mem_ready(size_t len)
{
	void	*p;

	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE |
	    MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (p == MAP_FAILED)
		oom();
	return p;
}

void
mem_unready(void *p, size_t len)
{
	if (p != NULL)
		munmap(p, len);
}
#else
/* Elsewhere, and where ASan should see the bounds: the heap. */
void *
mem_ready(size_t len)
{
	return xcalloc(1, len);
}

void
mem_unready(void *p, size_t len)
{
	(void)len;
	free(p);
}
#endif

static size_t	 warmed;	/* bytes of heap mem_warm put in place */

/*
 * For a build that is not known to be large: the heap's next len bytes
 * in place at once (mem_ready), as a small build touches some hundreds
 * of heap pages, and blocks up to 16 MiB from the heap, kept when
 * freed, so that they are used again rather than faulted in anew.
 */
void
mem_warm(size_t len)
{
#if defined(M_MMAP_THRESHOLD) && defined(MADV_POPULATE_WRITE)
	uintptr_t	 a, b;
	char		*p;

	if (warmed > 0)
		return;
	mallopt(M_MMAP_THRESHOLD, 16 << 20);
	mallopt(M_TRIM_THRESHOLD, 64 << 20);
	if ((p = malloc(len)) == NULL)
		return;
	a = ((uintptr_t)p + 4095) & ~(uintptr_t)4095;
	b = ((uintptr_t)p + len) & ~(uintptr_t)4095;
	if (b > a)
		madvise((void *)a, b - a, MADV_POPULATE_WRITE);	/* or not */
	free(p);
	warmed = len;
#else
	(void)len;
#endif
}

/*
 * For a large build: a first touch of a page costs some 12 µs on the
 * virtual machines we measure on, and a 2 MiB page little more than a
 * 4 KiB one, so a build that touches 40 MB of heap would spend more
 * time in faults than at work.  From here on the heap grows in steps of
 * 64 MiB where the kernel may use huge pages (transparent huge pages,
 * "madvise" on Debian), and large blocks come from it.  A small build
 * does without: zeroing a huge page would cost it more than it saves.
 */
void
mem_huge(void)
{
#ifdef M_MMAP_THRESHOLD
	const uintptr_t		 huge = (uintptr_t)2 << 20;
	static void *volatile	 keep;	/* never freed, never touched */
	const size_t		 first = warmed + (1 << 20);
	uintptr_t		 end, to;
	char			*p;

	if (keep != NULL)
		return;
	mallopt(M_MMAP_THRESHOLD, 32 << 20);
	mallopt(M_TRIM_THRESHOLD, 128 << 20);
	mallopt(M_TOP_PAD, 64 << 20);
	/* A block larger than the top: the heap grows, by the pad. */
	if ((p = malloc(first)) == NULL)
		return;
	to = (uintptr_t)sbrk(0);
	/*
	 * Its headers were written before the advice: the huge pages that
	 * held them are 4 KiB pages now.  Blocks start past them.
	 */
	end = ((uintptr_t)p + first + 64 + huge - 1) & ~(huge - 1);
#ifdef MADV_HUGEPAGE
	if (to > end)
		madvise((void *)end, to - end, MADV_HUGEPAGE);
#endif
	free(p);
	keep = malloc(end - (uintptr_t)p);
#endif
}
