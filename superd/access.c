/*
 * Access control: hosts.allow and hosts.deny in tcpd's hosts_access(5)
 * syntax.  A file is parsed once into binary patterns, so that the check
 * made for each connection allocates nothing and asks no resolver.
 *
 * An entry is "daemon_list : client_list [: allow | : deny]".  Lists are
 * separated by blanks and/or commas; "A EXCEPT B EXCEPT C" nests right to
 * left, A and not (B and not C), in either list.  Keywords are matched
 * without regard to case, as in tcpd.  A line ending in a backslash goes on
 * on the next one (joined with a blank, where tcpd joins without one); '#'
 * starts a comment to the end of the line (tcpd knew whole-line comments
 * only).  An error names the file and the entry's first line.
 *
 * Daemon patterns: ALL, or a name compared with ARGV0 (its last path
 * component, as tcpd takes argv[0]) and with SERVICE; "name." matches a
 * prefix and ".name" a suffix, as in tcpd.  "name@host" (a local address)
 * is an error.
 *
 * Client patterns: ALL, n.n.n.n, a prefix n. n.n. n.n.n., n.n.n.n/m.m.m.m,
 * n.n.n.n/len, [v6], [v6]/len.  Host bits set outside the mask are an
 * error (tcpd warns and then never matches).  An IPv4 peer, v4-mapped or
 * not, is compared as ::ffff:a.b.c.d, so IPv4 patterns match both forms.
 * LOCAL matches the loopback addresses 127.0.0.0/8 and ::1: tcpd matches a
 * host name without a dot, and in practice that is "localhost".  What would
 * need a resolver or another lookup is an error, never a silent non-match:
 * host names and .domain suffixes, KNOWN, UNKNOWN, PARANOID, user@host,
 * @netgroup, /file patterns, wildcards.
 *
 * Options: one "allow" or "deny" after a second ':' sets the verdict of a
 * match, so that one file can hold both (hosts_options(5)); any other
 * option (spawn, twist, ...) is an error.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "access.h"
#include "log.h"
#include "util.h"

#define SEPS		", \t\r\n\f\v"
#define MAXFIELDS	8	/* daemons, clients and options */

enum { P_EXCEPT, P_ALL, P_LOCAL, P_NAME, P_PREFIX, P_SUFFIX, P_ADDR };

struct pat {
	int		 p_kind;
	unsigned char	 p_net[16];	/* P_ADDR; IPv4 as ::ffff:a.b.c.d */
	unsigned char	 p_mask[16];
	char		 p_name[ACL_NAMEMAX];	/* P_NAME, P_PREFIX, P_SUFFIX */
};

struct entry {
	int	e_line;
	int	e_verdict;	/* 1 allow, 0 deny, -1 as the file says */
	int	e_daemon;	/* first daemon pattern in a_pat */
	int	e_ndaemon;
	int	e_client;	/* first client pattern in a_pat */
	int	e_nclient;
};

struct acl {
	struct entry	*a_ent;
	int		 a_nent;
	int		 a_entcap;
	struct pat	*a_pat;
	int		 a_npat;
	int		 a_patcap;
};

struct ctx {
	const char	*c_file;
	int		 c_line;
	struct acl	*c_acl;
};

/* One connection, as the patterns see it. */
struct query {
	const char	*q_argv0;
	const char	*q_service;
	int		 q_haveaddr;
	unsigned char	 q_addr[16];	/* IPv4 as ::ffff:a.b.c.d */
};

static const unsigned char v4mapped[12] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
};

static int bad(const struct ctx *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

/* Logs "FILE:LINE: message" and returns -1. */
static int
bad(const struct ctx *c, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	logmsg(LOG_ERR, "%s:%d: %s", c->c_file, c->c_line, msg);
	return -1;
}

/* Appends a zeroed pattern to the file's table; NULL (logged) when full. */
static struct pat *
newpat(const struct ctx *c)
{
	struct acl *a = c->c_acl;
	struct pat *p;
	int cap;

	if (a->a_npat == ACL_MAXPAT) {
		bad(c, "too many patterns (limit %d)", ACL_MAXPAT);
		return NULL;
	}
	if (a->a_npat == a->a_patcap) {
		cap = a->a_patcap ? a->a_patcap * 2 : 64;
		if (cap > ACL_MAXPAT)
			cap = ACL_MAXPAT;
		if ((p = realloc(a->a_pat, (size_t)cap * sizeof(*p))) == NULL) {
			bad(c, "%s", strerror(errno));
			return NULL;
		}
		a->a_pat = p;
		a->a_patcap = cap;
	}
	p = &a->a_pat[a->a_npat++];
	memset(p, 0, sizeof(*p));
	return p;
}

/* Sets the first len bits of p's mask. */
static void
setmask(struct pat *p, int len)
{
	int i;

	memset(p->p_mask, 0, sizeof(p->p_mask));
	for (i = 0; i < 16 && len >= 8; i++, len -= 8)
		p->p_mask[i] = 0xff;
	if (i < 16 && len > 0)
		p->p_mask[i] = (unsigned char)(0xff << (8 - len));
}

/* Stores an IPv4 address as ::ffff:a.b.c.d with a 96-bit mask so far. */
static void
setv4(struct pat *p, const struct in_addr *in)
{
	memcpy(p->p_net, v4mapped, sizeof(v4mapped));
	memcpy(p->p_net + 12, &in->s_addr, 4);
	setmask(p, 96);
}

/* The address has been written with a mask: no host bits may be set. */
static int
hostbits(const struct ctx *c, const struct pat *p, const char *tok)
{
	int i;

	for (i = 0; i < 16; i++)
		if (p->p_net[i] & ~p->p_mask[i])
			return bad(c, "host bits not all zero in '%.80s'", tok);
	return 0;
}

/* [v6] or [v6]/len. */
static int
parse6(const struct ctx *c, struct pat *p, const char *tok)
{
	char buf[INET6_ADDRSTRLEN];
	const char *end, *errstr;
	struct in6_addr in6;
	size_t n;
	int len = 128;

	if ((end = strchr(tok, ']')) == NULL)
		return bad(c, "missing ']' in '%.80s'", tok);
	n = (size_t)(end - tok - 1);
	if (n == 0 || n >= sizeof(buf))
		return bad(c, "bad IPv6 address '%.80s'", tok);
	memcpy(buf, tok + 1, n);
	buf[n] = '\0';
	if (inet_pton(AF_INET6, buf, &in6) != 1)
		return bad(c, "bad IPv6 address '%.80s'", tok);
	if (end[1] == '/') {
		len = (int)parsenum(end + 2, 0, 128, &errstr);
		if (errstr != NULL)
			return bad(c, "bad prefix length in '%.80s'", tok);
	} else if (end[1] != '\0')
		return bad(c, "bad IPv6 address '%.80s'", tok);
	p->p_kind = P_ADDR;
	memcpy(p->p_net, &in6, 16);
	setmask(p, len);
	return hostbits(c, p, tok);
}

/* n.n.n.n/m.m.m.m or n.n.n.n/len. */
static int
parsemask(const struct ctx *c, struct pat *p, const char *tok)
{
	char buf[INET_ADDRSTRLEN];
	const char *slash, *m, *errstr;
	struct in_addr in, mask;
	size_t n;
	int len;

	slash = strchr(tok, '/');
	n = (size_t)(slash - tok);
	if (n >= sizeof(buf))
		return bad(c, "bad address '%.80s'", tok);
	memcpy(buf, tok, n);
	buf[n] = '\0';
	if (inet_pton(AF_INET, buf, &in) != 1)
		return bad(c, "bad address '%.80s'", tok);
	p->p_kind = P_ADDR;
	setv4(p, &in);
	m = slash + 1;
	if (strchr(m, '.') != NULL) {
		/* tcpd takes any mask, contiguous or not; so do we. */
		if (inet_pton(AF_INET, m, &mask) != 1)
			return bad(c, "bad mask in '%.80s'", tok);
		memcpy(p->p_mask + 12, &mask.s_addr, 4);
	} else {
		len = (int)parsenum(m, 0, 32, &errstr);
		if (errstr != NULL)
			return bad(c, "bad prefix length in '%.80s'", tok);
		setmask(p, 96 + len);
	}
	return hostbits(c, p, tok);
}

/* n. n.n. n.n.n.: tcpd's string prefix, here one, two or three bytes. */
static int
parseprefix(const struct ctx *c, struct pat *p, const char *tok)
{
	const char *s = tok;
	int n = 0, v, digits;

	memcpy(p->p_net, v4mapped, sizeof(v4mapped));
	while (*s != '\0') {
		if (n == 3)
			return bad(c, "bad address '%.80s'", tok);
		for (v = 0, digits = 0; *s >= '0' && *s <= '9'; s++, digits++)
			if ((v = v * 10 + (*s - '0')) > 255 || digits == 3)
				return bad(c, "bad address '%.80s'", tok);
		/* No leading zeros: inet_pton(3) refuses them too. */
		if (digits == 0 || *s != '.' ||
		    (digits > 1 && s[-digits] == '0'))
			return bad(c, "bad address '%.80s'", tok);
		s++;
		p->p_net[12 + n++] = (unsigned char)v;
	}
	p->p_kind = P_ADDR;
	setmask(p, 96 + 8 * n);
	return 0;
}

/* Is tok one of tcpd's keywords that need host names? */
static int
namekeyword(const char *tok)
{
	return strcasecmp(tok, "KNOWN") == 0 ||
	    strcasecmp(tok, "UNKNOWN") == 0 ||
	    strcasecmp(tok, "PARANOID") == 0;
}

/* One client pattern into p. */
static int
parseclient(const struct ctx *c, struct pat *p, const char *tok)
{
	struct in_addr in;

	if (strcasecmp(tok, "ALL") == 0)
		p->p_kind = P_ALL;
	else if (strcasecmp(tok, "LOCAL") == 0)
		p->p_kind = P_LOCAL;
	else if (namekeyword(tok))
		return bad(c, "'%s' needs host name lookups, which superd "
		    "does not do", tok);
	else if (tok[0] == '@')
		return bad(c, "netgroup '%.80s' is not supported", tok);
	else if (tok[0] == '/')
		return bad(c, "pattern file '%.80s' is not supported", tok);
	else if (strchr(tok, '@') != NULL)
		return bad(c, "user@host pattern '%.80s' is not supported",
		    tok);
	else if (tok[0] == '[')
		return parse6(c, p, tok);
	else if (strpbrk(tok, "*?") != NULL)
		return bad(c, "wildcard pattern '%.80s' is not supported", tok);
	else if (strchr(tok, '/') != NULL)
		return parsemask(c, p, tok);
	else if (strspn(tok, "0123456789.") != strlen(tok))
		return bad(c, "host name '%.80s': host names are not "
		    "supported, numeric addresses only", tok);
	else if (tok[strlen(tok) - 1] == '.')
		return parseprefix(c, p, tok);
	else if (inet_pton(AF_INET, tok, &in) != 1)
		return bad(c, "bad address '%.80s'", tok);
	else {
		p->p_kind = P_ADDR;
		setv4(p, &in);
		setmask(p, 128);
	}
	return 0;
}

/* One daemon pattern into p. */
static int
parsedaemon(const struct ctx *c, struct pat *p, const char *tok)
{
	size_t n = strlen(tok);

	if (strcasecmp(tok, "ALL") == 0) {
		p->p_kind = P_ALL;
		return 0;
	}
	if (strchr(tok, '@') != NULL)
		return bad(c, "daemon@host pattern '%.80s' is not supported",
		    tok);
	if (namekeyword(tok) || strcasecmp(tok, "LOCAL") == 0)
		return bad(c, "'%s' is a client pattern, not a daemon", tok);
	if (n >= sizeof(p->p_name))
		return bad(c, "daemon name '%.80s' too long (limit %zu bytes)",
		    tok, sizeof(p->p_name) - 1);
	if (n > 1 && tok[0] == '.')
		p->p_kind = P_SUFFIX;
	else if (n > 1 && tok[n - 1] == '.')
		p->p_kind = P_PREFIX;
	else
		p->p_kind = P_NAME;
	memcpy(p->p_name, tok, n + 1);
	return 0;
}

/*
 * Splits one list into patterns appended to the table.  Returns how many
 * (0 for an empty list, not logged), or -1 (logged).
 */
static int
parselist(const struct ctx *c, char *s, int client)
{
	struct pat *p;
	char *tok, *last;
	int n = 0, seg = 0;

	for (tok = strtok_r(s, SEPS, &last); tok != NULL;
	    tok = strtok_r(NULL, SEPS, &last)) {
		if ((p = newpat(c)) == NULL)
			return -1;
		n++;
		if (strcasecmp(tok, "EXCEPT") == 0) {
			if (seg == 0)
				return bad(c, "empty list before EXCEPT");
			p->p_kind = P_EXCEPT;
			seg = 0;
			continue;
		}
		if ((client ? parseclient(c, p, tok) :
		    parsedaemon(c, p, tok)) == -1)
			return -1;
		seg++;
	}
	if (n == 0)
		return 0;
	if (seg == 0)
		return bad(c, "empty list after EXCEPT");
	return n;
}

/* Strips leading and trailing blanks in place. */
static char *
trim(char *s)
{
	char *e;

	s += strspn(s, " \t\r\f\v");
	e = s + strlen(s);
	while (e > s && strchr(" \t\r\f\v", e[-1]) != NULL)
		*--e = '\0';
	return s;
}

/* The options field: "allow" or "deny" sets the entry's verdict. */
static int
parseoption(const struct ctx *c, struct entry *e, char *opt, int first)
{
	opt = trim(opt);
	if (*opt == '\0')
		return bad(c, "empty option");
	if (strcasecmp(opt, "allow") != 0 && strcasecmp(opt, "deny") != 0)
		return bad(c, "unknown option '%.80s': only allow or deny",
		    opt);
	if (!first)
		return bad(c, "only one option, allow or deny");
	e->e_verdict = strcasecmp(opt, "allow") == 0;
	return 0;
}

/*
 * One entry, comments gone, not blank.  Appends it to the table and returns
 * 0, or returns -1 (logged) with the table unchanged.
 */
static int
parseentry(const struct ctx *c, char *line)
{
	struct acl *a = c->c_acl;
	struct entry e, *ep;
	char *f[MAXFIELDS], *s;
	int nf = 1, more = 0, inbracket = 0, i, cap, npat = a->a_npat;

	/* Split at ':', but not inside an IPv6 address's brackets. */
	f[0] = line;
	for (s = line; *s != '\0'; s++) {
		if (*s == '[')
			inbracket = 1;
		else if (*s == ']')
			inbracket = 0;
		else if (*s == ':' && !inbracket && nf == MAXFIELDS)
			more = 1;
		else if (*s == ':' && !inbracket) {
			*s = '\0';
			f[nf++] = s + 1;
		}
	}
	if (nf < 2)
		return bad(c, "missing ':' after the daemon list");
	/* An IPv6 address has two colons or more: "ALL: fe80::1". */
	if (nf > 3) {
		s = trim(f[2]);
		if (strspn(s, "0123456789abcdefABCDEF.") == strlen(s))
			return bad(c, "an IPv6 address in a list is "
			    "written [addr]");
	}
	if (more)
		return bad(c, "too many ':'");
	if (a->a_nent == ACL_MAXENT)
		return bad(c, "too many entries (limit %d)", ACL_MAXENT);
	memset(&e, 0, sizeof(e));
	e.e_line = c->c_line;
	e.e_verdict = -1;
	e.e_daemon = a->a_npat;
	if ((e.e_ndaemon = parselist(c, f[0], 0)) == -1)
		goto fail;
	if (e.e_ndaemon == 0) {
		bad(c, "empty daemon list");
		goto fail;
	}
	e.e_client = a->a_npat;
	if ((e.e_nclient = parselist(c, f[1], 1)) == -1)
		goto fail;
	if (e.e_nclient == 0) {
		bad(c, "empty client list");
		goto fail;
	}
	for (i = 2; i < nf; i++)
		if (parseoption(c, &e, f[i], i == 2) == -1)
			goto fail;
	if (a->a_nent == a->a_entcap) {
		cap = a->a_entcap ? a->a_entcap * 2 : 16;
		if (cap > ACL_MAXENT)
			cap = ACL_MAXENT;
		if ((ep = realloc(a->a_ent, (size_t)cap * sizeof(*ep))) ==
		    NULL) {
			bad(c, "%s", strerror(errno));
			goto fail;
		}
		a->a_ent = ep;
		a->a_entcap = cap;
	}
	a->a_ent[a->a_nent++] = e;
	return 0;

fail:
	a->a_npat = npat;
	return -1;
}

/*
 * Reads one physical line into buf (size bytes) without its newline, and
 * sets *len.  Returns 0, 1 when the line did not fit (the rest is read and
 * dropped), 2 when it holds a NUL byte, or -1 at the end of the file or on
 * an error.  *cont tells whether the whole line ends in a backslash.
 */
static int
physline(FILE *fp, char *buf, size_t size, size_t *len, int *cont)
{
	int ch, r = 0, got = 0, last = '\n';

	*len = 0;
	while ((ch = getc(fp)) != EOF && ch != '\n') {
		got = 1;
		if (ch == '\0')
			r = r ? r : 2;
		if (ch != '\r')
			last = ch;
		if (*len + 1 < size)
			buf[(*len)++] = (char)ch;
		else
			r = 1;
	}
	buf[*len] = '\0';
	*cont = last == '\\';
	if (ch == EOF && !got)
		return -1;
	return r;
}

/*
 * Parses an open hosts_access file; name is used in messages.  Returns the
 * table and sets *nerr to 0, or returns NULL with *nerr set to the number
 * of bad entries (each logged as NAME:LINE: reason), or to -1 on a read
 * error or when out of memory.
 */
struct acl *
access_parse_fp(FILE *fp, const char *name, int *nerr)
{
	char line[ACL_LINEMAX + 1], phys[ACL_LINEMAX + 1];
	struct acl *a;
	struct ctx c;
	size_t len, plen;
	int r, status, cont, lineno = 0;
	char *p;

	*nerr = 0;
	if ((a = calloc(1, sizeof(*a))) == NULL) {
		logmsg(LOG_ERR, "%s: %s", name, strerror(errno));
		*nerr = -1;
		return NULL;
	}
	c.c_file = name;
	c.c_acl = a;
	for (;;) {
		/* Join continuation lines into one entry. */
		c.c_line = lineno + 1;
		len = 0;
		status = -1;
		do {
			if ((r = physline(fp, phys, sizeof(phys), &plen,
			    &cont)) == -1)
				break;
			lineno++;
			if (status < r)
				status = r;
			if (r != 0)
				continue;
			while (plen > 0 && phys[plen - 1] == '\r')
				plen--;
			if (cont)
				phys[plen - 1] = ' ';
			if (len + plen > ACL_LINEMAX)
				status = 1;
			else {
				memcpy(line + len, phys, plen);
				len += plen;
			}
		} while (cont);
		if (status == -1)
			break;
		line[len] = '\0';
		if (status != 0) {
			if (status == 1)
				bad(&c, "line too long (limit %d bytes)",
				    ACL_LINEMAX);
			else
				bad(&c, "NUL byte in line");
			(*nerr)++;
			continue;
		}
		if ((p = strchr(line, '#')) != NULL)
			*p = '\0';
		if (line[strspn(line, SEPS)] == '\0')
			continue;
		if (parseentry(&c, line) == -1)
			(*nerr)++;
	}
	if (ferror(fp)) {
		logmsg(LOG_ERR, "%s: %s", name, strerror(errno));
		*nerr = -1;
	}
	if (*nerr != 0) {
		access_free(a);
		return NULL;
	}
	return a;
}

/*
 * Reads and parses the file at path.  Returns its table, or NULL with
 * *nerr set as access_parse_fp() sets it (-1 when unreadable, logged).
 */
struct acl *
access_load(const char *path, int *nerr)
{
	struct acl *a;
	FILE *fp;

	if ((fp = fopen(path, "re")) == NULL) {
		logmsg(LOG_ERR, "%s: %s", path, strerror(errno));
		*nerr = -1;
		return NULL;
	}
	a = access_parse_fp(fp, path, nerr);
	(void)fclose(fp);
	return a;
}

void
access_free(struct acl *a)
{
	if (a == NULL)
		return;
	free(a->a_ent);
	free(a->a_pat);
	free(a);
}

/* Does a name pattern match s (which may be NULL)? */
static int
matchname(const struct pat *p, const char *s)
{
	size_t n, m;

	if (s == NULL)
		return 0;
	switch (p->p_kind) {
	case P_NAME:
		return strcasecmp(p->p_name, s) == 0;
	case P_PREFIX:
		return strncasecmp(p->p_name, s, strlen(p->p_name)) == 0;
	case P_SUFFIX:
		n = strlen(s);
		m = strlen(p->p_name);
		return n >= m && strcasecmp(s + n - m, p->p_name) == 0;
	}
	return 0;
}

static int
matchone(const struct pat *p, const struct query *q)
{
	const unsigned char *a = q->q_addr;
	int i;

	switch (p->p_kind) {
	case P_ALL:
		return 1;
	case P_LOCAL:
		return q->q_haveaddr &&
		    ((memcmp(a, v4mapped, 12) == 0 && a[12] == 127) ||
		    memcmp(a, &in6addr_loopback, 16) == 0);
	case P_ADDR:
		if (!q->q_haveaddr)
			return 0;
		for (i = 0; i < 16; i++)
			if ((a[i] & p->p_mask[i]) != p->p_net[i])
				return 0;
		return 1;
	}
	return matchname(p, q->q_argv0) || matchname(p, q->q_service);
}

/*
 * Does the list of n patterns match?  With segments S0 EXCEPT S1 EXCEPT
 * S2..., the value is S0 and not (S1 and not (S2 ...)): the first segment
 * that misses decides, by how many EXCEPTs came before it.
 */
static int
listmatch(const struct pat *p, int n, const struct query *q)
{
	int i, neg = 0, hit = 0;

	for (i = 0; i < n; i++) {
		if (p[i].p_kind == P_EXCEPT) {
			if (!hit)
				return neg;
			neg = !neg;
			hit = 0;
		} else if (!hit && matchone(&p[i], q))
			hit = 1;
	}
	return hit ? !neg : neg;
}

/* The verdict of a's first matching entry (dflt unless it says), or -1. */
static int
tablematch(const struct acl *a, const struct query *q, int dflt)
{
	const struct entry *e;
	int i;

	if (a == NULL)
		return -1;
	for (i = 0; i < a->a_nent; i++) {
		e = &a->a_ent[i];
		if (listmatch(&a->a_pat[e->e_daemon], e->e_ndaemon, q) &&
		    listmatch(&a->a_pat[e->e_client], e->e_nclient, q))
			return e->e_verdict == -1 ? dflt : e->e_verdict;
	}
	return -1;
}

/*
 * hosts_access(5): 1 when the first entry of allow matching (argv0 or
 * service, peer) grants access, 0 when it refuses; then the same with deny,
 * whose entries refuse unless they say allow; 1 when neither matches.
 * Either table, argv0, service and peer may be NULL; a peer neither IPv4
 * nor IPv6 matches only ALL.  Allocates nothing.
 */
int
access_check(const struct acl *allow, const struct acl *deny,
    const char *argv0, const char *service, const struct sockaddr *peer)
{
	const struct sockaddr_in *s4;
	const struct sockaddr_in6 *s6;
	const char *slash;
	struct query q;
	int v;

	memset(&q, 0, sizeof(q));
	if (argv0 != NULL && (slash = strrchr(argv0, '/')) != NULL)
		argv0 = slash + 1;
	q.q_argv0 = argv0;
	q.q_service = service;
	if (peer != NULL && peer->sa_family == AF_INET) {
		s4 = (const void *)peer;
		memcpy(q.q_addr, v4mapped, sizeof(v4mapped));
		memcpy(q.q_addr + 12, &s4->sin_addr.s_addr, 4);
		q.q_haveaddr = 1;
	} else if (peer != NULL && peer->sa_family == AF_INET6) {
		s6 = (const void *)peer;
		memcpy(q.q_addr, &s6->sin6_addr, 16);
		q.q_haveaddr = 1;
	}
	if ((v = tablematch(allow, &q, 1)) != -1)
		return v;
	if ((v = tablematch(deny, &q, 0)) != -1)
		return v;
	return 1;
}
