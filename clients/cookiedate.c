/*
 * cookiedate.c: the cookie date of RFC 6265 section 5.1.1, the date
 * algorithm browsers share, more lenient than HTTP's (RFC 9110 section
 * 5.6.7) and stricter on what it takes: every field found, a real date.
 */
#include <stddef.h>
#include <strings.h>

#include "cookieint.h"

#define ISDIGIT(c)	((c) >= '0' && (c) <= '9')

/* The delimiters of the cookie-date grammar: the tokens lie between. */
static int
isdelim(unsigned char c)
{
	return c == 0x09 || (c >= 0x20 && c <= 0x2f) ||
	    (c >= 0x3b && c <= 0x40) || (c >= 0x5b && c <= 0x60) ||
	    (c >= 0x7b && c <= 0x7e);
}

/*
 * Reads MIN to MAX digits at S (of LEN) into *V; the byte after them
 * must not be a digit.  Returns how many were read, 0 for no match.
 */
static size_t
digits(const char *s, size_t len, size_t min, size_t max, int *v)
{
	size_t i;

	*v = 0;
	for (i = 0; i < len && i < max && ISDIGIT(s[i]); i++)
		*v = *v * 10 + (s[i] - '0');
	if (i < min || (i < len && ISDIGIT(s[i])))
		return 0;
	return i;
}

/* The time production: h:m:s, each 1*2DIGIT, then a non-digit or the end. */
static int
hms(const char *s, size_t len, int *h, int *m, int *sec)
{
	size_t k;

	if ((k = digits(s, len, 1, 2, h)) == 0 || k == len || s[k] != ':')
		return 0;
	s += k + 1;
	len -= k + 1;
	if ((k = digits(s, len, 1, 2, m)) == 0 || k == len || s[k] != ':')
		return 0;
	s += k + 1;
	len -= k + 1;
	return digits(s, len, 1, 2, sec) != 0;
}

static int
month(const char *s, size_t len)
{
	static const char names[] = "janfebmaraprmayjunjulaugsepoctnovdec";
	int i;

	if (len < 3)
		return 0;
	for (i = 0; i < 12; i++)
		if (strncasecmp(s, names + 3 * i, 3) == 0)
			return i + 1;
	return 0;
}

static int
leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/*
 * Each token gives the first of time, day of the month, month and year,
 * in that order of preference, whose form it has and which is not found
 * yet; two-digit years are 1970-2069.
 */
int
cookie_date(const char *s, size_t len, long long *t)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30,
	    31, 30, 31 };
	static const int before[] = { 0, 31, 59, 90, 120, 151, 181, 212,
	    243, 273, 304, 334 };
	const char *end = s + len, *tok;
	int h = -1, mi = 0, sec = 0, d = -1, mo = 0, y = -1, v, a, b, c;
	long long n, days;

	while (s < end) {
		while (s < end && isdelim((unsigned char)*s))
			s++;
		for (tok = s; s < end && !isdelim((unsigned char)*s); s++)
			;
		if (tok == s)
			break;
		if (h == -1 && hms(tok, s - tok, &a, &b, &c)) {
			h = a;
			mi = b;
			sec = c;
		} else if (d == -1 && digits(tok, s - tok, 1, 2, &v))
			d = v;
		else if (mo == 0 && (v = month(tok, s - tok)) != 0)
			mo = v;
		else if (y == -1 && digits(tok, s - tok, 2, 4, &v))
			y = v;
	}
	if (y >= 70 && y <= 99)
		y += 1900;
	else if (y >= 0 && y <= 69)
		y += 2000;
	if (h == -1 || d == -1 || mo == 0 || y == -1 || d < 1 || y < 1601 ||
	    h > 23 || mi > 59 || sec > 59)
		return -1;
	if (d > mdays[mo - 1] + (mo == 2 && leap(y)))
		return -1;	/* "If no such date exists" */
	n = y - 1;
	days = n * 365 + n / 4 - n / 100 + n / 400 + before[mo - 1] + d - 1 +
	    (mo > 2 && leap(y));
	/* 719162 days from 1 January 1 to 1 January 1970. */
	*t = (days - 719162) * 86400 + h * 3600 + mi * 60 + sec;
	return 0;
}

