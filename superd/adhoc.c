/*
 * Ad-hoc mode (tcpserver's and systemd-socket-activate's use): each
 * --listen becomes the fields of one inetd.conf line,
 *	ADDR:PORT SOCKTYPE PROTO nowait|wait USER PROGRAM ARGV0 ARGS...
 * (or `internal NAME`), parsed by the configuration's own code, so that an
 * ad-hoc service is exactly what the same line in a file would be.  Its
 * messages say "--listen:N" where a file's say FILE:LINE.
 */
#define _GNU_SOURCE
#include <sys/types.h>
#include <sys/stat.h>
#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "adhoc.h"
#include "conf.h"
#include "log.h"

static const char *const protos[] = {
	"tcp", "tcp4", "tcp6", "udp", "udp4", "udp6", "unix", NULL
};

/*
 * Splits a --listen value into its protocol (into proto) and the rest (the
 * address field): NULL, or why not.
 */
static const char *
splitlisten(const char *s, char *proto, size_t size, const char **rest)
{
	const char *colon;
	int i;

	if ((colon = strchr(s, ':')) == NULL || colon[1] == '\0')
		return "need PROTO:ADDR:PORT or unix:PATH";
	if ((size_t)(colon - s) >= size)
		return "unknown protocol";
	memcpy(proto, s, (size_t)(colon - s));
	proto[colon - s] = '\0';
	for (i = 0; protos[i] != NULL; i++)
		if (strcmp(proto, protos[i]) == 0)
			break;
	if (protos[i] == NULL)
		return "unknown protocol";
	*rest = colon + 1;
	if (strcmp(proto, "unix") == 0 && **rest != '/')
		return "unix:PATH needs an absolute PATH";
	return NULL;
}

/*
 * PROGRAM as the handler's path: as given when it holds a slash (relative
 * to the working folder), else the first executable file of that name in
 * PATH, as a shell finds it.  Into buf; 0, or -1 (said on stderr).
 */
static int
findprog(const char *prog, char *buf, size_t size)
{
	const char *path = getenv("PATH"), *p, *end;
	struct stat st;
	size_t len;

	if (strchr(prog, '/') != NULL) {
		if ((size_t)snprintf(buf, size, "%s", prog) >= size)
			goto toolong;
		return 0;
	}
	for (p = path != NULL ? path : "/usr/bin:/bin"; ; p = end + 1) {
		if ((end = strchr(p, ':')) == NULL)
			end = p + strlen(p);
		len = (size_t)(end - p);
		if ((size_t)snprintf(buf, size, "%.*s/%s", (int)len, p, prog) <
		    size && stat(buf, &st) == 0 && S_ISREG(st.st_mode) &&
		    access(buf, X_OK) == 0)
			return 0;
		if (*end == '\0')
			break;
	}
	fprintf(stderr, "superd: %s: not found in PATH\n", prog);
	return -1;
toolong:
	fprintf(stderr, "superd: %s: path too long\n", prog);
	return -1;
}

/*
 * The command line's consistency, before anything is loaded, and the
 * PROGRAM looked up: 0, or -1 after saying why on stderr (the caller
 * exits 2).
 */
/* --proxy: every --listen is a PROXY service, TCP only. */
static void
setproxy(const struct adhoc *a, struct svconf *list, int *nerr)
{
	struct svconf *sc;

	for (sc = list; a->a_proxy != 0 && sc != NULL; sc = sc->sc_next) {
		if (sc->sc_socktype != SOCK_STREAM ||
		    sc->sc_family == AF_UNIX || sc->sc_wait) {
			logmsg(LOG_ERR, "--proxy: needs tcp --listen without "
			    "--wait");
			(*nerr)++;
			return;
		}
		sc->sc_proxy = a->a_proxy;
		sc->sc_proxytimeout = PROXY_TIMEOUT;
	}
}

int
adhoc_check(struct adhoc *a)
{
	char proto[16];
	const char *why, *rest;
	int i;

	if (a->a_nlisten == 0) {
		if (a->a_proxy) {
			fprintf(stderr, "superd: --proxy needs --listen\n");
			return -1;
		}
		if (a->a_wait || a->a_user != NULL || a->a_internal != NULL ||
		    a->a_argc > 0) {
			fprintf(stderr, "superd: --wait, --user, --internal "
			    "and a PROGRAM need --listen\n");
			return -1;
		}
		return 0;
	}
	if (a->a_internal != NULL && a->a_argc > 0) {
		fprintf(stderr, "superd: --internal and a PROGRAM: give one\n");
		return -1;
	}
	if (a->a_internal == NULL && a->a_argc == 0) {
		fprintf(stderr, "superd: --listen needs a PROGRAM after -- or "
		    "--internal NAME\n");
		return -1;
	}
	for (i = 0; i < a->a_nlisten; i++)
		if ((why = splitlisten(a->a_listen[i], proto, sizeof(proto),
		    &rest)) != NULL) {
			if (strcmp(why, "unknown protocol") == 0)
				fprintf(stderr, "superd: --listen %s: unknown "
				    "protocol '%s'\n", a->a_listen[i], proto);
			else
				fprintf(stderr, "superd: --listen %s: %s\n",
				    a->a_listen[i], why);
			return -1;
		}
	if (a->a_internal == NULL)
		return findprog(a->a_argv[0], a->a_prog, sizeof(a->a_prog));
	return 0;
}

/*
 * The services of the command line, their errors logged as a file's
 * lines' are, counted into *nerr (-1 when none could be built at all).
 */
struct svconf *
adhoc_conf(const struct adhoc *a, const struct confdefaults *d, int *nerr)
{
	struct svconf *list;
	struct passwd *pw;
	char ***lines, proto[16], user[64];
	const char *prog = a->a_prog;
	const char *rest, *slash;
	int i, j, n, k;

	*nerr = -1;
	if (a->a_user != NULL)
		(void)snprintf(user, sizeof(user), "%s", a->a_user);
	else if ((pw = getpwuid(geteuid())) != NULL)
		(void)snprintf(user, sizeof(user), "%s", pw->pw_name);
	else
		(void)snprintf(user, sizeof(user), "%lu",
		    (unsigned long)geteuid());
	if ((lines = calloc((size_t)a->a_nlisten + 1, sizeof(*lines))) ==
	    NULL) {
		logmsg(LOG_ERR, "--listen: %s", strerror(errno));
		return NULL;
	}
	n = 7 + a->a_argc;
	for (i = 0; i < a->a_nlisten; i++) {
		if (splitlisten(a->a_listen[i], proto, sizeof(proto), &rest) !=
		    NULL || (lines[i] = calloc((size_t)n + 1,
		    sizeof(char *))) == NULL)
			goto fail;
		k = 0;
		lines[i][k++] = (char *)rest;
		lines[i][k++] = proto[0] == 'u' && proto[1] == 'd' ?
		    "dgram" : "stream";
		if ((lines[i][k++] = strdup(proto)) == NULL)
			goto fail;
		lines[i][k++] = a->a_wait ? "wait" : "nowait";
		lines[i][k++] = user;
		if (a->a_internal != NULL) {
			lines[i][k++] = "internal";
			lines[i][k++] = (char *)a->a_internal;
			continue;
		}
		lines[i][k++] = (char *)prog;
		slash = strrchr(prog, '/');
		lines[i][k++] = (char *)(slash != NULL ? slash + 1 : prog);
		for (j = 1; j < a->a_argc; j++)
			lines[i][k++] = a->a_argv[j];
	}
	list = conf_fields("--listen", lines, a->a_nlisten, d, nerr);
	setproxy(a, list, nerr);
	for (i = 0; i < a->a_nlisten; i++)
		if (lines[i] != NULL) {
			free(lines[i][2]);
			free(lines[i]);
		}
	free(lines);
	return list;
fail:
	logmsg(LOG_ERR, "--listen: %s", strerror(errno));
	for (i = 0; i < a->a_nlisten; i++)
		if (lines[i] != NULL) {
			free(lines[i][2]);
			free(lines[i]);
		}
	free(lines);
	return NULL;
}
