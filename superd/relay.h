/* dgram nowait: one datagram in on a handler's stdin, its stdout out. */
#ifndef SUPERD_RELAY_H
#define SUPERD_RELAY_H

#include <sys/socket.h>

#define RELAY_TIMELIMIT	5	/* seconds, unless the service says */

struct builtin;
struct relay;
struct service;

struct relay		*relay_recv(struct service *, int [3], int *);
void			 relay_closefds(const int [3]);
void			 relay_started(struct relay *);
void			 relay_ended(struct relay *);
void			 relay_drop(struct relay *);
void			 relay_remap(void);
int			 relay_builtin(struct service *, const struct builtin *,
			    int (*)(struct service *, const struct sockaddr *));
void			 relay_loadaddrs(void);
void			 relay_setports(const struct service *);
void			 relay_freeall(void);
const struct sockaddr	*relay_peer(const struct relay *);
const struct sockaddr	*relay_local(const struct relay *);

#endif
