/* superd's one log: stderr in the foreground, syslog(3) under -D. */
#ifndef SUPERD_LOG_H
#define SUPERD_LOG_H

#include <sys/types.h>
#include <sys/socket.h>
#include <syslog.h>

struct service;

/* --log-format: today's lines, key=value pairs, or a JSON object a line. */
enum logformat { LOGF_TEXT, LOGF_LOGFMT, LOGF_JSON };

/* What a connection or datagram went through, for -l and the refusals. */
enum logevent { LOGEV_START, LOGEV_EXIT, LOGEV_KILLED, LOGEV_REFUSED };

/* One such event; log_event() leaves out what is unset. */
struct logev {
	enum logevent		 le_event;
	const struct service	*le_sv;
	unsigned long long	 le_conn;	/* 0: none (a refusal) */
	const struct sockaddr	*le_peer;	/* NULL: not known */
	const struct sockaddr	*le_local;	/* NULL: not known */
	pid_t			 le_pid;	/* 0: served in-process */
	int			 le_status;	/* wait(2)'s status; -1 none */
	long long		 le_ms;		/* the duration; -1 none */
	long long		 le_in;		/* a builtin's bytes; -1 none */
	long long		 le_out;
	const char		*le_cause;	/* a refusal: one word ... */
	const char		*le_why;	/* ... and the text log's words */
	unsigned long		 le_more;	/* a refusal: lines left out */
};

int	log_init(void);
int	log_setformat(const char *);
int	log_structured(void);
void	log_setconns(int);
int	log_conns(void);
unsigned long long log_newconn(void);
void	log_syslog(void);
void	log_quiet(void);

void	logmsg(int, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
int	logat(const char *, int, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
void	logsv(int, const struct service *, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
void	logfault(struct service *, const char *, const char *);
int	log_ratelimit(struct service *, unsigned long *);
void	logev_init(struct logev *, enum logevent, const struct service *);
void	log_event(int, const struct logev *);
size_t	log_quote(char *, size_t, const char *, size_t, int);

#endif
