/*
 * bodydump: clients/body.c without httpget, for tests/httpget-bodydump.bats.
 * Takes httpget's body options, then writes "size N ctype CTYPE" to stderr
 * and the body (with -G the query) to stdout; --twice rewinds and writes
 * it again, --read N reads N bytes at a time, --boundary HEX... gives the
 * boundary digits to try first, --change FILE N truncates FILE to N bytes
 * after the first read.  A failure: b_err on stderr, exit b_fail.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../clients/body.h"

static const struct {
	const char	*opt;
	enum body_data	 kind;
} datas[] = {
	{ "-d", DATA_ASCII }, { "--data", DATA_ASCII },
	{ "--data-ascii", DATA_ASCII }, { "--data-binary", DATA_BINARY },
	{ "--data-raw", DATA_RAW }, { "--data-urlencode", DATA_URLENCODE }
};

#define CHUNK	65536

static const char *change;
static off_t changeto;

/* Writes B to stdout, CHUNK bytes at most at a time: its failure, or 0. */
static enum fail
dump(struct body *b, size_t chunk)
{
	char buf[CHUNK];
	ssize_t n;

	while ((n = body_read(b, buf, chunk)) > 0) {
		if (fwrite(buf, 1, (size_t)n, stdout) != (size_t)n) {
			perror("bodydump: stdout");
			exit(1);
		}
		if (change != NULL && truncate(change, changeto) == -1) {
			perror(change);
			exit(1);
		}
		change = NULL;
	}
	return n == 0 ? HG_OK : b->b_fail;
}

int
main(int argc, char *argv[])
{
	struct body b;
	const char *q;
	size_t chunk = CHUNK, len, j;
	int i, get = 0, twice = 0, st = 0;
	enum fail f = HG_OK;

	body_init(&b);
	for (i = 1; i < argc && f == HG_OK; i++) {
		if (strcmp(argv[i], "-G") == 0) {
			get = 1;
			continue;
		}
		if (strcmp(argv[i], "--twice") == 0) {
			twice = 1;
			continue;
		}
		if (i + 1 == argc) {
			fprintf(stderr, "bodydump: %s: no argument\n", argv[i]);
			return 2;
		}
		for (j = 0; j < sizeof(datas) / sizeof(datas[0]); j++)
			if (strcmp(argv[i], datas[j].opt) == 0)
				break;
		if (j < sizeof(datas) / sizeof(datas[0]))
			f = body_data(&b, datas[j].kind, argv[++i]);
		else if (strcmp(argv[i], "-F") == 0)
			f = body_form(&b, argv[++i], 0);
		else if (strcmp(argv[i], "--form-string") == 0)
			f = body_form(&b, argv[++i], 1);
		else if (strcmp(argv[i], "-T") == 0)
			f = body_upload(&b, argv[++i]);
		else if (strcmp(argv[i], "--boundary") == 0)
			b.b_testhex = argv[++i];
		else if (strcmp(argv[i], "--change") == 0 && i + 2 < argc) {
			change = argv[++i];
			changeto = (off_t)strtoll(argv[++i], NULL, 10);
		} else if (strcmp(argv[i], "--read") == 0) {
			chunk = (size_t)strtoul(argv[++i], NULL, 10);
			if (chunk == 0 || chunk > CHUNK)
				chunk = CHUNK;
		} else {
			fprintf(stderr, "bodydump: %s: unknown\n", argv[i]);
			return 2;
		}
	}
	if (f == HG_OK)
		f = body_finish(&b);
	if (f != HG_OK)
		goto out;
	fprintf(stderr, "size %lld ctype %s\n", b.b_size, b.b_ctype);
	if (get) {
		if ((q = body_query(&b, &len)) != NULL)
			(void)fwrite(q, 1, len, stdout);
		goto out;
	}
	if ((f = dump(&b, chunk)) == HG_OK && twice &&
	    (f = body_rewind(&b)) == HG_OK)
		f = dump(&b, chunk);
out:
	if (f != HG_OK) {
		fflush(stdout);
		fprintf(stderr, "%s\n", b.b_err);
		st = (int)f;
	}
	body_free(&b);
	if (fflush(stdout) == EOF)
		st = 1;
	return st;
}
