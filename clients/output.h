/*
 * output.h: where httpget writes the body (SPEC section 3, -o FILE).  A
 * regular file or a new name gets a temporary file beside it, put in its
 * place only when the transfer is complete; anything else (a device, a
 * FIFO, a socket) is written straight through; symbolic links are
 * followed, never replaced.
 */
#ifndef OUTPUT_H
#define OUTPUT_H

#include <limits.h>

enum {
	OUT_STDOUT,		/* no -o, or -o - */
	OUT_RENAME,		/* temporary file renamed over the name */
	OUT_COPY,		/* temporary file copied into the file */
	OUT_THROUGH		/* the file itself: device, FIFO, socket */
};

struct out {
	int	o_fd;
	int	o_mode;			/* OUT_* */
	char	o_path[PATH_MAX];	/* FILE at the end of its links */
	char	o_tmp[PATH_MAX];	/* the temporary file, or "" */
};

/*
 * Opens FILE for the body into O ("-" is standard output).  A FIFO's
 * open waits for a reader, as the shell's does.  Returns 0, or -1 with
 * errno set.
 */
int	out_open(struct out *o, const char *file);

/*
 * Puts the complete body in place: closes the file, renames or copies
 * the temporary one.  Returns 0, or -1 with errno set (EEXIST: the name
 * stopped being a regular file meanwhile, and was left alone).
 */
int	out_commit(struct out *o);

/* Removes the temporary file; async-signal-safe. */
void	out_discard(struct out *o);

#endif
