/*
 * fuzz_cookie.c: libFuzzer entry for the cookie jar (cookie.c,
 * cookiedate.c, cookiefile.c).  The input is a byte choosing the Cookie
 * header's buffer size, a cookie file's text, a NUL, then Set-Cookie
 * values one a line, each for the next of a few URLs.  Every URL's header
 * is built and checked; the jar is written, read back and written again,
 * and the two files must be the same bytes (nothing is lost or changed
 * by a round trip through the file).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cookie.h"

#define NOW	1700000000

static const char *urls[] = {
	"http://www.example.com/dir/sub/page?q=1",
	"http://a.b.example.com:8080/",
	"http://127.0.0.1/x/",
	"http://[::1]/",
	"http://com/c",
	"http://localhost/dir/"
};
#define NURLS	(sizeof(urls) / sizeof(urls[0]))

static struct url u[NURLS];
static char dir[64];
static char in[64], out1[64], out2[64];
static char text[1 << 20], a[1 << 20], b[1 << 20], hdr[COOKIE_HDRMAX + 1];

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
cleanup(void)
{
	(void)unlink(in);
	(void)unlink(out1);
	(void)unlink(out2);
	(void)rmdir(dir);
}

/* The files in a fresh folder, in memory (/dev/shm) when there is one. */
static void
init(void)
{
	const char *why;
	size_t i;

	(void)strcpy(dir, "/dev/shm/fuzz-cookie-XXXXXX");
	if (mkdtemp(dir) == NULL) {
		(void)strcpy(dir, "/tmp/fuzz-cookie-XXXXXX");
		if (mkdtemp(dir) == NULL)
			abort();
	}
	(void)snprintf(in, sizeof(in), "%s/in", dir);
	(void)snprintf(out1, sizeof(out1), "%s/out1", dir);
	(void)snprintf(out2, sizeof(out2), "%s/out2", dir);
	for (i = 0; i < NURLS; i++)
		if (url_parse(&u[i], urls[i], &why) != HG_OK)
			abort();
	if (atexit(cleanup) != 0)
		abort();
}

/* Reads FILE into BUF (of N); returns its length. */
static size_t
slurp(const char *file, char *buf, size_t n)
{
	FILE *fp;
	size_t len;

	if ((fp = fopen(file, "r")) == NULL)
		abort();
	len = fread(buf, 1, n, fp);
	if (ferror(fp) || len == n)
		abort();
	(void)fclose(fp);
	return len;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	struct jar *j, *k;
	const uint8_t *nul, *p, *end, *nl;
	const char *warn;
	char e[128];
	size_t tlen, n, i, len, la, lb;
	FILE *fp;

	if (!ready) {
		init();
		ready = 1;
	}
	if (size < 1 || size > sizeof(text))
		return 0;
	n = data[0] == 0 ? sizeof(hdr) : data[0];
	data++;
	size--;
	nul = memchr(data, '\0', size);
	tlen = nul != NULL ? (size_t)(nul - data) : size;
	if ((j = jar_new()) == NULL || (k = jar_new()) == NULL)
		abort();

	if ((fp = fopen(in, "w")) == NULL)
		abort();
	if (fwrite(data, 1, tlen, fp) != tlen || fclose(fp) == EOF)
		abort();
	if (jar_load(j, in, NOW, &warn, e, sizeof(e)) == -1 || warn != NULL)
		abort();
	/* A first line with '=' is also a -b NAME=VALUE string. */
	memcpy(text, data, tlen);
	text[tlen] = '\0';
	text[strcspn(text, "\n")] = '\0';
	if (strchr(text, '=') != NULL)
		(void)jar_load(j, text, NOW, &warn, e, sizeof(e));

	if (nul != NULL) {
		end = data + size;
		for (p = nul + 1, i = 0; p < end; p = nl + 1, i++) {
			if ((nl = memchr(p, '\n', end - p)) == NULL)
				nl = end;
			jar_set(j, &u[i % NURLS], (const char *)p, nl - p,
			    NOW + (time_t)i);
		}
	}
	for (i = 0; i < NURLS; i++) {
		len = jar_header(j, &u[i], NOW, hdr, n);
		if (len >= n || strlen(hdr) != len ||
		    strpbrk(hdr, "\r\n") != NULL)
			abort();
	}

	if (jar_save(j, out1, NOW, e, sizeof(e)) == -1)
		abort();
	if (jar_load(k, out1, NOW, &warn, e, sizeof(e)) == -1 || warn != NULL)
		abort();
	if (jar_save(k, out2, NOW, e, sizeof(e)) == -1)
		abort();
	la = slurp(out1, a, sizeof(a));
	lb = slurp(out2, b, sizeof(b));
	if (la != lb || memcmp(a, b, la) != 0)
		abort();
	jar_free(j);
	jar_free(k);
	return 0;
}
