/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The hotlist: which tabs have activity and how urgent it is, the read
 * marker, and reply-wait timers. The state lives in the bc_conv fields
 * hot_* and wait_since; the levels are derived from the unread and
 * mention counts, so a count the caller takes back (room history on
 * join) takes the activity back with it. */
#include "backchat/hotlist.h"
#include "backchat/config.h"
#include "conv_internal.h"

#include <string.h>
#include <time.h>

static int64_t fixed_now;

void bc_hotlist_set_now(int64_t t) { fixed_now = t; }

static int64_t now_s(void) { return fixed_now ? fixed_now : (int64_t)time(NULL); }

static bool is_chat(const bc_conv *c)
{
    return c && (c->type == BC_CONV_CHAT || c->type == BC_CONV_PRIVATE);
}

bc_activity bc_hotlist_level(const bc_conv *c)
{
    if (!c || c == bc_conv_current() || c->type == BC_CONV_CONSOLE)
        return BC_ACT_NONE;
    if (c->mentions)
        return BC_ACT_HIGHLIGHT;
    if (c->unread)
        return is_chat(c) ? BC_ACT_PRIVATE : BC_ACT_MESSAGE;
    return c->hot_low ? BC_ACT_LOW : BC_ACT_NONE;
}

const char *bc_activity_name(bc_activity a)
{
    switch (a) {
    case BC_ACT_LOW: return "low";
    case BC_ACT_MESSAGE: return "message";
    case BC_ACT_PRIVATE: return "private";
    case BC_ACT_HIGHLIGHT: return "highlight";
    default: return "none";
    }
}

static void remove_markers(bc_conv *c)
{
    for (size_t i = c->len; i > 0; i--)
        if (bc_ring_at(c, i - 1)->read_marker)
            bc_conv_remove(c, i - 1);
    for (guint i = c->held ? c->held->len : 0; i > 0; i--)
        if (((bc_line *)c->held->pdata[i - 1])->read_marker)
            g_ptr_array_remove_index(c->held, i - 1);
}

/* The marker goes right above `l`, the first line that came in since the
 * tab was left. */
static void place_marker(bc_conv *c, const bc_line *l)
{
    size_t i = c->len;
    while (i > 0 && bc_ring_at(c, i - 1) != l)
        i--;
    if (i <= 1)
        return; /* not in the ring, or nothing above it to set apart */
    i--;
    if (c->len == c->cap) {
        bc_line_free(bc_ring_take(c, 0));
        i--;
        if (bc_history_active(c))
            c->more_older = true;
        if (i == 0)
            return;
    }
    bc_line *m = bc_line_new(l->ts, BC_LINE_SYS, NULL, BC_READ_MARKER);
    m->read_marker = true;
    bc_ring_insert(c, i, m);
    c->hot_marked = true;
}

void bc_hotlist_note(bc_conv *c, bc_line *l)
{
    if (!c || !l || l->read_marker)
        return;
    int64_t now = now_s();
    if (is_chat(c)) {
        /* Our reply (typed here or carbon-copied from another client)
         * ends the wait; the first unanswered message starts it. */
        if (l->kind == BC_LINE_OUT)
            c->wait_since = 0;
        else if (l->kind == BC_LINE_IN && !c->wait_since)
            c->wait_since = l->ts > 0 && l->ts < now ? l->ts : now;
        bc_dirty(BC_DIRTY_TABS);
    }
    if (c == bc_conv_current() || c->type == BC_CONV_CONSOLE)
        return;
    bc_activity before = bc_hotlist_level(c);
    bool counts = l->kind == BC_LINE_IN || (l->kind == BC_LINE_SYS && c->type == BC_CONV_ROOM);
    if (!counts)
        return;
    if (l->kind == BC_LINE_SYS)
        c->hot_low = true;
    if (before == BC_ACT_NONE)
        c->hot_since = now;
    if (l->kind == BC_LINE_IN && c->hot_visited && !c->hot_marked && !c->more_newer)
        place_marker(c, l);
    bc_dirty(BC_DIRTY_TABS);
}

void bc_hotlist_focus(bc_conv *from, bc_conv *to)
{
    if (from && from != to) {
        /* Read and left: the next visit marks from here. */
        remove_markers(from);
        from->hot_marked = false;
    }
    if (to) {
        to->hot_low = false;
        to->hot_since = 0;
        to->hot_visited = true;
    }
}

static gint cmp_urgency(gconstpointer pa, gconstpointer pb)
{
    const bc_conv *a = *(const bc_conv *const *)pa, *b = *(const bc_conv *const *)pb;
    bc_activity la = bc_hotlist_level(a), lb = bc_hotlist_level(b);
    if (la != lb)
        return la > lb ? -1 : 1;
    if (a->hot_since != b->hot_since)
        return a->hot_since < b->hot_since ? -1 : 1;
    size_t ia = bc_conv_index(a), ib = bc_conv_index(b);
    return ia < ib ? -1 : ia > ib;
}

GPtrArray *bc_hotlist_order(void)
{
    GPtrArray *out = g_ptr_array_new();
    for (size_t i = 1; i < bc_conv_count(); i++) {
        bc_conv *c = bc_conv_nth(i);
        if (bc_hotlist_level(c) != BC_ACT_NONE)
            g_ptr_array_add(out, c);
    }
    g_ptr_array_sort(out, cmp_urgency);
    return out;
}

bc_conv *bc_hotlist_next(void)
{
    GPtrArray *o = bc_hotlist_order();
    bc_conv *c = o->len ? o->pdata[0] : NULL;
    g_ptr_array_unref(o);
    return c;
}

int64_t bc_hotlist_wait_seconds(const bc_conv *c)
{
    if (!is_chat(c) || !c->wait_since)
        return -1;
    int64_t s = now_s() - c->wait_since;
    return s > 0 ? s : 0;
}

char *bc_hotlist_wait_label(const bc_conv *c)
{
    int64_t s = bc_hotlist_wait_seconds(c);
    if (s < 0)
        return NULL;
    int64_t m = s / 60;
    if (m < 60)
        return g_strdup_printf("%" G_GINT64_FORMAT "m", m);
    if (m < 24 * 60)
        return g_strdup_printf("%" G_GINT64_FORMAT "h%" G_GINT64_FORMAT "m", m / 60, m % 60);
    return g_strdup_printf("%" G_GINT64_FORMAT "d", m / (24 * 60));
}

bool bc_hotlist_wait_warn(const bc_conv *c)
{
    int64_t s = bc_hotlist_wait_seconds(c);
    int warn = bc_config_int("hotlist", "reply_warn_minutes", 5);
    return s >= 0 && s / 60 >= (warn > 0 ? warn : 0);
}

bool bc_hotlist_waiting(void)
{
    for (size_t i = 1; i < bc_conv_count(); i++)
        if (bc_hotlist_wait_seconds(bc_conv_nth(i)) >= 0)
            return true;
    return false;
}

unsigned bc_hotlist_tick_ms(void)
{
    int64_t now_ms = fixed_now ? fixed_now * 1000 : g_get_real_time() / 1000;
    int64_t best = -1;
    for (size_t i = 1; i < bc_conv_count(); i++) {
        bc_conv *c = bc_conv_nth(i);
        if (bc_hotlist_wait_seconds(c) < 0)
            continue;
        int64_t waited = now_ms - c->wait_since * 1000;
        if (waited < 0)
            waited = 0;
        /* Just after the minute turns, so the label has changed. */
        int64_t left = 60000 - waited % 60000 + 100;
        if (best < 0 || left < best)
            best = left;
    }
    return best < 0 ? 0 : (unsigned)best;
}

long bc_hotlist_marker_index(const bc_conv *c)
{
    for (size_t i = c ? c->len : 0; i > 0; i--)
        if (bc_conv_line(c, i - 1)->read_marker)
            return (long)(i - 1);
    return -1;
}

bool bc_hotlist_jump_unread(bc_conv *c, GError **err)
{
    long m = bc_hotlist_marker_index(c);
    if (m < 0) {
        g_set_error(err, g_quark_from_static_string("bc-hotlist"), 1,
                    "no unread lines marked in this tab: the marker shows when lines come "
                    "in while you are in another tab");
        return false;
    }
    /* Rows from the marker to the newest line; the marker goes on top. */
    long rows = 0;
    for (size_t i = (size_t)m; i < c->len; i++)
        rows += bc_conv_line_rows(bc_conv_line(c, i));
    long target = rows - bc_conv_page();
    if (target < 0)
        target = 0;
    if (target != c->scroll)
        bc_conv_scroll(c, (int)(target - c->scroll));
    bc_dirty(BC_DIRTY_VIEW | BC_DIRTY_TABS);
    return true;
}
