/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for the log subcommands (src/cmd/cli.c): bc_cli_run with argv
 * arrays against a private XDG tree. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/stat.h>

#include "test_store_common.h"
#include "backchat/cli.h"
#include "backchat/paths.h"

typedef struct {
    char *root;       /* temp dir */
    char *config;     /* root/config/backchat */
    char *log;        /* root/data/backchat/work/log.db */
    char *out, *err;  /* the last run's output */
} cli_fixture;

static int cli_setup(void **state)
{
    cli_fixture *f = g_new0(cli_fixture, 1);
    f->root = g_dir_make_tmp("bc-cli-XXXXXX", NULL);
    if (!f->root)
        return -1;
    char *cfg_home = g_build_filename(f->root, "config", NULL);
    char *data_home = g_build_filename(f->root, "data", NULL);
    g_setenv("XDG_CONFIG_HOME", cfg_home, TRUE);
    g_setenv("XDG_DATA_HOME", data_home, TRUE);
    bc_paths_reset();
    f->config = g_build_filename(cfg_home, "backchat", NULL);
    g_mkdir_with_parents(f->config, 0700);
    char *accounts = g_build_filename(f->config, "accounts", NULL);
    g_file_set_contents(accounts,
                        "[home]\njid=me@home.example\n\n"
                        "[work]\njid=me@example.org\ndefault=true\n\n"
                        "[empty]\njid=empty@example.org\n", -1, NULL);
    g_chmod(accounts, 0600);
    g_free(accounts);
    char *dir = g_build_filename(data_home, "backchat", "work", NULL);
    g_mkdir_with_parents(dir, 0700);
    f->log = g_build_filename(dir, "log.db", NULL);
    g_free(dir);
    g_free(cfg_home);
    g_free(data_home);
    *state = f;
    return 0;
}

static int cli_teardown(void **state)
{
    cli_fixture *f = *state;
    rm_tree(f->root);
    g_free(f->root);
    g_free(f->config);
    g_free(f->log);
    g_free(f->out);
    g_free(f->err);
    g_free(f);
    bc_paths_reset();
    return 0;
}

/* The log of account "work": five messages, two conversations. */
static void write_log(cli_fixture *f)
{
    bc_store *st = open_ok(f->log);
    bc_store_msg m[] = {
        {.conv = "alice@example.org", .sender = "alice@example.org/phone",
         .body = "Budget is \"final\", right?", .stanza_id = "1", .dir = BC_DIR_IN,
         .ts_local = 1704448800},  /* 2024-01-05 10:00:00 */
        {.conv = "alice@example.org", .sender = "me@example.org/bc", .body = "yes,\nfinal",
         .stanza_id = "2", .dir = BC_DIR_OUT, .ts_local = 1704448860},
        {.conv = "alice@example.org", .sender = "alice@example.org/phone",
         .body = "thanks \xF0\x9F\x98\x80", .stanza_id = "3", .dir = BC_DIR_IN,
         .ts_local = 1704448920},
        {.conv = "room@conf.example.org", .sender = "room@conf.example.org/bob", .nick = "bob",
         .type = "groupchat", .body = "budget meeting at 3", .dir = BC_DIR_IN,
         .ts_local = 1704535200},  /* 2024-01-06 10:00:00 */
        {.conv = "alice@example.org", .sender = "alice@example.org/phone", .body = "bye",
         .stanza_id = "5", .dir = BC_DIR_IN, .ts_local = 1704535260},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(m); i++)
        bc_store_append(st, &m[i]);
    assert_int_equal(flush_ok(st), 5);
    bc_store_close(st);
}

/* Runs `backchat ARGS...` (NULL-terminated); keeps stdout and stderr. */
static int run(cli_fixture *f, ...)
{
    GPtrArray *argv = g_ptr_array_new();
    g_ptr_array_add(argv, "backchat");
    va_list ap;
    va_start(ap, f);
    const char *a;
    while ((a = va_arg(ap, const char *)))
        g_ptr_array_add(argv, (gpointer)a);
    va_end(ap);
    g_ptr_array_add(argv, NULL);

    g_clear_pointer(&f->out, g_free);
    g_clear_pointer(&f->err, g_free);
    size_t olen = 0, elen = 0;
    FILE *out = open_memstream(&f->out, &olen), *err = open_memstream(&f->err, &elen);
    int code = bc_cli_run((int)argv->len - 1, (char **)argv->pdata, out, err);
    fclose(out);
    fclose(err);
    g_ptr_array_unref(argv);
    return code;
}

#define assert_has(hay, needle)                                                      \
    do {                                                                             \
        if (!strstr((hay), (needle)))                                                \
            fail_msg("\"%s\" not in:\n%s", (needle), (hay));                         \
    } while (0)

static char *slurp(const char *path)
{
    char *s = NULL;
    if (!g_file_get_contents(path, &s, NULL, NULL))
        fail_msg("cannot read %s", path);
    return s;
}

static const char text_all[] =
    "2024-01-05 10:00:00 alice@example.org alice@example.org: Budget is \"final\", right?\n"
    "2024-01-05 10:01:00 alice@example.org me@example.org: yes,\\nfinal\n"
    "2024-01-05 10:02:00 alice@example.org alice@example.org: thanks \xF0\x9F\x98\x80\n"
    "2024-01-06 10:00:00 room@conf.example.org bob: budget meeting at 3\n"
    "2024-01-06 10:01:00 alice@example.org alice@example.org: bye\n";

/* ---- export -------------------------------------------------------------- */

static void test_export_to_file(void **state)
{
    cli_fixture *f = *state;
    write_log(f);
    char *file = g_build_filename(f->root, "out.txt", NULL);

    assert_int_equal(run(f, "export", file, NULL), BC_CLI_OK);
    char *got = slurp(file);
    assert_string_equal(got, text_all);
    g_free(got);
    assert_has(f->err, "5 messages written to");
    assert_string_equal(f->out, "");
    struct stat sb;
    assert_int_equal(stat(file, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);

    /* One conversation, a date range, another format; overwrites. */
    assert_int_equal(run(f, "export", "--format=csv", "--since", "2024-01-06", "-a", "work",
                         "alice@example.org/phone", file, NULL), BC_CLI_OK);
    got = slurp(file);
    assert_string_equal(got,
                        "id,time,conv,kind,type,dir,sender,nick,body,stanza_id,server_id,replaces\r\n"
                        "5,2024-01-06T10:01:00Z,alice@example.org,chat,chat,in,"
                        "alice@example.org/phone,,bye,5,,\r\n");
    g_free(got);
    assert_int_equal(run(f, "export", "--until", "2024-01-05", "--format", "text", file, NULL),
                     BC_CLI_OK);
    got = slurp(file);
    assert_string_equal(got,
                        "2024-01-05 10:00:00 alice@example.org alice@example.org: Budget is \"final\", right?\n"
                        "2024-01-05 10:01:00 alice@example.org me@example.org: yes,\\nfinal\n"
                        "2024-01-05 10:02:00 alice@example.org alice@example.org: thanks \xF0\x9F\x98\x80\n");
    g_free(got);

    /* No temp files are left behind. */
    GDir *d = g_dir_open(f->root, 0, NULL);
    const char *name;
    int files = 0;
    while ((name = g_dir_read_name(d)))
        files += g_str_has_prefix(name, "out.txt");
    g_dir_close(d);
    assert_int_equal(files, 1);
    g_free(file);
}

static void test_export_to_stdout(void **state)
{
    cli_fixture *f = *state;
    write_log(f);
    assert_int_equal(run(f, "export", "-", NULL), BC_CLI_OK);
    assert_string_equal(f->out, text_all);
    assert_string_equal(f->err, "");
    assert_int_equal(run(f, "export", "--format", "jsonl", "room@conf.example.org", "-", NULL),
                     BC_CLI_OK);
    assert_string_equal(f->out,
                        "{\"id\":4,\"time\":\"2024-01-06T10:00:00Z\",\"ts_server\":null,"
                        "\"ts_local\":1704535200,\"conv\":\"room@conf.example.org\","
                        "\"kind\":\"groupchat\",\"type\":\"groupchat\",\"dir\":\"in\","
                        "\"sender\":\"room@conf.example.org/bob\",\"nick\":\"bob\","
                        "\"body\":\"budget meeting at 3\",\"stanza_id\":null,"
                        "\"server_id\":null,\"replaces\":null}\n");
    /* "--" lets a file start with a dash. */
    char *cwd = g_get_current_dir();
    assert_int_equal(g_chdir(f->root), 0);
    assert_int_equal(run(f, "export", "--", "-dash.txt", NULL), BC_CLI_OK);
    assert_true(g_file_test("-dash.txt", G_FILE_TEST_IS_REGULAR));
    assert_int_equal(g_chdir(cwd), 0);
    g_free(cwd);
}

static void test_export_usage_errors(void **state)
{
    cli_fixture *f = *state;
    write_log(f);
    assert_int_equal(run(f, "export", NULL), BC_CLI_USAGE);
    assert_has(f->err, "give a FILE");
    assert_has(f->err, "Usage: backchat export");
    assert_int_equal(run(f, "export", "a", "b", "c", NULL), BC_CLI_USAGE);
    assert_has(f->err, "too many arguments");
    assert_int_equal(run(f, "export", "--format", "xml", "-", NULL), BC_CLI_USAGE);
    assert_has(f->err, "unknown format \"xml\"");
    assert_int_equal(run(f, "export", "--since", "last week", "-", NULL), BC_CLI_USAGE);
    assert_has(f->err, "--since");
    assert_int_equal(run(f, "export", "--since", "2024-01-06", "--until", "2024-01-05", "-",
                         NULL), BC_CLI_USAGE);
    assert_int_equal(run(f, "export", "--bogus", "-", NULL), BC_CLI_USAGE);
    assert_has(f->err, "unknown option \"--bogus\"");
    assert_int_equal(run(f, "export", "--limit", "3", "-", NULL), BC_CLI_USAGE);
    assert_int_equal(run(f, "export", "-", "--format", NULL), BC_CLI_USAGE);
    assert_has(f->err, "--format needs a value");
    assert_int_equal(run(f, "export", "/", "-", NULL), BC_CLI_USAGE);

    assert_int_equal(run(f, "export", "--help", NULL), BC_CLI_OK);
    assert_has(f->out, "Usage: backchat export");
    assert_has(f->out, "jsonl");
    assert_int_equal(run(f, "export", "-h", "--bogus-but-help-first", NULL), BC_CLI_USAGE);

    /* A file that cannot be created: a runtime error. */
    char *bad = g_build_filename(f->root, "no", "such", "dir", "out.txt", NULL);
    assert_int_equal(run(f, "export", bad, NULL), BC_CLI_FAILED);
    assert_has(f->err, "cannot create");
    g_free(bad);
}

static void test_accounts_and_missing_logs(void **state)
{
    cli_fixture *f = *state;
    /* The default account has no log yet. */
    assert_int_equal(run(f, "export", "-", NULL), BC_CLI_CONFIG);
    assert_has(f->err, "no log for account \"work\"");
    write_log(f);
    assert_int_equal(run(f, "stats", "--account", "empty", NULL), BC_CLI_CONFIG);
    assert_has(f->err, "no log for account \"empty\"");
    assert_int_equal(run(f, "verify-logs", "--account", "nosuch", NULL), BC_CLI_CONFIG);
    assert_has(f->err, "no account \"nosuch\"");
    assert_int_equal(run(f, "search", "-a", "../work", "x", NULL), BC_CLI_CONFIG);
    assert_has(f->err, "not an account name");

    /* A log whose account was removed from the accounts file still works. */
    char *accounts = g_build_filename(f->config, "accounts", NULL);
    g_file_set_contents(accounts, "[home]\njid=me@home.example\n", -1, NULL);
    assert_int_equal(run(f, "verify-logs", "--account", "work", NULL), BC_CLI_OK);
    /* No accounts at all and no --account. */
    g_unlink(accounts);
    assert_int_equal(run(f, "stats", NULL), BC_CLI_CONFIG);
    assert_has(f->err, "no account in");
    /* An accounts file that is not INI. */
    g_file_set_contents(accounts, "this is [not\n= ini", -1, NULL);
    assert_int_equal(run(f, "stats", NULL), BC_CLI_CONFIG);
    g_free(accounts);
}

/* ---- verify-logs, stats, search ------------------------------------------ */

static void test_verify_logs(void **state)
{
    cli_fixture *f = *state;
    write_log(f);
    assert_int_equal(run(f, "verify-logs", NULL), BC_CLI_OK);
    assert_has(f->out, "OK: 5 messages verified\n");
    assert_has(f->out, "chain head: message 5 sha256 ");

    sqlite3 *raw = raw_open(f->log);
    raw_exec(raw, "UPDATE messages SET body = 'yes, draft' WHERE id = 2");
    sqlite3_close(raw);
    assert_int_equal(run(f, "verify-logs", NULL), BC_CLI_FAILED);
    assert_has(f->out, "FAILED: message 2 in alice@example.org at 2024-01-05 10:01:00 does not"
                       " match the hash chain");
    assert_has(f->out, "(1 earlier message verified)");

    assert_int_equal(run(f, "verify-logs", "extra", NULL), BC_CLI_USAGE);
    assert_int_equal(run(f, "verify-logs", "--since", "today", NULL), BC_CLI_USAGE);
    assert_int_equal(run(f, "verify-logs", "--help", NULL), BC_CLI_OK);
    assert_has(f->out, "Usage: backchat verify-logs");

    /* A damaged file: a runtime error with advice, not a crash. */
    assert_true(g_file_set_contents(f->log, "garbage garbage garbage garbage garbage garbage "
                                            "garbage garbage garbage garbage garbage garbage",
                                    -1, NULL));
    assert_int_equal(run(f, "verify-logs", NULL), BC_CLI_FAILED);
    assert_has(f->err, "damaged");
}

static void test_stats_report(void **state)
{
    cli_fixture *f = *state;
    write_log(f);
    assert_int_equal(run(f, "stats", NULL), BC_CLI_OK);
    assert_has(f->out, "Messages: 5 (4 in, 1 out), 2024-01-05 to 2024-01-06\n");
    assert_has(f->out, "By kind: chat 4, groupchat 1\n");
    assert_has(f->out, "  2024-01-05       3 ########################################\n");
    assert_has(f->out, "  2024-01-06       2 ###########################\n");
    assert_has(f->out, "        4  alice@example.org (chat; 3 in, 1 out)\n");
    assert_has(f->out, "        1  room@conf.example.org (groupchat; 1 in, 0 out)\n");
    assert_has(f->out, "  10       5 ########################################\n");
    assert_has(f->out, "  11       0 \n");
    /* One reply: alice at 10:00:00, answered 10:01:00. */
    assert_has(f->out, "Time to reply (1:1): median 1m 00s, 90th percentile 1m 00s (1 reply)\n");

    assert_int_equal(run(f, "stats", "--since", "2024-01-06", NULL), BC_CLI_OK);
    assert_has(f->out, "Messages: 2 (2 in, 0 out)");
    assert_has(f->out, "no replies yet");
    assert_int_equal(run(f, "stats", "--since", "2030-01-01", NULL), BC_CLI_OK);
    assert_string_equal(f->out, "No messages.\n");
    assert_int_equal(run(f, "stats", "--since", "someday", NULL), BC_CLI_USAGE);
    assert_int_equal(run(f, "stats", "x", NULL), BC_CLI_USAGE);
}

static void test_search_command(void **state)
{
    cli_fixture *f = *state;
    write_log(f);
    assert_int_equal(run(f, "search", "budget", NULL), BC_CLI_OK);
    assert_string_equal(f->out,
                        "2024-01-06 10:00 room@conf.example.org bob: budget meeting at 3\n"
                        "2024-01-05 10:00 alice@example.org alice@example.org: Budget is \"final\", right?\n");
    assert_int_equal(run(f, "search", "--limit", "1", "budget", NULL), BC_CLI_OK);
    assert_string_equal(f->out, "2024-01-06 10:00 room@conf.example.org bob: budget meeting at 3\n");
    assert_int_equal(run(f, "search", "final", "with:alice@example.org", NULL), BC_CLI_OK);
    assert_string_equal(f->out,
                        "2024-01-05 10:01 alice@example.org me@example.org: yes, final\n"
                        "2024-01-05 10:00 alice@example.org alice@example.org: Budget is \"final\", right?\n");
    assert_int_equal(run(f, "search", "\"meeting at\"", "OR", "bye", NULL), BC_CLI_OK);
    assert_has(f->out, "bob: budget meeting at 3");
    assert_has(f->out, "alice@example.org: bye");
    assert_int_equal(run(f, "search", "nothinglikeit", NULL), BC_CLI_OK);
    assert_string_equal(f->out, "No messages match.\n");

    assert_int_equal(run(f, "search", "\"unbalanced", NULL), BC_CLI_USAGE);
    assert_has(f->err, "unbalanced quote");
    assert_int_equal(run(f, "search", NULL), BC_CLI_USAGE);
    assert_int_equal(run(f, "search", "--limit", "0", "x", NULL), BC_CLI_USAGE);
    assert_int_equal(run(f, "search", "--limit", "3x", "x", NULL), BC_CLI_USAGE);
    assert_int_equal(run(f, "search", "--help", NULL), BC_CLI_OK);
    assert_has(f->out, "Usage: backchat search");
}

static void test_dispatch(void **state)
{
    cli_fixture *f = *state;
    assert_true(bc_cli_is_command("export"));
    assert_true(bc_cli_is_command("stats"));
    assert_true(bc_cli_is_command("verify-logs"));
    assert_true(bc_cli_is_command("search"));
    assert_false(bc_cli_is_command("verify"));
    assert_false(bc_cli_is_command("--help"));
    assert_false(bc_cli_is_command(NULL));
    assert_int_equal(run(f, "frobnicate", NULL), BC_CLI_USAGE);
    assert_has(f->err, "unknown command");
    assert_int_equal(run(f, NULL), BC_CLI_USAGE);
}

/* The log is opened read-only: a running client's writes are seen, and
 * nothing the subcommands do changes the file. */
static void test_reads_next_to_running_client(void **state)
{
    cli_fixture *f = *state;
    write_log(f);
    bc_store *client = open_ok(f->log);
    put(client, "alice@example.org", BC_DIR_IN, "6", "live budget news", 1704535300);
    assert_int_equal(flush_ok(client), 1);
    assert_int_equal(run(f, "search", "news", NULL), BC_CLI_OK);
    assert_has(f->out, "live budget news");
    assert_int_equal(run(f, "verify-logs", NULL), BC_CLI_OK);
    assert_has(f->out, "OK: 6 messages verified");
    bc_store_close(client);
}

int main(void)
{
    use_utc();
    const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, cli_setup, cli_teardown)
        T(test_export_to_file),
        T(test_export_to_stdout),
        T(test_export_usage_errors),
        T(test_accounts_and_missing_logs),
        T(test_verify_logs),
        T(test_stats_report),
        T(test_search_command),
        T(test_dispatch),
        T(test_reads_next_to_running_client),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
