/*
 * woutdump: httpget's -w (clients/wout.c) without a transfer, for the
 * tests.  Fills a struct xfer with fixed figures (or, with -n, with those
 * of a transfer that got nowhere), changes the fields named NAME=VALUE
 * (the field's name without "x_"; a string field named alone is NULL),
 * and writes FORMAT (or @FILE, @-) for it.
 */
#include <err.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../clients/wout.h"

enum ftype { T_INT, T_ULL, T_LL, T_STR };

struct field {
	const char	*f_name;
	enum ftype	 f_type;
	size_t		 f_off;
};

#define F(f)	offsetof(struct xfer, f)

static const struct field fields[] = {
	{ "code", T_INT, F(x_code) },
	{ "minor", T_INT, F(x_minor) },
	{ "method", T_STR, F(x_method) },
	{ "scheme", T_STR, F(x_scheme) },
	{ "size_download", T_ULL, F(x_size_download) },
	{ "size_upload", T_ULL, F(x_size_upload) },
	{ "size_header", T_ULL, F(x_size_header) },
	{ "size_request", T_ULL, F(x_size_request) },
	{ "t_namelookup", T_LL, F(x_t_namelookup) },
	{ "t_connect", T_LL, F(x_t_connect) },
	{ "t_pretransfer", T_LL, F(x_t_pretransfer) },
	{ "t_starttransfer", T_LL, F(x_t_starttransfer) },
	{ "t_redirect", T_LL, F(x_t_redirect) },
	{ "t_total", T_LL, F(x_t_total) },
	{ "num_connects", T_INT, F(x_num_connects) },
	{ "num_redirects", T_INT, F(x_num_redirects) },
	{ "num_headers", T_INT, F(x_num_headers) },
	{ "redirect_url", T_STR, F(x_redirect_url) },
	{ "url", T_STR, F(x_url) },
	{ "url_effective", T_STR, F(x_url_effective) },
	{ "content_type", T_STR, F(x_content_type) },
	{ "referer", T_STR, F(x_referer) },
	{ "remote_ip", T_STR, F(x_remote_ip) },
	{ "remote_port", T_INT, F(x_remote_port) },
	{ "local_ip", T_STR, F(x_local_ip) },
	{ "local_port", T_INT, F(x_local_port) },
	{ "exitcode", T_INT, F(x_exitcode) },
	{ "errormsg", T_STR, F(x_errormsg) },
	{ "filename_effective", T_STR, F(x_filename_effective) },
	{ "hdr", T_STR, F(x_hdr) }
};
#define NFIELDS	(sizeof(fields) / sizeof(fields[0]))

static const char hdr[] = "HTTP/1.1 200 OK\r\n"
    "Content-Type: text/plain\r\n"
    "Content-Length: 1234\r\n"
    "X-Multi: one\r\n"
    "x-multi:   two  \r\n"
    "\r\n";

static void
usage(void)
{
	(void)fprintf(stderr,
	    "usage: woutdump [-n] FORMAT|@FILE|@- [NAME=VALUE|NAME]...\n");
	exit(2);
}

/* The fixed figures: a GET of 1234 bytes in 0.617 s. */
static void
fixed(struct xfer *x)
{
	x->x_code = 200;
	x->x_minor = 1;
	x->x_method = "GET";
	x->x_scheme = "http";
	x->x_size_download = 1234;
	x->x_size_upload = 56;
	x->x_size_header = 78;
	x->x_size_request = 90;
	x->x_t_namelookup = 1234;
	x->x_t_connect = 2345;
	x->x_t_pretransfer = 3456;
	x->x_t_starttransfer = 4567;
	x->x_t_redirect = 0;
	x->x_t_total = 617000;
	x->x_num_connects = 1;
	x->x_num_redirects = 0;
	x->x_num_headers = 5;
	x->x_redirect_url = NULL;
	x->x_url = "http://127.0.0.1:8080/a";
	x->x_url_effective = "http://127.0.0.1:8080/b";
	x->x_content_type = "text/plain";
	x->x_referer = NULL;
	x->x_remote_ip = "127.0.0.1";
	x->x_remote_port = 8080;
	x->x_local_ip = "127.0.0.2";
	x->x_local_port = 40000;
	x->x_exitcode = 0;
	x->x_errormsg = NULL;
	x->x_filename_effective = NULL;
	x->x_hdr = hdr;
	x->x_hdrlen = sizeof(hdr) - 1;
}

/* Sets the field of ARG, "NAME=VALUE" or "NAME". */
static void
set(struct xfer *x, const char *arg)
{
	const struct field *f = NULL;
	const char *eq, *val;
	char *end;
	void *p;
	size_t i, len;

	eq = strchr(arg, '=');
	len = eq != NULL ? (size_t)(eq - arg) : strlen(arg);
	for (i = 0; i < NFIELDS; i++)
		if (strlen(fields[i].f_name) == len &&
		    strncmp(fields[i].f_name, arg, len) == 0)
			f = &fields[i];
	if (f == NULL)
		errx(2, "%s: no such field", arg);
	p = (char *)x + f->f_off;
	if (eq == NULL) {
		if (f->f_type != T_STR)
			errx(2, "%s: not a string field", arg);
		*(const char **)p = NULL;
		if (f->f_off == F(x_hdr))
			x->x_hdrlen = 0;
		return;
	}
	val = eq + 1;
	errno = 0;
	switch (f->f_type) {
	case T_INT:
		*(int *)p = (int)strtol(val, &end, 10);
		break;
	case T_ULL:
		*(unsigned long long *)p = strtoull(val, &end, 10);
		break;
	case T_LL:
		*(long long *)p = strtoll(val, &end, 10);
		break;
	case T_STR:
		*(const char **)p = val;
		if (f->f_off == F(x_hdr))
			x->x_hdrlen = strlen(val);
		return;
	}
	if (errno != 0 || end == val || *end != '\0')
		errx(2, "%s: not a number", arg);
}

int
main(int argc, char *argv[])
{
	struct xfer x;
	char e[256], *format;
	int i = 1, r;

	memset(&x, 0, sizeof(x));
	if (argc > 1 && strcmp(argv[1], "-n") == 0) {
		x.x_minor = -1;
		x.x_method = "GET";
		x.x_url = "http://127.0.0.1:1/";
		x.x_url_effective = x.x_url;
		x.x_exitcode = 7;
		x.x_errormsg = "127.0.0.1:1: connection refused";
		i++;
	} else
		fixed(&x);
	if (i >= argc)
		usage();
	if ((format = wout_load(argv[i], e, sizeof(e))) == NULL)
		errx(1, "%s", e);
	for (i++; i < argc; i++)
		set(&x, argv[i]);
	r = wout_write(format, &x, stdout, stderr);
	free(format);
	if (r == -1)
		errx(1, "write failed");
	return 0;
}
