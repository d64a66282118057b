/*
 * The handlers' I/O (SPEC section 1): full writes, the datagram serve loop
 * of an inetd `dgram wait` handler, a bounded number parser, and the main()
 * they share.  The protocols themselves are in proto.c.
 */
#ifndef HANDLERS_UTIL_H
#define HANDLERS_UTIL_H

#include <sys/types.h>

#include "proto.h"

#define HU_IDLE		30	/* default -t: datagram mode exits when idle */
#define HU_DGRAMMAX	65536	/* larger than any UDP payload */

/*
 * A handler's main(): its usage and help, how it serves a byte stream
 * (NULL: the reply to no request, once), and what it must do before it
 * serves (NULL: nothing); the protocol of its name does the rest.
 */
struct hu_prog {
	const char	*p_usage;	/* after "usage: NAME " */
	const char	*p_help;	/* a line per option, HU_HELP_* */
	int		(*p_stream)(int in, int out);
	int		(*p_ready)(struct proto_opts *);
};

/* The help lines of the options every handler has. */
#define HU_HELP_1 \
    "  -1          on a UDP socket: answer one datagram, then exit\n"
#define HU_HELP_H \
    "  -h          print this help and exit\n"
#define HU_HELP_T \
    "  -t SECONDS  on a UDP socket: exit after SECONDS without a datagram\n" \
    "              (default 30)\n"

int		 hu_writeall(int fd, const void *buf, size_t n);
ssize_t		 hu_read(int fd, void *buf, size_t size);
int		 hu_gone(int e);
long		 hu_number(const char *s, long max, const char **errstr);
const char	*hu_errop(void);
int		 hu_main(int argc, char *argv[], const char *name,
		    const struct hu_prog *p);

#endif
