/*
 * httpget: fetches one http:// URL the way curl users expect (SPEC section
 * 3): every resolved address tried in turn, one GET or HEAD with
 * Connection: close, the response through http.c's reader, redirects
 * through request.c, the body to stdout or to output.c's -o FILE.
 * Every failure is one line naming the host and exits with curl's number.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "fail.h"
#include "http.h"
#include "output.h"
#include "request.h"
#include "url.h"

#ifndef VERSION
#define VERSION "0.1"
#endif

#ifndef RBUFSZ
#define RBUFSZ		(1024 * 1024)	/* one read(2): fewer calls, faster */
#endif
#define BAR_MS		200		/* progress bar refresh */

/* The default cause of each failure; callers may say something sharper. */
static const char *const failmsg[] = {
	[HG_PROTO] = "unsupported protocol",
	[HG_USAGE] = "usage error",
	[HG_URL] = "malformed URL",
	[HG_RESOLVE] = "unknown host",
	[HG_CONNECT] = "connection refused",
	[HG_WEIRD] = "malformed response",
	[HG_PARTIAL] = "body cut short",
	[HG_HTTP] = "server returned an error status",
	[HG_WRITE] = "write error",
	[HG_TIMEOUT] = "timed out",
	[HG_REDIRS] = "too many redirects",
	[HG_EMPTY] = "empty reply from server",
	[HG_RECV] = "receive error",
	[HG_DECODE] = "unsupported transfer coding"
};

static int iflag, Iflag, sflag, vflag, Lflag, family = AF_UNSPEC;
static const char *oflag;
static const char **hflags;		/* -H, as many as argv holds */
static int nhflags;
static long long mflag_ms, ctimeout_ms = 30000;	/* 0: no limit */
static const char *mflag_str = "0", *ctimeout_str = "30";
static long maxredirs = 10;

static long long start_ms, deadline_ms;	/* the whole transfer (-m) */
static struct out out = { .o_fd = STDOUT_FILENO, .o_mode = OUT_STDOUT };
static const char *outname = "stdout";
static char alrmmsg[512];		/* written when a blocking call ends */
static size_t alrmlen;

static struct {
	int		b_on;
	int		b_shown;
	unsigned long long b_total;	/* 0: unknown */
	unsigned long long b_done;
	long long	b_start, b_last;
} bar;

static char rbuf[RBUFSZ];
static char req[REQ_MAX];
static size_t reqlen;
static struct resp rp;
static struct url urls[3];		/* the first, then two in turn */
static int trusted = 1;			/* still at the first URL's origin */

/* The usage line; with --help (STATUS 0) then a line for each option. */
static void __attribute__((noreturn))
usage(int status)
{
	static const char *const opts[][2] = {
		{ "-4, --ipv4", "use IPv4 addresses only" },
		{ "-6, --ipv6", "use IPv6 addresses only" },
		{ "-H, --header 'Name: value'", "add a header or replace ours; "
		    "'Name:' drops it" },
		{ "-I, --head", "send HEAD and print the response headers" },
		{ "-i, --include", "print the status lines and headers too" },
		{ "-L, --location", "follow redirects (301, 302, 303, 307, "
		    "308)" },
		{ "-m, --max-time SECONDS", "give up after SECONDS in all "
		    "(0: never)" },
		{ "-o, --output FILE", "write the body to FILE, not to "
		    "stdout" },
		{ "-s, --silent", "no progress bar; only errors are shown" },
		{ "-v, --verbose", "show the request and response headers" },
		{ "--connect-timeout SECONDS", "give up connecting after "
		    "SECONDS (30)" },
		{ "--max-redirs N", "follow at most N redirects (10; -1: "
		    "no limit)" },
		{ "-h, --help", "print this help and exit" },
		{ "-V, --version", "print the version and exit" }
	};
	FILE *f = status ? stderr : stdout;
	char name[40];
	size_t i;

	fprintf(f, "usage: httpget [-iIsvL46] [-o FILE] [-H 'Name: value']... "
	    "[-m SECONDS] [--connect-timeout SECONDS] [--max-redirs N] "
	    "URL\n");
	for (i = 0; status == 0 && i < sizeof(opts) / sizeof(opts[0]); i++) {
		(void)snprintf(name, sizeof(name), "%s%s",
		    opts[i][0][1] == '-' ? "    " : "", opts[i][0]);
		fprintf(f, "  %-30s %s\n", name, opts[i][1]);
	}
	exit(status);
}

static long long
now_ms(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) == -1)
		return 0;
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Copies LEN bytes of S into DST of size N for a message, cut with "..."
 * when longer: a server's text with non-printables as '?'; when TYPED,
 * text the user typed, shown as typed but for control bytes.
 */
static const char *
shown(char *dst, size_t n, const char *s, size_t len, int typed)
{
	unsigned char c;
	size_t i;

	for (i = 0; i < len && i + 1 < n; i++) {
		c = (unsigned char)s[i];
		dst[i] = isprint(c) || (typed && c >= 0x80) ? s[i] : '?';
	}
	dst[i] = '\0';
	if (len >= n && n > 4)
		(void)strcpy(dst + n - 4, "...");
	return dst;
}

static const char *
safe(char *dst, size_t n, const char *s, size_t len)
{
	return shown(dst, n, s, len, 0);
}

/* strerror(E) with a lower-case first letter, as the SPEC writes causes. */
static const char *
cause(int e)
{
	static char buf[128];

	(void)snprintf(buf, sizeof(buf), "%s", strerror(e));
	buf[0] = (char)tolower((unsigned char)buf[0]);
	return buf;
}

/*
 * Writes the N bytes at P to stderr, where a failure has nowhere to be
 * reported; async-signal-safe.
 */
static void
tostderr(const char *p, size_t n)
{
	if (write(STDERR_FILENO, p, n) == -1)
		return;
}

/* Ends the progress bar's line, so that what follows starts a new one. */
static void
bar_end(void)
{
	if (bar.b_shown)
		tostderr("\n", 1);
	bar.b_shown = 0;
}

static void
cleanup(void)
{
	out_discard(&out);
	bar_end();
}

/*
 * Exits with F after "httpget: LABEL: cause", the cause given by FMT or,
 * when FMT is NULL, taken from the table.
 */
static void __attribute__((noreturn, format(printf, 3, 4)))
die(enum fail f, const char *label, const char *fmt, ...)
{
	va_list ap;
	char msg[512];

	cleanup();
	if (fmt != NULL) {
		va_start(ap, fmt);
		(void)vsnprintf(msg, sizeof(msg), fmt, ap);
		va_end(ap);
	} else
		(void)snprintf(msg, sizeof(msg), "%s", failmsg[f]);
	fprintf(stderr, "httpget: %s: %s\n", label, msg);
	exit(f);
}

/* A signal ends the transfer: no partial -o FILE is left behind. */
static void
onsignal(int sig)
{
	out_discard(&out);
	(void)signal(sig, SIG_DFL);
	(void)raise(sig);
}

/* Name lookup and a FIFO's open have no timeout of their own: SIGALRM
 * ends them. */
static void
onalarm(int sig)
{
	(void)sig;
	out_discard(&out);
	tostderr(alrmmsg, alrmlen);
	_exit(HG_TIMEOUT);
}

/*
 * Arms SIGALRM for DEADLINE (ms, 0: none); when it comes, "httpget: "
 * WHAT is written and httpget exits 28.
 */
static void
alarm_at(long long deadline, const char *label, const char *what)
{
	struct itimerval it;
	long long left;
	int n;

	if (deadline == 0)
		return;
	n = snprintf(alrmmsg, sizeof(alrmmsg), "httpget: %s: %s\n", label,
	    what);
	alrmlen = n < 0 ? 0 : (size_t)n >= sizeof(alrmmsg) ?
	    sizeof(alrmmsg) - 1 : (size_t)n;
	memset(&it, 0, sizeof(it));
	left = deadline - now_ms();
	it.it_value.tv_sec = left > 0 ? left / 1000 : 0;
	it.it_value.tv_usec = left > 0 ? left % 1000 * 1000 : 1;
	if (signal(SIGALRM, onalarm) == SIG_ERR ||
	    setitimer(ITIMER_REAL, &it, NULL) == -1)
		die(HG_TIMEOUT, label, "setitimer: %s", cause(errno));
}

static void
alarm_off(const char *label)
{
	struct itimerval it;

	memset(&it, 0, sizeof(it));
	if (setitimer(ITIMER_REAL, &it, NULL) == -1)
		die(HG_TIMEOUT, label, "setitimer: %s", cause(errno));
}

/*
 * Parses SECONDS (a decimal, fraction allowed, as curl takes) for option
 * OPT into milliseconds; exits 2 on junk.
 */
static long long
secs_parse(const char *opt, const char *s)
{
	long long ms = 0, scale = 1000;
	const char *p = s;

	if (!isdigit((unsigned char)*p) && *p != '.')
		goto bad;
	for (; isdigit((unsigned char)*p); p++) {
		ms = ms * 10 + (*p - '0') * 1000;
		if (ms > 100000000LL * 1000) {
			fprintf(stderr, "httpget: %s %.16s: too large\n", opt,
			    s);
			exit(HG_USAGE);
		}
	}
	if (*p == '.')
		for (p++; isdigit((unsigned char)*p); p++)
			ms += (*p - '0') * (scale /= 10);
	if (*p != '\0' || (p == s + 1 && *s == '.'))
		goto bad;
	return ms;
bad:
	fprintf(stderr, "httpget: %s '%.16s': not a number\n", opt, s);
	exit(HG_USAGE);
}

static long
num_parse(const char *opt, const char *s, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (end == s || *end != '\0' || errno == ERANGE || v < min ||
	    v > max) {
		fprintf(stderr, "httpget: %s '%.16s': not a number from %ld "
		    "to %ld\n", opt, s, min, max);
		exit(HG_USAGE);
	}
	return v;
}

/*
 * Waits for EVENTS on FD until DEADLINE (ms, 0: none).  Returns 0 on
 * timeout, else 1 (on an error too: the caller's next call reports it).
 */
static int
waitfd(int fd, short events, long long deadline)
{
	struct pollfd pfd;
	long long left;
	int r;

	pfd.fd = fd;
	pfd.events = events;
	for (;;) {
		left = -1;
		if (deadline > 0 && (left = deadline - now_ms()) < 0)
			left = 0;
		r = poll(&pfd, 1, left > INT_MAX ? INT_MAX : (int)left);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == 0 && left > INT_MAX)
			continue;
		return r != 0;
	}
}

static void __attribute__((noreturn))
timeout(const char *label)
{
	die(HG_TIMEOUT, label, "timed out after %s s (%llu bytes received)",
	    mflag_str, rp.rp_body);
}

static void
human(char *buf, size_t n, double v)
{
	if (v < 1024)
		(void)snprintf(buf, n, "%.0f B", v);
	else if (v < 1024 * 1024)
		(void)snprintf(buf, n, "%.1f KiB", v / 1024);
	else if (v < 1024.0 * 1024 * 1024)
		(void)snprintf(buf, n, "%.1f MiB", v / (1024 * 1024));
	else
		(void)snprintf(buf, n, "%.2f GiB", v / (1024.0 * 1024 * 1024));
}

/* Draws the progress bar on stderr, at most every BAR_MS unless FORCE. */
static void
bar_draw(int force)
{
	char line[160], done[32], total[32], rate[32], meter[33];
	long long t = now_ms();
	double secs;
	int pct, w, i;

	if (!force && t - bar.b_last < BAR_MS)
		return;
	bar.b_last = t;
	secs = (double)(t - bar.b_start) / 1000;
	human(done, sizeof(done), (double)bar.b_done);
	human(rate, sizeof(rate), secs > 0 ? (double)bar.b_done / secs : 0);
	if (bar.b_total > 0) {
		human(total, sizeof(total), (double)bar.b_total);
		pct = (int)(bar.b_done * 100 / bar.b_total);
		w = (int)(bar.b_done * 30 / bar.b_total);
		for (i = 0; i < 30; i++)
			meter[i] = i < w ? '=' : i == w ? '>' : ' ';
		meter[30] = '\0';
		(void)snprintf(line, sizeof(line), "\r%3d%% [%s] %10s / %-10s "
		    "%10s/s ", pct, meter, done, total, rate);
	} else
		(void)snprintf(line, sizeof(line), "\r%10s %10s/s          ",
		    done, rate);
	if (write(STDERR_FILENO, line, strlen(line)) > 0)
		bar.b_shown = 1;
}

/* Writes N bytes to the output; a closed pipe ends quietly with 23. */
static void
out_write(const char *p, size_t n, const char *label)
{
	ssize_t w;

	while (n > 0) {
		w = write(out.o_fd, p, n);
		if (w > 0) {
			p += w;
			n -= (size_t)w;
		} else if (w == -1 && errno == EAGAIN)
			(void)waitfd(out.o_fd, POLLOUT, 0);
		else if (w == -1 && errno == EPIPE) {
			cleanup();
			exit(HG_WRITE);
		} else if (w == -1 && errno != EINTR)
			die(HG_WRITE, label, "writing %s: %s", outname,
			    cause(errno));
	}
}

/*
 * Writes the lines of the N bytes at P to stderr, each after PREFIX, with
 * control bytes as '?' so that a server cannot drive the terminal.
 */
static void
verbose(const char *prefix, const char *p, size_t n)
{
	const char *nl;
	size_t len, show, i;

	while (n > 0) {
		nl = memchr(p, '\n', n);
		len = nl != NULL ? (size_t)(nl - p) + 1 : n;
		show = len;
		if (show > 0 && p[show - 1] == '\n')
			show--;
		if (show > 0 && p[show - 1] == '\r')
			show--;
		fputs(prefix, stderr);
		for (i = 0; i < show; i++)
			(void)putc(p[i] == '\t' || isprint((unsigned char)p[i]) ||
			    (unsigned char)p[i] >= 0x80 ? p[i] : '?', stderr);
		(void)putc('\n', stderr);
		p += len;
		n -= len;
	}
}

/*
 * Connects to HOST PORT, trying every address it resolves to in turn
 * [nc remote_connect], each with a fair share of the connect timeout.
 * Returns the connected, non-blocking socket; exits on failure.
 */
static int
connect_to(const char *host, unsigned port, const char *label)
{
	struct addrinfo hints, *res, *ai;
	char name[URL_HOSTMAX], *zone, *end;
	char portstr[8], addr[INET6_ADDRSTRLEN], sv[8];
	long long deadline = 0, share;
	unsigned long scope = 0;
	int fd, gai, e = ECONNREFUSED, left, timedout = 0;
	socklen_t len;

	if (ctimeout_ms > 0)
		deadline = now_ms() + ctimeout_ms;
	if (deadline_ms > 0 && (deadline == 0 || deadline_ms < deadline))
		deadline = deadline_ms;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = family;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	(void)snprintf(portstr, sizeof(portstr), "%u", port);
	/*
	 * An IPv6 zone ("fe80::1%eth0") is set on the address here: glibc's
	 * getaddrinfo takes one on link-local addresses only, curl on any.
	 */
	(void)snprintf(name, sizeof(name), "%s", host);
	if ((zone = strchr(name, '%')) != NULL) {
		*zone++ = '\0';
		if ((scope = if_nametoindex(zone)) == 0) {
			scope = strtoul(zone, &end, 10);
			if (!isdigit((unsigned char)*zone) || *end != '\0' ||
			    scope == 0 || (uint32_t)scope != scope)
				die(HG_RESOLVE, host, "no network interface "
				    "'%s'", zone);
		}
		hints.ai_flags |= AI_NUMERICHOST;
	}
	alarm_at(deadline, host, "timed out looking up the name");
	gai = getaddrinfo(name, portstr, &hints, &res);
	if (deadline > 0)
		alarm_off(label);
	if (gai == EAI_NONAME
#ifdef EAI_NODATA
	    || gai == EAI_NODATA
#endif
	    )
		die(HG_RESOLVE, host, NULL);
	if (gai != 0)
		die(HG_RESOLVE, host, "unknown host (%s)", gai_strerror(gai));

	for (left = 0, ai = res; ai != NULL; ai = ai->ai_next)
		left++;
	for (ai = res; ai != NULL; ai = ai->ai_next, left--) {
		if (scope != 0 && ai->ai_family == AF_INET6)
			((struct sockaddr_in6 *)(void *)ai->ai_addr)->
			    sin6_scope_id = (uint32_t)scope;
		if (vflag && getnameinfo(ai->ai_addr, ai->ai_addrlen, addr,
		    sizeof(addr), sv, sizeof(sv), NI_NUMERICHOST |
		    NI_NUMERICSERV) == 0)
			fprintf(stderr, "*   Trying %s%s%s:%s...\n",
			    ai->ai_family == AF_INET6 ? "[" : "", addr,
			    ai->ai_family == AF_INET6 ? "]" : "", sv);
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC |
		    SOCK_NONBLOCK, ai->ai_protocol);
		if (fd == -1) {
			e = errno;
			continue;
		}
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			goto out;
		if (errno != EINPROGRESS) {
			e = errno;
			(void)close(fd);
			continue;
		}
		share = 0;
		if (deadline > 0)
			share = now_ms() + (deadline - now_ms()) / left;
		if (waitfd(fd, POLLOUT, share) == 0) {
			timedout = 1;
			(void)close(fd);
			continue;
		}
		len = sizeof(e);
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len) == -1)
			e = errno;
		if (e == 0)
			goto out;
		(void)close(fd);
	}
	freeaddrinfo(res);
	if (timedout && deadline > 0 && now_ms() >= deadline) {
		if (deadline == deadline_ms)
			timeout(label);
		die(HG_TIMEOUT, label, "connect timed out after %s s",
		    ctimeout_str);
	}
	die(HG_CONNECT, label, "%s", cause(e));
out:
	freeaddrinfo(res);
	if (vflag)
		fprintf(stderr, "* Connected to %s port %u\n", host, port);
	return fd;
}

/* Sends the request; a peer that closed early may still have answered. */
static void
send_request(int fd, const char *label)
{
	size_t off = 0;
	ssize_t w;

	while (off < reqlen) {
		w = send(fd, req + off, reqlen - off, MSG_NOSIGNAL);
		if (w > 0)
			off += (size_t)w;
		else if (w == -1 && errno == EAGAIN) {
			if (waitfd(fd, POLLOUT, deadline_ms) == 0)
				timeout(label);
		} else if (w == -1 && (errno == EPIPE || errno == ECONNRESET))
			return;
		else if (w == -1 && errno != EINTR)
			die(HG_RECV, label, "send: %s", cause(errno));
	}
}

static int
isredirect(int status)
{
	return status == 301 || status == 302 || status == 303 ||
	    status == 307 || status == 308;
}

/*
 * Fetches U once.  Returns 1 when -L follows a redirect to *NEXT, else 0
 * with the response written out; exits on failure.
 */
static int
fetch(const struct url *u, struct url *next, long redirs)
{
	static struct url px;
	char label[URL_HOSTMAX + 16], why[128], msg[128];
	const char *data, *p, *e;
	const struct url *peer;
	size_t n, used, dlen;
	ssize_t r;
	enum resp_ev ev;
	enum fail f;
	int fd, proxied, final = 0;

	if ((proxied = req_proxy(u, &px, &e)) == -1)
		die(HG_URL, "http_proxy", "%s", e);
	peer = proxied ? &px : u;
	if (url_authority(peer, 1, label, sizeof(label)) == -1)
		die(HG_URL, peer->u_host, "host name too long");
	if (peer->u_port == 80)		/* "localhost:80", as SPEC writes */
		(void)snprintf(label + strlen(label),
		    sizeof(label) - strlen(label), ":80");
	if ((r = req_format(req, sizeof(req), u, proxied, Iflag, hflags,
	    nhflags, trusted)) == -1)
		die(HG_USAGE, label, "request over %d bytes", REQ_MAX);
	reqlen = (size_t)r;
	fd = connect_to(peer->u_host, peer->u_port, label);
	if (vflag)
		verbose("> ", req, reqlen);
	send_request(fd, label);
	resp_init(&rp, Iflag);

	for (;;) {
		r = read(fd, rbuf, sizeof(rbuf));
		if (r == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN) {
				if (waitfd(fd, POLLIN, deadline_ms) == 0)
					timeout(label);
				continue;
			}
			if (errno == ECONNRESET)
				die(HG_RECV, label, "connection reset by peer");
			die(HG_RECV, label, "receive error: %s", cause(errno));
		}
		p = rbuf;
		n = (size_t)r;
		for (;;) {
			ev = r == 0 ? resp_eof(&rp) :
			    resp_feed(&rp, p, n, &used, &data, &dlen);
			if (r > 0) {
				p += used;
				n -= used;
			}
			switch (ev) {
			case RESP_MORE:
				break;
			case RESP_HEADERS:
				if (vflag)
					verbose("< ", rp.rp_hdr, rp.rp_hdrlen);
				if (iflag || Iflag)
					out_write(rp.rp_hdr, rp.rp_hdrlen,
					    label);
				if (rp.rp_status < 200)
					continue;
				final = rp.rp_status;
				(void)safe(why, sizeof(why), rp.rp_hdr +
				    rp.rp_reason, rp.rp_reasonlen);
				/* An empty Location is no target: the 3xx
				 * is the result. */
				if (Lflag && isredirect(final) &&
				    rp.rp_loc[0] != '\0')
					goto redirect;
				bar.b_total = rp.rp_hasclen &&
				    !rp.rp_chunked ? rp.rp_clen : 0;
				continue;
			case RESP_BODY:
				out_write(data, dlen, label);
				if (bar.b_on) {
					bar.b_done += dlen;
					bar_draw(0);
				}
				continue;
			case RESP_TRAILERS:
				if (vflag)
					verbose("< ", rp.rp_hdr, rp.rp_hdrlen);
				if (iflag || Iflag)
					out_write(rp.rp_hdr, rp.rp_hdrlen,
					    label);
				continue;
			case RESP_DONE:
				goto done;
			case RESP_FAIL:
				if (rp.rp_fail == HG_WEIRD)
					die(HG_WEIRD, label,
					    "malformed response: %s",
					    rp.rp_why);
				die(rp.rp_fail, label, "%s", rp.rp_why);
			}
			break;
		}
	}

redirect:
	(void)close(fd);
	if (maxredirs >= 0 && redirs >= maxredirs)
		die(HG_REDIRS, label, "too many redirects (%ld followed)",
		    redirs);
	if ((f = req_redirect(next, u, &urls[0], rp.rp_loc, &trusted,
	    &e)) != HG_OK)
		die(f, label, "redirect to '%s': %s", safe(why, 64, rp.rp_loc,
		    strlen(rp.rp_loc)), safe(msg, sizeof(msg), e, strlen(e)));
	if (vflag)
		fprintf(stderr, "* Following the redirect to '%s'%s\n",
		    safe(why, sizeof(why), rp.rp_loc, strlen(rp.rp_loc)),
		    trusted ? "" : ", another origin: without credentials");
	return 1;

done:
	if (vflag)
		fprintf(stderr, "* Closing connection\n");
	(void)close(fd);
	if (bar.b_on) {
		bar_draw(1);
		bar_end();
	}
	if (out_commit(&out) == -1)
		die(HG_WRITE, label, "writing %s: %s", outname, errno ==
		    EEXIST ? "no longer a regular file, left as it is" :
		    cause(errno));
	if (final >= 400)
		die(HG_HTTP, label, "server returned %d%s%s", final,
		    why[0] != '\0' ? " " : "", why);
	return 0;
}

/* -o FILE, through output.c; signals then remove its temporary file. */
static void
open_output(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = onsignal;
	if (sigemptyset(&sa.sa_mask) == -1 ||
	    sigaction(SIGINT, &sa, NULL) == -1 ||
	    sigaction(SIGTERM, &sa, NULL) == -1 ||
	    sigaction(SIGHUP, &sa, NULL) == -1)
		die(HG_WRITE, oflag, "sigaction: %s", cause(errno));
	alarm_at(deadline_ms, oflag, "timed out waiting for a reader");
	if (out_open(&out, oflag) == -1)
		die(HG_WRITE, oflag, "%s", cause(errno));
	if (deadline_ms > 0)
		alarm_off(oflag);
	if (out.o_mode != OUT_STDOUT)
		outname = oflag;
	bar.b_on = !sflag && !vflag && isatty(STDERR_FILENO);
	bar.b_start = now_ms();
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "connect-timeout", required_argument, NULL, 'c' },
		{ "max-redirs", required_argument, NULL, 'r' },
		{ "max-time", required_argument, NULL, 'm' },
		{ "output", required_argument, NULL, 'o' },
		{ "header", required_argument, NULL, 'H' },
		{ "include", no_argument, NULL, 'i' },
		{ "head", no_argument, NULL, 'I' },
		{ "silent", no_argument, NULL, 's' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "location", no_argument, NULL, 'L' },
		{ "ipv4", no_argument, NULL, '4' },
		{ "ipv6", no_argument, NULL, '6' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	char label[160];
	const char *why, *arg;
	long redirs;
	enum fail f;
	int ch, cur, next;

	if ((hflags = calloc((size_t)argc, sizeof(*hflags))) == NULL) {
		fprintf(stderr, "httpget: %s\n", cause(errno));
		exit(HG_USAGE);
	}
	while ((ch = getopt_long(argc, argv, "iIsvL46o:H:m:hV", longopts,
	    NULL)) != -1)
		switch (ch) {
		case 'i':
			iflag = 1;
			break;
		case 'I':
			Iflag = 1;
			break;
		case 's':
			sflag = 1;
			break;
		case 'v':
			vflag = 1;
			break;
		case 'L':
			Lflag = 1;
			break;
		case '4':
			family = AF_INET;
			break;
		case '6':
			family = AF_INET6;
			break;
		case 'o':
			oflag = optarg;
			break;
		case 'H':
			if (!req_header_ok(optarg)) {
				fprintf(stderr, "httpget: -H '%.40s': not a "
				    "'Name: value' header\n", optarg);
				exit(HG_USAGE);
			}
			hflags[nhflags++] = optarg;
			break;
		case 'm':
			mflag_ms = secs_parse("-m", optarg);
			mflag_str = optarg;
			break;
		case 'c':
			ctimeout_ms = secs_parse("--connect-timeout", optarg);
			ctimeout_str = optarg;
			break;
		case 'r':
			maxredirs = num_parse("--max-redirs", optarg, -1,
			    1000000);
			break;
		case 'h':
			usage(0);
		case 'V':
			printf("httpget %s\n", VERSION);
			return 0;
		default:
			usage(HG_USAGE);
		}
	if (argc - optind != 1)
		usage(HG_USAGE);
	arg = argv[optind];

	if ((f = url_parse(&urls[0], arg, &why)) != HG_OK)
		die(f, shown(label, 128, arg, strlen(arg), 1), "%s", why);
	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
		die(HG_WRITE, "stdout", "signal: %s", cause(errno));
	start_ms = now_ms();
	if (mflag_ms > 0)
		deadline_ms = start_ms + mflag_ms;
	if (oflag != NULL)
		open_output();

	/* urls[0] stays the first URL: redirects compare their origin with
	 * it, and take its credentials while it is theirs. */
	for (cur = 0, next = 1, redirs = 0; fetch(&urls[cur], &urls[next],
	    redirs); redirs++) {
		cur = next;
		next = cur == 1 ? 2 : 1;
	}
	return 0;
}
