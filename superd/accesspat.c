/*
 * Access control: one pattern of hosts.allow or hosts.deny, parsed into its
 * binary form once, when the file is read, and matched against a
 * connection.  Matching allocates nothing and asks no resolver.
 */
/*
 * Daemon patterns: ALL, or a name compared with ARGV0 (its last path
 * component, as tcpd takes argv[0]) and with SERVICE; "name." matches a
 * prefix and ".name" a suffix, as in tcpd.  "name@host" (a local address)
 * is an error.
 *
 * Client patterns: ALL, n.n.n.n, a prefix n. n.n. n.n.n., n.n.n.n/m.m.m.m,
 * n.n.n.n/len, [v6], [v6]/len.  Host bits set outside the mask are an
 * error (tcpd warns and then never matches).  An IPv4 peer, v4-mapped or
 * not, is compared as ::ffff:a.b.c.d, so IPv4 patterns match both forms;
 * an IPv6 pattern matches IPv6 peers, v4-mapped ones included, but never
 * the IPv4 peer of an IPv4 socket ([::]/0 is not ALL).
 * LOCAL matches the loopback addresses 127.0.0.0/8 and ::1: tcpd matches a
 * host name without a dot, and in practice that is "localhost".  What would
 * need a resolver or another lookup is an error, never a silent non-match:
 * host names and .domain suffixes, KNOWN, UNKNOWN, PARANOID, user@host,
 * @netgroup, /file patterns, wildcards.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "access.h"
#include "sock.h"
#include "util.h"

/* Sets the first len bits of p's mask. */
static void
setmask(struct access_pat *p, int len)
{
	int i;

	memset(p->p_mask, 0, sizeof(p->p_mask));
	for (i = 0; i < 16 && len >= 8; i++, len -= 8)
		p->p_mask[i] = 0xff;
	if (i < 16 && len > 0)
		p->p_mask[i] = (unsigned char)(0xff << (8 - len));
}

/*
 * Stores an IPv4 address as a peer's is compared, ::ffff:a.b.c.d, with a
 * 96-bit mask so far.
 */
static void
setv4(struct access_pat *p, const struct in_addr *in)
{
	struct sockaddr_in s4;

	memset(&s4, 0, sizeof(s4));
	s4.sin_family = AF_INET;
	s4.sin_addr = *in;
	(void)sock_addr16((struct sockaddr *)&s4, p->p_net, NULL);
	p->p_kind = PAT_ADDR;
	setmask(p, 96);
}

/* The address has been written with a mask: no host bits may be set. */
static int
hostbits(const struct access_ctx *c, const struct access_pat *p,
    const char *tok)
{
	int i;

	for (i = 0; i < 16; i++)
		if (p->p_net[i] & ~p->p_mask[i])
			return access_bad(c, "host bits not all zero in "
			    "'%.80s'", tok);
	return 0;
}

/* [v6] or [v6]/len. */
static int
parse6(const struct access_ctx *c, struct access_pat *p, const char *tok)
{
	char buf[INET6_ADDRSTRLEN];
	const char *end, *errstr;
	struct sockaddr_in6 s6;
	size_t n;
	int len = 128;

	if ((end = strchr(tok, ']')) == NULL)
		return access_bad(c, "missing ']' in '%.80s'", tok);
	n = (size_t)(end - tok - 1);
	if (n == 0 || n >= sizeof(buf))
		return access_bad(c, "bad IPv6 address '%.80s'", tok);
	memcpy(buf, tok + 1, n);
	buf[n] = '\0';
	memset(&s6, 0, sizeof(s6));
	s6.sin6_family = AF_INET6;
	if (inet_pton(AF_INET6, buf, &s6.sin6_addr) != 1)
		return access_bad(c, "bad IPv6 address '%.80s'", tok);
	if (end[1] == '/') {
		len = (int)parsenum(end + 2, 0, 128, &errstr);
		if (errstr != NULL)
			return access_bad(c, "bad prefix length in '%.80s'",
			    tok);
	} else if (end[1] != '\0')
		return access_bad(c, "bad IPv6 address '%.80s'", tok);
	p->p_kind = PAT_ADDR;
	/* [::ffff:10.0.0.0]/104 is IPv4 written as IPv6; [::]/0 is not. */
	p->p_v6 = sock_addr16((struct sockaddr *)&s6, p->p_net, NULL) !=
	    AF_INET || len < 96;
	setmask(p, len);
	return hostbits(c, p, tok);
}

/* n.n.n.n/m.m.m.m or n.n.n.n/len. */
static int
parsemask(const struct access_ctx *c, struct access_pat *p, const char *tok)
{
	char buf[INET_ADDRSTRLEN];
	const char *slash, *m, *errstr;
	struct in_addr in, mask;
	size_t n;
	int len;

	slash = strchr(tok, '/');
	n = (size_t)(slash - tok);
	if (n >= sizeof(buf))
		return access_bad(c, "bad address '%.80s'", tok);
	memcpy(buf, tok, n);
	buf[n] = '\0';
	if (inet_pton(AF_INET, buf, &in) != 1)
		return access_bad(c, "bad address '%.80s'", tok);
	setv4(p, &in);
	m = slash + 1;
	if (strchr(m, '.') != NULL) {
		/* tcpd takes any mask, contiguous or not; so do we. */
		if (inet_pton(AF_INET, m, &mask) != 1)
			return access_bad(c, "bad mask in '%.80s'", tok);
		memcpy(p->p_mask + 12, &mask.s_addr, 4);
	} else {
		len = (int)parsenum(m, 0, 32, &errstr);
		if (errstr != NULL)
			return access_bad(c, "bad prefix length in '%.80s'",
			    tok);
		setmask(p, 96 + len);
	}
	return hostbits(c, p, tok);
}

/*
 * n. n.n. n.n.n.: tcpd's string prefix, here one, two or three bytes.  It
 * is completed with zeros to a whole address, so that inet_pton(3) judges
 * the numbers (no leading zeros, none over 255) as it does elsewhere.
 */
static int
parseprefix(const struct access_ctx *c, struct access_pat *p,
    const char *tok)
{
	static const char *const zeros[] = { "", "0.0.0", "0.0", "0" };
	char buf[INET_ADDRSTRLEN];
	struct in_addr in;
	const char *s;
	int n = 0, r;

	for (s = tok; (s = strchr(s, '.')) != NULL; s++)
		n++;
	if (n > 3 || (r = snprintf(buf, sizeof(buf), "%s%s", tok,
	    zeros[n])) < 0 || (size_t)r >= sizeof(buf) ||
	    inet_pton(AF_INET, buf, &in) != 1)
		return access_bad(c, "bad address '%.80s'", tok);
	setv4(p, &in);
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

/* uid=N: a UNIX peer's uid. */
static int
parseuid(const struct access_ctx *c, struct access_pat *p, const char *num)
{
	const char *errstr;

	p->p_uid = (unsigned long)parsenum(num, 0, 4294967294LL, &errstr);
	if (errstr != NULL)
		return access_bad(c, "uid '%.80s': %s", num, errstr);
	p->p_kind = PAT_UID;
	return 0;
}

/* One client pattern into p; returns 0, or -1 (logged). */
int
access_client(const struct access_ctx *c, struct access_pat *p,
    const char *tok)
{
	struct in_addr in;

	if (strcasecmp(tok, "ALL") == 0)
		p->p_kind = PAT_ALL;
	else if (strcasecmp(tok, "LOCAL") == 0)
		p->p_kind = PAT_LOCAL;
	else if (strncmp(tok, "uid=", 4) == 0)
		return parseuid(c, p, tok + 4);
	else if (namekeyword(tok))
		return access_bad(c, "'%s' needs host name lookups, which "
		    "superd does not do", tok);
	else if (tok[0] == '@')
		return access_bad(c, "netgroup '%.80s' is not supported", tok);
	else if (tok[0] == '/')
		return access_bad(c, "pattern file '%.80s' is not supported",
		    tok);
	else if (strchr(tok, '@') != NULL)
		return access_bad(c, "user@host pattern '%.80s' is not "
		    "supported", tok);
	else if (tok[0] == '[')
		return parse6(c, p, tok);
	else if (strpbrk(tok, "*?") != NULL)
		return access_bad(c, "wildcard pattern '%.80s' is not "
		    "supported", tok);
	else if (strchr(tok, '/') != NULL)
		return parsemask(c, p, tok);
	else if (strspn(tok, "0123456789.") != strlen(tok))
		return access_bad(c, "host name '%.80s': host names are not "
		    "supported, numeric addresses only", tok);
	else if (tok[strlen(tok) - 1] == '.')
		return parseprefix(c, p, tok);
	else if (inet_pton(AF_INET, tok, &in) != 1)
		return access_bad(c, "bad address '%.80s'", tok);
	else {
		setv4(p, &in);
		setmask(p, 128);
	}
	return 0;
}

/* One daemon pattern into p; returns 0, or -1 (logged). */
int
access_daemon(const struct access_ctx *c, struct access_pat *p,
    const char *tok)
{
	size_t n = strlen(tok);

	if (strcasecmp(tok, "ALL") == 0) {
		p->p_kind = PAT_ALL;
		return 0;
	}
	if (strchr(tok, '@') != NULL)
		return access_bad(c, "daemon@host pattern '%.80s' is not "
		    "supported", tok);
	if (namekeyword(tok) || strcasecmp(tok, "LOCAL") == 0)
		return access_bad(c, "'%s' is a client pattern, not a daemon",
		    tok);
	if (n >= sizeof(p->p_name))
		return access_bad(c, "daemon name '%.80s' too long (limit %zu "
		    "bytes)", tok, sizeof(p->p_name) - 1);
	if (n > 1 && tok[0] == '.')
		p->p_kind = PAT_SUFFIX;
	else if (n > 1 && tok[n - 1] == '.')
		p->p_kind = PAT_PREFIX;
	else
		p->p_kind = PAT_NAME;
	memcpy(p->p_name, tok, n + 1);
	return 0;
}

/* Does a name pattern match s (which may be NULL)? */
static int
matchname(const struct access_pat *p, const char *s)
{
	size_t n, m;

	if (s == NULL)
		return 0;
	switch (p->p_kind) {
	case PAT_NAME:
		return strcasecmp(p->p_name, s) == 0;
	case PAT_PREFIX:
		return strncasecmp(p->p_name, s, strlen(p->p_name)) == 0;
	case PAT_SUFFIX:
		n = strlen(s);
		m = strlen(p->p_name);
		return n >= m && strcasecmp(s + n - m, p->p_name) == 0;
	default:
		return 0;
	}
}

/* Does the pattern p, not an EXCEPT, match the connection q? */
int
access_match(const struct access_pat *p, const struct access_query *q)
{
	const unsigned char *a = q->q_addr;
	int i;

	switch (p->p_kind) {
	case PAT_ALL:
		return 1;
	case PAT_UID:
		return q->q_family == AF_UNIX && q->q_uid == p->p_uid;
	case PAT_LOCAL:
		/* A UNIX peer is on this host. */
		return q->q_family == AF_UNIX ||
		    (q->q_family == AF_INET && a[12] == 127) ||
		    (q->q_family == AF_INET6 &&
		    memcmp(a, &in6addr_loopback, 16) == 0);
	case PAT_ADDR:
		/*
		 * An IPv6 pattern matches IPv6 peers, and IPv4 ones only as a
		 * dual-stack socket shows them (v4-mapped): [::]/0 is not ALL.
		 */
		if (q->q_family == -1 || q->q_family == AF_UNIX ||
		    (p->p_v6 && q->q_v4sock))
			return 0;
		for (i = 0; i < 16; i++)
			if ((a[i] & p->p_mask[i]) != p->p_net[i])
				return 0;
		return 1;
	default:
		return matchname(p, q->q_argv0) || matchname(p, q->q_service);
	}
}
