/*
 * Values for the structured logs: a JSON string (RFC 8259) or a logfmt
 * value, bare when it may be, quoted as JSON otherwise; a byte that is not
 * UTF-8 (overlong forms and surrogates too) becomes U+FFFD.
 */
#include <stdio.h>
#include <string.h>

#include "log.h"

/*
 * The length of the UTF-8 sequence at p (of n bytes): 1 to 4, or 0 when
 * it is not one (overlong forms and surrogates included, RFC 3629).
 */
static size_t
utf8len(const unsigned char *p, size_t n)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t k, i;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		k = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		k = 3;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		k = 4;
	else
		return 0;
	if (p[0] == 0xe0)
		lo = 0xa0;
	else if (p[0] == 0xed)
		hi = 0x9f;
	else if (p[0] == 0xf0)
		lo = 0x90;
	else if (p[0] == 0xf4)
		hi = 0x8f;
	if (n < k || p[1] < lo || p[1] > hi)
		return 0;
	for (i = 2; i < k; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	return k;
}

/* 1 when a logfmt value must be quoted. */
static int
needquote(const unsigned char *p, size_t n)
{
	size_t i, k;

	if (n == 0)
		return 1;
	for (i = 0; i < n; i += k) {
		if (p[i] <= ' ' || p[i] == '=' || p[i] == '"' || p[i] == 0x7f ||
		    (k = utf8len(p + i, n - i)) == 0)
			return 1;
	}
	return 0;
}

/*
 * Writes the n bytes at src into dst (of size bytes, at least 3) as a
 * value: a JSON string when json, else logfmt's (bare when it may be).
 * What does not fit is cut at a character, the quotes always closed.
 * Returns the length written; dst ends with a NUL.
 */
size_t
log_quote(char *dst, size_t size, const char *src, size_t n, int json)
{
	const unsigned char *p = (const unsigned char *)src;
	char esc[8];
	const char *u;
	size_t i, k, ulen, len = 0;
	int q = json || needquote(p, n);

	if (q)
		dst[len++] = '"';
	for (i = 0; i < n; i += k) {
		k = utf8len(p + i, n - i);
		u = esc;
		if (!q) {
			u = (const char *)p + i;
			ulen = k;
		} else if (k == 0) {
			k = 1;
			ulen = (size_t)snprintf(esc, sizeof(esc), "\\ufffd");
		} else if (p[i] == '"' || p[i] == '\\') {
			esc[0] = '\\';
			esc[1] = (char)p[i];
			ulen = 2;
		} else if (p[i] < ' ' || p[i] == 0x7f)
			ulen = (size_t)snprintf(esc, sizeof(esc), "\\u%04x",
			    p[i]);
		else {
			u = (const char *)p + i;
			ulen = k;
		}
		if (len + ulen + (size_t)q + 1 > size)
			break;
		memcpy(dst + len, u, ulen);
		len += ulen;
	}
	if (q)
		dst[len++] = '"';
	dst[len] = '\0';
	return len;
}

