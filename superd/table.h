/* The service table as a whole. */
#ifndef SUPERD_TABLE_H
#define SUPERD_TABLE_H

struct service;

int		 table_open(struct service *);
void		 table_close(struct service *);
struct service	*table_prune(struct service *);
struct service	*table_reload(struct service *, const char *);
void		 table_listening(const struct service *);
void		 table_loaded(const struct service *);
void		 table_status(const struct service *);
void		 table_print(const struct service *);

#endif
