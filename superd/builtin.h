/* Internal services: the handlers' protocol code run inside superd. */
#ifndef SUPERD_BUILTIN_H
#define SUPERD_BUILTIN_H

#include <sys/types.h>

/* How a stream connection of a builtin is served (conn.c). */
enum bikind {
	BI_ECHO,	/* what arrives goes back, until EOF */
	BI_DISCARD,	/* what arrives is dropped, until EOF */
	BI_CHARGEN,	/* the pattern, until the peer goes away */
	BI_ONCE		/* bi_reply's answer, then close */
};

struct builtin {
	const char	*bi_name;
	enum bikind	 bi_kind;
	ssize_t		(*bi_reply)(const char *, size_t, char *, size_t);
};

const struct builtin	*builtin_find(const char *, int);

#endif
