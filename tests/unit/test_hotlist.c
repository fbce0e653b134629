/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for the hotlist (src/core/hotlist.c): activity levels, the
 * order Alt-a follows, reply-wait timers, the read marker. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include <glib.h>

#include "backchat/conv.h"
#include "backchat/hotlist.h"

#define T0 1700000000

static int setup(void **state)
{
    (void)state;
    bc_convs_init(100);
    bc_hotlist_set_now(T0);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    bc_convs_free();
    bc_hotlist_set_now(0);
    return 0;
}

/* An incoming line as core adds it; `mention` as core marks a mention. */
static bc_line *in(bc_conv *c, const char *text, bool mention)
{
    bc_line *l = bc_conv_add(c, BC_LINE_IN, "x", text, 0);
    if (mention && c != bc_conv_current()) {
        l->highlight = true;
        c->mentions++;
    }
    return l;
}

static void test_levels(void **state)
{
    (void)state;
    bc_conv *room = bc_conv_open_room("team@conference.localhost", false);
    bc_conv *chat = bc_conv_open("bob@localhost", false);
    bc_conv *priv = bc_conv_open_private("team@conference.localhost/carol", false);
    assert_int_equal(bc_hotlist_level(room), BC_ACT_NONE);
    assert_string_equal(bc_activity_name(BC_ACT_NONE), "none");

    bc_conv_add(room, BC_LINE_SYS, NULL, "dave joined", 0);
    assert_int_equal(bc_hotlist_level(room), BC_ACT_LOW);
    in(room, "hello all", false);
    assert_int_equal(bc_hotlist_level(room), BC_ACT_MESSAGE);
    in(room, "alice: look", true);
    assert_int_equal(bc_hotlist_level(room), BC_ACT_HIGHLIGHT);
    assert_string_equal(bc_activity_name(BC_ACT_HIGHLIGHT), "highlight");

    /* A system line in a chat is not activity; a message is private. */
    bc_conv_add(chat, BC_LINE_SYS, NULL, "bob is away", 0);
    assert_int_equal(bc_hotlist_level(chat), BC_ACT_NONE);
    in(chat, "hi", false);
    assert_int_equal(bc_hotlist_level(chat), BC_ACT_PRIVATE);
    in(priv, "psst", false);
    assert_int_equal(bc_hotlist_level(priv), BC_ACT_PRIVATE);

    /* Becoming current clears it, also the low level. */
    bc_conv_select(bc_conv_index(room));
    assert_int_equal(bc_hotlist_level(room), BC_ACT_NONE);
    in(room, "while you look", false);
    assert_int_equal(bc_hotlist_level(room), BC_ACT_NONE);
    bc_conv_select(0);
    assert_int_equal(bc_hotlist_level(room), BC_ACT_NONE);
    assert_false(room->hot_low);

    /* Room history on join: core takes the unread count back, and the
     * activity goes with it. */
    bc_conv *other = bc_conv_open_room("other@conference.localhost", false);
    unsigned before = other->unread;
    in(other, "old news", false);
    other->unread = before;
    assert_int_equal(bc_hotlist_level(other), BC_ACT_NONE);
}

static void test_order_and_walk(void **state)
{
    (void)state;
    bc_conv *room = bc_conv_open_room("team@conference.localhost", false);
    bc_conv *chat = bc_conv_open("bob@localhost", false);
    bc_conv *hi = bc_conv_open_room("ops@conference.localhost", false);
    bc_conv *low = bc_conv_open_room("lobby@conference.localhost", false);
    bc_conv *chat2 = bc_conv_open("carol@localhost", false);
    /* Oldest first: a room message, a 1:1, the lobby's joins, a second
     * 1:1, then a mention. */
    in(room, "room message", false);
    bc_hotlist_set_now(T0 + 10);
    in(chat, "1:1", false);
    bc_hotlist_set_now(T0 + 20);
    bc_conv_add(low, BC_LINE_SYS, NULL, "erin left", 0);
    bc_hotlist_set_now(T0 + 30);
    in(chat2, "another 1:1", false);
    bc_hotlist_set_now(T0 + 40);
    in(hi, "alice: now", true);

    GPtrArray *o = bc_hotlist_order();
    assert_int_equal(o->len, 5);
    assert_ptr_equal(o->pdata[0], hi);
    assert_ptr_equal(o->pdata[1], chat);  /* the 1:1 waiting longest */
    assert_ptr_equal(o->pdata[2], chat2);
    assert_ptr_equal(o->pdata[3], room);
    assert_ptr_equal(o->pdata[4], low);
    g_ptr_array_unref(o);

    /* More activity in a tab does not make it newer. */
    bc_hotlist_set_now(T0 + 50);
    in(chat, "still there?", false);
    assert_ptr_equal(bc_hotlist_next(), hi);

    /* Alt-a, again and again: down the list, then nothing. */
    bc_conv *expect[] = {hi, chat, chat2, room, low};
    for (size_t i = 0; i < G_N_ELEMENTS(expect); i++) {
        bc_conv *n = bc_hotlist_next();
        assert_ptr_equal(n, expect[i]);
        bc_conv_select(bc_conv_index(n));
    }
    assert_null(bc_hotlist_next());
}

static void test_reply_wait(void **state)
{
    (void)state;
    bc_conv *chat = bc_conv_open("bob@localhost", false);
    bc_conv *room = bc_conv_open_room("team@conference.localhost", false);
    assert_false(bc_hotlist_waiting());
    assert_int_equal(bc_hotlist_tick_ms(), 0); /* idle: no tick */
    assert_null(bc_hotlist_wait_label(chat));

    in(room, "rooms do not wait for us", false);
    assert_int_equal(bc_hotlist_wait_seconds(room), -1);
    assert_false(bc_hotlist_waiting());

    in(chat, "are you there?", false);
    assert_true(bc_hotlist_waiting());
    char *l = bc_hotlist_wait_label(chat);
    assert_string_equal(l, "0m");
    g_free(l);
    /* The next minute turns in a minute (and a little). */
    unsigned ms = bc_hotlist_tick_ms();
    assert_true(ms > 59000 && ms <= 60200);

    /* A second message does not restart the wait; reading does not stop it. */
    bc_hotlist_set_now(T0 + 150);
    in(chat, "hello?", false);
    bc_conv_select(bc_conv_index(chat));
    l = bc_hotlist_wait_label(chat);
    assert_string_equal(l, "2m");
    g_free(l);
    ms = bc_hotlist_tick_ms();
    assert_true(ms > 29000 && ms <= 30200);
    assert_false(bc_hotlist_wait_warn(chat)); /* default threshold: 5 minutes */
    bc_hotlist_set_now(T0 + 5 * 60);
    assert_true(bc_hotlist_wait_warn(chat));
    bc_hotlist_set_now(T0 + 2 * 3600 + 5 * 60);
    l = bc_hotlist_wait_label(chat);
    assert_string_equal(l, "2h5m");
    g_free(l);

    /* Our reply ends it. */
    bc_conv_add(chat, BC_LINE_OUT, "me", "sorry, here", 0);
    assert_int_equal(bc_hotlist_wait_seconds(chat), -1);
    assert_false(bc_hotlist_waiting());
    assert_int_equal(bc_hotlist_tick_ms(), 0);

    /* A delayed message waits from its own time. */
    bc_conv_add(chat, BC_LINE_IN, "bob", "sent while you were away",
                T0 + 2 * 3600 + 5 * 60 - 600);
    assert_int_equal(bc_hotlist_wait_seconds(chat), 600);
}

static void test_read_marker(void **state)
{
    (void)state;
    bc_conv *chat = bc_conv_open("bob@localhost", true);
    in(chat, "one", false);
    bc_conv_add(chat, BC_LINE_OUT, "me", "two", 0);
    bc_conv_select(0); /* leave it, read */
    assert_int_equal(bc_hotlist_marker_index(chat), -1);

    bc_line *first = in(chat, "three", false);
    in(chat, "four", false);
    /* One marker, right above the first line that came in. */
    assert_int_equal(chat->len, 5);
    long m = bc_hotlist_marker_index(chat);
    assert_int_equal(m, 2);
    const bc_line *ml = bc_conv_line(chat, 2);
    assert_true(ml->read_marker);
    assert_int_equal(ml->kind, BC_LINE_SYS);
    assert_string_equal(ml->text, BC_READ_MARKER);
    assert_ptr_equal(bc_conv_line(chat, 3), first);
    assert_int_equal(chat->unread, 2); /* the marker is not unread */
    int markers = 0;
    for (size_t i = 0; i < chat->len; i++)
        markers += bc_conv_line(chat, i)->read_marker;
    assert_int_equal(markers, 1);

    /* Coming back keeps it where it is; Alt-u scrolls to it. */
    bc_conv_select(bc_conv_index(chat));
    assert_int_equal(bc_hotlist_marker_index(chat), 2);
    bc_conv_set_page(2);
    assert_true(bc_hotlist_jump_unread(chat, NULL));
    assert_int_equal(chat->scroll, 1); /* marker, three, four: one row above the page */
    bc_conv_scroll(chat, -1000000);

    /* Read and left again: it goes; new lines put it further down. */
    bc_conv_select(0);
    assert_int_equal(bc_hotlist_marker_index(chat), -1);
    assert_int_equal(chat->len, 4);
    GError *err = NULL;
    assert_false(bc_hotlist_jump_unread(chat, &err));
    assert_non_null(err);
    g_clear_error(&err);
    in(chat, "five", false);
    assert_int_equal(bc_hotlist_marker_index(chat), 4);

    /* A tab never looked at gets no marker: everything in it is new. */
    bc_conv *fresh = bc_conv_open("carol@localhost", false);
    in(fresh, "a", false);
    in(fresh, "b", false);
    assert_int_equal(bc_hotlist_marker_index(fresh), -1);
    /* Nor does a line we send. */
    bc_conv *dave = bc_conv_open("dave@localhost", true);
    in(dave, "x", false);
    bc_conv_select(0);
    bc_conv_add(dave, BC_LINE_OUT, "me", "sent from elsewhere", 0);
    assert_int_equal(bc_hotlist_marker_index(dave), -1);
}

/* A full ring: the marker still goes in, the oldest line goes out. */
static void test_marker_full_ring(void **state)
{
    (void)state;
    bc_conv *chat = bc_conv_open("bob@localhost", true);
    for (size_t i = 0; i < chat->cap; i++)
        in(chat, "old", false);
    bc_conv_select(0);
    in(chat, "new", false);
    assert_int_equal(chat->len, chat->cap);
    long m = bc_hotlist_marker_index(chat);
    assert_int_equal(m, (long)chat->cap - 2);
    assert_string_equal(bc_conv_line(chat, chat->len - 1)->text, "new");
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_levels), T(test_order_and_walk), T(test_reply_wait), T(test_read_marker),
        T(test_marker_full_ring),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
