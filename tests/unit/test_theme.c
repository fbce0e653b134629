/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for themes (src/core/theme.c): every shipped theme parses
 * cleanly, broken lines are reported with file, line and key while the
 * rest loads, the colour syntax, palette matching, NO_COLOR, XEP-0392
 * hues, and where themes are found. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "backchat/conv.h"
#include "backchat/theme.h"
#include "tmpdir.h"

/* The source tree's themes/, from this file's path. */
static char *src_themes(void)
{
    char *dir = g_path_get_dirname(__FILE__);
    char *t = g_build_filename(dir, "..", "..", "themes", NULL);
    g_free(dir);
    return t;
}

static void test_shipped_themes_parse_cleanly(void **state)
{
    char *dir = src_themes();
    static const char *const want[] = {"default", "light", "high-contrast",
                                       "solarized-dark", "mono", "256"};
    for (size_t i = 0; i < G_N_ELEMENTS(want); i++) {
        char *f = g_strdup_printf("%s/%s.theme", dir, want[i]);
        assert_true(g_file_test(f, G_FILE_TEST_IS_REGULAR));
        g_free(f);
    }
    GDir *d = g_dir_open(dir, 0, NULL);
    assert_non_null(d);
    int n = 0;
    for (const char *f; (f = g_dir_read_name(d));) {
        if (!g_str_has_suffix(f, ".theme"))
            continue;
        char *path = g_build_filename(dir, f, NULL);
        char *text = NULL;
        assert_true(g_file_get_contents(path, &text, NULL, NULL));
        GPtrArray *w = g_ptr_array_new_with_free_func(g_free);
        GError *err = NULL;
        bc_theme *t = bc_theme_load_file("x", path, w, &err);
        assert_non_null(t);
        if (w->len)
            fail_msg("%s", (const char *)w->pdata[0]);
        /* Every element is set in the file itself (documented, not
         * inherited), and fg never equals bg. */
        for (int e = 0; e < BC_THEME_N; e++) {
            char *grp = g_strdup_printf("[%s]", bc_theme_elem_name(e));
            if (!strstr(text, grp))
                fail_msg("%s has no %s", f, grp);
            g_free(grp);
            const bc_theme_style *s = &t->style[e];
            if (s->fg.kind != BC_COLOR_DEFAULT)
                assert_false(s->fg.kind == s->bg.kind && s->fg.index == s->bg.index &&
                             s->fg.rgb == s->bg.rgb);
        }
        /* Every key is explained in the comments. */
        assert_non_null(strstr(text, "nick-colors"));
        assert_non_null(strstr(text, "#rrggbb"));
        assert_non_null(strstr(text, "NO_COLOR"));
        bc_theme_free(t);
        g_ptr_array_free(w, TRUE);
        g_free(text);
        g_free(path);
        n++;
    }
    g_dir_close(d);
    assert_true(n >= 6);
    /* mono: attributes only. */
    char *mono = g_build_filename(dir, "mono.theme", NULL);
    bc_theme *t = bc_theme_load_file("mono", mono, NULL, NULL);
    for (int e = 0; e < BC_THEME_N; e++) {
        assert_int_equal(t->style[e].fg.kind, BC_COLOR_DEFAULT);
        assert_int_equal(t->style[e].bg.kind, BC_COLOR_DEFAULT);
    }
    assert_int_equal(t->style[BC_THEME_BAR].attrs, BC_ATTR_REVERSE);
    bc_theme_free(t);
    g_free(mono);
    g_free(dir);
}

static void test_bad_lines_warned(void **state)
{
    const char *text = "# a comment\n"
                       "[bar]\n"
                       "fg = red\n"
                       "bg = purple\n"       /* 4: bad colour */
                       "attrs = bold, blink\n" /* 5: bad attribute */
                       "colour = red\n"      /* 6: unknown key */
                       "[sidebar]\n"         /* 7: unknown group */
                       "fg = blue\n"
                       "[time\n"             /* 9: broken group line */
                       "fg = blue\n"
                       "[own]\n"
                       "just words\n"        /* 12: not key = value */
                       "fg = #00ff80\n"
                       "attrs = underline,dim\n"
                       "[theme]\n"
                       "nick-colors = maybe\n" /* 16 */
                       "description = Test\n";
    GPtrArray *w = g_ptr_array_new_with_free_func(g_free);
    bc_theme *t = bc_theme_parse("t", text, "my.theme", w);
    assert_int_equal(w->len, 7);
    const char *expect[][2] = {{"my.theme, line 4:", "[bar] bg"},
                               {"my.theme, line 5:", "[bar] attrs"},
                               {"my.theme, line 6:", "\"colour\""},
                               {"my.theme, line 7:", "[sidebar]"},
                               {"my.theme, line 9:", "[time"},
                               {"my.theme, line 12:", "just words"},
                               {"my.theme, line 16:", "nick-colors"}};
    for (size_t i = 0; i < G_N_ELEMENTS(expect); i++) {
        const char *m = w->pdata[i];
        if (!g_str_has_prefix(m, expect[i][0]) || !strstr(m, expect[i][1]))
            fail_msg("warning %zu: %s", i, m);
    }
    /* The good lines still apply; the bad ones left the defaults. */
    assert_int_equal(t->style[BC_THEME_BAR].fg.kind, BC_COLOR_INDEX);
    assert_int_equal(t->style[BC_THEME_BAR].fg.index, 1);
    assert_int_equal(t->style[BC_THEME_BAR].bg.index, 4);   /* built-in blue */
    assert_int_equal(t->style[BC_THEME_BAR].attrs, 0);
    assert_int_equal(t->style[BC_THEME_TIME].fg.index, 4);  /* [time ignored */
    assert_int_equal(t->style[BC_THEME_OWN].fg.kind, BC_COLOR_RGB);
    assert_int_equal(t->style[BC_THEME_OWN].fg.rgb, 0x00ff80);
    assert_int_equal(t->style[BC_THEME_OWN].attrs, BC_ATTR_UNDERLINE | BC_ATTR_DIM);
    assert_true(t->nick_colors);
    assert_string_equal(t->description, "Test");
    bc_theme_free(t);
    g_ptr_array_free(w, TRUE);
}

static void test_color_syntax(void **state)
{
    bc_color c;
    assert_true(bc_color_parse("red", &c));
    assert_int_equal(c.kind, BC_COLOR_INDEX);
    assert_int_equal(c.index, 1);
    assert_true(bc_color_parse("Bright-White", &c));
    assert_int_equal(c.index, 15);
    assert_true(bc_color_parse("grey", &c));
    assert_int_equal(c.index, 8);
    assert_true(bc_color_parse("default", &c));
    assert_int_equal(c.kind, BC_COLOR_DEFAULT);
    assert_true(bc_color_parse("255", &c));
    assert_int_equal(c.index, 255);
    assert_true(bc_color_parse("0", &c));
    assert_int_equal(c.index, 0);
    assert_true(bc_color_parse("#1A2b3C", &c));
    assert_int_equal(c.kind, BC_COLOR_RGB);
    assert_int_equal(c.rgb, 0x1a2b3c);
    const char *bad[] = {"", "256", "-1", "0x10", "#12345", "#1234567", "#ggg000",
                         "bright-", "bright-grey", "purple", "12a", "0256"};
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++)
        if (bc_color_parse(bad[i], &c))
            fail_msg("\"%s\" parsed", bad[i]);
    /* Round trip. */
    const char *good[] = {"red", "bright-blue", "default", "17", "#00ff80"};
    for (size_t i = 0; i < G_N_ELEMENTS(good); i++) {
        assert_true(bc_color_parse(good[i], &c));
        char *s = bc_color_to_string(c);
        assert_string_equal(s, good[i]);
        g_free(s);
    }
    unsigned a;
    assert_true(bc_attrs_parse("bold, reverse underline,dim", &a));
    assert_int_equal(a, BC_ATTR_BOLD | BC_ATTR_REVERSE | BC_ATTR_UNDERLINE | BC_ATTR_DIM);
    assert_true(bc_attrs_parse("none", &a));
    assert_int_equal(a, 0);
    assert_false(bc_attrs_parse("bold,italic", &a));
    char *s = bc_attrs_to_string(BC_ATTR_BOLD | BC_ATTR_DIM);
    assert_string_equal(s, "bold,dim");
    g_free(s);
}

static void test_nearest_palette(void **state)
{
    /* Exact palette colours map to themselves (first match). */
    assert_int_equal(bc_color_nearest(0xcd0000, 8), 1);
    assert_int_equal(bc_color_nearest(0xffffff, 16), 15);
    assert_int_equal(bc_color_nearest(0x5f87af, 256), 67);
    /* Solarized blue: a blue, whatever the palette. */
    int c8 = bc_color_nearest(0x268bd2, 8), c256 = bc_color_nearest(0x268bd2, 256);
    assert_true(c8 == 4 || c8 == 6);
    assert_true(c256 >= 16 && c256 < 232);
    assert_int_equal(bc_color_palette_rgb(232), 0x080808);
    assert_int_equal(bc_color_palette_rgb(16), 0x000000);
    assert_int_equal(bc_color_palette_rgb(231), 0xffffff);
}

static void test_no_color(void **state)
{
    g_unsetenv("NO_COLOR");
    assert_false(bc_theme_no_color());
    g_setenv("NO_COLOR", "", TRUE);
    assert_false(bc_theme_no_color()); /* only a non-empty value counts */
    g_setenv("NO_COLOR", "1", TRUE);
    assert_true(bc_theme_no_color());
    g_unsetenv("NO_COLOR");
}

static void test_xep0392(void **state)
{
    /* The test vectors of XEP-0392 (the angle). */
    assert_float_equal(bc_theme_hue("Romeo"), 327.255249, 1e-5);
    assert_float_equal(bc_theme_hue("juliet@capulet.lit"), 209.410400, 1e-5);
    assert_float_equal(bc_theme_hue("\xf0\x9f\x98\xba"), 331.199341, 1e-5);
    assert_float_equal(bc_theme_hue("council"), 359.994507, 1e-5);
    /* The same input, the same colour; a different one, usually not. */
    assert_int_equal(bc_theme_consistent_rgb("Romeo"), bc_theme_consistent_rgb("Romeo"));
    assert_int_not_equal(bc_theme_consistent_rgb("Romeo"),
                         bc_theme_consistent_rgb("juliet@capulet.lit"));
    /* Hue 209 (a blue): blue is the largest channel, red the smallest. */
    uint32_t j = bc_theme_consistent_rgb("juliet@capulet.lit");
    assert_true((j & 0xff) > (j >> 8 & 0xff) && (j >> 8 & 0xff) > (j >> 16 & 0xff));
    /* Hue ~360: red. */
    uint32_t c = bc_theme_consistent_rgb("council");
    assert_int_equal(c >> 16, 0xff);
}

static void test_find_and_override(void **state)
{
    char *tmp = bc_test_tmp_xdg("bc-theme-XXXXXX");
    char *installed = g_build_filename(tmp, "installed", NULL);
    char *user = g_build_filename(tmp, "config", "backchat", "themes", NULL);
    g_mkdir_with_parents(installed, 0700);
    g_mkdir_with_parents(user, 0700);
    g_setenv("BACKCHAT_THEMES_DIR", installed, TRUE);
    char *p = g_build_filename(installed, "ocean.theme", NULL);
    g_file_set_contents(p, "[bar]\nfg = blue\n", -1, NULL);
    g_free(p);
    p = g_build_filename(installed, "reef.theme", NULL);
    g_file_set_contents(p, "[bar]\nfg = cyan\n", -1, NULL);
    g_free(p);
    char *mine = g_build_filename(user, "ocean.theme", NULL);
    g_file_set_contents(mine, "[bar]\nfg = green\n", -1, NULL);

    char *found = bc_theme_find("ocean");
    assert_string_equal(found, mine); /* the user's wins */
    g_free(found);
    assert_null(bc_theme_find("../ocean"));
    assert_null(bc_theme_find("nope"));
    char **names = bc_theme_list();
    bool ocean = false, reef = false;
    int oceans = 0;
    for (char **n = names; *n; n++) {
        oceans += !strcmp(*n, "ocean");
        ocean |= !strcmp(*n, "ocean");
        reef |= !strcmp(*n, "reef");
    }
    assert_true(ocean && reef);
    assert_int_equal(oceans, 1);
    g_strfreev(names);

    /* Using it: current, applied; a missing one fails and keeps it. */
    bc_convs_init(100);
    GError *err = NULL;
    assert_true(bc_theme_use("ocean", &err));
    assert_string_equal(bc_theme_current()->name, "ocean");
    assert_int_equal(bc_theme_current()->style[BC_THEME_BAR].fg.index, 2);
    assert_false(bc_theme_use("nope", &err));
    assert_non_null(strstr(err->message, "/theme list"));
    g_clear_error(&err);
    assert_false(bc_theme_use("a/b", &err));
    g_clear_error(&err);
    assert_string_equal(bc_theme_current()->name, "ocean");
    bc_theme_reset();
    assert_string_equal(bc_theme_current()->name, "default");
    bc_theme_reset();
    bc_convs_free();

    g_unsetenv("BACKCHAT_THEMES_DIR");
    g_free(mine);
    g_free(user);
    g_free(installed);
    bc_test_rm_rf(tmp);
    g_free(tmp);
}

/* A shared theme file is not trusted: its description and the bad lines
 * quoted in warnings reach the console, so no escape sequence, control or
 * invalid UTF-8 may survive the parse. */
static void test_untrusted_text_cleaned(void **state)
{
    const char *text = "[theme]\n"
                       "description = \x01 Nice\x1b]0;owned\x07 one \xff\n"
                       "[bar]\n"
                       "fg = \x1b[31mred\n";
    GPtrArray *w = g_ptr_array_new_with_free_func(g_free);
    bc_theme *t = bc_theme_parse("t", text, "x.theme", w);
    assert_null(strchr(t->description, '\x1b'));
    assert_null(strchr(t->description, '\x07'));
    assert_true(g_utf8_validate(t->description, -1, NULL));
    assert_true(g_str_has_prefix(t->description, "Nice")); /* stripped after cleaning */
    assert_int_equal(w->len, 1);
    const char *m = w->pdata[0];
    assert_true(g_str_has_prefix(m, "x.theme, line 4:"));
    assert_null(strchr(m, '\x1b'));
    assert_non_null(strstr(m, "[31mred"));
    bc_theme_free(t);
    g_ptr_array_free(w, TRUE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shipped_themes_parse_cleanly),
        cmocka_unit_test(test_bad_lines_warned),
        cmocka_unit_test(test_untrusted_text_cleaned),
        cmocka_unit_test(test_color_syntax),
        cmocka_unit_test(test_nearest_palette),
        cmocka_unit_test(test_no_color),
        cmocka_unit_test(test_xep0392),
        cmocka_unit_test(test_find_and_override),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
