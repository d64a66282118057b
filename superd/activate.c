/*
 * Socket activation, as systemd and systemd-socket-activate(1) do it (and
 * superd itself across an upgrade): when LISTEN_PID is superd's pid, the
 * LISTEN_FDS descriptors from fd 3 are sockets already bound, optionally
 * named by the colon-separated LISTEN_FDNAMES.  Each is taken by the
 * configured service with the same socket type, family, address and port,
 * or else by one whose SERVICE field is its name; an entry that takes one
 * never binds.  What no entry takes is logged and closed.  The three
 * variables leave the environment whoever they were meant for.
 */
#define _GNU_SOURCE
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "activate.h"
#include "conf.h"
#include "log.h"
#include "sock.h"
#include "util.h"

#define ACTIVATE_MAX	65536	/* descriptors taken at most */
#define NAMEMAX		256	/* a name's bytes, as systemd caps them */

struct inherited {
	int			 in_fd;		/* -1: taken, or never a socket */
	const struct svconf	*in_sc;		/* the entry that is to take it */
	int			 in_type;	/* SO_TYPE */
	int			 in_port;	/* to match: bound, or configured */
	struct sockaddr_storage	 in_addr;	/* getsockname() */
	socklen_t		 in_len;
	char			 in_name[NAMEMAX];
};

static struct inherited *fds;
static int nfds;

/* fd's kind, address and port for a log line: "tcp 127.0.0.1 port 80". */
static void
describe(const struct inherited *in, char *buf, size_t len)
{
	const struct sockaddr_un *su = (const void *)&in->in_addr;
	const char *kind = in->in_type == SOCK_STREAM ? "tcp" : "udp";
	char a[SOCK_ADDRSTRLEN];
	int port;

	if (in->in_addr.ss_family == AF_UNIX) {
		(void)snprintf(buf, len, "unix %s%.*s",
		    in->in_type == SOCK_STREAM ? "stream " : "dgram ",
		    (int)sizeof(su->sun_path) - 1, su->sun_path[0] != '\0' ?
		    su->sun_path : "(abstract or unnamed)");
		return;
	}
	if (sock_ntop((const struct sockaddr *)&in->in_addr, a, sizeof(a),
	    &port) == -1) {
		(void)snprintf(buf, len, "family %d", in->in_addr.ss_family);
		return;
	}
	(void)snprintf(buf, len, "%s %s port %d", kind, a, port);
}

/* Splits LISTEN_FDNAMES over the n descriptors; all or none are named. */
static void
names(const char *s, int n)
{
	const char *p;
	size_t len;
	int i;

	if (s == NULL)
		return;
	for (i = 0; i < n; i++) {
		p = strchr(s, ':');
		len = p != NULL ? (size_t)(p - s) : strlen(s);
		if (len < NAMEMAX)
			memcpy(fds[i].in_name, s, len);
		fds[i].in_name[len < NAMEMAX ? len : 0] = '\0';
		if (p == NULL)
			break;
		s = p + 1;
	}
	if (i != n - 1 || strchr(s, ':') != NULL) {
		logmsg(LOG_ERR, "LISTEN_FDNAMES: %d names for %d descriptors; "
		    "names ignored", i + 1 + (strchr(s, ':') != NULL), n);
		for (i = 0; i < n; i++)
			fds[i].in_name[0] = '\0';
	}
}

/* Looks at inherited descriptor fd: 0 a socket kept, -1 closed. */
static int
look(struct inherited *in, int fd)
{
	socklen_t len = sizeof(in->in_type);

	in->in_fd = -1;
	if (fcntl(fd, F_SETFD, FD_CLOEXEC) == -1) {
		logmsg(LOG_ERR, "LISTEN_FDS: fd %d: %s", fd, strerror(errno));
		return -1;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &in->in_type, &len) == -1) {
		logmsg(LOG_ERR, "LISTEN_FDS: fd %d: %s; closed", fd,
		    errno == ENOTSOCK ? "not a socket" : strerror(errno));
		(void)close(fd);
		return -1;
	}
	in->in_len = sizeof(in->in_addr);
	if ((in->in_type != SOCK_STREAM && in->in_type != SOCK_DGRAM) ||
	    getsockname(fd, (struct sockaddr *)&in->in_addr, &in->in_len) ==
	    -1) {
		logmsg(LOG_ERR, "LISTEN_FDS: fd %d: %s; closed", fd,
		    in->in_type != SOCK_STREAM && in->in_type != SOCK_DGRAM ?
		    "neither a stream nor a datagram socket" : strerror(errno));
		(void)close(fd);
		return -1;
	}
	if (in->in_addr.ss_family != AF_UNIX)
		(void)sock_ntop((struct sockaddr *)&in->in_addr, NULL, 0,
		    &in->in_port);
	in->in_fd = fd;
	return 0;
}

/*
 * At start-up, before anything opens a descriptor: takes the LISTEN_FDS
 * sockets when LISTEN_PID is superd's, and clears the three variables.
 * Returns the number of sockets taken.
 */
int
activate_init(void)
{
	const char *pid, *n, *errstr;
	long long v, k;
	int i;

	pid = getenv("LISTEN_PID");
	n = getenv("LISTEN_FDS");
	if (pid != NULL && n != NULL) {
		v = parsenum(pid, 1, 0x7fffffff, &errstr);
		if (errstr != NULL || v != (long long)getpid())
			logmsg(LOG_INFO, "LISTEN_PID %s is not superd's (%ld): "
			    "LISTEN_FDS ignored", pid, (long)getpid());
		else if ((k = parsenum(n, 0, ACTIVATE_MAX, &errstr)),
		    errstr != NULL)
			logmsg(LOG_ERR, "LISTEN_FDS %s: %s; ignored", n, errstr);
		else if (k > 0 && (fds = calloc((size_t)k, sizeof(*fds))) ==
		    NULL)
			logmsg(LOG_ERR, "LISTEN_FDS: %s; ignored",
			    strerror(errno));
		else {
			nfds = (int)k;
			for (i = 0; i < nfds; i++)
				(void)look(&fds[i], ACTIVATE_FIRST + i);
			names(getenv("LISTEN_FDNAMES"), nfds);
		}
	}
	(void)unsetenv("LISTEN_PID");
	(void)unsetenv("LISTEN_FDS");
	(void)unsetenv("LISTEN_FDNAMES");
	return nfds;
}

/*
 * An upgrade's: the socket at fd ACTIVATE_FIRST + i was bound for a line
 * that asked for port (0: any), which is what it is matched on.
 */
void
activate_setport(int i, int port)
{
	if (i >= 0 && i < nfds)
		fds[i].in_port = port;
}

/* Does in bind what sc would? */
static int
same(const struct inherited *in, const struct svconf *sc)
{
	const struct sockaddr_un *a = (const void *)&in->in_addr;
	const struct sockaddr_un *b = (const void *)&sc->sc_addr;
	unsigned char x[16], y[16];
	int port;

	if (in->in_type != sc->sc_socktype ||
	    in->in_addr.ss_family != sc->sc_addr.ss_family)
		return 0;
	if (in->in_addr.ss_family == AF_UNIX)
		return in->in_len == sc->sc_addrlen &&
		    memcmp(a->sun_path, b->sun_path, in->in_len -
		    offsetof(struct sockaddr_un, sun_path)) == 0;
	if (sock_addr16((const struct sockaddr *)&in->in_addr, x, NULL) ==
	    -1 || sock_addr16((const struct sockaddr *)&sc->sc_addr, y,
	    &port) == -1)
		return 0;
	return memcmp(x, y, sizeof(x)) == 0 && port == in->in_port;
}

/*
 * Before the services are set up: which entry of list takes which socket.
 * Addresses first, for every entry, then names, so that a socket named
 * for one entry never goes to another that it only names.
 */
void
activate_plan(const struct svconf *list)
{
	const struct svconf *sc;
	int i, k, byname, next = 0;

	/*
	 * Each search starts after the last socket taken: an upgrade hands
	 * the sockets over in the entries' order, so each is found at once.
	 */
	for (byname = 0; byname < 2; byname++)
		for (sc = list; sc != NULL; sc = sc->sc_next)
			for (k = 0; k < nfds; k++) {
				i = (next + k) % nfds;
				if (fds[i].in_fd == -1 || fds[i].in_sc != NULL)
					continue;
				if (byname ? fds[i].in_type == sc->sc_socktype &&
				    sc->sc_name != NULL && strcmp(fds[i].in_name,
				    sc->sc_name) == 0 : same(&fds[i], sc)) {
					fds[i].in_sc = sc;
					next = i + 1;
					break;
				}
			}
}

/*
 * The inherited socket activate_plan() gave sc, now sc's (logged), or -1.
 */
int
activate_take(const struct svconf *sc)
{
	static int next;
	struct inherited *in = NULL;
	char what[sizeof(in->in_name) + 160];
	int i, k, fd;

	/* From after the last one taken: in order, each is found at once. */
	for (k = 0; k < nfds && in == NULL; k++) {
		i = (next + k) % nfds;
		if (fds[i].in_fd != -1 && fds[i].in_sc == sc) {
			in = &fds[i];
			next = i + 1;
		}
	}
	if (in == NULL)
		return -1;
	fd = in->in_fd;
	in->in_fd = -1;
	describe(in, what, sizeof(what));
	logmsg(LOG_INFO, "%s:%d: %s/%s: LISTEN_FDS: fd %d (%s)%s%s",
	    sc->sc_file, sc->sc_line, sc->sc_name, sc->sc_proto, fd, what,
	    in->in_name[0] != '\0' ? ", named " : "", in->in_name);
	return fd;
}

/* After the services are set up: what no entry took is closed. */
void
activate_leftover(void)
{
	char what[160];
	int i;

	for (i = 0; i < nfds; i++) {
		if (fds[i].in_fd == -1)
			continue;
		describe(&fds[i], what, sizeof(what));
		logmsg(LOG_ERR, "LISTEN_FDS: fd %d (%s): no service uses it; "
		    "closed", fds[i].in_fd, what);
		(void)close(fds[i].in_fd);
		fds[i].in_fd = -1;
	}
	free(fds);
	fds = NULL;
	nfds = 0;
}
