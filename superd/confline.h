/*
 * Inside the configuration parser: where a line came from, shared by
 * conf.c (files and lines) and the dialect of its lines (inetd.c).
 */
#ifndef SUPERD_CONFLINE_H
#define SUPERD_CONFLINE_H

struct svconf;
struct userdb;

struct confline {
	const char	*cl_file;
	int		 cl_line;
	const char	*cl_dir;	/* the file's folder, absolute */
	struct userdb	*cl_db;		/* the users of this load */
};

int		 conf_bad(const struct confline *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
struct svconf	*conf_new(const struct confline *);
struct svconf	*inetd_line(const struct confline *, char **, int);

#endif
