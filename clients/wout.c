/*
 * wout.c: -w FORMAT, curl's --write-out (spec15.md).  The format is
 * walked once: plain text is copied, \n \t \r \\ and %% are escapes,
 * %{NAME} writes one figure of struct xfer, %header{NAME} a header of the
 * last response, %{json} every figure in one object, and %{stdout} and
 * %{stderr} choose the stream for what follows.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wout.h"

/* An unknown variable's name is shown up to this many bytes. */
#define NAMEMAX		64

enum vtype {
	V_INT,		/* an int, as is */
	V_CODE,		/* the status: three digits, as curl's "000" */
	V_SIZE,		/* an unsigned long long */
	V_TIME,		/* microseconds, shown as seconds */
	V_SPEED,	/* a size over x_t_total, bytes per second */
	V_STR,		/* a string, NULL for none */
	V_VERSION,	/* x_minor, as "1.1", or "0" without a response */
	V_ZERO		/* urlnum: httpget fetches one URL, the first */
};

struct var {
	const char	*v_name;
	enum vtype	 v_type;
	size_t		 v_off;		/* of the field in struct xfer */
};

#define F(f)	offsetof(struct xfer, f)

/*
 * Sorted by name: %{json} writes them in this order, as curl does (curl
 * also has variables httpget has no figure for: certs, ftp_entry_path,
 * http_connect, num_certs, proxy_ssl_verify_result, ssl_verify_result,
 * time_appconnect, and a trailing curl_version).
 */
static const struct var vars[] = {
	{ "content_type",	V_STR,		F(x_content_type) },
	{ "errormsg",		V_STR,		F(x_errormsg) },
	{ "exitcode",		V_INT,		F(x_exitcode) },
	{ "filename_effective",	V_STR,		F(x_filename_effective) },
	{ "http_code",		V_CODE,		F(x_code) },
	{ "http_version",	V_VERSION,	F(x_minor) },
	{ "local_ip",		V_STR,		F(x_local_ip) },
	{ "local_port",		V_INT,		F(x_local_port) },
	{ "method",		V_STR,		F(x_method) },
	{ "num_connects",	V_INT,		F(x_num_connects) },
	{ "num_headers",	V_INT,		F(x_num_headers) },
	{ "num_redirects",	V_INT,		F(x_num_redirects) },
	{ "redirect_url",	V_STR,		F(x_redirect_url) },
	{ "referer",		V_STR,		F(x_referer) },
	{ "remote_ip",		V_STR,		F(x_remote_ip) },
	{ "remote_port",	V_INT,		F(x_remote_port) },
	{ "response_code",	V_CODE,		F(x_code) },
	{ "scheme",		V_STR,		F(x_scheme) },
	{ "size_download",	V_SIZE,		F(x_size_download) },
	{ "size_header",	V_SIZE,		F(x_size_header) },
	{ "size_request",	V_SIZE,		F(x_size_request) },
	{ "size_upload",	V_SIZE,		F(x_size_upload) },
	{ "speed_download",	V_SPEED,	F(x_size_download) },
	{ "speed_upload",	V_SPEED,	F(x_size_upload) },
	{ "time_connect",	V_TIME,		F(x_t_connect) },
	{ "time_namelookup",	V_TIME,		F(x_t_namelookup) },
	{ "time_pretransfer",	V_TIME,		F(x_t_pretransfer) },
	{ "time_redirect",	V_TIME,		F(x_t_redirect) },
	{ "time_starttransfer",	V_TIME,		F(x_t_starttransfer) },
	{ "time_total",		V_TIME,		F(x_t_total) },
	{ "url",		V_STR,		F(x_url) },
	{ "url_effective",	V_STR,		F(x_url_effective) },
	{ "urlnum",		V_ZERO,		0 }
};
#define NVARS	(sizeof(vars) / sizeof(vars[0]))

/* Where the output goes now, and whether a write to it failed. */
struct wr {
	FILE	*w_fp;
	int	 w_bad;
};

static void
put(struct wr *w, const char *s, size_t len)
{
	if (len > 0 && fwrite(s, 1, len, w->w_fp) != len)
		w->w_bad = 1;
}

static void
puts0(struct wr *w, const char *s)
{
	put(w, s, strlen(s));
}

static int
fieldint(const struct xfer *x, const struct var *v)
{
	return *(const int *)(const void *)((const char *)x + v->v_off);
}

static unsigned long long
fieldull(const struct xfer *x, const struct var *v)
{
	return *(const unsigned long long *)(const void *)
	    ((const char *)x + v->v_off);
}

static long long
fieldll(const struct xfer *x, const struct var *v)
{
	return *(const long long *)(const void *)((const char *)x + v->v_off);
}

static const char *
fieldstr(const struct xfer *x, const struct var *v)
{
	return *(const char *const *)(const void *)
	    ((const char *)x + v->v_off);
}

/*
 * Bytes per second, whole, as curl's speed_*: SIZE over the total time,
 * 0 before any time has passed.  The whole seconds' part and the rest
 * are taken apart, as size * 10^6 can pass the range.
 */
static unsigned long long
speed(unsigned long long size, long long usec)
{
	unsigned long long t, whole, rem, frac;

	if (usec <= 0)
		return 0;
	t = (unsigned long long)usec;
	whole = size / t;
	rem = size % t;
	if (whole > ULLONG_MAX / 1000000)
		return ULLONG_MAX;
	/* rem < t, so frac < 10^6; past 2^64 / 10^6 us (213 days) the
	 * product needs a wider type. */
	if (rem <= ULLONG_MAX / 1000000)
		frac = rem * 1000000 / t;
	else
		frac = (unsigned long long)((long double)rem * 1000000.0L /
		    (long double)t);
	whole *= 1000000;
	return whole > ULLONG_MAX - frac ? ULLONG_MAX : whole + frac;
}

/*
 * Writes V's value of X into BUF (size N) when it is a number or the
 * version, and returns 1; returns 0 for a string, which is not copied.
 */
static int
number(const struct xfer *x, const struct var *v, int json, char *buf,
    size_t n)
{
	long long t;
	int m;

	switch (v->v_type) {
	case V_INT:
		(void)snprintf(buf, n, "%d", fieldint(x, v));
		return 1;
	case V_CODE:
		/* curl pads the status in text ("000"), not in JSON. */
		(void)snprintf(buf, n, json ? "%d" : "%03d", fieldint(x, v));
		return 1;
	case V_SIZE:
		(void)snprintf(buf, n, "%llu", fieldull(x, v));
		return 1;
	case V_TIME:
		/* A time not reached is shown as none spent. */
		if ((t = fieldll(x, v)) < 0)
			t = 0;
		(void)snprintf(buf, n, "%lld.%06lld", t / 1000000,
		    t % 1000000);
		return 1;
	case V_SPEED:
		(void)snprintf(buf, n, "%llu",
		    speed(fieldull(x, v), x->x_t_total));
		return 1;
	case V_VERSION:
		if ((m = fieldint(x, v)) < 0)
			(void)snprintf(buf, n, "0");
		else
			(void)snprintf(buf, n, "1.%d", m);
		return 1;
	case V_ZERO:
		(void)snprintf(buf, n, "0");
		return 1;
	case V_STR:
		break;
	}
	return 0;
}

/* Writes S as a JSON string (RFC 8259, section 7); bytes over 0x7f go
 * as they are, so UTF-8 stays UTF-8. */
static void
jsonstr(struct wr *w, const char *s)
{
	const char *p;
	char esc[8];

	put(w, "\"", 1);
	for (p = s; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\') {
			esc[0] = '\\';
			esc[1] = *p;
			put(w, esc, 2);
		} else if ((unsigned char)*p < 0x20) {
			(void)snprintf(esc, sizeof(esc), "\\u%04x",
			    (unsigned char)*p);
			put(w, esc, 6);
		} else
			put(w, p, 1);
	}
	put(w, "\"", 1);
}

/* %{json}: every variable, in the table's order, in one object. */
static void
json(struct wr *w, const struct xfer *x)
{
	const char *s;
	char buf[64];
	size_t i;

	put(w, "{", 1);
	for (i = 0; i < NVARS; i++) {
		if (i > 0)
			put(w, ",", 1);
		put(w, "\"", 1);
		puts0(w, vars[i].v_name);
		put(w, "\":", 2);
		if (vars[i].v_type == V_VERSION) {
			/* curl gives the version as a string. */
			(void)number(x, &vars[i], 1, buf, sizeof(buf));
			jsonstr(w, buf);
		} else if (number(x, &vars[i], 1, buf, sizeof(buf)))
			puts0(w, buf);
		else if ((s = fieldstr(x, &vars[i])) == NULL)
			puts0(w, "null");
		else
			jsonstr(w, s);
	}
	put(w, "}", 1);
}

static const struct var *
lookup(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < NVARS; i++)
		if (strlen(vars[i].v_name) == len &&
		    memcmp(vars[i].v_name, name, len) == 0)
			return &vars[i];
	return NULL;
}

/* The warning for %{NAME}, the name bounded and its control bytes '?',
 * as it may come from anywhere. */
static void
unknown(FILE *err, const char *name, size_t len)
{
	char safe[NAMEMAX + 4];
	size_t i, n;

	n = len < NAMEMAX ? len : NAMEMAX;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];

		safe[i] = c < 0x20 || c == 0x7f ? '?' : (char)c;
	}
	if (n < len) {
		memcpy(safe + n, "...", 3);
		n += 3;
	}
	safe[n] = '\0';
	(void)fprintf(err, "httpget: unknown --write-out variable: '%s'\n",
	    safe);
}

/* %{NAME} of LEN bytes. */
static void
variable(struct wr *w, const struct xfer *x, FILE *out, FILE *err,
    const char *name, size_t len)
{
	const struct var *v;
	const char *s;
	char buf[64];

	if (len == 6 && (memcmp(name, "stdout", 6) == 0 ||
	    memcmp(name, "stderr", 6) == 0)) {
		/* Flushed, so that both on one terminal keep the order. */
		if (fflush(w->w_fp) == EOF)
			w->w_bad = 1;
		w->w_fp = name[3] == 'o' ? out : err;
	} else if (len == 4 && memcmp(name, "json", 4) == 0)
		json(w, x);
	else if ((v = lookup(name, len)) == NULL)
		unknown(err, name, len);
	else if (number(x, v, 0, buf, sizeof(buf)))
		puts0(w, buf);
	else if ((s = fieldstr(x, v)) != NULL)
		puts0(w, s);
}

static int
casesame(const char *a, const char *b, size_t len)
{
	size_t i;
	unsigned char c, d;

	for (i = 0; i < len; i++) {
		c = (unsigned char)a[i];
		d = (unsigned char)b[i];
		if (c >= 'A' && c <= 'Z')
			c += 'a' - 'A';
		if (d >= 'A' && d <= 'Z')
			d += 'a' - 'A';
		if (c != d)
			return 0;
	}
	return 1;
}

/*
 * Finds the end of the line at P (before END): sets *EOL to where its
 * CR LF or LF begins and returns the start of the next line.
 */
static const char *
nextline(const char *p, const char *end, const char **eol)
{
	const char *e, *next;

	if ((e = memchr(p, '\n', end - p)) == NULL)
		e = end;
	next = e < end ? e + 1 : end;
	if (e > p && e[-1] == '\r')
		e--;
	*eol = e;
	return next;
}

/* Writes the piece V to E of a header's value without the spaces around
 * it, after one space when a piece is written already (*ANY). */
static void
piece(struct wr *w, const char *v, const char *e, int *any)
{
	while (v < e && (*v == ' ' || *v == '\t'))
		v++;
	while (e > v && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	if (v == e)
		return;
	if ((*any)++)
		put(w, " ", 1);
	put(w, v, e - v);
}

/*
 * %header{NAME}: the value of each header line of the last block whose
 * name is NAME (any case), without the spaces around it (RFC 9110,
 * section 5.5), several joined by ", " as a list header may be (section
 * 5.3).  The block is split into lines and only names are compared; it
 * need not end in a NUL.  A line that starts with a space or tab
 * continues the one before (obs-fold, RFC 9112 section 5.2), joined with
 * one space as http.c joins it; the status line is no header.
 */
static void
header(struct wr *w, const struct xfer *x, const char *name, size_t len)
{
	const char *p, *end, *eol, *next, *colon;
	int found = 0, any;

	if (x->x_hdr == NULL)
		return;
	end = x->x_hdr + x->x_hdrlen;
	next = nextline(x->x_hdr, end, &eol);
	for (p = next; p < end; p = next) {
		next = nextline(p, end, &eol);
		if (eol == p)
			break;
		if (*p == ' ' || *p == '\t' ||
		    (colon = memchr(p, ':', eol - p)) == NULL ||
		    (size_t)(colon - p) != len || !casesame(p, name, len))
			continue;
		if (found++)
			put(w, ", ", 2);
		any = 0;
		piece(w, colon + 1, eol, &any);
		while (next < end && (*next == ' ' || *next == '\t')) {
			p = next;
			next = nextline(p, end, &eol);
			piece(w, p, eol, &any);
		}
	}
}

int
wout_write(const char *format, const struct xfer *x, FILE *out, FILE *err)
{
	struct wr w;
	const char *p, *rb;
	size_t n;
	char c;

	w.w_fp = out;
	w.w_bad = 0;
	for (p = format; *p != '\0'; ) {
		if ((n = strcspn(p, "\\%")) > 0) {
			put(&w, p, n);
			p += n;
			continue;
		}
		if (*p == '\\') {
			/* As curl, a backslash before anything else (or at
			 * the end) is itself. */
			switch (p[1]) {
			case 'n':
				c = '\n';
				break;
			case 't':
				c = '\t';
				break;
			case 'r':
				c = '\r';
				break;
			case '\\':
				c = '\\';
				break;
			default:
				put(&w, p, 1);
				p++;
				continue;
			}
			put(&w, &c, 1);
			p += 2;
		} else if (p[1] == '%') {
			put(&w, "%", 1);
			p += 2;
		} else if (p[1] == '{') {
			/* An unclosed "%{" is text, as in curl. */
			if ((rb = strchr(p + 2, '}')) == NULL) {
				put(&w, p, 2);
				p += 2;
				continue;
			}
			variable(&w, x, out, err, p + 2, rb - (p + 2));
			p = rb + 1;
		} else if (strncmp(p + 1, "header{", 7) == 0) {
			if ((rb = strchr(p + 8, '}')) == NULL) {
				put(&w, p, 8);
				p += 8;
				continue;
			}
			header(&w, x, p + 8, rb - (p + 8));
			p = rb + 1;
		} else {
			put(&w, p, 1);
			p++;
		}
	}
	/* What is still buffered can fail too. */
	if (fflush(out) == EOF || fflush(err) == EOF)
		w.w_bad = 1;
	return w.w_bad ? -1 : 0;
}

/*
 * Reads FD to its end into a new string, WOUT_FILEMAX bytes at most, CR
 * and LF dropped as curl drops them: a format file is written in lines,
 * its newlines given as \n.  Returns NULL with errno.
 */
static char *
slurp(int fd)
{
	char *buf, *nb, *s, *d;
	size_t len = 0, size = 4096;
	ssize_t r;

	if ((buf = malloc(size)) == NULL)
		return NULL;
	for (;;) {
		if (len == size - 1) {
			if (size > WOUT_FILEMAX) {
				free(buf);
				errno = EFBIG;
				return NULL;
			}
			size = size * 2 > WOUT_FILEMAX + 2 ?
			    WOUT_FILEMAX + 2 : size * 2;
			if ((nb = realloc(buf, size)) == NULL) {
				free(buf);
				return NULL;
			}
			buf = nb;
		}
		if ((r = read(fd, buf + len, size - 1 - len)) == -1) {
			if (errno == EINTR)
				continue;
			free(buf);
			return NULL;
		}
		if (r == 0)
			break;
		len += r;
	}
	/* A format is a C string: what a NUL byte hides is not seen. */
	buf[len] = '\0';
	for (s = d = buf; s < buf + len; s++)
		if (*s != '\r' && *s != '\n')
			*d++ = *s;
	*d = '\0';
	return buf;
}

char *
wout_load(const char *arg, char *err, size_t n)
{
	const char *path;
	char *s;
	int fd, e;

	if (arg[0] != '@') {
		if ((s = strdup(arg)) == NULL)
			(void)snprintf(err, n, "-w: %s", strerror(errno));
		return s;
	}
	path = arg + 1;
	if (strcmp(path, "-") == 0)
		fd = STDIN_FILENO;
	else if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		(void)snprintf(err, n, "%s: cannot read: %s", path,
		    strerror(errno));
		return NULL;
	}
	s = slurp(fd);
	e = errno;
	if (fd != STDIN_FILENO && close(fd) == -1 && s != NULL) {
		e = errno;
		free(s);
		s = NULL;
	}
	if (s == NULL)
		(void)snprintf(err, n, "%s: cannot read: %s", path,
		    strerror(e));
	return s;
}
