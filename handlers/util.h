/*
 * Shared by the handlers (SPEC section 1) and by superd's `internal`
 * services: full writes, the datagram serve loop, the UDP reflection guard,
 * the clock, and each handler's protocol functions, which superd links from
 * handlers/X-builtin.o (handlers/X.c built with -DSUPERD_BUILTIN, no main).
 */
#ifndef HANDLERS_UTIL_H
#define HANDLERS_UTIL_H

#include <sys/types.h>
#include <sys/socket.h>
#include <time.h>

#define HU_IDLE		30	/* default -t: datagram mode exits when idle */
#define HU_DGRAMMAX	65536	/* larger than any UDP payload */

/*
 * The reply to one datagram: writes at most size bytes into reply and
 * returns their number, or -1 for no reply.
 */
typedef ssize_t (*hu_replyfn)(const char *req, size_t reqlen, char *reply,
    size_t size);

int		 hu_isdgram(int fd);
int		 hu_badsource(const struct sockaddr *sa, int privok);
int		 hu_writeall(int fd, const void *buf, size_t n);
ssize_t		 hu_read(int fd, void *buf, size_t size);
int		 hu_gone(int e);
int		 hu_dgram_serve(int fd, int idle_secs, int once,
		    hu_replyfn fn);
int		 hu_now(time_t *t);
long		 hu_number(const char *s, long max, const char **errstr);
const char	*hu_errop(void);
int		 hu_serve(int idle, int once, int (*stream)(int, int),
		    hu_replyfn reply);
/*
 * A handler's main(): its name, usage and help, the options it has besides
 * -1, -h and -t (getopt letters, and a function that takes each: 0, or -1
 * for a usage error), a check before serving, and how it serves.
 */
struct hu_prog {
	const char	*p_name;
	const char	*p_usage;	/* after "usage: NAME " */
	const char	*p_help;	/* a line per option, HU_HELP_* */
	const char	*p_opts;	/* getopt letters beyond "1ht:" */
	int		(*p_option)(int ch, const char *arg);
	int		(*p_ready)(void);
	int		(*p_stream)(int in, int out);
	hu_replyfn	 p_reply;
};

/* The help lines of the options every handler has. */
#define HU_HELP_1 \
    "  -1          on a UDP socket: answer one datagram, then exit\n"
#define HU_HELP_H \
    "  -h          print this help and exit\n"
#define HU_HELP_T \
    "  -t SECONDS  on a UDP socket: exit after SECONDS without a datagram\n" \
    "              (default 30)\n"

int		 hu_main(int argc, char *argv[], const struct hu_prog *p);

/* chargen's pattern, which repeats every CHARGEN_CYCLE bytes. */
#define CHARGEN_CYCLE	(95 * 74)
void		 chargen_pattern(char *p, size_t n);

ssize_t		 echo_reply(const char *req, size_t reqlen, char *reply,
		    size_t size);
ssize_t		 discard_reply(const char *req, size_t reqlen, char *reply,
		    size_t size);
ssize_t		 chargen_reply(const char *req, size_t reqlen, char *reply,
		    size_t size);
ssize_t		 daytime_reply(const char *req, size_t reqlen, char *reply,
		    size_t size);
ssize_t		 time_reply(const char *req, size_t reqlen, char *reply,
		    size_t size);
ssize_t		 qotd_reply(const char *req, size_t reqlen, char *reply,
		    size_t size);

#endif
