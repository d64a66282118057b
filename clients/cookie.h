/*
 * cookie.h: httpget's cookies (SPEC section 3, -b and -c): RFC 6265's
 * storage model in memory, read from and written to curl's Netscape
 * cookie file so that the files go both ways between curl and httpget,
 * and -b NAME=VALUE sent as it is.  Cookies set by a response are sent
 * on the next request of the same run, redirects included.
 */
#ifndef COOKIE_H
#define COOKIE_H

#include <stddef.h>
#include <time.h>

#include "url.h"

#define JAR_MAX		3000	/* cookies kept at most (RFC 6265: 3000) */
#define COOKIE_MAX	4096	/* name and value of one together (curl's) */
#define COOKIE_LINEMAX	4998	/* a file's line (curl's), a Set-Cookie value */
#define COOKIE_HDRMAX	8190	/* the Cookie header's value (curl's) */
#define JAR_FILEMAX	(16 * 1024 * 1024)	/* a -b file at most */

struct jar;			/* cookie.c's; allocated by jar_new() */

/* An empty jar, or NULL when memory is short. */
struct jar	*jar_new(void);

/*
 * -b ARG: a string with '=' is "NAME=VALUE[; NAME2=VALUE2]" sent to every
 * host as it is, after the jar's cookies (curl's place), several joined
 * with "; "; anything else is a cookie file ("-": standard input) in the
 * Netscape format, or lines of "Set-Cookie: ..." as curl also reads
 * (those need a Domain attribute), its bad lines skipped as curl skips
 * them, its cookies expired at NOW left out.  A file that cannot be read
 * is not an error (curl goes on without it) but is told in *WARN when not
 * NULL ("" is the usual way of turning the engine on: no warning).
 * Returns 0, or -1 with a one-line cause in ERR (size N) for a file over
 * JAR_FILEMAX, or a string with a control character (CR, LF: a header
 * injection) or longer than COOKIE_HDRMAX.
 */
int		jar_load(struct jar *j, const char *arg, time_t now,
		    const char **warn, char *err, size_t n);

/*
 * Takes the Set-Cookie field value V of a response to U at NOW: domain
 * (a public suffix-free check: the host itself or a parent it belongs
 * to, never a bare TLD, never an IP's parent), path (the default path of
 * RFC 6265 section 5.1.4), Expires / Max-Age (a past one deletes),
 * Secure (kept, never sent: httpget has no TLS), HttpOnly (kept in the
 * file).  A bad or foreign cookie is ignored.
 */
void		jar_set(struct jar *j, const struct url *u, const char *v,
		    size_t len, time_t now);

/*
 * The Cookie header value for a request to U at NOW into BUF of size N
 * ("a=b; c=d", RFC 6265 section 5.4 order: longer paths first, then
 * older), then the -b NAME=VALUE strings, as curl does.  What does not
 * fit in N (COOKIE_HDRMAX + 1 is curl's limit) is left out from the first
 * cookie that does not, as curl does.  Returns its length, 0 for none.
 */
size_t		jar_header(struct jar *j, const struct url *u, time_t now,
		    char *buf, size_t n);

/*
 * -c FILE ("-": standard output): writes every cookie that has not
 * expired at NOW (session cookies too, as curl does) in the Netscape
 * format, newest first as curl writes them, with curl's header comment
 * and "#HttpOnly_" prefix, through a temporary file renamed into place
 * (clients/output.c: an existing file keeps its mode; a new one is 0600,
 * since it holds credentials).  Returns 0, or -1 with a cause in ERR.
 */
int		jar_save(struct jar *j, const char *file, time_t now, char *err,
		    size_t n);

void		jar_free(struct jar *j);

#endif
