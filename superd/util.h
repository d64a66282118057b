/* Small helpers shared by superd's files: numbers and the clock. */
#ifndef SUPERD_UTIL_H
#define SUPERD_UTIL_H

#include <time.h>

long long	parsenum(const char *, long long, long long, const char **);
void		tnow(struct timespec *);
long long	tsdiff(const struct timespec *, const struct timespec *);

#endif
