/*
 * binome serve: a live preview (not written yet).
 */
#include <stdio.h>

#include "extern.h"

int
serve_run(char *const *dirs, size_t n, const struct opts *o, long port)
{
	(void)dirs;
	(void)n;
	(void)o;
	(void)port;
	fputs("binome: serve is not implemented yet\n", stderr);
	return -1;
}
