/*
 * inflate.c: the decoder of --compressed: DEFLATE (RFC 1951), raw or in
 * its zlib (RFC 1950) or gzip (RFC 1952) wrapping, resumable at any byte
 * of input and of output.  Bytes are decoded (by blocks.c) into the
 * window in struct inflate and handed out from there; this file has the
 * wrappings, their checksums and the window's upkeep.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "blocks.h"

/* gzip FLG bits (RFC 1952 2.3.1). */
#define G_FHCRC		0x02u
#define G_FEXTRA	0x04u
#define G_FNAME		0x08u
#define G_FCOMMENT	0x10u
#define G_RESERVED	0xe0u

static uint32_t
load32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap32(v);
#endif
	return v;
}

/*
 * The CRC-32 of RFC 1952 8 of N bytes at P after CRC, 16 bytes a round:
 * T[K][I] is the CRC of byte I followed by K zero bytes, so the 16 look-
 * ups of a round are independent of one another.
 */
static uint32_t
crc32(uint32_t t[16][256], uint32_t crc, const unsigned char *p, size_t n)
{
	uint32_t a, b, c, d;

	crc = ~crc;
	for (; n >= 16; p += 16, n -= 16) {
		a = load32(p) ^ crc;
		b = load32(p + 4);
		c = load32(p + 8);
		d = load32(p + 12);
		crc = t[15][a & 0xff] ^ t[14][a >> 8 & 0xff] ^
		    t[13][a >> 16 & 0xff] ^ t[12][a >> 24] ^
		    t[11][b & 0xff] ^ t[10][b >> 8 & 0xff] ^
		    t[9][b >> 16 & 0xff] ^ t[8][b >> 24] ^
		    t[7][c & 0xff] ^ t[6][c >> 8 & 0xff] ^
		    t[5][c >> 16 & 0xff] ^ t[4][c >> 24] ^
		    t[3][d & 0xff] ^ t[2][d >> 8 & 0xff] ^
		    t[1][d >> 16 & 0xff] ^ t[0][d >> 24];
	}
	while (n-- > 0)
		crc = t[0][(crc ^ *p++) & 0xff] ^ crc >> 8;
	return ~crc;
}

/*
 * The Adler-32 of RFC 1950 8.2 after ADLER.  16 bytes add 16 times A
 * and their sum weighted 16 down to 1 to B, which the compiler can do in
 * parallel.  In 64 bits the sums can go 2^22 bytes (B stays below
 * 2^22 * 2^22 * 255 / 2 + 2^38) before a modulo.
 */
static uint32_t
adler32(uint32_t adler, const unsigned char *p, size_t n)
{
	uint64_t a = adler & 0xffff, b = adler >> 16;
	uint32_t s, w;
	size_t k;
	unsigned i;

	while (n > 0) {
		k = n < (1u << 22) ? n : 1u << 22;
		n -= k;
		for (; k >= 16; k -= 16, p += 16) {
			s = w = 0;
			for (i = 0; i < 16; i++) {
				s += p[i];
				w += (16 - i) * p[i];
			}
			b += 16 * a + w;
			a += s;
		}
		while (k-- > 0) {
			a += *p++;
			b += a;
		}
		a %= 65521;
		b %= 65521;
	}
	return (uint32_t)(b << 16 | a);
}

/* Takes a whole byte, from z_bits first (byte-aligned here); 0: none. */
static int
getbyte(struct inflate *z, unsigned *c)
{
	if (z->z_nbits >= 8) {
		*c = bits_take(z, 8);
		return 1;
	}
	if (z->z_in == z->z_inend)
		return 0;
	*c = *z->z_in++;
	return 1;
}

/* The checksum and size of the output decoded since the last call. */
static void
sum(struct inflate *z)
{
	const unsigned char *p = z->z_wnd + z->z_cpos;
	size_t n = z->z_wpos - z->z_cpos;

	z->z_size += (uint32_t)n;
	if (z->z_wrap == W_GZIP)
		z->z_sum = crc32(z->z_crctab, z->z_sum, p, n);
	else if (z->z_wrap == W_ZLIB)
		z->z_sum = adler32(z->z_sum, p, n);
	z->z_cpos = z->z_wpos;
}

/* A new gzip member, or the zlib or raw stream, starts at z_wpos. */
static void
member(struct inflate *z)
{
	z->z_final = 0;
	z->z_cnt = 0;
	z->z_xlen = 0;
	z->z_hcrc = 0;
	z->z_sum = z->z_wrap == W_ZLIB ? 1 : 0;
	z->z_size = 0;
	z->z_hist = z->z_cpos = z->z_wpos;
}

/*
 * Keeps the last INF_WSIZE bytes of the window, all handed out and
 * summed, and makes room after them.
 */
static void
slide(struct inflate *z)
{
	size_t shift = z->z_wpos - INF_WSIZE;

	memcpy(z->z_wnd, z->z_wnd + shift, INF_WSIZE);
	z->z_wpos = z->z_fpos = z->z_cpos = INF_WSIZE;
	z->z_hist = z->z_hist > shift ? z->z_hist - shift : 0;
}

/*
 * The first two bytes of INF_ZLIB or INF_DEFLATE: a zlib header (RFC
 * 1950 2.2: method 8, a window of 32 KiB at most, FCHECK), which
 * INF_DEFLATE otherwise leaves in z_bits as the start of raw deflate.
 */
static int
zhead(struct inflate *z)
{
	unsigned cmf, flg;

	if (!bits_need(z, 16))
		return R_NEED;
	cmf = (unsigned)z->z_bits & 0xff;
	flg = (unsigned)z->z_bits >> 8 & 0xff;
	if (z->z_fmt == INF_DEFLATE && ((cmf & 15) != 8 || cmf >> 4 > 7 ||
	    (cmf << 8 | flg) % 31 != 0)) {
		z->z_wrap = W_RAW;
		z->z_st = S_BLOCK;
		return R_GO;
	}
	if ((cmf << 8 | flg) % 31 != 0)
		return blocks_fail(z, "bad zlib header check");
	if ((cmf & 15) != 8)
		return blocks_fail(z, "unknown zlib compression method");
	if (cmf >> 4 > 7)
		return blocks_fail(z, "bad zlib window size");
	if (flg & 0x20)
		return blocks_fail(z, "zlib preset dictionary");
	bits_drop(z, 16);
	z->z_st = S_BLOCK;
	return R_GO;
}

/* A gzip member's header (RFC 1952 2.3), a byte at a time. */
static int
gzhead(struct inflate *z)
{
	unsigned c;

	for (;;) {
		if (z->z_cnt >= 10 && !(z->z_flags & (G_FEXTRA | G_FNAME |
		    G_FCOMMENT | G_FHCRC))) {
			z->z_st = S_BLOCK;
			return R_GO;
		}
		if (!getbyte(z, &c))
			return R_NEED;
		if (z->z_cnt < 10) {
			if ((z->z_cnt == 0 && c != 0x1f) ||
			    (z->z_cnt == 1 && c != 0x8b))
				return blocks_fail(z, z->z_member > 1 ?
				    "trailing garbage" : "not a gzip stream");
			if (z->z_cnt == 2 && c != 8)
				return blocks_fail(z,
				    "unknown gzip compression method");
			if (z->z_cnt == 3 && (z->z_flags = c) & G_RESERVED)
				return blocks_fail(z,
				    "reserved gzip flags set");
			z->z_cnt++;
		} else if (z->z_flags & G_FEXTRA) {
			if (z->z_cnt < 12)
				z->z_xlen |= c << (z->z_cnt++ - 10) * 8;
			else
				z->z_xlen--;
			if (z->z_cnt == 12 && z->z_xlen == 0)
				z->z_flags &= ~G_FEXTRA;
		} else if (z->z_flags & G_FNAME) {
			if (c == 0)
				z->z_flags &= ~G_FNAME;
		} else if (z->z_flags & G_FCOMMENT) {
			if (c == 0)
				z->z_flags &= ~G_FCOMMENT;
		} else {
			z->z_tr[z->z_xlen++] = (unsigned char)c;
			if (z->z_xlen < 2)
				continue;
			if ((unsigned)(z->z_tr[0] | z->z_tr[1] << 8) !=
			    (z->z_hcrc & 0xffff))
				return blocks_fail(z,
				    "gzip header CRC mismatch");
			z->z_flags &= ~G_FHCRC;
			continue;
		}
		z->z_hcrc = crc32(z->z_crctab, z->z_hcrc,
		    &(unsigned char){ (unsigned char)c }, 1);
	}
}

/* The trailer after the last block (RFC 1950 2.2, RFC 1952 2.3.1). */
static int
trailer(struct inflate *z)
{
	unsigned c, n = z->z_wrap == W_GZIP ? 8 : z->z_wrap == W_ZLIB ? 4 : 0;
	uint32_t v;

	sum(z);
	bits_drop(z, z->z_nbits & 7);
	for (; z->z_cnt < n; z->z_cnt++) {
		if (!getbyte(z, &c))
			return R_NEED;
		z->z_tr[z->z_cnt] = (unsigned char)c;
	}
	if (z->z_wrap == W_GZIP) {
		if (load32(z->z_tr) != z->z_sum)
			return blocks_fail(z, "CRC-32 mismatch");
		if (load32(z->z_tr + 4) != z->z_size)
			return blocks_fail(z, "gzip length mismatch");
	} else if (z->z_wrap == W_ZLIB) {
		v = (uint32_t)z->z_tr[0] << 24 | (uint32_t)z->z_tr[1] << 16 |
		    (uint32_t)z->z_tr[2] << 8 | z->z_tr[3];
		if (v != z->z_sum)
			return blocks_fail(z, "Adler-32 mismatch");
	}
	if (z->z_wrap != W_GZIP && (z->z_nbits > 0 || z->z_in < z->z_inend))
		return blocks_fail(z, "trailing garbage");
	z->z_st = S_END;
	z->z_ended = 1;
	return R_END;
}

/* Decodes until input or room runs out, a member ends, or a failure. */
static int
decode(struct inflate *z)
{
	int r;

	do
		switch (z->z_st) {
		case S_ZHEAD:
			r = zhead(z);
			break;
		case S_GZHEAD:
			r = gzhead(z);
			break;
		case S_TRAILER:
			r = trailer(z);
			break;
		case S_END:
			if (z->z_nbits == 0 && z->z_in == z->z_inend)
				return R_END;
			if (z->z_wrap != W_GZIP)
				return blocks_fail(z, "trailing garbage");
			z->z_member++;
			member(z);
			z->z_st = S_GZHEAD;
			r = R_GO;
			break;
		case S_FAIL:
			return R_FAIL;
		default:
			r = blocks_step(z);
		}
	while (r == R_GO);
	return r;
}

void
inf_init(struct inflate *z, enum inf_fmt fmt)
{
	uint32_t c;
	unsigned i, k;

	memset(z, 0, offsetof(struct inflate, z_lit));
	z->z_fmt = fmt;
	z->z_wrap = fmt == INF_GZIP ? W_GZIP : fmt == INF_RAW ? W_RAW : W_ZLIB;
	z->z_st = fmt == INF_GZIP ? S_GZHEAD : fmt == INF_RAW ? S_BLOCK :
	    S_ZHEAD;
	z->z_member = 1;
	member(z);
	/* The reflected CRC-32 polynomial; t[k] is a byte then k zeros. */
	for (i = 0; i < 256; i++) {
		for (c = i, k = 0; k < 8; k++)
			c = c & 1 ? 0xedb88320 ^ c >> 1 : c >> 1;
		z->z_crctab[0][i] = c;
	}
	for (k = 1; k < 16; k++)
		for (i = 0; i < 256; i++) {
			c = z->z_crctab[k - 1][i];
			z->z_crctab[k][i] = c >> 8 ^ z->z_crctab[0][c & 0xff];
		}
}

enum inf_ev
inf_feed(struct inflate *z, const unsigned char *in, size_t n, size_t *used,
    unsigned char *out, size_t outn, size_t *made)
{
	static const unsigned char none[1];
	enum inf_ev ev;
	size_t k;
	int r = R_ROOM;

	if (in == NULL)
		in = none, n = 0;
	z->z_in = in;
	z->z_inend = in + n;
	*made = 0;
	for (;;) {
		k = z->z_wpos - z->z_fpos;
		if (k > outn - *made)
			k = outn - *made;
		if (k > 0)
			memcpy(out + *made, z->z_wnd + z->z_fpos, k);
		z->z_fpos += k;
		*made += k;
		if (z->z_fpos < z->z_wpos)
			ev = INF_FULL;
		else if (z->z_st == S_FAIL)
			ev = INF_FAIL;
		else if (z->z_ended || r == R_END)
			ev = INF_DONE;
		else if (r == R_NEED)
			ev = INF_MORE;
		else {
			if (z->z_wpos > INF_BUFSIZE - FASTROOM) {
				sum(z);
				slide(z);
			}
			r = decode(z);
			continue;
		}
		break;
	}
	if (ev == INF_DONE)
		z->z_ended = 0;
	*used = (size_t)(z->z_in - in);
	z->z_in = z->z_inend = NULL;
	return ev;
}

enum inf_ev
inf_end(struct inflate *z)
{
	if (z->z_st == S_END)
		return INF_DONE;
	if (z->z_st != S_FAIL)
		(void)blocks_fail(z, "truncated");
	return INF_FAIL;
}
