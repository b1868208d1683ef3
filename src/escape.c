/*
 * Escaping for each output context, URL checks, slugs and the text
 * folding (case and accents) shared by anchors and the search index.
 */
#include <ctype.h>
#include <strings.h>
#include <string.h>

#include "extern.h"

/* Text content and double-quoted attributes take the same five. */
void
esc_html(struct buf *b, const char *s, size_t n)
{
	size_t	 i, start = 0;
	const char *rep;

	for (i = 0; i < n; i++) {
		switch (s[i]) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default: continue;
		}
		buf_put(b, s + start, i - start);
		buf_puts(b, rep);
		start = i + 1;
	}
	buf_put(b, s + start, n - start);
}

void
esc_attr(struct buf *b, const char *s, size_t n)
{
	esc_html(b, s, n);
}

/*
 * Refuse schemes that run code.  Only http, https, mailto, tel and
 * relative URLs pass; data: only for raster and SVG images is left to
 * the caller, so it is refused here.
 */
int
url_is_safe(const char *s, size_t n)
{
	static const char *const ok[] = { "http:", "https:", "mailto:",
	    "tel:", NULL };
	size_t	 i, j;

	/* A scheme ends at the first ':' before any '/', '?' or '#'. */
	for (i = 0; i < n; i++) {
		if (s[i] == '/' || s[i] == '?' || s[i] == '#')
			return 1;
		if (s[i] == ':')
			break;
	}
	if (i == n)
		return 1;
	for (j = 0; ok[j] != NULL; j++)
		if (i + 1 == strlen(ok[j]) &&
		    strncasecmp(s, ok[j], i + 1) == 0)
			return 1;
	return 0;
}

/*
 * Percent-encode what may not stand in a URL attribute, keep what is
 * already encoded, then attribute-escape.  Returns -1 (writing nothing)
 * for a refused scheme.
 */
int
esc_url(struct buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	unsigned char	 c;
	size_t		 i;

	if (!url_is_safe(s, n))
		return -1;
	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (c == '&')
			buf_puts(b, "&amp;");
		else if (c == '\'')
			buf_puts(b, "&#39;");
		else if (c > 0x20 && c < 0x7f && c != '"' && c != '<' &&
		    c != '>' && c != '\\' && c != '^' && c != '`' &&
		    c != '{' && c != '|' && c != '}')
			buf_putc(b, c);
		else {
			buf_putc(b, '%');
			buf_putc(b, hex[c >> 4]);
			buf_putc(b, hex[c & 15]);
		}
	}
	return 0;
}

/* A JSON string body, safe inside a <script> element too. */
void
esc_json(struct buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char	 c;
	size_t		 i, start = 0;
	char		 u[7] = "\\u00";

	/* Runs of bytes that stand for themselves go in at once. */
	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (c >= 0x20 && c != '"' && c != '\\' && c != '<' &&
		    c != '>' && c != '&' && (c != 0xe2 || i + 2 >= n ||
		    (unsigned char)s[i + 1] != 0x80 ||
		    ((unsigned char)s[i + 2] != 0xa8 &&
		    (unsigned char)s[i + 2] != 0xa9)))
			continue;
		buf_put(b, s + start, i - start);
		if (c == '"' || c == '\\') {
			buf_putc(b, '\\');
			buf_putc(b, c);
		} else if (c == '\n')
			buf_put(b, "\\n", 2);
		else if (c == '\t')
			buf_put(b, "\\t", 2);
		else if (c != 0xe2) {
			u[4] = hex[c >> 4];
			u[5] = hex[c & 15];
			buf_put(b, u, 6);
		} else {
			/* U+2028 and U+2029 end a line in old JS. */
			buf_put(b, (unsigned char)s[i + 2] == 0xa8 ?
			    "\\u2028" : "\\u2029", 6);
			i += 2;
		}
		start = i + 1;
	}
	buf_put(b, s + start, n - start);
}

/*
 * Check UTF-8; on failure *bad is the offset of the first bad byte.
 * Overlongs, surrogates and code points past U+10FFFF are refused.
 */
int
utf8_valid(const char *s, size_t n, size_t *bad)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t	 i = 0, k, len;
	unsigned long cp;

	while (i < n) {
		if (u[i] < 0x80) {
			i++;
			continue;
		}
		if (u[i] >= 0xc2 && u[i] <= 0xdf) {
			len = 2;
			cp = u[i] & 0x1f;
		} else if (u[i] >= 0xe0 && u[i] <= 0xef) {
			len = 3;
			cp = u[i] & 0x0f;
		} else if (u[i] >= 0xf0 && u[i] <= 0xf4) {
			len = 4;
			cp = u[i] & 0x07;
		} else
			goto fail;
		if (i + len > n)
			goto fail;
		for (k = 1; k < len; k++) {
			if ((u[i + k] & 0xc0) != 0x80)
				goto fail;
			cp = (cp << 6) | (u[i + k] & 0x3f);
		}
		if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			goto fail;
		i += len;
	}
	return 1;
fail:
	if (bad != NULL)
		*bad = i;
	return 0;
}

/* Latin-1 supplement and Latin Extended-A letters without accents. */
static const char *
fold_cp(unsigned long cp)
{
	static const char *const latin1[64] = {
		"a", "a", "a", "a", "a", "a", "ae", "c",	/* C0 */
		"e", "e", "e", "e", "i", "i", "i", "i",
		"d", "n", "o", "o", "o", "o", "o", NULL,	/* D0 */
		"o", "u", "u", "u", "u", "y", "th", "ss",
		"a", "a", "a", "a", "a", "a", "ae", "c",	/* E0 */
		"e", "e", "e", "e", "i", "i", "i", "i",
		"d", "n", "o", "o", "o", "o", "o", NULL,	/* F0 */
		"o", "u", "u", "u", "u", "y", "th", "y",
	};
	static const char ext[] =	/* U+0100 to U+017F, one letter each */
	    "aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiiiiijjkkk"
	    "llllllllllnnnnnnnnnoooooooorrrrrrssssssssttttttuuuuuuuuuuuu"
	    "wwyyyzzzzzzs";
	static char one[2];

	if (cp >= 0xc0 && cp <= 0xff)
		return latin1[cp - 0xc0];
	if (cp == 0x152 || cp == 0x153)
		return "oe";
	if (cp >= 0x100 && cp <= 0x17f && (cp - 0x100) < sizeof(ext) - 1) {
		one[0] = ext[cp - 0x100];
		one[1] = '\0';
		return one;
	}
	return NULL;
}

/* Punctuation, spaces and symbols past Latin: word separators. */
static int
punct(unsigned long cp)
{
	return (cp >= 0x2000 && cp < 0x2c00) ||	/* punctuation, symbols */
	    (cp >= 0x3000 && cp < 0x3040) ||	/* CJK punctuation */
	    (cp >= 0xfe00 && cp < 0xfe10) || cp == 0xfeff;
}

/*
 * Lower-case ASCII, drop accents from Latin letters, and turn every
 * other character into a space: the form that search compares.
 */
void
fold_text(struct buf *b, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	unsigned long	 cp;
	const char	*f;
	size_t		 i = 0, len;

	while (i < n) {
		if (u[i] < 0x80) {
			buf_putc(b, isalnum(u[i]) ? tolower(u[i]) : ' ');
			i++;
			continue;
		}
		if ((u[i] & 0xe0) == 0xc0 && i + 1 < n) {
			cp = ((u[i] & 0x1fUL) << 6) | (u[i + 1] & 0x3f);
			len = 2;
		} else if ((u[i] & 0xf0) == 0xe0 && i + 2 < n) {
			cp = ((u[i] & 0x0fUL) << 12) |
			    ((u[i + 1] & 0x3fUL) << 6) | (u[i + 2] & 0x3f);
			len = 3;
		} else {
			cp = 0;
			len = (u[i] & 0xf8) == 0xf0 ? 4 : 1;
		}
		if ((f = fold_cp(cp)) != NULL)
			buf_puts(b, f);
		else if (cp >= 0x370 && len <= 3 && !punct(cp))
			buf_put(b, s + i, len > n - i ? n - i : len);
		else
			buf_putc(b, ' ');
		i += len;
	}
}

/*
 * A slug [a-z0-9-]: folded text, every run of other characters one
 * '-', trimmed.  "Le bon réflexe !" is "le-bon-reflexe".
 */
char *
slugify(const char *s, size_t n)
{
	struct buf	 f = BUF_INIT, out = BUF_INIT;
	size_t		 i;
	int		 dash = 0;

	fold_text(&f, s, n);
	for (i = 0; i < f.len; i++) {
		unsigned char c = (unsigned char)f.data[i];

		if (isalnum(c) && c < 0x80) {
			if (dash && out.len)
				buf_putc(&out, '-');
			buf_putc(&out, c);
			dash = 0;
		} else
			dash = 1;
	}
	buf_release(&f);
	return buf_detach(&out, NULL);
}
