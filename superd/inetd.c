/*
 * The fields of one inetd.conf line into a struct svconf:
 * [ADDR:]SERVICE SOCKTYPE PROTO WAIT[LIMITS] USER[:GROUP] PROGRAM [ARGS].
 * Every error names the file, the line and the field (conf_bad()).
 */
#define _GNU_SOURCE
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <netdb.h>
#include <stddef.h>
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

/*
 * A size: decimal, then k, m or g (1024, 1024^2, 1024^3), within [0, max].
 * Returns 0 and sets *v, or -1.
 */
int
inetd_size(const char *s, long long max, long long *v)
{
	long long n, mul = 1;
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	n = strtoll(s, &end, 10);
	if (errno == ERANGE)
		return -1;
	switch (*end) {
	case 'g': case 'G':
		mul *= 1024;
		/* FALLTHROUGH */
	case 'm': case 'M':
		mul *= 1024;
		/* FALLTHROUGH */
	case 'k': case 'K':
		mul *= 1024;
		end++;
		break;
	}
	if (*end != '\0' || n > max / mul)
		return -1;
	*v = n * mul;
	return 0;
}

/* One ",sndbuf=SIZE" or ",rcvbuf=SIZE" after PROTO (NetBSD, Debian). */
static int
protoopt(struct svconf *sc, const struct confline *l, char *opt)
{
	long long v;
	int *slot;

	if (strncmp(opt, "sndbuf=", 7) == 0)
		slot = &sc->sc_sndbuf;
	else if (strncmp(opt, "rcvbuf=", 7) == 0)
		slot = &sc->sc_rcvbuf;
	else
		return conf_bad(l, "unknown protocol option '%s'", opt);
	if (inetd_size(opt + 7, INT_MAX, &v) == -1 || v == 0)
		return conf_bad(l, "protocol option '%s': bad size", opt);
	*slot = (int)v;
	return 0;
}

/*
 * SOCKTYPE and PROTO[,sndbuf=SIZE][,rcvbuf=SIZE]: sets the socket type,
 * the family, v6only, sc_proto (PROTO without its options) and the socket
 * buffers.
 */
int
inetd_protocol(struct svconf *sc, const struct confline *l, const char *type,
    const char *proto)
{
	char buf[128], *opts, *o, *v;

	if (strcmp(type, "stream") == 0)
		sc->sc_socktype = SOCK_STREAM;
	else if (strcmp(type, "dgram") == 0)
		sc->sc_socktype = SOCK_DGRAM;
	else if (strcmp(type, "raw") == 0 || strcmp(type, "rdm") == 0 ||
	    strcmp(type, "seqpacket") == 0)
		return conf_bad(l, "socket type '%s' is not supported: stream "
		    "or dgram", type);
	else
		return conf_bad(l, "unknown socket type '%s'", type);
	if ((size_t)snprintf(buf, sizeof(buf), "%s", proto) >= sizeof(buf))
		return conf_bad(l, "unknown protocol '%.40s...'", proto);
	if ((opts = strchr(buf, ',')) != NULL)
		*opts++ = '\0';
	free(sc->sc_proto);
	if ((sc->sc_proto = strdup(buf)) == NULL)
		return conf_bad(l, "%s", strerror(errno));
	while ((o = strsep(&opts, ",")) != NULL)
		if (protoopt(sc, l, o) == -1)
			return -1;
	if (strncmp(buf, "rpc/", 4) == 0)
		return conf_bad(l, "protocol '%s': RPC services are not "
		    "supported", buf);
	if (strncmp(buf, "faith/", 6) == 0)
		return conf_bad(l, "protocol '%s': faithd is not supported",
		    buf);
	if (strcmp(buf, "unix") == 0) {
		sc->sc_family = AF_UNIX;
		return 0;
	}
	if (strncmp(buf, "tcp", 3) == 0 && sc->sc_socktype == SOCK_STREAM)
		v = buf + 3;
	else if (strncmp(buf, "udp", 3) == 0 && sc->sc_socktype == SOCK_DGRAM)
		v = buf + 3;
	else if (strncmp(buf, "tcp", 3) == 0 || strncmp(buf, "udp", 3) == 0)
		return conf_bad(l, "protocol '%s' does not fit the socket type",
		    buf);
	else
		return conf_bad(l, "unknown protocol '%s'", buf);
	if (strcmp(v, "4") == 0)
		sc->sc_family = AF_INET;
	else if (strcmp(v, "6") == 0) {
		sc->sc_family = AF_INET6;
		sc->sc_v6only = 1;
	} else if (strcmp(v, "") == 0 || strcmp(v, "46") == 0)
		sc->sc_family = sock_haveipv6() ? AF_INET6 : AF_INET;
	else
		return conf_bad(l, "unknown protocol '%s'", buf);
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

/* SERVICE as written, and the handler's SUPERD_SERVICE, written once. */
static int
setname(struct svconf *sc, const struct confline *l, const char *svc)
{
	if ((sc->sc_name = strdup(svc)) == NULL ||
	    (sc->sc_envsvc = malloc(strlen(svc) + 16)) == NULL)
		return conf_bad(l, "%s", strerror(errno));
	(void)sprintf(sc->sc_envsvc, "SUPERD_SERVICE=%s", svc);
	return 0;
}

/* A UNIX socket at path: a struct sockaddr_un, zeroed past the path. */
static int
unixpath(struct svconf *sc, const struct confline *l, const char *path)
{
	struct sockaddr_un *su = (void *)&sc->sc_addr;
	size_t len = strlen(path);

	if (path[0] != '/')
		return conf_bad(l, "UNIX socket '%s': not an absolute path",
		    path);
	if (len >= sizeof(su->sun_path))
		return conf_bad(l, "UNIX socket '%.40s...': path longer than "
		    "%zu bytes", path, sizeof(su->sun_path) - 1);
	/* Zeroed whole: conf_samesocket() compares the bytes. */
	memset(&sc->sc_addr, 0, sizeof(sc->sc_addr));
	su->sun_family = AF_UNIX;
	memcpy(su->sun_path, path, len + 1);
	sc->sc_addrlen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
	    len + 1);
	if ((sc->sc_host = strdup(path)) == NULL)
		return conf_bad(l, "%s", strerror(errno));
	return setname(sc, l, path);
}

/*
 * [ADDR:]SERVICE, after inetd_protocol(): resolves the address to bind.
 * bind (key-values) is the address when SERVICE has none; without either,
 * an `ADDR:` line's, else all addresses.  For a UNIX socket SERVICE is the
 * path, and an address does not apply.
 */
int
inetd_service(struct svconf *sc, const struct confline *l, char *field,
    const char *bind)
{
	struct addrinfo hints, *res;
	const char *host = NULL, *svc = field, *errstr;
	const char *pname = sc->sc_socktype == SOCK_STREAM ? "tcp" : "udp";
	struct servent *se;
	char *p, portstr[8];
	long long port;
	int e, literal6 = 0;

	if (sc->sc_family == AF_UNIX)
		return unixpath(sc, l, field);
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
	if (host != NULL && *host == '\0')
		return conf_bad(l, "empty address in '%s'", field);
	if (host != NULL && bind != NULL)
		return conf_bad(l, "key 'bind': SERVICE has an address already "
		    "('%s')", host);
	if (host == NULL && (host = bind) == NULL &&
	    (host = l->cl_defhost) == NULL)
		host = "*";
	if (host == bind || host == l->cl_defhost) {
		if (*host == '[' && (p = strchr(host, ']')) != NULL &&
		    p[1] == '\0') {
			if ((sc->sc_host = strndup(host + 1,
			    (size_t)(p - host - 1))) == NULL)
				return conf_bad(l, "%s", strerror(errno));
			host = sc->sc_host;
			literal6 = 1;
		}
	}
	if (*svc == '\0')
		return conf_bad(l, "empty service in '%s'", field);
	if (strncmp(svc, "tcpmux/", 7) == 0)
		return conf_bad(l, "service '%s': tcpmux is not supported",
		    svc);
	if (strchr(svc, '/') != NULL)
		return conf_bad(l, "service '%s': RPC services are not "
		    "supported", svc);
	if (sc->sc_host == NULL && (sc->sc_host = strdup(host)) == NULL)
		return conf_bad(l, "%s", strerror(errno));
	if (setname(sc, l, svc) == -1)
		return -1;
	if (*svc >= '0' && *svc <= '9') {
		port = parsenum(svc, 0, 65535, &errstr);
		if (errstr != NULL)
			return conf_bad(l, "port '%s': %s", svc, errstr);
	} else if ((se = getservbyname(svc, pname)) != NULL)
		port = ntohs((unsigned short)se->s_port);
	else
		return conf_bad(l, "unknown service '%s'", svc);
	if (strcmp(host, "*") == 0) {
		wildcard(sc, sc->sc_family, port);
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
	sc->sc_family = res->ai_family;
	freeaddrinfo(res);
	return 0;
}

/*
 * WAIT[LIMITS][@SECONDS]: wait or nowait, then .N (OpenBSD, netkit; :N
 * NetBSD) and/or /A/B/C (FreeBSD, each part may be empty), then a time
 * limit.
 */
int
inetd_wait(struct svconf *sc, const struct confline *l, char *f)
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
	if (*p == '.' || *p == ':') {
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

/*
 * USER[:GROUP] or USER.GROUP (a user name may hold a dot); or, with grp
 * (key-values' group), USER as it is.
 */
int
inetd_user(struct svconf *sc, const struct confline *l, char *f, char *grp)
{
	const char *err = NULL;
	int split = grp == NULL;

	if (split && (grp = strchr(f, ':')) != NULL)
		*grp++ = '\0';
	sc->sc_usr = userdb_get(l->cl_db, f, grp, &err);
	if (sc->sc_usr == NULL && split && grp == NULL &&
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

/*
 * PROGRAM [ARGV0 ARGS...]: a path relative to the folder of the file the
 * line is in, or internal.
 */
int
inetd_program(struct svconf *sc, const struct confline *l, char **f, int n)
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

	if (n < 6) {
		(void)conf_bad(l, "%d fields, need at least 6", n);
		return NULL;
	}
	if ((sc = conf_new(l)) == NULL)
		return NULL;
	if (inetd_protocol(sc, l, f[1], f[2]) == -1 ||
	    inetd_service(sc, l, f[0], NULL) == -1 ||
	    inetd_wait(sc, l, f[3]) == -1 ||
	    inetd_user(sc, l, f[4], NULL) == -1 ||
	    inetd_program(sc, l, f + 5, n - 5) == -1) {
		conf_free(sc);
		return NULL;
	}
	return sc;
}
