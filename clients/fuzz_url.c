/*
 * fuzz_url.c: libFuzzer entry for url.c, the parser and the normaliser.
 * The input up to the first newline is parsed as a URL; the rest, if
 * any, is resolved against it as a Location.  Checks what httpget relies
 * on: a host, a port 1-65535, an authority that fits, and a request
 * target as curl normalises it: starting with '/', no dot segment, no
 * byte a request line cannot carry, and the same when parsed again.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "url.h"

static struct url base, next, again;
static char s[URL_MAX * 2 + 2];
static char url[URL_MAX + URL_HOSTMAX + 32];

/* True when the path P of N bytes still has a "." or ".." segment. */
static int
hasdots(const char *p, size_t n)
{
	size_t i, len;

	for (i = 0; i < n; i += len + 1) {
		len = strcspn(p + i + 1, "/");
		if (i + 1 + len > n)
			len = n - i - 1;
		if ((len == 1 && p[i + 1] == '.') ||
		    (len == 2 && p[i + 1] == '.' && p[i + 2] == '.'))
			return 1;
	}
	return 0;
}

static void
check(const struct url *u)
{
	char auth[URL_HOSTMAX + 16];
	const char *why, *p;
	size_t tlen = strlen(u->u_target);

	if (u->u_host[0] == '\0' || u->u_port < 1 || u->u_port > 65535 ||
	    url_authority(u, 1, auth, sizeof(auth)) == -1)
		abort();
	if (u->u_target[0] != '/' || u->u_pathlen > tlen ||
	    u->u_target[u->u_pathlen] != (u->u_hasquery ? '?' : '\0') ||
	    memchr(u->u_target, '?', u->u_pathlen) != NULL ||
	    strchr(u->u_target, '#') != NULL ||
	    hasdots(u->u_target, u->u_pathlen))
		abort();
	for (p = u->u_target; *p != '\0'; p++)
		if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7f)
			abort();
	/* Normalised is a fixed point: parsing it again changes nothing. */
	if ((p = strchr(u->u_host, '%')) != NULL)	/* RFC 6874's %25 */
		(void)snprintf(url, sizeof(url), "http://[%.*s%%25%s]:%u%s",
		    (int)(p - u->u_host), u->u_host, p + 1, u->u_port,
		    u->u_target);
	else
		(void)snprintf(url, sizeof(url), "http://%s%s", auth,
		    u->u_target);
	if (strlen(url) >= URL_MAX)
		return;
	if (url_parse(&again, url, &why) != HG_OK ||
	    strcmp(again.u_target, u->u_target) != 0 ||
	    !url_sameorigin(&again, u))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *why, *ref;
	char *nl;

	if (size >= sizeof(s))
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	ref = NULL;
	if ((nl = memchr(s, '\n', size)) != NULL) {
		*nl = '\0';
		ref = nl + 1;
	}
	if (url_parse(&base, s, &why) != HG_OK) {
		if (why == NULL || why[0] == '\0')
			abort();
		return 0;
	}
	check(&base);
	if (ref != NULL && url_resolve(&next, &base, ref, &why) == HG_OK)
		check(&next);
	return 0;
}
