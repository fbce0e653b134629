/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for the split-pane layout (src/core/layout.c) and layout
 * files (src/core/layout_live.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>
#include <sys/stat.h>

#include <glib.h>

#include "backchat/conv.h"
#include "backchat/layout.h"
#include "backchat/paths.h"
#include "tmpdir.h"

#define W 80
#define H 21

static bc_layout *two_side_by_side(void)
{
    bc_layout *l = bc_layout_new(BC_CONV_ROOM, "team@conference.localhost");
    assert_true(bc_layout_split(l, BC_SPLIT_V, W, H, NULL));
    bc_pane_show(l->focus, BC_CONV_CHAT, "bob@localhost");
    return l;
}

static void test_split_v(void **state)
{
    (void)state;
    bc_layout *l = two_side_by_side();
    assert_int_equal(bc_layout_count(l), 2);
    /* The new pane is on the right and has the focus. */
    assert_ptr_equal(l->focus, bc_layout_nth(l, 1));
    assert_true(bc_pane_shows(bc_layout_nth(l, 0), BC_CONV_ROOM, "team@conference.localhost"));
    bc_rect r[BC_PANES_MAX], d[BC_PANES_MAX];
    assert_int_equal(bc_layout_rects(l, W, H, r, BC_PANES_MAX), 2);
    /* 79 columns for the panes, one for the divider between them. */
    assert_int_equal(r[0].x, 0);
    assert_int_equal(r[0].w + r[1].w + 1, W);
    assert_int_equal(r[1].x, r[0].w + 1);
    assert_int_equal(r[0].h, H);
    assert_int_equal(bc_layout_dividers(l, W, H, d, BC_PANES_MAX), 1);
    assert_int_equal(d[0].x, r[0].w);
    assert_int_equal(d[0].h, H);
    bc_layout_free(l);
}

static void test_split_h_and_nested(void **state)
{
    (void)state;
    bc_layout *l = two_side_by_side();
    assert_true(bc_layout_split(l, BC_SPLIT_H, W, H, NULL));
    assert_int_equal(bc_layout_count(l), 3);
    bc_rect r[BC_PANES_MAX];
    assert_int_equal(bc_layout_rects(l, W, H, r, BC_PANES_MAX), 3);
    /* The right half is cut into an upper and a lower pane. */
    assert_int_equal(r[1].x, r[2].x);
    assert_int_equal(r[1].y, 0);
    assert_int_equal(r[2].y, r[1].h);
    assert_int_equal(r[1].h + r[2].h, H);
    assert_ptr_equal(l->focus, bc_layout_nth(l, 2));
    assert_true(bc_pane_shows(l->focus, BC_CONV_CHAT, "bob@localhost"));
    bc_layout_free(l);
}

static void test_refuse_small(void **state)
{
    (void)state;
    GError *err = NULL;
    /* 40 columns: 19 + 1 + 20 leaves the left pane one column short. */
    bc_layout *l = bc_layout_new(BC_CONV_CONSOLE, NULL);
    assert_false(bc_layout_split(l, BC_SPLIT_V, 40, 9, &err));
    assert_non_null(err);
    assert_non_null(strstr(err->message, "at least 20"));
    g_clear_error(&err);
    assert_int_equal(bc_layout_count(l), 1);
    assert_ptr_equal(l->focus, l->root);
    /* 41 columns fit: 20 + 1 + 20. */
    assert_true(bc_layout_split(l, BC_SPLIT_V, 41, 9, NULL));
    bc_layout_free(l);

    /* 7 rows: 4 + 3 with a header each leaves 2 rows in the lower. */
    l = bc_layout_new(BC_CONV_CONSOLE, NULL);
    assert_false(bc_layout_split(l, BC_SPLIT_H, 80, 7, &err));
    assert_non_null(strstr(err->message, "rows"));
    g_clear_error(&err);
    assert_true(bc_layout_split(l, BC_SPLIT_H, 80, 8, NULL));
    bc_layout_free(l);
}

static void test_max_panes(void **state)
{
    (void)state;
    bc_layout *l = bc_layout_new(BC_CONV_CONSOLE, NULL);
    for (int i = 1; i < BC_PANES_MAX; i++)
        assert_true(bc_layout_split(l, i % 2 ? BC_SPLIT_H : BC_SPLIT_V, 200, 60, NULL));
    assert_int_equal(bc_layout_count(l), BC_PANES_MAX);
    GError *err = NULL;
    assert_false(bc_layout_split(l, BC_SPLIT_H, 200, 60, &err));
    assert_non_null(strstr(err->message, "at most 6"));
    g_error_free(err);
    bc_layout_free(l);
}

static void test_close(void **state)
{
    (void)state;
    bc_layout *l = two_side_by_side();
    assert_true(bc_layout_split(l, BC_SPLIT_H, W, H, NULL)); /* right: bob over bob */
    bc_pane_show(l->focus, BC_CONV_CHAT, "carol@localhost");
    /* Closing the lower right gives the room to the upper right. */
    assert_true(bc_layout_close(l, NULL));
    assert_int_equal(bc_layout_count(l), 2);
    assert_true(bc_pane_shows(l->focus, BC_CONV_CHAT, "bob@localhost"));
    bc_rect r[BC_PANES_MAX];
    bc_layout_rects(l, W, H, r, BC_PANES_MAX);
    assert_int_equal(r[1].h, H);
    assert_true(bc_layout_close(l, NULL));
    assert_int_equal(bc_layout_count(l), 1);
    assert_true(bc_pane_shows(l->focus, BC_CONV_ROOM, "team@conference.localhost"));
    GError *err = NULL;
    assert_false(bc_layout_close(l, &err));
    assert_non_null(err);
    g_error_free(err);
    bc_layout_free(l);
}

static void test_unsplit(void **state)
{
    (void)state;
    bc_layout *l = two_side_by_side();
    assert_true(bc_layout_split(l, BC_SPLIT_H, W, H, NULL));
    bc_pane_show(l->focus, BC_CONV_CHAT, "carol@localhost");
    bc_layout_unsplit(l);
    assert_int_equal(bc_layout_count(l), 1);
    assert_ptr_equal(l->root, l->focus);
    assert_null(l->root->parent);
    assert_true(bc_pane_shows(l->focus, BC_CONV_CHAT, "carol@localhost"));
    bc_layout_free(l);
}

static void test_swap(void **state)
{
    (void)state;
    bc_layout *l = two_side_by_side();
    bc_layout_nth(l, 1)->scroll = 7;
    /* The last pane swaps with the one before; the focus follows bob. */
    assert_true(bc_layout_swap(l, NULL));
    assert_true(bc_pane_shows(bc_layout_nth(l, 0), BC_CONV_CHAT, "bob@localhost"));
    assert_true(bc_pane_shows(bc_layout_nth(l, 1), BC_CONV_ROOM, "team@conference.localhost"));
    assert_ptr_equal(l->focus, bc_layout_nth(l, 0));
    assert_int_equal(bc_layout_nth(l, 0)->scroll, 7);
    bc_layout_unsplit(l);
    GError *err = NULL;
    assert_false(bc_layout_swap(l, &err));
    g_clear_error(&err);
    bc_layout_free(l);
}

static void test_resize(void **state)
{
    (void)state;
    bc_layout *l = two_side_by_side(); /* focus: the right pane */
    bc_rect r[BC_PANES_MAX];
    bc_layout_rects(l, W, H, r, BC_PANES_MAX);
    int right = r[1].w;
    assert_true(bc_layout_resize(l, 5, W, H, NULL));
    bc_layout_rects(l, W, H, r, BC_PANES_MAX);
    assert_int_equal(r[1].w, right + 5);
    assert_int_equal(r[0].w + r[1].w + 1, W);
    assert_true(bc_layout_resize(l, -10, W, H, NULL));
    bc_layout_rects(l, W, H, r, BC_PANES_MAX);
    assert_int_equal(r[1].w, right - 5);
    /* The left pane cannot go under 20 columns: refused, nothing moves. */
    GError *err = NULL;
    assert_false(bc_layout_resize(l, 30, W, H, &err));
    assert_non_null(err);
    g_error_free(err);
    bc_layout_rects(l, W, H, r, BC_PANES_MAX);
    assert_int_equal(r[1].w, right - 5);
    /* The left pane grows by the same rule. */
    l->focus = bc_layout_nth(l, 0);
    int left = r[0].w;
    assert_true(bc_layout_resize(l, 3, W, H, NULL));
    bc_layout_rects(l, W, H, r, BC_PANES_MAX);
    assert_int_equal(r[0].w, left + 3);
    bc_layout_free(l);
}

static void test_focus_moves(void **state)
{
    (void)state;
    /* [ room | bob  ]
     * [      | carol] */
    bc_layout *l = two_side_by_side();
    assert_true(bc_layout_split(l, BC_SPLIT_H, W, H, NULL));
    bc_pane_show(l->focus, BC_CONV_CHAT, "carol@localhost");
    bc_pane *room = bc_layout_nth(l, 0), *bob = bc_layout_nth(l, 1),
            *carol = bc_layout_nth(l, 2);
    assert_true(bc_layout_focus_dir(l, BC_DIR_UP, W, H));
    assert_ptr_equal(l->focus, bob);
    assert_false(bc_layout_focus_dir(l, BC_DIR_UP, W, H));
    assert_false(bc_layout_focus_dir(l, BC_DIR_RIGHT, W, H));
    assert_true(bc_layout_focus_dir(l, BC_DIR_LEFT, W, H));
    assert_ptr_equal(l->focus, room);
    assert_false(bc_layout_focus_dir(l, BC_DIR_DOWN, W, H));
    assert_true(bc_layout_focus_dir(l, BC_DIR_RIGHT, W, H));
    assert_true(l->focus == bob || l->focus == carol);
    assert_true(bc_layout_focus_dir(l, BC_DIR_DOWN, W, H) || l->focus == carol);
    assert_ptr_equal(l->focus, carol);
    bc_layout_focus_step(l, 1);
    assert_ptr_equal(l->focus, room); /* wraps */
    bc_layout_focus_step(l, -1);
    assert_ptr_equal(l->focus, carol);
    bc_layout_free(l);
}

static void test_keyfile_round_trip(void **state)
{
    (void)state;
    bc_layout *l = two_side_by_side();
    assert_true(bc_layout_split(l, BC_SPLIT_H, W, H, NULL));
    bc_pane_show(l->focus, BC_CONV_ANNOUNCE, NULL);
    assert_true(bc_layout_resize(l, 2, W, H, NULL));
    l->focus = bc_layout_nth(l, 1);
    GKeyFile *kf = g_key_file_new();
    bc_layout_to_keyfile(l, kf, "layout work");
    bc_layout *m = bc_layout_from_keyfile(kf, "layout work", NULL);
    assert_non_null(m);
    assert_int_equal(bc_layout_count(m), 3);
    assert_int_equal(bc_layout_index(m, m->focus), 1);
    assert_true(bc_pane_shows(bc_layout_nth(m, 0), BC_CONV_ROOM, "team@conference.localhost"));
    assert_true(bc_pane_shows(bc_layout_nth(m, 1), BC_CONV_CHAT, "bob@localhost"));
    assert_true(bc_pane_shows(bc_layout_nth(m, 2), BC_CONV_ANNOUNCE, NULL));
    bc_rect a[BC_PANES_MAX], b[BC_PANES_MAX];
    bc_layout_rects(l, W, H, a, BC_PANES_MAX);
    bc_layout_rects(m, W, H, b, BC_PANES_MAX);
    assert_memory_equal(a, b, 3 * sizeof a[0]);
    bc_layout *c = bc_layout_copy(m);
    assert_int_equal(bc_layout_index(c, c->focus), 1);
    bc_layout_free(c);
    bc_layout_free(m);
    bc_layout_free(l);
    g_key_file_free(kf);
}

static void test_keyfile_damaged(void **state)
{
    (void)state;
    static const char *const bad[] = {"v500(p", "x500(p,p)", "v0(p,p)", "v500(p,p)x", "",
                                      "v500(p,v500(p,v500(p,v500(p,v500(p,v500(p,p))))))"};
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        GKeyFile *kf = g_key_file_new();
        g_key_file_set_string(kf, "g", "tree", bad[i]);
        GError *err = NULL;
        assert_null(bc_layout_from_keyfile(kf, "g", &err));
        assert_non_null(err);
        g_error_free(err);
        g_key_file_free(kf);
    }
    /* A pane with a JID that is not one line of text shows the console. */
    GKeyFile *kf = g_key_file_new();
    g_key_file_set_string(kf, "g", "tree", "h500(p,p)");
    g_key_file_set_string(kf, "g", "pane0", "chat bad\x1b[2Jjid");
    g_key_file_set_string(kf, "g", "pane1", "room");
    g_key_file_set_integer(kf, "g", "focus", 9);
    bc_layout *l = bc_layout_from_keyfile(kf, "g", NULL);
    assert_non_null(l);
    assert_true(bc_pane_shows(bc_layout_nth(l, 0), BC_CONV_CONSOLE, NULL));
    assert_true(bc_pane_shows(bc_layout_nth(l, 1), BC_CONV_CONSOLE, NULL));
    assert_ptr_equal(l->focus, bc_layout_nth(l, 0));
    bc_layout_free(l);
    g_key_file_free(kf);
}

static void test_files(void **state)
{
    (void)state;
    char *dir = bc_test_tmp_xdg("bc-layout-XXXXXX");
    assert_non_null(dir);
    bc_convs_init(100);
    bc_conv_open("bob@localhost", false);
    bc_workspace_set_area(W, H);
    bc_layout *l = bc_workspace();
    assert_true(bc_layout_split(l, BC_SPLIT_V, W, H, NULL));
    bc_pane_show(l->focus, BC_CONV_CHAT, "bob@localhost");
    GError *err = NULL;
    assert_true(bc_workspace_save("work", &err));
    assert_true(bc_workspace_save(NULL, &err));
    assert_false(bc_workspace_save("../evil", &err));
    g_clear_error(&err);
    char *path = g_build_filename(bc_paths_data_dir(), "layouts", NULL);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    char **names = bc_workspace_names();
    assert_int_equal(g_strv_length(names), 1); /* the one saved at quit is not listed */
    assert_string_equal(names[0], "work");
    g_strfreev(names);
    bc_layout_unsplit(bc_workspace());
    assert_int_equal(bc_layout_count(bc_workspace()), 1);
    /* Loading selects the focused pane's conversation. */
    assert_true(bc_workspace_load("work", &err));
    assert_int_equal(bc_layout_count(bc_workspace()), 2);
    assert_string_equal(bc_conv_current()->jid, "bob@localhost");
    /* Too big for a small terminal: refused, the layout stays. */
    bc_workspace_set_area(30, 10);
    bc_layout_unsplit(bc_workspace());
    assert_false(bc_workspace_load("work", &err));
    g_clear_error(&err);
    assert_int_equal(bc_layout_count(bc_workspace()), 1);
    bc_workspace_set_area(W, H);
    assert_true(bc_workspace_load(NULL, &err));
    assert_true(bc_workspace_delete("work", &err));
    assert_false(bc_workspace_load("work", &err));
    assert_non_null(strstr(err->message, "/layout list"));
    g_clear_error(&err);
    names = bc_workspace_names();
    assert_null(names[0]);
    g_strfreev(names);
    bc_workspace_free();
    bc_convs_free();
    g_free(path);
    bc_test_rm_rf(dir);
    g_free(dir);
}

/* Each pane keeps its own scroll: the focused one drives the
 * conversation's, the one left keeps where it was until it is back. */
static void test_focus_scroll(void **state)
{
    (void)state;
    bc_convs_init(100);
    bc_conv *bob = bc_conv_open("bob@localhost", true);
    bc_workspace_set_area(W, H);
    bc_layout *l = bc_workspace();
    assert_true(bc_pane_shows(l->focus, BC_CONV_CHAT, "bob@localhost"));
    assert_true(bc_layout_split(l, BC_SPLIT_V, W, H, NULL));
    bc_pane *left = l->focus->parent->a;
    bob->scroll = 5;
    bc_workspace_focus_moved(left);
    /* The new pane shows bob from the bottom; the left one keeps 5. */
    assert_int_equal(left->scroll, 5);
    assert_int_equal(bob->scroll, 0);
    /* Alt-N in the focused pane: it follows the current tab. */
    bc_conv_select(0);
    assert_true(bc_workspace_sync());
    assert_true(bc_pane_shows(l->focus, BC_CONV_CONSOLE, NULL));
    assert_false(bc_workspace_sync());
    bc_pane *right = l->focus;
    l->focus = left;
    bc_workspace_focus_moved(right);
    assert_ptr_equal(bc_conv_current(), bob);
    assert_int_equal(bob->scroll, 5);
    /* Unread clears for the focused pane's conversation only. */
    bc_conv_add(bc_conv_console(), BC_LINE_IN, "x", "hello", 1);
    assert_int_equal(bc_conv_console()->unread, 1);
    assert_int_equal(bob->unread, 0);
    bc_workspace_free();
    bc_convs_free();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_split_v),
        cmocka_unit_test(test_split_h_and_nested),
        cmocka_unit_test(test_refuse_small),
        cmocka_unit_test(test_max_panes),
        cmocka_unit_test(test_close),
        cmocka_unit_test(test_unsplit),
        cmocka_unit_test(test_swap),
        cmocka_unit_test(test_resize),
        cmocka_unit_test(test_focus_moves),
        cmocka_unit_test(test_keyfile_round_trip),
        cmocka_unit_test(test_keyfile_damaged),
        cmocka_unit_test(test_files),
        cmocka_unit_test(test_focus_scroll),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
