/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The ring of a conversation, for the files of src/core/ that edit it
 * (conv.c, history.c, search_view.c); not part of the public API. */
#ifndef BACKCHAT_CONV_INTERNAL_H
#define BACKCHAT_CONV_INTERNAL_H

#include "backchat/conv.h"

/* Lines held aside (see bc_conv.held) at most; the oldest go first. */
#define BC_HELD_MAX 200

bc_line *bc_line_new(int64_t ts, bc_line_kind kind, const char *from, const char *text);
void bc_line_free(bc_line *l);

/* Line i (0 = oldest), writable. */
bc_line *bc_ring_at(const bc_conv *c, size_t i);
/* Inserts `l` before line i (i == len: at the end); needs len < cap. */
void bc_ring_insert(bc_conv *c, size_t i, bc_line *l);
/* Removes line i and returns it (the caller owns it). */
bc_line *bc_ring_take(bc_conv *c, size_t i);
/* Puts `l` aside (owned by c->held), letting go of the oldest held line
 * when there are BC_HELD_MAX. */
void bc_conv_hold(bc_conv *c, bc_line *l);

/* The order of lines: by time, then row id; a line not in the log (id 0)
 * sorts after the rows of its second (it will get the highest id). */
int bc_line_cmp_key(const bc_line *l, int64_t ts, int64_t id);

/* history.c */
/* A new chat tab: its newest lines from the log. */
void bc_history_fill(bc_conv *c);
/* Is `c` a window onto the log (a chat, with a log open)? */
bool bc_history_active(const bc_conv *c);
/* Scrolls by `rows` (bc_conv_scroll() with a log). */
void bc_history_scroll(bc_conv *c, int rows);
/* A note from backchat at the top of `c`'s window (at most one line with
 * `tag` in it; a view at the top stays at the top and shows it), and its
 * removal. */
void bc_history_note_top(bc_conv *c, const char *text, uint64_t tag);
void bc_history_unnote(bc_conv *c, uint64_t tag);

#endif
