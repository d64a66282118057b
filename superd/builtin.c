/*
 * Internal services.  The protocol code is the handlers' own (handlers/X.c
 * compiled without main()), so `internal` and the stand-alone programs can
 * never drift apart.
 */
#include <sys/socket.h>
#include <string.h>

#include "../handlers/util.h"
#include "builtin.h"

/* RFCs 862, 863, 864, 867 and 868, as inetd has always had them. */
static const struct builtin builtins[] = {
	{ "echo",	echo_stream,	echo_reply },
	{ "discard",	discard_stream,	discard_reply },
	{ "chargen",	chargen_stream,	chargen_reply },
	{ "daytime",	daytime_stream,	daytime_reply },
	{ "time",	time_stream,	time_reply },
	{ NULL,		NULL,		NULL }
};

/* The builtin named name for a socket of type socktype, or NULL. */
const struct builtin *
builtin_find(const char *name, int socktype)
{
	const struct builtin *b;

	for (b = builtins; b->bi_name != NULL; b++)
		if (strcmp(b->bi_name, name) == 0)
			return socktype == SOCK_STREAM || b->bi_reply != NULL ?
			    b : NULL;
	return NULL;
}
