/*
 * The running services: their sockets opened at start, and a reload that
 * keeps each live service whose socket a new line names, swapping in that
 * line's configuration (socket, counters, limits and pauses all stay), opens
 * the new ones and closes the removed ones, which are freed once their last
 * handler has ended.  The per-service reports of SIGUSR1 too.
 *
 * Each socket is in ev.c's epoll set from its start, level-triggered.  One
 * that is ready while its service cannot take more (a wait handler has it,
 * at its limit, paused, or a PROXY one during an upgrade) is taken out and
 * parked; only the parked are looked at again, when a handler or a
 * connection ends, a reload, or the first of their pauses is over: so a
 * wake-up costs nothing per service configured.
 */
#define _GNU_SOURCE
#include <sys/types.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "activate.h"
#include "conf.h"
#include "conn.h"
#include "ev.h"
#include "limit.h"
#include "log.h"
#include "mode.h"
#include "serve.h"
#include "service.h"
#include "sock.h"
#include "udp.h"
#include "util.h"

/* Removed services whose handlers still run. */
static struct service *gone;
/* Sockets out of the epoll set for now, and when to look at them again. */
static struct service *parked;
static int recheck;		/* something they wait for may have changed */
static struct timespec parkwake;	/* the first of their pauses ends */
static int holdproxy;		/* an upgrade awaits PROXY headers */

static void	onready(int, uint32_t, void *);

/*
 * 1 when sv's socket may be served now.  As service_pollable(), with the
 * upgrade's hold, and the clock read only when sv is paused.
 */
static int
servable(struct service *sv)
{
	struct timespec t;

	if (sv->sv_busy || sv->sv_mode->m_full(sv) ||
	    (holdproxy && sv->sv_conf->sc_proxy != 0))
		return 0;
	if (sv->sv_pause.tv_sec == 0)
		return 1;
	tnow(&t);
	return service_pollable(sv, &t);
}

/* Puts sv on the parked list (its socket out of the set already). */
static void
pushpark(struct service *sv)
{
	if (!sv->sv_parked) {
		sv->sv_parked = 1;
		sv->sv_nextpark = parked;
		parked = sv;
	}
	if (sv->sv_pause.tv_sec != 0 && (parkwake.tv_sec == 0 ||
	    tsdiff(&sv->sv_pause, &parkwake) < 0))
		parkwake = sv->sv_pause;
}

/* Takes sv's socket out of the epoll set onto the parked list. */
static void
park(struct service *sv)
{
	if (!sv->sv_watched)
		return;
	if (ev_del(sv->sv_fd) == -1)
		logfault(sv, "epoll_ctl", strerror(errno));
	sv->sv_watched = 0;
	pushpark(sv);
}

/*
 * Puts sv's socket into the epoll set unless it is there or parked: 0, or
 * -1 (logged) with sv parked and paused a second, to try again then.
 */
static int
watch(struct service *sv)
{
	if (sv->sv_watched || sv->sv_parked)
		return 0;
	if (ev_add(sv->sv_fd, EPOLLIN, onready, sv) == 0) {
		sv->sv_watched = 1;
		return 0;
	}
	logfault(sv, "epoll_ctl", strerror(errno));
	serve_pause(sv, 1);
	pushpark(sv);
	return -1;
}

/* Before sv's socket is closed or handed on: out of the set, unparked. */
static void
unwatch(struct service *sv)
{
	struct service **pp;

	if (sv->sv_watched && ev_del(sv->sv_fd) == -1)
		logfault(sv, "epoll_ctl", strerror(errno));
	sv->sv_watched = 0;
	if (!sv->sv_parked)
		return;
	for (pp = &parked; *pp != sv; pp = &(*pp)->sv_nextpark)
		;
	*pp = sv->sv_nextpark;
	sv->sv_parked = 0;
	sv->sv_nextpark = NULL;
}

/* ev.c: sv's socket is ready; served if it may be, else parked. */
static void
onready(int fd, uint32_t events, void *arg)
{
	struct service *sv = arg;

	(void)fd;
	(void)events;
	if (servable(sv))
		sv->sv_mode->m_ready(sv);
	/* Full now: level-triggered, it would wake each round until then. */
	if (sv->sv_fd != -1 && !servable(sv))
		park(sv);
}

static const struct mode *
modeof(const struct svconf *sc)
{
	switch (sc->sc_mode) {
	case MODE_STREAM:	return &mode_stream;
	case MODE_STREAMWAIT:
	case MODE_DGRAMWAIT:	return &mode_wait;
	case MODE_DGRAM:	return &mode_relay;
	default:		return &mode_builtin;
	}
}

/* sc's address as the log shows it: a UNIX socket's path, or "?". */
static void
addrname(const struct svconf *sc, char *a, size_t size, int *port)
{
	const struct sockaddr_un *sun = (const void *)&sc->sc_addr;

	*port = 0;
	if (sc->sc_family == AF_UNIX)
		(void)snprintf(a, size, "%s", sun->sun_path);
	else if (sock_ntop((const struct sockaddr *)&sc->sc_addr, a, size,
	    port) == -1)
		(void)snprintf(a, size, "?");
}

/* Logs the address and port sv really bound. */
static void
listening(const struct service *sv)
{
	const struct svconf *sc = sv->sv_conf;
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	char a[SOCK_ADDRSTRLEN + 64];
	int port;

	if (sc->sc_family == AF_UNIX) {
		addrname(sc, a, sizeof(a), &port);
		logsv(LOG_INFO, sv, "listening on %s", a);
		return;
	}
	/* The socket's own address: an inherited one may be named, not set. */
	if ((getsockname(sv->sv_fd, (struct sockaddr *)&ss, &len) == -1 ||
	    sock_ntop((const struct sockaddr *)&ss, a, sizeof(a), &port) ==
	    -1) && sock_ntop((const struct sockaddr *)&sc->sc_addr, a,
	    sizeof(a), &port) == -1)
		(void)snprintf(a, sizeof(a), "?");
	logsv(LOG_INFO, sv, "listening on %s port %d", a, sv->sv_port);
}

/*
 * A service for sc, its socket open, or inherited (socket activation, an
 * upgrade) when one binds what sc would: NULL (logged) when it cannot be.
 */
static struct service *
newservice(struct svconf *sc)
{
	struct service *sv;
	const char *what = "malloc";
	char a[SOCK_ADDRSTRLEN + 64];
	int port, fd;

	if ((sv = calloc(1, sizeof(*sv))) != NULL) {
		sv->sv_conf = sc;
		sv->sv_mode = modeof(sc);
		if (((fd = activate_take(sc)) == -1 &&
		    sock_open(sv, &what) == 0) ||
		    (fd != -1 && sock_adopt(sv, fd, &what) == 0))
			return sv;
		if (fd != -1)
			(void)close(fd);
	}
	addrname(sc, a, sizeof(a), &port);
	if (sc->sc_family == AF_UNIX)
		logmsg(LOG_ERR, "%s:%d: %s/%s: %s %s: %s", sc->sc_file,
		    sc->sc_line, sc->sc_name, sc->sc_proto, what, a,
		    strerror(errno));
	else
		logmsg(LOG_ERR, "%s:%d: %s/%s: %s %s port %d: %s",
		    sc->sc_file, sc->sc_line, sc->sc_name, sc->sc_proto, what,
		    a, port, strerror(errno));
	free(sv);
	return NULL;
}

/* Frees sv, its configuration and its limits' state; its socket is shut. */
static void
freeservice(struct service *sv)
{
	unwatch(sv);
	limit_free(sv);
	conf_free(sv->sv_conf);
	free(sv);
}

/* The table is in use: the UDP guard and the in-process budget hear. */
static void
inuse(const struct service *list)
{
	const struct service *sv;
	int n = 0, nsock = 0;

	for (sv = list; sv != NULL; sv = sv->sv_next) {
		n += sv->sv_conf->sc_mode == MODE_INSTREAM;
		nsock++;
	}
	conn_setservices(n, nsock);
	udp_setports(list);
}

/*
 * The services of a parsed list, each socket opened and logged; a line
 * whose socket cannot be (a port in use) is logged, left out and counted
 * in *nfail.
 */
struct service *
service_start(struct svconf *list, int *nfail)
{
	struct service *head = NULL, **tail = &head, *sv;
	struct svconf *sc, *next;

	*nfail = 0;
	for (sc = list; sc != NULL; sc = next) {
		next = sc->sc_next;
		sc->sc_next = NULL;
		if ((sv = newservice(sc)) == NULL) {
			conf_free(sc);
			(*nfail)++;
			continue;
		}
		listening(sv);
		(void)watch(sv);
		*tail = sv;
		tail = &sv->sv_next;
	}
	inuse(head);
	return head;
}

/*
 * Pairs each configuration of list with the live service of old that has
 * the same socket: (*pair)[i] is the partner of list's i-th line, or NULL.
 * Equal sockets pair in file order (lines on port 0 all bind "the same"
 * one), so each bucket is a chain in old's order from which a partner is
 * unlinked when taken: the first entry that matches is the one to take,
 * and n equal lines cost O(n), not O(n^2) as probing past taken ones did.
 * Returns 0, or -1 out of memory.
 */
static int
pairup(struct service *old, const struct svconf *list, struct service ***pair)
{
	struct service **olds, *o;
	const struct svconf *n;
	size_t cap = 16, nold = 0, nnew = 0, i, j, *head, *next, *pp;

	for (o = old; o != NULL; o = o->sv_next)
		nold++;
	for (n = list; n != NULL; n = n->sc_next)
		nnew++;
	while (cap < 2 * nold)
		cap *= 2;
	head = calloc(cap, sizeof(*head));
	next = calloc(nold + 1, sizeof(*next));
	olds = calloc(nold + 1, sizeof(*olds));
	if ((*pair = calloc(nnew + 1, sizeof(**pair))) == NULL ||
	    head == NULL || next == NULL || olds == NULL) {
		free(*pair);
		free(head);
		free(next);
		free(olds);
		return -1;
	}
	/* Indexes are 1-based, 0 ending a chain; pushed last first. */
	for (o = old, i = 0; o != NULL; o = o->sv_next)
		olds[++i] = o;
	for (i = nold; i > 0; i--) {
		olds[i]->sv_paired = 0;
		pp = &head[conf_sockhash(olds[i]->sv_conf) & (cap - 1)];
		next[i] = *pp;
		*pp = i;
	}
	for (n = list, j = 0; n != NULL; n = n->sc_next, j++)
		for (pp = &head[conf_sockhash(n) & (cap - 1)]; *pp != 0;
		    pp = &next[*pp])
			if (conf_samesocket(olds[*pp]->sv_conf, n)) {
				o = olds[*pp];
				o->sv_paired = 1;
				(*pair)[j] = o;
				*pp = next[*pp];
				break;
			}
	free(head);
	free(next);
	free(olds);
	return 0;
}

/*
 * Gives sv the configuration sc.  A wait handler still holding the socket
 * keeps it as it is (its blocking reads must not start failing): its exit
 * sets the new mode's.
 */
static void
swapconf(struct service *sv, struct svconf *sc)
{
	conf_free(sv->sv_conf);
	sv->sv_conf = sc;
	sv->sv_mode = modeof(sc);
	if (!sv->sv_busy && sock_setmode(sv) == -1)
		logfault(sv, "fcntl", strerror(errno));
}

/* A removed service: its socket shut, freed with its last handler. */
static void
retire(struct service *sv)
{
	unwatch(sv);
	(void)close(sv->sv_fd);
	sock_unlinkunix(sv);
	sv->sv_fd = -1;
	if (sv->sv_nchild == 0) {
		freeservice(sv);
		return;
	}
	sv->sv_gone = 1;
	sv->sv_next = gone;
	gone = sv;
}

/*
 * SIGHUP: the n CONFIG paths again (messages name the first), entries
 * leaving a setting to the command line taking d's, into *lp.  If the file has any error, or a new socket cannot be
 * bound, nothing changes and -1 is returned; else 0.
 */
int
service_reload(struct service **lp, const char *const *paths, int n,
    const struct confdefaults *d)
{
	const char *path = paths[0];
	struct service *live = *lp;
	struct service *head = NULL, **tail = &head, *sv, *nextsv, **pair;
	struct svconf *list, *sc, *next;
	int nerr, nnew = 0, ngone = 0, nsv = 0, bad = 0;

	if ((list = conf_parse(paths, n, d, &nerr)) == NULL && nerr != 0) {
		logmsg(LOG_ERR, "%s: %s; configuration unchanged", path,
		    nerr == -1 ? "cannot be read" : "errors");
		return -1;
	}
	if (nerr != 0 || pairup(live, list, &pair) == -1) {
		logmsg(LOG_ERR, "%s: %s; configuration unchanged", path,
		    nerr != 0 ? "errors" : strerror(errno));
		conf_free(list);
		return -1;
	}
	/* The new sockets first: if one cannot be bound, nothing changes. */
	for (sc = list; sc != NULL; sc = sc->sc_next, nsv++) {
		if (pair[nsv] == NULL && (pair[nsv] = newservice(sc)) == NULL)
			bad = 1;
		else if (pair[nsv]->sv_conf == sc)
			nnew++;
	}
	if (bad) {
		for (sc = list, nsv = 0; sc != NULL; sc = sc->sc_next, nsv++)
			if (pair[nsv] != NULL && pair[nsv]->sv_conf == sc) {
				(void)close(pair[nsv]->sv_fd);
				sock_unlinkunix(pair[nsv]);
				free(pair[nsv]);
			}
		logmsg(LOG_ERR, "%s: configuration unchanged", path);
		free(pair);
		conf_free(list);
		return -1;
	}
	for (sv = live; sv != NULL; sv = nextsv) {
		nextsv = sv->sv_next;
		if (!sv->sv_paired) {
			ngone++;
			retire(sv);
		}
	}
	for (sc = list, nsv = 0; sc != NULL; sc = next, nsv++) {
		next = sc->sc_next;
		sc->sc_next = NULL;
		sv = pair[nsv];
		sv->sv_paired = 0;
		if (sv->sv_conf != sc)
			swapconf(sv, sc);
		listening(sv);
		(void)watch(sv);	/* a new one; the others are */
		*tail = sv;
		tail = &sv->sv_next;
	}
	*tail = NULL;
	free(pair);
	inuse(head);
	recheck = 1;	/* shares and limits may have changed */
	logmsg(LOG_INFO, "%s: reloaded: %d services, %d new, %d removed",
	    path, nsv, nnew, ngone);
	*lp = head;
	return 0;
}

/* One of sv's handlers has ended: a removed service may now be freed. */
void
service_done(struct service *sv)
{
	struct service **pp;

	if (!sv->sv_gone) {
		sv->sv_nchild--;
		/* A place is free: a parked socket may be served again. */
		if (parked != NULL)
			recheck = 1;
		/* A limit paused it as its handler ended: out till then. */
		if (sv->sv_pause.tv_sec != 0)
			park(sv);
		return;
	}
	if (--sv->sv_nchild > 0)
		return;
	for (pp = &gone; *pp != sv; pp = &(*pp)->sv_next)
		;
	*pp = sv->sv_next;
	freeservice(sv);
}

/* At exit: closes and frees every service, removed ones too. */
void
service_freeall(struct service *list)
{
	struct service *sv, *next;
	int pass;

	for (pass = 0; pass < 2; pass++) {
		for (sv = pass ? gone : list; sv != NULL; sv = next) {
			next = sv->sv_next;
			unwatch(sv);
			if (sv->sv_fd != -1) {
				(void)close(sv->sv_fd);
				sock_unlinkunix(sv);
			}
			freeservice(sv);
		}
	}
	gone = NULL;
}

/*
 * 1 when sv's socket is to be polled now: not held by a wait handler, its
 * mode not full, not paused (a pause that has ended is lifted here).
 */
int
service_pollable(struct service *sv, const struct timespec *t)
{
	if (sv->sv_busy || sv->sv_mode->m_full(sv))
		return 0;
	if (sv->sv_pause.tv_sec == 0)
		return 1;
	if (tsdiff(&sv->sv_pause, t) > 0)
		return 0;
	sv->sv_pause.tv_sec = 0;
	limit_resumed(sv);
	return 1;
}

/* While on, PROXY services are not served (an upgrade awaits headers). */
void
service_holdproxy(int on)
{
	holdproxy = on;
	recheck = 1;
}

/*
 * Puts back into the epoll set each parked socket that may be served
 * again, when something they wait for may have changed.
 */
void
service_unpark(const struct timespec *now)
{
	struct service **pp, *sv;

	if (!recheck && (parkwake.tv_sec == 0 || tsdiff(&parkwake, now) > 0))
		return;
	recheck = 0;
	parkwake.tv_sec = 0;
	for (pp = &parked; (sv = *pp) != NULL;) {
		if (!(holdproxy && sv->sv_conf->sc_proxy != 0) &&
		    service_pollable(sv, now)) {
			*pp = sv->sv_nextpark;
			sv->sv_parked = 0;
			sv->sv_nextpark = NULL;
			(void)watch(sv);
			continue;
		}
		if (sv->sv_pause.tv_sec != 0 && (parkwake.tv_sec == 0 ||
		    tsdiff(&sv->sv_pause, &parkwake) < 0))
			parkwake = sv->sv_pause;
		pp = &sv->sv_nextpark;
	}
}

/* Milliseconds from now until the first pause of a parked one ends, or -1. */
long long
service_nextpause(const struct timespec *now)
{
	long long d;

	if (recheck)
		return 0;
	if (parkwake.tv_sec == 0)
		return -1;
	return (d = tsdiff(&parkwake, now)) < 0 ? 0 : d;
}

/*
 * An upgrade moves the sockets to other fds (and a finisher forked meanwhile
 * shares the set): all out of the epoll set before, all in again if the
 * exec fails, each parked anew as it is found unservable.
 */
void
service_unwatchall(struct service *list)
{
	struct service *sv;

	for (sv = list; sv != NULL; sv = sv->sv_next)
		unwatch(sv);
}

void
service_watchall(struct service *list)
{
	struct service *sv;

	for (sv = list; sv != NULL; sv = sv->sv_next)
		if (sv->sv_fd != -1)
			(void)watch(sv);
}

/* How many services list has, and how many handlers run (*nrun). */
int
service_count(const struct service *list, int *nrun)
{
	const struct service *sv;
	int n = 0;

	*nrun = 0;
	for (sv = list; sv != NULL; sv = sv->sv_next, n++)
		*nrun += sv->sv_nchild;
	for (sv = gone; sv != NULL; sv = sv->sv_next)
		*nrun += sv->sv_nchild;
	return n;
}

/* SIGUSR1: one line per service. */
void
service_status(const struct service *list)
{
	const struct service *sv;
	struct timespec t;
	char until[32];

	tnow(&t);
	for (sv = list; sv != NULL; sv = sv->sv_next) {
		if (sv->sv_pause.tv_sec != 0 && tsdiff(&sv->sv_pause, &t) > 0)
			(void)snprintf(until, sizeof(until), "+%llds",
			    tsdiff(&sv->sv_pause, &t) / 1000 + 1);
		else
			(void)snprintf(until, sizeof(until), "-");
		logsv(LOG_INFO, sv, "served %lu, running %d, failed %lu, "
		    "refused %lu, disabled-until %s", sv->sv_served,
		    sv->sv_nchild, sv->sv_failed, sv->sv_refused, until);
	}
}
