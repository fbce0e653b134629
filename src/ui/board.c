/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The team board: everyone in a roster group (or the whole roster) as a
 * grid (name, status, activity or message, time in status, idle) under a
 * line of counts per status ("Support: 12 available, 3 on a call, ...").
 *
 * The sorted rows are cached and rebuilt only when the roster version,
 * the group or the order change; a redraw formats only the rows on
 * screen. */
#include "backchat/conv.h"
#include "backchat/roster.h"
#include "backchat/wrap.h"
#include "ui_internal.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

typedef struct {
    bc_contact *c;
    int cat;            /* index in bc_categories() */
} brow;

#define MAX_CATS 32

static GArray *rows;    /* of brow */
static unsigned cat_count[MAX_CATS];
static int ncats;
static int name_cols;   /* widest name (glyph included), for the column */
static bool built;
static unsigned built_version;
static char *built_group;
static bc_board_sort built_sort;
static const bc_conv *built_conv;
static bool more_below;

void bc_board_free(void)
{
    if (rows)
        g_array_free(rows, TRUE);
    rows = NULL;
    g_clear_pointer(&built_group, g_free);
    built = false;
}

bool bc_board_more_below(void) { return more_below; }

static int category_index(const char *cat)
{
    const char *const *cats = bc_categories();
    for (int i = 0; cats[i] && i < MAX_CATS; i++)
        if (strcmp(cats[i], cat) == 0)
            return i;
    return ncats > 0 ? ncats - 1 : 0;
}

static const char *sort_key(const bc_contact *c)
{
    return c->sort_key ? c->sort_key : bc_contact_display(c);
}

static int by_name(const brow *a, const brow *b)
{
    int k = strcmp(sort_key(a->c), sort_key(b->c));
    return k ? k : strcmp(a->c->jid, b->c->jid);
}

static gint cmp_rows(gconstpointer pa, gconstpointer pb, gpointer data)
{
    const brow *a = pa, *b = pb;
    bc_board_sort how = (bc_board_sort)GPOINTER_TO_INT(data);
    switch (how) {
    case BC_BOARD_BY_NAME: break;
    case BC_BOARD_BY_TIME: {
        /* Longest in their current status first; unknown last. */
        int64_t x = a->c->show_since ? a->c->show_since : INT64_MAX;
        int64_t y = b->c->show_since ? b->c->show_since : INT64_MAX;
        if (x != y)
            return x < y ? -1 : 1;
        break;
    }
    default:
        if (a->cat != b->cat)
            return a->cat < b->cat ? -1 : 1;
        break;
    }
    return by_name(a, b);
}

static void rebuild(const bc_conv *conv)
{
    GPtrArray *sorted = bc_roster_sorted();
    unsigned ver = bc_roster_version();
    if (built && ver == built_version && conv == built_conv &&
        g_strcmp0(conv->group, built_group) == 0 && conv->board_sort == built_sort)
        return;
    if (!rows)
        rows = g_array_new(FALSE, FALSE, sizeof(brow));
    g_array_set_size(rows, 0);
    ncats = 0;
    for (const char *const *c = bc_categories(); *c && ncats < MAX_CATS; c++)
        ncats++;
    memset(cat_count, 0, sizeof cat_count);
    name_cols = 4;
    for (guint i = 0; i < sorted->len; i++) {
        bc_contact *c = sorted->pdata[i];
        if (!c->in_roster)
            continue;
        if (conv->group && !bc_contact_in_group(c, conv->group))
            continue;
        brow r = {.c = c, .cat = category_index(bc_contact_category(c))};
        cat_count[r.cat]++;
        g_array_append_val(rows, r);
        int w = bc_str_width(bc_contact_display(c), -1) + 2;
        if (w > name_cols)
            name_cols = w;
    }
    g_array_sort_with_data(rows, cmp_rows, GINT_TO_POINTER(conv->board_sort));
    built = true;
    built_version = ver;
    built_conv = conv;
    g_free(built_group);
    built_group = g_strdup(conv->group);
    built_sort = conv->board_sort;
}

/* "<1m", "42m", "3h05", "2d". */
static void fmt_dur(int64_t secs, char *buf, size_t n)
{
    if (secs < 60)
        snprintf(buf, n, "<1m");
    else if (secs < 3600)
        snprintf(buf, n, "%dm", (int)(secs / 60));
    else if (secs < 86400)
        snprintf(buf, n, "%dh%02d", (int)(secs / 3600), (int)(secs % 3600 / 60));
    else
        snprintf(buf, n, "%dd", (int)(secs / 86400));
}

/* Text at column x, at most `cols` wide, cut with an ellipsis. */
static void cell(WINDOW *w, int y, int x, int cols, const char *s)
{
    if (cols <= 0 || !s)
        return;
    wmove(w, y, x);
    bc_ui_put_fit(w, s, cols);
}

typedef struct {
    int name, status, act, time, idle; /* widths; 0 = column dropped */
    int x_name, x_status, x_act, x_time, x_idle;
} columns;

static columns layout(int width)
{
    columns k = {0};
    int gap = width >= 80 ? 2 : 1;
    int status = 6; /* "Status" */
    for (int i = 0; i < ncats; i++)
        if (cat_count[i]) {
            int cw = bc_str_width(bc_categories()[i], -1);
            if (cw > status)
                status = cw;
        }
    int time = width >= 70 ? 9 : 5;
    int idle = 9;
    int name = name_cols;
    int name_max = width / 3 > 10 ? width / 3 : 10;
    if (name > name_max)
        name = name_max;
    int avail = width - 1; /* a leading space */
    int act = avail - (name + status + time + idle + 4 * gap);
    if (act < 12) { /* drop idle first */
        idle = 0;
        act = avail - (name + status + time + 3 * gap);
    }
    if (act < 8) { /* then the activity */
        act = 0;
        int rest = avail - (status + time + 2 * gap);
        name = rest < name_cols ? rest : name_cols;
        if (name < 6) { /* then the time */
            time = 0;
            rest = avail - (status + gap);
            name = rest < name_cols ? rest : name_cols;
        }
        if (name < 4) {
            name = avail > 4 ? avail / 2 : avail;
            status = avail - name - gap;
        }
    }
    k.name = name;
    k.status = status;
    k.act = act;
    k.time = time;
    k.idle = idle;
    k.x_name = 1;
    k.x_status = k.x_name + name + gap;
    k.x_act = k.x_status + status + gap;
    k.x_time = k.x_act + (act ? act + gap : 0);
    k.x_idle = k.x_time + (time ? time + gap : 0);
    return k;
}

/* The counts line, wrapped on at most 3 rows; returns the rows used. */
static int draw_counts(WINDOW *w, const bc_conv *conv, int width, int max_rows)
{
    GString *s = g_string_new(NULL);
    g_string_append_printf(s, " %s: ", conv->group ? conv->group : "Everyone");
    bool any = false;
    const char *const *cats = bc_categories();
    for (int i = 0; i < ncats; i++) {
        if (!cat_count[i])
            continue;
        g_string_append_printf(s, "%s%u %s", any ? ", " : "", cat_count[i], cats[i]);
        any = true;
    }
    if (!any)
        g_string_append(s, conv->group ? "nobody in this group" : "nobody in the roster");
    bc_wrap_row wr[4];
    int n = (int)bc_wrap(s->str, width, width - 2, wr, G_N_ELEMENTS(wr));
    if (n > max_rows)
        n = max_rows;
    if (n < 1)
        n = 1;
    wattron(w, A_BOLD);
    for (int i = 0; i < n; i++) {
        wmove(w, i, i ? 2 : 0);
        bool last = i == n - 1;
        if (last) /* the rest, cut with an ellipsis if it does not fit */
            bc_ui_put_fit(w, s->str + wr[i].start, width - (i ? 2 : 0));
        else
            bc_ui_put_clip(w, s->str + wr[i].start, (long)wr[i].len);
    }
    wattroff(w, A_BOLD);
    g_string_free(s, TRUE);
    return n;
}

static void draw_row(WINDOW *w, int y, const brow *r, const columns *k, int64_t now)
{
    bc_contact *c = r->c;
    wmove(w, y, k->x_name);
    attr_t ga = bc_ui_show_attr(c->show);
    wattron(w, ga);
    waddstr(w, bc_ui_show_glyph(c->show));
    wattroff(w, ga);
    waddch(w, ' ');
    attr_t na = c->show == BC_SHOW_OFFLINE ? bc_ui_show_attr(BC_SHOW_OFFLINE) : A_NORMAL;
    wattron(w, na);
    bc_ui_put_fit(w, bc_contact_display(c), k->name - 2);
    wattroff(w, na);

    wattron(w, ga);
    cell(w, y, k->x_status, k->status, bc_categories()[r->cat]);
    wattroff(w, ga);

    if (k->act) {
        char *act = bc_activity_label(c->activity, c->activity_text);
        const char *st = c->status && *c->status ? c->status : NULL;
        char *text;
        if (act && st && g_ascii_strcasecmp(act, st) != 0)
            text = g_strdup_printf("%s \xc2\xb7 %s", act, st);
        else
            text = g_strdup(act ? act : st ? st : "");
        cell(w, y, k->x_act, k->act, text);
        g_free(text);
        g_free(act);
    }
    char buf[32];
    if (k->time && c->show_since > 0 && now >= c->show_since) {
        fmt_dur(now - c->show_since, buf, sizeof buf);
        cell(w, y, k->x_time, k->time, buf);
    }
    if (k->idle && c->idle_since > 0 && now >= c->idle_since && c->show != BC_SHOW_OFFLINE) {
        char d[24];
        fmt_dur(now - c->idle_since, d, sizeof d);
        snprintf(buf, sizeof buf, "idle %s", d);
        wattron(w, A_DIM);
        cell(w, y, k->x_idle, k->idle, buf);
        wattroff(w, A_DIM);
    }
}

void bc_board_draw(WINDOW *w, bc_conv *conv)
{
    rebuild(conv);
    werase(w);
    int h, width;
    getmaxyx(w, h, width);
    int head = draw_counts(w, conv, width, h >= 12 ? 3 : 1);
    more_below = false;
    if (h < head + 2)
        return;
    columns k = layout(width);
    wattron(w, A_BOLD | A_UNDERLINE);
    cell(w, head, k.x_name, k.name, "Name");
    cell(w, head, k.x_status, k.status, "Status");
    if (k.act)
        cell(w, head, k.x_act, k.act, k.act >= 18 ? "Activity / message" : "Activity");
    if (k.time)
        cell(w, head, k.x_time, k.time, k.time >= 9 ? "In status" : "Time");
    if (k.idle)
        cell(w, head, k.x_idle, k.idle, "Idle");
    wattroff(w, A_BOLD | A_UNDERLINE);
    int avail = h - head - 1;
    long n = (long)rows->len;
    long max_top = n > avail ? n - avail : 0;
    if (conv->scroll > max_top)
        conv->scroll = (int)max_top;
    if (conv->scroll < 0)
        conv->scroll = 0;
    int64_t now = (int64_t)time(NULL);
    for (int y = 0; y < avail && conv->scroll + y < n; y++)
        draw_row(w, head + 1 + y, &g_array_index(rows, brow, (guint)(conv->scroll + y)), &k, now);
    more_below = conv->scroll + avail < n;
}

void bc_board_scroll(bc_conv *c, int dir)
{
    int page = bc_conv_page() - 3;
    if (page < 1)
        page = 1;
    long s = (long)c->scroll + (long)dir * page;
    c->scroll = s < 0 ? 0 : s > 10000000 ? 10000000 : (int)s;
    bc_dirty(BC_DIRTY_VIEW | BC_DIRTY_TABS);
}
