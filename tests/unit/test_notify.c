/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for notifications (src/notify/): the policy (levels, quiet
 * hours across midnight, dnd, escaping, one notification per conversation)
 * and delivery that never blocks the loop, even with no D-Bus at all. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <glib.h>

#include "backchat/config.h"
#include "backchat/conv.h"
#include "backchat/loop.h"
#include "backchat/notify.h"
#include "backchat/status.h"
#include "tmpdir.h"

static char *tmp;

/* ---- a recording backend (runs on the worker thread) -------------------- */

typedef struct {
    char *key, *summary, *body;
    bc_notify_urgency urgency;
} shown;

static GMutex rec_mu;
static GPtrArray *rec;      /* of shown* */
static int fail_next;       /* that many calls fail */
static int calls;

static void shown_free(gpointer p)
{
    shown *s = p;
    g_free(s->key);
    g_free(s->summary);
    g_free(s->body);
    g_free(s);
}

static bool record(const char *key, const char *summary, const char *body,
                   bc_notify_urgency urgency, void *data)
{
    g_mutex_lock(&rec_mu);
    calls++;
    bool ok = fail_next <= 0;
    if (fail_next > 0)
        fail_next--;
    if (ok) {
        shown *s = g_new0(shown, 1);
        s->key = g_strdup(key);
        s->summary = g_strdup(summary);
        s->body = g_strdup(body);
        s->urgency = urgency;
        g_ptr_array_add(rec, s);
    }
    g_mutex_unlock(&rec_mu);
    return ok;
}

static void write_config(const char *text)
{
    char *path = g_build_filename(tmp, "config.ini", NULL);
    g_file_set_contents(path, text, -1, NULL);
    GError *err = NULL;
    assert_true(bc_config_load(path, &err));
    g_free(path);
}

static int setup(void **state)
{
    tmp = bc_test_tmp_xdg("bc-notify-XXXXXX");
    bc_loop_init();
    bc_convs_init(100);
    bc_config_load("/nonexistent/backchat-config", NULL);
    bc_status_init();
    bc_notify_policy_reset();
    rec = g_ptr_array_new_with_free_func(shown_free);
    fail_next = calls = 0;
    bc_notify_tune(32, 60000);
    bc_notify_set_backend(record, NULL);
    return 0;
}

static int teardown(void **state)
{
    bc_notify_shutdown(2000);
    bc_notify_set_backend(NULL, NULL);
    g_ptr_array_free(rec, TRUE);
    rec = NULL;
    bc_notify_policy_reset();
    bc_status_free();
    bc_config_free();
    bc_convs_free();
    bc_loop_free();
    bc_test_rm_rf(tmp);
    g_free(tmp);
    tmp = NULL;
    return 0;
}

/* ---- policy ---------------------------------------------------------------- */

static void test_levels(void **state)
{
    const char *bob = "bob@example.com";
    /* Default for 1:1: all. */
    assert_int_equal(bc_notify_get_level(bob), BC_LEVEL_ALL);
    assert_int_equal(bc_notify_decide(BC_NOTIFY_MESSAGE, bob, 600, false), BC_NOTIFY_SHOW);

    bc_notify_set_level(bob, BC_LEVEL_MENTIONS);
    assert_true(bc_notify_has_own_level("BOB@example.com"));
    assert_int_equal(bc_notify_decide(BC_NOTIFY_MESSAGE, bob, 600, false), BC_NOTIFY_SKIP_LEVEL);
    assert_int_equal(bc_notify_decide(BC_NOTIFY_MENTION, bob, 600, false), BC_NOTIFY_SHOW);
    assert_int_equal(bc_notify_decide(BC_NOTIFY_ATTENTION, bob, 600, false), BC_NOTIFY_SHOW);
    /* Others keep the default. */
    assert_int_equal(bc_notify_decide(BC_NOTIFY_MESSAGE, "carol@example.com", 600, false),
                     BC_NOTIFY_SHOW);

    bc_notify_set_level(bob, BC_LEVEL_NONE);
    assert_int_equal(bc_notify_decide(BC_NOTIFY_MENTION, bob, 600, false), BC_NOTIFY_SKIP_LEVEL);
    assert_int_equal(bc_notify_decide(BC_NOTIFY_SUBSCRIPTION, bob, 600, false),
                     BC_NOTIFY_SKIP_LEVEL);
    /* A priority announcement always comes through. */
    assert_int_equal(bc_notify_decide(BC_NOTIFY_PRIORITY, bob, 600, false), BC_NOTIFY_SHOW);

    /* The default (console /notify LEVEL) and the config's default. */
    bc_notify_set_level(NULL, BC_LEVEL_MENTIONS);
    assert_int_equal(bc_notify_get_level("carol@example.com"), BC_LEVEL_MENTIONS);
    assert_int_equal(bc_notify_get_level(bob), BC_LEVEL_NONE);
    bc_notify_clear_level(bob);
    assert_int_equal(bc_notify_get_level(bob), BC_LEVEL_MENTIONS);
    bc_notify_policy_reset();
    write_config("[notify]\nlevel=none\n");
    assert_int_equal(bc_notify_get_level(bob), BC_LEVEL_NONE);

    char **list = NULL;
    bc_notify_set_level("zed@x", BC_LEVEL_ALL);
    bc_notify_set_level("amy@x", BC_LEVEL_NONE);
    list = bc_notify_levels_list();
    assert_int_equal(g_strv_length(list), 2);
    assert_string_equal(list[0], "amy@x");
    assert_string_equal(list[1], "zed@x");
    g_strfreev(list);

    bc_notify_level l;
    assert_true(bc_notify_level_parse("Mentions", &l));
    assert_int_equal(l, BC_LEVEL_MENTIONS);
    assert_false(bc_notify_level_parse("some", &l));
    assert_string_equal(bc_notify_level_name(BC_LEVEL_NONE), "none");
}

static void test_quiet_hours(void **state)
{
    int f, t;
    assert_true(bc_notify_quiet_parse("22:00-07:30", &f, &t));
    assert_int_equal(f, 22 * 60);
    assert_int_equal(t, 7 * 60 + 30);
    /* Across midnight. */
    assert_true(bc_notify_in_quiet(f, t, 22 * 60));
    assert_true(bc_notify_in_quiet(f, t, 23 * 60 + 59));
    assert_true(bc_notify_in_quiet(f, t, 0));
    assert_true(bc_notify_in_quiet(f, t, 7 * 60 + 29));
    assert_false(bc_notify_in_quiet(f, t, 7 * 60 + 30));
    assert_false(bc_notify_in_quiet(f, t, 12 * 60));
    assert_false(bc_notify_in_quiet(f, t, 21 * 60 + 59));
    /* Within a day. */
    assert_true(bc_notify_quiet_parse("9:05-12:00", &f, &t));
    assert_int_equal(f, 9 * 60 + 5);
    assert_true(bc_notify_in_quiet(f, t, 10 * 60));
    assert_false(bc_notify_in_quiet(f, t, 12 * 60));
    assert_false(bc_notify_in_quiet(f, t, 23 * 60));
    assert_true(bc_notify_quiet_parse("23:00-24:00", &f, &t));
    assert_int_equal(t, 0);
    assert_true(bc_notify_in_quiet(f, t, 23 * 60 + 30));
    /* Not time ranges. */
    const char *bad[] = {"22:00", "25:00-07:00", "22:60-07:00", "2200-0700", "22:0-07:00",
                         "22:00-22:00", "", "-", "aa:bb-cc:dd", "22:00-07:00x", NULL};
    for (int i = 0; bad[i]; i++)
        assert_false(bc_notify_quiet_parse(bad[i], &f, &t));

    /* In force: all but priority is held. */
    bc_notify_set_quiet(22 * 60, 7 * 60);
    assert_int_equal(bc_notify_decide(BC_NOTIFY_MESSAGE, "b@x", 23 * 60, false),
                     BC_NOTIFY_SKIP_QUIET);
    assert_int_equal(bc_notify_decide(BC_NOTIFY_MENTION, "b@x", 3 * 60, false),
                     BC_NOTIFY_SKIP_QUIET);
    assert_int_equal(bc_notify_decide(BC_NOTIFY_SUBSCRIPTION, "b@x", 3 * 60, false),
                     BC_NOTIFY_SKIP_QUIET);
    assert_int_equal(bc_notify_decide(BC_NOTIFY_PRIORITY, "b@x", 3 * 60, false), BC_NOTIFY_SHOW);
    assert_int_equal(bc_notify_decide(BC_NOTIFY_MESSAGE, "b@x", 12 * 60, false), BC_NOTIFY_SHOW);
    bc_notify_quiet_off();
    assert_false(bc_notify_get_quiet(&f, &t));
    assert_int_equal(bc_notify_decide(BC_NOTIFY_MESSAGE, "b@x", 23 * 60, false), BC_NOTIFY_SHOW);

    /* From the config, until /notify quiet changes it. */
    bc_notify_policy_reset();
    write_config("[notify]\nquiet=23:30-06:00\n");
    assert_true(bc_notify_get_quiet(&f, &t));
    assert_int_equal(f, 23 * 60 + 30);
    assert_int_equal(t, 6 * 60);
}

static void test_dnd(void **state)
{
    for (int k = BC_NOTIFY_MESSAGE; k <= BC_NOTIFY_SUBSCRIPTION; k++)
        assert_int_equal(bc_notify_decide((bc_notify_kind)k, "b@x", 600, true),
                         k == BC_NOTIFY_PRIORITY ? BC_NOTIFY_SHOW : BC_NOTIFY_SKIP_QUIET);

    /* Through the real status: dnd holds a message, not a priority one. */
    bc_status_set(BC_SHOW_DND, NULL, NULL, NULL, NULL, 0);
    bc_notify_stats before = bc_notify_get_stats();
    bc_notify_message("bob@x", "Bob", "are you there?");
    bc_notify_event(BC_NOTIFY_PRIORITY, "news@x", "Ops", "Outage", BC_URGENCY_LOW);
    assert_true(bc_notify_flush(2000));
    bc_notify_stats after = bc_notify_get_stats();
    assert_int_equal(after.suppressed - before.suppressed, 1);
    assert_int_equal(rec->len, 1);
    shown *s = rec->pdata[0];
    assert_string_equal(s->summary, "Ops");
    assert_string_equal(s->body, "Outage");
    assert_int_equal(s->urgency, BC_URGENCY_CRITICAL); /* priority is always critical */
    bc_status_set(BC_SHOW_ONLINE, NULL, NULL, NULL, NULL, 0);
}

static void test_escape_and_mentions(void **state)
{
    char *e = bc_notify_markup_escape("a<b>&c \"q\" 'x' <i>é</i>");
    assert_string_equal(e, "a&lt;b&gt;&amp;c \"q\" 'x' &lt;i&gt;é&lt;/i&gt;");
    g_free(e);
    e = bc_notify_markup_escape("");
    assert_string_equal(e, "");
    g_free(e);

    assert_true(bc_notify_mentions("hey alice, look", "alice"));
    assert_true(bc_notify_mentions("ALICE: look", "alice"));
    assert_true(bc_notify_mentions("alice", "alice"));
    assert_false(bc_notify_mentions("malice aforethought", "alice"));
    assert_false(bc_notify_mentions("alices", "alice"));
    assert_true(bc_notify_mentions("malice and alice", "alice"));
    assert_false(bc_notify_mentions("hello", ""));
    assert_false(bc_notify_mentions(NULL, "alice"));
}

static void test_replacement_key(void **state)
{
    char *a = bc_notify_key(BC_NOTIFY_MESSAGE, "bob@x");
    char *b = bc_notify_key(BC_NOTIFY_MENTION, "Bob@X");
    char *c = bc_notify_key(BC_NOTIFY_PRIORITY, "bob@x");
    char *d = bc_notify_key(BC_NOTIFY_MESSAGE, "carol@x");
    char *s = bc_notify_key(BC_NOTIFY_SUBSCRIPTION, "bob@x");
    assert_string_equal(a, b);
    assert_string_equal(a, c);
    assert_string_not_equal(a, d);
    assert_string_not_equal(a, s);
    g_free(a);
    g_free(b);
    g_free(c);
    g_free(d);
    g_free(s);
}

/* The whole path: policy, body, queue, worker, backend. */
static void test_delivery(void **state)
{
    bc_notify_message("bob@x", "Bob", "1 < 2 & <b>bold</b>");
    assert_true(bc_notify_flush(2000));
    assert_int_equal(rec->len, 1);
    shown *s = rec->pdata[0];
    assert_string_equal(s->key, "conv:bob@x");
    assert_string_equal(s->summary, "Bob");
    assert_string_equal(s->body, "1 &lt; 2 &amp; &lt;b&gt;bold&lt;/b&gt;");
    assert_int_equal(s->urgency, BC_URGENCY_NORMAL);

    /* Level none for bob: nothing more from bob; carol still notifies. */
    bc_notify_set_level("bob@x", BC_LEVEL_NONE);
    bc_notify_message("bob@x", "Bob", "again");
    bc_notify_message("carol@x", "Carol", "hi");
    bc_notify_event(BC_NOTIFY_SUBSCRIPTION, "dave@x", "dave@x", "asks to see your presence",
                    BC_URGENCY_NORMAL);
    assert_true(bc_notify_flush(2000));
    assert_int_equal(rec->len, 3);
    assert_string_equal(((shown *)rec->pdata[1])->key, "conv:carol@x");
    assert_string_equal(((shown *)rec->pdata[2])->key, "sub:dave@x");

    /* show_text=false hides the message text. */
    write_config("[notify]\nshow_text=false\n");
    bc_notify_message("carol@x", "Carol", "secret plans");
    assert_true(bc_notify_flush(2000));
    assert_int_equal(rec->len, 4);
    assert_string_equal(((shown *)rec->pdata[3])->body, "New message");
    assert_string_equal(((shown *)rec->pdata[3])->summary, "Carol");

    /* desktop=false: nothing reaches the backend (the bell instead). */
    write_config("[notify]\ndesktop=false\n");
    bc_notify_stats before = bc_notify_get_stats();
    bc_notify_message("carol@x", "Carol", "x");
    assert_true(bc_notify_flush(2000));
    assert_int_equal(rec->len, 4);
    assert_int_equal(bc_notify_get_stats().fallback - before.fallback, 1);
}

/* Several for one conversation while the worker is busy: one notification,
 * the newest text. */
static gint gate_open;
static bool slow_record(const char *key, const char *summary, const char *body,
                        bc_notify_urgency urgency, void *data)
{
    while (!g_atomic_int_get(&gate_open))
        g_usleep(1000);
    return record(key, summary, body, urgency, data);
}

static void test_coalesce_and_drop(void **state)
{
    g_atomic_int_set(&gate_open, 0);
    bc_notify_set_backend(slow_record, NULL);
    bc_notify_tune(4, 60000);
    bc_notify_stats before = bc_notify_get_stats();
    bc_notify_message("first@x", "First", "blocks the worker");
    g_usleep(50000); /* the worker has taken it */
    for (int i = 0; i < 5; i++) {
        char *t = g_strdup_printf("bob %d", i);
        bc_notify_message("bob@x", "Bob", t);
        g_free(t);
    }
    for (int i = 0; i < 6; i++) {
        char *c = g_strdup_printf("c%d@x", i);
        bc_notify_message(c, c, "hi");
        g_free(c);
    }
    g_atomic_int_set(&gate_open, 1);
    assert_true(bc_notify_flush(3000));
    bc_notify_stats after = bc_notify_get_stats();
    assert_int_equal(after.coalesced - before.coalesced, 4);
    /* bob (1) + c0..c5 (6) into a queue of 4: the 3 oldest dropped. */
    assert_int_equal(after.dropped - before.dropped, 3);
    assert_int_equal(rec->len, 1 + 4);
    assert_string_equal(((shown *)rec->pdata[0])->key, "conv:first@x");
    assert_string_equal(((shown *)rec->pdata[1])->key, "conv:c2@x");
    assert_string_equal(((shown *)rec->pdata[4])->key, "conv:c5@x");
    /* Had bob survived, it would carry the newest text. */
    bc_notify_set_backend(slow_record, NULL);
    g_atomic_int_set(&gate_open, 0);
    bc_notify_message("first@x", "First", "blocks");
    g_usleep(50000);
    bc_notify_message("bob@x", "Bob", "old");
    bc_notify_message("bob@x", "Bob", "new");
    g_atomic_int_set(&gate_open, 1);
    assert_true(bc_notify_flush(3000));
    shown *last = rec->pdata[rec->len - 1];
    assert_string_equal(last->key, "conv:bob@x");
    assert_string_equal(last->body, "new");
}

/* After a failure the worker stops calling the backend for retry_ms, then
 * tries again. */
static void test_backoff(void **state)
{
    bc_notify_tune(32, 200);
    fail_next = 1;
    bc_notify_stats before = bc_notify_get_stats();
    bc_notify_message("a@x", "A", "one");
    assert_true(bc_notify_flush(2000));
    assert_int_equal(calls, 1);
    bc_notify_stats st = bc_notify_get_stats();
    assert_false(st.available);
    assert_true(st.retry_at_ms > bc_now_ms());
    for (int i = 0; i < 50; i++)
        bc_notify_message("a@x", "A", "more");
    assert_true(bc_notify_flush(2000));
    assert_int_equal(calls, 1); /* no retry while backing off */
    st = bc_notify_get_stats();
    assert_int_equal(st.fallback - before.fallback, 51);
    bc_notify_dispatch(); /* the console note; the bell (not a tty here) */
    g_usleep(250000);
    bc_notify_message("a@x", "A", "back");
    assert_true(bc_notify_flush(2000));
    assert_int_equal(calls, 2);
    assert_true(bc_notify_get_stats().available);
    assert_int_equal(rec->len, 1);
    bc_notify_dispatch();
}

/* The property that matters: with no session bus, 100 notifications cost
 * the loop nothing, the worker gives up after one attempt, and shutdown is
 * prompt. This uses the real libnotify backend. */
static void test_no_bus_never_blocks(void **state)
{
    /* A socket file nobody listens on. */
    char *sock = g_build_filename(tmp, "dead-bus", NULL);
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    g_strlcpy(sa.sun_path, sock, sizeof sa.sun_path);
    assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    close(fd);
    char *addr = g_strdup_printf("unix:path=%s", sock);
    g_setenv("DBUS_SESSION_BUS_ADDRESS", addr, TRUE);
    g_free(addr);

    bc_notify_set_backend(NULL, NULL); /* libnotify */
    /* Outside the application's loop, libnotify is never reached (other
     * modules' unit tests must not pop up desktop notifications). */
    bc_notify_stats st0 = bc_notify_get_stats();
    bc_notify_message("x@example.com", "x", "not for the desktop");
    assert_int_equal(bc_notify_get_stats().queued, st0.queued);
    assert_int_equal(bc_notify_get_stats().fallback, st0.fallback + 1);
    bc_notify_force_desktop(true);
    bc_notify_tune(32, 60000);
    bc_notify_stats before = bc_notify_get_stats();
    int64_t t0 = g_get_monotonic_time();
    for (int i = 0; i < 100; i++) {
        char *conv = g_strdup_printf("peer%d@example.com", i);
        bc_notify_message(conv, conv, "hello <there> & welcome");
        g_free(conv);
    }
    int64_t enqueue_us = g_get_monotonic_time() - t0;
    print_message("    100 notifications enqueued in %.3f ms\n", enqueue_us / 1000.0);
    assert_true(enqueue_us < 10000);

    t0 = g_get_monotonic_time();
    assert_true(bc_notify_flush(5000));
    int64_t worker_us = g_get_monotonic_time() - t0;
    bc_notify_stats after = bc_notify_get_stats();
    print_message("    worker done in %.1f ms: %" G_GUINT64_FORMAT " D-Bus attempt(s), "
                  "%" G_GUINT64_FORMAT " to the fallback, %" G_GUINT64_FORMAT " dropped\n",
                  worker_us / 1000.0, after.attempts - before.attempts,
                  after.fallback - before.fallback, after.dropped - before.dropped);
    assert_int_equal(after.shown, before.shown);
    assert_int_equal(after.attempts - before.attempts, 1); /* gave up, did not spin */
    assert_false(after.available);
    assert_true(after.retry_at_ms - bc_now_ms() > 50000);
    assert_int_equal((after.fallback - before.fallback) + (after.dropped - before.dropped), 100);

    /* While backing off, the loop goes straight to the fallback. */
    t0 = g_get_monotonic_time();
    bc_notify_message("late@example.com", "late", "x");
    assert_true(g_get_monotonic_time() - t0 < 2000);
    assert_int_equal(bc_notify_get_stats().queued, after.queued);
    bc_notify_dispatch();

    t0 = g_get_monotonic_time();
    bc_notify_shutdown(1000);
    int64_t stop_us = g_get_monotonic_time() - t0;
    print_message("    worker joined in %.1f ms\n", stop_us / 1000.0);
    assert_true(stop_us < 1000000);
    bc_notify_force_desktop(false);
    g_unsetenv("DBUS_SESSION_BUS_ADDRESS");
    unlink(sock);
    g_free(sock);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_levels, setup, teardown),
        cmocka_unit_test_setup_teardown(test_quiet_hours, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dnd, setup, teardown),
        cmocka_unit_test_setup_teardown(test_escape_and_mentions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_replacement_key, setup, teardown),
        cmocka_unit_test_setup_teardown(test_delivery, setup, teardown),
        cmocka_unit_test_setup_teardown(test_coalesce_and_drop, setup, teardown),
        cmocka_unit_test_setup_teardown(test_backoff, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_bus_never_blocks, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
