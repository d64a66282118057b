/*
 * opts.c: httpget's command line in curl's spelling.  One table holds each
 * option's names, whether it takes an argument and its help line, so that
 * the parser, --help and the suggestion for a mistyped name cannot drift
 * apart.  getopt_long is not used: curl takes options after the URL
 * whatever POSIXLY_CORRECT says, and names the nearest option to a typo.
 */
#include <sys/socket.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "conn.h"
#include "optval.h"
#include "opts.h"
#include "request.h"
#include "wout.h"

#ifndef VERSION
#define VERSION "0.1"
#endif

enum {
	O_CTIMEOUT = 256, O_MAXREDIRS, O_DATABIN, O_DATARAW, O_DATAURL,
	O_FORMSTR, O_FAILBODY, O_NOFAIL, O_NAMEALL, O_OUTDIR, O_MKDIRS,
	O_MAXSIZE, O_NOPROXY, O_RETRY, O_RETRYDELAY, O_RETRYMAX, O_RETRYALL,
	O_COMPRESSED, O_UNIX, O_RESOLVE, O_CONNECTTO
};

struct opt {
	const char	*o_long;
	int		 o_id;		/* the short letter, or O_* */
	const char	*o_arg;		/* the argument's name, or NULL */
	const char	*o_help;
};

static const struct opt opts[] = {
	{ "ipv4", '4', NULL, "use IPv4 addresses only" },
	{ "ipv6", '6', NULL, "use IPv6 addresses only" },
	{ "user-agent", 'A', "AGENT", "send User-Agent: AGENT (\"\": none)" },
	{ "cookie", 'b', "DATA|FILE", "send cookies NAME=VALUE, or a file's" },
	{ "cookie-jar", 'c', "FILE", "write the cookies to FILE at the end" },
	{ "compressed", O_COMPRESSED, NULL, "ask for gzip or deflate, and "
	    "decode it" },
	{ "connect-to", O_CONNECTTO, "H1:P1:H2:P2", "connect to H2:P2 for "
	    "H1:P1" },
	{ "continue-at", 'C', "OFFSET|-", "resume at OFFSET (-: the file's "
	    "size)" },
	{ "connect-timeout", O_CTIMEOUT, "SECONDS", "give up connecting after SECONDS "
	    "(30)" },
	{ "create-dirs", O_MKDIRS, NULL, "create the folders of -o and -O paths" },
	{ "data", 'd', "DATA", "POST DATA; @FILE, @-: CR, LF dropped" },
	{ "data-ascii", 'd', "DATA", "the same as --data" },
	{ "data-binary", O_DATABIN, "DATA", "POST DATA (@FILE as it is)" },
	{ "data-raw", O_DATARAW, "DATA", "POST DATA, '@' not special" },
	{ "data-urlencode", O_DATAURL, "DATA", "POST DATA %-encoded (NAME=, "
	    "NAME@FILE)" },
	{ "dump-header", 'D', "FILE", "write the response headers to FILE" },
	{ "fail", 'f', NULL, "on a status >= 400 write nothing, exit 22" },
	{ "fail-with-body", O_FAILBODY, NULL, "on >= 400 write the body, exit 22 "
	    "(default)" },
	{ "form", 'F', "NAME=VALUE", "POST a form field (NAME=@FILE, NAME=<FILE)" },
	{ "form-string", O_FORMSTR, "NAME=VALUE", "a form field taken as it is" },
	{ "get", 'G', NULL, "put the -d data in the query, and GET" },
	{ "header", 'H', "'Name: value'", "add a header; 'Name:' drops ours" },
	{ "head", 'I', NULL, "send HEAD, print the response headers" },
	{ "help", 'h', NULL, "print this help and exit" },
	{ "include", 'i', NULL, "print the status lines and headers too" },
	{ "location", 'L', NULL, "follow redirects (301, 302, 303, 307, 308)" },
	{ "max-filesize", O_MAXSIZE, "BYTES", "refuse a body over BYTES (k, M, "
	    "G): 63" },
	{ "max-redirs", O_MAXREDIRS, "N", "follow at most N redirects (10; -1: all)" },
	{ "max-time", 'm', "SECONDS", "give up after SECONDS in all (0: never)" },
	{ "no-fail", O_NOFAIL, NULL, "exit 0 whatever the status, as curl does" },
	{ "noproxy", O_NOPROXY, "LIST", "hosts reached without the proxy" },
	{ "output", 'o', "FILE", "write the body to FILE, not to stdout" },
	{ "output-dir", O_OUTDIR, "DIR", "write -o and -O files in DIR" },
	{ "proxy", 'x', "URL", "use the HTTP proxy URL (\"\": none)" },
	{ "referer", 'e', "URL", "send Referer: URL (;auto: on redirects)" },
	{ "remote-name", 'O', NULL, "write the body to the URL's file name" },
	{ "remote-name-all", O_NAMEALL, NULL, "-O for every URL" },
	{ "request", 'X', "METHOD", "send METHOD, not GET, POST or PUT" },
	{ "resolve", O_RESOLVE, "HOST:PORT:ADDR", "use ADDR[,ADDR] for "
	    "HOST:PORT" },
	{ "retry", O_RETRY, "N", "try N more times after a transient "
	    "failure" },
	{ "retry-all-errors", O_RETRYALL, NULL, "retry after any failure" },
	{ "retry-delay", O_RETRYDELAY, "SECONDS", "wait SECONDS between "
	    "tries (1, 2, 4...)" },
	{ "retry-max-time", O_RETRYMAX, "SECONDS", "start no try after "
	    "SECONDS" },
	{ "show-error", 'S', NULL, "show errors with -s (they always are)" },
	{ "silent", 's', NULL, "no progress bar; only errors are shown" },
	{ "unix-socket", O_UNIX, "PATH", "connect to the UNIX socket PATH" },
	{ "upload-file", 'T', "FILE", "PUT FILE (-: stdin, chunked)" },
	{ "user", 'u', "USER[:PASS]", "Basic credentials (no PASS: asked)" },
	{ "verbose", 'v', NULL, "show the request and response headers" },
	{ "version", 'V', NULL, "print the version and exit" },
	{ "write-out", 'w', "FORMAT", "print FORMAT at the end (%{http_code})" }
};
#define NOPTS	(sizeof(opts) / sizeof(opts[0]))

static const char **outs;	/* -o FILE, or NULL for -O, in order */
static int nouts, remote_all;
static char *refheld;		/* -e's URL without ";auto" */

static void __attribute__((noreturn))
usage(int status)
{
	FILE *f = status ? stderr : stdout;
	char name[48];
	size_t i;

	fprintf(f, "usage: httpget [-fGiIOsSvL46] [-d DATA] [-F NAME=VALUE] "
	    "[-T FILE] [-X METHOD] [-o FILE] [-H 'Name: value']... "
	    "[-w FORMAT] [option]... URL...\n");
	for (i = 0; status == 0 && i < NOPTS; i++) {
		if (opts[i].o_id < 256)
			(void)snprintf(name, sizeof(name), "-%c, --%s%s%s",
			    opts[i].o_id, opts[i].o_long, opts[i].o_arg ?
			    " " : "", opts[i].o_arg ? opts[i].o_arg : "");
		else
			(void)snprintf(name, sizeof(name), "    --%s%s%s",
			    opts[i].o_long, opts[i].o_arg ? " " : "",
			    opts[i].o_arg ? opts[i].o_arg : "");
		fprintf(f, "  %-29s %s\n", name, opts[i].o_help);
	}
	exit(status);
}


/* The edit distance of A and B (Levenshtein), for the nearest name. */
static size_t
distance(const char *a, const char *b)
{
	size_t row[64], i, j, diag, up, la = strlen(a), lb = strlen(b);

	if (la >= sizeof(row) / sizeof(row[0]))
		la = sizeof(row) / sizeof(row[0]) - 1;
	for (i = 0; i <= la; i++)
		row[i] = i;
	for (j = 1; j <= lb; j++) {
		diag = row[0];
		row[0] = j;
		for (i = 1; i <= la; i++) {
			up = row[i];
			row[i] = diag + (a[i - 1] != b[j - 1]);
			if (up + 1 < row[i])
				row[i] = up + 1;
			if (row[i - 1] + 1 < row[i])
				row[i] = row[i - 1] + 1;
			diag = up;
		}
	}
	return row[la];
}

/* The long option named NAME (LEN bytes), or a prefix of one only. */
static const struct opt *
lookup(const char *name, size_t len)
{
	char list[256], shown[48];
	const struct opt *hit = NULL;
	size_t i, d, best = (size_t)-1, bi = 0;
	int n = 0;

	for (i = 0; i < NOPTS; i++)
		if (strlen(opts[i].o_long) == len &&
		    strncmp(opts[i].o_long, name, len) == 0)
			return &opts[i];
	list[0] = '\0';
	for (i = 0; i < NOPTS; i++)
		if (strncmp(opts[i].o_long, name, len) == 0) {
			hit = &opts[i];
			if (strlen(list) + strlen(hit->o_long) + 8 <
			    sizeof(list))
				(void)snprintf(list + strlen(list),
				    sizeof(list) - strlen(list), "%s--%s",
				    n > 0 ? ", " : "", hit->o_long);
			n++;
		}
	(void)snprintf(shown, sizeof(shown), "%.*s", (int)len, name);
	for (i = 0; shown[i] != '\0'; i++)
		if (!isprint((unsigned char)shown[i]))
			shown[i] = '?';

	if (n == 1)
		return hit;
	if (n > 1)
		bad("option --%s: is ambiguous (%s)", shown, list);
	for (i = 0; i < NOPTS; i++)
		if ((d = distance(shown, opts[i].o_long)) < best) {
			best = d;
			bi = i;
		}
	/* A suggestion only when it is near: a third of the letters. */
	if (best <= 1 + strlen(shown) / 3)
		bad("option --%s: is unknown; did you mean --%s?", shown,
		    opts[bi].o_long);
	bad("option --%s: is unknown; see httpget --help", shown);
}

static const struct opt *
lookup_short(int c)
{
	size_t i;

	for (i = 0; i < NOPTS; i++)
		if (opts[i].o_id == c)
			return &opts[i];
	if (isprint(c))
		bad("option -%c: is unknown; see httpget --help", c);
	bad("option -\\x%02x: is unknown; see httpget --help", c & 0xff);
}

static void
bodyadd(struct cfg *c, enum fail f)
{
	if (f != HG_OK) {
		fprintf(stderr, "httpget: %s\n", c->body.b_err);
		exit(f);
	}
}

/* Applies option O with its argument ARG (NULL when it takes none);
 * NEG is 1 for "--no-NAME". */
static void
apply(struct cfg *c, const struct opt *o, const char *arg, int neg)
{
	char err[256], arg64[64], *s;
	size_t n;

	switch (o->o_id) {
	case '4': c->family = neg ? AF_UNSPEC : AF_INET; break;
	case '6': c->family = neg ? AF_UNSPEC : AF_INET6; break;
	case 'i': c->include = !neg; break;
	case 'I': c->head = !neg; break;
	case 's': c->silent = !neg; break;
	case 'S': break;
	case 'v': c->verbose = !neg; break;
	case 'L': c->location = !neg; break;
	case 'G': c->get = !neg; break;
	case 'O': outs[nouts++] = NULL; break;
	case O_NAMEALL: remote_all = !neg; break;
	case O_MKDIRS: c->create_dirs = !neg; break;
	case 'f': c->fail = neg ? FAIL_NONE : FAIL_QUIET; break;
	case O_FAILBODY: c->fail = neg ? FAIL_NONE : FAIL_BODY; break;
	case O_NOFAIL: c->fail = FAIL_NONE; break;
	case 'h': usage(0);
	case 'V':
		printf("httpget %s\nProtocols: http\nFeatures: IPv6\n",
		    VERSION);
		exit(0);
	case 'o': outs[nouts++] = arg; break;
	case O_OUTDIR: c->output_dir = arg; break;
	case 'D': c->dump = arg; break;
	case 'H':
		if (!req_header_ok(arg))
			bad("-H '%s': not a 'Name: value' header",
			    printable(err, 41, arg));
		c->hdrs[c->nhdrs++] = arg;
		break;
	case 'X':
		if (!istoken(arg))
			bad("-X '%s': not a method (a token, with no space "
			    "or control byte)", printable(err, 41, arg));
		c->method = arg;
		break;
	case 'A':
		if (hasctl(arg))
			bad("-A: a CR, LF or control byte in it would inject "
			    "a header");
		c->agent = arg;
		break;
	case 'e':
		if (hasctl(arg))
			bad("-e: a CR, LF or control byte in it would inject "
			    "a header");
		n = strlen(arg);
		c->autoref = n >= 5 && strcmp(arg + n - 5, ";auto") == 0;
		if (c->autoref) {
			/* Held for the run, and freed when -e comes again. */
			free(refheld);
			if ((refheld = s = strdup(arg)) == NULL)
				bad("-e: %s", strerror(errno));
			s[n - 5] = '\0';
			c->referer = *s != '\0' ? s : NULL;
		} else
			c->referer = arg;
		break;
	case 'u':
		if (hasctl(arg))
			bad("-u: a CR, LF or control byte in the credentials");
		c->user = userinfo(arg);
		break;
	case 'x': c->proxy = arg; break;
	case 'b': c->cookies[c->ncookies++] = arg; break;
	case 'c': c->jar = arg; break;
	case 'C':
		c->resume = strcmp(arg, "-") == 0 ? -1 :
		    (long long)size_parse("-C", arg);
		break;
	case O_COMPRESSED: c->compressed = !neg; break;
	case O_UNIX: c->unix_socket = arg; break;
	case O_RESOLVE:
	case O_CONNECTTO:
		if ((o->o_id == O_RESOLVE ? resolve_add(arg, err, sizeof(err)) :
		    connectto_add(arg, err, sizeof(err))) == -1) {
			fprintf(stderr, "httpget: --%s '%s': %s\n", o->o_long,
			    printable(arg64, sizeof(arg64), arg), err);
			exit(HG_OPTION);
		}
		break;
	case O_RETRY: c->retry = num_parse("--retry", arg, 0, 1000000); break;
	case O_RETRYDELAY:
		c->retry_delay_ms = secs_parse("--retry-delay", arg);
		break;
	case O_RETRYMAX:
		c->retry_maxtime_ms = secs_parse("--retry-max-time", arg);
		break;
	case O_RETRYALL: c->retry_all = !neg; break;
	case O_NOPROXY: c->noproxy = arg; break;
	case 'm':
		c->maxtime_ms = secs_parse("-m", arg);
		c->maxtime_str = arg;
		break;
	case O_CTIMEOUT:
		c->ctimeout_ms = secs_parse("--connect-timeout", arg);
		c->ctimeout_str = arg;
		break;
	case O_MAXREDIRS:
		c->maxredirs = num_parse("--max-redirs", arg, -1, 1000000);
		break;
	case O_MAXSIZE:
		c->maxfilesize = size_parse("--max-filesize", arg);
		break;
	case 'w':
		free(c->wfmt);
		if ((c->wfmt = wout_load(arg, err, sizeof(err))) == NULL) {
			fprintf(stderr, "httpget: -w %s\n", err);
			exit(HG_READ);
		}
		break;
	case 'd': bodyadd(c, body_data(&c->body, DATA_ASCII, arg)); break;
	case O_DATABIN:
		bodyadd(c, body_data(&c->body, DATA_BINARY, arg));
		break;
	case O_DATARAW: bodyadd(c, body_data(&c->body, DATA_RAW, arg)); break;
	case O_DATAURL:
		bodyadd(c, body_data(&c->body, DATA_URLENCODE, arg));
		break;
	case 'F': bodyadd(c, body_form(&c->body, arg, 0)); break;
	case O_FORMSTR: bodyadd(c, body_form(&c->body, arg, 1)); break;
	case 'T':
		c->upload = arg;
		bodyadd(c, body_upload(&c->body, arg));
		break;
	}
}

/* A URL of the command line. */
static void
seturl(struct cfg *c, const char *arg)
{
	c->targets[c->ntargets++].t_url = arg;
}

/* Reads the long option at ARG (after "--") with argv[*I + 1] as its
 * argument when it takes one. */
static void
longopt(struct cfg *c, const char *arg, int argc, char *argv[], int *i)
{
	const struct opt *o;
	const char *eq, *val = NULL;
	size_t len;
	int neg = 0;

	eq = strchr(arg, '=');
	len = eq != NULL ? (size_t)(eq - arg) : strlen(arg);
	/* --no-NAME turns off a switch, as curl's do; --no-fail and
	 * --noproxy are options of their own. */
	if (len > 3 && strncmp(arg, "no-", 3) == 0 &&
	    strncmp(arg, "no-fail", len) != 0) {
		o = lookup(arg + 3, len - 3);
		if (o->o_arg != NULL)
			bad("option --%.*s: --no- goes only before a switch",
			    (int)len, arg);
		neg = 1;
	} else
		o = lookup(arg, len);
	if (o->o_arg == NULL) {
		if (eq != NULL)
			bad("option --%s: takes no argument", o->o_long);
	} else if (eq != NULL)
		val = eq + 1;
	else if (*i + 1 < argc)
		val = argv[++*i];
	else
		bad("option --%s: needs an argument (%s)", o->o_long,
		    o->o_arg);
	apply(c, o, val, neg);
}

void
opts_parse(struct cfg *c, int argc, char *argv[])
{
	const struct opt *o;
	const char *a, *p;
	int i, endopts = 0;

	memset(c, 0, sizeof(*c));
	c->family = AF_UNSPEC;
	c->fail = FAIL_BODY;
	c->maxtime_str = "0";
	c->ctimeout_ms = 30000;
	c->ctimeout_str = "30";
	c->maxredirs = 10;
	body_init(&c->body);
	c->retry_delay_ms = -1;
	if ((c->hdrs = calloc((size_t)argc + 1, sizeof(*c->hdrs))) == NULL ||
	    (c->cookies = calloc((size_t)argc + 1, sizeof(*c->cookies))) ==
	    NULL || (c->targets = calloc((size_t)argc + 1,
	    sizeof(*c->targets))) == NULL || (outs = calloc((size_t)argc + 1,
	    sizeof(*outs))) == NULL)
		bad("%s", strerror(errno));

	for (i = 1; i < argc; i++) {
		a = argv[i];
		if (endopts || a[0] != '-' || a[1] == '\0') {
			seturl(c, a);
			continue;
		}
		if (strcmp(a, "--") == 0) {
			endopts = 1;
			continue;
		}
		if (a[1] == '-') {
			longopt(c, a + 2, argc, argv, &i);
			continue;
		}
		/* A bundle: switches, then at most one option with an
		 * argument, attached or the next word. */
		for (p = a + 1; *p != '\0'; p++) {
			o = lookup_short((unsigned char)*p);
			if (o->o_arg == NULL) {
				apply(c, o, NULL, 0);
				continue;
			}
			if (p[1] != '\0')
				apply(c, o, p + 1, 0);
			else if (i + 1 < argc)
				apply(c, o, argv[++i], 0);
			else
				bad("option -%c: needs an argument (%s)", *p,
				    o->o_arg);
			break;
		}
	}
	if (c->ntargets == 0)
		usage(2);
	/* -o and -O go to the URLs in order, as curl takes them. */
	for (i = 0; i < c->ntargets; i++) {
		c->targets[i].t_output = i < nouts ? outs[i] : NULL;
		c->targets[i].t_remote = i < nouts ? outs[i] == NULL :
		    remote_all;
	}
	free(outs);
	if (c->resume == -1)
		for (i = 0; i < c->ntargets; i++)
			if (c->targets[i].t_output == NULL &&
			    !c->targets[i].t_remote)
				bad("-C -: needs -o or -O, to know where to "
				    "resume");
	if (c->body.b_kind != BODY_NONE) {
		if (c->head && !c->get)
			bad("-I and a body (-d, -F, -T): one method at a "
			    "time");
		if (c->get && c->body.b_kind != BODY_DATA)
			bad("-G goes with -d only");
		bodyadd(c, body_finish(&c->body));
	}
}
