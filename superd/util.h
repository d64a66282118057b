/* Small helpers shared by superd's files: numbers, the clock, files. */
#ifndef SUPERD_UTIL_H
#define SUPERD_UTIL_H

#include <stdio.h>
#include <time.h>

/* The largest configuration or access file read. */
#define FILEMAX		(16 * 1024 * 1024)
#define FILEMAXSTR	"16 MiB"

long long	parsenum(const char *, long long, long long, const char **);
void		tnow(struct timespec *);
long long	tsdiff(const struct timespec *, const struct timespec *);
FILE		*fopenreg(const char *, const char **);
int		 physline(FILE *, char *, size_t, size_t *, int *);
void		 stdfds(void);
int		 sysclose_range(unsigned int, unsigned int, unsigned int);

#endif
