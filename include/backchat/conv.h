/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Conversations (tabs): the console, 1:1 chats, rooms, private chats with
 * room occupants, the Announcements tab, boards and search, each with a
 * bounded scrollback ring and unread state. The UI draws what is marked
 * dirty. */
#ifndef BACKCHAT_CONV_H
#define BACKCHAT_CONV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <glib.h>

typedef enum {
    BC_CONV_CONSOLE,
    BC_CONV_CHAT,      /* 1:1; jid = the peer's bare JID */
    BC_CONV_BOARD,
    BC_CONV_SEARCH,
    BC_CONV_ROOM,      /* a group chat (MUC); jid = the room's bare JID */
    BC_CONV_PRIVATE,   /* a private chat with a room occupant; jid = the
                          occupant's full JID room@service/nick */
    BC_CONV_ANNOUNCE,  /* the Announcements tab (one); jid NULL */
} bc_conv_type;

typedef enum { BC_BOARD_BY_STATUS, BC_BOARD_BY_NAME, BC_BOARD_BY_TIME } bc_board_sort;

typedef enum {
    BC_LINE_IN,   /* a message from the peer */
    BC_LINE_OUT,  /* a message we sent */
    BC_LINE_SYS,  /* information from backchat */
    BC_LINE_ERR,  /* an error, shown in red */
} bc_line_kind;

/* What became of a message we sent (BC_LINE_OUT). */
typedef enum {
    BC_SEND_NONE,       /* nothing to say (sent, or not ours) */
    BC_SEND_PENDING,    /* typed while disconnected: sent after reconnecting */
    BC_SEND_DELIVERED,  /* the recipient's client confirmed it (XEP-0184) */
    BC_SEND_FAILED,     /* an error came back; the reason is a line below */
} bc_send_state;

typedef struct bc_line {
    int64_t ts;        /* unix time in seconds: the message's time (server
                          time if any, else local), as the log orders it */
    bc_line_kind kind;
    char *from;        /* sender display name, or NULL */
    char *text;        /* sanitized */
    /* Where the line is in the local log (history.c). */
    int64_t id;        /* row id; 0: not in the log (yet) */
    uint64_t tag;      /* written but not yet flushed: the ticket the
                          log hands back with the row id; 0 if none */
    char *sid;         /* the message's stanza id (corrections find the
                          line by it), or NULL */
    bool edited;       /* corrected (XEP-0308): shown with "(edited)" */
    bool mark;         /* highlighted: the line a search jumped to */
    bool highlight;    /* names us (a mention in a room), or a priority
                          announcement: drawn to stand out */
    bc_send_state send;/* BC_LINE_OUT: pending, delivered, failed */
    bool read_marker;  /* the "new" line above the first unread one
                          (hotlist.h); never logged */
} bc_line;

struct bc_search_view;

typedef struct bc_conv {
    bc_conv_type type;
    char *jid;         /* bare JID for a chat; NULL for the console */
    char *title;       /* tab name */
    bc_line **ring;    /* bounded scrollback */
    size_t cap, head, len;
    unsigned unread;
    unsigned mentions; /* unread lines with `highlight` (also in unread) */
    int scroll;        /* screen rows scrolled back from the bottom */
    /* BC_CONV_BOARD: the roster group shown (NULL: everyone) and order. */
    char *group;
    bc_board_sort board_sort;
    /* BC_CONV_CHAT with a log: the ring is a window onto the log
     * (history.c). Lines are kept in message-time order. */
    bool more_older;   /* the log may hold rows older than the ring's oldest */
    bool more_newer;   /* rows newer than the ring's newest are in the log
                          (the window was scrolled back and its newest
                          lines were let go) */
    GPtrArray *held;   /* of bc_line*: lines not in the log (notes, unlogged
                          messages) let go or added while more_newer; put
                          back in when the window reaches the bottom */
    GHashTable *edits; /* row id -> corrected text, for originals paged in
                          after their correction */
    /* Find in this conversation (/find, Ctrl-R). */
    char *find_query;
    GArray *find_ids;  /* of int64_t, matching row ids, newest first */
    int find_pos;      /* index in find_ids of the match shown, -1: none */
    /* BC_CONV_SEARCH: the results (search.h). */
    struct bc_search_view *search;
    /* Activity while not shown (hotlist.h). */
    bool hot_low;      /* joins, leaves, presence lines since last read */
    bool hot_visited;  /* has been the current tab */
    bool hot_marked;   /* the read marker was placed since it was left */
    int64_t hot_since; /* unix time the activity began; 0: none */
    int64_t wait_since;/* chats: unix time of the oldest incoming message
                          not answered yet; 0: none */
} bc_conv;

/* Dirty bits the UI reads once per loop turn. */
enum {
    BC_DIRTY_VIEW = 1 << 0,   /* current conversation's lines */
    BC_DIRTY_TABS = 1 << 1,   /* tab bar / status line */
    BC_DIRTY_TITLE = 1 << 2,  /* title bar */
    BC_DIRTY_INPUT = 1 << 3,  /* input line */
    BC_DIRTY_CLEAR = 1 << 4,  /* repaint the whole terminal (Ctrl-L) */
    BC_DIRTY_ROSTER = 1 << 5, /* buddy list panel, and a board in view */
    BC_DIRTY_PANES = 1 << 6,  /* lines of a conversation not in focus: the
                                 split panes showing it */
    BC_DIRTY_ALL = 0xff,
};
void bc_dirty(unsigned bits);
unsigned bc_dirty_take(void);
/* What is dirty, left for the next bc_dirty_take(). */
unsigned bc_dirty_peek(void);

void bc_convs_init(size_t scrollback);
void bc_convs_free(void);

size_t bc_conv_count(void);
bc_conv *bc_conv_nth(size_t i);          /* 0 is the console */
bc_conv *bc_conv_console(void);
bc_conv *bc_conv_current(void);
size_t bc_conv_current_index(void);
bool bc_conv_select(size_t i);           /* clears unread and mentions */
bc_conv *bc_conv_find(const char *jid);  /* a 1:1 chat, by bare JID */
/* The tab of `type` whose jid is exactly `jid` (NULL for the one
 * Announcements tab), or NULL. */
bc_conv *bc_conv_find_type(bc_conv_type type, const char *jid);
/* Finds or opens the chat with `jid` (bare); focuses it if `focus`. */
bc_conv *bc_conv_open(const char *jid, bool focus);
/* Finds or opens the tab of room `room` (bare JID), named by the room's
 * local part; focuses it if `focus`. */
bc_conv *bc_conv_open_room(const char *room, bool focus);
/* Finds or opens the private chat with occupant `occupant` (full JID
 * room@service/nick), named "nick (room)". */
bc_conv *bc_conv_open_private(const char *occupant, bool focus);
/* Finds or opens the one Announcements tab. */
bc_conv *bc_conv_open_announce(bool focus);
/* Finds or opens the team board for `group` (NULL: all groups). */
bc_conv *bc_conv_open_board(const char *group, bool focus);
/* Finds or opens the search tab (one, reused); focuses it if `focus`. */
bc_conv *bc_conv_open_search(bool focus);
/* Closes tab i (not the console). */
bool bc_conv_close(size_t i);
size_t bc_conv_index(const bc_conv *c);

/* Adds a line (copies strings) at its place in time (normally the end;
 * a delayed message goes where its time puts it). Marks unread when not
 * current and the line is from the peer. `text` must already be sanitized.
 * While the window is scrolled back (more_newer), the line is held and
 * shown when the window gets back to the bottom. Returns the line (the
 * caller may set its log fields), or NULL if c is NULL. */
bc_line *bc_conv_add(bc_conv *c, bc_line_kind kind, const char *from,
                     const char *text, int64_t ts);
/* Removes line i (0 = oldest). */
void bc_conv_remove(bc_conv *c, size_t i);
/* How many screen rows a line takes: the UI sets this (it knows the
 * width); without it every line counts as one row. */
typedef int (*bc_line_rows_fn)(const bc_line *l);
void bc_conv_set_line_rows(bc_line_rows_fn fn);
int bc_conv_line_rows(const bc_line *l);
/* Scrolls the view by `rows` screen rows (positive: back in time); the
 * UI clamps to what exists. With a log, scrolling back past the oldest
 * line pages older lines in, and forward pages newer ones back in
 * (history.c); rows >= 1000000 goes to the very first line of the
 * conversation, <= -1000000 to the newest. The page is the view height
 * the UI reports. */
void bc_conv_scroll(bc_conv *c, int rows);
void bc_conv_set_page(int rows);
int bc_conv_page(void);

/* Sets the send state of our line with stanza id `sid` in `c` (the
 * newest such line in the ring); a line held aside or paged out is not
 * found. True if found. Marks the view dirty when `c` is shown. */
bool bc_conv_set_send_state(bc_conv *c, const char *sid, bc_send_state st);

/* Line i, 0 = oldest in the ring. */
const bc_line *bc_conv_line(const bc_conv *c, size_t i);

/* Text for the console / the current tab. Format strings are ours; remote
 * text only ever goes in as a %s argument. */
void bc_console(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
void bc_console_err(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
void bc_info(const char *fmt, ...) G_GNUC_PRINTF(1, 2);  /* current tab */
void bc_error(const char *fmt, ...) G_GNUC_PRINTF(1, 2); /* current tab */

/* Until bc_console_capture_end(), the text of every notice and error line
 * added to any conversation is also appended to `out`, one "\n"-ended
 * line each: the control socket answers with what a command printed. */
void bc_console_capture_begin(GString *out);
void bc_console_capture_end(void);

/* JIDs to offer in completion: open chats and those seen this session. */
void bc_known_jid_add(const char *jid);
GPtrArray *bc_known_jids(void); /* borrowed strings */

#endif
