/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Delivering notifications without ever blocking the loop.
 *
 * libnotify talks D-Bus synchronously: without a daemon a call can wait
 * 25 s (Profanity froze that long per message). So the loop thread only
 * puts a notification on a small bounded queue (the oldest goes when it is
 * full; a queued one for the same conversation is replaced in place) and
 * one worker thread calls libnotify. When a call fails the worker stops
 * trying for a while (retry_ms) and everything in between goes to the
 * fallback at once; the worker tells the loop through a pipe, and the
 * loop rings the terminal bell and says once in the console why.
 *
 * libnotify is loaded with dlopen the first time a notification is shown,
 * not linked: it drags in gio, gobject, gdk-pixbuf, libmount and more,
 * about 1.5 MiB resident in every session, and many sessions never show
 * a desktop notification. Without it, notifications take the fallback. */
#include "backchat/config.h"
#include "backchat/conv.h"
#include "backchat/jid.h"
#include "backchat/loop.h"
#include "backchat/notify.h"
#include "backchat/session.h"
#include "backchat/status.h"

#include <dlfcn.h>
#include <fcntl.h>
#include <glib.h>
#include <libnotify/notify.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define BODY_MAX_CHARS 400

typedef struct {
    char *key, *summary, *body;
    bc_notify_urgency urgency;
} item;

/* Shared with the worker: everything below under `mu`. */
static GMutex mu;
static GCond wake_cond;     /* the worker waits for work or stop */
static GCond idle_cond;     /* the worker is idle, or gone */
static GQueue queue = G_QUEUE_INIT;
static size_t queue_cap = 32;
static int retry_ms = 60000;
static GThread *worker;
static bool stopping, worker_busy, worker_gone;
static bool available = true;
static int64_t retry_at;           /* bc_now_ms() */
static uint64_t to_fallback;       /* not shown: the loop rings the bell */
static bool went_down, came_back;  /* for the console */
static char *down_reason;
static bc_notify_stats stats;
static bc_notify_backend backend_fn;
static bool desktop_forced;        /* tests: libnotify without a running loop */
static void *backend_data;

/* Loop thread only. */
static int report_pipe[2] = {-1, -1};
static bool watched, told_down, exit_hook;
static bool holding;               /* bc_notify_hold: a call or a meeting */
static bool fell_back;             /* the bell was used: the title shows unread */

/* ---- item ------------------------------------------------------------------- */

static void item_free(item *it)
{
    if (!it)
        return;
    g_free(it->key);
    g_free(it->summary);
    g_free(it->body);
    g_free(it);
}

/* ---- the libnotify backend (worker thread) -------------------------------- */

static GHashTable *notes; /* key -> NotifyNotification*: one per conversation */
static GMainContext *worker_ctx;

static void set_reason(const char *why)
{
    g_mutex_lock(&mu);
    g_free(down_reason);
    down_reason = g_strdup(why);
    g_mutex_unlock(&mu);
}

/* The libnotify calls we make, resolved from the loaded library. */
static struct {
    gboolean (*init)(const char *app_name);
    void (*uninit)(void);
    NotifyNotification *(*create)(const char *summary, const char *body, const char *icon);
    gboolean (*update)(NotifyNotification *n, const char *summary, const char *body,
                       const char *icon);
    void (*set_urgency)(NotifyNotification *n, NotifyUrgency urgency);
    void (*set_category)(NotifyNotification *n, const char *category);
    gboolean (*show)(NotifyNotification *n, GError **error);
    void (*unref)(gpointer object);
} ln;
static bool ln_loaded, ln_initted; /* worker thread only */

#define LN_SONAME "libnotify.so.4"

/* Worker thread. The library stays loaded once loaded: it registers
 * GObject types, which cannot be unloaded. */
static bool libnotify_load(void)
{
    if (ln_loaded)
        return true;
    void *h = dlopen(LN_SONAME, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        const char *e = dlerror();
        char *why = g_strdup_printf("%s could not be loaded: %s; install libnotify",
                                    LN_SONAME, e ? e : "not found");
        set_reason(why);
        g_free(why);
        return false;
    }
#define LN_SYM(field, name) (ln.field = (__typeof__(ln.field))dlsym(h, name))
    bool ok = LN_SYM(init, "notify_init") && LN_SYM(uninit, "notify_uninit") &&
              LN_SYM(create, "notify_notification_new") &&
              LN_SYM(update, "notify_notification_update") &&
              LN_SYM(set_urgency, "notify_notification_set_urgency") &&
              LN_SYM(set_category, "notify_notification_set_category") &&
              LN_SYM(show, "notify_notification_show") &&
              LN_SYM(unref, "g_object_unref"); /* gobject, loaded with it */
#undef LN_SYM
    if (!ok) {
        set_reason(LN_SONAME " lacks a function backchat needs; update libnotify");
        memset(&ln, 0, sizeof ln);
        dlclose(h);
        return false;
    }
    ln_loaded = true;
    return true;
}

static bool libnotify_show(const char *key, const char *summary, const char *body,
                           bc_notify_urgency urgency, void *data)
{
    if (!libnotify_load())
        return false;
    if (!ln_initted && !(ln_initted = ln.init("backchat"))) {
        set_reason("libnotify could not start");
        return false;
    }
    if (!notes)
        notes = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, ln.unref);
    NotifyNotification *n = g_hash_table_lookup(notes, key);
    if (n) {
        ln.update(n, summary, body, NULL);
    } else {
        n = ln.create(summary, body, NULL);
        g_hash_table_insert(notes, g_strdup(key), n);
    }
    static const NotifyUrgency map[] = {NOTIFY_URGENCY_LOW, NOTIFY_URGENCY_NORMAL,
                                        NOTIFY_URGENCY_CRITICAL};
    ln.set_urgency(n, map[urgency]);
    ln.set_category(n, "im.received");
    GError *err = NULL;
    bool ok = ln.show(n, &err);
    if (!ok) {
        set_reason(err ? err->message : "the notification service did not answer");
        g_clear_error(&err);
    }
    /* Signals (closed, ...) queued for this thread: handle, never wait. */
    while (g_main_context_iteration(worker_ctx, FALSE))
        ;
    return ok;
}

/* ---- the worker ------------------------------------------------------------- */

static void tell_loop(void)
{
    if (report_pipe[1] >= 0) {
        ssize_t r = write(report_pipe[1], "n", 1);
        (void)r; /* full: the loop has a wake-up pending anyway */
    }
}

static gpointer worker_main(gpointer unused)
{
    worker_ctx = g_main_context_new();
    g_main_context_push_thread_default(worker_ctx);
    g_mutex_lock(&mu);
    while (!stopping) {
        item *it = g_queue_pop_head(&queue);
        if (!it) {
            worker_busy = false;
            g_cond_broadcast(&idle_cond);
            g_cond_wait(&wake_cond, &mu);
            continue;
        }
        worker_busy = true;
        if (!available && bc_now_ms() < retry_at) {
            /* Backing off: no D-Bus, straight to the fallback. */
            stats.fallback++;
            to_fallback++;
            g_mutex_unlock(&mu);
            item_free(it);
            tell_loop();
            g_mutex_lock(&mu);
            continue;
        }
        bc_notify_backend fn = backend_fn ? backend_fn : libnotify_show;
        void *data = backend_data;
        g_mutex_unlock(&mu);
        bool ok = fn(it->key, it->summary, it->body, it->urgency, data);
        item_free(it);
        g_mutex_lock(&mu);
        if (ok) {
            stats.shown++;
            if (!available) {
                available = true;
                came_back = true;
                g_mutex_unlock(&mu);
                tell_loop();
                g_mutex_lock(&mu);
            }
        } else {
            stats.attempts++;
            stats.fallback++;
            to_fallback++;
            if (available)
                went_down = true;
            available = false;
            retry_at = bc_now_ms() + retry_ms;
            g_mutex_unlock(&mu);
            tell_loop();
            g_mutex_lock(&mu);
        }
    }
    g_mutex_unlock(&mu);
    g_clear_pointer(&notes, g_hash_table_destroy);
    if (ln_initted) {
        ln.uninit();
        ln_initted = false;
    }
    while (g_main_context_iteration(worker_ctx, FALSE))
        ;
    g_main_context_pop_thread_default(worker_ctx);
    g_main_context_unref(worker_ctx);
    worker_ctx = NULL;
    g_mutex_lock(&mu);
    worker_gone = true;
    worker_busy = false;
    g_cond_broadcast(&idle_cond);
    g_mutex_unlock(&mu);
    return NULL;
}

static void on_report(int fd, short revents, void *unused)
{
    char buf[64];
    while (read(fd, buf, sizeof buf) > 0)
        ;
    bc_notify_dispatch();
}

static void at_exit(void) { bc_notify_shutdown(500); }

/* Loop thread, `mu` held. */
static void ensure_worker(void)
{
    if (report_pipe[0] < 0 && pipe2(report_pipe, O_CLOEXEC | O_NONBLOCK) != 0)
        report_pipe[0] = report_pipe[1] = -1;
    if (!watched && report_pipe[0] >= 0 && bc_loop_running()) {
        bc_loop_watch(report_pipe[0], POLLIN, on_report, NULL);
        watched = true;
    }
    if (worker)
        return;
    stopping = worker_gone = false;
    worker = g_thread_new("bc-notify", worker_main, NULL);
    if (!exit_hook) {
        exit_hook = true;
        atexit(at_exit);
    }
}

static void bell(void)
{
    fell_back = true;
    if (bc_config_bool("notify", "bell", true) && isatty(STDOUT_FILENO)) {
        ssize_t r = write(STDOUT_FILENO, "\a", 1);
        (void)r;
    }
}

/* Loop thread: hand one notification over (or to the fallback). */
static void deliver(char *key, const char *summary, char *body, bc_notify_urgency urgency)
{
    if (!bc_config_bool("notify", "desktop", true)) {
        g_free(key);
        g_free(body);
        g_mutex_lock(&mu);
        stats.fallback++;
        g_mutex_unlock(&mu);
        bell();
        return;
    }
    g_mutex_lock(&mu);
    bool outside_app = !bc_loop_running() && !backend_fn && !desktop_forced;
    if (outside_app || (!available && bc_now_ms() < retry_at)) {
        stats.fallback++;
        g_mutex_unlock(&mu);
        g_free(key);
        g_free(body);
        bell();
        return;
    }
    ensure_worker();
    for (GList *l = queue.head; l; l = l->next) {
        item *q = l->data;
        if (strcmp(q->key, key) == 0) {
            /* Not shown yet, and it would be replaced anyway. */
            g_free(q->summary);
            g_free(q->body);
            q->summary = g_strdup(summary);
            q->body = body;
            if (urgency > q->urgency)
                q->urgency = urgency;
            stats.coalesced++;
            g_mutex_unlock(&mu);
            g_free(key);
            return;
        }
    }
    if (g_queue_get_length(&queue) >= queue_cap && queue_cap > 0) {
        item_free(g_queue_pop_head(&queue));
        stats.dropped++;
    }
    item *it = g_new0(item, 1);
    it->key = key;
    it->summary = g_strdup(summary && *summary ? summary : "backchat");
    it->body = body;
    it->urgency = urgency;
    g_queue_push_tail(&queue, it);
    stats.queued++;
    g_cond_signal(&wake_cond);
    g_mutex_unlock(&mu);
}

/* ---- entry points ----------------------------------------------------------- */

static int minute_now(void)
{
    time_t t = time(NULL);
    struct tm tm;
    localtime_r(&t, &tm);
    return tm.tm_hour * 60 + tm.tm_min;
}

static bool dnd_now(void)
{
    const bc_own_status *st = bc_status_current();
    return st && st->show == BC_SHOW_DND;
}

static char *make_body(bc_notify_kind kind, const char *text)
{
    bool own_text = kind == BC_NOTIFY_MESSAGE || kind == BC_NOTIFY_MENTION ||
                    kind == BC_NOTIFY_PRIORITY;
    if (own_text && !bc_config_bool("notify", "show_text", true))
        return g_strdup(kind == BC_NOTIFY_PRIORITY ? "Priority announcement" : "New message");
    if (!text)
        return g_strdup("");
    char *cut = NULL;
    if (g_utf8_validate(text, -1, NULL) && g_utf8_strlen(text, -1) > BODY_MAX_CHARS) {
        char *head = g_utf8_substring(text, 0, BODY_MAX_CHARS);
        cut = g_strconcat(head, "…", NULL);
        g_free(head);
    }
    char *b = bc_notify_markup_escape(cut ? cut : text);
    g_free(cut);
    return b;
}

void bc_notify_event(bc_notify_kind kind, const char *conv, const char *summary,
                     const char *body, bc_notify_urgency urgency)
{
    if (kind == BC_NOTIFY_PRIORITY)
        urgency = BC_URGENCY_CRITICAL;
    if (holding && kind != BC_NOTIFY_PRIORITY && kind != BC_NOTIFY_MENTION) {
        g_mutex_lock(&mu);
        stats.suppressed++;
        stats.held++;
        g_mutex_unlock(&mu);
        return;
    }
    if (bc_notify_decide(kind, conv, minute_now(), dnd_now()) != BC_NOTIFY_SHOW) {
        g_mutex_lock(&mu);
        stats.suppressed++;
        g_mutex_unlock(&mu);
        return;
    }
    deliver(bc_notify_key(kind, conv), summary, make_body(kind, body), urgency);
}

void bc_notify_message(const char *conv, const char *from, const char *text)
{
    bc_session *s = bc_session_get();
    char *nick = s && s->account && s->account->jid ? bc_jid_display(s->account->jid) : NULL;
    bool mention = nick && bc_notify_mentions(text, nick);
    g_free(nick);
    bc_notify_event(mention ? BC_NOTIFY_MENTION : BC_NOTIFY_MESSAGE, conv, from, text,
                    BC_URGENCY_NORMAL);
}

/* ---- the loop side of reports ----------------------------------------------- */

void bc_notify_dispatch(void)
{
    g_mutex_lock(&mu);
    uint64_t n = to_fallback;
    to_fallback = 0;
    bool down = went_down, back = came_back;
    went_down = came_back = false;
    char *why = g_strdup(down_reason);
    g_mutex_unlock(&mu);
    if (n)
        bell();
    if (down && !told_down) {
        told_down = true;
        bc_console("Desktop notifications are not available (%s); backchat %s, shows "
                   "the unread count in the window title and tries again in %d s. "
                   "See /notify.", why ? why : "no notification service",
                   bc_config_bool("notify", "bell", true) ? "rings the terminal bell instead"
                                                          : "stays silent ([notify] bell=false)",
                   retry_ms / 1000);
    }
    if (back && told_down) {
        told_down = false;
        bc_console("Desktop notifications work again.");
    }
    g_free(why);
}

/* ---- hold and the title ------------------------------------------------------ */

void bc_notify_hold(bool on) { holding = on; }
bool bc_notify_held(void) { return holding; }

const char *bc_notify_title(void)
{
    static char title[48];
    g_mutex_lock(&mu);
    bool down = !available;
    g_mutex_unlock(&mu);
    /* Only once the bell stood in: a working desktop, or nothing to tell
     * yet, leaves the user's title alone. */
    if (!fell_back || (!down && bc_config_bool("notify", "desktop", true)))
        return NULL;
    unsigned long unread = 0;
    for (size_t i = 0; i < bc_conv_count(); i++)
        unread += bc_conv_nth(i)->unread;
    if (unread)
        g_snprintf(title, sizeof title, "backchat (%lu)", unread);
    else
        g_strlcpy(title, "backchat", sizeof title);
    return title;
}

/* ---- control ---------------------------------------------------------------- */

void bc_notify_set_backend(bc_notify_backend fn, void *data)
{
    g_mutex_lock(&mu);
    backend_fn = fn;
    backend_data = data;
    available = true;
    retry_at = 0;
    g_mutex_unlock(&mu);
}

void bc_notify_force_desktop(bool on)
{
    g_mutex_lock(&mu);
    desktop_forced = on;
    g_mutex_unlock(&mu);
}

bc_notify_stats bc_notify_get_stats(void)
{
    g_mutex_lock(&mu);
    bc_notify_stats s = stats;
    s.available = available;
    s.retry_at_ms = available ? 0 : retry_at;
    g_mutex_unlock(&mu);
    return s;
}

bool bc_notify_flush(int ms)
{
    gint64 end = g_get_monotonic_time() + (gint64)ms * 1000;
    g_mutex_lock(&mu);
    bool ok = true;
    while (worker && !worker_gone && (queue.length || worker_busy))
        if (!g_cond_wait_until(&idle_cond, &mu, end)) {
            ok = false;
            break;
        }
    g_mutex_unlock(&mu);
    return ok;
}

void bc_notify_tune(size_t cap, int retry)
{
    g_mutex_lock(&mu);
    queue_cap = cap;
    retry_ms = retry;
    g_mutex_unlock(&mu);
}

void bc_notify_shutdown(int ms)
{
    g_mutex_lock(&mu);
    if (!worker) {
        g_mutex_unlock(&mu);
        return;
    }
    stopping = true;
    g_cond_signal(&wake_cond);
    gint64 end = g_get_monotonic_time() + (gint64)ms * 1000;
    while (!worker_gone)
        if (!g_cond_wait_until(&idle_cond, &mu, end))
            break;
    bool gone = worker_gone;
    GThread *t = worker;
    worker = NULL;
    g_mutex_unlock(&mu);
    if (!gone) {
        /* Stuck in D-Bus; the process is on its way out. */
        g_thread_unref(t);
        return;
    }
    g_thread_join(t);
    g_mutex_lock(&mu);
    g_queue_clear_full(&queue, (GDestroyNotify)item_free);
    g_clear_pointer(&down_reason, g_free);
    stopping = false;
    g_mutex_unlock(&mu);
    if (watched && bc_loop_running())
        bc_loop_unwatch(report_pipe[0]);
    watched = false;
    if (report_pipe[0] >= 0) {
        close(report_pipe[0]);
        close(report_pipe[1]);
        report_pipe[0] = report_pipe[1] = -1;
    }
}
