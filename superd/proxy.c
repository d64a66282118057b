/*
 * HAProxy's PROXY protocol (doc/proxy-protocol.txt of HAProxy): the header
 * a load balancer sends first on a connection, naming the client.  A pure
 * parser: it looks at what has come so far and says whether the header is
 * whole, bad, or how many more bytes may be read without passing it.  It
 * never looks past the header it finds.
 */
#define _GNU_SOURCE
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <string.h>

#include "proxy.h"

static const unsigned char v1sig[] = "PROXY ";
static const unsigned char v2sig[12] = {
	0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a
};

static enum proxyres
bad(struct proxyhdr *h, const char *why)
{
	h->ph_why = why;
	return PROXY_BAD;
}

static enum proxyres
more(struct proxyhdr *h, size_t n)
{
	h->ph_len = n;
	return PROXY_MORE;
}

/* A v1 port: 1 to 5 digits, at most 65535; -1 if not. */
static int
v1port(const char *s)
{
	size_t n = strlen(s), i;
	long v = 0;

	if (n == 0 || n > 5)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v > 65535 ? -1 : (int)v;
}

/* One v1 address and port into ss. */
static int
v1addr(int af, const char *a, const char *p, struct sockaddr_storage *ss)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
	int port;

	memset(ss, 0, sizeof(*ss));
	if ((port = v1port(p)) == -1)
		return -1;
	if (af == AF_INET) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons((unsigned short)port);
		return inet_pton(AF_INET, a, &sin->sin_addr) == 1 ? 0 : -1;
	}
	sin6->sin6_family = AF_INET6;
	sin6->sin6_port = htons((unsigned short)port);
	return inet_pton(AF_INET6, a, &sin6->sin6_addr) == 1 ? 0 : -1;
}

/*
 * "PROXY TCP4|TCP6 SRC DST SPORT DPORT\r\n", single spaces, or "PROXY
 * UNKNOWN" and anything up to the CRLF.
 */
static enum proxyres
v1(const unsigned char *buf, size_t len, struct proxyhdr *h)
{
	char line[PROXY_V1MAX + 1], *f[7], *p;
	size_t i, n, max = len < PROXY_V1MAX ? len : PROXY_V1MAX;
	int nf, af;

	for (i = 0; i < max && i < sizeof(v1sig) - 1; i++)
		if (buf[i] != v1sig[i])
			return bad(h, "not a PROXY header");
	for (n = 0; n + 1 < max; n++)
		if (buf[n] == '\r' && buf[n + 1] == '\n')
			break;
	if (n + 1 >= max) {
		if (len >= PROXY_V1MAX)
			return bad(h, "v1 line without CRLF in 107 bytes");
		/* A lone CR ending what came may be the CRLF's first half. */
		return more(h, PROXY_V1MAX - len);
	}
	h->ph_version = 1;
	h->ph_len = n + 2;
	memcpy(line, buf, n);
	line[n] = '\0';
	if (strncmp(line, "PROXY UNKNOWN", 13) == 0 &&
	    (line[13] == '\0' || line[13] == ' '))
		return PROXY_DONE;
	for (nf = 0, p = line; nf < 7; nf++) {
		f[nf] = p;
		if ((p = strchr(p, ' ')) == NULL) {
			nf++;
			break;
		}
		*p++ = '\0';
	}
	if (nf != 6 || p != NULL)
		return bad(h, "v1 line not PROXY PROTO SRC DST SPORT DPORT");
	if (strcmp(f[1], "TCP4") == 0)
		af = AF_INET;
	else if (strcmp(f[1], "TCP6") == 0)
		af = AF_INET6;
	else
		return bad(h, "v1 protocol not TCP4, TCP6 or UNKNOWN");
	if (v1addr(af, f[2], f[4], &h->ph_src) == -1 ||
	    v1addr(af, f[3], f[5], &h->ph_dst) == -1)
		return bad(h, "v1 address or port malformed");
	h->ph_family = af;
	h->ph_addrs = 1;
	return PROXY_DONE;
}

/* v2's address block for fam: IPv4 12 bytes, IPv6 36, UNIX 216. */
static size_t
v2addrlen(int fam)
{
	static const size_t n[] = { 0, 12, 36, 216 };

	return n[fam];
}

/* The 16 bytes, then the addresses, then TLVs (ignored). */
static enum proxyres
v2(const unsigned char *buf, size_t len, struct proxyhdr *h)
{
	struct sockaddr_in *s4, *d4;
	struct sockaddr_in6 *s6, *d6;
	size_t i, body, alen;
	int cmd, fam, tr;

	for (i = 0; i < len && i < sizeof(v2sig); i++)
		if (buf[i] != v2sig[i])
			return bad(h, "v2 signature wrong");
	if (len > 12 && (buf[12] >> 4) != 2)
		return bad(h, "v2 version not 2");
	if (len > 12 && (cmd = buf[12] & 0x0f) > 1)
		return bad(h, "v2 command not LOCAL or PROXY");
	if (len > 13 && ((fam = buf[13] >> 4) > 3 || (tr = buf[13] & 0x0f) >
	    2))
		return bad(h, "v2 family or transport unknown");
	if (len < PROXY_V2HDR)
		return more(h, PROXY_V2HDR - len);
	cmd = buf[12] & 0x0f;
	fam = buf[13] >> 4;
	tr = buf[13] & 0x0f;
	body = (size_t)buf[14] << 8 | buf[15];
	alen = v2addrlen(fam);
	if (body < alen)
		return bad(h, "v2 length shorter than its addresses");
	if (body - alen > PROXY_TLVMAX)
		return bad(h, "v2 length past 4 KiB of TLVs");
	if (len < PROXY_V2HDR + body)
		return more(h, PROXY_V2HDR + body - len);
	h->ph_version = 2;
	h->ph_len = PROXY_V2HDR + body;
	h->ph_local = cmd == 0;
	h->ph_family = fam == 1 ? AF_INET : fam == 2 ? AF_INET6 : fam == 3 ?
	    AF_UNIX : AF_UNSPEC;
	if (h->ph_local || (fam != 1 && fam != 2))
		return PROXY_DONE;
	if (tr != 1)
		return bad(h, "v2 transport not a stream");
	buf += PROXY_V2HDR;
	memset(&h->ph_src, 0, sizeof(h->ph_src));
	memset(&h->ph_dst, 0, sizeof(h->ph_dst));
	if (fam == 1) {
		s4 = (struct sockaddr_in *)&h->ph_src;
		d4 = (struct sockaddr_in *)&h->ph_dst;
		s4->sin_family = d4->sin_family = AF_INET;
		memcpy(&s4->sin_addr, buf, 4);
		memcpy(&d4->sin_addr, buf + 4, 4);
		memcpy(&s4->sin_port, buf + 8, 2);
		memcpy(&d4->sin_port, buf + 10, 2);
	} else {
		s6 = (struct sockaddr_in6 *)&h->ph_src;
		d6 = (struct sockaddr_in6 *)&h->ph_dst;
		s6->sin6_family = d6->sin6_family = AF_INET6;
		memcpy(&s6->sin6_addr, buf, 16);
		memcpy(&d6->sin6_addr, buf + 16, 16);
		memcpy(&s6->sin6_port, buf + 32, 2);
		memcpy(&d6->sin6_port, buf + 34, 2);
	}
	h->ph_addrs = 1;
	return PROXY_DONE;
}

/*
 * Parses the len bytes of buf come so far, for a service that accepts the
 * versions of want (PROXY_V1, PROXY_V2 or both).  PROXY_DONE: h says what
 * the header says and ph_len is its length; PROXY_MORE: ph_len more bytes
 * at most may be read before parsing again; PROXY_BAD: ph_why says why.
 */
enum proxyres
proxy_parse(const unsigned char *buf, size_t len, int want,
    struct proxyhdr *h)
{
	memset(h, 0, sizeof(*h));
	if (len == 0)
		return more(h, want & PROXY_V2 ? PROXY_V2HDR : sizeof(v1sig) - 1);
	if (buf[0] == v1sig[0]) {
		if (!(want & PROXY_V1))
			return bad(h, "a v1 header on a v2 service");
		return v1(buf, len, h);
	}
	if (buf[0] == v2sig[0]) {
		if (!(want & PROXY_V2))
			return bad(h, "a v2 header on a v1 service");
		return v2(buf, len, h);
	}
	return bad(h, "no PROXY header");
}
