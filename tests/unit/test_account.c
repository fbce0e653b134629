/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for accounts (src/core/account.c): load, validate, save, defaults, eval_password. */
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

#include "backchat/account.h"
#include "backchat/loop.h"
#include "backchat/paths.h"
#include "tmpdir.h"

/* ---- fixture: one private temp dir per test ---------------------------- */

typedef struct {
    char *dir;
    char *path; /* dir/accounts */
} fixture;


static int setup(void **state)
{
    fixture *f = g_new0(fixture, 1);
    f->dir = bc_test_tmp_xdg("bc-account-XXXXXX");
    if (!f->dir) {
        g_free(f);
        return -1;
    }
    f->path = g_build_filename(f->dir, "accounts", NULL);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    bc_test_rm_rf(f->dir);
    bc_paths_reset();
    g_free(f->path);
    g_free(f->dir);
    g_free(f);
    return 0;
}

/* ---- helpers ----------------------------------------------------------- */

static void write_file(const char *path, const char *text)
{
    GError *err = NULL;
    if (!g_file_set_contents(path, text, -1, &err))
        fail_msg("cannot write %s: %s", path, err->message);
}

static void assert_contains(const char *hay, const char *needle)
{
    if (!hay || !strstr(hay, needle))
        fail_msg("\"%s\" does not contain \"%s\"", hay ? hay : "(null)", needle);
}

/* True if some warning contains `needle`. */
static bool warned(GPtrArray *w, const char *needle)
{
    for (guint i = 0; i < w->len; i++)
        if (strstr(w->pdata[i], needle))
            return true;
    return false;
}

static mode_t mode_of(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0)
        fail_msg("stat %s failed", path);
    return st.st_mode & 07777;
}

/* ---- name validation ---------------------------------------------------- */

static void test_name_valid(void **state)
{
    (void)state;
    assert_true(bc_account_name_valid("work"));
    assert_true(bc_account_name_valid("a.b_c-D9"));
    assert_false(bc_account_name_valid(NULL));
    assert_false(bc_account_name_valid(""));
    assert_false(bc_account_name_valid(".hidden"));
    assert_false(bc_account_name_valid("../x"));
    assert_false(bc_account_name_valid("a/b"));
    assert_false(bc_account_name_valid("a b"));
    assert_false(bc_account_name_valid("a]b"));
    assert_false(bc_account_name_valid("caf\xc3\xa9"));
    char *n64 = g_strnfill(64, 'a'), *n65 = g_strnfill(65, 'a');
    assert_true(bc_account_name_valid(n64));
    assert_false(bc_account_name_valid(n65));
    g_free(n64);
    g_free(n65);
}

static void test_new_defaults(void **state)
{
    (void)state;
    bc_account *a = bc_account_new("work", "Alice@Example.ORG");
    assert_string_equal(a->name, "work");
    assert_string_equal(a->jid, "alice@example.org");
    assert_string_equal(a->resource, "backchat");
    assert_null(a->server);
    assert_int_equal(a->port, 0);
    assert_int_equal(a->tls, BC_TLS_STARTTLS);
    assert_null(a->password);
    assert_null(a->eval_password);
    assert_false(a->is_default);
    bc_account_free(a);
    bc_account_free(NULL);
}

/* ---- load --------------------------------------------------------------- */

static void test_load_full(void **state)
{
    fixture *f = *state;
    write_file(f->path,
               "# my accounts\n"
               "[work]\n"
               "jid=Alice@Example.org\n"
               "resource=laptop\n"
               "server=xmpp.example.org\n"
               "port=5223\n"
               "tls=direct\n"
               "password=s3cret pw\n"
               "eval_password=pass show \"xmpp/work\"\n"
               "default=true\n"
               "\n"
               "[home]\n"
               "jid=me@home.example\n");
    GPtrArray *w = g_ptr_array_new_with_free_func(g_free);
    GError *err = NULL;
    bc_accounts *as = bc_accounts_load(f->path, w, &err);
    assert_null(err);
    assert_non_null(as);
    assert_int_equal(w->len, 0);
    assert_int_equal(as->list->len, 2);

    bc_account *a = as->list->pdata[0];
    assert_string_equal(a->name, "work");
    assert_string_equal(a->jid, "alice@example.org");
    assert_string_equal(a->resource, "laptop");
    assert_string_equal(a->server, "xmpp.example.org");
    assert_int_equal(a->port, 5223);
    assert_int_equal(a->tls, BC_TLS_DIRECT);
    assert_string_equal(a->password, "s3cret pw");
    assert_string_equal(a->eval_password, "pass show \"xmpp/work\"");
    assert_true(a->is_default);

    bc_account *b = as->list->pdata[1];
    assert_string_equal(b->name, "home");
    assert_string_equal(b->jid, "me@home.example");
    assert_string_equal(b->resource, "backchat");
    assert_null(b->server);
    assert_int_equal(b->port, 0);
    assert_int_equal(b->tls, BC_TLS_STARTTLS);
    assert_null(b->password);
    assert_null(b->eval_password);
    assert_false(b->is_default);

    assert_ptr_equal(bc_accounts_find(as, "home"), b);
    assert_null(bc_accounts_find(as, "nosuch"));
    assert_ptr_equal(bc_accounts_find_jid(as, "ME@Home.Example/phone"), b);
    assert_null(bc_accounts_find_jid(as, "other@home.example"));
    assert_ptr_equal(bc_accounts_default(as), a);
    bc_accounts_free(as);
    g_ptr_array_free(w, TRUE);
}

static void test_load_missing(void **state)
{
    fixture *f = *state;
    GPtrArray *w = g_ptr_array_new_with_free_func(g_free);
    GError *err = NULL;
    bc_accounts *as = bc_accounts_load(f->path, w, &err);
    assert_null(err);
    assert_non_null(as);
    assert_int_equal(as->list->len, 0);
    assert_int_equal(w->len, 0);
    assert_null(bc_accounts_default(as));
    bc_accounts_free(as);
    g_ptr_array_free(w, TRUE);
}

static void test_load_not_ini(void **state)
{
    fixture *f = *state;
    write_file(f->path, "this is not ini\n");
    GError *err = NULL;
    bc_accounts *as = bc_accounts_load(f->path, NULL, &err);
    assert_null(as);
    assert_non_null(err);
    assert_contains(err->message, f->path);
    g_error_free(err);
}

/* The header promises the line number in the message. */
static void test_load_not_ini_names_line(void **state)
{
    fixture *f = *state;
    write_file(f->path, "[ok]\njid=a@example.org\nthis is not ini\n");
    GError *err = NULL;
    bc_accounts *as = bc_accounts_load(f->path, NULL, &err);
    assert_null(as);
    assert_non_null(err);
    /* Remove the path (its random part may hold digits), then look for "3". */
    char **parts = g_strsplit(err->message, f->path, -1);
    char *rest = g_strjoinv("", parts);
    g_strfreev(parts);
    GRegex *re = g_regex_new("(^|[^0-9])3([^0-9]|$)", 0, 0, NULL);
    bool has_line = g_regex_match(re, rest, 0, NULL);
    g_regex_unref(re);
    g_free(rest);
    char *msg = g_strdup(err->message);
    g_error_free(err);
    if (!has_line) {
        char buf[512];
        g_strlcpy(buf, msg, sizeof buf);
        g_free(msg);
        fail_msg("error does not name line 3: \"%s\"", buf);
    }
    g_free(msg);
}

static void test_load_skips_bad_groups(void **state)
{
    fixture *f = *state;
    write_file(f->path,
               "[nojid]\nresource=x\n"
               "[badjid]\njid=not a jid\n"
               "[withres]\njid=a@example.org/phone\n"
               "[nodomain]\njid=a@\n"
               "[.hidden]\njid=b@example.org\n"
               "[bad!name]\njid=c@example.org\n"
               "[good]\njid=good@example.org\n");
    GPtrArray *w = g_ptr_array_new_with_free_func(g_free);
    GError *err = NULL;
    bc_accounts *as = bc_accounts_load(f->path, w, &err);
    assert_null(err);
    assert_non_null(as);
    assert_int_equal(as->list->len, 1);
    assert_string_equal(((bc_account *)as->list->pdata[0])->name, "good");
    assert_int_equal(w->len, 6);
    assert_true(warned(w, "[nojid]"));
    assert_true(warned(w, "[badjid]"));
    assert_true(warned(w, "[withres]"));
    assert_true(warned(w, "[nodomain]"));
    assert_true(warned(w, "[.hidden]"));
    assert_true(warned(w, "[bad!name]"));
    assert_false(warned(w, "[good]"));
    bc_accounts_free(as);

    /* Without a warnings array the same file still loads. */
    as = bc_accounts_load(f->path, NULL, &err);
    assert_non_null(as);
    assert_int_equal(as->list->len, 1);
    bc_accounts_free(as);
    g_ptr_array_free(w, TRUE);
}

/* A valid group with one bad value keeps the account and names the key. */
static void test_load_bad_value_warns(void **state)
{
    fixture *f = *state;
    write_file(f->path, "[work]\njid=a@example.org\nport=http\ntls=none\nserver=ok.example\n");
    GPtrArray *w = g_ptr_array_new_with_free_func(g_free);
    GError *err = NULL;
    bc_accounts *as = bc_accounts_load(f->path, w, &err);
    assert_non_null(as);
    assert_int_equal(as->list->len, 1);
    bc_account *a = as->list->pdata[0];
    assert_int_equal(a->port, 0);
    assert_int_equal(a->tls, BC_TLS_STARTTLS);
    assert_string_equal(a->server, "ok.example");
    assert_int_equal(w->len, 2);
    assert_true(warned(w, "port"));
    assert_true(warned(w, "tls"));
    assert_true(warned(w, "[work]"));
    bc_accounts_free(as);
    g_ptr_array_free(w, TRUE);
}

/* ---- bc_account_set ------------------------------------------------------ */

static void expect_set_fails(bc_account *a, const char *key, const char *value,
                             const char *msg_part)
{
    GError *err = NULL;
    if (bc_account_set(a, key, value, &err))
        fail_msg("set %s=\"%s\" should fail", key, value ? value : "(null)");
    assert_non_null(err);
    if (msg_part)
        assert_contains(err->message, msg_part);
    g_error_free(err);
}

static void expect_set_ok(bc_account *a, const char *key, const char *value)
{
    GError *err = NULL;
    if (!bc_account_set(a, key, value, &err))
        fail_msg("set %s=\"%s\" failed: %s", key, value, err ? err->message : "?");
    assert_null(err);
}

static void test_set_port(void **state)
{
    (void)state;
    bc_account *a = bc_account_new("w", "a@example.org");
    expect_set_ok(a, "port", "5222");
    assert_int_equal(a->port, 5222);
    expect_set_ok(a, "port", "65535");
    assert_int_equal(a->port, 65535);
    expect_set_fails(a, "port", "notanumber", "port");
    expect_set_fails(a, "port", "5222x", "port");
    expect_set_fails(a, "port", "-1", "port");
    expect_set_fails(a, "port", "65536", "port");
    expect_set_fails(a, "port", "99999999999999999999", "port");
    /* A failed set leaves the old value. */
    assert_int_equal(a->port, 65535);
    /* Empty means the default. */
    expect_set_ok(a, "port", "");
    assert_int_equal(a->port, 0);
    bc_account_free(a);
}

static void test_set_tls(void **state)
{
    (void)state;
    bc_account *a = bc_account_new("w", "a@example.org");
    expect_set_ok(a, "tls", "direct");
    assert_int_equal(a->tls, BC_TLS_DIRECT);
    expect_set_fails(a, "tls", "none", "TLS is always required");
    expect_set_fails(a, "tls", "plain", "TLS is always required");
    expect_set_fails(a, "tls", "off", "TLS is always required");
    assert_int_equal(a->tls, BC_TLS_DIRECT);
    expect_set_ok(a, "tls", "starttls");
    assert_int_equal(a->tls, BC_TLS_STARTTLS);
    bc_account_free(a);
}

static void test_set_jid(void **state)
{
    (void)state;
    bc_account *a = bc_account_new("w", "a@example.org");
    expect_set_fails(a, "jid", "bob@example.org/phone", "bare JID");
    expect_set_fails(a, "jid", "not a jid", NULL);
    expect_set_fails(a, "jid", "", NULL);
    expect_set_fails(a, "jid", NULL, NULL);
    assert_string_equal(a->jid, "a@example.org");
    expect_set_ok(a, "jid", "Bob@Example.ORG");
    assert_string_equal(a->jid, "bob@example.org");
    bc_account_free(a);
}

static void test_set_strings(void **state)
{
    (void)state;
    bc_account *a = bc_account_new("w", "a@example.org");
    expect_set_fails(a, "resource", "two words", "resource");
    expect_set_fails(a, "resource", "", "resource");
    assert_string_equal(a->resource, "backchat");
    expect_set_ok(a, "resource", "phone");
    assert_string_equal(a->resource, "phone");

    expect_set_fails(a, "server", "a host", NULL);
    expect_set_fails(a, "server", "user@host", NULL);
    expect_set_fails(a, "server", "host/path", NULL);
    assert_null(a->server);
    expect_set_ok(a, "server", "127.0.0.1");
    assert_string_equal(a->server, "127.0.0.1");
    expect_set_ok(a, "server", "");
    assert_null(a->server);

    expect_set_ok(a, "password", "p w \"q\"");
    assert_string_equal(a->password, "p w \"q\"");
    expect_set_ok(a, "password", "");
    assert_null(a->password);

    expect_set_ok(a, "eval_password", "pass show 'x y'");
    assert_string_equal(a->eval_password, "pass show 'x y'");
    bc_account_free(a);
}

static void test_set_unknown_key(void **state)
{
    (void)state;
    bc_account *a = bc_account_new("w", "a@example.org");
    GError *err = NULL;
    assert_false(bc_account_set(a, "colour", "blue", &err));
    assert_non_null(err);
    assert_contains(err->message, "colour");
    static const char *const valid[] = {"jid", "resource", "server", "port", "tls",
                                        "password", "eval_password"};
    for (size_t i = 0; i < G_N_ELEMENTS(valid); i++)
        assert_contains(err->message, valid[i]);
    g_error_free(err);
    /* NULL err is allowed. */
    assert_false(bc_account_set(a, "colour", "blue", NULL));
    bc_account_free(a);
}

/* ---- save ---------------------------------------------------------------- */

static void test_save_modes(void **state)
{
    fixture *f = *state;
    char *sub = g_build_filename(f->dir, "new", "deeper", NULL);
    char *path = g_build_filename(sub, "accounts", NULL);
    bc_accounts *as = bc_accounts_new();
    assert_true(bc_accounts_add(as, bc_account_new("work", "a@example.org"), NULL));
    bc_account_set(as->list->pdata[0], "password", "pw", NULL);
    GError *err = NULL;
    assert_true(bc_accounts_save(as, path, &err));
    assert_null(err);
    assert_int_equal(mode_of(path), 0600);
    assert_int_equal(mode_of(sub), 0700);

    /* Saving over an existing, too-open file makes it 0600 again. */
    assert_int_equal(chmod(path, 0644), 0);
    assert_true(bc_accounts_save(as, path, &err));
    assert_int_equal(mode_of(path), 0600);

    /* No temp file is left next to it. */
    GDir *d = g_dir_open(sub, 0, NULL);
    assert_non_null(d);
    int n = 0;
    while (g_dir_read_name(d))
        n++;
    g_dir_close(d);
    assert_int_equal(n, 1);
    bc_accounts_free(as);
    g_free(path);
    g_free(sub);
}

static void test_save_load_roundtrip(void **state)
{
    fixture *f = *state;
    bc_accounts *as = bc_accounts_new();
    bc_account *a = bc_account_new("work", "alice@example.org");
    assert_true(bc_account_set(a, "resource", "desk", NULL));
    assert_true(bc_account_set(a, "server", "xmpp.example.org", NULL));
    assert_true(bc_account_set(a, "port", "5223", NULL));
    assert_true(bc_account_set(a, "tls", "direct", NULL));
    assert_true(bc_account_set(a, "password", " lead and trail \\ \"q\" 'x' ", NULL));
    assert_true(bc_account_set(a, "eval_password",
                               "pass show \"xmpp/work\" | head -n 1 # 'quoted' \\n", NULL));
    assert_true(bc_accounts_add(as, a, NULL));
    bc_account *b = bc_account_new("home", "bob@home.example");
    assert_true(bc_accounts_add(as, b, NULL));
    bc_accounts_set_default(as, "home");

    GError *err = NULL;
    assert_true(bc_accounts_save(as, f->path, &err));
    assert_null(err);

    GPtrArray *w = g_ptr_array_new_with_free_func(g_free);
    bc_accounts *back = bc_accounts_load(f->path, w, &err);
    assert_null(err);
    assert_non_null(back);
    assert_int_equal(w->len, 0);
    assert_int_equal(back->list->len, 2);
    for (guint i = 0; i < 2; i++) {
        const bc_account *x = as->list->pdata[i], *y = back->list->pdata[i];
        assert_string_equal(y->name, x->name);
        assert_string_equal(y->jid, x->jid);
        assert_string_equal(y->resource, x->resource);
        if (x->server)
            assert_string_equal(y->server, x->server);
        else
            assert_null(y->server);
        assert_int_equal(y->port, x->port);
        assert_int_equal(y->tls, x->tls);
        if (x->password)
            assert_string_equal(y->password, x->password);
        else
            assert_null(y->password);
        if (x->eval_password)
            assert_string_equal(y->eval_password, x->eval_password);
        else
            assert_null(y->eval_password);
        assert_int_equal(y->is_default, x->is_default);
    }
    assert_string_equal(bc_accounts_default(back)->name, "home");
    bc_accounts_free(back);
    bc_accounts_free(as);
    g_ptr_array_free(w, TRUE);
}

/* ---- defaults, add, remove ------------------------------------------------ */

static void test_default_rules(void **state)
{
    (void)state;
    bc_accounts *as = bc_accounts_new();
    assert_null(bc_accounts_default(as));
    assert_null(bc_accounts_default(NULL));
    bc_account *one = bc_account_new("one", "one@example.org");
    bc_account *two = bc_account_new("two", "two@example.org");
    g_ptr_array_add(as->list, one); /* neither marked */
    g_ptr_array_add(as->list, two);
    assert_ptr_equal(bc_accounts_default(as), one);
    two->is_default = true;
    assert_ptr_equal(bc_accounts_default(as), two);
    bc_accounts_set_default(as, "one");
    assert_true(one->is_default);
    assert_false(two->is_default);
    assert_ptr_equal(bc_accounts_default(as), one);
    bc_accounts_free(as);
}

static void test_add(void **state)
{
    (void)state;
    bc_accounts *as = bc_accounts_new();
    GError *err = NULL;
    bc_account *first = bc_account_new("work", "a@example.org");
    assert_true(bc_accounts_add(as, first, &err));
    assert_null(err);
    assert_true(first->is_default);
    bc_account *second = bc_account_new("home", "b@example.org");
    assert_true(bc_accounts_add(as, second, &err));
    assert_false(second->is_default);
    assert_ptr_equal(bc_accounts_default(as), first);

    bc_account *dup = bc_account_new("work", "c@example.org");
    assert_false(bc_accounts_add(as, dup, &err));
    assert_non_null(err);
    assert_contains(err->message, "work");
    g_clear_error(&err);
    bc_account_free(dup); /* ownership stays with the caller on failure */

    static const char *const bad[] = {"", "../x", "a/b", ".hidden", "a b"};
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        bc_account *x = bc_account_new(bad[i], "d@example.org");
        if (bc_accounts_add(as, x, &err))
            fail_msg("name \"%s\" accepted", bad[i]);
        assert_non_null(err);
        g_clear_error(&err);
        bc_account_free(x);
    }
    bc_account *badjid = bc_account_new("ok", "not a jid");
    assert_false(bc_accounts_add(as, badjid, &err));
    assert_non_null(err);
    g_clear_error(&err);
    bc_account_free(badjid);
    assert_int_equal(as->list->len, 2);
    bc_accounts_free(as);
}

static void test_remove(void **state)
{
    (void)state;
    bc_accounts *as = bc_accounts_new();
    assert_true(bc_accounts_add(as, bc_account_new("a", "a@example.org"), NULL));
    assert_true(bc_accounts_add(as, bc_account_new("b", "b@example.org"), NULL));
    assert_true(bc_accounts_add(as, bc_account_new("c", "c@example.org"), NULL));
    assert_true(bc_accounts_remove(as, "b"));
    assert_int_equal(as->list->len, 2);
    assert_null(bc_accounts_find(as, "b"));
    assert_string_equal(((bc_account *)as->list->pdata[0])->name, "a");
    assert_string_equal(((bc_account *)as->list->pdata[1])->name, "c");
    assert_false(bc_accounts_remove(as, "b"));
    assert_false(bc_accounts_remove(as, "nosuch"));
    /* Removing the default leaves the first as the default. */
    assert_true(bc_accounts_remove(as, "a"));
    assert_string_equal(bc_accounts_default(as)->name, "c");
    bc_accounts_free(as);
}

/* ---- eval_password -------------------------------------------------------- */

typedef struct {
    bool called;
    char *pw;
    char *error;
} answer;

static void on_password(char *password, const char *error, void *data)
{
    answer *a = data;
    a->called = true;
    a->pw = password;
    a->error = g_strdup(error);
    bc_loop_quit();
}

static void on_too_long(void *data)
{
    (void)data;
    bc_loop_quit();
}

/* Runs eval_password `cmd` through the loop; the password, or NULL and
 * `err` (start failure or the callback's error). */
static char *eval_within(const char *cmd, unsigned timeout_ms, GError **err)
{
    bc_loop_init();
    bc_account *a = bc_account_new("w", "a@example.org");
    if (cmd)
        bc_account_set(a, "eval_password", cmd, NULL);
    answer ans = {0};
    char *pw = NULL;
    if (bc_account_eval_password(a, timeout_ms, on_password, &ans, err)) {
        unsigned guard = bc_timer_add(timeout_ms + 5000, on_too_long, NULL);
        bc_loop_run();
        bc_timer_cancel(guard);
        assert_true(ans.called);
        pw = ans.pw;
        if (ans.error)
            g_set_error_literal(err, g_quark_from_static_string("test"), 1, ans.error);
        g_free(ans.error);
    }
    bc_account_free(a);
    bc_loop_free();
    return pw;
}

static char *eval(const char *cmd, GError **err)
{
    return eval_within(cmd, 10000, err);
}

static void test_eval_password(void **state)
{
    (void)state;
    GError *err = NULL;
    char *pw = eval("printf 'first line\\nsecond\\n'", &err);
    assert_null(err);
    assert_string_equal(pw, "first line");
    g_free(pw);

    pw = eval("printf 'crlf\\r\\nx'", &err);
    assert_string_equal(pw, "crlf");
    g_free(pw);

    pw = eval("printf 'no newline'", &err);
    assert_string_equal(pw, "no newline");
    g_free(pw);

    pw = eval("echo \"it's quoted\"", &err);
    assert_string_equal(pw, "it's quoted");
    g_free(pw);
}

static void test_eval_password_failures(void **state)
{
    (void)state;
    GError *err = NULL;
    char *pw = eval("false", &err);
    assert_null(pw);
    assert_non_null(err);
    assert_contains(err->message, "failed");
    assert_contains(err->message, "false");
    g_clear_error(&err);

    pw = eval("echo secret; exit 3", &err);
    assert_null(pw);
    assert_non_null(err);
    g_clear_error(&err);

    pw = eval("true", &err);
    assert_null(pw);
    assert_non_null(err);
    assert_contains(err->message, "nothing");
    g_clear_error(&err);

    pw = eval("echo", &err); /* an empty first line */
    assert_null(pw);
    assert_non_null(err);
    g_clear_error(&err);

    pw = eval(NULL, &err);
    assert_null(pw);
    assert_non_null(err);
    assert_contains(err->message, "eval_password");
    g_clear_error(&err);

    /* A command that hangs is stopped, with what it started (the sleep
     * keeps the pipe open: it is killed too, or this would wait 30 s). */
    int64_t t0 = g_get_monotonic_time();
    pw = eval_within("sleep 30 & sleep 30", 300, &err);
    assert_null(pw);
    assert_non_null(err);
    assert_contains(err->message, "still running");
    assert_true(g_get_monotonic_time() - t0 < 5 * G_USEC_PER_SEC);
    g_clear_error(&err);

    /* Output closed but the command goes on: its exit is waited for. */
    pw = eval("echo late; exec >&-; sleep 0.2", &err);
    assert_null(err);
    assert_string_equal(pw, "late");
    g_free(pw);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_name_valid),
        T(test_new_defaults),
        T(test_load_full),
        T(test_load_missing),
        T(test_load_not_ini),
        T(test_load_not_ini_names_line),
        T(test_load_skips_bad_groups),
        T(test_load_bad_value_warns),
        T(test_set_port),
        T(test_set_tls),
        T(test_set_jid),
        T(test_set_strings),
        T(test_set_unknown_key),
        T(test_save_modes),
        T(test_save_load_roundtrip),
        T(test_default_rules),
        T(test_add),
        T(test_remove),
        T(test_eval_password),
        T(test_eval_password_failures),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
