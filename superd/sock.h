/* Listening sockets and address formatting. */
#ifndef SUPERD_SOCK_H
#define SUPERD_SOCK_H

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <stdint.h>

struct service;

/*
 * A UNIX-domain peer as superd keeps it, in a struct sockaddr_storage:
 * the address it sent from (a datagram's reply goes there), then what the
 * kernel says of it (SO_PEERCRED).  Access rules and per-source limits see
 * its uid; the handler its uid, gid and pid.  Every AF_UNIX address handed
 * to sock_addr16() or sock_ntop() must therefore sit in a whole struct
 * sockaddr_storage, as the ones accept(2) and recvmsg(2) fill in superd do.
 */
#define SOCK_UNPEER_MAGIC	0x756e6978U	/* "unix": the ids are known */
struct sock_unpeer {
	struct sockaddr_un	up_sun;
	uint32_t		up_magic;
	uid_t			up_uid;
	gid_t			up_gid;
	pid_t			up_pid;
};

/* An address as text: dotted quad for IPv4 and v4-mapped IPv6. */
#define SOCK_ADDRSTRLEN	46

int	sock_haveipv6(void);
int	sock_open(struct service *, const char **);
int	sock_adopt(struct service *, int, const char **);
int	sock_setmode(struct service *);
int	sock_addr16(const struct sockaddr *, unsigned char [16], int *);
int	sock_ntop(const struct sockaddr *, char *, size_t, int *);
int	sock_peercred(int, struct sockaddr_storage *);
void	sock_unlinkunix(const struct service *);

#endif
