/*
 * httpget: fetches one http:// URL the way curl users expect (SPEC section
 * 3): the request and its body (request.c, body.c) over a connection to
 * every resolved address in turn (conn.c), the response through http.c's
 * reader, redirects through request.c, the body to stdout or to
 * output.c's -o FILE, -w through wout.c.  Every failure is one line
 * naming the host and exits with curl's number.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "hg.h"
#include "http.h"
#include "output.h"
#include "request.h"
#include "url.h"


/* The default cause of each failure; callers may say something sharper. */
static const char *const failmsg[] = {
	[HG_PROTO] = "unsupported protocol",
	[HG_USAGE] = "usage error",
	[HG_URL] = "malformed URL",
	[HG_RESOLVE] = "unknown host",
	[HG_CONNECT] = "connection refused",
	[HG_WEIRD] = "malformed response",
	[HG_PARTIAL] = "body cut short",
	[HG_HTTP] = "server returned an error status",
	[HG_WRITE] = "write error",
	[HG_READ] = "cannot read a local file",
	[HG_TIMEOUT] = "timed out",
	[HG_REDIRS] = "too many redirects",
	[HG_EMPTY] = "empty reply from server",
	[HG_SEND] = "send error",
	[HG_RECV] = "receive error",
	[HG_DECODE] = "unsupported transfer coding",
	[HG_FILESIZE] = "body over --max-filesize",
	[HG_REWIND] = "cannot send the body again"
};

struct cfg cfg;
struct xfer xf = { .x_minor = -1, .x_scheme = "http" };
long long start_us, deadline_ms;
struct url urls[3];			/* the first, then two in turn */
int noexpect;				/* after a 417 */

static int writing_out;			/* -w is being written */
static char req[REQ_MAX];
static char effective[URL_MAX + URL_HOSTMAX + 16];
static char refbuf[URL_MAX + URL_HOSTMAX + 16];
static int trusted = 1;			/* still at the first URL's origin */
static const char *method;		/* of the request being sent */
static int withbody;			/* it carries cfg.body */

/*
 * Copies LEN bytes of S into DST of size N for a message, cut with "..."
 * when longer: a server's text with non-printables as '?'; when TYPED,
 * text the user typed, shown as typed but for control bytes.
 */
static const char *
shown(char *dst, size_t n, const char *s, size_t len, int typed)
{
	unsigned char c;
	size_t i;

	for (i = 0; i < len && i + 1 < n; i++) {
		c = (unsigned char)s[i];
		dst[i] = isprint(c) || (typed && c >= 0x80) ? s[i] : '?';
	}
	dst[i] = '\0';
	if (len >= n && n > 4)
		(void)strcpy(dst + n - 4, "...");
	return dst;
}

const char *
safe(char *dst, size_t n, const char *s, size_t len)
{
	return shown(dst, n, s, len, 0);
}



/* "http://authority/target" of U into BUF of size N. */
const char *
url_string(const struct url *u, char *buf, size_t n)
{
	char auth[URL_HOSTMAX + 16];

	if (url_authority(u, 1, auth, sizeof(auth)) == -1)
		auth[0] = '\0';
	(void)snprintf(buf, n, "http://%s%s", auth, u->u_target);
	return buf;
}

/* Writes -w once, with the figures as they stand. */
static void
write_out(void)
{
	if (cfg.wfmt == NULL || writing_out)
		return;
	writing_out = 1;
	xf.x_t_total = now_us() - start_us;
	xf.x_size_download = rp.rp_body;
	xf.x_method = method;
	xf.x_url = cfg.url;
	xf.x_url_effective = effective[0] != '\0' ? effective : cfg.url;
	xf.x_filename_effective = out.o_mode != OUT_STDOUT ? opath : NULL;
	(void)fflush(stdout);
	(void)wout_write(cfg.wfmt, &xf, stdout, stderr);
	(void)fflush(stdout);
	(void)fflush(stderr);
}

void
die(enum fail f, const char *label, const char *fmt, ...)
{
	va_list ap;
	char msg[512], line[700];

	out_discard(&out);
	bar_end();
	if (fmt != NULL) {
		va_start(ap, fmt);
		(void)vsnprintf(msg, sizeof(msg), fmt, ap);
		va_end(ap);
	} else
		(void)snprintf(msg, sizeof(msg), "%s", failmsg[f]);
	(void)snprintf(line, sizeof(line), "%s: %s", label, msg);
	fprintf(stderr, "httpget: %s\n", line);
	xf.x_exitcode = f;
	xf.x_errormsg = line;
	write_out();
	exit(f);
}

void
timeout(const char *label)
{
	die(HG_TIMEOUT, label, "timed out after %s s (%llu bytes received)",
	    cfg.maxtime_str, rp.rp_body);
}



















/*
 * Fetches U once.  Returns EX_REDIRECT when -L follows a redirect to
 * *NEXT, EX_AGAIN to send the same request again (after a 417), else
 * EX_DONE with the response written out; exits on failure.
 */
static int
fetch(const struct url *u, struct url *next, long redirs)
{
	static struct url px;
	char label[URL_HOSTMAX + 16], why[128], msg[128];
	struct reqhdr h;
	const struct url *peer;
	const char *e;
	enum fail f;
	int r, proxied;

	if ((proxied = req_proxy(u, cfg.proxy, cfg.noproxy, &px, &e)) == -1)
		die(HG_URL, cfg.proxy != NULL ? "-x" : "http_proxy", "%s", e);
	peer = proxied ? &px : u;
	if (url_authority(peer, 1, label, sizeof(label)) == -1)
		die(HG_URL, peer->u_host, "host name too long");
	if (peer->u_port == 80)		/* "localhost:80", as SPEC writes */
		(void)snprintf(label + strlen(label),
		    sizeof(label) - strlen(label), ":80");
	memset(&h, 0, sizeof(h));
	h.method = method;
	h.proxied = proxied;
	h.agent = cfg.agent;
	h.referer = cfg.referer;
	h.user = cfg.user;
	h.clen = withbody && cfg.body.b_size >= 0 ? cfg.body.b_size : -1;
	h.chunked = withbody && cfg.body.b_size < 0;
	h.ctype = withbody ? cfg.body.b_ctype : NULL;
	h.expect = withbody && !noexpect && (cfg.body.b_size < 0 ||
	    cfg.body.b_size > BODY_EXPECT_MIN);
	h.hdrs = cfg.hdrs;
	h.nhdrs = cfg.nhdrs;
	h.trusted = trusted;
	if ((r = req_format(req, sizeof(req), u, &h)) == -1)
		die(HG_USAGE, label, "request over %d bytes", REQ_MAX);
	(void)url_string(u, effective, sizeof(effective));
	xf.x_referer = h.referer;
	if (redirs > 0)
		xf.x_t_redirect = now_us() - start_us;

	memset(&ex, 0, sizeof(ex));
	ex.end = -1;
	ex.label = label;
	ex.expect = withbody && asks100(req, (size_t)r);
	resp_init(&rp, strcmp(method, "HEAD") == 0);
	ex.fd = connect_to(peer->u_host, peer->u_port, label);
	if (cfg.verbose)
		verbose("> ", req, (size_t)r);
	xf.x_t_pretransfer = now_us() - start_us;
	xf.x_size_request += (size_t)r;
	if (send_all(ex.fd, req, (size_t)r, label) == 0 && withbody)
		send_body();
	/* A peer that closed early may still have answered. */
	while (ex.end == -1)
		if (readin(0) == 0 && waitfd(ex.fd, POLLIN, deadline_ms) == 0)
			timeout(label);
	(void)close(ex.fd);

	if (ex.end == EX_AGAIN) {
		if (cfg.verbose)
			fprintf(stderr, "* 417: sending the request again "
			    "without Expect\n");
		noexpect = 1;
		if (withbody && (f = body_rewind(&cfg.body)) != HG_OK)
			die(f, label, "%s", cfg.body.b_err);
		return EX_AGAIN;
	}
	if (ex.end == EX_REDIRECT) {
		if (cfg.maxredirs >= 0 && redirs >= cfg.maxredirs)
			die(HG_REDIRS, label, "too many redirects (%ld "
			    "followed)", redirs);
		if ((f = req_redirect(next, u, &urls[0], rp.rp_loc, &trusted,
		    &e)) != HG_OK)
			die(f, label, "redirect to '%s': %s", safe(why, 64,
			    rp.rp_loc, strlen(rp.rp_loc)), safe(msg,
			    sizeof(msg), e, strlen(e)));
		if (cfg.verbose)
			fprintf(stderr, "* Following the redirect to '%s'%s\n",
			    safe(why, sizeof(why), rp.rp_loc,
			    strlen(rp.rp_loc)), trusted ? "" :
			    ", another origin: without credentials");
		/* RFC 9110 section 15.4: 303 asks for a GET, and 301 and
		 * 302 after a POST are taken so by every client; 307 and
		 * 308 repeat the request, body and all. */
		if ((ex.final == 303 && strcmp(method, "HEAD") != 0) ||
		    ((ex.final == 301 || ex.final == 302) &&
		    strcmp(method, "POST") == 0)) {
			method = "GET";
			withbody = 0;
		} else if (withbody && (f = body_rewind(&cfg.body)) != HG_OK)
			die(f, label, "%s", cfg.body.b_err);
		if (cfg.autoref)
			cfg.referer = url_string(u, refbuf, sizeof(refbuf));
		return EX_REDIRECT;
	}

	if (cfg.verbose)
		fprintf(stderr, "* Closing connection\n");
	bar_finish();
	if (out_commit(&out) == -1)
		die(HG_WRITE, label, "writing %s: %s", outname, errno ==
		    EEXIST ? "no longer a regular file, left as it is" :
		    cause(errno));
	if (ex.final >= 400 && cfg.fail != FAIL_NONE)
		die(HG_HTTP, label, "server returned %d%s%s", ex.final,
		    ex.why[0] != '\0' ? " " : "", ex.why);
	return EX_DONE;
}




/* Puts the N bytes at ADD in U's path at its end (before the query) or,
 * QUERY, at the end of the query; bytes a URL cannot hold %-encoded. */
static void
url_add(struct url *u, const char *add, size_t n, int query)
{
	static char t[URL_MAX];
	size_t at = query ? strlen(u->u_target) : u->u_pathlen, len, i;
	unsigned char c;

	len = (size_t)snprintf(t, sizeof(t), "%.*s", (int)at, u->u_target);
	if (query)
		t[len++] = u->u_hasquery ? '&' : '?';
	for (i = 0; i < n && len + 4 < sizeof(t); i++) {
		c = (unsigned char)add[i];
		if (c <= ' ' || c >= 0x7f || c == '#' || (!query &&
		    (c == '?' || c == '%')))
			len += (size_t)snprintf(t + len, sizeof(t) - len,
			    "%%%02X", c);
		else
			t[len++] = (char)c;
	}
	if (i < n || len + strlen(u->u_target + at) >= sizeof(t))
		die(HG_URL, cfg.url, "URL over %d bytes", URL_MAX);
	(void)strcpy(t + len, u->u_target + at);
	if (!query)
		u->u_pathlen += len - at;
	u->u_hasquery |= query;
	(void)strcpy(u->u_target, t);
}

int
main(int argc, char *argv[])
{
	char label[160];
	const char *why, *q, *base;
	size_t qlen;
	long redirs;
	enum fail f;
	int cur, next, r;

	opts_parse(&cfg, argc, argv);
	if ((f = url_parse(&urls[0], cfg.url, &why)) != HG_OK)
		die(f, shown(label, 128, cfg.url, strlen(cfg.url), 1), "%s",
		    why);
	withbody = cfg.body.b_kind != BODY_NONE && !cfg.get;
	method = cfg.method != NULL ? cfg.method : cfg.head ? "HEAD" :
	    !withbody ? "GET" : cfg.body.b_kind == BODY_UPLOAD ? "PUT" :
	    "POST";
	if (cfg.get && (q = body_query(&cfg.body, &qlen)) != NULL)
		url_add(&urls[0], q, qlen, 1);
	/* -T FILE to a folder's URL puts FILE there, by its base name. */
	if (cfg.body.b_kind == BODY_UPLOAD && urls[0].u_pathlen > 0 &&
	    urls[0].u_target[urls[0].u_pathlen - 1] == '/' &&
	    strcmp(cfg.upload, "-") != 0) {
		base = strrchr(cfg.upload, '/');
		base = base != NULL ? base + 1 : cfg.upload;
		url_add(&urls[0], base, strlen(base), 0);
	}
	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
		die(HG_WRITE, "stdout", "signal: %s", cause(errno));
	start_us = now_us();
	if (cfg.maxtime_ms > 0)
		deadline_ms = start_us / 1000 + cfg.maxtime_ms;
	open_output();

	/* urls[0] stays the first URL: redirects compare their origin with
	 * it, and take its credentials while it is theirs. */
	for (cur = 0, next = 1, redirs = 0;
	    (r = fetch(&urls[cur], &urls[next], redirs)) != EX_DONE; ) {
		if (r == EX_AGAIN)
			continue;
		xf.x_num_redirects = (int)++redirs;
		cur = next;
		next = cur == 1 ? 2 : 1;
	}
	write_out();
	return 0;
}
