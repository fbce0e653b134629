/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Split panes: a tree of splits whose leaves (panes) each show one
 * conversation, named by its type and JID so a layout outlives the tabs.
 * The tree is pure data (layout.c); the live workspace (layout_live.c)
 * ties it to the conversations, persists layouts and keeps call mode.
 *
 * Geometry, for a pane area `w` x `h`: one pane takes it all. With more
 * than one, every pane starts with a one-row header; a side-by-side split
 * gives one column to a divider; a split one above the other needs none
 * (the lower pane's header separates them). A pane must keep at least
 * BC_PANE_MIN_COLS columns and BC_PANE_MIN_ROWS rows under its header. */
#ifndef BACKCHAT_LAYOUT_H
#define BACKCHAT_LAYOUT_H

#include <stdbool.h>
#include <glib.h>
#include "backchat/conv.h"
#include "backchat/presence.h"

#define BC_PANES_MAX 6
#define BC_PANE_MIN_COLS 20
#define BC_PANE_MIN_ROWS 3

typedef enum {
    BC_SPLIT_NONE, /* a leaf: a pane */
    BC_SPLIT_V,    /* vertical divider: children side by side (a left) */
    BC_SPLIT_H,    /* horizontal divider: one above the other (a on top) */
} bc_split_dir;

typedef enum { BC_DIR_LEFT, BC_DIR_RIGHT, BC_DIR_UP, BC_DIR_DOWN } bc_dir;

typedef struct bc_pane {
    bc_split_dir split;
    int ratio;                 /* split: per mille of the room given to a */
    struct bc_pane *a, *b, *parent;
    /* A leaf: what it shows. */
    bc_conv_type type;
    char *jid;                 /* as bc_conv.jid (NULL: console, announcements) */
    int scroll;                /* its own rows back from the bottom while
                                  not focused */
} bc_pane;

typedef struct bc_layout {
    bc_pane *root;
    bc_pane *focus; /* always a leaf */
} bc_layout;

typedef struct { int x, y, w, h; } bc_rect;

#define BC_LAYOUT_ERROR bc_layout_error_quark()
GQuark bc_layout_error_quark(void);

/* One pane showing (type, jid). */
bc_layout *bc_layout_new(bc_conv_type type, const char *jid);
void bc_layout_free(bc_layout *l);
bc_layout *bc_layout_copy(const bc_layout *l);
int bc_layout_count(const bc_layout *l);
/* Leaf i in reading order (a before b), or NULL. */
bc_pane *bc_layout_nth(const bc_layout *l, int i);
int bc_layout_index(const bc_layout *l, const bc_pane *p); /* -1: not a leaf of l */
void bc_pane_show(bc_pane *p, bc_conv_type type, const char *jid);
bool bc_pane_shows(const bc_pane *p, bc_conv_type type, const char *jid);

/* Pane rectangles (in reading order, each with its header row when there
 * is more than one pane) for an area w x h; returns the number of panes,
 * at most `max`. */
int bc_layout_rects(const bc_layout *l, int w, int h, bc_rect *out, int max);
/* Vertical dividers (w = 1); returns their number. */
int bc_layout_dividers(const bc_layout *l, int w, int h, bc_rect *out, int max);
/* Every pane keeps its minimum in w x h; else false with what is wrong. */
bool bc_layout_fits(const bc_layout *l, int w, int h, GError **err);

/* Splits the focused pane in two (the new one, right or below, shows the
 * same conversation and takes the focus). Refused beyond BC_PANES_MAX or
 * when a pane would be too small in w x h; the layout is then unchanged. */
bool bc_layout_split(bc_layout *l, bc_split_dir dir, int w, int h, GError **err);
/* Closes the focused pane; its neighbour takes its room and the focus. */
bool bc_layout_close(bc_layout *l, GError **err);
/* Back to one pane: the focused one. */
void bc_layout_unsplit(bc_layout *l);
/* Exchanges what the focused pane shows with the next pane (the previous
 * for the last); the focus follows its conversation. */
bool bc_layout_swap(bc_layout *l, GError **err);
/* Grows (delta > 0) or shrinks the focused pane by `delta` columns (side
 * by side) or rows (one above the other) inside its parent split. */
bool bc_layout_resize(bc_layout *l, int delta, int w, int h, GError **err);
/* Focus to the next (+1) or previous (-1) pane, wrapping. */
void bc_layout_focus_step(bc_layout *l, int step);
/* Focus to the pane beside the focused one; false if there is none. */
bool bc_layout_focus_dir(bc_layout *l, bc_dir dir, int w, int h);

/* Conversation types as words ("chat", "room", ...) and back. */
const char *bc_conv_type_name(bc_conv_type t);
bool bc_conv_type_parse(const char *s, bc_conv_type *out);

/* Into / out of a GKeyFile group (keys: tree, focus, paneN). */
void bc_layout_to_keyfile(const bc_layout *l, GKeyFile *kf, const char *group);
bc_layout *bc_layout_from_keyfile(GKeyFile *kf, const char *group, GError **err);

/* ---- the live workspace (layout_live.c) --------------------------------- */

/* The layout on screen (created on first use: one pane, the current tab). */
bc_layout *bc_workspace(void);
/* Replaces the layout on screen (takes `l`); conversations of its panes
 * are opened as bc_workspace_restore says, the focus's is selected. */
void bc_workspace_set(bc_layout *l);
void bc_workspace_free(void);
/* The UI's pane area, for fit checks made by commands. */
void bc_workspace_set_area(int w, int h);
void bc_workspace_area(int *w, int *h);
/* The focus moved from pane `old`: remembers its scroll, selects the new
 * focus's conversation and puts back its scroll. */
void bc_workspace_focus_moved(bc_pane *old);
/* The current tab changed (Alt-N, /win): the focused pane shows it.
 * True when something changed. */
bool bc_workspace_sync(void);
/* The conversation pane `p` shows: opened if it may be (a chat; a room
 * that is joined or bookmarked; the announcements tab), else the console
 * (and the pane then shows the console). */
bc_conv *bc_workspace_conv(bc_pane *p);

/* Layout files: $XDG_DATA_HOME/backchat/layouts (0600). NULL name: the
 * layout saved at quit and restored at start. */
bool bc_workspace_save(const char *name, GError **err);
bool bc_workspace_load(const char *name, GError **err);
bool bc_workspace_delete(const char *name, GError **err);
char **bc_workspace_names(void); /* sorted, g_strfreev; never NULL */
bool bc_layout_name_valid(const char *name);

/* Call mode: kept here so the UI can show it; cmd/ does the work. */
typedef struct bc_callmode {
    bool active;
    bc_conv_type back_type; /* the back-channel: a chat or a room */
    char *back_jid;
    bc_layout *saved;       /* the layout before call mode */
    /* The status before call mode. */
    bc_show show;
    char *message, *activity, *activity_text, *preset;
    int64_t until;
} bc_callmode;
bc_callmode *bc_callmode_get(void);
bool bc_callmode_active(void);

#endif
