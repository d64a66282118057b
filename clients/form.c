/*
 * form.c: the -F parts of httpget's body (body.h): curl's "name=value;
 * type=T;filename=N" syntax parsed into parts, then framed as
 * multipart/form-data (RFC 7578, RFC 2046 section 5.1.1) with a boundary
 * that occurs in none of them.  getrandom(2) and memmem(3) are Linux
 * (glibc) calls.
 */
#define _GNU_SOURCE
#include <sys/types.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "body.h"
#include "form.h"

/* 24 dashes, then 16 hex digits, as curl's boundaries. */
#define DASHES	"------------------------"

/* The guesses of -F file types by extension, as curl guesses. */
static const struct {
	const char	*ext, *type;
} types[] = {
	{ ".txt", "text/plain" }, { ".html", "text/html" },
	{ ".htm", "text/html" }, { ".json", "application/json" },
	{ ".xml", "application/xml" }, { ".gif", "image/gif" },
	{ ".jpg", "image/jpeg" }, { ".jpeg", "image/jpeg" },
	{ ".png", "image/png" }, { ".svg", "image/svg+xml" },
	{ ".pdf", "application/pdf" }, { ".css", "text/css" },
	{ ".js", "application/javascript" }
};

/*
 * One word of an -F argument at *SP, in a new string: blanks skipped,
 * then up to ';' less trailing blanks, or a "..." string (\" and \\ stand
 * for " and \) after which what comes before ';' is dropped, as curl
 * does; without its closing quote it is taken as it is.  Leaves *SP at
 * the ';' or the end.
 */
static char *
word(const char **sp)
{
	const char *s = *sp, *q, *e;
	char *w, *d;

	while (isspace((unsigned char)*s))
		s++;
	if (*s == '"') {
		for (q = s + 1; *q != '\0' && *q != '"'; q++)
			if (*q == '\\' && (q[1] == '"' || q[1] == '\\'))
				q++;
		if (*q == '"') {
			if ((w = d = malloc((size_t)(q - s))) == NULL)
				return NULL;
			for (e = s + 1; e < q; e++) {
				if (*e == '\\' && (e[1] == '"' || e[1] == '\\'))
					e++;
				*d++ = *e;
			}
			*d = '\0';
			for (q++; *q != '\0' && *q != ';'; q++)
				continue;
			*sp = q;
			return w;
		}
	}
	for (e = s; *e != '\0' && *e != ';'; e++)
		continue;
	*sp = e;
	while (e > s && isspace((unsigned char)e[-1]))
		e--;
	return strndup(s, (size_t)(e - s));
}

/* 1 if S starts one of the parameters that end a ";type=" (curl's). */
static int
ends_type(const char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	return strncasecmp(s, "filename=", 9) == 0 ||
	    strncasecmp(s, "headers=", 8) == 0 ||
	    strncasecmp(s, "encoder=", 8) == 0;
}

/*
 * The value of ";type=" at *SP, in a new string: it may have parameters
 * of its own (";charset=utf-8"), so, as in curl, it runs to the ';' of a
 * ";filename=", ";headers=" or ";encoder=", blanks around it dropped and
 * quotes kept.  Leaves *SP at that ';' or the end.
 */
static char *
typeword(const char **sp)
{
	const char *s = *sp, *e;

	while (isspace((unsigned char)*s))
		s++;
	for (e = s; *e != '\0' && (*e != ';' || !ends_type(e + 1)); e++)
		continue;
	*sp = e;
	while (e > s && isspace((unsigned char)e[-1]))
		e--;
	return strndup(s, (size_t)(e - s));
}

/* The type of a file named NAME, by its extension, or NULL. */
static const char *
guess(const char *name)
{
	size_t i, n, e;

	if (name == NULL)
		return NULL;
	n = strlen(name);
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		e = strlen(types[i].ext);
		if (n >= e && strcasecmp(name + n - e, types[i].ext) == 0)
			return types[i].type;
	}
	return NULL;
}

/*
 * Fills the -F part P from S, what follows "name=": the value or the
 * file, then ";type=" and ";filename=".  Other ";x=y" are skipped, as
 * curl skips unknown ones (with a warning; its ";headers=" and
 * ";encoder=" are not taken here).
 */
enum fail
form_parse(struct body *b, struct body_piece *p, const char *s,
    const char *arg)
{
	const char *t = NULL;
	char *val, **to, *w;
	int how = 0;

	if (*s == '@' || *s == '<')
		how = *s++;
	if ((val = word(&s)) == NULL)
		return body_failmem(b);
	while (*s == ';') {
		for (s++; isspace((unsigned char)*s); s++)
			continue;
		to = NULL;
		if (strncasecmp(s, "type=", 5) == 0) {
			s += 5;
			to = &p->p_type;
		} else if (strncasecmp(s, "filename=", 9) == 0) {
			s += 9;
			to = &p->p_fname;
		}
		w = to == &p->p_type ? typeword(&s) : word(&s);
		if (w == NULL) {
			free(val);
			return body_failmem(b);
		}
		if (to == NULL)
			free(w);
		else {
			free(*to);
			*to = w;
		}
	}
	if (p->p_type != NULL && (p->p_type[0] == '\0' ||
	    strpbrk(p->p_type, "\r\n") != NULL)) {
		free(val);
		return body_fail(b, HG_USAGE, "-F '%s': bad type", arg);
	}

	if (how == '<') {
		/* curl sends no filename for a <FILE value. */
		free(p->p_fname);
		p->p_fname = NULL;
	} else if (how == '@' && p->p_fname == NULL) {
		w = strrchr(val, '/');
		if ((p->p_fname = strdup(w != NULL ? w + 1 : val)) == NULL) {
			free(val);
			return body_failmem(b);
		}
	}
	if (how != 0 && strcmp(val, "-") == 0) {
		free(val);
		if (body_slurp(b, "-", &p->p_mem, &p->p_len) != HG_OK)
			return b->b_fail;
		p->p_own = 1;
		t = guess(p->p_fname);
	} else if (how != 0) {
		p->p_kind = P_FILE;
		p->p_path = val;
		t = guess(p->p_fname);
		if (t == NULL)
			t = guess(val);
		if (t == NULL && p->p_fname != NULL)
			t = "application/octet-stream";
	} else {
		p->p_mem = val;
		p->p_len = strlen(val);
		p->p_own = 1;
		t = guess(p->p_fname);
	}
	/* A guessed text/plain goes unsaid without a filename (curl). */
	if (t != NULL && p->p_fname == NULL && strcmp(t, "text/plain") == 0)
		t = NULL;
	if (p->p_type == NULL && t != NULL && (p->p_type = strdup(t)) == NULL)
		return body_failmem(b);
	return HG_OK;
}

/* 1 if the file of P holds the NUL-terminated S, 0 if not, -1 failed. */
static int
filehas(struct body *b, const struct body_piece *p, const char *s)
{
	char buf[32768];
	size_t n = strlen(s), keep = 0, have;
	struct stat st;
	ssize_t r;
	int fd, found = 0;

	if ((fd = body_openfile(b, p->p_path, &st)) == -1)
		return -1;
	for (;;) {
		if ((r = read(fd, buf + keep, sizeof(buf) - keep)) == -1) {
			if (errno == EINTR)
				continue;
			(void)body_failread(b, p->p_path, errno);
			found = -1;
			break;
		}
		if (r == 0)
			break;
		have = keep + (size_t)r;
		if (memmem(buf, have, s, n) != NULL) {
			found = 1;
			break;
		}
		/* A match may straddle two reads: keep its possible start. */
		keep = have < n - 1 ? have : n - 1;
		memmove(buf, buf + have - keep, keep);
	}
	(void)close(fd);
	return found;
}

/* 1 if the part P holds the NUL-terminated S anywhere, 0 if not, -1. */
static int
parthas(struct body *b, const struct body_piece *p, const char *s)
{
	if (strstr(p->p_name, s) != NULL ||
	    (p->p_fname != NULL && strstr(p->p_fname, s) != NULL) ||
	    (p->p_type != NULL && strstr(p->p_type, s) != NULL))
		return 1;
	if (p->p_kind == P_FILE)
		return filehas(b, p, s);
	return memmem(p->p_mem, p->p_len, s, strlen(s)) != NULL;
}

/* Puts 16 random hex digits in HEX (tests may give them in b_testhex). */
static enum fail
randhex(struct body *b, char hex[17])
{
	unsigned char r[8];
	ssize_t n;
	int fd, i;

	if (b->b_testhex != NULL && strlen(b->b_testhex) >= 16) {
		(void)snprintf(hex, 17, "%.16s", b->b_testhex);
		b->b_testhex += 16;
		return HG_OK;
	}
	while ((n = getrandom(r, sizeof(r), 0)) == -1 && errno == EINTR)
		continue;
	if (n != (ssize_t)sizeof(r)) {
		/* A kernel older than getrandom(2) (3.17). */
		if ((fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC)) == -1)
			return body_failread(b, "/dev/urandom", errno);
		n = read(fd, r, sizeof(r));
		(void)close(fd);
		if (n != (ssize_t)sizeof(r))
			return body_failread(b, "/dev/urandom",
			    n == -1 ? errno : EIO);
	}
	for (i = 0; i < 8; i++)
		(void)snprintf(hex + 2 * i, 3, "%02x", r[i]);
	return HG_OK;
}

/*
 * Picks a boundary that occurs in none of B's parts: 2^64 candidates make
 * a clash rare, but a file may hold one on purpose (a captured request).
 */
static enum fail
pick(struct body *b)
{
	char hex[17];
	int tries, i, has;

	for (tries = 0; tries < 64; tries++) {
		if (randhex(b, hex) != HG_OK)
			return b->b_fail;
		(void)snprintf(b->b_boundary, sizeof(b->b_boundary), "%s%s",
		    DASHES, hex);
		for (i = has = 0; i < b->b_npieces && !has; i++)
			if ((has = parthas(b, &b->b_pieces[i],
			    b->b_boundary)) == -1)
				return b->b_fail;
		if (!has)
			return HG_OK;
	}
	return body_fail(b, HG_READ, "no multipart boundary found");
}

/* Appends S to D, with '"', CR and LF as %22, %0D and %0A (curl). */
static char *
quoted(char *d, const char *s)
{
	for (; *s != '\0'; s++)
		if (*s == '"' || *s == '\r' || *s == '\n')
			d += sprintf(d, "%%%02X", (unsigned char)*s);
		else
			*d++ = *s;
	return d;
}

/* Sets Q to the framing before part P (FIRST: the first part). */
static enum fail
header(struct body *b, struct body_piece *q, const struct body_piece *p,
    int first)
{
	size_t n = 160 + strlen(b->b_boundary) + 3 * strlen(p->p_name);
	char *d;

	if (p->p_fname != NULL)
		n += 3 * strlen(p->p_fname);
	if (p->p_type != NULL)
		n += strlen(p->p_type);
	if ((q->p_mem = d = malloc(n)) == NULL)
		return body_failmem(b);
	q->p_kind = P_MEM;
	q->p_own = 1;
	d += sprintf(d, "%s--%s\r\nContent-Disposition: form-data",
	    first ? "" : "\r\n", b->b_boundary);
	if (p->p_name[0] != '\0') {
		d = quoted(stpcpy(d, "; name=\""), p->p_name);
		*d++ = '"';
	}
	if (p->p_fname != NULL) {
		d = quoted(stpcpy(d, "; filename=\""), p->p_fname);
		*d++ = '"';
	}
	d = stpcpy(d, "\r\n");
	if (p->p_type != NULL)
		d += sprintf(d, "Content-Type: %s\r\n", p->p_type);
	d = stpcpy(d, "\r\n");
	q->p_len = (size_t)(d - q->p_mem);
	return HG_OK;
}

/*
 * Picks B's boundary and frames its parts: a header before each part, the
 * close delimiter after the last.
 */
enum fail
form_frame(struct body *b)
{
	struct body_piece *np, *old = b->b_pieces;
	int i, n = b->b_npieces;

	if (pick(b) != HG_OK)
		return b->b_fail;
	if ((np = calloc((size_t)n * 2 + 1, sizeof(*np))) == NULL)
		return body_failmem(b);
	b->b_pieces = np;
	b->b_npieces = 0;
	b->b_maxpieces = n * 2 + 1;
	for (i = 0; i < n; i++) {
		np[2 * i + 1] = old[i];
		/* Counted first, so that body_free() frees it if that fails. */
		b->b_npieces = 2 * i + 2;
		if (header(b, &np[2 * i], &old[i], i == 0) != HG_OK) {
			for (i++; i < n; i++)
				np[b->b_npieces++] = old[i];
			free(old);
			return b->b_fail;
		}
	}
	free(old);
	if ((np[2 * n].p_mem = malloc(strlen(b->b_boundary) + 9)) == NULL)
		return body_failmem(b);
	np[2 * n].p_kind = P_MEM;
	np[2 * n].p_own = 1;
	np[2 * n].p_len = (size_t)sprintf(np[2 * n].p_mem, "\r\n--%s--\r\n",
	    b->b_boundary);
	b->b_npieces = 2 * n + 1;
	return HG_OK;
}

