/*
 * fuzz_proxy.c: libFuzzer entry for the PROXY header parser (proxy.c).
 * The first byte chooses the versions accepted (v1, v2 or both), the rest
 * is what came on the connection, copied to a buffer of its own size so
 * that a read past it is caught.  A whole header must be whole again when
 * cut at its length (nothing past it was looked at), and every shorter
 * prefix must ask for more, never more than the header has left.
 */
#include <sys/types.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proxy.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct proxyhdr h, p;
	unsigned char *buf;
	enum proxyres r;
	size_t len, k;
	int want;

	if (size == 0)
		return 0;
	want = data[0] % 3 + 1;
	len = size - 1;
	if ((buf = malloc(len ? len : 1)) == NULL)
		return 0;
	memcpy(buf, data + 1, len);
	r = proxy_parse(buf, len, want, &h);
	switch (r) {
	case PROXY_DONE:
		if (h.ph_len == 0 || h.ph_len > len || h.ph_len > PROXY_MAX)
			abort();
		if (proxy_parse(buf, h.ph_len, want, &p) != PROXY_DONE ||
		    p.ph_len != h.ph_len)
			abort();
		for (k = 0; k < h.ph_len; k++)
			if (proxy_parse(buf, k, want, &p) != PROXY_MORE ||
			    p.ph_len == 0 || k + p.ph_len > PROXY_MAX)
				abort();
		break;
	case PROXY_MORE:
		if (h.ph_len == 0 || len + h.ph_len > PROXY_MAX)
			abort();
		break;
	case PROXY_BAD:
		if (h.ph_why == NULL)
			abort();
		break;
	}
	free(buf);
	return 0;
}
