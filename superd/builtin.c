/*
 * Internal services, served by superd itself without a process, with the
 * handlers' own protocol code (handlers/proto.c): a stream connection is
 * taken in by conn.c's in-process engine, a datagram answered at once.
 */
#define _GNU_SOURCE
#include <sys/types.h>
#include <sys/socket.h>
#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../handlers/proto.h"
#include "conf.h"
#include "conn.h"
#include "greet.h"
#include "limit.h"
#include "log.h"
#include "mode.h"
#include "pending.h"
#include "serve.h"
#include "service.h"
#include "udp.h"
#include "util.h"

/*
 * A stream builtin at A, or at its share of the in-process connections,
 * leaves its socket to the kernel's backlog; a datagram one never waits.
 */
static int
full(const struct service *sv)
{
	const struct svconf *sc = sv->sv_conf;

	if (sc->sc_mode == MODE_INDGRAM)
		return 0;
	return serve_full(sv) || conn_full() || sv->sv_nchild >= conn_share();
}

/*
 * Admits a stream connection from peer (srccap: one source's share) and
 * takes it in: its banner, then conn.c serves it.
 */
static void
takein(struct service *sv, int fd, const struct sockaddr *peer)
{
	struct source *src;
	struct timespec t;
	const char *why;

	tnow(&t);
	if (serve_admit(sv, peer, conn_srcshare(), 1, &t, &src) !=
	    ADMIT_OK) {
		serve_refuse(sv, fd);
		(void)close(fd);
		return;
	}
	if (limit_spawned(sv, &t) == -1)
		logfault(sv, "spawn limit", strerror(errno));
	if (sv->sv_conf->sc_banner != NULL &&
	    greet_banner(sv->sv_conf->sc_banner, fd, &why) == -1)
		logfault(sv, why, strerror(errno));
	else if (conn_add(sv, fd, src, peer) == 0) {
		sv->sv_served++;
		return;
	}
	limit_release(sv, src);
	(void)close(fd);
}

/* A PROXY service's connection, its header read: the client is its peer. */
static void
proxied(struct service *sv, int fd, const struct sockaddr *peer,
    const struct sockaddr *local, const struct sockaddr *lb)
{
	(void)local;
	(void)lb;
	takein(sv, fd, peer);
}

/*
 * Stream: accepts until EAGAIN (ACCEPTMAX at most); each connection
 * admitted counts as a running handler for the limits, one source holding
 * half of the service's share at most; a PROXY service's connections wait
 * for their header first (pending.c).
 */
static void
accepting(struct service *sv)
{
	struct sockaddr_storage peer;
	struct timespec t;
	int fd, i;

	for (i = 0; i < ACCEPTMAX && !full(sv); i++) {
		tnow(&t);
		if (!limit_spawnok(sv, &t) || (fd = serve_accept(sv, &peer, 1)) ==
		    -1)
			return;
		if (sv->sv_conf->sc_proxy == 0)
			takein(sv, fd, (struct sockaddr *)&peer);
		else if (pending_add(sv, fd, &peer, proxied) == -1)
			(void)close(fd);
	}
}

/* -l: the end of a builtin's datagram conn, n bytes in, len out. */
static void
logreply(const struct service *sv, unsigned long long conn,
    const struct timespec *start, ssize_t n, ssize_t len)
{
	struct timespec t;
	struct logev e;

	tnow(&t);
	logev_init(&e, LOGEV_EXIT, sv);
	e.le_conn = conn;
	e.le_ms = tsdiff(&t, start);
	e.le_in = n;
	e.le_out = len;
	log_event(LOG_INFO, &e);
}

/*
 * Datagrams: each one that passes the guard, the access rules and the
 * limits (no handler holds a place; nowait.N counts replies) is answered.
 */
static void
answering(struct service *sv)
{
	static char in[UDP_BUF], out[UDP_BUF];
	const struct svconf *sc = sv->sv_conf;
	struct source *src;
	struct timespec t;
	struct dgaddr d;
	unsigned long long conn;
	ssize_t n, len;
	int i, k;

	for (i = 0; i < ACCEPTMAX; i++) {
		if ((k = udp_take(sv, in, sizeof(in), &d, &n)) == -1)
			return;
		tnow(&t);
		if (k == 0 || !limit_spawnok(sv, &t) ||
		    serve_admit(sv, (struct sockaddr *)&d.d_peer, 0, 1, &t,
		    &src) != ADMIT_OK)
			continue;
		limit_release(sv, src);
		if (limit_spawned(sv, &t) == -1)
			logfault(sv, "spawn limit", strerror(errno));
		sv->sv_served++;
		conn = serve_logconn(sv, (struct sockaddr *)&d.d_peer,
		    (struct sockaddr *)&d.d_local, 0);
		if ((len = sc->sc_bi->p_reply(&sc->sc_biopts, in, (size_t)n, out,
		    d.d_max)) < 0 || udp_send(sv, out, (size_t)len, &d) == -1)
			len = 0;
		if (log_conns())
			logreply(sv, conn, &t, n, len);
	}
}

static void
ready(struct service *sv)
{
	if (sv->sv_conf->sc_mode == MODE_INSTREAM)
		accepting(sv);
	else
		answering(sv);
}

const struct mode mode_builtin = { ready, full, NULL };
