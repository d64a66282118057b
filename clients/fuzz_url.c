/*
 * fuzz_url.c: libFuzzer entry for url.c.  The input up to the first
 * newline is parsed as a URL; the rest, if any, is resolved against it as
 * a Location.  Checks what httpget relies on: a host, a port 1-65535, a
 * path starting with '/', and an authority that fits.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "url.h"

static struct url base, next;
static char s[URL_MAX * 2 + 2];

static void
check(const struct url *u)
{
	char auth[URL_HOSTMAX + 16];

	if (u->u_host[0] == '\0' || u->u_port < 1 || u->u_port > 65535 ||
	    u->u_path[0] != '/' || strchr(u->u_path, '?') != NULL ||
	    url_authority(u, 1, auth, sizeof(auth)) == -1)
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
