/* SPDX-License-Identifier: GPL-3.0-or-later */
/* JIDs (RFC 7622): split, validate, compare. Pure functions, no I/O. */
#ifndef BACKCHAT_JID_H
#define BACKCHAT_JID_H

#include <stdbool.h>

typedef struct bc_jid {
    char *local;    /* NULL when absent */
    char *domain;   /* never NULL in a parsed JID; lower-cased */
    char *resource; /* NULL when absent */
} bc_jid;

/* Parses `s` into a newly allocated bc_jid, or returns NULL if it is not a
 * valid JID: empty domain, a part over 1023 bytes, whitespace or control
 * characters anywhere, local part with one of "&'/:<>@ , an empty local or
 * resource part after its separator, invalid UTF-8. */
bc_jid *bc_jid_parse(const char *s);
void bc_jid_free(bc_jid *j);

bool bc_jid_is_valid(const char *s);
/* local@domain (or domain), newly allocated; NULL if invalid. The domain is
 * lower-cased; the local part too (ASCII case folding). */
char *bc_jid_bare(const char *s);
/* The same from a parsed JID (NULL gives NULL). */
char *bc_jid_bare_of(const bc_jid *j);
/* The resource part, newly allocated, or NULL. */
char *bc_jid_resource(const char *s);
/* True when both are valid and have the same bare JID. */
bool bc_jid_bare_equal(const char *a, const char *b);
/* A short display name: the local part, or the domain if there is none. */
char *bc_jid_display(const char *s);

#endif
