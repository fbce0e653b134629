/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for XDG paths and private files, certificate pins and the config file. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ftw.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "backchat/config.h"
#include "backchat/conv.h"
#include "backchat/paths.h"
#include "backchat/pins.h"
#include "tmpdir.h"

/* ---- fixture: one private temp dir per test ---------------------------- */

typedef struct {
    char *dir;
    char *config_home; /* dir/cfg (not created) */
    char *data_home;   /* dir/data (not created) */
} fixture;


static int setup(void **state)
{
    fixture *f = g_new0(fixture, 1);
    f->dir = g_dir_make_tmp("bc-paths-XXXXXX", NULL);
    if (!f->dir) {
        g_free(f);
        return -1;
    }
    f->config_home = g_build_filename(f->dir, "cfg", NULL);
    f->data_home = g_build_filename(f->dir, "data", NULL);
    g_setenv("XDG_CONFIG_HOME", f->config_home, TRUE);
    g_setenv("XDG_DATA_HOME", f->data_home, TRUE);
    bc_paths_reset();
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    bc_config_free();
    bc_test_rm_rf(f->dir);
    bc_paths_reset();
    g_free(f->config_home);
    g_free(f->data_home);
    g_free(f->dir);
    g_free(f);
    return 0;
}

/* ---- helpers ----------------------------------------------------------- */

static void assert_contains(const char *hay, const char *needle)
{
    if (!hay || !strstr(hay, needle))
        fail_msg("\"%s\" does not contain \"%s\"", hay ? hay : "(null)", needle);
}

static mode_t mode_of(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        fail_msg("lstat %s failed", path);
    return st.st_mode & 07777;
}

static bool exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

static int count_entries(const char *dir)
{
    GDir *d = g_dir_open(dir, 0, NULL);
    if (!d)
        return -1;
    int n = 0;
    while (g_dir_read_name(d))
        n++;
    g_dir_close(d);
    return n;
}

static char *read_all(const char *path)
{
    char *s = NULL;
    if (!g_file_get_contents(path, &s, NULL, NULL))
        return NULL;
    return s;
}

/* ---- paths ---------------------------------------------------------------- */

static void test_paths_xdg(void **state)
{
    fixture *f = *state;
    char *want_cfg = g_build_filename(f->config_home, "backchat", NULL);
    char *want_data = g_build_filename(f->data_home, "backchat", NULL);
    assert_string_equal(bc_paths_config_dir(), want_cfg);
    assert_string_equal(bc_paths_data_dir(), want_data);

    char *acc = bc_paths_accounts_file();
    char *want_acc = g_build_filename(want_cfg, "accounts", NULL);
    assert_string_equal(acc, want_acc);
    char *cfg = bc_paths_config_file();
    char *want_cfgf = g_build_filename(want_cfg, "config", NULL);
    assert_string_equal(cfg, want_cfgf);
    /* Asking for paths creates nothing. */
    assert_false(exists(f->config_home));
    g_free(acc);
    g_free(want_acc);
    g_free(cfg);
    g_free(want_cfgf);
    g_free(want_cfg);
    g_free(want_data);
}

static void test_paths_reset(void **state)
{
    fixture *f = *state;
    const char *before = bc_paths_config_dir();
    char *saved = g_strdup(before);
    char *other = g_build_filename(f->dir, "other", NULL);
    g_setenv("XDG_CONFIG_HOME", other, TRUE);
    /* Cached until reset. */
    assert_string_equal(bc_paths_config_dir(), saved);
    bc_paths_reset();
    char *want = g_build_filename(other, "backchat", NULL);
    assert_string_equal(bc_paths_config_dir(), want);
    g_free(want);
    g_free(other);
    g_free(saved);
}

/* A relative XDG value is ignored (XDG base directory spec). */
static void test_paths_relative_xdg_ignored(void **state)
{
    (void)state;
    g_setenv("XDG_CONFIG_HOME", "relative/cfg", TRUE);
    g_setenv("XDG_DATA_HOME", "", TRUE);
    bc_paths_reset();
    const char *c = bc_paths_config_dir();
    const char *d = bc_paths_data_dir();
    assert_true(g_path_is_absolute(c));
    assert_true(g_path_is_absolute(d));
    assert_null(strstr(c, "relative"));
    assert_true(g_str_has_suffix(c, "/.config/backchat"));
    assert_true(g_str_has_suffix(d, "/.local/share/backchat"));
}

static void test_account_dir(void **state)
{
    fixture *f = *state;
    GError *err = NULL;
    char *dir = bc_paths_account_dir("work", &err);
    assert_null(err);
    assert_non_null(dir);
    char *want = g_build_filename(f->data_home, "backchat", "work", NULL);
    assert_string_equal(dir, want);
    assert_true(g_file_test(dir, G_FILE_TEST_IS_DIR));
    assert_int_equal(mode_of(dir), 0700);
    char *parent = g_path_get_dirname(dir);
    assert_int_equal(mode_of(parent), 0700);
    g_free(parent);
    g_free(want);

    /* An existing directory with loose permissions is tightened. */
    assert_int_equal(chmod(dir, 0755), 0);
    char *again = bc_paths_account_dir("work", &err);
    assert_non_null(again);
    assert_int_equal(mode_of(again), 0700);
    g_free(again);
    g_free(dir);
}

static void test_account_dir_rejects_bad_names(void **state)
{
    fixture *f = *state;
    static const char *const bad[] = {"../x", "a/b", ".hidden", "", "..", ".", "a b"};
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        GError *err = NULL;
        char *dir = bc_paths_account_dir(bad[i], &err);
        if (dir) {
            char msg[256];
            snprintf(msg, sizeof msg, "\"%s\" accepted as %s", bad[i], dir);
            g_free(dir);
            fail_msg("%s", msg);
        }
        assert_non_null(err);
        g_error_free(err);
    }
    GError *err = NULL;
    assert_null(bc_paths_account_dir(NULL, &err));
    assert_non_null(err);
    g_error_free(err);
    assert_null(bc_paths_account_dir("../x", NULL));
    /* Nothing was created anywhere. */
    assert_false(exists(f->data_home));
    char *x = g_build_filename(f->dir, "x", NULL);
    assert_false(exists(x));
    g_free(x);
}

static void test_mkdir_private(void **state)
{
    fixture *f = *state;
    char *deep = g_build_filename(f->dir, "a", "b", "c", NULL);
    GError *err = NULL;
    mode_t old = umask(0);
    bool ok = bc_mkdir_private(deep, &err);
    umask(old);
    assert_true(ok);
    assert_int_equal(mode_of(deep), 0700);
    char *a = g_build_filename(f->dir, "a", NULL);
    char *ab = g_build_filename(f->dir, "a", "b", NULL);
    assert_int_equal(mode_of(a), 0700);
    assert_int_equal(mode_of(ab), 0700);

    /* A file in the way is an error. */
    char *file = g_build_filename(f->dir, "file", NULL);
    assert_true(g_file_set_contents(file, "x", 1, NULL));
    char *under = g_build_filename(file, "sub", NULL);
    assert_false(bc_mkdir_private(under, &err));
    assert_non_null(err);
    assert_contains(err->message, under);
    g_error_free(err);
    g_free(under);
    g_free(file);
    g_free(a);
    g_free(ab);
    g_free(deep);
}

static void test_write_private(void **state)
{
    fixture *f = *state;
    char *path = g_build_filename(f->dir, "new", "secret", NULL);
    GError *err = NULL;
    mode_t old = umask(0);
    bool ok = bc_write_private(path, "hello\0world", 11, &err);
    umask(old);
    assert_true(ok);
    assert_null(err);
    assert_int_equal(mode_of(path), 0600);
    char *dir = g_path_get_dirname(path);
    assert_int_equal(mode_of(dir), 0700);
    char *got = NULL;
    gsize len = 0;
    assert_true(g_file_get_contents(path, &got, &len, NULL));
    assert_int_equal(len, 11);
    assert_memory_equal(got, "hello\0world", 11);
    g_free(got);
    /* No temp file left behind. */
    assert_int_equal(count_entries(dir), 1);

    /* Empty content is fine too. */
    assert_true(bc_write_private(path, "", 0, &err));
    got = read_all(path);
    assert_string_equal(got, "");
    g_free(got);
    g_free(dir);
    g_free(path);
}

/* Replaces by rename: an old hard link keeps the old content, an existing
 * loose mode does not survive, a symlink is replaced and not followed. */
static void test_write_private_atomic(void **state)
{
    fixture *f = *state;
    char *path = g_build_filename(f->dir, "file", NULL);
    char *hard = g_build_filename(f->dir, "hardlink", NULL);
    assert_true(g_file_set_contents(path, "old", -1, NULL));
    assert_int_equal(chmod(path, 0644), 0);
    assert_int_equal(link(path, hard), 0);

    mode_t old = umask(0);
    bool ok = bc_write_private(path, "new", 3, NULL);
    umask(old);
    assert_true(ok);
    char *got = read_all(path);
    assert_string_equal(got, "new");
    g_free(got);
    got = read_all(hard);
    assert_string_equal(got, "old");
    g_free(got);
    assert_int_equal(mode_of(path), 0600);

    char *target = g_build_filename(f->dir, "target", NULL);
    char *sym = g_build_filename(f->dir, "sym", NULL);
    assert_true(g_file_set_contents(target, "target", -1, NULL));
    assert_int_equal(symlink(target, sym), 0);
    assert_true(bc_write_private(sym, "via", 3, NULL));
    got = read_all(target);
    assert_string_equal(got, "target");
    g_free(got);
    assert_false(g_file_test(sym, G_FILE_TEST_IS_SYMLINK));
    got = read_all(sym);
    assert_string_equal(got, "via");
    g_free(got);

    g_free(target);
    g_free(sym);
    g_free(hard);
    g_free(path);
}

static void test_write_private_error(void **state)
{
    fixture *f = *state;
    /* The target is a directory: rename fails, nothing is left behind. */
    char *d = g_build_filename(f->dir, "isdir", NULL);
    assert_int_equal(g_mkdir(d, 0700), 0);
    char *inner = g_build_filename(d, "x", NULL);
    assert_true(g_file_set_contents(inner, "x", 1, NULL));
    GError *err = NULL;
    assert_false(bc_write_private(d, "data", 4, &err));
    assert_non_null(err);
    assert_contains(err->message, d);
    g_error_free(err);
    assert_int_equal(count_entries(f->dir), 1);
    g_free(inner);
    g_free(d);
}

/* ---- pins ------------------------------------------------------------------ */

#define FP1 "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89"
#define FP2 "11:22:33:44:55:66:77:88:99:00:AA:BB:CC:DD:EE:FF:11:22:33:44:55:66:77:88:99:00:AA:BB:CC:DD:EE:FF"

static void test_pins_roundtrip(void **state)
{
    fixture *f = *state;
    assert_null(bc_pins_lookup("work", "example.org"));
    GError *err = NULL;
    assert_true(bc_pins_add("work", "example.org", FP1, "CN=example.org", &err));
    assert_null(err);
    assert_true(bc_pins_add("work", "other.example", FP2, NULL, &err));

    char *fp = bc_pins_lookup("work", "example.org");
    assert_string_equal(fp, FP1);
    g_free(fp);
    fp = bc_pins_lookup("work", "other.example");
    assert_string_equal(fp, FP2);
    g_free(fp);
    /* Pins are per account. */
    assert_null(bc_pins_lookup("home", "example.org"));
    assert_null(bc_pins_lookup("work", "unknown.example"));

    char *file = g_build_filename(f->data_home, "backchat", "work", "trusted-certs", NULL);
    assert_int_equal(mode_of(file), 0600);
    char *dir = g_path_get_dirname(file);
    assert_int_equal(mode_of(dir), 0700);
    char *text = read_all(file);
    assert_contains(text, "CN=example.org");
    g_free(text);

    /* Replacing a pin. */
    assert_true(bc_pins_add("work", "example.org", FP2, NULL, &err));
    fp = bc_pins_lookup("work", "example.org");
    assert_string_equal(fp, FP2);
    g_free(fp);

    assert_true(bc_pins_remove("work", "example.org", &err));
    assert_null(err);
    assert_null(bc_pins_lookup("work", "example.org"));
    fp = bc_pins_lookup("work", "other.example");
    assert_string_equal(fp, FP2);
    g_free(fp);
    assert_int_equal(mode_of(file), 0600);
    /* Removing what is not there is not an error. */
    assert_true(bc_pins_remove("work", "example.org", &err));
    assert_true(bc_pins_remove("nopins", "example.org", &err));
    assert_null(err);
    g_free(dir);
    g_free(file);
}

static void test_pins_bad_account(void **state)
{
    fixture *f = *state;
    GError *err = NULL;
    assert_false(bc_pins_add("../evil", "example.org", FP1, NULL, &err));
    assert_non_null(err);
    g_clear_error(&err);
    assert_false(bc_pins_remove("../evil", "example.org", &err));
    assert_non_null(err);
    g_clear_error(&err);
    assert_null(bc_pins_lookup("../evil", "example.org"));
    char *evil = g_build_filename(f->data_home, "evil", NULL);
    assert_false(exists(evil));
    g_free(evil);
}

/* A JID domain may be an IPv6 literal ("[::1]", accepted by bc_jid_parse);
 * its pin must be stored and found like any other host's. */
static void test_pins_ipv6_literal_host(void **state)
{
    (void)state;
    GError *err = NULL;
    bool ok = bc_pins_add("work", "[::1]", FP1, NULL, &err);
    g_clear_error(&err);
    assert_true(ok);
    char *fp = bc_pins_lookup("work", "[::1]");
    bool found = fp && strcmp(fp, FP1) == 0;
    g_free(fp);
    assert_true(found);
}

static void test_fingerprint_equal(void **state)
{
    (void)state;
    assert_true(bc_fingerprint_equal("AB:CD:EF", "ab:cd:ef"));
    assert_true(bc_fingerprint_equal("AB:CD:EF", "ABCDEF"));
    assert_true(bc_fingerprint_equal("abcdef", "AB:CD:EF"));
    assert_true(bc_fingerprint_equal(FP1, FP1));
    assert_false(bc_fingerprint_equal(FP1, FP2));
    assert_false(bc_fingerprint_equal("AB:CD:EF", "AB:CD:EE"));
    assert_false(bc_fingerprint_equal("AB:CD:EF", "AB:CD"));
    assert_false(bc_fingerprint_equal("AB:CD", "AB:CD:EF"));
    assert_false(bc_fingerprint_equal("AB:CD:EF", "AB:DC:EF"));
    assert_false(bc_fingerprint_equal("", ""));
    assert_false(bc_fingerprint_equal(":", ":"));
    assert_false(bc_fingerprint_equal("", "AB"));
    assert_false(bc_fingerprint_equal(NULL, "AB"));
    assert_false(bc_fingerprint_equal("AB", NULL));
    assert_false(bc_fingerprint_equal(NULL, NULL));
}

/* Only case and ':' separators are ignored; other characters are content. */
static void test_fingerprint_non_hex_is_content(void **state)
{
    (void)state;
    assert_false(bc_fingerprint_equal("AB:CD:EF", "AB:CD:EF:ZZ"));
    assert_false(bc_fingerprint_equal("AB:CD:EF", "xAB:CD:EF"));
    assert_false(bc_fingerprint_equal("zz", "yy"));
}

/* ---- config ---------------------------------------------------------------- */

static char *write_config(fixture *f, const char *text)
{
    char *path = g_build_filename(f->dir, "config", NULL);
    assert_true(g_file_set_contents(path, text, -1, NULL));
    return path;
}

static void test_config_defaults_before_load(void **state)
{
    (void)state;
    bc_config_free();
    assert_int_equal(bc_config_int("ui", "scrollback", 42), 42);
    assert_true(bc_config_bool("ui", "bell", true));
    assert_false(bc_config_bool("ui", "bell", false));
    char *s = bc_config_string("ui", "theme", "default");
    assert_string_equal(s, "default");
    g_free(s);
    assert_null(bc_config_string("ui", "theme", NULL));
}

static void test_config_missing(void **state)
{
    fixture *f = *state;
    char *path = g_build_filename(f->dir, "nope", "config", NULL);
    GError *err = NULL;
    assert_true(bc_config_load(path, &err));
    assert_null(err);
    assert_int_equal(bc_config_int("ui", "scrollback", 7), 7);
    char *s = bc_config_string("ui", "theme", "dark");
    assert_string_equal(s, "dark");
    g_free(s);
    g_free(path);
}

static void test_config_values(void **state)
{
    fixture *f = *state;
    char *path = write_config(f,
                              "[ui]\n"
                              "scrollback=500\n"
                              "negative=-3\n"
                              "bell=true\n"
                              "quiet=false\n"
                              "theme=solarized dark\n"
                              "notint=lots\n"
                              "halfint=12abc\n"
                              "notbool=maybe\n"
                              "empty=\n");
    GError *err = NULL;
    assert_true(bc_config_load(path, &err));
    assert_null(err);
    assert_int_equal(bc_config_int("ui", "scrollback", 7), 500);
    assert_int_equal(bc_config_int("ui", "negative", 7), -3);
    assert_true(bc_config_bool("ui", "bell", false));
    assert_false(bc_config_bool("ui", "quiet", true));
    char *s = bc_config_string("ui", "theme", "x");
    assert_string_equal(s, "solarized dark");
    g_free(s);
    /* Wrong types fall back to the default, and the console says so,
     * once per key; an empty value is unset. */
    bc_convs_init(50);
    bc_conv *console = bc_conv_console();
    assert_non_null(console);
    size_t before = console->len;
    assert_int_equal(bc_config_int("ui", "notint", 7), 7);
    assert_int_equal(bc_config_int("ui", "notint", 7), 7);
    assert_int_equal(bc_config_int("ui", "halfint", 7), 7);
    assert_int_equal(bc_config_int("ui", "theme", 9), 9);
    assert_true(bc_config_bool("ui", "notbool", true));
    assert_false(bc_config_bool("ui", "notbool", false));
    assert_false(bc_config_bool("ui", "scrollback", false));
    assert_int_equal(bc_config_int("ui", "empty", 4), 4);
    assert_int_equal(console->len, before + 5);
    char *want = g_strdup_printf("Config: [ui] notint=lots is not a whole number; using 7. "
                                 "Fix it in %s.", path);
    assert_string_equal(bc_conv_line(console, before)->text, want);
    g_free(want);
    assert_non_null(strstr(bc_conv_line(console, before + 1)->text, "halfint=12abc"));
    assert_non_null(strstr(bc_conv_line(console, before + 2)->text,
                           "[ui] theme=solarized dark is not a whole number; using 9."));
    assert_non_null(strstr(bc_conv_line(console, before + 3)->text,
                           "[ui] notbool=maybe is not true or false; using true."));
    assert_non_null(strstr(bc_conv_line(console, before + 4)->text,
                           "[ui] scrollback=500 is not true or false; using false."));
    bc_convs_free();
    /* Missing keys and groups. */
    assert_int_equal(bc_config_int("ui", "missing", 11), 11);
    assert_int_equal(bc_config_int("nogroup", "scrollback", 11), 11);
    s = bc_config_string("nogroup", "theme", "fallback");
    assert_string_equal(s, "fallback");
    g_free(s);
    g_free(path);
}

static void test_config_broken(void **state)
{
    fixture *f = *state;
    /* First a good file, then a broken one: the defaults come back. */
    char *path = write_config(f, "[ui]\nscrollback=500\n");
    assert_true(bc_config_load(path, NULL));
    assert_int_equal(bc_config_int("ui", "scrollback", 7), 500);
    g_free(path);

    path = write_config(f, "[ui]\nscrollback=500\nthis is not ini\n");
    GError *err = NULL;
    assert_false(bc_config_load(path, &err));
    assert_non_null(err);
    assert_contains(err->message, path);
    g_error_free(err);
    assert_int_equal(bc_config_int("ui", "scrollback", 7), 7);
    char *s = bc_config_string("ui", "theme", "dflt");
    assert_string_equal(s, "dflt");
    g_free(s);
    /* NULL err is allowed. */
    assert_false(bc_config_load(path, NULL));
    g_free(path);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_paths_xdg),
        T(test_paths_reset),
        T(test_paths_relative_xdg_ignored),
        T(test_account_dir),
        T(test_account_dir_rejects_bad_names),
        T(test_mkdir_private),
        T(test_write_private),
        T(test_write_private_atomic),
        T(test_write_private_error),
        T(test_pins_roundtrip),
        T(test_pins_bad_account),
        T(test_pins_ipv6_literal_host),
        T(test_fingerprint_equal),
        T(test_fingerprint_non_hex_is_content),
        T(test_config_defaults_before_load),
        T(test_config_missing),
        T(test_config_values),
        T(test_config_broken),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
