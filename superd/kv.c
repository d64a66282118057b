/*
 * NetBSD 10's key-values notation, with NetBSD's keys and superd's own:
 * [ADDR:]SERVICE on|off key=value, key=value value ...;
 * Values are words as words.c splits them; an entry may span lines.
 * Every error names the file, the line and the key.
 */
#include <sys/types.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "access.h"
#include "conf.h"
#include "confline.h"
#include "log.h"

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

static const struct {
	const char	*k_name;
	int		 k_vals;
	int		 k_res;		/* rlimit_*: RLIMIT_* */
} keys[K_N] = {
	{ "bind", V_ONE, 0 }, { "socktype", V_ONE, 0 },
	{ "protocol", V_ONE, 0 }, { "sndbuf", V_ONE, 0 },
	{ "recvbuf", V_ONE, 0 }, { "wait", V_ONE, 0 },
	{ "service_max", V_ONE, 0 }, { "ip_max", V_ONE, 0 },
	{ "accept_max", V_ONE, 0 }, { "user", V_ONE, 0 },
	{ "group", V_ONE, 0 }, { "exec", V_ONE, 0 }, { "args", V_ANY, 0 },
	{ "max_child", V_ONE, 0 }, { "max_child_per_ip", V_ONE, 0 },
	{ "time_limit", V_ONE, 0 }, { "env", V_SOME, 0 },
	{ "passenv", V_SOME, 0 },
	{ "rlimit_cpu", V_ONE, RLIMIT_CPU }, { "rlimit_as", V_ONE, RLIMIT_AS },
	{ "rlimit_data", V_ONE, RLIMIT_DATA },
	{ "rlimit_nofile", V_ONE, RLIMIT_NOFILE },
	{ "rlimit_nproc", V_ONE, RLIMIT_NPROC },
	{ "rlimit_fsize", V_ONE, RLIMIT_FSIZE },
	{ "rlimit_core", V_ONE, RLIMIT_CORE },
	{ "rlimit_stack", V_ONE, RLIMIT_STACK },
	{ "nice", V_ONE, 0 }, { "umask", V_ONE, 0 }, { "stderr", V_ONE, 0 },
	{ "banner", V_ONE, 0 }, { "refuse_message", V_SOME, 0 },
	{ "failure_pause", V_ONE, 0 }, { "privileged_clients", V_ONE, 0 },
	{ "socket_owner", V_ONE, 0 }, { "socket_group", V_ONE, 0 },
	{ "socket_mode", V_ONE, 0 }, { "chroot", V_ONE, 0 },
	{ "access_allow", V_SOME, 0 }, { "access_deny", V_SOME, 0 },
	{ "proxy", V_ANY, 0 }, { "proxy_timeout", V_ANY, 0 },
	{ "acceptfilter", V_ANY, 0 }, { "ipsec", V_ANY, 0 }
};

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

/* The confline of key k's line, for its messages. */
static const struct confline *
at(struct kvctx *c, int k)
{
	c->c_kl = *c->c_l;
	c->c_kl.cl_line = c->c_line[k];
	return &c->c_kl;
}

#define kbad(c, k, fmt, ...)	conf_bad(at(c, k), "key '%s': " fmt, \
				    keys[k].k_name, __VA_ARGS__)

/* A decimal number of key k in [min, max]: 0, or -1 (logged). */
static int
num(struct kvctx *c, int k, long long min, long long max, long long *v)
{
	const char *s = c->c_v[k];
	char *end;

	errno = 0;
	*v = strtoll(s, &end, 10);
	if (*s == '\0' || *end != '\0' || (*s != '-' && (*s < '0' ||
	    *s > '9')))
		return kbad(c, k, "'%s' is not a number", s);
	if (errno == ERANGE || *v < min || *v > max)
		return kbad(c, k, "'%s' out of range (%lld to %lld)", s, min,
		    max);
	return 0;
}

/* An octal number of key k in [0, max]: 0, or -1 (logged). */
static int
octal(struct kvctx *c, int k, long max, long *v)
{
	const char *s = c->c_v[k];
	char *end;

	if (*s == '\0' || strspn(s, "01234567") != strlen(s))
		return kbad(c, k, "'%s' is not an octal number", s);
	*v = strtol(s, &end, 8);
	if (*v > max || strlen(s) > 12)
		return kbad(c, k, "'%s' out of range (0 to 0%lo)", s, max);
	return 0;
}

/* Key k's yes/no (or on/off): 1, 0, or -1 (logged). */
static int
yesno(struct kvctx *c, int k, const char *yes, const char *no)
{
	if (strcmp(c->c_v[k], yes) == 0)
		return 1;
	if (strcmp(c->c_v[k], no) == 0)
		return 0;
	return kbad(c, k, "'%s' is neither %s nor %s", c->c_v[k], yes, no);
}

/* Key k's values joined by one blank, malloc'd; NULL (logged). */
static char *
joined(struct kvctx *c, int k)
{
	size_t len = 0;
	char *s;
	int i;

	for (i = 0; i < c->c_nv[k]; i++)
		len += strlen(c->c_vals[k][i]) + 1;
	if ((s = malloc(len + 1)) == NULL) {
		(void)kbad(c, k, "%s", strerror(errno));
		return NULL;
	}
	*s = '\0';
	for (i = 0; i < c->c_nv[k]; i++) {
		if (i > 0)
			strcat(s, " ");
		strcat(s, c->c_vals[k][i]);
	}
	return s;
}

/* A path of key k, relative to the file's folder, into buf. */
static int
keypath(struct kvctx *c, int k, char *buf, size_t size)
{
	const char *v = c->c_v[k];

	if (v[0] == '/' ? (size_t)snprintf(buf, size, "%s", v) >= size :
	    (size_t)snprintf(buf, size, "%s/%s", c->c_l->cl_dir, v) >= size)
		return kbad(c, k, "'%.40s...': path too long", v);
	return 0;
}

static int
envname(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || (s[0] >= '0' && s[0] <= '9'))
		return 0;
	for (i = 0; i < len; i++)
		if (!(s[i] == '_' || (s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' &&
		    s[i] <= '9')))
			return 0;
	return 1;
}

/* env, then passenv resolved now, into sc_env. */
static int
setenvs(struct kvctx *c)
{
	struct svconf *sc = c->c_sc;
	const char *v, *eq;
	char *s;
	int i, n = 0;

	if (c->c_nv[K_ENV] + c->c_nv[K_PASSENV] > KV_MAXENV)
		return conf_bad(c->c_l, "more than %d names in env and "
		    "passenv", KV_MAXENV);
	if (c->c_nv[K_ENV] + c->c_nv[K_PASSENV] == 0)
		return 0;
	if ((sc->sc_env = calloc((size_t)(c->c_nv[K_ENV] +
	    c->c_nv[K_PASSENV] + 1), sizeof(char *))) == NULL)
		return conf_bad(c->c_l, "%s", strerror(errno));
	for (i = 0; i < c->c_nv[K_ENV]; i++) {
		v = c->c_vals[K_ENV][i];
		if ((eq = strchr(v, '=')) == NULL ||
		    !envname(v, (size_t)(eq - v)))
			return kbad(c, K_ENV, "'%s' is not NAME=VALUE", v);
		if ((sc->sc_env[n++] = strdup(v)) == NULL)
			return kbad(c, K_ENV, "%s", strerror(errno));
	}
	for (i = 0; i < c->c_nv[K_PASSENV]; i++) {
		v = c->c_vals[K_PASSENV][i];
		if (!envname(v, strlen(v)))
			return kbad(c, K_PASSENV, "'%s' is not a name", v);
		if ((eq = getenv(v)) == NULL)
			continue;	/* not set: nothing to pass */
		if ((s = malloc(strlen(v) + strlen(eq) + 2)) == NULL)
			return kbad(c, K_PASSENV, "%s", strerror(errno));
		(void)sprintf(s, "%s=%s", v, eq);
		sc->sc_env[n++] = s;
	}
	return 0;
}

/* rlimit_*: a size with k, m or g, or unlimited. */
static int
setrlimits(struct kvctx *c)
{
	struct svconf *sc = c->c_sc;
	long long v;
	int k, bad = 0;

	for (k = K_RLCPU; k <= K_RLSTACK; k++) {
		if (c->c_v[k] == NULL)
			continue;
		if (strcmp(c->c_v[k], "unlimited") == 0)
			sc->sc_rlimits[sc->sc_nrlimits].rl_value =
			    RLIM_INFINITY;
		else if (inetd_size(c->c_v[k], LLONG_MAX, &v) == 0 &&
		    (unsigned long long)v < (unsigned long long)RLIM_INFINITY)
			sc->sc_rlimits[sc->sc_nrlimits].rl_value = (rlim_t)v;
		else {
			bad = kbad(c, k, "'%s' is neither a size (N, Nk, Nm, "
			    "Ng) nor unlimited", c->c_v[k]);
			continue;
		}
		sc->sc_rlimits[sc->sc_nrlimits++].rl_resource = keys[k].k_res;
	}
	return bad;
}

/* A user or group of key k, by name or number. */
static int
owner(struct kvctx *c, int k, unsigned long *id)
{
	const char *v = c->c_v[k];
	struct passwd *pw;
	struct group *gr;
	long long n;

	if (*v >= '0' && *v <= '9')
		return num(c, k, 0, (long long)UINT_MAX - 1, &n) == -1 ? -1 :
		    (*id = (unsigned long)n, 0);
	if (k == K_SOCKOWNER && (pw = getpwnam(v)) != NULL)
		*id = pw->pw_uid;
	else if (k == K_SOCKGROUP && (gr = getgrnam(v)) != NULL)
		*id = gr->gr_gid;
	else
		return kbad(c, k, "unknown %s '%s'", k == K_SOCKOWNER ?
		    "user" : "group", v);
	return 0;
}

/* The keys that apply to a UNIX socket only, and its owner and mode. */
static int
setsocket(struct kvctx *c)
{
	struct svconf *sc = c->c_sc;
	unsigned long id;
	long mode;
	int k, bad = 0;

	for (k = K_SOCKOWNER; k <= K_SOCKMODE; k++)
		if (c->c_v[k] != NULL && sc->sc_family != AF_UNIX)
			bad = kbad(c, k, "%s", "only for a UNIX socket "
			    "(protocol=unix)");
	if (bad)
		return -1;
	if (c->c_v[K_SOCKOWNER] != NULL) {
		if (owner(c, K_SOCKOWNER, &id) == -1)
			bad = -1;
		sc->sc_sockuid = (uid_t)id;
	}
	if (c->c_v[K_SOCKGROUP] != NULL) {
		if (owner(c, K_SOCKGROUP, &id) == -1)
			bad = -1;
		sc->sc_sockgid = (gid_t)id;
	}
	if (c->c_v[K_SOCKMODE] != NULL) {
		if (octal(c, K_SOCKMODE, 0777, &mode) == -1)
			bad = -1;
		sc->sc_sockmode = (mode_t)mode;
	}
	return bad;
}

/* banner: a regular file readable now; its absolute path is kept. */
static int
setbanner(struct kvctx *c)
{
	char path[PATH_MAX];
	struct stat st;
	int fd, e;

	if (keypath(c, K_BANNER, path, sizeof(path)) == -1)
		return -1;
	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)) ==
	    -1)
		return kbad(c, K_BANNER, "'%s': %s", path, strerror(errno));
	e = fstat(fd, &st) == -1 ? errno : 0;
	(void)close(fd);
	if (e != 0)
		return kbad(c, K_BANNER, "'%s': %s", path, strerror(e));
	if (!S_ISREG(st.st_mode))
		return kbad(c, K_BANNER, "'%s': not a regular file", path);
	if ((c->c_sc->sc_banner = strdup(path)) == NULL)
		return kbad(c, K_BANNER, "%s", strerror(errno));
	return 0;
}

/* chroot: an absolute path to a folder, as root only. */
static int
setchroot(struct kvctx *c)
{
	const char *v = c->c_v[K_CHROOT];
	struct stat st;

	if (geteuid() != 0)
		return kbad(c, K_CHROOT, "%s", "only root can chroot");
	if (v[0] != '/')
		return kbad(c, K_CHROOT, "'%s': not an absolute path", v);
	if (stat(v, &st) == -1)
		return kbad(c, K_CHROOT, "'%s': %s", v, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return kbad(c, K_CHROOT, "'%s': not a folder", v);
	if ((c->c_sc->sc_chroot = strdup(v)) == NULL)
		return kbad(c, K_CHROOT, "%s", strerror(errno));
	return 0;
}

/* refuse_message: one line, without its CR LF. */
static int
setrefuse(struct kvctx *c)
{
	char *s;
	size_t len;

	if ((s = joined(c, K_REFUSE)) == NULL)
		return -1;
	len = strlen(s);
	while (len > 0 && (s[len - 1] == '\n' || s[len - 1] == '\r'))
		s[--len] = '\0';
	c->c_sc->sc_refuse = s;
	if (strpbrk(s, "\r\n") != NULL)
		return kbad(c, K_REFUSE, "%s", "one line: no CR or LF inside");
	if (len > KV_REFUSEMAX)
		return kbad(c, K_REFUSE, "longer than %d bytes", KV_REFUSEMAX);
	return 0;
}

/* access_allow, access_deny: a client list for this service alone. */
static int
setacl(struct kvctx *c, int k, struct acl **ap, char **srcp)
{
	char *s;

	if ((s = joined(c, k)) == NULL)
		return -1;
	*srcp = s;
	if ((*ap = access_clients(s, c->c_l->cl_file, c->c_line[k])) == NULL)
		return -1;
	return 0;
}

/* The limits of service_max, ip_max, max_child and the others. */
static int
setlimits(struct kvctx *c)
{
	static const int key[] = { K_SERVICEMAX, K_IPMAX, K_MAXCHILD,
	    K_ACCEPTMAX, K_MAXCHILDIP };
	struct svconf *sc = c->c_sc;
	int *slot[] = { &sc->sc_spawnmax, &sc->sc_maxcpm, &sc->sc_maxchild,
	    &sc->sc_maxchild, &sc->sc_maxperip };
	long long v;
	size_t i;
	int bad = 0;

	if (c->c_v[K_MAXCHILD] != NULL && c->c_v[K_ACCEPTMAX] != NULL)
		bad = kbad(c, K_ACCEPTMAX, "%s", "sets what max_child sets");
	for (i = 0; i < sizeof(key) / sizeof(key[0]); i++) {
		if (c->c_v[key[i]] == NULL)
			continue;
		if (num(c, key[i], 0, INT_MAX, &v) == -1)
			bad = -1;
		else
			*slot[i] = (int)v;
	}
	if (c->c_v[K_TIMELIMIT] != NULL) {
		if (num(c, K_TIMELIMIT, 1, INT_MAX, &v) == -1)
			bad = -1;
		else
			sc->sc_timelimit = (int)v;
	}
	if (sc->sc_wait && sc->sc_socktype == SOCK_STREAM)
		for (i = 1; i < sizeof(key) / sizeof(key[0]); i += 3)
			if (c->c_v[key[i]] != NULL && *slot[i] != 0)
				bad = kbad(c, key[i], "%s", "a per-source "
				    "limit needs wait=no");
	return bad;
}

/* The other superd keys, each alone. */
static int
setmisc(struct kvctx *c)
{
	struct svconf *sc = c->c_sc;
	long long v;
	long m;
	int bad = 0, r;

	if (c->c_v[K_NICE] != NULL) {
		if (num(c, K_NICE, -20, 19, &v) == -1)
			bad = -1;
		sc->sc_setnice = 1;
		sc->sc_nice = (int)v;
	}
	if (c->c_v[K_UMASK] != NULL) {
		if (octal(c, K_UMASK, 0777, &m) == -1)
			bad = -1;
		sc->sc_umask = (int)m;
	}
	if (c->c_v[K_STDERR] != NULL) {
		if (strcmp(c->c_v[K_STDERR], "socket") == 0)
			sc->sc_stderr = STDERR_SOCKET;
		else if (strcmp(c->c_v[K_STDERR], "log") == 0)
			sc->sc_stderr = STDERR_LOG;
		else if (strcmp(c->c_v[K_STDERR], "null") == 0)
			sc->sc_stderr = STDERR_NULL;
		else
			bad = kbad(c, K_STDERR, "'%s' is not socket, log or "
			    "null", c->c_v[K_STDERR]);
	}
	if (c->c_v[K_FAILPAUSE] != NULL) {
		if ((r = yesno(c, K_FAILPAUSE, "on", "off")) == -1)
			bad = -1;
		sc->sc_failpause = r;
	}
	if (c->c_v[K_PRIVOK] != NULL) {
		if ((r = yesno(c, K_PRIVOK, "yes", "no")) == -1)
			bad = -1;
		sc->sc_privok = r == 1;
	}
	if (c->c_v[K_BANNER] != NULL && setbanner(c) == -1)
		bad = -1;
	if (c->c_v[K_REFUSE] != NULL && setrefuse(c) == -1)
		bad = -1;
	if (c->c_v[K_CHROOT] != NULL && setchroot(c) == -1)
		bad = -1;
	if (c->c_v[K_ALLOW] != NULL && setacl(c, K_ALLOW, &sc->sc_allow,
	    &sc->sc_allowsrc) == -1)
		bad = -1;
	if (c->c_v[K_DENY] != NULL && setacl(c, K_DENY, &sc->sc_deny,
	    &sc->sc_denysrc) == -1)
		bad = -1;
	return bad;
}

/* socktype and protocol, then where to bind. */
static int
setsocktype(struct kvctx *c, char *service)
{
	struct svconf *sc = c->c_sc;
	const char *type = c->c_v[K_SOCKTYPE], *proto = c->c_v[K_PROTOCOL];
	const struct confline *l = c->c_l;

	if (proto == NULL)
		return conf_bad(l, "missing key 'protocol'");
	if (type == NULL && strncmp(proto, "tcp", 3) == 0)
		type = "stream";
	else if (type == NULL && strncmp(proto, "udp", 3) == 0)
		type = "dgram";
	else if (type == NULL)
		return conf_bad(l, "missing key 'socktype' (protocol '%s')",
		    proto);
	if (inetd_protocol(sc, at(c, c->c_v[K_SOCKTYPE] != NULL ? K_SOCKTYPE :
	    K_PROTOCOL), type, proto) == -1)
		return -1;
	if (c->c_v[K_BIND] != NULL && sc->sc_family == AF_UNIX)
		return kbad(c, K_BIND, "%s", "an address does not apply to a "
		    "UNIX socket");
	return inetd_service(sc, c->c_v[K_BIND] != NULL ? at(c, K_BIND) : l,
	    service, c->c_v[K_BIND]);
}

/* exec and args, wait, user and group. */
static int
setprogram(struct kvctx *c)
{
	struct svconf *sc = c->c_sc;
	char *f[KV_MAXVALUES + 1], *exec = c->c_v[K_EXEC];
	int n = 0, i, bad = 0, k = exec != NULL ? K_EXEC : K_ARGS;

	f[n++] = exec != NULL ? exec : "internal";
	for (i = 0; i < c->c_nv[K_ARGS]; i++)
		f[n++] = c->c_vals[K_ARGS][i];
	if (c->c_line[k] == 0)
		c->c_line[k] = c->c_l->cl_line;
	if (inetd_program(sc, at(c, k), f, n) == -1)
		bad = -1;
	if (c->c_v[K_WAIT] != NULL) {
		if ((sc->sc_wait = yesno(c, K_WAIT, "yes", "no")) == -1)
			bad = -1;
	} else if (sc->sc_bi == NULL && sc->sc_prog != NULL)
		bad = conf_bad(c->c_l, "missing key 'wait'");
	if (c->c_v[K_USER] == NULL)
		bad = conf_bad(c->c_l, "missing key 'user'");
	else if (inetd_user(sc, at(c, K_USER), c->c_v[K_USER],
	    c->c_v[K_GROUP]) == -1)
		bad = -1;
	return bad;
}

/* sndbuf, recvbuf: a size, if given. */
static int
bufsize(struct kvctx *c, int k, int *slot)
{
	long long v;

	if (c->c_v[k] == NULL)
		return 0;
	if (inetd_size(c->c_v[k], INT_MAX, &v) == -1 || v == 0)
		return kbad(c, k, "'%s' is not a size (N, Nk, Nm, Ng)",
		    c->c_v[k]);
	*slot = (int)v;
	return 0;
}

/* Fills c->c_sc from the keys read; -1 when any is bad (each logged). */
static int
apply(struct kvctx *c, char *service)
{
	int bad = 0, k;

	for (k = K_PROXY; k <= K_PROXYTIMEOUT; k++)
		if (c->c_given[k])
			bad = kbad(c, k, "%s", "not supported yet");
	for (k = K_ACCEPTFILTER; k <= K_IPSEC; k++)
		if (c->c_given[k])
			bad = kbad(c, k, "%s", "not supported (NetBSD's, "
			    "not on Linux)");
	if (setsocktype(c, service) == -1)
		return -1;
	if (bufsize(c, K_SNDBUF, &c->c_sc->sc_sndbuf) == -1 ||
	    bufsize(c, K_RECVBUF, &c->c_sc->sc_rcvbuf) == -1)
		bad = -1;
	if (setprogram(c) == -1)
		bad = -1;
	if (setlimits(c) == -1 || setenvs(c) == -1 || setrlimits(c) == -1 ||
	    setsocket(c) == -1 || setmisc(c) == -1)
		bad = -1;
	return bad;
}

/*
 * Key k's values, one or more as it takes, up to the ',' or ';' after
 * them (*end tells which).  Returns 0, -1 for bad values (logged: the
 * entry goes on), -2 when the entry cannot be read further (logged).
 */
static int
values(struct kvctx *c, struct conftok *t, int k, int *end)
{
	char *w;
	int r, n = 0;

	c->c_vals[k] = &c->c_pool[c->c_npool];
	while ((r = conf_next(t, ",;", &w)) == TOK_WORD) {
		if (c->c_npool == KV_MAXVALUES) {
			(void)kbad(c, k, "more than %d values in the entry",
			    KV_MAXVALUES);
			return -2;
		}
		c->c_pool[c->c_npool++] = w;
		n++;
	}
	if (r == TOK_ERR)
		return -2;
	if (r == TOK_END) {
		(void)conf_bad(c->c_l, "entry '%s' has no ';' before the end "
		    "of the file", c->c_service);
		return -2;
	}
	*end = r == ';';
	c->c_nv[k] = n;
	c->c_v[k] = n > 0 ? c->c_vals[k][0] : NULL;
	if (n == 0 && keys[k].k_vals != V_ANY)
		return kbad(c, k, "%s", "no value");
	if (n > 1 && keys[k].k_vals == V_ONE)
		return kbad(c, k, "one value, not %d", n);
	return 0;
}

/* The values of a key that is dropped; as values() returns. */
static int
skipvalues(struct kvctx *c, struct conftok *t, int *end)
{
	char *w;
	int r;

	while ((r = conf_next(t, ",;", &w)) == TOK_WORD)
		;
	if (r == TOK_ERR)
		return -2;
	if (r == TOK_END) {
		(void)conf_bad(c->c_l, "entry '%s' has no ';' before the end "
		    "of the file", c->c_service);
		return -2;
	}
	*end = r == ';';
	return 0;
}

/*
 * Reads the keys of an entry after its `on` or `off` into c.  Returns 0,
 * -1 when a key or its values are bad, -2 when the entry cannot be read
 * further (each logged).
 */
static int
readkeys(struct kvctx *c, struct conftok *t)
{
	const struct confline *l = c->c_l;
	char *w, *eq;
	int r, k, end = 0, bad = 0;

	while (!end) {
		t->t_key = NULL;
		if ((r = conf_next(t, ",;=", &w)) == ';')
			break;
		if (r == TOK_END) {
			(void)conf_bad(l, "entry '%s' has no ';' before the "
			    "end of the file", c->c_service);
			return -2;
		}
		if (r != TOK_WORD) {
			if (r != TOK_ERR)
				(void)logat(l->cl_file, t->t_line, "expected a "
				    "key, found '%c'", r);
			return -2;
		}
		t->t_key = w;
		if ((r = conf_next(t, "=", &eq)) != '=') {
			if (r != TOK_ERR)
				(void)logat(l->cl_file, t->t_wline, "key '%s': "
				    "expected '='", w);
			return -2;
		}
		for (k = 0; k < K_N && strcmp(keys[k].k_name, w) != 0; k++)
			;
		if (k == K_N || c->c_given[k]) {
			bad = logat(l->cl_file, t->t_wline, k == K_N ?
			    "unknown key '%s'" : "key '%s' given twice", w);
			if (skipvalues(c, t, &end) == -2)
				return -2;
			continue;
		}
		c->c_given[k] = 1;
		c->c_line[k] = t->t_wline;
		if ((r = values(c, t, k, &end)) == -2)
			return -2;
		if (r == -1)
			bad = -1;
	}
	return bad;
}

/*
 * One key-values entry, text from its SERVICE to its ';' (lines joined
 * with their newlines).  Returns 1 and sets *scp for an `on` entry, 2
 * for an `off` one (parsed, checked, not to be served), -1 (logged).
 */
int
conf_kventry(const struct confline *l, char *text, struct svconf **scp)
{
	struct kvctx c;
	struct conftok t;
	char *onoff;
	int off, r;

	*scp = NULL;
	memset(&c, 0, sizeof(c));
	memset(&t, 0, sizeof(t));
	c.c_l = l;
	t.t_p = text;
	t.t_line = l->cl_line;
	t.t_l = l;
	if (conf_next(&t, "", &c.c_service) != TOK_WORD ||
	    conf_next(&t, ";", &onoff) != TOK_WORD)
		return conf_bad(l, "bad key-values entry");
	off = strcmp(onoff, "off") == 0;
	/* After a bad key, the others are still checked: every error shows. */
	if ((r = readkeys(&c, &t)) == -2)
		return -1;
	if ((c.c_sc = conf_new(l)) == NULL)
		return -1;
	if (apply(&c, c.c_service) == -1 || r == -1) {
		conf_free(c.c_sc);
		return -1;
	}
	*scp = c.c_sc;
	return off ? 2 : 1;
}
