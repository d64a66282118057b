/*
 * Ad-hoc mode: the services of the command line (--listen ... -- PROGRAM),
 * made into inetd.conf fields and parsed as a configuration's lines are.
 */
#ifndef SUPERD_ADHOC_H
#define SUPERD_ADHOC_H

#include <limits.h>

struct confdefaults;
struct svconf;

struct adhoc {
	char		**a_listen;	/* PROTO:ADDR:PORT or unix:PATH */
	int		  a_nlisten;
	int		  a_wait;	/* --wait */
	const char	 *a_user;	/* --user, or NULL: the current one */
	const char	 *a_internal;	/* --internal NAME, or NULL */
	int		  a_proxy;	/* --proxy: PROXY_V1|V2, 0 none */
	char		**a_argv;	/* PROGRAM [ARGS...], or NULL */
	int		  a_argc;
	char		  a_prog[PATH_MAX];	/* PROGRAM found, adhoc_check()'s */
};

int		 adhoc_check(struct adhoc *);
struct svconf	*adhoc_conf(const struct adhoc *, const struct confdefaults *,
		    int *);

#endif
