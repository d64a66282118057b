/* The in-process ceiling and the free-port finder (serve.c). */
#ifndef BENCH_SERVE_H
#define BENCH_SERVE_H

int	servemain(const char *);
int	portmain(void);

#endif
