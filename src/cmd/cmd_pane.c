/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Split panes and call mode: /split, /unsplit, /pane, /layout, /callmode,
 * and the Alt-w whisper to the call's back-channel. */
#include "backchat/conv.h"
#include "backchat/jid.h"
#include "backchat/layout.h"
#include "backchat/muc.h"
#include "backchat/notify.h"
#include "backchat/status.h"
#include "backchat/xmpp.h"
#include "handlers.h"

#include <stdlib.h>
#include <string.h>

#define FAIL(...) (g_set_error(err, BC_CMD_ERROR, 1, __VA_ARGS__), false)

/* Layout errors carry their own advice; commands report them as theirs. */
static bool layout_err(GError **err, GError *e)
{
    g_set_error_literal(err, BC_CMD_ERROR, 1, e ? e->message : "the layout was not changed");
    g_clear_error(&e);
    return false;
}

bool bc_cmd_split_pane(const bc_args *a, GError **err)
{
    const char *d = a->argc > 1 ? a->argv[1] : "v";
    bc_split_dir dir;
    if (strcmp(d, "v") == 0)
        dir = BC_SPLIT_V;
    else if (strcmp(d, "h") == 0)
        dir = BC_SPLIT_H;
    else
        return FAIL("/split v puts two panes side by side (a vertical divider), /split h one "
                    "above the other (a horizontal divider)");
    bc_layout *l = bc_workspace();
    int w, h;
    bc_workspace_area(&w, &h);
    GError *e = NULL;
    if (!bc_layout_split(l, dir, w, h, &e))
        return layout_err(err, e);
    /* The old pane keeps its place in the text; the new one, focused,
     * starts at the bottom. */
    bc_workspace_focus_moved(l->focus->parent->a);
    return true;
}

bool bc_cmd_unsplit(const bc_args *a, GError **err)
{
    (void)a;
    (void)err;
    bc_layout_unsplit(bc_workspace());
    bc_dirty(BC_DIRTY_ALL);
    return true;
}

static bool move_focus(const char *how, GError **err)
{
    static const struct { const char *word; int dir; } dirs[] = {
        {"left", BC_DIR_LEFT}, {"right", BC_DIR_RIGHT}, {"up", BC_DIR_UP}, {"down", BC_DIR_DOWN}};
    bc_layout *l = bc_workspace();
    bc_pane *old = l->focus;
    if (bc_layout_count(l) < 2)
        return FAIL("there is only one pane; /split v or /split h makes another");
    if (strcmp(how, "next") == 0 || strcmp(how, "prev") == 0) {
        bc_layout_focus_step(l, how[0] == 'n' ? 1 : -1);
    } else {
        int w, h;
        bc_workspace_area(&w, &h);
        size_t i = 0;
        while (i < G_N_ELEMENTS(dirs) && strcmp(dirs[i].word, how) != 0)
            i++;
        if (!bc_layout_focus_dir(l, (bc_dir)dirs[i].dir, w, h))
            return FAIL("no pane %s of this one (/pane next goes round all of them)",
                        strcmp(how, "up") == 0 || strcmp(how, "down") == 0
                            ? (how[0] == 'u' ? "above" : "below")
                            : (how[0] == 'l' ? "to the left" : "to the right"));
    }
    bc_workspace_focus_moved(old);
    return true;
}

static void list_panes(void)
{
    bc_layout *l = bc_workspace();
    for (int i = 0;; i++) {
        bc_pane *p = bc_layout_nth(l, i);
        if (!p)
            break;
        bc_conv *c = bc_workspace_conv(p);
        bc_info("  pane %d%s: %s", i + 1, p == l->focus ? " (focused)" : "",
                c && bc_pane_shows(p, c->type, c->jid) ? c->title
                                                       : "the console (its tab is not open)");
    }
}

bool bc_cmd_pane(const bc_args *a, GError **err)
{
    const char *sub = a->argc > 1 ? a->argv[1] : "list";
    bc_layout *l = bc_workspace();
    GError *e = NULL;
    if (strcmp(sub, "list") == 0) {
        list_panes();
        return true;
    }
    if (strcmp(sub, "close") == 0) {
        if (!bc_layout_close(l, &e))
            return layout_err(err, e);
        bc_workspace_focus_moved(NULL);
        return true;
    }
    if (strcmp(sub, "swap") == 0) {
        if (!bc_layout_swap(l, &e))
            return layout_err(err, e);
        bc_dirty(BC_DIRTY_ALL);
        return true;
    }
    if (strcmp(sub, "resize") == 0) {
        char *end = NULL;
        long n = a->argc > 2 ? strtol(a->argv[2], &end, 10) : 0;
        if (a->argc < 3 || !end || *end || (a->argv[2][0] != '+' && a->argv[2][0] != '-') ||
            n == 0 || n < -500 || n > 500)
            return FAIL("/pane resize +N grows the focused pane by N columns (side by side) "
                        "or rows (one above the other); -N shrinks it");
        int w, h;
        bc_workspace_area(&w, &h);
        if (!bc_layout_resize(l, (int)n, w, h, &e))
            return layout_err(err, e);
        bc_dirty(BC_DIRTY_ALL);
        return true;
    }
    static const char *const moves[] = {"next", "prev", "left", "right", "up", "down", NULL};
    for (int i = 0; moves[i]; i++)
        if (strcmp(sub, moves[i]) == 0)
            return move_focus(sub, err);
    return FAIL("/pane takes list, close, swap, resize +N|-N, next, prev, left, right, up or "
                "down (/help pane)");
}

bool bc_cmd_layout(const bc_args *a, GError **err)
{
    const char *sub = a->argc > 1 ? a->argv[1] : "list";
    const char *name = a->argc > 2 ? a->argv[2] : NULL;
    GError *e = NULL;
    if (strcmp(sub, "list") == 0) {
        char **names = bc_workspace_names();
        if (!names[0])
            bc_info("No saved layouts: /layout save NAME saves the panes as they are.");
        else {
            char *all = g_strjoinv(", ", names);
            bc_info("Saved layouts: %s (/layout load NAME)", all);
            g_free(all);
        }
        g_strfreev(names);
        return true;
    }
    bool save = strcmp(sub, "save") == 0, load = strcmp(sub, "load") == 0,
         del = strcmp(sub, "delete") == 0;
    if (!save && !load && !del)
        return FAIL("/layout takes save NAME, load NAME, delete NAME or list");
    if (!name)
        return FAIL("/layout %s needs a NAME (/layout list shows the saved ones)", sub);
    bool ok = save ? bc_workspace_save(name, &e)
              : load ? bc_workspace_load(name, &e)
                     : bc_workspace_delete(name, &e);
    if (!ok)
        return layout_err(err, e);
    if (save)
        bc_info("Layout \"%s\" saved (%d pane%s): /layout load %s brings it back.", name,
                bc_layout_count(bc_workspace()), bc_layout_count(bc_workspace()) == 1 ? "" : "s",
                name);
    else if (del)
        bc_info("Layout \"%s\" deleted.", name);
    return true;
}

/* ---- call mode ------------------------------------------------------------ */

/* A room tab by JID, local part or tab name. */
static bc_conv *find_room(const char *s)
{
    for (size_t i = 0; i < bc_conv_count(); i++) {
        bc_conv *c = bc_conv_nth(i);
        if (c->type != BC_CONV_ROOM || !c->jid)
            continue;
        const char *at = strchr(c->jid, '@');
        if (g_ascii_strcasecmp(c->jid, s) == 0 || g_strcmp0(c->title, s) == 0 ||
            (at && (size_t)(at - c->jid) == strlen(s) && strncmp(c->jid, s, strlen(s)) == 0))
            return c;
    }
    return NULL;
}

/* The 1:1 chat with the newest line (the last one talked in). */
static bc_conv *last_chat(void)
{
    bc_conv *best = NULL;
    int64_t best_ts = -1;
    for (size_t i = 0; i < bc_conv_count(); i++) {
        bc_conv *c = bc_conv_nth(i);
        if (c->type != BC_CONV_CHAT)
            continue;
        int64_t ts = c->len ? bc_conv_line(c, c->len - 1)->ts : 0;
        if (ts >= best_ts) {
            best = c;
            best_ts = ts;
        }
    }
    return best;
}

static void save_status(bc_callmode *cm)
{
    const bc_own_status *st = bc_status_current();
    cm->show = st ? st->show : BC_SHOW_ONLINE;
    cm->message = g_strdup(st ? st->message : NULL);
    cm->activity = g_strdup(st ? st->activity : NULL);
    cm->activity_text = g_strdup(st ? st->activity_text : NULL);
    cm->preset = g_strdup(st ? st->preset : NULL);
    cm->until = st ? st->until : 0;
}

static bool callmode_off(GError **err)
{
    bc_callmode *cm = bc_callmode_get();
    if (!cm->active)
        return FAIL("call mode is not on; /callmode ROOM [BACKCHANNEL] starts it");
    cm->active = false;
    bc_layout *saved = cm->saved;
    cm->saved = NULL;
    bc_workspace_set(saved ? saved : bc_layout_new(BC_CONV_CONSOLE, NULL));
    int64_t now = g_get_real_time() / G_USEC_PER_SEC;
    if (cm->until > 0 && cm->until <= now) /* it would have ended meanwhile */
        bc_status_set(BC_SHOW_ONLINE, NULL, NULL, NULL, NULL, 0);
    else
        bc_status_set(cm->show, cm->message, cm->activity, cm->activity_text, cm->preset,
                      cm->until);
    g_clear_pointer(&cm->message, g_free);
    g_clear_pointer(&cm->activity, g_free);
    g_clear_pointer(&cm->activity_text, g_free);
    g_clear_pointer(&cm->preset, g_free);
    g_clear_pointer(&cm->back_jid, g_free);
    bc_notify_hold(false);
    bc_info("Call mode off: layout and status are back as they were.");
    return true;
}

bool bc_cmd_callmode(const bc_args *a, GError **err)
{
    bc_callmode *cm = bc_callmode_get();
    if (a->argc < 2) {
        if (!cm->active)
            bc_info("Call mode is off: /callmode ROOM [BACKCHANNEL] starts it.");
        else
            bc_info("Call mode is on; back-channel %s (Alt-w whispers to it). /callmode off "
                    "ends it.",
                    cm->back_jid);
        return true;
    }
    if (strcmp(a->argv[1], "off") == 0)
        return callmode_off(err);
    if (cm->active)
        return FAIL("call mode is already on: /callmode off first");
    bc_conv *room = find_room(a->argv[1]);
    if (!room)
        return FAIL("no room \"%s\" open: join it first (/join ROOM), then /callmode %s",
                    a->argv[1], a->argv[1]);
    bc_room *r = bc_muc_room_of_conv(room->jid);
    if (!r || r->state != BC_ROOM_JOINED)
        return FAIL("you are not in %s: /join it first", room->jid);
    bc_conv_type btype = BC_CONV_CHAT;
    char *bjid = NULL;
    if (a->argc > 2) {
        bc_conv *br = find_room(a->argv[2]);
        if (br) {
            btype = BC_CONV_ROOM;
            bjid = g_strdup(br->jid);
        } else if (strchr(a->argv[2], '@') && (bjid = bc_jid_bare(a->argv[2]))) {
            btype = BC_CONV_CHAT;
        } else {
            return FAIL("\"%s\" is neither a JID (user@server) nor an open room", a->argv[2]);
        }
    } else {
        bc_conv *c = last_chat();
        if (!c)
            return FAIL("no 1:1 chat open for the back-channel: /callmode %s JID names one",
                        a->argv[1]);
        bjid = g_strdup(c->jid);
    }
    if (btype == BC_CONV_ROOM && strcmp(bjid, room->jid) == 0) {
        g_free(bjid);
        return FAIL("the back-channel must be another conversation than the call's room");
    }
    /* The room on the left, focused; the back-channel on the right. */
    bc_layout *l = bc_layout_new(BC_CONV_ROOM, room->jid);
    int w, h;
    bc_workspace_area(&w, &h);
    GError *e = NULL;
    if (!bc_layout_split(l, BC_SPLIT_V, w, h, &e)) {
        bc_layout_free(l);
        g_free(bjid);
        return layout_err(err, e);
    }
    bc_pane_show(l->focus, btype, bjid);
    l->focus = l->focus->parent->a;
    cm->saved = bc_layout_copy(bc_workspace());
    save_status(cm);
    cm->back_type = btype;
    cm->back_jid = bjid;
    cm->active = true;
    bc_workspace_set(l);
    GError *se = NULL;
    if (!bc_status_apply_preset("call", 0, &se)) {
        bc_error("Status not changed: %s", se->message);
        g_error_free(se);
    }
    bc_notify_hold(true);
    bc_info("Call mode: %s on the left, %s on the right; Alt-w sends the input line there. "
            "/callmode off ends it.",
            room->jid, bjid);
    return true;
}

bool bc_cmd_whisper(const char *text)
{
    bc_callmode *cm = bc_callmode_get();
    GError *err = NULL;
    if (!cm->active || !cm->back_jid) {
        bc_error("Alt-w whispers to the back-channel in call mode: start it with /callmode "
                 "ROOM [BACKCHANNEL].");
        return false;
    }
    bool ok = cm->back_type == BC_CONV_ROOM ? bc_xmpp_muc_send(cm->back_jid, text, &err)
                                            : bc_xmpp_send_chat(cm->back_jid, text, &err);
    if (!ok) {
        bc_error("Not sent to %s: %s", cm->back_jid, err ? err->message : "unknown error");
        g_clear_error(&err);
        return false;
    }
    /* The back-channel's pane shows the line without taking the focus. */
    bc_dirty(BC_DIRTY_PANES);
    return true;
}
