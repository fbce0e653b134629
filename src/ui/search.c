/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The search tab: one result per two rows, newest first: time,
 * conversation, sender and the snippet with the matching words
 * highlighted, then the message before it for context. The selected
 * result is in reverse video; the view follows the selection. */
#include "backchat/searchview.h"
#include "ui_internal.h"

#include <string.h>
#include <time.h>

#define ROWS_PER_HIT 2

static int page_hits = 10;

int bc_search_page(void) { return page_hits; }

/* `s` with its BC_SEARCH_MARK_START.._END parts in `hl`, the rest in
 * `base`, clipped to the window. */
static void put_marked(WINDOW *w, const char *s, attr_t base, attr_t hl)
{
    bool on = false;
    while (*s) {
        static const char marks[] = {BC_HIT_MARK_START, BC_HIT_MARK_END, '\0'};
        size_t n = strcspn(s, marks);
        if (n) {
            attr_t a = on ? hl : base;
            wattron(w, a);
            bc_ui_put_clip(w, s, (long)n);
            wattroff(w, a);
            s += n;
        }
        if (*s == BC_HIT_MARK_START)
            on = true;
        else if (*s == BC_HIT_MARK_END)
            on = false;
        if (*s)
            s++;
    }
}

static void fill_row(WINDOW *w, attr_t a)
{
    int y = getcury(w), x = getcurx(w), wd = getmaxx(w);
    wattron(w, a);
    for (int i = x; i < wd; i++)
        mvwaddch(w, y, i, ' ');
    wattroff(w, a);
}

/* The tab's notes (what commands typed here said), newest last, one row
 * each, at the bottom of the view; returns the rows used. */
static int draw_notes(WINDOW *w, const bc_conv *c, int h)
{
    int n = (int)c->len < 3 ? (int)c->len : 3;
    if (n >= h)
        n = h - 1;
    for (int i = 0; i < n; i++) {
        const bc_line *l = bc_conv_line(c, c->len - (size_t)n + (size_t)i);
        attr_t a = COLOR_PAIR(l->kind == BC_LINE_ERR ? PAIR_ERR : PAIR_SYS);
        wmove(w, h - n + i, 0);
        wattron(w, a);
        bc_ui_put_clip(w, l->text, -1);
        wattroff(w, a);
    }
    return n > 0 ? n : 0;
}

void bc_search_draw(WINDOW *w, bc_conv *c)
{
    werase(w);
    int h = getmaxy(w);
    h -= draw_notes(w, c, h);
    page_hits = h / ROWS_PER_HIT > 0 ? h / ROWS_PER_HIT : 1;
    bc_search_view *v = c->search;
    if (!v || !v->hits->len) {
        wmove(w, 0, 0);
        bc_ui_put_clip(w, "No message matches ", -1);
        bc_ui_put_clip(w, v ? v->query : "", -1);
        bc_ui_put_clip(w, ". Words match whole words (prefix* for the start of one);", -1);
        wmove(w, 1, 0);
        bc_ui_put_clip(w, "filters: with:JID from:NICK since:DATE until:DATE (/help search).",
                       -1);
        return;
    }
    int n = (int)v->hits->len;
    if (v->selected >= n)
        v->selected = n - 1;
    if (v->selected < v->top)
        v->top = v->selected;
    if (v->selected >= v->top + page_hits)
        v->top = v->selected - page_hits + 1;
    if (v->top < 0)
        v->top = 0;
    int y = 0;
    for (int i = v->top; i < n && y + ROWS_PER_HIT <= h + 1 && y < h; i++) {
        const bc_search_hit *hit = v->hits->pdata[i];
        bool sel = i == v->selected;
        attr_t rev = sel ? A_REVERSE : 0;
        char when[32];
        time_t t = (time_t)hit->ts;
        struct tm tm;
        if (!localtime_r(&t, &tm) || !strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm))
            g_strlcpy(when, "?", sizeof when);
        wmove(w, y, 0);
        wattron(w, COLOR_PAIR(PAIR_TIME) | rev);
        bc_ui_put_clip(w, when, -1);
        bc_ui_put_clip(w, " ", -1);
        wattroff(w, COLOR_PAIR(PAIR_TIME) | rev);
        wattron(w, A_BOLD | rev);
        bc_ui_put_clip(w, hit->conv, -1);
        bc_ui_put_clip(w, " ", -1);
        wattroff(w, A_BOLD | rev);
        short np = hit->outgoing ? PAIR_OUT : PAIR_NICK;
        wattron(w, COLOR_PAIR(np) | rev);
        bc_ui_put_clip(w, hit->who, -1);
        bc_ui_put_clip(w, ": ", -1);
        wattroff(w, COLOR_PAIR(np) | rev);
        put_marked(w, hit->snippet, rev, rev | A_BOLD | COLOR_PAIR(PAIR_SYS));
        if (sel)
            fill_row(w, rev);
        y++;
        if (y >= h)
            break;
        wmove(w, y, 0);
        wattron(w, A_DIM);
        bc_ui_put_clip(w, "                 before: ", -1);
        bc_ui_put_clip(w, hit->context ? hit->context : "(the start of the conversation)", -1);
        wattroff(w, A_DIM);
        y++;
    }
}
