/*
 * Small helpers shared by superd's files.  parsenum() is the one bounded
 * number parser for argv and configuration values (glibc has no strtonum).
 */
#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include "util.h"

/*
 * Parses the decimal number s within [min, max].  On failure returns 0 and
 * points *errstr at "invalid", "too small" or "too large"; else *errstr is
 * NULL.
 */
long long
parsenum(const char *s, long long min, long long max, const char **errstr)
{
	long long v;
	char *end;

	*errstr = NULL;
	if (*s < '0' || *s > '9') {
		*errstr = *s == '-' && s[1] >= '0' && s[1] <= '9' ?
		    "too small" : "invalid";
		return 0;
	}
	errno = 0;
	v = strtoll(s, &end, 10);
	if (*end != '\0') {
		*errstr = "invalid";
		return 0;
	}
	if (errno == ERANGE || v > max) {
		*errstr = "too large";
		return 0;
	}
	if (v < min) {
		*errstr = "too small";
		return 0;
	}
	return v;
}

/* The monotonic clock, which no one can set back. */
void
tnow(struct timespec *ts)
{
	(void)clock_gettime(CLOCK_MONOTONIC, ts);
}

/* a - b in milliseconds. */
long long
tsdiff(const struct timespec *a, const struct timespec *b)
{
	return (a->tv_sec - b->tv_sec) * 1000LL +
	    (a->tv_nsec - b->tv_nsec) / 1000000;
}
