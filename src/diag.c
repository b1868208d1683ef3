/*
 * Diagnostics: "file:line:col: error: message", counted so that a run
 * reports every mistake, then exits 1.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "extern.h"

int		 diag_quiet;
int		 diag_werror;
int		 diag_json;
int		 diag_mute;
unsigned	 diag_errors, diag_warnings;
struct buf	*diag_record;

static void
emit(const struct pos *p, const char *level, const char *fmt, va_list ap)
{
	struct buf	 msg = BUF_INIT, out = BUF_INIT;

	if (diag_mute)
		return;
	buf_vprintf(&msg, fmt, ap);
	if (diag_json) {
		buf_puts(&out, "{\"file\":\"");
		if (p != NULL && p->file != NULL)
			esc_json(&out, p->file, strlen(p->file));
		buf_printf(&out, "\",\"line\":%u,\"column\":%u,"
		    "\"severity\":\"%s\",\"message\":\"",
		    p ? p->line : 0, p ? p->col : 0, level);
		esc_json(&out, msg.data, msg.len);
		buf_puts(&out, "\"}\n");
	} else {
		if (p != NULL && p->file != NULL) {
			buf_puts(&out, p->file);
			if (p->line) {
				buf_printf(&out, ":%u", p->line);
				if (p->col)
					buf_printf(&out, ":%u", p->col);
			}
			buf_puts(&out, ": ");
		} else
			buf_puts(&out, "binome: ");
		buf_printf(&out, "%s: %s\n", level, msg.data);
	}
	fputs(out.data, stderr);
	if (diag_record != NULL)
		buf_put(diag_record, out.data, out.len);
	buf_release(&out);
	buf_release(&msg);
}

/* Report an author's mistake at p; returns -1 for one-line error paths. */
int
diag_err(const struct pos *p, const char *fmt, ...)
{
	va_list	 ap;

	diag_errors++;
	va_start(ap, fmt);
	emit(p, "error", fmt, ap);
	va_end(ap);
	return -1;
}

/* A warning; with --werror it counts as an error. */
void
diag_warn(const struct pos *p, const char *fmt, ...)
{
	va_list	 ap;

	if (diag_werror)
		diag_errors++;
	else
		diag_warnings++;
	if (diag_quiet && !diag_werror)
		return;
	va_start(ap, fmt);
	emit(p, "warning", fmt, ap);
	va_end(ap);
}

/* A system error on path: "path: what: strerror"; returns -1. */
int
diag_sys(const char *path, const char *fmt, ...)
{
	struct pos	 p = { path, 0, 0 };
	struct buf	 b = BUF_INIT;
	va_list		 ap;
	int		 e = errno;

	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	diag_err(&p, "%s: %s", b.data, strerror(e));
	buf_release(&b);
	errno = e;
	return -1;
}

/* Progress and verbose notes, never counted. */
void
diag_note(const char *fmt, ...)
{
	va_list	 ap;

	if (diag_quiet)
		return;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void
diag_mark(struct diagmark *m)
{
	m->len = diag_record != NULL ? diag_record->len : 0;
	m->warnings = diag_warnings;
}

/* What was said since m (NULL if nothing), and how many warnings. */
char *
diag_since(const struct diagmark *m, unsigned *nwarn)
{
	*nwarn = diag_warnings - m->warnings;
	if (diag_record == NULL || diag_record->len <= m->len)
		return NULL;
	return xstrndup(diag_record->data + m->len, diag_record->len - m->len);
}

/* Say again what a page said in the last build. */
void
diag_replay(const char *said, unsigned nwarn)
{
	diag_warnings += nwarn;
	if (said == NULL || diag_mute)
		return;
	fputs(said, stderr);
	if (diag_record != NULL)
		buf_puts(diag_record, said);
}
