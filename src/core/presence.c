/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Presence "show" values: names for people and for the wire. */
#include "backchat/presence.h"

#include <string.h>

const char *bc_show_name(bc_show s)
{
    switch (s) {
    case BC_SHOW_OFFLINE: return "offline";
    case BC_SHOW_DND: return "busy";
    case BC_SHOW_XA: return "extended away";
    case BC_SHOW_AWAY: return "away";
    case BC_SHOW_ONLINE: return "online";
    case BC_SHOW_CHAT: return "free to chat";
    }
    return "?";
}

const char *bc_show_xmpp(bc_show s)
{
    switch (s) {
    case BC_SHOW_DND: return "dnd";
    case BC_SHOW_XA: return "xa";
    case BC_SHOW_AWAY: return "away";
    case BC_SHOW_CHAT: return "chat";
    default: return NULL;
    }
}

bc_show bc_show_parse(const char *s)
{
    if (!s)
        return BC_SHOW_ONLINE;
    if (strcmp(s, "away") == 0)
        return BC_SHOW_AWAY;
    if (strcmp(s, "xa") == 0)
        return BC_SHOW_XA;
    if (strcmp(s, "dnd") == 0 || strcmp(s, "busy") == 0)
        return BC_SHOW_DND;
    if (strcmp(s, "chat") == 0)
        return BC_SHOW_CHAT;
    if (strcmp(s, "offline") == 0)
        return BC_SHOW_OFFLINE;
    return BC_SHOW_ONLINE;
}
