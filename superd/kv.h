/*
 * Inside the key-values notation: the keys, an entry being read, and the
 * helpers kv.c (the entry, NetBSD's keys) and kvopts.c (superd's own keys'
 * values) share.
 */
#ifndef SUPERD_KV_H
#define SUPERD_KV_H

#include <sys/types.h>

#include "confline.h"

#define KV_MAXVALUES	256	/* values in one entry */
#define KV_MAXENV	64	/* env and passenv names */
#define KV_REFUSEMAX	512	/* bytes in refuse_message */

enum {
	K_BIND, K_SOCKTYPE, K_PROTOCOL, K_SNDBUF, K_RECVBUF, K_WAIT,
	K_SERVICEMAX, K_IPMAX, K_ACCEPTMAX, K_USER, K_GROUP, K_EXEC, K_ARGS,
	K_MAXCHILD, K_MAXCHILDIP, K_TIMELIMIT, K_ENV, K_PASSENV,
	K_RLCPU, K_RLAS, K_RLDATA, K_RLNOFILE, K_RLNPROC, K_RLFSIZE,
	K_RLCORE, K_RLSTACK, K_NICE, K_UMASK, K_STDERR, K_BANNER,
	K_REFUSE, K_FAILPAUSE, K_PRIVOK, K_SOCKOWNER, K_SOCKGROUP,
	K_SOCKMODE, K_CHROOT, K_ALLOW, K_DENY, K_PROXY, K_PROXYTIMEOUT,
	K_ACCEPTFILTER, K_IPSEC, K_N
};

enum { V_ONE, V_SOME, V_ANY };	/* how many values a key takes */

struct kvkey {
	const char	*k_name;
	int		 k_vals;
	int		 k_res;		/* rlimit_*: RLIMIT_* */
};

extern const struct kvkey kv_keys[K_N];

/* One entry being read: its keys' values, in place in its text. */
struct kvctx {
	const struct confline	*c_l;
	struct confline		 c_kl;		/* at a key's line */
	struct svconf		*c_sc;
	char			*c_service;	/* [ADDR:]SERVICE */
	char			*c_v[K_N];	/* the first value, or NULL */
	char			**c_vals[K_N];	/* all of them */
	int			 c_nv[K_N];
	int			 c_given[K_N];
	int			 c_line[K_N];
	char			*c_pool[KV_MAXVALUES];
	int			 c_npool;
};

/* Logs "FILE:LINE: key 'K': message" at key k's line; returns -1. */
#define kbad(c, k, fmt, ...)	conf_bad(kv_at(c, k), "key '%s': " fmt, \
				    kv_keys[k].k_name, __VA_ARGS__)

const struct confline *kv_at(struct kvctx *, int);
int	kv_num(struct kvctx *, int, long long, long long, long long *);
int	kv_octal(struct kvctx *, int, long, long *);
int	kv_yesno(struct kvctx *, int, const char *, const char *);
char	*kv_joined(struct kvctx *, int);
int	kv_keypath(struct kvctx *, int, char *, size_t);
int	kv_setlimits(struct kvctx *);
int	kv_setenvs(struct kvctx *);
int	kv_setrlimits(struct kvctx *);
int	kv_setsocket(struct kvctx *);
int	kv_setmisc(struct kvctx *);

#endif
