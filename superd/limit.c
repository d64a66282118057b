/*
 * The limits that keep superd up: the spawn rate (nowait.N), per-source
 * connection and child counts (nowait/A/B/C, B and C), and the back-off of
 * a service whose handler fails at once on every start.  A limited service
 * is paused (left out of the poll set), never closed and re-bound.
 */
#define _GNU_SOURCE
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "limit.h"
#include "log.h"
#include "util.h"

#define WINDOW		60	/* seconds: "a minute" of the limits */
#define QUICK_MS	1000	/* a handler gone within this failed at once */
#define QUICK_RUN	5	/* that many in a row pause the service */
#define BACKOFF_MIN	10	/* seconds, doubling per pause ... */
#define BACKOFF_MAX	600	/* ... up to 10 minutes */
#define NSOURCES	4096	/* sources tracked per service */

struct source {
	unsigned char	 so_addr[16];	/* IPv4 as v4-mapped */
	int		 so_used;
	int		 so_nchild;
	int		 so_count;	/* connections in this window */
	struct timespec	 so_window;	/* when the window began */
};

/* sa's address as 16 bytes, IPv4 written v4-mapped so both forms agree. */
static void
key(const struct sockaddr *sa, unsigned char k[16])
{
	const struct sockaddr_in *s4 = (const void *)sa;
	const struct sockaddr_in6 *s6 = (const void *)sa;

	memset(k, 0, 16);
	if (sa->sa_family == AF_INET6) {
		memcpy(k, &s6->sin6_addr, 16);
	} else if (sa->sa_family == AF_INET) {
		k[10] = k[11] = 0xff;
		memcpy(k + 12, &s4->sin_addr, 4);
	}
}

/*
 * 1 when sv may start a handler now.  Over nowait.N spawns in the last 60
 * seconds, pauses sv until the oldest of them is 60 seconds old.
 */
int
limit_spawnok(struct service *sv, const struct timespec *now)
{
	const struct timespec *oldest;

	if (sv->sv_spawnmax <= 0 || sv->sv_nspawn < sv->sv_spawnmax)
		return 1;
	oldest = &sv->sv_spawnts[sv->sv_spawnhead];
	if (tsdiff(now, oldest) >= WINDOW * 1000)
		return 1;
	sv->sv_pause = *oldest;
	sv->sv_pause.tv_sec += WINDOW;
	if (sv->sv_pausewhy != PAUSE_RATE)
		logmsg(LOG_WARNING, "%s:%d: %s/%s: %d spawns in %d s; paused "
		    "for %lld s", sv->sv_file, sv->sv_line, sv->sv_name,
		    sv->sv_proto, sv->sv_spawnmax, WINDOW,
		    tsdiff(&sv->sv_pause, now) / 1000 + 1);
	sv->sv_pausewhy = PAUSE_RATE;
	return 0;
}

/* Records a spawn for the rate limit; -1 when out of memory. */
int
limit_spawned(struct service *sv, const struct timespec *now)
{
	if (sv->sv_spawnmax <= 0)
		return 0;
	if (sv->sv_spawnts == NULL && (sv->sv_spawnts = calloc(
	    (size_t)sv->sv_spawnmax, sizeof(*sv->sv_spawnts))) == NULL)
		return -1;
	if (sv->sv_nspawn < sv->sv_spawnmax) {
		sv->sv_spawnts[(sv->sv_spawnhead + sv->sv_nspawn) %
		    sv->sv_spawnmax] = *now;
		sv->sv_nspawn++;
	} else {
		sv->sv_spawnts[sv->sv_spawnhead] = *now;
		sv->sv_spawnhead = (sv->sv_spawnhead + 1) % sv->sv_spawnmax;
	}
	return 0;
}

static struct source *
lookup(struct service *sv, const unsigned char k[16], int create,
    const struct timespec *now)
{
	struct source *so, *slot = NULL;
	int i;

	if (sv->sv_sources == NULL) {
		if (!create)
			return NULL;
		if ((sv->sv_sources = calloc(NSOURCES, sizeof(*so))) == NULL)
			return NULL;
	}
	for (i = 0; i < NSOURCES; i++) {
		so = &sv->sv_sources[i];
		if (so->so_used && memcmp(so->so_addr, k, 16) == 0)
			return so;
		/* a source with no child and an old window is forgotten */
		if (so->so_used && so->so_nchild == 0 &&
		    tsdiff(now, &so->so_window) >= WINDOW * 1000)
			so->so_used = 0;
		if (!so->so_used && slot == NULL)
			slot = so;
	}
	if (!create || slot == NULL)
		return NULL;
	memset(slot, 0, sizeof(*slot));
	memcpy(slot->so_addr, k, 16);
	slot->so_used = 1;
	slot->so_window = *now;
	return slot;
}

/*
 * The per-source limits for a new connection from peer: 0 refuses it, 1
 * admits it untracked (no per-source limit, or every slot holds a live
 * source), 2 admits it and counts it, and its child, against peer.
 */
int
limit_admit(struct service *sv, const struct sockaddr *peer,
    const struct timespec *now)
{
	unsigned char k[16];
	struct source *so;

	if (sv->sv_maxcpm <= 0 && sv->sv_maxperip <= 0)
		return 1;
	key(peer, k);
	if ((so = lookup(sv, k, 1, now)) == NULL)
		return 1;
	if (tsdiff(now, &so->so_window) >= WINDOW * 1000) {
		so->so_window = *now;
		so->so_count = 0;
	}
	if (sv->sv_maxcpm > 0 && so->so_count >= sv->sv_maxcpm)
		return 0;
	if (sv->sv_maxperip > 0 && so->so_nchild >= sv->sv_maxperip)
		return 0;
	so->so_count++;
	so->so_nchild++;
	return 2;
}

/* A child admitted from peer has ended. */
void
limit_release(struct service *sv, const struct sockaddr *peer)
{
	unsigned char k[16];
	struct source *so;
	struct timespec never = { 0, 0 };

	if (sv->sv_sources == NULL)
		return;
	key(peer, k);
	if ((so = lookup(sv, k, 0, &never)) != NULL && so->so_nchild > 0)
		so->so_nchild--;
}

/*
 * A handler of sv ended after ms milliseconds.  It failed at once when it
 * exited non-zero or by a signal within a second (for dgram wait: exited
 * within a second, however, while a datagram was still queued).  Five
 * such in a row pause sv for 10 s, doubling per consecutive pause up to
 * 10 min; a handler that runs normally resets the count and the back-off.
 */
void
limit_exited(struct service *sv, int failed, long long ms, int queued,
    const struct timespec *now)
{
	int quick;

	if (sv->sv_wait && sv->sv_socktype == SOCK_DGRAM)
		quick = ms < QUICK_MS && queued;
	else
		quick = ms < QUICK_MS && failed;
	if (!quick) {
		sv->sv_quickfail = 0;
		if (ms >= QUICK_MS || !failed)
			sv->sv_backoff = 0;
		return;
	}
	if (++sv->sv_quickfail < QUICK_RUN)
		return;
	sv->sv_quickfail = 0;
	sv->sv_backoff = sv->sv_backoff == 0 ? BACKOFF_MIN :
	    sv->sv_backoff * 2 > BACKOFF_MAX ? BACKOFF_MAX : sv->sv_backoff * 2;
	sv->sv_pause = *now;
	sv->sv_pause.tv_sec += sv->sv_backoff;
	sv->sv_pausewhy = PAUSE_FAILING;
	logmsg(LOG_WARNING, "%s:%d: %s/%s: %d handlers in a row failed at "
	    "once; paused for %d s", sv->sv_file, sv->sv_line, sv->sv_name,
	    sv->sv_proto, QUICK_RUN, sv->sv_backoff);
}

/* The pause of sv has ended: says so when it was a limit's doing. */
void
limit_resumed(struct service *sv)
{
	if (sv->sv_pausewhy == PAUSE_RATE || sv->sv_pausewhy == PAUSE_FAILING)
		logmsg(LOG_INFO, "%s:%d: %s/%s: resumed", sv->sv_file,
		    sv->sv_line, sv->sv_name, sv->sv_proto);
	sv->sv_pausewhy = PAUSE_NONE;
}

/* Frees what the limits of sv hold. */
void
limit_free(struct service *sv)
{
	free(sv->sv_spawnts);
	free(sv->sv_sources);
	sv->sv_spawnts = NULL;
	sv->sv_sources = NULL;
}

/* Moves the limits' state of o to n, on reload. */
void
limit_move(struct service *n, struct service *o)
{
	if (n->sv_spawnmax == o->sv_spawnmax) {
		n->sv_spawnts = o->sv_spawnts;
		n->sv_nspawn = o->sv_nspawn;
		n->sv_spawnhead = o->sv_spawnhead;
		o->sv_spawnts = NULL;
	}
	n->sv_sources = o->sv_sources;
	o->sv_sources = NULL;
	n->sv_quickfail = o->sv_quickfail;
	n->sv_backoff = o->sv_backoff;
	n->sv_pausewhy = o->sv_pausewhy;
}
