/*
 * Files written by threads while the caller renders the next pages: on
 * this kind of machine, creating ten thousand small files costs more
 * than converting their Markdown.  The queue is bounded, so memory
 * stays flat; the first failure is reported when the writers are
 * joined, by the caller's thread, so diagnostics are never interleaved.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "extern.h"

#define QUEUE_MAX	64

struct job {
	char	*path;
	char	*data;
	size_t	 len;
	int	 ahead;	/* zip_ahead it too */
};

struct writer {
	pthread_mutex_t	 mu;
	pthread_cond_t	 more, room;
	struct job	 q[QUEUE_MAX];
	size_t		 head, n;
	int		 closing;
	pthread_t	*th;
	int		 nth;
	/* The first failure. */
	int		 failed, err;
	char		*path, *where;
	const char	*what;
};

static void
run(struct writer *w, struct job *j)
{
	const char	*what;
	char		*where;
	int		 e;

	if (fs_write_quiet(j->path, j->data, j->len, &what, &where) == -1) {
		e = errno;
		pthread_mutex_lock(&w->mu);
		if (!w->failed) {
			w->failed = 1;
			w->err = e;
			w->what = what;
			w->path = j->path;
			w->where = where;
			j->path = where = NULL;
		}
		pthread_mutex_unlock(&w->mu);
		free(where);
	} else if (j->ahead)
		zip_ahead(j->path, j->data, j->len);
	free(j->path);
	free(j->data);
}

static void *
loop(void *arg)
{
	struct writer	*w = arg;
	struct job	 j;

	pthread_mutex_lock(&w->mu);
	for (;;) {
		while (w->n == 0 && !w->closing)
			pthread_cond_wait(&w->more, &w->mu);
		if (w->n == 0)
			break;
		j = w->q[w->head];
		w->head = (w->head + 1) % QUEUE_MAX;
		w->n--;
		pthread_cond_signal(&w->room);
		pthread_mutex_unlock(&w->mu);
		run(w, &j);
		pthread_mutex_lock(&w->mu);
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

/* Writers on threads threads; with 0, writer_put writes at once. */
struct writer *
writer_new(int threads)
{
	struct writer	*w = xcalloc(1, sizeof(*w));
	int		 i;

	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->more, NULL);
	pthread_cond_init(&w->room, NULL);
	w->th = threads > 0 ? xcalloc((size_t)threads, sizeof(*w->th)) : NULL;
	for (i = 0; i < threads; i++)
		if (pthread_create(&w->th[w->nth], NULL, loop, w) == 0)
			w->nth++;
	return w;
}

/*
 * Write data (len bytes) to path, and zip_ahead it when ahead is set;
 * path and data are the writer's now.  With no writer, at once, and a
 * failure is reported at once.
 */
void
writer_put(struct writer *w, char *path, char *data, size_t len, int ahead)
{
	struct job	 j = { path, data, len, ahead };

	if (w == NULL) {
		if (fs_write(path, data, len) == 0 && ahead)
			zip_ahead(path, data, len);
		free(path);
		free(data);
		return;
	}
	if (w->nth == 0) {
		run(w, &j);
		return;
	}
	pthread_mutex_lock(&w->mu);
	while (w->n == QUEUE_MAX)
		pthread_cond_wait(&w->room, &w->mu);
	w->q[(w->head + w->n) % QUEUE_MAX] = j;
	w->n++;
	pthread_cond_signal(&w->more);
	pthread_mutex_unlock(&w->mu);
}

/* Wait for every file; report the first failure.  Frees w. */
int
writer_end(struct writer *w)
{
	int	 i, rc = 0;

	pthread_mutex_lock(&w->mu);
	w->closing = 1;
	pthread_cond_broadcast(&w->more);
	pthread_mutex_unlock(&w->mu);
	if (w->nth > 0)
		loop(w);	/* the caller empties the queue too */
	for (i = 0; i < w->nth; i++)
		pthread_join(w->th[i], NULL);
	if (w->failed) {
		errno = w->err;
		rc = fs_write_report(w->path, w->what, w->where);
	}
	free(w->path);
	free(w->th);
	pthread_cond_destroy(&w->more);
	pthread_cond_destroy(&w->room);
	pthread_mutex_destroy(&w->mu);
	free(w);
	return rc;
}

/*
 * Some work of the caller's on a thread of its own, while the caller
 * goes on: fn(arg), with what it returns kept for aside_join.  With
 * threads 0, or no thread to be had, at once.
 */
struct aside {
	pthread_t	 t;
	int		 started;
	void		*ret;
};

struct aside *
aside_start(int threads, void *(*fn)(void *), void *arg)
{
	struct aside	*a = xcalloc(1, sizeof(*a));

	if (threads > 0 && pthread_create(&a->t, NULL, fn, arg) == 0)
		a->started = 1;
	else
		a->ret = fn(arg);
	return a;
}

/* Wait for the work; what fn returned.  Frees a. */
void *
aside_join(struct aside *a)
{
	void	*ret;

	if (a->started)
		pthread_join(a->t, &a->ret);
	ret = a->ret;
	free(a);
	return ret;
}
