/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for the connection's DNS on a worker thread
 * (src/xmpp/resolve.c): literals, the SRV order, lookups answered on the
 * loop thread, cancelling. Only names every system knows (localhost) are
 * looked up: no test depends on a name server. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include <glib.h>

#include "../../src/xmpp/resolve.h"
#include "backchat/loop.h"

typedef struct {
    int calls;
    GPtrArray *targets;
    char *error;
} answer;

static void on_answer(GPtrArray *targets, const char *error, void *data)
{
    answer *a = data;
    a->calls++;
    a->targets = targets;
    a->error = g_strdup(error);
    bc_loop_quit();
}

static void on_timeout(void *data)
{
    (void)data;
    bc_loop_quit();
}

/* Runs the loop until the answer (or 10 s). */
static void wait_answer(void)
{
    unsigned t = bc_timer_add(10000, on_timeout, NULL);
    bc_loop_run();
    bc_timer_cancel(t);
}

static void clear(answer *a)
{
    if (a->targets)
        g_ptr_array_unref(a->targets);
    g_free(a->error);
    memset(a, 0, sizeof *a);
}

static int setup(void **state)
{
    bc_loop_init();
    return 0;
}

static int teardown(void **state)
{
    bc_loop_free();
    return 0;
}

static void test_literals(void **state)
{
    assert_true(bc_resolve_is_literal("127.0.0.1"));
    assert_true(bc_resolve_is_literal("::1"));
    assert_true(bc_resolve_is_literal("2001:db8::5"));
    assert_false(bc_resolve_is_literal("localhost"));
    assert_false(bc_resolve_is_literal("example.org"));
    assert_false(bc_resolve_is_literal("127.0.0.1.example.org"));
    assert_false(bc_resolve_is_literal(""));
    assert_false(bc_resolve_is_literal(NULL));
}

static void test_srv_order(void **state)
{
    GArray *a = g_array_new(FALSE, TRUE, sizeof(bc_srv));
    bc_srv in[] = {
        {.priority = 20, .weight = 0, .port = 1, .target = "c"},
        {.priority = 10, .weight = 5, .port = 2, .target = "b"},
        {.priority = 10, .weight = 60, .port = 3, .target = "a"},
        {.priority = 30, .weight = 100, .port = 4, .target = "d"},
    };
    g_array_append_vals(a, in, G_N_ELEMENTS(in));
    bc_srv_sort(a);
    const char *want = "abcd";
    for (guint i = 0; i < a->len; i++)
        assert_int_equal(g_array_index(a, bc_srv, i).target[0], want[i]);
    g_array_unref(a);
}

static void test_host_lookup_on_the_loop(void **state)
{
    answer a = {0};
    /* A configured host and port; the JID's domain does not matter. */
    unsigned id = bc_resolve_start("example.org", "localhost", 5299, false, on_answer, &a);
    assert_int_not_equal(id, 0);
    assert_int_equal(a.calls, 0); /* never from inside the call */
    wait_answer();
    assert_int_equal(a.calls, 1);
    assert_null(a.error);
    assert_non_null(a.targets);
    assert_true(a.targets->len >= 1);
    bool loopback = false;
    for (guint i = 0; i < a.targets->len; i++) {
        const bc_resolved *t = a.targets->pdata[i];
        assert_int_equal(t->port, 5299);
        assert_true(bc_resolve_is_literal(t->addr));
        loopback |= strcmp(t->addr, "127.0.0.1") == 0 || strcmp(t->addr, "::1") == 0;
    }
    assert_true(loopback);
    clear(&a);

    /* No port: the default of the TLS mode. */
    bc_resolve_start("example.org", "127.0.0.1", 0, true, on_answer, &a);
    wait_answer();
    assert_int_equal(a.calls, 1);
    assert_int_equal(a.targets->len, 1);
    assert_string_equal(((bc_resolved *)a.targets->pdata[0])->addr, "127.0.0.1");
    assert_int_equal(((bc_resolved *)a.targets->pdata[0])->port, 5223);
    clear(&a);
    bc_resolve_start("example.org", "127.0.0.1", 0, false, on_answer, &a);
    wait_answer();
    assert_int_equal(((bc_resolved *)a.targets->pdata[0])->port, 5222);
    clear(&a);
}

static void test_cancel(void **state)
{
    answer a = {0}, b = {0};
    unsigned id = bc_resolve_start("example.org", "127.0.0.1", 5222, false, on_answer, &a);
    bc_resolve_start("example.org", "127.0.0.2", 5222, false, on_answer, &b);
    bc_resolve_cancel(id);
    wait_answer(); /* b's answer ends the loop; a's is dropped */
    assert_int_equal(b.calls, 1);
    /* Let a's answer arrive too, if it has not yet: still no call. */
    unsigned t = bc_timer_add(200, on_timeout, NULL);
    bc_loop_run();
    bc_timer_cancel(t);
    assert_int_equal(a.calls, 0);
    clear(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_literals),
        cmocka_unit_test(test_srv_order),
        cmocka_unit_test_setup_teardown(test_host_lookup_on_the_loop, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cancel, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
