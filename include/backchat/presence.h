/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Presence "show" values and their names. Per-contact presence lives in
 * the roster (roster.h). */
#ifndef BACKCHAT_PRESENCE_H
#define BACKCHAT_PRESENCE_H

/* Ordered by availability: a higher value is more available. */
typedef enum {
    BC_SHOW_OFFLINE = 0,
    BC_SHOW_DND,
    BC_SHOW_XA,
    BC_SHOW_AWAY,
    BC_SHOW_ONLINE,
    BC_SHOW_CHAT,
} bc_show;

/* "online", "free to chat", "away", "extended away", "busy", "offline". */
const char *bc_show_name(bc_show s);
/* The XMPP <show/> value: NULL for online, "chat", "away", "xa", "dnd". */
const char *bc_show_xmpp(bc_show s);
/* "away" -> BC_SHOW_AWAY etc.; NULL or unknown -> ONLINE. Also accepts
 * "online", "available", "busy", "offline". */
bc_show bc_show_parse(const char *s);

#endif
