/* Shared by the bench tools: numbers, the clock, percentiles. */
#ifndef BENCH_UTIL_H
#define BENCH_UTIL_H

#include <stdint.h>

long		number(const char *, long, long, const char **);
int64_t		now(void);
int		cmp32(const void *, const void *);
uint32_t	pct(const uint32_t *, long, int);

#endif
