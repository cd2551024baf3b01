/* pxe-nfsd's export table: the [export] sections of pxesuite.ini and the
 * exports(5) lines of exports_file, merged, with the lookups MOUNT and NFS
 * make.  Parsing does no I/O; export_table_open() then resolves each path. */
#ifndef PXE_NFSD_EXPORTS_H
#define PXE_NFSD_EXPORTS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "conf.h"
#include "export_spec.h"

#define EXPORTS_MAX 1024		/* exports in one table */
#define EXPORT_CLIENTS_MAX 256		/* client specs of one export */
#define EXPORTS_LINE_MAX 8192		/* bytes of an exports(5) line, continuations included */
#define EXPORTS_FILE_MAX (1024 * 1024)

struct export_client {
	struct export_host host;
	struct export_opts opts;
	unsigned line;			/* where it is written */
};

/* A filesystem mounted below an export, for clients with crossmnt. */
struct export_sub {
	uint32_t id;			/* in its handles and fattr3.fsid */
	char *rel;			/* its mount point below the export's path */
	int fd;				/* its root, O_RDONLY (mount_fd) */
	int mount_id;
};

struct export {
	char *path;			/* normalized: what a MNT names */
	char *file;			/* where it is written, for messages */
	unsigned line;
	struct export_client *clients;	/* in the order written */
	size_t nclients;
	struct export_fsid fsid;	/* what its clients' fsid= options agree on */
	bool names;			/* some client is a name or wildcard: resolve clients */
	/* From export_table_ids(): */
	uint32_t id;			/* in its handles and fattr3.fsid; see there */
	/* From export_table_open(): */
	int fd;				/* the directory, O_RDONLY (fh.h's mount_fd); -1 before */
	char *real;			/* path with every symlink resolved */
	dev_t dev;
	ino_t ino;
	/* From the server, which owns the descriptor (closed by export_dispose): */
	int mount_id;			/* of fd, from fh_probe */
	int nocross_fd;			/* fd's directory in a clone of its mount alone, or -1 */
	int nocross_mount_id;
	struct export_sub *subs;	/* mounted below it (crossmnt) */
	size_t nsubs;
};

struct export_table {
	struct export *exports;		/* in the order loaded */
	size_t count;
};

void export_table_init(struct export_table *t);
/* An empty export: no descriptors. */
void export_init(struct export *e);
void export_table_free(struct export_table *t);

/* Each of these adds exports to t: 0, or a negative errno with "FILE:LINE:
 * message" in err and t left as it was.  A path exported twice, or two
 * exports with one fsid, is an error that names both places. */

/* exports(5) text; name stands for the file in messages. */
int export_table_parse(struct export_table *t, const char *name, const char *text, char *err,
		       size_t errlen);
/* An exports(5) file (-errno and "FILE: reason" when unreadable). */
int export_table_load_file(struct export_table *t, const char *path, char *err, size_t errlen);
/* The [export PATH] sections of a checked pxesuite.ini. */
int export_table_load_ini(struct export_table *t, const struct conf *conf, char *err,
			  size_t errlen);
/* What pxe-nfsd serves: the [export] sections, then [nfsd] exports_file. */
int export_table_load(struct export_table *t, const struct conf *conf, char *err, size_t errlen);

/* Moves every export of from into t, or none (from keeps them on error). */
int export_table_merge(struct export_table *t, struct export_table *from, char *err,
		       size_t errlen);
/* Adds one export built elsewhere, taking what it owns (also on error). */
int export_table_add(struct export_table *t, struct export *e, char *err, size_t errlen);
/* A client of e: 0, or -EINVAL with a message (no FILE:LINE) when e has
 * that pattern already, has too many clients, or the fsid disagrees. */
int export_add_client(struct export *e, const struct export_host *host,
		      const struct export_opts *opts, unsigned line, char *err, size_t errlen);
/* Frees what e owns and closes its descriptor. */
void export_dispose(struct export *e);

/* Gives every export its id, the number its handles carry (fh.h): fsid=N
 * when set; else a 31-bit hash, top bit set, of the fsid UUID when set, or
 * else of the normalized path.  Each stays the same across restarts as long
 * as the export keeps its fsid or path.  0, or -EEXIST with "FILE:LINE:
 * message" naming both exports when two get one id (set fsid= on one). */
int export_table_ids(struct export_table *t, char *err, size_t errlen);
/* A derived id: a hash of tag and data, top bit set. */
uint32_t export_id_hash(const char *tag, const void *data, size_t len);
/* The export with that id, or NULL. */
const struct export *export_by_id(const struct export_table *t, uint32_t id);

/* Opens each export's directory (O_RDONLY: open_by_handle_at(2) refuses an
 * O_PATH mount_fd) and records where it really is.
 * 0, or -errno with "FILE:LINE: PATH: reason" for the first that fails; two
 * exports of one directory are an error too. */
int export_table_open(struct export_table *t, char *err, size_t errlen);

/* The export of exactly path (normalized first), or NULL. */
const struct export *export_find(const struct export_table *t, const char *path);
/* Whether e lets in the client at sa (NULL: address unknown), whose verified
 * host name is hostname (NULL: none; name and wildcard specs then never
 * match).  The spec that decides is the first by exports(5) precedence —
 * single host, network, wildcard, anonymous — then in written order; its
 * options go to *out when out is not NULL. */
bool export_client_options(const struct export *e, const struct sockaddr *sa,
			   const char *hostname, struct export_opts *out);
/* Whether the client's host name could change what export_client_options
 * says for the client at sa: e has a name or wildcard spec that outranks
 * (or ties with) every spec the address matches.  When not, the name need
 * not be looked up. */
bool export_name_may_matter(const struct export *e, const struct sockaddr *sa);
/* What a MNT of path reaches, as Linux mountd walks it: the export of path
 * itself when it lets the client in, else that of the nearest ancestor that
 * does.  path must be normalized (export_path_normalize); *rest gets the part
 * of it below the export ("" for the export itself).  NULL when none does. */
const struct export *export_for_mount(const struct export_table *t, const char *path,
				      const struct sockaddr *sa, const char *hostname,
				      struct export_opts *out, const char **rest);

#endif
