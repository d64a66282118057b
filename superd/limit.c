/*
 * The limits that keep superd up: the spawn rate (nowait.N), per-source
 * connection and child counts (nowait/A/B/C, B and C), each source's share
 * of the in-process connections, and the back-off of handlers that fail at
 * once, per source and per service.  A limited service is paused (left out
 * of the poll set), never closed and re-bound.
 *
 * Sources live in a hash table per service, IPv4 by address and IPv6 by
 * /64 (one host holds a whole /64).  A source with running handlers is on
 * the busy list; one without is on the idle list, oldest use first, and is
 * what gives way when the table is full or its minute is long over.  When
 * nothing can give way, a connection that a limit would count is refused:
 * no source is ever admitted untracked past a limit.
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
#include "sock.h"
#include "util.h"

#define WINDOW		60	/* seconds: "a minute" of the limits */
#define QUICK_MS	1000	/* a handler gone within this failed at once */
#define QUICK_RUN	5	/* that many in a row pause */
#define QUICK_SOURCES	3	/* ... the service, when from this many sources */
#define BACKOFF_MIN	10	/* seconds, doubling per pause ... */
#define BACKOFF_MAX	600	/* ... up to 10 minutes */

struct source {
	struct source	*so_hnext;	/* in its hash bucket */
	struct source	*so_prev;	/* on the idle or the busy list */
	struct source	*so_next;
	unsigned char	 so_key[16];	/* IPv4 v4-mapped; IPv6 its /64 */
	int		 so_nchild;	/* running handlers */
	int		 so_count;	/* admitted in this window */
	struct timespec	 so_window;	/* when the window began */
	struct timespec	 so_used;	/* last admitted */
	int		 so_fails;	/* its handlers failed at once, in a row */
	int		 so_backoff;	/* seconds of its last pause */
	struct timespec	 so_pause;	/* refused before this */
};

struct list {
	struct source	*l_head;	/* oldest */
	struct source	*l_tail;
};

struct limits {
	/* nowait.N: the times of the last N spawns */
	struct timespec	*l_spawnts;
	int		 l_spawnmax;
	int		 l_nspawn;
	int		 l_spawnhead;
	/* the sources */
	struct source	**l_hash;
	size_t		 l_hcap;
	size_t		 l_n;
	struct list	 l_idle;
	struct list	 l_busy;
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
 * 1 when sv may start a handler now.  Over nowait.N spawns in the last 60
 * seconds, pauses sv until the oldest of them is 60 seconds old.
 */
int
limit_spawnok(struct service *sv, const struct timespec *now)
{
	const struct limits *l = sv->sv_lim;
	const struct timespec *oldest;

	if (sv->sv_spawnmax <= 0 || l == NULL || l->l_spawnmax !=
	    sv->sv_spawnmax || l->l_nspawn < sv->sv_spawnmax)
		return 1;
	oldest = &l->l_spawnts[l->l_spawnhead];
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
	struct limits *l;
	int max = sv->sv_spawnmax;

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

/* sa's source: IPv4 (v4-mapped or not) whole, IPv6 its first 64 bits. */
static void
key(const struct sockaddr *sa, unsigned char k[16])
{
	if (sock_addr16(sa, k, NULL) == AF_INET6)
		memset(k + LIMIT_V6PREFIX / 8, 0, 16 - LIMIT_V6PREFIX / 8);
}

static size_t
hashkey(const unsigned char k[16], size_t cap)
{
	unsigned long h = 2166136261UL;
	int i;

	for (i = 0; i < 16; i++)
		h = (h ^ k[i]) * 16777619UL;
	return h & (cap - 1);
}

static void
unlink_list(struct list *ls, struct source *so)
{
	if (so->so_prev != NULL)
		so->so_prev->so_next = so->so_next;
	else
		ls->l_head = so->so_next;
	if (so->so_next != NULL)
		so->so_next->so_prev = so->so_prev;
	else
		ls->l_tail = so->so_prev;
	so->so_prev = so->so_next = NULL;
}

static void
append(struct list *ls, struct source *so)
{
	so->so_next = NULL;
	so->so_prev = ls->l_tail;
	if (ls->l_tail != NULL)
		ls->l_tail->so_next = so;
	else
		ls->l_head = so;
	ls->l_tail = so;
}

/* Removes so, which is idle, from the table and frees it. */
static void
forget(struct limits *l, struct source *so)
{
	struct source **pp;

	for (pp = &l->l_hash[hashkey(so->so_key, l->l_hcap)]; *pp != so;
	    pp = &(*pp)->so_hnext)
		;
	*pp = so->so_hnext;
	unlink_list(&l->l_idle, so);
	l->l_n--;
	free(so);
}

/* Doubles the buckets (best effort: a full table still works, slower). */
static void
grow(struct limits *l)
{
	struct source **h, *so, *next;
	size_t cap = l->l_hcap ? l->l_hcap * 2 : 64, i, b;

	if ((h = calloc(cap, sizeof(*h))) == NULL)
		return;
	for (i = 0; i < l->l_hcap; i++)
		for (so = l->l_hash[i]; so != NULL; so = next) {
			next = so->so_hnext;
			b = hashkey(so->so_key, cap);
			so->so_hnext = h[b];
			h[b] = so;
		}
	free(l->l_hash);
	l->l_hash = h;
	l->l_hcap = cap;
}

/* 1 when an idle source holds nothing worth keeping at now. */
static int
stale(const struct source *so, const struct timespec *now)
{
	return tsdiff(now, &so->so_used) >= WINDOW * 1000 &&
	    (so->so_pause.tv_sec == 0 || tsdiff(&so->so_pause, now) <= 0) &&
	    so->so_fails == 0;
}

/*
 * The source of k, made when it is new: the oldest idle source gives way
 * when the table is full.  NULL when nothing can (or out of memory).
 */
static struct source *
lookup(struct limits *l, const unsigned char k[16], const struct timespec *now)
{
	struct source *so;
	size_t b;

	/* One stale source goes per look-up, so the table shrinks back. */
	if ((so = l->l_idle.l_head) != NULL && stale(so, now))
		forget(l, so);
	if (l->l_hcap > 0)
		for (so = l->l_hash[hashkey(k, l->l_hcap)]; so != NULL;
		    so = so->so_hnext)
			if (memcmp(so->so_key, k, 16) == 0)
				return so;
	if (l->l_n >= LIMIT_SOURCES) {
		if (l->l_idle.l_head == NULL)
			return NULL;
		forget(l, l->l_idle.l_head);
	}
	if (l->l_n >= l->l_hcap)
		grow(l);
	if (l->l_hcap == 0 || (so = calloc(1, sizeof(*so))) == NULL)
		return NULL;
	memcpy(so->so_key, k, 16);
	so->so_window = so->so_used = *now;
	b = hashkey(k, l->l_hcap);
	so->so_hnext = l->l_hash[b];
	l->l_hash[b] = so;
	append(&l->l_idle, so);
	l->l_n++;
	return so;
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
	struct limits *l;
	struct source *so;
	unsigned char k[16];
	int counted = sv->sv_maxcpm > 0 || sv->sv_maxperip > 0 || srccap > 0;
	int failing = sv->sv_failpause && sv->sv_builtin == NULL;

	*src = NULL;
	if (!counted && !failing)
		return ADMIT_OK;
	key(peer, k);
	if ((l = lim(sv)) == NULL || (so = lookup(l, k, now)) == NULL)
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
	if (sv->sv_maxcpm > 0 && so->so_count >= sv->sv_maxcpm)
		return ADMIT_RATE;
	if (sv->sv_maxperip > 0 && so->so_nchild >= sv->sv_maxperip)
		return ADMIT_CHILDREN;
	if (srccap > 0 && so->so_nchild >= srccap)
		return ADMIT_SHARE;
	so->so_count++;
	so->so_used = *now;
	if (so->so_nchild++ == 0)
		unlink_list(&l->l_idle, so);
	else
		unlink_list(&l->l_busy, so);
	append(&l->l_busy, so);
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
		[ADMIT_SHARE] = "over a per-source limit (its share of "
		    "in-process connections)",
		[ADMIT_FAILING] = "paused: its handlers fail at once",
		[ADMIT_FULL] = "over a per-source limit (no room to track it)"
	};

	return why[a];
}

/* A handler admitted from src (which may be NULL) has ended. */
void
limit_release(struct service *sv, struct source *so)
{
	struct limits *l = sv->sv_lim;

	if (so == NULL || l == NULL || so->so_nchild <= 0)
		return;
	if (--so->so_nchild == 0) {
		unlink_list(&l->l_busy, so);
		append(&l->l_idle, so);
	}
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
	struct sockaddr_in6 s6;
	char a[SOCK_ADDRSTRLEN], why[128];
	int port;

	if (++so->so_fails < QUICK_RUN)
		return;
	so->so_fails = 0;
	so->so_backoff = nextbackoff(so->so_backoff);
	so->so_pause = *now;
	so->so_pause.tv_sec += so->so_backoff;
	memset(&s6, 0, sizeof(s6));
	s6.sin6_family = AF_INET6;
	memcpy(&s6.sin6_addr, so->so_key, 16);
	if (sock_ntop((struct sockaddr *)&s6, a, sizeof(a), &port) == -1)
		(void)snprintf(a, sizeof(a), "?");
	(void)snprintf(why, sizeof(why), "%d handlers in a row failed at once; "
	    "%s%s paused alone for %d s", QUICK_RUN, a,
	    IN6_IS_ADDR_V4MAPPED(&s6.sin6_addr) ? "" : "/64", so->so_backoff);
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

	if (!sv->sv_failpause || (l = lim(sv)) == NULL)
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
	logmsg(LOG_WARNING, "%s:%d: %s/%s: %d handlers in a row failed at "
	    "once; paused for %d s", sv->sv_file, sv->sv_line, sv->sv_name,
	    sv->sv_proto, QUICK_RUN, l->l_backoff);
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

static void
freelist(struct source *so)
{
	struct source *next;

	for (; so != NULL; so = next) {
		next = so->so_next;
		free(so);
	}
}

/* Frees what the limits of sv hold. */
void
limit_free(struct service *sv)
{
	struct limits *l = sv->sv_lim;

	if (l == NULL)
		return;
	free(l->l_spawnts);
	freelist(l->l_idle.l_head);
	freelist(l->l_busy.l_head);
	free(l->l_hash);
	free(l);
	sv->sv_lim = NULL;
}

/* Moves the limits' state of o to n, on reload. */
void
limit_move(struct service *n, struct service *o)
{
	limit_free(n);
	n->sv_lim = o->sv_lim;
	o->sv_lim = NULL;
	n->sv_pausewhy = o->sv_pausewhy;
}
