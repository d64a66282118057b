/* Socket activation: the listening sockets a service manager hands over. */
#ifndef SUPERD_ACTIVATE_H
#define SUPERD_ACTIVATE_H

struct svconf;

#define ACTIVATE_FIRST	3	/* SD_LISTEN_FDS_START */

int	activate_init(void);
void	activate_setport(int, int);
void	activate_plan(const struct svconf *);
int	activate_take(const struct svconf *);
void	activate_leftover(void);

#endif
