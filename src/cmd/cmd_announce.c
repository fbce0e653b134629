/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Commands for announcements: /announce, /ack, /attention. */
#include "backchat/announce.h"
#include "backchat/conv.h"
#include "backchat/jid.h"
#include "backchat/muc.h"
#include "backchat/roster.h"
#include "backchat/session.h"
#include "backchat/xmpp.h"
#include "handlers.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *state_name(bc_rcpt_state s)
{
    switch (s) {
    case BC_RCPT_SENT: return "sent";
    case BC_RCPT_DELIVERED: return "delivered";
    case BC_RCPT_DISPLAYED: return "read";
    case BC_RCPT_ACKED: return "acknowledged";
    case BC_RCPT_FAILED: return "failed";
    }
    return "?";
}

static char *hhmm(int64_t t)
{
    GDateTime *dt = g_date_time_new_from_unix_local(t);
    char *s = dt ? g_date_time_format(dt, "%H:%M") : g_strdup("?");
    if (dt)
        g_date_time_unref(dt);
    return s;
}

static bool parse_uint(const char *s, unsigned *out)
{
    char *end = NULL;
    if (!s || !g_ascii_isdigit(*s))
        return false;
    unsigned long v = strtoul(s, &end, 10);
    if (*end || v == 0 || v > 1000000000UL)
        return false;
    *out = (unsigned)v;
    return true;
}

static bool announce_status(const bc_args *a, GError **err)
{
    unsigned n = 0;
    if (a->argc > 3 || (a->argc == 3 && !parse_uint(a->argv[2], &n))) {
        g_set_error(err, BC_CMD_ERROR, 1, "usage: /announce status [N] (N as in /announce list)");
        return false;
    }
    bc_outgoing_ann *o = bc_announce_get(n);
    if (!o) {
        if (n)
            g_set_error(err, BC_CMD_ERROR, 1, "there is no announcement #%u: /announce list "
                        "shows what you sent", n);
        else
            g_set_error(err, BC_CMD_ERROR, 1, "you have not sent an announcement yet "
                        "(/announce TARGET TEXT sends one)");
        return false;
    }
    char *when = hhmm(o->sent_at);
    char *roll = bc_announce_rollup(o);
    bc_info("Announcement #%u%s to %s at %s: %s", o->n, o->priority ? " (priority)" : "",
            o->target, when, o->text);
    bc_info("  %s", roll);
    for (guint i = 0; i < o->recipients->len; i++) {
        const bc_ann_recipient *r = o->recipients->pdata[i];
        bc_info("  %-20s %s%s%s%s", r->name, state_name(r->state), r->error ? " (" : "",
                r->error ? r->error : "", r->error ? ")" : "");
        if (r->nudges)
            bc_info("  %-20s asked for attention %d time%s", "", r->nudges,
                    r->nudges == 1 ? "" : "s");
    }
    g_free(roll);
    g_free(when);
    return true;
}

static bool announce_list(void)
{
    GPtrArray *all = bc_announce_sent_list();
    if (!all || all->len == 0) {
        bc_info("You have not sent an announcement yet: /announce TARGET TEXT sends one.");
        return true;
    }
    bc_info("Announcements you sent (/announce status N for details):");
    for (guint i = 0; i < all->len; i++) {
        const bc_outgoing_ann *o = all->pdata[i];
        char *when = hhmm(o->sent_at);
        char *roll = bc_announce_rollup(o);
        bc_info("  #%u %s%s to %s: %s (%s)", o->n, when, o->priority ? " priority" : "",
                o->target, o->text, roll);
        g_free(roll);
        g_free(when);
    }
    return true;
}

static char *own_bare(void)
{
    bc_session *s = bc_session_get();
    return s && s->account ? bc_jid_bare(s->account->jid) : NULL;
}

/* The roster group named `name` (exact, else ignoring case), or NULL. */
static const char *find_group(const char *name)
{
    GPtrArray *g = bc_roster_groups();
    for (guint i = 0; g && i < g->len; i++)
        if (strcmp(g->pdata[i], name) == 0)
            return g->pdata[i];
    for (guint i = 0; g && i < g->len; i++)
        if (g_utf8_collate(g->pdata[i], name) == 0 || g_ascii_strcasecmp(g->pdata[i], name) == 0)
            return g->pdata[i];
    return NULL;
}

static char *groups_listed(void)
{
    GPtrArray *g = bc_roster_groups();
    if (!g || g->len == 0)
        return g_strdup("your roster has no groups");
    GString *s = g_string_new("groups: ");
    for (guint i = 0; i < g->len; i++)
        g_string_append_printf(s, "%s%s", i ? ", " : "", (char *)g->pdata[i]);
    return g_string_free(s, FALSE);
}

/* JIDs of the recipients (NULL-terminated, g_strfreev), the room, or an
 * error. `label` says how the target is shown. */
static bool resolve_target(const char *target, char ***jids, char **room, char **label,
                           GError **err)
{
    char *self = own_bare();
    const char *group = find_group(target);
    bool ok = false;
    if (group) {
        GPtrArray *all = bc_roster_sorted();
        GPtrArray *out = g_ptr_array_new();
        for (guint i = 0; i < all->len; i++) {
            const bc_contact *c = all->pdata[i];
            if (c->in_roster && bc_contact_in_group(c, group) &&
                !(self && strcmp(c->jid, self) == 0))
                g_ptr_array_add(out, g_strdup(c->jid));
        }
        g_ptr_array_add(out, NULL);
        *jids = (char **)g_ptr_array_free(out, FALSE);
        if (!(*jids)[0]) {
            g_set_error(err, BC_CMD_ERROR, 1, "roster group %s has no contacts besides you", group);
            g_clear_pointer(jids, g_strfreev);
        } else {
            *label = g_strdup_printf("group %s", group);
            ok = true;
        }
    } else if (bc_muc_room(target)) {
        bc_room *r = bc_muc_room(target);
        if (r->state != BC_ROOM_JOINED) {
            g_set_error(err, BC_CMD_ERROR, 1, "you are not in room %s now: /join %s first",
                        r->jid, r->jid);
        } else {
            *room = g_strdup(r->jid);
            *label = g_strdup(r->jid);
            ok = true;
        }
    } else if (!strchr(target, '@')) {
        char *known = groups_listed();
        g_set_error(err, BC_CMD_ERROR, 1, "\"%s\" is not a roster group, a room you are in, or a "
                    "JID (%s); name one of those, or JIDs separated by commas", target, known);
        g_free(known);
    } else {
        char **parts = g_strsplit(target, ",", -1);
        GPtrArray *out = g_ptr_array_new();
        ok = true;
        for (size_t i = 0; parts[i] && ok; i++) {
            char *p = g_strstrip(parts[i]);
            if (!*p)
                continue;
            if (!bc_jid_is_valid(p) || !strchr(p, '@')) {
                g_set_error(err, BC_CMD_ERROR, 1, "\"%s\" is not a valid JID (expected "
                            "user@server; several are separated by commas)", p);
                ok = false;
                break;
            }
            bool dup = false;
            for (guint k = 0; k < out->len && !dup; k++)
                dup = bc_jid_bare_equal(out->pdata[k], p);
            if (!dup)
                g_ptr_array_add(out, g_strdup(p));
        }
        g_ptr_array_add(out, NULL);
        *jids = (char **)g_ptr_array_free(out, FALSE);
        g_strfreev(parts);
        if (ok && !(*jids)[0]) {
            g_set_error(err, BC_CMD_ERROR, 1, "no recipients: name a roster group, a room or JIDs");
            ok = false;
        }
        if (!ok)
            g_clear_pointer(jids, g_strfreev);
        else
            *label = g_strdup(target);
    }
    g_free(self);
    return ok;
}

bool bc_cmd_announce(const bc_args *a, GError **err)
{
    const char *first = a->argc > 1 ? a->argv[1] : "";
    if (strcmp(first, "status") == 0)
        return announce_status(a, err);
    if (strcmp(first, "list") == 0 && a->argc == 2)
        return announce_list();
    if (strcmp(first, "--server") == 0) {
        const char *text = a->argc > 2 ? bc_args_rest(a, 2) : "";
        if (!*text) {
            g_set_error(err, BC_CMD_ERROR, 1, "usage: /announce --server TEXT");
            return false;
        }
        if (!bc_xmpp_announce_server(text, err))
            return false;
        bc_info("Sending the server announcement (the server answers in a moment)...");
        return true;
    }
    bool priority = false;
    unsigned escalate = 0;
    int i = 1;
    for (; i < a->argc && g_str_has_prefix(a->argv[i], "--"); i++) {
        if (strcmp(a->argv[i], "--priority") == 0) {
            priority = true;
        } else if (strcmp(a->argv[i], "--escalate") == 0) {
            if (i + 1 >= a->argc || !bc_announce_parse_interval(a->argv[i + 1], &escalate)) {
                g_set_error(err, BC_CMD_ERROR, 1, "--escalate takes a duration such as 90s, 2m "
                            "or 1h (1 s to 7 days), got \"%s\"",
                            i + 1 < a->argc ? a->argv[i + 1] : "");
                return false;
            }
            i++;
        } else {
            g_set_error(err, BC_CMD_ERROR, 1, "unknown option %s: /announce takes --priority, "
                        "--escalate DURATION or --server (see /help announce)", a->argv[i]);
            return false;
        }
    }
    if (escalate && !priority) {
        g_set_error(err, BC_CMD_ERROR, 1, "--escalate only works with --priority: "
                    "/announce --priority --escalate %us TARGET TEXT", escalate);
        return false;
    }
    if (i + 1 >= a->argc) {
        g_set_error(err, BC_CMD_ERROR, 1, "usage: /announce [--priority] [--escalate DURATION] "
                    "TARGET TEXT (TARGET: a roster group, a room, or JIDs separated by commas)");
        return false;
    }
    const char *text = bc_args_rest(a, i + 1);
    char **jids = NULL, *room = NULL, *label = NULL;
    if (!resolve_target(a->argv[i], &jids, &room, &label, err))
        return false;
    bool ok = bc_xmpp_announce(label, (const char *const *)jids, room, text, priority, escalate,
                               err);
    if (ok) {
        bc_outgoing_ann *o = bc_announce_get(0);
        bc_conv *cur = bc_conv_current();
        if (o && (!cur || cur->type != BC_CONV_ANNOUNCE))
            bc_info("Announcement #%u sent to %s (%u recipient%s); its roll-up is in the "
                    "announcements tab.", o->n, label, o->recipients->len,
                    o->recipients->len == 1 ? "" : "s");
    }
    g_strfreev(jids);
    g_free(room);
    g_free(label);
    return ok;
}

bool bc_cmd_ack(const bc_args *a, GError **err)
{
    if (a->argc < 2) {
        if (!bc_announce_ack(0)) {
            g_set_error(err, BC_CMD_ERROR, 1, "nothing waits for an acknowledgement (/ack N "
                        "acknowledges announcement N of the announcements tab)");
            return false;
        }
        return true;
    }
    if (strcmp(a->argv[1], "all") == 0) {
        unsigned n = bc_announce_ack_all();
        if (n)
            bc_info("Acknowledged %u announcement%s.", n, n == 1 ? "" : "s");
        else
            bc_info("Nothing to acknowledge.");
        return true;
    }
    unsigned n;
    if (!parse_uint(a->argv[1], &n)) {
        g_set_error(err, BC_CMD_ERROR, 1, "usage: /ack [N|all] (N is the #number shown in the "
                    "announcements tab)");
        return false;
    }
    if (!bc_announce_ack(n)) {
        g_set_error(err, BC_CMD_ERROR, 1, "announcement #%u is not waiting for an "
                    "acknowledgement (already acknowledged, or not one that asks for it)", n);
        return false;
    }
    return true;
}

bool bc_cmd_attention(const bc_args *a, GError **err)
{
    const char *jid = a->argv[1];
    const char *text = a->argc > 2 ? bc_args_rest(a, 2) : NULL;
    if (!bc_xmpp_attention(jid, text, err))
        return false;
    bc_info("Asked %s for attention.", jid);
    return true;
}
