/*
 * optval.h: the checks of option values (optval.c), shared by opts.c.
 */
#ifndef OPTVAL_H
#define OPTVAL_H

#include <stddef.h>

/* "httpget: " FMT, then exit 2. */
void		bad(const char *fmt, ...)
		    __attribute__((noreturn, format(printf, 1, 2)));

/* SECONDS, a fraction allowed, into milliseconds. */
long long	secs_parse(const char *opt, const char *s);
long		num_parse(const char *opt, const char *s, long min, long max);
/* BYTES with k, M or G (powers of 1024). */
unsigned long long size_parse(const char *opt, const char *s);
/* S into BUF (size N) with control bytes as '?'. */
const char	*printable(char *buf, size_t n, const char *s);
/* True when S holds a control byte other than a tab. */
int		hasctl(const char *s);
/* True when S is a token (RFC 9110 section 5.6.2), as a method is. */
int		istoken(const char *s);
/* -u's USER[:PASS] as %-encoded user info, the password asked when it
 * is not there. */
const char	*userinfo(const char *arg);

#endif
