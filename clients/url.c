/*
 * url.c: parses httpget's URL into a struct url of fixed buffers, and
 * resolves a redirect's Location against it.  Junk is rejected before
 * anything is looked up: control bytes first, then the scheme, the host
 * (a name, an IPv4 literal or a bracketed IPv6 one), the port.  The path
 * and query are normalised as curl does: spaces and non-ASCII bytes
 * %-encoded, dot segments removed (RFC 3986 section 5.2.4).
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "url.h"

static char whybuf[384];
static char scratch[URL_MAX];	/* a path before its dot segments go */

static int
isschemech(int c)
{
	return isalnum(c) || c == '+' || c == '-' || c == '.';
}

/*
 * Returns the length of a scheme ("http") that S starts with when it is
 * followed by ':' (RFC 3986 section 3.1), else 0.
 */
static size_t
schemelen(const char *s)
{
	size_t n;

	if (!isalpha((unsigned char)s[0]))
		return 0;
	for (n = 1; isschemech((unsigned char)s[n]); n++)
		;
	return s[n] == ':' ? n : 0;
}

static int
ishostch(int c)
{
	return isalnum(c) || c == '-' || c == '.' || c == '_';
}

/* Copies the N bytes at S into DST of size DSTSZ; -1 when they don't fit. */
static int
copy(char *dst, size_t dstsz, const char *s, size_t n)
{
	if (n >= dstsz)
		return -1;
	memcpy(dst, s, n);
	dst[n] = '\0';
	return 0;
}

static enum fail
toolong(const char **why)
{
	(void)snprintf(whybuf, sizeof(whybuf), "URL over %d bytes",
	    URL_MAX - 1);
	*why = whybuf;
	return HG_URL;
}

/* Parses the decimal port in [P, END): 1-65535, nothing else [curl]. */
static enum fail
port_parse(const char *p, const char *end, unsigned *port, const char **why)
{
	unsigned long v = 0;
	const char *s;
	int len = end - p > 16 ? 16 : (int)(end - p);

	for (s = p; s < end; s++)
		if (!isdigit((unsigned char)*s)) {
			(void)snprintf(whybuf, sizeof(whybuf),
			    "port '%.*s': not a number", len, p);
			*why = whybuf;
			return HG_URL;
		}
	for (s = p; s < end && v <= 65535; s++)
		v = v * 10 + (unsigned long)(*s - '0');
	if (v > 65535 || v == 0) {
		(void)snprintf(whybuf, sizeof(whybuf), "port %.*s: %s", len,
		    p, v == 0 ? "too small" : "too large");
		*why = whybuf;
		return HG_URL;
	}
	*port = (unsigned)v;
	return HG_OK;
}

/*
 * Parses the bracketed IPv6 literal in [H, END) (without the brackets),
 * with an optional zone written "%25zone" (RFC 6874) or "%zone".
 */
static enum fail
ipv6_parse(struct url *u, const char *h, const char *end, const char **why)
{
	char addr[64];
	struct in6_addr a6;
	const char *pct, *z, *p;
	int r;

	pct = memchr(h, '%', end - h);
	if (copy(addr, sizeof(addr), h, (pct ? pct : end) - h) == -1)
		goto bad;
	if (inet_pton(AF_INET6, addr, &a6) != 1)
		goto bad;
	u->u_ipv6 = 1;
	if (pct == NULL) {
		(void)strcpy(u->u_host, addr);
		return HG_OK;
	}
	z = pct + 1;
	if (end - z > 2 && z[0] == '2' && z[1] == '5')
		z += 2;
	if (z == end)
		goto bad;
	for (p = z; p < end; p++)	/* RFC 6874: unreserved bytes */
		if (!ishostch((unsigned char)*p) && *p != '~')
			goto bad;
	r = snprintf(u->u_host, sizeof(u->u_host), "%s%%%.*s", addr,
	    (int)(end - z), z);
	if (r < 0 || (size_t)r >= sizeof(u->u_host))
		goto bad;
	return HG_OK;
bad:
	*why = "bad IPv6 address";
	return HG_URL;
}

/*
 * Appends the N bytes at S to DST of size DSTSZ, *O of them used, with
 * spaces and non-ASCII bytes %-encoded as curl does.  Returns 0, or -1
 * when they don't fit.
 */
static int
encode(char *dst, size_t dstsz, size_t *o, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	unsigned char c;
	size_t i;

	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (c == ' ' || c >= 0x80) {
			if (dstsz - *o < 4)
				return -1;
			dst[(*o)++] = '%';
			dst[(*o)++] = hex[c >> 4];
			dst[(*o)++] = hex[c & 15];
		} else {
			if (dstsz - *o < 2)
				return -1;
			dst[(*o)++] = (char)c;
		}
	}
	dst[*o] = '\0';
	return 0;
}

/*
 * Removes the "." and ".." segments of the absolute path IN into OUT of
 * size N (RFC 3986 section 5.2.4).  Returns 0, or -1 when OUT is too small.
 */
static int
dotsegs(const char *in, char *out, size_t n)
{
	size_t o = 0, len;

	while (*in != '\0') {
		if (strncmp(in, "../", 3) == 0)
			in += 3;
		else if (strncmp(in, "./", 2) == 0 || strncmp(in, "/./", 3) == 0)
			in += 2;
		else if (strcmp(in, "/.") == 0)
			in = "/";
		else if (strncmp(in, "/../", 4) == 0 || strcmp(in, "/..") == 0) {
			in = in[3] == '\0' ? "/" : in + 3;
			while (o > 0 && out[o - 1] != '/')
				o--;
			if (o > 0)
				o--;
		} else if (strcmp(in, ".") == 0 || strcmp(in, "..") == 0)
			break;
		else {
			len = (*in == '/') + strcspn(in + (*in == '/'), "/");
			if (o + len >= n)
				return -1;
			memcpy(out + o, in, len);
			o += len;
			in += len;
		}
	}
	if (o == 0)
		out[o++] = '/';
	out[o] = '\0';
	return 0;
}

/*
 * Sets U's request target: the directory DIR (DIRLEN bytes, already
 * normalised, "" or ending in '/') and the path PATH (PLEN bytes) with
 * their dot segments removed, then '?' and the QLEN bytes of QUERY when
 * QUERY is not NULL.  PATH and QUERY are %-encoded on the way.
 */
static enum fail
target(struct url *u, const char *dir, size_t dirlen, const char *path,
    size_t plen, const char *query, size_t qlen, const char **why)
{
	size_t o;

	if (copy(scratch, sizeof(scratch), dir, dirlen) == -1)
		return toolong(why);
	o = dirlen;
	if (encode(scratch, sizeof(scratch), &o, path, plen) == -1)
		return toolong(why);
	if (dotsegs(o == 0 ? "/" : scratch, u->u_target,
	    sizeof(u->u_target)) == -1)
		return toolong(why);
	u->u_pathlen = strlen(u->u_target);
	u->u_hasquery = query != NULL;
	if (query == NULL)
		return HG_OK;
	o = u->u_pathlen;
	if (o + 2 > sizeof(u->u_target))
		return toolong(why);
	u->u_target[o++] = '?';
	if (encode(u->u_target, sizeof(u->u_target), &o, query, qlen) == -1)
		return toolong(why);
	return HG_OK;
}

/* Splits "path?query#frag" at S into U's request target. */
static enum fail
path_parse(struct url *u, const char *s, const char **why)
{
	size_t n;

	n = strcspn(s, "?#");
	if (s[n] != '?')
		return target(u, "", 0, s, n, NULL, 0, why);
	return target(u, "", 0, s, n, s + n + 1, strcspn(s + n + 1, "#"),
	    why);
}

/*
 * Parses what follows "http://" (or the whole of a bare URL when BARE):
 * [userinfo@]host[:port][/path][?query][#fragment].
 */
static enum fail
rest_parse(struct url *u, const char *s, int bare, const char **why)
{
	const char *p, *aend, *at, *h, *hend, *port;
	enum fail f;
	int n;

	u->u_host[0] = u->u_user[0] = '\0';
	u->u_ipv6 = u->u_portset = u->u_hasuser = 0;
	u->u_port = 80;
	aend = s + strcspn(s, "/?#");
	at = NULL;
	for (p = s; p < aend; p++)
		if (*p == '@')
			at = p;
	h = s;
	if (at != NULL) {
		if (copy(u->u_user, sizeof(u->u_user), s, at - s) == -1)
			return toolong(why);
		u->u_hasuser = 1;
		h = at + 1;
	}

	if (*h == '[') {
		hend = memchr(h, ']', aend - h);
		if (hend == NULL) {
			*why = "'[' without ']'";
			return HG_URL;
		}
		if ((f = ipv6_parse(u, h + 1, hend, why)) != HG_OK)
			return f;
		port = hend + 1;
		if (port < aend && *port != ':') {
			*why = "junk after the IPv6 address";
			return HG_URL;
		}
	} else {
		hend = memchr(h, ':', aend - h);
		if (hend == NULL)
			hend = aend;
		port = hend;
		n = hend - h > URL_HOSTMAX ? URL_HOSTMAX : (int)(hend - h);
		for (p = h; p < hend; p++)
			if ((unsigned char)*p >= 0x80) {
				(void)snprintf(whybuf, sizeof(whybuf),
				    "host name '%.*s' is not ASCII: no IDN "
				    "support in httpget (use its xn-- form)",
				    n, h);
				*why = whybuf;
				return HG_URL;
			}
		for (p = h; p < hend; p++)
			if (!ishostch((unsigned char)*p)) {
				*why = "bad character in the host name";
				return HG_URL;
			}
		if (h == hend && bare && port < aend && at == NULL)
			(void)strcpy(u->u_host, "localhost");	/* ":8080/x" */
		else if (h == hend) {
			*why = "no host name";
			return HG_URL;
		} else if (copy(u->u_host, sizeof(u->u_host), h,
		    hend - h) == -1) {
			*why = "host name too long";
			return HG_URL;
		}
	}
	if (port < aend) {
		u->u_portset = port + 1 < aend;
		if ((f = port_parse(port + 1, aend, &u->u_port, why)) != HG_OK)
			return f;
	}
	return path_parse(u, aend, why);
}

enum fail
url_parse(struct url *u, const char *s, const char **why)
{
	const char *p;
	size_t n;

	if (strlen(s) >= URL_MAX)
		return toolong(why);
	for (p = s; *p != '\0'; p++)
		if ((unsigned char)*p < ' ' || *p == 0x7f) {
			*why = "control character in the URL";
			return HG_URL;
		}

	n = schemelen(s);
	if (n == 0 || strncmp(s + n, "://", 3) != 0)
		return rest_parse(u, s, 1, why);
	if (n == 5 && strncasecmp(s, "https", 5) == 0) {
		*why = "https is not supported (no TLS in httpget)";
		return HG_PROTO;
	}
	if (n != 4 || strncasecmp(s, "http", 4) != 0) {
		(void)snprintf(whybuf, sizeof(whybuf),
		    "unsupported protocol '%.*s'", n > 16 ? 16 : (int)n, s);
		*why = whybuf;
		return HG_PROTO;
	}
	return rest_parse(u, s + n + 3, 0, why);
}

enum fail
url_resolve(struct url *u, const struct url *base, const char *ref,
    const char **why)
{
	const char *p, *q;
	size_t n, plen, qlen;

	for (p = ref; *p != '\0'; p++)
		if ((unsigned char)*p < ' ' || *p == 0x7f) {
			*why = "control character in the Location";
			return HG_URL;
		}
	if ((n = schemelen(ref)) > 0) {
		if (strncmp(ref + n, "://", 3) != 0) {
			*why = "bad Location";
			return HG_URL;
		}
		return url_parse(u, ref, why);
	}
	if (ref[0] == '/' && ref[1] == '/')	/* same scheme, new host */
		return rest_parse(u, ref + 2, 0, why);

	(void)strcpy(u->u_host, base->u_host);
	u->u_ipv6 = base->u_ipv6;
	u->u_port = base->u_port;
	u->u_portset = base->u_portset;
	(void)strcpy(u->u_user, base->u_user);
	u->u_hasuser = base->u_hasuser;
	plen = strcspn(ref, "?#");
	q = ref[plen] == '?' ? ref + plen + 1 : NULL;
	qlen = q != NULL ? strcspn(q, "#") : 0;
	if (plen == 0 && q == NULL) {	/* "" or "#frag": the same target */
		(void)strcpy(u->u_target, base->u_target);
		u->u_pathlen = base->u_pathlen;
		u->u_hasquery = base->u_hasquery;
		return HG_OK;
	}
	if (plen == 0)			/* "?query": the same path */
		return target(u, "", 0, base->u_target, base->u_pathlen, q,
		    qlen, why);
	if (ref[0] == '/')
		return target(u, "", 0, ref, plen, q, qlen, why);
	/* Merged with the base's directory (section 5.2.3), which ends in
	 * the '/' its path starts with at least. */
	for (n = base->u_pathlen; n > 1 && base->u_target[n - 1] != '/'; n--)
		;
	return target(u, base->u_target, n, ref, plen, q, qlen, why);
}

int
url_sameorigin(const struct url *a, const struct url *b)
{
	/* Both are http://: httpget follows no other scheme. */
	return a->u_ipv6 == b->u_ipv6 && a->u_port == b->u_port &&
	    strcasecmp(a->u_host, b->u_host) == 0;
}

int
url_authority(const struct url *u, int zone, char *buf, size_t n)
{
	int len, hlen;
	const char *pct;

	hlen = (int)strlen(u->u_host);
	if (u->u_ipv6 && !zone && (pct = strchr(u->u_host, '%')) != NULL)
		hlen = (int)(pct - u->u_host);
	if (u->u_port != 80)
		len = snprintf(buf, n, "%s%.*s%s:%u", u->u_ipv6 ? "[" : "",
		    hlen, u->u_host, u->u_ipv6 ? "]" : "", u->u_port);
	else
		len = snprintf(buf, n, "%s%.*s%s", u->u_ipv6 ? "[" : "",
		    hlen, u->u_host, u->u_ipv6 ? "]" : "");
	return len < 0 || (size_t)len >= n ? -1 : len;
}
