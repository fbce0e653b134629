/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Our own availability: presets, timed statuses that revert, and
 * auto-away after idle time that never overrides a chosen status. */
#include "backchat/status.h"
#include "backchat/config.h"
#include "backchat/conv.h"
#include "backchat/loop.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static GPtrArray *presets;          /* of bc_preset* */
static bc_own_status cur;           /* what we show now */
static bc_own_status before_timed;  /* what comes back when a timed one ends */
static bool have_before_timed;
static bc_own_status before_auto;   /* what comes back on the first key */
static bool have_before_auto;
static bc_status_publisher publisher;
static unsigned revert_timer, tick_timer, idle_timer;
static int64_t last_active_ms;

static void preset_free(bc_preset *p)
{
    g_free(p->key);
    g_free(p->label);
    g_free(p->activity);
    g_free(p->text);
    g_free(p);
}

static void own_clear(bc_own_status *s)
{
    g_free(s->message);
    g_free(s->activity);
    g_free(s->activity_text);
    g_free(s->preset);
    memset(s, 0, sizeof *s);
}

static void own_copy(bc_own_status *dst, const bc_own_status *src)
{
    own_clear(dst);
    *dst = *src;
    dst->message = g_strdup(src->message);
    dst->activity = g_strdup(src->activity);
    dst->activity_text = g_strdup(src->activity_text);
    dst->preset = g_strdup(src->preset);
}

void bc_status_set_publisher(bc_status_publisher fn) { publisher = fn; }

static void publish(void)
{
    bc_dirty(BC_DIRTY_TABS);
    if (publisher)
        publisher(&cur);
}

static void add_preset(const char *key, const char *label, bc_show show, const char *activity,
                       const char *text, int fkey)
{
    bc_preset *p = g_new0(bc_preset, 1);
    p->key = g_strdup(key);
    p->label = g_strdup(label);
    p->show = show;
    p->activity = g_strdup(activity);
    p->text = g_strdup(text);
    p->fkey = fkey;
    g_ptr_array_add(presets, p);
}

static int parse_fkey(const char *s)
{
    if (!s || (s[0] != 'F' && s[0] != 'f'))
        return 0;
    int n = atoi(s + 1);
    return n >= 1 && n <= 12 ? n : 0;
}

/* Activity values are "general" or "general/specific" in [a-z_]. */
static bool activity_valid(const char *a)
{
    if (!a || !*a)
        return true;
    int slashes = 0;
    for (const char *p = a; *p; p++) {
        if (*p == '/')
            slashes++;
        else if (!(*p >= 'a' && *p <= 'z') && *p != '_')
            return false;
    }
    return slashes <= 1 && a[0] != '/' && a[strlen(a) - 1] != '/';
}

/* [preset.KEY] groups in the config override the defaults or add
 * presets: label, show, activity, text, key (F1..F12). */
static void load_config_presets(void)
{
    char **grps = bc_config_groups();
    for (char **g = grps; *g; g++) {
        if (!g_str_has_prefix(*g, "preset.") || !(*g)[7])
            continue;
        const char *k = *g + 7;
        char *label = bc_config_string(*g, "label", NULL);
        char *show = bc_config_string(*g, "show", NULL);
        char *activity = bc_config_string(*g, "activity", NULL);
        char *text = bc_config_string(*g, "text", NULL);
        char *key = bc_config_string(*g, "key", NULL);
        bc_preset *p = (bc_preset *)bc_preset_find(k);
        if (!p) {
            add_preset(k, label ? label : k, BC_SHOW_ONLINE, NULL, NULL, 0);
            p = presets->pdata[presets->len - 1];
        }
        if (label) {
            g_free(p->label);
            p->label = g_strdup(label);
        }
        if (show)
            p->show = bc_show_parse(show);
        if (activity && activity_valid(activity)) {
            g_free(p->activity);
            p->activity = *activity ? g_strdup(activity) : NULL;
        } else if (activity) {
            bc_console_err("config [%s] activity=%s ignored: use general or general/specific "
                           "from XEP-0108, e.g. talking/on_the_phone", *g, activity);
        }
        if (text) {
            g_free(p->text);
            p->text = *text ? g_strdup(text) : NULL;
        }
        if (key) {
            int f = parse_fkey(key);
            if (!f && *key)
                bc_console_err("config [%s] key=%s ignored: use F1 to F12", *g, key);
            /* A key moves from whichever preset had it. */
            for (guint j = 0; f && j < presets->len; j++)
                if (((bc_preset *)presets->pdata[j])->fkey == f)
                    ((bc_preset *)presets->pdata[j])->fkey = 0;
            if (f)
                p->fkey = f;
        }
        g_free(label);
        g_free(show);
        g_free(activity);
        g_free(text);
        g_free(key);
    }
    g_strfreev(grps);
}

static void arm_idle_timer(void);

void bc_status_init(void)
{
    bc_status_free();
    presets = g_ptr_array_new_with_free_func((GDestroyNotify)preset_free);
    add_preset("available", "Available", BC_SHOW_ONLINE, NULL, NULL, 1);
    add_preset("lunch", "At Lunch", BC_SHOW_AWAY, "eating/having_lunch", NULL, 2);
    add_preset("busy", "Busy", BC_SHOW_DND, NULL, NULL, 3);
    add_preset("meeting", "In a Meeting", BC_SHOW_DND, "working/in_a_meeting", NULL, 4);
    add_preset("training", "Training", BC_SHOW_DND, "working", "Training", 5);
    add_preset("call", "On a Call", BC_SHOW_DND, "talking/on_the_phone", NULL, 6);
    load_config_presets();
    cur.show = BC_SHOW_ONLINE;
    last_active_ms = bc_now_ms();
    arm_idle_timer();
}

void bc_status_free(void)
{
    bc_timer_cancel(revert_timer);
    bc_timer_cancel(tick_timer);
    bc_timer_cancel(idle_timer);
    revert_timer = tick_timer = idle_timer = 0;
    own_clear(&cur);
    own_clear(&before_timed);
    own_clear(&before_auto);
    have_before_timed = have_before_auto = false;
    if (presets)
        g_ptr_array_free(presets, TRUE);
    presets = NULL;
}

GPtrArray *bc_presets(void) { return presets; }

const bc_preset *bc_preset_find(const char *name)
{
    if (!presets || !name)
        return NULL;
    for (guint i = 0; i < presets->len; i++) {
        bc_preset *p = presets->pdata[i];
        if (g_ascii_strcasecmp(p->key, name) == 0 || g_ascii_strcasecmp(p->label, name) == 0)
            return p;
    }
    return NULL;
}

const bc_preset *bc_preset_for_fkey(int n)
{
    for (guint i = 0; presets && i < presets->len; i++)
        if (((bc_preset *)presets->pdata[i])->fkey == n)
            return presets->pdata[i];
    return NULL;
}

const bc_own_status *bc_status_current(void) { return &cur; }

static void tick(void *data)
{
    tick_timer = 0;
    bc_dirty(BC_DIRTY_TABS);
    if (cur.until)
        tick_timer = bc_timer_add(60000, tick, NULL);
}

static char *label_of(const bc_own_status *s)
{
    const bc_preset *p = s->preset ? bc_preset_find(s->preset) : NULL;
    if (p)
        return g_strdup(p->label);
    if (s->message)
        return g_strdup_printf("%s: %s", bc_show_name(s->show), s->message);
    return g_strdup(bc_show_name(s->show));
}

static void revert(void *data)
{
    revert_timer = 0;
    if (!have_before_timed)
        return;
    char *was = label_of(&cur);
    own_copy(&cur, &before_timed);
    own_clear(&before_timed);
    have_before_timed = false;
    char *now = label_of(&cur);
    bc_console("Your timed status \"%s\" ended; you are %s again.", was, now);
    g_free(was);
    g_free(now);
    bc_timer_cancel(tick_timer);
    tick_timer = 0;
    publish();
    arm_idle_timer();
}

void bc_status_set(bc_show show, const char *message, const char *activity,
                   const char *activity_text, const char *preset, int64_t until)
{
    bc_timer_cancel(revert_timer);
    revert_timer = 0;
    if (until) {
        /* A timed status on top of a timed one still returns to the
         * status from before the first. */
        if (!have_before_timed)
            own_copy(&before_timed, have_before_auto ? &before_auto : &cur);
        have_before_timed = true;
        int64_t ms = (until - (int64_t)time(NULL)) * 1000;
        revert_timer = bc_timer_add(ms > 0 ? (unsigned)MIN(ms, (int64_t)G_MAXUINT) : 0, revert,
                                    NULL);
        bc_timer_cancel(tick_timer);
        tick_timer = bc_timer_add(60000, tick, NULL);
    } else if (have_before_timed) {
        own_clear(&before_timed);
        have_before_timed = false;
    }
    own_clear(&before_auto);
    have_before_auto = false;
    own_clear(&cur);
    cur.show = show;
    cur.message = message && *message ? g_strdup(message) : NULL;
    cur.activity = activity && *activity ? g_strdup(activity) : NULL;
    cur.activity_text = activity_text && *activity_text ? g_strdup(activity_text) : NULL;
    cur.preset = g_strdup(preset);
    cur.until = until;
    publish();
    arm_idle_timer();
}

bool bc_status_apply_preset(const char *name, int64_t until, GError **err)
{
    const bc_preset *p = bc_preset_find(name);
    if (!p) {
        GString *known = g_string_new(NULL);
        for (guint i = 0; presets && i < presets->len; i++)
            g_string_append_printf(known, "%s%s", i ? ", " : "",
                                   ((bc_preset *)presets->pdata[i])->key);
        g_set_error(err, g_quark_from_static_string("bc-status"), 1,
                    "no status preset \"%s\" (presets: %s)", name, known->str);
        g_string_free(known, TRUE);
        return false;
    }
    bc_status_set(p->show, p->show == BC_SHOW_ONLINE && !p->activity ? NULL : p->label,
                  p->activity, p->text, p->key, until);
    return true;
}

static bool parse_clock(const char *s, int64_t now, int64_t *until)
{
    int h = -1, m = -1;
    char extra;
    if (sscanf(s, "%d:%d%c", &h, &m, &extra) != 2 || h < 0 || h > 23 || m < 0 || m > 59)
        return false;
    time_t t = (time_t)now;
    struct tm tm;
    localtime_r(&t, &tm);
    tm.tm_hour = h;
    tm.tm_min = m;
    tm.tm_sec = 0;
    tm.tm_isdst = -1;
    time_t when = mktime(&tm);
    if (when <= t) {
        tm.tm_mday += 1;
        tm.tm_isdst = -1;
        when = mktime(&tm);
    }
    *until = (int64_t)when;
    return true;
}

bool bc_duration_parse(const char *s, int64_t now, int64_t *until, GError **err)
{
    GQuark q = g_quark_from_static_string("bc-status");
    if (!s || !*s) {
        g_set_error(err, q, 1, "empty duration (e.g. 30m, 1h, 1h30m, 90s, or until 15:00)");
        return false;
    }
    if (g_str_has_prefix(s, "until ")) {
        s += 6;
        while (*s == ' ')
            s++;
    }
    if (strchr(s, ':')) {
        if (parse_clock(s, now, until))
            return true;
        g_set_error(err, q, 1, "\"%s\" is not a time of day (use HH:MM, e.g. 15:00)", s);
        return false;
    }
    int64_t secs = 0;
    const char *p = s;
    bool any = false;
    char last_unit = 0;
    while (*p) {
        if (!g_ascii_isdigit(*p))
            goto bad;
        int64_t n = 0;
        while (g_ascii_isdigit(*p)) {
            n = n * 10 + (*p - '0');
            if (n > 100000)
                goto bad;
            p++;
        }
        char unit = *p ? g_ascii_tolower(*p) : (last_unit == 'h' ? 'm' : 'm');
        if (*p)
            p++;
        if (unit == 'h')
            secs += n * 3600;
        else if (unit == 'm')
            secs += n * 60;
        else if (unit == 's')
            secs += n;
        else
            goto bad;
        last_unit = unit;
        any = true;
    }
    if (!any || secs <= 0 || secs > 7 * 24 * 3600)
        goto bad;
    *until = now + secs;
    return true;
bad:
    g_set_error(err, q, 1,
                "\"%s\" is not a duration (e.g. 30m, 1h, 1h30m, 90s, or until 15:00)", s);
    return false;
}

/* Auto-away ------------------------------------------------------------- */

static int away_minutes(void) { return bc_config_int("status", "autoaway_minutes", 15); }
static int xa_minutes(void) { return bc_config_int("status", "autoxa_minutes", 60); }

static void idle_check(void *data);
static int away_minutes(void);
static int xa_minutes(void);

/* Only an available status the user chose is changed automatically: a
 * chosen busy, away or preset stays what the user said. */
static bool auto_eligible(void)
{
    if (cur.automatic)
        return cur.show == BC_SHOW_AWAY && xa_minutes() > 0;
    return (cur.show == BC_SHOW_ONLINE || cur.show == BC_SHOW_CHAT) && !cur.until &&
           away_minutes() > 0;
}

/* One timer, at the next threshold; nothing at all when no automatic
 * change is possible, so an idle busy client does not wake up. */
static void arm_idle_timer(void)
{
    bc_timer_cancel(idle_timer);
    idle_timer = 0;
    if (!auto_eligible())
        return;
    int64_t target = (int64_t)(cur.automatic ? xa_minutes() : away_minutes()) * 60000;
    int64_t next = target - (bc_now_ms() - last_active_ms);
    idle_timer = bc_timer_add(next > 0 ? (unsigned)MIN(next, (int64_t)G_MAXUINT) : 0,
                              idle_check, NULL);
}

static void go_auto(bc_show show, int64_t idle_since)
{
    if (!have_before_auto) {
        own_copy(&before_auto, &cur);
        have_before_auto = true;
    }
    g_free(cur.message);
    cur.message = g_strdup(show == BC_SHOW_XA ? "Away (idle for a long time)" : "Away (idle)");
    cur.show = show;
    cur.automatic = true;
    cur.idle_since = idle_since;
    g_clear_pointer(&cur.activity, g_free);
    g_clear_pointer(&cur.activity_text, g_free);
    g_clear_pointer(&cur.preset, g_free);
    publish();
}

static void idle_check(void *data)
{
    idle_timer = 0;
    int64_t idle_ms = bc_now_ms() - last_active_ms;
    int64_t idle_since = (int64_t)time(NULL) - idle_ms / 1000;
    if (auto_eligible()) {
        if (!cur.automatic && idle_ms >= (int64_t)away_minutes() * 60000)
            go_auto(BC_SHOW_AWAY, idle_since);
        else if (cur.automatic && idle_ms >= (int64_t)xa_minutes() * 60000)
            go_auto(BC_SHOW_XA, idle_since);
    }
    arm_idle_timer();
}

void bc_status_user_active(void)
{
    last_active_ms = bc_now_ms();
    if (cur.automatic && have_before_auto) {
        own_copy(&cur, &before_auto);
        own_clear(&before_auto);
        have_before_auto = false;
        publish();
        arm_idle_timer();
    } else if (!idle_timer) {
        arm_idle_timer();
    }
}

void bc_status_republish(void)
{
    /* After a suspend the timer may not have fired yet: a timed status
     * whose time is up reverts instead of being published again. */
    if (cur.until && cur.until <= (int64_t)time(NULL)) {
        bc_timer_cancel(revert_timer);
        revert_timer = 0;
        revert(NULL);
        return;
    }
    publish();
}

char *bc_status_describe(void)
{
    char *label = label_of(&cur);
    if (!cur.until)
        return label;
    int64_t left = cur.until - (int64_t)time(NULL);
    if (left < 0)
        left = 0;
    char *out = left >= 3600 ? g_strdup_printf("%s (%lldh%02lld left)", label,
                                               (long long)(left / 3600),
                                               (long long)(left % 3600 / 60))
                             : g_strdup_printf("%s (%lldm left)", label,
                                               (long long)((left + 59) / 60));
    g_free(label);
    return out;
}
