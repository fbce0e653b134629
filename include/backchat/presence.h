/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Contacts' presence as last received, per resource, and the best of
 * them per bare JID (what the title bar shows). */
#ifndef BACKCHAT_PRESENCE_H
#define BACKCHAT_PRESENCE_H

#include <stdint.h>

typedef enum {
    BC_SHOW_OFFLINE = 0,
    BC_SHOW_DND,
    BC_SHOW_XA,
    BC_SHOW_AWAY,
    BC_SHOW_ONLINE,
    BC_SHOW_CHAT,
} bc_show;

/* Records presence of one full JID (sanitized strings). `status` may be
 * NULL. BC_SHOW_OFFLINE removes the resource. */
void bc_presence_update(const char *full_jid, bc_show show, const char *status);
/* Forgets everything (on disconnect: we no longer know). */
void bc_presence_clear(void);
/* The most available resource's show for `bare` (OFFLINE if none), and
 * its status text (borrowed, may be NULL). */
bc_show bc_presence_best(const char *bare, const char **status);
const char *bc_show_name(bc_show s);
/* "away" -> BC_SHOW_AWAY etc.; NULL or unknown -> ONLINE. */
bc_show bc_show_parse(const char *s);

#endif
