/*
 * A string-keyed hash map of longs (open addressing), for the
 * places where a linear search would make hostile input quadratic.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "extern.h"

static uint64_t
hash(const char *s)
{
	/* Eight bytes a step: FNV's one took a multiply per byte. */
	uint64_t	 h = hash_bytes(s, strlen(s));

	/* The slot takes the low bits: fold the high ones in. */
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return h;
}

/*
 * Where key is, or the free slot it would take.  Slots keep their
 * key's hash: a probe reads a key's bytes only when the hashes match,
 * and growing the map hashes nothing again.
 */
static size_t
slot(const struct strmap *m, const char *key, uint64_t h)
{
	const struct strslot *e;
	size_t		 i = (size_t)h & (m->cap - 1);

	for (;; i = (i + 1) & (m->cap - 1)) {
		e = &m->v[i];
		if (e->key == NULL ||
		    (e->hash == h && strcmp(e->key, key) == 0))
			return i;
	}
}

/* The value of key, or NULL. */
long *
strmap_get(const struct strmap *m, const char *key)
{
	size_t	 i;

	if (m->cap == 0)
		return NULL;
	i = slot(m, key, hash(key));
	return m->v[i].key != NULL ? &m->v[i].val : NULL;
}

static long	*put(struct strmap *, const char *, long, int);

/* Set key (copied) to val; returns the value's place in the map. */
long *
strmap_put(struct strmap *m, const char *key, long val)
{
	return put(m, key, val, 0);
}

/*
 * Set key, borrowed: it must outlive the map, and every key of the map
 * be lent.  Ten thousand paths are then not copied again.
 */
long *
strmap_lend(struct strmap *m, const char *key, long val)
{
	return put(m, key, val, 1);
}

static long *
put(struct strmap *m, const char *key, long val, int lend)
{
	struct strslot	*old, *e;
	size_t		 i, k, cap;
	uint64_t	 h;

	if (2 * (m->n + 1) > m->cap) {
		cap = m->cap ? m->cap * 2 : 16;
		old = m->v;
		m->v = xcalloc(cap, sizeof(*m->v));
		for (i = 0; i < m->cap; i++) {
			if (old[i].key == NULL)
				continue;
			/* Keys are unique: the first free slot is theirs. */
			for (k = (size_t)old[i].hash & (cap - 1);
			    m->v[k].key != NULL; k = (k + 1) & (cap - 1))
				continue;
			m->v[k] = old[i];
		}
		m->cap = cap;
		free(old);
	}
	h = hash(key);
	e = &m->v[slot(m, key, h)];
	if (e->key == NULL) {
		e->hash = h;
		e->key = lend ? (char *)key : xstrdup(key);
		m->borrowed = lend;
		m->n++;
	}
	e->val = val;
	return &e->val;
}

void
strmap_release(struct strmap *m)
{
	size_t	 i;

	for (i = 0; i < m->cap && !m->borrowed; i++)
		free(m->v[i].key);
	free(m->v);
	memset(m, 0, sizeof(*m));
}
