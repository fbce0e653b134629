/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Commands about tabs and the session: help, msg, win, close, scroll,
 * redraw, quit. */
#include "backchat/conv.h"
#include "backchat/hotlist.h"
#include "backchat/jid.h"
#include "backchat/muc.h"
#include "backchat/session.h"
#include "backchat/xmpp.h"
#include "handlers.h"

#include <stdlib.h>
#include <string.h>

bool bc_cmd_help(const bc_args *a, GError **err)
{
    size_t n;
    const bc_cmd *t = bc_cmd_table(&n);
    if (a->argc < 2) {
        bc_info("Commands (/help COMMAND for details):");
        for (size_t i = 0; i < n; i++)
            bc_info("  /%-11s %s", t[i].name, t[i].summary);
        bc_info("Keys: Alt-1..Alt-0 / Alt-Left/Right switch tabs, PgUp/PgDn scroll (on into "
                "the log), Ctrl-L redraws, Tab completes, Ctrl-R finds in a chat (/find).");
        bc_info("      Alt-a goes to the most urgent tab (/hotlist), Alt-u to the first unread "
                "line, Alt-Enter starts a new line in the message, Alt-e edits it in "
                "$EDITOR (/editor), Alt-o opens the contact selected in the buddy list; "
                "/bind binds keys.");
        return true;
    }
    const char *name = a->argv[1][0] == '/' ? a->argv[1] + 1 : a->argv[1];
    const bc_cmd *c = bc_cmd_find(name);
    if (!c) {
        g_set_error(err, BC_CMD_ERROR, 1, "no command /%s; /help lists them all", name);
        return false;
    }
    bc_info("/%s %s", c->name, c->synopsis);
    bc_info("  %s.", c->summary);
    char **paras = g_strsplit(c->help, "\n", -1);
    for (char **p = paras; *p; p++)
        bc_info("  %s", *p);
    g_strfreev(paras);
    return true;
}

bool bc_cmd_msg(const bc_args *a, GError **err)
{
    const char *jid = a->argv[1];
    /* In a room's tab, an occupant's nick opens a private chat. */
    bc_conv *cur = bc_conv_current();
    bc_room *room = cur && cur->type == BC_CONV_ROOM ? bc_muc_room(cur->jid) : NULL;
    if (room && bc_muc_occupant(room, jid)) {
        char *occupant = g_strdup_printf("%s/%s", room->jid, jid);
        bc_conv *pc = bc_conv_open_private(occupant, true);
        bool ok = pc != NULL;
        if (!ok)
            g_set_error(err, BC_CMD_ERROR, 1, "cannot open a private chat with %s", jid);
        else if (a->argc > 2)
            ok = bc_xmpp_muc_private(occupant, bc_args_rest(a, 2), err);
        g_free(occupant);
        return ok;
    }
    if (!bc_jid_is_valid(jid) || !strchr(jid, '@')) {
        g_set_error(err, BC_CMD_ERROR, 1,
                    "\"%s\" is not a contact's JID (expected user@server)", jid);
        return false;
    }
    bc_conv *c = bc_conv_open(jid, true);
    if (!c) {
        g_set_error(err, BC_CMD_ERROR, 1, "cannot open a chat with \"%s\"", jid);
        return false;
    }
    if (a->argc > 2)
        return bc_xmpp_send_chat(c->jid, bc_args_rest(a, 2), err);
    return true;
}

bool bc_cmd_win(const bc_args *a, GError **err)
{
    const char *w = a->argv[1];
    size_t n = bc_conv_count(), cur = bc_conv_current_index();
    if (strcmp(w, "next") == 0)
        return bc_conv_select((cur + 1) % n);
    if (strcmp(w, "prev") == 0)
        return bc_conv_select((cur + n - 1) % n);
    char *end = NULL;
    long i = strtol(w, &end, 10);
    if (!*w || *end || i < 1 || (size_t)i > n) {
        g_set_error(err, BC_CMD_ERROR, 1, "no tab \"%s\": tabs are 1 to %zu, next or prev", w, n);
        return false;
    }
    return bc_conv_select((size_t)i - 1);
}

bool bc_cmd_close(const bc_args *a, GError **err)
{
    size_t i = bc_conv_current_index();
    if (a->argc > 1) {
        char *end = NULL;
        long v = strtol(a->argv[1], &end, 10);
        if (*end || v < 1 || (size_t)v > bc_conv_count()) {
            g_set_error(err, BC_CMD_ERROR, 1, "no tab \"%s\"", a->argv[1]);
            return false;
        }
        i = (size_t)v - 1;
    }
    if (i == 0) {
        g_set_error(err, BC_CMD_ERROR, 1, "the console cannot be closed; /quit exits");
        return false;
    }
    /* Closing a room's tab leaves the room and forgets it. */
    bc_conv *c = bc_conv_nth(i);
    char *room = c && c->type == BC_CONV_ROOM && c->jid && bc_muc_room(c->jid)
                     ? g_strdup(c->jid) : NULL;
    if (room) {
        bc_room *r = bc_muc_room(room);
        if (r->state != BC_ROOM_OUT || r->rejoin)
            bc_xmpp_muc_leave(room, NULL, NULL);
    }
    bool ok = bc_conv_close(i);
    if (room)
        bc_muc_forget(room);
    g_free(room);
    return ok;
}

bool bc_cmd_scroll(const bc_args *a, GError **err)
{
    bc_conv *c = bc_conv_current();
    const char *how = a->argv[1];
    int page = bc_conv_page();
    /* A board counts its scroll from the top, a conversation from the
     * bottom: the same words move the same way on screen. */
    if (c && c->type == BC_CONV_BOARD) {
        if (strcmp(how, "up") == 0)
            how = "down";
        else if (strcmp(how, "down") == 0)
            how = "up";
        else if (strcmp(how, "top") == 0)
            how = "bottom";
        else if (strcmp(how, "bottom") == 0)
            how = "top";
    }
    if (strcmp(how, "up") == 0)
        bc_conv_scroll(c, page > 2 ? page - 1 : 1);
    else if (strcmp(how, "down") == 0)
        bc_conv_scroll(c, -(page > 2 ? page - 1 : 1));
    else if (strcmp(how, "top") == 0)
        bc_conv_scroll(c, 1000000);
    else if (strcmp(how, "bottom") == 0)
        bc_conv_scroll(c, -1000000);
    else if (strcmp(how, "unread") == 0)
        return bc_hotlist_jump_unread(c, err);
    else {
        g_set_error(err, BC_CMD_ERROR, 1, "scroll up, down, top, bottom or unread");
        return false;
    }
    return true;
}

bool bc_cmd_redraw(const bc_args *a, GError **err)
{
    bc_dirty(BC_DIRTY_ALL | BC_DIRTY_CLEAR);
    return true;
}

bool bc_cmd_quit(const bc_args *a, GError **err)
{
    /* Messages typed while reconnecting would be lost: say so once. */
    static bool warned;
    unsigned pending = bc_xmpp_outbox_pending();
    if (pending && !warned) {
        warned = true;
        g_set_error(err, BC_CMD_ERROR, 1,
                    "%u message%s typed while the connection was down %s not sent yet: "
                    "/quit again to quit anyway and lose %s, or wait for the reconnection",
                    pending, pending == 1 ? "" : "s", pending == 1 ? "is" : "are",
                    pending == 1 ? "it" : "them");
        return false;
    }
    bc_xmpp_flush_close(2000);
    bc_app_quit();
    return true;
}
