/*
 * blocks.h: between inflate.c (the wrappings and the stream) and blocks.c
 * (the blocks of DEFLATE, RFC 1951 3.2): where decoding stands, why a
 * step stopped, and the bit reader both use.  Private to the two.
 */
#ifndef BLOCKS_H
#define BLOCKS_H

#include <stdint.h>

#include "inflate.h"

/* Where decoding stands (z_st). */
enum {
	S_ZHEAD,	/* zlib's two header bytes, or raw's first two */
	S_GZHEAD,	/* a gzip member's header */
	S_BLOCK,	/* a block's three header bits */
	S_STLEN,	/* a stored block's LEN and NLEN */
	S_STORED,	/* its bytes */
	S_DYNHEAD,	/* HLIT, HDIST, HCLEN */
	S_CLENS,	/* the code length code */
	S_LENS,		/* the literal/length and distance code lengths */
	S_CODES,	/* literals and lengths */
	S_DIST,		/* a match's distance */
	S_COPY,		/* a match's bytes */
	S_TRAILER,
	S_END,		/* a member ended */
	S_FAIL
};

enum { W_RAW, W_ZLIB, W_GZIP };

/* Why a step stopped: R_GO is "go on". */
enum { R_GO, R_NEED, R_ROOM, R_END, R_FAIL };

/* The longest match and a copy's overrun past it: the fast loop's room. */
#define FASTROOM	(258 + 16)

int		blocks_step(struct inflate *z);
int		blocks_fail(struct inflate *z, const char *why);

/* Takes bytes into z_bits until it holds K bits or the input ends. */
static inline void
bits_pull(struct inflate *z, unsigned k)
{
	while (z->z_nbits < k && z->z_in < z->z_inend) {
		z->z_bits |= (uint64_t)*z->z_in++ << z->z_nbits;
		z->z_nbits += 8;
	}
}

/* Whether K bits are in z_bits, taking what input it can. */
static inline int
bits_need(struct inflate *z, unsigned k)
{
	bits_pull(z, k);
	return z->z_nbits >= k;
}

static inline void
bits_drop(struct inflate *z, unsigned k)
{
	z->z_bits >>= k;
	z->z_nbits -= k;
}

/* Takes K bits, which are there. */
static inline unsigned
bits_take(struct inflate *z, unsigned k)
{
	unsigned v = (unsigned)z->z_bits & ((1u << k) - 1);

	bits_drop(z, k);
	return v;
}

#endif
