/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for key bindings and canned responses (src/cmd/cmd_input.c)
 * and the config writes they make (src/core/config.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include <glib.h>

#include "backchat/cmd.h"
#include "backchat/config.h"
#include "backchat/conv.h"
#include "backchat/shortcuts.h"
#include "tmpdir.h"

typedef struct {
    char *dir;
    char *cfg;
} fixture;

static int setup(void **state)
{
    fixture *f = g_new0(fixture, 1);
    f->dir = bc_test_tmp_xdg("bc-keys-XXXXXX");
    f->cfg = g_build_filename(f->dir, "config", "backchat", "config", NULL);
    bc_convs_init(1000);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    bc_keys_free();
    bc_config_free();
    bc_convs_free();
    bc_test_rm_rf(f->dir);
    g_free(f->dir);
    g_free(f->cfg);
    g_free(f);
    return 0;
}

static void write_config(fixture *f, const char *text)
{
    char *dir = g_path_get_dirname(f->cfg);
    g_mkdir_with_parents(dir, 0700);
    g_free(dir);
    assert_true(g_file_set_contents(f->cfg, text, -1, NULL));
    assert_true(bc_config_load(f->cfg, NULL));
}

/* The newest line of the console containing `needle`. */
static bool console_has(const char *needle)
{
    bc_conv *c = bc_conv_console();
    for (size_t i = c->len; i > 0; i--)
        if (strstr(bc_conv_line(c, i - 1)->text, needle))
            return true;
    return false;
}

static void parse_ok(const char *name, const char *want)
{
    char *canon = NULL;
    GError *err = NULL;
    assert_true(bc_key_parse(name, &canon, &err));
    assert_null(err);
    assert_string_equal(canon, want);
    g_free(canon);
}

static void parse_bad(const char *name)
{
    char *canon = NULL;
    GError *err = NULL;
    assert_false(bc_key_parse(name, &canon, &err));
    assert_null(canon);
    assert_non_null(err);
    /* The error says which names work. */
    assert_non_null(strstr(err->message, "M-x"));
    assert_non_null(strstr(err->message, "F1..F12"));
    g_error_free(err);
}

static void test_key_names(void **state)
{
    (void)state;
    parse_ok("M-m", "M-m");
    parse_ok("m-M", "M-M"); /* Alt-Shift-m is another key */
    parse_ok("M-1", "M-1");
    parse_ok("C-x", "C-x");
    parse_ok("C-X", "C-x");
    parse_ok("F7", "F7");
    parse_ok("f12", "F12");
    parse_ok("F1", "F1");
    parse_bad("F0");
    parse_bad("F13");
    parse_bad("F01");
    parse_bad("C-m"); /* Enter */
    parse_bad("C-i"); /* Tab */
    parse_bad("C-1");
    parse_bad("M-");
    parse_bad("M- ");
    parse_bad("Alt-x");
    parse_bad("");
    parse_bad("M-mm");
}

static void test_bind(void **state)
{
    fixture *f = *state;
    write_config(f, "# my settings\n[ui]\nscrollback=500\n");
    bc_keys_load();
    assert_true(bc_cmd_execute("/bind f7 /status busy"));
    assert_string_equal(bc_key_binding("F7"), "/status busy");
    assert_true(bc_cmd_execute("/bind M-m /msg bob@localhost hello there"));
    assert_string_equal(bc_key_binding("M-m"), "/msg bob@localhost hello there");
    assert_false(bc_cmd_execute("/bind Hyper-x /quit"));
    assert_true(console_has("key names are"));
    assert_null(bc_key_binding("Hyper-x"));

    /* Saved in [keys], the user's comment kept; read again at start. */
    char *text = NULL;
    assert_true(g_file_get_contents(f->cfg, &text, NULL, NULL));
    assert_non_null(strstr(text, "# my settings"));
    assert_non_null(strstr(text, "[keys]"));
    assert_non_null(strstr(text, "F7=/status busy"));
    g_free(text);
    bc_keys_free();
    assert_true(bc_config_load(f->cfg, NULL));
    bc_keys_load();
    assert_string_equal(bc_key_binding("F7"), "/status busy");

    /* /bind alone lists. */
    assert_true(bc_cmd_execute("/bind"));
    assert_true(console_has("/msg bob@localhost hello there"));

    /* A binding runs through the command table. */
    assert_true(bc_cmd_execute("/bind C-b /scroll nowhere"));
    assert_true(bc_key_run("C-b"));
    assert_true(console_has("/scroll"));
    assert_false(bc_key_run("C-y"));

    assert_true(bc_cmd_execute("/unbind F7"));
    assert_null(bc_key_binding("F7"));
    assert_false(bc_cmd_execute("/unbind F7"));
    assert_true(bc_config_load(f->cfg, NULL));
    bc_keys_load();
    assert_null(bc_key_binding("F7"));
    assert_non_null(bc_key_binding("M-m"));
}

static void test_keys_from_config(void **state)
{
    fixture *f = *state;
    write_config(f, "[keys]\nF8=/status away\nc-k=/win next\nSuper-q=/quit\n");
    bc_keys_load();
    assert_string_equal(bc_key_binding("F8"), "/status away");
    assert_string_equal(bc_key_binding("C-k"), "/win next");
    /* An unknown name is reported, with the names that work. */
    assert_true(console_has("Super-q"));
    assert_true(console_has("F1..F12"));
}

static void test_canned(void **state)
{
    fixture *f = *state;
    write_config(f, "");
    assert_true(bc_cmd_execute("/canned add thanks Thank you, I will look into it."));
    assert_true(bc_cmd_execute("/canned add thx Thanks!"));
    char *t = bc_canned_get("thanks");
    assert_string_equal(t, "Thank you, I will look into it.");
    g_free(t);
    assert_false(bc_cmd_execute("/canned add bad/name text"));
    assert_false(bc_cmd_execute("/canned add lonely"));
    assert_false(bc_cmd_execute("/canned frobnicate"));

    /* :name + Tab: the exact name expands, a prefix lists the names. */
    size_t ws = 0;
    char **c = bc_cmd_complete("sure :thanks", 12, &ws);
    assert_int_equal(ws, 5);
    assert_non_null(c[0]);
    assert_string_equal(c[0], "Thank you, I will look into it.");
    assert_null(c[1]);
    g_strfreev(c);
    c = bc_cmd_complete(":th", 3, &ws);
    assert_int_equal(ws, 0);
    assert_string_equal(c[0], ":thanks");
    assert_string_equal(c[1], ":thx");
    assert_null(c[2]);
    g_strfreev(c);
    /* The start of only one name: expanded at once. */
    c = bc_cmd_complete(":than", 5, &ws);
    assert_string_equal(c[0], "Thank you, I will look into it.");
    assert_null(c[1]);
    g_strfreev(c);
    c = bc_cmd_complete(":nope", 5, &ws);
    assert_null(c[0]);
    g_strfreev(c);
    /* Not in a command line. */
    c = bc_cmd_complete("/msg :thanks", 12, &ws);
    assert_null(c[0]);
    g_strfreev(c);

    /* Persisted, and removable. */
    assert_true(bc_config_load(f->cfg, NULL));
    t = bc_canned_get("thx");
    assert_string_equal(t, "Thanks!");
    g_free(t);
    assert_true(bc_cmd_execute("/canned list"));
    assert_true(console_has(":thanks"));
    assert_true(bc_cmd_execute("/canned remove thx"));
    assert_null(bc_canned_get("thx"));
    assert_false(bc_cmd_execute("/canned remove thx"));
    assert_true(bc_config_load(f->cfg, NULL));
    assert_null(bc_canned_get("thx"));
}

static void test_editor_without_terminal(void **state)
{
    (void)state;
    bc_editor_set(NULL);
    assert_false(bc_cmd_execute("/editor some text"));
    assert_true(console_has("terminal"));
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_key_names), T(test_bind), T(test_keys_from_config), T(test_canned),
        T(test_editor_without_terminal),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
