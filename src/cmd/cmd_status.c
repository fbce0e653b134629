/* SPDX-License-Identifier: GPL-3.0-or-later */
/* /status: our availability, presets and timed statuses. */
#include "backchat/conv.h"
#include "backchat/status.h"
#include "handlers.h"

#include <string.h>
#include <time.h>

static void show_current(void)
{
    char *d = bc_status_describe();
    bc_info("You are: %s", d);
    g_free(d);
    GPtrArray *ps = bc_presets();
    bc_info("Presets (/status NAME [DURATION] [MESSAGE]):");
    for (guint i = 0; ps && i < ps->len; i++) {
        bc_preset *p = ps->pdata[i];
        char key[8] = "";
        if (p->fkey)
            g_snprintf(key, sizeof key, "F%d", p->fkey);
        bc_info("  %-4s %-10s %-14s %s%s%s", key, p->key, p->label, bc_show_name(p->show),
                p->activity ? ", " : "", p->activity ? p->activity : "");
    }
}

static bool is_show_word(const char *w, bc_show *show)
{
    static const char *const words[] = {"available", "online", "chat", "away", "xa",
                                        "dnd",       "busy",   NULL};
    for (int i = 0; words[i]; i++)
        if (g_ascii_strcasecmp(w, words[i]) == 0) {
            *show = bc_show_parse(g_ascii_strcasecmp(w, "available") == 0 ? "online" : w);
            return true;
        }
    return false;
}

bool bc_cmd_status(const bc_args *a, GError **err)
{
    if (a->argc < 2) {
        show_current();
        return true;
    }
    const char *name = a->argv[1];
    bc_show show = BC_SHOW_ONLINE;
    const bc_preset *preset = bc_preset_find(name);
    bool plain = !preset && is_show_word(name, &show);
    if (!preset && !plain) {
        GString *known = g_string_new(NULL);
        GPtrArray *ps = bc_presets();
        for (guint i = 0; ps && i < ps->len; i++)
            g_string_append_printf(known, ", %s", ((bc_preset *)ps->pdata[i])->key);
        g_set_error(err, BC_CMD_ERROR, 1,
                    "no status \"%s\": use available, chat, away, xa, dnd%s", name, known->str);
        g_string_free(known, TRUE);
        return false;
    }
    /* An optional duration: "30m", "1h30m", "until 15:00", "15:00". */
    int i = 2;
    int64_t until = 0;
    if (i < a->argc) {
        GError *e = NULL;
        int64_t now = (int64_t)time(NULL);
        if (strcmp(a->argv[i], "until") == 0) {
            if (i + 1 >= a->argc || !bc_duration_parse(a->argv[i + 1], now, &until, &e)) {
                g_set_error(err, BC_CMD_ERROR, 1, "%s",
                            e ? e->message : "until what time? e.g. until 15:00");
                g_clear_error(&e);
                return false;
            }
            i += 2;
        } else if (g_ascii_isdigit(a->argv[i][0]) &&
                   bc_duration_parse(a->argv[i], now, &until, &e)) {
            i++;
        }
        g_clear_error(&e);
    }
    const char *message = i < a->argc ? bc_args_rest(a, i) : NULL;
    if (preset) {
        if (message)
            bc_status_set(preset->show, message, preset->activity, preset->text, preset->key,
                          until);
        else if (!bc_status_apply_preset(preset->key, until, err))
            return false;
    } else {
        bc_status_set(show, message, NULL, NULL, NULL, until);
    }
    char *d = bc_status_describe();
    bc_info("You are now: %s", d);
    g_free(d);
    return true;
}
