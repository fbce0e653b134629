/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Chat states (src/core/chatstate.c): the peers' typing and its expiry,
 * and which peers get our own states, and when. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "backchat/chatstate.h"
#include "backchat/conv.h"
#include "backchat/loop.h"

/* What the sender was asked to send, "jid:state" each. */
static GPtrArray *sent;
static bool sender_online;

static bool fake_sender(const char *jid, bc_chatstate st)
{
    if (!sender_online)
        return false;
    g_ptr_array_add(sent, g_strdup_printf("%s:%s", jid, bc_chatstate_name(st)));
    return true;
}

static int setup(void **state)
{
    (void)state;
    bc_loop_init();
    bc_convs_init(100);
    sent = g_ptr_array_new_with_free_func(g_free);
    sender_online = true;
    bc_chatstate_set_sender(fake_sender);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    bc_chatstate_free();
    g_ptr_array_unref(sent);
    bc_convs_free();
    bc_loop_free();
    return 0;
}

static void quit_cb(void *data)
{
    (void)data;
    bc_loop_quit();
}

/* Runs the loop for `ms` milliseconds. */
static void run_for(unsigned ms)
{
    bc_timer_add(ms, quit_cb, NULL);
    bc_loop_run();
}

static const char *sent_at(guint i) { return i < sent->len ? sent->pdata[i] : NULL; }

static void test_names(void **state)
{
    (void)state;
    for (int s = BC_CHATSTATE_ACTIVE; s <= BC_CHATSTATE_GONE; s++)
        assert_int_equal(bc_chatstate_parse(bc_chatstate_name((bc_chatstate)s)), s);
    assert_null(bc_chatstate_name(BC_CHATSTATE_NONE));
    assert_int_equal(bc_chatstate_parse("typing"), BC_CHATSTATE_NONE);
    assert_int_equal(bc_chatstate_parse(NULL), BC_CHATSTATE_NONE);
}

/* "bob is typing…" while composing; gone after the expiry without an
 * update, and the title is marked for a redraw then. */
static void test_composing_expires(void **state)
{
    (void)state;
    bc_chatstate_set_times(60, 0);
    bc_conv *c = bc_conv_open("bob@example.org", false);
    assert_null(bc_chatstate_describe(c));
    bc_chatstate_received("bob@example.org", BC_CHATSTATE_COMPOSING);
    assert_int_equal(bc_chatstate_of("bob@example.org"), BC_CHATSTATE_COMPOSING);
    char *d = bc_chatstate_describe(c);
    assert_string_equal(d, "bob is typing\xe2\x80\xa6");
    g_free(d);
    bc_dirty_take();
    run_for(150);
    assert_true(bc_dirty_take() & BC_DIRTY_TITLE);
    assert_int_equal(bc_chatstate_of("bob@example.org"), BC_CHATSTATE_ACTIVE);
    assert_null(bc_chatstate_describe(c));
    /* Still known to support chat states. */
    assert_true(bc_chatstate_supported("bob@example.org"));
}

/* An update keeps "composing" alive: the expiry counts from the last one. */
static void test_composing_refreshed(void **state)
{
    (void)state;
    bc_chatstate_set_times(200, 0);
    bc_chatstate_received("bob@example.org", BC_CHATSTATE_COMPOSING);
    run_for(120);
    bc_chatstate_received("bob@example.org", BC_CHATSTATE_COMPOSING);
    run_for(120);
    assert_int_equal(bc_chatstate_of("bob@example.org"), BC_CHATSTATE_COMPOSING);
    run_for(150);
    assert_int_equal(bc_chatstate_of("bob@example.org"), BC_CHATSTATE_ACTIVE);
}

/* Their message arrived: they are no longer typing it. Other states
 * are not typing either. */
static void test_message_ends_typing(void **state)
{
    (void)state;
    bc_conv *c = bc_conv_open("bob@example.org", false);
    bc_chatstate_received("bob@example.org", BC_CHATSTATE_COMPOSING);
    bc_chatstate_message_seen("bob@example.org");
    assert_int_equal(bc_chatstate_of("bob@example.org"), BC_CHATSTATE_ACTIVE);
    bc_chatstate_received("bob@example.org", BC_CHATSTATE_PAUSED);
    assert_null(bc_chatstate_describe(c));
    /* A body from someone who never sent a state makes nothing up. */
    bc_chatstate_message_seen("carol@example.org");
    assert_int_equal(bc_chatstate_of("carol@example.org"), BC_CHATSTATE_NONE);
    assert_false(bc_chatstate_supported("carol@example.org"));
}

/* Only peers that sent us a chat state get ours (XEP-0085 §5.1). */
static void test_only_supporting_peers(void **state)
{
    (void)state;
    bc_conv *c = bc_conv_open("carol@example.org", true);
    bc_chatstate_typed(c, "");
    bc_chatstate_typed(c, "h");
    bc_chatstate_typed(c, "hi");
    assert_int_equal(sent->len, 0);
    assert_int_equal(bc_chatstate_ours("carol@example.org"), BC_CHATSTATE_NONE);
    /* Once carol has shown support, typing is announced. */
    bc_chatstate_received("carol@example.org", BC_CHATSTATE_ACTIVE);
    bc_chatstate_typed(c, "hi ");
    assert_int_equal(sent->len, 1);
    assert_string_equal(sent_at(0), "carol@example.org:composing");
}

/* Composing once per burst of typing, not per key; cursor moves (the
 * same line) and commands are not typing. */
static void test_composing_once(void **state)
{
    (void)state;
    bc_conv *c = bc_conv_open("bob@example.org", true);
    bc_chatstate_received("bob@example.org", BC_CHATSTATE_ACTIVE);
    bc_chatstate_typed(c, "");
    bc_chatstate_typed(c, "/win 2");
    assert_int_equal(sent->len, 0); /* a command */
    bc_chatstate_typed(c, "");
    bc_chatstate_typed(c, "h");
    bc_chatstate_typed(c, "h");
    bc_chatstate_typed(c, "he");
    bc_chatstate_typed(c, "hel");
    assert_int_equal(sent->len, 1);
    assert_string_equal(sent_at(0), "bob@example.org:composing");
    assert_int_equal(bc_chatstate_ours("bob@example.org"), BC_CHATSTATE_COMPOSING);
    /* The message goes out with <active/>: the next typing is news. */
    bc_chatstate_sent_active("bob@example.org");
    assert_int_equal(bc_chatstate_ours("bob@example.org"), BC_CHATSTATE_ACTIVE);
    bc_chatstate_typed(c, "");
    bc_chatstate_typed(c, "a");
    assert_int_equal(sent->len, 2);
    assert_string_equal(sent_at(1), "bob@example.org:composing");
}

/* No change to the line for the pause delay: "paused", once. Typing in
 * between pushes the pause back. */
static void test_paused_after_idle(void **state)
{
    (void)state;
    bc_chatstate_set_times(0, 150);
    bc_conv *c = bc_conv_open("bob@example.org", true);
    bc_chatstate_received("bob@example.org", BC_CHATSTATE_ACTIVE);
    bc_chatstate_typed(c, "x");
    assert_int_equal(sent->len, 1);
    run_for(100);
    bc_chatstate_typed(c, "xy");
    run_for(100);
    assert_int_equal(sent->len, 1); /* 100 ms since the last key */
    run_for(120);
    assert_int_equal(sent->len, 2);
    assert_string_equal(sent_at(1), "bob@example.org:paused");
    run_for(200);
    assert_int_equal(sent->len, 2);
    /* Typing again after the pause is composing again. */
    bc_chatstate_typed(c, "xyz");
    assert_int_equal(sent->len, 3);
    assert_string_equal(sent_at(2), "bob@example.org:composing");
    /* Sending the message stops the pause timer. */
    bc_chatstate_sent_active("bob@example.org");
    run_for(250);
    assert_int_equal(sent->len, 3);
}

/* Switching tabs with text in the line is not typing in the new tab;
 * rooms and the console never get states. */
static void test_switch_is_not_typing(void **state)
{
    (void)state;
    bc_conv *bob = bc_conv_open("bob@example.org", true);
    bc_conv *ann = bc_conv_open("ann@example.org", false);
    bc_conv *room = bc_conv_open_room("team@conference.example.org", false);
    bc_chatstate_received("bob@example.org", BC_CHATSTATE_ACTIVE);
    bc_chatstate_received("ann@example.org", BC_CHATSTATE_ACTIVE);
    bc_chatstate_typed(bob, "");
    bc_chatstate_typed(ann, "draft");   /* switched with a draft: nothing */
    bc_chatstate_typed(room, "draft!");
    bc_chatstate_typed(bc_conv_console(), "draft!!");
    assert_int_equal(sent->len, 0);
    bc_chatstate_typed(ann, "draft");
    bc_chatstate_typed(ann, "drafts");  /* a change in ann's tab */
    assert_int_equal(sent->len, 1);
    assert_string_equal(sent_at(0), "ann@example.org:composing");
}

/* Private chats are keyed by the occupant's full JID. */
static void test_private_chat(void **state)
{
    (void)state;
    bc_conv *p = bc_conv_open_private("team@conference.example.org/bob", true);
    bc_chatstate_received("team@conference.example.org/bob", BC_CHATSTATE_COMPOSING);
    char *d = bc_chatstate_describe(p);
    assert_non_null(d);
    assert_non_null(strstr(d, "is typing"));
    g_free(d);
    assert_false(bc_chatstate_supported("team@conference.example.org"));
    bc_chatstate_typed(p, "");
    bc_chatstate_typed(p, "hi");
    assert_int_equal(sent->len, 1);
    assert_string_equal(sent_at(0), "team@conference.example.org/bob:composing");
}

/* Offline: nothing sent, and the next change tries again. */
static void test_sender_offline(void **state)
{
    (void)state;
    bc_conv *c = bc_conv_open("bob@example.org", true);
    bc_chatstate_received("bob@example.org", BC_CHATSTATE_ACTIVE);
    sender_online = false;
    bc_chatstate_typed(c, "a");
    assert_int_equal(bc_chatstate_ours("bob@example.org"), BC_CHATSTATE_NONE);
    sender_online = true;
    bc_chatstate_typed(c, "ab");
    assert_int_equal(sent->len, 1);
}

/* Support is per session; the table of peers is bounded. */
static void test_reset_and_bound(void **state)
{
    (void)state;
    bc_chatstate_received("bob@example.org", BC_CHATSTATE_COMPOSING);
    bc_chatstate_reset();
    assert_false(bc_chatstate_supported("bob@example.org"));
    assert_int_equal(bc_chatstate_of("bob@example.org"), BC_CHATSTATE_NONE);
    char jid[64];
    for (int i = 0; i < 1100; i++) {
        snprintf(jid, sizeof jid, "spam%d@example.org", i);
        bc_chatstate_received(jid, BC_CHATSTATE_COMPOSING);
    }
    assert_true(bc_chatstate_supported("spam0@example.org"));
    assert_false(bc_chatstate_supported("spam1099@example.org"));
    /* No timers left behind by the reset (ASan would see them fire on
     * freed peers). */
    bc_chatstate_reset();
    bc_chatstate_set_times(10, 10);
    run_for(50);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_names, setup, teardown),
        cmocka_unit_test_setup_teardown(test_composing_expires, setup, teardown),
        cmocka_unit_test_setup_teardown(test_composing_refreshed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_message_ends_typing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_only_supporting_peers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_composing_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_paused_after_idle, setup, teardown),
        cmocka_unit_test_setup_teardown(test_switch_is_not_typing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_private_chat, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sender_offline, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reset_and_bound, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
