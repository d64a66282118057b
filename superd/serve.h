/*
 * What every mode shares: admission (the access rules, then the limits),
 * the hand-off of a connection or datagram to a handler, and the reaper.
 */
#ifndef SUPERD_SERVE_H
#define SUPERD_SERVE_H

#include <sys/types.h>
#include <sys/socket.h>
#include <time.h>

#include "limit.h"

struct acl;
struct child;
struct service;
struct source;

void		 serve_setopts(int);
void		 serve_setacl(const struct acl *, const struct acl *);
enum admit	 serve_admit(struct service *, const struct sockaddr *, int,
		    int, const struct timespec *, struct source **);
struct child	*serve_start(struct service *, const int [3],
		    const struct sockaddr *, const struct sockaddr *,
		    const struct sockaddr *, struct source *);
unsigned long long serve_logconn(const struct service *,
		    const struct sockaddr *, const struct sockaddr *, pid_t);
void		 serve_pause(struct service *, int);
void		 serve_refuse(const struct service *, int);
int		 serve_full(const struct service *);
int		 serve_accept(struct service *, struct sockaddr_storage *, int);
void		 serve_reap(void);

#endif
