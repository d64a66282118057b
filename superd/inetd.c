/*
 * The fields of one inetd.conf line into a struct svconf:
 * [ADDR:]SERVICE SOCKTYPE PROTO WAIT[LIMITS] USER[:GROUP] PROGRAM [ARGS].
 * Every error names the file, the line and the field (conf_bad()).
 */
#define _GNU_SOURCE
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <netinet/in.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "confline.h"
#include "log.h"
#include "sock.h"
#include "user.h"
#include "util.h"

/* SOCKTYPE and PROTO: sets socket type, family wanted and v6only. */
static int
protocol(struct svconf *sc, const struct confline *l, const char *type,
    const char *proto, int *family)
{
	const char *v;

	if (strcmp(type, "stream") == 0)
		sc->sc_socktype = SOCK_STREAM;
	else if (strcmp(type, "dgram") == 0)
		sc->sc_socktype = SOCK_DGRAM;
	else
		return conf_bad(l, "unknown socket type '%s'", type);
	if (strncmp(proto, "tcp", 3) == 0 && sc->sc_socktype == SOCK_STREAM)
		v = proto + 3;
	else if (strncmp(proto, "udp", 3) == 0 && sc->sc_socktype == SOCK_DGRAM)
		v = proto + 3;
	else if (strncmp(proto, "tcp", 3) == 0 || strncmp(proto, "udp", 3) == 0)
		return conf_bad(l, "protocol '%s' does not fit the socket type",
		    proto);
	else
		return conf_bad(l, "unknown protocol '%s'", proto);
	if (strcmp(v, "4") == 0)
		*family = AF_INET;
	else if (strcmp(v, "6") == 0) {
		*family = AF_INET6;
		sc->sc_v6only = 1;
	} else if (strcmp(v, "") == 0 || strcmp(v, "46") == 0)
		*family = sock_haveipv6() ? AF_INET6 : AF_INET;
	else
		return conf_bad(l, "unknown protocol '%s'", proto);
	sc->sc_family = *family;
	return 0;
}

/* The wildcard address of family, on port. */
static void
wildcard(struct svconf *sc, int family, long long port)
{
	struct sockaddr_in6 *s6 = (void *)&sc->sc_addr;
	struct sockaddr_in *s4 = (void *)&sc->sc_addr;

	memset(&sc->sc_addr, 0, sizeof(sc->sc_addr));
	if (family == AF_INET6) {
		s6->sin6_family = AF_INET6;
		s6->sin6_addr = in6addr_any;
		s6->sin6_port = htons((unsigned short)port);
		sc->sc_addrlen = sizeof(*s6);
	} else {
		s4->sin_family = AF_INET;
		s4->sin_addr.s_addr = htonl(INADDR_ANY);
		s4->sin_port = htons((unsigned short)port);
		sc->sc_addrlen = sizeof(*s4);
	}
}

/* [ADDR:]SERVICE: resolves the address to bind. */
static int
address(struct svconf *sc, const struct confline *l, char *field, int family)
{
	struct addrinfo hints, *res;
	const char *host = "*", *svc = field, *errstr;
	const char *pname = sc->sc_socktype == SOCK_STREAM ? "tcp" : "udp";
	struct servent *se;
	char *p, portstr[8];
	long long port;
	int e, literal6 = 0;

	if (field[0] == '[') {
		if ((p = strchr(field, ']')) == NULL || p[1] != ':')
			return conf_bad(l, "bad address in '%s'", field);
		*p = '\0';
		host = field + 1;
		svc = p + 2;
		literal6 = 1;
	} else if ((p = strrchr(field, ':')) != NULL) {
		*p = '\0';
		host = field;
		svc = p + 1;
	}
	if (*host == '\0')
		return conf_bad(l, "empty address in '%s'", field);
	if ((sc->sc_host = strdup(host)) == NULL ||
	    (sc->sc_name = strdup(svc)) == NULL ||
	    (sc->sc_envsvc = malloc(strlen(svc) + 16)) == NULL)
		return conf_bad(l, "%s", strerror(errno));
	/* the handler's SUPERD_SERVICE, written once, not per connection */
	(void)sprintf(sc->sc_envsvc, "SUPERD_SERVICE=%s", svc);
	if (*svc >= '0' && *svc <= '9') {
		port = parsenum(svc, 0, 65535, &errstr);
		if (errstr != NULL)
			return conf_bad(l, "port '%s': %s", svc, errstr);
	} else if ((se = getservbyname(svc, pname)) != NULL)
		port = ntohs((unsigned short)se->s_port);
	else
		return conf_bad(l, "unknown service '%s'", svc);
	if (strcmp(host, "*") == 0) {
		wildcard(sc, family, port);
		return 0;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = sc->sc_socktype;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	/* "tcp" binds whatever ADDR is; tcp4 and tcp6 insist on a family. */
	if (sc->sc_v6only)
		hints.ai_family = AF_INET6;
	else if (strchr(sc->sc_proto, '4') != NULL &&
	    strstr(sc->sc_proto, "46") == NULL)
		hints.ai_family = AF_INET;
	if (literal6)
		hints.ai_flags |= AI_NUMERICHOST;
	(void)snprintf(portstr, sizeof(portstr), "%lld", port);
	if ((e = getaddrinfo(host, portstr, &hints, &res)) != 0)
		return conf_bad(l, "address '%s': %s", host, gai_strerror(e));
	memcpy(&sc->sc_addr, res->ai_addr, res->ai_addrlen);
	sc->sc_addrlen = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

/*
 * WAIT[LIMITS][@SECONDS]: wait or nowait, then .N (OpenBSD, netkit) and/or
 * /A/B/C (FreeBSD, each part may be empty), then a time limit.
 */
static int
waitfield(struct svconf *sc, const struct confline *l, char *f)
{
	const char *errstr;
	char *p, *at, *part, orig[128];
	int *slot[3], i;
	long long v;

	(void)snprintf(orig, sizeof(orig), "%s", f);
	if ((at = strchr(f, '@')) != NULL) {
		*at++ = '\0';
		v = parsenum(at, 1, INT_MAX, &errstr);
		if (errstr != NULL)
			return conf_bad(l, "time limit '%s': bad number", at);
		sc->sc_timelimit = (int)v;
	}
	if (strncmp(f, "nowait", 6) == 0) {
		p = f + 6;
	} else if (strncmp(f, "wait", 4) == 0) {
		sc->sc_wait = 1;
		p = f + 4;
	} else
		return conf_bad(l, "unknown wait field '%s'", f);
	if (*p == '.') {
		part = ++p;
		if ((p = strchr(p, '/')) != NULL)
			*p = '\0';
		v = parsenum(part, 0, INT_MAX, &errstr);
		if (errstr != NULL)
			return conf_bad(l, "spawn limit '%s': bad number", part);
		sc->sc_spawnmax = (int)v;
		if (p != NULL)
			*p = '/';
		else
			p = part + strlen(part);
	}
	if (*p == '/') {
		slot[0] = &sc->sc_maxchild;
		slot[1] = &sc->sc_maxcpm;
		slot[2] = &sc->sc_maxperip;
		p++;
		for (i = 0; i < 3 && p != NULL; i++) {
			part = strsep(&p, "/");
			if (*part == '\0')
				continue;
			v = parsenum(part, 0, INT_MAX, &errstr);
			if (errstr != NULL)
				return conf_bad(l, "limit '%s': bad number",
				    part);
			*slot[i] = (int)v;
		}
		if (p != NULL)
			return conf_bad(l, "too many limits in '%s'", orig);
	} else if (*p != '\0')
		return conf_bad(l, "unknown wait field '%s'", f);
	if (sc->sc_wait && sc->sc_socktype == SOCK_STREAM &&
	    (sc->sc_maxcpm || sc->sc_maxperip))
		return conf_bad(l, "per-source limits need nowait ('%s')", orig);
	return 0;
}

/* USER[:GROUP] or USER.GROUP (a user name may hold a dot). */
static int
userfield(struct svconf *sc, const struct confline *l, char *f)
{
	const char *err = NULL;
	char *grp;

	if ((grp = strchr(f, ':')) != NULL)
		*grp++ = '\0';
	sc->sc_usr = userdb_get(l->cl_db, f, grp, &err);
	if (sc->sc_usr == NULL && grp == NULL &&
	    (grp = strchr(f, '.')) != NULL) {
		*grp++ = '\0';
		sc->sc_usr = userdb_get(l->cl_db, f, grp, &err);
	}
	if (sc->sc_usr == NULL)
		return conf_bad(l, "%s '%s'", err,
		    strcmp(err, "unknown group") == 0 ? grp : f);
	return 0;
}

/*
 * internal [NAME] [OPTIONS]: the builtin the word after `internal` names
 * (unless it is an option), else the one SERVICE names, with its options
 * as its handler takes them (daytime's -u and -f FORMAT).
 */
static int
internal(struct svconf *sc, const struct confline *l, char **f, int n)
{
	const char *name = sc->sc_name, *arg, *o;
	int i = 1;

	if (n > 1 && f[1][0] != '-')
		name = f[i++];
	if ((sc->sc_bi = proto_find(name)) == NULL || !sc->sc_bi->p_internal)
		return conf_bad(l, "no internal service '%s'", name);
	for (; i < n; i++) {
		if (f[i][0] != '-' || f[i][1] == '\0')
			return conf_bad(l, "internal '%s': '%s' is not an "
			    "option", name, f[i]);
		for (o = f[i] + 1; *o != '\0'; o++) {
			if (strchr(sc->sc_bi->p_optstring, *o) == NULL)
				return conf_bad(l, "internal '%s' has no "
				    "option -%c", name, *o);
			arg = NULL;
			if (strchr(sc->sc_bi->p_optstring, *o)[1] == ':') {
				if (o[1] == '\0' && i + 1 == n)
					return conf_bad(l, "internal '%s': -%c "
					    "needs a value", name, *o);
				free(sc->sc_bifmt);
				if ((sc->sc_bifmt = strdup(o[1] != '\0' ?
				    o + 1 : f[++i])) == NULL)
					return conf_bad(l, "%s",
					    strerror(errno));
				arg = sc->sc_bifmt;
			}
			(void)proto_option(sc->sc_bi, &sc->sc_biopts, *o, arg);
			if (arg != NULL)
				break;
		}
	}
	return 0;
}

/* PROGRAM [ARGV0 ARGS...]. */
static int
program(struct svconf *sc, const struct confline *l, char **f, int n)
{
	char path[PATH_MAX];
	struct stat st;
	int i;

	if (strcmp(f[0], "internal") == 0)
		return internal(sc, l, f, n);
	if (f[0][0] == '/')
		(void)snprintf(path, sizeof(path), "%s", f[0]);
	else if ((size_t)snprintf(path, sizeof(path), "%s/%s", l->cl_dir,
	    f[0]) >= sizeof(path))
		return conf_bad(l, "program '%s': path too long", f[0]);
	if (stat(path, &st) == -1)
		return conf_bad(l, "program '%s': %s", path, strerror(errno));
	if (!S_ISREG(st.st_mode) || access(path, X_OK) == -1)
		return conf_bad(l, "program '%s': not an executable file", path);
	if ((sc->sc_prog = strdup(path)) == NULL ||
	    (sc->sc_argv = calloc((size_t)(n > 1 ? n : 2), sizeof(char *))) ==
	    NULL)
		return conf_bad(l, "%s", strerror(errno));
	if (n == 1 && (sc->sc_argv[0] = strdup(basename(path))) == NULL)
		return conf_bad(l, "%s", strerror(errno));
	for (i = 1; i < n; i++)
		if ((sc->sc_argv[i - 1] = strdup(f[i])) == NULL)
			return conf_bad(l, "%s", strerror(errno));
	return 0;
}

/*
 * One inetd.conf line, already split into n fields.  Returns its svconf,
 * still to be finished (conf.c), or NULL after logging why.
 */
struct svconf *
inetd_line(const struct confline *l, char **f, int n)
{
	struct svconf *sc;
	int family = AF_UNSPEC;

	if (n < 6) {
		(void)conf_bad(l, "%d fields, need at least 6", n);
		return NULL;
	}
	if ((sc = conf_new(l)) == NULL)
		return NULL;
	if ((sc->sc_proto = strdup(f[2])) == NULL) {
		(void)conf_bad(l, "%s", strerror(errno));
		goto fail;
	}
	if (protocol(sc, l, f[1], f[2], &family) == -1 ||
	    address(sc, l, f[0], family) == -1 ||
	    waitfield(sc, l, f[3]) == -1 ||
	    userfield(sc, l, f[4]) == -1 ||
	    program(sc, l, f + 5, n - 5) == -1)
		goto fail;
	return sc;
fail:
	conf_free(sc);
	return NULL;
}
