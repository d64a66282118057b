/*
 * fetch.c: one URL of the command line: its request built (method, body,
 * -G's query, -T's name, cookies, Range), sent over a kept or a new
 * connection (again once on a new one when a kept one turns out closed),
 * and its redirects followed, each with the method RFC 9110 gives it.
 */
#include <sys/types.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cookie.h"
#include "hg.h"
#include "request.h"


static char req[REQ_MAX];
static char effective_buf[URL_MAX + URL_HOSTMAX + 16];
static char refbuf[URL_MAX + URL_HOSTMAX + 16];
static char cookiebuf[COOKIE_HDRMAX + 1];
static int trusted;			/* still at the first URL's origin */
static int withbody;			/* the request carries cfg.body */
static const char *referer;		/* -e, then ;auto's */
const char *method;			/* of the request being sent */
const char *effective;			/* the URL fetched last */

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

/* True when the connection may serve another request: HTTP/1.1, the
 * body's end known without the close, and nothing left unsent. */
static int
reusable(void)
{
	int nobody = strcmp(method, "HEAD") == 0 || ex.final == 204 ||
	    ex.final == 304;

	return cfg.ntargets > 1 && ex.end == EX_DONE && rp.rp_minor == 1 &&
	    !ri.ri_close && (!withbody || ex.bodydone) && (nobody ||
	    rp.rp_chunked || (rp.rp_hasclen && !rp.rp_tegzip));
}

/* Methods that may be sent twice (RFC 9110 section 9.2.2). */
static int
idempotent(void)
{
	return strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0 ||
	    strcmp(method, "PUT") == 0 || strcmp(method, "DELETE") == 0 ||
	    strcmp(method, "OPTIONS") == 0;
}

/* Sends the request of R bytes to PEER and reads the answer; a kept
 * connection the server had closed gets one more try on a new one. */
static void
send_and_read(const struct url *peer, const char *label, int r)
{
	enum fail f;
	int again, reused;

	for (again = 0; ; again = 1) {
		memset(&ex, 0, sizeof(ex));
		ex.fd = -1;		/* none yet, for die() to close */
		ex.end = -1;
		ex.label = label;
		ex.expect = withbody && asks100(req, (size_t)r);
		content_block();
		resp_init(&rp, strcmp(method, "HEAD") == 0);
		ex.fd = conn_get(peer->u_host, peer->u_port, label, &reused);
		ex.reused = reused && !again;
		if (cfg.verbose)
			verbose("> ", req, (size_t)r);
		xf.x_t_pretransfer = now_us() - start_us;
		xf.x_size_request += (size_t)r;
		if (send_all(ex.fd, req, (size_t)r, label) == -1) {
			if (ex.reused)
				ex.end = EX_STALE;
		} else if (withbody)
			send_body();
		/* A peer that closed early may still have answered. */
		while (ex.end == -1)
			if (readin(0) == 0 && waitfd(ex.fd, POLLIN,
			    deadline_ms) == 0)
				timeout(label);
		if (ex.end != EX_STALE)
			return;
		(void)close(ex.fd);
		ex.fd = -1;
		if (!idempotent())
			die(HG_EMPTY, label, "the server closed the kept "
			    "connection before answering; a %s is not sent "
			    "twice", method);
		if (cfg.verbose)
			fprintf(stderr, "* The kept connection was closed: "
			    "again on a new one\n");
		if (withbody && (f = body_rewind(&cfg.body)) != HG_OK)
			die(f, label, "%s", cfg.body.b_err);
	}
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

	/* A UNIX socket is the server itself, as curl takes it. */
	if (cfg.unix_socket != NULL)
		proxied = 0;
	else if ((proxied = req_proxy(u, cfg.proxy, cfg.noproxy, &px,
	    &e)) == -1)
		die(HG_URL, cfg.proxy != NULL ? "-x" : "http_proxy", "%s", e);
	peer = proxied ? &px : u;
	if (url_authority(peer, 1, label, sizeof(label)) == -1)
		die(HG_URL, peer->u_host, "host name too long");
	if (peer->u_port == 80)		/* "localhost:80", as SPEC writes */
		(void)snprintf(label + strlen(label),
		    sizeof(label) - strlen(label), ":80");
	cur_url = u;
	memset(&h, 0, sizeof(h));
	h.method = method;
	h.proxied = proxied;
	h.agent = cfg.agent;
	h.referer = referer;
	h.user = cfg.user;
	h.clen = withbody && cfg.body.b_size >= 0 ? cfg.body.b_size : -1;
	h.chunked = withbody && cfg.body.b_size < 0;
	h.ctype = withbody ? cfg.body.b_ctype : NULL;
	h.expect = withbody && !noexpect && (cfg.body.b_size < 0 ||
	    cfg.body.b_size > BODY_EXPECT_MIN);
	h.range = resume_at;
	h.compressed = cfg.compressed;
	h.keepalive = cfg.ntargets > 1;
	if (jar != NULL && jar_header(jar, u, time(NULL), cookiebuf,
	    sizeof(cookiebuf)) > 0)
		h.cookie = cookiebuf;
	h.hdrs = cfg.hdrs;
	h.nhdrs = cfg.nhdrs;
	h.trusted = trusted;
	if ((r = req_format(req, sizeof(req), u, &h)) == -1)
		die(HG_USAGE, label, "request over %d bytes", REQ_MAX);
	effective = url_string(u, effective_buf, sizeof(effective_buf));
	xf.x_referer = h.referer;
	if (redirs > 0)
		xf.x_t_redirect = now_us() - start_us;

	send_and_read(peer, label, r);
	conn_put(ex.fd, peer->u_host, peer->u_port, reusable());
	ex.fd = -1;

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
			referer = url_string(u, refbuf, sizeof(refbuf));
		return EX_REDIRECT;
	}

	if (cfg.verbose)
		fprintf(stderr, "* Done with the response\n");
	bar_finish();
	if (out_commit(&out) == -1)
		die(HG_WRITE, label, "writing %s: %s", outname, errno ==
		    EEXIST ? "no longer a regular file, left as it is" :
		    cause(errno));
	if (ex.final >= 400 && cfg.fail != FAIL_NONE && !ri.ri_complete)
		die(HG_HTTP, label, "server returned %d%s%s", ex.final,
		    ex.why[0] != '\0' ? " " : "", ex.why);
	return EX_DONE;
}

/*
 * Fetches cfg.url: its URL made ready (-G, -T's name), its output, then
 * the requests until the last redirect.  Exits through die() on failure.
 */
void
fetch_target(void)
{
	char label[160];
	const char *why, *q, *base;
	size_t qlen;
	long redirs;
	enum fail f;
	int cur, next, r;

	effective = NULL;
	if ((f = url_parse(&urls[0], cfg.url, &why)) != HG_OK)
		die(f, shown(label, 128, cfg.url, strlen(cfg.url), 1), "%s",
		    why);
	withbody = cfg.body.b_kind != BODY_NONE && !cfg.get;
	method = cfg.method != NULL ? cfg.method : cfg.head ? "HEAD" :
	    !withbody ? "GET" : cfg.body.b_kind == BODY_UPLOAD ? "PUT" :
	    "POST";
	trusted = 1;
	noexpect = 0;
	referer = cfg.referer;
	if (withbody && (f = body_rewind(&cfg.body)) != HG_OK)
		die(f, cfg.url, "%s", cfg.body.b_err);
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
	out_prepare();
	resume_at = cfg.resume == -1 ? out_size() : cfg.resume;

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
}
