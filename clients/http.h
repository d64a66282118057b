/*
 * http.h: httpget's response reader, a push parser (RFC 9112) that can be
 * fed any bytes in pieces of any size: status line and headers into one
 * bounded buffer, 1xx skipped (a bounded number of them), then the body
 * by Content-Length, chunked coding (extensions and trailers) or until
 * close.  It never reads a socket, so the fuzzer drives it as httpget does.
 */
#ifndef HTTP_H
#define HTTP_H

#include <stddef.h>

#include "fail.h"

/*
 * The header blocks of one response together (the interim ones too, as
 * curl counts them), any one line of them as long: curl takes 300 KiB
 * and lines of 100 KiB.  The trailers have a block of their own.
 */
#define RESP_HDRMAX	(300 * 1024)
#define RESP_INTERIMMAX	1000	/* 1xx responses before the final one */
#define RESP_LINEMAX	4096	/* one chunk-size line with its extensions */

enum resp_ev {
	RESP_MORE,		/* all input used; feed more, or resp_eof() */
	RESP_HEADERS,		/* a header block is in rp_hdr (1xx too); a
				 * failure found in it comes at the next call */
	RESP_BODY,		/* body bytes at *data */
	RESP_TRAILERS,		/* the trailer lines are in rp_hdr */
	RESP_DONE,		/* the response is complete */
	RESP_FAIL		/* rp_fail and rp_why say why */
};

/* Called with each field of a header block as it is complete, folds
 * joined, the value without the spaces around it. */
typedef void	resp_fieldfn(void *arg, const char *name, size_t namelen,
		    const char *value, size_t valuelen);

struct resp {
	resp_fieldfn	*rp_field;	/* set by the caller after resp_init */
	void		*rp_arg;
	int		rp_gzipok;	/* Transfer-Encoding gzip is decoded */
	int		rp_tegzip;	/* the body is gzip'd under chunked */
	int		rp_state;
	int		rp_nobody;	/* a HEAD request: no body, whatever */
	int		rp_status;	/* of the block in rp_hdr */
	int		rp_minor;	/* HTTP/1.x */
	char		rp_hdr[RESP_HDRMAX];	/* the block as received */
	size_t		rp_hdrlen;
	size_t		rp_hdrsum;	/* of the interim blocks before it */
	int		rp_ninterim;
	size_t		rp_line;	/* start of the current line in rp_hdr */
	size_t		rp_reason;	/* reason phrase: offset in rp_hdr */
	size_t		rp_reasonlen;
	size_t		rp_name;	/* the field being read: its name, */
	size_t		rp_namelen;	/* 0 when none, */
	char		rp_val[RESP_HDRMAX];	/* its value, folds joined */
	size_t		rp_vallen;
	char		rp_loc[RESP_HDRMAX];	/* the first Location value */
	int		rp_hasloc;
	int		rp_nte;		/* transfer codings, */
	int		rp_nchunked;	/* how many of them chunked, */
	char		rp_tebad[40];	/* the first other one, or "" */
	int		rp_chunked;	/* the body is chunked */
	int		rp_hasclen;
	unsigned long long rp_clen;	/* Content-Length */
	unsigned long long rp_left;	/* of the body or of the chunk */
	unsigned long long rp_body;	/* body bytes delivered */
	int		rp_any;		/* a byte of response arrived */
	char		rp_cline[RESP_LINEMAX];
	size_t		rp_clinelen;
	enum fail	rp_fail;
	const char	*rp_why;
	char		rp_whybuf[96];
};

/* Gets RP ready for one response; HEAD says the request was HEAD.  The
 * caller's rp_field, rp_arg and rp_gzipok are kept. */
void		resp_init(struct resp *rp, int head);

/*
 * Feeds the N bytes at P.  Sets *USED to how many were consumed; on
 * RESP_BODY points *DATA at *DLEN body bytes inside P.  Call again with
 * the rest (or with N 0 after RESP_HEADERS) until RESP_MORE.
 */
enum resp_ev	resp_feed(struct resp *rp, const char *p, size_t n,
		    size_t *used, const char **data, size_t *dlen);

/* The peer closed: RESP_DONE when the response is whole, else RESP_FAIL. */
enum resp_ev	resp_eof(struct resp *rp);

#endif
