/* The users handlers run as: looked up once per configuration load. */
#ifndef SUPERD_USER_H
#define SUPERD_USER_H

#include <sys/types.h>

/* One USER[:GROUP] of a configuration, shared by the lines that name it. */
struct user {
	struct user	*u_next;	/* in its userdb */
	char		*u_name;
	char		*u_grname;	/* GROUP as written, or NULL */
	uid_t		 u_uid;
	gid_t		 u_gid;		/* GROUP, else USER's own */
	gid_t		*u_groups;	/* as initgroups(3) would set them */
	int		 u_ngroups;	/* -1 until looked up */
	int		 u_refs;
};

struct userdb;

struct userdb	*userdb_new(void);
struct user	*userdb_get(struct userdb *, const char *, const char *,
		    const char **);
int		 userdb_groups(struct userdb *, const char **);
void		 userdb_free(struct userdb *);
void		 user_release(struct user *);
int		 user_canexec(const struct user *, const char *, int *, char *,
		    size_t);

#endif
