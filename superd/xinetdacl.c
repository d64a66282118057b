/*
 * xinetd's only_from and no_access lists as superd's access_allow and
 * access_deny client lists (hosts_access patterns, numbers only).
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "conf.h"
#include "confline.h"
#include "kv.h"
#include "log.h"
#include "xinetd.h"

/* Short names for xinetd.h's helpers, in this file. */
#define at(m, a)		xmap_at(m, a)
#define val(m, a)		xmap_val(m, a)
#define keep(m, s)		xmap_keep(m, s)
#define xbad(m, a, ...)		conf_bad(at(m, a), __VA_ARGS__)
#define xwarn(m, a, ...)	logat(at(m, a)->cl_file, at(m, a)->cl_line, \
				    __VA_ARGS__)

/*
 * One only_from/no_access address into hosts_access client words w: 0
 * done, 1 a name superd cannot match (not added), -1 bad (logged).
 */
static int
addr(struct xmap *m, int a, const char *s, char **w, int *n)
{
	char buf[128], net[64], *brace, *item, *p, *save;
	struct in6_addr a6;
	struct in_addr a4;
	int parts, len, i;

	if (strchr(s, ':') != NULL) {		/* IPv6, maybe with /len */
		(void)snprintf(net, sizeof(net), "%.*s", (int)strcspn(s, "/"),
		    s);
		if (inet_pton(AF_INET6, net, &a6) != 1)
			return xbad(m, a, "%s: bad address '%s'",
			    xattrs[a].x_name, s);
		(void)snprintf(buf, sizeof(buf), "[%s]%s", net, s +
		    strlen(net));
		return (w[(*n)++] = keep(m, buf)) == NULL ? -1 : 0;
	}
	if (strspn(s, "0123456789./{},") != strlen(s))
		return 1;			/* a host, network or domain */
	if (strchr(s, '/') != NULL)		/* a.b.c.d/len */
		return (w[(*n)++] = keep(m, s)) == NULL ? -1 : 0;
	if ((brace = strchr(s, '{')) != NULL) {	/* a.b.{c,d} */
		if (brace == s || brace[-1] != '.' || s[strlen(s) - 1] != '}' ||
		    (size_t)(brace - s) >= sizeof(net))
			return xbad(m, a, "%s: bad address '%s'",
			    xattrs[a].x_name, s);
		(void)snprintf(buf, sizeof(buf), "%s", brace + 1);
		buf[strlen(buf) - 1] = '\0';
		for (p = buf; (item = strtok_r(p, ",", &save)) != NULL;
		    p = NULL) {
			(void)snprintf(net, sizeof(net), "%.*s%s",
			    (int)(brace - s), s, item);
			if (*n >= XINETD_MAXWORDS || addr(m, a, net, w, n) != 0)
				return xbad(m, a, "%s: bad address '%s'",
				    xattrs[a].x_name, s);
		}
		return 0;
	}
	/* a.b.c.d with rightmost zeros wildcards; or fewer parts */
	for (parts = 1, p = (char *)s; (p = strchr(p, '.')) != NULL; p++)
		parts++;
	if (parts > 4 || strlen(s) > 15)
		return xbad(m, a, "%s: bad address '%s'", xattrs[a].x_name, s);
	(void)snprintf(net, sizeof(net), "%s", s);
	for (i = parts; i < 4; i++)
		strcat(net, ".0");	/* 15 + 6 bytes at most */
	if (inet_pton(AF_INET, net, &a4) != 1)
		return xbad(m, a, "%s: bad address '%s'", xattrs[a].x_name, s);
	if (ntohl(a4.s_addr) == 0)
		return (w[(*n)++] = keep(m, "ALL")) == NULL ? -1 : 0;
	for (len = 32; len > 0 && (ntohl(a4.s_addr) &
	    (0xffffffffUL >> (len - 8 < 0 ? 0 : len - 8)) &
	    (0xffUL << (32 - len))) == 0; len -= 8)
		;
	if (parts < 4 && len < parts * 8)
		len = parts * 8;
	if (len == 32)
		(void)snprintf(buf, sizeof(buf), "%s", net);
	else
		(void)snprintf(buf, sizeof(buf), "%s/%d", net, len);
	return (w[(*n)++] = keep(m, buf)) == NULL ? -1 : 0;
}

/*
 * only_from and no_access as superd's access_allow and access_deny:
 * only_from L alone allows L and denies the rest; with no_access N too,
 * allow is "L EXCEPT N" (no_access always wins, where xinetd takes the
 * better match).  A host name is a warning and is skipped in only_from
 * (fewer clients let in) but an error in no_access (superd would let in a
 * client the file keeps out).
 */
int
xinetd_access(struct xmap *m, struct kvctx *c, char **allow, char **deny)
{
	const struct xval *of = val(m, XA_ONLYFROM), *na = val(m, XA_NOACCESS);
	int na_n = 0, of_n = 0, i, r, bad = 0;
	char *nw[XINETD_MAXWORDS];

	for (i = 0; na != NULL && i < na->v_n && i < XINETD_MAXWORDS; i++)
		if ((r = addr(m, XA_NOACCESS, na->v_s[i], nw, &na_n)) == 1)
			bad = xbad(m, XA_NOACCESS, "no_access '%s': superd "
			    "matches addresses only, not names; service not "
			    "served", na->v_s[i]);
		else if (r == -1)
			bad = -1;
	for (i = 0; of != NULL && i < of->v_n && of_n < XINETD_MAXWORDS - 1;
	    i++)
		if ((r = addr(m, XA_ONLYFROM, of->v_s[i], allow, &of_n)) == 1)
			(void)xwarn(m, XA_ONLYFROM, "only_from '%s': superd "
			    "matches addresses only, not names; skipped",
			    of->v_s[i]);
		else if (r == -1)
			bad = -1;
	if (bad)
		return -1;
	if (of != NULL) {
		if (of_n > 0 && na_n > 0) {
			allow[of_n++] = "EXCEPT";
			for (i = 0; i < na_n && of_n < 2 * XINETD_MAXWORDS; i++)
				allow[of_n++] = nw[i];
		}
		deny[0] = "ALL";
		c->c_nv[K_DENY] = 1;
		if (of_n > 0)
			c->c_nv[K_ALLOW] = of_n;
	} else
		for (i = 0; i < na_n; i++)
			deny[c->c_nv[K_DENY]++] = nw[i];
	for (i = K_ALLOW; i <= K_DENY; i++)
		if (c->c_nv[i] > 0) {
			c->c_vals[i] = i == K_ALLOW ? allow : deny;
			c->c_v[i] = c->c_vals[i][0];
			c->c_given[i] = 1;
			c->c_line[i] = at(m, i == K_ALLOW ? XA_ONLYFROM :
			    (na != NULL ? XA_NOACCESS : XA_ONLYFROM))->cl_line;
		}
	return 0;
}
