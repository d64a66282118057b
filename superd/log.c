/*
 * superd's one log.  Lines go to a close-on-exec copy of the stderr superd
 * started with, so that a line never goes to a client; under -D they go to
 * syslog(3).  Faults of a service are rate-limited: one line a second.
 *
 * Logging never blocks serving: a pipe or a terminal is opened anew
 * (/proc/self/fd/2) non-blocking, without touching the flags of the
 * stderr superd shares with whoever started it, and a socket is written
 * with MSG_DONTWAIT.  A line the reader has no room for is dropped, and the
 * next line that gets through is preceded by how many were.
 *
 * --log-format logfmt or json writes every line as fields: the events of a
 * connection (log_event()) with their own, any other line as event=message
 * with its text in msg.  A logfmt value is bare unless it holds a blank,
 * `=', `"', a control character or a byte that is not UTF-8, or is empty;
 * then it is quoted as a JSON string is (RFC 8259: \" \\ \u00XX), a byte
 * that is not UTF-8 replaced by \ufffd, so that both formats read back the
 * same and every JSON line is valid whatever bytes a name holds.
 */
#define _GNU_SOURCE
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "conf.h"
#include "service.h"
#include "log.h"
#include "sock.h"
#include "util.h"

#define LINEMAX		4096	/* a structured line, escapes included */

/* A structured line being built: fields are added whole, or not at all. */
struct line {
	char	 l_buf[LINEMAX];
	size_t	 l_len;
	int	 l_n;		/* fields so far */
};

static int logfd = 2;
static int usesyslog, logsock;
static unsigned long dropped;
static enum logformat format = LOGF_TEXT;
static int logconns;
static unsigned long long nconns;

/* --log-format: 0, or -1 when s names no format. */
int
log_setformat(const char *s)
{
	if (strcmp(s, "text") == 0)
		format = LOGF_TEXT;
	else if (strcmp(s, "logfmt") == 0)
		format = LOGF_LOGFMT;
	else if (strcmp(s, "json") == 0)
		format = LOGF_JSON;
	else
		return -1;
	return 0;
}

/* 1 when lines are written as fields (logfmt, json). */
int
log_structured(void)
{
	return format != LOGF_TEXT;
}

/* -l: log each connection and each handler's end. */
void
log_setconns(int l)
{
	logconns = l;
}

int
log_conns(void)
{
	return logconns;
}

/* The number of a connection or datagram handed on: 1, 2, ... a run. */
unsigned long long
log_newconn(void)
{
	return ++nconns;
}

/* Takes the close-on-exec copy of stderr; returns 0, or -1 with errno. */
int
log_init(void)
{
	struct stat st;
	int fd;

	if (fstat(2, &st) == -1)
		return -1;
	if ((S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode)) &&
	    (fd = open("/proc/self/fd/2", O_WRONLY | O_NONBLOCK | O_NOCTTY |
	    O_CLOEXEC)) != -1) {
		logfd = fd;
		return 0;
	}
	if ((fd = fcntl(2, F_DUPFD_CLOEXEC, 3)) == -1)
		return -1;
	logfd = fd;
	logsock = S_ISSOCK(st.st_mode);
	return 0;
}

/* One whole line out, or -1 when the reader has no room for it now. */
static int
put(const char *buf, size_t len)
{
	ssize_t w;

	do {
		if (logsock)
			w = send(logfd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL);
		else
			w = write(logfd, buf, len);
	} while (w == -1 && errno == EINTR);
	return w == -1 && (errno == EAGAIN || errno == EWOULDBLOCK) ? -1 : 0;
}

/*
 * Logs nowhere unless FUZZ_LOG is set: for the fuzz harnesses, whose
 * inputs are mostly errors.  Exits on failure.
 */
void
log_quiet(void)
{
	int fd;

	if (getenv("FUZZ_LOG") != NULL)
		return;
	if ((fd = open("/dev/null", O_WRONLY | O_CLOEXEC)) == -1)
		abort();
	logfd = fd;
}

/*
 * From now on, log to syslog with the daemon facility, and let go of the
 * stderr copy: a detached superd must not hold its starter's terminal or
 * pipe open.
 */
void
log_syslog(void)
{
	openlog("superd", LOG_PID | LOG_NDELAY, LOG_DAEMON);
	usesyslog = 1;
	if (logfd > 2)
		(void)close(logfd);
	logfd = -1;
}

/* Starts l with the time, RFC 3339 in UTC to the millisecond. */
static void
begin(struct line *l)
{
	struct timespec ts;
	struct tm tm;

	l->l_len = 0;
	l->l_n = 0;
	if (format == LOGF_JSON)
		l->l_buf[l->l_len++] = '{';
	(void)clock_gettime(CLOCK_REALTIME, &ts);
	if (gmtime_r(&ts.tv_sec, &tm) == NULL)
		memset(&tm, 0, sizeof(tm));
	l->l_len += (size_t)snprintf(l->l_buf + l->l_len,
	    sizeof(l->l_buf) - l->l_len, format == LOGF_JSON ? "\"time\":"
	    "\"%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ\"" :
	    "time=%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", tm.tm_year + 1900,
	    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
	    ts.tv_nsec / 1000000);
	l->l_n = 1;
}

/*
 * The room a field may take: what is left of l but the end ("}\n" and a
 * NUL).  Writes the field's separator and key; -1 when even they do not
 * fit.
 */
static int
key(struct line *l, const char *k, size_t *room)
{
	size_t left = sizeof(l->l_buf) - 3 - l->l_len;
	int n;

	n = snprintf(l->l_buf + l->l_len, left + 1, format == LOGF_JSON ?
	    "%s\"%s\":" : "%s%s=", l->l_n > 0 ? format == LOGF_JSON ? "," :
	    " " : "", k);
	if (n < 0 || (size_t)n >= left)
		return -1;
	*room = left - (size_t)n;
	l->l_len += (size_t)n;
	return 0;
}

/* A field whose value v is written as it is: a number. */
static void
fraw(struct line *l, const char *k, const char *v)
{
	size_t mark = l->l_len, room, n = strlen(v);

	if (key(l, k, &room) == -1)
		return;
	if (n > room) {
		l->l_len = mark;
		return;
	}
	memcpy(l->l_buf + l->l_len, v, n);
	l->l_len += n;
	l->l_n++;
}

static void
fnum(struct line *l, const char *k, long long v)
{
	char buf[24];

	(void)snprintf(buf, sizeof(buf), "%lld", v);
	fraw(l, k, buf);
}

/* A field whose value is the n bytes at s, quoted as the format wants. */
static void
fstrn(struct line *l, const char *k, const char *s, size_t n)
{
	size_t mark = l->l_len, room;

	if (key(l, k, &room) == -1)
		return;
	if (room < 3) {
		l->l_len = mark;
		return;
	}
	l->l_len += log_quote(l->l_buf + l->l_len, room + 1, s, n,
	    format == LOGF_JSON);
	l->l_n++;
}

static void
fstr(struct line *l, const char *k, const char *s)
{
	fstrn(l, k, s, strlen(s));
}

/* An address and its port, as two fields (none when a is not IP). */
static void
faddr(struct line *l, const char *k, const char *kport,
    const struct sockaddr *sa)
{
	char a[SOCK_ADDRSTRLEN];
	int port;

	if (sa == NULL || sock_ntop(sa, a, sizeof(a), &port) == -1)
		return;
	fstr(l, k, a);
	fnum(l, kport, port);
}

/*
 * Writes len bytes of buf, a whole line with its newline, to the log; the
 * lines dropped before it are counted first.
 */
static void
emit(int prio, char *buf, size_t len)
{
	struct line note;
	char msg[96];

	if (usesyslog) {
		buf[len - 1] = '\0';
		syslog(prio, "%s", buf);
		return;
	}
	if (dropped > 0) {
		(void)snprintf(msg, sizeof(msg), "%lu log lines dropped: the "
		    "log's reader did not keep up", dropped);
		if (format == LOGF_TEXT)
			note.l_len = (size_t)snprintf(note.l_buf,
			    sizeof(note.l_buf), "superd: %s\n", msg);
		else {
			begin(&note);
			fstr(&note, "event", "message");
			fstr(&note, "level", "warning");
			fstr(&note, "msg", msg);
			if (format == LOGF_JSON)
				note.l_buf[note.l_len++] = '}';
			note.l_buf[note.l_len++] = '\n';
		}
		if (put(note.l_buf, note.l_len) == 0)
			dropped = 0;
	}
	if (dropped > 0 || put(buf, len) == -1)
		dropped++;
}

/* Ends l and writes it. */
static void
end(int prio, struct line *l)
{
	if (format == LOGF_JSON)
		l->l_buf[l->l_len++] = '}';
	l->l_buf[l->l_len++] = '\n';
	emit(prio, l->l_buf, l->l_len);
}

/*
 * A line that is no connection's event, structured: event=message, the
 * file and line or the service it is about (NULL, 0: none), then msg.
 */
static void
message(int prio, const char *file, int lineno, const struct service *sv,
    const char *msg)
{
	static const char *const level[] = {
		[LOG_EMERG] = "emerg", [LOG_ALERT] = "alert",
		[LOG_CRIT] = "crit", [LOG_ERR] = "err",
		[LOG_WARNING] = "warning", [LOG_NOTICE] = "notice",
		[LOG_INFO] = "info", [LOG_DEBUG] = "debug"
	};
	struct line l;

	begin(&l);
	fstr(&l, "event", "message");
	fstr(&l, "level", level[LOG_PRI(prio)]);
	if (file != NULL) {
		fstr(&l, "file", file);
		fnum(&l, "line", lineno);
	}
	if (sv != NULL) {
		fstr(&l, "service", sv->sv_conf->sc_name);
		fstr(&l, "proto", sv->sv_conf->sc_proto);
	}
	fstr(&l, "msg", msg);
	end(prio, &l);
}

/*
 * Logs one line "superd: ...".  The line is built whole and written with one
 * write(2), so lines from the parent and its children never interleave.
 */
void
logmsg(int prio, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int n, saved = errno;
	size_t len;

	va_start(ap, fmt);
	if (format != LOGF_TEXT) {
		(void)vsnprintf(buf, sizeof(buf), fmt, ap);
		message(prio, NULL, 0, NULL, buf);
	} else if (usesyslog) {
		(void)vsnprintf(buf, sizeof(buf), fmt, ap);
		syslog(prio, "%s", buf);
	} else {
		n = snprintf(buf, sizeof(buf), "superd: ");
		n += vsnprintf(buf + n, sizeof(buf) - (size_t)n, fmt, ap);
		len = n < 0 ? 0 : (size_t)n;
		if (len > sizeof(buf) - 2)
			len = sizeof(buf) - 2;
		buf[len++] = '\n';
		emit(prio, buf, len);
	}
	va_end(ap);
	errno = saved;
}

/* Logs "FILE:LINE: message", an error in a file; returns -1. */
int
logat(const char *file, int line, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	int saved = errno;

	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (format != LOGF_TEXT)
		message(LOG_ERR, file, line, NULL, msg);
	else
		logmsg(LOG_ERR, "%s:%d: %s", file, line, msg);
	errno = saved;
	return -1;
}

/* Logs one line about sv: "FILE:LINE: SERVICE/PROTO: message". */
void
logsv(int prio, const struct service *sv, const char *fmt, ...)
{
	const struct svconf *sc = sv->sv_conf;
	char msg[768];
	va_list ap;
	int saved = errno;

	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (format != LOGF_TEXT)
		message(prio, sc->sc_file, sc->sc_line, sv, msg);
	else
		logmsg(prio, "%s:%d: %s/%s: %s", sc->sc_file, sc->sc_line,
		    sc->sc_name, sc->sc_proto, msg);
	errno = saved;
}

/* An event with nothing set but what it is and its service. */
void
logev_init(struct logev *e, enum logevent ev, const struct service *sv)
{
	memset(e, 0, sizeof(*e));
	e->le_event = ev;
	e->le_sv = sv;
	e->le_status = -1;
	e->le_ms = e->le_in = e->le_out = -1;
}

/*
 * The text format's lines, those superd has always written: none for an
 * in-process connection's end, nor for a builtin's datagram.
 */
static void
textevent(int prio, const struct logev *e)
{
	const struct svconf *sc = e->le_sv->sv_conf;
	char a[SOCK_ADDRSTRLEN];
	long long ms = e->le_ms < 0 ? 0 : e->le_ms;
	int port = 0, st = e->le_status;

	switch (e->le_event) {
	case LOGEV_START:
		if (e->le_pid == 0 && sc->sc_mode == MODE_INDGRAM)
			break;
		if (e->le_peer != NULL &&
		    sock_ntop(e->le_peer, a, sizeof(a), &port) == 0) {
			if (e->le_pid == 0)
				logmsg(prio, "%s/%s: connection from %s port "
				    "%d, in-process", sc->sc_name,
				    sc->sc_proto, a, port);
			else
				logmsg(prio, "%s/%s: connection from %s port "
				    "%d, pid %ld", sc->sc_name, sc->sc_proto,
				    a, port, (long)e->le_pid);
		} else
			logmsg(prio, "%s/%s: started pid %ld", sc->sc_name,
			    sc->sc_proto, (long)e->le_pid);
		break;
	case LOGEV_EXIT:
	case LOGEV_KILLED:
		if (e->le_pid == 0)
			break;
		if (WIFSIGNALED(st))
			logmsg(prio, "%s/%s: pid %ld killed by signal %d after "
			    "%lld.%03lld s", sc->sc_name, sc->sc_proto,
			    (long)e->le_pid, WTERMSIG(st), ms / 1000,
			    ms % 1000);
		else
			logmsg(prio, "%s/%s: pid %ld exited %d after "
			    "%lld.%03lld s", sc->sc_name, sc->sc_proto,
			    (long)e->le_pid, WEXITSTATUS(st), ms / 1000,
			    ms % 1000);
		break;
	case LOGEV_REFUSED:
		if (e->le_peer == NULL ||
		    sock_ntop(e->le_peer, a, sizeof(a), &port) == -1)
			(void)snprintf(a, sizeof(a), "?");
		if (e->le_more > 0)
			logsv(prio, e->le_sv, "refused: %s port %d %s (%lu "
			    "more in the last second)", a, port, e->le_why,
			    e->le_more);
		else
			logsv(prio, e->le_sv, "refused: %s port %d %s", a, port,
			    e->le_why);
		break;
	}
}

/*
 * Logs e, in the format chosen: the start of a connection or datagram,
 * its end (killed: at its time limit), or its refusal.
 */
void
log_event(int prio, const struct logev *e)
{
	static const char *const name[] = {
		[LOGEV_START] = "start", [LOGEV_EXIT] = "exit",
		[LOGEV_KILLED] = "killed", [LOGEV_REFUSED] = "refused"
	};
	const struct svconf *sc = e->le_sv->sv_conf;
	struct line l;
	char num[32];
	int saved = errno;

	if (format == LOGF_TEXT) {
		textevent(prio, e);
		errno = saved;
		return;
	}
	begin(&l);
	fstr(&l, "event", name[e->le_event]);
	if (e->le_conn > 0)
		fnum(&l, "conn", (long long)e->le_conn);
	fstr(&l, "service", sc->sc_name);
	fstr(&l, "proto", sc->sc_proto);
	faddr(&l, "peer", "peer_port", e->le_peer);
	faddr(&l, "local", "local_port", e->le_local);
	if (e->le_pid > 0)
		fnum(&l, "pid", e->le_pid);
	if (e->le_status != -1 && WIFSIGNALED(e->le_status))
		fnum(&l, "signal", WTERMSIG(e->le_status));
	else if (e->le_status != -1)
		fnum(&l, "status", WEXITSTATUS(e->le_status));
	if (e->le_ms >= 0) {
		(void)snprintf(num, sizeof(num), "%lld.%03lld", e->le_ms / 1000,
		    e->le_ms % 1000);
		fraw(&l, "duration", num);
	}
	if (e->le_in >= 0)
		fnum(&l, "bytes_in", e->le_in);
	if (e->le_out >= 0)
		fnum(&l, "bytes_out", e->le_out);
	if (e->le_cause != NULL)
		fstr(&l, "cause", e->le_cause);
	if (e->le_more > 0)
		fnum(&l, "suppressed", (long long)e->le_more);
	end(prio, &l);
	errno = saved;
}

/*
 * The rate limit of sv's faults and refusals: 1 when a line may be logged
 * now (*more: how many were left out since the last), 0 when it is left
 * out, at most one a second.
 */
int
log_ratelimit(struct service *sv, unsigned long *more)
{
	struct timespec t;

	tnow(&t);
	if (sv->sv_lastfault.tv_sec != 0 &&
	    tsdiff(&t, &sv->sv_lastfault) < 1000) {
		sv->sv_faults++;
		return 0;
	}
	*more = sv->sv_faults;
	sv->sv_faults = 0;
	sv->sv_lastfault = t;
	return 1;
}

/*
 * Logs a fault of sv (what failed, and why) at most once a second; the
 * next line that gets through says how many were left out meanwhile.
 */
void
logfault(struct service *sv, const char *what, const char *why)
{
	unsigned long more;

	if (!log_ratelimit(sv, &more))
		return;
	if (more > 0)
		logsv(LOG_ERR, sv, "%s: %s (%lu more in the last second)",
		    what, why, more);
	else
		logsv(LOG_ERR, sv, "%s: %s", what, why);
}
