/* HAProxy's PROXY protocol header, v1 (text) and v2 (binary): a parser. */
#ifndef SUPERD_PROXY_H
#define SUPERD_PROXY_H

#include <sys/types.h>
#include <sys/socket.h>

#define PROXY_V1	1		/* want: the versions accepted */
#define PROXY_V2	2
#define PROXY_ANY	(PROXY_V1 | PROXY_V2)

#define PROXY_V1MAX	107		/* bytes of a v1 line, CRLF too */
#define PROXY_V2HDR	16		/* v2's fixed part */
#define PROXY_TLVMAX	4096		/* v2: bytes past the addresses */
#define PROXY_V2ADDRMAX	216		/* v2: the largest address block */
#define PROXY_MAX	(PROXY_V2HDR + PROXY_V2ADDRMAX + PROXY_TLVMAX)

enum proxyres { PROXY_MORE, PROXY_BAD, PROXY_DONE };

/* What a header says; the addresses only when ph_addrs. */
struct proxyhdr {
	size_t			 ph_len;	/* DONE: the header's bytes;
						   MORE: how many may be read
						   at most before parsing again */
	const char		*ph_why;	/* BAD: why */
	int			 ph_version;	/* 1 or 2 */
	int			 ph_local;	/* v2 LOCAL */
	int			 ph_addrs;	/* TCP over IPv4 or IPv6 given:
						   ph_src and ph_dst are set */
	int			 ph_family;	/* v2's: AF_UNSPEC, AF_INET,
						   AF_INET6, AF_UNIX */
	struct sockaddr_storage	 ph_src;	/* the client */
	struct sockaddr_storage	 ph_dst;	/* the address it reached */
};

enum proxyres	proxy_parse(const unsigned char *, size_t, int,
		    struct proxyhdr *);

#endif
