/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The theme on the terminal: colour pairs from the current theme, the
 * attributes that go with each pair, truecolor where the terminal has it
 * (else the nearest palette entry), NO_COLOR, and per-person nick colours
 * (XEP-0392) with a small cache of pairs. */
#include "backchat/config.h"
#include "backchat/core.h"
#include "backchat/theme.h"
#include "ui_internal.h"

#include <string.h>
#include <term.h>

/* Pairs 1..BC_THEME_N are the elements; nick pairs come after a gap. */
G_STATIC_ASSERT((int)PAIR_BANG == (int)BC_THEME_N);
#define NICK_PAIR0 32
#define NICK_PAIR_MAX 255  /* COLOR_PAIR() holds 8 bits of pair number */

static bool colors_on;           /* start_color() done, NO_COLOR not set */
static bool direct;              /* the terminal takes 24-bit colours */
static int ncolors = 8;
static attr_t elem_attrs[BC_THEME_N + 1];
static GHashTable *nick_pairs;   /* palette index + 1 -> pair */
static GHashTable *nick_seen;    /* nick -> pair, so a busy room computes
                                    each speaker's colour once */
#define NICK_SEEN_MAX 4096
static int next_nick_pair;
static bool nicks_on;

static attr_t to_curses(unsigned a)
{
    return (a & BC_ATTR_BOLD ? A_BOLD : 0) | (a & BC_ATTR_REVERSE ? A_REVERSE : 0) |
           (a & BC_ATTR_UNDERLINE ? A_UNDERLINE : 0) | (a & BC_ATTR_DIM ? A_DIM : 0);
}

attr_t bc_theme_pair_attr(int pair)
{
    /* The real COLOR_PAIR: ui_internal.h redefines the macro to this. */
    attr_t bits = colors_on ? (attr_t)(NCURSES_BITS(pair, 0) & A_COLOR) : 0;
    int elem = pair >= NICK_PAIR0 ? PAIR_NICK : pair;
    return bits | (elem > 0 && elem <= BC_THEME_N ? elem_attrs[elem] : 0);
}

/* A theme colour as a curses colour number: -1 for the default. */
static int resolve(bc_color c)
{
    switch (c.kind) {
    case BC_COLOR_RGB:
        if (direct)
            return c.rgb < 8 ? 8 : (int)c.rgb; /* below 8 are the ANSI colours */
        return bc_color_nearest(c.rgb, ncolors);
    case BC_COLOR_INDEX:
        if (c.index < ncolors)
            return c.index;
        if (c.index < 16)
            return c.index - 8; /* bright-x on an 8-colour terminal: x */
        return bc_color_nearest(bc_color_palette_rgb(c.index), ncolors);
    default: return -1;
    }
}

static void set_pair(int pair, int fg, int bg)
{
    if (ncolors > 256)
        init_extended_pair(pair, fg, bg);
    else
        init_pair((short)pair, (short)fg, (short)bg);
}

static void nick_cache_clear(void)
{
    if (nick_pairs)
        g_hash_table_remove_all(nick_pairs);
    if (nick_seen)
        g_hash_table_remove_all(nick_seen);
    next_nick_pair = NICK_PAIR0;
}

static void apply(const bc_theme *t)
{
    for (int e = 0; e < BC_THEME_N; e++)
        elem_attrs[e + 1] = to_curses(t->style[e].attrs);
    nick_cache_clear();
    nicks_on = colors_on && t->nick_colors && COLOR_PAIRS > NICK_PAIR0 + 12;
    if (colors_on)
        for (int e = 0; e < BC_THEME_N; e++)
            set_pair(e + 1, resolve(t->style[e].fg), resolve(t->style[e].bg));
    bc_dirty(BC_DIRTY_ALL | BC_DIRTY_CLEAR);
}

void bc_ui_theme_init(void)
{
    colors_on = false;
    if (has_colors() && !bc_theme_no_color()) {
        start_color();
        use_default_colors();
        colors_on = true;
        ncolors = COLORS;
        /* 24-bit: a direct-colour terminfo (the RGB flag), where colour
         * numbers are 0xRRGGBB. */
        direct = ncolors > 256 && tigetflag("RGB") > 0;
    }
    bc_theme_set_apply(apply);
    char *name = bc_config_string("ui", "theme", "default");
    GError *err = NULL;
    if (!bc_theme_use(name, &err)) {
        /* No theme files at all (an uninstalled binary): the built-in
         * default is the same as default.theme, so stay quiet then. */
        if (strcmp(name, "default") != 0)
            bc_console_err("[ui] theme: %s. Using the built-in colours.", err->message);
        g_clear_error(&err);
        apply(bc_theme_current());
    }
    g_free(name);
}

void bc_ui_theme_shutdown(void)
{
    bc_theme_set_apply(NULL);
    g_clear_pointer(&nick_pairs, g_hash_table_destroy);
    g_clear_pointer(&nick_seen, g_hash_table_destroy);
    bc_theme_reset();
}

/* The colour of a hue on a palette without a 6x6x6 cube: one of the six
 * hues (and their bright versions on 16 colours). */
static int hue_to_basic(double hue, int n)
{
    static const int by_sector[6] = {COLOR_RED, COLOR_YELLOW, COLOR_GREEN,
                                     COLOR_CYAN, COLOR_BLUE, COLOR_MAGENTA};
    int s = (int)((hue + 30.0) / 60.0) % 6;
    /* Blue is hard to read on dark backgrounds: its bright form when we can. */
    int c = by_sector[s];
    return n >= 16 && c == COLOR_BLUE ? c + 8 : c;
}

static short nick_pair_for(const char *nick, short fallback);

short bc_ui_nick_pair(const char *nick, short fallback)
{
    if (!nicks_on || !nick || !*nick)
        return fallback;
    if (!nick_seen)
        nick_seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    gpointer seen = g_hash_table_lookup(nick_seen, nick);
    if (seen)
        return (short)GPOINTER_TO_INT(seen);
    short pair = nick_pair_for(nick, fallback);
    if (pair != fallback) {
        if (g_hash_table_size(nick_seen) >= NICK_SEEN_MAX)
            g_hash_table_remove_all(nick_seen);
        g_hash_table_insert(nick_seen, g_strdup(nick), GINT_TO_POINTER(pair));
    }
    return pair;
}

/* The pair of a nick's consistent colour, allocated on first use. */
static short nick_pair_for(const char *nick, short fallback)
{
    int color;
    if (ncolors >= 256)
        color = bc_color_nearest(bc_theme_consistent_rgb(nick), 256);
    else
        color = hue_to_basic(bc_theme_hue(nick), ncolors);
    if (!nick_pairs)
        nick_pairs = g_hash_table_new(g_direct_hash, g_direct_equal);
    gpointer v = g_hash_table_lookup(nick_pairs, GINT_TO_POINTER(color + 1));
    if (v)
        return (short)GPOINTER_TO_INT(v);
    int limit = MIN(COLOR_PAIRS - 1, NICK_PAIR_MAX);
    if (next_nick_pair > limit)
        return fallback; /* out of pairs: the theme's nick colour */
    int pair = next_nick_pair++;
    set_pair(pair, color, resolve(bc_theme_current()->style[BC_THEME_NICK].bg));
    g_hash_table_insert(nick_pairs, GINT_TO_POINTER(color + 1), GINT_TO_POINTER(pair));
    return (short)pair;
}

bool bc_ui_colors_on(void) { return colors_on; }
