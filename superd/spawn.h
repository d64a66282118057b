/* The child hand-off: from fork to the handler's exec. */
#ifndef SUPERD_SPAWN_H
#define SUPERD_SPAWN_H

#include <sys/types.h>
#include <sys/socket.h>

struct svconf;

/* -S: how a handler is started. */
enum spawnhow {
	SPAWN_VFORK,	/* vfork(2) per connection */
	SPAWN_CLONE,	/* clone(2), CLONE_VM|CLONE_VFORK, a stack of its own */
	SPAWN_SPARE	/* a spare forked ahead, handed its connection */
};

/* What a child failed at before its exec; sf_what NULL when it exec'd. */
struct spawnfail {
	const char	*sf_what;
	int		 sf_errno;
};

/*
 * A spare to superd: the connection's descriptors ride along as
 * SCM_RIGHTS, sm_map[i] the one to be its fd i; then sm_nenv strings, each
 * with its NUL, the handler's environment.
 */
#define SPARE_MSGMAX	16384	/* bytes of environment a spare takes */
#define SPARE_ENVMAX	512	/* variables a spare takes */

struct sparemsg {
	int		 sm_map[3];
	int		 sm_nenv;
};

/* A spare to superd, when it failed before or at its exec. */
struct sparefail {
	int		 sf_errno;
	char		 sf_what[256];
};

pid_t	spawn_child(const struct svconf *, const int [3],
	    const struct sockaddr *, const struct sockaddr *,
	    const struct sockaddr *, struct spawnfail *);
char	**spawn_env(const struct svconf *, const struct sockaddr *,
	    const struct sockaddr *, const struct sockaddr *);
void	spawn_spare(const struct svconf *, int) __attribute__((noreturn));
/* The child's steps, shared with sparechild.c's spawn_spare(). */
void	spawn_die(const char *) __attribute__((noreturn));
int	spawn_resetsignals(void);
void	spawn_become(const struct svconf *);
void	spawn_reportto(int);
int	spawn_init(void);
int	spawn_setscheme(const char *);
enum spawnhow spawn_scheme(void);

#endif
