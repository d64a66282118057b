/*
 * request.h: the request httpget sends (RFC 9112 section 3): GET or HEAD,
 * origin-form or, through a proxy, absolute-form, with Host, User-Agent,
 * Accept, Connection: close and the user's -H headers; the next URL of a
 * redirect and what may follow it there; and the choice of the proxy
 * from http_proxy and no_proxy.
 */
#ifndef REQUEST_H
#define REQUEST_H

#include <stddef.h>

#include "url.h"

/* The request: a URL of URL_MAX, credentials and -H headers beside it. */
#define REQ_MAX		(4 * 1024 * 1024)

/* True when H is a -H argument: "Name: value", "Name:" or "Name;". */
int	req_header_ok(const char *h);

/*
 * Formats the request for U into BUF of size N: HEAD or GET, absolute-form
 * when PROXIED, the NHDRS -H headers HDRS after ours (one of the same name
 * replaces ours; of several Host, the first).  Unless TRUSTED, the -H
 * headers that carry credentials or identity (Authorization, Cookie,
 * Proxy-Authorization, Host) are left out.  Returns the length, or -1
 * when BUF is too small.
 */
int	req_format(char *buf, size_t n, const struct url *u, int proxied,
	    int head, const char *const *hdrs, int nhdrs, int trusted);

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
 * Fills PX from http_proxy unless no_proxy exempts U.  Returns 1 when U
 * goes through PX, 0 when direct, -1 with *WHY when http_proxy is bad.
 */
int	req_proxy(const struct url *u, struct url *px, const char **why);

#endif
