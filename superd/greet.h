/* What a client is sent before its handler runs, or instead of it. */
#ifndef SUPERD_GREET_H
#define SUPERD_GREET_H

#define GREET_BANNERMAX	8192	/* bytes of a banner file sent */

int	greet_banner(const char *, int, const char **);
void	greet_refuse(const char *, int);

#endif
