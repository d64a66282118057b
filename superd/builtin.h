/* Internal services: the handlers' protocol code run inside superd. */
#ifndef SUPERD_BUILTIN_H
#define SUPERD_BUILTIN_H

#include <sys/types.h>

struct builtin {
	const char	*bi_name;
	int		(*bi_stream)(int, int);
	ssize_t		(*bi_reply)(const char *, size_t, char *, size_t);
};

const struct builtin	*builtin_find(const char *, int);

#endif
