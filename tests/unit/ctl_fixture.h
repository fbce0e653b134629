/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Shared set-up of the control socket tests: a private XDG_RUNTIME_DIR, a
 * fake command runner that records what it ran, and a client that sends a
 * line and reads the answer while the event loop serves it. */
#ifndef BACKCHAT_TEST_CTL_FIXTURE_H
#define BACKCHAT_TEST_CTL_FIXTURE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <glib.h>

#include "backchat/ctl.h"
#include "backchat/loop.h"
#include "tmpdir.h"

#define UNUSED G_GNUC_UNUSED

static char *tmp;      /* the test's private directory */
static char *runtime;  /* XDG_RUNTIME_DIR inside it */

/* What the fake command runner saw and answers. */
static struct {
    int calls;
    char *last;
    const char *print;  /* appended to out */
    bool ok;
} fake;

UNUSED static bool fake_run(const char *line, GString *out, void *data)
{
    (void)data;
    fake.calls++;
    g_free(fake.last);
    fake.last = g_strdup(line);
    g_string_append(out, fake.print);
    return fake.ok;
}

/* A test file's own clean-up, run first by teardown (also after a failed
 * assertion). */
static void (*ctl_cleanup)(void);

UNUSED static int setup(void **state)
{
    (void)state;
    tmp = g_dir_make_tmp("bc-ctl-XXXXXX", NULL);
    assert_non_null(tmp);
    runtime = g_build_filename(tmp, "run", NULL);
    assert_int_equal(mkdir(runtime, 0700), 0);
    g_setenv("XDG_RUNTIME_DIR", runtime, TRUE);
    memset(&fake, 0, sizeof fake);
    fake.print = "";
    fake.ok = true;
    bc_loop_init();
    bc_ctl_set_idle_ms(0);
    return 0;
}

UNUSED static int teardown(void **state)
{
    (void)state;
    if (ctl_cleanup)
        ctl_cleanup();
    bc_ctl_stop();
    bc_loop_free();
    bc_test_rm_rf(tmp);
    g_clear_pointer(&tmp, g_free);
    g_clear_pointer(&runtime, g_free);
    g_clear_pointer(&fake.last, g_free);
    return 0;
}

/* The server for account "work", answering through fake_run. */
UNUSED static void start(void)
{
    GError *err = NULL;
    assert_true(bc_ctl_start("work", fake_run, NULL, &err));
    assert_null(err);
    assert_non_null(bc_ctl_path());
}

UNUSED static int connect_to(const char *path)
{
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    assert_true(fd >= 0);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    g_strlcpy(sa.sun_path, path, sizeof sa.sun_path);
    assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    return fd;
}

UNUSED static void write_all(int fd, const char *s, size_t len)
{
    while (len) {
        ssize_t n = send(fd, s, len, MSG_NOSIGNAL);
        assert_true(n > 0);
        s += n;
        len -= (size_t)n;
    }
}

/* ---- driving the loop ----------------------------------------------------- */

typedef struct {
    GString *reply;
    bool eof;
    bool timed_out;
} reader;

UNUSED static void on_reply(int fd, short revents, void *data)
{
    reader *r = data;
    char buf[2048];
    ssize_t n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
    if (n > 0) {
        g_string_append_len(r->reply, buf, n);
        return;
    }
    if (n < 0 && errno == EAGAIN)
        return;
    r->eof = true; /* EOF, or a reset after the answer */
    bc_loop_unwatch(fd);
    bc_loop_quit();
}

UNUSED static void on_safety(void *data)
{
    ((reader *)data)->timed_out = true;
    bc_loop_quit();
}

/* Runs the loop until the server closes `fd` (or 3 s pass); returns what
 * it sent. */
UNUSED static char *drive(int fd)
{
    reader r = {.reply = g_string_new(NULL)};
    bc_loop_watch(fd, POLLIN, on_reply, &r);
    unsigned t = bc_timer_add(3000, on_safety, &r);
    bc_loop_run();
    bc_timer_cancel(t);
    bc_loop_unwatch(fd);
    assert_false(r.timed_out);
    assert_true(r.eof);
    return g_string_free(r.reply, FALSE);
}

/* Sends `msg` (as is) on a new connection and returns the answer. */
UNUSED static char *exchange(const char *msg, size_t len)
{
    int fd = connect_to(bc_ctl_path());
    write_all(fd, msg, len);
    char *reply = drive(fd);
    close(fd);
    return reply;
}

#endif
