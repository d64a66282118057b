/*
 * fuzz_resp.c: libFuzzer entry for http.c's response reader.  The first
 * byte picks HEAD or GET and how the rest is cut into pieces, so split
 * lines, CRLFs and chunk sizes are exercised as a slow network would;
 * the rest is fed as httpget feeds it.  Checks that body bytes stay
 * inside the input, that a Content-Length body never overruns, that the
 * header limits hold, and that every failure has a cause.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"

static struct resp rp;

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p, *d;
	size_t n, piece, step, used, dlen, left;
	unsigned long long body = 0;
	enum resp_ev ev = RESP_MORE;

	if (size == 0)
		return 0;
	resp_init(&rp, data[0] & 1);
	step = (data[0] >> 1) + 1;
	p = (const char *)data + 1;
	left = size - 1;
	while (left > 0) {
		piece = left < step ? left : step;
		n = piece;
		for (;;) {
			ev = resp_feed(&rp, p, n, &used, &d, &dlen);
			if (used > n)
				abort();
			if (ev == RESP_BODY) {
				if (d < p || d + dlen > p + n || dlen == 0)
					abort();
				body += dlen;
				if (rp.rp_body != body)
					abort();
			}
			p += used;
			n -= used;
			left -= used;
			if (ev == RESP_MORE || ev == RESP_DONE ||
			    ev == RESP_FAIL)
				break;
			if (ev == RESP_HEADERS && (rp.rp_hdrlen > RESP_HDRMAX ||
			    rp.rp_hdrsum + rp.rp_hdrlen > RESP_HDRMAX ||
			    rp.rp_status < 100 || rp.rp_status > 999 ||
			    rp.rp_ninterim > RESP_INTERIMMAX ||
			    strlen(rp.rp_loc) >= sizeof(rp.rp_loc) ||
			    (!rp.rp_hasloc && rp.rp_loc[0] != '\0')))
				abort();
		}
		if (ev == RESP_DONE || ev == RESP_FAIL)
			break;
		if (n != 0)
			abort();
	}
	if (ev != RESP_DONE && ev != RESP_FAIL)
		ev = resp_eof(&rp);
	if (ev == RESP_FAIL && (rp.rp_fail == HG_OK || rp.rp_why == NULL ||
	    rp.rp_why[0] == '\0'))
		abort();
	if (ev != RESP_DONE && ev != RESP_FAIL)
		abort();
	if (rp.rp_hasclen && !rp.rp_chunked && rp.rp_body > rp.rp_clen &&
	    rp.rp_status >= 200)
		abort();
	return 0;
}
