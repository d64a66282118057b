/*
 * The serving modes, one file each, behind one small interface that the
 * poll loop and the reaper call: stream.c (stream nowait), wait.c (stream
 * and dgram wait), relay.c (dgram nowait) and builtin.c (internal).
 */
#ifndef SUPERD_MODE_H
#define SUPERD_MODE_H

#include "conf.h"
#include "limit.h"

#define ACCEPTMAX	64	/* per wake-up, so one socket cannot starve
				   the others */

struct child;
struct service;

struct mode {
	/* What waits on the service's socket is to be served. */
	void	(*m_ready)(struct service *);
	/* 1 when the socket is to be left alone for now. */
	int	(*m_full)(const struct service *);
	/*
	 * One of its handlers has ended (NULL: it has none); *how, as its
	 * exit status says, may be corrected before the limits hear it.
	 */
	void	(*m_ended)(struct service *, struct child *, enum ended *);
};

extern const struct mode mode_stream, mode_wait, mode_relay, mode_builtin;

#endif
