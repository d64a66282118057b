/*
 * request.h: the request httpget sends (RFC 9112 section 3): its method,
 * origin-form or, through a proxy, absolute-form, with Host, User-Agent,
 * Accept, Connection, the user's -H headers and the body's; the next URL
 * of a redirect and what may follow it there; and the choice of the
 * proxy from -x or http_proxy, and --noproxy or no_proxy.
 */
#ifndef REQUEST_H
#define REQUEST_H

#include <stddef.h>

#include "url.h"

/* The request: a URL of URL_MAX, credentials and -H headers beside it. */
#define REQ_MAX		(4 * 1024 * 1024)

/* True when H is a -H argument: "Name: value", "Name:" or "Name;". */
int	req_header_ok(const char *h);

/* What goes in one request beside its URL. */
struct reqhdr {
	const char	*method;	/* GET, HEAD, POST, PUT or -X */
	int		 proxied;	/* absolute-form, to a proxy */
	const char	*agent;		/* -A; NULL: ours; "": none */
	const char	*referer;	/* -e, or NULL */
	const char	*user;		/* -u as %-encoded user info, or NULL */
	long long	 clen;		/* Content-Length, or -1 for none */
	int		 chunked;	/* Transfer-Encoding: chunked */
	const char	*ctype;		/* Content-Type, or NULL */
	int		 expect;	/* Expect: 100-continue */
	long long	 range;		/* Range: bytes=N-, or 0 for none */
	int		 compressed;	/* Accept-Encoding: gzip, deflate */
	const char	*cookie;	/* the Cookie value, or NULL */
	int		 keepalive;	/* Connection: keep-alive, not close */
	const char *const *hdrs;	/* the -H headers */
	int		 nhdrs;
	int		 trusted;	/* still at the first URL's origin */
};

/*
 * Formats the request for U into BUF of size N, in the order curl sends
 * its headers: Host, Authorization, Range, User-Agent, Accept,
 * Accept-Encoding, Referer, Transfer-Encoding, Cookie, Connection, the -H
 * headers (one of a name of ours
 * replaces it; of several Host, the first), then the body's
 * Content-Length, Content-Type and Expect.  Unless H->trusted, the -H
 * headers that carry credentials or identity (Authorization, Cookie,
 * Proxy-Authorization, Host) and -u are left out.  Returns the length,
 * or -1 when BUF is too small.
 */
int	req_format(char *buf, size_t n, const struct url *u,
	    const struct reqhdr *h);

/*
 * Resolves the Location LOC of a response to CUR into NEXT, for a
 * transfer that started at FIRST.  *TRUSTED, 1 at the start, becomes 0
 * for good once a URL leaves FIRST's scheme, host and port; the URL's
 * credentials go along only while it is 1 [curl, CVE-2022-27776].
 * Returns HG_OK, or the failure with *WHY.
 */
enum fail req_redirect(struct url *next, const struct url *cur,
	    const struct url *first, const char *loc, int *trusted,
	    const char **why);

/*
 * Fills PX from PROXY (-x), or http_proxy when PROXY is NULL, unless
 * NOPROXY (--noproxy, or no_proxy when NULL) exempts U.  Returns 1 when
 * U goes through PX, 0 when direct, -1 with *WHY when the proxy is bad.
 */
int	req_proxy(const struct url *u, const char *proxy, const char *noproxy,
	    struct url *px, const char **why);

#endif
