/* superd's one log: stderr in the foreground, syslog(3) under -D. */
#ifndef SUPERD_LOG_H
#define SUPERD_LOG_H

#include <syslog.h>

int	log_init(void);
void	log_syslog(void);
void	logmsg(int, const char *, ...)
	    __attribute__((format(printf, 2, 3)));

#endif
