/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Shared between the ui/ files; not public. */
#ifndef BACKCHAT_UI_INTERNAL_H
#define BACKCHAT_UI_INTERNAL_H

#include <curses.h>
#include <stdbool.h>
#include "backchat/conv.h"
#include "backchat/presence.h"

/* Colour pairs (screen.c initialises them). */
enum {
    PAIR_BAR = 1, PAIR_ERR, PAIR_OUT, PAIR_SYS, PAIR_TIME, PAIR_UNREAD, PAIR_NICK, PAIR_WARN,
    PAIR_ONLINE, PAIR_CHAT, PAIR_AWAY, PAIR_XA, PAIR_DND, PAIR_OFFLINE, PAIR_HEAD, PAIR_COUNT_UNREAD,
    PAIR_MENTION, /* a line that names us, a priority announcement */
    PAIR_BANG,    /* the mention count in the tab bar */
};

/* theme.c: pairs come from the theme (backchat-themes(5)). A theme also
 * gives each pair attributes (bold, reverse, ...), so COLOR_PAIR(n) in
 * ui/ means the pair's colours and its attributes; with NO_COLOR only the
 * attributes. */
attr_t bc_theme_pair_attr(int pair);
#undef COLOR_PAIR
#define COLOR_PAIR(n) bc_theme_pair_attr(n)
void bc_ui_theme_init(void);
void bc_ui_theme_shutdown(void);
/* The pair for a person's nick (XEP-0392 consistent colour), or
 * `fallback` when nick colours are off or the pairs ran out. */
short bc_ui_nick_pair(const char *nick, short fallback);
bool bc_ui_colors_on(void);
/* title.c: the window title (unread count) while notifications fall back
 * to the bell; after doupdate(). */
void bc_ui_title_update(void);
void bc_ui_title_free(void);

extern WINDOW *bc_input_w;

void bc_input_init(void);
void bc_input_shutdown(void);
void bc_input_draw(void);
/* input.c: stop and go back to reading the terminal (around an external
 * editor), and replace the text of the input line. */
void bc_input_suspend(void);
void bc_input_resume(void);
void bc_input_set_text(const char *text);
/* editor.c: an external editor (/editor, Alt-e) owns the terminal: no
 * drawing until it exits. */
bool bc_input_editor_running(void);
bool bc_editor_start(const char *text, GError **err);
void bc_editor_init(void);
void bc_editor_shutdown(void);
/* input.c: a question for the status line ("Send 12 lines? ..."), or NULL. */
const char *bc_input_question(void);
void bc_ui_resize(void);

/* screen.c: UTF-8 `s` (`len` bytes, < 0 up to NUL) clipped to the
 * window's remaining columns. Remote text is never a format string. */
void bc_ui_put_clip(WINDOW *w, const char *s, long len);
/* Writes `s` in at most `cols` columns (and the window's room), ending
 * in '…' when cut; returns the columns used. */
int bc_ui_put_fit(WINDOW *w, const char *s, int cols);
/* True in a UTF-8 locale (else the UI draws ASCII glyphs). */
bool bc_ui_utf8(void);
/* A presence glyph (one column) and its colour pair / attributes. */
const char *bc_ui_show_glyph(bc_show s);
attr_t bc_ui_show_attr(bc_show s);

/* panel.c: the buddy list on the right of the view. */
/* Columns the panel takes (separator included) in a terminal `cols`
 * wide; 0 when hidden or when the terminal is too narrow. */
int bc_panel_cols(int cols);
/* The width (separator included) of a side panel as wide as the buddy
 * list's setting allows in `cols` columns, 0 if too narrow; shown or not. */
int bc_side_panel_cols(int cols);
void bc_panel_draw(WINDOW *w);
/* True when something the panel shows changed without a dirty bit
 * (an unread count). Cheap: O(tabs). */
bool bc_panel_stale(void);
/* Moves the selection through the listed contacts (dir -1 / +1). */
void bc_panel_move(int dir);
void bc_panel_toggle(void);
void bc_panel_resize_by(int delta);

/* board.c: a BC_CONV_BOARD tab in the view area. */
void bc_board_draw(WINDOW *w, bc_conv *c);
/* After the last draw: rows below the view (for the status line). */
bool bc_board_more_below(void);
/* PgUp/PgDn on a board: dir -1 up, +1 down, by a page. */
void bc_board_scroll(bc_conv *c, int dir);
void bc_board_free(void);

void bc_panel_free(void);

/* occupants.c: the occupant list of a room tab, in the panel's place. */
struct bc_room;
/* Columns it takes (separator included), 0 when hidden or too narrow. */
int bc_occ_panel_cols(int cols);
void bc_occ_panel_draw(WINDOW *w, struct bc_room *r);

/* banner.c: the priority announcement banner under the title bar. */
bool bc_banner_wanted(void);
void bc_banner_draw(WINDOW *w);

/* screen.c: draws conversation `c` in window `w`, `*scroll` rows back
 * from the bottom (clamped to what exists); lines are laid out for `w`'s
 * width. bc_ui_set_text_cols: the width history paging lays lines out
 * for (the focused pane's). */
void bc_ui_draw_conv(WINDOW *w, bc_conv *c, int *scroll);
void bc_ui_set_text_cols(int cols);

/* panes.c: the split panes in the view area. */
void bc_panes_place(int y, int x, int h, int w); /* the area they share */
bool bc_panes_sync(void);        /* the focused pane follows the current tab */
void bc_panes_draw(unsigned dirty);
void bc_panes_refresh(void);     /* wnoutrefresh of what was drawn */
void bc_panes_shutdown(void);    /* saves the layout for the next start */
/* Ctrl-W prefix keys; true when the key was taken. `code`: an ncurses
 * key code (arrows), else a character. */
bool bc_panes_key(int key, bool code);
void bc_panes_whisper_key(void); /* Alt-w in call mode */

/* screen.c: the next frame is drawn at once, not held back by the frame
 * cap (the user did something). */
void bc_ui_frame_now(void);

/* search.c: a BC_CONV_SEARCH tab in the view area. */
void bc_search_draw(WINDOW *w, bc_conv *c);
/* Hits a page of the search tab holds (PgUp/PgDn move by it). */
int bc_search_page(void);

#endif
