/*
 * superd: the super-server.  Binds the sockets an inetd.conf-style file
 * names and runs a handler per connection or datagram.  Signal handlers only
 * set a flag and write a byte to a self-pipe; the poll(2) loop does the work.
 */
#define _GNU_SOURCE
#include <sys/types.h>
#include <sys/socket.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "access.h"
#include "child.h"
#include "conf.h"
#include "conn.h"
#include "ev.h"
#include "limit.h"
#include "log.h"
#include "pathnames.h"
#include "relay.h"
#include "serve.h"
#include "spawn.h"
#include "table.h"
#include "util.h"


int lflag;
long long Tflag = -1;
static int dflag, tflag, Dflag;
static const char *pidfile;

static const char *allowpath, *denypath;

static const char *confpath = SUPERD_CONF;
static struct service *services;
static struct acl *allowacl, *denyacl;
static int selfpipe[2] = { -1, -1 };
static volatile sig_atomic_t gothup, gotterm, gotusr1, gotchld;

enum {
	OPT_MAXCHILD = 256,	/* these four in this order: see lim[] */
	OPT_MAXPERIP,
	OPT_MAXCPM,
	OPT_SPAWNMAX,
	OPT_ALLOW,
	OPT_DENY,
	OPT_NOFAILPAUSE
};

/* The usage line; with help, one line per option after it. */
static void
usage(FILE *fp, int status, int help)
{
	fprintf(fp, "usage: superd [-d] [-t] [-D] [-l] [-p PIDFILE] "
	    "[-T SECONDS] [--hosts-allow FILE]\n"
	    "              [--hosts-deny FILE] [--max-children N] "
	    "[--max-per-source N]\n"
	    "              [--max-rate-per-source N] [--max-spawn-rate N] "
	    "[CONFIG]\n");
	if (help)
		fprintf(fp,
"Runs the services of CONFIG (default " SUPERD_CONF "), inetd style.\n"
"  -d, --debug                log more: each handler killed at its time limit\n"
"  -t, --check                print the services of CONFIG and exit (1 on errors)\n"
"  -D, --daemon               detach, and log to syslog\n"
"  -l, --log-connections      log each connection, and each handler's exit\n"
"  -p, --pidfile PIDFILE      write superd's pid into PIDFILE\n"
"  -T, --time-limit SECONDS   stop each handler after SECONDS (TERM, then KILL)\n"
"      --hosts-allow FILE     grant access by the hosts_access(5) rules of FILE\n"
"      --hosts-deny FILE      refuse access by the hosts_access(5) rules of FILE\n"
"      --max-children N       at most N handlers at once per service\n"
"      --max-per-source N     at most N handlers at once per client\n"
"      --max-rate-per-source N  at most N connections a minute per client\n"
"      --max-spawn-rate N     at most N handlers started a minute per service\n"
"      --no-failure-pause     never pause a service whose handlers fail at once\n"
"  -h, --help                 print this help and exit\n"
"  -V, --version              print the version and exit\n");
	exit(status);
}

/*
 * Reads the access files given on the command line into *allow and *deny.
 * Returns 0, or -1 when either has an error (logged, FILE:LINE); then
 * *allow and *deny are left as they were.
 */
static int
loadacl(struct acl **allow, struct acl **deny)
{
	struct acl *a = NULL, *d = NULL;
	int nerr = 0, derr = 0;

	if (allowpath != NULL && (a = access_load(allowpath, &nerr)) == NULL)
		nerr = nerr ? nerr : -1;
	if (denypath != NULL && (d = access_load(denypath, &derr)) == NULL)
		derr = derr ? derr : -1;
	if (nerr != 0 || derr != 0) {
		access_free(a);
		access_free(d);
		return -1;
	}
	*allow = a;
	*deny = d;
	return 0;
}

/*
 * SIGHUP: the access files, then CONFIG.  An error in any of them changes
 * nothing.
 */
static void
reload(void)
{
	struct acl *a = allowacl, *d = denyacl;
	struct service *sv;

	if (loadacl(&a, &d) == -1) {
		logmsg(LOG_ERR, "access rules: errors; configuration unchanged");
		return;
	}
	relay_loadaddrs();
	sv = table_reload(services, confpath);
	if (sv == services) {
		if (a != allowacl)
			access_free(a);
		if (d != denyacl)
			access_free(d);
		return;
	}
	services = sv;
	table_loaded(services);
	access_free(allowacl);
	access_free(denyacl);
	allowacl = a;
	denyacl = d;
	serve_setacl(allowacl, denyacl);
}

static void
onsignal(int sig)
{
	int saved = errno;

	switch (sig) {
	case SIGHUP:	gothup = 1; break;
	case SIGTERM:
	case SIGINT:	gotterm = 1; break;
	case SIGUSR1:	gotusr1 = 1; break;
	case SIGCHLD:	gotchld = 1; break;
	}
	(void)!write(selfpipe[1], "", 1);
	errno = saved;
}

/* Milliseconds until the next time limit or pause ends, or -1. */
static int
nexttimeout(void)
{
	struct timespec t;
	struct service *sv;
	long long ms, d;

	tnow(&t);
	ms = child_nextdeadline(&t);
	if ((d = conn_nextdeadline(&t)) != -1 && (ms == -1 || d < ms))
		ms = d;
	for (sv = services; sv != NULL; sv = sv->sv_next) {
		if (sv->sv_pause.tv_sec == 0)
			continue;
		if ((d = tsdiff(&sv->sv_pause, &t)) < 0)
			d = 0;
		if (ms == -1 || d < ms)
			ms = d;
	}
	if (ms < 0)
		return ms == -1 ? -1 : 0;
	return ms > INT_MAX ? INT_MAX : (int)ms + 1;
}

static int
setsignals(void)
{
	static const int sigs[] = { SIGHUP, SIGTERM, SIGINT, SIGUSR1, SIGCHLD };
	struct sigaction sa;
	size_t i;

	if (pipe2(selfpipe, O_CLOEXEC | O_NONBLOCK) == -1)
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = onsignal;
	sa.sa_flags = SA_RESTART;
	if (sigemptyset(&sa.sa_mask) == -1)
		return -1;
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (sigaction(sigs[i], &sa, NULL) == -1)
			return -1;
	sa.sa_handler = SIG_IGN;
	if (sigaction(SIGPIPE, &sa, NULL) == -1)
		return -1;
	/* superd may have been started with signals blocked. */
	if (sigemptyset(&sa.sa_mask) == -1)
		return -1;
	return sigprocmask(SIG_SETMASK, &sa.sa_mask, NULL);
}

/* The main loop; returns when SIGTERM or SIGINT arrives. */
static void
loop(void)
{
	static struct pollfd *pfd;
	static struct service **pfdsv;
	static size_t cap;
	struct service *sv;
	struct timespec t;
	char drain[64];
	size_t n, i, want;
	void *p;

	for (;;) {
		want = 2;	/* the self-pipe and the builtins' epoll set */
		for (sv = services; sv != NULL; sv = sv->sv_next)
			want++;
		if (want > cap) {
			if ((p = reallocarray(pfd, want, sizeof(*pfd))) == NULL)
				goto nomem;
			pfd = p;
			if ((p = reallocarray(pfdsv, want, sizeof(*pfdsv))) ==
			    NULL)
				goto nomem;
			pfdsv = p;
			cap = want;
		}
		pfd[0].fd = selfpipe[0];
		pfd[0].events = POLLIN;
		n = 1;
		if ((pfd[n].fd = ev_fd()) != -1) {
			pfd[n].events = POLLIN;
			pfdsv[n++] = NULL;
		}
		tnow(&t);
		for (sv = services; sv != NULL; sv = sv->sv_next) {
			if (sv->sv_fd == -1 || sv->sv_busy || serve_full(sv))
				continue;
			if (sv->sv_pause.tv_sec != 0 &&
			    tsdiff(&sv->sv_pause, &t) > 0)
				continue;
			if (sv->sv_pause.tv_sec != 0) {
				sv->sv_pause.tv_sec = 0;
				limit_resumed(sv);
			}
			pfd[n].fd = sv->sv_fd;
			pfd[n].events = POLLIN;
			pfdsv[n++] = sv;
		}
		if (poll(pfd, (nfds_t)n, nexttimeout()) == -1 && errno != EINTR) {
			logmsg(LOG_ERR, "poll: %s", strerror(errno));
			(void)sleep(1);
			continue;
		}
		if (pfd[0].revents & POLLIN)
			while (read(selfpipe[0], drain, sizeof(drain)) > 0)
				;
		if (gotchld) {
			gotchld = 0;
			serve_reap();
		}
		if (gotterm)
			return;
		if (gotusr1) {
			gotusr1 = 0;
			table_status(services);
		}
		if (gothup) {
			gothup = 0;
			reload();
			continue;	/* pfdsv may point into the old table */
		}
		for (i = 1; i < n; i++) {
			if (!(pfd[i].revents & (POLLIN | POLLERR | POLLHUP)))
				continue;
			if (pfdsv[i] == NULL)
				ev_run();
			else
				serve(pfdsv[i]);
		}
		tnow(&t);
		child_timeouts(&t, dflag);
		conn_timeouts(&t, dflag);
		continue;
nomem:
		logmsg(LOG_ERR, "poll set: %s", strerror(errno));
		(void)sleep(1);
	}
}

/* Makes sure fds 0, 1 and 2 are open, so no socket ever lands on them. */
static void
stdfds(void)
{
	int fd;

	while ((fd = open("/dev/null", O_RDWR)) != -1 && fd <= 2)
		;
	if (fd == -1)
		err(1, "/dev/null");
	(void)close(fd);
}

static void
writepid(void)
{
	FILE *fp;

	if ((fp = fopen(pidfile, "we")) == NULL ||
	    fprintf(fp, "%ld\n", (long)getpid()) < 0 || fclose(fp) == EOF)
		err(1, "%s", pidfile);
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "debug",		no_argument,		NULL, 'd' },
		{ "check",		no_argument,		NULL, 't' },
		{ "daemon",		no_argument,		NULL, 'D' },
		{ "log-connections",	no_argument,		NULL, 'l' },
		{ "pidfile",		required_argument,	NULL, 'p' },
		{ "time-limit",		required_argument,	NULL, 'T' },
		{ "max-children",	required_argument,	NULL, OPT_MAXCHILD },
		{ "max-per-source",	required_argument,	NULL, OPT_MAXPERIP },
		{ "max-rate-per-source", required_argument,	NULL, OPT_MAXCPM },
		{ "max-spawn-rate",	required_argument,	NULL, OPT_SPAWNMAX },
		{ "hosts-allow",	required_argument,	NULL, OPT_ALLOW },
		{ "hosts-deny",		required_argument,	NULL, OPT_DENY },
		{ "no-failure-pause",	no_argument,		NULL, OPT_NOFAILPAUSE },
		{ "help",		no_argument,		NULL, 'h' },
		{ "version",		no_argument,		NULL, 'V' },
		{ NULL,			0,			NULL, 0 }
	};
	struct service *sv;
	const char *errstr;
	char *abspath = NULL;
	int ch, nerr, nfail, failpause = 1, lim[4] = { 0, 0, 0, 0 };

	argv[0] = program_invocation_short_name;	/* getopt's messages */
	while ((ch = getopt_long(argc, argv, "dtDlp:T:hV", longopts, NULL)) !=
	    -1) {
		switch (ch) {
		case 'd': dflag = 1; break;
		case 't': tflag = 1; break;
		case 'D': Dflag = 1; break;
		case 'l': lflag = 1; break;
		case 'p': pidfile = optarg; break;
		case 'T':
			Tflag = parsenum(optarg, 1, INT_MAX, &errstr);
			if (errstr != NULL)
				errx(2, "time limit %s: %s", optarg, errstr);
			break;
		case OPT_MAXCHILD:
		case OPT_MAXPERIP:
		case OPT_MAXCPM:
		case OPT_SPAWNMAX:
			lim[ch - OPT_MAXCHILD] = (int)parsenum(optarg, 0,
			    INT_MAX, &errstr);
			if (errstr != NULL)
				errx(2, "limit %s: %s", optarg, errstr);
			break;
		case OPT_ALLOW: allowpath = optarg; break;
		case OPT_DENY: denypath = optarg; break;
		case OPT_NOFAILPAUSE: failpause = 0; break;
		case 'h':
			usage(stdout, 0, 1);
			break;
		case 'V':
			printf("superd %s\n", VERSION);
			return 0;
		default:
			usage(stderr, 2, 0);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc > 1)
		usage(stderr, 2, 0);
	if (argc == 1)
		confpath = argv[0];
	conf_defaults(lim[3], lim[0], lim[2], lim[1], failpause);
	stdfds();

	if (tflag) {
		services = conf_parse(confpath, &nerr);
		table_print(services);
		conf_free(services);
		return nerr != 0;
	}
	if (log_init() == -1)
		err(1, "log");
	if (setsignals() == -1 || spawn_init() == -1)
		err(1, "signals");
	if (ev_init() == -1)
		err(1, "epoll");
	if (conn_init() == -1)
		err(1, "RLIMIT_NOFILE");
	conf_stopflag(&gotterm);
	if (Dflag) {
		/* After the chdir("/") of daemon(3), a relative path is lost. */
		if ((abspath = realpath(confpath, NULL)) == NULL)
			err(1, "%s", confpath);
		confpath = abspath;
	}
	/* Malformed access rules would let in whom they meant to keep out. */
	if (loadacl(&allowacl, &denyacl) == -1)
		errx(1, "access rules: errors; not starting");
	serve_setacl(allowacl, denyacl);
	relay_loadaddrs();
	services = conf_parse(confpath, &nerr);
	if (nerr == -1)
		return 1;
	nfail = table_open(services);
	services = table_prune(services);
	table_loaded(services);
	if (services == NULL && (nerr > 0 || nfail > 0))
		errx(1, "%s: no service could be started", confpath);
	for (sv = services; sv != NULL; sv = sv->sv_next)
		table_listening(sv);
	if (Dflag) {
		if (daemon(0, 0) == -1)
			err(1, "daemon");
		log_syslog();
	}
	if (pidfile != NULL)
		writepid();
	logmsg(LOG_INFO, "%s: serving, pid %ld", confpath, (long)getpid());

	loop();

	conn_closeall();
	ev_end();
	table_close(services);
	conf_free(services);
	child_freeall();
	relay_freeall();
	access_free(allowacl);
	access_free(denyacl);
	free(abspath);
	if (pidfile != NULL && unlink(pidfile) == -1)
		logmsg(LOG_ERR, "%s: %s", pidfile, strerror(errno));
	logmsg(LOG_INFO, "exiting on signal");
	return 0;
}
