/*
 * blocks.c: the blocks of DEFLATE (RFC 1951 3.2): stored, fixed and
 * dynamic codes, decoded into z_wnd one step at a time by blocks_step(),
 * which a fast loop takes over while input and room are plentiful.  The
 * codes' tables are built per block in struct inflate.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "blocks.h"

/* The three codes of a dynamic block, for build(). */
enum { T_LIT, T_DIST, T_CLEN };

/*
 * A table entry is VALUE << 16 | KIND << 8 | BITS, BITS the code's
 * length.  A KIND below 16 is a length or distance base VALUE with KIND
 * extra bits (RFC 1951 3.2.5); a code length symbol has KIND 0.
 */
#define E_LIT		0x10u	/* VALUE is a literal byte */
#define E_EOB		0x20u
#define E_BAD		0x40u	/* a symbol that never occurs */
#define E_LONG		0x80u	/* longer than the table: search */
#define ENTRY(v, k, b)	((uint32_t)(v) << 16 | (uint32_t)(k) << 8 | (b))
#define EBITS(e)	((e) & 0xffu)
#define EKIND(e)	((e) >> 8 & 0xffu)
#define EVAL(e)		((e) >> 16)

#define FASTIN		8	/* the input the fast loop reads at once */

/* RFC 1951 3.2.5: the bases and extra bits of lengths and distances. */
static const uint16_t lbase[29] = {
	3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43,
	51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258
};
static const uint8_t lextra[29] = {
	0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4,
	4, 4, 5, 5, 5, 5, 0
};
static const uint16_t dbase[30] = {
	1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257,
	385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289,
	16385, 24577
};
static const uint8_t dextra[30] = {
	0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9,
	10, 10, 11, 11, 12, 12, 13, 13
};
/* RFC 1951 3.2.7: the order of the code length code's lengths. */
static const uint8_t clorder[19] = {
	16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15
};

static const char *const overfull[3] = {
	"over-subscribed literal/length code",
	"over-subscribed distance code",
	"over-subscribed code length code"
};
static const char *const incomplete[3] = {
	"incomplete literal/length code",
	"incomplete distance code",
	"incomplete code length code"
};

static uint64_t
load64(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap64(v);
#endif
	return v;
}

/* The low BITS (1 to 16) bits of CODE in the other order. */
static unsigned
rev(unsigned code, unsigned bits)
{
	code = (code & 0x5555) << 1 | (code >> 1 & 0x5555);
	code = (code & 0x3333) << 2 | (code >> 2 & 0x3333);
	code = (code & 0x0f0f) << 4 | (code >> 4 & 0x0f0f);
	code = (code & 0x00ff) << 8 | (code >> 8 & 0x00ff);
	return code >> (16 - bits);
}

/* The table entry of symbol SYM of a code of TYPE, BITS long. */
static uint32_t
entry(int type, unsigned sym, unsigned bits)
{
	if (type == T_CLEN)
		return ENTRY(sym, 0, bits);
	if (type == T_DIST)
		return sym < 30 ? ENTRY(dbase[sym], dextra[sym], bits) :
		    ENTRY(0, E_BAD, bits);
	if (sym < 256)
		return ENTRY(sym, E_LIT, bits);
	if (sym == 256)
		return ENTRY(0, E_EOB, bits);
	if (sym < 286)
		return ENTRY(lbase[sym - 257], lextra[sym - 257], bits);
	return ENTRY(0, E_BAD, bits);
}

/*
 * Builds the table of the prefix code of TYPE whose lengths are LENS[N]
 * (RFC 1951 3.2.2): TAB has an entry for each value of the next ROOT
 * input bits (codes come first bit lowest); those that begin a longer
 * code say E_LONG, and CAN has what longcode() needs.  Returns NULL, or
 * why the lengths make no prefix code.
 */
static const char *
build(int type, const unsigned char *lens, unsigned n, uint32_t *tab,
    unsigned root, struct inf_canon *can)
{
	unsigned count[16] = { 0 }, next[16], offs[16];
	unsigned s, len, code, i, used;
	uint32_t e;
	int left;

	for (s = 0; s < n; s++)
		count[lens[s]]++;
	used = n - count[0];
	left = 1;
	for (len = 1; len <= 15; len++) {
		left = 2 * left - (int)count[len];
		if (left < 0)
			return overfull[type];
	}
	if (left > 0) {
		/* RFC 1951 3.2.7: no distance code, or one of one bit. */
		if (type != T_DIST || used > 1 || (used == 1 && count[1] != 1))
			return incomplete[type];
		for (i = 0; i < 1u << root; i++)
			tab[i] = ENTRY(0, E_BAD, 1);
	}
	code = 0;
	offs[1] = 0;
	for (len = 1; len <= 15; len++) {
		next[len] = code;
		if (len > 1)
			offs[len] = offs[len - 1] + count[len - 1];
		if (can != NULL) {
			can->c_base[len] = (int32_t)offs[len] - (int32_t)code;
			can->c_lim[len] = (code + count[len]) << (15 - len);
		}
		code = (code + count[len]) << 1;
	}
	for (s = 0; s < n; s++) {
		if ((len = lens[s]) == 0)
			continue;
		code = next[len]++;
		if (can != NULL)
			can->c_sym[offs[len]++] = (uint16_t)s;
		if (len > root) {
			tab[rev(code >> (len - root), root)] =
			    ENTRY(0, E_LONG, 0);
			continue;
		}
		e = entry(type, s, len);
		for (i = rev(code, len); i < 1u << root; i += 1u << len)
			tab[i] = e;
	}
	return NULL;
}

/* The entry of the code longer than ROOT bits that B starts with. */
static uint32_t
longcode(int type, const struct inf_canon *can, uint64_t b, unsigned root)
{
	unsigned v = rev((unsigned)b & 0x7fff, 15), len;

	for (len = root + 1; len <= 15; len++)
		if (v < can->c_lim[len])
			return entry(type, can->c_sym[can->c_base[len] +
			    (int32_t)(v >> (15 - len))], len);
	return ENTRY(0, E_BAD, 15);
}

/* The fixed code of RFC 1951 3.2.6 into the tables. */
static void
fixed(struct inflate *z)
{
	unsigned char *l = z->z_lens;

	memset(l, 8, 144);
	memset(l + 144, 9, 112);
	memset(l + 256, 7, 24);
	memset(l + 280, 8, 8);
	memset(l + 288, 5, 32);
	(void)build(T_LIT, l, 288, z->z_lit, INF_LBITS, &z->z_lcan);
	(void)build(T_DIST, l + 288, 32, z->z_dst, INF_DBITS, &z->z_dcan);
	z->z_fixed = 1;
}

/*
 * Looks at the next symbol of TAB (ROOT bits, TYPE, CAN) and its extra
 * bits, taking what input it can: 1 with its entry in *EP once they are
 * all in z_bits (nothing is taken from them), 0 if the input ran out.
 */
static int
peek(struct inflate *z, const uint32_t *tab, unsigned root, int type,
    const struct inf_canon *can, uint32_t *ep)
{
	uint32_t e;

	bits_pull(z, 15 + 13);
	e = tab[z->z_bits & ((1u << root) - 1)];
	if (EKIND(e) == E_LONG)
		e = longcode(type, can, z->z_bits, root);
	if (EBITS(e) + (EKIND(e) < 16 ? EKIND(e) : 0) > z->z_nbits)
		return 0;
	*ep = e;
	return 1;
}

/*
 * Copies the match of LEN bytes DIST back to OUT, 16 or 8 bytes a time
 * where the source is that far behind: up to 15 bytes past OUT + LEN
 * are written too.
 */
static inline void
copy(unsigned char *out, size_t dist, unsigned len)
{
	const unsigned char *src = out - dist;
	unsigned char *end = out + len;

	if (dist >= 16)
		do {
			memcpy(out, src, 16);
			out += 16;
			src += 16;
		} while (out < end);
	else if (dist >= 8)
		do {
			memcpy(out, src, 8);
			out += 8;
			src += 8;
		} while (out < end);
	else if (dist == 1)
		memset(out, *src, len);
	else
		while (out < end)
			*out++ = *src++;
}

/*
 * Decodes literals and matches while FASTIN bytes of input and FASTROOM
 * of window are left, taking 8 bytes of input to refill z_bits to 56
 * bits or more: enough for a length, a distance and their extra bits
 * (15 + 5 + 15 + 13).  Returns R_NEED when input or room runs short,
 * R_END at the end of the block, or R_FAIL.
 */
static int
fast(struct inflate *z)
{
	const unsigned char *in = z->z_in;
	const unsigned char *hist = z->z_wnd + z->z_hist;
	unsigned char *out = z->z_wnd + z->z_wpos;
	unsigned char *lim = z->z_wnd + INF_BUFSIZE - FASTROOM;
	uint64_t b = z->z_bits;
	unsigned n = z->z_nbits, k, len;
	size_t dist;
	uint32_t e;
	int r = R_NEED;

	while ((size_t)(z->z_inend - in) >= FASTIN && out <= lim) {
		b |= load64(in) << n;
		in += (63 - n) >> 3;
		n |= 56;
		e = z->z_lit[b & ((1u << INF_LBITS) - 1)];
		if (EKIND(e) == E_LONG)
			e = longcode(T_LIT, &z->z_lcan, b, INF_LBITS);
		k = EBITS(e);
		b >>= k;
		n -= k;
		if (e & E_LIT << 8) {
			/* Two more literals fit in what is left (41 bits). */
			*out++ = (unsigned char)EVAL(e);
			e = z->z_lit[b & ((1u << INF_LBITS) - 1)];
			if (!(e & E_LIT << 8))
				continue;
			k = EBITS(e);
			b >>= k;
			n -= k;
			*out++ = (unsigned char)EVAL(e);
			e = z->z_lit[b & ((1u << INF_LBITS) - 1)];
			if (!(e & E_LIT << 8))
				continue;
			k = EBITS(e);
			b >>= k;
			n -= k;
			*out++ = (unsigned char)EVAL(e);
			continue;
		}
		if ((k = EKIND(e)) >= 16) {
			r = k == E_EOB ? R_END :
			    blocks_fail(z, "invalid literal/length symbol");
			break;
		}
		len = EVAL(e) + ((unsigned)b & ((1u << k) - 1));
		b >>= k;
		n -= k;
		e = z->z_dst[b & ((1u << INF_DBITS) - 1)];
		if (EKIND(e) == E_LONG)
			e = longcode(T_DIST, &z->z_dcan, b, INF_DBITS);
		k = EBITS(e);
		b >>= k;
		n -= k;
		if ((k = EKIND(e)) >= 16) {
			r = blocks_fail(z, "invalid distance symbol");
			break;
		}
		dist = EVAL(e) + ((unsigned)b & ((1u << k) - 1));
		b >>= k;
		n -= k;
		if (dist > (size_t)(out - hist)) {
			r = blocks_fail(z, "distance too far back");
			break;
		}
		copy(out, dist, len);
		out += len;
	}
	/* The bits above n came from bytes not taken: clear them. */
	z->z_bits = b & (((uint64_t)1 << n) - 1);
	z->z_nbits = n;
	z->z_in = in;
	z->z_wpos = (size_t)(out - z->z_wnd);
	return r;
}

/* A dynamic block's code lengths (RFC 1951 3.2.7), then its tables. */
static int
lens(struct inflate *z)
{
	unsigned total = z->z_nlit + z->z_ndist, k, x, sym, rep;
	unsigned char v;
	uint32_t e;
	const char *why;

	while (z->z_cnt < total) {
		bits_pull(z, 7 + 7);
		e = z->z_clt[z->z_bits & 127];
		k = EBITS(e);
		sym = EVAL(e);
		x = sym < 16 ? 0 : sym == 16 ? 2 : sym == 17 ? 3 : 7;
		if (k + x > z->z_nbits)
			return R_NEED;
		bits_drop(z, k);
		if (sym < 16) {
			z->z_lens[z->z_cnt++] = (unsigned char)sym;
			continue;
		}
		v = 0;
		if (sym == 16) {
			if (z->z_cnt == 0)
				return blocks_fail(z,
				    "repeat before the first length");
			v = z->z_lens[z->z_cnt - 1];
			rep = 3 + bits_take(z, 2);
		} else
			rep = (sym == 17 ? 3 : 11) + bits_take(z, x);
		if (rep > total - z->z_cnt)
			return blocks_fail(z,
			    "code lengths repeat past the end");
		memset(z->z_lens + z->z_cnt, v, rep);
		z->z_cnt += rep;
	}
	if (z->z_lens[256] == 0)
		return blocks_fail(z, "no end-of-block code");
	z->z_fixed = 0;
	if ((why = build(T_LIT, z->z_lens, z->z_nlit, z->z_lit, INF_LBITS,
	    &z->z_lcan)) != NULL ||
	    (why = build(T_DIST, z->z_lens + z->z_nlit, z->z_ndist, z->z_dst,
	    INF_DBITS, &z->z_dcan)) != NULL)
		return blocks_fail(z, why);
	z->z_st = S_CODES;
	return R_GO;
}

/* One step of a block's decoding: R_GO to go on, or why it stopped. */
int
blocks_step(struct inflate *z)
{
	uint32_t e;
	unsigned k;
	size_t room;
	const char *why;
	int r;

	switch (z->z_st) {
	case S_BLOCK:
		if (z->z_final) {
			z->z_cnt = 0;
			z->z_st = S_TRAILER;
			return R_GO;
		}
		if (!bits_need(z, 3))
			return R_NEED;
		z->z_final = (int)bits_take(z, 1);
		k = bits_take(z, 2);
		if (k == 0)
			z->z_st = S_STLEN;
		else if (k == 1) {
			if (!z->z_fixed)
				fixed(z);
			z->z_st = S_CODES;
		} else if (k == 2)
			z->z_st = S_DYNHEAD;
		else
			return blocks_fail(z, "bad block type");
		return R_GO;
	case S_STLEN:
		bits_drop(z, z->z_nbits & 7);
		if (!bits_need(z, 32))
			return R_NEED;
		z->z_len = bits_take(z, 16);
		if (bits_take(z, 16) != (~z->z_len & 0xffff))
			return blocks_fail(z, "stored block LEN/NLEN mismatch");
		z->z_st = S_STORED;
		return R_GO;
	case S_STORED:
		while (z->z_len > 0) {
			if ((room = INF_BUFSIZE - z->z_wpos) == 0)
				return R_ROOM;
			if (z->z_nbits >= 8) {
				z->z_wnd[z->z_wpos++] =
				    (unsigned char)bits_take(z, 8);
				z->z_len--;
				continue;
			}
			if (room > z->z_len)
				room = z->z_len;
			if (room > (size_t)(z->z_inend - z->z_in))
				room = (size_t)(z->z_inend - z->z_in);
			if (room == 0)
				return R_NEED;
			memcpy(z->z_wnd + z->z_wpos, z->z_in, room);
			z->z_in += room;
			z->z_wpos += room;
			z->z_len -= (unsigned)room;
		}
		z->z_st = S_BLOCK;
		return R_GO;
	case S_DYNHEAD:
		if (!bits_need(z, 14))
			return R_NEED;
		z->z_nlit = 257 + bits_take(z, 5);
		z->z_ndist = 1 + bits_take(z, 5);
		z->z_nclen = 4 + bits_take(z, 4);
		if (z->z_nlit > 286)
			return blocks_fail(z, "too many literal/length codes");
		if (z->z_ndist > 30)
			return blocks_fail(z, "too many distance codes");
		memset(z->z_lens, 0, 19);
		z->z_cnt = 0;
		z->z_st = S_CLENS;
		return R_GO;
	case S_CLENS:
		for (; z->z_cnt < z->z_nclen; z->z_cnt++) {
			if (!bits_need(z, 3))
				return R_NEED;
			z->z_lens[clorder[z->z_cnt]] =
			    (unsigned char)bits_take(z, 3);
		}
		if ((why = build(T_CLEN, z->z_lens, 19, z->z_clt, 7,
		    NULL)) != NULL)
			return blocks_fail(z, why);
		z->z_cnt = 0;
		z->z_st = S_LENS;
		return R_GO;
	case S_LENS:
		return lens(z);
	case S_CODES:
		if ((size_t)(z->z_inend - z->z_in) >= FASTIN) {
			/* Short of room: slide first, and stay fast. */
			if (z->z_wpos > INF_BUFSIZE - FASTROOM)
				return R_ROOM;
			if ((r = fast(z)) == R_END)
				z->z_st = S_BLOCK;
			return r == R_FAIL ? R_FAIL : R_GO;
		}
		if (z->z_wpos == INF_BUFSIZE)
			return R_ROOM;
		if (!peek(z, z->z_lit, INF_LBITS, T_LIT, &z->z_lcan, &e))
			return R_NEED;
		bits_drop(z, EBITS(e));
		if ((k = EKIND(e)) == E_LIT) {
			z->z_wnd[z->z_wpos++] = (unsigned char)EVAL(e);
			return R_GO;
		}
		if (k == E_EOB) {
			z->z_st = S_BLOCK;
			return R_GO;
		}
		if (k >= 16)
			return blocks_fail(z, "invalid literal/length symbol");
		z->z_len = EVAL(e) + bits_take(z, k);
		z->z_st = S_DIST;
		return R_GO;
	case S_DIST:
		if (!peek(z, z->z_dst, INF_DBITS, T_DIST, &z->z_dcan, &e))
			return R_NEED;
		bits_drop(z, EBITS(e));
		if ((k = EKIND(e)) >= 16)
			return blocks_fail(z, "invalid distance symbol");
		z->z_dist = EVAL(e) + bits_take(z, k);
		if (z->z_dist > z->z_wpos - z->z_hist)
			return blocks_fail(z, "distance too far back");
		z->z_st = S_COPY;
		return R_GO;
	case S_COPY:
		while (z->z_len > 0) {
			if (z->z_wpos == INF_BUFSIZE)
				return R_ROOM;
			z->z_wnd[z->z_wpos] = z->z_wnd[z->z_wpos - z->z_dist];
			z->z_wpos++;
			z->z_len--;
		}
		z->z_st = S_CODES;
		return R_GO;
	}
	return blocks_fail(z, "internal error");
}

int
blocks_fail(struct inflate *z, const char *why)
{
	z->z_why = why;
	z->z_st = S_FAIL;
	return R_FAIL;
}
