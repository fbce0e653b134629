/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Commands on the local log: search, find, export, log, stats. */
#include "backchat/cli.h"
#include "backchat/conv.h"
#include "backchat/core.h"
#include "backchat/history.h"
#include "backchat/jid.h"
#include "backchat/searchview.h"
#include "backchat/store.h"
#include "handlers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bc_store *need_log(GError **err)
{
    bc_store *st = bc_core_log();
    if (!st)
        g_set_error(err, BC_CMD_ERROR, 1,
                    "no local log is open: it opens with an account (/connect, /account add)");
    return st;
}

/* Flushes first, so what this turn received counts; a failure is only
 * reported (the queue is kept; what is on disk is still usable). */
static void flush_quietly(void)
{
    GError *e = NULL;
    if (!bc_core_log_flush(&e))
        g_clear_error(&e);
}

static int64_t now_seconds(void) { return (int64_t)(g_get_real_time() / G_USEC_PER_SEC); }

/* A JID argument: a bare JID, normalised; NULL with `err` if not one. */
static char *jid_arg(const char *s, GError **err)
{
    char *bare = s ? bc_jid_bare(s) : NULL;
    if (!bare)
        g_set_error(err, BC_CMD_ERROR, 1, "\"%s\" is not a JID (user@server)", s ? s : "");
    return bare;
}

/* The chat of the current tab, or NULL with `err` saying to name one. */
static const char *current_chat(const char *what, GError **err)
{
    bc_conv *c = bc_conv_current();
    if (c && c->type == BC_CONV_CHAT && c->jid)
        return c->jid;
    g_set_error(err, BC_CMD_ERROR, 1, "%s: name a JID, or type it in a chat tab", what);
    return NULL;
}

/* ---- /search, /find ----------------------------------------------------- */

bool bc_cmd_search(const bc_args *a, GError **err)
{
    if (!need_log(err))
        return false;
    return bc_search_run(bc_args_rest(a, 1), err) != NULL;
}

bool bc_cmd_find_in(const bc_args *a, GError **err)
{
    bc_conv *c = bc_conv_current();
    if (!c || c->type != BC_CONV_CHAT) {
        g_set_error(err, BC_CMD_ERROR, 1,
                    "/find searches the conversation of a chat tab; /search searches them all");
        return false;
    }
    if (!need_log(err))
        return false;
    const char *w = a->argv[1];
    bool keyword = a->argc == 2 && strncmp(bc_args_rest(a, 1), "\"", 1) != 0;
    if (keyword && (strcmp(w, "next") == 0 || strcmp(w, "prev") == 0))
        return bc_find_step(c, strcmp(w, "next") == 0 ? 1 : -1, err);
    if (keyword && strcmp(w, "clear") == 0) {
        bc_find_clear(c);
        return true;
    }
    return bc_find_start(c, bc_args_rest(a, 1), err);
}

/* ---- /export ------------------------------------------------------------ */

/* "~/x" is in the home directory; other relative names are relative to
 * the directory backchat was started in. */
static char *expand_path(const char *p)
{
    if (p[0] == '~' && (p[1] == '/' || !p[1]))
        return g_build_filename(g_get_home_dir(), p + 1, NULL);
    return g_strdup(p);
}

bool bc_cmd_export(const bc_args *a, GError **err)
{
    bc_store *st = need_log(err);
    if (!st)
        return false;
    const char *since_s = NULL, *until_s = NULL, *format_s = NULL;
    GPtrArray *pos = g_ptr_array_new();
    bool ok = true;
    for (int i = 1; i < a->argc && ok; i++) {
        const char *w = a->argv[i];
        const char **slot = strcmp(w, "--since") == 0   ? &since_s
                            : strcmp(w, "--until") == 0 ? &until_s
                            : strcmp(w, "--format") == 0 ? &format_s
                                                         : NULL;
        if (slot) {
            if (i + 1 >= a->argc) {
                g_set_error(err, BC_CMD_ERROR, 1, "%s needs a value", w);
                ok = false;
            } else {
                *slot = a->argv[++i];
            }
        } else if (w[0] == '-' && w[1] == '-') {
            g_set_error(err, BC_CMD_ERROR, 1,
                        "unknown option %s: the options are --since, --until and --format", w);
            ok = false;
        } else {
            g_ptr_array_add(pos, (gpointer)w);
        }
    }
    if (ok && (pos->len < 1 || pos->len > 2)) {
        g_set_error(err, BC_CMD_ERROR, 1, "%s; usage: /export [JID] [--since DATE] [--until DATE]"
                    " [--format text|jsonl|csv] FILE", pos->len ? "too many words" : "give a FILE");
        ok = false;
    }
    bc_export_format fmt = BC_EXPORT_TEXT;
    if (ok && format_s && !bc_export_format_parse(format_s, &fmt)) {
        g_set_error(err, BC_CMD_ERROR, 1, "unknown format \"%s\": use text, jsonl or csv",
                    format_s);
        ok = false;
    }
    int64_t since = 0, until = 0;
    if (ok && since_s && !bc_store_parse_date(since_s, false, now_seconds(), &since, err))
        ok = false;
    if (ok && until_s && !bc_store_parse_date(until_s, true, now_seconds(), &until, err))
        ok = false;
    if (ok && since && until && since >= until) {
        g_set_error(err, BC_CMD_ERROR, 1, "--since is after --until");
        ok = false;
    }
    char *conv = NULL;
    if (ok && pos->len == 2 && !(conv = jid_arg(pos->pdata[0], err)))
        ok = false;
    if (!ok) {
        g_ptr_array_unref(pos);
        return false;
    }
    char *file = expand_path(pos->pdata[pos->len - 1]);
    g_ptr_array_unref(pos);
    flush_quietly();
    int64_t n = bc_cli_export_file(st, conv, since, until, fmt, file, err);
    if (n >= 0)
        bc_info("Exported %" G_GINT64_FORMAT " message%s%s%s to %s (%s, mode 0600).", n,
                n == 1 ? "" : "s", conv ? " of " : "", conv ? conv : "", file,
                format_s ? format_s : "text");
    g_free(file);
    g_free(conv);
    return n >= 0;
}

/* ---- /log --------------------------------------------------------------- */

static void reload_open_tab(const char *jid)
{
    bc_conv *c = bc_conv_find(jid);
    if (c)
        bc_history_reload(c);
}

bool bc_cmd_log(const bc_args *a, GError **err)
{
    bc_store *st = need_log(err);
    if (!st)
        return false;
    const char *sub = a->argc > 1 ? a->argv[1] : "status";
    const char *given = a->argc > 2 ? a->argv[2] : NULL;
    if (strcmp(sub, "on") != 0 && strcmp(sub, "off") != 0 && strcmp(sub, "status") != 0 &&
        strcmp(sub, "purge") != 0) {
        g_set_error(err, BC_CMD_ERROR, 1, "/log on, off, status or purge (see /help log)");
        return false;
    }
    char *jid = NULL;
    if (given) {
        if (!(jid = jid_arg(given, err)))
            return false;
    } else {
        const char *cur = current_chat(strcmp(sub, "purge") == 0 ? "/log purge JID" : "/log", err);
        if (!cur)
            return false;
        if (strcmp(sub, "purge") == 0) {
            /* Deleting is never implied by the tab one happens to be in. */
            g_set_error(err, BC_CMD_ERROR, 1, "/log purge needs the JID spelled out: /log purge %s",
                        cur);
            return false;
        }
        jid = g_strdup(cur);
    }
    bool ok = true;
    if (strcmp(sub, "on") == 0 || strcmp(sub, "off") == 0) {
        bool on = strcmp(sub, "on") == 0;
        if (a->argc > 3) {
            g_set_error(err, BC_CMD_ERROR, 1, "usage: /log on|off [JID]");
            ok = false;
        } else if ((ok = bc_store_set_logging(st, jid, on, err))) {
            if (on)
                bc_info("Logging of %s is on: its messages are written to the local log.", jid);
            else
                bc_info("Logging of %s is off: its new messages are not written to the local"
                        " log (what is there stays; /log purge %s deletes it).", jid, jid);
        }
    } else if (strcmp(sub, "status") == 0) {
        flush_quietly();
        int64_t n = bc_store_count(st, jid);
        bc_info("Logging of %s is %s; the local log has %" G_GINT64_FORMAT " of its messages.",
                jid, bc_store_logging(st, jid) ? "on" : "off", n < 0 ? 0 : n);
    } else if (strcmp(sub, "purge") == 0) {
        bool confirmed = a->argc > 3 && strcmp(a->argv[3], "confirm") == 0;
        flush_quietly();
        int64_t n = bc_store_count(st, jid);
        if (a->argc > 4 || (a->argc == 4 && !confirmed)) {
            g_set_error(err, BC_CMD_ERROR, 1, "usage: /log purge JID [confirm]");
            ok = false;
        } else if (!confirmed) {
            bc_info("This deletes all %" G_GINT64_FORMAT " message%s of %s from the local log,"
                    " for good. To do it, type: /log purge %s confirm", n < 0 ? 0 : n,
                    n == 1 ? "" : "s", jid, jid);
        } else {
            int64_t d = bc_store_purge(st, jid, INT64_MAX, err);
            ok = d >= 0;
            if (ok) {
                bc_info("Deleted %" G_GINT64_FORMAT " message%s of %s from the local log"
                        " (verify-logs still verifies the rest).", d, d == 1 ? "" : "s", jid);
                reload_open_tab(jid);
            }
        }
    } else {
        g_set_error(err, BC_CMD_ERROR, 1, "/log on, off, status or purge (see /help log)");
        ok = false;
    }
    g_free(jid);
    return ok;
}

/* ---- /stats ------------------------------------------------------------- */

bool bc_cmd_stats(const bc_args *a, GError **err)
{
    bc_store *st = need_log(err);
    if (!st)
        return false;
    int64_t since = 0;
    if (a->argc == 3 && strcmp(a->argv[1], "--since") == 0) {
        if (!bc_store_parse_date(a->argv[2], false, now_seconds(), &since, err))
            return false;
    } else if (a->argc != 1) {
        g_set_error(err, BC_CMD_ERROR, 1, "usage: /stats [--since DATE]");
        return false;
    }
    flush_quietly();
    bc_stats s;
    if (!bc_store_stats(st, since, &s, err))
        return false;
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f) {
        bc_stats_clear(&s);
        g_set_error(err, BC_CMD_ERROR, 1, "out of memory");
        return false;
    }
    bc_cli_print_stats(&s, f);
    fclose(f);
    bc_stats_clear(&s);
    /* The same report as `backchat stats`, line by line in this tab. */
    g_strchomp(text);
    bc_info("%s", text);
    free(text);
    return true;
}
