/*
 * xinetd.conf(5) files, read as they are: `defaults { }`, `service NAME
 * { attribute = value ... }`, `include FILE`, `includedir FOLDER`, with
 * `+=` and `-=` on list attributes.  Each block is gathered here, then
 * translated into superd's keys (xinetdmap.c) and finished by the code the
 * key-values notation uses, so a value means the same in both.  Every
 * error names FILE:LINE.
 */
#include <sys/types.h>
#include <sys/stat.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "confline.h"
#include "log.h"
#include "util.h"
#include "xinetd.h"

const struct xattrdef xattrs[XA_N] = {
	{ "id", 0 }, { "type", 0 }, { "flags", 0 }, { "disable", 0 },
	{ "socket_type", 0 }, { "protocol", 0 }, { "wait", 0 },
	{ "user", 0 }, { "group", 0 }, { "groups", XF_DEF },
	{ "server", 0 }, { "server_args", 0 }, { "port", 0 },
	{ "bind", XF_DEF }, { "interface", XF_DEF },
	{ "instances", XF_DEF }, { "per_source", XF_DEF },
	{ "cps", XF_DEF }, { "only_from", XF_LIST | XF_DEF | XF_CUM },
	{ "no_access", XF_LIST | XF_DEF | XF_CUM }, { "access_times", 0 },
	{ "env", XF_LIST | XF_NOSUB }, { "passenv", XF_LIST | XF_DEF | XF_CUM },
	{ "umask", XF_DEF }, { "nice", 0 }, { "rlimit_as", 0 },
	{ "rlimit_cpu", 0 }, { "rlimit_data", 0 }, { "rlimit_rss", 0 },
	{ "rlimit_stack", 0 }, { "rlimit_files", 0 },
	{ "banner", XF_DEF }, { "banner_success", XF_DEF },
	{ "banner_fail", XF_DEF }, { "log_type", XF_DEF | XF_CUM },
	{ "log_on_success", XF_LIST | XF_DEF | XF_CUM },
	{ "log_on_failure", XF_LIST | XF_DEF | XF_CUM },
	{ "max_load", XF_DEF }, { "v6only", XF_DEF }, { "redirect", 0 },
	{ "rpc_version", 0 }, { "rpc_number", 0 }, { "libwrap", 0 },
	{ "mdns", XF_DEF }, { "deny_time", 0 },
	{ "disabled", XF_DEFONLY | XF_LIST | XF_CUM },
	{ "enabled", XF_DEFONLY | XF_LIST | XF_CUM }
};

/* Frees the values of one attribute, leaving it unset. */
static void
clearval(struct xval *v)
{
	int i;

	for (i = 0; i < v->v_n; i++)
		free(v->v_s[i]);
	free(v->v_s);
	memset(v, 0, sizeof(*v));
}

void
xinetd_clear(struct xblock *b)
{
	int a;

	for (a = 0; a < XA_N; a++)
		clearval(&b->b_a[a]);
	free(b->b_name);
	b->b_name = NULL;
}

/* Appends a copy of s to v: 0, or -1 out of memory. */
static int
addval(struct xval *v, const char *s)
{
	char **n;

	if ((n = realloc(v->v_s, (size_t)(v->v_n + 1) * sizeof(*n))) == NULL)
		return -1;
	v->v_s = n;
	if ((n[v->v_n] = strdup(s)) == NULL)
		return -1;
	v->v_n++;
	return 0;
}

/* Removes from v every value equal to s. */
static void
delval(struct xval *v, const char *s)
{
	int i, j;

	for (i = j = 0; i < v->v_n; i++)
		if (strcmp(v->v_s[i], s) == 0)
			free(v->v_s[i]);
		else
			v->v_s[j++] = v->v_s[i];
	v->v_n = j;
}

/* A copy of from into to (emptied first), marked inherited. */
static int
copyval(struct xval *to, const struct xval *from)
{
	int i;

	clearval(to);
	for (i = 0; i < from->v_n; i++)
		if (addval(to, from->v_s[i]) == -1)
			return -1;
	to->v_given = from->v_given;
	to->v_inherited = from->v_given;
	to->v_line = from->v_line;
	return 0;
}

/* The state of one load: the defaults and the ids seen. */
static struct xload *
xl(struct confload *ld)
{
	if (ld->ld_x == NULL)
		ld->ld_x = calloc(1, sizeof(struct xload));
	return ld->ld_x;
}

void
xinetd_free(struct xload *x)
{
	int i;

	if (x == NULL)
		return;
	xinetd_clear(&x->x_def);
	for (i = 0; i < x->x_nids; i++) {
		free(x->x_ids[i].i_id);
		free(x->x_ids[i].i_file);
	}
	free(x->x_ids);
	free(x);
}

/*
 * Records id (from l): 0, or -1 (logged) when a service of that id was
 * seen already in this load: xinetd needs an `id` to tell them apart.
 */
int
xinetd_newid(struct confload *ld, const struct confline *l, const char *name,
    const char *id, int explicit)
{
	struct xload *x = xl(ld);
	struct xid *n;
	int i;

	if (x == NULL)
		return conf_bad(l, "%s", strerror(errno));
	for (i = 0; i < x->x_nids; i++)
		if (strcmp(x->x_ids[i].i_id, id) == 0)
			return conf_bad(l, "service '%s': %s '%s' is at %s:%d "
			    "already%s", name, explicit ? "the id" : "a service",
			    id, x->x_ids[i].i_file, x->x_ids[i].i_line,
			    explicit ? "" : "; give each an 'id'");
	if ((n = realloc(x->x_ids, (size_t)(x->x_nids + 1) * sizeof(*n))) ==
	    NULL)
		return conf_bad(l, "%s", strerror(errno));
	x->x_ids = n;
	n += x->x_nids;
	n->i_line = l->cl_line;
	if ((n->i_id = strdup(id)) == NULL ||
	    (n->i_file = strdup(l->cl_file)) == NULL) {
		free(n->i_id);
		return conf_bad(l, "%s", strerror(errno));
	}
	x->x_nids++;
	return 0;
}

/* Splits s in place into at most max blank-separated words. */
static int
split(char *s, char **w, int max)
{
	int n = 0;
	char *p;

	while ((p = strsep(&s, " \t\r\f\v")) != NULL) {
		if (*p == '\0')
			continue;
		if (*p == '#')
			break;		/* a comment to the end of the line */
		if (n == max)
			return -1;
		w[n++] = p;
	}
	return n;
}

/* One `attribute op values` line of block b: 0, or -1 (logged). */
static int
attrline(struct xblock *b, const struct confline *l, char *s, int isdef)
{
	char *eq, *name, *end, *w[XINETD_MAXWORDS];
	int a, n, i, op = '=';

	if ((eq = strchr(s, '=')) == NULL)
		return conf_bad(l, "expected 'attribute = value', found '%.40s'",
		    s + strspn(s, " \t"));
	end = eq;
	if (end > s && (end[-1] == '+' || end[-1] == '-'))
		op = *--end;
	*end = '\0';
	name = s + strspn(s, " \t");
	for (end = name + strlen(name); end > name && strchr(" \t",
	    end[-1]) != NULL; end--)
		;
	*end = '\0';
	if (*name == '\0')
		return conf_bad(l, "an attribute name is missing before '='");
	for (a = 0; a < XA_N && strcmp(xattrs[a].x_name, name) != 0; a++)
		;
	if (a == XA_N)
		return conf_bad(l, "unknown attribute '%s'", name);
	if ((n = split(eq + 1, w, XINETD_MAXWORDS)) == -1)
		return conf_bad(l, "attribute '%s': more than %d values", name,
		    XINETD_MAXWORDS);
	if (isdef && !(xattrs[a].x_flags & (XF_DEF | XF_DEFONLY)))
		return conf_bad(l, "attribute '%s' does not go in 'defaults'",
		    name);
	if (!isdef && (xattrs[a].x_flags & XF_DEFONLY))
		return conf_bad(l, "attribute '%s' goes in 'defaults' only",
		    name);
	if (op != '=' && !(xattrs[a].x_flags & XF_LIST))
		return conf_bad(l, "attribute '%s' takes '=' only, not '%c='",
		    name, op);
	if (op == '-' && (xattrs[a].x_flags & XF_NOSUB))
		return conf_bad(l, "attribute '%s' does not take '-='", name);
	/* In defaults, a cumulative attribute's '=' adds, as xinetd's. */
	if (isdef && (xattrs[a].x_flags & XF_CUM) && op == '=')
		op = '+';
	if (b->b_a[a].v_given && !b->b_a[a].v_inherited && op == '=' &&
	    !(xattrs[a].x_flags & XF_LIST))
		return conf_bad(l, "attribute '%s' given twice", name);
	if (op == '=' || b->b_a[a].v_inherited) {
		if (op == '=' || !(xattrs[a].x_flags & XF_CUM))
			clearval(&b->b_a[a]);
		b->b_a[a].v_inherited = 0;
	}
	if (op == '=' && b->b_a[a].v_given)
		clearval(&b->b_a[a]);	/* a list's later '=' starts over */
	b->b_a[a].v_given = 1;
	b->b_a[a].v_line = l->cl_line;
	b->b_a[a].v_op = op;
	for (i = 0; i < n; i++) {
		if (op == '-')
			delval(&b->b_a[a], w[i]);
		else if (addval(&b->b_a[a], w[i]) == -1)
			return conf_bad(l, "%s", strerror(errno));
	}
	return 0;
}

/* The defaults block b just closed: into the load's defaults. */
static int
setdefaults(struct confload *ld, const struct confline *l,
    struct xblock *b)
{
	struct xload *x = xl(ld);
	int a, i;

	if (x == NULL)
		return conf_bad(l, "%s", strerror(errno));
	for (a = 0; a < XA_N; a++) {
		if (!b->b_a[a].v_given)
			continue;
		if (a == XA_LOGTYPE || a == XA_MAXLOAD || a == XA_MDNS)
			(void)logat(l->cl_file, b->b_a[a].v_line, "attribute '%s': "
			    "not supported by superd; ignored", xattrs[a].x_name);
		if (!(xattrs[a].x_flags & XF_CUM))
			clearval(&x->x_def.b_a[a]);
		for (i = 0; i < b->b_a[a].v_n; i++)
			if (addval(&x->x_def.b_a[a], b->b_a[a].v_s[i]) == -1)
				return conf_bad(l, "%s", strerror(errno));
		x->x_def.b_a[a].v_given = 1;
		x->x_def.b_a[a].v_line = b->b_a[a].v_line;
	}
	return 0;
}

/* Starts block b for `service NAME` or `defaults`, from the defaults. */
static int
startblock(struct confload *ld, const struct confline *l, struct xblock *b,
    const char *name)
{
	struct xload *x = xl(ld);
	int a;

	memset(b, 0, sizeof(*b));
	b->b_line = l->cl_line;
	if (x == NULL || (name != NULL && (b->b_name = strdup(name)) == NULL))
		return conf_bad(l, "%s", strerror(errno));
	if (name == NULL)
		return 0;
	for (a = 0; a < XA_N; a++)
		if ((xattrs[a].x_flags & XF_DEF) && copyval(&b->b_a[a],
		    &x->x_def.b_a[a]) == -1)
			return conf_bad(l, "%s", strerror(errno));
	return 0;
}

/* 1 when a file's name is one that includedir skips: xinetd's rule. */
static int
xskipname(const char *s)
{
	size_t len = strlen(s);

	return strchr(s, '.') != NULL || (len > 0 && s[len - 1] == '~');
}

static int
bylexical(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* path, relative to the folder of l's file, into buf. */
int
xinetd_relpath(const struct confline *l, const char *path, char *buf,
    size_t size)
{
	if (path[0] == '/' ? (size_t)snprintf(buf, size, "%s", path) >= size :
	    (size_t)snprintf(buf, size, "%s/%s", l->cl_dir, path) >= size)
		return conf_bad(l, "'%.40s...': path too long", path);
	return 0;
}

/* `includedir FOLDER`: its files in the C locale's order, as xinetd. */
static void
includedir(struct confload *ld, const struct confline *l, const char *arg)
{
	char dir[PATH_MAX], sub[PATH_MAX], **names = NULL, **nn;
	struct dirent *de;
	struct stat st;
	size_t n = 0, i;
	DIR *d;

	if (xinetd_relpath(l, arg, dir, sizeof(dir)) == -1) {
		ld->ld_nerr++;
		return;
	}
	if ((d = opendir(dir)) == NULL) {
		(void)conf_bad(l, "includedir '%s': %s", dir, strerror(errno));
		ld->ld_nerr++;
		return;
	}
	while ((errno = 0, de = readdir(d)) != NULL) {
		if (xskipname(de->d_name))
			continue;
		if (n == CONF_MAXFILES || (nn = realloc(names, (n + 1) *
		    sizeof(*names))) == NULL || (names = nn,
		    (names[n] = strdup(de->d_name)) == NULL)) {
			(void)conf_bad(l, "includedir '%s': %s", dir, n ==
			    CONF_MAXFILES ? "too many files" : strerror(errno));
			ld->ld_nerr++;
			goto out;
		}
		n++;
	}
	if (errno != 0) {
		(void)conf_bad(l, "includedir '%s': %s", dir, strerror(errno));
		ld->ld_nerr++;
		goto out;
	}
	if (n > 0)
		qsort(names, n, sizeof(*names), bylexical);
	for (i = 0; i < n && ld->ld_nerr != -1; i++) {
		if ((size_t)snprintf(sub, sizeof(sub), "%s/%s", dir,
		    names[i]) >= sizeof(sub) || stat(sub, &st) == -1 ||
		    !S_ISREG(st.st_mode))
			continue;
		conf_readfile(ld, sub, l);
	}
out:
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	(void)closedir(d);
}

/* A top-level line: a directive, or a block's start. */
static int
topline(struct confload *ld, const struct confline *l, char *s,
    struct xblock *b, int *state)
{
	char *w[4], path[PATH_MAX];
	int n;

	if (strchr(s, '=') != NULL)
		return conf_bad(l, "attribute outside a 'service' or "
		    "'defaults' block: '%.40s'", s + strspn(s, " \t"));
	if ((n = split(s, w, 4)) <= 0)
		return n == 0 ? 0 : conf_bad(l, "%s", "too many words");
	if (strcmp(w[0], "}") == 0)
		return conf_bad(l, "%s", "'}' without a block to close");
	if (strcmp(w[0], "{") == 0)
		return conf_bad(l, "%s", "'{' without 'service NAME' or "
		    "'defaults' before it");
	if (strcmp(w[0], "include") == 0 || strcmp(w[0], "includedir") == 0) {
		if (n != 2)
			return conf_bad(l, "'%s' takes one path", w[0]);
		if (w[0][7] == 'd')
			includedir(ld, l, w[1]);
		else if (xinetd_relpath(l, w[1], path, sizeof(path)) == -1)
			return -1;
		else
			conf_readfile(ld, path, l);
		return 0;
	}
	if (strcmp(w[0], "defaults") == 0 && (n == 1 || (n == 2 &&
	    strcmp(w[1], "{") == 0))) {
		*state = n == 2 ? XS_BLOCK : XS_BRACE;
		return startblock(ld, l, b, NULL);
	}
	if (strcmp(w[0], "service") == 0 && (n == 2 || (n == 3 &&
	    strcmp(w[2], "{") == 0))) {
		*state = n == 3 ? XS_BLOCK : XS_BRACE;
		return startblock(ld, l, b, w[1]);
	}
	return conf_bad(l, "expected 'service NAME', 'defaults', 'include' or "
	    "'includedir', found '%.40s'", w[0]);
}

/* The block b closed by '}' at l. */
static void
endblock(struct confload *ld, const struct confline *l, struct xblock *b)
{
	struct confline bl = *l;

	bl.cl_line = b->b_line;
	if (b->b_name == NULL) {
		if (setdefaults(ld, &bl, b) == -1)
			ld->ld_nerr++;
	} else
		xinetd_service(ld, &bl, b);
	xinetd_clear(b);
}

/* 1 when the first entry of fp (read, then rewound) is xinetd's. */
int
xinetd_sniff(FILE *fp)
{
	char line[CONF_LINEMAX], *w[2];
	size_t len;
	int r, cont, n, yes = 0;

	while ((r = physline(fp, line, sizeof(line), &len, &cont)) != -1) {
		if (r != 0)
			break;
		if ((n = split(line, w, 2)) == 0)
			continue;
		yes = n > 0 && (strcmp(w[0], "defaults") == 0 ||
		    strcmp(w[0], "includedir") == 0 || (n == 2 &&
		    (strcmp(w[0], "service") == 0 ||
		    strcmp(w[0], "include") == 0)));
		break;
	}
	rewind(fp);
	return yes;
}

/* An xinetd file, fp, its lines counted in *l. */
void
xinetd_file(struct confload *ld, struct confline *l, FILE *fp)
{
	char line[CONF_LINEMAX], copy[CONF_LINEMAX], *w[2];
	struct xblock b;
	size_t len;
	int r, cont, n, state = XS_TOP, bad = 0;

	memset(&b, 0, sizeof(b));
	while ((r = physline(fp, line, sizeof(line), &len, &cont)) != -1) {
		l->cl_line++;
		if (ld->ld_stop != NULL && *ld->ld_stop) {
			(void)conf_bad(l, "load stopped by a signal");
			ld->ld_nerr = -1;
			break;
		}
		if (r != 0) {
			(void)conf_bad(l, r == 1 ? "line too long (limit %d "
			    "bytes)" : "NUL byte in line", CONF_LINEMAX - 1);
			bad = 1;
			continue;
		}
		memcpy(copy, line, len + 1);
		if ((n = split(copy, w, 2)) == 0)
			continue;
		if (state == XS_TOP) {
			if (topline(ld, l, line, &b, &state) == -1)
				ld->ld_nerr++;
			bad = 0;
			continue;
		}
		if (state == XS_BRACE) {
			if (n == 1 && strcmp(w[0], "{") == 0) {
				state = XS_BLOCK;
				continue;
			}
			(void)conf_bad(l, "expected '{' after line %d",
			    b.b_line);
			xinetd_clear(&b);
			ld->ld_nerr++;
			state = XS_TOP;
			continue;
		}
		if (n == 1 && strcmp(w[0], "}") == 0) {
			if (bad) {
				ld->ld_nerr++;
				xinetd_clear(&b);
			} else
				endblock(ld, l, &b);
			bad = 0;
			state = XS_TOP;
			continue;
		}
		if (strcmp(w[0], "{") == 0 || strcmp(w[0], "service") == 0 ||
		    strcmp(w[0], "defaults") == 0) {
			(void)conf_bad(l, "'%s' inside the block of line %d, "
			    "which has no '}'", w[0], b.b_line);
			bad = 1;
			continue;
		}
		if (attrline(&b, l, line, b.b_name == NULL) == -1)
			bad = 1;
	}
	if (state != XS_TOP) {
		(void)logat(l->cl_file, b.b_line, "%s: no '}' before the end of "
		    "the file", b.b_name != NULL ? b.b_name : "defaults");
		if (ld->ld_nerr != -1)
			ld->ld_nerr++;
	}
	xinetd_clear(&b);
	if (ferror(fp)) {
		logmsg(LOG_ERR, "%s: read: %s", l->cl_file, strerror(errno));
		ld->ld_nerr = -1;
	}
}
