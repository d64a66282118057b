/*
 * fuzz_wout.c: libFuzzer entry for wout.c's -w.  The input is a format,
 * a NUL, then a header block as a server might send it (for %header{}
 * and content_type); both go through wout_write() to /dev/null, so an
 * overrun on either side shows under the sanitizers.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wout.h"

static char fmt[65536], hdr[65536];

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *null;
	struct xfer x;
	const uint8_t *nul;
	size_t flen, hlen;

	if (null == NULL && (null = fopen("/dev/null", "w")) == NULL)
		abort();
	nul = memchr(data, '\0', size);
	flen = nul != NULL ? (size_t)(nul - data) : size;
	if (flen >= sizeof(fmt))
		return 0;
	memcpy(fmt, data, flen);
	fmt[flen] = '\0';
	hlen = nul != NULL ? size - flen - 1 : 0;
	if (hlen > sizeof(hdr))
		return 0;
	if (hlen > 0)
		memcpy(hdr, nul + 1, hlen);
	memset(&x, 0, sizeof(x));
	x.x_code = 200;
	x.x_minor = 1;
	x.x_method = "GET";
	x.x_scheme = "http";
	x.x_url = "http://example.org/\"\\\x01";
	x.x_t_total = 123456;
	x.x_hdr = hlen > 0 ? hdr : NULL;
	x.x_hdrlen = hlen;
	(void)wout_write(fmt, &x, null, null);
	return 0;
}
