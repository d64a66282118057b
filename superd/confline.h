/*
 * Inside the configuration parser: where a line came from, shared by
 * conf.c (files and lines) and the dialect of its lines (inetd.c).
 */
#ifndef SUPERD_CONFLINE_H
#define SUPERD_CONFLINE_H

#include "log.h"

struct svconf;
struct userdb;

struct confline {
	const char	*cl_file;
	int		 cl_line;
	const char	*cl_dir;	/* the file's folder, absolute */
	struct userdb	*cl_db;		/* the users of this load */
};

/* Logs "FILE:LINE: message" for the line l and returns -1. */
#define conf_bad(l, ...)	logat((l)->cl_file, (l)->cl_line, __VA_ARGS__)
struct svconf	*conf_new(const struct confline *);
struct svconf	*inetd_line(const struct confline *, char **, int);

#endif
