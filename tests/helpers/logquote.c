/*
 * logquote: log.c's value quoting, for the tests.  Reads stdin (any bytes)
 * and prints it as log_quote() writes it, then a newline.
 *
 *	logquote json|logfmt [SIZE]
 *
 * SIZE (3 to 8192, default 8192) is the room given, NUL included.
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../superd/log.h"

int
main(int argc, char *argv[])
{
	static char in[4096], out[8192];
	size_t n = 0, size = sizeof(out), len;
	ssize_t r;
	int json;

	if (argc < 2 || argc > 3 || (strcmp(argv[1], "json") != 0 &&
	    strcmp(argv[1], "logfmt") != 0))
		errx(2, "usage: logquote json|logfmt [SIZE]");
	json = strcmp(argv[1], "json") == 0;
	if (argc == 3 && ((size = strtoul(argv[2], NULL, 10)) < 3 ||
	    size > sizeof(out)))
		errx(2, "size %s: out of range", argv[2]);
	while (n < sizeof(in) && (r = read(0, in + n, sizeof(in) - n)) > 0)
		n += (size_t)r;
	if (r == -1)
		err(1, "read");
	len = log_quote(out, size, in, n, json);
	if (len != strlen(out) || len >= size)
		errx(1, "length %zu: wrong", len);
	out[len++] = '\n';
	if (fwrite(out, 1, len, stdout) != len || fflush(stdout) == EOF)
		err(1, "stdout");
	return 0;
}
