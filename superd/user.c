/*
 * The users handlers run as.  A configuration load looks each USER[:GROUP]
 * up once, however many lines name it, and the groups of all of them in
 * one child (getgrouplist's NSS modules then never stay in superd), so a
 * large file loads in one pass.  Lines share their struct user, counted.
 */
#define _GNU_SOURCE
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "user.h"
#include "util.h"

struct userdb {
	struct user	*db_users;
};

struct userdb *
userdb_new(void)
{
	return calloc(1, sizeof(struct userdb));
}

/*
 * The user name with group grp (NULL: the user's own), looked up once per
 * load.  Returns it with a reference for the caller, or NULL with *err
 * saying why ("unknown user", "unknown group", or strerror).
 */
struct user *
userdb_get(struct userdb *db, const char *name, const char *grp,
    const char **err)
{
	struct passwd *pw;
	struct group *gr;
	struct user *u;
	gid_t gid;

	for (u = db->db_users; u != NULL; u = u->u_next)
		if (strcmp(u->u_name, name) == 0 && (grp == NULL ?
		    u->u_grname == NULL : u->u_grname != NULL &&
		    strcmp(u->u_grname, grp) == 0))
			goto found;
	if ((pw = getpwnam(name)) == NULL) {
		*err = "unknown user";
		return NULL;
	}
	gid = pw->pw_gid;
	if (grp != NULL) {
		if ((gr = getgrnam(grp)) == NULL) {
			*err = "unknown group";
			return NULL;
		}
		gid = gr->gr_gid;
	}
	if ((u = calloc(1, sizeof(*u))) == NULL ||
	    (u->u_name = strdup(name)) == NULL ||
	    (grp != NULL && (u->u_grname = strdup(grp)) == NULL)) {
		*err = strerror(errno);
		if (u != NULL)
			free(u->u_name);
		free(u);
		return NULL;
	}
	u->u_uid = pw->pw_uid;
	u->u_gid = gid;
	u->u_ngroups = -1;
	u->u_refs = 1;		/* the userdb's */
	u->u_next = db->db_users;
	db->db_users = u;
found:
	u->u_refs++;
	return u;
}

/* Writes all n bytes of buf to fd: 0, or -1. */
static int
putall(int fd, const void *buf, size_t n)
{
	const char *p = buf;
	ssize_t w;

	while (n > 0) {
		if ((w = write(fd, p, n)) == -1 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Reads exactly n bytes: 0, or -1 (EOF or an error). */
static int
getall(int fd, void *buf, size_t n)
{
	char *p = buf;
	ssize_t r;

	while (n > 0) {
		if ((r = read(fd, p, n)) == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

/* The child's side: every user's group count and list, in list order. */
static void __attribute__((noreturn))
lookup(const struct userdb *db, int fd, int max)
{
	const struct user *u;
	gid_t *g;
	int n;

	if ((g = calloc((size_t)max, sizeof(*g))) == NULL)
		_exit(1);
	for (u = db->db_users; u != NULL; u = u->u_next) {
		n = max;
		if (getgrouplist(u->u_name, u->u_gid, g, &n) == -1 || n < 0)
			n = -1;
		if (putall(fd, &n, sizeof(n)) == -1 || (n > 0 &&
		    putall(fd, g, (size_t)n * sizeof(*g)) == -1))
			_exit(1);
	}
	_exit(0);
}

/*
 * Looks up the groups of every user of db, as initgroups(3) would set
 * them, in one child that sends them back on a pipe.  Returns 0, or -1
 * with *err naming what failed; a user whose groups could not be had keeps
 * u_ngroups -1.  Call it with no file open that the child could disturb.
 */
int
userdb_groups(struct userdb *db, const char **err)
{
	long max = sysconf(_SC_NGROUPS_MAX);
	struct user *u;
	int p[2], n, st, ok = 0;
	pid_t pid;

	if (db->db_users == NULL)
		return 0;
	if (max <= 0 || max > 65536)
		max = 65536;
	if (pipe2(p, O_CLOEXEC) == -1) {
		*err = "pipe";
		return -1;
	}
	if ((pid = fork()) == -1) {
		*err = "fork";
		(void)close(p[0]);
		(void)close(p[1]);
		return -1;
	}
	if (pid == 0) {
		/*
		 * Only the pipe: a connection superd closes meanwhile must not
		 * stay open through this child.
		 */
		if (p[1] != 3 && dup2(p[1], 3) == -1)
			_exit(1);
		(void)sysclose_range(4, ~0U, 0);
		lookup(db, 3, (int)max);
	}
	(void)close(p[1]);
	for (u = db->db_users; u != NULL; u = u->u_next) {
		if (getall(p[0], &n, sizeof(n)) == -1)
			break;
		if (n < 0)
			continue;
		if (n > max || (u->u_groups = calloc(n > 0 ? (size_t)n : 1,
		    sizeof(gid_t))) == NULL)
			break;
		if (getall(p[0], u->u_groups, (size_t)n * sizeof(gid_t)) == -1)
			break;
		u->u_ngroups = n;
	}
	ok = u == NULL;
	(void)close(p[0]);
	while (waitpid(pid, &st, 0) == -1 && errno == EINTR)
		;
	if (!ok) {
		*err = "group look-up";
		return -1;
	}
	return 0;
}

/* Ends the load: lines that took a reference keep their users. */
void
userdb_free(struct userdb *db)
{
	struct user *u, *next;

	if (db == NULL)
		return;
	for (u = db->db_users; u != NULL; u = next) {
		next = u->u_next;
		user_release(u);
	}
	free(db);
}

void
user_release(struct user *u)
{
	if (u == NULL || --u->u_refs > 0)
		return;
	free(u->u_name);
	free(u->u_grname);
	free(u->u_groups);
	free(u);
}

static int
ingroup(const struct user *u, gid_t g)
{
	int i;

	if (g == u->u_gid)
		return 1;
	for (i = 0; i < u->u_ngroups; i++)
		if (u->u_groups[i] == g)
			return 1;
	return 0;
}

/* May u search (a folder) or execute (a file) st, by its mode bits? */
static int
mayexec(const struct user *u, const struct stat *st)
{
	if (u->u_uid == 0)
		return S_ISDIR(st->st_mode) ||
		    (st->st_mode & (S_IXUSR | S_IXGRP | S_IXOTH)) != 0;
	if (st->st_uid == u->u_uid)
		return (st->st_mode & S_IXUSR) != 0;
	if (ingroup(u, st->st_gid))
		return (st->st_mode & S_IXGRP) != 0;
	return (st->st_mode & S_IXOTH) != 0;
}

/* 1 when the file at path starts with "#!": the kernel runs a script. */
static int
isscript(const char *path)
{
	char b[2];
	int fd, r;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) == -1)
		return 0;
	r = read(fd, b, 2) == 2 && b[0] == '#' && b[1] == '!';
	(void)close(fd);
	return r;
}

/*
 * Can u run the program at path (absolute)?  Judged by mode bits, as the
 * kernel judges them without ACLs, on the path with its symbolic links
 * resolved.  Returns 0 when it can: *byfd then says that a folder on the
 * way is closed to u, so superd must open the program before it switches
 * to u and execute that descriptor (a script cannot be run that way).
 * Returns -1 when it cannot, with the reason written into why.
 */
int
user_canexec(const struct user *u, const char *path, int *byfd, char *why,
    size_t len)
{
	char *real, *p;
	struct stat st;
	int r = -1;

	*byfd = 0;
	if ((real = realpath(path, NULL)) == NULL) {
		(void)snprintf(why, len, "%s", strerror(errno));
		return -1;
	}
	for (p = strchr(real + 1, '/'); p != NULL && !*byfd;
	    p = strchr(p + 1, '/')) {
		*p = '\0';
		if (stat(real, &st) == 0 && !mayexec(u, &st))
			*byfd = 1;
		if (*byfd)
			(void)snprintf(why, len, "user '%s' cannot enter "
			    "folder %s", u->u_name, real);
		*p = '/';
	}
	if (stat(real, &st) == -1)
		(void)snprintf(why, len, "%s", strerror(errno));
	else if (!mayexec(u, &st))
		(void)snprintf(why, len, "user '%s' may not execute it (mode "
		    "%04o, owner uid %ld)", u->u_name,
		    (unsigned)(st.st_mode & 07777), (long)st.st_uid);
	else if (*byfd && isscript(real))
		(void)snprintf(why + strlen(why), len - strlen(why),
		    ", and a script cannot be run from a descriptor");
	else
		r = 0;
	free(real);
	return r;
}
