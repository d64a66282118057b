/*
 * cookiefile.c: -b and -c's cookie file, curl's Netscape format (seven
 * fields split by tabs: domain, include-subdomains, path, secure, expiry,
 * name, value), read line by line in bounded memory with curl's leniency
 * (and its "Set-Cookie:" lines), written the way curl writes it; and the
 * -b NAME=VALUE strings.
 */
#include <sys/types.h>
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cookieint.h"
#include "output.h"

#define ISDIGIT(c)	((c) >= '0' && (c) <= '9')
#define ISBLANK(c)	((c) == ' ' || (c) == '\t')

/* curl's first lines, so that either program takes the other's file. */
static const char filehead[] = "# Netscape HTTP Cookie File\n"
    "# https://curl.se/docs/http-cookies.html\n"
    "# This file was written by httpget. Edit at your own risk.\n\n";

static int
is(const char *s, size_t len, const char *word)
{
	return strlen(word) == len && memcmp(s, word, len) == 0;
}

static int
iscase(const char *s, size_t len, const char *word)
{
	return strlen(word) == len && strncasecmp(s, word, len) == 0;
}

/*
 * A domain that would read back as a comment, a "Set-Cookie:" line, or
 * without its first dot or blank, makes the line unfit too.
 */
int
cookie_fileable(const struct cparts *p)
{
	long long t;
	size_t len;

	if (strchr(".# \t", p->p_domain[0]) != NULL || (p->p_dlen >= 11 &&
	    strncasecmp(p->p_domain, "Set-Cookie:", 11) == 0))
		return 0;
	/* "#HttpOnly_" ".domain" TRUE|FALSE path TRUE|FALSE 0 name value */
	len = (p->p_httponly ? 10 : 0) + !p->p_hostonly + p->p_dlen + 1 +
	    (p->p_hostonly ? 5 : 4) + 1 + p->p_plen + 1 +
	    (p->p_secure ? 4 : 5) + 1 + 1 + 1 + p->p_nlen + 1 + p->p_vlen;
	for (t = p->p_expires; t >= 10; t /= 10)
		len++;
	return len <= COOKIE_LINEMAX;
}

/*
 * The expiry field as curl reads it: blanks, an optional '+', digits,
 * anything after them ignored; no digits, a '-' or an overflow make the
 * line bad.  Returns 0 or -1.
 */
static int
expiry(const char *s, size_t len, long long *t)
{
	size_t i = 0;

	while (i < len && ISBLANK(s[i]))
		i++;
	if (i < len && s[i] == '+')
		i++;
	if (i == len || !ISDIGIT(s[i]))
		return -1;
	for (*t = 0; i < len && ISDIGIT(s[i]); i++) {
		if (*t > (LLONG_MAX - (s[i] - '0')) / 10)
			return -1;
		*t = *t * 10 + (s[i] - '0');
	}
	return 0;
}

/*
 * A Netscape line (its "#HttpOnly_" taken off into HTTPONLY).  As curl:
 * fields split by runs of tabs; a path of "TRUE" or "FALSE" is the old
 * form without a path ("/"); a missing value is empty; any other count
 * of fields, or a bad expiry, skips the line.  Control bytes skip it too.
 */
static void
netscape(struct jar *j, const char *line, size_t len, int httponly,
    time_t now)
{
	const char *f[8], *end = line + len, *s = line;
	size_t fl[8], k = 0, i, n;
	struct cparts p;

	for (i = 0; i < len; i++)
		if (((unsigned char)line[i] < 0x20 && line[i] != '\t') ||
		    line[i] == 0x7f)
			return;
	while (s < end) {
		while (s < end && *s == '\t')
			s++;
		if (s == end)
			break;
		if (k == 8)
			return;
		for (f[k] = s; s < end && *s != '\t'; s++)
			;
		fl[k] = s - f[k];
		k++;
	}
	memset(&p, 0, sizeof(p));
	i = 3;
	n = k;
	if (k > 2 && (is(f[2], fl[2], "TRUE") || is(f[2], fl[2], "FALSE"))) {
		p.p_path = "/";
		p.p_plen = 1;
		i = 2;
		n++;
	} else if (k > 2) {
		/* curl means "/" by a path that does not start so. */
		p.p_path = f[2][0] == '/' ? f[2] : "/";
		p.p_plen = f[2][0] == '/' ? fl[2] : 1;
	}
	if (n != 6 && n != 7)
		return;
	p.p_domain = f[0];
	p.p_dlen = fl[0];
	if (p.p_domain[0] == '.') {
		p.p_domain++;
		p.p_dlen--;
	}
	p.p_hostonly = !iscase(f[1], fl[1], "TRUE");
	p.p_secure = iscase(f[i], fl[i], "TRUE");
	if (expiry(f[i + 1], fl[i + 1], &p.p_expires) == -1)
		return;
	p.p_expired = p.p_expires != 0 && p.p_expires < (long long)now;
	p.p_name = f[i + 2];
	p.p_nlen = fl[i + 2];
	p.p_value = n == 7 ? f[i + 3] : "";
	p.p_vlen = n == 7 ? fl[i + 3] : 0;
	p.p_httponly = httponly;
	cookie_put(j, &p, 1, now);
}

/*
 * One line of a cookie file, without its newline; as curl, it ends at
 * its first CR, and blanks before it are skipped.
 */
static void
loadline(struct jar *j, const char *line, size_t len, time_t now)
{
	const char *cr;
	int httponly = 0;

	if ((cr = memchr(line, '\r', len)) != NULL)
		len = cr - line;
	if (len >= 11 && strncasecmp(line, "Set-Cookie:", 11) == 0) {
		line += 11;
		len -= 11;
		while (len > 0 && ISBLANK(*line)) {
			line++;
			len--;
		}
		cookie_parse(j, NULL, 0, "/", 1, line, len, now, 1);
		return;
	}
	while (len > 0 && ISBLANK(*line)) {
		line++;
		len--;
	}
	/* Firefox's mark of an HttpOnly cookie, which curl follows. */
	if (len >= 10 && memcmp(line, "#HttpOnly_", 10) == 0) {
		line += 10;
		len -= 10;
		httponly = 1;
	}
	if (len == 0 || line[0] == '#')
		return;
	netscape(j, line, len, httponly, now);
}

/*
 * Reads FD's lines into J; a line over COOKIE_LINEMAX is skipped whole.
 * Returns 0, 1 with errno for a read error (what came before is kept),
 * or -1 past JAR_FILEMAX.
 */
static int
readfd(struct jar *j, int fd, time_t now)
{
	char buf[16384], line[COOKIE_LINEMAX];
	size_t len = 0, total = 0, i;
	ssize_t r;
	int over = 0;

	for (;;) {
		if ((r = read(fd, buf, sizeof(buf))) == -1) {
			if (errno == EINTR)
				continue;
			return 1;
		}
		if (r == 0)
			break;
		if ((total += (size_t)r) > JAR_FILEMAX)
			return -1;
		for (i = 0; i < (size_t)r; i++) {
			if (buf[i] == '\n') {
				if (!over)
					loadline(j, line, len, now);
				len = 0;
				over = 0;
			} else if (len == sizeof(line))
				over = 1;
			else if (!over)
				line[len++] = buf[i];
		}
	}
	if (len > 0 && !over)
		loadline(j, line, len, now);	/* a last line without '\n' */
	return 0;
}

/* -b NAME=VALUE: kept as it is, after the others, "; " between. */
static int
addstring(struct jar *j, const char *s, char *err, size_t n)
{
	size_t len = strlen(s), sep = j->j_extralen > 0 ? 2 : 0, i;

	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) {
			(void)snprintf(err, n, "control character in the "
			    "cookie string");
			return -1;
		}
	if (j->j_extralen + sep + len > COOKIE_HDRMAX) {
		(void)snprintf(err, n, "cookie strings over %d bytes",
		    COOKIE_HDRMAX);
		return -1;
	}
	memcpy(j->j_extra + j->j_extralen, "; ", sep);
	memcpy(j->j_extra + j->j_extralen + sep, s, len + 1);
	j->j_extralen += sep + len;
	return 0;
}

int
jar_load(struct jar *j, const char *arg, time_t now, const char **warn,
    char *err, size_t n)
{
	int fd = STDIN_FILENO, r, e;

	if (warn != NULL)
		*warn = NULL;
	if (strchr(arg, '=') != NULL)
		return addstring(j, arg, err, n);
	if (arg[0] == '\0')
		return 0;
	if (strcmp(arg, "-") != 0 &&
	    (fd = open(arg, O_RDONLY | O_NOCTTY | O_CLOEXEC)) == -1) {
		if (warn != NULL)
			*warn = strerror(errno);
		return 0;
	}
	r = readfd(j, fd, now);
	e = errno;
	if (fd != STDIN_FILENO)
		(void)close(fd);
	if (r == 1 && warn != NULL)
		*warn = strerror(e);
	if (r == -1) {
		(void)snprintf(err, n, "cookie file over %d MiB",
		    JAR_FILEMAX / (1024 * 1024));
		return -1;
	}
	return 0;
}

/* The order curl writes a file in: the newest first. */
static int
neworder(const void *a, const void *b)
{
	const struct cookie *x = *(struct cookie *const *)a;
	const struct cookie *y = *(struct cookie *const *)b;

	return x->c_seq > y->c_seq ? -1 : x->c_seq < y->c_seq;
}

/* Writes the live cookies to FP; returns 0 or -1 with errno. */
static int
writeall(struct jar *j, FILE *fp, time_t now)
{
	struct cookie *c;
	size_t i, m = 0;

	for (i = 0; i < j->j_n; i++)
		if (!cookie_expired(j->j_c[i], now))
			j->j_sort[m++] = j->j_c[i];
	qsort(j->j_sort, m, sizeof(j->j_sort[0]), neworder);
	if (fputs(filehead, fp) == EOF)
		return -1;
	for (i = 0; i < m; i++) {
		c = j->j_sort[i];
		/* A leading dot marks the domain's subdomains, as Mozilla. */
		if (fprintf(fp, "%s%s%s\t%s\t%s%s\t%s\t%lld\t%s\t%s\n",
		    c->c_httponly ? "#HttpOnly_" : "",
		    c->c_hostonly ? "" : ".", c->c_domain,
		    c->c_hostonly ? "FALSE" : "TRUE", c->c_path,
		    c->c_slash ? "/" : "", c->c_secure ? "TRUE" : "FALSE",
		    c->c_expires, c->c_name, c->c_value) < 0)
			return -1;
	}
	return 0;
}

int
jar_save(struct jar *j, const char *file, time_t now, char *err, size_t n)
{
	struct out o;
	struct stat st;
	FILE *fp = NULL;
	int fd, isnew, e;

	isnew = stat(file, &st) == -1 && errno == ENOENT;
	if (out_open(&o, file) == -1)
		goto fail;
	/* Cookies are credentials: a new file is the user's only. */
	if (isnew && o.o_mode == OUT_RENAME && fchmod(o.o_fd, 0600) == -1)
		goto fail;
	if ((fd = dup(o.o_fd)) == -1)
		goto fail;
	if ((fp = fdopen(fd, "w")) == NULL) {
		e = errno;
		(void)close(fd);
		errno = e;
		goto fail;
	}
	if (writeall(j, fp, now) == -1) {
		e = errno;
		(void)fclose(fp);
		errno = e;
		goto fail;
	}
	if (fclose(fp) == EOF)
		goto fail;
	if (out_commit(&o) == -1) {
		(void)snprintf(err, n, "%s", strerror(errno));
		return -1;
	}
	return 0;
fail:
	e = errno;
	if (o.o_fd >= 0 && o.o_fd != STDOUT_FILENO)
		(void)close(o.o_fd);
	out_discard(&o);
	(void)snprintf(err, n, "%s", strerror(e));
	return -1;
}
