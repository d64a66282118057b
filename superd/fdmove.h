/*
 * An upgrade's descriptors: the listening sockets moved onto 3, 4, ... as
 * socket activation hands them over, and back when the exec fails.
 */
#ifndef SUPERD_FDMOVE_H
#define SUPERD_FDMOVE_H

struct service;

/* A descriptor that sat where a socket goes, set aside for the undo. */
struct fdaside {
	int	as_fd;		/* its number, given back on failure */
	int	as_copy;	/* a copy above the sockets' range */
	int	as_flags;	/* its F_GETFD flags */
};

int	fdmove_place(struct service **, int, int, struct fdaside *, int *,
	    int *);
void	fdmove_undo(struct service **, int, struct fdaside *, int, int);

#endif
