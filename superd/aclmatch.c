/*
 * Access control: the check made for each connection, against the binary
 * patterns of access.c; it allocates nothing and asks no resolver.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <string.h>
#include <strings.h>

#include "acl.h"
#include "sock.h"

/* One connection, as the patterns see it. */
struct query {
	const char	*q_argv0;
	const char	*q_service;
	int		 q_haveaddr;
	int		 q_v4;		/* an AF_INET peer (a tcp4 socket) */
	unsigned char	 q_addr[16];	/* IPv4 as ::ffff:a.b.c.d */
};

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
		    ((memcmp(a, acl_v4mapped, 12) == 0 && a[12] == 127) ||
		    memcmp(a, &in6addr_loopback, 16) == 0);
	case P_ADDR:
		/*
		 * An IPv6 pattern matches IPv6 peers, and IPv4 ones only as a
		 * dual-stack socket shows them (v4-mapped): [::]/0 is not ALL.
		 */
		if (!q->q_haveaddr || (p->p_v6 && q->q_v4))
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
	const char *slash;
	struct query q;
	int v;

	memset(&q, 0, sizeof(q));
	if (argv0 != NULL && (slash = strrchr(argv0, '/')) != NULL)
		argv0 = slash + 1;
	q.q_argv0 = argv0;
	q.q_service = service;
	if (peer != NULL && sock_addr16(peer, q.q_addr, NULL) != -1) {
		q.q_haveaddr = 1;
		q.q_v4 = peer->sa_family == AF_INET;
	}
	if ((v = tablematch(allow, &q, 1)) != -1)
		return v;
	if ((v = tablematch(deny, &q, 0)) != -1)
		return v;
	return 1;
}
