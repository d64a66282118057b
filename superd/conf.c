/*
 * The configuration: the entries of its files (confread.c reads them) into
 * a list of struct svconf, each finished once (its mode, the limits its
 * mode takes, its time limit) and, as root, its user's groups and reach
 * checked.  A bad entry is left out and counted; the caller decides what a
 * count above zero means (skip at start-up, change nothing on reload).
 */
#define _GNU_SOURCE
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/resource.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "access.h"
#include "conf.h"
#include "confline.h"
#include "log.h"
#include "proxy.h"
#include "sock.h"
#include "user.h"
#include "util.h"

/* Set by a signal that must be acted on now: the load is given up. */
static const volatile sig_atomic_t *stopflag;

/* A new svconf for line l, nothing set; NULL (logged) out of memory. */
struct svconf *
conf_new(const struct confline *l)
{
	struct svconf *sc;

	if ((sc = calloc(1, sizeof(*sc))) == NULL) {
		(void)conf_bad(l, "%s", strerror(errno));
		return NULL;
	}
	if ((sc->sc_file = strdup(l->cl_file)) == NULL) {
		(void)conf_bad(l, "%s", strerror(errno));
		free(sc);
		return NULL;
	}
	sc->sc_line = l->cl_line;
	sc->sc_timelimit = -1;
	sc->sc_failpause = -1;
	sc->sc_umask = -1;
	sc->sc_sockmode = 0666;
	return sc;
}

/*
 * Whether the keys that change a handler's process, what a client is sent
 * and who is let in fit sc's mode: 0, or -1 (logged) naming the first key
 * that cannot work there, rather than one that silently does nothing.
 */
static int
fits(const struct svconf *sc, const struct confline *l)
{
	const char *key = NULL, *why = NULL;
	int stream = sc->sc_socktype == SOCK_STREAM;

	if (sc->sc_bi != NULL) {
		why = "internal services run inside superd, no program";
		if (sc->sc_env != NULL)
			key = "env or passenv";
		else if (sc->sc_nrlimits > 0)
			key = "rlimit_*";
		else if (sc->sc_setnice)
			key = "nice";
		else if (sc->sc_umask != -1)
			key = "umask";
		else if (sc->sc_stderr != STDERR_SOCKET)
			key = "stderr";
		else if (sc->sc_chroot != NULL)
			key = "chroot";
	}
	if (key == NULL && !stream && sc->sc_banner != NULL) {
		why = "a datagram has no connection to send it on first";
		key = "banner";
	}
	if (key == NULL && !stream && sc->sc_refuse != NULL) {
		why = "a refused datagram gets no answer, which a forged "
		    "source could aim at others";
		key = "refuse_message";
	}
	if (key == NULL && sc->sc_wait) {
		why = "the handler of a wait service takes its clients itself";
		if (sc->sc_banner != NULL)
			key = "banner";
		else if (sc->sc_refuse != NULL)
			key = "refuse_message";
		else if (sc->sc_allow != NULL || sc->sc_deny != NULL)
			key = "access_allow or access_deny";
	}
	if (key != NULL)
		return conf_bad(l, "key '%s' does not apply here: %s", key, why);
	return 0;
}

/*
 * Chooses sc's mode, once, and gives it the command line's defaults for
 * what its line leaves unset: 0, or -1 (logged) for a mode that cannot be.
 */
static int
finish(struct svconf *sc, const struct confline *l,
    const struct confdefaults *d)
{
	int stream = sc->sc_socktype == SOCK_STREAM;

	if (sc->sc_bi != NULL && stream && sc->sc_wait)
		return conf_bad(l, "internal '%s' is a nowait service",
		    sc->sc_bi->p_name);
	if (sc->sc_bi != NULL)
		sc->sc_mode = stream ? MODE_INSTREAM : MODE_INDGRAM;
	else if (sc->sc_wait)
		sc->sc_mode = stream ? MODE_STREAMWAIT : MODE_DGRAMWAIT;
	else
		sc->sc_mode = stream ? MODE_STREAM : MODE_DGRAM;
	if (sc->sc_spawnmax == 0)
		sc->sc_spawnmax = d->cd_spawnmax;
	if (sc->sc_maxchild == 0)
		sc->sc_maxchild = d->cd_maxchild;
	/* The handler of a stream wait service sees the peers, superd not. */
	if (sc->sc_mode != MODE_STREAMWAIT) {
		if (sc->sc_maxcpm == 0)
			sc->sc_maxcpm = d->cd_maxcpm;
		if (sc->sc_maxperip == 0)
			sc->sc_maxperip = d->cd_maxperip;
	}
	if (sc->sc_failpause == -1)
		sc->sc_failpause = d->cd_failpause;
	if (sc->sc_timelimit > 0)
		sc->sc_deadline = sc->sc_timelimit;
	else if (d->cd_timelimit > 0)
		sc->sc_deadline = d->cd_timelimit;
	else
		sc->sc_deadline = sc->sc_mode == MODE_DGRAM ?
		    CONF_RELAYLIMIT : -1;
	sc->sc_setid = geteuid() == 0;
	return fits(sc, l);
}

/* Drops sc from *list and frees it, counting the error. */
static void
drop(struct svconf **pp, int *nerr)
{
	struct svconf *sc = *pp;

	*pp = sc->sc_next;
	sc->sc_next = NULL;
	conf_free(sc);
	(*nerr)++;
}

/*
 * The users' groups, then whether each line's user can run its program
 * (user.c); the lines that fail are dropped and counted.  As root only,
 * and once the file is closed: the group look-up forks.  Not being root
 * is said once.
 */
static struct svconf *
checkusers(struct svconf *head, struct userdb *db, int *nerr)
{
	struct svconf *sc, **pp, *prev = NULL;
	char why[PATH_MAX + 128];
	const char *err;

	if (geteuid() != 0) {
		for (sc = head; sc != NULL; sc = sc->sc_next)
			if (sc->sc_usr->u_uid != geteuid()) {
				logmsg(LOG_WARNING, "%s:%d: not running as "
				    "root: handlers run as the current user, "
				    "not as '%s' (said once)", sc->sc_file,
				    sc->sc_line, sc->sc_usr->u_name);
				break;
			}
		return head;
	}
	if (userdb_groups(db, &err) == -1)
		logmsg(LOG_ERR, "%s: %s", err, strerror(errno));
	for (pp = &head; (sc = *pp) != NULL; ) {
		if (sc->sc_usr->u_ngroups == -1) {
			logmsg(LOG_ERR, "%s:%d: groups of '%s' could not be "
			    "looked up", sc->sc_file, sc->sc_line,
			    sc->sc_usr->u_name);
			drop(pp, nerr);
			continue;
		}
		if (sc->sc_prog == NULL)
			;
		else if (prev != NULL && prev->sc_usr == sc->sc_usr &&
		    strcmp(prev->sc_prog, sc->sc_prog) == 0)
			sc->sc_byfd = prev->sc_byfd;	/* the same verdict */
		else if (user_canexec(sc->sc_usr, sc->sc_prog, &sc->sc_byfd,
		    why, sizeof(why)) == -1) {
			logmsg(LOG_ERR, "%s:%d: program '%s': %s",
			    sc->sc_file, sc->sc_line, sc->sc_prog, why);
			drop(pp, nerr);
			continue;
		} else
			prev = sc;
		pp = &sc->sc_next;
	}
	return head;
}

/*
 * sc, from the entry at l, finished and appended to ld's services; or,
 * when sc is NULL (its error logged) or cannot be finished, counted as a
 * bad entry.  An `off` entry is checked the same way, then freed.
 */
void
conf_add(struct confload *ld, const struct confline *l, struct svconf *sc,
    int off)
{
	if (sc == NULL || finish(sc, l, ld->ld_def) == -1) {
		conf_free(sc);
		if (ld->ld_nerr != -1)
			ld->ld_nerr++;
		return;
	}
	if (off) {
		conf_free(sc);
		return;
	}
	*ld->ld_tail = sc;
	ld->ld_tail = &sc->sc_next;
}

/*
 * Parses the n CONFIG paths, files or folders, in order, entries leaving a
 * setting to the command line taking d's.  Returns the services of their
 * good entries, in order (NULL when there are none) and sets *nerr to the
 * number of bad entries, or to -1 when a CONFIG cannot be read whole (the
 * reason is logged): a read error, or a signal that stopped the load.
 */
struct svconf *
conf_parse(const char *const *paths, int n, const struct confdefaults *d,
    int *nerr)
{
	struct confload ld;
	int i;

	memset(&ld, 0, sizeof(ld));
	ld.ld_def = d;
	ld.ld_tail = &ld.ld_head;
	ld.ld_stop = stopflag;
	if ((ld.ld_db = userdb_new()) == NULL) {
		logmsg(LOG_ERR, "%s: %s", n > 0 ? paths[0] : "?",
		    strerror(errno));
		*nerr = -1;
		return NULL;
	}
	setservent(1);
	for (i = 0; i < n && ld.ld_nerr != -1; i++)
		conf_read(&ld, paths[i]);
	endservent();
	xinetd_free(ld.ld_x);
	*nerr = ld.ld_nerr;
	if (*nerr != -1)
		ld.ld_head = checkusers(ld.ld_head, ld.ld_db, nerr);
	userdb_free(ld.ld_db);
	if (*nerr == -1) {
		conf_free(ld.ld_head);
		return NULL;
	}
	return ld.ld_head;
}

/*
 * Ad-hoc mode's services: each of the n NULL-terminated field lists of
 * lines is an inetd.conf line of the file named origin (its messages say
 * "origin:N"), relative PROGRAMs relative to the working folder.  Returns
 * the services as conf_parse() does.
 */
struct svconf *
conf_fields(const char *origin, char **const *lines, int n,
    const struct confdefaults *d, int *nerr)
{
	struct confload ld;
	struct confline l;
	char dir[PATH_MAX];
	int i, k;

	memset(&ld, 0, sizeof(ld));
	memset(&l, 0, sizeof(l));
	ld.ld_def = d;
	ld.ld_tail = &ld.ld_head;
	if (getcwd(dir, sizeof(dir)) == NULL ||
	    (ld.ld_db = userdb_new()) == NULL) {
		logmsg(LOG_ERR, "%s: %s", origin, strerror(errno));
		*nerr = -1;
		return NULL;
	}
	l.cl_file = origin;
	l.cl_dir = dir;
	l.cl_db = ld.ld_db;
	for (i = 0; i < n; i++) {
		for (k = 0; lines[i][k] != NULL; k++)
			;
		l.cl_line = i + 1;
		conf_add(&ld, &l, inetd_line(&l, lines[i], k), 0);
	}
	*nerr = ld.ld_nerr;
	ld.ld_head = checkusers(ld.ld_head, ld.ld_db, nerr);
	userdb_free(ld.ld_db);
	return ld.ld_head;
}

/* A signal handler sets *flag when a load must be given up. */
void
conf_stopflag(const volatile sig_atomic_t *flag)
{
	stopflag = flag;
}

/* Frees a list of svconfs. */
void
conf_free(struct svconf *sc)
{
	struct svconf *next;
	char **a;

	for (; sc != NULL; sc = next) {
		next = sc->sc_next;
		free(sc->sc_file);
		free(sc->sc_name);
		free(sc->sc_envsvc);
		free(sc->sc_host);
		free(sc->sc_proto);
		user_release(sc->sc_usr);
		free(sc->sc_prog);
		if (sc->sc_argv != NULL)
			for (a = sc->sc_argv; *a != NULL; a++)
				free(*a);
		free(sc->sc_argv);
		free(sc->sc_bifmt);
		if (sc->sc_env != NULL)
			for (a = sc->sc_env; *a != NULL; a++)
				free(*a);
		free(sc->sc_env);
		free(sc->sc_banner);
		free(sc->sc_refuse);
		free(sc->sc_chroot);
		access_free(sc->sc_allow);
		access_free(sc->sc_deny);
		free(sc->sc_allowsrc);
		free(sc->sc_denysrc);
		free(sc);
	}
}

/* Would a and b bind the same socket?  Then a reload keeps it. */
int
conf_samesocket(const struct svconf *a, const struct svconf *b)
{
	return a->sc_socktype == b->sc_socktype &&
	    a->sc_v6only == b->sc_v6only &&
	    a->sc_addrlen == b->sc_addrlen &&
	    memcmp(&a->sc_addr, &b->sc_addr, a->sc_addrlen) == 0;
}

/* A hash of the socket sc binds, as conf_samesocket() compares it. */
unsigned long
conf_sockhash(const struct svconf *sc)
{
	const unsigned char *p = (const unsigned char *)&sc->sc_addr;
	unsigned long h = 2166136261UL;
	socklen_t i;

	h = (h ^ (unsigned)sc->sc_socktype) * 16777619UL;
	h = (h ^ (unsigned)sc->sc_v6only) * 16777619UL;
	for (i = 0; i < sc->sc_addrlen; i++)
		h = (h ^ p[i]) * 16777619UL;
	return h;
}

/* One value of a key=value word, quoted when it must be. */
static void
printval(const char *s)
{
	const unsigned char *p;

	if (*s != '\0' && strpbrk(s, " \t\n\r'\"\\#,;") == NULL) {
		for (p = (const unsigned char *)s; *p >= 0x21 && *p < 0x7f;
		    p++)
			;
		if (*p == '\0') {
			fputs(s, stdout);
			return;
		}
	}
	putchar('\'');
	for (p = (const unsigned char *)s; *p != '\0'; p++)
		if (*p == '\'' || *p == '\\')
			printf("\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", stdout);
		else if (*p == '\t')
			fputs("\\t", stdout);
		else if (*p == '\r')
			fputs("\\r", stdout);
		else if (*p < 0x20 || *p == 0x7f)
			printf("\\x%02x", *p);
		else
			putchar(*p);
	putchar('\'');
}

/* " key=value" */
static void
printkey(const char *key, const char *val)
{
	printf(" %s=", key);
	printval(val);
}

/* What the key-values notation says of sc, where it is not the default. */
static void
printkeys(const struct svconf *sc)
{
	static const struct { int res; const char *name; } rl[] = {
		{ RLIMIT_CPU, "rlimit_cpu" }, { RLIMIT_AS, "rlimit_as" },
		{ RLIMIT_DATA, "rlimit_data" },
		{ RLIMIT_NOFILE, "rlimit_nofile" },
		{ RLIMIT_NPROC, "rlimit_nproc" },
		{ RLIMIT_FSIZE, "rlimit_fsize" },
		{ RLIMIT_CORE, "rlimit_core" },
		{ RLIMIT_STACK, "rlimit_stack" },
		{ RLIMIT_RSS, "rlimit_rss" }	/* xinetd's */
	};
	static const char *const stderrs[] = { "socket", "log", "null" };
	char buf[32];
	char *const *e;
	size_t j;
	int i;

	if (sc->sc_cps > 0)
		printf(" cps=%d/%d", sc->sc_cps, sc->sc_cpspause);
	if (sc->sc_sndbuf)
		printf(" sndbuf=%d", sc->sc_sndbuf);
	if (sc->sc_rcvbuf)
		printf(" recvbuf=%d", sc->sc_rcvbuf);
	for (e = sc->sc_env; e != NULL && *e != NULL; e++)
		printkey("env", *e);
	for (i = 0; i < sc->sc_nrlimits; i++) {
		for (j = 0; j < sizeof(rl) / sizeof(rl[0]) &&
		    rl[j].res != sc->sc_rlimits[i].rl_resource; j++)
			;
		if (sc->sc_rlimits[i].rl_value == RLIM_INFINITY)
			(void)snprintf(buf, sizeof(buf), "unlimited");
		else
			(void)snprintf(buf, sizeof(buf), "%llu",
			    (unsigned long long)sc->sc_rlimits[i].rl_value);
		printkey(j < sizeof(rl) / sizeof(rl[0]) ? rl[j].name :
		    "rlimit_?", buf);
	}
	if (sc->sc_setnice)
		printf(" nice=%d", sc->sc_nice);
	if (sc->sc_umask != -1)
		printf(" umask=%03o", (unsigned)sc->sc_umask);
	if (sc->sc_stderr != STDERR_SOCKET)
		printf(" stderr=%s", stderrs[sc->sc_stderr]);
	if (sc->sc_proxy != 0)
		printf(" proxy=%s proxy_timeout=%d", sc->sc_proxy == PROXY_V1 ?
		    "v1" : sc->sc_proxy == PROXY_V2 ? "v2" : "any",
		    sc->sc_proxytimeout);
	if (sc->sc_banner != NULL)
		printkey("banner", sc->sc_banner);
	if (sc->sc_refuse != NULL)
		printkey("refuse_message", sc->sc_refuse);
	if (sc->sc_failpause == 0)
		printf(" failure_pause=off");
	if (sc->sc_privok)
		printf(" privileged_clients=yes");
	if (sc->sc_family == AF_UNIX && (sc->sc_sockuid != 0 ||
	    sc->sc_sockgid != 0 || sc->sc_sockmode != 0666))
		printf(" socket_owner=%lu socket_group=%lu socket_mode=%04o",
		    (unsigned long)sc->sc_sockuid,
		    (unsigned long)sc->sc_sockgid, (unsigned)sc->sc_sockmode);
	if (sc->sc_chroot != NULL)
		printkey("chroot", sc->sc_chroot);
	if (sc->sc_allowsrc != NULL)
		printkey("access_allow", sc->sc_allowsrc);
	if (sc->sc_denysrc != NULL)
		printkey("access_deny", sc->sc_denysrc);
}

/*
 * -t: what superd would run, one line per service, whatever the dialect
 * of its entry: in inetd.conf's terms, then " key=value" for what only
 * the key-values notation says.  A UNIX socket's ADDR is its path, its
 * port "-".
 */
void
conf_print(const struct svconf *sc)
{
	char a[SOCK_ADDRSTRLEN], portstr[8];
	char *const *arg;
	int port;

	for (; sc != NULL; sc = sc->sc_next) {
		if (sc->sc_family == AF_UNIX)
			(void)snprintf(portstr, sizeof(portstr), "-");
		else {
			if (sock_ntop((const struct sockaddr *)&sc->sc_addr, a,
			    sizeof(a), &port) == -1)
				(void)snprintf(a, sizeof(a), "?");
			(void)snprintf(portstr, sizeof(portstr), "%d", port);
		}
		printf("%s:%d: ", sc->sc_file, sc->sc_line);
		printval(sc->sc_name);
		printf(" %s %s %s %s %s", sc->sc_family == AF_UNIX ?
		    sc->sc_host : a, portstr,
		    sc->sc_socktype == SOCK_STREAM ? "stream" : "dgram",
		    sc->sc_proto, sc->sc_wait ? "wait" : "nowait");
		/* The limits in force, in the syntax the parser reads back. */
		if (sc->sc_spawnmax)
			printf(".%d", sc->sc_spawnmax);
		if (sc->sc_maxchild || sc->sc_maxcpm || sc->sc_maxperip)
			printf("/%d/%d/%d", sc->sc_maxchild, sc->sc_maxcpm,
			    sc->sc_maxperip);
		if (sc->sc_timelimit > 0)
			printf("@%d", sc->sc_timelimit);
		printf(" %s %s", sc->sc_usr->u_name,
		    sc->sc_prog != NULL ? sc->sc_prog : "internal");
		if (sc->sc_bi != NULL) {
			printf(" %s", sc->sc_bi->p_name);
			if (sc->sc_biopts.po_utc)
				printf(" -u");
			if (sc->sc_bifmt != NULL) {
				printf(" -f ");
				printval(sc->sc_bifmt);
			}
		} else
			for (arg = sc->sc_argv; *arg != NULL; arg++) {
				putchar(' ');
				printval(*arg);
			}
		printkeys(sc);
		putchar('\n');
	}
}
