/* The service table: one struct service per configuration line. */
#ifndef SUPERD_CONF_H
#define SUPERD_CONF_H

#include <sys/types.h>
#include <sys/socket.h>
#include <signal.h>
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
	int		 sv_failpause;	/* pause when handlers fail at once */
	int		 sv_privok;	/* UDP: answer privileged ports too */
	struct user	*sv_usr;	/* USER[:GROUP], shared, counted */
	int		 sv_setid;	/* switch user in the child */
	int		 sv_byfd;	/* open sv_prog before the switch */
	char		*sv_prog;	/* absolute path, or NULL for internal */
	char		**sv_argv;	/* NULL-terminated */
	char		*sv_builtin;	/* internal service name */
	/* run time, owned by main.c */
	int		 sv_fd;
	int		 sv_port;	/* the port really bound */
	int		 sv_nchild;
	int		 sv_busy;	/* a wait handler holds the socket */
	int		 sv_sockmode;	/* sock_setmode(): 1 wait, 0 not, -1 */
	int		 sv_moved;	/* reload: socket moves across */
	struct service	*sv_movedto;	/* reload: what replaces it, or NULL */
	struct timespec	 sv_pause;	/* not polled before this */
	int		 sv_pausewhy;	/* enum pausewhy, limit.h */
	unsigned long	 sv_served;
	unsigned long	 sv_failed;
	unsigned long	 sv_refused;	/* by a per-source limit */
	struct limits	*sv_lim;	/* the limits' state, limit.c's */
	/* rate-limited fault lines, log.c */
	struct timespec	 sv_lastfault;
	unsigned long	 sv_faults;	/* not logged since */
};

#define CONF_LINEMAX	8192	/* bytes in a line, with its newline */
#define CONF_MAXFIELDS	64

struct service	*conf_parse(const char *, int *);
void		 conf_stopflag(const volatile sig_atomic_t *);
void		 conf_free(struct service *);
void		 conf_defaults(int, int, int, int, int);
int		 conf_samesocket(const struct service *,
		    const struct service *);

#endif
