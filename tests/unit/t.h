/*
 * A tiny test harness: each check prints "ok" or "not ok" with its
 * place, and the runner counts them.  A file's main() returns non-zero
 * when any check failed.
 */
#include <stdio.h>
#include <string.h>

static int t_failed, t_count;

#define T_OK(cond, name) do {						\
	t_count++;							\
	if (cond)							\
		printf("ok %d - %s\n", t_count, (name));		\
	else {								\
		t_failed++;						\
		printf("not ok %d - %s (%s:%d)\n", t_count, (name),	\
		    __FILE__, __LINE__);				\
	}								\
} while (0)

#define T_STREQ(got, want, name) do {					\
	const char *t_g = (got), *t_w = (want);				\
	T_OK(t_g != NULL && strcmp(t_g, t_w) == 0, (name));		\
	if (t_g == NULL || strcmp(t_g, t_w) != 0)			\
		printf("#   got:  \"%s\"\n#   want: \"%s\"\n",		\
		    t_g ? t_g : "(null)", t_w);				\
} while (0)

#define T_DONE() return t_failed != 0
