/*
 * fuzz_inflate.c: libFuzzer entry for inflate.c.  The first byte picks
 * the wrapping (raw, zlib, gzip, or deflate's guess between zlib and
 * raw), the second the seed of the piece sizes; the rest is decoded all
 * at once and in pieces of 1 to 17 bytes with 1 to 33 bytes of room,
 * which must agree to the byte.  Built with WITH_ZLIB (FUZZ_ZLIB in the
 * Makefile) it is decoded by zlib's inflate too, and must agree with it
 * but where inflate.c is stricter on purpose:
 *  - zlib accepts a literal/length code of one code of one bit (only
 *    the end of block, then); RFC 1951 allows an incomplete code for
 *    distances only, and inflate.c says "incomplete literal/length code";
 *  - zlib stops at the end of a zlib or raw stream and leaves what
 *    follows; inflate.c says "trailing garbage".
 * There the output of inflate.c must be the start of zlib's.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#ifdef WITH_ZLIB
#include <zlib.h>
#endif

#include "inflate.h"

#define CAP	(1u << 18)	/* the output looked at: enough, and quick */

struct run {
	unsigned char	 r_out[CAP];
	size_t		 r_len;
	int		 r_ok;		/* 1 whole, 0 failed, -1 over CAP */
	const char	*r_why;
};

static struct inflate z;
static struct run whole, pieces;

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Decodes IN[N] as FMT into R: all at once, or with SEED in pieces. */
static void
ours(struct run *r, enum inf_fmt fmt, const uint8_t *in, size_t n,
    unsigned seed)
{
	size_t k, room, used, made;
	enum inf_ev ev;
	int idle = 0;

	inf_init(&z, fmt);
	r->r_len = 0;
	r->r_why = NULL;
	for (;;) {
		k = n;
		room = CAP - r->r_len;
		if (seed != 0) {
			seed = seed * 1103515245 + 12345;
			if (k > 1 + (seed >> 16) % 17)
				k = 1 + (seed >> 16) % 17;
			if (room > 1 + (seed >> 8) % 33)
				room = 1 + (seed >> 8) % 33;
		}
		if (room == 0) {
			r->r_ok = -1;
			return;
		}
		ev = inf_feed(&z, in, k, &used, r->r_out + r->r_len, room,
		    &made);
		if (used > k || made > room || (ev == INF_MORE && used != k) ||
		    (ev == INF_FULL && made != room))
			abort();
		idle = used == 0 && made == 0 ? idle + 1 : 0;
		if (idle > 2 && ev != INF_MORE)
			abort();
		r->r_len += made;
		in += used;
		n -= used;
		if (ev == INF_FAIL) {
			if (z.z_why == NULL)
				abort();
			r->r_ok = 0;
			r->r_why = z.z_why;
			return;
		}
		if (n == 0 && (ev == INF_MORE || ev == INF_DONE))
			break;
	}
	r->r_ok = inf_end(&z) == INF_DONE;
	r->r_why = r->r_ok ? NULL : z.z_why;
}

#ifdef WITH_ZLIB
static struct run zl;

/* Decodes IN[N] with zlib's inflate and WBITS, gzip members in a row. */
static int
theirs(struct run *r, int wbits, const uint8_t *in, size_t n)
{
	z_stream s;
	int ret, trailing = 0;

	memset(&s, 0, sizeof(s));
	if (inflateInit2(&s, wbits) != Z_OK)
		abort();
	s.next_in = (Bytef *)(uintptr_t)in;
	s.avail_in = (uInt)n;
	s.next_out = r->r_out;
	s.avail_out = CAP;
	for (;;) {
		ret = inflate(&s, Z_NO_FLUSH);
		if (ret == Z_STREAM_END && s.avail_in > 0 && wbits > 16) {
			if (inflateReset(&s) != Z_OK)
				abort();
			continue;
		}
		if (ret == Z_STREAM_END) {
			r->r_ok = 1;
			trailing = s.avail_in > 0;
		} else if (ret == Z_OK && s.avail_out == 0)
			r->r_ok = -1;
		else
			r->r_ok = 0;
		break;
	}
	r->r_len = CAP - s.avail_out;
	(void)inflateEnd(&s);
	return trailing;
}

/* Whether zlib and inflate.c may differ: see the top. */
static int
stricter(const char *why)
{
	return strcmp(why, "incomplete literal/length code") == 0 ||
	    strcmp(why, "trailing garbage") == 0;
}

static void
compare(enum inf_fmt fmt, const uint8_t *in, size_t n)
{
	int wbits, trailing;

	if (fmt == INF_GZIP)
		wbits = 31;
	else if (fmt == INF_RAW)
		wbits = -15;
	else if (fmt == INF_ZLIB)
		wbits = 15;
	else
		wbits = n >= 2 && (in[0] & 15) == 8 && in[0] >> 4 <= 7 &&
		    (in[0] << 8 | in[1]) % 31 == 0 ? 15 : -15;
	trailing = theirs(&zl, wbits, in, n);
	if (zl.r_ok == -1 || whole.r_ok == -1) {
		n = zl.r_len < whole.r_len ? zl.r_len : whole.r_len;
		if (memcmp(zl.r_out, whole.r_out, n) != 0)
			abort();
		return;
	}
	if (whole.r_ok && (!zl.r_ok || trailing))
		abort();
	if (!whole.r_ok && zl.r_ok && !stricter(whole.r_why))
		abort();
	if (!whole.r_ok && stricter(whole.r_why)) {
		if (whole.r_len > zl.r_len ||
		    memcmp(zl.r_out, whole.r_out, whole.r_len) != 0)
			abort();
		return;
	}
	if (whole.r_len != zl.r_len ||
	    memcmp(zl.r_out, whole.r_out, zl.r_len) != 0)
		abort();
}
#endif

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum inf_fmt fmts[4] = {
		INF_RAW, INF_ZLIB, INF_GZIP, INF_DEFLATE
	};
	enum inf_fmt fmt;
	size_t n;

	if (size < 2)
		return 0;
	fmt = fmts[data[0] & 3];
	ours(&whole, fmt, data + 2, size - 2, 0);
	ours(&pieces, fmt, data + 2, size - 2, data[1] | 0x100);
	n = whole.r_len < pieces.r_len ? whole.r_len : pieces.r_len;
	if (memcmp(whole.r_out, pieces.r_out, n) != 0)
		abort();
	if (whole.r_ok != -1 && pieces.r_ok != -1 &&
	    (whole.r_ok != pieces.r_ok || whole.r_len != pieces.r_len ||
	    whole.r_why != pieces.r_why))
		abort();
#ifdef WITH_ZLIB
	compare(fmt, data + 2, size - 2);
#endif
	return 0;
}
