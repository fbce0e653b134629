/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The event loop: one poll() over watched fds, a signal self-pipe and
 * one-shot timers; the timeout is the next due timer, so idle sleeps. */
#include "backchat/loop.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

typedef struct {
    int fd;
    short events;
    bc_fd_cb cb;
    void *data;
    bool dead;
} watch;

typedef struct {
    unsigned id;
    int64_t due;
    bc_timer_cb cb;
    void *data;
} timer;

typedef struct {
    bc_hook_cb cb;
    void *data;
} hook;

#define MAX_SIGNALS 8
static struct {
    int signo;
    bc_signal_cb cb;
    void *data;
} sig_handlers[MAX_SIGNALS];
static size_t n_sig_handlers;

static GArray *watches;   /* of watch */
static GArray *timers;    /* of timer, unsorted (few timers) */
static GArray *prepares;  /* of hook */
static GArray *checks;    /* of hook */
static unsigned next_timer_id = 1;
static int sig_pipe[2] = {-1, -1};
static bool running;
static int wake_within = -1;
static uint64_t wakeups;

int64_t bc_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void on_signal(int signo)
{
    int saved = errno;
    unsigned char b = (unsigned char)signo;
    if (sig_pipe[1] >= 0) {
        ssize_t r = write(sig_pipe[1], &b, 1);
        (void)r; /* a full pipe already has a wake-up queued */
    }
    errno = saved;
}

static void sig_pipe_ready(int fd, short revents, void *data)
{
    unsigned char buf[64];
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0) {
        for (ssize_t i = 0; i < n; i++)
            for (size_t h = 0; h < n_sig_handlers; h++)
                if (sig_handlers[h].signo == buf[i])
                    sig_handlers[h].cb(buf[i], sig_handlers[h].data);
    }
}

void bc_loop_init(void)
{
    if (watches)
        return;
    watches = g_array_new(FALSE, TRUE, sizeof(watch));
    timers = g_array_new(FALSE, TRUE, sizeof(timer));
    prepares = g_array_new(FALSE, TRUE, sizeof(hook));
    checks = g_array_new(FALSE, TRUE, sizeof(hook));
    if (pipe2(sig_pipe, O_CLOEXEC | O_NONBLOCK) == 0)
        bc_loop_watch(sig_pipe[0], POLLIN, sig_pipe_ready, NULL);
    signal(SIGPIPE, SIG_IGN);
}

void bc_loop_free(void)
{
    if (!watches)
        return;
    for (size_t h = 0; h < n_sig_handlers; h++)
        signal(sig_handlers[h].signo, SIG_DFL);
    n_sig_handlers = 0;
    if (sig_pipe[0] >= 0) {
        close(sig_pipe[0]);
        close(sig_pipe[1]);
        sig_pipe[0] = sig_pipe[1] = -1;
    }
    g_array_free(watches, TRUE);
    g_array_free(timers, TRUE);
    g_array_free(prepares, TRUE);
    g_array_free(checks, TRUE);
    watches = timers = prepares = checks = NULL;
    wake_within = -1;
}

static watch *find_watch(int fd)
{
    for (guint i = 0; i < watches->len; i++) {
        watch *w = &g_array_index(watches, watch, i);
        if (w->fd == fd && !w->dead)
            return w;
    }
    return NULL;
}

void bc_loop_watch(int fd, short events, bc_fd_cb cb, void *data)
{
    watch *w = find_watch(fd);
    if (w) {
        w->events = events;
        w->cb = cb;
        w->data = data;
        return;
    }
    watch nw = {.fd = fd, .events = events, .cb = cb, .data = data};
    g_array_append_val(watches, nw);
}

void bc_loop_set_events(int fd, short events)
{
    watch *w = find_watch(fd);
    if (w)
        w->events = events;
}

void bc_loop_unwatch(int fd)
{
    /* Marked dead, removed after dispatch, so callbacks may unwatch. */
    watch *w = find_watch(fd);
    if (w)
        w->dead = true;
}

unsigned bc_timer_add(unsigned ms, bc_timer_cb cb, void *data)
{
    timer t = {.id = next_timer_id++, .due = bc_now_ms() + ms, .cb = cb, .data = data};
    if (next_timer_id == 0)
        next_timer_id = 1;
    g_array_append_val(timers, t);
    return t.id;
}

void bc_timer_cancel(unsigned id)
{
    if (!timers || id == 0)
        return;
    for (guint i = 0; i < timers->len; i++)
        if (g_array_index(timers, timer, i).id == id) {
            g_array_remove_index_fast(timers, i);
            return;
        }
}

static void add_hook(GArray *arr, bc_hook_cb cb, void *data)
{
    hook h = {cb, data};
    g_array_append_val(arr, h);
}

void bc_loop_add_prepare(bc_hook_cb cb, void *data) { add_hook(prepares, cb, data); }
void bc_loop_add_check(bc_hook_cb cb, void *data) { add_hook(checks, cb, data); }

void bc_loop_wake_within(int ms)
{
    if (ms < 0)
        ms = 0;
    if (wake_within < 0 || ms < wake_within)
        wake_within = ms;
}

void bc_loop_on_signal(int signo, bc_signal_cb cb, void *data)
{
    if (n_sig_handlers >= MAX_SIGNALS)
        return;
    sig_handlers[n_sig_handlers].signo = signo;
    sig_handlers[n_sig_handlers].cb = cb;
    sig_handlers[n_sig_handlers].data = data;
    n_sig_handlers++;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    sigaction(signo, &sa, NULL);
}

static void run_hooks(GArray *arr)
{
    for (guint i = 0; i < arr->len; i++) {
        hook h = g_array_index(arr, hook, i);
        h.cb(h.data);
    }
}

/* Runs due timers; returns ms until the next one, or -1 if none. */
static int run_timers(void)
{
    int64_t now = bc_now_ms();
    /* Fire due timers earliest first. Only those that existed when this
     * pass began: one that re-adds itself at 0 ms waits for the next turn
     * instead of starving poll(). */
    unsigned first_new = next_timer_id;
    for (;;) {
        guint due_i = G_MAXUINT;
        for (guint i = 0; i < timers->len; i++) {
            const timer *t = &g_array_index(timers, timer, i);
            if (t->due > now || t->id >= first_new)
                continue;
            if (due_i == G_MAXUINT || t->due < g_array_index(timers, timer, due_i).due ||
                (t->due == g_array_index(timers, timer, due_i).due &&
                 t->id < g_array_index(timers, timer, due_i).id))
                due_i = i;
        }
        if (due_i == G_MAXUINT)
            break;
        timer t = g_array_index(timers, timer, due_i);
        g_array_remove_index_fast(timers, due_i);
        t.cb(t.data);
        now = bc_now_ms();
    }
    int64_t next = -1;
    for (guint i = 0; i < timers->len; i++) {
        int64_t d = g_array_index(timers, timer, i).due - now;
        if (d < 0)
            d = 0;
        if (next < 0 || d < next)
            next = d;
    }
    return next > INT32_MAX ? INT32_MAX : (int)next;
}

static void reap_dead_watches(void)
{
    for (guint i = watches->len; i-- > 0;)
        if (g_array_index(watches, watch, i).dead)
            g_array_remove_index(watches, i);
}

void bc_loop_run(void)
{
    running = true;
    wake_within = -1;
    GArray *pfds = g_array_new(FALSE, TRUE, sizeof(struct pollfd));
    while (running) {
        int timeout = run_timers();
        run_hooks(prepares);
        if (!running)
            break;
        /* Hooks may have added timers (or asked for a short sleep). */
        int t2 = run_timers();
        if (t2 >= 0 && (timeout < 0 || t2 < timeout))
            timeout = t2;
        if (wake_within >= 0 && (timeout < 0 || wake_within < timeout))
            timeout = wake_within;
        wake_within = -1;

        reap_dead_watches();
        g_array_set_size(pfds, watches->len);
        for (guint i = 0; i < watches->len; i++) {
            watch *w = &g_array_index(watches, watch, i);
            struct pollfd *p = &g_array_index(pfds, struct pollfd, i);
            p->fd = w->fd;
            p->events = w->events;
            p->revents = 0;
        }
        int n = poll((struct pollfd *)pfds->data, pfds->len, timeout);
        wakeups++;
        if (n < 0 && errno != EINTR)
            break;
        run_hooks(checks);
        if (n <= 0)
            continue;
        guint count = pfds->len;
        for (guint i = 0; i < count && i < watches->len; i++) {
            struct pollfd p = g_array_index(pfds, struct pollfd, i);
            if (!p.revents)
                continue;
            watch w = g_array_index(watches, watch, i);
            if (w.dead || w.fd != p.fd)
                continue;
            w.cb(w.fd, p.revents, w.data);
        }
    }
    g_array_free(pfds, TRUE);
    running = false;
}

void bc_loop_quit(void) { running = false; }
bool bc_loop_running(void) { return running; }
uint64_t bc_loop_wakeups(void) { return wakeups; }
