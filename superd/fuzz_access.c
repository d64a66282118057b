/*
 * fuzz_access.c: libFuzzer entry for access control (access.c and
 * accesspat.c).  The input is parsed as a hosts_access file; a table must
 * come back exactly when no error was counted, and each check on it must
 * answer 0 or 1 for a few peers.  The log goes to /dev/null unless
 * FUZZ_LOG is set.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "access.h"
#include "sock.h"
#include "log.h"

static const char *peers[] = {
	"127.0.0.1", "::1", "::ffff:10.1.2.3", "10.1.2.3", "192.168.0.1",
	"2001:db8::1", "fe80::1", "0.0.0.0"
};
static struct sockaddr_storage addrs[sizeof(peers) / sizeof(peers[0])];
static char buf[ACCESS_MAXENT * 8];

int LLVMFuzzerInitialize(int *, char ***);
int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct sockaddr_in *s4;
	struct sockaddr_in6 *s6;
	size_t i;

	(void)argc;
	(void)argv;
	log_quiet();
	for (i = 0; i < sizeof(peers) / sizeof(peers[0]); i++) {
		s4 = (void *)&addrs[i];
		s6 = (void *)&addrs[i];
		if (inet_pton(AF_INET, peers[i], &s4->sin_addr) == 1)
			s4->sin_family = AF_INET;
		else if (inet_pton(AF_INET6, peers[i], &s6->sin6_addr) == 1)
			s6->sin6_family = AF_INET6;
		else
			abort();
	}
	return 0;
}

/* Asks one question of the table as allow file, as deny file and as both. */
static void
check(const struct acl *a, const char *argv0, const char *service,
    const struct sockaddr *sa)
{
	if ((access_check(a, NULL, argv0, service, sa) & ~1) != 0 ||
	    (access_check(NULL, a, argv0, service, sa) & ~1) != 0 ||
	    (access_check(a, a, argv0, service, sa) & ~1) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sockaddr_storage ss;
	struct sock_unpeer *up = (void *)&ss;
	struct acl *a;
	FILE *fp;
	size_t i;
	int nerr;

	/* fmemopen(3) wants at least one byte. */
	if (size == 0 || size > sizeof(buf))
		return 0;
	memcpy(buf, data, size);
	if ((fp = fmemopen(buf, size, "r")) == NULL)
		abort();
	a = access_parse_fp(fp, "fuzz", &nerr);
	(void)fclose(fp);
	if ((a == NULL) != (nerr != 0) || nerr < 0)
		abort();
	if (a == NULL)
		return 0;
	for (i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++) {
		check(a, "in.telnetd", "telnet", (struct sockaddr *)&addrs[i]);
		check(a, "/usr/sbin/echo", "7", (struct sockaddr *)&addrs[i]);
		check(a, NULL, NULL, (struct sockaddr *)&addrs[i]);
	}
	/* UNIX peers live in a sockaddr_storage (sock.h): unknown, then uid 0 */
	memset(&ss, 0, sizeof(ss));
	up->up_sun.sun_family = AF_UNIX;
	check(a, "sshd", "ssh", (struct sockaddr *)&ss);
	up->up_magic = SOCK_UNPEER_MAGIC;
	check(a, "sshd", "ssh", (struct sockaddr *)&ss);
	check(a, "sshd", "ssh", NULL);
	access_free(a);
	return 0;
}
