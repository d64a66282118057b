/*
 * hg.h: what httpget.c and conn.c share: the command line, the figures
 * -w prints, the clock, and the one way out on failure.
 */
#ifndef HG_H
#define HG_H

#include <stddef.h>

#include "conn.h"
#include "fail.h"
#include "http.h"
#include "opts.h"
#include "output.h"
#include "url.h"
#include "wout.h"

/* How one exchange ended. */
enum { EX_DONE, EX_REDIRECT, EX_AGAIN, EX_STALE };

/* The state of one exchange (exchange.c); the response is read while
 * the body is sent too. */
struct exchange {
	int		 fd;
	const char	*label;		/* "host:port" for messages */
	int		 interim;	/* a 1xx came */
	int		 final;		/* the final status, 0 until then */
	int		 end;		/* EX_* once decided, -1 before */
	int		 expect;	/* the request asked for 100 */
	int		 bodydone;	/* all of the body went out */
	int		 reused;	/* a kept connection */
	int		 discard;	/* the body is not written (-C done) */
	char		 why[128];	/* the reason phrase */
};

extern struct cfg cfg;
extern struct xfer xf;		/* the -w figures, filled as they come */
extern long long start_us;	/* the transfer's start */
extern long long deadline_ms;	/* -m, 0: none */
extern struct exchange ex;
extern struct resp rp;
extern struct url urls[3];	/* the first URL, then two in turn */
extern int noexpect;		/* a 417 came: no more Expect */
extern struct out out;		/* the body's output (sink.c) */
extern const char *outname;
extern char opath[];		/* its name, with --output-dir */

/* What the last header block's fields said (content.c). */
struct rinfo {
	int		 ri_close;	/* Connection: close */
	long long	 ri_retry_after;	/* seconds; -1: none */
	int		 ri_complete;	/* -C: 416, the file is whole */
};

struct jar;
extern struct rinfo ri;
extern struct jar *jar;		/* -b or -c, or NULL */
extern long long resume_at;	/* the Range asked for, 0: none */
extern const struct url *cur_url;	/* the URL being fetched */

/* content.c */
void		content_field(void *arg, const char *name, size_t nn,
		    const char *v, size_t vn);
void		content_block(void);
int		content_start(void);
void		content_body(const char *p, size_t n);
void		content_end(void);

/* httpget.c */
const char	*shown(char *dst, size_t n, const char *s, size_t len,
		    int typed);
const char	*safe(char *dst, size_t n, const char *s, size_t len);
const char	*url_string(const struct url *u, char *buf, size_t n);

/* fetch.c */
extern const char *method;	/* of the request being sent */
extern const char *effective;	/* the URL fetched last, or NULL */
void		fetch_target(void);

/* exchange.c */
void		verbose(const char *prefix, const char *p, size_t n);
int		readin(int sending);
void		send_body(void);
int		asks100(const char *p, size_t n);

/* sink.c */
void		sink_start(void);
void		out_prepare(void);
void		out_begin(long long append);
long long	out_size(void);
void		out_abandon(void);
void		out_write(const char *p, size_t n, const char *label);
void		fd_write(int fd, const char *name, const char *p, size_t n,
		    const char *label);
void		dump_write(const char *p, size_t n, const char *label);
void		bar_total(unsigned long long total);
void		bar_add(size_t n);
void		bar_finish(void);
void		bar_end(void);

long long	now_us(void);
long long	now_ms(void);

/* strerror(E) with a lower-case first letter, as causes are written. */
const char	*cause(int e);

/*
 * Exits with F after "httpget: LABEL: cause", the cause given by FMT or,
 * when FMT is NULL, the failure's default; -w is written first.
 */
void		die(enum fail f, const char *label, const char *fmt, ...)
		    __attribute__((noreturn, format(printf, 3, 4)));

/* Arms SIGALRM for DEADLINE (ms, 0: none), for the calls that have no
 * timeout of their own; when it comes, "httpget: LABEL: WHAT", exit 28. */
void		alarm_at(long long deadline, const char *label,
		    const char *what);
void		alarm_off(const char *label);

/* A timeout of -m: exit 28 naming what was received. */
void		timeout(const char *label) __attribute__((noreturn));

/*
 * Waits for EVENTS on FD until DEADLINE (ms, 0: none).  Returns 0 on
 * timeout, else the poll revents (an error too: the next call tells).
 */
int		waitfd(int fd, short events, long long deadline);

#endif
