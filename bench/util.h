/* Shared by the bench tools: options, numbers, the clock, percentiles. */
#ifndef BENCH_UTIL_H
#define BENCH_UTIL_H

#include <stddef.h>
#include <stdint.h>

#define BENCH_MAXSIZE	8192		/* payload limit, below UDP's */
#define BENCH_MAXCOUNT	100000000L	/* 400 MB of latencies at most */

/* How an attempt ended; RES_PENDING means it is still under way. */
enum result {
	RES_OK, RES_REFUSED, RES_RESET, RES_TIMEOUT, RES_SHORT, RES_WRONG,
	RES_OTHER, RES_NRESULT, RES_PENDING = RES_NRESULT
};

/* The options loadgen and ceiling share. */
struct loadopts {
	long	 lo_maxconc;	/* the tool's limit for -c */
	long	 lo_conc;	/* -c: clients at once */
	long	 lo_secs;	/* -d: seconds at most */
	long	 lo_count;	/* -n: attempts at most */
	size_t	 lo_size;	/* -s: payload bytes */
	int64_t	 lo_tmo;	/* -t: a reply's timeout, in nanoseconds */
	int	 lo_udp;	/* -u */
};

void		loadopts_init(struct loadopts *, long);
int		loadopt(struct loadopts *, int, const char *);

long		number(const char *, long, long, const char **);
int64_t		now(void);
int		cmp32(const void *, const void *);
uint32_t	pct(const uint32_t *, long, int);
void		report(const char *, long, size_t, double, uint32_t *, long,
		    const long [RES_NRESULT]);

#endif
