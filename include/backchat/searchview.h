/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Search in the model: the search tab (/search: results across every
 * conversation, a selection, Enter opens a result's conversation at that
 * moment) and find-in-conversation (/find, Ctrl-R: jumps between the
 * matches of one conversation). Results come from the local log
 * (store.h: bc_search_parse, bc_store_search). */
#ifndef BACKCHAT_SEARCHVIEW_H
#define BACKCHAT_SEARCHVIEW_H

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>
#include "backchat/conv.h"

/* The markers around matched words in a snippet (the same bytes as the
 * log's BC_SEARCH_MARK_START/_END; no stored text contains them). */
#define BC_HIT_MARK_START '\x01'
#define BC_HIT_MARK_END '\x02'

/* Results a search tab lists at most, and matches /find jumps between. */
#define BC_SEARCH_MAX 200
#define BC_FIND_MAX 1000

typedef struct bc_search_hit {
    int64_t id;       /* row id */
    int64_t ts;       /* message time */
    char *conv;       /* bare JID of the conversation */
    char *who;        /* sender's display name */
    char *snippet;    /* the body around the match, on one line, matched
                         words between BC_SEARCH_MARK_START and _END */
    char *context;    /* "who: text" of the message before it in its
                         conversation, on one line, or NULL */
    bool outgoing;
} bc_search_hit;

typedef struct bc_search_view {
    char *query;
    GPtrArray *hits;  /* of bc_search_hit*, newest first */
    int selected;     /* index in hits, -1 when there are none */
    int top;          /* first hit drawn (the UI keeps the selection in view) */
    bool more;        /* more than BC_SEARCH_MAX messages matched */
} bc_search_view;
/* The tab's own lines (command output typed there) are notes the view
 * shows under the results; a new search clears them. */

/* Searches the whole log for `query` (the syntax of bc_search_parse) and
 * shows the results in the search tab, opening or reusing it and
 * switching to it. NULL with `err` for a query that does not parse, no
 * log, or a read error. */
bc_conv *bc_search_run(const char *query, GError **err);
/* Moves the selection of search tab `c` by `delta` results (clamped). */
void bc_search_move(bc_conv *c, int delta);
/* Opens the conversation of the selected result, scrolled to it with the
 * line highlighted. */
bool bc_search_open_selected(bc_conv *c, GError **err);
void bc_search_view_free(bc_search_view *v);

/* Searches chat `c` for `query` and jumps to the newest match. */
bool bc_find_start(bc_conv *c, const char *query, GError **err);
/* To the next older (dir > 0) or newer (dir < 0) match; false with `err`
 * when there is none that way (the view stays). */
bool bc_find_step(bc_conv *c, int dir, GError **err);
/* Forgets the matches, unmarks the line and returns to the newest lines. */
void bc_find_clear(bc_conv *c);
/* True while `c` has /find matches to step through. */
bool bc_find_active(const bc_conv *c);

#endif
