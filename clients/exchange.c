/*
 * exchange.c: one request and its response on one connection: the body
 * sent after the header (with Expect: 100-continue when it is large or
 * of unknown size, chunked when unsized), the response read meanwhile so
 * that a server answering early stops it, and each part of the response
 * acted on as http.c's reader finds it.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <ctype.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "hg.h"

#define EXPECT_MS	1000		/* curl's wait for 100 Continue */
#define SENDSZ		(64 * 1024)	/* body bytes per chunk sent */
#ifndef RBUFSZ
#define RBUFSZ		(1024 * 1024)	/* one read(2): fewer calls, faster */
#endif

struct exchange ex;
struct resp rp;
static char rbuf[RBUFSZ];
static char finalhdr[RESP_HDRMAX];	/* the final header block, for -w */
static char redirurl[URL_MAX + URL_HOSTMAX + 16];
static char ctype[256];

/*
 * Writes the lines of the N bytes at P to stderr, each after PREFIX, with
 * control bytes as '?' so that a server cannot drive the terminal.
 */
void
verbose(const char *prefix, const char *p, size_t n)
{
	const char *nl;
	size_t len, show, i;

	while (n > 0) {
		nl = memchr(p, '\n', n);
		len = nl != NULL ? (size_t)(nl - p) + 1 : n;
		show = len;
		if (show > 0 && p[show - 1] == '\n')
			show--;
		if (show > 0 && p[show - 1] == '\r')
			show--;
		fputs(prefix, stderr);
		for (i = 0; i < show; i++)
			(void)putc(p[i] == '\t' || isprint((unsigned char)p[i]) ||
			    (unsigned char)p[i] >= 0x80 ? p[i] : '?', stderr);
		(void)putc('\n', stderr);
		p += len;
		n -= len;
	}
}

static int
isredirect(int status)
{
	return status == 301 || status == 302 || status == 303 ||
	    status == 307 || status == 308;
}

/* A header block goes to -v, -D and, when asked, the output. */
static void
show_block(int toout)
{
	xf.x_size_header += rp.rp_hdrlen;
	if (cfg.verbose)
		verbose("< ", rp.rp_hdr, rp.rp_hdrlen);
	dump_write(rp.rp_hdr, rp.rp_hdrlen, ex.label);
	if (toout && (cfg.include || cfg.head))
		out_write(rp.rp_hdr, rp.rp_hdrlen, ex.label);
}

/* The value of the field NAME of the final block into BUF, or "". */
static void
field(const char *name, char *buf, size_t n)
{
	const char *p = finalhdr, *end = finalhdr + xf.x_hdrlen, *nl, *v;
	size_t len = strlen(name), vl;

	buf[0] = '\0';
	for (; p < end && (nl = memchr(p, '\n', (size_t)(end - p))) != NULL;
	    p = nl + 1) {
		if ((size_t)(nl - p) <= len || p[len] != ':' ||
		    strncasecmp(p, name, len) != 0)
			continue;
		for (v = p + len + 1; v < nl && (*v == ' ' || *v == '\t'); v++)
			;
		vl = (size_t)(nl - v);
		while (vl > 0 && (v[vl - 1] == '\r' || v[vl - 1] == ' ' ||
		    v[vl - 1] == '\t'))
			vl--;
		(void)safe(buf, n, v, vl);
		return;
	}
}

/* The final header block: what -w, -f, --max-filesize and -L make of it. */
static void
final_block(void)
{
	struct url loc;
	const char *e, *p;
	int quiet;

	ex.final = rp.rp_status;
	(void)safe(ex.why, sizeof(ex.why), rp.rp_hdr + rp.rp_reason,
	    rp.rp_reasonlen);
	memcpy(finalhdr, rp.rp_hdr, rp.rp_hdrlen);
	xf.x_hdr = finalhdr;
	xf.x_hdrlen = rp.rp_hdrlen;
	xf.x_code = rp.rp_status;
	xf.x_minor = rp.rp_minor;
	for (xf.x_num_headers = -1, p = finalhdr; p < finalhdr +
	    rp.rp_hdrlen && (p = memchr(p, '\n', (size_t)(finalhdr +
	    rp.rp_hdrlen - p))) != NULL; p++)
		xf.x_num_headers++;
	field("Content-Type", ctype, sizeof(ctype));
	xf.x_content_type = ctype[0] != '\0' ? ctype : NULL;
	xf.x_redirect_url = NULL;
	quiet = ex.final >= 400 && cfg.fail == FAIL_QUIET;
	show_block(!quiet);
	if (isredirect(ex.final) && rp.rp_loc[0] != '\0') {
		/* An empty Location is no target: the 3xx is the result. */
		if (cfg.location) {
			content_block();
			ex.end = EX_REDIRECT;
			return;
		}
		if (url_resolve(&loc, &urls[0], rp.rp_loc, &e) == HG_OK)
			xf.x_redirect_url = url_string(&loc, redirurl,
			    sizeof(redirurl));
	}
	if (ex.final == 417 && ex.expect && !ex.bodydone && !noexpect) {
		content_block();
		ex.end = EX_AGAIN;
		return;
	}
	/* -C on a file that is whole already: no body, no failure. */
	ex.discard = content_start();
	content_block();
	if (ex.discard)
		return;
	if (quiet)
		die(HG_HTTP, ex.label, "server returned %d%s%s", ex.final,
		    ex.why[0] != '\0' ? " " : "", ex.why);
	if (cfg.maxfilesize > 0 && rp.rp_hasclen && rp.rp_clen >
	    cfg.maxfilesize && !rp.rp_tegzip)
		die(HG_FILESIZE, ex.label, "the body is %llu bytes, over "
		    "--max-filesize %llu", rp.rp_clen, cfg.maxfilesize);
	bar_total(rp.rp_hasclen && !rp.rp_chunked ? rp.rp_clen : 0);
}

/*
 * Feeds the N bytes at P (N 0 and EOF: the peer closed) to the reader and
 * acts on what it finds, until all are used or the exchange is decided.
 */
static void
feed(const char *p, size_t n, int eof)
{
	const char *data;
	size_t used, dlen;
	enum resp_ev ev;

	while (ex.end == -1) {
		ev = eof ? resp_eof(&rp) : resp_feed(&rp, p, n, &used, &data,
		    &dlen);
		if (!eof) {
			p += used;
			n -= used;
		}
		switch (ev) {
		case RESP_MORE:
			return;
		case RESP_HEADERS:
			if (rp.rp_status < 200) {
				ex.interim = 1;
				show_block(1);
				content_block();
			} else
				final_block();
			continue;
		case RESP_BODY:
			if (!ex.discard)
				content_body(data, dlen);
			continue;
		case RESP_TRAILERS:
			show_block(1);
			continue;
		case RESP_DONE:
			if (!ex.discard)
				content_end();
			ex.end = EX_DONE;
			return;
		case RESP_FAIL:
			if (rp.rp_fail == HG_WEIRD)
				die(HG_WEIRD, ex.label, "malformed response: "
				    "%s", rp.rp_why);
			die(rp.rp_fail, ex.label, "%s", rp.rp_why);
		}
	}
}

/*
 * Reads what the socket has and feeds it.  Returns 1 when bytes came, 0
 * when none are there yet, -1 at the end (the peer closed or reset, errno
 * ECONNRESET then); SENDING says the body is still going out, where an
 * end without an answer is not fed (it is a send error).
 */
int
readin(int sending)
{
	ssize_t r;

	for (;;) {
		r = read(ex.fd, rbuf, sizeof(rbuf));
		if (r > 0) {
			if (!rp.rp_any)
				xf.x_t_starttransfer = now_us() - start_us;
			feed(rbuf, (size_t)r, 0);
			return 1;
		}
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1 && errno == EAGAIN)
			return 0;
		/* A kept connection the server closed before answering:
		 * the request may go again on a new one. */
		if ((r == 0 || errno == ECONNRESET) && ex.reused &&
		    !rp.rp_any) {
			ex.end = EX_STALE;
			return -1;
		}
		if (r == -1 && errno != ECONNRESET)
			die(HG_RECV, ex.label, "receive error: %s",
			    cause(errno));
		if (r == -1 && !sending)
			die(HG_RECV, ex.label, "connection reset by peer");
		if (r == 0 && !sending)
			feed(NULL, 0, 1);
		if (r == 0)
			errno = 0;
		return -1;
	}
}

/* The peer went away while the body was being sent: what it answered
 * before, if anything, is the result; else exit 55. */
static void
peer_gone(unsigned long long sent, int e)
{
	while (ex.end == -1 && ex.final == 0 && readin(1) == 1)
		;
	if (ex.final != 0 || ex.end == EX_STALE)
		return;
	if (ex.reused && !rp.rp_any) {
		ex.end = EX_STALE;
		return;
	}
	if (cfg.body.b_size >= 0)
		die(HG_SEND, ex.label, "%s while sending the body (%llu of "
		    "%lld bytes sent)", e != 0 ? cause(e) :
		    "connection closed by the server", sent, cfg.body.b_size);
	die(HG_SEND, ex.label, "%s while sending the body (%llu bytes sent)",
	    e != 0 ? cause(e) : "connection closed by the server", sent);
}

/*
 * Sends the body after the request's header: with Expect, once 100
 * Continue came or a second passed; chunked when its size is unknown.
 * A final response read meanwhile stops it: that is the answer.
 */
void
send_body(void)
{
	static char buf[SENDSZ + 16];
	unsigned long long sent = 0;
	size_t len = 0, off = 0;
	long long until;
	char head[12];
	ssize_t n, w;
	int rev, h, last = 0;

	if (ex.expect) {
		until = now_ms() + EXPECT_MS;
		if (deadline_ms > 0 && deadline_ms < until)
			until = deadline_ms;
		while (!ex.interim && ex.final == 0 && ex.end == -1) {
			if ((rev = waitfd(ex.fd, POLLIN, until)) == 0) {
				if (until == deadline_ms)
					timeout(ex.label);
				break;
			}
			if (readin(1) == -1)
				peer_gone(0, errno);
		}
		if (ex.final != 0 || ex.end != -1)
			return;
		if (cfg.verbose && !ex.interim)
			fprintf(stderr, "* No 100 Continue in a second: "
			    "sending the body\n");
	}
	for (;;) {
		if (off == len) {
			if (last)
				break;
			n = body_read(&cfg.body, buf + 10, SENDSZ);
			if (n == -1)
				die(cfg.body.b_fail, ex.label, "%s",
				    cfg.body.b_err);
			off = 10;
			len = 10 + (size_t)n;
			xf.x_size_upload += (size_t)n;
			if (cfg.body.b_size < 0) {
				/* The chunk's size line goes just before
				 * it, the CRLF after it. */
				h = snprintf(head, sizeof(head), "%zx\r\n",
				    (size_t)n);
				off = 10 - (size_t)h;
				memcpy(buf + off, head, (size_t)h);
				memcpy(buf + len, "\r\n", 2);
				len += 2;
			}
			last = n == 0;
			if (last && cfg.body.b_size >= 0)
				break;
		}
		rev = waitfd(ex.fd, POLLOUT | POLLIN, deadline_ms);
		if (rev == 0)
			timeout(ex.label);
		if (rev & POLLIN) {
			if (readin(1) == -1)
				peer_gone(sent, errno);
			if (ex.final != 0 || ex.end != -1)
				return;
			continue;
		}
		w = send(ex.fd, buf + off, len - off, MSG_NOSIGNAL);
		if (w > 0) {
			off += (size_t)w;
			sent += (size_t)w;
		} else if (w == -1 && (errno == EPIPE ||
		    errno == ECONNRESET)) {
			peer_gone(sent, errno);
			return;
		} else if (w == -1 && errno != EINTR && errno != EAGAIN)
			die(HG_SEND, ex.label, "send: %s", cause(errno));
	}
	ex.bodydone = 1;
}

/* True when the request at P (N bytes) asks for 100 Continue, ours or a
 * -H one. */
int
asks100(const char *p, size_t n)
{
	const char *end = p + n, *nl;

	for (; p < end && (nl = memchr(p, '\n', (size_t)(end - p))) != NULL;
	    p = nl + 1)
		if ((size_t)(nl - p) >= 7 && strncasecmp(p, "Expect:", 7) == 0)
			for (; p + 12 <= nl; p++)
				if (strncasecmp(p, "100-continue", 12) == 0)
					return 1;
	return 0;
}
