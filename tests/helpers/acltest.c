/*
 * acltest: superd's access control without the server, for the tests.
 * Loads ALLOWFILE and DENYFILE ("-" for none) and prints "allow" or "deny"
 * for one connection; exits 1 after logging the files' errors.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../superd/access.h"

static void
usage(void)
{
	(void)fprintf(stderr,
	    "usage: acltest ALLOWFILE|- DENYFILE|- ARGV0 SERVICE IP\n");
	exit(2);
}

int
main(int argc, char *argv[])
{
	struct sockaddr_storage ss;
	struct sockaddr_in *s4 = (void *)&ss;
	struct sockaddr_in6 *s6 = (void *)&ss;
	struct acl *allow = NULL, *deny = NULL;
	int nerr = 0, bad = 0, ok;

	if (argc != 6)
		usage();
	memset(&ss, 0, sizeof(ss));
	if (inet_pton(AF_INET, argv[5], &s4->sin_addr) == 1)
		s4->sin_family = AF_INET;
	else if (inet_pton(AF_INET6, argv[5], &s6->sin6_addr) == 1)
		s6->sin6_family = AF_INET6;
	else
		errx(2, "%s: not a numeric address", argv[5]);
	/* Load both, so that every error of both files is reported. */
	if (strcmp(argv[1], "-") != 0 &&
	    (allow = access_load(argv[1], &nerr)) == NULL)
		bad = 1;
	if (strcmp(argv[2], "-") != 0 &&
	    (deny = access_load(argv[2], &nerr)) == NULL)
		bad = 1;
	if (bad) {
		access_free(allow);
		access_free(deny);
		return 1;
	}
	ok = access_check(allow, deny, argv[3], argv[4],
	    (struct sockaddr *)&ss);
	if (puts(ok ? "allow" : "deny") == EOF)
		err(1, "stdout");
	access_free(allow);
	access_free(deny);
	return 0;
}
