/*
 * The banner (a file sent to the client before its handler runs, xinetd's
 * `banner`) and the refusal line (a line sent to a client that a limit or
 * an access rule refuses, instead of a silent close).
 *
 * Both are written without waiting, with MSG_DONTWAIT: the banner by the
 * child between its vfork and its exec, while superd waits for it (a spare
 * reads it while still root and sends it once its connection arrives), and
 * the refusal by superd itself.  A fresh connection's send buffer takes
 * far more than GREET_BANNERMAX bytes, so neither is ever cut in practice;
 * a banner that would not fit whole is the child's failure, logged, and
 * never a stall of superd.
 */
#define _GNU_SOURCE
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "greet.h"

/* Sends all of buf on fd without waiting: 0, or -1 with errno set. */
static int
sendall(int fd, const char *buf, size_t len)
{
	ssize_t n;

	while (len > 0) {
		if ((n = send(fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL)) ==
		    -1) {
			if (errno == EINTR)
				continue;
			/* not a socket (a pipe in a test): write it */
			if (errno != ENOTSOCK ||
			    (n = write(fd, buf, len)) == -1)
				return -1;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * Reads the file at path into buf (GREET_BANNERMAX + 1 bytes), its length
 * into *len.  Returns 0, or -1 with errno set and *why naming what failed.
 * Runs in a vforked child or a spare: no allocation, no stdio.
 */
int
greet_read(const char *path, char *buf, size_t *len, const char **why)
{
	ssize_t n;
	int bfd, e;

	*why = path;
	*len = 0;
	if ((bfd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)) ==
	    -1)
		return -1;
	while (*len < GREET_BANNERMAX + 1 && (n = read(bfd, buf + *len,
	    GREET_BANNERMAX + 1 - *len)) != 0) {
		if (n == -1) {
			if (errno == EINTR)
				continue;
			e = errno;
			(void)close(bfd);
			errno = e;
			return -1;
		}
		*len += (size_t)n;
	}
	(void)close(bfd);
	if (*len > GREET_BANNERMAX) {
		errno = EFBIG;
		return -1;
	}
	return 0;
}

/* Sends a banner that greet_read() read: 0, or -1 with errno set. */
int
greet_send(int fd, const char *buf, size_t len)
{
	return sendall(fd, buf, len);
}

/*
 * Sends the file at path to fd.  Returns 0, or -1 with errno set and *why
 * naming what failed.  Runs in a vforked child: no allocation, no stdio.
 */
int
greet_banner(const char *path, int fd, const char **why)
{
	char buf[GREET_BANNERMAX + 1];
	size_t len;

	if (greet_read(path, buf, &len, why) == -1)
		return -1;
	*why = "banner";
	return sendall(fd, buf, len);
}

/* Sends line and a CRLF to fd, as much as its socket takes now. */
void
greet_refuse(const char *line, int fd)
{
	char buf[1024];
	int n;

	n = snprintf(buf, sizeof(buf), "%s\r\n", line);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(buf))
		n = (int)sizeof(buf) - 1;
	(void)sendall(fd, buf, (size_t)n);
}
