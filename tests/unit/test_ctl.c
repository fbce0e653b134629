/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for the control socket (src/core/ctl.c): where it lives, the
 * directory checks, stale and live sockets, the line protocol driven
 * through the event loop, and the client side. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <glib.h>

#include "backchat/cli.h"
#include "backchat/conv.h"
#include "backchat/ctl.h"
#include "backchat/loop.h"
#include "ctl_fixture.h"

static mode_t mode_of(const char *path)
{
    struct stat st;
    assert_int_equal(lstat(path, &st), 0);
    return st.st_mode;
}

/* A socket bound at `path`, listening or not; returns its fd. */
static int bind_at(const char *path, bool listening)
{
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    assert_true(fd >= 0);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    g_strlcpy(sa.sun_path, path, sizeof sa.sun_path);
    assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    if (listening)
        assert_int_equal(listen(fd, 4), 0);
    return fd;
}

/* XDG config and data homes inside the test's directory. */
static void tmp_config(void)
{
    char *cfg = g_build_filename(tmp, "config", NULL);
    char *data = g_build_filename(tmp, "data", NULL);
    g_setenv("XDG_CONFIG_HOME", cfg, TRUE);
    g_setenv("XDG_DATA_HOME", data, TRUE);
    bc_paths_reset();
    g_free(cfg);
    g_free(data);
}

/* ---- paths ----------------------------------------------------------------- */

static void test_paths(void **state)
{
    (void)state;
    GError *err = NULL;
    char *p = bc_ctl_socket_path("work", &err);
    char *want = g_build_filename(runtime, "backchat", "work.sock", NULL);
    assert_string_equal(p, want);
    g_free(want);
    g_free(p);
    /* Asking creates nothing. */
    want = g_build_filename(runtime, "backchat", NULL);
    assert_false(g_file_test(want, G_FILE_TEST_EXISTS));
    g_free(want);

    /* No runtime dir: a per-user directory under TMPDIR. */
    g_unsetenv("XDG_RUNTIME_DIR");
    g_setenv("TMPDIR", tmp, TRUE);
    p = bc_ctl_socket_path("work", &err);
    char *name = g_strdup_printf("backchat-%lu", (unsigned long)geteuid());
    want = g_build_filename(tmp, name, "work.sock", NULL);
    assert_string_equal(p, want);
    g_free(want);
    g_free(name);
    g_free(p);
    g_unsetenv("TMPDIR");

    /* Not a path component, or too long for sun_path. */
    assert_null(bc_ctl_socket_path("../evil", &err));
    assert_true(g_error_matches(err, BC_CTL_ERROR, BC_CTL_ERROR_PATH));
    g_clear_error(&err);
    char *deep = g_strnfill(100, 'd');
    char *long_rt = g_build_filename(tmp, deep, NULL);
    g_setenv("XDG_RUNTIME_DIR", long_rt, TRUE);
    assert_null(bc_ctl_socket_path("work", &err));
    assert_true(g_error_matches(err, BC_CTL_ERROR, BC_CTL_ERROR_PATH));
    assert_non_null(strstr(err->message, "too long"));
    g_clear_error(&err);
    g_free(long_rt);
    g_free(deep);
}

static void test_dir_checks(void **state)
{
    (void)state;
    GError *err = NULL;
    /* Created private. */
    char *dir = g_build_filename(tmp, "ctl", NULL);
    mode_t old = umask(0);
    assert_true(bc_ctl_check_dir(dir, &err));
    umask(old);
    assert_true(S_ISDIR(mode_of(dir)));
    assert_int_equal(mode_of(dir) & 0777, 0700);
    assert_true(bc_ctl_check_dir(dir, &err));

    /* Open to others: refused, left as it is, and the message says how. */
    assert_int_equal(chmod(dir, 0755), 0);
    assert_false(bc_ctl_check_dir(dir, &err));
    assert_true(g_error_matches(err, BC_CTL_ERROR, BC_CTL_ERROR_DIR));
    assert_non_null(strstr(err->message, "chmod 700"));
    assert_int_equal(mode_of(dir) & 0777, 0755);
    g_clear_error(&err);
    assert_int_equal(chmod(dir, 0710), 0);
    assert_false(bc_ctl_check_dir(dir, &err));
    g_clear_error(&err);

    /* A symbolic link, even to a private directory, or a file: refused. */
    assert_int_equal(chmod(dir, 0700), 0);
    char *link = g_build_filename(tmp, "ctl-link", NULL);
    assert_int_equal(symlink(dir, link), 0);
    assert_false(bc_ctl_check_dir(link, &err));
    assert_non_null(strstr(err->message, "not a directory"));
    g_clear_error(&err);
    char *file = g_build_filename(tmp, "ctl-file", NULL);
    assert_true(g_file_set_contents(file, "x", 1, NULL));
    assert_false(bc_ctl_check_dir(file, &err));
    g_clear_error(&err);

    /* bc_ctl_start refuses to listen in an unsafe directory. */
    char *bc = g_build_filename(runtime, "backchat", NULL);
    assert_int_equal(mkdir(bc, 0777), 0);
    assert_int_equal(chmod(bc, 0777), 0);
    assert_false(bc_ctl_start("work", fake_run, NULL, &err));
    assert_true(g_error_matches(err, BC_CTL_ERROR, BC_CTL_ERROR_DIR));
    assert_null(bc_ctl_path());
    g_clear_error(&err);
    g_free(bc);
    g_free(file);
    g_free(link);
    g_free(dir);
}

/* ---- start, stale, live, stop ------------------------------------------------- */

static void test_start_private_and_removed(void **state)
{
    (void)state;
    start();
    char *path = g_strdup(bc_ctl_path());
    assert_true(S_ISSOCK(mode_of(path)));
    assert_int_equal(mode_of(path) & 0777, 0600);
    char *dir = g_path_get_dirname(path);
    assert_int_equal(mode_of(dir) & 0777, 0700);
    bc_ctl_stop();
    assert_null(bc_ctl_path());
    assert_false(g_file_test(path, G_FILE_TEST_EXISTS));
    g_free(dir);
    g_free(path);
}

static void test_stale_replaced_live_kept(void **state)
{
    (void)state;
    GError *err = NULL;
    char *dir = g_build_filename(runtime, "backchat", NULL);
    assert_int_equal(mkdir(dir, 0700), 0);
    char *path = g_build_filename(dir, "work.sock", NULL);

    /* Left by a process that died: bound, nobody listening. */
    close(bind_at(path, false));
    assert_true(bc_ctl_start("work", fake_run, NULL, &err));
    fake.print = "fresh\n";
    char *reply = exchange("/ping\n", 6);
    assert_string_equal(reply, "fresh\nok\n");
    g_free(reply);
    bc_ctl_stop();

    /* Another instance answers there: left alone, and we say so. */
    int live = bind_at(path, true);
    assert_false(bc_ctl_start("work", fake_run, NULL, &err));
    assert_true(g_error_matches(err, BC_CTL_ERROR, BC_CTL_ERROR_BUSY));
    assert_non_null(strstr(err->message, "another backchat"));
    g_clear_error(&err);
    assert_null(bc_ctl_path());
    assert_true(S_ISSOCK(mode_of(path)));
    close(connect_to(path)); /* still reachable */
    close(live);

    /* Something that is not a socket is not deleted. */
    unlink(path);
    assert_true(g_file_set_contents(path, "mine", 4, NULL));
    assert_false(bc_ctl_start("work", fake_run, NULL, &err));
    g_clear_error(&err);
    char *text = NULL;
    assert_true(g_file_get_contents(path, &text, NULL, NULL));
    assert_string_equal(text, "mine");
    g_free(text);
    g_free(path);
    g_free(dir);
}

/* ---- the protocol ------------------------------------------------------------- */

static void test_protocol(void **state)
{
    (void)state;
    start();
    fake.print = "You are now: away (At lunch)\nsecond line";
    char *reply = exchange("/status away At lunch\n", 22);
    assert_string_equal(reply, "You are now: away (At lunch)\nsecond line\nok\n");
    assert_string_equal(fake.last, "/status away At lunch");
    g_free(reply);

    /* CRLF, and a last line without a newline before the client's EOF. */
    int fd = connect_to(bc_ctl_path());
    write_all(fd, "/a b", 4);
    shutdown(fd, SHUT_WR);
    fake.print = "";
    reply = drive(fd);
    close(fd);
    assert_string_equal(reply, "ok\n");
    assert_string_equal(fake.last, "/a b");
    g_free(reply);
    reply = exchange("/c\r\n", 4);
    assert_string_equal(fake.last, "/c");
    g_free(reply);

    /* A failure: the last printed line is the error, said once. */
    fake.ok = false;
    fake.print = "a note\nUnknown command /x. /help lists all commands.\n";
    reply = exchange("/x\n", 3);
    assert_string_equal(reply, "a note\nerror: Unknown command /x. /help lists all commands.\n");
    g_free(reply);
    fake.print = "";
    reply = exchange("/x\n", 3);
    assert_true(g_str_has_prefix(reply, "error: "));
    g_free(reply);
    assert_int_equal(fake.calls, 5);
    assert_int_equal(bc_ctl_clients(), 0);
}

static void test_refused_lines(void **state)
{
    (void)state;
    start();
    static const struct {
        const char *send;
        const char *want;
    } cases[] = {
        {"hello there\n", "error: commands start with /"},
        {"//hi\n", "error: //TEXT"},
        {"/a\x1b[2Jb\n", "error: the command contains control characters"},
        {"/a\xff\n", "error: the command is not valid UTF-8"},
        {"\n", "error: empty command"},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        char *reply = exchange(cases[i].send, strlen(cases[i].send));
        assert_true(g_str_has_prefix(reply, cases[i].want));
        assert_true(g_str_has_suffix(reply, "\n"));
        assert_ptr_equal(strchr(reply, '\n'), reply + strlen(reply) - 1); /* one line */
        g_free(reply);
    }
    char *reply = exchange("/a\0b\n", 5);
    assert_true(g_str_has_prefix(reply, "error: "));
    g_free(reply);
    assert_int_equal(fake.calls, 0);
}

static void test_line_limit(void **state)
{
    (void)state;
    start();
    /* 4096 bytes is the limit: taken. */
    GString *s = g_string_new("/");
    while (s->len < BC_CTL_LINE_MAX)
        g_string_append_c(s, 'x');
    g_string_append_c(s, '\n');
    char *reply = exchange(s->str, s->len);
    assert_string_equal(reply, "ok\n");
    assert_int_equal(strlen(fake.last), BC_CTL_LINE_MAX);
    g_free(reply);

    /* One byte more: refused without running it. */
    g_string_insert_c(s, 1, 'y');
    reply = exchange(s->str, s->len);
    assert_true(g_str_has_prefix(reply, "error: the command is longer than 4096 bytes"));
    g_free(reply);

    /* A flood without a newline: refused once past the limit. */
    g_string_truncate(s, 0);
    while (s->len < 64 * 1024)
        g_string_append(s, "/xxxxxxx");
    int fd = connect_to(bc_ctl_path());
    int fl = fcntl(fd, F_GETFL);
    fcntl(fd, F_SETFL, fl | O_NONBLOCK);
    ssize_t n = send(fd, s->str, s->len, MSG_NOSIGNAL);
    assert_true(n > BC_CTL_LINE_MAX);
    fcntl(fd, F_SETFL, fl);
    reply = drive(fd);
    close(fd);
    assert_true(g_str_has_prefix(reply, "error: the command is longer"));
    g_free(reply);
    g_string_free(s, TRUE);
    assert_int_equal(fake.calls, 1);
}

static void test_idle_dropped_and_max_clients(void **state)
{
    (void)state;
    bc_ctl_set_idle_ms(150);
    start();
    int64_t t0 = bc_now_ms();
    int fd = connect_to(bc_ctl_path());
    write_all(fd, "/half", 5); /* never finished */
    char *reply = drive(fd);
    close(fd);
    assert_string_equal(reply, "");
    assert_true(bc_now_ms() - t0 >= 140);
    assert_int_equal(fake.calls, 0);
    assert_int_equal(bc_ctl_clients(), 0);
    g_free(reply);

    /* BC_CTL_MAX_CLIENTS at once are served; one more is told to wait. */
    bc_ctl_set_idle_ms(0);
    int fds[BC_CTL_MAX_CLIENTS];
    for (int i = 0; i < BC_CTL_MAX_CLIENTS; i++)
        fds[i] = connect_to(bc_ctl_path());
    int extra = connect_to(bc_ctl_path());
    reply = drive(extra);
    close(extra);
    assert_true(g_str_has_prefix(reply, "error: too many control connections"));
    g_free(reply);
    assert_int_equal(bc_ctl_clients(), BC_CTL_MAX_CLIENTS);
    for (int i = 0; i < BC_CTL_MAX_CLIENTS; i++) {
        write_all(fds[i], "/n\n", 3);
        reply = drive(fds[i]);
        assert_string_equal(reply, "ok\n");
        g_free(reply);
        close(fds[i]);
    }
    assert_int_equal(bc_ctl_clients(), 0);
}

/* ---- the client side ---------------------------------------------------------- */

typedef struct {
    const char *path, *line;
    GString *out;
    GError *err;
    bool ok;
    gint done;
} request;

static gpointer request_thread(gpointer data)
{
    request *r = data;
    r->ok = bc_ctl_request(r->path, r->line, 3000, r->out, &r->err);
    g_atomic_int_set(&r->done, 1);
    return NULL;
}

static void poll_done(void *data)
{
    request *r = data;
    if (g_atomic_int_get(&r->done))
        bc_loop_quit();
    else
        bc_timer_add(5, poll_done, r);
}

/* bc_ctl_request in a thread while this one runs the server's loop. */
static void run_request(request *r)
{
    r->out = g_string_new(NULL);
    GThread *t = g_thread_new("client", request_thread, r);
    bc_timer_add(5, poll_done, r);
    bc_loop_run();
    g_thread_join(t);
}

static void test_request(void **state)
{
    (void)state;
    start();
    fake.print = "one\ntwo\n";
    request r = {.path = bc_ctl_path(), .line = "/status dnd On a call"};
    run_request(&r);
    assert_true(r.ok);
    assert_null(r.err);
    assert_string_equal(r.out->str, "one\ntwo\n");
    assert_string_equal(fake.last, "/status dnd On a call");
    g_string_free(r.out, TRUE);

    fake.ok = false;
    fake.print = "Unknown command /nosuch.\n";
    request f = {.path = bc_ctl_path(), .line = "/nosuch"};
    run_request(&f);
    assert_false(f.ok);
    assert_true(g_error_matches(f.err, BC_CTL_ERROR, BC_CTL_ERROR_COMMAND));
    assert_string_equal(f.err->message, "Unknown command /nosuch.");
    assert_string_equal(f.out->str, "");
    g_string_free(f.out, TRUE);
    g_error_free(f.err);

    /* Nobody there, and a socket left behind: both "not running". */
    char *path = g_strdup(bc_ctl_path());
    bc_ctl_stop();
    GString *out = g_string_new(NULL);
    GError *err = NULL;
    assert_false(bc_ctl_request(path, "/x", 1000, out, &err));
    assert_true(g_error_matches(err, BC_CTL_ERROR, BC_CTL_ERROR_NOSERVER));
    assert_non_null(strstr(err->message, path));
    g_clear_error(&err);
    close(bind_at(path, false));
    assert_false(bc_ctl_request(path, "/x", 1000, out, &err));
    assert_true(g_error_matches(err, BC_CTL_ERROR, BC_CTL_ERROR_NOSERVER));
    g_clear_error(&err);
    /* A listener that never answers: a timeout, not a hang. */
    unlink(path);
    int mute = bind_at(path, true);
    int64_t t0 = bc_now_ms();
    assert_false(bc_ctl_request(path, "/x", 300, out, &err));
    assert_true(g_error_matches(err, BC_CTL_ERROR, BC_CTL_ERROR_IO));
    assert_true(bc_now_ms() - t0 < 2000);
    g_clear_error(&err);
    close(mute);
    g_string_free(out, TRUE);
    g_free(path);
}

/* ---- backchat remote ------------------------------------------------------------ */

typedef struct {
    int argc;
    char **argv;
    char *out, *err;
    int code;
    gint done;
} cli_call;

static gpointer cli_thread(gpointer data)
{
    cli_call *c = data;
    size_t no, ne;
    FILE *out = open_memstream(&c->out, &no), *err = open_memstream(&c->err, &ne);
    c->code = bc_cli_run(c->argc, c->argv, out, err);
    fclose(out);
    fclose(err);
    g_atomic_int_set(&c->done, 1);
    return NULL;
}

static void cli_done(void *data)
{
    cli_call *c = data;
    if (g_atomic_int_get(&c->done))
        bc_loop_quit();
    else
        bc_timer_add(5, cli_done, c);
}

/* Runs `backchat ARGS...` in a thread while the server's loop runs here. */
static void cli(cli_call *c, const char *args)
{
    char *line = g_strconcat("backchat ", args, NULL);
    c->argv = g_strsplit(line, " ", -1);
    c->argc = (int)g_strv_length(c->argv);
    g_free(line);
    GThread *t = g_thread_new("cli", cli_thread, c);
    bc_timer_add(5, cli_done, c);
    bc_loop_run();
    g_thread_join(t);
}

static void cli_clear(cli_call *c)
{
    g_strfreev(c->argv);
    free(c->out);
    free(c->err);
    memset(c, 0, sizeof *c);
}

static void test_cli_remote(void **state)
{
    (void)state;
    tmp_config();
    start();
    fake.print = "You are now: busy: On a call\n";
    cli_call c = {0};
    /* Joined with spaces; options end at the command. */
    cli(&c, "remote --account work /status dnd -a On a call");
    assert_int_equal(c.code, 0);
    assert_string_equal(fake.last, "/status dnd -a On a call");
    assert_string_equal(c.out, "You are now: busy: On a call\n");
    assert_string_equal(c.err, "");
    cli_clear(&c);

    fake.ok = false;
    fake.print = "Unknown command /nosuch.\n";
    cli(&c, "remote -a work /nosuch");
    assert_int_equal(c.code, BC_CLI_REMOTE_FAILED);
    assert_string_equal(c.err, "backchat remote: Unknown command /nosuch.\n");
    cli_clear(&c);

    cli(&c, "remote -a other /status online");
    assert_int_equal(c.code, BC_CLI_REMOTE_NOT_RUNNING);
    char *want = g_strdup_printf("backchat remote: no backchat is running for account other"
                                 " (no control socket at %s/backchat/other.sock)\n", runtime);
    assert_string_equal(c.err, want);
    g_free(want);
    cli_clear(&c);

    /* Usage: nothing to run, plain text, an unknown option; --help. */
    static const char *const bad[] = {"remote", "remote -a work hello", "remote --nope /x",
                                      "remote -a ../x /x", "remote /x"};
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        cli(&c, bad[i]);
        assert_int_equal(c.code, BC_CLI_REMOTE_USAGE);
        assert_true(g_str_has_prefix(c.err, "backchat remote: "));
        cli_clear(&c);
    }
    cli(&c, "remote --help");
    assert_int_equal(c.code, 0);
    assert_true(g_str_has_prefix(c.out, "Usage: backchat remote"));
    cli_clear(&c);
    assert_int_equal(fake.calls, 2);
}

/* ---- capturing what a command prints ----------------------------------------- */

static void test_console_capture(void **state)
{
    (void)state;
    bc_convs_init(50);
    GString *out = g_string_new(NULL);
    bc_console("before");
    bc_console_capture_begin(out);
    bc_console("notice %d", 1);
    bc_error("two\nlines");
    bc_conv_add(bc_conv_open("bob@example.org", false), BC_LINE_OUT, NULL, "a message", 0);
    bc_console_capture_end();
    bc_console("after");
    assert_string_equal(out->str, "notice 1\ntwo\nlines\n");
    /* The lines are shown as usual too. */
    assert_int_equal(bc_conv_console()->len, 5);
    g_string_free(out, TRUE);
    bc_convs_free();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_paths, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dir_checks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_start_private_and_removed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stale_replaced_live_kept, setup, teardown),
        cmocka_unit_test_setup_teardown(test_protocol, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refused_lines, setup, teardown),
        cmocka_unit_test_setup_teardown(test_line_limit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_idle_dropped_and_max_clients, setup, teardown),
        cmocka_unit_test_setup_teardown(test_request, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cli_remote, setup, teardown),
        cmocka_unit_test_setup_teardown(test_console_capture, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
