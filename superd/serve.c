/*
 * What the modes share: admitting a connection or datagram (the access
 * rules, then the limits), handing it to a handler (spawn.c, the child
 * table), and reaping the handlers, each mode told how its own ended.
 */
#define _GNU_SOURCE
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "access.h"
#include "child.h"
#include "conf.h"
#include "greet.h"
#include "limit.h"
#include "log.h"
#include "mode.h"
#include "serve.h"
#include "service.h"
#include "sock.h"
#include "spare.h"
#include "spawn.h"
#include "util.h"

/* main.c's: hosts.allow and hosts.deny (NULL: none). */
static const struct acl *allowacl, *denyacl;

/* -l: log each connection and each handler's end. */
void
serve_setopts(int l)
{
	log_setconns(l);
}

/* The access rules to apply from now on. */
void
serve_setacl(const struct acl *allow, const struct acl *deny)
{
	allowacl = allow;
	denyacl = deny;
}

/* Stops polling sv's socket for secs seconds, after a fault. */
void
serve_pause(struct service *sv, int secs)
{
	tnow(&sv->sv_pause);
	sv->sv_pause.tv_sec += secs;
	sv->sv_pausewhy = PAUSE_FAULT;
}

/* 1 when sv is at A, its child limit: its socket waits, the backlog queues. */
int
serve_full(const struct service *sv)
{
	return sv->sv_conf->sc_maxchild &&
	    sv->sv_nchild >= sv->sv_conf->sc_maxchild;
}

/*
 * Accepts a connection on sv's socket (non-blocking with nonblock) into
 * peer: its fd, or -1 when there is none now: EAGAIN, or a fault, logged,
 * that pauses sv for a second (EMFILE and the like: wait, don't spin).
 */
int
serve_accept(struct service *sv, struct sockaddr_storage *peer, int nonblock)
{
	socklen_t plen;
	int fd;

	for (;;) {
		plen = sizeof(*peer);
		if ((fd = accept4(sv->sv_fd, (struct sockaddr *)peer, &plen,
		    SOCK_CLOEXEC | (nonblock ? SOCK_NONBLOCK : 0))) == -1)
			;
		else if (sv->sv_conf->sc_family != AF_UNIX ||
		    sock_peercred(fd, peer) == 0)
			return fd;
		else {
			/* Who it is decides what it may: unknown, it may not. */
			logfault(sv, "SO_PEERCRED", strerror(errno));
			(void)close(fd);
			continue;
		}
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return -1;
		if (errno != EINTR && errno != ECONNABORTED && errno != EPROTO)
			break;
	}
	logfault(sv, "accept", strerror(errno));
	serve_pause(sv, 1);
	return -1;
}

/*
 * A connection or datagram handed on: its number for the log, and under -l
 * its start, with the pid serving it (0: served in-process).
 */
unsigned long long
serve_logconn(const struct service *sv, const struct sockaddr *peer,
    const struct sockaddr *local, pid_t pid)
{
	struct logev e;
	unsigned long long n = log_newconn();

	if (!log_conns())
		return n;
	logev_init(&e, LOGEV_START, sv);
	e.le_conn = n;
	e.le_peer = peer;
	e.le_local = local;
	e.le_pid = pid;
	log_event(LOG_INFO, &e);
	return n;
}

/* Logs a refusal, rate-limited with sv's faults. */
static void
refused(struct service *sv, const struct sockaddr *peer, enum admit why)
{
	struct logev e;

	sv->sv_refused++;
	logev_init(&e, LOGEV_REFUSED, sv);
	if (!log_ratelimit(sv, &e.le_more))
		return;
	e.le_peer = peer;
	e.le_cause = limit_cause(why);
	e.le_why = limit_why(why);
	log_event(LOG_ERR, &e);
}

/*
 * The access rules (unless rules is 0: a wait handler's peers are its
 * own), then the per-source limits (srccap: the in-process connections one
 * source may hold, 0 none), for a connection or datagram from peer.
 * Returns ADMIT_OK, with *src the source holding a place for its handler
 * (or NULL), or why it is refused (logged, rate-limited).  The daemon list
 * of a rule matches ARGV0 (or the builtin's name) or SERVICE.
 */
enum admit
serve_admit(struct service *sv, const struct sockaddr *peer, int srccap,
    int rules, const struct timespec *t, struct source **src)
{
	const struct svconf *sc = sv->sv_conf;
	enum admit a = ADMIT_OK;

	const char *name = sc->sc_bi != NULL ? sc->sc_bi->p_name :
	    sc->sc_argv[0];
	int v = -1;

	*src = NULL;
	/* The service's own lists first, then the files. */
	if (rules && (sc->sc_allow != NULL || sc->sc_deny != NULL))
		v = access_verdict(sc->sc_allow, sc->sc_deny, name, sc->sc_name,
		    peer);
	if (rules && v == -1 && (allowacl != NULL || denyacl != NULL))
		v = access_check(allowacl, denyacl, name, sc->sc_name, peer);
	if (v == 0)
		a = ADMIT_ACCESS;
	else
		a = limit_admit(sv, peer, srccap, t, src);
	if (a != ADMIT_OK)
		refused(sv, peer, a);
	return a;
}

/*
 * A stream connection on fd was refused: its refuse_message, if it has
 * one, goes out before it is closed (without waiting: a client that does
 * not read gets what its socket buffer takes).
 */
void
serve_refuse(const struct service *sv, int fd)
{
	if (sv->sv_conf->sc_refuse != NULL)
		greet_refuse(sv->sv_conf->sc_refuse, fd);
}

/*
 * Runs sv's handler on fds, for peer on local (through the balancer lb:
 * see spawn_child()); src is the source holding a place for it (or NULL).
 * Returns its entry in the child table, or NULL: on failure logs why
 * (rate-limited), gives src's place back, closes nothing and pauses the
 * service for a second, so that a fork that keeps failing cannot spin.
 * Under -S spare the connection goes to sv's spare when it has one, and
 * the next spare is forked once the connection is on its way, so that
 * fork runs while the handler does.
 */
struct child *
serve_start(struct service *sv, const int fds[3], const struct sockaddr *peer,
    const struct sockaddr *local, const struct sockaddr *lb, struct source *src)
{
	struct spawnfail f;
	struct timespec t;
	struct child *c;
	pid_t pid = 0;
	int report = -1, spare = spawn_scheme() == SPAWN_SPARE;

	tnow(&t);
	f.sf_what = NULL;
	if (spare)
		pid = spare_take(sv, fds, peer, local, lb, &report);
	if (pid == 0 &&
	    (pid = spawn_child(sv->sv_conf, fds, peer, local, lb, &f)) == -1) {
		logfault(sv, "fork", strerror(errno));
		goto fail;
	}
	if (spare)
		spare_make(sv);
	if ((c = child_add(sv, pid, &t, sv->sv_conf->sc_deadline)) == NULL) {
		/* Nothing runs that the table does not know of. */
		logfault(sv, "child table", strerror(errno));
		(void)kill(pid, SIGKILL);
		if (report != -1)
			(void)close(report);
		goto fail;
	}
	if (f.sf_what != NULL)
		logfault(sv, f.sf_what, strerror(f.sf_errno));
	c->ch_prefailed = f.sf_what != NULL;
	c->ch_report = report;
	c->ch_src = src;
	c->ch_mode = sv->sv_mode;
	if (limit_spawned(sv, &t) == -1)
		logfault(sv, "spawn limit", strerror(errno));
	sv->sv_nchild++;
	sv->sv_served++;
	c->ch_conn = serve_logconn(sv, peer, local, pid);
	return c;
fail:
	sv->sv_failed++;
	limit_release(sv, src);
	serve_pause(sv, 1);
	return NULL;
}

/* -l: a handler's end; killed, when it was signalled at its time limit. */
static void
logexit(const struct child *c, int status, long long ms)
{
	struct logev e;

	if (!log_conns())
		return;
	logev_init(&e, c->ch_termed ? LOGEV_KILLED : LOGEV_EXIT, c->ch_sv);
	e.le_conn = c->ch_conn;
	e.le_pid = c->ch_pid;
	e.le_status = status;
	e.le_ms = ms;
	log_event(LOG_INFO, &e);
}

/*
 * Reaps every child that has ended: its mode finishes with it (a reply, a
 * socket given back), then the limits hear how it went, its per-source
 * place is released, and a removed service may go with its last handler.
 */
void
serve_reap(void)
{
	struct spawnfail f;
	struct service *sv;
	struct timespec t;
	struct child *c;
	enum ended how;
	long long ms;
	pid_t pid;
	int status, ok;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		if ((c = child_find(pid)) == NULL) {
			(void)spare_reaped(pid, status);
			continue;
		}
		sv = c->ch_sv;
		/* A spare's handler says what failed only now. */
		if (c->ch_report != -1) {
			if (spare_report(c->ch_report, &f)) {
				logfault(sv, f.sf_what, strerror(f.sf_errno));
				c->ch_prefailed = 1;
			}
			(void)close(c->ch_report);
			c->ch_report = -1;
		}
		tnow(&t);
		ms = tsdiff(&t, &c->ch_start);
		logexit(c, status, ms);
		ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
		if (!ok)
			sv->sv_failed++;
		how = c->ch_prefailed ? END_PREFAILED : ok ? END_OK :
		    END_FAILED;
		/* The mode it started in: a reload may have changed sv's. */
		if (c->ch_mode->m_ended != NULL)
			c->ch_mode->m_ended(sv, c, &how);
		limit_exited(sv, c->ch_src, how, ms, &t);
		limit_release(sv, c->ch_src);
		child_del(c);
		service_done(sv);
	}
	if (pid == -1 && errno != ECHILD)
		logmsg(LOG_ERR, "waitpid: %s", strerror(errno));
}
