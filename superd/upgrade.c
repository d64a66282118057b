/*
 * Upgrade in place.  On SIGUSR2 superd executes the binary at the path it
 * was started from (so a new binary installed there runs) with the same
 * arguments; exec keeps the pid, so handlers stay superd's children.  The
 * listening sockets go across as socket activation does it (fds from 3,
 * LISTEN_FDS, LISTEN_PID, LISTEN_FDNAMES), and what else would be lost is
 * handed over: a memfd (SUPERD_UPGRADE=fd) holds each socket's configured
 * port (so a port-0 line finds its socket again) and the child table (so
 * the next image reaps and logs the handlers, and a wait service whose
 * handler holds the socket stays busy).  What lives only in superd's memory
 * (the in-process connections of the builtins, the dgram nowait replies
 * still to come) goes to a "finisher", a fork that serves them to their end
 * and exits.  It starts serving only once the exec has succeeded: it waits
 * on a close-on-exec pipe, whose write end the exec closes, and that a
 * failed exec writes to instead, so nothing is ever served twice.
 */
#define _GNU_SOURCE
#include <sys/types.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "activate.h"
#include "child.h"
#include "conf.h"
#include "conn.h"
#include "errlog.h"
#include "fdmove.h"
#include "ev.h"
#include "log.h"
#include "mode.h"
#include "notify.h"
#include "relay.h"
#include "service.h"
#include "sock.h"
#include "upgrade.h"
#include "util.h"

#define STATEVAR	"SUPERD_UPGRADE"
#define STATEMAX	(16 * 1024 * 1024)
#define NAMEMAX		255

static char **args;			/* the command line, as given */
static char exe[PATH_MAX];		/* the binary's path at start-up */
static int startdir = -1;		/* the folder superd started in */
static char *state;			/* the previous image's, or NULL */
static int resumed;			/* started by an upgrade */
static volatile sig_atomic_t stop;

/* A handler adopted after an upgrade: its mode has nothing to finish. */
static const struct mode adopted = { NULL, NULL, NULL };

/*
 * At start-up, before getopt permutes argv: the command line, the binary's
 * path and the folder (-D leaves it for /).  0, or -1 with errno set.
 */
int
upgrade_init(int argc, char *argv[])
{
	ssize_t n;
	int i;

	if ((args = calloc((size_t)argc + 1, sizeof(*args))) == NULL)
		return -1;
	for (i = 0; i < argc; i++)
		if ((args[i] = strdup(argv[i])) == NULL)
			return -1;
	if ((n = readlink("/proc/self/exe", exe, sizeof(exe) - 1)) == -1)
		exe[0] = '\0';
	else
		exe[n] = '\0';
	startdir = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	return 0;
}

/* 1 when this image was started by an upgrade. */
int
upgrade_resumed(void)
{
	return resumed;
}

/*
 * At start-up, after activate_init(): the previous image's state, if
 * SUPERD_UPGRADE names it.  The sockets' configured ports go to
 * activate.c now; the children wait for upgrade_adopt().
 */
void
upgrade_load(void)
{
	const char *v, *errstr, *p;
	struct stat st;
	ssize_t n;
	size_t off = 0;
	int fd, i, port;

	if ((v = getenv(STATEVAR)) == NULL)
		return;
	fd = (int)parsenum(v, 3, INT_MAX, &errstr);
	(void)unsetenv(STATEVAR);
	resumed = 1;
	if (errstr != NULL || fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_size > STATEMAX || (state = malloc((size_t)st.st_size +
	    1)) == NULL) {
		logmsg(LOG_ERR, "upgrade: %s=%s: %s; handlers not adopted",
		    STATEVAR, v, errstr != NULL ? errstr : strerror(errno));
		if (errstr == NULL)
			(void)close(fd);
		return;
	}
	while (off < (size_t)st.st_size && (n = pread(fd, state + off,
	    (size_t)st.st_size - off, (off_t)off)) > 0)
		off += (size_t)n;
	state[off] = '\0';
	(void)close(fd);
	for (p = state; p != NULL && *p != '\0'; p = strchr(p, '\n'),
	    p = p != NULL ? p + 1 : NULL)
		if (sscanf(p, "fd %d %d", &i, &port) == 2)
			activate_setport(i, port);
}

/* The service whose socket the previous image passed as fd 3 + index. */
static struct service *
byindex(struct service *list, int index)
{
	struct service *sv;

	for (sv = list; sv != NULL && index >= 0; sv = sv->sv_next)
		if (sv->sv_fd == ACTIVATE_FIRST + index)
			return sv;
	return NULL;
}

/*
 * After the services are set up: the previous image's handlers are theirs
 * again; one whose service the configuration no longer has is reaped
 * without a log line.
 */
void
upgrade_adopt(struct service *list)
{
	struct timespec start, deadline;
	struct service *sv;
	struct child *c;
	long long ss, ds;
	long pid, sns, dns;
	const char *p;
	int index, termed, holder, n = 0;

	if (state == NULL)
		return;
	for (p = state; p != NULL && *p != '\0'; p = strchr(p, '\n'),
	    p = p != NULL ? p + 1 : NULL) {
		if (sscanf(p, "child %ld %d %lld %ld %lld %ld %d %d", &pid,
		    &index, &ss, &sns, &ds, &dns, &termed, &holder) != 8 ||
		    (sv = byindex(list, index)) == NULL)
			continue;
		start.tv_sec = (time_t)ss;
		start.tv_nsec = sns;
		deadline.tv_sec = (time_t)ds;
		deadline.tv_nsec = dns;
		if ((c = child_adopt(sv, (pid_t)pid, &start, &deadline,
		    termed)) == NULL) {
			logmsg(LOG_ERR, "upgrade: pid %ld: %s", pid,
			    strerror(errno));
			continue;
		}
		c->ch_mode = &adopted;
		if (holder && sv->sv_mode == &mode_wait) {
			/* Its handler has the socket: no second one starts. */
			c->ch_mode = &mode_wait;
			c->ch_holder = 1;
			sv->sv_busy = 1;
		}
		sv->sv_nchild++;
		n++;
	}
	free(state);
	state = NULL;
	logmsg(LOG_INFO, "upgrade: %d handlers adopted", n);
}

static void
onstop(int sig)
{
	(void)sig;
	stop = 1;
}

/*
 * The finisher, once the exec has succeeded: serves the in-process
 * connections and the replies still to come to their end, then exits.  It
 * keeps the dgram nowait sockets (the replies go out of them) and closes
 * every other listener; SIGTERM ends it at once.
 */
static void __attribute__((noreturn))
finish(struct service *list)
{
	struct timespec t, ts, *tsp;
	struct sigaction sa;
	struct service *sv;
	struct pollfd pfd;
	sigset_t none;
	long long ms;

	memset(&sa, 0, sizeof(sa));
	(void)sigemptyset(&sa.sa_mask);
	sa.sa_handler = onstop;
	(void)sigaction(SIGTERM, &sa, NULL);
	(void)sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	(void)sigaction(SIGHUP, &sa, NULL);
	(void)sigaction(SIGUSR1, &sa, NULL);
	(void)sigaction(SIGUSR2, &sa, NULL);
	sa.sa_handler = SIG_DFL;
	(void)sigaction(SIGCHLD, &sa, NULL);
	/* SIGCHLD, blocked for superd's signalfd, is nothing to it. */
	(void)sigemptyset(&none);
	(void)sigprocmask(SIG_SETMASK, &none, NULL);
	for (sv = list; sv != NULL; sv = sv->sv_next)
		if (sv->sv_fd != -1 && sv->sv_conf->sc_mode != MODE_DGRAM) {
			(void)close(sv->sv_fd);
			sv->sv_fd = -1;
		}
	logmsg(LOG_INFO, "upgrade: pid %ld finishes %d connections, %d "
	    "replies and %d stderr pipes", (long)getpid(), conn_count(),
	    relay_open(), errlog_count());
	(void)sigemptyset(&none);
	while (!stop && (conn_count() > 0 || relay_open() > 0 ||
	    errlog_count() > 0) &&
	    (pfd.fd = ev_fd()) != -1) {
		pfd.events = POLLIN;
		tnow(&t);
		tsp = NULL;
		if ((ms = conn_nextdeadline(&t)) != -1) {
			ts.tv_sec = (time_t)(ms / 1000);
			ts.tv_nsec = (long)(ms % 1000) * 1000000 + 1000000;
			tsp = &ts;
		}
		if (ppoll(&pfd, 1, tsp, &none) > 0)
			ev_run();
		tnow(&t);
		conn_timeouts(&t, 0);
	}
	logmsg(LOG_INFO, "upgrade: pid %ld: finished", (long)getpid());
	_exit(0);
}

/*
 * Forks the finisher (without the state, statefd), waiting on gate until
 * the exec has succeeded (EOF) or failed (a byte).  Returns its pid, or -1
 * with errno set.
 */
static pid_t
finisher(struct service *list, const int gate[2], int statefd)
{
	ssize_t n;
	pid_t pid;
	char b;

	if ((pid = fork()) != 0)
		return pid;
	(void)close(gate[1]);
	(void)close(statefd);
	while ((n = read(gate[0], &b, 1)) == -1 && errno == EINTR)
		;
	if (n != 0)
		_exit(0);
	(void)close(gate[0]);
	finish(list);
}

/* A socket's name for LISTEN_FDNAMES: its SERVICE field, if it may be one. */
static const char *
fdname(const struct svconf *sc)
{
	const char *p;

	if (sc->sc_name == NULL || strlen(sc->sc_name) > NAMEMAX)
		return "unknown";
	for (p = sc->sc_name; *p != '\0'; p++)
		if (*p == ':' || *p < 0x21 || *p > 0x7e)
			return "unknown";
	return sc->sc_name;
}

/*
 * The state for the next image, in a memfd: each socket's configured
 * port, the handlers.  Returns the memfd, or -1 with errno set.
 */
static int
savestate(const int *socks, struct service **svs, int n)
{
	int fd, i, port;

	if ((fd = memfd_create("superd-upgrade", MFD_CLOEXEC)) == -1)
		return -1;
	if (dprintf(fd, "superd-upgrade 1\n") < 0)
		goto fail;
	for (i = 0; i < n; i++) {
		port = 0;
		(void)sock_addr16((struct sockaddr *)&svs[i]->sv_conf->sc_addr,
		    (unsigned char [16]){ 0 }, &port);
		if (dprintf(fd, "fd %d %d\n", i, port) < 0)
			goto fail;
	}
	if (child_save(fd, socks, n) == -1)
		goto fail;
	return fd;
fail:
	(void)close(fd);
	return -1;
}

/*
 * The environment of the next image: superd's, its notification variables
 * put back, and the sockets and the state: NULL-ended, in *envp (one
 * allocation holding the strings too).  0, or -1 with errno set.
 */
static int
environment(char ***envp, struct service **svs, int n, int statefd)
{
	extern char **environ;
	const char *keep[NOTIFY_NENV];
	size_t ne = 0, len = 0, i, k = 0;
	char **env, *p;
	int nk, j;

	while (environ[ne] != NULL)
		ne++;
	nk = notify_environ(keep);
	for (j = 0; j < n; j++)
		len += strlen(fdname(svs[j]->sv_conf)) + 1;
	len += 3 * 64 + sizeof("LISTEN_FDNAMES=");
	if ((env = malloc((ne + (size_t)nk + 5) * sizeof(*env) + len)) == NULL)
		return -1;
	p = (char *)(env + ne + (size_t)nk + 5);
	for (i = 0; i < ne; i++)
		if (strncmp(environ[i], "LISTEN_", 7) != 0 &&
		    strncmp(environ[i], STATEVAR "=", sizeof(STATEVAR)) != 0)
			env[k++] = environ[i];
	for (j = 0; j < nk; j++)
		env[k++] = (char *)keep[j];
	env[k++] = p;
	p += sprintf(p, "LISTEN_PID=%ld", (long)getpid()) + 1;
	env[k++] = p;
	p += sprintf(p, "LISTEN_FDS=%d", n) + 1;
	env[k++] = p;
	p += sprintf(p, "%s=%d", STATEVAR, statefd) + 1;
	env[k++] = p;
	p += sprintf(p, "LISTEN_FDNAMES=");
	for (j = 0; j < n; j++)
		p += sprintf(p, "%s%s", j > 0 ? ":" : "",
		    fdname(svs[j]->sv_conf));
	env[k] = NULL;
	*envp = env;
	return 0;
}

/*
 * fd, moved above top (close-on-exec), so that shuffle() cannot overwrite
 * it; -1 with errno set (fd closed) on failure.
 */
static int
high(int fd, int top)
{
	int k, e;

	if (fd == -1 || fd >= top)
		return fd;
	k = fcntl(fd, F_DUPFD_CLOEXEC, top);
	e = errno;
	(void)close(fd);
	errno = e;
	return k;
}

/*
 * SIGUSR2: executes superd's binary again, handing everything over.  On
 * success it does not return; on failure everything is as it was, the
 * cause is logged, and -1 is returned: superd goes on serving.
 */
int
upgrade_exec(struct service *list)
{
	struct service *sv, **svs = NULL;
	sigset_t block, old;
	struct fdaside *as = NULL;
	int *socks = NULL, n = 0, i, statefd = -1, st = -1, nas = 0, spare = -1;
	int gate[2] = { -1, -1 }, here = -1, e = 0;
	char **env = NULL;
	const char *what;
	pid_t fin = -1;

	notify_reloading();
	logmsg(LOG_INFO, "upgrade: executing %s", exe);
	/* Signals wait for the next image (or for this one, if it fails). */
	(void)sigemptyset(&block);
	(void)sigaddset(&block, SIGHUP);
	(void)sigaddset(&block, SIGINT);
	(void)sigaddset(&block, SIGTERM);
	(void)sigaddset(&block, SIGUSR1);
	(void)sigaddset(&block, SIGUSR2);
	(void)sigaddset(&block, SIGCHLD);
	(void)sigprocmask(SIG_BLOCK, &block, &old);
	for (sv = list; sv != NULL; sv = sv->sv_next)
		n += sv->sv_fd != -1;
	what = "malloc";
	if ((svs = calloc((size_t)n + 1, sizeof(*svs))) == NULL ||
	    (socks = calloc((size_t)n + 1, sizeof(*socks))) == NULL ||
	    (as = calloc((size_t)n + 1, sizeof(*as))) == NULL)
		goto fail;
	for (sv = list, i = 0; sv != NULL; sv = sv->sv_next)
		if (sv->sv_fd != -1) {
			svs[i] = sv;
			socks[i++] = sv->sv_fd;
		}
	what = exe[0] == '\0' ? "/proc/self/exe" : exe;
	if (exe[0] == '\0') {
		errno = ENOENT;
		goto fail;
	}
	/* What this opens goes above the fds the sockets will take. */
	what = "state";
	if ((statefd = high(savestate(socks, svs, n), ACTIVATE_FIRST + n)) ==
	    -1)
		goto fail;
	what = "finisher";
	if (conn_count() > 0 || relay_open() > 0) {
		if (pipe2(gate, O_CLOEXEC) == -1)
			goto fail;
		if ((gate[0] = high(gate[0], ACTIVATE_FIRST + n)) == -1 ||
		    (gate[1] = high(gate[1], ACTIVATE_FIRST + n)) == -1 ||
		    (fin = finisher(list, gate, statefd)) == -1)
			goto fail;
		(void)close(gate[0]);
		gate[0] = -1;
		if (dprintf(statefd, "finisher %ld\n", (long)fin) < 0)
			goto fail;
	}
	/* Back where superd started: -D's chdir("/") is the next image's. */
	here = high(open(".", O_PATH | O_DIRECTORY | O_CLOEXEC),
	    ACTIVATE_FIRST + n);
	if (startdir != -1 && fchdir(startdir) == -1)
		logmsg(LOG_ERR, "upgrade: the start folder: %s", strerror(errno));
	what = "descriptors";
	if ((st = fdmove_place(svs, n, statefd, as, &nas, &spare)) == -1 ||
	    environment(&env, svs, n, st) == -1) {
		e = errno;
		fdmove_undo(svs, n, as, nas, spare);
		if (st != -1)
			(void)close(st);
		if (here != -1 && fchdir(here) == -1)
			logmsg(LOG_ERR, "upgrade: back to /: %s",
			    strerror(errno));
		errno = e;
		goto fail;
	}
	(void)execve(exe, args, env);
	e = errno;
	what = exe;
	fdmove_undo(svs, n, as, nas, spare);
	(void)close(st);
	if (here != -1 && fchdir(here) == -1)
		logmsg(LOG_ERR, "upgrade: back to /: %s", strerror(errno));
	errno = e;
fail:
	e = errno;
	if (gate[1] != -1) {
		(void)!write(gate[1], "x", 1);	/* the finisher leaves */
		(void)close(gate[1]);
	}
	if (gate[0] != -1)
		(void)close(gate[0]);
	if (here != -1)
		(void)close(here);
	if (statefd != -1)
		(void)close(statefd);
	free(env);
	free(svs);
	free(socks);
	free(as);
	logmsg(LOG_ERR, "upgrade: %s: %s; still serving", what, strerror(e));
	(void)sigprocmask(SIG_SETMASK, &old, NULL);
	return -1;
}
