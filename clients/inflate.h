/*
 * inflate.h: the decoder of --compressed (SPEC section 3): DEFLATE (RFC
 * 1951) in its gzip (RFC 1952) and zlib (RFC 1950) wrappings or raw,
 * streaming in fixed memory (the 32 KiB window and the code tables live
 * in struct inflate, nothing is allocated), CRC-32 / Adler-32 and the
 * gzip length checked.  Written for this project; no code from zlib.
 */
#ifndef INFLATE_H
#define INFLATE_H

#include <stddef.h>
#include <stdint.h>

enum inf_fmt {
	INF_GZIP,		/* Content-Encoding: gzip (x-gzip) */
	INF_DEFLATE,		/* Content-Encoding: deflate: zlib as RFC
				 * 9110 says, or raw deflate as some servers
				 * send it, told apart by the first two bytes */
	INF_ZLIB,		/* zlib only */
	INF_RAW			/* raw deflate only */
};

enum inf_ev {
	INF_MORE,		/* all input used; feed more, or inf_end() */
	INF_FULL,		/* the output is full; call again with room */
	INF_DONE,		/* the stream ended, checks passed */
	INF_FAIL		/* malformed: z_why says how */
};

/*
 * A match reaches at most 32 KiB back (RFC 1951 3.2.5).  Decoded bytes
 * stay after that much history until they are handed out, so the window
 * is four times as large and slides (a 32 KiB copy) once per 96 KiB.
 * Codes up to INF_LBITS (literal/length) or INF_DBITS (distance) bits
 * are decoded by one look-up; longer ones, the rarest symbols, by a
 * search of the code's canonical form.
 */
#define INF_WSIZE	32768
#define INF_BUFSIZE	(4 * INF_WSIZE)
#define INF_LBITS	10
#define INF_DBITS	9

/* A prefix code in canonical form (RFC 1951 3.2.2), for its long codes. */
struct inf_canon {
	uint32_t	 c_lim[16];	/* past each length's last code, the
					 * codes left-justified to 15 bits */
	int32_t		 c_base[16];	/* c_sym index of a length's code 0 */
	uint16_t	 c_sym[288];	/* the symbols by length, then value */
};

/*
 * About 150 KiB, the window most of it: static or in a struct of its
 * own, not on a small stack.
 */
struct inflate {
	const char	*z_why;		/* the cause of INF_FAIL, one line */

	/* The rest is private to inflate.c. */
	const unsigned char *z_in;	/* this call's input not yet taken */
	const unsigned char *z_inend;
	uint64_t	 z_bits;	/* input taken, not decoded: next bit
					 * lowest, nothing above z_nbits */
	unsigned	 z_nbits;
	int		 z_fmt;		/* enum inf_fmt */
	int		 z_wrap;	/* gzip, zlib or raw, once known */
	int		 z_st;		/* where decoding stands */
	int		 z_final;	/* this block is the last (BFINAL) */
	int		 z_fixed;	/* the tables hold the fixed code */
	int		 z_ended;	/* a member ended: INF_DONE is due */
	unsigned	 z_member;	/* gzip members begun */
	unsigned	 z_flags;	/* gzip FLG: the fields still to read */
	unsigned	 z_cnt;		/* bytes or lengths read of a field */
	unsigned	 z_xlen;	/* gzip FEXTRA or FHCRC bytes */
	unsigned	 z_nlit, z_ndist, z_nclen;
	unsigned	 z_len;		/* match or stored bytes to come */
	unsigned	 z_dist;
	uint32_t	 z_hcrc;	/* CRC-32 of the gzip header */
	uint32_t	 z_sum;		/* CRC-32 or Adler-32 of the output */
	uint32_t	 z_size;	/* the member's output, modulo 2^32 */
	unsigned char	 z_tr[8];	/* the trailer (or FHCRC) */
	size_t		 z_wpos;	/* z_wnd is decoded up to here, */
	size_t		 z_fpos;	/* handed out up to here, */
	size_t		 z_cpos;	/* checksummed up to here; */
	size_t		 z_hist;	/* the member's output starts here */
	uint32_t	 z_lit[1 << INF_LBITS];
	uint32_t	 z_dst[1 << INF_DBITS];
	uint32_t	 z_clt[1 << 7];	/* the code length code */
	struct inf_canon z_lcan, z_dcan;
	unsigned char	 z_lens[288 + 32];
	uint32_t	 z_crctab[16][256];
	unsigned char	 z_wnd[INF_BUFSIZE];
};

/* Makes Z ready for a stream of FMT; Z needs no freeing. */
void		inf_init(struct inflate *z, enum inf_fmt fmt);

/*
 * Decodes from the N bytes at IN into the room OUTN at OUT.  *USED is
 * set to the input consumed, *MADE to the output produced.  INF_DONE
 * comes once the stream and its trailer are whole; bytes after it are
 * another gzip member (decoded on the next calls) or INF_FAIL
 * ("trailing garbage").  Every byte decoded before a malformed part is
 * handed out before INF_FAIL.
 */
enum inf_ev	inf_feed(struct inflate *z, const unsigned char *in, size_t n,
		    size_t *used, unsigned char *out, size_t outn,
		    size_t *made);

/* The input ended: INF_DONE when the stream was whole, else INF_FAIL
 * ("truncated"). */
enum inf_ev	inf_end(struct inflate *z);

#endif
