/*
 * Access control: tcpd's hosts.allow and hosts.deny, read natively and
 * matched on numeric addresses only.  The syntax accepted, and where it
 * differs from tcpd, is described at the top of access.c.
 */
#ifndef SUPERD_ACCESS_H
#define SUPERD_ACCESS_H

#include <stdio.h>
#include <sys/socket.h>

#define ACL_LINEMAX	4096	/* bytes in a line, continuations joined */
#define ACL_NAMEMAX	64	/* bytes in a daemon name, with the NUL */
#define ACL_MAXENT	10000	/* entries in one file */
#define ACL_MAXPAT	65536	/* patterns in one file */

struct acl;

struct acl	*access_load(const char *, int *);
struct acl	*access_parse_fp(FILE *, const char *, int *);
void		 access_free(struct acl *);
int		 access_check(const struct acl *, const struct acl *,
		    const char *, const char *, const struct sockaddr *);

#endif
