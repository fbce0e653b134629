/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for conversations (src/core/conv.c): tabs, lookup, unread, scrollback ring, dirty bits. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <time.h>

#include <glib.h>

#include "backchat/conv.h"

static int setup(void **state)
{
    (void)state;
    bc_convs_init(100);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    bc_convs_free();
    return 0;
}

static void test_console(void **state)
{
    (void)state;
    assert_int_equal(bc_conv_count(), 1);
    bc_conv *c = bc_conv_console();
    assert_non_null(c);
    assert_ptr_equal(bc_conv_nth(0), c);
    assert_ptr_equal(bc_conv_current(), c);
    assert_int_equal(bc_conv_current_index(), 0);
    assert_int_equal(c->type, BC_CONV_CONSOLE);
    assert_null(c->jid);
    assert_non_null(c->title);
    assert_int_equal(c->len, 0);
    assert_int_equal(bc_conv_index(c), 0);
    assert_null(bc_conv_nth(1));
    assert_false(bc_conv_close(0));
    assert_int_equal(bc_conv_count(), 1);
    assert_false(bc_conv_select(1));
    assert_int_equal(bc_conv_current_index(), 0);
    /* Calling init again does not add another console. */
    bc_convs_init(100);
    assert_int_equal(bc_conv_count(), 1);
}

/* Tab names cannot be used to pass one contact off as another. */
static void test_titles_not_misleading(void **state)
{
    (void)state;
    bc_conv *a = bc_conv_open("bob@example.org", false);
    assert_string_equal(a->title, "bob");
    bc_conv *b = bc_conv_open("bob@other.example", false);
    assert_string_equal(b->title, "bob@other.example");
    bc_conv *c = bc_conv_open("bob@\xd0\xb0pple.example", false); /* Cyrillic a */
    assert_string_equal(c->title, "bob@\xd0\xb0pple.example");
    bc_conv *d = bc_conv_open("carol@example.org", false);
    assert_string_equal(d->title, "carol");
}

static void test_open_find(void **state)
{
    (void)state;
    bc_conv *bob = bc_conv_open("bob@example.org", false);
    assert_non_null(bob);
    assert_int_equal(bob->type, BC_CONV_CHAT);
    assert_string_equal(bob->jid, "bob@example.org");
    assert_string_equal(bob->title, "bob");
    assert_int_equal(bc_conv_count(), 2);
    assert_int_equal(bc_conv_current_index(), 0); /* not focused */
    assert_int_equal(bc_conv_index(bob), 1);

    assert_ptr_equal(bc_conv_find("bob@example.org"), bob);
    assert_ptr_equal(bc_conv_find("bob@EXAMPLE.ORG"), bob);
    assert_ptr_equal(bc_conv_find("Bob@Example.org/phone"), bob);
    assert_null(bc_conv_find("bob@example.org/")); /* invalid: empty resource */
    assert_null(bc_conv_find("alice@example.org"));
    assert_null(bc_conv_find("bob@example.com"));
    assert_null(bc_conv_find(NULL));
    assert_null(bc_conv_find("console"));

    /* Opening again (any case, with a resource) returns the same tab. */
    assert_ptr_equal(bc_conv_open("BOB@example.ORG/laptop", false), bob);
    assert_int_equal(bc_conv_count(), 2);

    /* A new tab stores the bare JID. */
    bc_conv *al = bc_conv_open("Alice@Example.ORG/work", true);
    assert_non_null(al);
    assert_string_equal(al->jid, "alice@example.org");
    assert_int_equal(bc_conv_count(), 3);
    assert_ptr_equal(bc_conv_current(), al);
    assert_int_equal(bc_conv_current_index(), 2);

    /* Focusing an existing tab. */
    assert_ptr_equal(bc_conv_open("bob@example.org", true), bob);
    assert_int_equal(bc_conv_current_index(), 1);

    assert_null(bc_conv_open("not a jid", true));
    assert_null(bc_conv_open("", false));
    assert_int_equal(bc_conv_count(), 3);
    assert_int_equal(bc_conv_current_index(), 1);
}

static void test_known_jids(void **state)
{
    (void)state;
    GPtrArray *k = bc_known_jids();
    assert_non_null(k);
    assert_int_equal(k->len, 0);
    bc_conv_open("bob@example.org", false);
    bc_known_jid_add("carol@example.org");
    bc_known_jid_add("carol@example.org");
    bc_known_jid_add(NULL);
    k = bc_known_jids();
    assert_int_equal(k->len, 2);
    assert_string_equal(k->pdata[0], "bob@example.org");
    assert_string_equal(k->pdata[1], "carol@example.org");
}

static void test_unread(void **state)
{
    (void)state;
    bc_conv *bob = bc_conv_open("bob@example.org", false);
    bc_conv_add(bob, BC_LINE_SYS, NULL, "info", 0);
    bc_conv_add(bob, BC_LINE_OUT, "me", "sent", 0);
    bc_conv_add(bob, BC_LINE_ERR, NULL, "oops", 0);
    assert_int_equal(bob->unread, 0);
    bc_conv_add(bob, BC_LINE_IN, "bob", "hi", 0);
    bc_conv_add(bob, BC_LINE_IN, "bob", "there", 0);
    assert_int_equal(bob->unread, 2);
    assert_int_equal(bob->len, 5);

    /* Lines in the console (current) never count. */
    bc_conv_add(bc_conv_console(), BC_LINE_IN, "x", "y", 0);
    assert_int_equal(bc_conv_console()->unread, 0);

    assert_true(bc_conv_select(1));
    assert_int_equal(bob->unread, 0);
    bc_conv_add(bob, BC_LINE_IN, "bob", "seen", 0);
    assert_int_equal(bob->unread, 0);

    /* Switching away: counts again. */
    assert_true(bc_conv_select(0));
    bc_conv_add(bob, BC_LINE_IN, "bob", "later", 0);
    assert_int_equal(bob->unread, 1);
}

static void test_line_contents(void **state)
{
    (void)state;
    bc_conv *bob = bc_conv_open("bob@example.org", false);
    char from[] = "bob";
    char text[] = "hello";
    time_t before = time(NULL);
    bc_conv_add(bob, BC_LINE_IN, from, text, 0);
    time_t after = time(NULL);
    bc_conv_add(bob, BC_LINE_OUT, NULL, NULL, 1234567890);
    /* The strings were copied. */
    from[0] = 'X';
    text[0] = 'X';
    /* Lines are in time order: the older (delayed) one goes first. */
    const bc_line *l = bc_conv_line(bob, 1);
    assert_non_null(l);
    assert_int_equal(l->kind, BC_LINE_IN);
    assert_string_equal(l->from, "bob");
    assert_string_equal(l->text, "hello");
    assert_true(l->ts >= (int64_t)before && l->ts <= (int64_t)after);
    l = bc_conv_line(bob, 0);
    assert_int_equal(l->kind, BC_LINE_OUT);
    assert_null(l->from);
    assert_string_equal(l->text, "");
    assert_int_equal(l->ts, 1234567890);
    assert_null(bc_conv_line(bob, 2));
    assert_null(bc_conv_line(NULL, 0));
    bc_conv_add(NULL, BC_LINE_IN, "x", "y", 0); /* harmless */
}

static void test_ring_bounded(void **state)
{
    (void)state;
    bc_conv *bob = bc_conv_open("bob@example.org", false);
    assert_int_equal(bob->cap, 100);
    char buf[32];
    for (int i = 0; i < 1000; i++) {
        snprintf(buf, sizeof buf, "line %d", i);
        bc_conv_add(bob, BC_LINE_IN, "bob", buf, 1000 + i);
    }
    assert_int_equal(bob->len, 100);
    assert_string_equal(bc_conv_line(bob, 0)->text, "line 900");
    assert_int_equal(bc_conv_line(bob, 0)->ts, 1900);
    assert_string_equal(bc_conv_line(bob, 50)->text, "line 950");
    assert_string_equal(bc_conv_line(bob, 99)->text, "line 999");
    assert_null(bc_conv_line(bob, 100));
    for (size_t i = 0; i < 100; i++) {
        snprintf(buf, sizeof buf, "line %zu", 900 + i);
        assert_string_equal(bc_conv_line(bob, i)->text, buf);
    }
    assert_int_equal(bob->unread, 1000);
}

static void test_close_adjusts_current(void **state)
{
    (void)state;
    bc_conv *a = bc_conv_open("a@example.org", false); /* 1 */
    bc_conv *b = bc_conv_open("b@example.org", false); /* 2 */
    bc_conv *c = bc_conv_open("c@example.org", false); /* 3 */
    (void)a;
    assert_true(bc_conv_select(3));

    /* Closing a tab left of the current keeps the same conversation current. */
    assert_true(bc_conv_close(1));
    assert_int_equal(bc_conv_count(), 3);
    assert_ptr_equal(bc_conv_current(), c);
    assert_int_equal(bc_conv_current_index(), 2);
    assert_null(bc_conv_find("a@example.org"));

    /* Closing a tab right of the current changes nothing. */
    bc_conv *d = bc_conv_open("d@example.org", false); /* 3 */
    (void)d;
    assert_true(bc_conv_select(1)); /* b */
    assert_true(bc_conv_close(3));
    assert_ptr_equal(bc_conv_current(), b);
    assert_int_equal(bc_conv_current_index(), 1);

    /* Closing the current tab focuses a tab that exists. */
    assert_true(bc_conv_select(2)); /* c, the last */
    assert_true(bc_conv_close(2));
    assert_int_equal(bc_conv_count(), 2);
    assert_true(bc_conv_current_index() < bc_conv_count());
    assert_ptr_equal(bc_conv_current(), b);

    assert_true(bc_conv_close(1));
    assert_int_equal(bc_conv_count(), 1);
    assert_int_equal(bc_conv_current_index(), 0);
    assert_ptr_equal(bc_conv_current(), bc_conv_console());

    assert_false(bc_conv_close(1));
    assert_false(bc_conv_close(99));
    assert_false(bc_conv_close(0));
}

static void test_dirty(void **state)
{
    (void)state;
    assert_int_equal(bc_dirty_take() & BC_DIRTY_ALL, BC_DIRTY_ALL); /* fresh init */
    assert_int_equal(bc_dirty_take(), 0);

    bc_dirty(BC_DIRTY_INPUT);
    bc_dirty(BC_DIRTY_TITLE);
    assert_int_equal(bc_dirty_take(), BC_DIRTY_INPUT | BC_DIRTY_TITLE);
    assert_int_equal(bc_dirty_take(), 0);

    bc_conv_add(bc_conv_console(), BC_LINE_SYS, NULL, "x", 0);
    assert_true(bc_dirty_take() & BC_DIRTY_VIEW);

    bc_conv *bob = bc_conv_open("bob@example.org", false);
    assert_true(bc_dirty_take() & BC_DIRTY_TABS);
    bc_conv_add(bob, BC_LINE_IN, "bob", "hi", 0);
    unsigned d = bc_dirty_take();
    assert_true(d & BC_DIRTY_TABS);
    assert_false(d & BC_DIRTY_VIEW); /* not on screen */

    bc_conv_add(bob, BC_LINE_SYS, NULL, "quiet", 0);
    assert_false(bc_dirty_take() & BC_DIRTY_VIEW);

    assert_true(bc_conv_select(1));
    assert_int_equal(bc_dirty_take() & BC_DIRTY_ALL, BC_DIRTY_ALL);

    bc_conv_scroll(bob, 3);
    assert_true(bc_dirty_take() & BC_DIRTY_VIEW);
    assert_int_equal(bob->scroll, 3);
    bc_conv_scroll(bob, -10);
    assert_int_equal(bob->scroll, 0);
    bc_conv_scroll(NULL, 1);
}

static void test_page(void **state)
{
    (void)state;
    bc_conv_set_page(30);
    assert_int_equal(bc_conv_page(), 30);
    bc_conv_set_page(0);
    assert_true(bc_conv_page() >= 1);
    bc_conv_set_page(20);
}

static void test_multiline_messages(void **state)
{
    (void)state;
    bc_conv *con = bc_conv_console();
    bc_console("one\ntwo\nthree %d", 3);
    assert_int_equal(con->len, 3);
    assert_string_equal(bc_conv_line(con, 0)->text, "one");
    assert_string_equal(bc_conv_line(con, 1)->text, "two");
    assert_string_equal(bc_conv_line(con, 2)->text, "three 3");
    assert_int_equal(bc_conv_line(con, 0)->kind, BC_LINE_SYS);

    bc_console_err("bad\nworse");
    assert_int_equal(con->len, 5);
    assert_int_equal(bc_conv_line(con, 3)->kind, BC_LINE_ERR);
    assert_int_equal(bc_conv_line(con, 4)->kind, BC_LINE_ERR);
    assert_string_equal(bc_conv_line(con, 4)->text, "worse");

    /* bc_error / bc_info go to the current tab. */
    bc_conv *bob = bc_conv_open("bob@example.org", true);
    bc_error("e1\ne2");
    bc_info("i1");
    assert_int_equal(bob->len, 3);
    assert_int_equal(bc_conv_line(bob, 0)->kind, BC_LINE_ERR);
    assert_string_equal(bc_conv_line(bob, 1)->text, "e2");
    assert_int_equal(bc_conv_line(bob, 2)->kind, BC_LINE_SYS);
    assert_string_equal(bc_conv_line(bob, 2)->text, "i1");
    assert_int_equal(con->len, 5);
}

static void test_format_text_literal(void **state)
{
    (void)state;
    bc_conv *con = bc_conv_console();
    const char *remote = "%s%n%x%p";
    bc_console("%s", remote);
    bc_console("peer said: %s", remote);
    assert_int_equal(con->len, 2);
    assert_string_equal(bc_conv_line(con, 0)->text, "%s%n%x%p");
    assert_string_equal(bc_conv_line(con, 1)->text, "peer said: %s%n%x%p");

    bc_conv *bob = bc_conv_open("bob@example.org", false);
    bc_conv_add(bob, BC_LINE_IN, "%n%s", "%s%n", 0);
    assert_string_equal(bc_conv_line(bob, 0)->text, "%s%n");
    assert_string_equal(bc_conv_line(bob, 0)->from, "%n%s");
}

/* Without bc_convs_init nothing crashes and nothing is found. */
static void test_uninitialised(void **state)
{
    (void)state;
    bc_convs_free();
    assert_int_equal(bc_conv_count(), 0);
    assert_null(bc_conv_console());
    assert_null(bc_conv_current());
    assert_null(bc_conv_find("bob@example.org"));
    assert_false(bc_conv_select(0));
    assert_false(bc_conv_close(1));
    bc_console("dropped");
    bc_error("dropped");
    bc_known_jid_add("bob@example.org");
    assert_null(bc_known_jids());
    bc_convs_init(100);
    assert_int_equal(bc_conv_count(), 1);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_console),
        T(test_open_find),
        T(test_titles_not_misleading),
        T(test_known_jids),
        T(test_unread),
        T(test_line_contents),
        T(test_ring_bounded),
        T(test_close_adjusts_current),
        T(test_dirty),
        T(test_page),
        T(test_multiline_messages),
        T(test_format_text_literal),
        T(test_uninitialised),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
