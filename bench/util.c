/*
 * Shared by loadgen and ceiling: their common options, a bounded number
 * parser, the monotonic clock in nanoseconds, and the result line both
 * print (one parser, bench/report.awk, reads either).
 */
#include <err.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "util.h"

static const char *resname[RES_NRESULT] = {
	[RES_OK] = "conns",
	[RES_REFUSED] = "refused",
	[RES_RESET] = "reset",
	[RES_TIMEOUT] = "timeout",
	[RES_SHORT] = "short",
	[RES_WRONG] = "wrong",
	[RES_OTHER] = "other",
};

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

/* The defaults, with maxconc the most -c may ask for. */
void
loadopts_init(struct loadopts *o, long maxconc)
{
	o->lo_maxconc = maxconc;
	o->lo_conc = 1;
	o->lo_secs = 10;
	o->lo_count = 1000000;
	o->lo_size = 16;
	o->lo_tmo = 2000000000LL;
	o->lo_udp = 0;
}

/*
 * Takes option ch with argument arg into o: 1, or 0 when ch is none of
 * -c, -d, -n, -s, -t and -u.  A bad value exits 2 with a message.
 */
int
loadopt(struct loadopts *o, int ch, const char *arg)
{
	const char *errstr;
	long v;

	switch (ch) {
	case 'c':
		v = number(arg, 1, o->lo_maxconc, &errstr);
		break;
	case 'd':
		v = number(arg, 1, 86400, &errstr);
		break;
	case 'n':
		v = number(arg, 1, BENCH_MAXCOUNT, &errstr);
		break;
	case 's':
		v = number(arg, 1, BENCH_MAXSIZE, &errstr);
		break;
	case 't':
		v = number(arg, 1, 600000, &errstr);
		break;
	case 'u':
		o->lo_udp = 1;
		return 1;
	default:
		return 0;
	}
	if (v == -1)
		errx(2, "-%c %s: %s", ch, arg, errstr);
	switch (ch) {
	case 'c': o->lo_conc = v; break;
	case 'd': o->lo_secs = v; break;
	case 'n': o->lo_count = v; break;
	case 's': o->lo_size = (size_t)v; break;
	default: o->lo_tmo = (int64_t)v * 1000000; break;
	}
	return 1;
}

/*
 * Prints the result line: the rate and latency percentiles of the n
 * latencies in lat (sorted here), then every result class's count.
 */
void
report(const char *proto, long conc, size_t size, double secs, uint32_t *lat,
    long n, const long res[RES_NRESULT])
{
	int j;

	qsort(lat, (size_t)n, sizeof(*lat), cmp32);
	printf("proto=%s conc=%ld size=%zu secs=%.3f rate=%.1f "
	    "p50_us=%u p90_us=%u p99_us=%u max_us=%u", proto, conc, size,
	    secs, n / secs, pct(lat, n, 50), pct(lat, n, 90), pct(lat, n, 99),
	    pct(lat, n, 100));
	for (j = 0; j < RES_NRESULT; j++)
		printf(" %s=%ld", resname[j], res[j]);
	printf("\n");
	if (fflush(stdout) == EOF || ferror(stdout))
		err(1, "stdout");
}
