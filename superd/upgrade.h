/* Upgrade in place: SIGUSR2 executes superd's binary again, same pid. */
#ifndef SUPERD_UPGRADE_H
#define SUPERD_UPGRADE_H

struct service;

int	upgrade_init(int, char *[]);
void	upgrade_load(void);
int	upgrade_resumed(void);
void	upgrade_adopt(struct service *);
int	upgrade_exec(struct service *);

#endif
