/*
 * output.c: -o FILE, which never replaces what is not a regular file
 * (SPEC section 3).  The body of a regular file or a new name goes to a
 * temporary file beside it, renamed over the name when the response is
 * complete, so that a failed transfer leaves the file as it was; one that
 * cannot be renamed into place without changing it (several hard links,
 * an owner httpget cannot give) is copied into the file instead.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "output.h"

#define MAXLINKS	40	/* Linux's MAXSYMLINKS */

/*
 * Follows the symbolic links from FILE into O's o_path, and stats what
 * they end at into ST.  Returns 1 when it exists, 0 when it does not
 * (the name to create), -1 with errno.
 */
static int
follow(struct out *o, const char *file, struct stat *st)
{
	char link[PATH_MAX], *slash;
	ssize_t n;
	int i, r;

	if (strlen(file) >= sizeof(o->o_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	(void)strcpy(o->o_path, file);
	for (i = 0; ; i++) {
		if (lstat(o->o_path, st) == -1)
			return errno == ENOENT ? 0 : -1;
		if (!S_ISLNK(st->st_mode))
			return 1;
		if (i == MAXLINKS) {
			errno = ELOOP;
			return -1;
		}
		if ((n = readlink(o->o_path, link, sizeof(link))) == -1)
			return -1;
		if ((size_t)n == sizeof(link)) {
			errno = ENAMETOOLONG;
			return -1;
		}
		link[n] = '\0';
		/* A relative target is relative to the link's directory. */
		slash = strrchr(o->o_path, '/');
		if (link[0] != '/' && slash != NULL) {
			slash[1] = '\0';
			r = snprintf(o->o_path + strlen(o->o_path),
			    sizeof(o->o_path) - strlen(o->o_path), "%s", link);
		} else
			r = snprintf(o->o_path, sizeof(o->o_path), "%s", link);
		if (r < 0 || (size_t)r >= sizeof(o->o_path)) {
			errno = ENAMETOOLONG;
			return -1;
		}
	}
}

/* Connects to the socket at PATH, as a write to it means. */
static int
unixconnect(const char *path)
{
	struct sockaddr_un sun;
	int fd, e;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	(void)strcpy(sun.sun_path, path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1)
		return -1;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		e = errno;
		(void)close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/*
 * A temporary file beside o_path that will take its place.  An existing
 * file ST keeps its owner and mode; when the new file cannot have them,
 * or other names link to the file, it is copied into the file instead.
 */
static int
tmpopen(struct out *o, const struct stat *st)
{
	mode_t mask;
	int r;

	r = snprintf(o->o_tmp, sizeof(o->o_tmp), "%s.httpget-XXXXXX",
	    o->o_path);
	if (r < 0 || (size_t)r >= sizeof(o->o_tmp)) {
		o->o_tmp[0] = '\0';
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((o->o_fd = mkstemp(o->o_tmp)) == -1) {
		o->o_tmp[0] = '\0';
		return -1;
	}
	if (fcntl(o->o_fd, F_SETFD, FD_CLOEXEC) == -1)
		return -1;
	o->o_mode = OUT_RENAME;
	if (st == NULL) {
		mask = umask(0);
		(void)umask(mask);
		return fchmod(o->o_fd, 0666 & ~mask);
	}
	/* fchown clears the set-id bits, so it goes first. */
	if (st->st_nlink > 1 || fchown(o->o_fd, st->st_uid, st->st_gid) == -1) {
		o->o_mode = OUT_COPY;
		return 0;
	}
	return fchmod(o->o_fd, st->st_mode & 07777);
}

int
out_open(struct out *o, const char *file)
{
	struct stat st;
	int r;

	o->o_fd = STDOUT_FILENO;
	o->o_mode = OUT_STDOUT;
	o->o_tmp[0] = '\0';
	if (strcmp(file, "-") == 0)
		return 0;
	if ((r = follow(o, file, &st)) == -1)
		return -1;
	if (r == 0)
		return tmpopen(o, NULL);
	if (S_ISDIR(st.st_mode)) {
		errno = EISDIR;
		return -1;
	}
	if (S_ISREG(st.st_mode))
		return tmpopen(o, &st);
	o->o_mode = OUT_THROUGH;
	if (S_ISSOCK(st.st_mode))
		o->o_fd = unixconnect(o->o_path);
	else
		o->o_fd = open(o->o_path, O_WRONLY | O_NOCTTY | O_CLOEXEC);
	return o->o_fd == -1 ? -1 : 0;
}

/*
 * Copies the temporary file into o_path, which keeps its inode, links,
 * owner and mode.  O_NONBLOCK: a name that became a FIFO meanwhile must
 * not block the open; the file is checked to be regular still.
 */
static int
copyback(struct out *o)
{
	static char buf[65536];
	struct stat st;
	ssize_t n, w;
	size_t off;
	int fd, r = -1, e;

	if (lseek(o->o_fd, 0, SEEK_SET) == -1 || (fd = open(o->o_path,
	    O_WRONLY | O_NOCTTY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)) == -1)
		return -1;
	if (fstat(fd, &st) == -1)
		goto out;
	if (!S_ISREG(st.st_mode)) {
		errno = EEXIST;
		goto out;
	}
	if (ftruncate(fd, 0) == -1)
		goto out;
	for (;;) {
		if ((n = read(o->o_fd, buf, sizeof(buf))) == -1) {
			if (errno == EINTR)
				continue;
			goto out;
		}
		if (n == 0)
			break;
		for (off = 0; off < (size_t)n; off += (size_t)w)
			if ((w = write(fd, buf + off, (size_t)n - off)) == -1) {
				if (errno != EINTR)
					goto out;
				w = 0;
			}
	}
	r = 0;
out:
	e = errno;
	if (close(fd) == -1 && r == 0) {
		e = errno;
		r = -1;
	}
	errno = e;
	return r;
}

int
out_commit(struct out *o)
{
	struct stat st;
	int r = 0, e = 0;

	if (o->o_mode == OUT_STDOUT)
		return 0;
	if (o->o_mode == OUT_COPY && copyback(o) == -1) {
		r = -1;
		e = errno;
	}
	/* A name that became something else meanwhile is left alone. */
	if (o->o_mode == OUT_RENAME && lstat(o->o_path, &st) == 0 &&
	    !S_ISREG(st.st_mode)) {
		r = -1;
		e = EEXIST;
	}
	if (close(o->o_fd) == -1 && r == 0) {
		r = -1;
		e = errno;
	}
	o->o_fd = -1;
	if (r == 0 && o->o_mode == OUT_RENAME) {
		if (rename(o->o_tmp, o->o_path) == -1) {
			r = -1;
			e = errno;
		} else
			o->o_tmp[0] = '\0';
	}
	out_discard(o);
	errno = e;
	return r;
}

void
out_discard(struct out *o)
{
	if (o->o_tmp[0] != '\0')
		(void)unlink(o->o_tmp);
	o->o_tmp[0] = '\0';
}
