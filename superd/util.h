/* Small helpers shared by superd's files: bounded number parsing. */
#ifndef SUPERD_UTIL_H
#define SUPERD_UTIL_H

long long parsenum(const char *, long long, long long, const char **);

#endif
