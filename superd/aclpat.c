/*
 * Access control: one client or daemon pattern of hosts.allow or
 * hosts.deny into its binary form (access.c says which are accepted).
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "acl.h"
#include "util.h"

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
	memcpy(p->p_net, acl_v4mapped, sizeof(acl_v4mapped));
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
			return acl_bad(c, "host bits not all zero in '%.80s'", tok);
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
		return acl_bad(c, "missing ']' in '%.80s'", tok);
	n = (size_t)(end - tok - 1);
	if (n == 0 || n >= sizeof(buf))
		return acl_bad(c, "bad IPv6 address '%.80s'", tok);
	memcpy(buf, tok + 1, n);
	buf[n] = '\0';
	if (inet_pton(AF_INET6, buf, &in6) != 1)
		return acl_bad(c, "bad IPv6 address '%.80s'", tok);
	if (end[1] == '/') {
		len = (int)parsenum(end + 2, 0, 128, &errstr);
		if (errstr != NULL)
			return acl_bad(c, "bad prefix length in '%.80s'", tok);
	} else if (end[1] != '\0')
		return acl_bad(c, "bad IPv6 address '%.80s'", tok);
	p->p_kind = P_ADDR;
	memcpy(p->p_net, &in6, 16);
	setmask(p, len);
	/* [::ffff:10.0.0.0]/104 is IPv4 written as IPv6; [::]/0 is not. */
	p->p_v6 = len < 96 || memcmp(p->p_net, acl_v4mapped, 12) != 0;
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
		return acl_bad(c, "bad address '%.80s'", tok);
	memcpy(buf, tok, n);
	buf[n] = '\0';
	if (inet_pton(AF_INET, buf, &in) != 1)
		return acl_bad(c, "bad address '%.80s'", tok);
	p->p_kind = P_ADDR;
	setv4(p, &in);
	m = slash + 1;
	if (strchr(m, '.') != NULL) {
		/* tcpd takes any mask, contiguous or not; so do we. */
		if (inet_pton(AF_INET, m, &mask) != 1)
			return acl_bad(c, "bad mask in '%.80s'", tok);
		memcpy(p->p_mask + 12, &mask.s_addr, 4);
	} else {
		len = (int)parsenum(m, 0, 32, &errstr);
		if (errstr != NULL)
			return acl_bad(c, "bad prefix length in '%.80s'", tok);
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

	memcpy(p->p_net, acl_v4mapped, sizeof(acl_v4mapped));
	while (*s != '\0') {
		if (n == 3)
			return acl_bad(c, "bad address '%.80s'", tok);
		for (v = 0, digits = 0; *s >= '0' && *s <= '9'; s++, digits++)
			if ((v = v * 10 + (*s - '0')) > 255 || digits == 3)
				return acl_bad(c, "bad address '%.80s'", tok);
		/* No leading zeros: inet_pton(3) refuses them too. */
		if (digits == 0 || *s != '.' ||
		    (digits > 1 && s[-digits] == '0'))
			return acl_bad(c, "bad address '%.80s'", tok);
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
int
acl_client(const struct ctx *c, struct pat *p, const char *tok)
{
	struct in_addr in;

	if (strcasecmp(tok, "ALL") == 0)
		p->p_kind = P_ALL;
	else if (strcasecmp(tok, "LOCAL") == 0)
		p->p_kind = P_LOCAL;
	else if (namekeyword(tok))
		return acl_bad(c, "'%s' needs host name lookups, which superd "
		    "does not do", tok);
	else if (tok[0] == '@')
		return acl_bad(c, "netgroup '%.80s' is not supported", tok);
	else if (tok[0] == '/')
		return acl_bad(c, "pattern file '%.80s' is not supported", tok);
	else if (strchr(tok, '@') != NULL)
		return acl_bad(c, "user@host pattern '%.80s' is not supported",
		    tok);
	else if (tok[0] == '[')
		return parse6(c, p, tok);
	else if (strpbrk(tok, "*?") != NULL)
		return acl_bad(c, "wildcard pattern '%.80s' is not supported", tok);
	else if (strchr(tok, '/') != NULL)
		return parsemask(c, p, tok);
	else if (strspn(tok, "0123456789.") != strlen(tok))
		return acl_bad(c, "host name '%.80s': host names are not "
		    "supported, numeric addresses only", tok);
	else if (tok[strlen(tok) - 1] == '.')
		return parseprefix(c, p, tok);
	else if (inet_pton(AF_INET, tok, &in) != 1)
		return acl_bad(c, "bad address '%.80s'", tok);
	else {
		p->p_kind = P_ADDR;
		setv4(p, &in);
		setmask(p, 128);
	}
	return 0;
}

/* One daemon pattern into p. */
int
acl_daemon(const struct ctx *c, struct pat *p, const char *tok)
{
	size_t n = strlen(tok);

	if (strcasecmp(tok, "ALL") == 0) {
		p->p_kind = P_ALL;
		return 0;
	}
	if (strchr(tok, '@') != NULL)
		return acl_bad(c, "daemon@host pattern '%.80s' is not supported",
		    tok);
	if (namekeyword(tok) || strcasecmp(tok, "LOCAL") == 0)
		return acl_bad(c, "'%s' is a client pattern, not a daemon", tok);
	if (n >= sizeof(p->p_name))
		return acl_bad(c, "daemon name '%.80s' too long (limit %zu bytes)",
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

