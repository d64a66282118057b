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
int		 hu_main(int argc, char *argv[], const char *name,
		    int (*ready)(void), int (*stream)(int, int),
		    hu_replyfn reply);

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
