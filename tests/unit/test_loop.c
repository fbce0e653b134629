/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for the event loop (src/core/loop.c): timers, fd watches, hooks, signals, idle sleep. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <glib.h>

#include "backchat/loop.h"

/* A safety net: if the loop never quits on its own, this ends it and the
 * test fails on `timed_out`. */
static bool timed_out;
static void on_safety(void *data)
{
    (void)data;
    timed_out = true;
    bc_loop_quit();
}

static int setup(void **state)
{
    (void)state;
    timed_out = false;
    bc_loop_init();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    bc_loop_free();
    return 0;
}

static void sleep_ms(int ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0)
        ;
}

static void quit_cb(void *data)
{
    (void)data;
    bc_loop_quit();
}

/* ---- timers -------------------------------------------------------------- */

typedef struct {
    int order[16];
    int64_t at[16];
    int n;
    int quit_after; /* quit when this many have fired */
} record;

typedef struct {
    record *rec;
    int tag;
} rec_arg;

static void rec_cb(void *data)
{
    rec_arg *a = data;
    a->rec->at[a->rec->n] = bc_now_ms();
    a->rec->order[a->rec->n++] = a->tag;
    if (a->rec->n == a->rec->quit_after)
        bc_loop_quit();
}

static void test_now_monotonic(void **state)
{
    (void)state;
    int64_t a = bc_now_ms();
    sleep_ms(20);
    int64_t b = bc_now_ms();
    assert_true(b - a >= 19);
    assert_true(b - a < 2000);
}

static void test_timer_ids(void **state)
{
    (void)state;
    unsigned a = bc_timer_add(1000, quit_cb, NULL);
    unsigned b = bc_timer_add(1000, quit_cb, NULL);
    assert_int_not_equal(a, 0);
    assert_int_not_equal(b, 0);
    assert_int_not_equal(a, b);
    bc_timer_cancel(a);
    bc_timer_cancel(b);
    bc_timer_cancel(0);       /* harmless */
    bc_timer_cancel(a);       /* twice: harmless */
    bc_timer_cancel(987654);  /* unknown: harmless */
}

/* Three timers added out of order fire in due order, and the loop sleeps
 * until each one instead of polling at a fixed interval. */
static void test_timers_in_order_and_sleep(void **state)
{
    (void)state;
    record rec = {.quit_after = 3};
    rec_arg a30 = {&rec, 30}, a10 = {&rec, 10}, a20 = {&rec, 20};
    bc_timer_add(5000, on_safety, NULL);
    int64_t t0 = bc_now_ms();
    bc_timer_add(30, rec_cb, &a30);
    bc_timer_add(10, rec_cb, &a10);
    bc_timer_add(20, rec_cb, &a20);
    uint64_t w0 = bc_loop_wakeups();
    bc_loop_run();
    uint64_t wakes = bc_loop_wakeups() - w0;
    assert_false(timed_out);
    assert_false(bc_loop_running());
    assert_int_equal(rec.n, 3);
    assert_int_equal(rec.order[0], 10);
    assert_int_equal(rec.order[1], 20);
    assert_int_equal(rec.order[2], 30);
    /* Never early. */
    assert_true(rec.at[0] - t0 >= 10);
    assert_true(rec.at[1] - t0 >= 20);
    assert_true(rec.at[2] - t0 >= 30);
    /* About one wake-up per timer, not one per millisecond. */
    if (wakes > 8)
        fail_msg("%llu wake-ups for 3 timers", (unsigned long long)wakes);
}

/* Timers that are all overdue when the loop gets to them (a slow turn, a
 * suspended process) still fire in the order they were due. */
static void test_overdue_timers_fire_in_due_order(void **state)
{
    (void)state;
    record rec = {.quit_after = 3};
    rec_arg a30 = {&rec, 30}, a10 = {&rec, 10}, a20 = {&rec, 20};
    bc_timer_add(5000, on_safety, NULL);
    bc_timer_add(30, rec_cb, &a30);
    bc_timer_add(10, rec_cb, &a10);
    bc_timer_add(20, rec_cb, &a20);
    sleep_ms(60); /* all three are due before the loop starts */
    bc_loop_run();
    assert_false(timed_out);
    assert_int_equal(rec.n, 3);
    assert_int_equal(rec.order[0], 10);
    assert_int_equal(rec.order[1], 20);
    assert_int_equal(rec.order[2], 30);
}

/* An idle loop with one far timer wakes up about once. */
static void test_idle_sleeps(void **state)
{
    (void)state;
    int64_t t0 = bc_now_ms();
    bc_timer_add(250, quit_cb, NULL);
    uint64_t w0 = bc_loop_wakeups();
    bc_loop_run();
    uint64_t wakes = bc_loop_wakeups() - w0;
    assert_true(bc_now_ms() - t0 >= 250);
    if (wakes > 3)
        fail_msg("%llu wake-ups while idle for 250 ms", (unsigned long long)wakes);
}

static void test_timer_cancel(void **state)
{
    (void)state;
    record rec = {.quit_after = 100};
    rec_arg a = {&rec, 1}, b = {&rec, 2};
    bc_timer_add(5000, on_safety, NULL);
    unsigned ta = bc_timer_add(10, rec_cb, &a);
    bc_timer_add(40, rec_cb, &b);
    bc_timer_add(80, quit_cb, NULL);
    bc_timer_cancel(ta);
    bc_loop_run();
    assert_false(timed_out);
    assert_int_equal(rec.n, 1);
    assert_int_equal(rec.order[0], 2);
}

/* A timer callback may cancel another timer and add a new one. */
static unsigned victim;
static void canceller(void *data)
{
    rec_arg *a = data;
    rec_cb(a);
    bc_timer_cancel(victim);
    bc_timer_add(5, rec_cb, a + 1);
}

static void test_timer_cancel_from_callback(void **state)
{
    (void)state;
    record rec = {.quit_after = 100};
    rec_arg args[3] = {{&rec, 1}, {&rec, 3}, {&rec, 2}};
    bc_timer_add(5000, on_safety, NULL);
    bc_timer_add(10, canceller, &args[0]);     /* fires 1, then adds 3 */
    victim = bc_timer_add(30, rec_cb, &args[2]); /* cancelled: 2 never fires */
    bc_timer_add(80, quit_cb, NULL);
    bc_loop_run();
    assert_false(timed_out);
    assert_int_equal(rec.n, 2);
    assert_int_equal(rec.order[0], 1);
    assert_int_equal(rec.order[1], 3);
}

/* ---- fd watches ------------------------------------------------------------ */

typedef struct {
    int fds[2];
    int calls;
    short revents;
    int64_t written_at, seen_at;
    char got[16];
    bool unwatch_self;
    int other_fd; /* unwatched by the callback when >= 0 */
} pipe_ctx;

static void pipe_init(pipe_ctx *p)
{
    memset(p, 0, sizeof *p);
    p->other_fd = -1;
    assert_int_equal(pipe2(p->fds, O_CLOEXEC | O_NONBLOCK), 0);
}

static void pipe_close(pipe_ctx *p)
{
    close(p->fds[0]);
    close(p->fds[1]);
}

static void on_readable(int fd, short revents, void *data)
{
    pipe_ctx *p = data;
    p->calls++;
    p->revents = revents;
    p->seen_at = bc_now_ms();
    if (p->unwatch_self || p->other_fd >= 0) {
        /* Leave the data unread: a live watch would fire again at once. */
        if (p->unwatch_self)
            bc_loop_unwatch(fd);
        if (p->other_fd >= 0)
            bc_loop_unwatch(p->other_fd);
        return;
    }
    ssize_t n = read(fd, p->got, sizeof p->got - 1);
    if (n > 0)
        p->got[n] = '\0';
    bc_loop_quit();
}

static void write_later(void *data)
{
    pipe_ctx *p = data;
    p->written_at = bc_now_ms();
    assert_int_equal(write(p->fds[1], "ping", 4), 4);
}

static void test_watch_pipe(void **state)
{
    (void)state;
    pipe_ctx p;
    pipe_init(&p);
    bc_loop_watch(p.fds[0], POLLIN, on_readable, &p);
    bc_timer_add(20, write_later, &p);
    bc_timer_add(5000, on_safety, NULL);
    uint64_t w0 = bc_loop_wakeups();
    bc_loop_run();
    assert_false(timed_out);
    assert_int_equal(p.calls, 1);
    assert_true(p.revents & POLLIN);
    assert_string_equal(p.got, "ping");
    assert_true(p.seen_at - p.written_at < 1000);
    assert_true(bc_loop_wakeups() - w0 <= 6);
    bc_loop_unwatch(p.fds[0]);
    pipe_close(&p);
}

/* Watching the same fd again replaces the callback. */
static void never_cb(int fd, short revents, void *data)
{
    (void)fd;
    (void)revents;
    (*(int *)data)++;
}

static void test_watch_replaces(void **state)
{
    (void)state;
    pipe_ctx p;
    pipe_init(&p);
    int never = 0;
    bc_loop_watch(p.fds[0], POLLIN, never_cb, &never);
    bc_loop_watch(p.fds[0], POLLIN, on_readable, &p);
    assert_int_equal(write(p.fds[1], "x", 1), 1);
    bc_timer_add(5000, on_safety, NULL);
    bc_loop_run();
    assert_false(timed_out);
    assert_int_equal(never, 0);
    assert_int_equal(p.calls, 1);
    pipe_close(&p);
}

/* A callback unwatching its own fd (data still pending) is not called
 * again; one unwatching another fd stops that one's callback. */
static void test_unwatch_in_callback(void **state)
{
    (void)state;
    pipe_ctx a, b, c;
    pipe_init(&a);
    pipe_init(&b);
    pipe_init(&c);
    a.unwatch_self = true;
    b.unwatch_self = true;
    b.other_fd = c.fds[0];
    c.unwatch_self = true;
    bc_loop_watch(a.fds[0], POLLIN, on_readable, &a);
    bc_loop_watch(b.fds[0], POLLIN, on_readable, &b);
    bc_loop_watch(c.fds[0], POLLIN, on_readable, &c);
    assert_int_equal(write(a.fds[1], "a", 1), 1);
    assert_int_equal(write(b.fds[1], "b", 1), 1);
    assert_int_equal(write(c.fds[1], "c", 1), 1);
    bc_timer_add(60, quit_cb, NULL);
    bc_timer_add(5000, on_safety, NULL);
    uint64_t w0 = bc_loop_wakeups();
    bc_loop_run();
    assert_false(timed_out);
    assert_int_equal(a.calls, 1);
    assert_int_equal(b.calls, 1);
    assert_int_equal(c.calls, 0);
    /* With the fds gone the loop slept until the timer. */
    assert_true(bc_loop_wakeups() - w0 <= 6);
    pipe_close(&a);
    pipe_close(&b);
    pipe_close(&c);
}

/* Unwatch and watch again from inside the callback. */
static int rewatch_calls;
static void rewatch_cb(int fd, short revents, void *data)
{
    (void)revents;
    (void)data;
    char buf[8];
    rewatch_calls++;
    ssize_t r = read(fd, buf, sizeof buf);
    (void)r;
    bc_loop_unwatch(fd);
    if (rewatch_calls < 3) {
        bc_loop_watch(fd, POLLIN, rewatch_cb, data);
        assert_int_equal(write(*(int *)data, "y", 1), 1);
    } else {
        bc_loop_quit();
    }
}

static void test_rewatch_in_callback(void **state)
{
    (void)state;
    pipe_ctx p;
    pipe_init(&p);
    rewatch_calls = 0;
    bc_loop_watch(p.fds[0], POLLIN, rewatch_cb, &p.fds[1]);
    assert_int_equal(write(p.fds[1], "x", 1), 1);
    bc_timer_add(5000, on_safety, NULL);
    bc_loop_run();
    assert_false(timed_out);
    assert_int_equal(rewatch_calls, 3);
    pipe_close(&p);
}

static void on_writable(int fd, short revents, void *data)
{
    (void)fd;
    pipe_ctx *p = data;
    p->calls++;
    p->revents = revents;
    bc_loop_quit();
}

static void enable_pollout(void *data)
{
    pipe_ctx *p = data;
    p->written_at = bc_now_ms();
    bc_loop_set_events(p->fds[1], POLLOUT);
}

static void test_set_events(void **state)
{
    (void)state;
    pipe_ctx p;
    pipe_init(&p);
    /* Writable at once, but not asked for yet. */
    bc_loop_watch(p.fds[1], 0, on_writable, &p);
    bc_timer_add(40, enable_pollout, &p);
    bc_timer_add(5000, on_safety, NULL);
    int64_t t0 = bc_now_ms();
    bc_loop_run();
    assert_false(timed_out);
    assert_int_equal(p.calls, 1);
    assert_true(p.revents & POLLOUT);
    assert_true(bc_now_ms() - t0 >= 40);
    pipe_close(&p);
}

/* ---- hooks ---------------------------------------------------------------- */

typedef struct {
    GString *trace;
    int prepares, checks;
} hook_ctx;

static hook_ctx hooks;

static void prep_a(void *data)
{
    (void)data;
    hooks.prepares++;
    g_string_append_c(hooks.trace, 'A');
}

static void prep_b(void *data)
{
    (void)data;
    g_string_append_c(hooks.trace, 'B');
}

static void check_c(void *data)
{
    (void)data;
    hooks.checks++;
    g_string_append_c(hooks.trace, 'c');
}

static void tick(void *data)
{
    (void)data;
    g_string_append_c(hooks.trace, 't');
}

static void test_prepare_hooks_every_turn(void **state)
{
    (void)state;
    memset(&hooks, 0, sizeof hooks);
    hooks.trace = g_string_new(NULL);
    bc_loop_add_prepare(prep_a, NULL);
    bc_loop_add_prepare(prep_b, NULL);
    bc_loop_add_check(check_c, NULL);
    bc_timer_add(10, tick, NULL);
    bc_timer_add(20, tick, NULL);
    bc_timer_add(30, quit_cb, NULL);
    bc_timer_add(5000, on_safety, NULL);
    uint64_t w0 = bc_loop_wakeups();
    bc_loop_run();
    uint64_t wakes = bc_loop_wakeups() - w0;
    assert_false(timed_out);
    /* Before every poll: the prepare hooks, in the order added. */
    assert_true(hooks.prepares >= (int)wakes);
    assert_true(hooks.prepares >= 3);
    /* After every poll: the check hooks. */
    assert_int_equal(hooks.checks, (int)wakes);
    /* Every A is followed by its B; a check comes after a prepare pair. */
    const char *t = hooks.trace->str;
    assert_true(t[0] == 'A');
    for (const char *p = t; *p; p++) {
        if (*p == 'A')
            assert_int_equal(p[1], 'B');
        if (*p == 'c')
            assert_true(p > t && p[-1] == 'B');
    }
    /* Both ticks ran. */
    assert_int_equal(strchr(t, 't') != NULL, 1);
    assert_non_null(strchr(strchr(t, 't') + 1, 't'));
    g_string_free(hooks.trace, TRUE);
}

/* A prepare hook may quit the loop. */
static int quitting_prepares;
static void quitting_prepare(void *data)
{
    (void)data;
    if (++quitting_prepares == 3)
        bc_loop_quit();
    else
        bc_loop_wake_within(0);
}

static void test_prepare_hook_quits(void **state)
{
    (void)state;
    quitting_prepares = 0;
    bc_loop_add_prepare(quitting_prepare, NULL);
    bc_timer_add(5000, on_safety, NULL);
    bc_loop_run();
    assert_false(timed_out);
    assert_int_equal(quitting_prepares, 3);
}

/* ---- wake_within ------------------------------------------------------------ */

static int wake_turn, checks_seen, checks_before_timer;
static int64_t first_return_at;
static void wake_prepare(void *data)
{
    int ms = *(int *)data;
    if (wake_turn++ == 0 && ms >= 0)
        bc_loop_wake_within(ms);
}

static void wake_check(void *data)
{
    (void)data;
    checks_seen++;
    if (!first_return_at)
        first_return_at = bc_now_ms();
}

static void wake_timer(void *data)
{
    (void)data;
    checks_before_timer = checks_seen;
    bc_loop_quit();
}

static void wake_reset(void)
{
    wake_turn = checks_seen = checks_before_timer = 0;
    first_return_at = 0;
}

static void test_wake_within(void **state)
{
    (void)state;
    int ms = 10;
    wake_reset();
    bc_loop_add_prepare(wake_prepare, &ms);
    bc_loop_add_check(wake_check, NULL);
    int64_t t0 = bc_now_ms();
    bc_timer_add(300, wake_timer, NULL);
    uint64_t w0 = bc_loop_wakeups();
    bc_loop_run();
    uint64_t wakes = bc_loop_wakeups() - w0;
    /* The first turn was cut short: poll() returned before the timer was
     * due (but not before the 10 ms asked for) ... */
    assert_true(first_return_at - t0 >= 10);
    assert_true(checks_before_timer >= 2);
    /* ... and only that one: then it slept until the timer. */
    assert_true(bc_now_ms() - t0 >= 300);
    if (wakes > 4)
        fail_msg("%llu wake-ups: wake_within lasted more than one turn",
                 (unsigned long long)wakes);
}

/* Without wake_within the same loop sleeps straight to the timer. */
static void test_no_wake_within(void **state)
{
    (void)state;
    int ms = -1;
    wake_reset();
    bc_loop_add_prepare(wake_prepare, &ms);
    bc_loop_add_check(wake_check, NULL);
    int64_t t0 = bc_now_ms();
    bc_timer_add(200, wake_timer, NULL);
    bc_loop_run();
    assert_int_equal(checks_before_timer, 1);
    assert_true(first_return_at - t0 >= 200);
}

/* ---- signals ---------------------------------------------------------------- */

static int sig_seen, sig_count;
static bool sig_in_raise;
static void on_usr1(int signo, void *data)
{
    sig_seen = signo;
    sig_count++;
    *(bool *)data = bc_loop_running();
    bc_loop_quit();
}

static void raise_usr1(void *data)
{
    (void)data;
    raise(SIGUSR1);
    /* Delivered through the loop, not from inside the handler. */
    sig_in_raise = sig_count > 0;
}

static void test_signal(void **state)
{
    (void)state;
    bool in_loop = false;
    sig_seen = sig_count = 0;
    sig_in_raise = false;
    bc_loop_on_signal(SIGUSR1, on_usr1, &in_loop);
    bc_timer_add(10, raise_usr1, NULL);
    bc_timer_add(5000, on_safety, NULL);
    bc_loop_run();
    assert_false(timed_out);
    assert_int_equal(sig_seen, SIGUSR1);
    assert_int_equal(sig_count, 1);
    assert_false(sig_in_raise);
    assert_true(in_loop);
}

/* A signal raised before the loop runs is not lost. */
static void test_signal_before_run(void **state)
{
    (void)state;
    bool in_loop = false;
    sig_seen = sig_count = 0;
    bc_loop_on_signal(SIGUSR1, on_usr1, &in_loop);
    raise(SIGUSR1);
    assert_int_equal(sig_count, 0);
    bc_timer_add(5000, on_safety, NULL);
    bc_loop_run();
    assert_false(timed_out);
    assert_int_equal(sig_count, 1);
}

static void test_running_flag(void **state)
{
    (void)state;
    assert_false(bc_loop_running());
    bool inside = false;
    bc_loop_on_signal(SIGUSR1, on_usr1, &inside);
    raise(SIGUSR1);
    bc_timer_add(5000, on_safety, NULL);
    bc_loop_run();
    assert_true(inside);
    assert_false(bc_loop_running());
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_now_monotonic),
        T(test_timer_ids),
        T(test_timers_in_order_and_sleep),
        T(test_overdue_timers_fire_in_due_order),
        T(test_idle_sleeps),
        T(test_timer_cancel),
        T(test_timer_cancel_from_callback),
        T(test_watch_pipe),
        T(test_watch_replaces),
        T(test_unwatch_in_callback),
        T(test_rewatch_in_callback),
        T(test_set_events),
        T(test_prepare_hooks_every_turn),
        T(test_prepare_hook_quits),
        T(test_wake_within),
        T(test_no_wake_within),
        T(test_signal),
        T(test_signal_before_run),
        T(test_running_flag),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
