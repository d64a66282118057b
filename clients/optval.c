/*
 * optval.c: the values httpget's options take, each checked where it is
 * read: numbers of seconds, counts and sizes, header values that must not
 * hold a CR or LF, methods, and -u's credentials (the password asked on
 * the terminal when it is not given).  A bad one is a usage error.
 */
#include <sys/types.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "optval.h"

void
bad(const char *fmt, ...)
{
	va_list ap;

	fputs("httpget: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

/*
 * SECONDS (a decimal, fraction allowed, as curl takes) for option OPT
 * into milliseconds.
 */
long long
secs_parse(const char *opt, const char *s)
{
	long long ms = 0, scale = 1000;
	const char *p = s;

	if (!isdigit((unsigned char)*p) && *p != '.')
		goto bad;
	for (; isdigit((unsigned char)*p); p++) {
		ms = ms * 10 + (*p - '0') * 1000;
		if (ms > 100000000LL * 1000)
			bad("%s %.16s: too large", opt, s);
	}
	if (*p == '.')
		for (p++; isdigit((unsigned char)*p); p++)
			ms += (*p - '0') * (scale /= 10);
	if (*p != '\0' || (p == s + 1 && *s == '.'))
		goto bad;
	return ms;
bad:
	bad("%s '%.16s': not a number", opt, s);
}

long
num_parse(const char *opt, const char *s, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (end == s || *end != '\0' || errno == ERANGE || v < min ||
	    v > max)
		bad("%s '%.16s': not a number from %ld to %ld", opt, s, min,
		    max);
	return v;
}

/* BYTES with an optional k, M or G (powers of 1024), as curl takes. */
unsigned long long
size_parse(const char *opt, const char *s)
{
	unsigned long long v, mul = 1;
	char *end;

	errno = 0;
	if (!isdigit((unsigned char)*s))
		bad("%s '%.16s': not a size", opt, s);
	v = strtoull(s, &end, 10);
	switch (*end) {
	case 'k': case 'K':
		mul = 1024;
		end++;
		break;
	case 'm': case 'M':
		mul = 1024 * 1024;
		end++;
		break;
	case 'g': case 'G':
		mul = 1024 * 1024 * 1024;
		end++;
		break;
	}
	if (*end != '\0' || errno == ERANGE || v > ~0ULL / mul)
		bad("%s '%.16s': not a size", opt, s);
	return v * mul;
}

/* S, at most N - 1 bytes of it, into BUF with control bytes as '?',
 * so that a message stays on its line. */
const char *
printable(char *buf, size_t n, const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0' && i + 1 < n; i++)
		buf[i] = (unsigned char)s[i] < ' ' || s[i] == 0x7f ? '?' : s[i];
	buf[i] = '\0';
	return buf;
}

/* True when S holds a control byte other than a tab: a header value
 * with a CR or LF would be a header of its own. */
int
hasctl(const char *s)
{
	for (; *s != '\0'; s++)
		if (((unsigned char)*s < ' ' && *s != '\t') || *s == 0x7f)
			return 1;
	return 0;
}

/* A method is a token (RFC 9110 section 9.1). */
int
istoken(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) &&
		    strchr("!#$%&'*+-.^_`|~", *s) == NULL)
			return 0;
	return 1;
}

/*
 * -u USER without a password: asked on the terminal with echo off, as
 * curl asks.  Returns "USER:PASS"; exits when there is no terminal.
 */
static char *
askpass(const char *user)
{
	struct termios t, quiet;
	char pass[1024], *up;
	ssize_t n;
	size_t len = 0;
	int fd, restore = 0;

	if ((fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY)) == -1)
		bad("-u %.64s: no password given, and no terminal to ask for "
		    "it", user);
	if (tcgetattr(fd, &t) == 0) {
		quiet = t;
		quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
		restore = tcsetattr(fd, TCSAFLUSH, &quiet) == 0;
	}
	(void)dprintf(fd, "Enter host password for user '%.64s':", user);
	while (len + 1 < sizeof(pass)) {
		n = read(fd, pass + len, 1);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0 || pass[len] == '\n')
			break;
		len++;
	}
	pass[len] = '\0';
	if (restore)
		(void)tcsetattr(fd, TCSAFLUSH, &t);
	/* The newline echo did not show; the prompt still works without. */
	n = write(fd, "\n", 1);
	(void)n;
	(void)close(fd);
	if (len > 0 && pass[len - 1] == '\r')
		pass[--len] = '\0';
	if ((up = malloc(strlen(user) + len + 2)) == NULL)
		bad("-u: %s", strerror(errno));
	(void)sprintf(up, "%s:%s", user, pass);
	memset(pass, 0, sizeof(pass));
	return up;
}

/*
 * -u's "USER:PASS" in the %-encoded form a URL's user info has, which
 * request.c decodes: only '%' itself needs it.
 */
const char *
userinfo(const char *arg)
{
	char *up, *enc, *q;
	const char *p;

	up = strchr(arg, ':') != NULL ? strdup(arg) : askpass(arg);
	if (up == NULL || (enc = malloc(strlen(up) * 3 + 1)) == NULL)
		bad("-u: %s", strerror(errno));
	for (p = up, q = enc; *p != '\0'; p++)
		if (*p == '%') {
			memcpy(q, "%25", 3);
			q += 3;
		} else
			*q++ = *p;
	*q = '\0';
	memset(up, 0, strlen(up));
	free(up);
	return enc;
}
