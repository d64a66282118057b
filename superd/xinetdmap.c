/*
 * One xinetd service block into a struct svconf: its attributes become
 * inetd.c's fields and superd's keys (kv.h), so they are checked by the
 * same code as the key-values notation's.  What superd does not do is a
 * FILE:LINE warning when it only changes logging or tuning, and an error
 * that skips the service when it changes what is served.
 */
#include <sys/types.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "conf.h"
#include "confline.h"
#include "kv.h"
#include "log.h"
#include "util.h"
#include "xinetd.h"

/* Short names for xinetd.h's helpers, in this file. */
#define at(m, a)		xmap_at(m, a)
#define val(m, a)		xmap_val(m, a)
#define keep(m, s)		xmap_keep(m, s)
#define xbad(m, a, ...)		conf_bad(at(m, a), __VA_ARGS__)
#define xwarn(m, a, ...)	logat(at(m, a)->cl_file, at(m, a)->cl_line, \
				    __VA_ARGS__)

/* The confline of attribute a's line (the service's when inherited). */
const struct confline *
xmap_at(struct xmap *m, int a)
{
	m->m_al = *m->m_l;
	if (a >= 0 && m->m_b->b_a[a].v_given && !m->m_b->b_a[a].v_inherited)
		m->m_al.cl_line = m->m_b->b_a[a].v_line;
	return &m->m_al;
}

const struct xval *
xmap_val(struct xmap *m, int a)
{
	return m->m_b->b_a[a].v_given ? &m->m_b->b_a[a] : NULL;
}


/* The one value of attribute a, or NULL; -1 in *bad for more than one. */
static const char *
one(struct xmap *m, int a, int *bad)
{
	const struct xval *v = val(m, a);

	if (v == NULL)
		return NULL;
	if (v->v_n != 1) {
		*bad = xbad(m, a, "attribute '%s': one value, not %d",
		    xattrs[a].x_name, v->v_n);
		return NULL;
	}
	return v->v_s[0];
}

/* A string kept until the service is made; NULL (logged). */
char *
xmap_keep(struct xmap *m, const char *s)
{
	if (m->m_npool == (int)(sizeof(m->m_pool) / sizeof(m->m_pool[0])) ||
	    (m->m_pool[m->m_npool] = strdup(s)) == NULL) {
		(void)conf_bad(m->m_l, "%s", "out of memory");
		return NULL;
	}
	return m->m_pool[m->m_npool++];
}

/* type and flags: -1 (logged) when one changes what is served. */
static int
typeflags(struct xmap *m)
{
	static const char *const ignored[] = { "REUSE", "NORETRY", "NODELAY",
	    "KEEPALIVE", "INTERCEPT", "NOLIBWRAP" };
	const struct xval *v;
	const char *s;
	size_t k;
	int i, bad = 0;

	for (v = val(m, XA_TYPE), i = 0; v != NULL && i < v->v_n; i++) {
		s = v->v_s[i];
		if (strcmp(s, "INTERNAL") == 0)
			m->m_internal = 1;
		else if (strcmp(s, "UNLISTED") == 0)
			m->m_unlisted = 1;
		else if (strcmp(s, "RPC") == 0 || strcmp(s, "TCPMUX") == 0 ||
		    strcmp(s, "TCPMUXPLUS") == 0)
			bad = xbad(m, XA_TYPE, "type '%s': not supported by "
			    "superd; service not served", s);
		else
			bad = xbad(m, XA_TYPE, "unknown type '%s'", s);
	}
	for (v = val(m, XA_FLAGS), i = 0; v != NULL && i < v->v_n; i++) {
		s = v->v_s[i];
		for (k = 0; k < sizeof(ignored) / sizeof(ignored[0]) &&
		    strcmp(ignored[k], s) != 0; k++)
			;
		if (strcmp(s, "IPv4") == 0)
			m->m_v4 = 1;
		else if (strcmp(s, "IPv6") == 0)
			m->m_v6 = 1;
		else if (strcmp(s, "NAMEINARGS") == 0)
			m->m_nameinargs = 1;
		else if (k < 2)
			;	/* superd does both always */
		else if (k < sizeof(ignored) / sizeof(ignored[0]))
			(void)xwarn(m, XA_FLAGS, "flag '%s': not supported "
			    "(tuning); ignored", s);
		else if (strcmp(s, "IDONLY") == 0 || strcmp(s, "SENSOR") == 0 ||
		    strcmp(s, "LABELED") == 0)
			bad = xbad(m, XA_FLAGS, "flag '%s': not supported by "
			    "superd; service not served", s);
		else
			bad = xbad(m, XA_FLAGS, "unknown flag '%s'", s);
	}
	if (m->m_v4 && m->m_v6)
		bad = xbad(m, XA_FLAGS, "%s", "flags IPv4 and IPv6 together");
	return bad;
}

/* The attributes superd has no equivalent for. */
static int
unsupported(struct xmap *m)
{
	static const int refuse[] = { XA_REDIRECT, XA_RPCVERSION,
	    XA_RPCNUMBER };
	static const int warn[] = { XA_ACCESSTIMES, XA_MAXLOAD, XA_LIBWRAP,
	    XA_MDNS, XA_DENYTIME, XA_LOGTYPE };
	static const char *const logok[] = { "PID", "HOST", "EXIT",
	    "DURATION", "USERID", "TRAFFIC", "ATTEMPT" };
	const struct xval *v;
	size_t i;
	int bad = 0, j, a;

	for (i = 0; i < sizeof(refuse) / sizeof(refuse[0]); i++)
		if (val(m, refuse[i]) != NULL)
			bad = xbad(m, refuse[i], "attribute '%s': not supported "
			    "by superd; service not served",
			    xattrs[refuse[i]].x_name);
	for (i = 0; i < sizeof(warn) / sizeof(warn[0]); i++)
		if (val(m, warn[i]) != NULL && !m->m_b->b_a[warn[i]].v_inherited)
			(void)xwarn(m, warn[i], "attribute '%s': not supported "
			    "by superd; ignored", xattrs[warn[i]].x_name);
	for (a = XA_LOGOK; a <= XA_LOGFAIL; a++)
		for (v = val(m, a), j = 0; v != NULL && j < v->v_n; j++) {
			for (i = 0; i < sizeof(logok) / sizeof(logok[0]) &&
			    strcmp(logok[i], v->v_s[j]) != 0; i++)
				;
			if (i == sizeof(logok) / sizeof(logok[0]) ||
			    (a == XA_LOGOK && i == 6) ||
			    (a == XA_LOGFAIL && (i == 0 || i == 2 || i == 3)))
				bad = xbad(m, a, "%s: unknown value '%s'",
				    xattrs[a].x_name, v->v_s[j]);
			else if ((i == 4 || i == 5) &&
			    !m->m_b->b_a[a].v_inherited)
				(void)xwarn(m, a, "%s %s: superd does not log "
				    "it", xattrs[a].x_name, v->v_s[j]);
		}
	if ((v = val(m, XA_GROUPS)) != NULL && (v->v_n != 1 ||
	    (strcmp(v->v_s[0], "yes") != 0 && strcmp(v->v_s[0], "no") != 0)))
		bad = xbad(m, XA_GROUPS, "%s", "groups: yes or no");
	return bad;
}

/* socket_type, protocol, the flags' family, bind, port: the socket. */
static int
xsocket(struct xmap *m)
{
	struct svconf *sc = m->m_sc;
	const char *type, *proto, *port, *bind, *v6only;
	char field[64], pname[8];
	struct servent *se;
	int bad = 0, a;

	type = one(m, XA_SOCKTYPE, &bad);
	proto = one(m, XA_PROTOCOL, &bad);
	port = one(m, XA_PORT, &bad);
	a = val(m, XA_BIND) != NULL ? XA_BIND : XA_INTERFACE;
	bind = one(m, a, &bad);
	v6only = one(m, XA_V6ONLY, &bad);
	if (bad)
		return -1;
	if (type == NULL)
		return conf_bad(m->m_l, "service '%s': no socket_type",
		    m->m_b->b_name);
	if (proto == NULL)
		proto = strcmp(type, "dgram") == 0 ? "udp" : "tcp";
	else if (strcmp(proto, "tcp") != 0 && strcmp(proto, "udp") != 0)
		return xbad(m, XA_PROTOCOL, "protocol '%s': superd serves tcp "
		    "and udp only; service not served", proto);
	/* xinetd binds IPv4 unless told IPv6 (flag or address). */
	if (m->m_v6 || (bind != NULL && strchr(bind, ':') != NULL))
		(void)snprintf(pname, sizeof(pname), "%s%s", proto,
		    v6only != NULL && strcmp(v6only, "yes") == 0 ? "6" : "");
	else
		(void)snprintf(pname, sizeof(pname), "%s4", proto);
	if (inetd_protocol(sc, at(m, XA_SOCKTYPE), type, pname) == -1)
		return -1;
	if (m->m_unlisted && port == NULL)
		return conf_bad(m->m_l, "service '%s': type UNLISTED needs a "
		    "port", m->m_b->b_name);
	if (port != NULL && !m->m_unlisted &&
	    (se = getservbyname(m->m_b->b_name, proto)) != NULL &&
	    strtol(port, NULL, 10) != ntohs((unsigned short)se->s_port))
		return xbad(m, XA_PORT, "port %s: /etc/services gives '%s' "
		    "port %d", port, m->m_b->b_name,
		    ntohs((unsigned short)se->s_port));
	if (port != NULL && strspn(port, "0123456789") != strlen(port))
		return xbad(m, XA_PORT, "port '%s' is not a number", port);
	if ((size_t)snprintf(field, sizeof(field), "%s", port != NULL ? port :
	    m->m_b->b_name) >= sizeof(field))
		return conf_bad(m->m_l, "service name '%.40s...' too long",
		    field);
	if (inetd_service(sc, bind != NULL ? at(m, a) : at(m, port != NULL ?
	    XA_PORT : -1), field, bind) == -1)
		return -1;
	/* SUPERD_SERVICE is the service's name, not its port. */
	free(sc->sc_name);
	free(sc->sc_envsvc);
	sc->sc_envsvc = NULL;
	if ((sc->sc_name = strdup(m->m_b->b_name)) == NULL ||
	    (sc->sc_envsvc = malloc(strlen(sc->sc_name) + 16)) == NULL)
		return conf_bad(m->m_l, "%s", strerror(errno));
	(void)sprintf(sc->sc_envsvc, "SUPERD_SERVICE=%s", sc->sc_name);
	return 0;
}

/* server, server_args, wait, user, group. */
static int
program(struct xmap *m)
{
	struct svconf *sc = m->m_sc;
	const struct xval *args = val(m, XA_ARGS);
	const char *server, *wait, *user, *group;
	char *f[XINETD_MAXWORDS + 3], *u, *g = NULL, *base;
	struct passwd *pw;
	int n = 0, i, bad = 0;

	server = one(m, XA_SERVER, &bad);
	wait = one(m, XA_WAIT, &bad);
	user = one(m, XA_USER, &bad);
	group = one(m, XA_GROUP, &bad);
	if (bad)
		return -1;
	if (wait == NULL)
		return conf_bad(m->m_l, "service '%s': no wait",
		    m->m_b->b_name);
	if (strcmp(wait, "yes") != 0 && strcmp(wait, "no") != 0)
		return xbad(m, XA_WAIT, "wait '%s': yes or no", wait);
	sc->sc_wait = strcmp(wait, "yes") == 0;
	if (m->m_internal) {
		f[n++] = "internal";
		f[n++] = m->m_b->b_name;
		if (server != NULL || args != NULL)
			(void)xwarn(m, server != NULL ? XA_SERVER : XA_ARGS,
			    "%s", "type INTERNAL: server and server_args "
			    "ignored");
	} else {
		if (server == NULL)
			return conf_bad(m->m_l, "service '%s': no server",
			    m->m_b->b_name);
		if (m->m_nameinargs && (args == NULL || args->v_n == 0))
			return xbad(m, XA_FLAGS, "%s", "flag NAMEINARGS needs "
			    "server_args");
		if ((f[n++] = keep(m, server)) == NULL)
			return -1;
		if (!m->m_nameinargs) {
			base = strrchr(server, '/');
			if ((f[n++] = keep(m, base != NULL ? base + 1 :
			    server)) == NULL)
				return -1;
		}
		for (i = 0; args != NULL && i < args->v_n; i++)
			if ((f[n++] = keep(m, args->v_s[i])) == NULL)
				return -1;
	}
	if (inetd_program(sc, at(m, m->m_internal ? XA_TYPE : XA_SERVER), f,
	    n) == -1)
		return -1;
	if (sc->sc_bi != NULL)
		sc->sc_wait = 0;	/* xinetd's builtins serve in-process */
	if (user == NULL && !m->m_internal)
		return conf_bad(m->m_l, "service '%s': no user",
		    m->m_b->b_name);
	if (user == NULL) {
		if ((pw = getpwuid(geteuid())) == NULL)
			return conf_bad(m->m_l, "%s", "who am I?");
		user = pw->pw_name;
	}
	if ((u = keep(m, user)) == NULL || (group != NULL &&
	    (g = keep(m, group)) == NULL))
		return -1;
	return inetd_user(sc, at(m, val(m, XA_USER) != NULL ? XA_USER : -1),
	    u, g);
}

/* Attribute a's values as superd's key k, translated by tr if not NULL. */
static int
key(struct xmap *m, struct kvctx *c, int a, int k)
{
	struct xval *v = &m->m_b->b_a[a];
	int i;

	if (!v->v_given || v->v_n == 0)
		return 0;
	if (kv_keys[k].k_vals == V_ONE && v->v_n != 1)
		return xbad(m, a, "attribute '%s': one value, not %d",
		    xattrs[a].x_name, v->v_n);
	/* xinetd's UNLIMITED is superd's 0 or unlimited. */
	for (i = 0; i < v->v_n; i++)
		if (strcmp(v->v_s[i], "UNLIMITED") == 0) {
			free(v->v_s[i]);
			if ((v->v_s[i] = strdup(k >= K_RLCPU && k <= K_RLSTACK ?
			    "unlimited" : "0")) == NULL)
				return xbad(m, a, "%s", strerror(errno));
		}
	c->c_vals[k] = v->v_s;
	c->c_v[k] = v->v_s[0];
	c->c_nv[k] = v->v_n;
	c->c_given[k] = 1;
	c->c_line[k] = at(m, a)->cl_line;
	return 0;
}

/* rlimit_rss, which superd's keys lack, and cps, and banner_fail. */
static int
extras(struct xmap *m)
{
	struct svconf *sc = m->m_sc;
	const char *s;
	char line[KV_REFUSEMAX + 2], path[PATH_MAX];
	long long v, p;
	FILE *fp;
	int bad = 0;

	if ((s = one(m, XA_RLRSS, &bad)) != NULL) {
		if (strcmp(s, "UNLIMITED") == 0)
			v = (long long)RLIM_INFINITY;
		else if (inetd_size(s, LLONG_MAX, &v) == -1)
			return xbad(m, XA_RLRSS, "rlimit_rss '%s': not a size",
			    s);
		sc->sc_rlimits[sc->sc_nrlimits].rl_resource = RLIMIT_RSS;
		sc->sc_rlimits[sc->sc_nrlimits++].rl_value = (rlim_t)v;
	}
	if (val(m, XA_CPS) != NULL) {
		if (val(m, XA_CPS)->v_n != 2 || inetd_size(val(m,
		    XA_CPS)->v_s[0], INT_MAX, &v) == -1 || inetd_size(val(m,
		    XA_CPS)->v_s[1], 86400, &p) == -1 || v == 0)
			return xbad(m, XA_CPS, "%s", "cps: two numbers, "
			    "connections a second and seconds paused");
		sc->sc_cps = (int)v;
		sc->sc_cpspause = (int)p;
	}
	if ((s = one(m, XA_BANNERFAIL, &bad)) != NULL) {
		if (xinetd_relpath(m->m_l, s, path, sizeof(path)) == -1)
			return -1;
		if ((fp = fopenreg(path, &s)) == NULL)
			return xbad(m, XA_BANNERFAIL, "banner_fail '%s': %s",
			    path, s);
		line[0] = '\0';
		if (fgets(line, sizeof(line), fp) == NULL && ferror(fp))
			bad = xbad(m, XA_BANNERFAIL, "banner_fail '%s': %s",
			    path, strerror(errno));
		else if (!feof(fp) && getc(fp) != EOF)
			(void)xwarn(m, XA_BANNERFAIL, "banner_fail '%s': superd "
			    "sends its first line only", path);
		(void)fclose(fp);
		line[strcspn(line, "\r\n")] = '\0';
		if (!bad && (sc->sc_refuse = strdup(line)) == NULL)
			bad = xbad(m, XA_BANNERFAIL, "%s", strerror(errno));
	}
	return bad;
}

/* The keys superd shares with the key-values notation, then the rest. */
static int
keys(struct xmap *m)
{
	static const int map[][2] = {
		{ XA_INSTANCES, K_MAXCHILD }, { XA_PERSOURCE, K_MAXCHILDIP },
		{ XA_ENV, K_ENV }, { XA_PASSENV, K_PASSENV },
		{ XA_UMASK, K_UMASK }, { XA_NICE, K_NICE },
		{ XA_RLAS, K_RLAS }, { XA_RLCPU, K_RLCPU },
		{ XA_RLDATA, K_RLDATA }, { XA_RLSTACK, K_RLSTACK },
		{ XA_RLFILES, K_RLNOFILE }
	};
	char *allow[2 * XINETD_MAXWORDS + 2], *deny[XINETD_MAXWORDS + 1];
	struct kvctx c;
	size_t i;
	int bad = 0, b;

	memset(&c, 0, sizeof(c));
	c.c_l = m->m_l;
	c.c_sc = m->m_sc;
	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (key(m, &c, map[i][0], map[i][1]) == -1)
			bad = -1;
	/* banner and banner_success: superd sends one file, after access. */
	b = val(m, XA_BANNEROK) != NULL ? XA_BANNEROK : XA_BANNER;
	if (val(m, XA_BANNER) != NULL && val(m, XA_BANNEROK) != NULL)
		(void)xwarn(m, XA_BANNER, "%s", "superd sends one banner: "
		    "banner_success's, not banner's");
	if (key(m, &c, b, K_BANNER) == -1 || xinetd_access(m, &c, allow, deny) == -1)
		bad = -1;
	if (bad)
		return -1;
	if (kv_setlimits(&c) == -1 || kv_setenvs(&c) == -1 ||
	    kv_setrlimits(&c) == -1 || kv_setmisc(&c) == -1)
		return -1;
	return extras(m);
}

/*
 * Service block b (its `service` line l): translated, checked, and given
 * to conf_add(); disabled ones are checked the same way and not served.
 */
void
xinetd_service(struct confload *ld, const struct confline *l,
    struct xblock *b)
{
	struct xload *x = ld->ld_x;
	const struct xval *ids;
	struct xmap m;
	const char *id, *dis;
	int bad = 0, off, i;

	memset(&m, 0, sizeof(m));
	m.m_l = l;
	m.m_b = b;
	if ((id = one(&m, XA_ID, &bad)) == NULL)
		id = b->b_name;
	dis = one(&m, XA_DISABLE, &bad);
	if (dis != NULL && strcmp(dis, "yes") != 0 && strcmp(dis, "no") != 0)
		bad = xbad(&m, XA_DISABLE, "disable '%s': yes or no", dis);
	off = dis != NULL && strcmp(dis, "yes") == 0;
	ids = x != NULL && x->x_def.b_a[XA_DISABLED].v_given ?
	    &x->x_def.b_a[XA_DISABLED] : NULL;
	for (i = 0; ids != NULL && i < ids->v_n; i++)
		off |= strcmp(ids->v_s[i], id) == 0;
	ids = x != NULL && x->x_def.b_a[XA_ENABLED].v_given ?
	    &x->x_def.b_a[XA_ENABLED] : NULL;
	if (ids != NULL) {
		for (i = 0; i < ids->v_n && strcmp(ids->v_s[i], id) != 0; i++)
			;
		off |= i == ids->v_n;
	}
	/*
	 * A disabled service is read (its block and attribute names) but
	 * not translated: the stock files disable services superd cannot
	 * serve, and they must not make a reload fail.
	 */
	if (off && !bad)
		return;
	if (!bad && xinetd_newid(ld, at(&m, val(&m, XA_ID) != NULL ? XA_ID :
	    -1), b->b_name, id, val(&m, XA_ID) != NULL) == -1)
		bad = -1;
	if (typeflags(&m) == -1 || unsupported(&m) == -1)
		bad = -1;
	if (!bad && (m.m_sc = conf_new(l)) == NULL)
		bad = -1;
	if (!bad && (xsocket(&m) == -1 || program(&m) == -1 || keys(&m) == -1))
		bad = -1;
	for (i = 0; i < m.m_npool; i++)
		free(m.m_pool[i]);
	if (bad) {
		conf_free(m.m_sc);
		conf_add(ld, l, NULL, 0);
		return;
	}
	conf_add(ld, l, m.m_sc, 0);
}
