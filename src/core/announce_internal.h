/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Between the files of the announcements model (announce.c,
 * announce_keep.c); not part of the public API. */
#ifndef BACKCHAT_ANNOUNCE_INTERNAL_H
#define BACKCHAT_ANNOUNCE_INTERNAL_H

#include "backchat/announce.h"

void bc_announcement_free(gpointer p);

/* Writes the waiting (unacknowledged) announcements of `account`,
 * replacing what was kept; an empty list leaves an empty file. */
bool bc_announce_keep_write(const char *account, GPtrArray *unacked, GError **err);
/* What was kept, oldest first (bc_announcement*, owned, `n` unset);
 * an empty array if nothing was; NULL with `err` for an unreadable file. */
GPtrArray *bc_announce_keep_read(const char *account, GError **err);

#endif
