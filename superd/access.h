/*
 * Access control: tcpd's hosts.allow and hosts.deny, read natively and
 * matched on numeric addresses only.  access.c reads the files and makes
 * the check for each connection; accesspat.c parses and matches one
 * pattern.  The syntax accepted, and where it differs from tcpd, is
 * described at the top of those two files.
 */
#ifndef SUPERD_ACCESS_H
#define SUPERD_ACCESS_H

#include <stdio.h>
#include <sys/socket.h>

#include "log.h"

#define ACCESS_LINEMAX	4096	/* bytes in a line, continuations joined */
#define ACCESS_NAMEMAX	64	/* bytes in a daemon name, with the NUL */
#define ACCESS_MAXENT	10000	/* entries in one file */
#define ACCESS_MAXPAT	65536	/* patterns in one file */

struct acl;

struct acl	*access_load(const char *, int *);
struct acl	*access_parse_fp(FILE *, const char *, int *);
struct acl	*access_clients(const char *, const char *, int);
void		 access_free(struct acl *);
int		 access_loadpair(const char *, const char *, struct acl **,
		    struct acl **);
int		 access_check(const struct acl *, const struct acl *,
		    const char *, const char *, const struct sockaddr *);
int		 access_verdict(const struct acl *, const struct acl *,
		    const char *, const char *, const struct sockaddr *);

/*
 * Internal: what follows is shared by access.c and accesspat.c only.  The
 * rest of superd knows a struct acl by the functions above.
 */

enum access_kind {
	PAT_EXCEPT, PAT_ALL, PAT_LOCAL, PAT_NAME, PAT_PREFIX, PAT_SUFFIX,
	PAT_ADDR, PAT_UID
};

/* One pattern of a list, in binary form. */
struct access_pat {
	enum access_kind p_kind;
	int		 p_v6;		/* PAT_ADDR beyond ::ffff:0:0/96 */
	unsigned char	 p_net[16];	/* PAT_ADDR, as sock_addr16() writes */
	unsigned char	 p_mask[16];
	unsigned long	 p_uid;		/* PAT_UID: a UNIX peer's */
	char		 p_name[ACCESS_NAMEMAX]; /* NAME, PREFIX, SUFFIX */
};

/* One entry: its two lists are runs of the table's patterns. */
struct access_ent {
	int	e_line;
	int	e_verdict;	/* 1 allow, 0 deny, -1 as the file says */
	int	e_daemon;	/* first daemon pattern in a_pat */
	int	e_ndaemon;
	int	e_client;	/* first client pattern in a_pat */
	int	e_nclient;
};

/* One file, parsed. */
struct acl {
	struct access_ent	*a_ent;
	int			 a_nent;
	int			 a_entcap;
	struct access_pat	*a_pat;
	int			 a_npat;
	int			 a_patcap;
};

/* Where a parse is, for its messages. */
struct access_ctx {
	const char	*c_file;
	int		 c_line;
	struct acl	*c_acl;
};

/* One connection, as the patterns see it. */
struct access_query {
	const char	*q_argv0;	/* the last path component */
	const char	*q_service;
	int		 q_family;	/* sock_addr16()'s, or -1 for none */
	unsigned long	 q_uid;		/* AF_UNIX: the peer's uid */
	int		 q_v4sock;	/* an AF_INET peer (a tcp4 socket) */
	unsigned char	 q_addr[16];	/* as sock_addr16() writes */
};

/* Logs "FILE:LINE: message" for where c is and returns -1. */
#define access_bad(c, ...)	logat((c)->c_file, (c)->c_line, __VA_ARGS__)
int	access_client(const struct access_ctx *, struct access_pat *,
	    const char *);
int	access_daemon(const struct access_ctx *, struct access_pat *,
	    const char *);
int	access_match(const struct access_pat *, const struct access_query *);

#endif
