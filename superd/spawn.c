/*
 * The child hand-off, in the order that keeps it safe: the connection onto
 * fds 0-2, every other descriptor closed at exec, signal dispositions and
 * mask reset, the program opened if its user could not reach it by its
 * path, user and groups switched (every result checked), a minimal
 * environment, then exec.  A child that fails notes what failed in the
 * memory it shares with superd under vfork and exits 127; superd, which
 * resumes only once the child has exec'd or exited, finds the note and logs
 * it rate-limited, so a handler that vanished cannot flood the log.
 *
 * Three ways to start it (-S): clone(2) with CLONE_VM|CLONE_VFORK on a
 * stack of its own, as posix_spawn does, and CLONE_FILES, the default,
 * whose cost does not grow with superd's fds (clonechild()); vfork(2),
 * which copies superd's fd table; or a spare (spare.c) that did
 * the part of the hand-off no connection decides, ahead of demand, and
 * waits for its connection on a socketpair: spawn_spare() is its side.
 */
#define _GNU_SOURCE
#include <sys/types.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "errlog.h"
#include "greet.h"
#include "sock.h"
#include "spawn.h"
#include "user.h"
#include "util.h"

/*
 * Under AddressSanitizer the frames of a child that exec'd leave their
 * redzones marked in clonestack's shadow, which the next child would
 * trip over: the stack is cleared before each start (clearstack()).  And
 * the child's own functions are not instrumented (NOASAN): ASan precedes
 * each call of a function that never returns (child(), die(), _exit())
 * with a stack check that takes clonestack for a foreign stack, and says
 * so on the child's stderr, which may be the connection.
 */
#if defined(__SANITIZE_ADDRESS__)
#define SANITIZED	1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANITIZED	1
#endif
#endif
#ifdef SANITIZED
#include <sanitizer/asan_interface.h>
#define clearstack()	ASAN_UNPOISON_MEMORY_REGION(clonestack, \
			    sizeof(clonestack))
#define NOASAN		__attribute__((no_sanitize_address))
#else
#define clearstack()	((void)0)
#define NOASAN
#endif

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC	(1U << 2)
#endif

/*
 * What the last child failed at, written by the child itself: under vfork
 * it runs on superd's memory, and superd reads this once vfork returns.
 * sf_what points at a constant or at the service's program path, both in
 * that same memory.
 */
static struct spawnfail failure;

/* -S: how handlers are started. */
static enum spawnhow scheme = SPAWN_CLONE;

/*
 * A spare's end of its socketpair (-1 elsewhere): a spare has memory of
 * its own, so it sends superd what failed instead of noting it.
 */
static int reportfd = -1;

/* The child failed at what: note it for superd (or send it) and exit. */
static void NOASAN __attribute__((noreturn))
die(const char *what)
{
	struct sparefail sf;

	if (reportfd == -1) {
		failure.sf_errno = errno;
		failure.sf_what = what;
		_exit(127);
	}
	memset(&sf, 0, sizeof(sf));
	sf.sf_errno = errno;
	(void)snprintf(sf.sf_what, sizeof(sf.sf_what), "%s", what);
	(void)send(reportfd, &sf, sizeof(sf), MSG_NOSIGNAL | MSG_DONTWAIT);
	_exit(127);
}

/* -S NAME: vfork, clone or spare.  Returns 0, or -1 for another name. */
int
spawn_setscheme(const char *name)
{
	if (strcmp(name, "vfork") == 0)
		scheme = SPAWN_VFORK;
	else if (strcmp(name, "clone") == 0)
		scheme = SPAWN_CLONE;
	else if (strcmp(name, "spare") == 0)
		scheme = SPAWN_SPARE;
	else
		return -1;
	return 0;
}

enum spawnhow
spawn_scheme(void)
{
	return scheme;
}

/*
 * Marks every descriptor above 2 close-on-exec.  Listeners are opened
 * close-on-exec already; this is the backstop for whatever superd itself
 * inherited.  Falls back to /proc/self/fd where close_range(2) is missing.
 */
static int
cloexec_from3(void)
{
	struct dirent *de;
	DIR *d;
	int fd;

	if (sysclose_range(3, ~0U, CLOSE_RANGE_CLOEXEC) == 0)
		return 0;
	if ((d = opendir("/proc/self/fd")) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		fd = atoi(de->d_name);
		if (fd > 2 && fd != dirfd(d) &&
		    fcntl(fd, F_SETFD, FD_CLOEXEC) == -1) {
			(void)closedir(d);
			return -1;
		}
	}
	return closedir(d);
}

/* The handlers' environment, grown to the largest a service needs. */
static char **envbuf;
static size_t envcap;

/*
 * An environment array for sc's handler, grown to the largest a service
 * needs and never freed: nothing is allocated per connection.  NULL, with
 * errno set, out of memory.  Not inlined: its locals are not to share a
 * frame with spawn_child()'s vfork.
 */
static char ** __attribute__((noinline))
envfor(const struct svconf *sc)
{
	char *const *e;
	size_t n = 16;
	void *p;

	for (e = sc->sc_env; e != NULL && *e != NULL; e++)
		n++;
	if (n > envcap) {
		if ((p = reallocarray(envbuf, n, sizeof(*envbuf))) == NULL)
			return NULL;
		envbuf = p;
		envcap = n;
	}
	return envbuf;
}

/* The signals whose disposition is not the default, from spawn_init(). */
static unsigned char changed[NSIG];

/*
 * Notes, once, which signals a child must set back to default: those
 * superd catches or ignores, and those it was started with ignored (exec
 * keeps an ignored signal ignored).  Call it after superd's own handlers
 * are set.  glibc's sigaction() cannot read the two signals it reserves
 * for its threads (32 and 33), so those are read with the system call.
 */
int
spawn_init(void)
{
	unsigned long k[8];
	struct sigaction sa;
	size_t j;
	int i;

	for (i = 1; i < NSIG; i++) {
		if (i == SIGKILL || i == SIGSTOP)
			continue;
		if (sigaction(i, NULL, &sa) == 0) {
			changed[i] = sa.sa_handler != SIG_DFL;
			continue;
		}
		if (errno != EINVAL)
			return -1;
		/* glibc's own two, read raw: all zero is SIG_DFL, no flags. */
		memset(k, 0, sizeof(k));
		if (syscall(SYS_rt_sigaction, i, NULL, k, (NSIG - 1) / 8) == -1)
			return -1;
		for (j = 0; j < sizeof(k) / sizeof(k[0]); j++)
			changed[i] |= k[j] != 0;
	}
	return 0;
}

/*
 * Every disposition back to default, the mask emptied.  For 32 and 33,
 * which glibc's sigaction() refuses, the raw system call: an all-zero
 * kernel sigaction is SIG_DFL with no flags and an empty mask whatever
 * the architecture's field order.
 */
static int
resetsignals(void)
{
	static const unsigned long ksa[4];
	struct sigaction sa;
	sigset_t set;
	int i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	if (sigemptyset(&sa.sa_mask) == -1)
		return -1;
	for (i = 1; i < NSIG; i++) {
		if (!changed[i] || sigaction(i, &sa, NULL) == 0)
			continue;
		if (errno != EINVAL ||
		    syscall(SYS_rt_sigaction, i, ksa, NULL, (NSIG - 1) / 8) == -1)
			return -1;
	}
	if (sigemptyset(&set) == -1)
		return -1;
	return sigprocmask(SIG_SETMASK, &set, NULL);
}

/* The address variables' names, for TCP and for UDP (SPEC: ucspi-tcp's). */
static const char *const addrnames[2][4] = {
	{ "TCPREMOTEIP", "TCPREMOTEPORT", "TCPLOCALIP", "TCPLOCALPORT" },
	{ "UDPREMOTEIP", "UDPREMOTEPORT", "UDPLOCALIP", "UDPLOCALPORT" }
};

/*
 * Adds "IPNAME=a" and "PORTNAME=port" to env, both written into buf (one
 * half each).
 */
static void
addrenv(char **env, int *n, char *buf, size_t len, const char *ipname,
    const char *portname, const char *a, int port)
{
	int k;

	k = snprintf(buf, len / 2, "%s=%s", ipname, a);
	if (k < 0 || (size_t)k >= len / 2)
		return;
	env[(*n)++] = buf;
	(void)snprintf(buf + len / 2, len / 2, "%s=%d", portname, port);
	env[(*n)++] = buf + len / 2;
}

/*
 * The settings of sc that change the process itself, in the order that
 * lets each work: while still root, the rlimits (a hard limit may be
 * raised), the nice value (it may be lowered) and the chroot; the umask
 * any time.
 */
static void NOASAN
settings(const struct svconf *sc)
{
	struct rlimit rl;
	int i;

	for (i = 0; i < sc->sc_nrlimits; i++) {
		rl.rlim_cur = rl.rlim_max = sc->sc_rlimits[i].rl_value;
		if (setrlimit(sc->sc_rlimits[i].rl_resource, &rl) == -1)
			die("setrlimit");
	}
	if (sc->sc_setnice && setpriority(PRIO_PROCESS, 0, sc->sc_nice) == -1)
		die("setpriority");
	if (sc->sc_umask != -1)
		(void)umask((mode_t)sc->sc_umask);
	if (sc->sc_chroot != NULL &&
	    (chroot(sc->sc_chroot) == -1 || chdir("/") == -1))
		die(sc->sc_chroot);
}

/* sc's user and groups, every result checked. */
static void NOASAN
becomeuser(const struct svconf *sc)
{
	const struct user *u = sc->sc_usr;

	if (!sc->sc_setid)
		return;
	if (setgroups((size_t)u->u_ngroups, u->u_groups) == -1)
		die("setgroups");
	if (setgid(u->u_gid) == -1)
		die("setgid");
	if (setuid(u->u_uid) == -1)
		die("setuid");
	if (getuid() != u->u_uid || geteuid() != u->u_uid ||
	    getegid() != u->u_gid) {
		errno = EPERM;
		die("user switch");
	}
}

/*
 * The child's side: the hand-off in its order, then exec.  Under vfork it
 * runs on superd's memory until exec, so it changes nothing but its own
 * fds, signal dispositions, mask, limits, root and ids, all of which are
 * its own.  A program in a chroot is opened before the chroot is entered:
 * it is the one the configuration names, run inside it.
 */
static void NOASAN __attribute__((noreturn))
child(const struct svconf *sc, const int fds[3], char *const env[], int only3)
{
	const char *why;
	int i, prog = -1;

	for (i = 0; i < 3; i++)
		if (fds[i] != i && dup2(fds[i], i) == -1)
			die("dup2");
	/* only3: the child's table already holds fds 0-2 and nothing else. */
	if (!only3 && cloexec_from3() == -1)
		die("close_range");
	if (resetsignals() == -1)
		die("signals");
	/* A folder on the way is closed to the user: open it while root. */
	if ((sc->sc_byfd || sc->sc_chroot != NULL) &&
	    (prog = open(sc->sc_prog, O_PATH | O_CLOEXEC)) == -1)
		die(sc->sc_prog);
	/* The banner goes first, read while superd's rights still hold. */
	if (sc->sc_banner != NULL && greet_banner(sc->sc_banner, 1, &why) == -1)
		die(why);
	settings(sc);
	becomeuser(sc);
	if (prog != -1)
		(void)fexecve(prog, sc->sc_argv, env);
	else
		(void)execve(sc->sc_prog, sc->sc_argv, env);
	die(sc->sc_prog);
}

/*
 * The UNIX peer's credentials as UNIX* variables (ucspi-ipc's names) into
 * env, written into buf.
 */
static void
unixenv(char **env, int *n, char *buf, size_t len, const struct sockaddr *peer)
{
	const struct sock_unpeer *up = (const void *)peer;
	int k;

	if (peer == NULL || peer->sa_family != AF_UNIX ||
	    up->up_magic != SOCK_UNPEER_MAGIC)
		return;
	k = snprintf(buf, len, "UNIXREMOTEEUID=%lu", (unsigned long)up->up_uid);
	if (k < 0 || (size_t)k + 1 >= len)
		return;
	env[(*n)++] = buf;
	buf += k + 1;
	len -= (size_t)k + 1;
	k = snprintf(buf, len, "UNIXREMOTEEGID=%lu", (unsigned long)up->up_gid);
	if (k < 0 || (size_t)k + 1 >= len)
		return;
	env[(*n)++] = buf;
	buf += k + 1;
	len -= (size_t)k + 1;
	k = snprintf(buf, len, "UNIXREMOTEPID=%ld", (long)up->up_pid);
	if (k >= 0 && (size_t)k < len)
		env[(*n)++] = buf;
}

/* Where a handler's stderr goes when it is not the connection. */
static int
stderrfd(const struct svconf *sc, int fd2, int *logpipe)
{
	static int devnull = -1;
	int p[2];

	*logpipe = -1;
	if (sc->sc_stderr == STDERR_NULL) {
		if (devnull == -1 &&
		    (devnull = open("/dev/null", O_WRONLY | O_CLOEXEC)) == -1)
			return -1;
		return devnull;
	}
	if (sc->sc_stderr != STDERR_LOG)
		return fd2;
	if (pipe2(p, O_CLOEXEC) == -1)
		return -1;
	*logpipe = p[0];
	return p[1];
}

/* The per-connection variables' text, static: a child reads it before exec. */
static struct {
	char	e_remote[160], e_cgi[160], e_local[160], e_unix[96];
	char	e_proxy[160];
} envtext;

/*
 * The environment of sc's handler for peer on local (either may be NULL),
 * through the balancer lb (NULL: none): an array valid until the next
 * call, or NULL, with errno set, out of memory.
 */
char **
spawn_env(const struct svconf *sc, const struct sockaddr *peer,
    const struct sockaddr *local, const struct sockaddr *lb)
{
	const char *const *names = addrnames[sc->sc_socktype != SOCK_STREAM];
	char a[SOCK_ADDRSTRLEN];
	char **const env = envfor(sc), *const *e2;
	int n = 0, port;

	if (env == NULL)
		return NULL;
	env[n++] = "PATH=/usr/bin:/bin";
	if (sc->sc_family == AF_UNIX) {
		env[n++] = "PROTO=UNIX";
		if (sc->sc_socktype == SOCK_STREAM)
			unixenv(env, &n, envtext.e_unix,
			    sizeof(envtext.e_unix), peer);
	} else {
		env[n++] = sc->sc_socktype == SOCK_STREAM ? "PROTO=TCP" :
		    "PROTO=UDP";
		if (peer != NULL && sock_ntop(peer, a, sizeof(a), &port) ==
		    0) {
			addrenv(env, &n, envtext.e_remote,
			    sizeof(envtext.e_remote), names[0], names[1], a,
			    port);
			addrenv(env, &n, envtext.e_cgi, sizeof(envtext.e_cgi),
			    "REMOTE_ADDR", "REMOTE_PORT", a, port);
		}
		if (local != NULL && sock_ntop(local, a, sizeof(a), &port) ==
		    0)
			addrenv(env, &n, envtext.e_local,
			    sizeof(envtext.e_local), names[2], names[3], a,
			    port);
		if (lb != NULL && sock_ntop(lb, a, sizeof(a), &port) == 0)
			addrenv(env, &n, envtext.e_proxy,
			    sizeof(envtext.e_proxy), "PROXYREMOTEIP",
			    "PROXYREMOTEPORT", a, port);
	}
	env[n++] = sc->sc_envsvc;
	for (e2 = sc->sc_env; e2 != NULL && *e2 != NULL; e2++)
		env[n++] = *e2;
	env[n] = NULL;
	return env;
}

/* What clone's child is to run: child()'s arguments. */
struct cloneargs {
	const struct svconf	*ca_sc;
	const int		*ca_fds;
	char *const		*ca_env;
	int			 ca_lent;	/* the fds are on superd's 0-2 */
};

/*
 * clone's child runs here, on clonestack: it shares superd's memory, as
 * under vfork, but not superd's stack, so nothing it pushes can clobber
 * a frame superd returns to.  64 KiB holds a banner's buffer and the
 * libc calls of the hand-off several times over.
 */
static char clonestack[64 * 1024] __attribute__((aligned(16)));

#ifndef CLOSE_RANGE_UNSHARE
#define CLOSE_RANGE_UNSHARE	(1U << 1)
#endif

/*
 * A connection on a fd below this is handed over without lending
 * superd's fds 0-2: the child's copy of the table stops at it, and copying
 * that few entries costs less than the twelve calls of lendfds().
 */
#define LEND_FROM	64

/*
 * Under CLONE_FILES the child starts on superd's own fd table.  Its own
 * table comes from close_range(2) with CLOSE_RANGE_UNSHARE, which copies
 * only the fds below the range it closes, so that the cost of the start
 * does not grow with superd's listeners and connections (a fork or vfork
 * copies the whole table, and the exec then closes every close-on-exec
 * entry again):
 *   - the connection on a low fd (below LEND_FROM): the copy stops just
 *     past it, then the fds go onto 0-2 and the rest is marked to close;
 *   - else superd has lent the connection on its own fds 0-2
 *     (lendfds()), and the copy holds only those three.
 * A kernel without it (before 5.9): a whole copy by unshare(2), the table
 * shared no longer, and every fd above 2 marked to close.
 */
static int NOASAN
clonechild(void *arg)
{
	static const int std[3] = { 0, 1, 2 };
	const struct cloneargs *ca = arg;
	unsigned int from = 3;
	int i;

	if (!ca->ca_lent)
		for (i = 0; i < 3; i++)
			if ((unsigned int)ca->ca_fds[i] >= from)
				from = (unsigned int)ca->ca_fds[i] + 1;
	if (sysclose_range(from, ~0U, CLOSE_RANGE_UNSHARE) == -1) {
		if (unshare(CLONE_FILES) == -1)
			die("unshare");
		from = 0;	/* everything above 2 is still open */
	}
	child(ca->ca_sc, ca->ca_lent ? std : ca->ca_fds, ca->ca_env,
	    ca->ca_lent && from == 3);
}

/*
 * Puts fds[0..2] on superd's own fds 0-2 for clonechild(), keeping
 * superd's in saved[]; restorefds() puts them back once the child has its
 * own table.  Only between the two, with every signal blocked and nothing
 * logged, do superd's fds 0-2 hold the connection.  -1 with errno set
 * (nothing changed) when a copy cannot be made.
 */
static void	restorefds(int [3]);

static int
lendfds(const int fds[3], int saved[3])
{
	int i, e;

	for (i = 0; i < 3; i++)
		if ((saved[i] = fcntl(i, F_DUPFD_CLOEXEC, 3)) == -1) {
			e = errno;
			while (i-- > 0)
				(void)close(saved[i]);
			errno = e;
			return -1;
		}
	/* A source in 0-2 is superd's own fd: its copy in saved[]. */
	for (i = 0; i < 3; i++)
		if (dup2(fds[i] < 3 ? saved[fds[i]] : fds[i], i) == -1) {
			e = errno;
			restorefds(saved);
			errno = e;
			return -1;
		}
	return 0;
}

static void
restorefds(int saved[3])
{
	int i;

	for (i = 0; i < 3; i++) {
		(void)dup2(saved[i], i);
		(void)close(saved[i]);
	}
}

/*
 * Starts sc's handler with fds[0..2] as its fds 0, 1 and 2; peer and local
 * (either may be NULL) fill its environment, and lb, the load balancer a
 * PROXY header came through (NULL: none), PROXYREMOTEIP and
 * PROXYREMOTEPORT.  Returns the child's pid, or -1 with errno set when
 * fork fails.  When the child failed before its exec (it then exits 127),
 * *f says at what, else f->sf_what is NULL.
 *
 * The handler is started with clone(2) and CLONE_VM|CLONE_VFORK|
 * CLONE_FILES, or under -S vfork with vfork(2): nothing of superd's memory
 * is copied for a child that replaces itself at once, and under clone
 * of its fd table only the fds up to a connection below fd 64, or else
 * the three fds the child keeps (clonechild()).  Its signals are blocked
 * across the fork, so that superd's handlers never run in the child; the
 * child unblocks them once it has reset them.  (Builtins never get here:
 * builtin.c and conn.c serve them in superd.)
 */
pid_t
spawn_child(const struct svconf *sc, const int fds[3],
    const struct sockaddr *peer, const struct sockaddr *local,
    const struct sockaddr *lb, struct spawnfail *f)
{
	struct cloneargs ca;
	char **env;
	sigset_t all, old;
	pid_t pid;
	int e, myfds[3], saved[3], logpipe;

	if ((env = spawn_env(sc, peer, local, lb)) == NULL)
		return -1;
	myfds[0] = fds[0];
	myfds[1] = fds[1];
	if ((myfds[2] = stderrfd(sc, fds[2], &logpipe)) == -1)
		return -1;
	failure.sf_what = NULL;
	ca.ca_sc = sc;
	ca.ca_fds = myfds;
	ca.ca_env = env;
	if (sigfillset(&all) == -1 ||
	    sigprocmask(SIG_SETMASK, &all, &old) == -1)
		pid = -1;
	else {
		/* The child never returns: only superd unblocks here. */
		if (scheme == SPAWN_CLONE) {
			ca.ca_lent = myfds[0] >= LEND_FROM ||
			    myfds[1] >= LEND_FROM || myfds[2] >= LEND_FROM;
			if (!ca.ca_lent || (pid = lendfds(myfds, saved)) == 0) {
				clearstack();
				pid = clone(clonechild,
				    clonestack + sizeof(clonestack), CLONE_VM |
				    CLONE_VFORK | CLONE_FILES | SIGCHLD, &ca);
				e = errno;
				if (ca.ca_lent)
					restorefds(saved);
				errno = e;
			}
		} else if ((pid = vfork()) == 0)
			child(sc, myfds, env, 0);
		e = errno;
		(void)sigprocmask(SIG_SETMASK, &old, NULL);
		errno = e;
	}
	e = errno;
	if (logpipe != -1) {
		(void)close(myfds[2]);
		if (pid == -1)
			(void)close(logpipe);
		else
			errlog_add(logpipe, sc->sc_name, pid);
	}
	errno = e;
	*f = failure;
	return pid;
}

/*
 * The child's steps, for the spare's side of the hand-off (sparechild.c):
 * the same code, so a spare's handler gets the same world.
 */
void
spawn_die(const char *what)
{
	die(what);
}

int
spawn_resetsignals(void)
{
	return resetsignals();
}

/* The settings of sc, then its user and groups: dies on a failure. */
void
spawn_become(const struct svconf *sc)
{
	settings(sc);
	becomeuser(sc);
}

/* From now on a failure goes to superd on fd, not into shared memory. */
void
spawn_reportto(int fd)
{
	reportfd = fd;
}
