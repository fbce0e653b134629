/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Parsing, dispatch and completion over the command table. */
#include "backchat/cmd.h"
#include "backchat/account.h"
#include "backchat/conv.h"
#include "backchat/layout.h"
#include "backchat/muc.h"
#include "backchat/roster.h"
#include "backchat/status.h"
#include "backchat/session.h"
#include "backchat/shortcuts.h"
#include "backchat/xmpp.h"

#include <stdio.h>
#include <string.h>

GQuark bc_cmd_error_quark(void) { return g_quark_from_static_string("bc-cmd-error"); }

const bc_cmd *bc_cmd_find(const char *name)
{
    size_t n;
    const bc_cmd *t = bc_cmd_table(&n);
    if (!name)
        return NULL;
    for (size_t i = 0; i < n; i++)
        if (strcmp(t[i].name, name) == 0)
            return &t[i];
    return NULL;
}

void bc_args_clear(bc_args *a)
{
    if (!a)
        return;
    g_strfreev(a->argv);
    g_free(a->offsets);
    memset(a, 0, sizeof *a);
}

bool bc_cmd_split(const char *line, bc_args *out, GError **err)
{
    memset(out, 0, sizeof *out);
    GPtrArray *words = g_ptr_array_new();
    GArray *offs = g_array_new(FALSE, FALSE, sizeof(size_t));
    const char *p = line;
    for (;;) {
        while (*p == ' ' || *p == '\t')
            p++;
        if (!*p)
            break;
        size_t start = (size_t)(p - line);
        GString *w = g_string_new(NULL);
        bool quoted = false;
        while (*p && (quoted || (*p != ' ' && *p != '\t'))) {
            if (*p == '"') {
                quoted = !quoted;
                p++;
            } else if (quoted && *p == '\\' && (p[1] == '"' || p[1] == '\\')) {
                g_string_append_c(w, p[1]);
                p += 2;
            } else {
                g_string_append_c(w, *p++);
            }
        }
        if (quoted) {
            g_string_free(w, TRUE);
            for (guint i = 0; i < words->len; i++)
                g_free(words->pdata[i]);
            g_ptr_array_free(words, TRUE);
            g_array_free(offs, TRUE);
            g_set_error(err, BC_CMD_ERROR, 1, "unterminated quote: add the closing \"");
            return false;
        }
        g_ptr_array_add(words, g_string_free(w, FALSE));
        g_array_append_val(offs, start);
    }
    out->argc = (int)words->len;
    g_ptr_array_add(words, NULL);
    out->argv = (char **)g_ptr_array_free(words, FALSE);
    out->offsets = (size_t *)g_array_free(offs, FALSE);
    out->line = line;
    return true;
}

const char *bc_args_rest(const bc_args *a, int i)
{
    if (!a || i < 0 || i >= a->argc)
        return "";
    return a->line + a->offsets[i];
}

static bool send_text(const char *text)
{
    bc_conv *c = bc_conv_current();
    bool ok;
    GError *err = NULL;
    if (c && c->type == BC_CONV_CHAT)
        ok = bc_xmpp_send_chat(c->jid, text, &err);
    else if (c && c->type == BC_CONV_ROOM)
        ok = bc_xmpp_muc_send(c->jid, text, &err);
    else if (c && c->type == BC_CONV_PRIVATE)
        ok = bc_xmpp_muc_private(c->jid, text, &err);
    else {
        bc_error("Messages go to a chat or a room: this tab is not one. Open a chat with "
                 "/msg JID, join a room with /join ROOM, or switch tabs with Alt-1..Alt-0. "
                 "/help lists the commands.");
        return false;
    }
    if (!ok) {
        bc_error("Not sent: %s", err->message);
        g_error_free(err);
        return false;
    }
    return true;
}

static void unknown_command(const char *name)
{
    size_t n;
    const bc_cmd *t = bc_cmd_table(&n);
    GString *near = g_string_new(NULL);
    size_t len = strlen(name);
    for (size_t i = 0; i < n; i++)
        if (len > 0 && strncmp(t[i].name, name, MIN(len, (size_t)2)) == 0)
            g_string_append_printf(near, "%s/%s", near->len ? ", " : "", t[i].name);
    if (near->len)
        bc_error("Unknown command /%s. Did you mean %s? /help lists all commands.", name,
                 near->str);
    else
        bc_error("Unknown command /%s. /help lists all commands.", name);
    g_string_free(near, TRUE);
}

bool bc_cmd_execute(const char *input)
{
    char *line = g_strdup(input ? input : "");
    g_strchomp(line);
    bool ok = true;
    if (!*line) {
        /* nothing */
    } else if (line[0] == '/' && line[1] == '/') {
        ok = send_text(line + 1);
    } else if (line[0] != '/') {
        ok = send_text(line);
    } else {
        bc_args a;
        GError *err = NULL;
        if (!bc_cmd_split(line + 1, &a, &err)) {
            bc_error("%s", err->message);
            g_error_free(err);
            ok = false;
        } else if (a.argc == 0) {
            unknown_command("");
            bc_args_clear(&a);
            ok = false;
        } else {
            const bc_cmd *cmd = bc_cmd_find(a.argv[0]);
            int nargs = a.argc - 1;
            if (!cmd) {
                unknown_command(a.argv[0]);
                ok = false;
            } else if (nargs < cmd->min_args || (cmd->max_args >= 0 && nargs > cmd->max_args)) {
                bc_error("Usage: /%s %s (see /help %s)", cmd->name, cmd->synopsis, cmd->name);
                ok = false;
            } else if (!cmd->fn(&a, &err)) {
                if (err)
                    bc_error("/%s: %s", cmd->name, err->message);
                g_clear_error(&err);
                ok = false;
            }
            bc_args_clear(&a);
        }
    }
    g_free(line);
    return ok;
}

/* Completion ------------------------------------------------------------ */

static void add_if_prefix(GPtrArray *out, const char *cand, const char *prefix, const char *pre)
{
    if (g_str_has_prefix(cand, prefix)) {
        char *s = g_strconcat(pre ? pre : "", cand, NULL);
        for (guint i = 0; i < out->len; i++)
            if (strcmp(out->pdata[i], s) == 0) {
                g_free(s);
                return;
            }
        g_ptr_array_add(out, s);
    }
}

/* The room of the current tab (a room, or a private chat in one). */
static bc_room *current_room(void)
{
    bc_conv *c = bc_conv_current();
    if (!c || !c->jid)
        return NULL;
    if (c->type == BC_CONV_ROOM)
        return bc_muc_room_of_conv(c->jid);
    if (c->type == BC_CONV_PRIVATE) {
        char *bare = g_strndup(c->jid, strcspn(c->jid, "/"));
        bc_room *r = bc_muc_room(bare);
        g_free(bare);
        return r;
    }
    return NULL;
}

/* Occupants of the current room; nicks match without regard to case. */
static void complete_nicks(GPtrArray *out, const char *prefix)
{
    bc_room *r = current_room();
    if (!r)
        return;
    char **nicks = bc_muc_nick_complete(r, prefix);
    for (char **n = nicks; n && *n; n++)
        add_if_prefix(out, *n, "", NULL);
    g_strfreev(nicks);
}

/* Rooms we know this session, bookmarked ones and those we are invited
 * to; `pre` goes before each candidate. */
static void complete_rooms(GPtrArray *out, const char *prefix, const char *pre)
{
    GPtrArray *rooms = bc_muc_rooms();
    for (guint i = 0; rooms && i < rooms->len; i++)
        add_if_prefix(out, ((bc_room *)rooms->pdata[i])->jid, prefix, pre);
    GPtrArray *bm = bc_muc_bookmarks();
    for (guint i = 0; bm && i < bm->len; i++)
        add_if_prefix(out, ((bc_bookmark *)bm->pdata[i])->jid, prefix, pre);
    GPtrArray *inv = bc_muc_invites();
    for (guint i = 0; inv && i < inv->len; i++)
        add_if_prefix(out, ((bc_muc_invite *)inv->pdata[i])->room, prefix, pre);
}

/* Announcement targets: a roster group, a room, or JIDs separated by
 * commas (so only the part after the last comma is completed). */
static void complete_targets(GPtrArray *out, const char *prefix)
{
    const char *comma = strrchr(prefix, ',');
    char *pre = comma ? g_strndup(prefix, (gsize)(comma - prefix + 1)) : NULL;
    const char *part = comma ? comma + 1 : prefix;
    if (!comma) {
        GPtrArray *g = bc_roster_groups();
        for (guint i = 0; g && i < g->len; i++)
            add_if_prefix(out, g->pdata[i], part, NULL);
    }
    complete_rooms(out, part, pre);
    GPtrArray *j = bc_known_jids();
    for (guint i = 0; j && i < j->len; i++)
        add_if_prefix(out, j->pdata[i], part, pre);
    GPtrArray *r = bc_roster_sorted();
    for (guint i = 0; r && i < r->len; i++)
        add_if_prefix(out, ((bc_contact *)r->pdata[i])->jid, part, pre);
    g_free(pre);
}

static void complete_kind(GPtrArray *out, bc_complete_kind kind, const char *prefix)
{
    size_t n;
    switch (kind) {
    case BC_COMPLETE_JID: {
        GPtrArray *j = bc_known_jids();
        for (guint i = 0; j && i < j->len; i++)
            add_if_prefix(out, j->pdata[i], prefix, NULL);
        /* A contact's name completes to its JID: "Bob" -> bob@example.org. */
        char *folded = g_utf8_casefold(prefix, -1);
        GPtrArray *r = bc_roster_sorted();
        for (guint i = 0; i < r->len; i++) {
            bc_contact *c = r->pdata[i];
            add_if_prefix(out, c->jid, prefix, NULL);
            char *name = g_utf8_casefold(bc_contact_display(c), -1);
            if (*folded && g_str_has_prefix(name, folded))
                add_if_prefix(out, c->jid, "", NULL);
            g_free(name);
        }
        g_free(folded);
        break;
    }
    case BC_COMPLETE_GROUP: {
        GPtrArray *g = bc_roster_groups();
        for (guint i = 0; i < g->len; i++)
            add_if_prefix(out, g->pdata[i], prefix, NULL);
        break;
    }
    case BC_COMPLETE_LAYOUT: {
        char **names = bc_workspace_names();
        for (char **nm = names; *nm; nm++)
            add_if_prefix(out, *nm, prefix, NULL);
        g_strfreev(names);
        break;
    }
    case BC_COMPLETE_STATUS: {
        static const char *const words[] = {"available", "chat", "away", "xa", "dnd", NULL};
        for (int i = 0; words[i]; i++)
            add_if_prefix(out, words[i], prefix, NULL);
        GPtrArray *ps = bc_presets();
        for (guint i = 0; ps && i < ps->len; i++)
            add_if_prefix(out, ((bc_preset *)ps->pdata[i])->key, prefix, NULL);
        break;
    }
    case BC_COMPLETE_COMMAND: {
        const bc_cmd *t = bc_cmd_table(&n);
        for (size_t i = 0; i < n; i++)
            add_if_prefix(out, t[i].name, prefix, NULL);
        break;
    }
    case BC_COMPLETE_ACCOUNT: {
        bc_accounts *acc = bc_session_get()->accounts;
        for (guint i = 0; acc && i < acc->list->len; i++)
            add_if_prefix(out, ((bc_account *)acc->list->pdata[i])->name, prefix, NULL);
        break;
    }
    case BC_COMPLETE_WINDOW:
    case BC_COMPLETE_TAB:
        for (size_t i = 0; i < bc_conv_count(); i++) {
            char num[24];
            snprintf(num, sizeof num, "%zu", i + 1);
            add_if_prefix(out, num, prefix, NULL);
        }
        if (kind == BC_COMPLETE_WINDOW) {
            add_if_prefix(out, "next", prefix, NULL);
            add_if_prefix(out, "prev", prefix, NULL);
        }
        break;
    case BC_COMPLETE_NICK:
        complete_nicks(out, prefix);
        break;
    case BC_COMPLETE_ROOM:
        complete_rooms(out, prefix, NULL);
        break;
    case BC_COMPLETE_TARGET:
        complete_targets(out, prefix);
        break;
    case BC_COMPLETE_NONE:
        break;
    }
}

/* True when word `index` is where a TARGET goes: only options come
 * before it ("--priority", "--escalate 2m"), and no subcommand that takes
 * something else (status, list, --server TEXT). */
static bool target_slot(const bc_args *a, int index)
{
    for (int i = 1; i < index && i < a->argc; i++) {
        const char *w = a->argv[i];
        if (strcmp(w, "--escalate") == 0) {
            if (++i >= index)
                return false; /* the word is its duration */
        }
        else if (strcmp(w, "--server") == 0 || strncmp(w, "--", 2) != 0)
            return false;
    }
    return true;
}

static int cmp_str(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

char **bc_cmd_complete(const char *line, size_t cursor, size_t *word_start)
{
    size_t len = strlen(line);
    if (cursor > len)
        cursor = len;
    size_t start = cursor;
    while (start > 0 && line[start - 1] != ' ' && line[start - 1] != '\t')
        start--;
    *word_start = start;
    char *prefix = g_strndup(line + start, cursor - start);
    GPtrArray *out = g_ptr_array_new();

    /* Which word is this? Count words before `start`. Inside an open
     * quote nothing is offered: that is free text. */
    char *head = g_strndup(line, start);
    bc_args a;
    int index = 0;
    bool in_quote = !bc_cmd_split(head, &a, NULL);
    if (in_quote)
        memset(&a, 0, sizeof a);
    else
        index = a.argc;

    if (in_quote) {
        /* nothing */
    } else if (line[0] != '/' && prefix[0] == ':') {
        /* ":name" in a message: a canned response (/canned). */
        char **canned = bc_canned_complete(prefix);
        for (char **k = canned; *k; k++)
            g_ptr_array_add(out, g_strdup(*k));
        g_strfreev(canned);
    } else if (line[0] == '/' && index == 0 && prefix[0] == '/') {
        size_t n;
        const bc_cmd *t = bc_cmd_table(&n);
        for (size_t i = 0; i < n; i++)
            add_if_prefix(out, t[i].name, prefix + 1, "/");
    } else if (line[0] == '/' && index >= 1 && a.argv) {
        const bc_cmd *cmd = bc_cmd_find(a.argv[0] + 1);
        if (cmd && cmd->complete == BC_COMPLETE_TARGET) {
            if (cmd->subcommands && index == 1)
                for (const char *const *s = cmd->subcommands; *s; s++)
                    add_if_prefix(out, *s, prefix, NULL);
            if (prefix[0] != '-' && target_slot(&a, index))
                complete_kind(out, cmd->complete, prefix);
        } else if (cmd && cmd->complete == BC_COMPLETE_NICK && cmd->subcommands) {
            /* "NICK ROLE": the nick comes first, the word list second. */
            if (index == 1)
                complete_kind(out, cmd->complete, prefix);
            else if (index == 2)
                for (const char *const *s = cmd->subcommands; *s; s++)
                    add_if_prefix(out, *s, prefix, NULL);
        } else if (cmd) {
            if (cmd->subcommands && index == 1) {
                for (const char *const *s = cmd->subcommands; *s; s++)
                    add_if_prefix(out, *s, prefix, NULL);
            } else if ((cmd->subcommands && index == 2) || (!cmd->subcommands && index == 1)) {
                complete_kind(out, cmd->complete, prefix);
            }
        }
    }
    bc_args_clear(&a);
    g_free(head);
    g_free(prefix);
    g_ptr_array_sort(out, cmp_str);
    g_ptr_array_add(out, NULL);
    return (char **)g_ptr_array_free(out, FALSE);
}
