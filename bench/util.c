/*
 * Shared by loadgen and ceiling: a bounded number parser, the monotonic
 * clock in nanoseconds, and percentiles of sorted latencies.
 */
#include <err.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "util.h"

/* strtonum(3) for glibc: min..max, or -1 with *errstr set. */
long
number(const char *s, long min, long max, const char **errstr)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno == ERANGE) {
		*errstr = "invalid";
		return -1;
	}
	if (v < min) {
		*errstr = "too small";
		return -1;
	}
	if (v > max) {
		*errstr = "too large";
		return -1;
	}
	*errstr = NULL;
	return v;
}

/* The monotonic clock, in nanoseconds. */
int64_t
now(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) == -1)
		err(1, "clock_gettime");
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* qsort(3) order for latencies. */
int
cmp32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

/* The p-th percentile of the n sorted latencies lat (0 when n is 0). */
uint32_t
pct(const uint32_t *lat, long n, int p)
{
	long i;

	if (n == 0)
		return 0;
	i = (n * p + 99) / 100 - 1;
	return lat[i < 0 ? 0 : i];
}
