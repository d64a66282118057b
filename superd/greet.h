/* What a client is sent before its handler runs, or instead of it. */
#ifndef SUPERD_GREET_H
#define SUPERD_GREET_H

#include <stddef.h>

#define GREET_BANNERMAX	8192	/* bytes of a banner file sent */

int	greet_banner(const char *, int, const char **);
int	greet_read(const char *, char *, size_t *, const char **);
int	greet_send(int, const char *, size_t);
void	greet_refuse(const char *, int);

#endif
