/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The screen: title bar, conversation view, status line and input line,
 * redrawn from the dirty bits once per loop turn. */
#include "backchat/announce.h"
#include "backchat/chatstate.h"
#include "backchat/conv.h"
#include "backchat/core.h"
#include "backchat/hotlist.h"
#include "backchat/layout.h"
#include "backchat/loop.h"
#include "backchat/muc.h"
#include "backchat/roster.h"
#include "backchat/searchview.h"
#include "backchat/session.h"
#include "backchat/status.h"
#include "backchat/ui.h"
#include "backchat/wrap.h"
#include "ui_internal.h"

#include <curses.h>
#include <langinfo.h>
#include <malloc.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

static void layout_free(void);
static int line_rows(const bc_line *l);
static WINDOW *title_w, *status_w, *panel_w, *banner_w;
static WINDOW *draw_w;  /* the pane being drawn */
WINDOW *bc_input_w;
static int rows_, cols_;
static int view_cols_;  /* width lines are laid out for: the focused pane's,
                           or the one being drawn */
static int panel_cols_; /* the panel's width with its separator, 0 if none */
static bool panel_occ_; /* the panel shows a room's occupants, not the buddies */
static int banner_h_;   /* 1 while the priority banner shows */

/* What goes on the right: a room tab has its occupant list (/occupants,
 * F11), other tabs the buddy list (/roster, F12). */
static bool want_occ(void)
{
    bc_conv *c = bc_conv_current();
    return c && c->type == BC_CONV_ROOM;
}

static int want_panel_cols(int cols)
{
    return want_occ() ? bc_occ_panel_cols(cols) : bc_panel_cols(cols);
}

/* The banner takes a row only where the view keeps at least two. */
static int want_banner(int rows) { return rows >= 6 && bc_banner_wanted() ? 1 : 0; }

/* Every window is our own: stdscr is never drawn, but initscr() and
 * resizeterm() give it a cell array of the whole screen (130 KiB at
 * 120x40). Keep it at one cell and hand the rest back. */
static void shrink_stdscr(void)
{
    if (getmaxy(stdscr) > 1 || getmaxx(stdscr) > 1) {
        wresize(stdscr, 1, 1);
        malloc_trim(0);
    }
}

static void make_windows(void)
{
    if (title_w) {
        delwin(title_w);
        delwin(status_w);
        delwin(bc_input_w);
    }
    if (panel_w)
        delwin(panel_w);
    if (banner_w)
        delwin(banner_w);
    panel_w = banner_w = NULL;
    rows_ = LINES;
    cols_ = COLS;
    shrink_stdscr();
    banner_h_ = want_banner(rows_);
    int view_h = rows_ - 3 - banner_h_;
    if (view_h < 1)
        view_h = 1;
    panel_occ_ = want_occ();
    panel_cols_ = want_panel_cols(cols_);
    view_cols_ = cols_ - panel_cols_;
    title_w = newwin(1, cols_, 0, 0);
    if (banner_h_)
        banner_w = newwin(1, cols_, 1, 0);
    /* The panes share the view area; the panel stays on the right. */
    bc_panes_place(1 + banner_h_, 0, view_h, view_cols_);
    if (panel_cols_)
        panel_w = newwin(view_h, panel_cols_, 1 + banner_h_, view_cols_);
    status_w = newwin(1, cols_, rows_ >= 3 ? rows_ - 2 : 0, 0);
    bc_input_w = newwin(1, cols_, rows_ - 1, 0);
    keypad(bc_input_w, TRUE);
    nodelay(bc_input_w, TRUE);
}

/* The pairs come from the theme ([ui] theme, /theme load): theme.c. */
static void init_colors(void) { bc_ui_theme_init(); }

bool bc_ui_utf8(void)
{
    static int utf8 = -1;
    if (utf8 < 0) {
        const char *cs = nl_langinfo(CODESET);
        utf8 = cs && (strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0);
    }
    return utf8;
}

const char *bc_ui_show_glyph(bc_show s)
{
    /* One column each in UTF-8 locales; ASCII otherwise. */
    bool utf8 = bc_ui_utf8();
    switch (s) {
    case BC_SHOW_CHAT: return utf8 ? "\xe2\x97\x86" : "+";    /* ◆ */
    case BC_SHOW_ONLINE: return utf8 ? "\xe2\x97\x8f" : "o";  /* ● */
    case BC_SHOW_AWAY: return utf8 ? "\xe2\x97\x90" : "a";    /* ◐ */
    case BC_SHOW_XA: return utf8 ? "\xe2\x97\x8b" : "x";      /* ○ */
    case BC_SHOW_DND: return utf8 ? "\xe2\x8a\x98" : "!";     /* ⊘ */
    default: return utf8 ? "\xc2\xb7" : ".";                   /* · */
    }
}

attr_t bc_ui_show_attr(bc_show s)
{
    switch (s) {
    case BC_SHOW_CHAT: return COLOR_PAIR(PAIR_CHAT) | A_BOLD;
    case BC_SHOW_ONLINE: return COLOR_PAIR(PAIR_ONLINE) | A_BOLD;
    case BC_SHOW_AWAY: return COLOR_PAIR(PAIR_AWAY) | A_BOLD;
    case BC_SHOW_XA: return COLOR_PAIR(PAIR_XA);
    case BC_SHOW_DND: return COLOR_PAIR(PAIR_DND) | A_BOLD;
    default: return COLOR_PAIR(PAIR_OFFLINE) | (COLORS >= 16 ? 0 : A_DIM);
    }
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
    /* No look at the keyboard in the middle of an update: ncurses would
     * write the frame a line at a time around it, one system call (and
     * one wake-up of the terminal) per line. A frame is a single write;
     * keys wait for it, and frames are capped (frame_waits). */
    typeahead(-1);
    /* ncurses 6.4 flushes its output at every cursor move until the
     * screen has once come back from endwin(): a frame went out as one
     * write per changed line. Suspend and resume once, before anything
     * is drawn, so that a frame is one write. The modes set above are
     * kept. */
    endwin();
    doupdate();
    init_colors();
    make_windows();
    bc_input_init();
    /* History paging counts rows the way the view lays them out. */
    bc_conv_set_line_rows(line_rows);
    bc_dirty(BC_DIRTY_ALL);
    return true;
}

void bc_ui_shutdown(void)
{
    bc_conv_set_line_rows(NULL);
    bc_input_shutdown();
    bc_ui_theme_shutdown();
    bc_ui_title_free();
    layout_free();
    bc_panes_shutdown();
    bc_panel_free();
    bc_board_free();
    if (panel_w)
        delwin(panel_w);
    if (banner_w)
        delwin(banner_w);
    panel_w = banner_w = NULL;
    if (title_w) {
        delwin(title_w);
        delwin(status_w);
        delwin(bc_input_w);
        title_w = status_w = bc_input_w = NULL;
    }
    endwin();
}

void bc_ui_resize(void)
{
    struct winsize ws;
    /* Only when the size really changed: resizeterm() with the same size
     * (we get here twice per resize: SIGWINCH, then KEY_RESIZE) left
     * ncurses returning KEY_RESIZE forever at the next key typed. */
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0 &&
        is_term_resized(ws.ws_row, ws.ws_col))
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

void bc_ui_put_clip(WINDOW *w, const char *s, long len) { put_clip(w, s, len); }

int bc_ui_put_fit(WINDOW *w, const char *s, int cols)
{
    int room = getmaxx(w) - getcurx(w);
    if (cols > room)
        cols = room;
    if (cols <= 0 || !s)
        return 0;
    int sw = bc_str_width(s, -1);
    if (sw <= cols) {
        waddnstr(w, s, (int)strlen(s));
        return sw;
    }
    /* Cut, and say so with an ellipsis in the last column. */
    size_t fit = bc_str_fit(s, cols - 1);
    waddnstr(w, s, (int)fit);
    waddstr(w, "\xe2\x80\xa6");
    return bc_str_width(s, (long)fit) + 1;
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

/* " team@conference.localhost — 12 occupants — you are alice
 * (moderator) — Subject: ..." */
static char *room_title(const bc_conv *c)
{
    bc_room *r = bc_muc_room_of_conv(c->jid);
    GString *t = g_string_new(NULL);
    g_string_append_printf(t, " %s \xe2\x80\x94 ", c->jid);
    if (!r || r->state == BC_ROOM_OUT) {
        g_string_append(t, "not in the room (rejoin with /join)");
    } else if (r->state == BC_ROOM_JOINING) {
        g_string_append(t, "joining\xe2\x80\xa6");
    } else {
        guint n = r->occupants ? g_hash_table_size(r->occupants) : 0;
        g_string_append_printf(t, "%u occupant%s", n, n == 1 ? "" : "s");
        const bc_occupant *me = r->nick ? bc_muc_occupant(r, r->nick) : NULL;
        if (r->nick)
            g_string_append_printf(t, " \xe2\x80\x94 you are %s", r->nick);
        if (me)
            g_string_append_printf(t, " (%s)", bc_muc_role_name(me->role));
    }
    if (r && r->subject && *r->subject) {
        /* One row: a subject's newlines become spaces. */
        char *subj = g_strdelimit(g_strdup(r->subject), "\n\r\t", ' ');
        g_string_append_printf(t, " \xe2\x80\x94 Subject: %s", subj);
        g_free(subj);
    }
    return g_string_free(t, FALSE);
}

/* " bob in team@conference.localhost — private" */
static char *private_title(const bc_conv *c)
{
    const char *slash = strchr(c->jid, '/');
    if (!slash)
        return g_strdup_printf(" %s \xe2\x80\x94 private", c->jid);
    return g_strdup_printf(" %s in %.*s \xe2\x80\x94 private", slash + 1,
                           (int)(slash - c->jid), c->jid);
}

static char *announce_title(void)
{
    GPtrArray *u = bc_announce_unacked();
    guint n = u ? u->len : 0;
    if (!n)
        return g_strdup(" announcements \xe2\x80\x94 nothing waiting for acknowledgement");
    return g_strdup_printf(" announcements \xe2\x80\x94 %u waiting for acknowledgement (Alt-k)",
                           n);
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
    else if (c->type == BC_CONV_SEARCH) {
        const bc_search_view *v = c->search;
        guint n = v ? v->hits->len : 0;
        t = g_strdup_printf(" search: %s \xe2\x80\x94 %u%s result%s (Up/Down select, Enter opens)",
                            v ? v->query : "", n, v && v->more ? "+" : "", n == 1 ? "" : "s");
    } else if (c->type == BC_CONV_BOARD) {
        static const char *const sorts[] = {"status", "name", "time in status"};
        unsigned k = (unsigned)c->board_sort < 3 ? (unsigned)c->board_sort : 0;
        t = g_strdup_printf(" team board \xe2\x80\x94 %s \xe2\x80\x94 sorted by %s",
                            c->group ? c->group : "everyone", sorts[k]);
    } else if (c->type == BC_CONV_ROOM && c->jid) {
        t = room_title(c);
    } else if (c->type == BC_CONV_PRIVATE && c->jid) {
        t = private_title(c);
    } else if (c->type == BC_CONV_ANNOUNCE || !c->jid) {
        t = announce_title();
    } else {
        bc_contact *ct = bc_roster_get(c->jid);
        const char *status = ct ? ct->status : NULL;
        bc_show show = ct ? ct->show : BC_SHOW_OFFLINE;
        char *act = ct ? bc_activity_label(ct->activity, ct->activity_text) : NULL;
        t = g_strdup_printf(" %s \xe2\x80\x94 %s%s%s%s%s%s", c->jid, bc_show_name(show),
                            act ? " (" : "", act ? act : "", act ? ")" : "",
                            status ? ": " : "", status ? status : "");
        g_free(act);
    }
    char *typing = bc_chatstate_describe(c); /* "bob is typing…" (XEP-0085) */
    if (typing) {
        char *tt = g_strdup_printf("%s \xe2\x80\x94 %s", t, typing);
        g_free(t);
        g_free(typing);
        t = tt;
    }
    bc_ui_put_fit(title_w, t, cols_); /* cut with "…" */
    g_free(t);
    fill_bar(title_w);
    wattroff(title_w, COLOR_PAIR(PAIR_BAR) | A_BOLD);
}

/* One tab: "3:team(12,2!)": 12 unread of which 2 name us; the
 * Announcements tab counts the priority ones not yet acknowledged
 * ("4:announcements(1!)"), whichever tab is focused. The "N!" part is in
 * the warning colour. The tab's colour says its activity level (dim: joins
 * and leaves; bold: messages; green: a 1:1 or private message; red: a
 * mention or priority announcement), and a chat whose last incoming
 * message waits for our reply says for how long ("2:bob(1) 3m"), in the
 * warning colour after [hotlist] reply_warn_minutes. */
static void draw_tab(const bc_conv *c, size_t i, bool current)
{
    unsigned bang = c->mentions;
    if (c->type == BC_CONV_ANNOUNCE) {
        GPtrArray *u = bc_announce_unacked();
        bang = u ? u->len : 0;
    }
    bc_activity lv = bc_hotlist_level(c);
    attr_t a = current ? A_BOLD | A_REVERSE : A_NORMAL;
    short pair = PAIR_BAR;
    if (!current) {
        switch (lv) {
        case BC_ACT_LOW: a = A_DIM; break;
        case BC_ACT_MESSAGE: pair = PAIR_UNREAD; a = A_BOLD; break;
        case BC_ACT_PRIVATE: pair = PAIR_ONLINE; a = A_BOLD; break;
        case BC_ACT_HIGHLIGHT: pair = PAIR_ERR; a = A_BOLD; break;
        default: break;
        }
    }
    char *item = g_strdup_printf("%zu:%s", i + 1, c->title);
    wattron(status_w, COLOR_PAIR(pair) | a);
    put_clip(status_w, item, -1);
    g_free(item);
    if (c->unread || bang) {
        put_clip(status_w, "(", -1);
        if (c->unread) {
            char n[16];
            snprintf(n, sizeof n, "%u%s", c->unread, bang ? "," : "");
            put_clip(status_w, n, -1);
        }
        if (bang) {
            char n[16];
            snprintf(n, sizeof n, "%u!", bang);
            wattroff(status_w, COLOR_PAIR(pair) | a);
            wattron(status_w, COLOR_PAIR(PAIR_BANG) | A_BOLD);
            put_clip(status_w, n, -1);
            wattroff(status_w, COLOR_PAIR(PAIR_BANG) | A_BOLD);
            wattron(status_w, COLOR_PAIR(pair) | a);
        }
        put_clip(status_w, ")", -1);
    }
    wattroff(status_w, COLOR_PAIR(pair) | a);
    wattron(status_w, COLOR_PAIR(PAIR_BAR));
    char *wait = bc_hotlist_wait_label(c);
    if (wait) {
        attr_t wa = bc_hotlist_wait_warn(c) ? COLOR_PAIR(PAIR_WARN) | A_BOLD : A_NORMAL;
        put_clip(status_w, " ", -1);
        wattron(status_w, wa);
        put_clip(status_w, wait, -1);
        wattroff(status_w, wa);
        wattron(status_w, COLOR_PAIR(PAIR_BAR));
        g_free(wait);
    }
    put_clip(status_w, " ", -1);
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
    bool bad = s->state == BC_CONN_DISCONNECTED || s->state == BC_CONN_CERT_UNTRUSTED ||
               s->state == BC_CONN_RECONNECTING;
    if (bad)
        wattron(status_w, COLOR_PAIR(PAIR_WARN) | A_BOLD);
    put_clip(status_w, bc_conn_state_name(s->state), -1);
    if (bad)
        wattroff(status_w, COLOR_PAIR(PAIR_WARN) | A_BOLD);
    wattron(status_w, COLOR_PAIR(PAIR_BAR));
    if (s->state == BC_CONN_CONNECTED) {
        /* Our own availability: "At Lunch (23m left)". */
        const bc_own_status *own = bc_status_current();
        char *desc = bc_status_describe();
        if (desc && *desc) {
            put_clip(status_w, " \xc2\xb7 ", -1);
            bc_show sh = own ? own->show : BC_SHOW_ONLINE;
            attr_t a = sh == BC_SHOW_DND ? A_BOLD : A_NORMAL;
            wattron(status_w, a);
            put_clip(status_w, desc, -1);
            wattroff(status_w, a);
        }
        g_free(desc);
    }
    put_clip(status_w, "] ", -1);
    if (bc_callmode_active()) {
        /* Call mode (/callmode): hard to miss. */
        wattron(status_w, COLOR_PAIR(PAIR_WARN) | A_BOLD);
        put_clip(status_w, "CALL", -1);
        wattroff(status_w, COLOR_PAIR(PAIR_WARN) | A_BOLD);
        wattron(status_w, COLOR_PAIR(PAIR_BAR));
        put_clip(status_w, " ", -1);
    }
    const char *question = bc_input_question();
    if (question) {
        /* First, so that many tabs never push it out of sight. */
        wattron(status_w, COLOR_PAIR(PAIR_WARN) | A_BOLD);
        put_clip(status_w, question, -1);
        wattroff(status_w, COLOR_PAIR(PAIR_WARN) | A_BOLD);
        wattron(status_w, COLOR_PAIR(PAIR_BAR));
        put_clip(status_w, " ", -1);
    }
    size_t cur = bc_conv_current_index();
    for (size_t i = 0; i < bc_conv_count(); i++)
        draw_tab(bc_conv_nth(i), i, i == cur);
    bc_conv *c = bc_conv_current();
    const char *problem = bc_core_log_problem();
    if (problem) {
        /* The log cannot be written: say so wherever the user is. */
        wattron(status_w, COLOR_PAIR(PAIR_WARN) | A_BOLD);
        put_clip(status_w, problem, -1);
        wattroff(status_w, COLOR_PAIR(PAIR_WARN) | A_BOLD);
        wattron(status_w, COLOR_PAIR(PAIR_BAR));
        put_clip(status_w, " ", -1);
    }
    if (c && bc_find_active(c)) {
        char *f = g_strdup_printf(" -- find %s: %d of %u%s (Ctrl-R older, Ctrl-S newer) --",
                                  c->find_query, c->find_pos + 1, c->find_ids->len,
                                  c->find_ids->len >= BC_FIND_MAX ? "+" : "");
        put_clip(status_w, f, -1);
        g_free(f);
    } else if (c && c->type == BC_CONV_BOARD) {
        if (bc_board_more_below())
            put_clip(status_w, " -- more below (PgDn) --", -1);
    } else if (c && (c->scroll > 0 || c->more_newer))
        put_clip(status_w, " -- more below (PgDn) --", -1);
    fill_bar(status_w);
    wattroff(status_w, COLOR_PAIR(PAIR_BAR));
}

/* A line's prefix ("12:34 bob: ") and its colour. */
static char *line_prefix(const bc_line *l)
{
    char hhmm[8] = "";
    time_t t = (time_t)l->ts;
    struct tm tm;
    /* localtime_r: localtime() re-reads the zone file (a stat per call
     * without TZ), and this runs for every line laid out. */
    if (localtime_r(&t, &tm))
        strftime(hhmm, sizeof hhmm, "%H:%M", &tm);
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
    char *text;  /* what is shown: the line's text, and "(edited)" */
    int indent;
    size_t n;
    bc_wrap_row rows[MAX_ROWS_PER_LINE];
} layout;

static layout lay;

static void layout_line(const bc_line *l)
{
    g_free(lay.pre);
    lay.pre = line_prefix(l);
    g_free(lay.text);
    /* What became of what we sent: pending, delivered (a tick), failed. */
    const char *send = l->send == BC_SEND_PENDING ? " (pending)"
                       : l->send == BC_SEND_FAILED ? " (failed)"
                       : l->send == BC_SEND_DELIVERED ? (bc_ui_utf8() ? " \xe2\x9c\x93" : " +")
                       : "";
    lay.text = g_strdup_printf("%s%s%s", l->text, l->edited ? " (edited)" : "", send);
    int pre_w = bc_str_width(lay.pre, -1);
    lay.indent = pre_w < view_cols_ / 2 ? pre_w : 2;
    lay.n = bc_wrap(lay.text, view_cols_ - pre_w, view_cols_ - lay.indent, lay.rows,
                    MAX_ROWS_PER_LINE);
}

/* Draws the laid-out line from its row `skip` at view row `y`, at most
 * `avail` rows; returns rows used. */
static int draw_line(const bc_line *l, int y, int skip, int avail)
{
    layout_line(l);
    int used = 0;
    for (size_t r = (size_t)skip; r < lay.n && used < avail; r++, used++) {
        wmove(draw_w, y + used, 0);
        if (r == 0) {
            wattron(draw_w, COLOR_PAIR(PAIR_TIME));
            char *sp = strchr(lay.pre, ' ');
            put_clip(draw_w, lay.pre, sp ? sp - lay.pre + 1 : -1);
            wattroff(draw_w, COLOR_PAIR(PAIR_TIME));
            if (sp && sp[1]) {
                /* Others' nicks in their own consistent colour. */
                short np = l->highlight ? PAIR_MENTION
                           : l->kind == BC_LINE_OUT ? PAIR_OUT
                           : l->kind == BC_LINE_IN ? bc_ui_nick_pair(l->from, PAIR_NICK)
                                                   : PAIR_NICK;
                /* A line that names us: its nick reversed, so it shows
                 * without colours too. */
                attr_t na = COLOR_PAIR(np) | A_BOLD | (l->highlight ? A_REVERSE : 0);
                wattron(draw_w, na);
                put_clip(draw_w, sp + 1, -1);
                wattroff(draw_w, na);
            }
        } else {
            wmove(draw_w, y + used, lay.indent);
        }
        short p = l->highlight ? PAIR_MENTION : line_pair(l);
        /* The line a search jumped to stands out, and so does one that
         * names us. */
        attr_t a = (p ? COLOR_PAIR(p) : 0) | (l->mark ? A_REVERSE : 0) |
                   (l->highlight ? A_BOLD : 0);
        if (a)
            wattron(draw_w, a);
        put_clip(draw_w, lay.text + lay.rows[r].start, (long)lay.rows[r].len);
        if (a)
            wattroff(draw_w, a);
    }
    return used;
}

static void layout_free(void)
{
    g_clear_pointer(&lay.pre, g_free);
    g_clear_pointer(&lay.text, g_free);
}

static int line_rows(const bc_line *l)
{
    layout_line(l);
    return (int)lay.n;
}

void bc_ui_set_text_cols(int cols) { view_cols_ = cols > 1 ? cols : 1; }

void bc_ui_draw_conv(WINDOW *w, bc_conv *c, int *scroll)
{
    werase(w);
    if (!c)
        return;
    if (c->type == BC_CONV_BOARD) {
        bc_board_draw(w, c);
        return;
    }
    if (c->type == BC_CONV_SEARCH) {
        bc_search_draw(w, c);
        return;
    }
    int h, wd;
    getmaxyx(w, h, wd);
    /* Lines are laid out for this pane's width while it is drawn. */
    int keep_cols = view_cols_;
    view_cols_ = wd;
    draw_w = w;
    /* Walk back from the newest line until the view (plus what is
     * scrolled past) is full. */
    int need = h + *scroll;
    int total = 0;
    size_t first = c->len;
    while (first > 0 && total < need) {
        first--;
        total += line_rows(bc_conv_line(c, first));
    }
    if (total < need && *scroll > 0) {
        /* Scrolled past the oldest line: clamp. */
        *scroll = total > h ? total - h : 0;
        need = h + *scroll;
    }
    /* Rows of the first line that fall above the top of the view. */
    int skip = total > need ? total - need : 0;
    int y = 0;
    for (size_t i = first; i < c->len && y < h; i++) {
        const bc_line *l = bc_conv_line(c, i);
        int s = i == first ? skip : 0;
        y += draw_line(l, y, s, h - y);
    }
    view_cols_ = keep_cols;
    draw_w = NULL;
}

/* A minute tick, armed only while something on screen counts minutes (a
 * team board's "time in status", a timed status's "23m left"), so an
 * idle client otherwise never wakes. */
static unsigned tick_id;

static void on_tick(void *unused)
{
    tick_id = 0;
    bc_conv *c = bc_conv_current();
    bc_dirty(BC_DIRTY_TABS | (c && c->type == BC_CONV_BOARD ? BC_DIRTY_VIEW : 0));
}

static void arm_tick(void)
{
    bc_conv *c = bc_conv_current();
    bool board = c && c->type == BC_CONV_BOARD;
    const bc_own_status *own = bc_status_current();
    bool timed = own && own->until > 0 && bc_session_get()->state == BC_CONN_CONNECTED;
    unsigned wait_ms = bc_hotlist_tick_ms(); /* a reply-wait timer shown: 0 if none */
    if (!board && !timed && !wait_ms) {
        if (tick_id)
            bc_timer_cancel(tick_id);
        tick_id = 0;
        return;
    }
    if (tick_id)
        return;
    unsigned ms = 60000;
    if (timed) {
        /* When the minutes left change ("23m left" -> "22m left"). */
        int64_t left = own->until * 1000 - g_get_real_time() / 1000;
        if (left > 0) {
            unsigned m = (unsigned)(left % 60000) + 250;
            if (m < ms)
                ms = m;
        }
    }
    if (wait_ms && wait_ms < ms)
        ms = wait_ms;
    tick_id = bc_timer_add(ms, on_tick, NULL);
}

/* Frames while messages pour in: at most one per FRAME_MS, so a busy
 * room costs a frame per screenful of news rather than one per read from
 * the socket; and once traffic alone has kept frames coming back to back
 * for BUSY_AFTER of them (a flood, unreadable at any rate), one per
 * FRAME_BUSY_MS. Whatever the user did (a key, a resize) draws at once,
 * and so does the first change after a quiet spell. */
#define FRAME_MS 33
#define FRAME_BUSY_MS 100
#define BUSY_AFTER 10
static int64_t last_frame_ms;
static unsigned frame_timer;
static bool frame_now;
static int busy_frames; /* traffic-only frames in a row that had to wait */
static bool deferred;   /* the coming frame was held back */

void bc_ui_frame_now(void) { frame_now = true; }

static void on_frame_due(void *unused)
{
    (void)unused;
    frame_timer = 0; /* the redraw runs in this turn's prepare hooks */
}

/* True if this turn's frame should wait; arms the timer that ends it. */
static bool frame_waits(void)
{
    int64_t now = bc_now_ms(), since = now - last_frame_ms;
    bool user = frame_now || (bc_dirty_peek() & (BC_DIRTY_INPUT | BC_DIRTY_CLEAR));
    int64_t gap = busy_frames >= BUSY_AFTER ? FRAME_BUSY_MS : FRAME_MS;
    if (user || since >= gap) {
        /* A frame that had to wait for its slot means traffic is steady. */
        busy_frames = user || !deferred ? 0 : busy_frames + 1;
        deferred = false;
        frame_now = false;
        bc_timer_cancel(frame_timer);
        frame_timer = 0;
        last_frame_ms = now;
        return false;
    }
    if (!frame_timer)
        frame_timer = bc_timer_add((unsigned)(gap - since), on_frame_due, NULL);
    deferred = true;
    return true;
}

void bc_ui_redraw(void *unused)
{
    if (bc_input_editor_running())
        return; /* the editor owns the terminal; the dirty bits wait */
    /* The focused pane follows the current tab (Alt-N, /win). */
    if (title_w && bc_panes_sync())
        bc_dirty(BC_DIRTY_ALL);
    if (!bc_dirty_peek() || !title_w || frame_waits())
        return;
    unsigned d = bc_dirty_take();
    if (!d || !title_w)
        return;
    /* A conversation out of focus changed: with one pane it is not on
     * screen, and the tab bar has its own bit. */
    if (d == BC_DIRTY_PANES && bc_layout_count(bc_workspace()) < 2)
        return;
    if (want_panel_cols(cols_) != panel_cols_ || want_occ() != panel_occ_ ||
        want_banner(rows_) != banner_h_) {
        /* /roster or /occupants show|hide|width, the panel keys, a tab
         * with the other panel, or the banner came or went: new geometry
         * (and a new page height for scrolling). */
        make_windows();
        d |= BC_DIRTY_ALL;
    }
    if (d & BC_DIRTY_CLEAR)
        clearok(curscr, TRUE);
    bc_conv *cur = bc_conv_current();
    if (d & (BC_DIRTY_TITLE | BC_DIRTY_VIEW | BC_DIRTY_ROSTER))
        draw_title();
    bc_panes_draw(d);
    if (panel_w && panel_occ_) {
        /* Only when something changed: never per room message. */
        if (d & BC_DIRTY_ROSTER)
            bc_occ_panel_draw(panel_w, bc_muc_room_of_conv(cur->jid));
    } else if (panel_w && ((d & BC_DIRTY_ROSTER) || bc_panel_stale()))
        bc_panel_draw(panel_w);
    if (banner_w)
        bc_banner_draw(banner_w);
    draw_status();
    arm_tick();
    wnoutrefresh(title_w);
    if (banner_w)
        wnoutrefresh(banner_w);
    bc_panes_refresh();
    if (panel_w)
        wnoutrefresh(panel_w);
    wnoutrefresh(status_w);
    bc_input_draw();
    wnoutrefresh(bc_input_w);
    doupdate();
    bc_ui_title_update(); /* the unread count when notifications fall back */
}
