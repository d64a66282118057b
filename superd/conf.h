/*
 * The configuration: each entry of an inetd.conf file, in any of its
 * dialects (superd.conf(5)), becomes one immutable struct svconf, with its
 * mode chosen once, its user looked up and its program or builtin
 * resolved.  The running state is struct service's (service.h).
 */
#ifndef SUPERD_CONF_H
#define SUPERD_CONF_H

#include <sys/types.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <signal.h>

#include "../handlers/proto.h"

#define CONF_LINEMAX	8192	/* bytes in a line, with its newline */
#define CONF_MAXFIELDS	64
#define PROXY_TIMEOUT	3	/* proxy_timeout unless set */
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

/* Where a handler's stderr goes (key stderr). */
enum svstderr {
	STDERR_SOCKET,		/* the connection, as inetd: the default */
	STDERR_LOG,		/* superd's log, a line at a time */
	STDERR_NULL		/* /dev/null */
};

#define CONF_MAXRLIMITS	8

/* One rlimit_* key: soft and hard both set to the value. */
struct svrlimit {
	int		rl_resource;	/* RLIMIT_* */
	rlim_t		rl_value;	/* RLIM_INFINITY for unlimited */
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
	char			*sc_file;	/* the file of its line, owned */
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
	int			 sc_cps;	/* xinetd's cps: spawns a second, */
	int			 sc_cpspause;	/* ... then paused that long */
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

	/* The other dialects' settings and superd's keys (superd.conf(5)). */
	int			 sc_family;	/* AF_INET, AF_INET6, AF_UNIX */
	int			 sc_sndbuf;	/* bytes, 0 the system's */
	int			 sc_rcvbuf;
	char			**sc_env;	/* env, then passenv resolved at
						   load: "NAME=VALUE", NULL-ended,
						   NULL for none */
	struct svrlimit		 sc_rlimits[CONF_MAXRLIMITS];
	int			 sc_nrlimits;
	int			 sc_setnice;	/* nice given */
	int			 sc_nice;
	int			 sc_umask;	/* -1 superd's */
	enum svstderr		 sc_stderr;
	char			*sc_banner;	/* a file sent first, or NULL */
	char			*sc_refuse;	/* a line for refused clients,
						   without its CRLF, or NULL */
	char			*sc_chroot;	/* a folder, or NULL */
	struct acl		*sc_allow;	/* access_allow, or NULL */
	struct acl		*sc_deny;	/* access_deny, or NULL */
	char			*sc_allowsrc;	/* access_allow as written */
	char			*sc_denysrc;
	uid_t			 sc_sockuid;	/* UNIX: the socket file's */
	gid_t			 sc_sockgid;
	mode_t			 sc_sockmode;
	int			 sc_proxy;	/* PROXY_V1|PROXY_V2 (proxy.h),
						   0 no PROXY header */
	int			 sc_proxytimeout; /* seconds for it */
};

struct acl;

struct svconf	*conf_fields(const char *, char **const *, int,
		    const struct confdefaults *, int *);
struct svconf	*conf_parse(const char *const *, int,
		    const struct confdefaults *, int *);
void		 conf_free(struct svconf *);
void		 conf_stopflag(const volatile sig_atomic_t *);
int		 conf_samesocket(const struct svconf *, const struct svconf *);
unsigned long	 conf_sockhash(const struct svconf *);
void		 conf_print(const struct svconf *);

#endif
