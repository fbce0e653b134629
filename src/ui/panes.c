/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Split panes: one ncurses window per pane (and one per divider) in the
 * view area, drawn from the layout (layout.h). A pane is redrawn only
 * when what it shows changed: the focused one on BC_DIRTY_VIEW, the
 * others when their conversation's lines, unread count or scroll moved.
 * Ctrl-W is the pane prefix key (vim-like), Alt-w the call-mode whisper. */
#include "backchat/cmd.h"
#include "backchat/layout.h"
#include "backchat/wrap.h"
#include "ui_internal.h"

#include <readline/readline.h>
#include <stdio.h>
#include <string.h>

#define CTRL_W 23

typedef struct {
    WINDOW *head, *body;
    bc_rect r;
    /* What was drawn, to tell when it changed. */
    const bc_conv *conv;
    size_t len, head_i;
    const bc_line *newest;
    bc_send_state newest_send;
    int scroll;
    unsigned unread;
    bool focused, drawn;
} pane_view;

static pane_view pv[BC_PANES_MAX];
static int npv;            /* panes on screen */
static bool collapsed;     /* the layout does not fit: the focused pane only */
static WINDOW *divs[BC_PANES_MAX];
static bc_rect div_r[BC_PANES_MAX];
static int ndivs;
static int ay, ax, ah, aw; /* the area */
static bool placed, restored, redo;
static bool prefix;        /* Ctrl-W was typed */

static void drop_windows(void)
{
    for (int i = 0; i < BC_PANES_MAX; i++) {
        if (pv[i].head)
            delwin(pv[i].head);
        if (pv[i].body)
            delwin(pv[i].body);
        memset(&pv[i], 0, sizeof pv[i]);
        if (divs[i])
            delwin(divs[i]);
        divs[i] = NULL;
    }
    npv = ndivs = 0;
}

void bc_panes_place(int y, int x, int h, int w)
{
    ay = y;
    ax = x;
    ah = h > 1 ? h : 1;
    aw = w > 1 ? w : 1;
    placed = true;
    redo = true;
    bc_workspace_set_area(aw, ah);
}

/* Pane i of what is on screen. */
static bc_pane *pane_at(int i)
{
    bc_layout *l = bc_workspace();
    return collapsed ? (i == 0 ? l->focus : NULL) : bc_layout_nth(l, i);
}

/* New windows when the geometry changed; true if it did. */
static bool relayout(void)
{
    bc_layout *l = bc_workspace();
    bc_rect r[BC_PANES_MAX], d[BC_PANES_MAX];
    /* A terminal made too small shows the focused pane alone until it
     * is big enough again; the layout itself is kept. */
    bool col = !bc_layout_fits(l, aw, ah, NULL);
    int n = 1, nd = 0;
    if (col)
        r[0] = (bc_rect){0, 0, aw, ah};
    else {
        n = bc_layout_rects(l, aw, ah, r, BC_PANES_MAX);
        nd = bc_layout_dividers(l, aw, ah, d, BC_PANES_MAX);
    }
    bool same = !redo && col == collapsed && n == npv && nd == ndivs;
    for (int i = 0; same && i < n; i++)
        same = memcmp(&r[i], &pv[i].r, sizeof r[i]) == 0;
    for (int i = 0; same && i < nd; i++)
        same = memcmp(&d[i], &div_r[i], sizeof d[i]) == 0;
    if (same)
        return false;
    drop_windows();
    redo = false;
    collapsed = col;
    npv = n;
    ndivs = nd;
    bool heads = n > 1;
    for (int i = 0; i < n; i++) {
        pv[i].r = r[i];
        int top = heads ? 1 : 0;
        if (heads)
            pv[i].head = newwin(1, r[i].w, ay + r[i].y, ax + r[i].x);
        int bh = r[i].h - top > 0 ? r[i].h - top : 1;
        pv[i].body = newwin(bh, r[i].w, ay + r[i].y + top, ax + r[i].x);
    }
    for (int i = 0; i < nd; i++) {
        div_r[i] = d[i];
        divs[i] = newwin(d[i].h, 1, ay + d[i].y, ax + d[i].x);
        /* The buddy list's separator glyph, so both look alike. */
        for (int y = 0; y < d[i].h; y++) {
            if (bc_ui_utf8())
                mvwaddstr(divs[i], y, 0, "\xe2\x94\x82"); /* │ */
            else
                mvwaddch(divs[i], y, 0, ACS_VLINE);
        }
    }
    return true;
}

/* The focused pane's geometry is what scrolling and paging use. */
static void focus_metrics(void)
{
    bc_layout *l = bc_workspace();
    int fi = collapsed ? 0 : bc_layout_index(l, l->focus);
    if (fi < 0 || fi >= npv || !pv[fi].body)
        return;
    int h, w;
    getmaxyx(pv[fi].body, h, w);
    bc_conv_set_page(h);
    bc_ui_set_text_cols(w);
}

bool bc_panes_sync(void)
{
    if (!placed)
        return false;
    if (!restored) {
        /* The layout of the last session, once the log is open (the
         * first redraw comes after the account was connected). */
        restored = true;
        GError *err = NULL;
        if (!bc_workspace_load(NULL, &err)) {
            /* No saved layout is the normal case; anything else is said. */
            if (err && !g_str_has_prefix(err->message, "no layout named"))
                bc_console_err("The layout of the last session was not restored: %s",
                               err->message);
            g_clear_error(&err);
        }
        return true;
    }
    return bc_workspace_sync();
}

static void draw_head(pane_view *v, bc_pane *p, bc_conv *c, bool focused)
{
    WINDOW *w = v->head;
    werase(w);
    attr_t a = focused ? COLOR_PAIR(PAIR_BAR) | A_BOLD : A_REVERSE;
    wbkgd(w, focused ? COLOR_PAIR(PAIR_BAR) : A_REVERSE);
    wattron(w, a);
    wmove(w, 0, 0);
    bool shows = c && bc_pane_shows(p, c->type, c->jid);
    size_t ti = c ? bc_conv_index(c) : 0;
    char *t;
    if (shows)
        t = g_strdup_printf("%s%zu:%s", focused ? (bc_ui_utf8() ? "\xe2\x96\xb6" : ">") : " ",
                            ti + 1, c->title);
    else
        t = g_strdup_printf(" %s (not open: showing the console)",
                            p->jid ? p->jid : bc_conv_type_name(p->type));
    int used = bc_ui_put_fit(w, t, getmaxx(w));
    g_free(t);
    /* " (3 unread) [scrolled]" */
    char tail[64] = "", n[32] = "";
    int scroll = focused && c ? c->scroll : p->scroll;
    if (c && !focused && c->unread)
        snprintf(n, sizeof n, " (%u unread)", c->unread);
    snprintf(tail, sizeof tail, "%s%s", n, scroll > 0 ? " [scrolled]" : "");
    if (*tail && used + bc_str_width(tail, -1) < getmaxx(w))
        waddstr(w, tail);
    wattroff(w, a);
}

void bc_panes_draw(unsigned dirty)
{
    if (!placed)
        return;
    bool all = relayout() || (dirty & BC_DIRTY_CLEAR);
    focus_metrics();
    bc_layout *l = bc_workspace();
    bc_conv *cur = bc_conv_current();
    for (int i = 0; i < npv; i++) {
        pane_view *v = &pv[i];
        bc_pane *p = pane_at(i);
        if (!p)
            continue;
        bool focused = p == l->focus;
        bc_conv *c = focused && cur ? cur : bc_workspace_conv(p);
        int *scroll = focused ? &c->scroll : &p->scroll;
        const bc_line *newest = c->len ? bc_conv_line(c, c->len - 1) : NULL;
        bool changed = !v->drawn || v->conv != c || v->len != c->len ||
                       v->head_i != c->head || v->newest != newest ||
                       (newest && v->newest_send != newest->send) || v->scroll != *scroll ||
                       v->focused != focused || v->unread != c->unread;
        bool want = all || changed || (focused && (dirty & BC_DIRTY_VIEW)) ||
                    (c->type == BC_CONV_BOARD && (dirty & BC_DIRTY_ROSTER)) ||
                    (dirty & BC_DIRTY_TITLE && v->head);
        if (!want)
            continue;
        if (v->head)
            draw_head(v, p, c, focused);
        bc_ui_draw_conv(v->body, c, scroll);
        v->drawn = true;
        v->conv = c;
        v->len = c->len;
        v->head_i = c->head;
        v->newest = newest;
        v->newest_send = newest ? newest->send : BC_SEND_NONE;
        v->scroll = *scroll;
        v->focused = focused;
        v->unread = c->unread;
        if (v->head)
            touchwin(v->head);
        touchwin(v->body);
    }
    if (all)
        for (int i = 0; i < ndivs; i++)
            touchwin(divs[i]);
}

void bc_panes_refresh(void)
{
    for (int i = 0; i < ndivs; i++)
        wnoutrefresh(divs[i]);
    for (int i = 0; i < npv; i++) {
        if (pv[i].head)
            wnoutrefresh(pv[i].head);
        if (pv[i].body)
            wnoutrefresh(pv[i].body);
    }
}

void bc_panes_shutdown(void)
{
    if (placed && restored) {
        /* The layout comes back at the next start (one pane: nothing). */
        GError *err = NULL;
        if (!bc_workspace_save(NULL, &err)) {
            g_printerr("backchat: the layout was not saved: %s\n", err->message);
            g_error_free(err);
        }
    }
    drop_windows();
    bc_workspace_free();
    placed = restored = false;
}

/* ---- keys ------------------------------------------------------------ */

bool bc_panes_key(int key, bool code)
{
    if (!prefix) {
        if (!code && key == CTRL_W) {
            prefix = true;
            return true;
        }
        return false;
    }
    prefix = false;
    const char *cmd = NULL;
    if (code) {
        switch (key) {
        case KEY_LEFT: cmd = "/pane left"; break;
        case KEY_RIGHT: cmd = "/pane right"; break;
        case KEY_UP: cmd = "/pane up"; break;
        case KEY_DOWN: cmd = "/pane down"; break;
        default: break;
        }
    } else {
        switch (key) {
        case 'h': cmd = "/pane left"; break;
        case 'l': cmd = "/pane right"; break;
        case 'k': cmd = "/pane up"; break;
        case 'j': cmd = "/pane down"; break;
        case 'w': case CTRL_W: cmd = "/pane next"; break;
        case 'W': cmd = "/pane prev"; break;
        case 's': cmd = "/split h"; break;
        case 'v': cmd = "/split v"; break;
        case 'c': cmd = "/pane close"; break;
        case 'o': cmd = "/unsplit"; break;
        case 'x': cmd = "/pane swap"; break;
        case '+': cmd = "/pane resize +1"; break;
        case '-': cmd = "/pane resize -1"; break;
        case 27: return true; /* Esc: never mind */
        default: break;
        }
    }
    if (cmd) {
        /* Through the command, so keys and /pane say the same things. */
        bc_cmd_execute(cmd);
        return true;
    }
    /* Not a pane key: Ctrl-W keeps its readline meaning (delete the word
     * before the cursor), and the key goes on as typed. */
    rl_unix_word_rubout(1, CTRL_W);
    bc_dirty(BC_DIRTY_INPUT);
    return false;
}

void bc_panes_whisper_key(void)
{
    const char *text = rl_line_buffer;
    if (!text || !*text) {
        bc_info("Alt-w sends the input line to the call's back-channel: type something "
                "first.");
        return;
    }
    if (bc_cmd_whisper(text)) {
        rl_replace_line("", 0);
        rl_point = rl_end = 0;
        bc_dirty(BC_DIRTY_INPUT);
    }
}
