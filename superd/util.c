/*
 * Small helpers shared by superd's files.  parsenum() is the one bounded
 * number parser for argv and configuration values (glibc has no strtonum);
 * fopenreg() and physline() read configuration and access files safely.
 */
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

/*
 * Parses the decimal number s within [min, max].  On failure returns 0 and
 * points *errstr at "invalid", "too small" or "too large"; else *errstr is
 * NULL.
 */
long long
parsenum(const char *s, long long min, long long max, const char **errstr)
{
	long long v;
	char *end;

	*errstr = NULL;
	if (*s < '0' || *s > '9') {
		*errstr = *s == '-' && s[1] >= '0' && s[1] <= '9' ?
		    "too small" : "invalid";
		return 0;
	}
	errno = 0;
	v = strtoll(s, &end, 10);
	if (*end != '\0') {
		*errstr = "invalid";
		return 0;
	}
	if (errno == ERANGE || v > max) {
		*errstr = "too large";
		return 0;
	}
	if (v < min) {
		*errstr = "too small";
		return 0;
	}
	return v;
}

/* The monotonic clock, which no one can set back. */
void
tnow(struct timespec *ts)
{
	(void)clock_gettime(CLOCK_MONOTONIC, ts);
}

/* a - b in milliseconds. */
long long
tsdiff(const struct timespec *a, const struct timespec *b)
{
	return (a->tv_sec - b->tv_sec) * 1000LL +
	    (a->tv_nsec - b->tv_nsec) / 1000000;
}

/*
 * Opens path for reading if it is a regular file of at most FILEMAX bytes;
 * a FIFO, a device or a folder is refused without blocking on it.  Returns
 * the stream, or NULL with *why saying why.
 */
FILE *
fopenreg(const char *path, const char **why)
{
	struct stat st;
	FILE *fp;
	int fd;

	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)) ==
	    -1) {
		*why = strerror(errno);
		return NULL;
	}
	if (fstat(fd, &st) == -1)
		*why = strerror(errno);
	else if (!S_ISREG(st.st_mode))
		*why = S_ISDIR(st.st_mode) ? strerror(EISDIR) :
		    "not a regular file";
	else if (st.st_size > FILEMAX)
		*why = "larger than " FILEMAXSTR;
	else if (fcntl(fd, F_SETFL, 0) == -1 || (fp = fdopen(fd, "r")) ==
	    NULL)
		*why = strerror(errno);
	else
		return fp;
	(void)close(fd);
	return NULL;
}

/*
 * Reads one physical line into buf (size bytes) without its newline, and
 * sets *len.  Returns 0, 1 when the line did not fit (the rest is read and
 * dropped), 2 when it holds a NUL byte, or -1 at the end of the file or on
 * an error.  *cont tells whether the whole line ends in a backslash.
 */
int
physline(FILE *fp, char *buf, size_t size, size_t *len, int *cont)
{
	int ch, r = 0, got = 0, last = '\n';

	*len = 0;
	while ((ch = getc_unlocked(fp)) != EOF && ch != '\n') {
		got = 1;
		if (ch == '\0')
			r = r ? r : 2;
		if (ch != '\r')
			last = ch;
		if (*len + 1 < size)
			buf[(*len)++] = (char)ch;
		else
			r = 1;
	}
	buf[*len] = '\0';
	*cont = last == '\\';
	if (ch == EOF && !got)
		return -1;
	return r;
}


/* Makes sure fds 0, 1 and 2 are open, so no socket ever lands on them. */
void
stdfds(void)
{
	int fd;

	while ((fd = open("/dev/null", O_RDWR)) != -1 && fd <= 2)
		;
	if (fd == -1)
		err(1, "/dev/null");
	(void)close(fd);
}

/*
 * close_range(2) by its system call, as musl 1.2.3 has no wrapper for it.
 * Returns -1 with errno ENOSYS where the kernel or its headers lack it.
 */
int
sysclose_range(unsigned int first, unsigned int last, unsigned int flags)
{
#ifdef SYS_close_range
	return (int)syscall(SYS_close_range, first, last, flags);
#else
	(void)first;
	(void)last;
	(void)flags;
	errno = ENOSYS;
	return -1;
#endif
}
