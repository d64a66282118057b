/*
 * The protocols themselves, with no I/O: the datagram replies of RFCs 862
 * to 868, chargen's pattern, the daytime and time formats, the reflection
 * guard, the (test-settable) clock, and the table that names them.  The
 * handlers and superd's `internal` services both serve from here.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "proto.h"

#define LINELEN		72	/* RFC 864's "popular pattern" */
#define NCHARS		95	/* printable ASCII, ' ' (32) to '~' (126) */
#define CHARGENMAX	512	/* RFC 864: a reply of 0 to 512 characters */
#define FROM1900	2208988800U	/* seconds, 1900 to 1970: 70 years
					   of 365 days, 17 of them leap */

/* ctime(3) without its newline: what the BSD inetds send. */
static const char ctimefmt[] = "%a %b %e %H:%M:%S %Y";

static const char *builtinquotes[] = {
	("Be conservative in what you do, be liberal in what you accept from\n"
	    "others.\n\t-- Jon Postel, RFC 793\n"),
	"Well begun is half done.\n\t-- Aristotle\n",
	"Brevity is the soul of wit.\n\t-- William Shakespeare\n",
	"What is now proved was once only imagined.\n\t-- William Blake\n",
	"Measure twice, cut once.\n\t-- Proverb\n",
};

/*
 * The current time into *t: 0, or -1 (errno EINVAL) when SUPERD_TEST_TIME
 * (seconds since 1970, set by tests only) is malformed.
 */
int
proto_now(time_t *t)
{
	const char *s;
	char *end;
	long long v;

	if ((s = getenv("SUPERD_TEST_TIME")) == NULL)
		return time(t) == (time_t)-1 ? -1 : 0;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *s == '\0' || *end != '\0' ||
	    (long long)(time_t)v != v) {
		errno = EINVAL;
		return -1;
	}
	*t = (time_t)v;
	return 0;
}

/*
 * The first n bytes of chargen's pattern: line i starts with character
 * i mod 95, 72 characters and CRLF.
 */
void
proto_chargen(char *p, size_t n)
{
	size_t i, line, col;

	for (i = 0; i < n; i++) {
		line = i / (LINELEN + 2);
		col = i % (LINELEN + 2);
		if (col < LINELEN)
			p[i] = (char)(' ' + (line + col) % NCHARS);
		else
			p[i] = col == LINELEN ? '\r' : '\n';
	}
}

/* RFC 862: the reply is the request. */
static ssize_t
echo(const struct proto_opts *o, const char *req, size_t reqlen, char *reply,
    size_t size)
{
	(void)o;
	if (reqlen > size)
		reqlen = size;
	if (reqlen > 0)
		memcpy(reply, req, reqlen);
	return (ssize_t)reqlen;
}

/* RFC 863: no reply. */
static ssize_t
discard(const struct proto_opts *o, const char *req, size_t reqlen,
    char *reply, size_t size)
{
	(void)o;
	(void)req;
	(void)reqlen;
	(void)reply;
	(void)size;
	return -1;
}

/*
 * RFC 864: the pattern's first min(reqlen, 512) bytes, so a reply is never
 * larger than the datagram that caused it.
 */
static ssize_t
chargen(const struct proto_opts *o, const char *req, size_t reqlen,
    char *reply, size_t size)
{
	(void)o;
	(void)req;
	if (reqlen > CHARGENMAX)
		reqlen = CHARGENMAX;
	if (reqlen > size)
		reqlen = size;
	proto_chargen(reply, reqlen);
	return (ssize_t)reqlen;
}

/*
 * RFC 867: one line with CRLF, whatever the request: ctime's format, local
 * time, unless -f and -u say.  -1 with errno: EOVERFLOW for a clock out of
 * range, ERANGE for a line longer than PROTO_LINEMAX.
 */
static ssize_t
daytime(const struct proto_opts *o, const char *req, size_t reqlen,
    char *reply, size_t size)
{
	const char *fmt = o->po_format != NULL ? o->po_format : ctimefmt;
	struct tm tm;
	time_t now;
	size_t n;

	(void)req;
	(void)reqlen;
	if (size > PROTO_LINEMAX)
		size = PROTO_LINEMAX;
	if (proto_now(&now) == -1)
		return -1;
	if ((o->po_utc ? gmtime_r(&now, &tm) : localtime_r(&now, &tm)) ==
	    NULL) {
		errno = EOVERFLOW;
		return -1;
	}
	/* strftime(3) returns 0 for an empty result and for no room. */
	if (size < 3 || ((n = strftime(reply, size - 2, fmt, &tm)) == 0 &&
	    fmt[0] != '\0')) {
		errno = ERANGE;
		return -1;
	}
	memcpy(reply + n, "\r\n", 2);
	return (ssize_t)n + 2;
}

/*
 * RFC 868: 4 bytes, big-endian, the seconds since 1900 in 64-bit unsigned
 * arithmetic, then the low 32 bits: the count wraps to 0 on 2036-02-07
 * 06:28:16 UTC, as RFC 868's 32-bit field must.
 */
static ssize_t
rfc868(const struct proto_opts *o, const char *req, size_t reqlen,
    char *reply, size_t size)
{
	uint32_t t;
	time_t now;

	(void)o;
	(void)req;
	(void)reqlen;
	if (size < 4 || proto_now(&now) == -1)
		return -1;
	t = (uint32_t)((uint64_t)now + FROM1900);
	reply[0] = (char)(t >> 24);
	reply[1] = (char)(t >> 16);
	reply[2] = (char)(t >> 8);
	reply[3] = (char)t;
	return 4;
}

/* RFC 865: a quote picked at random, ending with a newline. */
static ssize_t
qotd(const struct proto_opts *o, const char *req, size_t reqlen, char *reply,
    size_t size)
{
	const char **quotes = o->po_quotes != NULL ? o->po_quotes :
	    builtinquotes;
	size_t nq = o->po_quotes != NULL ? o->po_nquotes :
	    sizeof(builtinquotes) / sizeof(builtinquotes[0]);
	const char *q;
	size_t n;

	(void)req;
	(void)reqlen;
	if (size < PROTO_LINEMAX || nq == 0)
		return -1;
	q = quotes[(size_t)random() % nq];
	if ((n = strlen(q)) > PROTO_LINEMAX - 1)
		n = PROTO_LINEMAX - 1;
	memcpy(reply, q, n);
	if (n == 0 || reply[n - 1] != '\n')
		reply[n++] = '\n';
	return (ssize_t)n;
}

static const struct proto protos[] = {
	{ "echo",	PROTO_ECHO,	1, "",		echo },
	{ "discard",	PROTO_DISCARD,	1, "",		discard },
	{ "chargen",	PROTO_CHARGEN,	1, "",		chargen },
	{ "daytime",	PROTO_ONCE,	1, "f:u",	daytime },
	{ "time",	PROTO_ONCE,	1, "",		rfc868 },
	{ "qotd",	PROTO_ONCE,	0, "f:",	qotd },
	{ NULL,		PROTO_ONCE,	0, NULL,	NULL }
};

/* The protocol named name, or NULL. */
const struct proto *
proto_find(const char *name)
{
	const struct proto *p;

	for (p = protos; p->p_name != NULL; p++)
		if (strcmp(p->p_name, name) == 0)
			return p;
	return NULL;
}

/*
 * Sets p's option ch (one of p_optstring's) with its argument arg in o:
 * 0, or -1 when p has no such option.
 */
int
proto_option(const struct proto *p, struct proto_opts *o, int ch,
    const char *arg)
{
	if (ch == 'u' && strcmp(p->p_name, "daytime") == 0)
		o->po_utc = 1;
	else if (ch == 'f' && strcmp(p->p_name, "daytime") == 0)
		o->po_format = arg;
	else if (ch == 'f' && strcmp(p->p_name, "qotd") == 0)
		o->po_file = arg;
	else
		return -1;
	return 0;
}

static int
badport(in_port_t nport, int privok)
{
	/*
	 * Ports of the services that answer anything: a reply to one of
	 * them starts a loop between two servers (CVE-1999-0103).  Below
	 * 1024 are the servers' ports, not clients' (OpenBSD's rule).
	 */
	static const in_port_t bad[] = { 0, 7, 9, 13, 17, 19, 37 };
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (ntohs(nport) == bad[i])
			return 1;
	return !privok && ntohs(nport) < 1024;
}

static int
badv4(const unsigned char *a)
{
	if (a[0] == 0)				/* 0.0.0.0/8: "this host" */
		return 1;
	if (a[0] == 255 && a[1] == 255 && a[2] == 255 && a[3] == 255)
		return 1;
	return (a[0] & 0xf0) == 224;		/* 224.0.0.0/4: multicast */
}

/*
 * The UDP reflection guard (SPEC section 2): 1 when a datagram from sa must
 * be dropped unanswered, 0 when it may be answered.  Loopback is answered;
 * a privileged source port only with privok.  Local broadcast addresses
 * need no check here: without SO_BROADCAST the kernel refuses to send to
 * them (EACCES).
 */
int
proto_badsource(const struct sockaddr *sa, int privok)
{
	const struct sockaddr_in *s4;
	const struct sockaddr_in6 *s6;
	const unsigned char *a;

	switch (sa->sa_family) {
	case AF_INET:
		s4 = (const struct sockaddr_in *)(const void *)sa;
		return badport(s4->sin_port, privok) ||
		    badv4((const unsigned char *)&s4->sin_addr);
	case AF_INET6:
		s6 = (const struct sockaddr_in6 *)(const void *)sa;
		a = s6->sin6_addr.s6_addr;
		if (badport(s6->sin6_port, privok) ||
		    IN6_IS_ADDR_MULTICAST(&s6->sin6_addr) ||
		    IN6_IS_ADDR_UNSPECIFIED(&s6->sin6_addr))
			return 1;
		return IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr) && badv4(a + 12);
	default:
		return 1;
	}
}
