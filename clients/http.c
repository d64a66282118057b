/*
 * http.c: the response reader (RFC 9112), a push parser.  Header lines are
 * copied into one fixed buffer and each field is handled once it is
 * complete (obsolete line folding joined), matched on the name, never by
 * searching the block [toybox wget's strcasestr is the mistake]; body
 * bytes are handed back in place, never copied.  Every count and size is
 * checked before it can wrap.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "http.h"

enum {
	S_HEAD,			/* in a header block */
	S_INTERIM,		/* a 1xx block was delivered */
	S_LEN,			/* Content-Length body */
	S_CLOSE,		/* body until the peer closes */
	S_CSIZE,		/* chunk-size line */
	S_CDATA,		/* chunk data */
	S_CCR,			/* the CRLF after chunk data */
	S_CLF,
	S_TRAIL,		/* trailer lines after the last chunk */
	S_DONE,
	S_FAIL
};

#define CLEN_MAX	(1ULL << 62)	/* larger sizes are an attack */

static enum resp_ev
fail(struct resp *rp, enum fail f, const char *why)
{
	rp->rp_state = S_FAIL;
	rp->rp_fail = f;
	rp->rp_why = why;
	return RESP_FAIL;
}

static void
newblock(struct resp *rp)
{
	rp->rp_status = rp->rp_minor = 0;
	rp->rp_hdrlen = rp->rp_line = 0;
	rp->rp_reason = rp->rp_reasonlen = 0;
	rp->rp_namelen = rp->rp_vallen = 0;
	rp->rp_hasloc = rp->rp_chunked = rp->rp_hasclen = 0;
	rp->rp_loc[0] = '\0';
	rp->rp_nte = rp->rp_nchunked = rp->rp_tegzip = 0;
	rp->rp_tebad[0] = '\0';
	rp->rp_clen = 0;
}

void
resp_init(struct resp *rp, int head)
{
	rp->rp_state = S_HEAD;
	rp->rp_nobody = head;
	rp->rp_any = 0;
	rp->rp_body = rp->rp_left = 0;
	rp->rp_hdrsum = 0;
	rp->rp_ninterim = 0;
	rp->rp_clinelen = 0;
	rp->rp_fail = HG_OK;
	rp->rp_why = "";
	newblock(rp);
}

/* True when the N bytes at S hold no control byte but HTAB. */
static int
clean(const char *s, size_t n)
{
	for (; n > 0; s++, n--)
		if (((unsigned char)*s < ' ' && *s != '\t') || *s == 0x7f)
			return 0;
	return 1;
}

/* tchar of RFC 9110 section 5.6.2, the bytes a field name is made of. */
static int
istchar(int c)
{
	return isalnum(c) || (c != '\0' && strchr("!#$%&'*+-.^_`|~", c));
}

static int
isows(int c)
{
	return c == ' ' || c == '\t';
}

/*
 * Content-Length: digits, or a list of equal ones (RFC 9110 section 8.6).
 * Each digit is checked before it is added, so no value can wrap into a
 * small one, nor two different values compare equal.
 */
static enum resp_ev
clength(struct resp *rp, const char *v, size_t n)
{
	unsigned long long x;
	unsigned d;
	size_t i = 0;

	do {
		while (i < n && (isows(v[i]) || v[i] == ','))
			i++;
		if (i == n || !isdigit((unsigned char)v[i]))
			return fail(rp, HG_WEIRD, "bad Content-Length");
		for (x = 0; i < n && isdigit((unsigned char)v[i]); i++) {
			d = (unsigned)(v[i] - '0');
			if (x > (CLEN_MAX - d) / 10)
				return fail(rp, HG_WEIRD,
				    "Content-Length too large");
			x = x * 10 + d;
		}
		while (i < n && isows(v[i]))
			i++;
		if (i < n && v[i] != ',')
			return fail(rp, HG_WEIRD, "bad Content-Length");
		if (rp->rp_hasclen && x != rp->rp_clen)
			return fail(rp, HG_WEIRD, "conflicting Content-Length");
		rp->rp_hasclen = 1;
		rp->rp_clen = x;
	} while (i < n);
	return RESP_MORE;
}

/* Copies the N bytes at S into DST of size DSTSZ for a message:
 * non-printables as '?', cut with "...". */
static void
printable(char *dst, size_t dstsz, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n && i + 4 < dstsz; i++)
		dst[i] = isprint((unsigned char)s[i]) ? s[i] : '?';
	if (i < n) {
		(void)memcpy(dst + i, "...", 3);
		i += 3;
	}
	dst[i] = '\0';
}

/*
 * Transfer-Encoding: counts the codings of the list (RFC 9112 section
 * 6.1), over every such field, and keeps the first that is not chunked,
 * printable, for the message.
 */
static void
tencoding(struct resp *rp, const char *v, size_t n)
{
	size_t i = 0, j, e;

	while (i < n) {
		for (j = i; j < n && v[j] != ','; j++)
			;
		for (e = j; e > i && isows(v[e - 1]); e--)
			;
		while (i < e && isows(v[i]))
			i++;
		if (i < e) {
			rp->rp_nte++;
			if (e - i == 7 && strncasecmp(v + i, "chunked", 7) == 0)
				rp->rp_nchunked++;
			else if (rp->rp_gzipok && !rp->rp_tegzip &&
			    rp->rp_nchunked == 0 && ((e - i == 4 &&
			    strncasecmp(v + i, "gzip", 4) == 0) || (e - i == 6 &&
			    strncasecmp(v + i, "x-gzip", 6) == 0)))
				/* --compressed: gzip under a final chunked,
				 * or alone (then until close). */
				rp->rp_tegzip = 1;
			else if (rp->rp_tebad[0] == '\0')
				printable(rp->rp_tebad, sizeof(rp->rp_tebad),
				    v + i, e - i);
		}
		i = j + 1;
	}
}

/* The status line: HTTP/1.x SP 3DIGIT [SP reason] (RFC 9112 section 4). */
static enum resp_ev
statusline(struct resp *rp, const char *s, size_t n)
{
	if (n < 12 || memcmp(s, "HTTP/1.", 7) != 0 ||
	    !isdigit((unsigned char)s[7]) || s[8] != ' ' ||
	    !isdigit((unsigned char)s[9]) || !isdigit((unsigned char)s[10]) ||
	    !isdigit((unsigned char)s[11]) || (n > 12 && s[12] != ' ') ||
	    s[9] == '0' || !clean(s, n))
		return fail(rp, HG_WEIRD, "bad status line");
	rp->rp_minor = s[7] - '0';
	rp->rp_status = (s[9] - '0') * 100 + (s[10] - '0') * 10 + s[11] - '0';
	if (n > 13) {
		rp->rp_reason = (size_t)(s + 13 - rp->rp_hdr);
		rp->rp_reasonlen = n - 13;
	}
	return RESP_MORE;
}

/* A "name: value" line at offset OFF in rp_hdr starts a field. */
static enum resp_ev
field(struct resp *rp, size_t off, size_t n, int trailer)
{
	const char *s = rp->rp_hdr + off, *v, *colon;
	size_t i, vn;

	colon = memchr(s, ':', n);
	if (colon == NULL || colon == s)
		return fail(rp, HG_WEIRD, trailer ? "bad trailer line" :
		    "bad header line");
	for (i = 0; s + i < colon; i++)
		if (!istchar((unsigned char)s[i]))
			return fail(rp, HG_WEIRD, trailer ?
			    "bad trailer name" : "bad header name");
	if (trailer)
		return RESP_MORE;
	v = colon + 1;
	vn = n - (size_t)(v - s);
	if (vn >= sizeof(rp->rp_val))
		return fail(rp, HG_WEIRD, "header line too long");
	rp->rp_name = off;
	rp->rp_namelen = (size_t)(colon - s);
	memcpy(rp->rp_val, v, vn);
	rp->rp_vallen = vn;
	return RESP_MORE;
}

/*
 * A line that starts with a space or tab continues the field before it
 * (obs-fold, RFC 9112 section 5.2): joined to it with one space.  With no
 * field before it (after the status line, in the trailers) it is
 * consumed unread, as section 2.2 allows.
 */
static enum resp_ev
fold(struct resp *rp, const char *s, size_t n)
{
	if (rp->rp_namelen == 0)
		return RESP_MORE;
	while (n > 0 && isows(*s)) {
		s++;
		n--;
	}
	while (rp->rp_vallen > 0 && isows(rp->rp_val[rp->rp_vallen - 1]))
		rp->rp_vallen--;
	if (n + 1 >= sizeof(rp->rp_val) - rp->rp_vallen)
		return fail(rp, HG_WEIRD, "header line too long");
	rp->rp_val[rp->rp_vallen++] = ' ';
	memcpy(rp->rp_val + rp->rp_vallen, s, n);
	rp->rp_vallen += n;
	return RESP_MORE;
}

/* The field being read is complete: the few that httpget reads. */
static enum resp_ev
flush(struct resp *rp)
{
	const char *name = rp->rp_hdr + rp->rp_name, *v = rp->rp_val;
	size_t nn = rp->rp_namelen, vn = rp->rp_vallen;

	if (nn == 0)
		return RESP_MORE;
	rp->rp_namelen = 0;
	while (vn > 0 && isows(*v)) {
		v++;
		vn--;
	}
	while (vn > 0 && isows(v[vn - 1]))
		vn--;
	if (rp->rp_field != NULL)
		rp->rp_field(rp->rp_arg, name, nn, v, vn);
	if (nn == 14 && strncasecmp(name, "Content-Length", 14) == 0)
		return clength(rp, v, vn);
	if (nn == 17 && strncasecmp(name, "Transfer-Encoding", 17) == 0)
		tencoding(rp, v, vn);
	else if (nn == 8 && strncasecmp(name, "Location", 8) == 0 &&
	    !rp->rp_hasloc) {
		if (vn >= sizeof(rp->rp_loc))
			return fail(rp, HG_WEIRD, "Location too long");
		memcpy(rp->rp_loc, v, vn);
		rp->rp_loc[vn] = '\0';
		rp->rp_hasloc = 1;
	}
	return RESP_MORE;
}

/*
 * How a body with a Transfer-Encoding is delimited: by chunked, the only
 * coding httpget decodes, once and last (RFC 9112 section 6.1).  Anything
 * else is a failure, found after the headers are delivered so that -i
 * and -v show them.
 */
static void
tframing(struct resp *rp)
{
	if (rp->rp_tebad[0] != '\0') {
		(void)snprintf(rp->rp_whybuf, sizeof(rp->rp_whybuf),
		    "unsupported transfer coding '%s'", rp->rp_tebad);
		(void)fail(rp, HG_DECODE, rp->rp_whybuf);
	} else if (rp->rp_nchunked > 1)
		(void)fail(rp, HG_WEIRD, "chunked coding applied twice");
	else if (rp->rp_minor == 0 && rp->rp_hasclen)
		/* Section 6.1: an HTTP/1.0 sender knows no Transfer-Encoding;
		 * a 1.0 recipient would use the Content-Length. */
		(void)fail(rp, HG_WEIRD, "Transfer-Encoding and "
		    "Content-Length in an HTTP/1.0 response");
	else if (rp->rp_nchunked == 0)
		rp->rp_state = S_CLOSE;	/* gzip alone: until close */
	else {
		rp->rp_chunked = 1;
		rp->rp_state = S_CSIZE;
		rp->rp_clinelen = 0;
	}
}

/*
 * The end of a header block: decides how the body is delimited (RFC 9112
 * section 6.3): none after HEAD, 1xx, 204 and 304; a Transfer-Encoding
 * overrides Content-Length; otherwise until close.
 */
static enum resp_ev
endblock(struct resp *rp)
{
	if (rp->rp_status < 200) {
		if (rp->rp_status == 101)
			return fail(rp, HG_WEIRD,
			    "unexpected 101 Switching Protocols");
		if (++rp->rp_ninterim > RESP_INTERIMMAX) {
			(void)snprintf(rp->rp_whybuf, sizeof(rp->rp_whybuf),
			    "more than %d interim responses",
			    RESP_INTERIMMAX);
			return fail(rp, HG_WEIRD, rp->rp_whybuf);
		}
		rp->rp_state = S_INTERIM;
	} else if (rp->rp_nobody || rp->rp_status == 204 ||
	    rp->rp_status == 304)
		rp->rp_state = S_DONE;
	else if (rp->rp_nte > 0)
		tframing(rp);
	else if (rp->rp_hasclen) {
		rp->rp_left = rp->rp_clen;
		rp->rp_state = rp->rp_clen == 0 ? S_DONE : S_LEN;
	} else
		rp->rp_state = S_CLOSE;
	return RESP_HEADERS;
}

/* A line of a header block or of the trailers has ended in rp_hdr. */
static enum resp_ev
line(struct resp *rp)
{
	size_t start = rp->rp_line, n = rp->rp_hdrlen - start - 1;
	const char *s = rp->rp_hdr + start;
	int trailer = rp->rp_state == S_TRAIL;
	enum resp_ev ev;

	if (n > 0 && s[n - 1] == '\r')
		n--;
	rp->rp_line = rp->rp_hdrlen;
	if (!trailer && start == 0)
		return statusline(rp, s, n);
	if (!clean(s, n))
		return fail(rp, HG_WEIRD, trailer ?
		    "control character in a trailer" :
		    "control character in a header");
	if (n > 0 && isows(s[0]))
		return fold(rp, s, n);
	if ((ev = flush(rp)) != RESP_MORE)
		return ev;
	if (n > 0)
		return field(rp, start, n, trailer);
	if (!trailer)
		return endblock(rp);
	rp->rp_hdrlen = start;
	rp->rp_state = S_DONE;
	return start > 0 ? RESP_TRAILERS : RESP_DONE;
}

/*
 * Copies bytes up to a newline into rp_hdr; handles the line if one ends.
 * The header blocks of the response share RESP_HDRMAX; the trailers
 * have it to themselves.
 */
static enum resp_ev
headbytes(struct resp *rp, const char *p, size_t n, size_t *k)
{
	const char *nl;
	size_t len, room;

	nl = memchr(p, '\n', n);
	len = nl != NULL ? (size_t)(nl - p) + 1 : n;
	room = rp->rp_state == S_TRAIL ? RESP_HDRMAX :
	    RESP_HDRMAX - rp->rp_hdrsum;
	if (len > room - rp->rp_hdrlen) {
		(void)snprintf(rp->rp_whybuf, sizeof(rp->rp_whybuf),
		    "%s over %d bytes", rp->rp_state == S_TRAIL ? "trailers" :
		    rp->rp_hdrsum > 0 ? "headers with the interim responses" :
		    "header block", RESP_HDRMAX);
		return fail(rp, HG_WEIRD, rp->rp_whybuf);
	}
	memcpy(rp->rp_hdr + rp->rp_hdrlen, p, len);
	rp->rp_hdrlen += len;
	*k = len;
	return nl != NULL ? line(rp) : RESP_MORE;
}

/*
 * chunk = chunk-size [ chunk-ext ] CRLF (RFC 9112 section 7.1).  A size
 * is checked before each digit is added, so none wraps into a small one.
 */
static enum resp_ev
chunkline(struct resp *rp)
{
	const char *s = rp->rp_cline;
	size_t n = rp->rp_clinelen - 1, i;
	unsigned long long x = 0;
	unsigned d;

	if (n > 0 && s[n - 1] == '\r')
		n--;
	for (i = 0; i < n && isxdigit((unsigned char)s[i]); i++) {
		d = isdigit((unsigned char)s[i]) ? (unsigned)(s[i] - '0') :
		    (unsigned)(tolower((unsigned char)s[i]) - 'a' + 10);
		if (x > (CLEN_MAX - d) / 16)
			return fail(rp, HG_WEIRD, "chunk size too large");
		x = x * 16 + d;
	}
	if (i == 0)
		return fail(rp, HG_WEIRD, "bad chunk size");
	while (i < n && isows(s[i]))
		i++;
	if ((i < n && s[i] != ';') || !clean(s, n))
		return fail(rp, HG_WEIRD, "bad chunk size");
	rp->rp_clinelen = 0;
	if (x == 0) {
		rp->rp_state = S_TRAIL;
		rp->rp_hdrlen = rp->rp_line = 0;
	} else {
		rp->rp_left = x;
		rp->rp_state = S_CDATA;
	}
	return RESP_MORE;
}

static enum resp_ev
chunkbytes(struct resp *rp, const char *p, size_t n, size_t *k)
{
	const char *nl;
	size_t len;

	nl = memchr(p, '\n', n);
	len = nl != NULL ? (size_t)(nl - p) + 1 : n;
	if (len > RESP_LINEMAX - rp->rp_clinelen)
		return fail(rp, HG_WEIRD, "chunk-size line too long");
	memcpy(rp->rp_cline + rp->rp_clinelen, p, len);
	rp->rp_clinelen += len;
	*k = len;
	return nl != NULL ? chunkline(rp) : RESP_MORE;
}

enum resp_ev
resp_feed(struct resp *rp, const char *p, size_t n, size_t *used,
    const char **data, size_t *dlen)
{
	enum resp_ev ev;
	size_t off = 0, k;

	if (n > 0)
		rp->rp_any = 1;
	for (;;) {
		*used = off;
		switch (rp->rp_state) {
		case S_DONE:
			return RESP_DONE;
		case S_FAIL:
			return RESP_FAIL;
		case S_INTERIM:
			rp->rp_hdrsum += rp->rp_hdrlen;
			newblock(rp);
			rp->rp_state = S_HEAD;
			break;
		}
		if (off == n)
			return RESP_MORE;
		k = 0;
		switch (rp->rp_state) {
		case S_HEAD:
		case S_TRAIL:
			ev = headbytes(rp, p + off, n - off, &k);
			break;
		case S_CSIZE:
			ev = chunkbytes(rp, p + off, n - off, &k);
			break;
		case S_CCR:
		case S_CLF:
			k = 1;
			if (p[off] == '\n')
				rp->rp_state = S_CSIZE;
			else if (p[off] == '\r' && rp->rp_state == S_CCR)
				rp->rp_state = S_CLF;
			else
				return fail(rp, HG_WEIRD,
				    "no CRLF after chunk data");
			ev = RESP_MORE;
			break;
		default:	/* S_LEN, S_CLOSE, S_CDATA */
			k = n - off;
			if (rp->rp_state != S_CLOSE && k > rp->rp_left)
				k = (size_t)rp->rp_left;
			if (rp->rp_state != S_CLOSE) {
				rp->rp_left -= k;
				if (rp->rp_left == 0)
					rp->rp_state = rp->rp_state == S_LEN ?
					    S_DONE : S_CCR;
			}
			rp->rp_body += k;
			*data = p + off;
			*dlen = k;
			ev = RESP_BODY;
			break;
		}
		off += k;
		*used = off;
		if (ev != RESP_MORE)
			return ev;
	}
}

enum resp_ev
resp_eof(struct resp *rp)
{
	switch (rp->rp_state) {
	case S_DONE:
		return RESP_DONE;
	case S_FAIL:
		return RESP_FAIL;
	case S_CLOSE:
		rp->rp_state = S_DONE;
		return RESP_DONE;
	case S_HEAD:
	case S_INTERIM:
		if (!rp->rp_any)
			return fail(rp, HG_EMPTY, "empty reply from server");
		return fail(rp, HG_WEIRD, "connection closed in the headers");
	case S_LEN:
		(void)snprintf(rp->rp_whybuf, sizeof(rp->rp_whybuf),
		    "body cut short: %llu of %llu bytes", rp->rp_body,
		    rp->rp_clen);
		return fail(rp, HG_PARTIAL, rp->rp_whybuf);
	case S_TRAIL:
		return fail(rp, HG_PARTIAL, "connection closed in the trailers");
	default:
		return fail(rp, HG_PARTIAL,
		    "chunked body cut before its last chunk");
	}
}
