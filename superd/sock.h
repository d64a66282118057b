/* Listening sockets and address formatting. */
#ifndef SUPERD_SOCK_H
#define SUPERD_SOCK_H

#include <sys/socket.h>

struct service;

/* An address as text: dotted quad for IPv4 and v4-mapped IPv6. */
#define SOCK_ADDRSTRLEN	46

int	sock_haveipv6(void);
int	sock_open(struct service *, const char **);
int	sock_adopt(struct service *, int, const char **);
int	sock_setmode(struct service *);
int	sock_addr16(const struct sockaddr *, unsigned char [16], int *);
int	sock_ntop(const struct sockaddr *, char *, size_t, int *);

#endif
