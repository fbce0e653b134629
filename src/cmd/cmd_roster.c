/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Commands about contacts: roster, sub, block, unblock, blocked, info,
 * board. */
#include "backchat/conv.h"
#include "backchat/jid.h"
#include "backchat/roster.h"
#include "backchat/xmpp.h"
#include "handlers.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static bool need_jid(const char *jid, GError **err)
{
    if (!jid || !bc_jid_is_valid(jid) || strchr(jid, '/')) {
        g_set_error(err, BC_CMD_ERROR, 1, "\"%s\" is not a bare JID (expected user@server)",
                    jid ? jid : "");
        return false;
    }
    return true;
}

/* "5m", "2h05", "3d": how long ago `since` was. Newly allocated. */
static char *ago(int64_t since)
{
    int64_t d = (int64_t)time(NULL) - since;
    if (d < 0)
        d = 0;
    if (d < 3600)
        return g_strdup_printf("%lldm", (long long)(d / 60));
    if (d < 86400)
        return g_strdup_printf("%lldh%02lld", (long long)(d / 3600), (long long)(d % 3600 / 60));
    return g_strdup_printf("%lldd", (long long)(d / 86400));
}

static void list_contact(const bc_contact *c)
{
    char *act = bc_activity_label(c->activity, c->activity_text);
    GString *g = g_string_new(NULL);
    for (guint i = 0; i < c->groups->len; i++)
        g_string_append_printf(g, "%s%s", i ? ", " : " [", (char *)c->groups->pdata[i]);
    if (c->groups->len)
        g_string_append_c(g, ']');
    bc_info("  %-16s %-24s %-13s%s%s%s%s%s%s%s", bc_contact_display(c), c->jid,
            bc_show_name(c->show), c->status ? " \"" : "", c->status ? c->status : "",
            c->status ? "\"" : "", act ? "  " : "", act ? act : "", g->str,
            c->blocked ? "  (blocked)" : c->pending_in ? "  (asks to subscribe)" : "");
    g_string_free(g, TRUE);
    g_free(act);
}

static bool roster_list(void)
{
    GPtrArray *all = bc_roster_sorted();
    if (all->len == 0) {
        bc_info("Your roster is empty. /roster add JID [NAME] [GROUP...] adds a contact.");
        return true;
    }
    unsigned online = 0;
    for (guint i = 0; i < all->len; i++)
        online += ((bc_contact *)all->pdata[i])->show != BC_SHOW_OFFLINE;
    bc_info("Roster: %u contacts, %u online", all->len, online);
    for (guint i = 0; i < all->len; i++)
        list_contact(all->pdata[i]);
    return true;
}

/* Sends the item with `c`'s name and groups, one group added or removed. */
static bool send_item(const char *jid, const char *name, const bc_contact *c, const char *add,
                      const char *remove, GError **err)
{
    GPtrArray *g = g_ptr_array_new();
    for (guint i = 0; c && i < c->groups->len; i++)
        if (!remove || strcmp(c->groups->pdata[i], remove) != 0)
            g_ptr_array_add(g, c->groups->pdata[i]);
    if (add && !(c && bc_contact_in_group(c, add)))
        g_ptr_array_add(g, (char *)add);
    g_ptr_array_add(g, NULL);
    bool ok = bc_xmpp_roster_set(jid, name, (const char *const *)g->pdata, err);
    g_ptr_array_free(g, TRUE);
    return ok;
}

static bool need_contact(const char *jid, bc_contact **out, GError **err)
{
    if (!need_jid(jid, err))
        return false;
    bc_contact *c = bc_roster_get(jid);
    if (!c || !c->in_roster) {
        g_set_error(err, BC_CMD_ERROR, 1, "%s is not in your roster (/roster add %s)", jid, jid);
        return false;
    }
    *out = c;
    return true;
}

bool bc_cmd_roster(const bc_args *a, GError **err)
{
    const char *sub = a->argc > 1 ? a->argv[1] : "list";
    bc_roster_view *v = bc_roster_view_get();
    const char *arg = a->argc > 2 ? a->argv[2] : NULL;
    bc_contact *c = NULL;

    if (strcmp(sub, "list") == 0)
        return roster_list();
    if (strcmp(sub, "show") == 0 || strcmp(sub, "hide") == 0 || strcmp(sub, "toggle") == 0) {
        v->visible = strcmp(sub, "toggle") == 0 ? !v->visible : strcmp(sub, "show") == 0;
        bc_dirty(BC_DIRTY_ALL | BC_DIRTY_CLEAR);
        return true;
    }
    if (strcmp(sub, "by") == 0) {
        if (arg && strcmp(arg, "group") == 0)
            v->by = BC_ROSTER_BY_GROUP;
        else if (arg && strcmp(arg, "status") == 0)
            v->by = BC_ROSTER_BY_STATUS;
        else if (arg && strcmp(arg, "none") == 0)
            v->by = BC_ROSTER_FLAT;
        else {
            g_set_error(err, BC_CMD_ERROR, 1, "/roster by group, status or none");
            return false;
        }
        bc_dirty(BC_DIRTY_ROSTER);
        return true;
    }
    if (strcmp(sub, "offline") == 0) {
        if (!arg || (strcmp(arg, "show") != 0 && strcmp(arg, "hide") != 0)) {
            g_set_error(err, BC_CMD_ERROR, 1, "/roster offline show or hide");
            return false;
        }
        v->show_offline = strcmp(arg, "show") == 0;
        bc_dirty(BC_DIRTY_ROSTER);
        return true;
    }
    if (strcmp(sub, "width") == 0) {
        char *end = NULL;
        long w = arg ? strtol(arg, &end, 10) : 0;
        if (!arg || *end || w < 16 || w > 80) {
            g_set_error(err, BC_CMD_ERROR, 1, "/roster width takes a number from 16 to 80");
            return false;
        }
        v->width = (int)w;
        bc_dirty(BC_DIRTY_ALL | BC_DIRTY_CLEAR);
        return true;
    }
    if (strcmp(sub, "add") == 0) {
        if (!need_jid(arg, err))
            return false;
        const char *name = a->argc > 3 ? a->argv[3] : NULL;
        GPtrArray *g = g_ptr_array_new();
        for (int i = 4; i < a->argc; i++)
            g_ptr_array_add(g, a->argv[i]);
        g_ptr_array_add(g, NULL);
        bool ok = bc_xmpp_roster_set(arg, name, (const char *const *)g->pdata, err);
        g_ptr_array_free(g, TRUE);
        if (ok)
            bc_info("Adding %s to your roster. /sub request %s asks to see their presence.",
                    arg, arg);
        return ok;
    }
    if (strcmp(sub, "remove") == 0) {
        if (!need_contact(arg, &c, err))
            return false;
        return bc_xmpp_roster_remove(arg, err);
    }
    if (strcmp(sub, "rename") == 0) {
        if (a->argc < 4) {
            g_set_error(err, BC_CMD_ERROR, 1, "usage: /roster rename JID NAME");
            return false;
        }
        if (!need_contact(arg, &c, err))
            return false;
        return send_item(arg, bc_args_rest(a, 3), c, NULL, NULL, err);
    }
    if (strcmp(sub, "group") == 0) {
        if (a->argc != 5 || (strcmp(a->argv[2], "add") != 0 && strcmp(a->argv[2], "remove") != 0)) {
            g_set_error(err, BC_CMD_ERROR, 1, "usage: /roster group add|remove JID GROUP");
            return false;
        }
        if (!need_contact(a->argv[3], &c, err))
            return false;
        bool add = strcmp(a->argv[2], "add") == 0;
        if (!add && !bc_contact_in_group(c, a->argv[4])) {
            g_set_error(err, BC_CMD_ERROR, 1, "%s is not in group \"%s\"", c->jid, a->argv[4]);
            return false;
        }
        return send_item(c->jid, c->name, c, add ? a->argv[4] : NULL, add ? NULL : a->argv[4],
                         err);
    }
    g_set_error(err, BC_CMD_ERROR, 1, "unknown subcommand \"%s\" (see /help roster)", sub);
    return false;
}

bool bc_cmd_sub(const bc_args *a, GError **err)
{
    const char *sub = a->argv[1];
    if (strcmp(sub, "pending") == 0) {
        GPtrArray *all = bc_roster_sorted();
        unsigned n = 0;
        for (guint i = 0; i < all->len; i++) {
            bc_contact *c = all->pdata[i];
            if (c->pending_in) {
                bc_info("  %s asks to see your presence (/sub allow or /sub deny)", c->jid);
                n++;
            }
            if (c->ask) {
                bc_info("  %s: your request is waiting for an answer", c->jid);
                n++;
            }
        }
        if (!n)
            bc_info("No subscription requests are waiting.");
        return true;
    }
    const char *jid = a->argc > 2 ? a->argv[2] : NULL;
    if (!need_jid(jid, err))
        return false;
    const char *type = strcmp(sub, "request") == 0 ? "subscribe"
                       : strcmp(sub, "allow") == 0 ? "subscribed"
                       : strcmp(sub, "deny") == 0  ? "unsubscribed"
                       : strcmp(sub, "cancel") == 0 ? "unsubscribe"
                                                    : NULL;
    if (!type) {
        g_set_error(err, BC_CMD_ERROR, 1, "/sub request, allow, deny, cancel or pending");
        return false;
    }
    if (!bc_xmpp_subscription(jid, type, err))
        return false;
    if (strcmp(type, "subscribed") == 0 || strcmp(type, "unsubscribed") == 0)
        bc_roster_set_pending_in(jid, false);
    bc_info(strcmp(type, "subscribe") == 0     ? "Asked %s to share their presence."
            : strcmp(type, "subscribed") == 0  ? "%s may now see your presence."
            : strcmp(type, "unsubscribed") == 0 ? "%s may not see your presence."
                                                : "You no longer follow %s's presence.",
            jid);
    return true;
}

bool bc_cmd_block(const bc_args *a, GError **err)
{
    bool block = strcmp(a->argv[0], "block") == 0;
    if (!need_jid(a->argv[1], err))
        return false;
    if (!bc_xmpp_block(a->argv[1], block, err))
        return false;
    bc_info("%s %s.", block ? "Blocking" : "Unblocking", a->argv[1]);
    return true;
}

bool bc_cmd_blocked(const bc_args *a, GError **err)
{
    GPtrArray *blocked = bc_roster_blocked();
    for (guint i = 0; i < blocked->len; i++)
        bc_info("  %s", ((bc_contact *)blocked->pdata[i])->jid);
    if (!blocked->len)
        bc_info("Nobody is blocked.");
    g_ptr_array_free(blocked, TRUE);
    return true;
}

bool bc_cmd_info(const bc_args *a, GError **err)
{
    const char *jid = a->argv[1];
    if (!bc_jid_is_valid(jid)) {
        g_set_error(err, BC_CMD_ERROR, 1, "\"%s\" is not a JID", jid);
        return false;
    }
    bc_contact *c = bc_roster_get(jid);
    if (!c) {
        g_set_error(err, BC_CMD_ERROR, 1, "nothing known about %s yet (not in the roster, no "
                    "presence seen)", jid);
        return false;
    }
    char *since = ago(c->show_since);
    char *act = bc_activity_label(c->activity, c->activity_text);
    bc_info("%s <%s>", bc_contact_display(c), c->jid);
    bc_info("  status:       %s%s%s%s (for %s)", bc_show_name(c->show),
            c->status ? ": \"" : "", c->status ? c->status : "", c->status ? "\"" : "", since);
    if (act)
        bc_info("  activity:     %s", act);
    bc_info("  subscription: %s%s%s", bc_sub_name(c->sub), c->ask ? ", request pending" : "",
            c->in_roster ? "" : " (not in roster)");
    for (guint i = 0; i < c->groups->len; i++)
        bc_info("  group:        %s", (char *)c->groups->pdata[i]);
    if (c->blocked)
        bc_info("  blocked");
    for (guint i = 0; i < c->resources->len; i++) {
        bc_resource *r = c->resources->pdata[i];
        char *rs = ago(r->since);
        char *idle = r->idle_since ? ago(r->idle_since) : NULL;
        bc_info("  resource %s: %s, priority %d, for %s%s%s%s%s", *r->name ? r->name : "(none)",
                bc_show_name(r->show), r->priority, rs, idle ? ", idle " : "", idle ? idle : "",
                r->client ? ", client " : "", r->client ? r->client : "");
        g_free(rs);
        g_free(idle);
        char *full = *r->name ? g_strdup_printf("%s/%s", c->jid, r->name) : g_strdup(c->jid);
        if (!r->client && bc_xmpp_connected())
            bc_xmpp_request_version(full, NULL);
        g_free(full);
    }
    if (c->resources->len == 0 && bc_xmpp_connected())
        bc_xmpp_request_last(c->jid, NULL);
    g_free(since);
    g_free(act);
    return true;
}

bool bc_cmd_board(const bc_args *a, GError **err)
{
    if (a->argc > 1 && strcmp(a->argv[1], "sort") == 0) {
        bc_conv *c = bc_conv_current();
        if (!c || c->type != BC_CONV_BOARD) {
            g_set_error(err, BC_CMD_ERROR, 1, "/board sort works in a board tab; open one "
                        "with /board [GROUP]");
            return false;
        }
        const char *how = a->argc > 2 ? a->argv[2] : "";
        if (strcmp(how, "status") == 0)
            c->board_sort = BC_BOARD_BY_STATUS;
        else if (strcmp(how, "name") == 0)
            c->board_sort = BC_BOARD_BY_NAME;
        else if (strcmp(how, "time") == 0)
            c->board_sort = BC_BOARD_BY_TIME;
        else {
            g_set_error(err, BC_CMD_ERROR, 1, "/board sort status, name or time");
            return false;
        }
        bc_dirty(BC_DIRTY_VIEW | BC_DIRTY_ROSTER);
        return true;
    }
    const char *group = a->argc > 1 ? bc_args_rest(a, 1) : NULL;
    if (group) {
        GPtrArray *gs = bc_roster_groups();
        bool found = false;
        for (guint i = 0; i < gs->len && !found; i++)
            found = strcmp(gs->pdata[i], group) == 0;
        if (!found) {
            GString *names = g_string_new(NULL);
            for (guint i = 0; i < gs->len; i++)
                g_string_append_printf(names, "%s%s", i ? ", " : "", (char *)gs->pdata[i]);
            g_set_error(err, BC_CMD_ERROR, 1, "no roster group \"%s\"%s%s", group,
                        gs->len ? "; groups: " : " (your roster has no groups)", names->str);
            g_string_free(names, TRUE);
            return false;
        }
    }
    bc_conv_open_board(group, true);
    return true;
}
