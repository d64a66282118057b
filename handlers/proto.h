/*
 * The protocols of RFCs 862-868 as pure functions, and a table of them by
 * name: compiled once, linked into every handler and into superd, so that
 * superd's `internal` services and the handlers cannot drift apart.
 */
#ifndef HANDLERS_PROTO_H
#define HANDLERS_PROTO_H

#include <sys/types.h>
#include <sys/socket.h>
#include <time.h>

/* How a byte stream of the protocol is served. */
enum proto_kind {
	PROTO_ECHO,	/* what arrives goes back, until EOF */
	PROTO_DISCARD,	/* what arrives is dropped, until EOF */
	PROTO_CHARGEN,	/* the pattern, until the peer goes away */
	PROTO_ONCE	/* the reply to no request, then close */
};

/* A service's options: daytime's -u and -f, qotd's quotes. */
struct proto_opts {
	int		 po_utc;
	const char	*po_format;	/* strftime(3); NULL: ctime's */
	const char	*po_file;	/* qotd -f, read by the handler */
	const char	**po_quotes;	/* qotd: NULL for the built-in ones */
	size_t		 po_nquotes;
};

/*
 * The reply to one datagram (req may be NULL: a stream's request): writes
 * at most size bytes into reply and returns their number, or -1 for none.
 */
typedef ssize_t	(*proto_replyfn)(const struct proto_opts *, const char *,
		    size_t, char *, size_t);

struct proto {
	const char	*p_name;
	enum proto_kind	 p_kind;
	int		 p_internal;	/* superd serves it itself */
	const char	*p_optstring;	/* its options, as getopt(3) takes them */
	proto_replyfn	 p_reply;
};

#define PROTO_LINEMAX	512	/* daytime and qotd: RFC 865 and 867 */
#define PROTO_CYCLE	(95 * 74)	/* chargen's pattern repeats */

const struct proto	*proto_find(const char *);
int			 proto_option(const struct proto *, struct proto_opts *,
			    int, const char *);
int			 proto_badsource(const struct sockaddr *, int);
void			 proto_chargen(char *, size_t);
int			 proto_now(time_t *);

#endif
