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

extern WINDOW *bc_input_w;

void bc_input_init(void);
void bc_input_shutdown(void);
void bc_input_draw(void);
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

/* search.c: a BC_CONV_SEARCH tab in the view area. */
void bc_search_draw(WINDOW *w, bc_conv *c);
/* Hits a page of the search tab holds (PgUp/PgDn move by it). */
int bc_search_page(void);

#endif
