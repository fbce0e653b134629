/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Room administration and bookmarks: kick, ban, role, affiliation,
 * roomconfig, rooms, bookmark. */
#include "backchat/conv.h"
#include "backchat/jid.h"
#include "backchat/muc.h"
#include "backchat/xmpp.h"
#include "handlers.h"

#include <string.h>

/* The room of the current tab, or NULL with an error naming the command. */
static const char *current_room(const char *cmd, GError **err)
{
    bc_conv *c = bc_conv_current();
    if (c && c->type == BC_CONV_ROOM && c->jid)
        return c->jid;
    g_set_error(err, BC_CMD_ERROR, 1,
                "/%s works in a room's tab: switch to the room (Alt-N) or /join it first", cmd);
    return NULL;
}

/* The free text from word `i` on, or NULL if there is none. */
static const char *rest_or_null(const bc_args *a, int i)
{
    const char *r = bc_args_rest(a, i);
    return r && *r ? r : NULL;
}

bool bc_cmd_kick(const bc_args *a, GError **err)
{
    const char *room = current_room("kick", err);
    return room && bc_xmpp_muc_kick(room, a->argv[1], rest_or_null(a, 2), err);
}

/* A JID as given, or the bare real JID of occupant `who` of `room`.
 * Newly allocated, or NULL with `err`. */
static char *jid_of(const char *room, const char *who, GError **err)
{
    /* An occupant's nick first: "bob.x" may be a nick, not a server. */
    bc_room *r = bc_muc_room(room);
    const bc_occupant *o = r && !strchr(who, '@') ? bc_muc_occupant(r, who) : NULL;
    if (!o && (strchr(who, '@') || strchr(who, '.')))
        return g_strdup(who);
    if (o && o->jid)
        return bc_jid_bare(o->jid);
    if (o)
        g_set_error(err, BC_CMD_ERROR, 1,
                    "%s's real JID is hidden in this room: give it (user@server)", who);
    else
        g_set_error(err, BC_CMD_ERROR, 1,
                    "\"%s\" is neither a JID (user@server) nor someone in the room", who);
    return NULL;
}

bool bc_cmd_ban(const bc_args *a, GError **err)
{
    const char *room = current_room("ban", err);
    if (!room)
        return false;
    char *jid = jid_of(room, a->argv[1], err);
    bool ok = jid && bc_xmpp_muc_ban(room, jid, rest_or_null(a, 2), err);
    g_free(jid);
    return ok;
}

bool bc_cmd_role(const bc_args *a, GError **err)
{
    const char *room = current_room("role", err);
    return room &&
           bc_xmpp_muc_set_role(room, a->argv[1], a->argv[2], rest_or_null(a, 3), err);
}

bool bc_cmd_affiliation(const bc_args *a, GError **err)
{
    const char *room = current_room("affiliation", err);
    if (!room)
        return false;
    const char *sub = a->argv[1];
    if (strcmp(sub, "list") == 0) {
        if (a->argc != 3) {
            g_set_error(err, BC_CMD_ERROR, 1,
                        "usage: /affiliation list owner|admin|member|outcast");
            return false;
        }
        return bc_xmpp_muc_list_affiliation(room, a->argv[2], err);
    }
    if (strcmp(sub, "set") == 0) {
        if (a->argc < 4) {
            g_set_error(err, BC_CMD_ERROR, 1,
                        "usage: /affiliation set JID owner|admin|member|none|outcast [REASON]");
            return false;
        }
        char *jid = jid_of(room, a->argv[2], err);
        bool ok = jid &&
                  bc_xmpp_muc_set_affiliation(room, jid, a->argv[3], rest_or_null(a, 4), err);
        g_free(jid);
        return ok;
    }
    g_set_error(err, BC_CMD_ERROR, 1,
                "unknown subcommand \"%s\": use /affiliation list AFFILIATION or "
                "/affiliation set JID AFFILIATION", sub);
    return false;
}

bool bc_cmd_roomconfig(const bc_args *a, GError **err)
{
    const char *room = current_room("roomconfig", err);
    if (!room)
        return false;
    const char *sub = a->argc > 1 ? a->argv[1] : "show";
    if (strcmp(sub, "show") == 0 && a->argc <= 2)
        return bc_xmpp_muc_config_show(room, err);
    if (strcmp(sub, "instant") == 0 && a->argc == 2)
        return bc_xmpp_muc_config_instant(room, err);
    if (strcmp(sub, "set") == 0) {
        if (a->argc < 3) {
            g_set_error(err, BC_CMD_ERROR, 1,
                        "usage: /roomconfig set VAR=VALUE... (/roomconfig lists the VARs)");
            return false;
        }
        return bc_xmpp_muc_config_set(room, (const char *const *)a->argv + 2, err);
    }
    g_set_error(err, BC_CMD_ERROR, 1,
                "usage: /roomconfig [show | set VAR=VALUE... | instant]");
    return false;
}

bool bc_cmd_rooms(const bc_args *a, GError **err)
{
    return bc_xmpp_muc_rooms(a->argc > 1 ? a->argv[1] : NULL, err);
}

/* -- /bookmark ------------------------------------------------------------ */

static bool bookmark_list(void)
{
    GPtrArray *all = bc_muc_bookmarks();
    if (!all || all->len == 0) {
        bc_info("No bookmarks. /bookmark add in a room's tab saves that room.");
        return true;
    }
    bc_info("Bookmarks (%u):", all->len);
    for (guint i = 0; i < all->len; i++) {
        const bc_bookmark *b = all->pdata[i];
        bc_info("  %-40s %s%s%s%s%s%s", b->jid, b->name ? b->name : "",
                b->name ? "  " : "", b->nick ? "nick " : "", b->nick ? b->nick : "",
                b->nick ? "  " : "", b->autojoin ? "autojoin" : "");
    }
    return true;
}

/* ROOM as given (room@service), or a bare name matching a room or
 * bookmark we know; NULL: the current room. Newly allocated or NULL. */
static char *resolve_room(const char *cmd, const char *given, GError **err)
{
    if (!given) {
        bc_conv *c = bc_conv_current();
        if (c && c->type == BC_CONV_ROOM && c->jid)
            return g_strdup(c->jid);
        g_set_error(err, BC_CMD_ERROR, 1,
                    "which room? Give ROOM (room@service) or use /%s in the room's tab", cmd);
        return NULL;
    }
    if (strchr(given, '@'))
        return g_strdup(given);
    GPtrArray *rooms = bc_muc_rooms();
    for (guint i = 0; rooms && i < rooms->len; i++) {
        bc_room *r = rooms->pdata[i];
        char *local = bc_jid_display(r->jid);
        bool same = local && g_ascii_strcasecmp(local, given) == 0;
        g_free(local);
        if (same)
            return g_strdup(r->jid);
    }
    GPtrArray *bms = bc_muc_bookmarks();
    for (guint i = 0; bms && i < bms->len; i++) {
        const bc_bookmark *b = bms->pdata[i];
        char *local = bc_jid_display(b->jid);
        bool same = local && g_ascii_strcasecmp(local, given) == 0;
        g_free(local);
        if (same)
            return g_strdup(b->jid);
    }
    g_set_error(err, BC_CMD_ERROR, 1, "\"%s\" is not a room JID: give room@service", given);
    return NULL;
}

static bool bookmark_add(const bc_args *a, GError **err)
{
    const char *given = NULL, *nick = NULL, *name = NULL, *password = NULL;
    int autojoin = -1;
    for (int i = 2; i < a->argc; i++) {
        const char *w = a->argv[i];
        bool has_value = i + 1 < a->argc;
        if (strcmp(w, "--autojoin") == 0) {
            autojoin = 1;
        } else if (strcmp(w, "--no-autojoin") == 0) {
            autojoin = 0;
        } else if ((strcmp(w, "--nick") == 0 || strcmp(w, "--name") == 0 ||
                    strcmp(w, "--password") == 0) && has_value) {
            const char *v = a->argv[++i];
            if (w[2] == 'n' && w[3] == 'i')
                nick = v;
            else if (w[2] == 'n')
                name = v;
            else
                password = v;
        } else if (w[0] == '-' && w[1] == '-') {
            g_set_error(err, BC_CMD_ERROR, 1,
                        "unknown or incomplete option \"%s\" (see /help bookmark)", w);
            return false;
        } else if (!given) {
            given = w;
        } else {
            g_set_error(err, BC_CMD_ERROR, 1, "one room at a time (\"%s\" is extra)", w);
            return false;
        }
    }
    char *room = resolve_room("bookmark add", given, err);
    if (!room)
        return false;
    /* What is not given keeps the bookmark's value, else the room's. */
    const bc_bookmark *old = bc_muc_bookmark(room);
    bc_room *r = bc_muc_room(room);
    if (!nick)
        nick = old && old->nick ? old->nick : r ? r->nick : NULL;
    if (!name && old)
        name = old->name;
    if (!password)
        password = old && old->password ? old->password : r ? r->password : NULL;
    bool aj = autojoin >= 0 ? autojoin == 1 : true;
    bool ok = bc_xmpp_bookmark_add(room, name, nick, password, aj, err);
    g_free(room);
    return ok;
}

bool bc_cmd_bookmark(const bc_args *a, GError **err)
{
    const char *sub = a->argc > 1 ? a->argv[1] : "list";
    if (strcmp(sub, "list") == 0 && a->argc <= 2)
        return bookmark_list();
    if (strcmp(sub, "add") == 0)
        return bookmark_add(a, err);
    if (strcmp(sub, "remove") == 0 && a->argc <= 3) {
        char *room = resolve_room("bookmark remove", a->argc > 2 ? a->argv[2] : NULL, err);
        bool ok = room && bc_xmpp_bookmark_remove(room, err);
        g_free(room);
        return ok;
    }
    g_set_error(err, BC_CMD_ERROR, 1,
                "usage: /bookmark [list] | add [ROOM] [--autojoin|--no-autojoin] [--nick NICK] "
                "[--name NAME] [--password PW] | remove [ROOM]");
    return false;
}
