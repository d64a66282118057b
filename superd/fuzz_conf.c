/*
 * fuzz_conf.c: libFuzzer entry for conf.c.  Each input is written to a
 * configuration file in a private folder and parsed; the services that
 * come back must be whole.  getaddrinfo() is wrapped to take numeric hosts
 * only, so that the fuzzer never asks a name server.  The log goes to
 * /dev/null unless FUZZ_LOG is set.
 */
#define _GNU_SOURCE
#include <sys/types.h>
#include <sys/socket.h>
#include <dlfcn.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "log.h"

static char dir[] = "/tmp/fuzz-conf.XXXXXX";
static char path[64];
static const char *const paths[] = { path };

int LLVMFuzzerInitialize(int *, char ***);
int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
getaddrinfo(const char *host, const char *serv, const struct addrinfo *hints,
    struct addrinfo **res)
{
	static int (*real)(const char *, const char *,
	    const struct addrinfo *, struct addrinfo **);
	struct addrinfo h;

	if (real == NULL && (*(void **)&real = dlsym(RTLD_NEXT,
	    "getaddrinfo")) == NULL)
		abort();
	memset(&h, 0, sizeof(h));
	if (hints != NULL)
		h = *hints;
	h.ai_flags |= AI_NUMERICHOST;
	return real(host, serv, &h, res);
}

static void
cleanup(void)
{
	(void)unlink(path);
	(void)rmdir(dir);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_quiet();
	if (mkdtemp(dir) == NULL)
		abort();
	(void)snprintf(path, sizeof(path), "%s/superd.conf", dir);
	if (atexit(cleanup) != 0)
		abort();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct confdefaults d = { 0, 0, 0, 0, -1, 1 };
	struct svconf *head, *sc;
	int fd, nerr;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600)) == -1 ||
	    write(fd, data, size) != (ssize_t)size || close(fd) == -1)
		abort();
	head = conf_parse(paths, 1, &d, &nerr);
	if (nerr < 0)
		abort();
	for (sc = head; sc != NULL; sc = sc->sc_next)
		if (sc->sc_name == NULL || sc->sc_proto == NULL ||
		    sc->sc_usr == NULL ||
		    (sc->sc_socktype != SOCK_STREAM &&
		    sc->sc_socktype != SOCK_DGRAM) ||
		    (sc->sc_prog == NULL) == (sc->sc_bi == NULL) ||
		    (sc->sc_prog != NULL && (sc->sc_argv == NULL ||
		    sc->sc_argv[0] == NULL)))
			abort();
	conf_free(head);
	return 0;
}
