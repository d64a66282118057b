/*
 * Listening sockets: one per service, close-on-exec, bound to the address
 * the configuration names, with the system's largest backlog.
 */
#define _GNU_SOURCE
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "log.h"
#include "service.h"
#include "sock.h"

/*
 * A UNIX socket's path before its bind: a socket file that nothing
 * listens on any more (a connect is refused) is left by an earlier run and
 * is removed; a live one, or anything that is not a socket, stays, and the
 * bind fails (EADDRINUSE, or EEXIST for a file that is not a socket).
 */
static int
unixstale(const struct svconf *sc)
{
	const struct sockaddr_un *sun = (const void *)&sc->sc_addr;
	struct stat st;
	int fd, r, e;

	if (lstat(sun->sun_path, &st) == -1)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISSOCK(st.st_mode)) {
		errno = EEXIST;
		return -1;
	}
	if ((fd = socket(AF_UNIX, sc->sc_socktype | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	r = connect(fd, (const struct sockaddr *)sun, sc->sc_addrlen);
	e = errno;
	(void)close(fd);
	if (r == 0) {
		errno = EADDRINUSE;
		return -1;
	}
	if (e != ECONNREFUSED) {
		errno = e;
		return -1;
	}
	return unlink(sun->sun_path) == -1 && errno != ENOENT ? -1 : 0;
}

/* The UNIX socket file's owner (as root) and mode, as the keys say. */
static int
unixperms(const struct svconf *sc, const char **what)
{
	const struct sockaddr_un *sun = (const void *)&sc->sc_addr;

	*what = "chown";
	if (geteuid() == 0 && chown(sun->sun_path, sc->sc_sockuid,
	    sc->sc_sockgid) == -1)
		return -1;
	*what = "chmod";
	return chmod(sun->sun_path, sc->sc_sockmode);
}

/* Removes the file of sv's UNIX socket, when superd is done with it. */
void
sock_unlinkunix(const struct service *sv)
{
	const struct svconf *sc = sv->sv_conf;
	const struct sockaddr_un *sun = (const void *)&sc->sc_addr;

	if (sc->sc_family == AF_UNIX && sun->sun_path[0] == '/' &&
	    unlink(sun->sun_path) == -1 && errno != ENOENT)
		logmsg(LOG_ERR, "%s: unlink: %s", sun->sun_path,
		    strerror(errno));
}

/*
 * Opens and binds sv's socket; sets sv_fd and sv_port.  Returns 0, or -1
 * with errno set and *what naming the failed call.
 */
/* 1 when ss is an IPv4 or IPv6 address on port 0: any port will do. */
static int
anyport(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return ((const struct sockaddr_in *)ss)->sin_port == 0;
	if (ss->ss_family == AF_INET6)
		return ((const struct sockaddr_in6 *)ss)->sin6_port == 0;
	return 0;
}

int
sock_open(struct service *sv, const char **what)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	int fd, on = 1, off = 0, e;
	const struct svconf *sc = sv->sv_conf;
	int family = sc->sc_addr.ss_family;

	*what = "socket";
	if ((fd = socket(family, sc->sc_socktype | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	/*
	 * SO_REUSEADDR for TCP only: a restart must not wait for TIME_WAIT,
	 * and no one else may bind a UDP port of superd's beside it.  Not on
	 * port 0, which needs no given port back: with it the kernel's search
	 * for a free port grows with the ports bound so (10,000 listeners on
	 * port 0 took 25 s to bind, 0.1 s without it).
	 */
	*what = "setsockopt";
	if (sc->sc_socktype == SOCK_STREAM && !anyport(&sc->sc_addr) &&
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) == -1)
		goto fail;
	if (family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY,
	    sc->sc_v6only ? &on : &off, sizeof(on)) == -1)
		goto fail;
	/*
	 * dgram nowait replies come from the address each datagram reached,
	 * which on a wildcard socket only the packet info tells.
	 */
	if (sc->sc_socktype == SOCK_DGRAM && family == AF_INET6 &&
	    setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on, sizeof(on)) == -1)
		goto fail;
	if (sc->sc_socktype == SOCK_DGRAM && family == AF_INET &&
	    setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &on, sizeof(on)) == -1)
		goto fail;
	/* A UNIX datagram's sender is known by its credentials. */
	if (sc->sc_socktype == SOCK_DGRAM && family == AF_UNIX &&
	    setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &on, sizeof(on)) == -1)
		goto fail;
	/* sndbuf= and rcvbuf= (tcp,sndbuf=64k): before listen, so that
	   accepted connections inherit them. */
	if (sc->sc_sndbuf > 0 && setsockopt(fd, SOL_SOCKET, SO_SNDBUF,
	    &sc->sc_sndbuf, sizeof(sc->sc_sndbuf)) == -1)
		goto fail;
	if (sc->sc_rcvbuf > 0 && setsockopt(fd, SOL_SOCKET, SO_RCVBUF,
	    &sc->sc_rcvbuf, sizeof(sc->sc_rcvbuf)) == -1)
		goto fail;
	*what = "bind";
	if (family == AF_UNIX && unixstale(sc) == -1)
		goto fail;
	if (bind(fd, (struct sockaddr *)&sc->sc_addr, sc->sc_addrlen) == -1)
		goto fail;
	if (family == AF_UNIX && unixperms(sc, what) == -1)
		goto fail;
	*what = "listen";
	if (sc->sc_socktype == SOCK_STREAM && listen(fd, SOMAXCONN) == -1)
		goto fail;
	*what = "getsockname";
	if (getsockname(fd, (struct sockaddr *)&ss, &len) == -1)
		goto fail;
	sv->sv_port = 0;
	(void)sock_ntop((struct sockaddr *)&ss, NULL, 0, &sv->sv_port);
	sv->sv_fd = fd;
	sv->sv_sockmode = -1;
	*what = "fcntl";
	if (sock_setmode(sv) == -1)
		goto fail;
	return 0;
fail:
	e = errno;
	(void)close(fd);
	sv->sv_fd = -1;
	errno = e;
	return -1;
}

/* Is an IPv6 socket possible on this host?  Asked once. */
int
sock_haveipv6(void)
{
	static int have = -1;
	int fd;

	if (have == -1) {
		fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		have = fd != -1;
		if (fd != -1)
			(void)close(fd);
	}
	return have;
}

/*
 * Makes sv's socket blocking when a handler gets it (wait), else
 * non-blocking: superd itself reads it until EAGAIN.  A dgram wait socket
 * also stamps its datagrams (SO_TIMESTAMPNS), so that superd can tell
 * whether its handler took the one that woke it.
 */
int
sock_setmode(struct service *sv)
{
	int fl, wait = sv->sv_conf->sc_mode == MODE_STREAMWAIT ||
	    sv->sv_conf->sc_mode == MODE_DGRAMWAIT;

	if (sv->sv_sockmode == wait)
		return 0;
	if ((fl = fcntl(sv->sv_fd, F_GETFL)) == -1 ||
	    fcntl(sv->sv_fd, F_SETFL, wait ? fl & ~O_NONBLOCK :
	    fl | O_NONBLOCK) == -1)
		return -1;
	if (sv->sv_conf->sc_socktype == SOCK_DGRAM && setsockopt(sv->sv_fd,
	    SOL_SOCKET, SO_TIMESTAMPNS, &wait, sizeof(wait)) == -1)
		return -1;
	sv->sv_sockmode = wait;
	return 0;
}

/*
 * sa's address as 16 bytes into a, an IPv4 one (plain, or v4-mapped as a
 * dual-stack socket shows it) as ::ffff:a.b.c.d, so both forms agree; its
 * port into *port when port is not NULL.  A UNIX peer whose credentials are
 * known is "unix" then its uid (bytes 12-15), its pid as the port.
 * Returns AF_INET for an IPv4 address in either form, AF_INET6, AF_UNIX,
 * or -1 for another family.
 */
int
sock_addr16(const struct sockaddr *sa, unsigned char a[16], int *port)
{
	static const unsigned char mapped[12] = {
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
	};
	const struct sockaddr_in *s4 = (const void *)sa;
	const struct sockaddr_in6 *s6 = (const void *)sa;

	if (sa->sa_family == AF_INET) {
		memcpy(a, mapped, 12);
		memcpy(a + 12, &s4->sin_addr, 4);
		if (port != NULL)
			*port = ntohs(s4->sin_port);
		return AF_INET;
	}
	if (sa->sa_family == AF_UNIX) {
		const struct sock_unpeer *up = (const void *)sa;
		uint32_t uid;

		if (up->up_magic != SOCK_UNPEER_MAGIC)
			return -1;
		uid = htonl((uint32_t)up->up_uid);
		memset(a, 0, 16);
		memcpy(a, "unix", 4);
		memcpy(a + 12, &uid, 4);
		if (port != NULL)
			*port = (int)up->up_pid;
		return AF_UNIX;
	}
	if (sa->sa_family != AF_INET6)
		return -1;
	memcpy(a, &s6->sin6_addr, 16);
	if (port != NULL)
		*port = ntohs(s6->sin6_port);
	return memcmp(a, mapped, 12) == 0 ? AF_INET : AF_INET6;
}

/*
 * Writes sa's address into buf (when buf is not NULL) and its port into
 * *port.  IPv4 peers reaching a dual-stack socket come as ::ffff:a.b.c.d;
 * they are written as the dotted quad.  A UNIX peer is "uid N", its pid as
 * the port.  Returns 0, or -1 for a family other than these.
 */
int
sock_ntop(const struct sockaddr *sa, char *buf, size_t len, int *port)
{
	const struct sock_unpeer *up = (const void *)sa;
	unsigned char a[16];
	int family;

	if ((family = sock_addr16(sa, a, port)) == -1)
		return -1;
	if (buf == NULL)
		return 0;
	if (family == AF_UNIX) {
		if ((size_t)snprintf(buf, len, "uid %lu",
		    (unsigned long)up->up_uid) >= len)
			return -1;
		return 0;
	}
	return inet_ntop(family, family == AF_INET ? a + 12 : a, buf,
	    (socklen_t)len) != NULL ? 0 : -1;
}

/*
 * Adds the credentials of the UNIX stream peer on fd to the address accept
 * gave in *ss (SO_PEERCRED).  Returns 0, or -1 with errno set.
 */
int
sock_peercred(int fd, struct sockaddr_storage *ss)
{
	struct sock_unpeer *up = (void *)ss;
	struct ucred uc;
	socklen_t len = sizeof(uc);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &uc, &len) == -1)
		return -1;
	up->up_sun.sun_family = AF_UNIX;
	up->up_magic = SOCK_UNPEER_MAGIC;
	up->up_uid = uc.uid;
	up->up_gid = uc.gid;
	up->up_pid = uc.pid;
	return 0;
}

/*
 * Makes fd, a socket bound by someone else (a service manager, or superd's
 * previous image across an upgrade), sv's: what sock_open() would have set
 * that can still be set on a bound socket, a listen(2) if it does not
 * listen yet, and sv_fd and sv_port.  Returns 0, or -1 with errno set and
 * *what naming the failed call (fd is then still the caller's).
 */
int
sock_adopt(struct service *sv, int fd, const char **what)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss), alen = sizeof(int);
	const struct svconf *sc = sv->sv_conf;
	int on = 1, acc = 0;

	*what = "getsockname";
	if (getsockname(fd, (struct sockaddr *)&ss, &len) == -1)
		return -1;
	*what = "setsockopt";
	if (sc->sc_socktype == SOCK_DGRAM && ss.ss_family == AF_INET6 &&
	    setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on, sizeof(on)) == -1)
		return -1;
	if (sc->sc_socktype == SOCK_DGRAM && ss.ss_family == AF_INET &&
	    setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &on, sizeof(on)) == -1)
		return -1;
	if (sc->sc_socktype == SOCK_DGRAM && ss.ss_family == AF_UNIX &&
	    setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &on, sizeof(on)) == -1)
		return -1;
	if (sc->sc_sndbuf > 0 && setsockopt(fd, SOL_SOCKET, SO_SNDBUF,
	    &sc->sc_sndbuf, sizeof(sc->sc_sndbuf)) == -1)
		return -1;
	if (sc->sc_rcvbuf > 0 && setsockopt(fd, SOL_SOCKET, SO_RCVBUF,
	    &sc->sc_rcvbuf, sizeof(sc->sc_rcvbuf)) == -1)
		return -1;
	/* A manager's backlog (Backlog=) stays; a socket not listening: ours. */
	*what = "listen";
	if (sc->sc_socktype == SOCK_STREAM && (getsockopt(fd, SOL_SOCKET,
	    SO_ACCEPTCONN, &acc, &alen) == -1 || !acc) &&
	    listen(fd, SOMAXCONN) == -1)
		return -1;
	if (ss.ss_family == AF_INET || ss.ss_family == AF_INET6)
		(void)sock_ntop((struct sockaddr *)&ss, NULL, 0, &sv->sv_port);
	sv->sv_fd = fd;
	sv->sv_sockmode = -1;
	*what = "fcntl";
	if (sock_setmode(sv) == -1) {
		sv->sv_fd = -1;
		return -1;
	}
	return 0;
}
