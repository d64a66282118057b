/*
 * conn.h: httpget's connections (conn.c, pool.c): the addresses a name
 * stands for (or --resolve's), where a connection goes (--connect-to,
 * --unix-socket), and the connections kept alive between the requests
 * of one run, one per place.
 */
#ifndef CONN_H
#define CONN_H

#include <stddef.h>

/* --resolve HOST:PORT:ADDR[,ADDR...] and --connect-to H1:P1:H2:P2, as
 * given; -1 with a cause in ERR (size N) for a bad entry. */
int	resolve_add(const char *arg, char *err, size_t n);
int	connectto_add(const char *arg, char *err, size_t n);

/*
 * A connection for a request to HOST PORT: a kept one when there is one
 * for that place (*REUSED 1), else a new one: to --unix-socket's path,
 * or to every address of the name (after --connect-to and --resolve)
 * in turn, each with a fair share of the connect timeout.  Exits on
 * failure.  The socket is non-blocking.
 */
int	conn_get(const char *host, unsigned port, const char *label,
	    int *reused);

/* Gives FD back after its response: kept for the next request to HOST
 * PORT when KEEP, else closed. */
void	conn_put(int fd, const char *host, unsigned port, int keep);

/* Closes FD after a failure, if it is open. */
void	conn_drop(int fd);

/* Sends the N bytes at P, all of them; returns 0, or -1 with errno when
 * the peer is gone (EPIPE, ECONNRESET); exits on a timeout or another
 * error. */
int	send_all(int fd, const char *p, size_t n, const char *label);

#endif
