/*
 * Access control: hosts.allow and hosts.deny in tcpd's hosts_access(5)
 * syntax.  A file is parsed once into binary patterns, so that the check
 * made for each connection allocates nothing and asks no resolver.  This
 * file reads the files and their entries; aclpat.c parses one pattern and
 * aclmatch.c makes the check.
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
 * not, is compared as ::ffff:a.b.c.d, so IPv4 patterns match both forms;
 * an IPv6 pattern matches IPv6 peers, v4-mapped ones included, but never
 * the IPv4 peer of an IPv4 socket ([::]/0 is not ALL).
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

#include "acl.h"
#include "log.h"
#include "util.h"

#define SEPS		", \t\r\n\f\v"
#define MAXFIELDS	8	/* daemons, clients and options */

const unsigned char acl_v4mapped[12] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
};

/* Logs "FILE:LINE: message" and returns -1. */
int
acl_bad(const struct ctx *c, const char *fmt, ...)
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
		acl_bad(c, "too many patterns (limit %d)", ACL_MAXPAT);
		return NULL;
	}
	if (a->a_npat == a->a_patcap) {
		cap = a->a_patcap ? a->a_patcap * 2 : 64;
		if (cap > ACL_MAXPAT)
			cap = ACL_MAXPAT;
		if ((p = realloc(a->a_pat, (size_t)cap * sizeof(*p))) == NULL) {
			acl_bad(c, "%s", strerror(errno));
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
				return acl_bad(c, "empty list before EXCEPT");
			p->p_kind = P_EXCEPT;
			seg = 0;
			continue;
		}
		if ((client ? acl_client(c, p, tok) :
		    acl_daemon(c, p, tok)) == -1)
			return -1;
		seg++;
	}
	if (n == 0)
		return 0;
	if (seg == 0)
		return acl_bad(c, "empty list after EXCEPT");
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
		return acl_bad(c, "empty option");
	if (strcasecmp(opt, "allow") != 0 && strcasecmp(opt, "deny") != 0)
		return acl_bad(c, "unknown option '%.80s': only allow or deny",
		    opt);
	if (!first)
		return acl_bad(c, "only one option, allow or deny");
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
		return acl_bad(c, "missing ':' after the daemon list");
	/* An IPv6 address has two colons or more: "ALL: fe80::1". */
	if (nf > 3) {
		s = trim(f[2]);
		if (strspn(s, "0123456789abcdefABCDEF.") == strlen(s))
			return acl_bad(c, "an IPv6 address in a list is "
			    "written [addr]");
	}
	if (more)
		return acl_bad(c, "too many ':'");
	if (a->a_nent == ACL_MAXENT)
		return acl_bad(c, "too many entries (limit %d)", ACL_MAXENT);
	memset(&e, 0, sizeof(e));
	e.e_line = c->c_line;
	e.e_verdict = -1;
	e.e_daemon = a->a_npat;
	if ((e.e_ndaemon = parselist(c, f[0], 0)) == -1)
		goto fail;
	if (e.e_ndaemon == 0) {
		acl_bad(c, "empty daemon list");
		goto fail;
	}
	e.e_client = a->a_npat;
	if ((e.e_nclient = parselist(c, f[1], 1)) == -1)
		goto fail;
	if (e.e_nclient == 0) {
		acl_bad(c, "empty client list");
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
			acl_bad(c, "%s", strerror(errno));
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
			if (cont && plen > 0)
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
				acl_bad(&c, "line too long (limit %d bytes)",
				    ACL_LINEMAX);
			else
				acl_bad(&c, "NUL byte in line");
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

void
access_free(struct acl *a)
{
	if (a == NULL)
		return;
	free(a->a_ent);
	free(a->a_pat);
	free(a);
}
