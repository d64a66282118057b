/*
 * conn.c: httpget's side of the network: the clock, waiting on a socket,
 * connecting to every address a name resolves to in turn [nc
 * remote_connect], and sending.  The times and addresses -w prints are
 * taken here, where they happen.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "hg.h"
#include "url.h"

static char remote_ip[INET6_ADDRSTRLEN], local_ip[INET6_ADDRSTRLEN];

long long
now_us(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) == -1)
		return 0;
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

long long
now_ms(void)
{
	return now_us() / 1000;
}

const char *
cause(int e)
{
	static char buf[128];

	(void)snprintf(buf, sizeof(buf), "%s", strerror(e));
	buf[0] = (char)tolower((unsigned char)buf[0]);
	return buf;
}

int
waitfd(int fd, short events, long long deadline)
{
	struct pollfd pfd;
	long long left;
	int r;

	pfd.fd = fd;
	pfd.events = events;
	for (;;) {
		left = -1;
		if (deadline > 0 && (left = deadline - now_ms()) < 0)
			left = 0;
		r = poll(&pfd, 1, left > INT_MAX ? INT_MAX : (int)left);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == 0 && left > INT_MAX)
			continue;
		if (r == -1)
			return POLLERR;
		return r == 0 ? 0 : pfd.revents;
	}
}

/* Notes the two ends of the connected FD for -w. */
static void
addresses(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len;
	char sv[8];

	len = sizeof(ss);
	if (getpeername(fd, (struct sockaddr *)&ss, &len) == 0 &&
	    getnameinfo((struct sockaddr *)&ss, len, remote_ip,
	    sizeof(remote_ip), sv, sizeof(sv), NI_NUMERICHOST |
	    NI_NUMERICSERV) == 0) {
		xf.x_remote_ip = remote_ip;
		xf.x_remote_port = atoi(sv);
	}
	len = sizeof(ss);
	if (getsockname(fd, (struct sockaddr *)&ss, &len) == 0 &&
	    getnameinfo((struct sockaddr *)&ss, len, local_ip,
	    sizeof(local_ip), sv, sizeof(sv), NI_NUMERICHOST |
	    NI_NUMERICSERV) == 0) {
		xf.x_local_ip = local_ip;
		xf.x_local_port = atoi(sv);
	}
}

/* The scope of an IPv6 zone ("fe80::1%eth0"): glibc's getaddrinfo takes
 * one on link-local addresses only, curl on any, so it is set here. */
static unsigned long
zone_scope(char *name, const char *host)
{
	unsigned long scope;
	char *zone, *end;

	if ((zone = strchr(name, '%')) == NULL)
		return 0;
	*zone++ = '\0';
	if ((scope = if_nametoindex(zone)) == 0) {
		scope = strtoul(zone, &end, 10);
		if (!isdigit((unsigned char)*zone) || *end != '\0' ||
		    scope == 0 || (uint32_t)scope != scope)
			die(HG_RESOLVE, host, "no network interface '%s'",
			    zone);
	}
	return scope;
}

/* A place to connect to: one of its addresses. */
struct addr {
	struct sockaddr_storage	a_sa;
	socklen_t		a_len;
};

#define NADDR		64	/* addresses tried for one name */
#define NENTRY		32	/* --resolve and --connect-to entries */

static struct resolve {
	char		r_host[URL_HOSTMAX];
	unsigned	r_port;
	char		r_addrs[512];	/* "a,b,c", brackets removed */
} resolves[NENTRY];
static int nresolves;

static struct connectto {
	char		c_host[URL_HOSTMAX];	/* "" for any */
	unsigned	c_port;			/* 0 for any */
	char		c_host2[URL_HOSTMAX];	/* "" for the same */
	unsigned	c_port2;		/* 0 for the same */
} connecttos[NENTRY];
static int nconnecttos;

/*
 * Takes a host ("name", "[v6]" or "") up to ':' from *P into BUF, then
 * the ':' and a port (digits or "", EMPTYOK) up to END.  Returns 0, or
 * -1 with a cause.
 */
static int
hostport(const char **p, char *buf, size_t n, unsigned *port, int emptyok,
    const char **why)
{
	const char *s = *p, *e;
	unsigned long v;
	size_t len;
	char *end;

	if (*s == '[') {
		if ((e = strchr(s, ']')) == NULL || e[1] != ':') {
			*why = "'[' without ']:'";
			return -1;
		}
		s++;
	} else if ((e = strchr(s, ':')) == NULL) {
		*why = "no ':' after the host";
		return -1;
	}
	if ((len = (size_t)(e - s)) >= n) {
		*why = "host name too long";
		return -1;
	}
	memcpy(buf, s, len);
	buf[len] = '\0';
	s = e + (*e == ']' ? 2 : 1);
	*port = 0;
	if (*s == ':' || *s == '\0') {
		if (!emptyok) {
			*why = "no port";
			return -1;
		}
	} else {
		errno = 0;
		v = strtoul(s, &end, 10);
		if (!isdigit((unsigned char)*s) || errno != 0 || v == 0 ||
		    v > 65535 || (*end != ':' && *end != '\0')) {
			*why = "bad port";
			return -1;
		}
		*port = (unsigned)v;
		s = end;
	}
	*p = s;
	return 0;
}

int
resolve_add(const char *arg, char *err, size_t n)
{
	struct resolve *r = &resolves[nresolves];
	unsigned char bin[16];
	char one[INET6_ADDRSTRLEN + 2], *d;
	const char *p = arg, *why = NULL;
	size_t len;

	if (nresolves == NENTRY)
		why = "too many --resolve entries";
	else if (hostport(&p, r->r_host, sizeof(r->r_host), &r->r_port, 0,
	    &why) == 0 && *p++ != ':')
		why = "no address";
	for (d = r->r_addrs; why == NULL && *p != '\0'; p += len) {
		p += *p == ',';
		len = strcspn(p, ",");
		if (len >= sizeof(one) || len == 0) {
			why = "bad address";
			break;
		}
		(void)snprintf(one, sizeof(one), "%.*s", (int)len, p);
		if (one[0] == '[' && one[len - 1] == ']') {
			one[len - 1] = '\0';
			memmove(one, one + 1, len - 1);
		}
		if (inet_pton(AF_INET, one, bin) != 1 &&
		    inet_pton(AF_INET6, one, bin) != 1) {
			why = "bad address";
			break;
		}
		if ((size_t)(d - r->r_addrs) + strlen(one) + 2 >
		    sizeof(r->r_addrs)) {
			why = "too many addresses";
			break;
		}
		d += sprintf(d, "%s%s", d == r->r_addrs ? "" : ",", one);
	}
	if (why == NULL && r->r_addrs[0] == '\0')
		why = "no address";
	if (why != NULL) {
		(void)snprintf(err, n, "%s", why);
		return -1;
	}
	nresolves++;
	return 0;
}

int
connectto_add(const char *arg, char *err, size_t n)
{
	struct connectto *c = &connecttos[nconnecttos];
	const char *p = arg, *why = NULL;

	if (nconnecttos == NENTRY)
		why = "too many --connect-to entries";
	else if (hostport(&p, c->c_host, sizeof(c->c_host), &c->c_port, 1,
	    &why) == 0) {
		if (*p++ != ':')
			why = "not HOST1:PORT1:HOST2:PORT2";
		else if (hostport(&p, c->c_host2, sizeof(c->c_host2),
		    &c->c_port2, 1, &why) == 0 && *p != '\0')
			why = "not HOST1:PORT1:HOST2:PORT2";
	}
	if (why != NULL) {
		(void)snprintf(err, n, "%s", why);
		return -1;
	}
	nconnecttos++;
	return 0;
}

/* Adds the addresses NAME (a name, or a numeric address when NUMERIC)
 * resolves to for PORT; returns getaddrinfo's status. */
static int
lookup(const char *name, const char *port, int numeric, struct addr *a,
    int *na)
{
	struct addrinfo hints, *res, *ai;
	int gai;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = cfg.family;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV | (numeric ? AI_NUMERICHOST : 0);
	if ((gai = getaddrinfo(name, port, &hints, &res)) != 0)
		return gai;
	for (ai = res; ai != NULL && *na < NADDR; ai = ai->ai_next) {
		if (ai->ai_addrlen > sizeof(a[*na].a_sa))
			continue;
		memcpy(&a[*na].a_sa, ai->ai_addr, ai->ai_addrlen);
		a[(*na)++].a_len = ai->ai_addrlen;
	}
	freeaddrinfo(res);
	return 0;
}

/* The addresses of HOST PORT, from --resolve or the name service;
 * exits when there are none. */
static int
addresses_of(const char *host, unsigned port, const char *label,
    struct addr *a, long long deadline)
{
	char name[URL_HOSTMAX], portstr[8], one[INET6_ADDRSTRLEN];
	const char *p;
	unsigned long scope;
	size_t len;
	int i, gai = 0, na = 0;

	(void)snprintf(portstr, sizeof(portstr), "%u", port);
	for (i = 0; i < nresolves; i++)
		if (resolves[i].r_port == port &&
		    strcasecmp(resolves[i].r_host, host) == 0)
			break;
	if (i < nresolves) {
		for (p = resolves[i].r_addrs; *p != '\0'; p += len) {
			p += *p == ',';
			len = strcspn(p, ",");
			(void)snprintf(one, sizeof(one), "%.*s", (int)len, p);
			(void)lookup(one, portstr, 1, a, &na);
		}
		xf.x_t_namelookup = now_us() - start_us;
		if (na == 0)
			die(HG_RESOLVE, host, "no address of --resolve's of "
			    "this family");
		return na;
	}
	(void)snprintf(name, sizeof(name), "%s", host);
	scope = zone_scope(name, host);
	alarm_at(deadline, host, "timed out looking up the name");
	gai = lookup(name, portstr, scope != 0, a, &na);
	if (deadline > 0)
		alarm_off(label);
	xf.x_t_namelookup = now_us() - start_us;
	if (gai == EAI_NONAME
#ifdef EAI_NODATA
	    || gai == EAI_NODATA
#endif
	    )
		die(HG_RESOLVE, host, NULL);
	if (gai != 0)
		die(HG_RESOLVE, host, "unknown host (%s)", gai_strerror(gai));
	for (i = 0; scope != 0 && i < na; i++)
		if (a[i].a_sa.ss_family == AF_INET6)
			((struct sockaddr_in6 *)(void *)&a[i].a_sa)->
			    sin6_scope_id = (uint32_t)scope;
	return na;
}

/* Connects to the UNIX socket of --unix-socket. */
static int
connect_unix(const char *path)
{
	struct sockaddr_un sun;
	struct stat st;
	int fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path))
		die(HG_CONNECT, path, "%s", cause(ENAMETOOLONG));
	(void)strcpy(sun.sun_path, path);
	if (stat(path, &st) == -1)
		die(HG_CONNECT, path, "%s", cause(errno));
	if (!S_ISSOCK(st.st_mode))
		die(HG_CONNECT, path, "not a socket");
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    0)) == -1)
		die(HG_CONNECT, path, "socket: %s", cause(errno));
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1 &&
	    errno != EINPROGRESS && errno != EAGAIN) {
		(void)close(fd);
		die(HG_CONNECT, path, "%s", cause(errno));
	}
	xf.x_t_namelookup = xf.x_t_connect = now_us() - start_us;
	xf.x_num_connects++;
	if (cfg.verbose)
		fprintf(stderr, "* Connected to %s\n", path);
	return fd;
}

/* A new connection to HOST PORT, or where --connect-to sends it. */
static int
connect_to(const char *host, unsigned port, const char *label)
{
	static struct addr a[NADDR];
	char addr[INET6_ADDRSTRLEN], sv[8];
	long long deadline = 0, share;
	int fd, e = ECONNREFUSED, i, na, timedout = 0;
	socklen_t len;

	if (cfg.unix_socket != NULL)
		return connect_unix(cfg.unix_socket);
	for (i = 0; i < nconnecttos; i++)
		if ((connecttos[i].c_host[0] == '\0' ||
		    strcasecmp(connecttos[i].c_host, host) == 0) &&
		    (connecttos[i].c_port == 0 ||
		    connecttos[i].c_port == port)) {
			if (connecttos[i].c_host2[0] != '\0')
				host = connecttos[i].c_host2;
			if (connecttos[i].c_port2 != 0)
				port = connecttos[i].c_port2;
			if (cfg.verbose)
				fprintf(stderr, "* Connecting to %s port %u "
				    "(--connect-to)\n", host, port);
			break;
		}
	if (cfg.ctimeout_ms > 0)
		deadline = now_ms() + cfg.ctimeout_ms;
	if (deadline_ms > 0 && (deadline == 0 || deadline_ms < deadline))
		deadline = deadline_ms;
	na = addresses_of(host, port, label, a, deadline);

	for (i = 0; i < na; i++) {
		if (cfg.verbose && getnameinfo((struct sockaddr *)&a[i].a_sa,
		    a[i].a_len, addr, sizeof(addr), sv, sizeof(sv),
		    NI_NUMERICHOST | NI_NUMERICSERV) == 0)
			fprintf(stderr, "*   Trying %s%s%s:%s...\n",
			    a[i].a_sa.ss_family == AF_INET6 ? "[" : "", addr,
			    a[i].a_sa.ss_family == AF_INET6 ? "]" : "", sv);
		fd = socket(a[i].a_sa.ss_family, SOCK_STREAM | SOCK_CLOEXEC |
		    SOCK_NONBLOCK, 0);
		if (fd == -1) {
			e = errno;
			continue;
		}
		if (connect(fd, (struct sockaddr *)&a[i].a_sa, a[i].a_len) ==
		    0)
			goto out;
		if (errno != EINPROGRESS) {
			e = errno;
			(void)close(fd);
			continue;
		}
		share = 0;
		if (deadline > 0)
			share = now_ms() + (deadline - now_ms()) / (na - i);
		if (waitfd(fd, POLLOUT, share) == 0) {
			timedout = 1;
			(void)close(fd);
			continue;
		}
		len = sizeof(e);
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len) == -1)
			e = errno;
		if (e == 0)
			goto out;
		(void)close(fd);
	}
	if (timedout && deadline > 0 && now_ms() >= deadline) {
		if (deadline == deadline_ms)
			timeout(label);
		die(HG_TIMEOUT, label, "connect timed out after %s s",
		    cfg.ctimeout_str);
	}
	die(HG_CONNECT, label, "%s", cause(e));
out:
	xf.x_t_connect = now_us() - start_us;
	xf.x_num_connects++;
	addresses(fd);
	if (cfg.verbose)
		fprintf(stderr, "* Connected to %s port %u\n", host, port);
	return fd;
}

/*
 * The connections kept between requests: few places in one run, so a
 * small table, the least recently used one closed when it is full.
 */
#define NKEPT		8

static struct kept {
	int		k_fd;		/* -1: free */
	unsigned	k_port;
	long long	k_used;
	char		k_host[URL_HOSTMAX];
} kept[NKEPT];
static int kept_init;

int
conn_get(const char *host, unsigned port, const char *label, int *reused)
{
	struct pollfd pfd;
	int i, fd;

	for (i = 0; kept_init && i < NKEPT; i++) {
		if (kept[i].k_fd == -1 || kept[i].k_port != port ||
		    strcasecmp(kept[i].k_host, host) != 0)
			continue;
		fd = kept[i].k_fd;
		kept[i].k_fd = -1;
		/* Readable while idle: the server closed it, or sent what
		 * nothing asked for; either way it is not to be used. */
		pfd.fd = fd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, 0) != 0) {
			(void)close(fd);
			break;
		}
		*reused = 1;
		if (cfg.verbose)
			fprintf(stderr, "* Reusing the connection to %s\n",
			    label);
		return fd;
	}
	*reused = 0;
	return connect_to(host, port, label);
}

void
conn_put(int fd, const char *host, unsigned port, int keep)
{
	int i, old = 0;

	if (!kept_init) {
		for (i = 0; i < NKEPT; i++)
			kept[i].k_fd = -1;
		kept_init = 1;
	}
	if (!keep || strlen(host) >= sizeof(kept[0].k_host)) {
		(void)close(fd);
		return;
	}
	for (i = 0; i < NKEPT; i++) {
		if (kept[i].k_fd == -1)
			break;
		if (kept[i].k_used < kept[old].k_used)
			old = i;
	}
	if (i == NKEPT) {
		(void)close(kept[old].k_fd);
		i = old;
	}
	kept[i].k_fd = fd;
	kept[i].k_port = port;
	kept[i].k_used = now_us();
	(void)strcpy(kept[i].k_host, host);
}

void
conn_drop(int fd)
{
	if (fd >= 0)
		(void)close(fd);
}

int
send_all(int fd, const char *p, size_t n, const char *label)
{
	ssize_t w;

	while (n > 0) {
		w = send(fd, p, n, MSG_NOSIGNAL);
		if (w > 0) {
			p += w;
			n -= (size_t)w;
		} else if (w == -1 && errno == EAGAIN) {
			if (waitfd(fd, POLLOUT, deadline_ms) == 0)
				timeout(label);
		} else if (w == -1 && (errno == EPIPE || errno == ECONNRESET))
			return -1;
		else if (w == -1 && errno != EINTR)
			die(HG_SEND, label, "send: %s", cause(errno));
	}
	return 0;
}
