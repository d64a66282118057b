/*
 * body.h: the body httpget sends (SPEC section 3, "Everyday curl
 * options"): -d and its kin joined with '&' (application/x-www-form-
 * urlencoded), -F parts as multipart/form-data (RFC 7578) with a boundary
 * that occurs in none of them, or -T FILE / -T - as it is.  Data given on
 * the command line and read from @FILE or @- is held in memory, as curl
 * holds it; -F @FILE and -T FILE are read from their files when sent, and
 * read again from the start for a 307 or 308.
 */
#ifndef BODY_H
#define BODY_H

#include <stddef.h>
#include <sys/types.h>

#include "fail.h"

/* Expect: 100-continue goes with bodies larger than this, or unsized. */
#define BODY_EXPECT_MIN	(1024 * 1024)
/* The most -d and -F data in memory, files included: curl has no limit
 * but the memory; this keeps a mistaken @/dev/zero from taking it all. */
#define BODY_MEMMAX	(256 * 1024 * 1024)

enum body_kind {
	BODY_NONE,		/* no body */
	BODY_DATA,		/* -d, --data-*: urlencoded */
	BODY_FORM,		/* -F: multipart/form-data */
	BODY_UPLOAD		/* -T */
};

/* How one -d argument is taken. */
enum body_data {
	DATA_ASCII,		/* -d/--data: @FILE with CR and LF dropped */
	DATA_BINARY,		/* --data-binary: @FILE as it is */
	DATA_RAW,		/* --data-raw: no @ */
	DATA_URLENCODE		/* --data-urlencode: curl's five forms */
};

struct body_piece;

struct body {
	enum body_kind	 b_kind;
	long long	 b_size;	/* bytes to send; -1: unknown (chunked) */
	char		 b_ctype[128];	/* the Content-Type, or "" for none */
	enum fail	 b_fail;	/* of the last call that failed */
	char		 b_err[512];	/* its one-line cause, no "httpget: " */
	/* The rest is body.c's. */
	struct body_piece *b_pieces;
	int		 b_npieces, b_maxpieces;
	char		*b_mem;		/* -d data joined, or NULL */
	size_t		 b_memlen;
	int		 b_cur;		/* the piece being read */
	long long	 b_off;		/* into it */
	int		 b_fd;		/* open file of the piece, or -1 */
	int		 b_started;	/* a byte was read since the rewind */
	char		 b_boundary[48];
	const char	*b_testhex;	/* tests: boundary digits to try first */
};

/* Gets B ready: no body. */
void		body_init(struct body *b);

/*
 * Adds one -d family argument ARG of KIND; @FILE and @- are read now.
 * A file that cannot be read is HG_READ (26), a body mixing kinds (-d
 * with -F or -T) HG_USAGE.
 */
enum fail	body_data(struct body *b, enum body_data kind, const char *arg);

/*
 * Adds one -F argument: name=value, name=@FILE (a file part, its
 * filename its base name, its type guessed from its extension as curl
 * guesses), name=<FILE (the file's content as a value), each with
 * ";type=TYPE" and ";filename=NAME" after it; a value in double quotes
 * may hold ';'.  With LITERAL (--form-string) the value is taken as it
 * is.  No '=' is HG_USAGE; files are opened when sent.
 */
enum fail	body_form(struct body *b, const char *arg, int literal);

/* -T FILE, or -T - for standard input (sent chunked). */
enum fail	body_upload(struct body *b, const char *file);

/*
 * Called once after the last body_*() of the command line: checks the
 * files (a folder or an unreadable file is HG_READ), sets b_size and
 * b_ctype, and picks the multipart boundary.
 */
enum fail	body_finish(struct body *b);

/*
 * The -d data joined with '&' for -G, which puts them in the query:
 * *LEN bytes, NUL-terminated, or NULL when there are none.
 */
const char	*body_query(const struct body *b, size_t *len);

/*
 * Reads up to N bytes of the body into BUF.  Returns the count, 0 at
 * the end, -1 with b_fail and b_err (a file that changed size since
 * body_finish(): HG_READ).
 */
ssize_t		body_read(struct body *b, char *buf, size_t n);

/*
 * Starts the body again from its first byte, for a redirect that
 * repeats it.  Standard input already read cannot: HG_REWIND.
 */
enum fail	body_rewind(struct body *b);

/* Closes B's files and frees its memory. */
void		body_free(struct body *b);

#endif
