/* Default paths. */
#define SUPERD_CONF	"/etc/superd.conf"
