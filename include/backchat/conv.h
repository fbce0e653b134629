/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Conversations (tabs): the console and 1:1 chats, each with a bounded
 * scrollback ring and unread state. The UI draws what is marked dirty. */
#ifndef BACKCHAT_CONV_H
#define BACKCHAT_CONV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <glib.h>

typedef enum { BC_CONV_CONSOLE, BC_CONV_CHAT, BC_CONV_BOARD } bc_conv_type;

typedef enum { BC_BOARD_BY_STATUS, BC_BOARD_BY_NAME, BC_BOARD_BY_TIME } bc_board_sort;

typedef enum {
    BC_LINE_IN,   /* a message from the peer */
    BC_LINE_OUT,  /* a message we sent */
    BC_LINE_SYS,  /* information from backchat */
    BC_LINE_ERR,  /* an error, shown in red */
} bc_line_kind;

typedef struct bc_line {
    int64_t ts;        /* unix time in seconds */
    bc_line_kind kind;
    char *from;        /* sender display name, or NULL */
    char *text;        /* sanitized */
} bc_line;

typedef struct bc_conv {
    bc_conv_type type;
    char *jid;         /* bare JID for a chat; NULL for the console */
    char *title;       /* tab name */
    bc_line **ring;    /* bounded scrollback */
    size_t cap, head, len;
    unsigned unread;
    int scroll;        /* screen rows scrolled back from the bottom */
    /* BC_CONV_BOARD: the roster group shown (NULL: everyone) and order. */
    char *group;
    bc_board_sort board_sort;
} bc_conv;

/* Dirty bits the UI reads once per loop turn. */
enum {
    BC_DIRTY_VIEW = 1 << 0,   /* current conversation's lines */
    BC_DIRTY_TABS = 1 << 1,   /* tab bar / status line */
    BC_DIRTY_TITLE = 1 << 2,  /* title bar */
    BC_DIRTY_INPUT = 1 << 3,  /* input line */
    BC_DIRTY_CLEAR = 1 << 4,  /* repaint the whole terminal (Ctrl-L) */
    BC_DIRTY_ROSTER = 1 << 5, /* buddy list panel, and a board in view */
    BC_DIRTY_ALL = 0xff,
};
void bc_dirty(unsigned bits);
unsigned bc_dirty_take(void);

void bc_convs_init(size_t scrollback);
void bc_convs_free(void);

size_t bc_conv_count(void);
bc_conv *bc_conv_nth(size_t i);          /* 0 is the console */
bc_conv *bc_conv_console(void);
bc_conv *bc_conv_current(void);
size_t bc_conv_current_index(void);
bool bc_conv_select(size_t i);           /* clears its unread count */
bc_conv *bc_conv_find(const char *jid);  /* by bare JID */
/* Finds or opens the chat with `jid` (bare); focuses it if `focus`. */
bc_conv *bc_conv_open(const char *jid, bool focus);
/* Finds or opens the team board for `group` (NULL: all groups). */
bc_conv *bc_conv_open_board(const char *group, bool focus);
/* Closes tab i (not the console). */
bool bc_conv_close(size_t i);
size_t bc_conv_index(const bc_conv *c);

/* Appends a line (copies strings). Marks unread when not current and the
 * line is from the peer. `text` must already be sanitized. */
void bc_conv_add(bc_conv *c, bc_line_kind kind, const char *from,
                 const char *text, int64_t ts);
/* Scrolls the view by `rows` screen rows (positive: back in time); the
 * UI clamps to what exists. The page is the view height the UI reports. */
void bc_conv_scroll(bc_conv *c, int rows);
void bc_conv_set_page(int rows);
int bc_conv_page(void);

/* Line i, 0 = oldest in the ring. */
const bc_line *bc_conv_line(const bc_conv *c, size_t i);

/* Text for the console / the current tab. Format strings are ours; remote
 * text only ever goes in as a %s argument. */
void bc_console(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
void bc_console_err(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
void bc_info(const char *fmt, ...) G_GNUC_PRINTF(1, 2);  /* current tab */
void bc_error(const char *fmt, ...) G_GNUC_PRINTF(1, 2); /* current tab */

/* JIDs to offer in completion: open chats and those seen this session. */
void bc_known_jid_add(const char *jid);
GPtrArray *bc_known_jids(void); /* borrowed strings */

#endif
