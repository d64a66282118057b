/*
 * wout.h: -w FORMAT, what httpget writes when a transfer ends (curl's
 * --write-out): text with \n \t \r \\ and %% escapes, %{variable} from
 * the figures of the transfer, %header{NAME} from the last response's
 * header block, %{stdout} and %{stderr} to switch where the rest goes,
 * and %{json}, every variable in one JSON object.
 */
#ifndef WOUT_H
#define WOUT_H

#include <stdio.h>

/* A -w FORMAT of @FILE is read whole, up to this much. */
#define WOUT_FILEMAX	(1024 * 1024)

/* The figures of one transfer; a NULL string is shown as "" (and null
 * in %{json}). */
struct xfer {
	int		 x_code;	/* final status, 0 if none */
	int		 x_minor;	/* HTTP/1.x, -1 if no response */
	const char	*x_method;	/* of the last request */
	const char	*x_scheme;	/* "http" */
	unsigned long long x_size_download;	/* body bytes, all requests */
	unsigned long long x_size_upload;	/* body bytes sent */
	unsigned long long x_size_header;	/* header bytes received */
	unsigned long long x_size_request;	/* request bytes sent */
	/* Microseconds from the start of the transfer, curl's meanings:
	 * the name resolved, connected, about to send, first response byte,
	 * all redirects before the last request, the end. */
	long long	 x_t_namelookup, x_t_connect, x_t_pretransfer,
			 x_t_starttransfer, x_t_redirect, x_t_total;
	int		 x_num_connects;
	int		 x_num_redirects;
	int		 x_num_headers;	/* lines of the last header block */
	const char	*x_redirect_url;	/* Location not followed */
	const char	*x_url;		/* as given */
	const char	*x_url_effective;	/* the last one fetched */
	const char	*x_content_type;
	const char	*x_referer;
	const char	*x_remote_ip;
	int		 x_remote_port;	/* 0: none */
	const char	*x_local_ip;
	int		 x_local_port;
	int		 x_exitcode;
	const char	*x_errormsg;	/* the cause, without "httpget: " */
	const char	*x_filename_effective;	/* -o / -O name */
	const char	*x_hdr;		/* the last header block as received */
	size_t		 x_hdrlen;
};

/*
 * Takes the -w argument ARG (FORMAT, or @FILE, @- for standard input)
 * and returns the format, or NULL with a cause in ERR (size N).
 */
char	*wout_load(const char *arg, char *err, size_t n);

/*
 * Writes FORMAT for X to OUT (standard output unless %{stderr} says
 * otherwise; ERR is stderr).  An unknown variable is a warning on ERR,
 * "httpget: unknown --write-out variable: 'NAME'", and is left out.
 * Returns 0, or -1 when writing failed.
 */
int	wout_write(const char *format, const struct xfer *x, FILE *out,
	    FILE *err);

#endif
