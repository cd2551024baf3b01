/* repodata/repomd.xml, the index of an RPM install tree, read just enough to
 * list the metadata files it names (<location href="..."/>).  Pure; no I/O. */
#ifndef PXECTL_REPOMD_H
#define PXECTL_REPOMD_H

#include <stddef.h>

#define REPOMD_HREF_MAX 1024

/* Calls found with each href, entities decoded.  0, or -EINVAL with a
 * reason in err when this is no repomd document (no <repomd> element, not
 * closed, a <location> without href, a NUL byte). */
int repomd_locations(const char *text, size_t len,
		     void (*found)(void *arg, const char *href), void *arg,
		     char *err, size_t errlen);

#endif
