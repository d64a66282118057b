/*
 * Reading a configuration: CONFIG files and folders, their lines, and the
 * entries the lines make in each dialect (continuation lines, `ADDR:`
 * lines, key-values entries up to their ';', `.include`).  Each entry goes
 * to inetd.c or kv.c, then to conf_add(); every error names FILE:LINE.
 */
#include <sys/types.h>
#include <sys/stat.h>
#include <dirent.h>
#include <errno.h>
#include <glob.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "confline.h"
#include "log.h"
#include "util.h"

/* The entry being gathered: none, positional, key-values, or too long. */
enum { E_NONE, E_POS, E_KV, E_BROKEN, E_POSBROKEN };

/* One file being read. */
struct file {
	struct confline	 f_l;
	char		 f_path[PATH_MAX];	/* as shown in messages */
	char		 f_dir[PATH_MAX];	/* its folder, absolute */
	char		 f_host[CONF_HOSTMAX];	/* the `ADDR:` in force */
	char		 f_line[CONF_LINEMAX];
	char		 f_entry[CONF_ENTRYMAX];
	size_t		 f_elen;
	int		 f_eline;		/* where the entry began */
	int		 f_ekind;
};

static void	readpath(struct confload *, const char *, const char *,
		    const struct confline *);

/* The folder of path, made absolute, into dir: 0, or -1 with errno. */
static int
folderof(const char *path, char *dir, size_t size)
{
	char *dcopy, *p;
	size_t len;
	int r = 0;

	if ((dcopy = strdup(path)) == NULL)
		return -1;
	p = dirname(dcopy);
	if (*p == '/')
		(void)snprintf(dir, size, "%s", p);
	else if (getcwd(dir, size) == NULL)
		r = -1;
	else if (strcmp(p, ".") != 0) {
		len = strlen(dir);
		if ((size_t)snprintf(dir + len, size - len, "/%s", p) >=
		    size - len) {
			errno = ENAMETOOLONG;
			r = -1;
		}
	}
	free(dcopy);
	return r;
}

/* An error about the file at path: at the line that named it, if any. */
static void
fileerr(struct confload *ld, const struct confline *from, const char *path,
    const char *why)
{
	if (from != NULL) {
		(void)conf_bad(from, "%s: %s", path, why);
		ld->ld_nerr++;
	} else {
		logmsg(LOG_ERR, "%s: %s", path, why);
		ld->ld_nerr = -1;
	}
}

/* The entry gathered in f, to its dialect, then to conf_add(). */
static void
flush(struct confload *ld, struct file *f)
{
	struct confline l = f->f_l;
	struct svconf *sc;
	char *w[CONF_MAXFIELDS];
	int n, kind = f->f_ekind;

	f->f_ekind = E_NONE;
	f->f_entry[f->f_elen] = '\0';
	f->f_elen = 0;
	l.cl_line = f->f_eline;
	l.cl_defhost = f->f_host[0] != '\0' ? f->f_host : NULL;
	if (kind == E_BROKEN || kind == E_POSBROKEN) {
		ld->ld_nerr++;
		return;
	}
	if (kind == E_POS) {
		if ((n = conf_words(&l, f->f_entry, w, CONF_MAXFIELDS)) == -1)
			ld->ld_nerr++;
		else if (n > 0)
			conf_add(ld, &l, inetd_line(&l, w, n), 0);
	} else if (kind == E_KV) {
		n = conf_kventry(&l, f->f_entry, &sc);
		conf_add(ld, &l, n == -1 ? NULL : sc, n == 2);
	}
}

/* Appends s (and a newline before it unless first) to f's entry. */
static void
gather(struct file *f, const char *s, size_t len)
{
	if (f->f_ekind == E_BROKEN || f->f_ekind == E_POSBROKEN)
		return;
	if (f->f_elen + len + 2 > sizeof(f->f_entry)) {
		(void)logat(f->f_l.cl_file, f->f_eline, "entry longer than %d "
		    "bytes", CONF_ENTRYMAX - 2);
		f->f_ekind = f->f_ekind == E_KV ? E_BROKEN : E_POSBROKEN;
		return;
	}
	if (f->f_elen > 0)
		f->f_entry[f->f_elen++] = '\n';
	memcpy(f->f_entry + f->f_elen, s, len);
	f->f_elen += len;
}

/*
 * `ADDR:` alone on the line s: the address of the entries after it; `*:`
 * resets it.  Returns 1, 0 when s is not such a line, -1 (logged).
 */
static int
defaddr(struct file *f, const char *s)
{
	size_t len = strcspn(s, " \t\r#");
	const char *after = s + len + strspn(s + len, " \t\r");

	if (len < 2 || s[len - 1] != ':' || (*after != '\0' && *after != '#'))
		return 0;
	if (len == 2 && s[0] == '*')
		f->f_host[0] = '\0';
	else if (len - 1 >= sizeof(f->f_host))
		return conf_bad(&f->f_l, "address '%.40s...' too long", s);
	else {
		memcpy(f->f_host, s, len - 1);
		f->f_host[len - 1] = '\0';
	}
	return 1;
}

/* `.include PATTERN`: a file, a folder or a glob, each read in turn. */
static int
include(struct confload *ld, struct file *f, char *s)
{
	char *w[2], pat[PATH_MAX], *slash;
	glob_t g;
	size_t i;
	int n, r;

	if ((n = conf_words(&f->f_l, s, w, 2)) != 1)
		return n == -1 ? -1 : conf_bad(&f->f_l, "'.include' takes one "
		    "pattern");
	/* Relative to the including file's folder, as its name is shown. */
	slash = strrchr(f->f_path, '/');
	if (w[0][0] == '/' || slash == NULL)
		n = snprintf(pat, sizeof(pat), "%s", w[0]);
	else
		n = snprintf(pat, sizeof(pat), "%.*s/%s",
		    (int)(slash - f->f_path), f->f_path, w[0]);
	if (n < 0 || (size_t)n >= sizeof(pat))
		return conf_bad(&f->f_l, "'.include %.40s...': path too long",
		    w[0]);
	if (strpbrk(w[0], "*?[") == NULL) {
		readpath(ld, pat, f->f_host, &f->f_l);
		return 0;
	}
	if ((r = glob(pat, 0, NULL, &g)) == GLOB_NOMATCH)
		return 0;
	if (r != 0) {
		globfree(&g);
		return conf_bad(&f->f_l, "'.include %s': %s", w[0],
		    r == GLOB_NOSPACE ? strerror(ENOMEM) : "read error");
	}
	/* glob(3) sorts its matches. */
	for (i = 0; i < g.gl_pathc && ld->ld_nerr != -1; i++)
		readpath(ld, g.gl_pathv[i], f->f_host, &f->f_l);
	globfree(&g);
	return 0;
}

/*
 * One physical line s of f, or the rest of one after a key-values entry's
 * ';' (rest): continues the entry being gathered, or starts one, or is a
 * directive.
 */
static void
oneline(struct confload *ld, struct file *f, char *s, int rest)
{
	char *t, *end;

	while (s != NULL) {
		if (f->f_ekind == E_KV || f->f_ekind == E_BROKEN) {
			if ((end = conf_kvend(s)) == NULL || *end == '\0') {
				gather(f, s, strlen(s));
				if (end != NULL)
					flush(ld, f);
				return;
			}
			gather(f, s, (size_t)(end - s + 1));
			flush(ld, f);
			s = end + 1;
			rest = 1;
			continue;
		}
		t = s + strspn(s, " \t\r\f\v");
		if (*t == '\0' || *t == '#')
			return;		/* blank, comment, #@ */
		if (t != s && !rest && (f->f_ekind == E_POS ||
		    f->f_ekind == E_POSBROKEN)) {
			gather(f, t, strlen(t));	/* continuation */
			return;
		}
		if (f->f_ekind != E_NONE)
			flush(ld, f);
		f->f_eline = f->f_l.cl_line;
		if (strncmp(t, ".include", 8) == 0 && (t[8] == '\0' ||
		    strchr(" \t\r\"'", t[8]) != NULL)) {
			if (include(ld, f, t + 8) == -1)
				ld->ld_nerr++;
			return;
		}
		if (*t == '.') {
			(void)conf_bad(&f->f_l, "unknown directive '%.*s'",
			    (int)strcspn(t, " \t\r"), t);
			ld->ld_nerr++;
			return;
		}
		if (conf_iskv(t)) {
			f->f_ekind = E_KV;
			s = t;
			continue;
		}
		switch (defaddr(f, t)) {
		case -1:
			ld->ld_nerr++;
			return;
		case 1:
			return;
		}
		f->f_ekind = E_POS;
		f->f_elen = 0;
		gather(f, t, strlen(t));
		return;
	}
}

/* The lines of f's open file fp, to their end. */
static void
readlines(struct confload *ld, struct file *f, FILE *fp)
{
	size_t len;
	int r, cont;

	while ((r = physline(fp, f->f_line, sizeof(f->f_line), &len,
	    &cont)) != -1) {
		f->f_l.cl_line++;
		if (ld->ld_stop != NULL && *ld->ld_stop) {
			(void)conf_bad(&f->f_l, "load stopped by a signal");
			ld->ld_nerr = -1;
			return;
		}
		if (r == 0) {
			oneline(ld, f, f->f_line, 0);
			continue;
		}
		if (f->f_ekind == E_POS || f->f_ekind == E_POSBROKEN)
			flush(ld, f);
		(void)conf_bad(&f->f_l, r == 1 ? "line too long (limit %d "
		    "bytes)" : "NUL byte in line", CONF_LINEMAX - 1);
		if (f->f_ekind == E_KV)
			f->f_ekind = E_BROKEN;
		else
			ld->ld_nerr++;
	}
	if (f->f_ekind != E_NONE)
		flush(ld, f);
	if (ferror(fp)) {
		logmsg(LOG_ERR, "%s: read: %s", f->f_path, strerror(errno));
		ld->ld_nerr = -1;
	}
}

/* Reads the file at path, `ADDR:` host in force, named at from (or NULL). */
static void
readfile(struct confload *ld, const char *path, const char *host,
    const struct confline *from)
{
	struct file *f;
	struct stat st;
	const char *why;
	FILE *fp;
	int i;

	if (ld->ld_nfiles == CONF_MAXFILES) {
		fileerr(ld, from, path, "more than " CONF_MAXFILESSTR
		    " files in the configuration");
		return;
	}
	if ((fp = fopenreg(path, &why)) == NULL) {
		fileerr(ld, from, path, why);
		return;
	}
	/*
	 * Not calloc: zeroing its 80 KB of buffers would leave them dirty in
	 * the heap for superd's whole life; only what a line touches is.
	 */
	if (fstat(fileno(fp), &st) == -1 || (f = malloc(sizeof(*f))) ==
	    NULL) {
		fileerr(ld, from, path, strerror(errno));
		(void)fclose(fp);
		return;
	}
	memset(&f->f_l, 0, sizeof(f->f_l));
	f->f_path[0] = f->f_dir[0] = f->f_host[0] = f->f_line[0] = '\0';
	f->f_entry[0] = '\0';
	f->f_elen = 0;
	f->f_eline = 0;
	f->f_ekind = E_NONE;
	for (i = 0; i < ld->ld_depth; i++)
		if (ld->ld_dev[i] == st.st_dev && ld->ld_ino[i] == st.st_ino) {
			fileerr(ld, from, path, "include loop: the file is "
			    "being read already");
			goto out;
		}
	if (ld->ld_depth == CONF_MAXDEPTH) {
		fileerr(ld, from, path, "includes nested deeper than "
		    CONF_MAXDEPTHSTR);
		goto out;
	}
	(void)snprintf(f->f_path, sizeof(f->f_path), "%s", path);
	if (host != NULL)
		(void)snprintf(f->f_host, sizeof(f->f_host), "%s", host);
	/* Relative PROGRAMs are relative to the file's folder. */
	if (folderof(path, f->f_dir, sizeof(f->f_dir)) == -1) {
		fileerr(ld, from, path, strerror(errno));
		goto out;
	}
	f->f_l.cl_file = f->f_path;
	f->f_l.cl_dir = f->f_dir;
	f->f_l.cl_db = ld->ld_db;
	ld->ld_nfiles++;
	ld->ld_dev[ld->ld_depth] = st.st_dev;
	ld->ld_ino[ld->ld_depth++] = st.st_ino;
	if (xinetd_sniff(fp))
		xinetd_file(ld, &f->f_l, fp);
	else
		readlines(ld, f, fp);
	ld->ld_depth--;
out:
	free(f);
	(void)fclose(fp);
}

/* Names a folder's reading skips: hidden, backups, packagers' copies. */
static int
skipname(const char *s)
{
	static const char *const ends[] = { "~", ".bak", ".swp" };
	size_t len = strlen(s), i, e;

	if (s[0] == '.')
		return 1;
	for (i = 0; i < sizeof(ends) / sizeof(ends[0]); i++)
		if (len >= (e = strlen(ends[i])) &&
		    strcmp(s + len - e, ends[i]) == 0)
			return 1;
	return strstr(s, ".dpkg-") != NULL || strstr(s, ".rpm") != NULL ||
	    strstr(s, ".ucf-") != NULL;
}

static int
bylexical(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * A folder, as `.include FOLDER/` followed by `*` would read it, but for
 * the names that
 * skipname() skips and the folders in it.
 */
static void
readfolder(struct confload *ld, const char *path, const char *host,
    const struct confline *from)
{
	char **names = NULL, **nn, sub[PATH_MAX];
	struct dirent *de;
	struct stat st;
	size_t n = 0, cap = 0, i;
	DIR *d;

	if ((d = opendir(path)) == NULL) {
		fileerr(ld, from, path, strerror(errno));
		return;
	}
	while ((errno = 0, de = readdir(d)) != NULL) {
		if (skipname(de->d_name))
			continue;
		if (n == CONF_MAXFILES) {
			fileerr(ld, from, path, "more than " CONF_MAXFILESSTR
			    " files in the folder");
			goto out;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			if ((nn = realloc(names, cap * sizeof(*names))) ==
			    NULL) {
				fileerr(ld, from, path, strerror(errno));
				goto out;
			}
			names = nn;
		}
		if ((names[n] = strdup(de->d_name)) == NULL) {
			fileerr(ld, from, path, strerror(errno));
			goto out;
		}
		n++;
	}
	if (errno != 0) {
		fileerr(ld, from, path, strerror(errno));
		goto out;
	}
	if (n > 0)
		qsort(names, n, sizeof(*names), bylexical);
	for (i = 0; i < n && ld->ld_nerr != -1; i++) {
		if ((size_t)snprintf(sub, sizeof(sub), "%s%s%s", path,
		    path[strlen(path) - 1] == '/' ? "" : "/", names[i]) >=
		    sizeof(sub)) {
			fileerr(ld, from, names[i], strerror(ENAMETOOLONG));
			continue;
		}
		if (stat(sub, &st) == 0 && S_ISDIR(st.st_mode))
			continue;
		readfile(ld, sub, host, from);
	}
out:
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	(void)closedir(d);
}

/* A file, or a folder, at path. */
static void
readpath(struct confload *ld, const char *path, const char *host,
    const struct confline *from)
{
	struct stat st;

	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		readfolder(ld, path, host, from);
	else
		readfile(ld, path, host, from);
}

/* A file named by an xinetd `include` or `includedir` at from. */
void
conf_readfile(struct confload *ld, const char *path,
    const struct confline *from)
{
	readfile(ld, path, NULL, from);
}

/* CONFIG: a file or a folder, into ld. */
void
conf_read(struct confload *ld, const char *path)
{
	readpath(ld, path, NULL, NULL);
}
