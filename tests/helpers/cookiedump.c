/*
 * cookiedump: httpget's cookie jar (clients/cookie.c) without a transfer,
 * for the tests.  The arguments are done in order: -t NOW sets the clock
 * (default: the real one), -b ARG is -b, -s URL VALUE a Set-Cookie of a
 * response to URL, -q URL prints the Cookie header value a request to URL
 * would send (an empty line for none), -n SIZE the buffer -q uses, and
 * -c FILE writes the jar as -c does.
 */
#include <err.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../clients/cookie.h"

static void
usage(void)
{
	(void)fprintf(stderr, "usage: cookiedump [-t NOW] [-n SIZE] "
	    "[-b ARG] [-s URL VALUE] [-q URL] [-c FILE]...\n");
	exit(2);
}

static long long
number(const char *s)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0')
		errx(2, "%s: not a number", s);
	return v;
}

/* Parses S into U, or exits. */
static void
parse(struct url *u, const char *s)
{
	const char *why = "";

	if (url_parse(u, s, &why) != HG_OK)
		errx(2, "%s: %s", s, why);
}

int
main(int argc, char *argv[])
{
	static char hdr[1024 * 1024];
	struct url *u;
	struct jar *j;
	const char *warn, *arg;
	char e[256];
	time_t now = time(NULL);
	size_t size = COOKIE_HDRMAX + 1;
	int i, opt;

	if ((u = malloc(sizeof(*u))) == NULL || (j = jar_new()) == NULL)
		err(1, "malloc");
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-s") == 0 && i + 2 < argc) {
			parse(u, argv[i + 1]);
			jar_set(j, u, argv[i + 2], strlen(argv[i + 2]), now);
			i += 2;
			continue;
		}
		if (argv[i][0] != '-' || argv[i][1] == '\0' ||
		    argv[i][2] != '\0' || i + 1 == argc)
			usage();
		opt = argv[i][1];
		arg = argv[++i];
		switch (opt) {
		case 't':
			now = (time_t)number(arg);
			break;
		case 'n':
			size = (size_t)number(arg);
			if (size > sizeof(hdr))
				errx(2, "%s: too large", arg);
			break;
		case 'b':
			if (jar_load(j, arg, now, &warn, e, sizeof(e)) == -1)
				errx(1, "%s: %s", arg, e);
			if (warn != NULL)
				warnx("%s: %s", arg, warn);
			break;
		case 'q':
			parse(u, arg);
			(void)jar_header(j, u, now, hdr, size);
			if (printf("%s\n", size > 0 ? hdr : "") < 0)
				err(1, "stdout");
			break;
		case 'c':
			if (fflush(stdout) == EOF)
				err(1, "stdout");
			if (jar_save(j, arg, now, e, sizeof(e)) == -1)
				errx(1, "%s: %s", arg, e);
			break;
		default:
			usage();
		}
	}
	jar_free(j);
	free(u);
	if (fflush(stdout) == EOF)
		err(1, "stdout");
	return 0;
}
