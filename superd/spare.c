/*
 * -S spare: one handler process per service forked ahead of demand.  It
 * does the part of the hand-off that no connection decides (spawn_spare())
 * and waits on a socketpair; a connection goes to it in one message, its
 * descriptors as SCM_RIGHTS and its environment as text, and superd forks
 * the next spare while that handler runs.  Spares are not handlers: the
 * limits never count them.  Every reload and superd's exit drop them all.
 */
#define _GNU_SOURCE
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "conf.h"
#include "log.h"
#include "service.h"
#include "spare.h"
#include "spawn.h"
#include "util.h"

#define SPARE_BACKOFF	1	/* seconds without a spare after one died */

struct spare {
	struct service	*sp_sv;
	pid_t		 sp_pid;	/* 0: none, sp_until says till when */
	int		 sp_fd;		/* superd's end, or -1 */
	int		 sp_stale;	/* refused its message: to be reaped */
	struct timespec	 sp_until;
};

static struct spare *spares;
static size_t nspares, capspares;

/* sv's entry, or NULL. */
static struct spare *
find(const struct service *sv)
{
	size_t i;

	for (i = 0; i < nspares; i++)
		if (spares[i].sp_sv == sv)
			return &spares[i];
	return NULL;
}

static void
del(struct spare *sp)
{
	*sp = spares[--nspares];
}

/* 1 when a spare can serve sc: a line to superd's log needs a pipe each. */
static int
suits(const struct svconf *sc)
{
	return sc->sc_stderr != STDERR_LOG;
}

/*
 * Forks a spare for sv unless it has one, or lost one less than
 * SPARE_BACKOFF seconds ago.  A failure is logged; the next connection is
 * then started the usual way.
 */
void
spare_make(struct service *sv)
{
	struct spare *sp;
	struct timespec t;
	sigset_t all, old;
	size_t cap;
	pid_t pid;
	int p[2], e;
	void *q;

	if (!suits(sv->sv_conf))
		return;
	if ((sp = find(sv)) != NULL) {
		tnow(&t);
		if (sp->sp_pid != 0 || tsdiff(&sp->sp_until, &t) > 0)
			return;
		del(sp);
	}
	if (nspares == capspares) {
		cap = capspares ? capspares * 2 : 16;
		if ((q = reallocarray(spares, cap, sizeof(*spares))) == NULL) {
			logfault(sv, "spare", strerror(errno));
			return;
		}
		spares = q;
		capspares = cap;
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, p) == -1) {
		logfault(sv, "socketpair", strerror(errno));
		return;
	}
	/* superd's handlers must never run in the spare: blocked till reset. */
	if (sigfillset(&all) == -1 ||
	    sigprocmask(SIG_SETMASK, &all, &old) == -1)
		pid = -1;
	else {
		if ((pid = fork()) == 0)
			spawn_spare(sv->sv_conf, p[1]);
		e = errno;
		(void)sigprocmask(SIG_SETMASK, &old, NULL);
		errno = e;
	}
	e = errno;
	(void)close(p[1]);
	if (pid == -1) {
		(void)close(p[0]);
		logfault(sv, "fork", strerror(e));
		return;
	}
	sp = &spares[nspares++];
	memset(sp, 0, sizeof(*sp));
	sp->sp_sv = sv;
	sp->sp_pid = pid;
	sp->sp_fd = p[0];
}

/*
 * Hands the connection on fds[0..2] (for peer on local, through lb: see
 * spawn_child()) to sv's spare.  Returns its pid, with *report the end to
 * read its failure from once it has ended (spare_report()); 0 when sv has
 * no spare that took it, the connection then to be started the usual way.
 */
pid_t
spare_take(struct service *sv, const int fds[3], const struct sockaddr *peer,
    const struct sockaddr *local, const struct sockaddr *lb, int *report)
{
	static char text[SPARE_MSGMAX];
	union {
		struct cmsghdr	 hdr;
		char		 space[CMSG_SPACE(3 * sizeof(int))];
	} cm;
	struct sparemsg hd;
	struct spare *sp;
	struct cmsghdr *ch;
	struct msghdr mh;
	struct iovec iov[2];
	char **env;
	size_t len = 0, k;
	pid_t pid;
	int sent[3], nfd = 0, i, j;

	if ((sp = find(sv)) == NULL || sp->sp_pid == 0 || sp->sp_stale ||
	    (env = spawn_env(sv->sv_conf, peer, local, lb)) == NULL)
		return 0;
	memset(&hd, 0, sizeof(hd));
	for (; env[hd.sm_nenv] != NULL; hd.sm_nenv++) {
		k = strlen(env[hd.sm_nenv]) + 1;
		/* Too much for the spare's buffer: the usual way. */
		if (k > sizeof(text) - 1 - len || hd.sm_nenv == SPARE_ENVMAX)
			return 0;
		memcpy(text + len, env[hd.sm_nenv], k);
		len += k;
	}
	/* Each descriptor once, however many of 0, 1 and 2 it is. */
	for (i = 0; i < 3; i++) {
		for (j = 0; j < nfd && sent[j] != fds[i]; j++)
			;
		if (j == nfd)
			sent[nfd++] = fds[i];
		hd.sm_map[i] = j;
	}
	memset(&mh, 0, sizeof(mh));
	memset(&cm, 0, sizeof(cm));
	iov[0].iov_base = &hd;
	iov[0].iov_len = sizeof(hd);
	iov[1].iov_base = text;
	iov[1].iov_len = len;
	mh.msg_iov = iov;
	mh.msg_iovlen = 2;
	mh.msg_control = cm.space;
	mh.msg_controllen = CMSG_SPACE((size_t)nfd * sizeof(int));
	ch = CMSG_FIRSTHDR(&mh);
	ch->cmsg_level = SOL_SOCKET;
	ch->cmsg_type = SCM_RIGHTS;
	ch->cmsg_len = CMSG_LEN((size_t)nfd * sizeof(int));
	memcpy(CMSG_DATA(ch), sent, (size_t)nfd * sizeof(int));
	if (sendmsg(sp->sp_fd, &mh, MSG_NOSIGNAL | MSG_DONTWAIT) == -1) {
		/*
		 * It died, or is stuck: either way the reaper logs its end,
		 * and sv gets no other spare until then.
		 */
		if (errno != EPIPE && errno != ECONNRESET)
			logfault(sv, "spare", strerror(errno));
		(void)kill(sp->sp_pid, SIGKILL);
		sp->sp_stale = 1;
		return 0;
	}
	pid = sp->sp_pid;
	*report = sp->sp_fd;
	del(sp);
	return pid;
}

/*
 * The failure a spare sent on fd before it ended, into *f (its text in
 * a buffer valid until the next call).  Returns 1 when it sent one, else
 * 0 (it exec'd, or died without a word).
 */
int
spare_report(int fd, struct spawnfail *f)
{
	static struct sparefail sf;
	ssize_t n;

	while ((n = recv(fd, &sf, sizeof(sf), MSG_DONTWAIT)) == -1 &&
	    errno == EINTR)
		;
	if (n != (ssize_t)sizeof(sf))
		return 0;
	sf.sf_what[sizeof(sf.sf_what) - 1] = '\0';
	f->sf_what = sf.sf_what;
	f->sf_errno = sf.sf_errno;
	return 1;
}

/*
 * pid has ended with status: when it was a spare still waiting, its
 * failure is logged as a handler's would be, and its service gets no
 * other for SPARE_BACKOFF seconds.  Returns 1 when pid was a spare.
 */
int
spare_reaped(pid_t pid, int status)
{
	struct spawnfail f;
	struct spare *sp;
	char why[64];
	size_t i;

	for (i = 0; i < nspares && spares[i].sp_pid != pid; i++)
		;
	if (pid <= 0 || i == nspares)
		return 0;
	sp = &spares[i];
	if (spare_report(sp->sp_fd, &f))
		logfault(sp->sp_sv, f.sf_what, strerror(f.sf_errno));
	else {
		if (WIFSIGNALED(status))
			(void)snprintf(why, sizeof(why), "killed by signal %d",
			    WTERMSIG(status));
		else
			(void)snprintf(why, sizeof(why), "exited %d",
			    WEXITSTATUS(status));
		logfault(sp->sp_sv, "spare", why);
	}
	(void)close(sp->sp_fd);
	sp->sp_fd = -1;
	sp->sp_pid = 0;
	sp->sp_stale = 0;
	tnow(&sp->sp_until);
	sp->sp_until.tv_sec += SPARE_BACKOFF;
	return 1;
}

/*
 * Every spare killed and forgotten: at a reload (a service changed or
 * removed must not keep one made for its old line) and at exit.  Their
 * ends are closed, so one that misses the signal sees EOF and exits.
 */
void
spare_dropall(void)
{
	size_t i;

	for (i = 0; i < nspares; i++) {
		if (spares[i].sp_pid == 0)
			continue;
		(void)kill(spares[i].sp_pid, SIGKILL);
		(void)close(spares[i].sp_fd);
	}
	nspares = 0;
}

/* At exit: the spares, reaped so that none is left a zombie, then the table. */
void
spare_freeall(void)
{
	size_t i;

	for (i = 0; i < nspares; i++)
		if (spares[i].sp_pid != 0) {
			(void)kill(spares[i].sp_pid, SIGKILL);
			(void)close(spares[i].sp_fd);
			/* SIGKILL: the wait is short. */
			while (waitpid(spares[i].sp_pid, NULL, 0) == -1 &&
			    errno == EINTR)
				;
		}
	nspares = 0;
	free(spares);
	spares = NULL;
	capspares = 0;
}
