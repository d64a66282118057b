/*
 * form.h: what body.c and form.c share and nothing else sees: the pieces
 * a body is read from, the -F parts among them, and body.c's helpers.
 */
#ifndef FORM_H
#define FORM_H

#include <sys/stat.h>

#include "body.h"

enum piece_kind {
	P_MEM,			/* bytes in memory */
	P_FILE,			/* a file, opened on its first read */
	P_STDIN			/* standard input, size unknown */
};

struct body_piece {
	enum piece_kind	 p_kind;
	char		*p_mem;		/* P_MEM: the bytes */
	size_t		 p_len;
	int		 p_own;		/* p_mem is the piece's to free */
	char		*p_path;	/* P_FILE: the file */
	long long	 p_size;	/* bytes to send; -1: to its end */
	/* An -F part's headers: NULL for none; p_name is always set. */
	char		*p_name, *p_fname, *p_type;
};

/* body.c: each sets b_fail and b_err (or returns what did). */
enum fail	body_fail(struct body *b, enum fail f, const char *fmt, ...)
		    __attribute__((format(printf, 3, 4)));
enum fail	body_failread(struct body *b, const char *name, int e);
enum fail	body_failmem(struct body *b);
int		body_openfile(struct body *b, const char *path,
		    struct stat *st);
enum fail	body_slurp(struct body *b, const char *path, char **pp,
		    size_t *lenp);

/* form.c */
enum fail	form_parse(struct body *b, struct body_piece *p, const char *s,
		    const char *arg);
enum fail	form_frame(struct body *b);

#endif
