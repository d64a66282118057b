/*
 * cookieint.h: what cookie.c (the jar, Set-Cookie, the Cookie header)
 * shares with cookiefile.c (curl's Netscape file); nothing else includes
 * it.
 */
#ifndef COOKIEINT_H
#define COOKIEINT_H

#include <stddef.h>
#include <time.h>

#include "cookie.h"

#define JAR_HASH	4096	/* hash chains for finding a cookie */

/* One cookie, its four strings in the same allocation. */
struct cookie {
	char		*c_name;
	char		*c_value;
	char		*c_domain;	/* lower case, no leading dot */
	char		*c_path;	/* no trailing '/', but for "/" */
	size_t		 c_nlen;
	size_t		 c_vlen;
	size_t		 c_plen;
	long long	 c_expires;	/* seconds since 1970; 0: session */
	long long	 c_seq;		/* creation order */
	time_t		 c_access;	/* last stored or sent */
	int		 c_hostonly;
	int		 c_secure;
	int		 c_httponly;
	int		 c_slash;	/* the file writes a '/' after c_path */
	struct cookie	*c_next;	/* in its hash chain */
	unsigned	 c_hash;	/* of name, domain and path */
	size_t		 c_idx;		/* in j_c */
};

struct jar {
	struct cookie	*j_c[JAR_MAX + 1];	/* in no order */
	struct cookie	*j_sort[JAR_MAX + 1];	/* scratch, for sorting */
	struct cookie	*j_hash[JAR_HASH];
	size_t		 j_n;
	long long	 j_minexp;	/* no expiry is below it (0 aside) */
	time_t		 j_minaccess;	/* no last access is below it */
	long long	 j_seq;		/* the newest Set-Cookie's: counts up */
	long long	 j_fseq;	/* the last file line's: counts down */
	char		 j_extra[COOKIE_HDRMAX + 1];	/* -b NAME=VALUE */
	size_t		 j_extralen;
};

/* A cookie as parsed, before it is stored. */
struct cparts {
	const char	*p_name;
	const char	*p_value;
	const char	*p_domain;	/* no leading dot */
	const char	*p_path;	/* starts with '/' */
	size_t		 p_nlen;
	size_t		 p_vlen;
	size_t		 p_dlen;
	size_t		 p_plen;
	long long	 p_expires;	/* 0: session */
	int		 p_expired;	/* deletes the cookie it replaces */
	int		 p_hostonly;
	int		 p_secure;
	int		 p_httponly;
};

/*
 * Stores P at NOW as RFC 6265 section 5.3 says (steps 11 and 12): it
 * replaces the cookie of the same name, domain and path, taking its
 * creation time; an expired one only deletes that cookie.  A file's
 * cookies (FROMFILE) count as older line after line, since curl writes
 * the newest first.  Past JAR_MAX the expired go, then the least
 * recently used.
 */
void	cookie_put(struct jar *j, const struct cparts *p, int fromfile,
	    time_t now);

/*
 * Parses the Set-Cookie value V (RFC 6265 section 5.2) of a response
 * from HOST (lower case; IP when it is an address) for the request path
 * RPATH, and stores the cookie.  HOST NULL: a "Set-Cookie:" line of a
 * file, which needs a Domain attribute and has the default path "/".
 */
void	cookie_parse(struct jar *j, const char *host, int ip,
	    const char *rpath, size_t rlen, const char *v, size_t len,
	    time_t now, int fromfile);

/*
 * The cookie date S of LEN (RFC 6265 section 5.1.1) in seconds since
 * 1970 into *T.  Returns 0, or -1 for what is no such date.
 */
int	cookie_date(const char *s, size_t len, long long *t);

/*
 * True when P's line in the file would read back as P, in curl too:
 * not over COOKIE_LINEMAX, its domain not taken for something else.
 */
int	cookie_fileable(const struct cparts *p);

/* True when C's expiry time is past at NOW. */
int	cookie_expired(const struct cookie *c, time_t now);

#endif
