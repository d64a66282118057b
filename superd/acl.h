/*
 * The inside of access control, shared by its three files: access.c
 * (files and entries), aclpat.c (one pattern) and aclmatch.c (the check
 * made for each connection).
 */
#ifndef SUPERD_ACL_H
#define SUPERD_ACL_H

#include "access.h"

enum { P_EXCEPT, P_ALL, P_LOCAL, P_NAME, P_PREFIX, P_SUFFIX, P_ADDR };

struct pat {
	int		 p_kind;
	int		 p_v6;		/* P_ADDR beyond ::ffff:0:0/96 */
	unsigned char	 p_net[16];	/* P_ADDR; IPv4 as ::ffff:a.b.c.d */
	unsigned char	 p_mask[16];
	char		 p_name[ACL_NAMEMAX];	/* P_NAME, P_PREFIX, P_SUFFIX */
};

struct entry {
	int	e_line;
	int	e_verdict;	/* 1 allow, 0 deny, -1 as the file says */
	int	e_daemon;	/* first daemon pattern in a_pat */
	int	e_ndaemon;
	int	e_client;	/* first client pattern in a_pat */
	int	e_nclient;
};

struct acl {
	struct entry	*a_ent;
	int		 a_nent;
	int		 a_entcap;
	struct pat	*a_pat;
	int		 a_npat;
	int		 a_patcap;
};

struct ctx {
	const char	*c_file;
	int		 c_line;
	struct acl	*c_acl;
};

extern const unsigned char acl_v4mapped[12];	/* ::ffff:0:0/96 */

int	acl_bad(const struct ctx *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
int	acl_client(const struct ctx *, struct pat *, const char *);
int	acl_daemon(const struct ctx *, struct pat *, const char *);

#endif
