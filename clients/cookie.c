/*
 * cookie.c: httpget's cookie jar (RFC 6265): Set-Cookie parsed as section
 * 5.2 says, its dates as section 5.1.1 says, cookies kept as section 5.3
 * says (at most JAR_MAX) and sent as section 5.4 says.  The Netscape
 * file, curl's, is cookiefile.c's.
 */
#include <sys/types.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cookieint.h"

#define ISDIGIT(c)	((c) >= '0' && (c) <= '9')
#define ISWSP(c)	((c) == ' ' || (c) == '\t')
#define LOWER(c)	((c) >= 'A' && (c) <= 'Z' ? (c) - 'A' + 'a' : (c))

struct jar *
jar_new(void)
{
	struct jar *j;

	if ((j = calloc(1, sizeof(*j))) == NULL)
		return NULL;
	j->j_minexp = LLONG_MAX;
	return j;
}

void
jar_free(struct jar *j)
{
	size_t i;

	if (j == NULL)
		return;
	for (i = 0; i < j->j_n; i++)
		free(j->j_c[i]);
	free(j);
}

int
cookie_expired(const struct cookie *c, time_t now)
{
	return c->c_expires != 0 && c->c_expires < (long long)now;
}

/* FNV-1a over S of LEN and a NUL, from H. */
static unsigned
fnv(unsigned h, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h * 16777619u;
}

static unsigned
hashkey(const char *name, size_t nlen, const char *dom, const char *path,
    size_t plen)
{
	return fnv(fnv(fnv(2166136261u, name, nlen), dom, strlen(dom)), path,
	    plen);
}

static void
attach(struct jar *j, struct cookie *c, time_t now)
{
	struct cookie **head = &j->j_hash[c->c_hash % JAR_HASH];

	c->c_next = *head;
	*head = c;
	c->c_idx = j->j_n;
	j->j_c[j->j_n++] = c;
	if (c->c_expires != 0 && c->c_expires < j->j_minexp)
		j->j_minexp = c->c_expires;
	if (j->j_n == 1 || now < j->j_minaccess)
		j->j_minaccess = now;
}

/* Takes C out and frees it; the last of j_c fills its place. */
static void
drop(struct jar *j, struct cookie *c)
{
	struct cookie **pp;

	for (pp = &j->j_hash[c->c_hash % JAR_HASH]; *pp != c;
	    pp = &(*pp)->c_next)
		;
	*pp = c->c_next;
	j->j_c[c->c_idx] = j->j_c[--j->j_n];
	j->j_c[c->c_idx]->c_idx = c->c_idx;
	free(c);
}

/* Drops the cookies expired at NOW, unless none can be. */
static void
sweep(struct jar *j, time_t now)
{
	struct cookie *c;
	size_t i;

	if (j->j_minexp >= (long long)now)
		return;
	j->j_minexp = LLONG_MAX;
	/* From the end: what drop() moves down was seen already. */
	for (i = j->j_n; i > 0; i--) {
		c = j->j_c[i - 1];
		if (cookie_expired(c, now))
			drop(j, c);
		else if (c->c_expires != 0 && c->c_expires < j->j_minexp)
			j->j_minexp = c->c_expires;
	}
}

/*
 * RFC 6265 section 5.3: past the limit, after C came in, the expired
 * cookies go first, then those used least recently, the oldest of them
 * first.
 */
static void
evict(struct jar *j, struct cookie *c, time_t now)
{
	struct cookie *o, *x;
	size_t i;

	sweep(j, now);
	/*
	 * A file's cookie is older than every other; when none was used
	 * before NOW it is the one to go (a long file's lines, quickly).
	 */
	if (j->j_n > JAR_MAX && c->c_seq == j->j_fseq &&
	    j->j_minaccess >= now) {
		drop(j, c);
		return;
	}
	while (j->j_n > JAR_MAX) {
		o = j->j_c[0];
		for (i = 1; i < j->j_n; i++) {
			x = j->j_c[i];
			if (x->c_access < o->c_access ||
			    (x->c_access == o->c_access && x->c_seq < o->c_seq))
				o = x;
		}
		j->j_minaccess = o->c_access;
		drop(j, o);
	}
}

void
cookie_put(struct jar *j, const struct cparts *p, int fromfile, time_t now)
{
	char dom[URL_HOSTMAX];
	struct cookie *c, *old;
	size_t i, plen = p->p_plen, sz;
	unsigned h;
	int slash = 0;
	char *s;

	if (p->p_nlen == 0 || p->p_nlen + p->p_vlen > COOKIE_MAX ||
	    p->p_dlen == 0 || p->p_dlen >= sizeof(dom) || !cookie_fileable(p) ||
	    plen == 0 || p->p_path[0] != '/')
		return;
	for (i = 0; i < p->p_dlen; i++)
		dom[i] = (char)LOWER(p->p_domain[i]);
	dom[i] = '\0';
	/*
	 * curl writes the default path with its trailing '/' ("/a/" for a
	 * response to "/a/b") and means it without: so does httpget, both
	 * in the file and in Path attributes.
	 */
	if (plen > 1 && p->p_path[plen - 1] == '/') {
		plen--;
		slash = 1;
	}
	h = hashkey(p->p_name, p->p_nlen, dom, p->p_path, plen);
	for (old = j->j_hash[h % JAR_HASH]; old != NULL; old = old->c_next)
		if (old->c_hash == h && old->c_nlen == p->p_nlen &&
		    old->c_plen == plen &&
		    memcmp(old->c_name, p->p_name, p->p_nlen) == 0 &&
		    memcmp(old->c_path, p->p_path, plen) == 0 &&
		    strcmp(old->c_domain, dom) == 0)
			break;
	if (p->p_expired) {
		if (old != NULL)
			drop(j, old);
		return;
	}
	sz = sizeof(*c) + p->p_nlen + p->p_vlen + p->p_dlen + plen + 4;
	if ((c = malloc(sz)) == NULL)
		return;		/* as curl: a cookie less, not a failure */
	s = (char *)(c + 1);
	c->c_name = s;
	memcpy(s, p->p_name, p->p_nlen);
	s[p->p_nlen] = '\0';
	c->c_value = s += p->p_nlen + 1;
	memcpy(s, p->p_value, p->p_vlen);
	s[p->p_vlen] = '\0';
	c->c_domain = s += p->p_vlen + 1;
	memcpy(s, dom, p->p_dlen + 1);
	c->c_path = s += p->p_dlen + 1;
	memcpy(s, p->p_path, plen);
	s[plen] = '\0';
	c->c_nlen = p->p_nlen;
	c->c_vlen = p->p_vlen;
	c->c_plen = plen;
	c->c_expires = p->p_expires;
	c->c_access = now;
	c->c_hostonly = p->p_hostonly;
	c->c_secure = p->p_secure;
	c->c_httponly = p->p_httponly;
	c->c_slash = slash;
	c->c_hash = h;
	if (old != NULL) {
		c->c_seq = old->c_seq;
		drop(j, old);
		attach(j, c, now);
		return;
	}
	c->c_seq = fromfile ? --j->j_fseq : ++j->j_seq;
	attach(j, c, now);
	if (j->j_n > JAR_MAX)
		evict(j, c, now);
}

/* Strips the spaces and tabs around [*S, *S + *LEN). */
static void
trim(const char **s, size_t *len)
{
	while (*len > 0 && ISWSP(**s)) {
		(*s)++;
		(*len)--;
	}
	while (*len > 0 && ISWSP((*s)[*len - 1]))
		(*len)--;
}

static int
isattr(const char *name, size_t len, const char *attr)
{
	return strlen(attr) == len && strncasecmp(name, attr, len) == 0;
}

/*
 * RFC 6265 section 5.2.2: Max-Age is an optional '-' and digits, else
 * ignored.  Returns 1 with the expiry in *EXP (0 when <= 0: expired).
 */
static int
maxage(const char *s, size_t len, time_t now, long long *exp)
{
	long long delta = 0;
	size_t i = 0;
	int neg = 0;

	if (len > 0 && s[0] == '-') {
		neg = 1;
		i++;
	}
	if (i == len)
		return 0;
	for (; i < len; i++) {
		if (!ISDIGIT(s[i]))
			return 0;
		if (delta <= (LLONG_MAX - 9) / 10)
			delta = delta * 10 + (s[i] - '0');
		else
			delta = LLONG_MAX;	/* "the last representable" */
	}
	if (neg || delta == 0)
		*exp = 0;
	else if (delta > LLONG_MAX - (long long)now)
		*exp = LLONG_MAX;
	else
		*exp = (long long)now + delta;
	return 1;
}

static int
isipv4(const char *s)
{
	struct in_addr a;

	return inet_pton(AF_INET, s, &a) == 1;
}

/* A file's Set-Cookie domain: labels of letters, digits, '-', '_'. */
static int
hostlike(const char *d, size_t len)
{
	size_t i, dots = 0;
	int c;

	if (len == 0 || d[0] == '.' || d[len - 1] == '.')
		return 0;
	for (i = 0; i < len; i++) {
		c = LOWER(d[i]);
		if (c == '.') {
			if (d[i - 1] == '.')
				return 0;
			dots++;
		} else if (!ISDIGIT(c) && (c < 'a' || c > 'z') && c != '-' &&
		    c != '_')
			return 0;
	}
	return dots > 0;
}

/*
 * RFC 6265 section 5.1.3: HOST domain-matches DOMAIN when it is DOMAIN
 * or a host name ending in "." DOMAIN; a bare label (a top-level domain,
 * "com") is never a parent.
 */
static int
dmatch(const char *host, int ip, const char *domain)
{
	size_t hl, dl;

	if (strcmp(host, domain) == 0)
		return 1;
	if (ip || strchr(domain, '.') == NULL)
		return 0;
	hl = strlen(host);
	dl = strlen(domain);
	return hl > dl && host[hl - dl - 1] == '.' &&
	    strcmp(host + hl - dl, domain) == 0;
}

void
cookie_parse(struct jar *j, const char *host, int ip, const char *rpath,
    size_t rlen, const char *v, size_t len, time_t now, int fromfile)
{
	char dom[URL_HOSTMAX];
	struct cparts p;
	const char *end = v + len, *s, *semi, *eq, *an, *av, *path = NULL;
	const char *dattr = NULL;
	size_t anl, avl, plen = 0, dlen = 0, i;
	long long exp = 0, mexp = 0, t;
	int hasexp = 0, hasmax = 0;

	if (len > COOKIE_LINEMAX)
		return;
	/* Control bytes (but tabs) refuse it whole, as RFC 6265bis says. */
	for (i = 0; i < len; i++)
		if (((unsigned char)v[i] < 0x20 && v[i] != '\t') ||
		    v[i] == 0x7f)
			return;
	memset(&p, 0, sizeof(p));
	semi = memchr(v, ';', len);
	if (semi == NULL)
		semi = end;
	if ((eq = memchr(v, '=', semi - v)) == NULL)
		return;
	p.p_name = v;
	p.p_nlen = eq - v;
	trim(&p.p_name, &p.p_nlen);
	p.p_value = eq + 1;
	p.p_vlen = semi - eq - 1;
	trim(&p.p_value, &p.p_vlen);
	if (p.p_nlen == 0 || memchr(p.p_name, '\t', p.p_nlen) != NULL ||
	    memchr(p.p_value, '\t', p.p_vlen) != NULL)
		return;		/* a tab would split the file's line */

	for (s = semi; s < end; s = semi) {
		s++;
		if ((semi = memchr(s, ';', end - s)) == NULL)
			semi = end;
		eq = memchr(s, '=', semi - s);
		an = s;
		anl = (eq != NULL ? eq : semi) - s;
		trim(&an, &anl);
		av = eq != NULL ? eq + 1 : semi;
		avl = semi - av;
		trim(&av, &avl);
		/* The last of each attribute counts (section 5.3). */
		if (isattr(an, anl, "expires")) {
			if (cookie_date(av, avl, &t) == 0) {
				exp = t;
				hasexp = 1;
			}
		} else if (isattr(an, anl, "max-age")) {
			if (maxage(av, avl, now, &t)) {
				mexp = t;
				hasmax = 1;
			}
		} else if (isattr(an, anl, "domain") && avl > 0) {
			dattr = av;
			dlen = avl;
			if (av[0] == '.') {
				dattr++;
				dlen--;
			}
		} else if (isattr(an, anl, "path")) {
			path = avl > 0 && av[0] == '/' ? av : NULL;
			plen = avl;
		} else if (isattr(an, anl, "secure"))
			p.p_secure = 1;
		else if (isattr(an, anl, "httponly"))
			p.p_httponly = 1;
	}

	/* Max-Age wins over Expires (section 5.3 step 3). */
	if (hasmax) {
		p.p_expires = mexp;
		p.p_expired = mexp == 0;
	} else if (hasexp) {
		p.p_expires = exp < 1 ? 1 : exp;
		p.p_expired = exp < (long long)now;
	}

	if (dattr != NULL && dlen > 0) {
		if (dlen >= sizeof(dom) || memchr(dattr, '\t', dlen) != NULL)
			return;
		for (i = 0; i < dlen; i++)
			dom[i] = (char)LOWER(dattr[i]);
		dom[dlen] = '\0';
		if (host == NULL) {
			if (!hostlike(dom, dlen))
				return;
			p.p_hostonly = isipv4(dom);
		} else if (ip || strchr(dom, '.') == NULL) {
			/*
			 * An address has no parent; a bare label is a public
			 * suffix, only good for the host of that name (steps
			 * 5 and 6).
			 */
			if (strcmp(dom, host) != 0)
				return;
			p.p_hostonly = 1;
		} else if (!dmatch(host, 0, dom))
			return;
		p.p_domain = dom;
		p.p_dlen = dlen;
	} else {
		if (host == NULL)
			return;
		p.p_hostonly = 1;
		p.p_domain = host;
		p.p_dlen = strlen(host);
	}

	if (path != NULL) {
		if (memchr(path, '\t', plen) != NULL)
			return;
		p.p_path = path;
		p.p_plen = plen;
	} else {
		/*
		 * The default path (section 5.1.4) is the request's up to
		 * its last '/' (without it; cookie_put drops it).
		 */
		p.p_path = "/";
		p.p_plen = 1;
		if (rlen > 0 && rpath[0] == '/') {
			for (i = rlen; rpath[i - 1] != '/'; i--)
				;
			p.p_path = rpath;
			p.p_plen = i;
		}
	}
	cookie_put(j, &p, fromfile, now);
}

/* The canonical host of U into HOST (lower case); returns 1 for an IP. */
static int
canonhost(const struct url *u, char host[URL_HOSTMAX])
{
	size_t i;

	for (i = 0; u->u_host[i] != '\0' && i < URL_HOSTMAX - 1; i++)
		host[i] = (char)LOWER(u->u_host[i]);
	host[i] = '\0';
	return u->u_ipv6 || isipv4(host);
}

/* U's path, or "/" when it has none. */
static void
reqpath(const struct url *u, const char **p, size_t *len)
{
	*p = u->u_target;
	*len = u->u_pathlen;
	if (*len == 0 || u->u_target[0] != '/') {
		*p = "/";
		*len = 1;
	}
}

void
jar_set(struct jar *j, const struct url *u, const char *v, size_t len,
    time_t now)
{
	char host[URL_HOSTMAX];
	const char *rp;
	size_t rl;
	int ip;

	ip = canonhost(u, host);
	reqpath(u, &rp, &rl);
	cookie_parse(j, host, ip, rp, rl, v, len, now, 0);
}

/* RFC 6265 section 5.1.4: cookie path C path-matches request path R. */
static int
pmatch(const struct cookie *c, const char *r, size_t rlen)
{
	if (c->c_plen > rlen || memcmp(c->c_path, r, c->c_plen) != 0)
		return 0;
	return c->c_plen == rlen || c->c_path[c->c_plen - 1] == '/' ||
	    r[c->c_plen] == '/';
}

/* Section 5.4: longer paths first, then the older. */
static int
sendorder(const void *a, const void *b)
{
	const struct cookie *x = *(struct cookie *const *)a;
	const struct cookie *y = *(struct cookie *const *)b;

	if (x->c_plen != y->c_plen)
		return x->c_plen > y->c_plen ? -1 : 1;
	return x->c_seq < y->c_seq ? -1 : x->c_seq > y->c_seq;
}

/* Appends "; " (unless first) and S of LEN to BUF, when it fits. */
static void
add(char *buf, size_t n, size_t *off, const char *s, size_t len)
{
	size_t sep = *off > 0 ? 2 : 0;

	if (*off + sep + len >= n)
		return;
	memcpy(buf + *off, "; ", sep);
	memcpy(buf + *off + sep, s, len);
	*off += sep + len;
	buf[*off] = '\0';
}

size_t
jar_header(struct jar *j, const struct url *u, time_t now, char *buf,
    size_t n)
{
	char host[URL_HOSTMAX];
	struct cookie *c;
	const char *rp;
	size_t i, m = 0, off = 0, rl;
	int ip;

	if (n == 0)
		return 0;
	buf[0] = '\0';
	ip = canonhost(u, host);
	reqpath(u, &rp, &rl);
	sweep(j, now);
	for (i = 0; i < j->j_n; i++) {
		c = j->j_c[i];
		/* No TLS in httpget: never a secure channel. */
		if (c->c_secure)
			continue;
		if (c->c_hostonly ? strcmp(host, c->c_domain) != 0 :
		    !dmatch(host, ip, c->c_domain))
			continue;
		if (pmatch(c, rp, rl))
			j->j_sort[m++] = c;
	}
	qsort(j->j_sort, m, sizeof(j->j_sort[0]), sendorder);
	for (i = 0; i < m; i++) {
		c = j->j_sort[i];
		if (off + (off > 0 ? 2 : 0) + c->c_nlen + 1 + c->c_vlen >= n)
			return off;	/* curl stops there, -b strings too */
		if (off > 0) {
			memcpy(buf + off, "; ", 2);
			off += 2;
		}
		memcpy(buf + off, c->c_name, c->c_nlen);
		off += c->c_nlen;
		buf[off++] = '=';
		memcpy(buf + off, c->c_value, c->c_vlen + 1);
		off += c->c_vlen;
		c->c_access = now;
		if (now < j->j_minaccess)
			j->j_minaccess = now;
	}
	if (j->j_extralen > 0)
		add(buf, n, &off, j->j_extra, j->j_extralen);
	return off;
}
