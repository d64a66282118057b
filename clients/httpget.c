/*
 * httpget: fetches one http:// URL the way curl users expect (SPEC section
 * 3): the request and its body (request.c, body.c) over a connection to
 * every resolved address in turn (conn.c), the response through http.c's
 * reader, redirects through request.c, the body to stdout or to
 * output.c's -o FILE, -w through wout.c.  Every failure is one line
 * naming the host and exits with curl's number.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <ctype.h>
#include <setjmp.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "cookie.h"

#include "hg.h"
#include "http.h"
#include "output.h"
#include "request.h"
#include "url.h"


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
	[HG_READ] = "cannot read a local file",
	[HG_TIMEOUT] = "timed out",
	[HG_RANGE] = "the range asked for was not sent",
	[HG_REDIRS] = "too many redirects",
	[HG_OPTION] = "bad option value",
	[HG_EMPTY] = "empty reply from server",
	[HG_SEND] = "send error",
	[HG_RECV] = "receive error",
	[HG_DECODE] = "unsupported transfer coding",
	[HG_FILESIZE] = "body over --max-filesize",
	[HG_REWIND] = "cannot send the body again"
};

struct cfg cfg;
struct xfer xf = { .x_minor = -1, .x_scheme = "http" };
long long start_us, deadline_ms;
struct url urls[3];			/* the first, then two in turn */
int noexpect;				/* after a 417 */

static int writing_out;			/* -w is being written */
static jmp_buf failed;			/* where die() goes back to */
static int catching;			/* failed is set */
static enum fail fail_code;		/* what die() was given */
static char fail_line[700];		/* "label: cause" */

/*
 * Copies LEN bytes of S into DST of size N for a message, cut with "..."
 * when longer: a server's text with non-printables as '?'; when TYPED,
 * text the user typed, shown as typed but for control bytes.
 */
const char *
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

const char *
safe(char *dst, size_t n, const char *s, size_t len)
{
	return shown(dst, n, s, len, 0);
}



/* "http://authority/target" of U into BUF of size N. */
const char *
url_string(const struct url *u, char *buf, size_t n)
{
	char auth[URL_HOSTMAX + 16];

	if (url_authority(u, 1, auth, sizeof(auth)) == -1)
		auth[0] = '\0';
	(void)snprintf(buf, n, "http://%s%s", auth, u->u_target);
	return buf;
}

/* Writes -w once, with the figures as they stand. */
static void
write_out(void)
{
	if (cfg.wfmt == NULL || writing_out)
		return;
	writing_out = 1;
	xf.x_t_total = now_us() - start_us;
	xf.x_size_download = rp.rp_body;
	xf.x_method = method;
	xf.x_url = cfg.url;
	xf.x_url_effective = effective != NULL ? effective : cfg.url;
	xf.x_filename_effective = out.o_mode != OUT_STDOUT ? opath : NULL;
	(void)fflush(stdout);
	(void)wout_write(cfg.wfmt, &xf, stdout, stderr);
	(void)fflush(stdout);
	(void)fflush(stderr);
}

/*
 * The one way out of a transfer that fails: the cause kept for the
 * caller of try_target(), which tells it or tries again.  Before the
 * transfers start it is told here and httpget exits.
 */
void
die(enum fail f, const char *label, const char *fmt, ...)
{
	va_list ap;
	char msg[512];

	if (fmt != NULL) {
		va_start(ap, fmt);
		(void)vsnprintf(msg, sizeof(msg), fmt, ap);
		va_end(ap);
	} else
		(void)snprintf(msg, sizeof(msg), "%s", failmsg[f]);
	(void)snprintf(fail_line, sizeof(fail_line), "%s: %s", label, msg);
	fail_code = f;
	if (catching)
		longjmp(failed, 1);
	out_abandon();
	fprintf(stderr, "httpget: %s\n", fail_line);
	exit(f);
}

void
timeout(const char *label)
{
	die(HG_TIMEOUT, label, "timed out after %s s (%llu bytes received)",
	    cfg.maxtime_str, rp.rp_body);
}



















/* Runs fetch_target() once; returns HG_OK or what it died of. */
static enum fail
try_target(void)
{
	if (setjmp(failed) != 0) {
		catching = 0;
		alarm_off("httpget");
		if (ex.fd >= 0)
			conn_drop(ex.fd);
		ex.fd = -1;
		out_abandon();
		return fail_code;
	}
	catching = 1;
	fetch_target();
	catching = 0;
	return HG_OK;
}

/*
 * True when the failure F of an attempt is worth another (--retry):
 * curl's transient ones, or any with --retry-all-errors but those no
 * try can change.
 */
static int
transient(enum fail f)
{
	int c = xf.x_code;

	if (cfg.retry_all)
		return f != HG_USAGE && f != HG_URL && f != HG_WRITE &&
		    f != HG_READ;
	return f == HG_TIMEOUT || (f == HG_HTTP && (c == 408 || c == 429 ||
	    c == 500 || c == 502 || c == 503 || c == 504));
}

/* Sleeps MS milliseconds. */
static void
pause_ms(long long ms)
{
	struct timespec ts;

	ts.tv_sec = (time_t)(ms / 1000);
	ts.tv_nsec = (long)(ms % 1000) * 1000000;
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/* Fetches the current target, again after a transient failure as
 * --retry asks; returns the last attempt's failure. */
static enum fail
run_target(void)
{
	long long first = now_ms(), backoff = 1000, delay;
	long left = cfg.retry;
	enum fail f;

	for (;;) {
		memset(&xf, 0, sizeof(xf));
		xf.x_minor = -1;
		xf.x_scheme = "http";
		writing_out = 0;
		ri.ri_retry_after = -1;
		/* Each try has all of -m, as curl gives it. */
		if (cfg.maxtime_ms > 0)
			deadline_ms = now_ms() + cfg.maxtime_ms;
		if ((f = try_target()) == HG_OK || left == 0 || !transient(f))
			break;
		delay = xf.x_code != 0 && ri.ri_retry_after >= 0 ?
		    ri.ri_retry_after * 1000 : cfg.retry_delay_ms >= 0 ?
		    cfg.retry_delay_ms : backoff;
		if (delay > 600000)
			delay = 600000;
		if (cfg.retry_maxtime_ms > 0 && now_ms() + delay - first >
		    cfg.retry_maxtime_ms)
			break;
		/* Counted as curl counts them: this one included. */
		if (!cfg.silent)
			fprintf(stderr, "httpget: %s; retrying in %g s (%ld "
			    "left)\n", fail_line, (double)delay / 1000, left);
		left--;
		pause_ms(delay);
		if (backoff < 600000)
			backoff *= 2;
	}
	if (f != HG_OK) {
		fprintf(stderr, "httpget: %s\n", fail_line);
		xf.x_exitcode = f;
		xf.x_errormsg = fail_line;
	}
	write_out();
	return f;
}

int
main(int argc, char *argv[])
{
	char err[256];
	const char *warn;
	enum fail f, last = HG_OK;
	int i;

	opts_parse(&cfg, argc, argv);
	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
		die(HG_WRITE, "stdout", "signal: %s", cause(errno));
	ex.fd = -1;
	rp.rp_field = content_field;
	rp.rp_gzipok = cfg.compressed;
	if (cfg.ncookies > 0 || cfg.jar != NULL) {
		if ((jar = jar_new()) == NULL)
			die(HG_READ, "cookies", "%s", cause(ENOMEM));
		for (i = 0; i < cfg.ncookies; i++) {
			warn = NULL;
			if (jar_load(jar, cfg.cookies[i], time(NULL), &warn,
			    err, sizeof(err)) == -1)
				die(HG_USAGE, "-b", "%s", err);
			if (warn != NULL && !cfg.silent)
				fprintf(stderr, "httpget: -b %s: %c%s\n",
				    cfg.cookies[i], tolower((unsigned char)
				    warn[0]), warn + (warn[0] != '\0'));
		}
	}
	start_us = now_us();
	if (cfg.maxtime_ms > 0)
		deadline_ms = start_us / 1000 + cfg.maxtime_ms;
	sink_start();

	for (i = 0; i < cfg.ntargets; i++) {
		cfg.url = cfg.targets[i].t_url;
		cfg.output = cfg.targets[i].t_output;
		cfg.remote_name = cfg.targets[i].t_remote;
		start_us = now_us();
		if ((f = run_target()) != HG_OK)
			last = f;
	}
	if (jar != NULL && cfg.jar != NULL &&
	    jar_save(jar, cfg.jar, time(NULL), err, sizeof(err)) == -1) {
		fprintf(stderr, "httpget: -c %s: %s\n", cfg.jar, err);
		if (last == HG_OK)
			last = HG_WRITE;
	}
	if (jar != NULL)
		jar_free(jar);
	return last;
}
