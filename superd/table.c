/*
 * The service table as a whole: its sockets opened and closed, a reload
 * that moves unchanged sockets across, and the per-service reports of
 * SIGUSR1 and -t.
 */
#define _GNU_SOURCE
#include <sys/types.h>
#include <sys/socket.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "child.h"
#include "conf.h"
#include "conn.h"
#include "limit.h"
#include "log.h"
#include "relay.h"
#include "sock.h"
#include "table.h"
#include "user.h"
#include "util.h"

/*
 * A table is in use from now on: tells the UDP guard superd's ports, and
 * the in-process connections how many services share them.
 */
void
table_loaded(const struct service *list)
{
	const struct service *sv;
	int n = 0;

	for (sv = list; sv != NULL; sv = sv->sv_next)
		n += sv->sv_builtin != NULL && sv->sv_socktype == SOCK_STREAM;
	conn_setservices(n);
	relay_setports(list);
}

/* Logs the address and port sv really bound. */
void
table_listening(const struct service *sv)
{
	char a[SOCK_ADDRSTRLEN];
	int port;

	if (sock_ntop((const struct sockaddr *)&sv->sv_addr, a, sizeof(a),
	    &port) == -1)
		(void)snprintf(a, sizeof(a), "?");
	logmsg(LOG_INFO, "%s:%d: %s/%s: listening on %s port %d", sv->sv_file,
	    sv->sv_line, sv->sv_name, sv->sv_proto, a, sv->sv_port);
}

/* Drops, from a start-up list, the services whose socket did not open. */
struct service *
table_prune(struct service *list)
{
	struct service *sv, **pp = &list;

	while ((sv = *pp) != NULL) {
		if (sv->sv_fd != -1) {
			pp = &sv->sv_next;
			continue;
		}
		*pp = sv->sv_next;
		sv->sv_next = NULL;
		conf_free(sv);
	}
	return list;
}

/* Opens every service's socket that has none; returns the failures. */
int
table_open(struct service *list)
{
	struct service *sv;
	const char *what;
	char a[SOCK_ADDRSTRLEN];
	int port, nfail = 0;

	for (sv = list; sv != NULL; sv = sv->sv_next) {
		if (sv->sv_fd != -1 || sv->sv_moved)
			continue;
		if (sock_open(sv, &what) == -1) {
			(void)sock_ntop((struct sockaddr *)&sv->sv_addr, a,
			    sizeof(a), &port);
			logmsg(LOG_ERR, "%s:%d: %s/%s: %s %s port %d: %s",
			    sv->sv_file, sv->sv_line, sv->sv_name, sv->sv_proto,
			    what, a, port, strerror(errno));
			nfail++;
		}
	}
	return nfail;
}

/* Closes every socket of list. */
void
table_close(struct service *list)
{
	struct service *sv;

	for (sv = list; sv != NULL; sv = sv->sv_next)
		if (sv->sv_fd != -1) {
			(void)close(sv->sv_fd);
			sv->sv_fd = -1;
		}
}

/* A hash of the socket sv binds: its type, family, v6only and address. */
static unsigned long
sockhash(const struct service *sv)
{
	const unsigned char *p = (const unsigned char *)&sv->sv_addr;
	unsigned long h = 2166136261UL;
	socklen_t i;

	h = (h ^ (unsigned)sv->sv_socktype) * 16777619UL;
	h = (h ^ (unsigned)sv->sv_v6only) * 16777619UL;
	for (i = 0; i < sv->sv_addrlen; i++)
		h = (h ^ p[i]) * 16777619UL;
	return h;
}

/*
 * Pairs each service of new with the service of old that has the same
 * socket, through a hash of old's sockets: sets sv_moved on both and
 * (*pair)[i] to the old partner of new's i-th service, or NULL.  Returns
 * 0, or -1 when out of memory.
 */
static int
pairup(struct service *old, struct service *new, struct service ***pair)
{
	struct service **tab, *o, *n;
	size_t cap = 16, nold = 0, nnew = 0, i, j;

	for (o = old; o != NULL; o = o->sv_next)
		nold++;
	for (n = new; n != NULL; n = n->sv_next)
		nnew++;
	while (cap < 2 * nold)
		cap *= 2;
	if ((tab = calloc(cap, sizeof(*tab))) == NULL)
		return -1;
	if ((*pair = calloc(nnew + 1, sizeof(**pair))) == NULL) {
		free(tab);
		return -1;
	}
	for (o = old; o != NULL; o = o->sv_next) {
		if (o->sv_fd == -1)
			continue;
		for (i = sockhash(o) & (cap - 1); tab[i] != NULL;
		    i = (i + 1) & (cap - 1))
			;
		tab[i] = o;
	}
	for (n = new, j = 0; n != NULL; n = n->sv_next, j++)
		for (i = sockhash(n) & (cap - 1); (o = tab[i]) != NULL;
		    i = (i + 1) & (cap - 1))
			if (!o->sv_moved && conf_samesocket(o, n)) {
				o->sv_moved = n->sv_moved = 1;
				(*pair)[j] = o;
				break;
			}
	free(tab);
	return 0;
}

/* Moves the socket and the running state of o to n. */
static void
movesv(struct service *n, struct service *o)
{
	n->sv_fd = o->sv_fd;
	n->sv_port = o->sv_port;
	n->sv_sockmode = o->sv_sockmode;
	n->sv_nchild = o->sv_nchild;
	n->sv_busy = o->sv_busy;
	n->sv_pause = o->sv_pause;
	n->sv_served = o->sv_served;
	n->sv_failed = o->sv_failed;
	n->sv_refused = o->sv_refused;
	limit_move(n, o);
	n->sv_moved = 0;
	o->sv_fd = -1;
	/*
	 * A wait handler still holding the socket keeps it as it is (its
	 * blocking reads must not start failing); its exit sets the mode.
	 */
	if (!n->sv_busy && sock_setmode(n) == -1)
		logmsg(LOG_ERR, "%s/%s: fcntl: %s", n->sv_name, n->sv_proto,
		    strerror(errno));
	o->sv_movedto = n;
}

/*
 * SIGHUP: builds a new table from CONFIG.  An unchanged socket moves across
 * with its running handlers (no connection is refused during a reload),
 * new sockets open, removed ones close.  If the file has any error, or a
 * new socket cannot be bound, nothing changes.  Returns the table to use:
 * the new one (the old is freed), or services unchanged.
 */
struct service *
table_reload(struct service *services, const char *confpath)
{
	struct service *new, *n, *o, **pair;
	int nerr, nnew = 0, ngone = 0, nsv = 0;

	new = conf_parse(confpath, &nerr);
	if (nerr != 0) {
		logmsg(LOG_ERR, "%s: %s; configuration unchanged", confpath,
		    nerr == -1 ? "cannot be read" : "errors");
		conf_free(new);
		return services;
	}
	if (pairup(services, new, &pair) == -1) {
		logmsg(LOG_ERR, "%s: %s; configuration unchanged", confpath,
		    strerror(errno));
		conf_free(new);
		return services;
	}
	if (table_open(new) != 0) {
		logmsg(LOG_ERR, "%s: configuration unchanged", confpath);
		table_close(new);
		for (o = services; o != NULL; o = o->sv_next)
			o->sv_moved = 0;
		free(pair);
		conf_free(new);
		return services;
	}
	for (o = services; o != NULL; o = o->sv_next)
		o->sv_movedto = NULL;
	for (n = new; n != NULL; n = n->sv_next, nsv++) {
		if (pair[nsv] != NULL)
			movesv(n, pair[nsv]);
		else
			nnew++;
		table_listening(n);
	}
	free(pair);
	for (o = services; o != NULL; o = o->sv_next)
		ngone += o->sv_fd != -1;
	/* Running handlers follow their service, or are orphaned (NULL). */
	child_remap();
	conn_remap();
	relay_remap();
	table_close(services);
	conf_free(services);
	logmsg(LOG_INFO, "%s: reloaded: %d services, %d new, %d removed",
	    confpath, nsv, nnew, ngone);
	return new;
}

/* SIGUSR1: one line per service. */
void
table_status(const struct service *services)
{
	const struct service *sv;
	struct timespec t;
	char until[32];

	tnow(&t);
	for (sv = services; sv != NULL; sv = sv->sv_next) {
		if (sv->sv_pause.tv_sec != 0 && tsdiff(&sv->sv_pause, &t) > 0)
			(void)snprintf(until, sizeof(until), "+%llds",
			    tsdiff(&sv->sv_pause, &t) / 1000 + 1);
		else
			(void)snprintf(until, sizeof(until), "-");
		logmsg(LOG_INFO, "%s:%d: %s/%s: served %lu, running %d, "
		    "failed %lu, refused %lu, disabled-until %s", sv->sv_file,
		    sv->sv_line, sv->sv_name, sv->sv_proto, sv->sv_served,
		    sv->sv_nchild, sv->sv_failed, sv->sv_refused, until);
	}
}

/* -t: what superd would run, one line per service. */
void
table_print(const struct service *services)
{
	const struct service *sv;
	char a[SOCK_ADDRSTRLEN];
	char *const *arg;
	int port;

	for (sv = services; sv != NULL; sv = sv->sv_next) {
		if (sock_ntop((const struct sockaddr *)&sv->sv_addr, a,
		    sizeof(a), &port) == -1)
			(void)snprintf(a, sizeof(a), "?");
		printf("%s:%d: %s %s %d %s %s %s", sv->sv_file, sv->sv_line,
		    sv->sv_name, a, port,
		    sv->sv_socktype == SOCK_STREAM ? "stream" : "dgram",
		    sv->sv_proto, sv->sv_wait ? "wait" : "nowait");
		/* The limits in force, in the syntax the parser reads back. */
		if (sv->sv_spawnmax)
			printf(".%d", sv->sv_spawnmax);
		if (sv->sv_maxchild || sv->sv_maxcpm || sv->sv_maxperip)
			printf("/%d/%d/%d", sv->sv_maxchild, sv->sv_maxcpm,
			    sv->sv_maxperip);
		if (sv->sv_timelimit > 0)
			printf("@%d", sv->sv_timelimit);
		printf(" %s %s", sv->sv_usr->u_name,
		    sv->sv_prog != NULL ? sv->sv_prog : "internal");
		if (sv->sv_builtin != NULL)
			printf(" %s", sv->sv_builtin);
		else
			for (arg = sv->sv_argv; *arg != NULL; arg++)
				printf(" %s", *arg);
		putchar('\n');
	}
}

