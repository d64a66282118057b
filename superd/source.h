/*
 * The sources of one service's connections and datagrams, for the limits:
 * a hash table, IPv4 by address and IPv6 by /64, that gives way oldest
 * first and only where no handler runs.
 */
#ifndef SUPERD_SOURCE_H
#define SUPERD_SOURCE_H

#include <sys/socket.h>
#include <time.h>

#define SOURCE_MAX	65536	/* sources a service tracks at most */
#define SOURCE_V6PREFIX	64	/* bits of an IPv6 address that are one host */
#define SOURCE_KEEP	60	/* seconds an idle source is worth keeping */

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

struct sources;

struct source	*source_get(struct sources **, const struct sockaddr *,
		    const struct timespec *);
void		 source_hold(struct sources *, struct source *);
void		 source_release(struct sources *, struct source *);
int		 source_name(const struct source *, char *, size_t);
void		 source_freeall(struct sources *);

#endif
