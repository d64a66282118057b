/*
 * Inside the configuration parser: where an entry came from, shared by
 * conf.c (files, lines and entries), inetd.c (the fields of an inetd.conf
 * line) and kv.c (words and quotes; NetBSD's key-values notation).
 */
#ifndef SUPERD_CONFLINE_H
#define SUPERD_CONFLINE_H

#include "log.h"

#include <sys/types.h>
#include <signal.h>
#include <stdio.h>

#define CONF_ENTRYMAX	65536	/* bytes in an entry, over its lines */
#define CONF_HOSTMAX	256	/* bytes in an `ADDR:` line's address */
#define CONF_MAXDEPTH	16	/* files open at once: CONFIG and includes */
#define CONF_MAXDEPTHSTR "16"
#define CONF_MAXFILES	1024	/* files in a load, and in a folder */
#define CONF_MAXFILESSTR "1024"

struct confdefaults;
struct svconf;
struct userdb;
struct xload;

/* One load: every CONFIG and what they include. */
struct confload {
	const struct confdefaults *ld_def;
	struct userdb		*ld_db;		/* the users of this load */
	struct svconf		*ld_head;	/* the services, in order */
	struct svconf		**ld_tail;
	int			 ld_nerr;	/* bad entries; -1: give up */
	int			 ld_nfiles;
	int			 ld_depth;	/* the files open now: */
	dev_t			 ld_dev[CONF_MAXDEPTH];
	ino_t			 ld_ino[CONF_MAXDEPTH];
	const volatile sig_atomic_t *ld_stop;	/* set: give up */
	struct xload		*ld_x;		/* xinetd's defaults, ids */
};

struct confline {
	const char	*cl_file;
	int		 cl_line;
	const char	*cl_dir;	/* the file's folder, absolute */
	struct userdb	*cl_db;		/* the users of this load */
	const char	*cl_defhost;	/* an `ADDR:` line's, NULL for all */
};

/* Logs "FILE:LINE: message" for the line l and returns -1. */
#define conf_bad(l, ...)	logat((l)->cl_file, (l)->cl_line, __VA_ARGS__)
struct svconf	*conf_new(const struct confline *);
void		 conf_add(struct confload *, const struct confline *,
		    struct svconf *, int);

/* confread.c: files, folders, lines and entries. */
void		 conf_read(struct confload *, const char *);
void		 conf_readfile(struct confload *, const char *,
		    const struct confline *);

/* xinetd.c: xinetd.conf(5) files. */
int		 xinetd_sniff(FILE *);
void		 xinetd_file(struct confload *, struct confline *, FILE *);
void		 xinetd_free(struct xload *);

/* inetd.c: an inetd.conf line, and its fields for the other dialects. */
struct svconf	*inetd_line(const struct confline *, char **, int);
int		 inetd_protocol(struct svconf *, const struct confline *,
		    const char *, const char *);
int		 inetd_service(struct svconf *, const struct confline *,
		    char *, const char *);
int		 inetd_wait(struct svconf *, const struct confline *, char *);
int		 inetd_waitlimits(const struct svconf *,
		    const struct confline *);
int		 inetd_user(struct svconf *, const struct confline *, char *,
		    char *);
int		 inetd_program(struct svconf *, const struct confline *,
		    char **, int);
int		 inetd_size(const char *, long long, long long *);

/* words.c: words as the dialects quote them. */
enum { TOK_ERR = -1, TOK_END = 0, TOK_WORD = 1 };	/* or ',' ';' '=' */

/* Where a tokenizer is in an entry's text. */
struct conftok {
	char			*t_p;
	int			 t_line;	/* the line t_p is on */
	int			 t_wline;	/* the line of the last word */
	int			 t_pend;	/* a stop a word's NUL took */
	const struct confline	*t_l;
	const char		*t_key;		/* for messages, or NULL */
};

int		 conf_next(struct conftok *, const char *, char **);
int		 conf_words(const struct confline *, char *, char **, int);
int		 conf_iskv(const char *);
char		*conf_kvend(char *);

/* kv.c: key-values entries. */
int		 conf_kventry(const struct confline *, char *,
		    struct svconf **);

#endif
