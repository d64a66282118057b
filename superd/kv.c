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
#include "kv.h"
#include "log.h"


const struct kvkey kv_keys[K_N] = {
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

/* The confline of key k's line, for its messages. */
const struct confline *
kv_at(struct kvctx *c, int k)
{
	c->c_kl = *c->c_l;
	c->c_kl.cl_line = c->c_line[k];
	return &c->c_kl;
}


/* A decimal number of key k in [min, max]: 0, or -1 (logged). */
int
kv_num(struct kvctx *c, int k, long long min, long long max, long long *v)
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
int
kv_octal(struct kvctx *c, int k, long max, long *v)
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
int
kv_yesno(struct kvctx *c, int k, const char *yes, const char *no)
{
	if (strcmp(c->c_v[k], yes) == 0)
		return 1;
	if (strcmp(c->c_v[k], no) == 0)
		return 0;
	return kbad(c, k, "'%s' is neither %s nor %s", c->c_v[k], yes, no);
}

/* Key k's values joined by one blank, malloc'd; NULL (logged). */
char *
kv_joined(struct kvctx *c, int k)
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
int
kv_keypath(struct kvctx *c, int k, char *buf, size_t size)
{
	const char *v = c->c_v[k];

	if (v[0] == '/' ? (size_t)snprintf(buf, size, "%s", v) >= size :
	    (size_t)snprintf(buf, size, "%s/%s", c->c_l->cl_dir, v) >= size)
		return kbad(c, k, "'%.40s...': path too long", v);
	return 0;
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
	if (inetd_protocol(sc, kv_at(c, c->c_v[K_SOCKTYPE] != NULL ? K_SOCKTYPE :
	    K_PROTOCOL), type, proto) == -1)
		return -1;
	if (c->c_v[K_BIND] != NULL && sc->sc_family == AF_UNIX)
		return kbad(c, K_BIND, "%s", "an address does not apply to a "
		    "UNIX socket");
	return inetd_service(sc, c->c_v[K_BIND] != NULL ? kv_at(c, K_BIND) : l,
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
	if (inetd_program(sc, kv_at(c, k), f, n) == -1)
		bad = -1;
	if (c->c_v[K_WAIT] != NULL) {
		if ((sc->sc_wait = kv_yesno(c, K_WAIT, "yes", "no")) == -1)
			bad = -1;
	} else if (sc->sc_bi == NULL && sc->sc_prog != NULL)
		bad = conf_bad(c->c_l, "missing key 'wait'");
	if (c->c_v[K_USER] == NULL)
		bad = conf_bad(c->c_l, "missing key 'user'");
	else if (inetd_user(sc, kv_at(c, K_USER), c->c_v[K_USER],
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
	if (kv_setlimits(c) == -1 || kv_setenvs(c) == -1 || kv_setrlimits(c) == -1 ||
	    kv_setsocket(c) == -1 || kv_setmisc(c) == -1)
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
	if (n == 0 && kv_keys[k].k_vals != V_ANY)
		return kbad(c, k, "%s", "no value");
	if (n > 1 && kv_keys[k].k_vals == V_ONE)
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
		for (k = 0; k < K_N && strcmp(kv_keys[k].k_name, w) != 0; k++)
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
