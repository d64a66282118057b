/*
 * url.h: httpget's URL, parsed once into fixed buffers (RFC 3986, the http
 * scheme of RFC 9110 section 4.2.1) and normalised as curl does (dot
 * segments removed, spaces and non-ASCII bytes %-encoded), and the
 * resolution of a Location reference against it (RFC 3986 section 5).
 */
#ifndef URL_H
#define URL_H

#include <stddef.h>

#include "fail.h"

/*
 * A URL, its user name and its request target after %-encoding.  curl
 * sends requests of up to 1 MiB; one argument to a program is at most
 * 128 KiB on Linux, a Location at most a header block.
 */
#define URL_MAX		(1024 * 1024)
#define URL_HOSTMAX	256	/* a DNS name is at most 253 bytes */

struct url {
	char		u_host[URL_HOSTMAX];	/* no brackets; zone as "%eth0" */
	int		u_ipv6;			/* host was a [literal] */
	unsigned	u_port;
	int		u_portset;		/* the port was written */
	char		u_user[URL_MAX];	/* "user:pass", %-encoded */
	int		u_hasuser;
	char		u_target[URL_MAX];	/* path ["?" query] */
	size_t		u_pathlen;		/* of the path in u_target */
	int		u_hasquery;
};

/* Parses S (http://..., or a bare host[:port][/path]) into U; on failure
 * returns HG_URL or HG_PROTO and points *WHY at the cause. */
enum fail	url_parse(struct url *u, const char *s, const char **why);

/* Resolves the reference REF (a Location value) against BASE into U, a
 * struct other than BASE. */
enum fail	url_resolve(struct url *u, const struct url *base,
		    const char *ref, const char **why);

/* True when A and B have the same scheme, host and port. */
int		url_sameorigin(const struct url *a, const struct url *b);

/* Writes "host", "[v6]" or either with ":port" into BUF, as the Host
 * header wants it (the port only when it is not 80, no zone id when
 * ZONE is 0).  Returns the length, or -1 when BUF is too small. */
int		url_authority(const struct url *u, int zone, char *buf,
		    size_t n);

#endif
