/* Spawn rate, per-source limits and the back-off of failing services. */
#ifndef SUPERD_LIMIT_H
#define SUPERD_LIMIT_H

#include <sys/socket.h>
#include <time.h>

struct service;
struct source;

enum pausewhy { PAUSE_NONE, PAUSE_FAULT, PAUSE_RATE, PAUSE_FAILING };

/* What limit_admit() says of a connection or datagram. */
enum admit {
	ADMIT_OK,	/* admitted; counted for its source if one is given */
	ADMIT_ACCESS,	/* refused by the access rules */
	ADMIT_RATE,	/* over B, connections per source a minute */
	ADMIT_CHILDREN,	/* over C, children per source */
	ADMIT_SHARE,	/* over its source's share of in-process connections */
	ADMIT_FAILING,	/* its source is paused: its handlers fail at once */
	ADMIT_FULL	/* no source can be tracked, and a limit needs it */
};

/* How a handler ended, for the failure detection. */
enum ended {
	END_OK,		/* ran, exited 0 or ran longer than a second */
	END_FAILED,	/* its own non-zero exit or signal, within a second */
	END_PREFAILED,	/* superd saw it fail: exec, user switch, ... */
	END_UNCONSUMED	/* dgram wait: left the datagram that woke it */
};

int		 limit_spawnok(struct service *, const struct timespec *);
int		 limit_spawned(struct service *, const struct timespec *);
enum admit	 limit_admit(struct service *, const struct sockaddr *, int,
		    const struct timespec *, struct source **);
const char	*limit_why(enum admit);
const char	*limit_cause(enum admit);
void		 limit_release(struct service *, struct source *);
void		 limit_exited(struct service *, struct source *, enum ended,
		    long long, const struct timespec *);
void		 limit_resumed(struct service *);
void		 limit_free(struct service *);

#endif
