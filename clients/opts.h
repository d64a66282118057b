/*
 * opts.h: httpget's command line, in curl's spelling (SPEC section 3):
 * every short option with its long name, unambiguous prefixes of long
 * names, --name=value, bundles (-fsSL), attached arguments (-ofile),
 * options after the URL, "--" ending them; an unknown option is named
 * with the nearest known one.  What is parsed goes into one struct cfg.
 */
#ifndef OPTS_H
#define OPTS_H

#include "body.h"

/* What a status of 400 or more does. */
enum failmode {
	FAIL_BODY,		/* the default, --fail-with-body: body, 22 */
	FAIL_QUIET,		/* -f: nothing written, 22 */
	FAIL_NONE		/* --no-fail: body, 0 */
};

/* One URL of the command line and where its body goes. */
struct target {
	const char	*t_url;
	const char	*t_output;	/* -o, or NULL */
	int		 t_remote;	/* -O, --remote-name-all */
};

struct cfg {
	struct target	*targets;	/* the URLs, in order */
	int		 ntargets;
	/* The target being fetched, copied there by httpget.c. */
	const char	*url;
	const char	*output;	/* -o, or NULL */
	int		 remote_name;	/* -O, --remote-name-all */
	const char	*output_dir;	/* --output-dir */
	int		 create_dirs;
	const char	*method;	/* -X, or NULL */
	int		 include, head, silent, verbose, location, get;
	int		 family;	/* AF_UNSPEC, AF_INET, AF_INET6 */
	enum failmode	 fail;
	const char	**hdrs;		/* -H, as many as argv holds */
	int		 nhdrs;
	struct body	 body;		/* -d, -F, -T */
	const char	*upload;	/* -T FILE, or NULL */
	const char	*agent;		/* -A, or NULL for ours */
	const char	*referer;	/* -e without ";auto", or NULL */
	int		 autoref;	/* -e ...;auto */
	const char	*user;		/* -u USER[:PASS], or NULL */
	const char	*dump;		/* -D, or NULL */
	unsigned long long maxfilesize;	/* 0: none */
	const char	*proxy;		/* -x; "" for none; NULL: http_proxy */
	const char	*noproxy;	/* --noproxy, or NULL: no_proxy */
	char		*wfmt;		/* -w, loaded, or NULL */
	long long	 maxtime_ms;	/* -m; 0: no limit */
	const char	*maxtime_str;
	long long	 ctimeout_ms;	/* --connect-timeout */
	const char	*ctimeout_str;
	long		 maxredirs;
	long long	 resume;	/* -C OFFSET; -1: -C -; 0: none */
	long		 retry;		/* --retry */
	long long	 retry_delay_ms;	/* --retry-delay; -1: backoff */
	long long	 retry_maxtime_ms;	/* --retry-max-time; 0: none */
	int		 retry_all;	/* --retry-all-errors */
	int		 compressed;	/* --compressed */
	const char	**cookies;	/* -b, as many as argv holds */
	int		 ncookies;
	const char	*jar;		/* -c FILE, or NULL */
	const char	*unix_socket;	/* --unix-socket PATH, or NULL */
};

/* Fills C from ARGV; prints help or version and exits 0, or a one-line
 * error and exits 2 (26 for a -d @FILE that cannot be read). */
void	opts_parse(struct cfg *c, int argc, char *argv[]);

#endif
