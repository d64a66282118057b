/* Readiness and the watchdog, for a service manager's NOTIFY_SOCKET. */
#ifndef SUPERD_NOTIFY_H
#define SUPERD_NOTIFY_H

#include <time.h>

#define NOTIFY_NENV	3	/* the variables notify_environ() gives back */

void		 notify_init(void);
void		 notify_send(const char *, ...)
		    __attribute__((format(printf, 1, 2)));
void		 notify_reloading(void);
long long	 notify_nextwatchdog(const struct timespec *);
void		 notify_watchdog(const struct timespec *);
int		 notify_environ(const char *[NOTIFY_NENV]);

#endif
