/*
 * url.c: parses httpget's URL into a struct url of fixed buffers, and
 * resolves a redirect's Location against it.  Junk is rejected before
 * anything is looked up: control bytes and spaces first, then the scheme,
 * the host (a name, an IPv4 literal or a bracketed IPv6 one), the port.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "url.h"

static char whybuf[80];

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
	const char *pct, *z;

	pct = memchr(h, '%', end - h);
	if (copy(addr, sizeof(addr), h, (pct ? pct : end) - h) == -1)
		goto bad;
	if (inet_pton(AF_INET6, addr, &a6) != 1)
		goto bad;
	if (pct != NULL) {
		z = pct + 1;
		if (end - z > 2 && z[0] == '2' && z[1] == '5')
			z += 2;
		if (z == end)
			goto bad;
		for (; z < end; z++)
			if (!ishostch((unsigned char)*z))
				goto bad;
		z = pct + 1;
		if (end - z > 2 && z[0] == '2' && z[1] == '5')
			z += 2;
		(void)snprintf(u->u_host, sizeof(u->u_host), "%s%%%.*s", addr,
		    (int)(end - z), z);
	} else
		(void)snprintf(u->u_host, sizeof(u->u_host), "%s", addr);
	u->u_ipv6 = 1;
	return HG_OK;
bad:
	*why = "bad IPv6 address";
	return HG_URL;
}

/* Splits "path?query#frag" at S into U's path and query. */
static enum fail
path_parse(struct url *u, const char *s, const char **why)
{
	size_t n;

	n = strcspn(s, "?#");
	if (n == 0)
		(void)strcpy(u->u_path, "/");
	else if (copy(u->u_path, sizeof(u->u_path), s, n) == -1)
		goto toolong;
	s += n;
	if (*s == '?') {
		s++;
		n = strcspn(s, "#");
		if (copy(u->u_query, sizeof(u->u_query), s, n) == -1)
			goto toolong;
		u->u_hasquery = 1;
	}
	return HG_OK;
toolong:
	*why = "URL too long";
	return HG_URL;
}

enum fail
url_parse(struct url *u, const char *s, const char **why)
{
	const char *p, *auth, *aend, *at, *h, *hend, *port;
	size_t n;
	int bare;
	enum fail f;

	memset(u, 0, sizeof(*u));
	u->u_port = 80;
	if (strlen(s) >= URL_MAX) {
		*why = "URL too long";
		return HG_URL;
	}
	for (p = s; *p != '\0'; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f) {
			*why = "space or control character in the URL";
			return HG_URL;
		}

	n = schemelen(s);
	bare = !(n > 0 && strncmp(s + n, "://", 3) == 0);
	if (!bare) {
		if (n == 5 && strncasecmp(s, "https", 5) == 0) {
			*why = "https is not supported (no TLS in httpget)";
			return HG_PROTO;
		}
		if (n != 4 || strncasecmp(s, "http", 4) != 0) {
			(void)snprintf(whybuf, sizeof(whybuf),
			    "unsupported protocol '%.*s'", n > 16 ? 16 : (int)n,
			    s);
			*why = whybuf;
			return HG_PROTO;
		}
		s += n + 3;
	}

	auth = s;
	aend = auth + strcspn(auth, "/?#");
	at = NULL;
	for (p = auth; p < aend; p++)
		if (*p == '@')
			at = p;
	h = auth;
	if (at != NULL) {
		if (copy(u->u_user, sizeof(u->u_user), auth, at - auth) == -1) {
			*why = "user name too long";
			return HG_URL;
		}
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
 * Copies REF into DST of size N with spaces and non-ASCII bytes
 * %-encoded, as browsers and curl do with a sloppy Location.  Returns 0,
 * or -1 on a control byte or when DST is too small.
 */
static int
encode(char *dst, size_t n, const char *ref)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p;
	size_t o = 0;

	for (p = (const unsigned char *)ref; *p != '\0'; p++) {
		if (*p < ' ' || *p == 0x7f)
			return -1;
		if (o + 4 > n)
			return -1;
		if (*p == ' ' || *p >= 0x80) {
			dst[o++] = '%';
			dst[o++] = hex[*p >> 4];
			dst[o++] = hex[*p & 15];
		} else
			dst[o++] = (char)*p;
	}
	dst[o] = '\0';
	return 0;
}

enum fail
url_resolve(struct url *u, const struct url *base, const char *ref,
    const char **why)
{
	static char enc[URL_MAX], tmp[URL_MAX + 8], path[URL_MAX];
	const char *slash;
	size_t n, plen;
	enum fail f;

	if (encode(enc, sizeof(enc), ref) == -1) {
		*why = "bad or too long Location";
		return HG_URL;
	}
	if ((n = schemelen(enc)) > 0) {
		if (strncmp(enc + n, "://", 3) != 0) {
			*why = "bad Location";
			return HG_URL;
		}
		return url_parse(u, enc, why);
	}
	if (enc[0] == '/' && enc[1] == '/') {
		(void)snprintf(tmp, sizeof(tmp), "http:%s", enc);
		return url_parse(u, tmp, why);
	}

	*u = *base;
	plen = strcspn(enc, "?#");
	if (plen == 0) {
		if (enc[0] == '?') {
			n = strcspn(enc + 1, "#");
			memcpy(u->u_query, enc + 1, n);
			u->u_query[n] = '\0';
			u->u_hasquery = 1;
		}
		return HG_OK;
	}
	if (enc[0] == '/')
		(void)snprintf(tmp, sizeof(tmp), "%.*s", (int)plen, enc);
	else {
		slash = strrchr(base->u_path, '/');
		n = slash != NULL ? (size_t)(slash - base->u_path) + 1 : 0;
		if (n == 0)
			(void)strcpy(tmp, "/");
		else if (n + plen >= sizeof(tmp))
			goto toolong;
		else
			memcpy(tmp, base->u_path, n);
		(void)snprintf(tmp + (n ? n : 1), sizeof(tmp) - (n ? n : 1),
		    "%.*s", (int)plen, enc);
	}
	if (dotsegs(tmp, path, sizeof(path)) == -1)
		goto toolong;
	(void)strcpy(u->u_path, path);
	u->u_query[0] = '\0';
	u->u_hasquery = 0;
	if ((f = path_parse(u, enc + plen, why)) != HG_OK)
		return f;
	(void)strcpy(u->u_path, path);
	return HG_OK;
toolong:
	*why = "Location too long";
	return HG_URL;
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
