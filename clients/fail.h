/*
 * fail.h: httpget's failures, one enum whose values are the exit statuses
 * curl users know (curl(1) EXIT CODES, SPEC section 3).  The message table
 * is in httpget.c; the parsers return these and a short cause.
 */
#ifndef FAIL_H
#define FAIL_H

enum fail {
	HG_OK = 0,
	HG_PROTO = 1,		/* https:// or another scheme */
	HG_USAGE = 2,
	HG_URL = 3,		/* malformed URL */
	HG_RESOLVE = 6,		/* unknown host */
	HG_CONNECT = 7,		/* refused, unreachable */
	HG_WEIRD = 8,		/* malformed response */
	HG_PARTIAL = 18,		/* body shorter than announced */
	HG_HTTP = 22,		/* status >= 400 */
	HG_WRITE = 23,		/* output could not be written */
	HG_READ = 26,		/* a local file (-d @FILE, -T) unreadable */
	HG_TIMEOUT = 28,
	HG_RANGE = 33,		/* -C: the range asked was not given */
	HG_REDIRS = 47,		/* too many redirects */
	HG_OPTION = 49,		/* a bad --resolve or --connect-to entry */
	HG_EMPTY = 52,		/* closed before a byte of response */
	HG_SEND = 55,		/* the request could not be sent */
	HG_RECV = 56,		/* reset or receive error */
	HG_DECODE = 61,		/* a transfer coding httpget cannot decode */
	HG_FILESIZE = 63,	/* over --max-filesize */
	HG_REWIND = 65		/* a body to send again cannot be reread */
};

#endif
