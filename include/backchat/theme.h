/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Colour themes: the file format (parsed here, without curses), where
 * theme files are found, and consistent nick colours (XEP-0392). The
 * curses side (colour pairs, /theme load) is in src/ui/theme.c. */
#ifndef BACKCHAT_THEME_H
#define BACKCHAT_THEME_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

/* One element of the screen. The order is the colour pairs' order in the
 * UI (pair = element + 1). */
typedef enum {
    BC_THEME_BAR,          /* title and status bars, inactive tabs */
    BC_THEME_ERROR,        /* error lines */
    BC_THEME_OWN,          /* our own messages and nick */
    BC_THEME_SYSTEM,       /* system lines (joins, status changes, info) */
    BC_THEME_TIME,         /* the time stamp of a line */
    BC_THEME_UNREAD,       /* a tab with unread messages */
    BC_THEME_NICK,         /* other people's nicks (when nick colours are off) */
    BC_THEME_WARNING,      /* warnings in the status bar, the announcement banner */
    BC_THEME_ONLINE,       /* presence: available */
    BC_THEME_CHAT,         /* presence: free for chat */
    BC_THEME_AWAY,         /* presence: away */
    BC_THEME_XA,           /* presence: extended away */
    BC_THEME_DND,          /* presence: do not disturb */
    BC_THEME_OFFLINE,      /* presence: offline */
    BC_THEME_HEADER,       /* headers of the buddy list, occupants, search */
    BC_THEME_COUNT,        /* unread counts in the buddy list */
    BC_THEME_MENTION,      /* a line that names us, a priority announcement */
    BC_THEME_MENTION_COUNT, /* the mention count in the tab bar */
    BC_THEME_N
} bc_theme_elem;

typedef enum {
    BC_COLOR_DEFAULT,  /* the terminal's own foreground / background */
    BC_COLOR_INDEX,    /* a palette entry 0..255 (names are 0..15) */
    BC_COLOR_RGB,      /* #rrggbb: truecolor, or the nearest palette entry */
} bc_color_kind;

typedef struct {
    bc_color_kind kind;
    uint8_t index;     /* BC_COLOR_INDEX */
    uint32_t rgb;      /* BC_COLOR_RGB: 0xRRGGBB */
} bc_color;

enum {
    BC_ATTR_BOLD = 1 << 0,
    BC_ATTR_REVERSE = 1 << 1,
    BC_ATTR_UNDERLINE = 1 << 2,
    BC_ATTR_DIM = 1 << 3,
};

typedef struct {
    bc_color fg, bg;
    unsigned attrs;    /* BC_ATTR_* */
} bc_theme_style;

typedef struct bc_theme {
    char *name;        /* the file's name without .theme */
    char *path;        /* where it was read from; NULL for the built-in one */
    char *description;
    bool nick_colors;  /* consistent per-person nick colours (XEP-0392) */
    bc_theme_style style[BC_THEME_N];
} bc_theme;

/* The built-in theme (the same as themes/default.theme). */
bc_theme *bc_theme_new_default(void);
void bc_theme_free(bc_theme *t);

/* Parses theme text over the built-in defaults. Every line that cannot be
 * used adds a warning "FILE, line N: ..." naming the key to `warnings`
 * (strings, may be NULL) and is skipped; the rest still applies. Never
 * fails. `file` is only used in the warnings. */
bc_theme *bc_theme_parse(const char *name, const char *text, const char *file,
                         GPtrArray *warnings);
/* Reads and parses a file; NULL with `err` set when it cannot be read. */
bc_theme *bc_theme_load_file(const char *name, const char *path, GPtrArray *warnings,
                             GError **err);

/* "red", "bright-blue", "default", "0".."255", "#rrggbb". */
bool bc_color_parse(const char *s, bc_color *out);
/* The canonical spelling (g_free). */
char *bc_color_to_string(bc_color c);
/* "bold,underline" / "none" <-> BC_ATTR_*; false on an unknown word. */
bool bc_attrs_parse(const char *s, unsigned *out);
char *bc_attrs_to_string(unsigned attrs);
/* The element's key in a theme file ("bar", "mention-count"); NULL when
 * out of range. */
const char *bc_theme_elem_name(int elem);
int bc_theme_elem_lookup(const char *name);

/* 0xRRGGBB of a palette entry (xterm's defaults) and the nearest entry
 * among the first `ncolors` (8, 16 or 256) to an RGB colour. */
uint32_t bc_color_palette_rgb(int index);
int bc_color_nearest(uint32_t rgb, int ncolors);

/* True when NO_COLOR is set to anything but "": attributes only. */
bool bc_theme_no_color(void);

/* XEP-0392: the hue angle (degrees, [0, 360)) of `s` (a nick or a bare
 * JID) from its SHA-1, and an RGB colour at that hue with fixed
 * saturation and lightness. */
double bc_theme_hue(const char *s);
uint32_t bc_theme_consistent_rgb(const char *s);

/* Directories searched for NAME.theme, first wins (g_strfreev):
 * $XDG_CONFIG_HOME/backchat/themes, $BACKCHAT_THEMES_DIR, themes/ next
 * to (or one above) the executable when run from a source tree, and the
 * installed DATADIR/themes. */
char **bc_theme_dirs(void);
/* The file NAME.theme is read from (g_free), or NULL. NAME must be a
 * plain name (no '/', no leading '.'). */
char *bc_theme_find(const char *name);
/* Every theme name found, sorted, without duplicates (g_strfreev). */
char **bc_theme_list(void);
bool bc_theme_name_valid(const char *name);

/* ---- the theme in use ------------------------------------------------------ */

/* The UI's part of a switch: set the colours from `t` and redraw. */
typedef void (*bc_theme_apply_fn)(const bc_theme *t);
void bc_theme_set_apply(bc_theme_apply_fn fn);
/* The theme in use (the built-in one until a theme is used). */
const bc_theme *bc_theme_current(void);
/* Loads NAME (its bad lines are reported in the console and skipped),
 * makes it current and applies it. False with `err` set when there is no
 * such theme or it cannot be read; the current theme stays. */
bool bc_theme_use(const char *name, GError **err);
/* Back to the built-in theme, without applying (tests, exit). */
void bc_theme_reset(void);

#endif
