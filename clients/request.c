/*
 * request.c: formats httpget's request into a fixed buffer, decides what
 * follows a redirect, and picks the proxy it goes through.  Nothing here
 * does I/O or exits, so tests and fuzzers can drive it alone; httpget.c
 * reports what fails.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "request.h"

#ifndef VERSION
#define VERSION "0.1"
#endif

/* tchar of RFC 9110 section 5.6.2, the bytes a field name is made of. */
static int
istchar(int c)
{
	return isalnum(c) || (c != '\0' && strchr("!#$%&'*+-.^_`|~", c));
}

int
req_header_ok(const char *h)
{
	const char *p;

	for (p = h; *p != ':' && *p != ';'; p++)
		if (!istchar((unsigned char)*p))
			return 0;
	if (p == h || (*p == ';' && p[1] != '\0'))
		return 0;
	for (; *p != '\0'; p++)
		if (((unsigned char)*p < ' ' && *p != '\t') || *p == 0x7f)
			return 0;	/* no CR or LF: no header injection */
	return 1;
}

static int
unhex(int c)
{
	return isdigit(c) ? c - '0' : tolower(c) - 'a' + 10;
}

struct buf {
	char	*b_p;
	size_t	 b_len, b_size;
	int	 b_full;
};

static void __attribute__((format(printf, 2, 3)))
add(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->b_full)
		return;
	va_start(ap, fmt);
	n = vsnprintf(b->b_p + b->b_len, b->b_size - b->b_len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= b->b_size - b->b_len)
		b->b_full = 1;
	else
		b->b_len += (size_t)n;
}

/*
 * Adds the Basic credentials of RFC 7617 for the URL's %-encoded
 * "user:pass", decoded and base64-encoded straight into B.
 */
static void
addbasic(struct buf *b, const char *userinfo)
{
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const char *p = userinfo;
	unsigned v;
	int k;

	add(b, "Authorization: Basic ");
	while (*p != '\0' && !b->b_full) {
		for (v = 0, k = 0; k < 3 && *p != '\0'; k++, p++)
			if (p[0] == '%' && isxdigit((unsigned char)p[1]) &&
			    isxdigit((unsigned char)p[2])) {
				v = v << 8 | (unsigned)(unhex((unsigned char)
				    p[1]) * 16 + unhex((unsigned char)p[2]));
				p += 2;
			} else
				v = v << 8 | (unsigned char)*p;
		v <<= 8 * (3 - k);
		add(b, "%c%c%c%c", b64[v >> 18 & 63], b64[v >> 12 & 63],
		    k > 1 ? b64[v >> 6 & 63] : '=', k > 2 ? b64[v & 63] : '=');
	}
	add(b, "\r\n");
}

/* The length of H's name, up to its ':' or ';'. */
static size_t
namelen(const char *h)
{
	return strcspn(h, ":;");
}

static int
isname(const char *h, const char *name)
{
	size_t n = strlen(name);

	return namelen(h) == n && strncasecmp(h, name, n) == 0;
}

/* True when the -H header H carries credentials or identity. */
static int
secret(const char *h)
{
	return isname(h, "Authorization") || isname(h, "Cookie") ||
	    isname(h, "Proxy-Authorization") || isname(h, "Host");
}

/* The first of the NHDRS headers HDRS named NAME that goes out, or NULL. */
static const char *
given(const char *name, const char *const *hdrs, int nhdrs, int trusted)
{
	int i;

	for (i = 0; i < nhdrs; i++)
		if (isname(hdrs[i], name) && (trusted || !secret(hdrs[i])))
			return hdrs[i];
	return NULL;
}

/* Adds the -H header H: "Name: value" as it is, "Name;" empty, "Name:"
 * nothing (it only removes one of ours). */
static void
addgiven(struct buf *b, const char *h)
{
	const char *p = h + namelen(h);

	if (*p == ';')
		add(b, "%.*s:\r\n", (int)(p - h), h);
	else if (p[1 + strspn(p + 1, " \t")] != '\0')
		add(b, "%s\r\n", h);
}

/* Adds "NAME: VALUE" unless a -H header of that name replaces it. */
static void
addours(struct buf *b, const struct reqhdr *h, const char *name,
    const char *fmt, const char *val)
{
	if (given(name, h->hdrs, h->nhdrs, h->trusted) != NULL)
		return;
	add(b, "%s: ", name);
	add(b, fmt, val);
	add(b, "\r\n");
}

int
req_format(char *buf, size_t n, const struct url *u, const struct reqhdr *h)
{
	char auth[URL_HOSTMAX + 8], len[24];
	const char *host;
	struct buf b = { buf, 0, n, 0 };
	int j;

	if (url_authority(u, 0, auth, sizeof(auth)) == -1)
		return -1;
	add(&b, "%s %s%s%s HTTP/1.1\r\n", h->method, h->proxied ?
	    "http://" : "", h->proxied ? auth : "", u->u_target);
	/* Host first (RFC 9112 section 3.2); of several -H Host, the first. */
	if ((host = given("Host", h->hdrs, h->nhdrs, h->trusted)) != NULL)
		addgiven(&b, host);
	else
		add(&b, "Host: %s\r\n", auth);
	if (!given("Authorization", h->hdrs, h->nhdrs, h->trusted)) {
		if (h->user != NULL && h->trusted)
			addbasic(&b, h->user);
		else if (h->user == NULL && u->u_hasuser)
			addbasic(&b, u->u_user);
	}
	if (h->range > 0) {
		(void)snprintf(len, sizeof(len), "%lld", h->range);
		addours(&b, h, "Range", "bytes=%s-", len);
	}
	if (h->agent == NULL)
		addours(&b, h, "User-Agent", "%s", "httpget/" VERSION);
	else if (*h->agent != '\0')
		addours(&b, h, "User-Agent", "%s", h->agent);
	addours(&b, h, "Accept", "%s", "*/*");
	if (h->compressed)
		addours(&b, h, "Accept-Encoding", "%s", "gzip, deflate");
	if (h->referer != NULL)
		addours(&b, h, "Referer", "%s", h->referer);
	/* Where curl puts it: before the -H headers, unlike the length. */
	if (h->chunked)
		addours(&b, h, "Transfer-Encoding", "%s", "chunked");
	if (h->cookie != NULL && *h->cookie != '\0')
		addours(&b, h, "Cookie", "%s", h->cookie);
	addours(&b, h, "Connection", "%s", h->keepalive ? "keep-alive" :
	    "close");
	for (j = 0; j < h->nhdrs; j++)
		if (!isname(h->hdrs[j], "Host") &&
		    (h->trusted || !secret(h->hdrs[j])))
			addgiven(&b, h->hdrs[j]);
	if (!h->chunked && h->clen >= 0) {
		(void)snprintf(len, sizeof(len), "%lld", h->clen);
		addours(&b, h, "Content-Length", "%s", len);
	}
	if (h->ctype != NULL && *h->ctype != '\0')
		addours(&b, h, "Content-Type", "%s", h->ctype);
	if (h->expect)
		addours(&b, h, "Expect", "%s", "100-continue");
	add(&b, "\r\n");
	return b.b_full ? -1 : (int)b.b_len;
}

enum fail
req_redirect(struct url *next, const struct url *cur,
    const struct url *first, const char *loc, int *trusted,
    const char **why)
{
	enum fail f;

	if ((f = url_resolve(next, cur, loc, why)) != HG_OK)
		return f;
	if (!url_sameorigin(next, first))
		*trusted = 0;
	if (!*trusted) {
		next->u_hasuser = 0;
		next->u_user[0] = '\0';
	} else if (!next->u_hasuser && first->u_hasuser) {
		(void)strcpy(next->u_user, first->u_user);
		next->u_hasuser = 1;
	}
	return HG_OK;
}

/* True when ADDR/BITS (IPv4 or IPv6) holds the literal HOST. */
static int
incidr(const char *addr, const char *bits, const char *host)
{
	unsigned char a[16], h[16];
	int af, i, nbits;
	char *end;
	long v;

	af = strchr(addr, ':') != NULL ? AF_INET6 : AF_INET;
	v = strtol(bits, &end, 10);
	if (end == bits || *end != '\0' || v < 0 ||
	    v > (af == AF_INET6 ? 128 : 32) ||
	    inet_pton(af, addr, a) != 1 || inet_pton(af, host, h) != 1)
		return 0;
	nbits = (int)v;
	for (i = 0; i < nbits; i++)
		if ((a[i / 8] ^ h[i / 8]) & (0x80 >> i % 8))
			return 0;
	return 1;
}

/* True when U's host is in the no_proxy LIST [curl's rules]. */
static int
exempt(const char *list, const struct url *u)
{
	char ent[URL_HOSTMAX], *e, *slash;
	const char *p = list;
	size_t n, hl;

	hl = strlen(u->u_host);
	while (*p != '\0') {
		p += strspn(p, ", \t");
		n = strcspn(p, ", \t");
		if (n == 0 || n >= sizeof(ent)) {
			p += n;
			continue;
		}
		memcpy(ent, p, n);
		ent[n] = '\0';
		p += n;
		if (strcmp(ent, "*") == 0)
			return 1;
		if ((slash = strchr(ent, '/')) != NULL) {
			*slash = '\0';
			if (incidr(ent, slash + 1, u->u_host))
				return 1;
			continue;
		}
		e = ent + (ent[0] == '.' || ent[0] == '[');
		n = strlen(e);
		if (n > 0 && e[n - 1] == ']')
			e[--n] = '\0';
		if (n > 0 && (strcasecmp(u->u_host, e) == 0 ||
		    (hl > n && u->u_host[hl - n - 1] == '.' &&
		    strcasecmp(u->u_host + hl - n, e) == 0)))
			return 1;
	}
	return 0;
}

int
req_proxy(const struct url *u, const char *proxy, const char *noproxy,
    struct url *px, const char **why)
{
	const char *env, *np;

	/* Only the lower-case name: a CGI gets "Proxy:" as HTTP_PROXY. */
	env = proxy != NULL ? proxy : getenv("http_proxy");
	if (env == NULL || *env == '\0')
		return 0;
	if ((np = noproxy) == NULL && (np = getenv("no_proxy")) == NULL)
		np = getenv("NO_PROXY");
	if (np != NULL && exempt(np, u))
		return 0;
	if (url_parse(px, env, why) != HG_OK)
		return -1;
	if (!px->u_portset)
		px->u_port = 1080;	/* curl's default proxy port */
	return 1;
}
