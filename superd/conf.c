/*
 * The configuration: inetd.conf lines into a list of struct service.  Every
 * error names the file, the line and the field; a bad line is left out and
 * counted, and the caller decides what a count above zero means (skip at
 * start-up, change nothing on reload).
 */
#define _GNU_SOURCE
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "builtin.h"
#include "conf.h"
#include "limit.h"
#include "log.h"
#include "user.h"
#include "util.h"


/* superd-wide defaults for the limits a WAIT field leaves at 0. */
static int defspawnmax, defmaxchild, defmaxcpm, defmaxperip;
static int deffailpause = 1;

struct line {
	const char	*file;
	int		 lineno;
	const char	*dir;		/* the file's folder */
	int		*warned;	/* the not-root warning was given */
	struct userdb	*db;		/* the users of this load */
};

/* Set by a signal that must be acted on now: the load is given up. */
static const volatile sig_atomic_t *stopflag;

static int bad(const struct line *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

/* Logs "FILE:LINE: message" and returns -1. */
static int
bad(const struct line *l, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	logmsg(LOG_ERR, "%s:%d: %s", l->file, l->lineno, msg);
	return -1;
}

/* Is an IPv6 socket possible on this host?  Asked once. */
static int
haveipv6(void)
{
	static int have = -1;
	int fd;

	if (have == -1) {
		fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		have = fd != -1;
		if (fd != -1)
			(void)close(fd);
	}
	return have;
}

/* SOCKTYPE and PROTO: sets socket type, family wanted and v6only. */
static int
protocol(struct service *sv, const struct line *l, const char *type,
    const char *proto, int *family)
{
	const char *v;

	if (strcmp(type, "stream") == 0)
		sv->sv_socktype = SOCK_STREAM;
	else if (strcmp(type, "dgram") == 0)
		sv->sv_socktype = SOCK_DGRAM;
	else
		return bad(l, "unknown socket type '%s'", type);
	if (strncmp(proto, "tcp", 3) == 0 && sv->sv_socktype == SOCK_STREAM)
		v = proto + 3;
	else if (strncmp(proto, "udp", 3) == 0 && sv->sv_socktype == SOCK_DGRAM)
		v = proto + 3;
	else if (strncmp(proto, "tcp", 3) == 0 || strncmp(proto, "udp", 3) == 0)
		return bad(l, "protocol '%s' does not fit the socket type",
		    proto);
	else
		return bad(l, "unknown protocol '%s'", proto);
	if (strcmp(v, "4") == 0)
		*family = AF_INET;
	else if (strcmp(v, "6") == 0) {
		*family = AF_INET6;
		sv->sv_v6only = 1;
	} else if (strcmp(v, "") == 0 || strcmp(v, "46") == 0)
		*family = haveipv6() ? AF_INET6 : AF_INET;
	else
		return bad(l, "unknown protocol '%s'", proto);
	return 0;
}

/* [ADDR:]SERVICE: resolves the address to bind. */
static int
address(struct service *sv, const struct line *l, char *field, int family)
{
	struct addrinfo hints, *res;
	const char *host = "*", *svc = field, *errstr;
	const char *pname = sv->sv_socktype == SOCK_STREAM ? "tcp" : "udp";
	struct servent *se;
	char *p, portstr[8];
	long long port;
	int e, literal6 = 0;

	if (field[0] == '[') {
		if ((p = strchr(field, ']')) == NULL || p[1] != ':')
			return bad(l, "bad address in '%s'", field);
		*p = '\0';
		host = field + 1;
		svc = p + 2;
		literal6 = 1;
	} else if ((p = strrchr(field, ':')) != NULL) {
		*p = '\0';
		host = field;
		svc = p + 1;
	}
	if (*host == '\0')
		return bad(l, "empty address in '%s'", field);
	if ((sv->sv_host = strdup(host)) == NULL ||
	    (sv->sv_name = strdup(svc)) == NULL ||
	    (sv->sv_envsvc = malloc(strlen(svc) + 16)) == NULL)
		return bad(l, "%s", strerror(errno));
	/* the handler's SUPERD_SERVICE, written once, not per connection */
	(void)sprintf(sv->sv_envsvc, "SUPERD_SERVICE=%s", svc);
	if (*svc >= '0' && *svc <= '9') {
		port = parsenum(svc, 0, 65535, &errstr);
		if (errstr != NULL)
			return bad(l, "port '%s': %s", svc, errstr);
	} else if ((se = getservbyname(svc, pname)) != NULL)
		port = ntohs((unsigned short)se->s_port);
	else
		return bad(l, "unknown service '%s'", svc);

	if (strcmp(host, "*") == 0) {
		memset(&sv->sv_addr, 0, sizeof(sv->sv_addr));
		if (family == AF_INET6) {
			struct sockaddr_in6 *s6 = (void *)&sv->sv_addr;

			s6->sin6_family = AF_INET6;
			s6->sin6_addr = in6addr_any;
			s6->sin6_port = htons((unsigned short)port);
			sv->sv_addrlen = sizeof(*s6);
		} else {
			struct sockaddr_in *s4 = (void *)&sv->sv_addr;

			s4->sin_family = AF_INET;
			s4->sin_addr.s_addr = htonl(INADDR_ANY);
			s4->sin_port = htons((unsigned short)port);
			sv->sv_addrlen = sizeof(*s4);
		}
		return 0;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = sv->sv_socktype;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	/* "tcp" binds whatever ADDR is; tcp4 and tcp6 insist on a family. */
	if (sv->sv_v6only)
		hints.ai_family = AF_INET6;
	else if (strchr(sv->sv_proto, '4') != NULL &&
	    strstr(sv->sv_proto, "46") == NULL)
		hints.ai_family = AF_INET;
	if (literal6)
		hints.ai_flags |= AI_NUMERICHOST;
	(void)snprintf(portstr, sizeof(portstr), "%lld", port);
	if ((e = getaddrinfo(host, portstr, &hints, &res)) != 0)
		return bad(l, "address '%s': %s", host, gai_strerror(e));
	memcpy(&sv->sv_addr, res->ai_addr, res->ai_addrlen);
	sv->sv_addrlen = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

/*
 * WAIT[LIMITS][@SECONDS]: wait or nowait, then .N (OpenBSD, netkit) and/or
 * /A/B/C (FreeBSD, each part may be empty), then a time limit.
 */
static int
waitfield(struct service *sv, const struct line *l, char *f)
{
	const char *errstr;
	char *p, *at, *part, orig[128];
	int *slot[3], i;
	long long v;

	(void)snprintf(orig, sizeof(orig), "%s", f);
	if ((at = strchr(f, '@')) != NULL) {
		*at++ = '\0';
		v = parsenum(at, 1, INT_MAX, &errstr);
		if (errstr != NULL)
			return bad(l, "time limit '%s': bad number", at);
		sv->sv_timelimit = (int)v;
	}
	if (strncmp(f, "nowait", 6) == 0) {
		p = f + 6;
	} else if (strncmp(f, "wait", 4) == 0) {
		sv->sv_wait = 1;
		p = f + 4;
	} else
		return bad(l, "unknown wait field '%s'", f);
	if (*p == '.') {
		part = ++p;
		if ((p = strchr(p, '/')) != NULL)
			*p = '\0';
		v = parsenum(part, 0, INT_MAX, &errstr);
		if (errstr != NULL)
			return bad(l, "spawn limit '%s': bad number", part);
		sv->sv_spawnmax = (int)v;
		if (p != NULL)
			*p = '/';
		else
			p = part + strlen(part);
	}
	if (*p == '/') {
		slot[0] = &sv->sv_maxchild;
		slot[1] = &sv->sv_maxcpm;
		slot[2] = &sv->sv_maxperip;
		p++;
		for (i = 0; i < 3 && p != NULL; i++) {
			part = strsep(&p, "/");
			if (*part == '\0')
				continue;
			v = parsenum(part, 0, INT_MAX, &errstr);
			if (errstr != NULL)
				return bad(l, "limit '%s': bad number", part);
			*slot[i] = (int)v;
		}
		if (p != NULL)
			return bad(l, "too many limits in '%s'", orig);
	} else if (*p != '\0')
		return bad(l, "unknown wait field '%s'", f);
	if (sv->sv_wait && sv->sv_socktype == SOCK_STREAM &&
	    (sv->sv_maxcpm || sv->sv_maxperip))
		return bad(l, "per-source limits need nowait ('%s')", orig);
	if (sv->sv_spawnmax == 0)
		sv->sv_spawnmax = defspawnmax;
	if (sv->sv_maxchild == 0)
		sv->sv_maxchild = defmaxchild;
	/* The handler of a wait service sees the peers, superd does not. */
	if (!(sv->sv_wait && sv->sv_socktype == SOCK_STREAM)) {
		if (sv->sv_maxcpm == 0)
			sv->sv_maxcpm = defmaxcpm;
		if (sv->sv_maxperip == 0)
			sv->sv_maxperip = defmaxperip;
	}
	return 0;
}

/* USER[:GROUP] or USER.GROUP (a user name may hold a dot). */
static int
userfield(struct service *sv, const struct line *l, char *f)
{
	const char *err = NULL;
	char *grp;

	if ((grp = strchr(f, ':')) != NULL)
		*grp++ = '\0';
	sv->sv_usr = userdb_get(l->db, f, grp, &err);
	if (sv->sv_usr == NULL && grp == NULL && (grp = strchr(f, '.')) != NULL) {
		*grp++ = '\0';
		sv->sv_usr = userdb_get(l->db, f, grp, &err);
	}
	if (sv->sv_usr == NULL)
		return bad(l, "%s '%s'", err, strcmp(err, "unknown group") == 0 ?
		    grp : f);
	if (geteuid() == 0)
		sv->sv_setid = 1;
	else if (sv->sv_usr->u_uid != geteuid() && !*l->warned) {
		logmsg(LOG_WARNING, "%s:%d: not running as root: handlers "
		    "run as the current user, not as '%s' (said once)",
		    l->file, l->lineno, sv->sv_usr->u_name);
		*l->warned = 1;
	}
	return 0;
}

/* PROGRAM [ARGV0 ARGS...]. */
static int
program(struct service *sv, const struct line *l, char **f, int n)
{
	char path[PATH_MAX];
	struct stat st;
	const char *name;
	int i;

	if (strcmp(f[0], "internal") == 0) {
		name = n > 1 ? f[1] : sv->sv_name;
		if (builtin_find(name, sv->sv_socktype) == NULL)
			return bad(l, "no internal service '%s'", name);
		if (sv->sv_wait && sv->sv_socktype == SOCK_STREAM)
			return bad(l, "internal '%s' is a nowait service", name);
		if ((sv->sv_builtin = strdup(name)) == NULL)
			return bad(l, "%s", strerror(errno));
		return 0;
	}
	if (f[0][0] == '/')
		(void)snprintf(path, sizeof(path), "%s", f[0]);
	else if ((size_t)snprintf(path, sizeof(path), "%s/%s", l->dir, f[0]) >=
	    sizeof(path))
		return bad(l, "program '%s': path too long", f[0]);
	if (stat(path, &st) == -1)
		return bad(l, "program '%s': %s", path, strerror(errno));
	if (!S_ISREG(st.st_mode) || access(path, X_OK) == -1)
		return bad(l, "program '%s': not an executable file", path);
	if ((sv->sv_prog = strdup(path)) == NULL ||
	    (sv->sv_argv = calloc((size_t)(n > 1 ? n : 2), sizeof(char *))) ==
	    NULL)
		return bad(l, "%s", strerror(errno));
	if (n == 1) {
		sv->sv_argv[0] = strdup(basename(path));
		if (sv->sv_argv[0] == NULL)
			return bad(l, "%s", strerror(errno));
	}
	for (i = 1; i < n; i++)
		if ((sv->sv_argv[i - 1] = strdup(f[i])) == NULL)
			return bad(l, "%s", strerror(errno));
	return 0;
}

/* One configuration line, already split into n fields. */
static struct service *
parseline(const struct line *l, char **f, int n)
{
	struct service *sv;
	int family = AF_UNSPEC;

	if (n < 6) {
		bad(l, "%d fields, need at least 6", n);
		return NULL;
	}
	if ((sv = calloc(1, sizeof(*sv))) == NULL) {
		bad(l, "%s", strerror(errno));
		return NULL;
	}
	sv->sv_file = l->file;
	sv->sv_line = l->lineno;
	sv->sv_fd = -1;
	sv->sv_port = -1;
	sv->sv_timelimit = -1;
	sv->sv_failpause = deffailpause;
	if ((sv->sv_proto = strdup(f[2])) == NULL ||
	    protocol(sv, l, f[1], f[2], &family) == -1 ||
	    address(sv, l, f[0], family) == -1 ||
	    waitfield(sv, l, f[3]) == -1 ||
	    userfield(sv, l, f[4]) == -1 ||
	    program(sv, l, f + 5, n - 5) == -1) {
		conf_free(sv);
		return NULL;
	}
	return sv;
}

/* Appends "/rel" to dir (unless rel is "."); -1 with ENAMETOOLONG. */
static int
strlcat_dir(char *dir, const char *rel, size_t size)
{
	size_t len = strlen(dir);

	if (strcmp(rel, ".") == 0)
		return 0;
	if ((size_t)snprintf(dir + len, size - len, "/%s", rel) >= size - len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

/*
 * Splits the line in buf into fields and parses them.  Returns 1 for a
 * service (*svp), 0 for a blank or comment line, -1 for a bad line
 * (logged).
 */
static int
oneline(const struct line *l, char *buf, struct service **svp)
{
	char *f[CONF_MAXFIELDS], *p;
	int n = 0;

	if ((p = strchr(buf, '#')) != NULL)
		*p = '\0';
	for (p = strtok(buf, " \t\r\n"); p != NULL; p = strtok(NULL, " \t\r\n")) {
		if (n == CONF_MAXFIELDS)
			return bad(l, "more than %d fields", CONF_MAXFIELDS);
		f[n++] = p;
	}
	if (n == 0)
		return 0;
	return (*svp = parseline(l, f, n)) == NULL ? -1 : 1;
}

/*
 * As root, the users' groups, then whether each line's user can run its
 * program (user.c); the lines that fail are dropped and counted.  Runs
 * once the file is closed: the group look-up forks.
 */
static struct service *
checkusers(struct service *head, struct userdb *db, const char *path,
    int *nerr)
{
	struct service *sv, **tail, *prev = NULL;
	const char *err;
	char why[PATH_MAX + 128];
	int bad;

	if (geteuid() != 0)
		return head;
	if (userdb_groups(db, &err) == -1)
		logmsg(LOG_ERR, "%s: %s: %s", path, err, strerror(errno));
	for (tail = &head; (sv = *tail) != NULL; ) {
		bad = 0;
		if (sv->sv_usr->u_ngroups == -1) {
			logmsg(LOG_ERR, "%s:%d: groups of '%s' could not be "
			    "looked up", path, sv->sv_line, sv->sv_usr->u_name);
			bad = 1;
		} else if (sv->sv_prog == NULL)
			;
		else if (prev != NULL && prev->sv_usr == sv->sv_usr &&
		    strcmp(prev->sv_prog, sv->sv_prog) == 0)
			sv->sv_byfd = prev->sv_byfd;	/* the same verdict */
		else if (user_canexec(sv->sv_usr, sv->sv_prog, &sv->sv_byfd,
		    why, sizeof(why)) == -1) {
			logmsg(LOG_ERR, "%s:%d: program '%s': %s", path,
			    sv->sv_line, sv->sv_prog, why);
			bad = 1;
		} else
			prev = sv;
		if (!bad) {
			tail = &sv->sv_next;
			continue;
		}
		(*nerr)++;
		*tail = sv->sv_next;
		sv->sv_next = NULL;
		conf_free(sv);
	}
	return head;
}

/* The folder of path, made absolute, into dir: 0, or -1 with errno. */
static int
folderof(const char *path, char *dir, size_t size)
{
	char *dcopy, *p;
	int r = 0;

	if ((dcopy = strdup(path)) == NULL)
		return -1;
	p = dirname(dcopy);
	if (*p == '/')
		(void)snprintf(dir, size, "%s", p);
	else if (getcwd(dir, size) == NULL || strlcat_dir(dir, p, size) == -1)
		r = -1;
	free(dcopy);
	return r;
}

/*
 * Parses the file at path.  Returns the services of its good lines, in file
 * order (NULL when there are none) and sets *nerr to the number of bad
 * lines, or to -1 when the file cannot be read whole (the reason is
 * logged): a read error, or a signal that stopped the load.
 */
struct service *
conf_parse(const char *path, int *nerr)
{
	struct service *head = NULL, **tail = &head, *sv = NULL;
	char buf[CONF_LINEMAX], dir[PATH_MAX];
	const char *why;
	struct line l;
	size_t len;
	FILE *fp;
	int r, cont, warned = 0;

	*nerr = 0;
	memset(&l, 0, sizeof(l));
	if ((fp = fopenreg(path, &why)) == NULL) {
		logmsg(LOG_ERR, "%s: %s", path, why);
		*nerr = -1;
		return NULL;
	}
	/* Relative PROGRAMs are relative to the file's folder, made absolute. */
	if (folderof(path, dir, sizeof(dir)) == -1 ||
	    (l.db = userdb_new()) == NULL) {
		logmsg(LOG_ERR, "%s: %s", path, strerror(errno));
		(void)fclose(fp);
		*nerr = -1;
		return NULL;
	}
	l.file = path;
	l.dir = dir;
	l.warned = &warned;
	setservent(1);
	while ((r = physline(fp, buf, sizeof(buf), &len, &cont)) != -1) {
		l.lineno++;
		if (stopflag != NULL && *stopflag) {
			logmsg(LOG_ERR, "%s:%d: load stopped by a signal", path,
			    l.lineno);
			*nerr = -1;
			break;
		}
		if (r == 1)
			r = bad(&l, "line too long (limit %d bytes)",
			    CONF_LINEMAX - 1);
		else if (r == 2)
			r = bad(&l, "NUL byte in line");
		else
			r = oneline(&l, buf, &sv);
		if (r == -1)
			(*nerr)++;
		if (r != 1)
			continue;
		*tail = sv;
		tail = &sv->sv_next;
	}
	endservent();
	if (*nerr != -1 && ferror(fp)) {
		logmsg(LOG_ERR, "%s: read: %s", path, strerror(errno));
		*nerr = -1;
	}
	(void)fclose(fp);
	if (*nerr != -1)
		head = checkusers(head, l.db, path, nerr);
	userdb_free(l.db);
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

/*
 * Sets the limits every service gets where its WAIT field leaves them at
 * 0: spawns a minute, children, connections per source a minute, children
 * per source (0: none); and whether failing handlers pause.
 */
void
conf_defaults(int spawnmax, int maxchild, int maxcpm, int maxperip,
    int failpause)
{
	defspawnmax = spawnmax;
	defmaxchild = maxchild;
	defmaxcpm = maxcpm;
	defmaxperip = maxperip;
	deffailpause = failpause;
}

/* Frees a list of services; their sockets must be closed or moved first. */
void
conf_free(struct service *sv)
{
	struct service *next;
	char **a;

	for (; sv != NULL; sv = next) {
		next = sv->sv_next;
		free(sv->sv_name);
		free(sv->sv_envsvc);
		free(sv->sv_host);
		free(sv->sv_proto);
		user_release(sv->sv_usr);
		free(sv->sv_prog);
		if (sv->sv_argv != NULL)
			for (a = sv->sv_argv; *a != NULL; a++)
				free(*a);
		free(sv->sv_argv);
		free(sv->sv_builtin);
		limit_free(sv);
		free(sv);
	}
}

/* Would a and b bind the same socket?  Then a reload moves it across. */
int
conf_samesocket(const struct service *a, const struct service *b)
{
	return a->sv_socktype == b->sv_socktype &&
	    a->sv_v6only == b->sv_v6only &&
	    a->sv_addrlen == b->sv_addrlen &&
	    memcmp(&a->sv_addr, &b->sv_addr, a->sv_addrlen) == 0;
}
