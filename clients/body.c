/*
 * body.c: the body httpget sends (body.h).  -d data are joined in memory;
 * -F parts are framed as multipart/form-data (RFC 7578, RFC 2046 section
 * 5.1.1) around files read only when sent; -T sends a file or standard
 * input.  body_read() hands the body out piece by piece.  The -F parts
 * are parsed and framed in form.c.
 */
#include <sys/types.h>
#include <sys/stat.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "body.h"
#include "form.h"

#define STDIN_NAME	"stdin"

enum fail
body_fail(struct body *b, enum fail f, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(b->b_err, sizeof(b->b_err), fmt, ap);
	va_end(ap);
	b->b_fail = f;
	return f;
}

/* "NAME: cannot read: " and strerror(E) with a lower-case first letter. */
enum fail
body_failread(struct body *b, const char *name, int e)
{
	char why[128];

	(void)snprintf(why, sizeof(why), "%s", strerror(e));
	why[0] = (char)tolower((unsigned char)why[0]);
	return body_fail(b, HG_READ, "%s: cannot read: %s", name, why);
}

enum fail
body_failmem(struct body *b)
{
	return body_fail(b, HG_READ, "out of memory");
}

static enum fail
failbig(struct body *b, const char *name)
{
	return body_fail(b, HG_READ, "%s: too large: over %d bytes in memory",
	    name, BODY_MEMMAX);
}

/* A file of P that is not as large as body_finish() found it. */
static enum fail
failsize(struct body *b, const struct body_piece *p, long long now)
{
	return body_fail(b, HG_READ, "%s: changed size while being sent "
	    "(%lld bytes, was %lld)", p->p_path, now, p->p_size);
}

/* P's name in messages. */
static const char *
pname(const struct body_piece *p)
{
	return p->p_kind == P_STDIN ? STDIN_NAME : p->p_path;
}

void
body_init(struct body *b)
{
	memset(b, 0, sizeof(*b));
	b->b_kind = BODY_NONE;
	b->b_fd = -1;
	b->b_testhex = NULL;
	b->b_pieces = NULL;
	b->b_mem = NULL;
}

/* The bytes held in memory by B, against BODY_MEMMAX. */
static size_t
memused(const struct body *b)
{
	size_t n = b->b_memlen;
	int i;

	for (i = 0; i < b->b_npieces; i++)
		if (b->b_pieces[i].p_own)
			n += b->b_pieces[i].p_len;
	return n;
}

/* Refuses a body of kind K after one of another kind: 1 if refused. */
static int
mixed(struct body *b, enum body_kind k)
{
	static const char *const opt[] = {
		[BODY_DATA] = "-d", [BODY_FORM] = "-F", [BODY_UPLOAD] = "-T"
	};

	if (b->b_kind == BODY_NONE || (b->b_kind == k && k != BODY_UPLOAD))
		return 0;
	if (k == BODY_UPLOAD && b->b_kind == k)
		(void)body_fail(b, HG_USAGE, "-T given twice: one file only");
	else
		(void)body_fail(b, HG_USAGE, "%s with %s: one kind of body "
		    "only", opt[k], opt[b->b_kind]);
	return 1;
}

/* A new zeroed piece at the end of B's, or NULL. */
static struct body_piece *
newpiece(struct body *b)
{
	struct body_piece *p;
	int n;

	if (b->b_npieces == b->b_maxpieces) {
		n = b->b_maxpieces ? b->b_maxpieces * 2 : 8;
		if ((p = reallocarray(b->b_pieces, n, sizeof(*p))) == NULL)
			return NULL;
		b->b_pieces = p;
		b->b_maxpieces = n;
	}
	p = &b->b_pieces[b->b_npieces++];
	memset(p, 0, sizeof(*p));
	p->p_size = -1;
	return p;
}

/*
 * Opens PATH for reading (a folder is refused) and fills *ST.  Returns
 * the descriptor, or -1 with B's failure set.
 */
int
body_openfile(struct body *b, const char *path, struct stat *st)
{
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		(void)body_failread(b, path, errno);
		return -1;
	}
	if (fstat(fd, st) == -1) {
		(void)body_failread(b, path, errno);
		(void)close(fd);
		return -1;
	}
	if (S_ISDIR(st->st_mode)) {
		(void)body_failread(b, path, EISDIR);
		(void)close(fd);
		return -1;
	}
	return fd;
}

/*
 * Reads FD (NAME in messages) to its end into a new NUL-terminated buffer
 * *PP of *LENP bytes, at most what BODY_MEMMAX leaves to B.
 */
static enum fail
readall(struct body *b, int fd, const char *name, char **pp, size_t *lenp)
{
	size_t max = BODY_MEMMAX - memused(b), len = 0, size = 0;
	char *p = NULL, *np;
	ssize_t r;

	for (;;) {
		if (len > max) {
			free(p);
			return failbig(b, name);
		}
		if (len == size) {
			size = size ? size * 2 : 8192;
			if (size > max + 1)
				size = max + 1;
			if ((np = realloc(p, size + 1)) == NULL) {
				free(p);
				return body_failmem(b);
			}
			p = np;
		}
		if ((r = read(fd, p + len, size - len)) == -1) {
			if (errno == EINTR)
				continue;
			free(p);
			return body_failread(b, name, errno);
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	p[len] = '\0';
	*pp = p;
	*lenp = len;
	return HG_OK;
}

/* Reads the file PATH, or standard input for "-", as readall(). */
enum fail
body_slurp(struct body *b, const char *path, char **pp, size_t *lenp)
{
	struct stat st;
	enum fail f;
	int fd;

	if (strcmp(path, "-") == 0)
		return readall(b, STDIN_FILENO, STDIN_NAME, pp, lenp);
	if ((fd = body_openfile(b, path, &st)) == -1)
		return b->b_fail;
	f = readall(b, fd, path, pp, lenp);
	(void)close(fd);
	return f;
}

/* Makes room for N more bytes (and a NUL) in B's -d data. */
static enum fail
memroom(struct body *b, size_t n, const char *name)
{
	char *p;

	if (n > BODY_MEMMAX - memused(b))
		return failbig(b, name);
	if ((p = realloc(b->b_mem, b->b_memlen + n + 1)) == NULL)
		return body_failmem(b);
	b->b_mem = p;
	return HG_OK;
}

/* The bytes curl's --data-urlencode keeps as they are. */
static int
unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
	    c == '~';
}

/* The length of the N bytes at S once encoded by urlencode(). */
static size_t
enclen(const char *s, size_t n)
{
	size_t i, len = n;

	for (i = 0; i < n; i++)
		if (!unreserved((unsigned char)s[i]) && s[i] != ' ')
			len += 2;
	return len;
}

/* Appends the N bytes at S encoded as curl's --data-urlencode does. */
static void
urlencode(struct body *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	unsigned char c;
	char *d = b->b_mem + b->b_memlen;
	size_t i;

	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (unreserved(c))
			*d++ = (char)c;
		else if (c == ' ')
			*d++ = '+';
		else {
			*d++ = '%';
			*d++ = hex[c >> 4];
			*d++ = hex[c & 15];
		}
	}
	b->b_memlen = (size_t)(d - b->b_mem);
}

enum fail
body_data(struct body *b, enum body_data kind, const char *arg)
{
	const char *src = arg, *sep = NULL, *name = "-d";
	char *file = NULL;
	size_t nlen = 0, slen, i, j;
	enum fail f;

	if (mixed(b, BODY_DATA))
		return b->b_fail;
	/* curl: the first '=' ends a name, else the first '@' does. */
	if (kind == DATA_URLENCODE && ((sep = strchr(arg, '=')) != NULL ||
	    (sep = strchr(arg, '@')) != NULL)) {
		nlen = (size_t)(sep - arg);
		src = sep + 1;
	} else if (kind != DATA_RAW && kind != DATA_URLENCODE && *arg == '@') {
		sep = arg;
		src = arg + 1;
	}
	if (sep != NULL && *sep == '@') {
		if ((f = body_slurp(b, src, &file, &slen)) != HG_OK)
			return f;
		name = strcmp(src, "-") == 0 ? STDIN_NAME : src;
		if (kind == DATA_ASCII) {
			for (i = j = 0; i < slen; i++)
				if (file[i] != '\r' && file[i] != '\n')
					file[j++] = file[i];
			slen = j;
		}
		src = file;
	} else
		slen = strlen(src);

	/* Room for '&', the name, '=' and the data. */
	if ((f = memroom(b, 2 + nlen + (kind == DATA_URLENCODE ?
	    enclen(src, slen) : slen), name)) != HG_OK) {
		free(file);
		return f;
	}
	if (b->b_kind == BODY_DATA)
		b->b_mem[b->b_memlen++] = '&';
	if (kind == DATA_URLENCODE) {
		if (nlen > 0) {
			memcpy(b->b_mem + b->b_memlen, arg, nlen);
			b->b_memlen += nlen;
			b->b_mem[b->b_memlen++] = '=';
		}
		urlencode(b, src, slen);
	} else {
		memcpy(b->b_mem + b->b_memlen, src, slen);
		b->b_memlen += slen;
	}
	b->b_mem[b->b_memlen] = '\0';
	b->b_kind = BODY_DATA;
	free(file);
	return HG_OK;
}

enum fail
body_form(struct body *b, const char *arg, int literal)
{
	struct body_piece *p;
	const char *eq;

	if ((eq = strchr(arg, '=')) == NULL)
		return body_fail(b, HG_USAGE, "%s '%s': no '=' (name=value)",
		    literal ? "--form-string" : "-F", arg);
	if (mixed(b, BODY_FORM))
		return b->b_fail;
	b->b_kind = BODY_FORM;
	if ((p = newpiece(b)) == NULL ||
	    (p->p_name = strndup(arg, (size_t)(eq - arg))) == NULL)
		return body_failmem(b);
	p->p_kind = P_MEM;
	if (!literal)
		return form_parse(b, p, eq + 1, arg);
	if ((p->p_mem = strdup(eq + 1)) == NULL)
		return body_failmem(b);
	p->p_len = strlen(p->p_mem);
	p->p_own = 1;
	return HG_OK;
}

enum fail
body_upload(struct body *b, const char *file)
{
	struct body_piece *p;

	if (mixed(b, BODY_UPLOAD))
		return b->b_fail;
	b->b_kind = BODY_UPLOAD;
	if ((p = newpiece(b)) == NULL)
		return body_failmem(b);
	if (strcmp(file, "-") == 0) {
		p->p_kind = P_STDIN;
		return HG_OK;
	}
	p->p_kind = P_FILE;
	if ((p->p_path = strdup(file)) == NULL)
		return body_failmem(b);
	return HG_OK;
}

/*
 * Checks the file of P: a regular file gets its size; another kind, for
 * -F, is read into memory now (a pipe cannot be scanned and read again),
 * and for -T read when sent, to its end (chunked).
 */
static enum fail
checkfile(struct body *b, struct body_piece *p)
{
	struct stat st;
	enum fail f;
	int fd;

	if (b->b_kind == BODY_UPLOAD) {
		/* Opening a FIFO waits for its writer: only look now. */
		if (stat(p->p_path, &st) == -1)
			return body_failread(b, p->p_path, errno);
		if (S_ISDIR(st.st_mode))
			return body_failread(b, p->p_path, EISDIR);
		if (!S_ISREG(st.st_mode)) {
			if (access(p->p_path, R_OK) == -1)
				return body_failread(b, p->p_path, errno);
			return HG_OK;
		}
	}
	if ((fd = body_openfile(b, p->p_path, &st)) == -1)
		return b->b_fail;
	f = HG_OK;
	if (S_ISREG(st.st_mode))
		p->p_size = (long long)st.st_size;
	else if ((f = readall(b, fd, p->p_path, &p->p_mem, &p->p_len)) ==
	    HG_OK) {
		p->p_kind = P_MEM;
		p->p_own = 1;
	}
	(void)close(fd);
	return f;
}

enum fail
body_finish(struct body *b)
{
	struct body_piece *p;
	int i;

	b->b_size = 0;
	b->b_ctype[0] = '\0';
	switch (b->b_kind) {
	case BODY_NONE:
		return HG_OK;
	case BODY_DATA:
		if ((p = newpiece(b)) == NULL)
			return body_failmem(b);
		p->p_kind = P_MEM;
		p->p_mem = b->b_mem;
		p->p_len = b->b_memlen;
		b->b_size = (long long)b->b_memlen;
		(void)snprintf(b->b_ctype, sizeof(b->b_ctype),
		    "application/x-www-form-urlencoded");
		return HG_OK;
	case BODY_UPLOAD:
		p = &b->b_pieces[0];
		if (p->p_kind == P_FILE && checkfile(b, p) != HG_OK)
			return b->b_fail;
		b->b_size = p->p_size;
		return HG_OK;
	case BODY_FORM:
		break;
	}
	for (i = 0; i < b->b_npieces; i++)
		if (b->b_pieces[i].p_kind == P_FILE &&
		    checkfile(b, &b->b_pieces[i]) != HG_OK)
			return b->b_fail;
	if (form_frame(b) != HG_OK)
		return b->b_fail;
	for (i = 0; i < b->b_npieces; i++) {
		p = &b->b_pieces[i];
		b->b_size += p->p_kind == P_MEM ? (long long)p->p_len :
		    p->p_size;
	}
	(void)snprintf(b->b_ctype, sizeof(b->b_ctype),
	    "multipart/form-data; boundary=%s", b->b_boundary);
	return HG_OK;
}

const char *
body_query(const struct body *b, size_t *len)
{
	if (b->b_kind != BODY_DATA)
		return NULL;
	*len = b->b_memlen;
	return b->b_mem;
}

/* Closes the file of the piece being read, if it is open. */
static void
closefd(struct body *b)
{
	if (b->b_fd != -1 && b->b_fd != STDIN_FILENO)
		(void)close(b->b_fd);
	b->b_fd = -1;
}

/* Opens the file of P, which must be as large as body_finish() saw it. */
static enum fail
openpiece(struct body *b, const struct body_piece *p)
{
	struct stat st;

	if (p->p_kind == P_STDIN) {
		b->b_fd = STDIN_FILENO;
		return HG_OK;
	}
	if ((b->b_fd = body_openfile(b, p->p_path, &st)) == -1)
		return b->b_fail;
	if (p->p_size >= 0 && (long long)st.st_size != p->p_size)
		return failsize(b, p, (long long)st.st_size);
	return HG_OK;
}

ssize_t
body_read(struct body *b, char *buf, size_t n)
{
	struct body_piece *p;
	size_t got = 0, want;
	ssize_t r;

	while (got < n && b->b_cur < b->b_npieces) {
		p = &b->b_pieces[b->b_cur];
		if (p->p_kind == P_MEM) {
			want = p->p_len - (size_t)b->b_off;
			if (want > n - got)
				want = n - got;
			memcpy(buf + got, p->p_mem + b->b_off, want);
			got += want;
			b->b_off += (long long)want;
			if ((size_t)b->b_off == p->p_len) {
				b->b_cur++;
				b->b_off = 0;
			}
			continue;
		}
		/* A pipe could block: first hand out what is at hand. */
		if (p->p_size < 0 && got > 0)
			break;
		if (b->b_fd == -1 && openpiece(b, p) != HG_OK)
			goto bad;
		want = n - got;
		if (p->p_size >= 0 && (long long)want > p->p_size - b->b_off)
			want = (size_t)(p->p_size - b->b_off);
		r = 0;
		if (want > 0 && (r = read(b->b_fd, buf + got, want)) == -1) {
			if (errno == EINTR)
				continue;
			(void)body_failread(b, pname(p), errno);
			goto bad;
		}
		if (r == 0 && p->p_size > b->b_off) {
			(void)failsize(b, p, b->b_off);
			goto bad;
		}
		got += (size_t)r;
		b->b_off += r;
		if (r == 0) {
			closefd(b);
			b->b_cur++;
			b->b_off = 0;
		} else if (p->p_size < 0)
			break;
	}
	if (got > 0)
		b->b_started = 1;
	return (ssize_t)got;
bad:
	closefd(b);
	return -1;
}

enum fail
body_rewind(struct body *b)
{
	const struct body_piece *p;
	int i;

	if (!b->b_started)
		return HG_OK;
	for (i = 0; i < b->b_npieces; i++) {
		p = &b->b_pieces[i];
		if (p->p_kind == P_STDIN || (p->p_kind == P_FILE &&
		    p->p_size < 0))
			return body_fail(b, HG_REWIND, "%s: read already, "
			    "cannot be sent again", pname(p));
	}
	closefd(b);
	b->b_cur = 0;
	b->b_off = 0;
	b->b_started = 0;
	return HG_OK;
}

void
body_free(struct body *b)
{
	struct body_piece *p;
	int i;

	closefd(b);
	for (i = 0; i < b->b_npieces; i++) {
		p = &b->b_pieces[i];
		if (p->p_own)
			free(p->p_mem);
		free(p->p_path);
		free(p->p_name);
		free(p->p_fname);
		free(p->p_type);
	}
	free(b->b_pieces);
	free(b->b_mem);
	b->b_pieces = NULL;
	b->b_mem = NULL;
	b->b_npieces = b->b_maxpieces = 0;
	b->b_memlen = 0;
}
