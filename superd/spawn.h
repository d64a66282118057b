/* The child hand-off: from fork to the handler's exec. */
#ifndef SUPERD_SPAWN_H
#define SUPERD_SPAWN_H

#include <sys/types.h>
#include <sys/socket.h>

struct svconf;

/* What a child failed at before its exec; sf_what NULL when it exec'd. */
struct spawnfail {
	const char	*sf_what;
	int		 sf_errno;
};

pid_t	spawn_child(const struct svconf *, const int [3],
	    const struct sockaddr *, const struct sockaddr *,
	    const struct sockaddr *, struct spawnfail *);
int	spawn_init(void);

#endif
