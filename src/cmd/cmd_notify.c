/* SPDX-License-Identifier: GPL-3.0-or-later */
/* /notify: what notifies (levels per conversation, quiet hours) and how
 * notifications are doing. */
#include "backchat/config.h"
#include "backchat/conv.h"
#include "backchat/jid.h"
#include "backchat/loop.h"
#include "backchat/notify.h"
#include "handlers.h"

#include <string.h>

static void show_settings(void)
{
    bc_notify_stats st = bc_notify_get_stats();
    bool desktop = bc_config_bool("notify", "desktop", true);
    bool bell = bc_config_bool("notify", "bell", true);
    if (!desktop)
        bc_info("Desktop notifications: off ([notify] desktop=false); bell: %s.",
                bell ? "on" : "off");
    else if (st.available)
        bc_info("Desktop notifications: on (%" G_GUINT64_FORMAT " shown); bell when they are "
                "unavailable: %s.", st.shown, bell ? "on" : "off");
    else
        bc_info("Desktop notifications: unavailable (no notification service), tried again "
                "in %lld s; bell: %s.",
                (long long)MAX(0, (st.retry_at_ms - bc_now_ms() + 999) / 1000),
                bell ? "on" : "off");
    if (st.dropped)
        bc_info("  %" G_GUINT64_FORMAT " dropped while the queue was full.", st.dropped);
    bc_info("Default level: %s. Message text in notifications: %s ([notify] show_text).",
            bc_notify_level_name(bc_notify_get_level(NULL)),
            bc_config_bool("notify", "show_text", true) ? "shown" : "hidden");
    char **own = bc_notify_levels_list();
    for (char **p = own; *p; p++)
        bc_info("  %s: %s", *p, bc_notify_level_name(bc_notify_get_level(*p)));
    g_strfreev(own);
    int qf, qt;
    if (bc_notify_get_quiet(&qf, &qt))
        bc_info("Quiet hours: %02d:%02d-%02d:%02d (only priority announcements notify).",
                qf / 60, qf % 60, qt / 60, qt % 60);
    else
        bc_info("Quiet hours: none. With status dnd only priority announcements notify.");
}

bool bc_cmd_notify(const bc_args *a, GError **err)
{
    if (a->argc < 2) {
        show_settings();
        return true;
    }
    const char *w = a->argv[1];
    if (g_ascii_strcasecmp(w, "quiet") == 0) {
        if (a->argc < 3) {
            g_set_error(err, BC_CMD_ERROR, 1, "/notify quiet HH:MM-HH:MM (e.g. 22:00-07:30) or "
                        "/notify quiet off");
            return false;
        }
        if (g_ascii_strcasecmp(a->argv[2], "off") == 0) {
            bc_notify_quiet_off();
            bc_info("Quiet hours off.");
            return true;
        }
        int f, t;
        if (!bc_notify_quiet_parse(a->argv[2], &f, &t)) {
            g_set_error(err, BC_CMD_ERROR, 1, "\"%s\" is not a time range: use HH:MM-HH:MM, "
                        "e.g. 22:00-07:30 (it may cross midnight)", a->argv[2]);
            return false;
        }
        bc_notify_set_quiet(f, t);
        bc_info("Quiet hours %02d:%02d-%02d:%02d: only priority announcements notify then.",
                f / 60, f % 60, t / 60, t % 60);
        return true;
    }
    if (g_ascii_strcasecmp(w, "hold") == 0) {
        const char *v = a->argc > 2 ? a->argv[2] : "";
        bool on = g_ascii_strcasecmp(v, "on") == 0;
        if (!on && g_ascii_strcasecmp(v, "off") != 0) {
            g_set_error(err, BC_CMD_ERROR, 1, "/notify hold on or /notify hold off");
            return false;
        }
        bc_notify_hold(on);
        bc_info(on ? "Notifications held: only priority announcements and mentions come "
                     "through (/notify hold off ends it)."
                   : "Notifications no longer held.");
        return true;
    }
    bc_notify_level level;
    if (!bc_notify_level_parse(w, &level)) {
        g_set_error(err, BC_CMD_ERROR, 1, "/notify takes all, mentions, none, quiet or hold, "
                    "not \"%s\"", w);
        return false;
    }
    const char *target = NULL;
    char *bare = NULL;
    if (a->argc >= 3) {
        bare = bc_jid_bare(a->argv[2]);
        if (!bare) {
            g_set_error(err, BC_CMD_ERROR, 1, "\"%s\" is not a JID (expected user@server)",
                        a->argv[2]);
            return false;
        }
        target = bare;
    } else {
        bc_conv *c = bc_conv_current();
        if (c && c->type == BC_CONV_CHAT && c->jid)
            target = c->jid;
    }
    bc_notify_set_level(target, level);
    if (target)
        bc_info("Notifications for %s: %s.", target, bc_notify_level_name(level));
    else
        bc_info("Notifications for conversations without their own level: %s.",
                bc_notify_level_name(level));
    g_free(bare);
    return true;
}
