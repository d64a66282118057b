/*
 * The configuration: a file's lines into a list of struct svconf, each
 * finished once (its mode, the limits its mode takes, its time limit) and,
 * as root, its user's groups and reach checked.  A bad line is left out and
 * counted; the caller decides what a count above zero means (skip at
 * start-up, change nothing on reload).
 */
#define _GNU_SOURCE
#include <sys/types.h>
#include <sys/socket.h>
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
	sc->sc_file = l->cl_file;
	sc->sc_line = l->cl_line;
	sc->sc_timelimit = -1;
	sc->sc_failpause = -1;
	sc->sc_umask = -1;
	sc->sc_sockmode = 0666;
	return sc;
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
	return 0;
}

/*
 * Splits the line in buf into fields and parses them.  Returns 1 for a
 * service (*scp), 0 for a blank or comment line, -1 for a bad line
 * (logged).
 */
static int
oneline(const struct confline *l, char *buf, const struct confdefaults *d,
    struct svconf **scp)
{
	char *f[CONF_MAXFIELDS], *p;
	int n = 0;

	if ((p = strchr(buf, '#')) != NULL)
		*p = '\0';
	for (p = strtok(buf, " \t\r\n"); p != NULL;
	    p = strtok(NULL, " \t\r\n")) {
		if (n == CONF_MAXFIELDS)
			return conf_bad(l, "more than %d fields",
			    CONF_MAXFIELDS);
		f[n++] = p;
	}
	if (n == 0)
		return 0;
	if ((*scp = inetd_line(l, f, n)) == NULL)
		return -1;
	if (finish(*scp, l, d) == -1) {
		conf_free(*scp);
		return -1;
	}
	return 1;
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
checkusers(struct svconf *head, struct userdb *db, const char *path,
    int *nerr)
{
	struct svconf *sc, **pp, *prev = NULL;
	char why[PATH_MAX + 128];
	const char *err;

	if (geteuid() != 0) {
		for (sc = head; sc != NULL; sc = sc->sc_next)
			if (sc->sc_usr->u_uid != geteuid()) {
				logmsg(LOG_WARNING, "%s:%d: not running as "
				    "root: handlers run as the current user, "
				    "not as '%s' (said once)", path,
				    sc->sc_line, sc->sc_usr->u_name);
				break;
			}
		return head;
	}
	if (userdb_groups(db, &err) == -1)
		logmsg(LOG_ERR, "%s: %s: %s", path, err, strerror(errno));
	for (pp = &head; (sc = *pp) != NULL; ) {
		if (sc->sc_usr->u_ngroups == -1) {
			logmsg(LOG_ERR, "%s:%d: groups of '%s' could not be "
			    "looked up", path, sc->sc_line, sc->sc_usr->u_name);
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
			logmsg(LOG_ERR, "%s:%d: program '%s': %s", path,
			    sc->sc_line, sc->sc_prog, why);
			drop(pp, nerr);
			continue;
		} else
			prev = sc;
		pp = &sc->sc_next;
	}
	return head;
}

/* The folder of path, made absolute, into dir: 0, or -1 with errno. */
static int
folderof(const char *path, char *dir, size_t size)
{
	char *dcopy, *p;
	size_t len;
	int r = 0;

	if ((dcopy = strdup(path)) == NULL)
		return -1;
	p = dirname(dcopy);
	if (*p == '/')
		(void)snprintf(dir, size, "%s", p);
	else if (getcwd(dir, size) == NULL)
		r = -1;
	else if (strcmp(p, ".") != 0) {
		len = strlen(dir);
		if ((size_t)snprintf(dir + len, size - len, "/%s", p) >=
		    size - len) {
			errno = ENAMETOOLONG;
			r = -1;
		}
	}
	free(dcopy);
	return r;
}

/*
 * Parses the file at path, lines leaving a setting to the command line
 * taking d's.  Returns the services of its good lines, in file order (NULL
 * when there are none) and sets *nerr to the number of bad lines, or to -1
 * when the file cannot be read whole (the reason is logged): a read error,
 * or a signal that stopped the load.
 */
struct svconf *
conf_parse(const char *path, const struct confdefaults *d, int *nerr)
{
	struct svconf *head = NULL, **tail = &head, *sc = NULL;
	char buf[CONF_LINEMAX], dir[PATH_MAX];
	struct confline l;
	const char *why;
	size_t len;
	FILE *fp;
	int r, cont;

	*nerr = 0;
	memset(&l, 0, sizeof(l));
	if ((fp = fopenreg(path, &why)) == NULL) {
		logmsg(LOG_ERR, "%s: %s", path, why);
		*nerr = -1;
		return NULL;
	}
	/* Relative PROGRAMs are relative to the file's folder, made absolute. */
	if (folderof(path, dir, sizeof(dir)) == -1 ||
	    (l.cl_db = userdb_new()) == NULL) {
		logmsg(LOG_ERR, "%s: %s", path, strerror(errno));
		(void)fclose(fp);
		*nerr = -1;
		return NULL;
	}
	l.cl_file = path;
	l.cl_dir = dir;
	setservent(1);
	while ((r = physline(fp, buf, sizeof(buf), &len, &cont)) != -1) {
		l.cl_line++;
		if (stopflag != NULL && *stopflag) {
			(void)conf_bad(&l, "load stopped by a signal");
			*nerr = -1;
			break;
		}
		if (r == 1)
			r = conf_bad(&l, "line too long (limit %d bytes)",
			    CONF_LINEMAX - 1);
		else if (r == 2)
			r = conf_bad(&l, "NUL byte in line");
		else
			r = oneline(&l, buf, d, &sc);
		if (r == -1)
			(*nerr)++;
		if (r != 1)
			continue;
		*tail = sc;
		tail = &sc->sc_next;
	}
	endservent();
	if (*nerr != -1 && ferror(fp)) {
		logmsg(LOG_ERR, "%s: read: %s", path, strerror(errno));
		*nerr = -1;
	}
	(void)fclose(fp);
	if (*nerr != -1)
		head = checkusers(head, l.cl_db, path, nerr);
	userdb_free(l.cl_db);
	if (*nerr == -1) {
		conf_free(head);
		return NULL;
	}
	return head;
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

/* -t: what superd would run, one line per service, in inetd.conf's terms. */
void
conf_print(const struct svconf *sc)
{
	char a[SOCK_ADDRSTRLEN];
	char *const *arg;
	int port;

	for (; sc != NULL; sc = sc->sc_next) {
		if (sock_ntop((const struct sockaddr *)&sc->sc_addr, a,
		    sizeof(a), &port) == -1)
			(void)snprintf(a, sizeof(a), "?");
		printf("%s:%d: %s %s %d %s %s %s", sc->sc_file, sc->sc_line,
		    sc->sc_name, a, port,
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
			if (sc->sc_bifmt != NULL)
				printf(" -f %s", sc->sc_bifmt);
		} else
			for (arg = sc->sc_argv; *arg != NULL; arg++)
				printf(" %s", *arg);
		putchar('\n');
	}
}
