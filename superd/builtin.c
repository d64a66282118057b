/*
 * Internal services.  The protocol code is the handlers' own (handlers/X.c
 * compiled without main()), so `internal` and the stand-alone programs can
 * never drift apart: datagrams get the same reply functions, and stream
 * connections, served in-process by conn.c, the same bytes.
 */
#include <sys/socket.h>
#include <string.h>

#include "../handlers/util.h"
#include "builtin.h"

/* RFCs 862, 863, 864, 867 and 868, as inetd has always had them. */
static const struct builtin builtins[] = {
	{ "echo",	BI_ECHO,	echo_reply },
	{ "discard",	BI_DISCARD,	discard_reply },
	{ "chargen",	BI_CHARGEN,	chargen_reply },
	{ "daytime",	BI_ONCE,	daytime_reply },
	{ "time",	BI_ONCE,	time_reply },
	{ NULL,		BI_ONCE,	NULL }
};

/*
 * The builtin named name, or NULL.  Every one serves both socket types; the
 * type stays in the interface for a builtin that would not.
 */
const struct builtin *
builtin_find(const char *name, int socktype)
{
	const struct builtin *b;

	(void)socktype;
	for (b = builtins; b->bi_name != NULL; b++)
		if (strcmp(b->bi_name, name) == 0)
			return b;
	return NULL;
}
