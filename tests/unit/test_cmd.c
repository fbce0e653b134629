/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for the command table, parsing, completion and dispatch (src/cmd/), offline. */
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
#include "backchat/cmd.h"
#include "backchat/conv.h"
#include "backchat/core.h"
#include "backchat/paths.h"
#include "backchat/pins.h"
#include "backchat/roster.h"
#include "backchat/session.h"
#include "tmpdir.h"

/* ---- fixture: temp XDG dirs, conversations, an empty session ------------ */

typedef struct {
    char *dir;
    char *accounts; /* the accounts file */
} fixture;


static int setup(void **state)
{
    fixture *f = g_new0(fixture, 1);
    f->dir = bc_test_tmp_xdg("bc-cmd-XXXXXX");
    if (!f->dir) {
        g_free(f);
        return -1;
    }
    f->accounts = bc_paths_accounts_file();
    /* Room for /help's whole list and what follows it in the console. */
    bc_convs_init(1000);
    GError *err = NULL;
    if (!bc_session_load_accounts(&err)) {
        fprintf(stderr, "load accounts: %s\n", err ? err->message : "?");
        g_clear_error(&err);
        return -1;
    }
    bc_dirty_take();
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    bc_roster_free();
    fixture *f = *state;
    /* An unanswered prompt owns its data: cancel it. */
    while (bc_prompt_pending())
        bc_prompt_answer(NULL);
    bc_core_close_log();
    bc_session_free();
    bc_convs_free();
    bc_test_rm_rf(f->dir);
    bc_paths_reset();
    g_free(f->accounts);
    g_free(f->dir);
    g_free(f);
    return 0;
}

/* ---- helpers ----------------------------------------------------------- */

#define ANY_KIND (-1)

/* The first line at index >= from in `c` of `kind` (or any) containing
 * `needle`, or NULL. */
static const bc_line *find_line_from(const bc_conv *c, size_t from, int kind, const char *needle)
{
    for (size_t i = from; c && i < c->len; i++) {
        const bc_line *l = bc_conv_line(c, i);
        if ((kind == ANY_KIND || (int)l->kind == kind) && strstr(l->text, needle))
            return l;
    }
    return NULL;
}

static const bc_line *find_line(const bc_conv *c, int kind, const char *needle)
{
    return find_line_from(c, 0, kind, needle);
}

static void dump(const bc_conv *c)
{
    for (size_t i = 0; c && i < c->len; i++)
        fprintf(stderr, "    [%zu] kind=%d %s\n", i, bc_conv_line(c, i)->kind,
                bc_conv_line(c, i)->text);
}

static void expect_line(const bc_conv *c, int kind, const char *needle)
{
    if (!find_line(c, kind, needle)) {
        dump(c);
        fail_msg("no line (kind %d) containing \"%s\" in tab \"%s\"", kind, needle,
                 c ? c->title : "(none)");
    }
}

static bool run(const char *line) { return bc_cmd_execute(line); }

/* Runs a line that must fail and leave an error in the current tab
 * containing `needle` (NULL: any error). */
static void expect_fail(const char *line, const char *needle)
{
    bc_conv *was = bc_conv_current();
    size_t before = was->len;
    if (run(line))
        fail_msg("\"%s\" succeeded", line);
    /* Only new lines count (the tab may have changed, e.g. /msg). */
    bc_conv *c = bc_conv_current();
    const bc_line *l = find_line_from(c, c == was ? before : 0, BC_LINE_ERR,
                                      needle ? needle : "");
    if (!l) {
        dump(c);
        fail_msg("\"%s\": no error line containing \"%s\"", line, needle ? needle : "");
    }
}

static void expect_ok(const char *line)
{
    if (!run(line)) {
        dump(bc_conv_current());
        fail_msg("\"%s\" failed", line);
    }
}

static size_t lines_in(const bc_conv *c) { return c ? c->len : 0; }

static GKeyFile *load_accounts_file(const fixture *f)
{
    GKeyFile *kf = g_key_file_new();
    if (!g_key_file_load_from_file(kf, f->accounts, G_KEY_FILE_NONE, NULL)) {
        g_key_file_free(kf);
        fail_msg("cannot read %s", f->accounts);
    }
    return kf;
}

static mode_t mode_of(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0)
        fail_msg("stat %s failed", path);
    return st.st_mode & 07777;
}

static size_t strv_len(char **v)
{
    size_t n = 0;
    while (v && v[n])
        n++;
    return n;
}

/* Completes at the end of `line`; checks the candidates exactly (in order). */
static void expect_complete(const char *line, size_t want_start, const char *const *want)
{
    size_t start = 999;
    char **c = bc_cmd_complete(line, strlen(line), &start);
    assert_non_null(c);
    size_t n = strv_len(c), nw = 0;
    while (want[nw])
        nw++;
    bool same = n == nw;
    for (size_t i = 0; same && i < n; i++)
        same = strcmp(c[i], want[i]) == 0;
    if (!same) {
        GString *got = g_string_new(NULL);
        for (size_t i = 0; i < n; i++)
            g_string_append_printf(got, "%s\"%s\"", i ? ", " : "", c[i]);
        char buf[512];
        snprintf(buf, sizeof buf, "complete \"%s\": got [%s]", line, got->str);
        g_string_free(got, TRUE);
        g_strfreev(c);
        fail_msg("%s", buf);
    }
    assert_int_equal(start, want_start);
    g_strfreev(c);
}

/* Adds an account directly (no prompt), saved to the file. */
static bc_account *add_account(const char *name, const char *jid)
{
    bc_session *s = bc_session_get();
    bc_account *a = bc_account_new(name, jid);
    assert_true(bc_accounts_add(s->accounts, a, NULL));
    assert_true(bc_session_save_accounts(NULL));
    return a;
}

/* ---- the table --------------------------------------------------------- */

static void test_table_invariants(void **state)
{
    (void)state;
    size_t n = 0;
    const bc_cmd *t = bc_cmd_table(&n);
    assert_non_null(t);
    assert_true(n >= 10);
    for (size_t i = 0; i < n; i++) {
        const bc_cmd *c = &t[i];
        assert_non_null(c->name);
        assert_true(c->name[0] != '\0');
        assert_true(c->name[0] != '/');
        if (i > 0 && strcmp(t[i - 1].name, c->name) >= 0)
            fail_msg("table not sorted/unique at /%s after /%s", c->name, t[i - 1].name);
        if (!c->synopsis)
            fail_msg("/%s: NULL synopsis", c->name);
        if (c->synopsis[0] == '\0' && c->max_args != 0)
            fail_msg("/%s: empty synopsis but takes arguments", c->name);
        if (!c->summary || !*c->summary)
            fail_msg("/%s: no summary", c->name);
        if (!c->help || !*c->help)
            fail_msg("/%s: no help", c->name);
        assert_non_null(c->fn);
        assert_true(c->min_args >= 0);
        assert_true(c->max_args >= -1);
        if (c->max_args >= 0 && c->min_args > c->max_args)
            fail_msg("/%s: min_args %d > max_args %d", c->name, c->min_args, c->max_args);
        if (c->subcommands) {
            if (!c->subcommands[0])
                fail_msg("/%s: empty subcommand list", c->name);
            for (size_t k = 1; c->subcommands[k]; k++)
                if (strcmp(c->subcommands[k - 1], c->subcommands[k]) >= 0)
                    fail_msg("/%s: subcommands not sorted at %s", c->name, c->subcommands[k]);
            if (c->max_args == 0)
                fail_msg("/%s: subcommands but no arguments", c->name);
        }
        assert_ptr_equal(bc_cmd_find(c->name), c);
    }
    assert_null(bc_cmd_find("nosuch"));
    assert_null(bc_cmd_find(""));
    assert_null(bc_cmd_find(NULL));
    assert_null(bc_cmd_find("/help"));
    /* The commands the design names. */
    static const char *const needed[] = {"account", "close", "connect", "disconnect", "help",
                                         "msg", "quit", "tls", "win"};
    for (size_t i = 0; i < G_N_ELEMENTS(needed); i++)
        if (!bc_cmd_find(needed[i]))
            fail_msg("no /%s", needed[i]);
}

/* ---- splitting ----------------------------------------------------------- */

static void test_split_words(void **state)
{
    (void)state;
    bc_args a;
    GError *err = NULL;
    const char *line = "msg  bob@example.org\thello   world ";
    assert_true(bc_cmd_split(line, &a, &err));
    assert_null(err);
    assert_int_equal(a.argc, 4);
    assert_string_equal(a.argv[0], "msg");
    assert_string_equal(a.argv[1], "bob@example.org");
    assert_string_equal(a.argv[2], "hello");
    assert_string_equal(a.argv[3], "world");
    assert_null(a.argv[4]);
    assert_ptr_equal(a.line, line);
    assert_int_equal(a.offsets[0], 0);
    assert_int_equal(a.offsets[1], 5);
    assert_int_equal(a.offsets[2], 21);
    assert_int_equal(a.offsets[3], 29);
    assert_string_equal(bc_args_rest(&a, 2), "hello   world ");
    assert_string_equal(bc_args_rest(&a, 0), line);
    assert_string_equal(bc_args_rest(&a, 4), "");
    assert_string_equal(bc_args_rest(&a, -1), "");
    assert_string_equal(bc_args_rest(NULL, 0), "");
    bc_args_clear(&a);
    assert_null(a.argv);
    bc_args_clear(&a); /* twice is fine */
    bc_args_clear(NULL);
}

static void test_split_quotes(void **state)
{
    (void)state;
    bc_args a;
    const char *line = "set \"two words\" \"q\\\"uote\" \"back\\\\slash\" a\\b \"\" x\"y z\"w";
    assert_true(bc_cmd_split(line, &a, NULL));
    assert_int_equal(a.argc, 7);
    assert_string_equal(a.argv[0], "set");
    assert_string_equal(a.argv[1], "two words");
    assert_string_equal(a.argv[2], "q\"uote");
    assert_string_equal(a.argv[3], "back\\slash");
    assert_string_equal(a.argv[4], "a\\b"); /* no escapes outside quotes */
    assert_string_equal(a.argv[5], "");
    assert_string_equal(a.argv[6], "xy zw");
    /* The rest keeps the quotes as typed. */
    assert_string_equal(bc_args_rest(&a, 1), line + 4);
    assert_string_equal(bc_args_rest(&a, 6), "x\"y z\"w");
    bc_args_clear(&a);

    /* Tabs inside quotes are kept. */
    assert_true(bc_cmd_split("\"a\tb\"", &a, NULL));
    assert_int_equal(a.argc, 1);
    assert_string_equal(a.argv[0], "a\tb");
    bc_args_clear(&a);
}

static void test_split_empty(void **state)
{
    (void)state;
    bc_args a;
    assert_true(bc_cmd_split("", &a, NULL));
    assert_int_equal(a.argc, 0);
    assert_non_null(a.argv);
    assert_null(a.argv[0]);
    assert_string_equal(bc_args_rest(&a, 0), "");
    bc_args_clear(&a);
    assert_true(bc_cmd_split(" \t  ", &a, NULL));
    assert_int_equal(a.argc, 0);
    bc_args_clear(&a);
}

static void test_split_unterminated(void **state)
{
    (void)state;
    bc_args a;
    GError *err = NULL;
    assert_false(bc_cmd_split("msg bob \"hello there", &a, &err));
    assert_non_null(err);
    assert_non_null(strstr(err->message, "quote"));
    g_clear_error(&err);
    assert_null(a.argv);
    bc_args_clear(&a);
    /* An escaped quote does not close. */
    assert_false(bc_cmd_split("\"abc\\\"", &a, NULL));
    bc_args_clear(&a);
    assert_false(bc_cmd_split("x \"", &a, NULL));
    bc_args_clear(&a);
}

/* ---- completion ------------------------------------------------------------ */

static void test_complete_commands(void **state)
{
    (void)state;
    expect_complete("/he", 0, (const char *const[]){"/help", NULL});
    expect_complete("/d", 0, (const char *const[]){"/disconnect", NULL});
    expect_complete("/nosuch", 0, (const char *const[]){NULL});

    size_t start = 99, n = 0;
    const bc_cmd *t = bc_cmd_table(&n);
    char **c = bc_cmd_complete("/", 1, &start);
    assert_int_equal(start, 0);
    assert_int_equal(strv_len(c), n);
    for (size_t i = 0; i < n; i++) {
        char *want = g_strconcat("/", t[i].name, NULL);
        assert_string_equal(c[i], want);
        g_free(want);
    }
    g_strfreev(c);

    /* Completion at a cursor in the middle of the line. */
    c = bc_cmd_complete("/he world", 3, &start);
    assert_int_equal(start, 0);
    assert_int_equal(strv_len(c), 1);
    assert_string_equal(c[0], "/help");
    g_strfreev(c);

    /* A cursor past the end is clamped. */
    c = bc_cmd_complete("/he", 100, &start);
    assert_int_equal(strv_len(c), 1);
    g_strfreev(c);

    /* Plain text completes nothing. */
    expect_complete("hello", 0, (const char *const[]){NULL});
}

static void test_complete_arguments(void **state)
{
    (void)state;
    expect_complete("/account s", 9, (const char *const[]){"set", "show", NULL});
    expect_complete("/account ", 9,
                    (const char *const[]){"add", "default", "list", "remove", "set", "show",
                                          NULL});
    expect_complete("/help ms", 6, (const char *const[]){"msg", NULL});
    expect_complete("/help a", 6, (const char *const[]){"account", "ack", "affiliation", "announce", "attention", NULL});
    expect_complete("/tls t", 5, (const char *const[]){"trust", NULL});
    expect_complete("/scroll ", 8,
                    (const char *const[]){"bottom", "down", "top", "unread", "up", NULL});
    /* Commands that take no arguments complete nothing. */
    expect_complete("/quit ", 6, (const char *const[]){NULL});
    /* Only the first argument completes. */
    expect_complete("/help msg m", 10, (const char *const[]){NULL});
}

static void test_complete_windows(void **state)
{
    (void)state;
    expect_complete("/win ", 5, (const char *const[]){"1", "next", "prev", NULL});
    bc_conv_open("bob@example.org", false);
    bc_conv_open("carol@example.org", false);
    expect_complete("/win ", 5, (const char *const[]){"1", "2", "3", "next", "prev", NULL});
    expect_complete("/win n", 5, (const char *const[]){"next", NULL});
    expect_complete("/close 2", 7, (const char *const[]){"2", NULL});
}

static void test_complete_jids(void **state)
{
    (void)state;
    expect_complete("/msg b", 5, (const char *const[]){NULL});
    bc_conv_open("bob@example.org", false);
    bc_known_jid_add("barbara@example.org");
    expect_complete("/msg b", 5,
                    (const char *const[]){"barbara@example.org", "bob@example.org", NULL});
    expect_complete("/msg bo", 5, (const char *const[]){"bob@example.org", NULL});
    expect_complete("/msg ", 5,
                    (const char *const[]){"barbara@example.org", "bob@example.org", NULL});
    /* A roster name completes to the contact's JID, in any case. */
    const char *const groups[] = {NULL};
    bc_roster_item("carl@example.net", "Robert Smith", groups, BC_SUB_BOTH, false);
    expect_complete("/msg Rob", 5, (const char *const[]){"carl@example.net", NULL});
    expect_complete("/msg rob", 5, (const char *const[]){"carl@example.net", NULL});
}

static void test_complete_accounts(void **state)
{
    (void)state;
    add_account("work", "alice@example.org");
    add_account("home", "alice@home.example");
    expect_complete("/connect ", 9, (const char *const[]){"home", "work", NULL});
    expect_complete("/connect w", 9, (const char *const[]){"work", NULL});
    expect_complete("/account set w", 13, (const char *const[]){"work", NULL});
    expect_complete("/account show ", 14, (const char *const[]){"home", "work", NULL});
}

/* Inside an unterminated quote the word is an argument, never a command
 * name (and an empty word must not be read past its end). */
static void test_complete_in_open_quote(void **state)
{
    (void)state;
    static const char *const lines[] = {
        "/msg \"hello ",
        "/msg bob@example.org \"hello wo",
        "/account set work eval_password \"pass x",
    };
    for (size_t k = 0; k < G_N_ELEMENTS(lines); k++) {
        size_t start = 0;
        char **c = bc_cmd_complete(lines[k], strlen(lines[k]), &start);
        assert_non_null(c);
        bool has_cmd = false;
        for (size_t i = 0; c[i]; i++)
            if (c[i][0] == '/')
                has_cmd = true;
        size_t n = strv_len(c);
        char first[64];
        g_strlcpy(first, n ? c[0] : "", sizeof first);
        g_strfreev(c);
        if (has_cmd)
            fail_msg("complete \"%s\": offers command names (%zu, first \"%s\")", lines[k], n,
                     first);
        assert_true(start <= strlen(lines[k]));
    }
}

/* ---- dispatch ---------------------------------------------------------------- */

static void test_exec_empty(void **state)
{
    (void)state;
    assert_true(run(""));
    assert_true(run("   "));
    assert_true(run(NULL));
    assert_int_equal(lines_in(bc_conv_console()), 0);
}

static void test_exec_unknown(void **state)
{
    (void)state;
    expect_fail("/nosuch", "/help");
    expect_line(bc_conv_console(), BC_LINE_ERR, "/nosuch");
    expect_fail("/he", "/help");
    expect_line(bc_conv_console(), BC_LINE_ERR, "Did you mean");
    expect_fail("/", "/help");
    expect_fail("/ ", "/help");
    /* Remote-looking text is never a format string. */
    expect_fail("/%s%n%x", "/%s%n%x");
}

static void test_exec_usage(void **state)
{
    (void)state;
    expect_fail("/msg", "Usage: /msg JID");
    expect_fail("/win", "Usage: /win");
    expect_fail("/win 1 2", "Usage: /win");
    expect_fail("/quit now", "Usage: /quit");
    expect_fail("/scroll", "Usage: /scroll");
    expect_line(bc_conv_console(), BC_LINE_ERR, "/help msg");
    expect_fail("/msg \"unterminated", "quote");
}

static void test_exec_msg(void **state)
{
    (void)state;
    expect_fail("/msg notajid", "notajid");
    expect_fail("/msg bad@", NULL);
    expect_fail("/msg @example.org", NULL);
    assert_int_equal(bc_conv_count(), 1);

    expect_ok("/msg bob@example.org");
    assert_int_equal(bc_conv_count(), 2);
    assert_int_equal(bc_conv_current_index(), 1);
    assert_string_equal(bc_conv_current()->jid, "bob@example.org");
    assert_int_equal(bc_conv_current()->type, BC_CONV_CHAT);

    /* The same contact, another spelling: the same tab. */
    expect_ok("/win 1");
    expect_ok("/msg Bob@EXAMPLE.org/phone");
    assert_int_equal(bc_conv_count(), 2);
    assert_int_equal(bc_conv_current_index(), 1);

    /* With text but offline: the tab opens and says why nothing was sent. */
    expect_fail("/msg carol@example.org hello there", "not connected");
    assert_int_equal(bc_conv_count(), 3);
    assert_string_equal(bc_conv_current()->jid, "carol@example.org");
}

static void test_exec_win(void **state)
{
    (void)state;
    bc_conv_open("a@example.org", false);
    bc_conv_open("b@example.org", false);
    expect_ok("/win 2");
    assert_int_equal(bc_conv_current_index(), 1);
    expect_ok("/win next");
    assert_int_equal(bc_conv_current_index(), 2);
    expect_ok("/win next"); /* wraps */
    assert_int_equal(bc_conv_current_index(), 0);
    expect_ok("/win prev"); /* wraps back */
    assert_int_equal(bc_conv_current_index(), 2);
    expect_ok("/win 1");
    assert_int_equal(bc_conv_current_index(), 0);

    expect_fail("/win 99", "99");
    assert_int_equal(bc_conv_current_index(), 0);
    expect_fail("/win 0", NULL);
    expect_fail("/win -1", NULL);
    expect_fail("/win 4", NULL);
    expect_fail("/win 2x", NULL);
    expect_fail("/win abc", NULL);
    assert_int_equal(bc_conv_current_index(), 0);
}

static void test_exec_close(void **state)
{
    (void)state;
    expect_fail("/close", "console");
    assert_int_equal(bc_conv_count(), 1);

    expect_ok("/msg bob@example.org");
    assert_int_equal(bc_conv_count(), 2);
    expect_ok("/close");
    assert_int_equal(bc_conv_count(), 1);
    assert_int_equal(bc_conv_current_index(), 0);
    assert_null(bc_conv_find("bob@example.org"));

    bc_conv_open("a@example.org", false);
    bc_conv_open("b@example.org", false);
    expect_fail("/close 1", "console");
    expect_fail("/close 9", NULL);
    expect_fail("/close x", NULL);
    expect_ok("/close 2");
    assert_int_equal(bc_conv_count(), 2);
    assert_null(bc_conv_find("a@example.org"));
    assert_non_null(bc_conv_find("b@example.org"));
    assert_int_equal(bc_conv_current_index(), 0);
}

static void test_exec_text_in_console(void **state)
{
    (void)state;
    bool ok = run("hello");
    expect_line(bc_conv_console(), BC_LINE_ERR, "/msg");
    bc_conv *con = bc_conv_console();
    size_t n = con->len;
    bool ok2 = run("//not a command");
    assert_true(con->len > n);
    expect_line(con, BC_LINE_ERR, "/msg");
    /* An error is shown, so the line reports failure (cmd.h). */
    assert_false(ok);
    assert_false(ok2);
}

static void test_exec_text_offline(void **state)
{
    (void)state;
    expect_ok("/msg bob@example.org");
    bc_conv *bob = bc_conv_current();
    size_t before = bob->len;
    bool ok = run("hello bob");
    if (!find_line_from(bob, before, BC_LINE_ERR, "not connected")) {
        dump(bob);
        fail_msg("no \"not connected\" error in the chat tab");
    }
    /* Nothing pretends to have been sent. */
    assert_null(find_line(bob, BC_LINE_OUT, "hello bob"));

    /* "//" sends text starting with '/', never runs it. */
    before = bob->len;
    bool ok2 = run("//help");
    assert_non_null(find_line_from(bob, before, BC_LINE_ERR, "not connected"));
    assert_null(find_line_from(bob, before, ANY_KIND, "Commands"));
    assert_false(ok);
    assert_false(ok2);
}

static void test_exec_help(void **state)
{
    (void)state;
    expect_ok("/help");
    bc_conv *con = bc_conv_console();
    size_t n = 0;
    const bc_cmd *t = bc_cmd_table(&n);
    for (size_t i = 0; i < n; i++) {
        char *needle = g_strconcat("/", t[i].name, " ", NULL);
        expect_line(con, BC_LINE_SYS, needle);
        expect_line(con, BC_LINE_SYS, t[i].summary);
        g_free(needle);
    }

    size_t before = con->len;
    expect_ok("/help msg");
    const bc_cmd *msg = bc_cmd_find("msg");
    char *syn = g_strconcat("/msg ", msg->synopsis, NULL);
    assert_non_null(find_line_from(con, before, BC_LINE_SYS, syn));
    g_free(syn);
    assert_non_null(find_line_from(con, before, BC_LINE_SYS, "//"));

    before = con->len;
    expect_ok("/help /win");
    assert_non_null(find_line_from(con, before, BC_LINE_SYS, "/win N|next|prev"));

    /* Every command's help works. */
    for (size_t i = 0; i < n; i++) {
        char *line = g_strconcat("/help ", t[i].name, NULL);
        expect_ok(line);
        g_free(line);
    }
    expect_fail("/help nosuch", "nosuch");
}

static void test_exec_scroll_redraw(void **state)
{
    (void)state;
    for (int i = 0; i < 50; i++)
        bc_console("line %d", i);
    expect_ok("/scroll up");
    assert_true(bc_conv_console()->scroll > 0);
    expect_ok("/scroll bottom");
    assert_int_equal(bc_conv_console()->scroll, 0);
    expect_ok("/scroll top");
    assert_true(bc_conv_console()->scroll > 0);
    expect_ok("/scroll down");
    expect_fail("/scroll sideways", NULL);
    bc_dirty_take();
    expect_ok("/redraw");
    assert_true(bc_dirty_take() & BC_DIRTY_CLEAR);
}

/* ---- /account ------------------------------------------------------------------ */

static void test_account_add(void **state)
{
    fixture *f = *state;
    expect_ok("/account add work alice@example.org 127.0.0.1:5222");
    assert_true(g_file_test(f->accounts, G_FILE_TEST_EXISTS));
    assert_int_equal(mode_of(f->accounts), 0600);
    GKeyFile *kf = load_accounts_file(f);
    char *v = g_key_file_get_string(kf, "work", "jid", NULL);
    assert_string_equal(v, "alice@example.org");
    g_free(v);
    v = g_key_file_get_string(kf, "work", "server", NULL);
    assert_string_equal(v, "127.0.0.1");
    g_free(v);
    assert_int_equal(g_key_file_get_integer(kf, "work", "port", NULL), 5222);
    assert_false(g_key_file_has_key(kf, "work", "password", NULL));
    g_key_file_free(kf);

    /* The password is asked for, not echoed. */
    const char *prompt = bc_prompt_pending();
    assert_non_null(prompt);
    assert_non_null(strstr(prompt, "alice@example.org"));
    bc_prompt_answer("pw");
    assert_null(bc_prompt_pending());
    kf = load_accounts_file(f);
    v = g_key_file_get_string(kf, "work", "password", NULL);
    assert_string_equal(v, "pw");
    g_free(v);
    g_key_file_free(kf);
    assert_int_equal(mode_of(f->accounts), 0600);
    /* The password never shows on screen. */
    for (size_t i = 0; i < bc_conv_console()->len; i++)
        assert_null(strstr(bc_conv_line(bc_conv_console(), i)->text, ": pw"));

    /* The session knows it, and the first account is the default. */
    bc_account *a = bc_accounts_find(bc_session_get()->accounts, "work");
    assert_non_null(a);
    assert_true(a->is_default);
    assert_string_equal(a->password, "pw");
}

static void test_account_add_no_password(void **state)
{
    fixture *f = *state;
    expect_ok("/account add home bob@example.org");
    assert_non_null(bc_prompt_pending());
    bc_prompt_answer(""); /* Enter: ask at each connect */
    GKeyFile *kf = load_accounts_file(f);
    assert_false(g_key_file_has_key(kf, "home", "password", NULL));
    assert_false(g_key_file_has_key(kf, "home", "server", NULL));
    assert_false(g_key_file_has_key(kf, "home", "port", NULL));
    g_key_file_free(kf);

    /* Cancelled (Ctrl-C) is the same. */
    expect_ok("/account add other carol@example.org example.net");
    bc_prompt_answer(NULL);
    kf = load_accounts_file(f);
    assert_false(g_key_file_has_key(kf, "other", "password", NULL));
    char *v = g_key_file_get_string(kf, "other", "server", NULL);
    assert_string_equal(v, "example.net");
    g_free(v);
    g_key_file_free(kf);
}

static void test_account_add_errors(void **state)
{
    fixture *f = *state;
    expect_fail("/account add work notajid", "notajid");
    expect_fail("/account add work alice@example.org/phone", NULL);
    expect_fail("/account add work \"alice smith@example.org\"", NULL);
    expect_fail("/account add ../x alice@example.org", NULL);
    expect_fail("/account add .hidden alice@example.org", NULL);
    expect_fail("/account add work alice@example.org host:notaport", "port");
    expect_fail("/account add work alice@example.org host:70000", "port");
    expect_fail("/account add work", NULL);
    assert_null(bc_prompt_pending());
    assert_false(g_file_test(f->accounts, G_FILE_TEST_EXISTS));
    assert_int_equal(bc_session_get()->accounts->list->len, 0);

    expect_ok("/account add work alice@example.org");
    bc_prompt_answer(NULL);
    expect_fail("/account add work bob@example.org", "exists");
    assert_null(bc_prompt_pending());
    assert_int_equal(bc_session_get()->accounts->list->len, 1);
}

/* "[v6]:port": the port is split off an IPv6 literal too. */
static void test_account_add_ipv6_host_port(void **state)
{
    (void)state;
    expect_ok("/account add v6 alice@example.org [::1]:5222");
    bc_prompt_answer(NULL);
    bc_account *a = bc_accounts_find(bc_session_get()->accounts, "v6");
    assert_non_null(a);
    assert_int_equal(a->port, 5222);
    assert_non_null(a->server);
    if (strcmp(a->server, "::1") != 0 && strcmp(a->server, "[::1]") != 0)
        fail_msg("server is \"%s\"", a->server);
}

/* A second prompt replacing an unanswered one cancels the first: its
 * callback gets NULL (session.h) instead of being dropped. */
static void test_account_add_twice_before_answer(void **state)
{
    fixture *f = *state;
    expect_ok("/account add one one@example.org");
    expect_ok("/account add two two@example.org");
    assert_non_null(bc_prompt_pending());
    assert_non_null(strstr(bc_prompt_pending(), "two@example.org"));
    bc_prompt_answer("pw2");
    assert_null(bc_prompt_pending());
    GKeyFile *kf = load_accounts_file(f);
    char *v = g_key_file_get_string(kf, "two", "password", NULL);
    assert_string_equal(v, "pw2");
    g_free(v);
    assert_false(g_key_file_has_key(kf, "one", "password", NULL));
    g_key_file_free(kf);
    /* The first prompt was cancelled, and the user was told. */
    expect_line(bc_conv_console(), BC_LINE_SYS, "No password stored for one");
}

static void test_account_set(void **state)
{
    fixture *f = *state;
    add_account("work", "alice@example.org");
    expect_ok("/account set work port 5223");
    GKeyFile *kf = load_accounts_file(f);
    assert_int_equal(g_key_file_get_integer(kf, "work", "port", NULL), 5223);
    g_key_file_free(kf);

    expect_fail("/account set work port notanumber", "port");
    kf = load_accounts_file(f);
    assert_int_equal(g_key_file_get_integer(kf, "work", "port", NULL), 5223);
    g_key_file_free(kf);
    assert_int_equal(bc_accounts_find(bc_session_get()->accounts, "work")->port, 5223);

    expect_fail("/account set work tls plain", "TLS is always required");
    expect_ok("/account set work tls direct");
    expect_fail("/account set work colour blue", "eval_password");
    expect_fail("/account set work jid bob@example.org/phone", NULL);
    expect_fail("/account set nosuch port 1", "nosuch");
    expect_fail("/account set work", NULL);
    expect_fail("/account set", NULL);

    /* eval_password takes the rest of the line as typed. */
    expect_ok("/account set work eval_password pass show \"xmpp/work\" | head -1");
    kf = load_accounts_file(f);
    char *v = g_key_file_get_string(kf, "work", "eval_password", NULL);
    assert_string_equal(v, "pass show \"xmpp/work\" | head -1");
    g_free(v);
    v = g_key_file_get_string(kf, "work", "tls", NULL);
    assert_string_equal(v, "direct");
    g_free(v);
    g_key_file_free(kf);

    /* "password" with no value asks for it. */
    expect_ok("/account set work password");
    assert_non_null(bc_prompt_pending());
    bc_prompt_answer("new secret");
    kf = load_accounts_file(f);
    v = g_key_file_get_string(kf, "work", "password", NULL);
    assert_string_equal(v, "new secret");
    g_free(v);
    g_key_file_free(kf);
}

/* Words after a one-word VALUE are not dropped silently. */
static void test_account_set_extra_words(void **state)
{
    fixture *f = *state;
    add_account("work", "alice@example.org");
    bc_session *s = bc_session_get();

    bool ok = run("/account set work password two words");
    bc_account *a = bc_accounts_find(s->accounts, "work");
    if (ok) {
        /* Accepted: then the whole value was stored. */
        assert_non_null(a->password);
        assert_string_equal(a->password, "two words");
    } else {
        assert_null(a->password);
    }

    ok = run("/account set work server example.org extra");
    a = bc_accounts_find(s->accounts, "work");
    GKeyFile *kf = load_accounts_file(f);
    bool saved = g_key_file_has_key(kf, "work", "server", NULL);
    g_key_file_free(kf);
    assert_false(ok);
    assert_null(a->server);
    assert_false(saved);
}

static void test_account_default_remove(void **state)
{
    fixture *f = *state;
    add_account("work", "alice@example.org");
    add_account("home", "alice@home.example");
    bc_session *s = bc_session_get();
    assert_string_equal(bc_accounts_default(s->accounts)->name, "work");

    expect_ok("/account default home");
    assert_string_equal(bc_accounts_default(s->accounts)->name, "home");
    GKeyFile *kf = load_accounts_file(f);
    assert_true(g_key_file_get_boolean(kf, "home", "default", NULL));
    assert_false(g_key_file_get_boolean(kf, "work", "default", NULL));
    g_key_file_free(kf);
    expect_fail("/account default nosuch", "nosuch");
    expect_fail("/account default", NULL);

    expect_ok("/account remove work");
    assert_null(bc_accounts_find(s->accounts, "work"));
    kf = load_accounts_file(f);
    assert_false(g_key_file_has_group(kf, "work"));
    assert_true(g_key_file_has_group(kf, "home"));
    g_key_file_free(kf);
    assert_int_equal(mode_of(f->accounts), 0600);
    expect_fail("/account remove work", "work");

    /* The account in use cannot be removed. */
    s->account = bc_accounts_find(s->accounts, "home");
    expect_fail("/account remove home", "in use");
    assert_non_null(bc_accounts_find(s->accounts, "home"));
    s->account = NULL;
}

static void test_account_list_show(void **state)
{
    (void)state;
    expect_ok("/account");
    expect_line(bc_conv_console(), BC_LINE_SYS, "No accounts");
    expect_ok("/account list");

    bc_account *a = add_account("work", "alice@example.org");
    assert_true(bc_account_set(a, "password", "hunter2", NULL));
    assert_true(bc_account_set(a, "server", "xmpp.example.org", NULL));
    add_account("home", "alice@home.example");
    bc_conv *con = bc_conv_console();
    size_t before = con->len;
    expect_ok("/account list");
    assert_non_null(find_line_from(con, before, BC_LINE_SYS, "work"));
    assert_non_null(find_line_from(con, before, BC_LINE_SYS, "home"));
    assert_non_null(find_line_from(con, before, BC_LINE_SYS, "(default)"));

    before = con->len;
    expect_ok("/account show work");
    assert_non_null(find_line_from(con, before, BC_LINE_SYS, "alice@example.org"));
    assert_non_null(find_line_from(con, before, BC_LINE_SYS, "xmpp.example.org"));
    assert_non_null(find_line_from(con, before, BC_LINE_SYS, "(stored)"));
    assert_null(find_line(con, ANY_KIND, "hunter2"));
    expect_fail("/account show nosuch", "nosuch");
    expect_fail("/account show", NULL); /* none in use */
    expect_fail("/account frobnicate", "frobnicate");
}

/* ---- /tls ----------------------------------------------------------------------- */

static void test_tls_without_account(void **state)
{
    (void)state;
    expect_fail("/tls show", "account");
    expect_fail("/tls trust", "account");
    expect_fail("/tls deny", "account");
    expect_fail("/tls forget", "account");
    expect_fail("/tls", "Usage");
}

static void test_tls_with_account(void **state)
{
    (void)state;
    bc_session *s = bc_session_get();
    s->account = add_account("work", "alice@example.org");
    bc_conv *con = bc_conv_console();

    size_t before = con->len;
    expect_ok("/tls show");
    assert_non_null(find_line_from(con, before, BC_LINE_SYS, "No certificate pinned"));
    expect_fail("/tls trust", "no certificate");
    expect_fail("/tls deny", "no certificate");
    expect_fail("/tls sideways", "sideways");

    assert_true(bc_pins_add("work", "example.org", "AA:BB:CC", NULL, NULL));
    before = con->len;
    expect_ok("/tls show");
    assert_non_null(find_line_from(con, before, BC_LINE_SYS, "AA:BB:CC"));
    expect_ok("/tls forget");
    char *pin = bc_pins_lookup("work", "example.org");
    assert_null(pin);

    /* A pending certificate: show it, then deny it. */
    bc_cert_info *ci = g_new0(bc_cert_info, 1);
    ci->host = g_strdup("example.org");
    ci->subject = g_strdup("CN=example.org");
    ci->issuer = g_strdup("CN=Test CA");
    ci->fingerprint = g_strdup("11:22:33");
    ci->not_before = g_strdup("2024-01-01");
    ci->not_after = g_strdup("2034-01-01");
    bc_session_set_cert(ci);
    before = con->len;
    expect_ok("/tls show");
    assert_non_null(find_line_from(con, before, BC_LINE_SYS, "11:22:33"));
    assert_non_null(find_line_from(con, before, BC_LINE_SYS, "CN=Test CA"));
    expect_ok("/tls deny");
    assert_null(s->cert);
    assert_int_equal(s->state, BC_CONN_OFFLINE);
    pin = bc_pins_lookup("work", "example.org");
    assert_null(pin);
    s->account = NULL;
}

static void test_connect_without_account(void **state)
{
    (void)state;
    expect_fail("/connect", "/account add");
    expect_fail("/connect nosuch", "nosuch");
    expect_fail("/disconnect", "not connected");
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_table_invariants),
        T(test_split_words),
        T(test_split_quotes),
        T(test_split_empty),
        T(test_split_unterminated),
        T(test_complete_commands),
        T(test_complete_arguments),
        T(test_complete_windows),
        T(test_complete_jids),
        T(test_complete_accounts),
        T(test_exec_empty),
        T(test_exec_unknown),
        T(test_exec_usage),
        T(test_exec_msg),
        T(test_exec_win),
        T(test_exec_close),
        T(test_exec_text_in_console),
        T(test_exec_text_offline),
        T(test_exec_help),
        T(test_exec_scroll_redraw),
        T(test_account_add),
        T(test_account_add_no_password),
        T(test_account_add_errors),
        T(test_account_add_ipv6_host_port),
        T(test_account_add_twice_before_answer),
        T(test_account_set),
        T(test_account_set_extra_words),
        T(test_account_default_remove),
        T(test_account_list_show),
        T(test_tls_without_account),
        T(test_tls_with_account),
        T(test_connect_without_account),
        /* Last: under ASan it currently stops the binary (heap overflow). */
        T(test_complete_in_open_quote),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
