/*
 * The values of superd's own keys in the key-values notation (and the
 * limits by name): env and passenv, the rlimits, nice, umask, stderr,
 * banner, refuse_message, chroot, the access lists, a UNIX socket's file.
 * Each bad value is a FILE:LINE error naming its key (kbad()).
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
#include "kv.h"
#include "log.h"
#include "proxy.h"

/* 1 when s, of len bytes, may name an environment variable. */
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
int
kv_setenvs(struct kvctx *c)
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
int
kv_setrlimits(struct kvctx *c)
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
		sc->sc_rlimits[sc->sc_nrlimits++].rl_resource = kv_keys[k].k_res;
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
		return kv_num(c, k, 0, (long long)UINT_MAX - 1, &n) == -1 ? -1 :
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
int
kv_setsocket(struct kvctx *c)
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
		if (kv_octal(c, K_SOCKMODE, 0777, &mode) == -1)
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

	if (kv_keypath(c, K_BANNER, path, sizeof(path)) == -1)
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

	if ((s = kv_joined(c, K_REFUSE)) == NULL)
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

	if ((s = kv_joined(c, k)) == NULL)
		return -1;
	*srcp = s;
	if ((*ap = access_clients(s, c->c_l->cl_file, c->c_line[k])) == NULL)
		return -1;
	return 0;
}

/* The limits of service_max, ip_max, max_child and the others. */
int
kv_setlimits(struct kvctx *c)
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
		if (kv_num(c, key[i], 0, INT_MAX, &v) == -1)
			bad = -1;
		else
			*slot[i] = (int)v;
	}
	if (c->c_v[K_TIMELIMIT] != NULL) {
		if (kv_num(c, K_TIMELIMIT, 1, INT_MAX, &v) == -1)
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

/*
 * proxy=v1|v2|any and proxy_timeout=SECONDS (3 unless given): TCP stream
 * services only, wait=no.
 */
static int
setproxy(struct kvctx *c)
{
	struct svconf *sc = c->c_sc;
	const char *v = c->c_v[K_PROXY];
	long long t;

	if (v == NULL) {
		if (c->c_v[K_PROXYTIMEOUT] != NULL)
			return kbad(c, K_PROXYTIMEOUT, "%s", "needs proxy");
		return 0;
	}
	if (strcmp(v, "v1") == 0)
		sc->sc_proxy = PROXY_V1;
	else if (strcmp(v, "v2") == 0)
		sc->sc_proxy = PROXY_V2;
	else if (strcmp(v, "any") == 0)
		sc->sc_proxy = PROXY_ANY;
	else
		return kbad(c, K_PROXY, "'%s' is not v1, v2 or any", v);
	if (sc->sc_socktype != SOCK_STREAM || sc->sc_family == AF_UNIX ||
	    sc->sc_wait)
		return kbad(c, K_PROXY, "%s", "needs a TCP stream service "
		    "with wait=no");
	sc->sc_proxytimeout = PROXY_TIMEOUT;
	if (c->c_v[K_PROXYTIMEOUT] != NULL) {
		if (kv_num(c, K_PROXYTIMEOUT, 1, 3600, &t) == -1)
			return -1;
		sc->sc_proxytimeout = (int)t;
	}
	return 0;
}

/* The other superd keys, each alone. */
int
kv_setmisc(struct kvctx *c)
{
	struct svconf *sc = c->c_sc;
	long long v;
	long m;
	int bad = 0, r;

	if (c->c_v[K_NICE] != NULL) {
		if (kv_num(c, K_NICE, -20, 19, &v) == -1)
			bad = -1;
		sc->sc_setnice = 1;
		sc->sc_nice = (int)v;
	}
	if (c->c_v[K_UMASK] != NULL) {
		if (kv_octal(c, K_UMASK, 0777, &m) == -1)
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
		if ((r = kv_yesno(c, K_FAILPAUSE, "on", "off")) == -1)
			bad = -1;
		sc->sc_failpause = r;
	}
	if (c->c_v[K_PRIVOK] != NULL) {
		if ((r = kv_yesno(c, K_PRIVOK, "yes", "no")) == -1)
			bad = -1;
		sc->sc_privok = r == 1;
	}
	if (c->c_v[K_BANNER] != NULL && setbanner(c) == -1)
		bad = -1;
	if (setproxy(c) == -1)
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

