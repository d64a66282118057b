/*
 * The limits that keep superd up: the spawn rate (nowait.N), per-source
 * connection and child counts (nowait/A/B/C, B and C), each source's share
 * of the in-process connections, and the back-off of handlers that fail at
 * once, per source and per service.  A limited service is paused (left out
 * of the poll set), never closed and re-bound.
 *
 * Sources are source.c's.  When none can be tracked, a connection that a
 * limit would count is refused: no source is ever admitted untracked past a
 * limit.
 */
#define _GNU_SOURCE
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "service.h"
#include "limit.h"
#include "log.h"
#include "sock.h"
#include "source.h"
#include "util.h"

#define WINDOW		60	/* seconds: "a minute" of the limits */
#define QUICK_MS	1000	/* a handler gone within this failed at once */
#define QUICK_RUN	5	/* that many in a row pause */
#define QUICK_SOURCES	3	/* ... the service, when from this many sources */
#define BACKOFF_MIN	10	/* seconds, doubling per pause ... */
#define BACKOFF_MAX	600	/* ... up to 10 minutes */

struct limits {
	/* nowait.N: the times of the last N spawns */
	struct timespec	*l_spawnts;
	int		 l_spawnmax;
	int		 l_nspawn;
	int		 l_spawnhead;
	/* xinetd's cps: the spawns of the second that began at l_cpsts */
	struct timespec	 l_cpsts;
	int		 l_ncps;
	struct sources	*l_src;		/* source.c's */
	/* failing at once: the last QUICK_RUN failures of a run */
	int		 l_streak;
	unsigned char	 l_ring[QUICK_RUN][16];
	int		 l_ringsys[QUICK_RUN];	/* superd's own: no source */
	int		 l_backoff;
};

/* sv's state, made on first use; NULL when out of memory. */
static struct limits *
lim(struct service *sv)
{
	if (sv->sv_lim == NULL)
		sv->sv_lim = calloc(1, sizeof(struct limits));
	return sv->sv_lim;
}

static int
nextbackoff(int b)
{
	if (b == 0)
		return BACKOFF_MIN;
	return b * 2 > BACKOFF_MAX ? BACKOFF_MAX : b * 2;
}

/*
 * xinetd's cps N S: after N spawns within a second, sv pauses S seconds
 * (its socket stays open, the backlog queues).  0 when it pauses now.
 */
static int
cpsok(struct service *sv, const struct timespec *now)
{
	const struct svconf *sc = sv->sv_conf;
	const struct limits *l = sv->sv_lim;

	if (sc->sc_cps <= 0 || l == NULL || l->l_ncps < sc->sc_cps ||
	    tsdiff(now, &l->l_cpsts) >= 1000)
		return 1;
	sv->sv_pause = *now;
	sv->sv_pause.tv_sec += sc->sc_cpspause;
	if (sv->sv_pausewhy != PAUSE_RATE)
		logsv(LOG_WARNING, sv, "%d spawns in a second (cps); paused "
		    "for %d s", sc->sc_cps, sc->sc_cpspause);
	sv->sv_pausewhy = PAUSE_RATE;
	sv->sv_lim->l_ncps = 0;
	sv->sv_lim->l_cpsts = sv->sv_pause;
	return 0;
}

/*
 * 1 when sv may start a handler now.  Over nowait.N spawns in the last 60
 * seconds, pauses sv until the oldest of them is 60 seconds old.
 */
int
limit_spawnok(struct service *sv, const struct timespec *now)
{
	const struct limits *l = sv->sv_lim;
	const struct timespec *oldest;
	int max = sv->sv_conf->sc_spawnmax;

	if (!cpsok(sv, now))
		return 0;
	if (max <= 0 || l == NULL || l->l_spawnmax != max ||
	    l->l_nspawn < max)
		return 1;
	oldest = &l->l_spawnts[l->l_spawnhead];
	if (tsdiff(now, oldest) >= WINDOW * 1000)
		return 1;
	sv->sv_pause = *oldest;
	sv->sv_pause.tv_sec += WINDOW;
	if (sv->sv_pausewhy != PAUSE_RATE)
		logsv(LOG_WARNING, sv, "%d spawns in %d s; paused for %lld s",
		    max, WINDOW, tsdiff(&sv->sv_pause, now) / 1000 + 1);
	sv->sv_pausewhy = PAUSE_RATE;
	return 0;
}

/* Records a spawn for the rate limit; -1 when out of memory. */
int
limit_spawned(struct service *sv, const struct timespec *now)
{
	struct limits *l;
	int max = sv->sv_conf->sc_spawnmax;

	if (sv->sv_conf->sc_cps > 0) {
		if ((l = lim(sv)) == NULL)
			return -1;
		if (l->l_ncps == 0 || tsdiff(now, &l->l_cpsts) >= 1000) {
			l->l_cpsts = *now;
			l->l_ncps = 0;
		}
		l->l_ncps++;
	}
	if (max <= 0)
		return 0;
	if ((l = lim(sv)) == NULL)
		return -1;
	if (l->l_spawnmax != max) {	/* N changed on reload: start over */
		free(l->l_spawnts);
		l->l_nspawn = l->l_spawnhead = 0;
		l->l_spawnmax = 0;
		if ((l->l_spawnts = calloc((size_t)max,
		    sizeof(*l->l_spawnts))) == NULL)
			return -1;
		l->l_spawnmax = max;
	}
	if (l->l_nspawn < max) {
		l->l_spawnts[(l->l_spawnhead + l->l_nspawn) % max] = *now;
		l->l_nspawn++;
	} else {
		l->l_spawnts[l->l_spawnhead] = *now;
		l->l_spawnhead = (l->l_spawnhead + 1) % max;
	}
	return 0;
}

/*
 * The per-source limits for a new connection or datagram from peer, with
 * srccap the most in-process connections one source may hold (0: none).
 * Returns ADMIT_OK with *src set to the source now holding a place for its
 * handler (NULL when no source is tracked: no per-source limit applies and
 * there was no room), or why it is refused.
 */
enum admit
limit_admit(struct service *sv, const struct sockaddr *peer, int srccap,
    const struct timespec *now, struct source **src)
{
	const struct svconf *sc = sv->sv_conf;
	int counted = sc->sc_maxcpm > 0 || sc->sc_maxperip > 0 || srccap > 0;
	int failing = sc->sc_failpause && sc->sc_bi == NULL;
	struct limits *l;
	struct source *so;

	*src = NULL;
	if (!counted && !failing)
		return ADMIT_OK;
	if ((l = lim(sv)) == NULL ||
	    (so = source_get(&l->l_src, peer, now)) == NULL)
		return counted ? ADMIT_FULL : ADMIT_OK;
	if (failing && so->so_pause.tv_sec != 0) {
		if (tsdiff(&so->so_pause, now) > 0)
			return ADMIT_FAILING;
		so->so_pause.tv_sec = 0;
	}
	if (tsdiff(now, &so->so_window) >= WINDOW * 1000) {
		so->so_window = *now;
		so->so_count = 0;
	}
	if (sc->sc_maxcpm > 0 && so->so_count >= sc->sc_maxcpm)
		return ADMIT_RATE;
	if (sc->sc_maxperip > 0 && so->so_nchild >= sc->sc_maxperip)
		return ADMIT_CHILDREN;
	if (srccap > 0 && so->so_nchild >= srccap)
		return ADMIT_SHARE;
	so->so_count++;
	so->so_used = *now;
	source_hold(l->l_src, so);
	*src = so;
	return ADMIT_OK;
}

/* For the log: why a connection was refused. */
const char *
limit_why(enum admit a)
{
	static const char *const why[] = {
		[ADMIT_OK] = "admitted",
		[ADMIT_ACCESS] = "by the access rules",
		[ADMIT_RATE] = "over a per-source limit (connections a minute)",
		[ADMIT_CHILDREN] = "over a per-source limit (children)",
		[ADMIT_SHARE] = ("over a per-source limit (its share of "
		    "in-process connections)"),
		[ADMIT_FAILING] = "paused: its handlers fail at once",
		[ADMIT_FULL] = "over a per-source limit (no room to track it)"
	};

	return why[a];
}

/* For the structured log: why a connection was refused, in one word. */
const char *
limit_cause(enum admit a)
{
	static const char *const cause[] = {
		[ADMIT_OK] = "admitted",
		[ADMIT_ACCESS] = "access",
		[ADMIT_RATE] = "rate",
		[ADMIT_CHILDREN] = "per-source",
		[ADMIT_SHARE] = "share",
		[ADMIT_FAILING] = "failing",
		[ADMIT_FULL] = "untracked"
	};

	return cause[a];
}

/* A handler admitted from src (which may be NULL) has ended. */
void
limit_release(struct service *sv, struct source *so)
{
	if (so != NULL && sv->sv_lim != NULL)
		source_release(sv->sv_lim->l_src, so);
}

/* How many of the run's last failures came from different sources. */
static int
distinct(const struct limits *l)
{
	int i, j, n = 0, k = l->l_streak < QUICK_RUN ? l->l_streak : QUICK_RUN;

	for (i = 0; i < k; i++) {
		for (j = 0; j < i; j++)
			if (!l->l_ringsys[i] && !l->l_ringsys[j] &&
			    memcmp(l->l_ring[i], l->l_ring[j], 16) == 0)
				break;
		n += j == i;
	}
	return n;
}

/* A quick failure of a handler from so: that source pauses alone. */
static void
sourcefailed(struct service *sv, struct source *so, const struct timespec *now)
{
	char a[SOCK_ADDRSTRLEN + 4], why[128];

	if (++so->so_fails < QUICK_RUN)
		return;
	so->so_fails = 0;
	so->so_backoff = nextbackoff(so->so_backoff);
	so->so_pause = *now;
	so->so_pause.tv_sec += so->so_backoff;
	if (source_name(so, a, sizeof(a)) == -1)
		(void)snprintf(a, sizeof(a), "?");
	(void)snprintf(why, sizeof(why), "%d handlers in a row failed at once; "
	    "%s paused alone for %d s", QUICK_RUN, a, so->so_backoff);
	logfault(sv, "source", why);
}

/*
 * A handler of sv, admitted from so (may be NULL), ended as how after ms
 * milliseconds.  Failing at once QUICK_RUN times in a row pauses sv for
 * 10 s, doubling per consecutive pause up to 10 min, when the run holds
 * failures from at least QUICK_SOURCES sources (failures superd saw itself
 * count as from every source); a source whose own handlers keep failing at
 * once is paused alone.  A handler that runs normally resets the run.
 */
void
limit_exited(struct service *sv, struct source *so, enum ended how,
    long long ms, const struct timespec *now)
{
	struct limits *l;
	int i;

	if (!sv->sv_conf->sc_failpause || (l = lim(sv)) == NULL)
		return;
	if (how == END_OK || (how != END_PREFAILED && ms >= QUICK_MS)) {
		l->l_streak = 0;
		if (how == END_OK)
			l->l_backoff = 0;
		if (so != NULL) {
			so->so_fails = 0;
			if (how == END_OK)
				so->so_backoff = 0;
		}
		return;
	}
	i = l->l_streak++ % QUICK_RUN;
	l->l_ringsys[i] = how != END_FAILED || so == NULL;
	if (so != NULL)
		memcpy(l->l_ring[i], so->so_key, 16);
	if (how == END_FAILED && so != NULL)
		sourcefailed(sv, so, now);
	if (l->l_streak < QUICK_RUN || distinct(l) < QUICK_SOURCES)
		return;
	l->l_streak = 0;
	l->l_backoff = nextbackoff(l->l_backoff);
	sv->sv_pause = *now;
	sv->sv_pause.tv_sec += l->l_backoff;
	sv->sv_pausewhy = PAUSE_FAILING;
	logsv(LOG_WARNING, sv, "%d handlers in a row failed at once; paused "
	    "for %d s", QUICK_RUN, l->l_backoff);
}

/* The pause of sv has ended: says so when it was a limit's doing. */
void
limit_resumed(struct service *sv)
{
	if (sv->sv_pausewhy == PAUSE_RATE || sv->sv_pausewhy == PAUSE_FAILING)
		logsv(LOG_INFO, sv, "resumed");
	sv->sv_pausewhy = PAUSE_NONE;
}

/* Frees what the limits of sv hold. */
void
limit_free(struct service *sv)
{
	struct limits *l = sv->sv_lim;

	if (l == NULL)
		return;
	free(l->l_spawnts);
	source_freeall(l->l_src);
	free(l);
	sv->sv_lim = NULL;
}

