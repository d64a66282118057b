/*
 * request.h: the request httpget sends (RFC 9112 section 3): GET or HEAD,
 * origin-form or, through a proxy, absolute-form, with Host, User-Agent,
 * Accept, Connection: close and the user's -H headers; and the choice of
 * that proxy from http_proxy and no_proxy.
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
 * replaces ours).  Returns the length, or -1 when BUF is too small.
 */
int	req_format(char *buf, size_t n, const struct url *u, int proxied,
	    int head, const char *const *hdrs, int nhdrs);

/*
 * Fills PX from http_proxy unless no_proxy exempts U.  Returns 1 when U
 * goes through PX, 0 when direct, -1 with *WHY when http_proxy is bad.
 */
int	req_proxy(const struct url *u, struct url *px, const char **why);

#endif
