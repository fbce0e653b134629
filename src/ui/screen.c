/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The screen: title bar, conversation view, status line and input line,
 * redrawn from the dirty bits once per loop turn. */
#include "backchat/conv.h"
#include "backchat/presence.h"
#include "backchat/session.h"
#include "backchat/ui.h"
#include "backchat/wrap.h"
#include "ui_internal.h"

#include <curses.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

enum { PAIR_BAR = 1, PAIR_ERR, PAIR_OUT, PAIR_SYS, PAIR_TIME, PAIR_UNREAD, PAIR_NICK, PAIR_WARN };

static void layout_free(void);
static WINDOW *title_w, *view_w, *status_w;
WINDOW *bc_input_w;
static int rows_, cols_;

static void make_windows(void)
{
    if (title_w) {
        delwin(title_w);
        delwin(view_w);
        delwin(status_w);
        delwin(bc_input_w);
    }
    getmaxyx(stdscr, rows_, cols_);
    int view_h = rows_ - 3;
    if (view_h < 1)
        view_h = 1;
    title_w = newwin(1, cols_, 0, 0);
    view_w = newwin(view_h, cols_, 1, 0);
    status_w = newwin(1, cols_, rows_ >= 3 ? rows_ - 2 : 0, 0);
    bc_input_w = newwin(1, cols_, rows_ - 1, 0);
    keypad(bc_input_w, TRUE);
    nodelay(bc_input_w, TRUE);
    bc_conv_set_page(view_h);
}

static void init_colors(void)
{
    if (!has_colors())
        return;
    start_color();
    use_default_colors();
    init_pair(PAIR_BAR, COLOR_WHITE, COLOR_BLUE);
    init_pair(PAIR_ERR, COLOR_RED, -1);
    init_pair(PAIR_OUT, COLOR_CYAN, -1);
    init_pair(PAIR_SYS, COLOR_YELLOW, -1);
    init_pair(PAIR_TIME, COLOR_BLUE, -1);
    init_pair(PAIR_UNREAD, COLOR_YELLOW, COLOR_BLUE);
    init_pair(PAIR_NICK, COLOR_GREEN, -1);
    init_pair(PAIR_WARN, COLOR_WHITE, COLOR_RED);
}

bool bc_ui_init(void)
{
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
        return false;
    if (!initscr())
        return false;
    raw();
    noecho();
    nonl();
    set_escdelay(25);
    init_colors();
    make_windows();
    bc_input_init();
    bc_dirty(BC_DIRTY_ALL);
    return true;
}

void bc_ui_shutdown(void)
{
    bc_input_shutdown();
    layout_free();
    if (title_w) {
        delwin(title_w);
        delwin(view_w);
        delwin(status_w);
        delwin(bc_input_w);
        title_w = view_w = status_w = bc_input_w = NULL;
    }
    endwin();
}

void bc_ui_resize(void)
{
    struct winsize ws;
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
        resizeterm(ws.ws_row, ws.ws_col);
    make_windows();
    bc_dirty(BC_DIRTY_ALL | BC_DIRTY_CLEAR);
}

/* Writes UTF-8 `s` clipped to the window's remaining columns. */
static void put_clip(WINDOW *w, const char *s, long len)
{
    int y, x, h, wd;
    getyx(w, y, x);
    getmaxyx(w, h, wd);
    (void)y;
    (void)h;
    int room = wd - x;
    if (room <= 0)
        return;
    char *tmp = len < 0 ? g_strdup(s) : g_strndup(s, (gsize)len);
    size_t fit = bc_str_fit(tmp, room);
    waddnstr(w, tmp, (int)fit);
    g_free(tmp);
}

static void fill_bar(WINDOW *w)
{
    int y, x, h, wd;
    getyx(w, y, x);
    getmaxyx(w, h, wd);
    (void)h;
    for (int i = x; i < wd; i++)
        mvwaddch(w, y, i, ' ');
}

static void draw_title(void)
{
    werase(title_w);
    wbkgd(title_w, COLOR_PAIR(PAIR_BAR));
    wattron(title_w, COLOR_PAIR(PAIR_BAR) | A_BOLD);
    bc_conv *c = bc_conv_current();
    bc_session *s = bc_session_get();
    wmove(title_w, 0, 0);
    char *t;
    if (!c || c->type == BC_CONV_CONSOLE)
        t = g_strdup_printf(" backchat console%s%s", s->account ? " \xe2\x80\x94 " : "",
                            s->account ? s->account->jid : "");
    else {
        const char *status = NULL;
        bc_show show = bc_presence_best(c->jid, &status);
        t = g_strdup_printf(" %s \xe2\x80\x94 %s%s%s", c->jid, bc_show_name(show),
                            status ? ": " : "", status ? status : "");
    }
    put_clip(title_w, t, -1);
    g_free(t);
    fill_bar(title_w);
    wattroff(title_w, COLOR_PAIR(PAIR_BAR) | A_BOLD);
}

static void draw_status(void)
{
    werase(status_w);
    wbkgd(status_w, COLOR_PAIR(PAIR_BAR));
    wattron(status_w, COLOR_PAIR(PAIR_BAR));
    wmove(status_w, 0, 0);
    bc_session *s = bc_session_get();
    /* No clock here: redrawing it would wake an idle client every minute. */
    char *head = g_strdup_printf(" [%s: ", s->account ? s->account->jid : "no account");
    put_clip(status_w, head, -1);
    g_free(head);
    bool bad = s->state == BC_CONN_DISCONNECTED || s->state == BC_CONN_CERT_UNTRUSTED;
    if (bad)
        wattron(status_w, COLOR_PAIR(PAIR_WARN) | A_BOLD);
    put_clip(status_w, bc_conn_state_name(s->state), -1);
    if (bad)
        wattroff(status_w, COLOR_PAIR(PAIR_WARN) | A_BOLD);
    wattron(status_w, COLOR_PAIR(PAIR_BAR));
    put_clip(status_w, "] ", -1);
    size_t cur = bc_conv_current_index();
    for (size_t i = 0; i < bc_conv_count(); i++) {
        bc_conv *c = bc_conv_nth(i);
        char *item = c->unread ? g_strdup_printf("%zu:%s(%u)", i + 1, c->title, c->unread)
                               : g_strdup_printf("%zu:%s", i + 1, c->title);
        attr_t a = i == cur ? A_BOLD | A_REVERSE : c->unread ? A_BOLD : A_NORMAL;
        short pair = c->unread && i != cur ? PAIR_UNREAD : PAIR_BAR;
        wattron(status_w, COLOR_PAIR(pair) | a);
        put_clip(status_w, item, -1);
        wattroff(status_w, COLOR_PAIR(pair) | a);
        wattron(status_w, COLOR_PAIR(PAIR_BAR));
        put_clip(status_w, " ", -1);
        g_free(item);
    }
    bc_conv *c = bc_conv_current();
    if (c && c->scroll > 0)
        put_clip(status_w, " -- more below (PgDn) --", -1);
    fill_bar(status_w);
    wattroff(status_w, COLOR_PAIR(PAIR_BAR));
}

/* A line's prefix ("12:34 bob: ") and its colour. */
static char *line_prefix(const bc_line *l)
{
    char hhmm[8];
    time_t t = (time_t)l->ts;
    strftime(hhmm, sizeof hhmm, "%H:%M", localtime(&t));
    if (l->from)
        return g_strdup_printf("%s %s: ", hhmm, l->from);
    return g_strdup_printf("%s ", hhmm);
}

static short line_pair(const bc_line *l)
{
    switch (l->kind) {
    case BC_LINE_ERR: return PAIR_ERR;
    case BC_LINE_OUT: return PAIR_OUT;
    case BC_LINE_SYS: return PAIR_SYS;
    default: return 0;
    }
}

#define MAX_ROWS_PER_LINE 512

/* One line laid out for the current width: its prefix, the indent of its
 * continuation rows, and its rows. */
typedef struct {
    char *pre;
    int indent;
    size_t n;
    bc_wrap_row rows[MAX_ROWS_PER_LINE];
} layout;

static layout lay;

static void layout_line(const bc_line *l)
{
    g_free(lay.pre);
    lay.pre = line_prefix(l);
    int pre_w = bc_str_width(lay.pre, -1);
    lay.indent = pre_w < cols_ / 2 ? pre_w : 2;
    lay.n = bc_wrap(l->text, cols_ - pre_w, cols_ - lay.indent, lay.rows, MAX_ROWS_PER_LINE);
}

/* Draws the laid-out line from its row `skip` at view row `y`, at most
 * `avail` rows; returns rows used. */
static int draw_line(const bc_line *l, int y, int skip, int avail)
{
    layout_line(l);
    int used = 0;
    for (size_t r = (size_t)skip; r < lay.n && used < avail; r++, used++) {
        wmove(view_w, y + used, 0);
        if (r == 0) {
            wattron(view_w, COLOR_PAIR(PAIR_TIME));
            char *sp = strchr(lay.pre, ' ');
            put_clip(view_w, lay.pre, sp ? sp - lay.pre + 1 : -1);
            wattroff(view_w, COLOR_PAIR(PAIR_TIME));
            if (sp && sp[1]) {
                short np = l->kind == BC_LINE_OUT ? PAIR_OUT : PAIR_NICK;
                wattron(view_w, COLOR_PAIR(np) | A_BOLD);
                put_clip(view_w, sp + 1, -1);
                wattroff(view_w, COLOR_PAIR(np) | A_BOLD);
            }
        } else {
            wmove(view_w, y + used, lay.indent);
        }
        short p = line_pair(l);
        if (p)
            wattron(view_w, COLOR_PAIR(p));
        put_clip(view_w, l->text + lay.rows[r].start, (long)lay.rows[r].len);
        if (p)
            wattroff(view_w, COLOR_PAIR(p));
    }
    return used;
}

static void layout_free(void) { g_clear_pointer(&lay.pre, g_free); }

static int line_rows(const bc_line *l)
{
    layout_line(l);
    return (int)lay.n;
}

static void draw_view(void)
{
    werase(view_w);
    bc_conv *c = bc_conv_current();
    if (!c)
        return;
    int h, w;
    getmaxyx(view_w, h, w);
    (void)w;
    /* Walk back from the newest line until the view (plus what is
     * scrolled past) is full. */
    int need = h + c->scroll;
    int total = 0;
    size_t first = c->len;
    while (first > 0 && total < need) {
        first--;
        total += line_rows(bc_conv_line(c, first));
    }
    if (total < need && c->scroll > 0) {
        /* Scrolled past the oldest line: clamp. */
        c->scroll = total > h ? total - h : 0;
        need = h + c->scroll;
    }
    /* Rows of the first line that fall above the top of the view. */
    int skip = total > need ? total - need : 0;
    int y = 0;
    for (size_t i = first; i < c->len && y < h; i++) {
        const bc_line *l = bc_conv_line(c, i);
        int s = i == first ? skip : 0;
        y += draw_line(l, y, s, h - y);
    }
}

void bc_ui_redraw(void *unused)
{
    unsigned d = bc_dirty_take();
    if (!d || !title_w)
        return;
    if (d & BC_DIRTY_CLEAR)
        clearok(curscr, TRUE);
    if (d & (BC_DIRTY_TITLE | BC_DIRTY_VIEW))
        draw_title();
    if (d & BC_DIRTY_VIEW)
        draw_view();
    draw_status();
    wnoutrefresh(title_w);
    wnoutrefresh(view_w);
    wnoutrefresh(status_w);
    bc_input_draw();
    wnoutrefresh(bc_input_w);
    doupdate();
}
