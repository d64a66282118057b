/* Serving connections and datagrams, and reaping their handlers. */
#ifndef SUPERD_SERVE_H
#define SUPERD_SERVE_H

struct service;

/* Options of main.c that serving follows. */
extern int		lflag;
extern long long	Tflag;

struct acl;

void	serve(struct service *);
int	serve_full(const struct service *);
void	serve_reap(void);
void	serve_setacl(const struct acl *, const struct acl *);

#endif
