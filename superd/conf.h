/*
 * The configuration: each inetd.conf line becomes one immutable struct
 * svconf, with its mode chosen once, its user looked up and its program or
 * builtin resolved.  The running state is struct service's (service.h).
 */
#ifndef SUPERD_CONF_H
#define SUPERD_CONF_H

#include <sys/types.h>
#include <sys/socket.h>
#include <signal.h>

#include "../handlers/proto.h"

#define CONF_LINEMAX	8192	/* bytes in a line, with its newline */
#define CONF_MAXFIELDS	64
#define CONF_RELAYLIMIT	5	/* dgram nowait: seconds, unless set */

/* How a service serves; each has its file (mode.h). */
enum svmode {
	MODE_STREAM,		/* stream nowait: a handler per connection */
	MODE_STREAMWAIT,	/* stream wait: the handler accepts */
	MODE_DGRAMWAIT,		/* dgram wait: the handler reads the socket */
	MODE_DGRAM,		/* dgram nowait: a handler per datagram */
	MODE_INSTREAM,		/* internal, stream: served in-process */
	MODE_INDGRAM		/* internal, dgram: answered in-process */
};

/* What the command line sets for every line that leaves it unset. */
struct confdefaults {
	int	cd_spawnmax;	/* nowait.N */
	int	cd_maxchild;	/* A */
	int	cd_maxcpm;	/* B */
	int	cd_maxperip;	/* C */
	int	cd_timelimit;	/* -T, -1 none */
	int	cd_failpause;	/* pause handlers that fail at once */
};

struct svconf {
	struct svconf		*sc_next;	/* in a parsed list */
	const char		*sc_file;	/* the CONFIG path, main.c's */
	int			 sc_line;
	char			*sc_name;	/* SERVICE as written */
	char			*sc_envsvc;	/* "SUPERD_SERVICE=" sc_name */
	char			*sc_host;	/* ADDR as written, "*" for all */
	char			*sc_proto;	/* PROTO as written */
	int			 sc_socktype;	/* SOCK_STREAM or SOCK_DGRAM */
	int			 sc_v6only;
	struct sockaddr_storage	 sc_addr;	/* where to bind */
	socklen_t		 sc_addrlen;
	enum svmode		 sc_mode;
	int			 sc_wait;	/* as written */
	int			 sc_spawnmax;	/* nowait.N: spawns a minute, 0 */
	int			 sc_maxchild;	/* A, 0 none */
	int			 sc_maxcpm;	/* B: per source a minute */
	int			 sc_maxperip;	/* C: children per source */
	int			 sc_timelimit;	/* @SECONDS as written, -1 */
	int			 sc_deadline;	/* the limit in force, -1 none */
	int			 sc_failpause;
	int			 sc_privok;	/* UDP: answer privileged ports */
	struct user		*sc_usr;	/* USER[:GROUP], shared, counted */
	int			 sc_setid;	/* switch user in the child */
	int			 sc_byfd;	/* open sc_prog before the switch */
	char			*sc_prog;	/* absolute path; NULL internal */
	char			**sc_argv;	/* NULL-terminated */
	const struct proto	*sc_bi;		/* internal: its protocol */
	struct proto_opts	 sc_biopts;	/* ... and its options */
	char			*sc_bifmt;	/* internal daytime -f, owned */
};

struct svconf	*conf_parse(const char *, const struct confdefaults *, int *);
void		 conf_free(struct svconf *);
void		 conf_stopflag(const volatile sig_atomic_t *);
int		 conf_samesocket(const struct svconf *, const struct svconf *);
unsigned long	 conf_sockhash(const struct svconf *);
void		 conf_print(const struct svconf *);

#endif
