/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The buddy list: a column on the right of the view with the roster
 * grouped by roster group, by status or not at all, a presence glyph,
 * unread counts, and a second dim row with the activity or status
 * message.
 *
 * Cheap with thousands of contacts: the list of rows (headers, contacts,
 * detail rows) is an array of small structs rebuilt only when the roster
 * version or the panel settings change (the buffers are reused, nothing
 * is allocated per contact), and a redraw touches only the rows on
 * screen. */
#include "backchat/conv.h"
#include "backchat/hotlist.h"
#include "backchat/roster.h"
#include "backchat/wrap.h"
#include "ui_internal.h"

#include <stdio.h>
#include <string.h>

enum { ROW_HEAD, ROW_CONTACT, ROW_DETAIL };

typedef struct {
    unsigned kind : 2;
    unsigned head : 30;  /* ROW_HEAD: index in `heads` */
    bc_contact *c;       /* ROW_CONTACT, ROW_DETAIL */
} prow;

typedef struct {
    const char *name;    /* borrowed: a roster group name or a literal */
    unsigned online, total;
    bool ratio;          /* "3/5" (groups) or just "12" (statuses) */
} phead;

static GArray *rows;       /* of prow */
static GArray *heads;      /* of phead */
static GPtrArray *members; /* BY_GROUP scratch: contacts bucketed per group */
static GArray *counts;     /* BY_GROUP scratch: guint per group */
static GHashTable *gindex; /* BY_GROUP scratch: group name -> index + 1 */

static bool built;
static unsigned built_version;
static bc_roster_grouping built_by;
static bool built_offline;

static int top;            /* first row on screen */
static guint sel_hint;     /* row of the selection last time we knew it */
static unsigned drawn_version;
static unsigned drawn_unread;
static bool drawn;

#define MIN_PANEL 14 /* narrower than this is useless: hide */
#define MIN_VIEW 30  /* the conversation keeps at least this many columns */

int bc_panel_cols(int cols)
{
    return bc_roster_view_get()->visible ? bc_side_panel_cols(cols) : 0;
}

int bc_side_panel_cols(int cols)
{
    int w = bc_roster_view_get()->width;
    if (w < 16)
        w = 16;
    if (w > 80)
        w = 80;
    int room = cols - MIN_VIEW - 1;
    if (w > room)
        w = room;
    return w < MIN_PANEL ? 0 : w + 1;
}

void bc_panel_free(void)
{
    if (rows)
        g_array_free(rows, TRUE);
    if (heads)
        g_array_free(heads, TRUE);
    if (members)
        g_ptr_array_free(members, TRUE);
    if (counts)
        g_array_free(counts, TRUE);
    if (gindex)
        g_hash_table_destroy(gindex);
    rows = heads = counts = NULL;
    members = NULL;
    gindex = NULL;
    built = drawn = false;
}

/* Gets a row of its own (offline contacts are counted, not listed,
 * unless asked for). */
static bool shown(const bc_contact *c, bool offline)
{
    return c->show != BC_SHOW_OFFLINE || offline;
}

static bool has_detail(const bc_contact *c)
{
    return (c->activity && *c->activity) || (c->activity_text && *c->activity_text) ||
           (c->status && *c->status);
}

static void add_head(const char *name, unsigned online, unsigned total, bool ratio)
{
    phead h = {.name = name, .online = online, .total = total, .ratio = ratio};
    g_array_append_val(heads, h);
    prow r = {.kind = ROW_HEAD, .head = heads->len - 1};
    g_array_append_val(rows, r);
}

static void add_contact(bc_contact *c)
{
    prow r = {.kind = ROW_CONTACT, .c = c};
    g_array_append_val(rows, r);
    if (has_detail(c)) {
        r.kind = ROW_DETAIL;
        g_array_append_val(rows, r);
    }
}

/* Contacts in the panel: the roster, and strangers only while online
 * (someone who wrote to us and shares presence). */
static bool in_panel(const bc_contact *c)
{
    return c->in_roster || c->show != BC_SHOW_OFFLINE;
}

/* Bucket of a contact's k-th group (0-based), or -1; `ng - 1` is "no
 * group". */
static long bucket_of(const bc_contact *c, guint k, guint ng)
{
    if (c->groups->len == 0)
        return (long)ng - 1;
    guint b = GPOINTER_TO_UINT(g_hash_table_lookup(gindex, c->groups->pdata[k]));
    return b ? (long)b - 1 : -1;
}

static void build_by_group(GPtrArray *sorted, bool offline)
{
    GPtrArray *groups = bc_roster_groups();
    guint ng = groups->len + 1; /* the last bucket: no group ("Contacts") */
    if (!gindex)
        gindex = g_hash_table_new(g_str_hash, g_str_equal);
    g_hash_table_remove_all(gindex);
    for (guint i = 0; i < groups->len; i++)
        g_hash_table_insert(gindex, groups->pdata[i], GUINT_TO_POINTER(i + 1));
    /* counts: [0, ng) members per bucket, [ng, 2ng) of them online,
     * [2ng, 3ng) where each bucket goes in `members`. */
    g_array_set_size(counts, 3 * ng);
    guint *cnt = (guint *)(void *)counts->data;
    memset(cnt, 0, sizeof(guint) * 3 * ng);
    guint total = 0;
    for (guint i = 0; i < sorted->len; i++) {
        bc_contact *c = sorted->pdata[i];
        if (!in_panel(c))
            continue;
        guint n = c->groups->len ? c->groups->len : 1;
        for (guint k = 0; k < n; k++) {
            long b = bucket_of(c, k, ng);
            if (b < 0)
                continue;
            cnt[b]++;
            if (c->show != BC_SHOW_OFFLINE)
                cnt[ng + (guint)b]++;
            total++;
        }
    }
    /* Bucket the contacts; each bucket keeps the roster's order. */
    g_ptr_array_set_size(members, total);
    guint *off = cnt + 2 * ng;
    for (guint b = 0, acc = 0; b < ng; b++) {
        off[b] = acc;
        acc += cnt[b];
    }
    for (guint i = 0; i < sorted->len; i++) {
        bc_contact *c = sorted->pdata[i];
        if (!in_panel(c))
            continue;
        guint n = c->groups->len ? c->groups->len : 1;
        for (guint k = 0; k < n; k++) {
            long b = bucket_of(c, k, ng);
            if (b >= 0)
                members->pdata[off[b]++] = c;
        }
    }
    for (guint b = 0, acc = 0; b < ng; b++) {
        guint n = cnt[b];
        if (n) {
            const char *name = b < groups->len ? groups->pdata[b] : "Contacts";
            add_head(name, cnt[ng + b], n, true);
            for (guint i = 0; i < n; i++) {
                bc_contact *c = members->pdata[acc + i];
                if (shown(c, offline))
                    add_contact(c);
            }
        }
        acc += n;
    }
}

/* Statuses in the roster's order (chat, online, away, xa, dnd, offline). */
static int status_bucket(bc_show s)
{
    switch (s) {
    case BC_SHOW_CHAT:
    case BC_SHOW_ONLINE: return 0;
    case BC_SHOW_AWAY:
    case BC_SHOW_XA: return 1;
    case BC_SHOW_DND: return 2;
    default: return 3;
    }
}

static void build_by_status(GPtrArray *sorted, bool offline)
{
    static const char *const names[] = {"Online", "Away", "Busy", "Offline"};
    unsigned n[4] = {0};
    for (guint i = 0; i < sorted->len; i++) {
        bc_contact *c = sorted->pdata[i];
        if (in_panel(c))
            n[status_bucket(c->show)]++;
    }
    int cur = -1;
    for (guint i = 0; i < sorted->len; i++) {
        bc_contact *c = sorted->pdata[i];
        if (!in_panel(c))
            continue;
        int b = status_bucket(c->show);
        if (b != cur) {
            /* The roster is sorted by availability: one run per bucket. */
            cur = b;
            add_head(names[b], n[b], n[b], false);
        }
        if (shown(c, offline))
            add_contact(c);
    }
}

static void build_flat(GPtrArray *sorted, bool offline)
{
    unsigned on = 0, all = 0;
    for (guint i = 0; i < sorted->len; i++) {
        bc_contact *c = sorted->pdata[i];
        if (in_panel(c)) {
            all++;
            on += c->show != BC_SHOW_OFFLINE;
        }
    }
    if (all)
        add_head("Contacts", on, all, true);
    for (guint i = 0; i < sorted->len; i++) {
        bc_contact *c = sorted->pdata[i];
        if (in_panel(c) && shown(c, offline))
            add_contact(c);
    }
}

static void rebuild(void)
{
    bc_roster_view *v = bc_roster_view_get();
    GPtrArray *sorted = bc_roster_sorted(); /* sorts lazily: before the version */
    unsigned ver = bc_roster_version();
    if (built && ver == built_version && v->by == built_by && v->show_offline == built_offline)
        return;
    if (!rows) {
        rows = g_array_new(FALSE, FALSE, sizeof(prow));
        heads = g_array_new(FALSE, FALSE, sizeof(phead));
        members = g_ptr_array_new();
        counts = g_array_new(FALSE, TRUE, sizeof(guint));
    }
    g_array_set_size(rows, 0);
    g_array_set_size(heads, 0);
    switch (v->by) {
    case BC_ROSTER_BY_STATUS: build_by_status(sorted, v->show_offline); break;
    case BC_ROSTER_FLAT: build_flat(sorted, v->show_offline); break;
    default: build_by_group(sorted, v->show_offline); break;
    }
    built = true;
    built_version = ver;
    built_by = v->by;
    built_offline = v->show_offline;
}

static prow *row_at(guint i) { return &g_array_index(rows, prow, i); }

/* The row of the selected contact, or -1. Prefers the occurrence we
 * moved to last (a contact in two groups is listed twice). */
static long selected_row(bc_contact **out)
{
    bc_roster_view *v = bc_roster_view_get();
    bc_contact *sel = v->selected ? bc_roster_get(v->selected) : NULL;
    if (out)
        *out = sel;
    if (!sel)
        return -1;
    if (sel_hint < rows->len && row_at(sel_hint)->kind == ROW_CONTACT &&
        row_at(sel_hint)->c == sel)
        return (long)sel_hint;
    for (guint i = 0; i < rows->len; i++)
        if (row_at(i)->kind == ROW_CONTACT && row_at(i)->c == sel) {
            sel_hint = i;
            return (long)i;
        }
    return -1;
}

void bc_panel_move(int dir)
{
    rebuild();
    bc_roster_view *v = bc_roster_view_get();
    long at = selected_row(NULL);
    long i;
    if (at >= 0)
        i = at + dir;
    else if (v->selected && sel_hint < rows->len)
        i = (long)sel_hint; /* the selection went away: go on from where it was */
    else
        i = dir > 0 ? top : top + (long)bc_conv_page() - 1;
    if (i >= (long)rows->len)
        i = (long)rows->len - 1;
    while (i >= 0 && i < (long)rows->len && row_at((guint)i)->kind != ROW_CONTACT)
        i += dir;
    if (i < 0 || i >= (long)rows->len) {
        /* Nothing further that way: keep the selection, or take the
         * nearest contact the other way. */
        if (at >= 0)
            return;
        for (i = dir > 0 ? (long)rows->len - 1 : 0;
             i >= 0 && i < (long)rows->len && row_at((guint)i)->kind != ROW_CONTACT; i -= dir)
            ;
        if (i < 0 || i >= (long)rows->len)
            return;
    }
    bc_contact *c = row_at((guint)i)->c;
    if (!v->selected || strcmp(v->selected, c->jid) != 0) {
        g_free(v->selected);
        v->selected = g_strdup(c->jid);
    }
    sel_hint = (guint)i;
    bc_dirty(BC_DIRTY_ROSTER);
}

void bc_panel_toggle(void)
{
    bc_roster_view *v = bc_roster_view_get();
    v->visible = !v->visible;
    bc_dirty(BC_DIRTY_ALL);
}

void bc_panel_resize_by(int delta)
{
    bc_roster_view *v = bc_roster_view_get();
    int w = v->width + delta;
    v->width = w < 16 ? 16 : w > 80 ? 80 : w;
    if (!v->visible)
        v->visible = true;
    bc_dirty(BC_DIRTY_ALL);
}

static unsigned unread_signature(void)
{
    unsigned h = 2166136261u;
    for (size_t i = 0; i < bc_conv_count(); i++) {
        bc_conv *c = bc_conv_nth(i);
        if (c->type != BC_CONV_CHAT)
            continue;
        h = (h ^ (unsigned)i) * 16777619u;
        h = (h ^ c->unread) * 16777619u;
        /* The reply-wait minutes shown on the contact's row. */
        h = (h ^ (unsigned)(bc_hotlist_wait_seconds(c) / 60 + 1)) * 16777619u;
    }
    return h;
}

bool bc_panel_stale(void)
{
    return !drawn || drawn_version != bc_roster_version() || drawn_unread != unread_signature();
}

/* Pads the rest of the row (for the selection bar). */
static void pad_row(WINDOW *w)
{
    int x = getcurx(w), wd = getmaxx(w);
    for (; x < wd; x++)
        waddch(w, ' ');
}

static void draw_head(WINDOW *w, const phead *h, int width)
{
    char num[32];
    if (h->ratio)
        snprintf(num, sizeof num, " %u/%u", h->online, h->total);
    else
        snprintf(num, sizeof num, " %u", h->total);
    int nw = (int)strlen(num);
    wattron(w, COLOR_PAIR(PAIR_HEAD) | A_BOLD);
    int used = bc_ui_put_fit(w, h->name, width - nw > 4 ? width - nw : width);
    wattroff(w, COLOR_PAIR(PAIR_HEAD) | A_BOLD);
    if (used + nw <= width) {
        wattron(w, COLOR_PAIR(PAIR_HEAD));
        waddstr(w, num);
        wattroff(w, COLOR_PAIR(PAIR_HEAD));
    }
}

static void draw_contact(WINDOW *w, bc_contact *c, int width, bool selected)
{
    /* " ● name       (3)"; the selection is reversed and marked "▸", so
     * it shows without colours too. */
    attr_t sel = selected ? A_REVERSE : 0;
    wattron(w, sel);
    if (selected)
        waddstr(w, bc_ui_utf8() ? "\xe2\x96\xb8" : ">");
    else
        waddch(w, ' ');
    wattron(w, bc_ui_show_attr(c->show));
    waddstr(w, bc_ui_show_glyph(c->show));
    wattroff(w, bc_ui_show_attr(c->show));
    wattron(w, sel);
    waddch(w, ' ');
    char num[48] = "";
    bc_conv *conv = bc_conv_find(c->jid);
    if (conv && conv->type == BC_CONV_CHAT && conv->unread)
        snprintf(num, sizeof num, " (%u)", conv->unread);
    /* How long their message has waited for our reply, on the right. */
    char *wait = conv ? bc_hotlist_wait_label(conv) : NULL;
    int ww = wait ? (int)strlen(wait) + 1 : 0;
    int nw = (int)strlen(num);
    int room = width - 3 - nw - ww;
    attr_t name_a = c->show == BC_SHOW_OFFLINE ? bc_ui_show_attr(BC_SHOW_OFFLINE) : A_NORMAL;
    if (conv && conv->unread)
        name_a |= A_BOLD;
    wattron(w, name_a);
    bc_ui_put_fit(w, bc_contact_display(c), room > 1 ? room : 1);
    wattroff(w, name_a);
    wattron(w, sel);
    if (nw && getcurx(w) + nw <= getmaxx(w)) {
        wattron(w, COLOR_PAIR(PAIR_COUNT_UNREAD) | A_BOLD);
        waddstr(w, num);
        wattroff(w, COLOR_PAIR(PAIR_COUNT_UNREAD) | A_BOLD);
        wattron(w, sel);
    }
    if (wait && getmaxx(w) - ww + 1 > getcurx(w)) {
        if (selected)
            pad_row(w);
        attr_t wa = bc_hotlist_wait_warn(conv) ? COLOR_PAIR(PAIR_WARN) | A_BOLD : A_NORMAL;
        wattron(w, wa);
        mvwaddstr(w, getcury(w), getmaxx(w) - ww + 1, wait);
        wattroff(w, wa);
        wattron(w, sel);
    }
    g_free(wait);
    if (selected)
        pad_row(w);
    wattroff(w, A_REVERSE);
}

static void draw_detail(WINDOW *w, bc_contact *c, int width)
{
    /* "   on the phone · Calls all day", dim. */
    char *act = bc_activity_label(c->activity, c->activity_text);
    const char *st = c->status && *c->status ? c->status : NULL;
    waddstr(w, "   ");
    wattron(w, A_DIM);
    if (act && st && g_ascii_strcasecmp(act, st) != 0) {
        int used = bc_ui_put_fit(w, act, width - 3);
        if (used < width - 3 - 3) {
            waddstr(w, " \xc2\xb7 ");
            bc_ui_put_fit(w, st, width - 3 - used - 3);
        }
    } else {
        bc_ui_put_fit(w, act ? act : st ? st : "", width - 3);
    }
    wattroff(w, A_DIM);
    g_free(act);
}

void bc_panel_draw(WINDOW *w)
{
    rebuild();
    werase(w);
    int h, wd;
    getmaxyx(w, h, wd);
    /* The separator: drawn as text, so it reads the same everywhere. */
    for (int y = 0; y < h; y++)
        mvwaddstr(w, y, 0, bc_ui_utf8() ? "\xe2\x94\x82" : "|");
    int width = wd - 1;
    bc_contact *sel = NULL;
    long srow = selected_row(&sel);
    long n = (long)rows->len;
    /* Keep the selection (and its detail row) on screen; otherwise stay
     * where we were, within bounds. */
    if (srow >= 0) {
        long last = srow + (srow + 1 < n && row_at((guint)srow + 1)->kind == ROW_DETAIL ? 1 : 0);
        if (srow < top)
            top = (int)(srow > 0 && row_at((guint)srow - 1)->kind == ROW_HEAD ? srow - 1 : srow);
        else if (last >= top + h)
            top = (int)(last - h + 1);
    }
    if (top > n - h)
        top = (int)(n - h);
    if (top < 0)
        top = 0;
    if (n == 0) {
        wmove(w, 0, 2);
        wattron(w, A_DIM);
        bc_ui_put_fit(w, "no contacts", width - 1);
        wattroff(w, A_DIM);
    }
    for (int y = 0; y < h && top + y < n; y++) {
        prow *r = row_at((guint)(top + y));
        wmove(w, y, 1);
        switch (r->kind) {
        case ROW_HEAD: draw_head(w, &g_array_index(heads, phead, r->head), width); break;
        case ROW_CONTACT: draw_contact(w, r->c, width, top + y == srow); break;
        default: draw_detail(w, r->c, width); break;
        }
    }
    /* More above / below: a mark on the separator. */
    if (top > 0)
        mvwaddstr(w, 0, 0, bc_ui_utf8() ? "\xe2\x86\x91" : "^"); /* ↑ */
    if (top + h < n)
        mvwaddstr(w, h - 1, 0, bc_ui_utf8() ? "\xe2\x86\x93" : "v"); /* ↓ */
    drawn = true;
    drawn_version = bc_roster_version();
    drawn_unread = unread_signature();
}
