/*
 * Inside the xinetd.conf(5) reader: xinetd.c gathers the blocks,
 * xinetdmap.c turns a service block into a struct svconf.
 */
#ifndef SUPERD_XINETD_H
#define SUPERD_XINETD_H

#include <stdio.h>

#include "confline.h"
#include "kv.h"

#define XINETD_MAXWORDS	256	/* values on one attribute line */

enum {
	XA_ID, XA_TYPE, XA_FLAGS, XA_DISABLE, XA_SOCKTYPE, XA_PROTOCOL,
	XA_WAIT, XA_USER, XA_GROUP, XA_GROUPS, XA_SERVER, XA_ARGS, XA_PORT,
	XA_BIND, XA_INTERFACE, XA_INSTANCES, XA_PERSOURCE, XA_CPS,
	XA_ONLYFROM, XA_NOACCESS, XA_ACCESSTIMES, XA_ENV, XA_PASSENV,
	XA_UMASK, XA_NICE, XA_RLAS, XA_RLCPU, XA_RLDATA, XA_RLRSS,
	XA_RLSTACK, XA_RLFILES, XA_BANNER, XA_BANNEROK, XA_BANNERFAIL,
	XA_LOGTYPE, XA_LOGOK, XA_LOGFAIL, XA_MAXLOAD, XA_V6ONLY,
	XA_REDIRECT, XA_RPCVERSION, XA_RPCNUMBER, XA_LIBWRAP, XA_MDNS,
	XA_DENYTIME, XA_DISABLED, XA_ENABLED, XA_N
};

#define XF_LIST		0x01	/* a set: takes += and -= */
#define XF_DEF		0x02	/* may be in defaults */
#define XF_CUM		0x04	/* defaults' '=' adds; a service's += adds */
#define XF_NOSUB	0x08	/* no -= */
#define XF_DEFONLY	0x10	/* in defaults only */

enum { XS_TOP, XS_BRACE, XS_BLOCK };

struct xattrdef {
	const char	*x_name;
	int		 x_flags;
};

extern const struct xattrdef xattrs[XA_N];

/* One attribute's values in a block. */
struct xval {
	char	**v_s;
	int	  v_n;
	int	  v_given;
	int	  v_inherited;	/* from defaults, not written in the block */
	int	  v_line;
	int	  v_op;		/* '=', '+' or '-' */
};

struct xblock {
	char		*b_name;	/* NULL for defaults */
	int		 b_line;
	struct xval	 b_a[XA_N];
};

struct xid {
	char	*i_id;
	char	*i_file;
	int	 i_line;
};

/* A load's xinetd state: the defaults so far, the ids seen. */
struct xload {
	struct xblock	 x_def;
	struct xid	*x_ids;
	int		 x_nids;
};

int	xinetd_relpath(const struct confline *, const char *, char *,
	    size_t);
void	xinetd_clear(struct xblock *);
int	xinetd_newid(struct confload *, const struct confline *, const char *,
	    const char *, int);
void	xinetd_service(struct confload *, const struct confline *,
	    struct xblock *);

/* What superd makes of one service as it is translated (xinetdmap.c). */
struct xmap {
	const struct confline	*m_l;	/* the `service` line */
	struct confline		 m_al;	/* an attribute's line */
	struct xblock		*m_b;
	struct svconf		*m_sc;
	char			*m_pool[2 * XINETD_MAXWORDS + 16];
	int			 m_npool;
	int			 m_internal, m_unlisted;
	int			 m_v4, m_v6, m_nameinargs;
};

/* Attribute a's line (the service's when inherited), for messages. */
const struct confline	*xmap_at(struct xmap *, int);
const struct xval	*xmap_val(struct xmap *, int);
char			*xmap_keep(struct xmap *, const char *);
int			 xinetd_access(struct xmap *, struct kvctx *, char **,
			    char **);

#endif
