/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for holding notifications (a call): only priority
 * announcements and mentions come through; and the window title that
 * stands in for desktop notifications when there are none. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include <glib.h>

#include "backchat/config.h"
#include "backchat/conv.h"
#include "backchat/loop.h"
#include "backchat/notify.h"
#include "backchat/status.h"
#include "tmpdir.h"

static char *tmp;
static GMutex rec_mu;
static GPtrArray *rec; /* keys shown, "KEY URGENCY" */
static bool fail_all;

static bool record(const char *key, const char *summary, const char *body,
                   bc_notify_urgency urgency, void *data)
{
    g_mutex_lock(&rec_mu);
    if (!fail_all)
        g_ptr_array_add(rec, g_strdup_printf("%s %d", key, (int)urgency));
    g_mutex_unlock(&rec_mu);
    return !fail_all;
}

static int setup(void **state)
{
    tmp = bc_test_tmp_xdg("bc-hold-XXXXXX");
    bc_loop_init();
    bc_convs_init(100);
    bc_config_load("/nonexistent/backchat-config", NULL);
    bc_status_init();
    bc_notify_policy_reset();
    bc_notify_hold(false);
    rec = g_ptr_array_new_with_free_func(g_free);
    fail_all = false;
    bc_notify_tune(32, 60000);
    bc_notify_set_backend(record, NULL);
    return 0;
}

static int teardown(void **state)
{
    bc_notify_hold(false);
    bc_notify_shutdown(2000);
    bc_notify_set_backend(NULL, NULL);
    g_ptr_array_free(rec, TRUE);
    bc_notify_policy_reset();
    bc_status_free();
    bc_config_free();
    bc_convs_free();
    bc_loop_free();
    bc_test_rm_rf(tmp);
    g_free(tmp);
    return 0;
}

static bool recorded(const char *s)
{
    for (guint i = 0; i < rec->len; i++)
        if (strcmp(rec->pdata[i], s) == 0)
            return true;
    return false;
}

static void test_hold(void **state)
{
    assert_false(bc_notify_held());
    bc_notify_hold(true);
    assert_true(bc_notify_held());
    bc_notify_stats before = bc_notify_get_stats();
    bc_notify_message("bob@x", "Bob", "a 1:1 message");
    bc_notify_event(BC_NOTIFY_SUBSCRIPTION, "dave@x", "dave@x", "asks", BC_URGENCY_NORMAL);
    bc_notify_event(BC_NOTIFY_ATTENTION, "erin@x", "Erin", "hey", BC_URGENCY_NORMAL);
    bc_notify_event(BC_NOTIFY_MENTION, "room@conf.x", "bob in room", "alice: look",
                    BC_URGENCY_NORMAL);
    bc_notify_event(BC_NOTIFY_PRIORITY, "boss@x", "Boss", "all hands", BC_URGENCY_NORMAL);
    assert_true(bc_notify_flush(2000));
    assert_int_equal(rec->len, 2);
    assert_true(recorded("conv:room@conf.x 1"));
    assert_true(recorded("conv:boss@x 2")); /* priority: always critical */
    bc_notify_stats after = bc_notify_get_stats();
    assert_int_equal(after.held - before.held, 3);
    assert_int_equal(after.suppressed - before.suppressed, 3);

    /* Held ones are not delivered later either; new ones flow again. */
    bc_notify_hold(false);
    assert_true(bc_notify_flush(2000));
    assert_int_equal(rec->len, 2);
    bc_notify_message("bob@x", "Bob", "after the call");
    assert_true(bc_notify_flush(2000));
    assert_int_equal(rec->len, 3);
    assert_true(recorded("conv:bob@x 1"));
}

static void test_title_when_falling_back(void **state)
{
    /* Desktop notifications work: the title is left alone. */
    bc_notify_message("bob@x", "Bob", "hi");
    assert_true(bc_notify_flush(2000));
    assert_null(bc_notify_title());

    /* No notification service: the bell, and the title counts unread. */
    fail_all = true;
    bc_conv *c = bc_conv_open("carol@x", false);
    c->unread = 3;
    bc_notify_message("carol@x", "Carol", "hello");
    assert_true(bc_notify_flush(2000));
    bc_notify_dispatch();
    assert_false(bc_notify_get_stats().available);
    const char *t = bc_notify_title();
    assert_non_null(t);
    assert_string_equal(t, "backchat (3)");
    c->unread = 0;
    assert_string_equal(bc_notify_title(), "backchat");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_hold, setup, teardown),
        cmocka_unit_test_setup_teardown(test_title_when_falling_back, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
