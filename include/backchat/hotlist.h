/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Activity in the tabs not shown (the hotlist), the read marker, and how
 * long an incoming 1:1 message has waited for our reply. */
#ifndef BACKCHAT_HOTLIST_H
#define BACKCHAT_HOTLIST_H

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>
#include "backchat/conv.h"

/* Ordered: a higher level is more urgent. */
typedef enum {
    BC_ACT_NONE,
    BC_ACT_LOW,       /* joins, leaves, presence lines in a room */
    BC_ACT_MESSAGE,   /* a message in a room or the Announcements tab */
    BC_ACT_PRIVATE,   /* a 1:1 message, or a private message in a room */
    BC_ACT_HIGHLIGHT, /* a mention, a priority announcement */
} bc_activity;

/* The text of the marker line above the first unread line. */
#define BC_READ_MARKER "\xe2\x94\x80\xe2\x94\x80\xe2\x94\x80\xe2\x94\x80 new " \
                       "\xe2\x94\x80\xe2\x94\x80\xe2\x94\x80\xe2\x94\x80"

/* The level of `c`: none for the current tab. */
bc_activity bc_hotlist_level(const bc_conv *c);
const char *bc_activity_name(bc_activity a);

/* conv.c: a line was added to `c` (before its unread count changes). */
void bc_hotlist_note(bc_conv *c, bc_line *l);
/* conv.c: the focus moves from `from` (may be NULL) to `to`. */
void bc_hotlist_focus(bc_conv *from, bc_conv *to);

/* Tabs with activity, most urgent first: highest level, then the one
 * whose activity began first. Borrowed pointers (g_ptr_array_unref). */
GPtrArray *bc_hotlist_order(void);
/* The most urgent tab (Alt-a), or NULL when nothing is waiting. Going
 * there clears it, so pressing again walks down the list. */
bc_conv *bc_hotlist_next(void);

/* Seconds the oldest unanswered incoming message of `c` has waited, or
 * -1 when none does (or `c` is not a 1:1 or private chat). */
int64_t bc_hotlist_wait_seconds(const bc_conv *c);
/* "3m", "1h5m", "2d"; NULL when not waiting. g_free. */
char *bc_hotlist_wait_label(const bc_conv *c);
/* Waited [hotlist] reply_warn_minutes (default 5) or more. */
bool bc_hotlist_wait_warn(const bc_conv *c);
/* Some tab waits for a reply: the UI's minute tick must run. */
bool bc_hotlist_waiting(void);
/* Milliseconds until a waiting time shown changes (a minute turns), 0
 * when nothing waits (so an idle client sleeps). */
unsigned bc_hotlist_tick_ms(void);

/* The index of the read marker in `c`'s ring, or -1. */
long bc_hotlist_marker_index(const bc_conv *c);
/* Scrolls `c` so that the first unread line is at the top of the view.
 * False with `err` when there is no marker in memory. */
bool bc_hotlist_jump_unread(bc_conv *c, GError **err);

/* Tests: the unix time the hotlist uses (0: the real clock). */
void bc_hotlist_set_now(int64_t t);

#endif
