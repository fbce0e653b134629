/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What notifies: per-conversation levels (all, mentions, none), quiet
 * hours and dnd (only priority comes through), the markup-escaped body
 * and the key a notification replaces. Loop thread only. */
#include "backchat/config.h"
#include "backchat/muc.h"
#include "backchat/notify.h"

#include <glib.h>
#include <string.h>

static GHashTable *levels;        /* conv -> bc_notify_level + 1 */
static bool default_set;          /* /notify LEVEL in the console */
static bc_notify_level default_level;
static enum { QUIET_CONFIG, QUIET_SET, QUIET_OFF } quiet_mode;
static int quiet_from, quiet_to;

static const char *const level_names[] = {"all", "mentions", "none"};

const char *bc_notify_level_name(bc_notify_level level)
{
    return (unsigned)level < G_N_ELEMENTS(level_names) ? level_names[level] : "all";
}

bool bc_notify_level_parse(const char *s, bc_notify_level *out)
{
    for (size_t i = 0; s && i < G_N_ELEMENTS(level_names); i++)
        if (g_ascii_strcasecmp(s, level_names[i]) == 0) {
            *out = (bc_notify_level)i;
            return true;
        }
    return false;
}

static bc_notify_level default_for_all(void)
{
    if (default_set)
        return default_level;
    char *s = bc_config_string("notify", "level", "all");
    bc_notify_level l = BC_LEVEL_ALL;
    bc_notify_level_parse(s, &l);
    g_free(s);
    return l;
}

void bc_notify_set_level(const char *conv, bc_notify_level level)
{
    if (!conv) {
        default_set = true;
        default_level = level;
        return;
    }
    if (!levels)
        levels = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    g_hash_table_replace(levels, g_utf8_casefold(conv, -1), GINT_TO_POINTER(level + 1));
}

void bc_notify_clear_level(const char *conv)
{
    if (!conv || !levels)
        return;
    char *k = g_utf8_casefold(conv, -1);
    g_hash_table_remove(levels, k);
    g_free(k);
}

bool bc_notify_has_own_level(const char *conv)
{
    if (!conv || !levels)
        return false;
    char *k = g_utf8_casefold(conv, -1);
    bool r = g_hash_table_contains(levels, k);
    g_free(k);
    return r;
}

bc_notify_level bc_notify_get_level(const char *conv)
{
    if (conv && levels) {
        char *k = g_utf8_casefold(conv, -1);
        gpointer v = g_hash_table_lookup(levels, k);
        g_free(k);
        if (v)
            return (bc_notify_level)(GPOINTER_TO_INT(v) - 1);
    }
    return default_for_all();
}

static gint cmp_str_ptr(gconstpointer a, gconstpointer b)
{
    return g_strcmp0(*(char *const *)a, *(char *const *)b);
}

char **bc_notify_levels_list(void)
{
    GPtrArray *a = g_ptr_array_new();
    if (levels) {
        GHashTableIter it;
        gpointer k;
        g_hash_table_iter_init(&it, levels);
        while (g_hash_table_iter_next(&it, &k, NULL))
            g_ptr_array_add(a, g_strdup(k));
    }
    g_ptr_array_sort(a, cmp_str_ptr);
    g_ptr_array_add(a, NULL);
    return (char **)g_ptr_array_free(a, FALSE);
}

/* ---- quiet hours ---------------------------------------------------------- */

static bool parse_hhmm(const char *s, const char *end, int *min)
{
    /* H:MM or HH:MM, 00:00..23:59 (24:00 means midnight too) */
    int h = 0, m = 0, digits = 0;
    const char *p = s;
    while (p < end && g_ascii_isdigit(*p) && digits < 2) {
        h = h * 10 + (*p++ - '0');
        digits++;
    }
    if (!digits || p >= end || *p++ != ':')
        return false;
    if (end - p != 2 || !g_ascii_isdigit(p[0]) || !g_ascii_isdigit(p[1]))
        return false;
    m = (p[0] - '0') * 10 + (p[1] - '0');
    if (h > 24 || m > 59 || (h == 24 && m != 0))
        return false;
    *min = (h * 60 + m) % (24 * 60);
    return true;
}

bool bc_notify_quiet_parse(const char *s, int *from_min, int *to_min)
{
    if (!s)
        return false;
    const char *dash = strchr(s, '-');
    if (!dash)
        return false;
    int a, b;
    if (!parse_hhmm(s, dash, &a) || !parse_hhmm(dash + 1, dash + 1 + strlen(dash + 1), &b))
        return false;
    if (a == b)
        return false; /* empty or everything: say what you mean */
    *from_min = a;
    *to_min = b;
    return true;
}

bool bc_notify_in_quiet(int from_min, int to_min, int minute)
{
    if (from_min == to_min)
        return false;
    if (from_min < to_min)
        return minute >= from_min && minute < to_min;
    return minute >= from_min || minute < to_min; /* across midnight */
}

void bc_notify_set_quiet(int from_min, int to_min)
{
    quiet_mode = QUIET_SET;
    quiet_from = from_min;
    quiet_to = to_min;
}

void bc_notify_quiet_off(void) { quiet_mode = QUIET_OFF; }

bool bc_notify_get_quiet(int *from_min, int *to_min)
{
    if (quiet_mode == QUIET_OFF)
        return false;
    if (quiet_mode == QUIET_SET) {
        *from_min = quiet_from;
        *to_min = quiet_to;
        return true;
    }
    char *s = bc_config_string("notify", "quiet", NULL);
    bool ok = s && *s && bc_notify_quiet_parse(s, from_min, to_min);
    g_free(s);
    return ok;
}

/* ---- the decision ----------------------------------------------------------- */

bc_notify_verdict bc_notify_decide(bc_notify_kind kind, const char *conv, int minute_of_day,
                                   bool dnd)
{
    if (kind == BC_NOTIFY_PRIORITY)
        return BC_NOTIFY_SHOW;
    bc_notify_level level = bc_notify_get_level(conv);
    if (level == BC_LEVEL_NONE)
        return BC_NOTIFY_SKIP_LEVEL;
    if (level == BC_LEVEL_MENTIONS && kind == BC_NOTIFY_MESSAGE)
        return BC_NOTIFY_SKIP_LEVEL;
    int qf, qt;
    if (dnd || (bc_notify_get_quiet(&qf, &qt) && bc_notify_in_quiet(qf, qt, minute_of_day)))
        return BC_NOTIFY_SKIP_QUIET;
    return BC_NOTIFY_SHOW;
}

char *bc_notify_markup_escape(const char *text)
{
    GString *s = g_string_sized_new(text ? strlen(text) + 16 : 1);
    for (const char *p = text; p && *p; p++) {
        switch (*p) {
        case '&': g_string_append(s, "&amp;"); break;
        case '<': g_string_append(s, "&lt;"); break;
        case '>': g_string_append(s, "&gt;"); break;
        default: g_string_append_c(s, *p);
        }
    }
    return g_string_free(s, FALSE);
}

char *bc_notify_key(bc_notify_kind kind, const char *conv)
{
    /* Messages, mentions, attention and announcements of one conversation
     * share a notification; a subscription request is its own. */
    const char *cls = kind == BC_NOTIFY_SUBSCRIPTION ? "sub" : "conv";
    char *c = conv ? g_utf8_casefold(conv, -1) : g_strdup("");
    char *k = g_strconcat(cls, ":", c, NULL);
    g_free(c);
    return k;
}

/* One definition of "names us" for chats and rooms alike. */
bool bc_notify_mentions(const char *text, const char *nick)
{
    return bc_muc_mentions(text, nick);
}

void bc_notify_policy_reset(void)
{
    g_clear_pointer(&levels, g_hash_table_destroy);
    default_set = false;
    quiet_mode = QUIET_CONFIG;
}
