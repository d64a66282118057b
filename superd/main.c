/*
 * superd: the super-server.  Binds the sockets an inetd.conf-style file
 * names and runs a handler per connection or datagram.  This file holds the
 * options, the signals (their handlers only set a flag and write a byte to
 * a self-pipe; SIGCHLD, which comes with each connection's end, is read
 * from a signalfd) and the one loop around ev.c's epoll set, which calls
 * each service's mode when its socket is ready.
 */
#define _GNU_SOURCE
#include <sys/types.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "access.h"
#include "activate.h"
#include "adhoc.h"
#include "child.h"
#include "conf.h"
#include "conn.h"
#include "errlog.h"
#include "ev.h"
#include "limit.h"
#include "log.h"
#include "mode.h"
#include "notify.h"
#include "pending.h"
#include "proxy.h"
#include "pathnames.h"
#include "relay.h"
#include "serve.h"
#include "service.h"
#include "spare.h"
#include "spawn.h"
#include "udp.h"
#include "upgrade.h"
#include "util.h"

/* The command line. */
struct opts {
	int			 o_debug;	/* -d */
	int			 o_check;	/* -t */
	int			 o_daemon;	/* -D */
	int			 o_logconns;	/* -l */
	const char		*o_pidfile;	/* -p */
	const char		*o_allow;	/* --hosts-allow */
	const char		*o_deny;	/* --hosts-deny */
	const char		*o_conf;	/* the first CONFIG, for messages */
	const char		**o_confs;	/* every CONFIG, in order */
	int			 o_nconf;
	struct confdefaults	 o_def;		/* -T and the limits */
	struct adhoc		 o_adhoc;	/* --listen ... -- PROGRAM */
};

enum {
	OPT_MAXCHILD = 256,
	OPT_MAXPERIP,
	OPT_MAXCPM,
	OPT_SPAWNMAX,
	OPT_ALLOW,
	OPT_DENY,
	OPT_NOFAILPAUSE,
	OPT_LISTEN,
	OPT_WAIT,
	OPT_USER,
	OPT_INTERNAL,
	OPT_PROXY,
	OPT_LOGFORMAT
};

static struct opts opts;
static struct service *services;
static struct acl *allowacl, *denyacl;
static int selfpipe[2] = { -1, -1 };
static int chldfd = -1;	/* SIGCHLD's signalfd */
static volatile sig_atomic_t gothup, gotterm, gotusr1, gotusr2, gotchld;
/* SIGUSR2 came while PROXY headers were still awaited: exec once they are
   in (their services not polled meanwhile: the backlog queues). */
static int upgrading;

/* The usage line; with help, one line per option after it. */
static void
usage(FILE *fp, int status, int help)
{
	fprintf(fp, "usage: superd [-d] [-t] [-D] [-l] [-p PIDFILE] "
	    "[-T SECONDS] [--hosts-allow FILE]\n"
	    "              [--hosts-deny FILE] [--max-children N] "
	    "[--max-per-source N]\n"
	    "              [--max-rate-per-source N] [--max-spawn-rate N]\n"
	    "              [--log-format text|logfmt|json] [-S vfork|clone|spare] "
	    "[CONFIG ...]\n"
	    "       superd [OPTIONS] --listen PROTO:ADDR:PORT [--listen ...] "
	    "[--wait]\n"
	    "              [--user USER] -- PROGRAM [ARGS...] | --internal "
	    "NAME\n");
	if (help)
		fprintf(fp,
"Runs the services of CONFIG (default " SUPERD_CONF "), inetd style.\n"
"  -d, --debug                log more: each handler killed at its time limit\n"
"  -t, --check                print the services of CONFIG and exit (1 on errors)\n"
"  -D, --daemon               detach, and log to syslog\n"
"  -l, --log-connections      log each connection, and each handler's exit\n"
"      --log-format FORMAT    write the log as text, logfmt or json lines\n"
"  -S, --spawn HOW            start handlers by clone (the default), vfork or spare\n"
"  -p, --pidfile PIDFILE      write superd's pid into PIDFILE\n"
"  -T, --time-limit SECONDS   stop each handler after SECONDS (TERM, then KILL)\n"
"      --hosts-allow FILE     grant access by the hosts_access(5) rules of FILE\n"
"      --hosts-deny FILE      refuse access by the hosts_access(5) rules of FILE\n"
"      --max-children N       at most N handlers at once per service\n"
"      --max-per-source N     at most N handlers at once per client\n"
"      --max-rate-per-source N  at most N connections a minute per client\n"
"      --max-spawn-rate N     at most N handlers started a minute per service\n"
"      --no-failure-pause     never pause a service whose handlers fail at once\n"
"      --listen PROTO:ADDR:PORT  ad-hoc mode: serve PROGRAM on this socket, no CONFIG\n"
"                             (tcp, tcp4, tcp6, udp, udp4, udp6, or unix:PATH)\n"
"      --wait                 ad-hoc: the handler gets the socket (inetd's wait)\n"
"      --user USER            ad-hoc: run the handler as USER (as root)\n"
"      --internal NAME        ad-hoc: serve the builtin NAME instead of a PROGRAM\n"
"      --proxy v1|v2|any      ad-hoc: each connection starts with a PROXY header\n"
"  -h, --help                 print this help and exit\n"
"  -V, --version              print the version and exit\n");
	exit(status);
}

/* A number of the command line, or exit 2 naming what it is for. */
static int
number(const char *what, const char *s, long long min)
{
	const char *errstr;
	long long v;

	v = parsenum(s, min, INT_MAX, &errstr);
	if (errstr != NULL)
		errx(2, "%s %s: %s", what, s, errstr);
	return (int)v;
}

static void
getopts(int argc, char *argv[], struct opts *o)
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
		{ "listen",		required_argument,	NULL, OPT_LISTEN },
		{ "wait",		no_argument,		NULL, OPT_WAIT },
		{ "user",		required_argument,	NULL, OPT_USER },
		{ "internal",		required_argument,	NULL, OPT_INTERNAL },
		{ "proxy",		required_argument,	NULL, OPT_PROXY },
		{ "log-format",		required_argument,	NULL, OPT_LOGFORMAT },
		{ "spawn",		required_argument,	NULL, 'S' },
		{ "help",		no_argument,		NULL, 'h' },
		{ "version",		no_argument,		NULL, 'V' },
		{ NULL,			0,			NULL, 0 }
	};
	struct confdefaults *d = &o->o_def;
	struct adhoc *a = &o->o_adhoc;
	const char *how;
	int ch;

	memset(o, 0, sizeof(*o));
	o->o_conf = SUPERD_CONF;
	d->cd_timelimit = -1;
	d->cd_failpause = 1;
	argv[0] = program_invocation_short_name;	/* getopt's messages */
	/* SUPERD_SPAWN: -S for a whole test suite or bench run. */
	if ((how = getenv("SUPERD_SPAWN")) != NULL && *how != '\0' &&
	    spawn_setscheme(how) == -1)
		errx(2, "SUPERD_SPAWN %s: not vfork, clone or spare", how);
	while ((ch = getopt_long(argc, argv, "dtDlp:S:T:hV", longopts, NULL)) !=
	    -1) {
		switch (ch) {
		case 'd': o->o_debug = 1; break;
		case 't': o->o_check = 1; break;
		case 'D': o->o_daemon = 1; break;
		case 'l': o->o_logconns = 1; break;
		case 'p': o->o_pidfile = optarg; break;
		case 'S':
			if (spawn_setscheme(optarg) == -1)
				errx(2, "-S %s: not vfork, clone or spare",
				    optarg);
			break;
		case 'T': d->cd_timelimit = number("time limit", optarg, 1);
			break;
		case OPT_MAXCHILD: d->cd_maxchild = number("limit", optarg, 0);
			break;
		case OPT_MAXPERIP: d->cd_maxperip = number("limit", optarg, 0);
			break;
		case OPT_MAXCPM: d->cd_maxcpm = number("limit", optarg, 0);
			break;
		case OPT_SPAWNMAX: d->cd_spawnmax = number("limit", optarg, 0);
			break;
		case OPT_ALLOW: o->o_allow = optarg; break;
		case OPT_DENY: o->o_deny = optarg; break;
		case OPT_NOFAILPAUSE: d->cd_failpause = 0; break;
		case OPT_LISTEN:
			/* argv outlives the options: keep pointers into it */
			if ((a->a_listen = reallocarray(a->a_listen,
			    (size_t)a->a_nlisten + 1, sizeof(char *))) == NULL)
				err(1, "--listen");
			a->a_listen[a->a_nlisten++] = optarg;
			break;
		case OPT_WAIT: a->a_wait = 1; break;
		case OPT_USER: a->a_user = optarg; break;
		case OPT_INTERNAL: a->a_internal = optarg; break;
		case OPT_PROXY:
			if ((a->a_proxy = strcmp(optarg, "v1") == 0 ? PROXY_V1 :
			    strcmp(optarg, "v2") == 0 ? PROXY_V2 :
			    strcmp(optarg, "any") == 0 ? PROXY_ANY : 0) == 0)
				errx(2, "--proxy %s: not v1, v2 or any", optarg);
			break;
		case OPT_LOGFORMAT:
			if (log_setformat(optarg) == -1)
				errx(2, "log format %s: not text, logfmt or "
				    "json", optarg);
			break;
		case 'h': usage(stdout, 0, 1); break;
		case 'V':
			printf("superd %s\n", VERSION);
			exit(0);
		default: usage(stderr, 2, 0);
		}
	}
	if (a->a_nlisten > 0) {
		/* Ad-hoc: what follows the options is the program. */
		a->a_argv = argv + optind;
		a->a_argc = argc - optind;
	} else if (argc - optind > 0 && strcmp(argv[optind - 1], "--") == 0)
		a->a_argc = argc - optind;	/* a PROGRAM without --listen */
	if (adhoc_check(a) == -1)
		exit(2);
	if (a->a_nlisten > 0) {
		o->o_conf = "--listen";
		return;
	}
	/* Every CONFIG, in order; without one, a list of the default alone. */
	o->o_nconf = argc - optind > 0 ? argc - optind : 1;
	o->o_confs = argc - optind > 0 ? (const char **)argv + optind :
	    &o->o_conf;
	o->o_conf = o->o_confs[0];
}

/*
 * SIGHUP: the access files, then CONFIG.  An error in any of them changes
 * nothing.
 */
static void
reload(void)
{
	struct acl *a = allowacl, *d = denyacl;

	if (access_loadpair(opts.o_allow, opts.o_deny, &a, &d) == -1) {
		logmsg(LOG_ERR, "access rules: errors; configuration unchanged");
		return;
	}
	udp_loadaddrs();
	/* Ad-hoc services have no file to read again: the rules only. */
	if (opts.o_adhoc.a_nlisten == 0 &&
	    service_reload(&services, opts.o_confs, opts.o_nconf,
	    &opts.o_def) == -1) {
		if (a != allowacl)
			access_free(a);
		if (d != denyacl)
			access_free(d);
		return;
	}
	access_free(allowacl);
	access_free(denyacl);
	allowacl = a;
	denyacl = d;
	serve_setacl(allowacl, denyacl);
	spare_dropall();	/* none made for a line that changed lives on */
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
	case SIGUSR2:	gotusr2 = 1; break;
	}
	(void)!write(selfpipe[1], "", 1);
	errno = saved;
}

/*
 * The handlers of the five signals an admin sends, which set a flag and
 * wake the loop through the self-pipe, and interrupt a configuration read
 * that blocks (a FIFO).  SIGCHLD, which comes with every connection's end,
 * stays blocked and is read from a signalfd in the epoll set instead: no
 * handler to run, no interrupted epoll_wait, and nothing of it for a
 * child to reset.  SIGPIPE is ignored.
 */
static int
setsignals(void)
{
	static const int sigs[] = {
		SIGHUP, SIGTERM, SIGINT, SIGUSR1, SIGUSR2
	};
	struct sigaction sa;
	sigset_t chld;
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
	/* Started with SIGCHLD ignored, the kernel would reap and not tell. */
	sa.sa_handler = SIG_DFL;
	if (sigaction(SIGCHLD, &sa, NULL) == -1)
		return -1;
	/* superd may have been started with other signals blocked. */
	if (sigemptyset(&chld) == -1 || sigaddset(&chld, SIGCHLD) == -1 ||
	    sigprocmask(SIG_SETMASK, &chld, NULL) == -1)
		return -1;
	chldfd = signalfd(-1, &chld, SFD_NONBLOCK | SFD_CLOEXEC);
	return chldfd == -1 ? -1 : 0;
}

/* Milliseconds until the next time limit or pause ends, or -1. */
static int
nexttimeout(void)
{
	struct timespec t;
	long long ms, d;

	tnow(&t);
	ms = child_nextdeadline(&t);
	if ((d = conn_nextdeadline(&t)) != -1 && (ms == -1 || d < ms))
		ms = d;
	if ((d = pending_nextdeadline(&t)) != -1 && (ms == -1 || d < ms))
		ms = d;
	if ((d = service_nextpause(&t)) != -1 && (ms == -1 || d < ms))
		ms = d;
	if ((d = notify_nextwatchdog(&t)) != -1 && (ms == -1 || d < ms))
		ms = d;
	if (ms < 0)
		return ms == -1 ? -1 : 0;
	return ms > INT_MAX ? INT_MAX : (int)ms + 1;
}

/*
 * SIGUSR2: exec the new image, the sockets out of the epoll set while it
 * moves them; back in it if the exec fails and this image goes on.
 */
static void
upgrade(struct service *list)
{
	service_unwatchall(list);
	(void)upgrade_exec(list);
	service_watchall(list);
}

/* NOTIFY_SOCKET: superd serves, with how much. */
static void
ready(void)
{
	int n, nrun;

	n = service_count(services, &nrun);
	notify_send("READY=1\nSTATUS=%d services, %d handlers running\n"
	    "MAINPID=%ld", n, nrun, (long)getpid());
}

/*
 * What the signals asked for: -1 exit, 1 reloaded (or an upgrade failed),
 * 0 neither.  A successful upgrade does not return.
 */
static int
signals(void)
{
	if (gotchld) {
		gotchld = 0;
		serve_reap();
	}
	if (gotterm) {
		notify_send("STOPPING=1");
		return -1;
	}
	if (gotusr1) {
		gotusr1 = 0;
		service_status(services);
	}
	if (gothup) {
		gothup = 0;
		notify_reloading();
		reload();
		ready();
		return 1;
	}
	if (gotusr2) {
		gotusr2 = 0;
		/* A connection waiting for its header lives only here. */
		if (pending_count() > 0) {
			if (!upgrading)
				logmsg(LOG_INFO, "upgrade: waiting for %d PROXY "
				    "headers first", pending_count());
			upgrading = 1;
			service_holdproxy(1);
			return 0;
		}
		upgrade(services);
		ready();
		return 1;
	}
	return 0;
}

/*
 * ev.c: SIGCHLD came (one at most is pending: a standard signal); the
 * children are reaped by signals() after this round.
 */
static void
onchld(int fd, uint32_t events, void *arg)
{
	struct signalfd_siginfo si[4];

	(void)events;
	(void)arg;
	if (read(fd, si, sizeof(si)) > 0)
		gotchld = 1;
}

/* ev.c: a signal came; signals() does what it asked after this round. */
static void
onpipe(int fd, uint32_t events, void *arg)
{
	char drain[64];

	(void)events;
	(void)arg;
	while (read(fd, drain, sizeof(drain)) > 0)
		;
}

/*
 * The main loop; returns when SIGTERM or SIGINT arrives.  The listeners
 * are in the epoll set with the rest (service.c), so a round costs what
 * is ready, however many services there are.
 */
static void
loop(void)
{
	struct timespec t;

	for (;;) {
		if (ev_wait(nexttimeout()) == -1 && errno != EINTR) {
			logmsg(LOG_ERR, "epoll_wait: %s", strerror(errno));
			(void)sleep(1);
			continue;
		}
		if (signals() == -1)
			return;
		tnow(&t);
		child_timeouts(&t, opts.o_debug);
		conn_timeouts(&t, opts.o_debug);
		pending_timeouts(&t);
		notify_watchdog(&t);
		if (upgrading && pending_count() == 0) {
			upgrading = 0;
			service_holdproxy(0);
			upgrade(services);
			ready();
		}
		service_unpark(&t);
	}
}

static void
writepid(void)
{
	FILE *fp;

	if ((fp = fopen(opts.o_pidfile, "we")) == NULL ||
	    fprintf(fp, "%ld\n", (long)getpid()) < 0 || fclose(fp) == EOF)
		err(1, "%s", opts.o_pidfile);
}

/* The services: CONFIG's, or the command line's in ad-hoc mode. */
static struct svconf *
load(int *nerr)
{
	if (opts.o_adhoc.a_nlisten > 0)
		return adhoc_conf(&opts.o_adhoc, &opts.o_def, nerr);
	return conf_parse(opts.o_confs, opts.o_nconf, &opts.o_def, nerr);
}

/* Start-up: everything superd needs before it serves; exits on failure. */
static void
startup(void)
{
	struct svconf *list;
	char *abspath;
	int nerr, nfail, i;

	if (log_init() == -1)
		err(1, "log");
	/* What a service manager, or the image before an upgrade, handed. */
	(void)activate_init();
	upgrade_load();
	notify_init();
	if (setsignals() == -1 || spawn_init() == -1)
		err(1, "signals");
	if (ev_init() == -1 || ev_add(selfpipe[0], EPOLLIN, onpipe, NULL) == -1 ||
	    ev_add(chldfd, EPOLLIN, onchld, NULL) == -1)
		err(1, "epoll");
	if (conn_init() == -1)
		err(1, "RLIMIT_NOFILE");
	conf_stopflag(&gotterm);
	serve_setopts(opts.o_logconns);
	if (opts.o_daemon && opts.o_adhoc.a_nlisten == 0) {
		/* After the chdir("/") of daemon(3), a relative path is lost. */
		for (i = 0; i < opts.o_nconf; i++) {
			if ((abspath = realpath(opts.o_confs[i], NULL)) == NULL)
				err(1, "%s", opts.o_confs[i]);
			opts.o_confs[i] = abspath;
		}
		opts.o_conf = opts.o_confs[0];
	}
	/* Malformed access rules would let in whom they meant to keep out. */
	if (access_loadpair(opts.o_allow, opts.o_deny, &allowacl, &denyacl) ==
	    -1)
		errx(1, "access rules: errors; not starting");
	serve_setacl(allowacl, denyacl);
	udp_loadaddrs();
	list = load(&nerr);
	if (nerr == -1)
		exit(1);
	activate_plan(list);
	services = service_start(list, &nfail);
	activate_leftover();
	upgrade_adopt(services);
	serve_reap();	/* handlers that ended while the exec ran */
	if (services == NULL && (nerr > 0 || nfail > 0))
		errx(1, "%s: no service could be started", opts.o_conf);
	if (opts.o_daemon) {
		/* Detached already, with the same pid, before an upgrade. */
		if (upgrade_resumed() ? chdir("/") == -1 : daemon(0, 0) == -1)
			err(1, "daemon");
		log_syslog();
	}
	if (opts.o_pidfile != NULL)
		writepid();
}

int
main(int argc, char *argv[])
{
	struct svconf *list;
	int nerr, i;

	if (upgrade_init(argc, argv) == -1)
		err(1, "command line");
	getopts(argc, argv, &opts);
	stdfds();
	if (opts.o_check) {
		list = load(&nerr);
		conf_print(list);
		conf_free(list);
		return nerr != 0;
	}
	startup();
	logmsg(LOG_INFO, "%s: serving, pid %ld", opts.o_conf, (long)getpid());
	ready();

	loop();

	conn_closeall();
	pending_closeall();
	errlog_freeall();
	spare_freeall();
	child_freeall();
	relay_freeall();
	ev_end();
	service_freeall(services);
	udp_free();
	access_free(allowacl);
	access_free(denyacl);
	if (opts.o_daemon && opts.o_adhoc.a_nlisten == 0)
		for (i = 0; i < opts.o_nconf; i++)
			free((char *)opts.o_confs[i]);
	free(opts.o_adhoc.a_listen);
	if (opts.o_pidfile != NULL && unlink(opts.o_pidfile) == -1)
		logmsg(LOG_ERR, "%s: %s", opts.o_pidfile, strerror(errno));
	logmsg(LOG_INFO, "exiting on signal");
	return 0;
}
