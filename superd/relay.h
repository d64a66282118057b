/* dgram nowait: one datagram in on a handler's stdin, its stdout out. */
#ifndef SUPERD_RELAY_H
#define SUPERD_RELAY_H

struct relay;

void	relay_free(struct relay *);
void	relay_freeall(void);
int	relay_open(void);

#endif
