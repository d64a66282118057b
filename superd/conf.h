/* The service table: one struct service per configuration line. */
#ifndef SUPERD_CONF_H
#define SUPERD_CONF_H

#include <sys/types.h>
#include <sys/socket.h>
#include <time.h>

struct service {
	struct service	*sv_next;
	/* from the configuration line */
	const char	*sv_file;	/* the CONFIG path, owned by main.c */
	int		 sv_line;
	char		*sv_name;	/* SERVICE as written */
	char		*sv_envsvc;	/* "SUPERD_SERVICE=" sv_name */
	char		*sv_host;	/* ADDR as written, "*" for all */
	char		*sv_proto;	/* PROTO as written */
	int		 sv_socktype;	/* SOCK_STREAM or SOCK_DGRAM */
	int		 sv_v6only;
	struct sockaddr_storage sv_addr; /* where to bind */
	socklen_t	 sv_addrlen;
	int		 sv_wait;
	int		 sv_spawnmax;	/* nowait.N: spawns a minute, 0 none */
	int		 sv_maxchild;	/* nowait/A/B/C, 0 none */
	int		 sv_maxcpm;	/* per source per minute */
	int		 sv_maxperip;	/* children per source */
	int		 sv_timelimit;	/* @SECONDS, -1 when not set */
	char		*sv_user;
	uid_t		 sv_uid;
	gid_t		 sv_gid;
	int		 sv_setid;	/* switch user in the child */
	gid_t		*sv_groups;	/* USER's groups, looked up at load */
	int		 sv_ngroups;
	char		*sv_prog;	/* absolute path, or NULL for internal */
	char		**sv_argv;	/* NULL-terminated */
	char		*sv_builtin;	/* internal service name */
	/* run time, owned by main.c */
	int		 sv_fd;
	int		 sv_port;	/* the port really bound */
	int		 sv_nchild;
	int		 sv_busy;	/* a wait handler holds the socket */
	int		 sv_moved;	/* reload: socket moves across */
	struct timespec	 sv_pause;	/* not polled before this */
	int		 sv_pausewhy;	/* enum pausewhy, limit.h */
	unsigned long	 sv_served;
	unsigned long	 sv_failed;
	unsigned long	 sv_refused;	/* by a per-source limit */
	/* the limits' state, owned by limit.c */
	struct timespec	*sv_spawnts;	/* ring of the last spawns */
	int		 sv_nspawn;
	int		 sv_spawnhead;
	struct source	*sv_sources;
	int		 sv_quickfail;	/* handlers in a row failed at once */
	int		 sv_backoff;	/* seconds of the last pause */
	/* rate-limited fault lines, log.c */
	struct timespec	 sv_lastfault;
	unsigned long	 sv_faults;	/* not logged since */
};

struct service	*conf_parse(const char *, int *);
void		 conf_free(struct service *);
void		 conf_defaults(int, int, int, int);
int		 conf_samesocket(const struct service *,
		    const struct service *);

#endif
