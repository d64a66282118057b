/*
 * The sources of one service, for the per-source limits and pauses: a hash
 * table, IPv4 by address and IPv6 by /64 (one host holds a whole /64, as
 * in OpenSSH's PerSourceNetBlockSize).  A source with running handlers is
 * on the busy list; one without is on the idle list, least recently used
 * first, and is what gives way when the table is full or when nothing of
 * it is worth keeping.  When nothing can give way, no source is made.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "sock.h"
#include "source.h"
#include "util.h"

struct list {
	struct source	*l_head;	/* oldest */
	struct source	*l_tail;
};

struct sources {
	struct source	**s_hash;
	size_t		 s_hcap;
	size_t		 s_n;
	struct list	 s_idle;
	struct list	 s_busy;
};

/* sa's source: IPv4 (v4-mapped or not) whole, IPv6 its first 64 bits. */
static void
key(const struct sockaddr *sa, unsigned char k[16])
{
	if (sock_addr16(sa, k, NULL) == AF_INET6)
		memset(k + SOURCE_V6PREFIX / 8, 0, 16 - SOURCE_V6PREFIX / 8);
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
forget(struct sources *l, struct source *so)
{
	struct source **pp;

	for (pp = &l->s_hash[hashkey(so->so_key, l->s_hcap)]; *pp != so;
	    pp = &(*pp)->so_hnext)
		;
	*pp = so->so_hnext;
	unlink_list(&l->s_idle, so);
	l->s_n--;
	free(so);
}

/* Doubles the buckets (best effort: a full table still works, slower). */
static void
grow(struct sources *l)
{
	struct source **h, *so, *next;
	size_t cap = l->s_hcap ? l->s_hcap * 2 : 64, i, b;

	if ((h = calloc(cap, sizeof(*h))) == NULL)
		return;
	for (i = 0; i < l->s_hcap; i++)
		for (so = l->s_hash[i]; so != NULL; so = next) {
			next = so->so_hnext;
			b = hashkey(so->so_key, cap);
			so->so_hnext = h[b];
			h[b] = so;
		}
	free(l->s_hash);
	l->s_hash = h;
	l->s_hcap = cap;
}

/* 1 when an idle source holds nothing worth keeping at now. */
static int
stale(const struct source *so, const struct timespec *now)
{
	return tsdiff(now, &so->so_used) >= SOURCE_KEEP * 1000 &&
	    (so->so_pause.tv_sec == 0 || tsdiff(&so->so_pause, now) <= 0) &&
	    so->so_fails == 0;
}

/*
 * The source of k, made when it is new: the oldest idle source gives way
 * when the table is full.  NULL when nothing can (or out of memory).
 */
static struct source *
lookup(struct sources *l, const unsigned char k[16],
    const struct timespec *now)
{
	struct source *so;
	size_t b;

	/* One stale source goes per look-up, so the table shrinks back. */
	if ((so = l->s_idle.l_head) != NULL && stale(so, now))
		forget(l, so);
	if (l->s_hcap > 0)
		for (so = l->s_hash[hashkey(k, l->s_hcap)]; so != NULL;
		    so = so->so_hnext)
			if (memcmp(so->so_key, k, 16) == 0)
				return so;
	if (l->s_n >= SOURCE_MAX) {
		if (l->s_idle.l_head == NULL)
			return NULL;
		forget(l, l->s_idle.l_head);
	}
	if (l->s_n >= l->s_hcap)
		grow(l);
	if (l->s_hcap == 0 || (so = calloc(1, sizeof(*so))) == NULL)
		return NULL;
	memcpy(so->so_key, k, 16);
	so->so_window = so->so_used = *now;
	b = hashkey(k, l->s_hcap);
	so->so_hnext = l->s_hash[b];
	l->s_hash[b] = so;
	append(&l->s_idle, so);
	l->s_n++;
	return so;
}

/*
 * The source of peer in *tp (made on first use), made when it is new: the
 * least recently used idle source gives way when the table is full, and
 * one that holds nothing worth keeping goes on each call, so the table
 * shrinks back.  NULL when nothing can give way, or out of memory.
 */
struct source *
source_get(struct sources **tp, const struct sockaddr *peer,
    const struct timespec *now)
{
	unsigned char k[16];

	if (*tp == NULL && (*tp = calloc(1, sizeof(**tp))) == NULL)
		return NULL;
	key(peer, k);
	return lookup(*tp, k, now);
}

/* A handler of so starts: so joins the busy list (or moves to its end). */
void
source_hold(struct sources *l, struct source *so)
{
	if (so->so_nchild++ == 0)
		unlink_list(&l->s_idle, so);
	else
		unlink_list(&l->s_busy, so);
	append(&l->s_busy, so);
}

/* A handler of so has ended: with its last, so is idle again. */
void
source_release(struct sources *l, struct source *so)
{
	if (so->so_nchild <= 0 || --so->so_nchild > 0)
		return;
	unlink_list(&l->s_busy, so);
	append(&l->s_idle, so);
}

/* so as text, an IPv6 one as its /64: 0, or -1. */
int
source_name(const struct source *so, char *buf, size_t size)
{
	struct sockaddr_in6 s6;
	size_t n;
	int port;

	memset(&s6, 0, sizeof(s6));
	s6.sin6_family = AF_INET6;
	memcpy(&s6.sin6_addr, so->so_key, 16);
	if (sock_ntop((struct sockaddr *)&s6, buf, size, &port) == -1)
		return -1;
	if (!IN6_IS_ADDR_V4MAPPED(&s6.sin6_addr) && (n = strlen(buf)) + 4 <
	    size)
		memcpy(buf + n, "/64", 4);
	return 0;
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

void
source_freeall(struct sources *l)
{
	if (l == NULL)
		return;
	freelist(l->s_idle.l_head);
	freelist(l->s_busy.l_head);
	free(l->s_hash);
	free(l);
}
