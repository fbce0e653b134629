/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target for theme files (src/core/theme.c). A theme may come
 * from anywhere (users share them), and its description and the warnings
 * about its bad lines are shown in the console: both must be clean
 * single-line text. Whatever the input, the parse yields a usable theme,
 * and writing that theme out canonically and parsing it again gives the
 * same theme without a warning. */

#include <glib.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "backchat/sanitize.h"
#include "backchat/theme.h"
#include "fuzz_common.h"

#define FILE_NAME "fuzz.theme"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    g_log_set_always_fatal(G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
    return 0;
}

static void check_line(const char *s)
{
    CHECK(s != NULL);
    CHECK(g_utf8_validate(s, -1, NULL));
    CHECK(bc_is_sanitized(s));
    CHECK(!strpbrk(s, "\n\t"));
}

static bool color_eq(bc_color a, bc_color b)
{
    if (a.kind != b.kind)
        return false;
    if (a.kind == BC_COLOR_INDEX)
        return a.index == b.index;
    if (a.kind == BC_COLOR_RGB)
        return a.rgb == b.rgb;
    return true;
}

static void check_color(bc_color c)
{
    CHECK(c.kind == BC_COLOR_DEFAULT || c.kind == BC_COLOR_INDEX || c.kind == BC_COLOR_RGB);
    if (c.kind == BC_COLOR_RGB)
        CHECK(c.rgb <= 0xffffff);
    /* The canonical spelling parses back to the same colour. */
    char *s = bc_color_to_string(c);
    bc_color back;
    CHECK(bc_color_parse(s, &back));
    CHECK(color_eq(c, back));
    g_free(s);
}

/* "FILE, line N: ..." with N a line of the input. */
static void check_warning(const char *w, size_t lines)
{
    check_line(w);
    static const char prefix[] = FILE_NAME ", line ";
    CHECK(strncmp(w, prefix, sizeof prefix - 1) == 0);
    char *end;
    long n = strtol(w + sizeof prefix - 1, &end, 10);
    CHECK(n >= 1 && (size_t)n <= lines);
    CHECK(strncmp(end, ": ", 2) == 0);
}

/* The theme as a file of our own making: every key of every element. */
static char *write_theme(const bc_theme *t)
{
    GString *s = g_string_new("# written back\n[theme]\n");
    g_string_append_printf(s, "description = %s\nnick-colors = %s\n", t->description,
                           t->nick_colors ? "true" : "false");
    for (int i = 0; i < BC_THEME_N; i++) {
        char *fg = bc_color_to_string(t->style[i].fg);
        char *bg = bc_color_to_string(t->style[i].bg);
        char *at = bc_attrs_to_string(t->style[i].attrs);
        g_string_append_printf(s, "\n[%s]\nfg = %s\nbg = %s\nattrs = %s\n",
                               bc_theme_elem_name(i), fg, bg, at);
        g_free(fg);
        g_free(bg);
        g_free(at);
    }
    return g_string_free(s, FALSE);
}

static void check_same(const bc_theme *a, const bc_theme *b)
{
    CHECK(strcmp(a->description, b->description) == 0);
    CHECK(a->nick_colors == b->nick_colors);
    for (int i = 0; i < BC_THEME_N; i++) {
        CHECK(color_eq(a->style[i].fg, b->style[i].fg));
        CHECK(color_eq(a->style[i].bg, b->style[i].bg));
        CHECK(a->style[i].attrs == b->style[i].attrs);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = g_strndup((const char *)data, size);
    size_t lines = 1;
    for (const char *p = text; *p; p++)
        lines += *p == '\n';

    GPtrArray *warnings = g_ptr_array_new_with_free_func(g_free);
    bc_theme *t = bc_theme_parse("fuzz", text, FILE_NAME, warnings);
    CHECK(t != NULL);
    CHECK(strcmp(t->name, "fuzz") == 0 && t->path == NULL);
    check_line(t->description);
    /* Stripped: what it shows is what a rewrite keeps. */
    CHECK(!g_ascii_isspace(t->description[0]));
    for (int i = 0; i < BC_THEME_N; i++) {
        check_color(t->style[i].fg);
        check_color(t->style[i].bg);
        CHECK((t->style[i].attrs & ~(unsigned)(BC_ATTR_BOLD | BC_ATTR_REVERSE |
                                               BC_ATTR_UNDERLINE | BC_ATTR_DIM)) == 0);
        char *at = bc_attrs_to_string(t->style[i].attrs);
        unsigned back = ~0u;
        CHECK(bc_attrs_parse(at, &back) && back == t->style[i].attrs);
        g_free(at);
    }
    for (guint i = 0; i < warnings->len; i++)
        check_warning(warnings->pdata[i], lines);

    /* Warnings are only reported: without a list the theme is the same. */
    bc_theme *quiet = bc_theme_parse("fuzz", text, FILE_NAME, NULL);
    check_same(t, quiet);
    bc_theme_free(quiet);

    char *canon = write_theme(t);
    GPtrArray *w2 = g_ptr_array_new_with_free_func(g_free);
    bc_theme *again = bc_theme_parse("fuzz", canon, FILE_NAME, w2);
    CHECK(w2->len == 0);
    check_same(t, again);
    bc_theme_free(again);
    g_ptr_array_free(w2, TRUE);
    g_free(canon);

    /* XEP-0392 colours of whatever text: a hue in [0, 360). */
    double h = bc_theme_hue(t->description);
    CHECK(h >= 0.0 && h < 360.0);
    CHECK(bc_theme_consistent_rgb(t->description) <= 0xffffff);

    bc_theme_free(t);
    g_ptr_array_free(warnings, TRUE);
    g_free(text);
    return 0;
}
