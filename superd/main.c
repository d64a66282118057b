/*
 * superd: the super-server.  Binds the sockets an inetd.conf-style file
 * names and runs a handler per connection or datagram.  Signal handlers only
 * set a flag and write a byte to a self-pipe; the poll(2) loop does the work.
 */
#define _GNU_SOURCE
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "builtin.h"
#include "child.h"
#include "conf.h"
#include "limit.h"
#include "log.h"
#include "pathnames.h"
#include "relay.h"
#include "sock.h"
#include "spawn.h"
#include "util.h"

#define ACCEPTMAX	64	/* per wake-up, so one listener cannot starve
				   the others */

static int dflag, lflag, tflag, Dflag;
static long long Tflag = -1;
static const char *pidfile;

static const char *confpath = SUPERD_CONF;
static struct service *services;
static int selfpipe[2] = { -1, -1 };
static volatile sig_atomic_t gothup, gotterm, gotusr1, gotchld;

static void
usage(void)
{
	fprintf(stderr, "usage: superd [-d] [-t] [-D] [-l] [-p PIDFILE] "
	    "[-T SECONDS] [CONFIG]\n");
	exit(2);
}

static void
onsignal(int sig)
{
	int saved = errno;

	switch (sig) {
	case SIGHUP:	gothup = 1; break;
	case SIGTERM:
	case SIGINT:	gotterm = 1; break;
	case SIGUSR1:	gotusr1 = 1; break;
	case SIGCHLD:	gotchld = 1; break;
	}
	(void)!write(selfpipe[1], "", 1);
	errno = saved;
}

/* Stops polling sv's socket for secs seconds, after a fault. */
static void
pausesv(struct service *sv, int secs)
{
	tnow(&sv->sv_pause);
	sv->sv_pause.tv_sec += secs;
	sv->sv_pausewhy = PAUSE_FAULT;
}

/*
 * Logs a fault of sv (what failed, and why) at most once a second; the
 * next line that gets through says how many were left out meanwhile.
 */
static void
fault(struct service *sv, const char *what, const char *why)
{
	struct timespec t;

	tnow(&t);
	if (sv->sv_lastfault.tv_sec != 0 &&
	    tsdiff(&t, &sv->sv_lastfault) < 1000) {
		sv->sv_faults++;
		return;
	}
	if (sv->sv_faults > 0)
		logmsg(LOG_ERR, "%s/%s: %s: %s (%lu more in the last second)",
		    sv->sv_name, sv->sv_proto, what, why, sv->sv_faults);
	else
		logmsg(LOG_ERR, "%s/%s: %s: %s", sv->sv_name, sv->sv_proto,
		    what, why);
	sv->sv_faults = 0;
	sv->sv_lastfault = t;
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

static void
logconn(const struct service *sv, const struct sockaddr *peer, pid_t pid)
{
	char a[SOCK_ADDRSTRLEN];
	int port;

	if (!lflag)
		return;
	if (peer != NULL && sock_ntop(peer, a, sizeof(a), &port) == 0)
		logmsg(LOG_INFO, "%s/%s: connection from %s port %d, pid %ld",
		    sv->sv_name, sv->sv_proto, a, port, (long)pid);
	else
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
	struct timespec t;
	struct child *c;
	pid_t pid;

	if ((pid = spawn_child(sv, fds, peer, local)) == -1) {
		fault(sv, "fork", strerror(errno));
		sv->sv_failed++;
		if (counted)
			limit_release(sv, peer);
		pausesv(sv, 1);
		return -1;
	}
	tnow(&t);
	if (limit_spawned(sv, &t) == -1)
		fault(sv, "spawn limit", strerror(errno));
	sv->sv_nchild++;
	sv->sv_served++;
	if ((c = child_add(sv, pid, limitof(sv))) == NULL) {
		/* Never reaped into the table, it holds its place for good. */
		fault(sv, "child table", strerror(errno));
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

/*
 * The per-source limits for a connection or datagram from peer: 0 refused
 * (logged, rate-limited), 1 admitted, 2 admitted and counted for peer.
 */
static int
admit(struct service *sv, const struct sockaddr *peer,
    const struct timespec *t)
{
	char a[SOCK_ADDRSTRLEN], why[96];
	int port, k;

	if ((k = limit_admit(sv, peer, t)) != 0)
		return k;
	sv->sv_refused++;
	if (sock_ntop(peer, a, sizeof(a), &port) == -1)
		(void)snprintf(a, sizeof(a), "?");
	(void)snprintf(why, sizeof(why), "%s port %d over a per-source limit",
	    a, port);
	fault(sv, "refused", why);
	return 0;
}

/* stream nowait: accepts until EAGAIN and starts a handler for each. */
static void
acceptloop(struct service *sv)
{
	struct sockaddr_storage peer, local;
	struct timespec t;
	socklen_t plen, llen;
	int fd, i, counted, fds[3];

	for (i = 0; i < ACCEPTMAX; i++) {
		if (sv->sv_maxchild && sv->sv_nchild >= sv->sv_maxchild)
			return;
		tnow(&t);
		if (!limit_spawnok(sv, &t))
			return;
		plen = sizeof(peer);
		fd = accept4(sv->sv_fd, (struct sockaddr *)&peer, &plen,
		    SOCK_CLOEXEC);
		if (fd == -1) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return;
			if (errno == EINTR || errno == ECONNABORTED ||
			    errno == EPROTO)
				continue;
			/* EMFILE, ENFILE, ENOBUFS, ENOMEM: wait, don't spin. */
			fault(sv, "accept", strerror(errno));
			pausesv(sv, 1);
			return;
		}
		/* Refused: closed at once, without a byte, without a fork. */
		if ((counted = admit(sv, (struct sockaddr *)&peer, &t)) == 0) {
			(void)close(fd);
			continue;
		}
		llen = sizeof(local);
		if (getsockname(fd, (struct sockaddr *)&local, &llen) == -1) {
			fault(sv, "getsockname", strerror(errno));
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
			if (relay_builtin(sv, b) == -1)
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

static void
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
static void
reap(void)
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

/* Milliseconds until the next time limit or pause ends, or -1. */
static int
nexttimeout(void)
{
	struct timespec t;
	struct service *sv;
	long long ms, d;

	tnow(&t);
	ms = child_nextdeadline(&t);
	for (sv = services; sv != NULL; sv = sv->sv_next) {
		if (sv->sv_pause.tv_sec == 0)
			continue;
		if ((d = tsdiff(&sv->sv_pause, &t)) < 0)
			d = 0;
		if (ms == -1 || d < ms)
			ms = d;
	}
	if (ms < 0)
		return ms == -1 ? -1 : 0;
	return ms > INT_MAX ? INT_MAX : (int)ms + 1;
}

static void
listening(const struct service *sv)
{
	char a[SOCK_ADDRSTRLEN];
	int port;

	if (sock_ntop((const struct sockaddr *)&sv->sv_addr, a, sizeof(a),
	    &port) == -1)
		(void)snprintf(a, sizeof(a), "?");
	logmsg(LOG_INFO, "%s:%d: %s/%s: listening on %s port %d", sv->sv_file,
	    sv->sv_line, sv->sv_name, sv->sv_proto, a, sv->sv_port);
}

/* Drops, from a start-up list, the services whose socket did not open. */
static struct service *
prune(struct service *list)
{
	struct service *sv, **pp = &list;

	while ((sv = *pp) != NULL) {
		if (sv->sv_fd != -1) {
			pp = &sv->sv_next;
			continue;
		}
		*pp = sv->sv_next;
		sv->sv_next = NULL;
		conf_free(sv);
	}
	return list;
}

/* Opens every service's socket that has none; returns the failures. */
static int
opensockets(struct service *list)
{
	struct service *sv;
	const char *what;
	char a[SOCK_ADDRSTRLEN];
	int port, nfail = 0;

	for (sv = list; sv != NULL; sv = sv->sv_next) {
		if (sv->sv_fd != -1 || sv->sv_moved)
			continue;
		if (sock_open(sv, &what) == -1) {
			(void)sock_ntop((struct sockaddr *)&sv->sv_addr, a,
			    sizeof(a), &port);
			logmsg(LOG_ERR, "%s:%d: %s/%s: %s %s port %d: %s",
			    sv->sv_file, sv->sv_line, sv->sv_name, sv->sv_proto,
			    what, a, port, strerror(errno));
			nfail++;
		}
	}
	return nfail;
}

static void
closesockets(struct service *list)
{
	struct service *sv;

	for (sv = list; sv != NULL; sv = sv->sv_next)
		if (sv->sv_fd != -1) {
			(void)close(sv->sv_fd);
			sv->sv_fd = -1;
		}
}

/*
 * SIGHUP: builds a new table from CONFIG.  An unchanged socket moves across
 * with its running handlers (no connection is refused during a reload),
 * new sockets open, removed ones close.  If the file has any error, or a
 * new socket cannot be bound, nothing changes.
 */
static void
reload(void)
{
	struct service *new, *n, *o;
	int nerr, nnew = 0, ngone = 0, nsv = 0;

	new = conf_parse(confpath, &nerr);
	if (nerr != 0) {
		logmsg(LOG_ERR, "%s: %s; configuration unchanged", confpath,
		    nerr == -1 ? "cannot be read" : "errors");
		conf_free(new);
		return;
	}
	for (n = new; n != NULL; n = n->sv_next)
		for (o = services; o != NULL; o = o->sv_next)
			if (o->sv_fd != -1 && !o->sv_moved &&
			    conf_samesocket(o, n)) {
				o->sv_moved = 1;
				n->sv_moved = 1;
				break;
			}
	if (opensockets(new) != 0) {
		logmsg(LOG_ERR, "%s: configuration unchanged", confpath);
		closesockets(new);
		for (o = services; o != NULL; o = o->sv_next)
			o->sv_moved = 0;
		conf_free(new);
		return;
	}
	for (n = new; n != NULL; n = n->sv_next) {
		nsv++;
		if (!n->sv_moved) {
			nnew++;
			listening(n);
			continue;
		}
		for (o = services; o != NULL; o = o->sv_next)
			if (o->sv_moved && o->sv_fd != -1 &&
			    conf_samesocket(o, n))
				break;
		n->sv_fd = o->sv_fd;
		n->sv_port = o->sv_port;
		n->sv_nchild = o->sv_nchild;
		n->sv_busy = o->sv_busy;
		n->sv_pause = o->sv_pause;
		n->sv_served = o->sv_served;
		n->sv_failed = o->sv_failed;
		n->sv_refused = o->sv_refused;
		limit_move(n, o);
		n->sv_moved = 0;
		o->sv_fd = -1;
		if (sock_setmode(n) == -1)
			logmsg(LOG_ERR, "%s/%s: fcntl: %s", n->sv_name,
			    n->sv_proto, strerror(errno));
		child_remap(o, n);
		listening(n);
	}
	for (o = services; o != NULL; o = o->sv_next)
		if (o->sv_fd != -1) {
			ngone++;
			child_remap(o, NULL);
		}
	closesockets(services);
	conf_free(services);
	services = new;
	logmsg(LOG_INFO, "%s: reloaded: %d services, %d new, %d removed",
	    confpath, nsv, nnew, ngone);
}

/* SIGUSR1: one line per service. */
static void
status(void)
{
	const struct service *sv;
	struct timespec t;
	char until[32];

	tnow(&t);
	for (sv = services; sv != NULL; sv = sv->sv_next) {
		if (sv->sv_pause.tv_sec != 0 && tsdiff(&sv->sv_pause, &t) > 0)
			(void)snprintf(until, sizeof(until), "+%llds",
			    tsdiff(&sv->sv_pause, &t) / 1000 + 1);
		else
			(void)snprintf(until, sizeof(until), "-");
		logmsg(LOG_INFO, "%s:%d: %s/%s: served %lu, running %d, "
		    "failed %lu, refused %lu, disabled-until %s", sv->sv_file,
		    sv->sv_line, sv->sv_name, sv->sv_proto, sv->sv_served,
		    sv->sv_nchild, sv->sv_failed, sv->sv_refused, until);
	}
}

static int
setsignals(void)
{
	static const int sigs[] = { SIGHUP, SIGTERM, SIGINT, SIGUSR1, SIGCHLD };
	struct sigaction sa;
	size_t i;

	if (pipe2(selfpipe, O_CLOEXEC | O_NONBLOCK) == -1)
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = onsignal;
	sa.sa_flags = SA_RESTART;
	if (sigemptyset(&sa.sa_mask) == -1)
		return -1;
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (sigaction(sigs[i], &sa, NULL) == -1)
			return -1;
	sa.sa_handler = SIG_IGN;
	if (sigaction(SIGPIPE, &sa, NULL) == -1)
		return -1;
	/* superd may have been started with signals blocked. */
	if (sigemptyset(&sa.sa_mask) == -1)
		return -1;
	return sigprocmask(SIG_SETMASK, &sa.sa_mask, NULL);
}

/* The main loop; returns when SIGTERM or SIGINT arrives. */
static void
loop(void)
{
	static struct pollfd *pfd;
	static struct service **pfdsv;
	static size_t cap;
	struct service *sv;
	struct timespec t;
	char drain[64];
	size_t n, i, want;
	void *p;

	for (;;) {
		want = 1;
		for (sv = services; sv != NULL; sv = sv->sv_next)
			want++;
		if (want > cap) {
			if ((p = reallocarray(pfd, want, sizeof(*pfd))) == NULL)
				goto nomem;
			pfd = p;
			if ((p = reallocarray(pfdsv, want, sizeof(*pfdsv))) ==
			    NULL)
				goto nomem;
			pfdsv = p;
			cap = want;
		}
		pfd[0].fd = selfpipe[0];
		pfd[0].events = POLLIN;
		n = 1;
		tnow(&t);
		for (sv = services; sv != NULL; sv = sv->sv_next) {
			if (sv->sv_fd == -1 || sv->sv_busy ||
			    (sv->sv_maxchild && sv->sv_nchild >= sv->sv_maxchild))
				continue;
			if (sv->sv_pause.tv_sec != 0 &&
			    tsdiff(&sv->sv_pause, &t) > 0)
				continue;
			if (sv->sv_pause.tv_sec != 0) {
				sv->sv_pause.tv_sec = 0;
				limit_resumed(sv);
			}
			pfd[n].fd = sv->sv_fd;
			pfd[n].events = POLLIN;
			pfdsv[n++] = sv;
		}
		if (poll(pfd, (nfds_t)n, nexttimeout()) == -1 && errno != EINTR) {
			logmsg(LOG_ERR, "poll: %s", strerror(errno));
			(void)sleep(1);
			continue;
		}
		while (read(selfpipe[0], drain, sizeof(drain)) > 0)
			;
		if (gotchld) {
			gotchld = 0;
			reap();
		}
		if (gotterm)
			return;
		if (gotusr1) {
			gotusr1 = 0;
			status();
		}
		if (gothup) {
			gothup = 0;
			reload();
			continue;	/* pfdsv may point into the old table */
		}
		for (i = 1; i < n; i++)
			if (pfd[i].revents & (POLLIN | POLLERR | POLLHUP))
				serve(pfdsv[i]);
		tnow(&t);
		child_timeouts(&t, dflag);
		continue;
nomem:
		logmsg(LOG_ERR, "poll set: %s", strerror(errno));
		(void)sleep(1);
	}
}

/* -t: what superd would run, one line per service. */
static void
printservices(void)
{
	const struct service *sv;
	char a[SOCK_ADDRSTRLEN];
	char *const *arg;
	int port;

	for (sv = services; sv != NULL; sv = sv->sv_next) {
		if (sock_ntop((const struct sockaddr *)&sv->sv_addr, a,
		    sizeof(a), &port) == -1)
			(void)snprintf(a, sizeof(a), "?");
		printf("%s:%d: %s %s %d %s %s %s %s %s", sv->sv_file, sv->sv_line,
		    sv->sv_name, a, port,
		    sv->sv_socktype == SOCK_STREAM ? "stream" : "dgram",
		    sv->sv_proto, sv->sv_wait ? "wait" : "nowait", sv->sv_user,
		    sv->sv_prog != NULL ? sv->sv_prog : "internal");
		if (sv->sv_builtin != NULL)
			printf(" %s", sv->sv_builtin);
		else
			for (arg = sv->sv_argv; *arg != NULL; arg++)
				printf(" %s", *arg);
		putchar('\n');
	}
}

/* Makes sure fds 0, 1 and 2 are open, so no socket ever lands on them. */
static void
stdfds(void)
{
	int fd;

	while ((fd = open("/dev/null", O_RDWR)) != -1 && fd <= 2)
		;
	if (fd == -1)
		err(1, "/dev/null");
	(void)close(fd);
}

static void
writepid(void)
{
	FILE *fp;

	if ((fp = fopen(pidfile, "we")) == NULL ||
	    fprintf(fp, "%ld\n", (long)getpid()) < 0 || fclose(fp) == EOF)
		err(1, "%s", pidfile);
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "debug",		no_argument,		NULL, 'd' },
		{ "check",		no_argument,		NULL, 't' },
		{ "daemon",		no_argument,		NULL, 'D' },
		{ "log-connections",	no_argument,		NULL, 'l' },
		{ "pidfile",		required_argument,	NULL, 'p' },
		{ "time-limit",		required_argument,	NULL, 'T' },
		{ "help",		no_argument,		NULL, 'h' },
		{ "version",		no_argument,		NULL, 'V' },
		{ NULL,			0,			NULL, 0 }
	};
	struct service *sv;
	const char *errstr;
	char *abspath = NULL;
	int ch, nerr, nfail;

	while ((ch = getopt_long(argc, argv, "dtDlp:T:h", longopts, NULL)) !=
	    -1) {
		switch (ch) {
		case 'd': dflag = 1; break;
		case 't': tflag = 1; break;
		case 'D': Dflag = 1; break;
		case 'l': lflag = 1; break;
		case 'p': pidfile = optarg; break;
		case 'T':
			Tflag = parsenum(optarg, 1, INT_MAX, &errstr);
			if (errstr != NULL)
				errx(2, "time limit %s: %s", optarg, errstr);
			break;
		case 'h':
			printf("usage: superd [-d] [-t] [-D] [-l] [-p PIDFILE] "
			    "[-T SECONDS] [CONFIG]\n");
			return 0;
		case 'V':
			printf("superd %s\n", VERSION);
			return 0;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc > 1)
		usage();
	if (argc == 1)
		confpath = argv[0];
	stdfds();

	if (tflag) {
		services = conf_parse(confpath, &nerr);
		printservices();
		conf_free(services);
		return nerr != 0;
	}
	if (log_init() == -1)
		err(1, "log");
	if (setsignals() == -1)
		err(1, "signals");
	if (Dflag) {
		/* After the chdir("/") of daemon(3), a relative path is lost. */
		if ((abspath = realpath(confpath, NULL)) == NULL)
			err(1, "%s", confpath);
		confpath = abspath;
	}
	services = conf_parse(confpath, &nerr);
	if (nerr == -1)
		return 1;
	nfail = opensockets(services);
	services = prune(services);
	if (services == NULL && (nerr > 0 || nfail > 0))
		errx(1, "%s: no service could be started", confpath);
	for (sv = services; sv != NULL; sv = sv->sv_next)
		listening(sv);
	if (Dflag) {
		if (daemon(0, 0) == -1)
			err(1, "daemon");
		log_syslog();
	}
	if (pidfile != NULL)
		writepid();
	logmsg(LOG_INFO, "%s: serving, pid %ld", confpath, (long)getpid());

	loop();

	closesockets(services);
	conf_free(services);
	child_freeall();
	free(abspath);
	if (pidfile != NULL && unlink(pidfile) == -1)
		logmsg(LOG_ERR, "%s: %s", pidfile, strerror(errno));
	logmsg(LOG_INFO, "exiting on signal");
	return 0;
}
