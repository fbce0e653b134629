/* SPDX-License-Identifier: GPL-3.0-or-later */
/* History that just scrolls: a chat tab's ring is a window onto the local
 * log. Opening a tab fills it with the newest lines; scrolling back past
 * the oldest line pages older ones in, and when the ring is full the
 * newest lines are let go and paged back in on the way down. Memory stays
 * at the ring's capacity (the [ui] scrollback setting) however far back
 * one scrolls. No paging step is ever visible: the view keeps its place,
 * and no line is shown twice (lines carry their row id and are kept in
 * message-time order, the order the log pages in). */
#ifndef BACKCHAT_HISTORY_H
#define BACKCHAT_HISTORY_H

#include <stdbool.h>
#include <stdint.h>
#include "backchat/conv.h"
#include "backchat/store.h"

/* The log windows page from; core sets it when it opens and closes the
 * log. NULL: no log, rings work alone. */
void bc_history_set_store(bc_store *st);
bc_store *bc_history_store(void);

/* Lines a new tab opens with, and lines per page (at most these; less
 * for a small ring: a quarter of its capacity). */
#define BC_HISTORY_FILL 100
#define BC_HISTORY_PAGE 100

/* Fills `c` again with its newest lines (after the log was opened, or to
 * leave a search jump), scrolled to the bottom. */
void bc_history_reload(bc_conv *c);
/* Fills `c` with row `id` and the rows around it, marks that line and
 * scrolls so that it is in the middle of the view. False if `id` is not a
 * row of `c` (or on a read error, with `err`). */
bool bc_history_jump(bc_conv *c, int64_t id, GError **err);
/* Pages up to a page of older lines in before the oldest line, or newer
 * ones after the newest (letting go of lines at the other end when the
 * ring is full). Return the number of lines added. */
int bc_history_page_older(bc_conv *c);
int bc_history_page_newer(bc_conv *c);

/* A row stored after `c` was filled (archive catch-up): put in at its
 * place in time if the window covers that time (else it is paged in
 * later); a correction updates the line it corrects. Rows already shown
 * are left alone. */
void bc_history_insert_row(bc_conv *c, const bc_store_row *r);
/* A live correction (XEP-0308) of the message with stanza id `sid` in
 * direction `kind` (BC_LINE_IN or BC_LINE_OUT): the line gets the new text
 * and "(edited)". False if that line is not in the window. */
bool bc_history_correct(bc_conv *c, bc_line_kind kind, const char *sid, const char *text);
/* What the log did with a line's message (bc_store_on_written): the line
 * tagged `tag` gets its row id, or is removed if the message was a
 * duplicate of one already stored. */
void bc_history_written(const bc_store_row *row, uint64_t tag);
/* The line of row `id` in `c`'s ring, or NULL. */
const bc_line *bc_history_find_line(const bc_conv *c, int64_t id);

#endif
