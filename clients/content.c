/*
 * content.c: what httpget does with a response's content: the fields it
 * acts on (Content-Encoding, Content-Range, Connection, Retry-After,
 * Set-Cookie), the decision -C needs (append on 206, start again on 200,
 * done on 416), and the body itself, decoded for --compressed (inflate.c)
 * and bounded by --max-filesize, on its way to the output.
 */
#include <sys/types.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "cookie.h"
#include "hg.h"
#include "inflate.h"

struct rinfo ri;
struct jar *jar;
long long resume_at;
const struct url *cur_url;

/* Of the block being read; taken when it ends. */
static struct {
	int		enc;		/* -1 none, an inf_fmt, or -2 other */
	char		encname[32];
	int		close;
	long long	retry_after;
	int		hasrange;	/* Content-Range came */
	long long	rstart, rtotal;	/* -1 when "*" */
} blk;

static struct inflate z;
static int decoding;			/* z is in use for this body */
static const char *zname;		/* "gzip" or "deflate" */
static unsigned long long made;		/* body bytes written (decoded) */
static unsigned char zout[64 * 1024];

static int
is(const char *name, size_t nn, const char *want)
{
	return strlen(want) == nn && strncasecmp(name, want, nn) == 0;
}

/* True when the list V has the token TOK (case-insensitive). */
static int
hastoken(const char *v, size_t vn, const char *tok)
{
	size_t i = 0, j, e, n = strlen(tok);

	while (i < vn) {
		for (j = i; j < vn && v[j] != ','; j++)
			;
		for (e = j; e > i && (v[e - 1] == ' ' || v[e - 1] == '\t');
		    e--)
			;
		while (i < e && (v[i] == ' ' || v[i] == '\t'))
			i++;
		if (e - i == n && strncasecmp(v + i, tok, n) == 0)
			return 1;
		i = j + 1;
	}
	return 0;
}

/* A decimal of V (VN bytes) at *I, or -1. */
static long long
decimal(const char *v, size_t vn, size_t *i)
{
	long long x = 0;
	size_t s = *i;

	while (*i < vn && isdigit((unsigned char)v[*i]) && x < 1LL << 58)
		x = x * 10 + (v[(*i)++] - '0');
	return *i == s || (*i < vn && isdigit((unsigned char)v[*i])) ? -1 : x;
}

/* Content-Range: "bytes N-M/T" or "bytes * /T" (RFC 9110 14.4). */
static void
crange(const char *v, size_t vn)
{
	size_t i = 6;

	blk.hasrange = 1;
	blk.rstart = blk.rtotal = -2;
	if (vn < 7 || strncasecmp(v, "bytes ", 6) != 0)
		return;
	if (v[i] == '*')
		i++, blk.rstart = -1;
	else if ((blk.rstart = decimal(v, vn, &i)) < 0 || i >= vn ||
	    v[i++] != '-' || decimal(v, vn, &i) < 0) {
		blk.rstart = -2;
		return;
	}
	if (i < vn && v[i++] == '/')
		blk.rtotal = i < vn && v[i] == '*' ? -1 : decimal(v, vn, &i);
}

/* Retry-After: seconds, or an HTTP date (RFC 9110 10.2.3). */
static void
retryafter(const char *v, size_t vn)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	char buf[40], mon[4];
	struct tm tm;
	size_t i = 0;
	long long s;
	time_t t;
	const char *m;

	if (vn > 0 && isdigit((unsigned char)v[0])) {
		if ((s = decimal(v, vn, &i)) >= 0 && i == vn)
			blk.retry_after = s;
		return;
	}
	/* IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT". */
	(void)snprintf(buf, sizeof(buf), "%.*s", (int)(vn < 39 ? vn : 39), v);
	memset(&tm, 0, sizeof(tm));
	if (sscanf(buf, "%*3s, %2d %3s %4d %2d:%2d:%2d GMT", &tm.tm_mday, mon,
	    &tm.tm_year, &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6 ||
	    (m = strstr(months, mon)) == NULL || (m - months) % 3 != 0)
		return;
	tm.tm_mon = (int)((m - months) / 3);
	tm.tm_year -= 1900;
	if ((t = timegm(&tm)) == (time_t)-1)
		return;
	blk.retry_after = t > time(NULL) ? (long long)(t - time(NULL)) : 0;
}

void
content_field(void *arg, const char *name, size_t nn, const char *v,
    size_t vn)
{
	(void)arg;
	if (is(name, nn, "Content-Encoding")) {
		(void)snprintf(blk.encname, sizeof(blk.encname), "%.*s",
		    (int)vn, v);
		if (blk.enc != -1)
			blk.enc = -2;		/* a second field */
		else if (is(v, vn, "identity"))
			blk.enc = -1;
		else if (is(v, vn, "gzip") || is(v, vn, "x-gzip"))
			blk.enc = INF_GZIP;
		else if (is(v, vn, "deflate"))
			blk.enc = INF_DEFLATE;
		else
			blk.enc = -2;
	} else if (is(name, nn, "Connection") && hastoken(v, vn, "close"))
		blk.close = 1;
	else if (is(name, nn, "Retry-After"))
		retryafter(v, vn);
	else if (is(name, nn, "Content-Range"))
		crange(v, vn);
	else if (is(name, nn, "Set-Cookie") && jar != NULL && cur_url != NULL)
		jar_set(jar, cur_url, v, vn, time(NULL));
}

/* A header block ended (or a response begins): its fields are taken,
 * and the next block starts from nothing. */
void
content_block(void)
{
	ri.ri_close = blk.close;
	ri.ri_retry_after = blk.retry_after;
	memset(&blk, 0, sizeof(blk));
	blk.enc = -1;
	blk.retry_after = -1;
}

/* True when a -H header asks for a range itself. */
static int
userrange(void)
{
	int i;

	for (i = 0; i < cfg.nhdrs; i++)
		if (strncasecmp(cfg.hdrs[i], "Range:", 6) == 0)
			return 1;
	return 0;
}

/* The final block's fields, before its body: -C's and the decoding's
 * decisions.  Returns 1 when the body is not to be written. */
int
content_start(void)
{
	int status = rp.rp_status, enc = blk.enc;

	ri.ri_complete = 0;
	made = 0;
	decoding = 0;
	if (resume_at > 0 && status == 416 && blk.hasrange &&
	    blk.rtotal == resume_at) {
		if (!cfg.silent)
			fprintf(stderr, "httpget: %s: %s is complete already "
			    "(%lld bytes)\n", ex.label, opath[0] != '\0' ? opath :
			    "the output", resume_at);
		ri.ri_complete = 1;
		return 1;
	}
	if (status == 206 && resume_at == 0 && !userrange())
		die(HG_WEIRD, ex.label, "malformed response: 206 Partial "
		    "Content to a request without Range");
	if (status == 206 && resume_at > 0 && (!blk.hasrange ||
	    blk.rstart != resume_at))
		die(HG_RANGE, ex.label, "the server sent another range than "
		    "bytes %lld- (%s)", resume_at, blk.hasrange ? "Content-Range "
		    "does not match" : "no Content-Range");
	/* An error page is not the rest of the file: it is not written. */
	if (cfg.resume != 0 && status >= 300)
		return 1;
	if (resume_at > 0 && status == 200) {
		if (opath[0] == '\0')
			die(HG_RANGE, ex.label, "the server does not honour "
			    "ranges");
		if (!cfg.silent)
			fprintf(stderr, "httpget: %s: the server sent the whole "
			    "file: starting again\n", ex.label);
	}
	if (cfg.resume != 0)
		out_begin(status == 206 ? resume_at : 0);
	if (!cfg.compressed)
		enc = rp.rp_tegzip ? INF_GZIP : -1;
	else if (enc == -2 || (enc != -1 && rp.rp_tegzip))
		die(HG_DECODE, ex.label, "unsupported content encoding '%s'",
		    rp.rp_tegzip && enc != -2 ? "gzip twice" : blk.encname);
	else if (rp.rp_tegzip)
		enc = INF_GZIP;
	if (enc >= 0) {
		inf_init(&z, (enum inf_fmt)enc);
		decoding = 1;
		zname = enc == INF_GZIP ? "gzip" : "deflate";
	}
	return 0;
}

/* Writes N decoded bytes, within --max-filesize. */
static void
emit(const char *p, size_t n)
{
	made += n;
	if (cfg.maxfilesize > 0 && made > cfg.maxfilesize)
		die(HG_FILESIZE, ex.label, "the body is over --max-filesize "
		    "%llu", cfg.maxfilesize);
	out_write(p, n, ex.label);
}

static void __attribute__((noreturn))
badstream(void)
{
	die(HG_DECODE, ex.label, "bad %s stream: %s", zname, z.z_why);
}

void
content_body(const char *p, size_t n)
{
	enum inf_ev ev;
	size_t used, out;

	bar_add(n);
	if (!decoding) {
		emit(p, n);
		return;
	}
	do {
		ev = inf_feed(&z, (const unsigned char *)p, n, &used, zout,
		    sizeof(zout), &out);
		p += used;
		n -= used;
		if (out > 0)
			emit((const char *)zout, out);
		if (ev == INF_FAIL)
			badstream();
	} while (ev == INF_FULL || (n > 0 && ev != INF_MORE));
}

void
content_end(void)
{
	if (decoding && inf_end(&z) != INF_DONE)
		badstream();
	decoding = 0;
}
