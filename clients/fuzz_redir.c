/*
 * fuzz_redir.c: libFuzzer entry for the redirect path, as fetch() in
 * httpget.c walks it: a response through http.c's reader, its Location
 * through request.c's req_redirect(), then the next request through
 * req_format(), twice, for a chain.  The input is a URL line (a default
 * with credentials when it does not parse), then the response.  Checks
 * that each request is whole lines of clean bytes with the target as
 * normalised, Host first and once, and that credentials (the URL's or
 * -H's) and -H Host reach the first URL's origin only.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http.h"
#include "request.h"

static struct resp rp;
static struct url first, hop[2];
static char s[RESP_HDRMAX * 2];
static char req[REQ_MAX];

static const char *const hdrs[] = {
	"Authorization: Bearer secret", "Cookie: c=secret",
	"Proxy-Authorization: Basic secret", "Host: secret.example",
	"X-Other: 1"
};

static int
starts(const char *line, size_t n, const char *prefix)
{
	size_t k = strlen(prefix);

	return n >= k && strncasecmp(line, prefix, k) == 0;
}

/* Checks the N bytes of request at P for U, sent TRUSTED or not. */
static void
check(const char *p, size_t n, const struct url *u, int trusted)
{
	const char *e = p + n, *line, *nl;
	char auth[URL_HOSTMAX + 16], host[URL_HOSTMAX + 32];
	size_t len, i, tlen = strlen(u->u_target);
	int k;

	if (n < 4 || memcmp(e - 4, "\r\n\r\n", 4) != 0)
		abort();
	if (url_authority(u, 0, auth, sizeof(auth)) == -1)
		abort();
	(void)strcpy(host, "Host: ");
	(void)strcat(host, trusted ? "secret.example" : auth);
	for (k = 0, line = p; line < e - 2; line = nl + 1, k++) {
		if ((nl = memchr(line, '\n', (size_t)(e - line))) == NULL ||
		    nl == line || nl[-1] != '\r')
			abort();
		len = (size_t)(nl - 1 - line);
		for (i = 0; i < len; i++)
			if ((unsigned char)line[i] < ' ' && line[i] != '\t')
				abort();
		if (k == 0 && (len != 4 + tlen + 9 ||
		    memcmp(line, "GET ", 4) != 0 ||
		    memcmp(line + 4, u->u_target, tlen) != 0 ||
		    memcmp(line + 4 + tlen, " HTTP/1.1", 9) != 0))
			abort();
		if (k == 1 && (len != strlen(host) ||
		    memcmp(line, host, len) != 0))
			abort();
		if (k > 1 && starts(line, len, "Host:"))
			abort();
		if (!trusted && (starts(line, len, "Authorization:") ||
		    starts(line, len, "Cookie:") ||
		    starts(line, len, "Proxy-Authorization:")))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p, *why, *d;
	size_t n, used, dlen;
	enum resp_ev ev;
	struct reqhdr h = { .method = "GET", .clen = -1, .hdrs = hdrs,
	    .nhdrs = 5, .trusted = 1 };
	int trusted = 1, was, i, r;
	char *nl;

	if (size >= sizeof(s))
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if ((nl = memchr(s, '\n', size)) == NULL)
		return 0;
	*nl = '\0';
	if (url_parse(&first, s, &why) != HG_OK &&
	    url_parse(&first, "http://u:p%40ss@origin.example:8080/a/b?q",
	    &why) != HG_OK)
		abort();
	p = nl + 1;
	n = size - (size_t)(p - s);
	resp_init(&rp, 0);
	do {
		ev = resp_feed(&rp, p, n, &used, &d, &dlen);
		p += used;
		n -= used;
	} while (ev == RESP_HEADERS && rp.rp_status < 200);
	if (ev != RESP_HEADERS || rp.rp_loc[0] == '\0')
		return 0;
	for (i = 0; i < 2; i++) {
		was = trusted;
		if (req_redirect(&hop[i], i == 0 ? &first : &hop[0], &first,
		    rp.rp_loc, &trusted, &why) != HG_OK) {
			if (why == NULL || why[0] == '\0')
				abort();
			return 0;
		}
		if (trusted > was || trusted != (was &&
		    url_sameorigin(&hop[i], &first)) ||
		    (!trusted && hop[i].u_hasuser))
			abort();
		h.trusted = trusted;
		if ((r = req_format(req, sizeof(req), &hop[i], &h)) == -1)
			abort();
		check(req, (size_t)r, &hop[i], trusted);
	}
	return 0;
}
