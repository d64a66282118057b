/* stderr=log: each handler's stderr read a line at a time into the log. */
#ifndef SUPERD_ERRLOG_H
#define SUPERD_ERRLOG_H

#include <sys/types.h>

#define ERRLOG_LINEMAX	512	/* bytes of a line logged; longer ones cut */
#define ERRLOG_RATE	20	/* lines a second per handler, then dropped */

void	errlog_add(int, const char *, pid_t);
int	errlog_count(void);
void	errlog_freeall(void);

#endif
