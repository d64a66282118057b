/*
 * sink.c: where the response goes: the body to stdout or to -o FILE or
 * -O's name (through output.c, folders made for --create-dirs), the
 * header blocks to -D FILE, and the progress bar on a terminal.  The
 * signals and the alarm that end a transfer early are here too, as they
 * must remove the output's temporary file.
 */
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hg.h"

struct out out = { .o_fd = STDOUT_FILENO, .o_mode = OUT_STDOUT };
const char *outname = "stdout";
char opath[PATH_MAX];			/* -o or -O with --output-dir */
static int dumpfd = -1;			/* -D */
static char alrmmsg[512];		/* written when a blocking call ends */
static size_t alrmlen;

static struct {
	int		b_on;
	int		b_shown;
	unsigned long long b_total;	/* 0: unknown */
	unsigned long long b_done;
	long long	b_start, b_last;
} bar;

/* Writes to stderr, where a failure has nowhere to be reported;
 * async-signal-safe. */
static void
tostderr(const char *p, size_t n)
{
	if (write(STDERR_FILENO, p, n) == -1)
		return;
}

void
bar_end(void)
{
	if (bar.b_shown)
		tostderr("\n", 1);
	bar.b_shown = 0;
}

/* A signal ends the transfer: no partial -o FILE is left behind. */
static void
onsignal(int sig)
{
	out_discard(&out);
	(void)signal(sig, SIG_DFL);
	(void)raise(sig);
}

static void
onalarm(int sig)
{
	(void)sig;
	out_discard(&out);
	tostderr(alrmmsg, alrmlen);
	_exit(HG_TIMEOUT);
}

void
alarm_at(long long deadline, const char *label, const char *what)
{
	struct itimerval it;
	long long left;
	int n;

	if (deadline == 0)
		return;
	n = snprintf(alrmmsg, sizeof(alrmmsg), "httpget: %s: %s\n", label,
	    what);
	alrmlen = n < 0 ? 0 : (size_t)n >= sizeof(alrmmsg) ?
	    sizeof(alrmmsg) - 1 : (size_t)n;
	memset(&it, 0, sizeof(it));
	left = deadline - now_ms();
	it.it_value.tv_sec = left > 0 ? left / 1000 : 0;
	it.it_value.tv_usec = left > 0 ? left % 1000 * 1000 : 1;
	if (signal(SIGALRM, onalarm) == SIG_ERR ||
	    setitimer(ITIMER_REAL, &it, NULL) == -1)
		die(HG_TIMEOUT, label, "setitimer: %s", cause(errno));
}

void
alarm_off(const char *label)
{
	struct itimerval it;

	memset(&it, 0, sizeof(it));
	if (setitimer(ITIMER_REAL, &it, NULL) == -1)
		die(HG_TIMEOUT, label, "setitimer: %s", cause(errno));
}

static void
human(char *buf, size_t n, double v)
{
	if (v < 1024)
		(void)snprintf(buf, n, "%.0f B", v);
	else if (v < 1024 * 1024)
		(void)snprintf(buf, n, "%.1f KiB", v / 1024);
	else if (v < 1024.0 * 1024 * 1024)
		(void)snprintf(buf, n, "%.1f MiB", v / (1024 * 1024));
	else
		(void)snprintf(buf, n, "%.2f GiB", v / (1024.0 * 1024 * 1024));
}

/* Draws the progress bar on stderr, at most every 200 ms unless FORCE. */
static void
bar_draw(int force)
{
	char line[160], done[32], total[32], rate[32], meter[33];
	long long t = now_ms();
	double secs;
	int pct, w, i;

	if (!force && t - bar.b_last < 200)
		return;
	bar.b_last = t;
	secs = (double)(t - bar.b_start) / 1000;
	human(done, sizeof(done), (double)bar.b_done);
	human(rate, sizeof(rate), secs > 0 ? (double)bar.b_done / secs : 0);
	if (bar.b_total > 0) {
		human(total, sizeof(total), (double)bar.b_total);
		pct = (int)(bar.b_done * 100 / bar.b_total);
		w = (int)(bar.b_done * 30 / bar.b_total);
		for (i = 0; i < 30; i++)
			meter[i] = i < w ? '=' : i == w ? '>' : ' ';
		meter[30] = '\0';
		(void)snprintf(line, sizeof(line), "\r%3d%% [%s] %10s / %-10s "
		    "%10s/s ", pct, meter, done, total, rate);
	} else
		(void)snprintf(line, sizeof(line), "\r%10s %10s/s          ",
		    done, rate);
	if (write(STDERR_FILENO, line, strlen(line)) > 0)
		bar.b_shown = 1;
}

/* Writes N bytes to FD (NAME in messages); a closed pipe ends quietly
 * with 23. */
void
fd_write(int fd, const char *name, const char *p, size_t n,
    const char *label)
{
	ssize_t w;

	while (n > 0) {
		w = write(fd, p, n);
		if (w > 0) {
			p += w;
			n -= (size_t)w;
		} else if (w == -1 && errno == EAGAIN)
			(void)waitfd(fd, POLLOUT, 0);
		else if (w == -1 && errno == EPIPE) {
			out_discard(&out);
			bar_end();
			exit(HG_WRITE);
		} else if (w == -1 && errno != EINTR)
			die(HG_WRITE, label, "writing %s: %s", name,
			    cause(errno));
	}
}

void
out_write(const char *p, size_t n, const char *label)
{
	fd_write(out.o_fd, outname, p, n, label);
}

/*
 * The name -O takes: the last segment of the first URL's path as it is
 * written (never a name the server chose), in --output-dir.
 */
static const char *
remote_name(void)
{
	static char name[PATH_MAX];
	const struct url *u = &urls[0];
	const char *p, *seg;
	size_t len;

	for (seg = p = u->u_target; p < u->u_target + u->u_pathlen; p++)
		if (*p == '/')
			seg = p + 1;
	len = (size_t)(u->u_target + u->u_pathlen - seg);
	if (len == 0 || (len == 1 && seg[0] == '.') || (len == 2 &&
	    seg[0] == '.' && seg[1] == '.'))
		die(HG_WRITE, cfg.url, "no file name in the URL for -O");
	(void)snprintf(name, sizeof(name), "%.*s", (int)len, seg);
	return name;
}

/* Creates the missing folders of PATH, as --create-dirs asks. */
static void
mkdirs(const char *path)
{
	char dir[PATH_MAX], *p;

	(void)snprintf(dir, sizeof(dir), "%s", path);
	for (p = dir + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		if (mkdir(dir, 0750) == -1 && errno != EEXIST)
			die(HG_WRITE, path, "creating %s: %s", dir,
			    cause(errno));
		*p = '/';
	}
}

/* Once for the run: -D FILE opened, and the signals that must remove a
 * temporary file caught. */
void
sink_start(void)
{
	struct sigaction sa;

	if (cfg.dump != NULL && strcmp(cfg.dump, "-") == 0)
		dumpfd = STDOUT_FILENO;
	else if (cfg.dump != NULL && (dumpfd = open(cfg.dump, O_WRONLY |
	    O_CREAT | O_TRUNC | O_CLOEXEC, 0666)) == -1)
		die(HG_WRITE, cfg.dump, "%s", cause(errno));
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = onsignal;
	if (sigemptyset(&sa.sa_mask) == -1 ||
	    sigaction(SIGINT, &sa, NULL) == -1 ||
	    sigaction(SIGTERM, &sa, NULL) == -1 ||
	    sigaction(SIGHUP, &sa, NULL) == -1)
		die(HG_WRITE, "httpget", "sigaction: %s", cause(errno));
}

/*
 * Where this URL's body goes: -o FILE or -O's name (in --output-dir,
 * its folders made), or standard output.  Opened now unless -C waits
 * for the answer to know how.
 */
void
out_prepare(void)
{
	const char *name = cfg.output;
	int n;

	out.o_fd = STDOUT_FILENO;
	out.o_mode = OUT_STDOUT;
	out.o_tmp[0] = '\0';
	outname = "stdout";
	opath[0] = '\0';
	bar.b_on = bar.b_shown = 0;
	bar.b_total = bar.b_done = 0;
	if (name == NULL && cfg.remote_name)
		name = remote_name();
	if (name != NULL) {
		n = cfg.output_dir != NULL && name[0] != '/' &&
		    strcmp(name, "-") ? snprintf(opath, sizeof(opath),
		    "%s/%s", cfg.output_dir, name) : snprintf(opath,
		    sizeof(opath), "%s", name);
		if (n < 0 || (size_t)n >= sizeof(opath))
			die(HG_WRITE, name, "%s", cause(ENAMETOOLONG));
		if (strcmp(opath, "-") == 0)
			opath[0] = '\0';
		else if (cfg.create_dirs)
			mkdirs(opath);
	}
	if (cfg.resume == 0)
		out_begin(0);
}

long long
out_size(void)
{
	struct stat st;

	if (opath[0] == '\0' || stat(opath, &st) == -1 ||
	    !S_ISREG(st.st_mode))
		return 0;
	return (long long)st.st_size;
}

void
out_begin(long long append)
{
	struct stat st;

	if (opath[0] == '\0')
		return;
	alarm_at(deadline_ms, opath, "timed out waiting for a reader");
	if (append > 0) {
		/* A resumed file is written in place from where it ends;
		 * it must still end there. */
		if ((out.o_fd = open(opath, O_WRONLY | O_APPEND |
		    O_CLOEXEC)) == -1)
			die(HG_WRITE, opath, "%s", cause(errno));
		if (fstat(out.o_fd, &st) == -1 || st.st_size != append)
			die(HG_WRITE, opath, "changed size while resuming");
		out.o_mode = OUT_THROUGH;
		(void)snprintf(out.o_path, sizeof(out.o_path), "%s", opath);
	} else if (out_open(&out, opath) == -1)
		die(HG_WRITE, opath, "%s", cause(errno));
	if (deadline_ms > 0)
		alarm_off(opath);
	if (out.o_mode != OUT_STDOUT)
		outname = opath;
	bar.b_on = !cfg.silent && !cfg.verbose && isatty(STDERR_FILENO);
	bar.b_start = now_ms();
}

void
out_abandon(void)
{
	out_discard(&out);
	if (out.o_mode != OUT_STDOUT && out.o_fd != -1)
		(void)close(out.o_fd);
	out.o_fd = STDOUT_FILENO;
	out.o_mode = OUT_STDOUT;
	bar_end();
}

void
dump_write(const char *p, size_t n, const char *label)
{
	if (dumpfd != -1)
		fd_write(dumpfd, cfg.dump, p, n, label);
}

void
bar_total(unsigned long long total)
{
	bar.b_total = total;
}

void
bar_add(size_t n)
{
	if (bar.b_on) {
		bar.b_done += n;
		bar_draw(0);
	}
}

void
bar_finish(void)
{
	if (bar.b_on) {
		bar_draw(1);
		bar_end();
	}
}
