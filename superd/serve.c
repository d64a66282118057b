/*
 * Serving: turning what waits on a socket into running handlers, by mode
 * (stream nowait, wait, dgram nowait, builtins), each admitted by the
 * access rules and the limits first; and reaping them, telling the failure
 * detection how each ended.
 */
#define _GNU_SOURCE
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "access.h"
#include "builtin.h"
#include "child.h"
#include "conf.h"
#include "conn.h"
#include "limit.h"
#include "log.h"
#include "relay.h"
#include "serve.h"
#include "sock.h"
#include "spawn.h"
#include "util.h"

#define ACCEPTMAX	64	/* per wake-up, so one listener cannot starve
				   the others */

/* hosts.allow and hosts.deny, owned by main.c; NULL when not given. */
static const struct acl *allowacl, *denyacl;

/* The access rules to apply from now on. */
void
serve_setacl(const struct acl *allow, const struct acl *deny)
{
	allowacl = allow;
	denyacl = deny;
}

/* Stops polling sv's socket for secs seconds, after a fault. */
static void
pausesv(struct service *sv, int secs)
{
	tnow(&sv->sv_pause);
	sv->sv_pause.tv_sec += secs;
	sv->sv_pausewhy = PAUSE_FAULT;
}

/* The time limit for sv's handlers, in seconds, or -1 for none. */
static int
limitof(const struct service *sv)
{
	if (sv->sv_timelimit > 0)
		return sv->sv_timelimit;
	if (Tflag > 0)
		return (int)Tflag;
	if (sv->sv_socktype == SOCK_DGRAM && !sv->sv_wait)
		return RELAY_TIMELIMIT;
	return -1;
}

/* -l: a connection and the pid serving it (0: served in-process). */
static void
logconn(const struct service *sv, const struct sockaddr *peer, pid_t pid)
{
	char a[SOCK_ADDRSTRLEN];
	int port;

	if (!lflag)
		return;
	if (peer != NULL && sock_ntop(peer, a, sizeof(a), &port) == 0) {
		if (pid == 0)
			logmsg(LOG_INFO, "%s/%s: connection from %s port %d, "
			    "in-process", sv->sv_name, sv->sv_proto, a, port);
		else
			logmsg(LOG_INFO, "%s/%s: connection from %s port %d, "
			    "pid %ld", sv->sv_name, sv->sv_proto, a, port,
			    (long)pid);
	} else
		logmsg(LOG_INFO, "%s/%s: started pid %ld", sv->sv_name,
		    sv->sv_proto, (long)pid);
}

/*
 * Runs sv's handler on fds; src is the source holding a place for it (or
 * NULL).  Returns its entry in the child table, or NULL: on failure logs
 * why (rate-limited), gives src's place back, closes nothing and pauses the
 * service for a second, so that a fork that keeps failing cannot spin.
 */
static struct child *
start(struct service *sv, const int fds[3], const struct sockaddr *peer,
    const struct sockaddr *local, struct source *src)
{
	struct spawnfail f;
	struct timespec t;
	struct child *c;
	pid_t pid;

	tnow(&t);
	if ((pid = spawn_child(sv, fds, peer, local, &f)) == -1) {
		logfault(sv, "fork", strerror(errno));
		goto fail;
	}
	if ((c = child_add(sv, pid, &t, limitof(sv))) == NULL) {
		/* Nothing runs that the table does not know of. */
		logfault(sv, "child table", strerror(errno));
		(void)kill(pid, SIGKILL);
		goto fail;
	}
	if (f.sf_what != NULL)
		logfault(sv, f.sf_what, strerror(f.sf_errno));
	c->ch_prefailed = f.sf_what != NULL;
	c->ch_src = src;
	if (limit_spawned(sv, &t) == -1)
		logfault(sv, "spawn limit", strerror(errno));
	sv->sv_nchild++;
	sv->sv_served++;
	logconn(sv, peer, pid);
	return c;
fail:
	sv->sv_failed++;
	limit_release(sv, src);
	pausesv(sv, 1);
	return NULL;
}

static void
refused(struct service *sv, const struct sockaddr *peer, enum admit why)
{
	char a[SOCK_ADDRSTRLEN], msg[128];
	int port;

	sv->sv_refused++;
	if (sock_ntop(peer, a, sizeof(a), &port) == -1)
		(void)snprintf(a, sizeof(a), "?");
	(void)snprintf(msg, sizeof(msg), "%s port %d %s", a, port,
	    limit_why(why));
	logfault(sv, "refused", msg);
}

/*
 * The access rules, then the per-source limits (srccap: the in-process
 * connections one source may hold, 0 none), for a connection or datagram
 * from peer.  Returns 1 admitted, with *src the source holding a place for
 * its handler (or NULL), or 0 refused (logged, rate-limited).  The daemon
 * list of a rule matches ARGV0 or SERVICE.
 */
static int
admit(struct service *sv, const struct sockaddr *peer, int srccap,
    const struct timespec *t, struct source **src)
{
	const char *argv0;
	enum admit a;

	*src = NULL;
	if (allowacl != NULL || denyacl != NULL) {
		argv0 = sv->sv_builtin != NULL ? sv->sv_builtin :
		    sv->sv_argv[0];
		if (!access_check(allowacl, denyacl, argv0, sv->sv_name,
		    peer)) {
			refused(sv, peer, ADMIT_ACCESS);
			return 0;
		}
	}
	if ((a = limit_admit(sv, peer, srccap, t, src)) == ADMIT_OK)
		return 1;
	refused(sv, peer, a);
	return 0;
}

/*
 * admit() for a datagram a builtin answers: no child holds a place, and
 * each reply counts as a spawn for nowait.N.
 */
static int
gate(struct service *sv, const struct sockaddr *peer)
{
	struct source *src;
	struct timespec t;

	tnow(&t);
	if (!limit_spawnok(sv, &t) || !admit(sv, peer, 0, &t, &src))
		return 0;
	limit_release(sv, src);
	if (limit_spawned(sv, &t) == -1)
		logfault(sv, "spawn limit", strerror(errno));
	sv->sv_served++;
	return 1;
}

/*
 * A stream builtin's connection, served by superd itself (conn.c); it
 * counts as a running handler for the limits.
 */
static void
inprocess(struct service *sv, int fd, const struct sockaddr *peer,
    struct source *src, const struct timespec *t)
{
	if (limit_spawned(sv, t) == -1)
		logfault(sv, "spawn limit", strerror(errno));
	logconn(sv, peer, 0);
	if (conn_add(sv, fd, src, limitof(sv)) == 0) {
		sv->sv_served++;
		return;
	}
	limit_release(sv, src);
	(void)close(fd);
}

/* 1 when sv may take no more connections now (its socket is left alone). */
int
serve_full(const struct service *sv)
{
	if (sv->sv_maxchild && sv->sv_nchild >= sv->sv_maxchild)
		return 1;
	return sv->sv_builtin != NULL && sv->sv_socktype == SOCK_STREAM &&
	    (conn_full() || sv->sv_nchild >= conn_share());
}

/*
 * stream nowait: accepts until EAGAIN and starts a handler for each, or
 * hands a builtin's connection to conn.c.
 */
static void
acceptloop(struct service *sv)
{
	struct sockaddr_storage peer, local;
	struct source *src;
	struct timespec t;
	socklen_t plen, llen;
	int fd, i, fds[3], inproc = sv->sv_builtin != NULL;

	for (i = 0; i < ACCEPTMAX; i++) {
		if (serve_full(sv))
			return;
		tnow(&t);
		if (!limit_spawnok(sv, &t))
			return;
		plen = sizeof(peer);
		fd = accept4(sv->sv_fd, (struct sockaddr *)&peer, &plen,
		    SOCK_CLOEXEC | (inproc ? SOCK_NONBLOCK : 0));
		if (fd == -1) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return;
			if (errno == EINTR || errno == ECONNABORTED ||
			    errno == EPROTO)
				continue;
			/* EMFILE, ENFILE, ENOBUFS, ENOMEM: wait, don't spin. */
			logfault(sv, "accept", strerror(errno));
			pausesv(sv, 1);
			return;
		}
		/* Refused: closed at once, without a byte, without a fork. */
		if (!admit(sv, (struct sockaddr *)&peer,
		    inproc ? conn_srcshare() : 0, &t, &src)) {
			(void)close(fd);
			continue;
		}
		if (inproc) {
			inprocess(sv, fd, (struct sockaddr *)&peer, src, &t);
			continue;
		}
		llen = sizeof(local);
		if (getsockname(fd, (struct sockaddr *)&local, &llen) == -1) {
			logfault(sv, "getsockname", strerror(errno));
			limit_release(sv, src);
			(void)close(fd);
			continue;
		}
		fds[0] = fds[1] = fds[2] = fd;
		(void)start(sv, fds, (struct sockaddr *)&peer,
		    (struct sockaddr *)&local, src);
		(void)close(fd);
		if (sv->sv_pause.tv_sec != 0)
			return;
	}
}

/*
 * The datagram at the head of fd's queue, without taking it: its source,
 * its size and when it arrived (SO_TIMESTAMPNS, which dgram wait sockets
 * have), which together tell one datagram from the next.
 */
static void
peekhead(int fd, struct dghead *h)
{
	union {
		struct cmsghdr	hdr;
		char		buf[512];
	} cbuf;
	struct msghdr msg;
	struct iovec iov;
	struct cmsghdr *cm;
	char b;

	memset(h, 0, sizeof(*h));
	memset(&msg, 0, sizeof(msg));
	iov.iov_base = &b;
	iov.iov_len = 1;
	msg.msg_name = &h->dh_peer;
	msg.msg_namelen = sizeof(h->dh_peer);
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = cbuf.buf;
	msg.msg_controllen = sizeof(cbuf.buf);
	if ((h->dh_len = recvmsg(fd, &msg, MSG_PEEK | MSG_DONTWAIT |
	    MSG_TRUNC)) == -1)
		return;
	h->dh_have = 1;
	for (cm = CMSG_FIRSTHDR(&msg); cm != NULL; cm = CMSG_NXTHDR(&msg, cm))
		if (cm->cmsg_level == SOL_SOCKET &&
		    cm->cmsg_type == SCM_TIMESTAMPNS)
			memcpy(&h->dh_stamp, CMSG_DATA(cm), sizeof(h->dh_stamp));
}

static int
samehead(const struct dghead *a, const struct dghead *b)
{
	return a->dh_have && b->dh_have && a->dh_len == b->dh_len &&
	    a->dh_stamp.tv_sec == b->dh_stamp.tv_sec &&
	    a->dh_stamp.tv_nsec == b->dh_stamp.tv_nsec &&
	    memcmp(&a->dh_peer, &b->dh_peer, sizeof(a->dh_peer)) == 0;
}

/*
 * dgram wait with per-source limits: the datagram that would start the
 * handler is admitted first, and dropped when its source is over a limit.
 * Returns 1 with *h the head admitted (*src its source), 0 when the queue
 * held nothing to start a handler for.
 */
static int
dgramhead(struct service *sv, struct dghead *h, struct source **src,
    const struct timespec *t)
{
	socklen_t elen = sizeof(int);
	enum admit a;
	char b;
	int i, e;

	*src = NULL;
	for (i = 0; i < ACCEPTMAX; i++) {
		peekhead(sv->sv_fd, h);
		if (!h->dh_have && errno != EAGAIN && errno != EWOULDBLOCK &&
		    errno != EINTR) {
			/* A pending error keeps the socket readable: take it. */
			(void)getsockopt(sv->sv_fd, SOL_SOCKET, SO_ERROR, &e,
			    &elen);
			continue;
		}
		if (!h->dh_have)
			return 0;
		if (sv->sv_maxcpm <= 0 && sv->sv_maxperip <= 0)
			return 1;
		/* The access rules are the handler's: it sees its peers. */
		if ((a = limit_admit(sv, (struct sockaddr *)&h->dh_peer, 0, t,
		    src)) == ADMIT_OK)
			return 1;
		refused(sv, (struct sockaddr *)&h->dh_peer, a);
		(void)recv(sv->sv_fd, &b, 1, MSG_DONTWAIT);
	}
	return 0;
}

/*
 * wait services: the handler gets the socket itself (fd 0 and 1; fd 2 is
 * superd's stderr) and superd leaves it alone until the handler exits, so
 * datagrams queued meanwhile stay for the next one.
 */
static void
handover(struct service *sv)
{
	struct sockaddr_storage local;
	socklen_t llen = sizeof(local);
	struct source *src = NULL;
	struct dghead h;
	struct timespec t;
	struct child *c;
	int fds[3];

	tnow(&t);
	if (!limit_spawnok(sv, &t))
		return;
	memset(&h, 0, sizeof(h));
	if (sv->sv_socktype == SOCK_DGRAM && !dgramhead(sv, &h, &src, &t))
		return;
	fds[0] = fds[1] = sv->sv_fd;
	fds[2] = 2;
	if (getsockname(sv->sv_fd, (struct sockaddr *)&local, &llen) == -1)
		llen = 0;
	if ((c = start(sv, fds, NULL, llen ? (struct sockaddr *)&local : NULL,
	    src)) != NULL) {
		c->ch_holder = 1;
		c->ch_head = h;
		sv->sv_busy = 1;
	}
}

/* dgram nowait: one handler per datagram, or the builtin's reply. */
static void
dgramloop(struct service *sv)
{
	const struct builtin *b = NULL;
	struct source *src;
	struct timespec t;
	struct relay *r;
	struct child *c;
	int i, again, fds[3];

	if (sv->sv_builtin != NULL)
		b = builtin_find(sv->sv_builtin, SOCK_DGRAM);
	for (i = 0; i < ACCEPTMAX; i++) {
		if (b != NULL) {
			if (relay_builtin(sv, b, gate) == -1)
				return;
			continue;
		}
		if (serve_full(sv))
			return;
		tnow(&t);
		if (!limit_spawnok(sv, &t))
			return;
		if ((r = relay_recv(sv, fds, &again)) == NULL) {
			if (again)
				return;
			continue;
		}
		if (!admit(sv, relay_peer(r), 0, &t, &src)) {
			relay_drop(r);
			relay_closefds(fds);
			continue;
		}
		c = start(sv, fds, relay_peer(r), relay_local(r), src);
		relay_closefds(fds);
		if (c == NULL) {
			relay_drop(r);
			return;
		}
		c->ch_relay = r;
		relay_started(r);
	}
}

/* Serves what is waiting on sv's socket, by its mode. */
void
serve(struct service *sv)
{
	if (sv->sv_socktype == SOCK_DGRAM && sv->sv_builtin != NULL)
		dgramloop(sv);
	else if (sv->sv_wait)
		handover(sv);
	else if (sv->sv_socktype == SOCK_STREAM)
		acceptloop(sv);
	else
		dgramloop(sv);
}

static void
logexit(const struct child *c, int status, long long ms)
{
	const struct service *sv = c->ch_sv;

	if (!lflag || sv == NULL)
		return;
	if (WIFSIGNALED(status))
		logmsg(LOG_INFO, "%s/%s: pid %ld killed by signal %d after "
		    "%lld.%03lld s", sv->sv_name, sv->sv_proto, (long)c->ch_pid,
		    WTERMSIG(status), ms / 1000, ms % 1000);
	else
		logmsg(LOG_INFO, "%s/%s: pid %ld exited %d after %lld.%03lld s",
		    sv->sv_name, sv->sv_proto, (long)c->ch_pid,
		    WEXITSTATUS(status), ms / 1000, ms % 1000);
}

/* How c ended, for the failure detection. */
static enum ended
ended(const struct child *c, int status)
{
	const struct service *sv = c->ch_sv;
	struct dghead h;

	if (c->ch_prefailed)
		return END_PREFAILED;
	if (c->ch_holder && sv->sv_socktype == SOCK_DGRAM) {
		/* A dgram wait handler fails when it left what woke it. */
		peekhead(sv->sv_fd, &h);
		return samehead(&c->ch_head, &h) ? END_UNCONSUMED : END_OK;
	}
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? END_OK :
	    END_FAILED;
}

/*
 * Reaps every child that has ended: sends dgram nowait replies, releases
 * per-source places, and tells the failure detection how it went.
 */
void
serve_reap(void)
{
	struct service *sv;
	struct timespec t;
	struct child *c;
	long long ms;
	pid_t pid;
	int status;
	enum ended how;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		if ((c = child_find(pid)) == NULL)
			continue;
		tnow(&t);
		ms = tsdiff(&t, &c->ch_start);
		logexit(c, status, ms);
		if (c->ch_relay != NULL)
			relay_ended(c->ch_relay);
		if ((sv = c->ch_sv) != NULL) {
			sv->sv_nchild--;
			if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
				sv->sv_failed++;
			how = ended(c, status);
			limit_exited(sv, c->ch_src, how, ms, &t);
			limit_release(sv, c->ch_src);
			/* Only the handler that holds the socket gives it back. */
			if (c->ch_holder) {
				sv->sv_busy = 0;
				if (sock_setmode(sv) == -1)
					logfault(sv, "fcntl", strerror(errno));
			}
		}
		child_del(c);
	}
	if (pid == -1 && errno != ECHILD)
		logmsg(LOG_ERR, "waitpid: %s", strerror(errno));
}
