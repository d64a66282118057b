/*
 * inflatedump: clients/inflate.c without httpget, for the tests and the
 * bench.  Decodes stdin (-g gzip, -z zlib, -r raw, -d deflate: zlib or
 * raw) to stdout, feeding -i N bytes at a time (default 65536) with -o N
 * bytes of output room (default 65536).  A bad stream: "inflatedump:
 * CAUSE" and exit 1; a usage error, exit 2.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../clients/inflate.h"

/*
 * Static rather than malloc'd: glibc maps a big block apart, and read(2)
 * into that cost the kernel so much more here that stored blocks of
 * random bytes decoded at half speed with -i 1048576.
 */
#define MAXSIZE	(1u << 24)

static struct inflate z;
static unsigned char in[MAXSIZE], out[MAXSIZE];

static void
usage(void)
{
	fprintf(stderr, "usage: inflatedump -g | -z | -r | -d [-i N] [-o N]\n");
	exit(2);
}

/* A size from 1 to MAXSIZE. */
static size_t
size(const char *s)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v == 0 || v > MAXSIZE) {
		fprintf(stderr, "inflatedump: bad size '%s'\n", s);
		exit(2);
	}
	return v;
}

/* Reads up to N bytes, fewer only at the end of input. */
static size_t
readfull(unsigned char *buf, size_t n)
{
	size_t got = 0;
	ssize_t r;

	while (got < n) {
		r = read(0, buf + got, n - got);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			perror("inflatedump: stdin");
			exit(1);
		}
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return got;
}

static void
writefull(const unsigned char *buf, size_t n)
{
	ssize_t r;

	while (n > 0) {
		r = write(1, buf, n);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			perror("inflatedump: stdout");
			exit(1);
		}
		buf += r;
		n -= (size_t)r;
	}
}

int
main(int argc, char *argv[])
{
	unsigned char *p;
	size_t isz = 65536, osz = 65536, left, used, made;
	enum inf_fmt fmt = INF_GZIP;
	enum inf_ev ev = INF_MORE;
	int c, fset = 0;

	while ((c = getopt(argc, argv, "gzrdi:o:")) != -1) {
		switch (c) {
		case 'g':
			fmt = INF_GZIP;
			break;
		case 'z':
			fmt = INF_ZLIB;
			break;
		case 'r':
			fmt = INF_RAW;
			break;
		case 'd':
			fmt = INF_DEFLATE;
			break;
		case 'i':
			isz = size(optarg);
			continue;
		case 'o':
			osz = size(optarg);
			continue;
		default:
			usage();
		}
		fset++;
	}
	if (fset != 1 || optind != argc)
		usage();
	inf_init(&z, fmt);
	while ((left = readfull(in, isz)) > 0) {
		p = in;
		do {
			ev = inf_feed(&z, p, left, &used, out, osz, &made);
			writefull(out, made);
			p += used;
			left -= used;
			if (ev == INF_FAIL)
				goto bad;
		} while (left > 0 || ev == INF_FULL);
	}
	if (inf_end(&z) == INF_FAIL)
		goto bad;
	return 0;
bad:
	fprintf(stderr, "inflatedump: %s\n", z.z_why);
	return 1;
}
