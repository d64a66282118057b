/*
 * A spare's side of the hand-off (-S spare), in the child of superd's
 * fork: all that no connection decides, done ahead, then one message from
 * superd with the connection's descriptors and environment, and the exec.
 * superd's side is spare.c; the steps shared with every child, spawn.c's.
 */
#define _GNU_SOURCE
#include <sys/types.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "greet.h"
#include "spawn.h"
#include "util.h"

/*
 * Closes every descriptor but end, which it moves to 3 if it is not there
 * (close-on-exec either way).  Returns 3, or -1 with errno set.
 */
static int
closeallbut(int end)
{
	struct dirent *de;
	DIR *d;
	int fd;

	if (end != 3 && (dup3(end, 3, O_CLOEXEC) == -1 || close(end) == -1))
		return -1;
	if (sysclose_range(0, 2, 0) == 0 && sysclose_range(4, ~0U, 0) == 0)
		return 3;
	if (errno != ENOSYS)
		return -1;
	/* No close_range(2): each of /proc/self/fd. */
	for (fd = 0; fd < 3; fd++)
		(void)close(fd);
	if ((d = opendir("/proc/self/fd")) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL)
		if ((fd = atoi(de->d_name)) > 3 && fd != dirfd(d))
			(void)close(fd);
	(void)closedir(d);
	return 3;
}

/*
 * Puts the n descriptors received, rfd, on 0, 1 and 2 as map says (fd i
 * is rfd[map[i]]; devnull, when not -1, is fd 2 instead).  Each is first
 * moved above 2, so that no dup2() overwrites one still to be placed.
 */
static void
placefds(int *rfd, int n, const int map[3], int devnull)
{
	int i, fd;

	for (i = 0; i < n; i++) {
		if (rfd[i] > 2)
			continue;
		if ((fd = fcntl(rfd[i], F_DUPFD_CLOEXEC, 3)) == -1)
			spawn_die("fcntl");
		rfd[i] = fd;
	}
	for (i = 0; i < 3; i++) {
		if (i == 2 && devnull != -1)
			fd = devnull;
		else if (map[i] >= 0 && map[i] < n)
			fd = rfd[map[i]];
		else {
			errno = EPROTO;
			spawn_die("spare message");
		}
		if (dup2(fd, i) == -1)
			spawn_die("dup2");
	}
}

/*
 * A spare's whole life, in the child of a fork: everything of the hand-off
 * that no connection decides (descriptors closed but end, signals reset
 * and unblocked, the program opened, the banner read, limits, root and
 * user), then one message on end: the connection's descriptors and
 * environment.  It puts them in place and execs at once; a failure goes
 * back to superd on end.  EOF on end (superd dropped it, or exited or
 * exec'd an upgrade) ends it quietly.
 */
void
spawn_spare(const struct svconf *sc, int end)
{
	static char banner[GREET_BANNERMAX + 1], buf[SPARE_MSGMAX];
	static char *env[SPARE_ENVMAX + 1];
	union {
		struct cmsghdr	 hdr;
		char		 space[CMSG_SPACE(3 * sizeof(int))];
	} cm;
	struct sparemsg hd;
	struct cmsghdr *ch;
	struct msghdr mh;
	struct iovec iov[2];
	size_t blen = 0, off;
	ssize_t len;
	const char *why = NULL;
	int rfd[3], nfd = 0, i, prog = -1, devnull = -1;

	if ((end = closeallbut(end)) == -1)
		_exit(127);
	spawn_reportto(end);
	(void)prctl(PR_SET_NAME, "superd-spare", 0, 0, 0);
	if (spawn_resetsignals() == -1)
		spawn_die("signals");
	if ((sc->sc_byfd || sc->sc_chroot != NULL) &&
	    (prog = open(sc->sc_prog, O_PATH | O_CLOEXEC)) == -1)
		spawn_die(sc->sc_prog);
	if (sc->sc_stderr == STDERR_NULL &&
	    (devnull = open("/dev/null", O_WRONLY | O_CLOEXEC)) == -1)
		spawn_die("/dev/null");
	/* Read while superd's rights hold; sent once the client is here. */
	if (sc->sc_banner != NULL &&
	    greet_read(sc->sc_banner, banner, &blen, &why) == -1)
		spawn_die(why);
	spawn_become(sc);

	memset(&mh, 0, sizeof(mh));
	iov[0].iov_base = &hd;
	iov[0].iov_len = sizeof(hd);
	iov[1].iov_base = buf;
	iov[1].iov_len = sizeof(buf) - 1;
	mh.msg_iov = iov;
	mh.msg_iovlen = 2;
	mh.msg_control = cm.space;
	mh.msg_controllen = sizeof(cm.space);
	while ((len = recvmsg(end, &mh, MSG_CMSG_CLOEXEC)) == -1 &&
	    errno == EINTR)
		;
	if (len == 0)
		_exit(0);
	if (len == -1)
		spawn_die("recvmsg");
	for (ch = CMSG_FIRSTHDR(&mh); ch != NULL; ch = CMSG_NXTHDR(&mh, ch))
		if (ch->cmsg_level == SOL_SOCKET && ch->cmsg_type == SCM_RIGHTS) {
			nfd = (int)((ch->cmsg_len - CMSG_LEN(0)) / sizeof(int));
			if (nfd > 3)
				nfd = 3;
			memcpy(rfd, CMSG_DATA(ch), (size_t)nfd * sizeof(int));
		}
	if ((size_t)len < sizeof(hd) || (mh.msg_flags & (MSG_TRUNC |
	    MSG_CTRUNC)) || hd.sm_nenv < 0 || hd.sm_nenv > SPARE_ENVMAX) {
		errno = EPROTO;
		spawn_die("spare message");
	}
	len -= (ssize_t)sizeof(hd);
	buf[len] = '\0';
	for (i = 0, off = 0; i < hd.sm_nenv && off < (size_t)len; i++) {
		env[i] = buf + off;
		off += strlen(buf + off) + 1;
	}
	env[i] = NULL;
	placefds(rfd, nfd, hd.sm_map, devnull);
	if (blen > 0 && greet_send(1, banner, blen) == -1)
		spawn_die("banner");
	if (prog != -1)
		(void)fexecve(prog, sc->sc_argv, env);
	else
		(void)execve(sc->sc_prog, sc->sc_argv, env);
	spawn_die(sc->sc_prog);
}
