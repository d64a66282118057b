/*
 * Access control: hosts.allow and hosts.deny in tcpd's hosts_access(5)
 * syntax.  This file reads the files and their entries, each parsed once
 * into binary patterns (accesspat.c), and makes the check for each
 * connection, which allocates nothing and asks no resolver.
 */
/*
 * An entry is "daemon_list : client_list [: allow | : deny]".  Lists are
 * separated by blanks and/or commas; "A EXCEPT B EXCEPT C" nests right to
 * left, A and not (B and not C), in either list.  Keywords are matched
 * without regard to case, as in tcpd.  A line ending in a backslash goes on
 * on the next one (joined with a blank, where tcpd joins without one); '#'
 * starts a comment to the end of the line (tcpd knew whole-line comments
 * only).  An error names the file and the entry's first line.  The
 * patterns themselves are described in accesspat.c.
 *
 * Options: one "allow" or "deny" after a second ':' sets the verdict of a
 * match, so that one file can hold both (hosts_options(5)); any other
 * option (spawn, twist, ...) is an error.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "access.h"
#include "log.h"
#include "sock.h"
#include "util.h"

#define SEPS		", \t\r\n\f\v"
#define MAXFIELDS	8	/* daemons, clients and options */

/* Appends a zeroed pattern to the file's table; NULL (logged) when full. */
static struct access_pat *
newpat(const struct access_ctx *c)
{
	struct acl *a = c->c_acl;
	struct access_pat *p;
	int cap;

	if (a->a_npat == ACCESS_MAXPAT) {
		(void)access_bad(c, "too many patterns (limit %d)",
		    ACCESS_MAXPAT);
		return NULL;
	}
	if (a->a_npat == a->a_patcap) {
		cap = a->a_patcap ? a->a_patcap * 2 : 64;
		if (cap > ACCESS_MAXPAT)
			cap = ACCESS_MAXPAT;
		if ((p = realloc(a->a_pat, (size_t)cap * sizeof(*p))) == NULL) {
			(void)access_bad(c, "%s", strerror(errno));
			return NULL;
		}
		a->a_pat = p;
		a->a_patcap = cap;
	}
	p = &a->a_pat[a->a_npat++];
	memset(p, 0, sizeof(*p));
	return p;
}

/*
 * Splits one list into patterns appended to the table.  Returns how many
 * (0 for an empty list, not logged), or -1 (logged).
 */
static int
parselist(const struct access_ctx *c, char *s, int client)
{
	struct access_pat *p;
	char *tok, *last;
	int n = 0, seg = 0;

	for (tok = strtok_r(s, SEPS, &last); tok != NULL;
	    tok = strtok_r(NULL, SEPS, &last)) {
		if ((p = newpat(c)) == NULL)
			return -1;
		n++;
		if (strcasecmp(tok, "EXCEPT") == 0) {
			if (seg == 0)
				return access_bad(c,
				    "empty list before EXCEPT");
			p->p_kind = PAT_EXCEPT;
			seg = 0;
			continue;
		}
		if ((client ? access_client(c, p, tok) :
		    access_daemon(c, p, tok)) == -1)
			return -1;
		seg++;
	}
	if (n == 0)
		return 0;
	if (seg == 0)
		return access_bad(c, "empty list after EXCEPT");
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
parseoption(const struct access_ctx *c, struct access_ent *e, char *opt,
    int first)
{
	opt = trim(opt);
	if (*opt == '\0')
		return access_bad(c, "empty option");
	if (strcasecmp(opt, "allow") != 0 && strcasecmp(opt, "deny") != 0)
		return access_bad(c, "unknown option '%.80s': only allow or "
		    "deny", opt);
	if (!first)
		return access_bad(c, "only one option, allow or deny");
	e->e_verdict = strcasecmp(opt, "allow") == 0;
	return 0;
}

/*
 * One entry, comments gone, not blank.  Appends it to the table and returns
 * 0, or returns -1 (logged) with the table unchanged.
 */
static int
parseentry(const struct access_ctx *c, char *line)
{
	struct acl *a = c->c_acl;
	struct access_ent e, *ep;
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
		return access_bad(c, "missing ':' after the daemon list");
	/* An IPv6 address has two colons or more: "ALL: fe80::1". */
	if (nf > 3) {
		s = trim(f[2]);
		if (strspn(s, "0123456789abcdefABCDEF.") == strlen(s))
			return access_bad(c, "an IPv6 address in a list is "
			    "written [addr]");
	}
	if (more)
		return access_bad(c, "too many ':'");
	if (a->a_nent == ACCESS_MAXENT)
		return access_bad(c, "too many entries (limit %d)",
		    ACCESS_MAXENT);
	memset(&e, 0, sizeof(e));
	e.e_line = c->c_line;
	e.e_verdict = -1;
	e.e_daemon = a->a_npat;
	if ((e.e_ndaemon = parselist(c, f[0], 0)) == -1)
		goto fail;
	if (e.e_ndaemon == 0) {
		(void)access_bad(c, "empty daemon list");
		goto fail;
	}
	e.e_client = a->a_npat;
	if ((e.e_nclient = parselist(c, f[1], 1)) == -1)
		goto fail;
	if (e.e_nclient == 0) {
		(void)access_bad(c, "empty client list");
		goto fail;
	}
	for (i = 2; i < nf; i++)
		if (parseoption(c, &e, f[i], i == 2) == -1)
			goto fail;
	if (a->a_nent == a->a_entcap) {
		cap = a->a_entcap ? a->a_entcap * 2 : 16;
		if (cap > ACCESS_MAXENT)
			cap = ACCESS_MAXENT;
		if ((ep = realloc(a->a_ent, (size_t)cap * sizeof(*ep))) ==
		    NULL) {
			(void)access_bad(c, "%s", strerror(errno));
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
 * Parses an open hosts_access file; name is used in messages.  Returns the
 * table and sets *nerr to 0, or returns NULL with *nerr set to the number
 * of bad entries (each logged as NAME:LINE: reason), or to -1 on a read
 * error or when out of memory.
 */
struct acl *
access_parse_fp(FILE *fp, const char *name, int *nerr)
{
	char line[ACCESS_LINEMAX + 1], phys[ACCESS_LINEMAX + 1];
	struct acl *a;
	struct access_ctx c;
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
			if (cont && plen > 0)
				phys[plen - 1] = ' ';
			if (len + plen > ACCESS_LINEMAX)
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
				(void)access_bad(&c, "line too long (limit %d "
				    "bytes)", ACCESS_LINEMAX);
			else
				(void)access_bad(&c, "NUL byte in line");
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
 * A table of one entry, for every daemon and the client list list (a
 * service's access_allow or access_deny); errors are logged as FILE:LINE.
 * Returns NULL (logged) when the list is bad or empty.
 */
struct acl *
access_clients(const char *list, const char *file, int line)
{
	char buf[ACCESS_LINEMAX + 8];
	struct acl *a;
	struct access_ctx c;
	const char *s;
	int inbracket = 0;

	c.c_file = file;
	c.c_line = line;
	c.c_acl = NULL;
	/* A ':' would end the list and start an option or a field. */
	for (s = list; *s != '\0'; s++)
		if (*s == '[' || *s == ']')
			inbracket = *s == '[';
		else if (*s == ':' && !inbracket) {
			(void)access_bad(&c, "a client list holds no ':' (an "
			    "IPv6 address is written [addr])");
			return NULL;
		}
	if ((size_t)snprintf(buf, sizeof(buf), "ALL : %s", list) >=
	    sizeof(buf)) {
		(void)access_bad(&c, "client list longer than %d bytes",
		    ACCESS_LINEMAX);
		return NULL;
	}
	if ((a = calloc(1, sizeof(*a))) == NULL) {
		(void)access_bad(&c, "%s", strerror(errno));
		return NULL;
	}
	c.c_acl = a;
	if (parseentry(&c, buf) == -1) {
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
	const char *why;
	struct acl *a;
	FILE *fp;

	if ((fp = fopenreg(path, &why)) == NULL) {
		logmsg(LOG_ERR, "%s: %s", path, why);
		*nerr = -1;
		return NULL;
	}
	a = access_parse_fp(fp, path, nerr);
	(void)fclose(fp);
	return a;
}

/* Frees a table from access_load() or access_parse_fp(); a may be NULL. */
void
access_free(struct acl *a)
{
	if (a == NULL)
		return;
	free(a->a_ent);
	free(a->a_pat);
	free(a);
}

/*
 * Does the list of n patterns match?  With segments S0 EXCEPT S1 EXCEPT
 * S2..., the value is S0 and not (S1 and not (S2 ...)): the first segment
 * that misses decides, by how many EXCEPTs came before it.
 */
static int
listmatch(const struct access_pat *p, int n, const struct access_query *q)
{
	int i, neg = 0, hit = 0;

	for (i = 0; i < n; i++) {
		if (p[i].p_kind == PAT_EXCEPT) {
			if (!hit)
				return neg;
			neg = !neg;
			hit = 0;
		} else if (!hit && access_match(&p[i], q))
			hit = 1;
	}
	return hit ? !neg : neg;
}

/* The verdict of a's first matching entry (dflt unless it says), or -1. */
static int
tablematch(const struct acl *a, const struct access_query *q, int dflt)
{
	const struct access_ent *e;
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
 * whose entries refuse unless they say allow; -1 when neither matches.
 * Either table, argv0, service and peer may be NULL; a UNIX peer matches
 * ALL, LOCAL and its uid=N; a peer of another family only ALL.  Allocates
 * nothing.
 */
int
access_verdict(const struct acl *allow, const struct acl *deny,
    const char *argv0, const char *service, const struct sockaddr *peer)
{
	const char *slash;
	struct access_query q;
	int v;

	memset(&q, 0, sizeof(q));
	if (argv0 != NULL && (slash = strrchr(argv0, '/')) != NULL)
		argv0 = slash + 1;
	q.q_argv0 = argv0;
	q.q_service = service;
	q.q_family = -1;
	if (peer != NULL) {
		q.q_family = sock_addr16(peer, q.q_addr, NULL);
		q.q_v4sock = peer->sa_family == AF_INET;
		if (q.q_family == AF_UNIX)
			q.q_uid = (unsigned long)q.q_addr[12] << 24 |
			    (unsigned long)q.q_addr[13] << 16 |
			    (unsigned long)q.q_addr[14] << 8 | q.q_addr[15];
	}
	if ((v = tablematch(allow, &q, 1)) != -1)
		return v;
	return tablematch(deny, &q, 0);
}

/* As access_verdict(), a peer that no rule names granted (tcpd's way). */
int
access_check(const struct acl *allow, const struct acl *deny,
    const char *argv0, const char *service, const struct sockaddr *peer)
{
	int v;

	return (v = access_verdict(allow, deny, argv0, service, peer)) == -1 ?
	    1 : v;
}

/*
 * Reads the hosts.allow and hosts.deny files at allowpath and denypath
 * (either may be NULL: none) into *allow and *deny.  Returns 0, or -1 when
 * either has an error (logged, FILE:LINE); then *allow and *deny are left
 * as they were.
 */
int
access_loadpair(const char *allowpath, const char *denypath,
    struct acl **allow, struct acl **deny)
{
	struct acl *a = NULL, *d = NULL;
	int nerr = 0, derr = 0;

	if (allowpath != NULL && (a = access_load(allowpath, &nerr)) == NULL)
		nerr = nerr ? nerr : -1;
	if (denypath != NULL && (d = access_load(denypath, &derr)) == NULL)
		derr = derr ? derr : -1;
	if (nerr != 0 || derr != 0) {
		access_free(a);
		access_free(d);
		return -1;
	}
	*allow = a;
	*deny = d;
	return 0;
}
