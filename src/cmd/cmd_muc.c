/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Group chat commands: join, leave, nick, topic, invite. */
#include "backchat/conv.h"
#include "backchat/jid.h"
#include "backchat/muc.h"
#include "backchat/xmpp.h"
#include "handlers.h"

#include <string.h>

/* The room of the current tab (a room's or a private chat's), or NULL. */
static bc_room *tab_room(void)
{
    bc_conv *c = bc_conv_current();
    if (!c || !c->jid || (c->type != BC_CONV_ROOM && c->type != BC_CONV_PRIVATE))
        return NULL;
    return bc_muc_room_of_conv(c->jid);
}

static bc_room *tab_room_or_error(const char *what, GError **err)
{
    bc_room *r = tab_room();
    if (!r)
        g_set_error(err, BC_CMD_ERROR, 1, "Not in a room tab: switch to a room (Alt-N) %s",
                    what);
    return r;
}

/* The free text from word `i` on, or NULL if there is none. */
static const char *rest_or_null(const bc_args *a, int i)
{
    const char *r = bc_args_rest(a, i);
    return r && *r ? r : NULL;
}

bool bc_cmd_join(const bc_args *a, GError **err)
{
    if (a->argc < 2) {
        g_set_error(err, BC_CMD_ERROR, 1,
                    "give a room: /join ROOM[/NICK] [PASSWORD] (room@conference.server, or "
                    "a name on your server's service); /invite accept joins the room of an "
                    "invitation");
        return false;
    }
    /* ROOM[/NICK]: the nick is everything after the first '/'. */
    const char *arg = a->argv[1];
    const char *slash = strchr(arg, '/');
    char *room = slash ? g_strndup(arg, (gsize)(slash - arg)) : g_strdup(arg);
    const char *nick = slash ? slash + 1 : NULL;
    bool ok;
    if (!*room || (nick && !*nick)) {
        g_set_error(err, BC_CMD_ERROR, 1, "\"%s\" is not ROOM or ROOM/NICK", arg);
        ok = false;
    } else {
        ok = bc_xmpp_muc_join(room, nick, a->argc > 2 ? a->argv[2] : NULL, true, err);
    }
    g_free(room);
    return ok;
}

bool bc_cmd_leave(const bc_args *a, GError **err)
{
    bc_room *r = NULL;
    int reason_at = 1;
    if (a->argc > 1 && strchr(a->argv[1], '@')) {
        /* A room named first; the rest is the reason. */
        r = bc_muc_room(a->argv[1]);
        if (!r) {
            g_set_error(err, BC_CMD_ERROR, 1, "you are not in %s", a->argv[1]);
            return false;
        }
        reason_at = 2;
    } else {
        r = tab_room();
        if (!r) {
            g_set_error(err, BC_CMD_ERROR, 1, "Not in a room tab: switch to a room (Alt-N) or "
                        "name the room: /leave ROOM");
            return false;
        }
    }
    return bc_xmpp_muc_leave(r->jid, rest_or_null(a, reason_at), err);
}

bool bc_cmd_nick(const bc_args *a, GError **err)
{
    bc_room *r = tab_room_or_error("to change your nick there", err);
    return r && bc_xmpp_muc_nick(r->jid, a->argv[1], err);
}

bool bc_cmd_topic(const bc_args *a, GError **err)
{
    bc_room *r = tab_room_or_error("to see or set its subject", err);
    if (!r)
        return false;
    if (a->argc < 2) {
        if (r->subject && *r->subject)
            bc_info("Subject of %s: %s", r->jid, r->subject);
        else
            bc_info("%s has no subject; /topic TEXT sets one.", r->jid);
        return true;
    }
    return bc_xmpp_muc_topic(r->jid, bc_args_rest(a, 1), err);
}

static bool invite_list(void)
{
    GPtrArray *all = bc_muc_invites();
    if (!all || all->len == 0) {
        bc_info("No invitations waiting.");
        return true;
    }
    bc_info("Invitations waiting (/invite accept ROOM joins, /invite decline ROOM declines):");
    for (guint i = 0; i < all->len; i++) {
        const bc_muc_invite *inv = all->pdata[i];
        if (inv->reason && *inv->reason)
            bc_info("  %s from %s: %s", inv->room, inv->from ? inv->from : "someone",
                    inv->reason);
        else
            bc_info("  %s from %s", inv->room, inv->from ? inv->from : "someone");
    }
    return true;
}

/* The invitation to `room` (NULL: the newest), or NULL with `err`. */
static const bc_muc_invite *pending(const char *room, GError **err)
{
    char *bare = room ? bc_jid_bare(room) : NULL;
    const bc_muc_invite *inv = room && !bare ? NULL : bc_muc_invite_pending(bare);
    if (!inv)
        g_set_error(err, BC_CMD_ERROR, 1, "no invitation %s%s is waiting; /invite list shows "
                    "them", room ? "to " : "", room ? room : "");
    g_free(bare);
    return inv;
}

bool bc_cmd_invite(const bc_args *a, GError **err)
{
    const char *sub = a->argv[1];
    const char *room = a->argc > 2 ? a->argv[2] : NULL;
    if (strcmp(sub, "list") == 0)
        return invite_list();
    if (strcmp(sub, "accept") == 0) {
        const bc_muc_invite *inv = pending(room, err);
        if (!inv)
            return false;
        /* Copies: the join may change the list. */
        char *rj = g_strdup(inv->room), *pw = g_strdup(inv->password);
        bool ok = bc_xmpp_muc_join(rj, NULL, pw, true, err);
        g_free(rj);
        g_free(pw);
        return ok;
    }
    if (strcmp(sub, "decline") == 0) {
        const bc_muc_invite *inv = pending(room, err);
        if (!inv)
            return false;
        char *rj = g_strdup(inv->room);
        bool ok = bc_xmpp_muc_decline(rj, err);
        g_free(rj);
        return ok;
    }
    bc_room *r = tab_room();
    if (!r) {
        g_set_error(err, BC_CMD_ERROR, 1, "Not in a room tab: switch to the room (Alt-N) you "
                    "want to invite %s to", sub);
        return false;
    }
    return bc_xmpp_muc_invite(r->jid, sub, rest_or_null(a, 2), err);
}
