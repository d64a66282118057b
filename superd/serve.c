/*
 * Serving: turning what waits on a socket into running handlers, by mode
 * (stream nowait, wait, dgram nowait, builtins), each admitted by the
 * limits first; and reaping them, with the dgram nowait reply.
 */
#define _GNU_SOURCE
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <errno.h>
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
 * Runs sv's handler on fds; counted says a per-source limit holds a place
 * for peer.  On failure logs why (rate-limited), closes nothing and pauses
 * the service for a second, so that a fork that keeps failing cannot spin.
 */
static pid_t
start(struct service *sv, const int fds[3], const struct sockaddr *peer,
    const struct sockaddr *local, struct relay *r, int counted)
{
	struct spawnfail f;
	struct timespec t;
	struct child *c;
	pid_t pid;

	if ((pid = spawn_child(sv, fds, peer, local, &f)) == -1) {
		logfault(sv, "fork", strerror(errno));
		sv->sv_failed++;
		if (counted)
			limit_release(sv, peer);
		pausesv(sv, 1);
		return -1;
	}
	if (f.sf_what != NULL)
		logfault(sv, f.sf_what, strerror(f.sf_errno));
	tnow(&t);
	if (limit_spawned(sv, &t) == -1)
		logfault(sv, "spawn limit", strerror(errno));
	sv->sv_nchild++;
	sv->sv_served++;
	if ((c = child_add(sv, pid, limitof(sv))) == NULL) {
		/*
		 * Out of memory: the child runs untracked, holding its place
		 * in sv_nchild for good; what only the table would free is
		 * freed now (a dgram nowait reply is lost).
		 */
		logfault(sv, "child table", strerror(errno));
		if (r != NULL)
			relay_free(r);
		if (counted)
			limit_release(sv, peer);
	} else {
		c->ch_relay = r;
		if (counted) {
			c->ch_counted = 1;
			memcpy(&c->ch_peer, peer, peer->sa_family == AF_INET ?
			    sizeof(struct sockaddr_in) :
			    sizeof(struct sockaddr_in6));
		}
	}
	logconn(sv, peer, pid);
	return pid;
}

static void
refused(struct service *sv, const struct sockaddr *peer, const char *rule)
{
	char a[SOCK_ADDRSTRLEN], why[96];
	int port;

	sv->sv_refused++;
	if (sock_ntop(peer, a, sizeof(a), &port) == -1)
		(void)snprintf(a, sizeof(a), "?");
	(void)snprintf(why, sizeof(why), "%s port %d %s", a, port, rule);
	logfault(sv, "refused", why);
}

/*
 * The access rules, then the per-source limits, for a connection or
 * datagram from peer: 0 refused (logged, rate-limited), 1 admitted, 2
 * admitted and counted for peer.  The daemon list of a rule matches ARGV0
 * or SERVICE.
 */
static int
admit(struct service *sv, const struct sockaddr *peer,
    const struct timespec *t)
{
	const char *argv0;
	int k;

	if (allowacl != NULL || denyacl != NULL) {
		argv0 = sv->sv_builtin != NULL ? sv->sv_builtin :
		    sv->sv_argv[0];
		if (!access_check(allowacl, denyacl, argv0, sv->sv_name, peer)) {
			refused(sv, peer, "by the access rules");
			return 0;
		}
	}
	if ((k = limit_admit(sv, peer, t)) != 0)
		return k;
	refused(sv, peer, "over a per-source limit");
	return 0;
}

/* admit() for a datagram a builtin answers: no child holds a place. */
static int
gate(struct service *sv, const struct sockaddr *peer)
{
	struct timespec t;
	int k;

	tnow(&t);
	if ((k = admit(sv, peer, &t)) == 2)
		limit_release(sv, peer);
	return k != 0;
}

/*
 * A stream builtin's connection, served by superd itself (conn.c); it
 * counts as a running handler for the limits.
 */
static void
inprocess(struct service *sv, int fd, const struct sockaddr *peer,
    int counted, const struct timespec *t)
{
	if (limit_spawned(sv, t) == -1)
		logfault(sv, "spawn limit", strerror(errno));
	logconn(sv, peer, 0);
	if (conn_add(sv, fd, peer, counted, limitof(sv)) == 0) {
		sv->sv_served++;
		return;
	}
	if (counted)
		limit_release(sv, peer);
	(void)close(fd);
}

/*
 * stream nowait: accepts until EAGAIN and starts a handler for each, or
 * hands a builtin's connection to conn.c.
 */
static void
acceptloop(struct service *sv)
{
	struct sockaddr_storage peer, local;
	struct timespec t;
	socklen_t plen, llen;
	int fd, i, counted, fds[3], inproc = sv->sv_builtin != NULL;

	for (i = 0; i < ACCEPTMAX; i++) {
		if (sv->sv_maxchild && sv->sv_nchild >= sv->sv_maxchild)
			return;
		if (inproc && conn_full())
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
		if ((counted = admit(sv, (struct sockaddr *)&peer, &t)) == 0) {
			(void)close(fd);
			continue;
		}
		if (inproc) {
			inprocess(sv, fd, (struct sockaddr *)&peer,
			    counted == 2, &t);
			continue;
		}
		llen = sizeof(local);
		if (getsockname(fd, (struct sockaddr *)&local, &llen) == -1) {
			logfault(sv, "getsockname", strerror(errno));
			if (counted == 2)
				limit_release(sv, (struct sockaddr *)&peer);
			(void)close(fd);
			continue;
		}
		fds[0] = fds[1] = fds[2] = fd;
		(void)start(sv, fds, (struct sockaddr *)&peer,
		    (struct sockaddr *)&local, NULL, counted == 2);
		(void)close(fd);
		if (sv->sv_pause.tv_sec != 0)
			return;
	}
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
	struct timespec t;
	int fds[3];

	tnow(&t);
	if (!limit_spawnok(sv, &t))
		return;
	fds[0] = fds[1] = sv->sv_fd;
	fds[2] = 2;
	if (getsockname(sv->sv_fd, (struct sockaddr *)&local, &llen) == -1)
		llen = 0;
	if (start(sv, fds, NULL, llen ? (struct sockaddr *)&local : NULL,
	    NULL, 0) != -1)
		sv->sv_busy = 1;
}

/* dgram nowait: one handler per datagram, or the builtin's reply. */
static void
dgramloop(struct service *sv)
{
	const struct builtin *b = NULL;
	struct timespec t;
	struct relay *r;
	int i, again, counted, fds[3];

	if (sv->sv_builtin != NULL)
		b = builtin_find(sv->sv_builtin, SOCK_DGRAM);
	for (i = 0; i < ACCEPTMAX; i++) {
		if (sv->sv_maxchild && sv->sv_nchild >= sv->sv_maxchild)
			return;
		tnow(&t);
		if (b == NULL && !limit_spawnok(sv, &t))
			return;
		if (b != NULL) {
			if (relay_builtin(sv, b, gate) == -1)
				return;
			sv->sv_served++;
			continue;
		}
		if ((r = relay_recv(sv, fds, &again)) == NULL) {
			if (again)
				return;
			continue;
		}
		if ((counted = admit(sv, relay_peer(r), &t)) == 0) {
			relay_free(r);
			relay_closefds(fds);
			continue;
		}
		if (start(sv, fds, relay_peer(r), relay_local(r), r,
		    counted == 2) == -1) {
			relay_free(r);
			relay_closefds(fds);
			return;
		}
		relay_closefds(fds);
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

/* 1 when a datagram waits on sv's socket. */
static int
queued(const struct service *sv)
{
	char b;

	return recv(sv->sv_fd, &b, 1, MSG_PEEK | MSG_DONTWAIT) >= 0;
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
	int status, failed;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		if ((c = child_find(pid)) == NULL)
			continue;
		tnow(&t);
		ms = tsdiff(&t, &c->ch_start);
		logexit(c, status, ms);
		if (c->ch_relay != NULL) {
			relay_reply(c->ch_relay, c->ch_sv);
			relay_free(c->ch_relay);
		}
		if ((sv = c->ch_sv) != NULL) {
			failed = !WIFEXITED(status) || WEXITSTATUS(status) != 0;
			sv->sv_nchild--;
			if (failed)
				sv->sv_failed++;
			if (c->ch_counted)
				limit_release(sv, (struct sockaddr *)&c->ch_peer);
			limit_exited(sv, failed, ms, sv->sv_wait &&
			    sv->sv_socktype == SOCK_DGRAM && sv->sv_fd != -1 &&
			    queued(sv), &t);
			if (sv->sv_wait)
				sv->sv_busy = 0;
		}
		child_del(c);
	}
	if (pid == -1 && errno != ECHILD)
		logmsg(LOG_ERR, "waitpid: %s", strerror(errno));
}

