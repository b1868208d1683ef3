/*
 * Raw deflate (RFC 1951) and CRC-32 for the packages' entries.  LZ77
 * on hash chains, greedy, like zlib's fast levels; then each block in
 * whichever of dynamic Huffman, fixed Huffman or stored is shortest.
 * binome has its own encoder rather than zlib's through libzip: the
 * bytes depend on binome alone, not on the zlib of the machine, and a
 * build does not load libzip with libcrypto (4 to 5 ms of a small
 * build).
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "extern.h"

#define WSIZE		32768	/* the window: farthest distance + 1 */
#define WMASK		(WSIZE - 1)
#define HBITS		15
#define MINMATCH	4	/* the hash reads 4 bytes */
#define MAXMATCH	258
#define CHAIN		16
#define NICE		64
#define MAXSYM		16384	/* symbols per block */
#define MATCH		(1u << 23)	/* a symbol that is a match */

/*
 * A deflater's pages are mapped at once (mem_ready) and it is used
 * again (zip.c's pool): a first touch of a page costs more than
 * deflating a page.  The hash table's size follows the input, and prev
 * and sym are only read where they were written: a small input reads
 * little of them.
 */
struct deflater {
	uint32_t	 base;	/* positions up to it are of past inputs */
	int		 hbits;
	size_t		 nsym;
	uint32_t	 lfreq[286], dfreq[30];
	uint64_t	 acc;	/* bits not written yet */
	int		 nacc;
	unsigned char	*o;	/* where the next byte goes */
	uint32_t	 head[1u << HBITS];	/* last position of a hash */
	uint32_t	 prev[WSIZE];		/* the position before */
	uint32_t	 sym[MAXSYM];
};

static const uint16_t lbase[29] = { 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15,
    17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195,
    227, 258 };
static const uint8_t lextra[29] = { 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1,
    2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0 };
static const uint16_t dbase[30] = { 1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33,
    49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073,
    4097, 6145, 8193, 12289, 16385, 24577 };
static const uint8_t dextra[30] = { 0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4,
    5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13 };
static const uint8_t clorder[19] = { 16, 17, 18, 0, 8, 7, 9, 6, 10, 5,
    11, 4, 12, 3, 13, 2, 14, 1, 15 };

static pthread_once_t	 once = PTHREAD_ONCE_INIT;
static uint8_t		 lcode[256];		/* length - 3 -> code */
static uint8_t		 dcode[WSIZE];		/* distance - 1 -> code */
static uint8_t		 fixlen[288 + 30];	/* fixed lit/len, dist */
static uint16_t		 fixcode[288 + 30];
static uint32_t		 crctab[8][256];

static uint16_t
reverse(uint16_t c, int n)
{
	uint16_t	 r = 0;

	while (n-- > 0) {
		r = (uint16_t)(r << 1 | (c & 1));
		c >>= 1;
	}
	return r;
}

/* Canonical codes, bit-reversed for writing, from code lengths. */
static void
codes(const uint8_t *len, int n, uint16_t *code)
{
	int		 count[16] = { 0 }, i, b;
	uint16_t	 next[16], c = 0;

	for (i = 0; i < n; i++)
		count[len[i]]++;
	count[0] = 0;
	for (b = 1; b < 16; b++) {
		c = (uint16_t)((c + count[b - 1]) << 1);
		next[b] = c;
	}
	for (i = 0; i < n; i++)
		code[i] = len[i] ? reverse(next[len[i]]++, len[i]) : 0;
}

static void
init(void)
{
	uint32_t	 c;
	int		 i, k, t;

	for (i = 0; i < 29; i++)
		for (k = 0; k < 1 << lextra[i]; k++)
			lcode[lbase[i] - 3 + k] = (uint8_t)i;
	lcode[255] = 28;	/* 258 has a code of its own */
	for (i = 0; i < 30; i++)
		for (k = 0; k < 1 << dextra[i]; k++)
			dcode[dbase[i] - 1 + k] = (uint8_t)i;
	for (i = 0; i < 288; i++)
		fixlen[i] = i < 144 ? 8 : i < 256 ? 9 : i < 280 ? 7 : 8;
	for (i = 0; i < 30; i++)
		fixlen[288 + i] = 5;
	codes(fixlen, 288, fixcode);
	codes(fixlen + 288, 30, fixcode + 288);
	for (i = 0; i < 256; i++) {
		c = (uint32_t)i;
		for (k = 0; k < 8; k++)
			c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
		crctab[0][i] = c;
	}
	for (i = 0; i < 256; i++)
		for (t = 1; t < 8; t++)
			crctab[t][i] = (crctab[t - 1][i] >> 8) ^
			    crctab[0][crctab[t - 1][i] & 0xff];
}

uint32_t
crc32_buf(uint32_t crc, const void *data, size_t n)
{
	const unsigned char	*p = data;
	uint32_t		 a, b;

	pthread_once(&once, init);
	crc = ~crc;
	for (; n >= 8; p += 8, n -= 8) {
		a = crc ^ ((uint32_t)p[0] | (uint32_t)p[1] << 8 |
		    (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24);
		b = (uint32_t)p[4] | (uint32_t)p[5] << 8 |
		    (uint32_t)p[6] << 16 | (uint32_t)p[7] << 24;
		crc = crctab[7][a & 0xff] ^ crctab[6][(a >> 8) & 0xff] ^
		    crctab[5][(a >> 16) & 0xff] ^ crctab[4][a >> 24] ^
		    crctab[3][b & 0xff] ^ crctab[2][(b >> 8) & 0xff] ^
		    crctab[1][(b >> 16) & 0xff] ^ crctab[0][b >> 24];
	}
	while (n-- > 0)
		crc = crctab[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

struct deflater *
deflater_new(void)
{
	struct deflater	*d = mem_ready(sizeof(*d));

	pthread_once(&once, init);
	return d;
}

void
deflater_free(struct deflater *d)
{
	mem_unready(d, sizeof(*d));
}

/*
 * Optimal code lengths for a[0..n), sorted by ascending weight, in
 * place: Moffat and Katajainen, "In-place calculation of minimum-
 * redundancy codes" (1995).  a[0] gets the longest.
 */
static void
minredund(uint32_t *a, int n)
{
	int	 root, leaf, next, avbl, used, dpth;

	if (n == 1) {
		a[0] = 1;
		return;
	}
	a[0] += a[1];
	root = 0;
	leaf = 2;
	for (next = 1; next < n - 1; next++) {
		if (leaf >= n || a[root] < a[leaf]) {
			a[next] = a[root];
			a[root++] = (uint32_t)next;
		} else
			a[next] = a[leaf++];
		if (leaf >= n || (root < next && a[root] < a[leaf])) {
			a[next] += a[root];
			a[root++] = (uint32_t)next;
		} else
			a[next] += a[leaf++];
	}
	a[n - 2] = 0;
	for (next = n - 3; next >= 0; next--)
		a[next] = a[a[next]] + 1;
	avbl = 1;
	used = dpth = 0;
	root = n - 2;
	next = n - 1;
	while (avbl > 0) {
		while (root >= 0 && (int)a[root] == dpth) {
			used++;
			root--;
		}
		while (avbl > used) {
			a[next--] = (uint32_t)dpth;
			avbl--;
		}
		avbl = 2 * used;
		dpth++;
		used = 0;
	}
}

/* Sort k[0..m), m <= 288, keys under 2^24: radix, a byte a pass. */
static void
sortkeys(uint32_t *k, int m)
{
	uint32_t	 tmp[288], *from = k, *to = tmp, *t;
	int		 count[256], i, shift;

	for (shift = 0; shift < 24; shift += 8) {
		memset(count, 0, sizeof(count));
		for (i = 0; i < m; i++)
			count[(from[i] >> shift) & 0xff]++;
		for (i = 1; i < 256; i++)
			count[i] += count[i - 1];
		for (i = m - 1; i >= 0; i--)
			to[--count[(from[i] >> shift) & 0xff]] = from[i];
		t = from;
		from = to;
		to = t;
	}
	memcpy(k, from, (size_t)m * sizeof(*k));
}

/*
 * Code lengths of at most limit bits for freq[0..n), n <= 288.  At
 * least two symbols get a code, as inflaters want a complete code.
 */
static void
lengths(const uint32_t *freq, int n, int limit, uint8_t *len)
{
	uint32_t	 key[288], w[288], total;
	int		 num[33] = { 0 }, m = 0, i, k, l;

	memset(len, 0, (size_t)n);
	for (i = 0; i < n; i++)
		if (freq[i] > 0)
			key[m++] = freq[i] << 9 | (uint32_t)i;
	for (i = 0; m < 2; i++)
		if (freq[i] == 0)
			key[m++] = 1u << 9 | (uint32_t)i;
	/* The symbol breaks ties: the same counts, the same codes.  A
	 * count is at most MAXSYM + 1, under 2^15. */
	sortkeys(key, m);
	for (i = 0; i < m; i++)
		w[i] = key[i] >> 9;
	minredund(w, m);
	for (i = 0; i < m; i++)
		num[w[i] > 32 ? 32 : w[i]]++;
	/* Too long: fold into limit, then mend the Kraft sum (miniz). */
	for (i = limit + 1; i <= 32; i++) {
		num[limit] += num[i];
		num[i] = 0;
	}
	for (total = 0, i = limit; i > 0; i--)
		total += (uint32_t)num[i] << (limit - i);
	while (total != 1u << limit) {
		num[limit]--;
		for (i = limit - 1; i > 0; i--)
			if (num[i] > 0) {
				num[i]--;
				num[i + 1] += 2;
				break;
			}
		total--;
	}
	for (k = 0, l = limit; l > 0; l--)
		for (i = 0; i < num[l]; i++)
			len[key[k++] & 511] = (uint8_t)l;
}

static void
bits(struct deflater *d, uint32_t v, int n)
{
	d->acc |= (uint64_t)v << d->nacc;
	d->nacc += n;
	if (d->nacc >= 32) {
		d->o[0] = (unsigned char)d->acc;
		d->o[1] = (unsigned char)(d->acc >> 8);
		d->o[2] = (unsigned char)(d->acc >> 16);
		d->o[3] = (unsigned char)(d->acc >> 24);
		d->o += 4;
		d->acc >>= 32;
		d->nacc -= 32;
	}
}

/* Write out the bits, the last byte padded with zeros. */
static void
align(struct deflater *d)
{
	while (d->nacc > 0) {
		*d->o++ = (unsigned char)d->acc;
		d->acc >>= 8;
		d->nacc -= 8;
	}
	d->acc = 0;
	d->nacc = 0;
}

/* Run-length code the code lengths (RFC 1951, 3.2.7). */
static int
rle(const uint8_t *l, int n, uint8_t *sym, uint8_t *extra)
{
	int	 i = 0, k = 0, run, r;

	while (i < n) {
		for (run = 1; i + run < n && l[i + run] == l[i]; run++)
			continue;
		if (l[i] == 0 && run >= 3) {
			r = run > 138 ? 138 : run;
			sym[k] = r >= 11 ? 18 : 17;
			extra[k++] = (uint8_t)(r >= 11 ? r - 11 : r - 3);
			i += r;
		} else if (l[i] != 0 && run >= 4) {
			sym[k] = l[i];
			extra[k++] = 0;
			for (i++, run--; run >= 3; i += r, run -= r) {
				r = run > 6 ? 6 : run;
				sym[k] = 16;
				extra[k++] = (uint8_t)(r - 3);
			}
		} else {
			sym[k] = l[i++];
			extra[k++] = 0;
		}
	}
	return k;
}

/* The bits of the block's symbols with these codes, extra bits too. */
static uint64_t
cost(const struct deflater *d, const uint8_t *ll, const uint8_t *dl)
{
	uint64_t	 c = 0;
	int		 i;

	for (i = 0; i < 286; i++)
		c += (uint64_t)d->lfreq[i] * (ll[i] + (i > 256 ?
		    lextra[i - 257] : 0));
	for (i = 0; i < 30; i++)
		c += (uint64_t)d->dfreq[i] * (dl[i] + dextra[i]);
	return c;
}

static void
symbols(struct deflater *d, const uint8_t *ll, const uint16_t *lc,
    const uint8_t *dl, const uint16_t *dc)
{
	uint32_t	 s, len, dist;
	size_t		 i;
	int		 c;

	for (i = 0; i < d->nsym; i++) {
		s = d->sym[i];
		if (!(s & MATCH)) {
			bits(d, lc[s], ll[s]);
			continue;
		}
		len = (s >> 15) & 0xff;
		dist = s & WMASK;
		c = lcode[len];
		bits(d, lc[257 + c], ll[257 + c]);
		if (lextra[c])
			bits(d, len + 3 - lbase[c], lextra[c]);
		c = dcode[dist];
		bits(d, dc[c], dl[c]);
		if (dextra[c])
			bits(d, dist + 1 - dbase[c], dextra[c]);
	}
	bits(d, lc[256], ll[256]);
}

/* Write the block of the symbols gathered, which stand for raw[0..n). */
static void
block(struct deflater *d, const unsigned char *raw, size_t n, int last)
{
	uint8_t		 ll[286], dl[30], l[316], cl[19], sym[316], extra[316];
	uint16_t	 lc[286], dc[30], cc[19];
	uint32_t	 cf[19] = { 0 };
	uint64_t	 dyn, fix, raws;
	size_t		 chunk;
	int		 hlit, hdist, hclen, nrle, i;

	d->lfreq[256]++;
	lengths(d->lfreq, 286, 15, ll);
	lengths(d->dfreq, 30, 15, dl);
	for (hlit = 286; hlit > 257 && ll[hlit - 1] == 0; hlit--)
		continue;
	for (hdist = 30; hdist > 1 && dl[hdist - 1] == 0; hdist--)
		continue;
	memcpy(l, ll, (size_t)hlit);
	memcpy(l + hlit, dl, (size_t)hdist);
	nrle = rle(l, hlit + hdist, sym, extra);
	for (i = 0; i < nrle; i++)
		cf[sym[i]]++;
	lengths(cf, 19, 7, cl);
	for (hclen = 19; hclen > 4 && cl[clorder[hclen - 1]] == 0; hclen--)
		continue;

	dyn = 3 + 14 + 3 * (uint64_t)hclen + cost(d, ll, dl);
	for (i = 0; i < 19; i++)
		dyn += (uint64_t)cf[i] * (cl[i] + (i == 16 ? 2 : i == 17 ? 3 :
		    i == 18 ? 7 : 0));
	fix = 3 + cost(d, fixlen, fixlen + 288);
	raws = (n / 65535 + 1) * (3 + 7 + 32) + 8 * (uint64_t)n;

	if (raws <= dyn && raws <= fix) {
		do {
			chunk = n > 65535 ? 65535 : n;
			bits(d, last && chunk == n, 1);
			bits(d, 0, 2);
			align(d);
			d->o[0] = (unsigned char)chunk;
			d->o[1] = (unsigned char)(chunk >> 8);
			d->o[2] = (unsigned char)~chunk;
			d->o[3] = (unsigned char)(~chunk >> 8);
			memcpy(d->o + 4, raw, chunk);
			d->o += 4 + chunk;
			raw += chunk;
			n -= chunk;
		} while (n > 0);
	} else if (fix <= dyn) {
		bits(d, last, 1);
		bits(d, 1, 2);
		symbols(d, fixlen, fixcode, fixlen + 288, fixcode + 288);
	} else {
		codes(ll, 286, lc);
		codes(dl, 30, dc);
		codes(cl, 19, cc);
		bits(d, last, 1);
		bits(d, 2, 2);
		bits(d, (uint32_t)(hlit - 257), 5);
		bits(d, (uint32_t)(hdist - 1), 5);
		bits(d, (uint32_t)(hclen - 4), 4);
		for (i = 0; i < hclen; i++)
			bits(d, cl[clorder[i]], 3);
		for (i = 0; i < nrle; i++) {
			bits(d, cc[sym[i]], cl[sym[i]]);
			if (sym[i] >= 16)
				bits(d, extra[i], sym[i] == 16 ? 2 :
				    sym[i] == 17 ? 3 : 7);
		}
		symbols(d, ll, lc, dl, dc);
	}
	d->nsym = 0;
	memset(d->lfreq, 0, sizeof(d->lfreq));
	memset(d->dfreq, 0, sizeof(d->dfreq));
}

static uint32_t
hash4(const unsigned char *p, int hbits)
{
	uint32_t	 v;

	memcpy(&v, p, 4);
	return (v * 2654435761u) >> (32 - hbits);
}

/* How many bytes of a and b agree, up to max. */
static size_t
agree(const unsigned char *a, const unsigned char *b, size_t max)
{
	size_t		 n = 0;
#if defined(__GNUC__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	uint64_t	 x, y;

	for (; n + 8 <= max; n += 8) {
		memcpy(&x, a + n, 8);
		memcpy(&y, b + n, 8);
		if (x != y)
			return n + (size_t)(__builtin_ctzll(x ^ y) >> 3);
	}
#endif
	while (n < max && a[n] == b[n])
		n++;
	return n;
}

/* The bytes deflate_buf may write for n bytes at most. */
static size_t
bound(size_t n)
{
	return n + 8 * (n / 65535 + n / MAXSYM + 2) + 16;
}

/*
 * Append to out the raw deflate stream of in[0..n), n < 2^31.  The
 * same bytes in give the same bytes out, whatever d deflated before.
 */
void
deflate_buf(struct deflater *d, const void *data, size_t n, struct buf *out)
{
	const unsigned char	*in = data;
	uint32_t		 h, c, next, cur, base, chain;
	size_t			 i = 0, start = 0, best, dist, max, k, len;

	/* Positions are base + 1 + offset: a new input makes the
	 * positions of the last ones stale at once. */
	if (d->base > UINT32_MAX - WSIZE - n - 2) {
		memset(d->head, 0, sizeof(d->head));
		d->base = 0;
	}
	/* About one slot for two bytes. */
	for (d->hbits = 9; d->hbits < HBITS && 2u << d->hbits < n; d->hbits++)
		continue;
	base = d->base;
	buf_grow(out, bound(n));
	d->o = (unsigned char *)out->data + out->len;
	d->acc = 0;
	d->nacc = 0;
	while (i < n) {
		best = dist = 0;
		if (n - i >= MINMATCH) {
			h = hash4(in + i, d->hbits);
			c = d->head[h];
			cur = base + 1 + (uint32_t)i;
			d->head[h] = cur;
			d->prev[cur & WMASK] = c;
			max = n - i < MAXMATCH ? n - i : MAXMATCH;
			for (chain = CHAIN; c > base && cur - c < WSIZE &&
			    chain > 0; chain--) {
				const unsigned char *p = in + (c - base - 1);

				if (p[best] == in[i + best] &&
				    (len = agree(p, in + i, max)) > best) {
					best = len;
					dist = cur - c;
					if (len >= NICE || len == max)
						break;
				}
				if ((next = d->prev[c & WMASK]) >= c)
					break;
				c = next;
			}
		}
		if (best >= MINMATCH) {
			d->sym[d->nsym++] = MATCH | (uint32_t)(best - 3) << 15 |
			    (uint32_t)(dist - 1);
			d->lfreq[257 + lcode[best - 3]]++;
			d->dfreq[dcode[dist - 1]]++;
			for (k = i + 1; k < i + best && n - k >= MINMATCH; k++) {
				h = hash4(in + k, d->hbits);
				cur = base + 1 + (uint32_t)k;
				d->prev[cur & WMASK] = d->head[h];
				d->head[h] = cur;
			}
			i += best;
		} else {
			d->sym[d->nsym++] = in[i];
			d->lfreq[in[i]]++;
			i++;
		}
		if (d->nsym == MAXSYM && i < n) {
			block(d, in + start, i - start, 0);
			start = i;
		}
	}
	block(d, in + start, n - start, 1);
	align(d);
	out->len = (size_t)(d->o - (unsigned char *)out->data);
	if (out->len >= out->cap)
		abort();	/* bound() is wrong: never */
	out->data[out->len] = '\0';
	d->base = base + (uint32_t)n + 1;
}
