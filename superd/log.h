/* superd's one log: stderr in the foreground, syslog(3) under -D. */
#ifndef SUPERD_LOG_H
#define SUPERD_LOG_H

#include <syslog.h>

int	log_init(void);
void	log_syslog(void);
void	log_quiet(void);
struct service;

void	logmsg(int, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
int	logat(const char *, int, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
void	logsv(int, const struct service *, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
void	logfault(struct service *, const char *, const char *);

#endif
