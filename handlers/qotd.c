/*
 * qotd: the Quote of the Day Protocol (RFC 865).  Sends one quote, picked
 * at random, and closes; a datagram gets one quote too.  Quotes come from a
 * fortune(6) file (-f; lines holding only "%" separate them) or a built-in
 * list.  RFC 865 keeps a quote under 512 bytes: longer ones are left out.
 */
#include <sys/types.h>
#include <sys/stat.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

#define FILEMAX		(16 << 20)	/* a quote file larger is a mistake */

static const char **quotes;
static size_t nquotes;

/* Adds quote q unless blank; 1 when it is too long and left out. */
static int
add(const char *q)
{
	size_t len;

	if (q[strspn(q, " \t\r\n")] == '\0')
		return 0;
	len = strlen(q);
	/* proto.c adds a newline where it lacks */
	if (len + (q[len - 1] != '\n') >= PROTO_LINEMAX)
		return 1;
	quotes[nquotes++] = q;
	return 0;
}

/* Reads the fortune file path into quotes, or exits with a message. */
static void
load(const char *path)
{
	struct stat st;
	char *buf, *p, *nl, *start;
	size_t len = 0, max = 1;
	ssize_t n;
	int fd, toolong = 0;

	if ((fd = open(path, O_RDONLY)) == -1 || fstat(fd, &st) == -1)
		err(1, "%s", path);
	if (st.st_size > FILEMAX)
		errx(1, "%s: larger than %d bytes", path, FILEMAX);
	if ((buf = malloc((size_t)st.st_size + 1)) == NULL)
		err(1, "%s", path);
	while (len < (size_t)st.st_size && (n = hu_read(fd, buf + len,
	    (size_t)st.st_size - len)) != 0) {
		if (n == -1)
			err(1, "%s", path);
		len += (size_t)n;
	}
	(void)close(fd);
	buf[len] = '\0';
	for (p = buf; (p = strchr(p, '\n')) != NULL; p++)
		max++;
	if ((quotes = calloc(max, sizeof(*quotes))) == NULL)
		err(1, "%s", path);
	nquotes = 0;

	/* A line holding only "%" (or "%\r") ends the quote before it. */
	for (start = p = buf; *p != '\0'; p = nl + 1) {
		if ((nl = strchr(p, '\n')) == NULL)
			nl = p + strlen(p) - 1;
		if (strncmp(p, "%\n", 2) == 0 || strncmp(p, "%\r\n", 3) == 0 ||
		    strcmp(p, "%") == 0 || strcmp(p, "%\r") == 0) {
			*p = '\0';
			toolong += add(start);
			start = nl + 1;
		}
	}
	toolong += add(start);
	if (nquotes == 0)
		errx(1, "%s: %s", path, len == 0 ? "empty file" : toolong ?
		    "every quote is 512 bytes or longer" : "no quote");
}

/* With -f, the quotes are read before anything is served. */
static int
ready(struct proto_opts *o)
{
	if (o->po_file != NULL) {
		load(o->po_file);
		o->po_quotes = quotes;
		o->po_nquotes = nquotes;
	}
	srandom((unsigned)time(NULL) ^ (unsigned)getpid());
	return 0;
}

int
main(int argc, char *argv[])
{
	static const struct hu_prog p = {
		"[-1h] [-f file] [-t seconds]",
		"The Quote of the Day Protocol (RFC 865): sends one quote and\n"
		"exits; on a UDP socket, answers each datagram with one.\n"
		HU_HELP_1
		"  -f FILE     the quotes of FILE, fortune(6) style (\"%\" lines\n"
		"              between them), not the built-in ones\n"
		HU_HELP_H HU_HELP_T,
		NULL, ready
	};

	return hu_main(argc, argv, "qotd", &p);
}
