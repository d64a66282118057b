/*
 * Words as the dialects write them: blanks between, '#' to the end of the
 * line a comment, '...' and "..." parts with backslash escapes (FreeBSD,
 * NetBSD), quotes never across a line.  The entries' text is split in
 * place; the line of each word is known, for messages.
 */
#include <string.h>

#include "confline.h"
#include "log.h"

static int
isblankc(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Logs an error of t's current line, naming its key; returns TOK_ERR. */
static int
tokbad(const struct conftok *t, const char *what)
{
	if (t->t_key != NULL)
		(void)logat(t->t_l->cl_file, t->t_line, "key '%s': %s",
		    t->t_key, what);
	else
		(void)logat(t->t_l->cl_file, t->t_line, "%s", what);
	return TOK_ERR;
}

/*
 * The next word, unquoted in place into *w, or a stop of stops, or
 * TOK_END; blanks, newlines and '#' comments in between are skipped.
 * Quotes do not span lines.  TOK_ERR (logged) on a bad quote or escape.
 */
int
conf_next(struct conftok *t, const char *stops, char **w)
{
	char *p = t->t_p, *o;
	int c, q, hi, lo;

	c = t->t_pend;
	t->t_pend = 0;
	if (c == ',' || c == ';' || c == '=') {
		if (strchr(stops, c) != NULL)
			return c;
		return tokbad(t, c == '=' ? "unexpected '='" :
		    "unexpected ',' or ';'");
	}
	if (c == '#')
		p += strcspn(p, "\n");
	for (;;) {
		while (isblankc(*p))
			p++;
		if (*p == '\n') {
			t->t_line++;
			p++;
		} else if (*p == '#')
			p += strcspn(p, "\n");
		else
			break;
	}
	t->t_p = p;
	if (*p == '\0')
		return TOK_END;
	if (strchr(stops, *p) != NULL) {
		t->t_p = p + 1;
		return *p;
	}
	t->t_wline = t->t_line;
	*w = o = p;
	while (*p != '\0' && *p != '\n' && *p != '#' && !isblankc(*p) &&
	    strchr(stops, *p) == NULL) {
		if (*p != '\'' && *p != '"') {
			*o++ = *p++;
			continue;
		}
		for (q = *p++; *p != q; ) {
			if (*p == '\0' || *p == '\n')
				return tokbad(t, "unterminated quote");
			if (*p != '\\') {
				*o++ = *p++;
				continue;
			}
			switch (c = p[1]) {
			case 'n': *o++ = '\n'; break;
			case 't': *o++ = '\t'; break;
			case 'r': *o++ = '\r'; break;
			case '\\': case '\'': case '"': *o++ = (char)c; break;
			case 'x':
				if ((hi = hexval(p[2])) == -1 ||
				    (lo = hexval(p[3])) == -1)
					return tokbad(t, "bad \\x escape");
				if (hi == 0 && lo == 0)
					return tokbad(t, "\\x00: a NUL byte");
				*o++ = (char)(hi << 4 | lo);
				p += 2;
				break;
			default:
				return tokbad(t, "unknown escape in quotes");
			}
			p += 2;
		}
		p++;
	}
	c = *p;
	if (c == '\n')
		t->t_line++;
	if (c == ',' || c == ';' || c == '=' || c == '#')
		t->t_pend = c;
	if (c != '\0')
		p++;
	*o = '\0';
	t->t_p = p;
	return TOK_WORD;
}

/*
 * Splits text (one positional entry, its lines joined) into at most max
 * words in f, quotes undone.  Returns how many, or -1 (logged).
 */
int
conf_words(const struct confline *l, char *text, char **f, int max)
{
	struct conftok t;
	char *w;
	int n = 0, r;

	memset(&t, 0, sizeof(t));
	t.t_p = text;
	t.t_line = l->cl_line;
	t.t_l = l;
	while ((r = conf_next(&t, "", &w)) == TOK_WORD) {
		if (n == max)
			return conf_bad(l, "more than %d fields", max);
		f[n++] = w;
	}
	return r == TOK_ERR ? -1 : n;
}

/* Is the line a key-values entry's first: its second word on or off? */
int
conf_iskv(const char *s)
{
	size_t n;

	s += strspn(s, " \t\r");
	s += strcspn(s, " \t\r#");
	if (!isblankc(*s))
		return 0;
	s += strspn(s, " \t\r");
	n = strncmp(s, "on", 2) == 0 ? 2 : strncmp(s, "off", 3) == 0 ? 3 : 0;
	return n != 0 && (s[n] == '\0' || s[n] == '#' || isblankc(s[n]));
}

/*
 * The ';' that ends a key-values entry in line s, or NULL.  A quote left
 * open ends the entry at the end of the line (its NUL is returned): quotes
 * do not span lines, so the entry is bad, and the next line is not its.
 */
char *
conf_kvend(char *s)
{
	int q = 0;

	for (; *s != '\0'; s++) {
		if (q != 0 && *s == '\\' && s[1] != '\0')
			s++;
		else if (q != 0 && *s == q)
			q = 0;
		else if (q == 0 && (*s == '\'' || *s == '"'))
			q = *s;
		else if (q == 0 && *s == '#')
			return NULL;
		else if (q == 0 && *s == ';')
			return s;
	}
	return q != 0 ? s : NULL;
}

