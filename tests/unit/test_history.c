/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for history that just scrolls (src/core/history.c): a chat
 * tab's ring as a bounded window onto the local log, paged in both
 * directions with no visible step, no duplicate and no gap; live lines
 * learning their row ids; duplicates, corrections and archive rows; and
 * the search tab and find-in-conversation (src/core/search_view.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "backchat/archive.h"
#include "backchat/conv.h"
#include "backchat/history.h"
#include "backchat/searchview.h"
#include "backchat/store.h"

#define BOB "bob@example.org"
#define CAP 200
#define PAGE 20
#define T0 1600000000
#define NROWS 10000

static bc_store *st;

static void on_written(const bc_store_row *row, uint64_t tag, void *data)
{
    if (tag == BC_ARCHIVE_OLDER_TAG) /* as core.c does */
        bc_archive_older_written(row);
    else
        bc_history_written(row, tag);
}

/* Row n of bob's log: "line n" at time T0 + n, stanza id "m<n>". */
static void append_row(int n, bc_direction dir)
{
    char body[64], sid[32];
    snprintf(body, sizeof body, "line %05d", n);
    snprintf(sid, sizeof sid, "m%d", n);
    bc_store_msg m = {
        .conv = BOB,
        .sender = dir == BC_DIR_IN ? BOB "/phone" : "me@example.org/bc",
        .body = body,
        .stanza_id = sid,
        .dir = dir,
        .ts_local = T0 + n,
    };
    bc_store_append(st, &m);
}

static int setup_n(int nrows)
{
    bc_convs_init(CAP);
    bc_conv_set_page(PAGE);
    GError *err = NULL;
    st = bc_store_open(":memory:", &err);
    if (!st)
        return -1;
    bc_store_on_written(st, on_written, NULL);
    for (int i = 0; i < nrows; i++)
        append_row(i, i % 3 == 0 ? BC_DIR_OUT : BC_DIR_IN);
    if (bc_store_flush(st, &err) != nrows)
        return -1;
    bc_history_set_store(st);
    return 0;
}

static int setup(void **state) { return setup_n(NROWS); }
static int setup_empty(void **state) { return setup_n(0); }

static int teardown(void **state)
{
    bc_history_set_store(NULL);
    bc_convs_free();
    bc_store_close(st);
    st = NULL;
    return 0;
}

/* The message number a line shows ("line 01234" -> 1234), -1 for others. */
static int num(const bc_line *l)
{
    int n = -1;
    if (!l || sscanf(l->text, "line %d", &n) != 1)
        return -1;
    return n;
}

/* The ring holds consecutive messages, in order, each with its row id,
 * and never more than its capacity. */
static void check_window(const bc_conv *c)
{
    assert_true(c->len <= c->cap);
    assert_true(!c->held || c->held->len <= 200);
    for (size_t i = 0; i + 1 < c->len; i++) {
        const bc_line *a = bc_conv_line(c, i), *b = bc_conv_line(c, i + 1);
        assert_int_equal(num(b), num(a) + 1);
        if (a->id && b->id)
            assert_true(b->id > a->id);
        assert_int_equal(b->ts, a->ts + 1);
    }
}

/* With one row per line: the message at the bottom of the view. */
static int bottom_shown(const bc_conv *c)
{
    return num(bc_conv_line(c, c->len - 1 - (size_t)c->scroll));
}

static void test_open_fills_newest(void **state)
{
    bc_conv *c = bc_conv_open(BOB, true);
    assert_non_null(c);
    assert_int_equal(c->len, CAP / 2);
    assert_int_equal(num(bc_conv_line(c, c->len - 1)), NROWS - 1);
    assert_int_equal(num(bc_conv_line(c, 0)), NROWS - CAP / 2);
    assert_true(c->more_older);
    assert_false(c->more_newer);
    check_window(c);
    /* Who said it, and the stanza id for corrections. */
    const bc_line *l = bc_conv_line(c, c->len - 1); /* 9999: 9999 % 3 == 0: out */
    assert_int_equal(l->kind, BC_LINE_OUT);
    assert_string_equal(l->from, "me");
    assert_string_equal(l->sid, "m9999");
    l = bc_conv_line(c, c->len - 2);
    assert_int_equal(l->kind, BC_LINE_IN);
    assert_string_equal(l->from, "bob");
}

/* PgUp all the way back to the first message and PgDn all the way to the
 * last: each step moves the view by exactly a page (no paging step), the
 * window stays consecutive (no duplicate, no gap) and bounded. */
static void test_page_back_and_forward(void **state)
{
    bc_conv *c = bc_conv_open(BOB, true);
    int step = PAGE - 1;
    int shown = bottom_shown(c);
    assert_int_equal(shown, NROWS - 1);
    int steps = 0;
    size_t max_len = 0;
    while (num(bc_conv_line(c, 0)) != 0 || c->more_older || c->scroll < (int)c->len - PAGE) {
        bc_conv_scroll(c, step);
        check_window(c);
        max_len = MAX(max_len, c->len);
        int now = bottom_shown(c);
        if (now != shown - step) {
            /* Only at the very top may a step be shorter. */
            assert_int_equal(num(bc_conv_line(c, 0)), 0);
            assert_false(c->more_older);
            assert_true(now < shown);
            assert_int_equal(c->scroll, (int)c->len - PAGE);
            break;
        }
        shown = now;
        assert_true(++steps < NROWS);
    }
    assert_int_equal(num(bc_conv_line(c, 0)), 0);
    assert_int_equal(c->scroll, (int)c->len - PAGE); /* the first line at the top */
    assert_true(c->more_newer);                      /* the newest were let go */
    assert_true(max_len <= CAP);
    assert_true(steps > NROWS / PAGE - 5);

    shown = bottom_shown(c);
    steps = 0;
    while (c->scroll > 0 || c->more_newer) {
        bc_conv_scroll(c, -step);
        check_window(c);
        int now = bottom_shown(c);
        if (now != shown + step) {
            assert_int_equal(now, NROWS - 1);
            assert_int_equal(c->scroll, 0);
            break;
        }
        shown = now;
        assert_true(++steps < NROWS);
    }
    assert_int_equal(c->scroll, 0);
    assert_false(c->more_newer);
    assert_int_equal(num(bc_conv_line(c, c->len - 1)), NROWS - 1);
    assert_true(c->more_older);
}

static void test_top_and_bottom(void **state)
{
    bc_conv *c = bc_conv_open(BOB, true);
    bc_conv_scroll(c, 1000000);
    check_window(c);
    assert_int_equal(num(bc_conv_line(c, 0)), 0);
    assert_false(c->more_older);
    assert_true(c->more_newer);
    assert_int_equal(c->scroll, (int)c->len - PAGE);
    /* PgDn from the top moves a page. */
    int shown = bottom_shown(c);
    bc_conv_scroll(c, -(PAGE - 1));
    assert_int_equal(bottom_shown(c), shown + PAGE - 1);
    bc_conv_scroll(c, -1000000);
    check_window(c);
    assert_int_equal(c->scroll, 0);
    assert_false(c->more_newer);
    assert_int_equal(num(bc_conv_line(c, c->len - 1)), NROWS - 1);
}

/* A live line gets its row id when the log writes it; a duplicate goes. */
static void test_live_lines_learn_ids(void **state)
{
    bc_conv *c = bc_conv_open(BOB, false);
    assert_int_equal(c->unread, 0);
    bc_line *l = bc_conv_add(c, BC_LINE_IN, "bob", "line 10000", T0 + NROWS);
    l->tag = 7;
    l->sid = g_strdup("m10000");
    assert_int_equal(c->unread, 1);
    bc_store_msg m = {.conv = BOB, .sender = BOB "/phone", .body = "line 10000",
                      .stanza_id = "m10000", .ts_local = T0 + NROWS, .tag = 7};
    bc_store_append(st, &m);
    assert_int_equal(bc_store_flush(st, NULL), 1);
    assert_int_equal(l->id, NROWS + 1);
    assert_int_equal(l->tag, 0);
    check_window(c);

    /* The server sends it again: shown once, counted once. */
    bc_line *d = bc_conv_add(c, BC_LINE_IN, "bob", "line 10000", T0 + NROWS);
    d->tag = 8;
    assert_int_equal(c->unread, 2);
    size_t len = c->len;
    m.tag = 8;
    bc_store_append(st, &m);
    assert_int_equal(bc_store_flush(st, NULL), 0);
    assert_int_equal(c->len, len - 1);
    assert_int_equal(c->unread, 1);
    check_window(c);
}

/* While the window shows old history, new lines wait and come back at
 * the bottom, once. */
static void test_live_line_while_scrolled_back(void **state)
{
    bc_conv *c = bc_conv_open(BOB, true);
    for (int i = 0; i < 30; i++)
        bc_conv_scroll(c, PAGE - 1);
    assert_true(c->more_newer);
    int shown = bottom_shown(c);
    bc_line *l = bc_conv_add(c, BC_LINE_IN, "bob", "line 10000", T0 + NROWS);
    l->tag = 9;
    bc_line *note = bc_conv_add(c, BC_LINE_SYS, NULL, "a note", T0 + NROWS);
    assert_non_null(note);
    assert_int_equal(bottom_shown(c), shown); /* the view did not move */
    bc_store_msg m = {.conv = BOB, .sender = BOB "/phone", .body = "line 10000",
                      .stanza_id = "m10000", .ts_local = T0 + NROWS, .tag = 9};
    bc_store_append(st, &m);
    assert_int_equal(bc_store_flush(st, NULL), 1);
    for (int i = 0; i < 1000 && (c->scroll > 0 || c->more_newer); i++)
        bc_conv_scroll(c, -(PAGE - 1));
    assert_false(c->more_newer);
    const bc_line *last = bc_conv_line(c, c->len - 1);
    const bc_line *prev = bc_conv_line(c, c->len - 2);
    assert_string_equal(last->text, "a note");
    assert_int_equal(num(prev), NROWS);
    assert_int_equal(num(bc_conv_line(c, c->len - 3)), NROWS - 1);
    assert_true(c->len <= c->cap);
}

static void test_corrections(void **state)
{
    bc_store_msg fix = {.conv = BOB, .sender = BOB "/phone", .body = "line 05000 fixed",
                        .stanza_id = "fix1", .replaces_stanza_id = "m5000",
                        .ts_local = T0 + NROWS + 5};
    bc_store_append(st, &fix);
    assert_int_equal(bc_store_flush(st, NULL), 1);
    bc_conv *c = bc_conv_open(BOB, true);
    /* The correction is not a line of its own... */
    for (size_t i = 0; i < c->len; i++)
        assert_string_not_equal(bc_conv_line(c, i)->text, "line 05000 fixed");
    /* ...it changes the original when that is paged in. */
    bool seen = false;
    for (int i = 0; i < 2000 && !seen; i++) {
        bc_conv_scroll(c, PAGE - 1);
        for (size_t k = 0; k < c->len; k++) {
            const bc_line *l = bc_conv_line(c, k);
            if (l->sid && strcmp(l->sid, "m5000") == 0) {
                assert_string_equal(l->text, "line 05000 fixed");
                assert_true(l->edited);
                seen = true;
            }
        }
    }
    assert_true(seen);

    /* A live correction of a line in view. */
    bc_conv_scroll(c, -1000000);
    assert_true(bc_history_correct(c, BC_LINE_IN, "m9998", "corrected live"));
    const bc_line *l = bc_conv_line(c, c->len - 2);
    assert_string_equal(l->text, "corrected live");
    assert_true(l->edited);
    /* Not the other direction's, and not an unknown id. */
    assert_false(bc_history_correct(c, BC_LINE_OUT, "m9998", "x"));
    assert_false(bc_history_correct(c, BC_LINE_IN, "nope", "x"));
}

/* Archive rows written after the tab was filled go in at their place. */
static void test_insert_archive_row(void **state)
{
    bc_conv *c = bc_conv_open(BOB, true);
    size_t len = c->len;
    bc_store_row r = {.id = NROWS + 50, .conv = BOB, .sender = BOB "/x", .body = "late",
                      .type = "chat", .dir = BC_DIR_IN, .ts_local = T0 + NROWS - 10};
    bc_history_insert_row(c, &r);
    assert_int_equal(c->len, len + 1);
    assert_string_equal(bc_conv_line(c, c->len - 10)->text, "late");
    bc_history_insert_row(c, &r); /* already there */
    assert_int_equal(c->len, len + 1);
    /* Older than the window: left to paging. */
    r.id = NROWS + 51;
    r.ts_local = T0 + 5;
    bc_history_insert_row(c, &r);
    assert_int_equal(c->len, len + 1);
}

static void test_jump(void **state)
{
    bc_conv *c = bc_conv_open(BOB, true);
    GError *err = NULL;
    assert_true(bc_history_jump(c, 4243, &err)); /* row 4243 is message 4242 */
    check_window(c);
    assert_true(c->more_older);
    assert_true(c->more_newer);
    const bc_line *marked = NULL;
    size_t at = 0;
    for (size_t i = 0; i < c->len; i++)
        if (bc_conv_line(c, i)->mark) {
            assert_null(marked);
            marked = bc_conv_line(c, i);
            at = i;
        }
    assert_non_null(marked);
    assert_int_equal(num(marked), 4242);
    /* In the middle of the view. */
    int from_bottom = (int)(c->len - 1 - at);
    assert_true(from_bottom >= c->scroll && from_bottom < c->scroll + PAGE);
    assert_true(abs(from_bottom - c->scroll - PAGE / 2) <= 1);
    /* Scrolling from there is seamless too. */
    int shown = bottom_shown(c);
    bc_conv_scroll(c, -(PAGE - 1));
    assert_int_equal(bottom_shown(c), shown + PAGE - 1);
    check_window(c);
    /* Not a row of this conversation. */
    assert_false(bc_history_jump(c, 999999, &err));
    g_clear_error(&err);
}

static void test_search_tab(void **state)
{
    GError *err = NULL;
    bc_conv *c = bc_search_run("04242", &err);
    assert_non_null(c);
    assert_null(err);
    assert_int_equal(c->type, BC_CONV_SEARCH);
    assert_ptr_equal(bc_conv_current(), c);
    bc_search_view *v = c->search;
    assert_int_equal(v->hits->len, 1);
    bc_search_hit *h = v->hits->pdata[0];
    assert_string_equal(h->conv, BOB);
    assert_string_equal(h->who, "me"); /* 4242 % 3 == 0: sent */
    assert_true(h->outgoing);
    assert_non_null(strstr(h->snippet, "\x01" "04242" "\x02"));
    assert_string_equal(h->context, "bob: line 04241");
    assert_int_equal(h->ts, T0 + 4242);

    /* Newest first, a selection that stays in range. */
    c = bc_search_run("line since:2020-01-01", &err);
    assert_non_null(c);
    v = c->search;
    assert_int_equal(v->hits->len, BC_SEARCH_MAX);
    assert_true(v->more);
    assert_int_equal(((bc_search_hit *)v->hits->pdata[0])->ts, T0 + NROWS - 1);
    assert_int_equal(v->selected, 0);
    bc_search_move(c, -5);
    assert_int_equal(v->selected, 0);
    bc_search_move(c, 3);
    assert_int_equal(v->selected, 3);
    bc_search_move(c, 100000);
    assert_int_equal(v->selected, BC_SEARCH_MAX - 1);
    /* One search tab, reused. */
    size_t tabs = bc_conv_count();
    bc_search_run("04242", &err);
    assert_int_equal(bc_conv_count(), tabs);

    /* Enter opens the conversation at that message, highlighted. */
    assert_true(bc_search_open_selected(bc_conv_current(), &err));
    bc_conv *chat = bc_conv_current();
    assert_int_equal(chat->type, BC_CONV_CHAT);
    assert_string_equal(chat->jid, BOB);
    bool found = false;
    for (size_t i = 0; i < chat->len; i++) {
        const bc_line *l = bc_conv_line(chat, i);
        if (l->mark) {
            assert_int_equal(num(l), 4242);
            found = true;
        }
    }
    assert_true(found);

    /* A query that does not parse says why. */
    assert_null(bc_search_run("\"unbalanced", &err));
    assert_non_null(err);
    g_clear_error(&err);
}

static void test_find(void **state)
{
    bc_conv *c = bc_conv_open(BOB, true);
    GError *err = NULL;
    assert_false(bc_find_active(c));
    assert_true(bc_find_start(c, "line", &err));
    assert_true(bc_find_active(c));
    assert_int_equal(c->find_ids->len, BC_FIND_MAX);
    assert_int_equal(c->find_pos, 0);
    /* Newer than the newest: no. */
    assert_false(bc_find_step(c, -1, &err));
    g_clear_error(&err);
    assert_true(bc_find_step(c, 1, &err));
    assert_true(bc_find_step(c, 1, &err));
    assert_int_equal(c->find_pos, 2);
    for (size_t i = 0; i < c->len; i++)
        if (bc_conv_line(c, i)->mark)
            assert_int_equal(num(bc_conv_line(c, i)), NROWS - 3);
    check_window(c);
    bc_find_clear(c);
    assert_false(bc_find_active(c));
    assert_int_equal(c->scroll, 0);
    assert_int_equal(num(bc_conv_line(c, c->len - 1)), NROWS - 1);
    assert_false(bc_find_start(c, "zzzznothing", &err));
    g_clear_error(&err);
}

/* An empty log, and a conversation whose logging is off. */
static void test_empty_and_unlogged(void **state)
{
    bc_conv *c = bc_conv_open(BOB, true);
    assert_int_equal(c->len, 0);
    assert_false(c->more_older);
    bc_conv_scroll(c, PAGE);
    assert_int_equal(c->scroll, 0);
    for (int i = 0; i < 3 * CAP; i++) {
        char t[32];
        snprintf(t, sizeof t, "line %05d", i);
        bc_conv_add(c, BC_LINE_IN, "bob", t, T0 + i);
        assert_true(c->len <= c->cap);
    }
    check_window(c);
    assert_int_equal(num(bc_conv_line(c, c->len - 1)), 3 * CAP - 1);
    /* Nothing in the log: scrolling back finds nothing more. */
    bc_conv_scroll(c, 1000000);
    bc_conv_scroll(c, -1000000);
    assert_true(c->len <= c->cap);
    assert_int_equal(num(bc_conv_line(c, c->len - 1)), 3 * CAP - 1);
}


/* ---- older history from the server archive ------------------------------ */

/* The fake archive: messages 0..ARCH_N-1 of bob's conversation, archive
 * id "a<n>"; the local log has the newest LOCAL_N of them. */
#define ARCH_N 100
#define LOCAL_N 40

static struct {
    int calls;
    char before[32];
    int64_t end;
    int max;
    bool accept;
} fake;

static bool fake_fetcher(const bc_archive_older_query *q)
{
    fake.calls++;
    g_strlcpy(fake.before, q->before_id ? q->before_id : "", sizeof fake.before);
    fake.end = q->end;
    fake.max = q->max;
    assert_string_equal(q->conv, BOB);
    return fake.accept;
}

static void arch_msg(int n, char *body, size_t bn, char *aid, size_t an, char *sid, size_t sn,
                     bc_archive_msg *m)
{
    snprintf(body, bn, "line %05d", n);
    snprintf(aid, an, "a%03d", n);
    snprintf(sid, sn, "m%d", n);
    *m = (bc_archive_msg){.conv = BOB, .from_full = BOB "/phone", .body = body,
                          .stanza_id = sid, .archive_id = aid, .type = "chat",
                          .ts = T0 + n};
}

static int setup_archive(void **state)
{
    if (setup_n(0) != 0)
        return -1;
    for (int n = ARCH_N - LOCAL_N; n < ARCH_N; n++) {
        char body[32], aid[16], sid[16];
        bc_archive_msg a;
        arch_msg(n, body, sizeof body, aid, sizeof aid, sid, sizeof sid, &a);
        bc_store_msg m = {.conv = BOB, .sender = a.from_full, .body = body, .stanza_id = sid,
                          .server_id = aid, .dir = BC_DIR_IN, .ts_server = a.ts,
                          .ts_local = a.ts};
        bc_store_append(st, &m);
    }
    if (bc_store_flush(st, NULL) != LOCAL_N)
        return -1;
    memset(&fake, 0, sizeof fake);
    fake.accept = true;
    bc_archive_older_reset();
    bc_archive_set_older_fetcher(fake_fetcher);
    return 0;
}

static int teardown_archive(void **state)
{
    bc_archive_set_older_fetcher(NULL);
    bc_archive_older_reset();
    return teardown(state);
}

/* The server answers the request: messages [from, to) of the archive,
 * then <fin complete=...>; the log is written and the window updated. */
static void fake_answer(int from, int to, bool complete)
{
    for (int n = from; n < to; n++) {
        char body[32], aid[16], sid[16];
        bc_archive_msg a;
        arch_msg(n, body, sizeof body, aid, sizeof aid, sid, sizeof sid, &a);
        bc_archive_older_message(&a);
    }
    bc_archive_older_end(BOB, complete, NULL);
    assert_true(bc_store_flush(st, NULL) >= 0);
    bc_archive_after_flush();
}

/* Messages in order, each once; notes (num -1) allowed. Returns how many
 * messages and sets *first to the oldest one. */
static int check_messages(const bc_conv *c, int *first)
{
    int prev = -1, count = 0;
    *first = -1;
    for (size_t i = 0; i < c->len; i++) {
        int n = num(bc_conv_line(c, i));
        if (n < 0)
            continue;
        if (*first < 0)
            *first = n;
        else
            assert_int_equal(n, prev + 1);
        prev = n;
        count++;
    }
    return count;
}

static bool has_note(const bc_conv *c, const char *text)
{
    for (size_t i = 0; i < c->len; i++)
        if (strstr(bc_conv_line(c, i)->text, text))
            return true;
    return false;
}

static void page_up(bc_conv *c, int times)
{
    for (int i = 0; i < times; i++)
        bc_conv_scroll(c, PAGE);
}

static void test_older_from_archive(void **state)
{
    bc_conv *c = bc_conv_open(BOB, true);
    int first;
    assert_int_equal(check_messages(c, &first), LOCAL_N);
    assert_int_equal(fake.calls, 0); /* opening asks nothing */
    /* PgUp past the local start: one request, before the oldest row. */
    page_up(c, 5);
    assert_int_equal(fake.calls, 1);
    assert_string_equal(fake.before, "a060");
    assert_int_equal(fake.end, T0 + 60);
    assert_int_equal(fake.max, 50);
    assert_true(has_note(c, "fetching older messages from the server"));
    page_up(c, 5); /* in flight: not asked again */
    assert_int_equal(fake.calls, 1);

    /* 50 older ones, the oldest local one again among them (deduped). */
    fake_answer(10, 61, false);
    assert_false(has_note(c, "fetching older"));
    assert_int_equal(check_messages(c, &first), ARCH_N - 10);
    assert_int_equal(first, 10);
    assert_int_equal(bc_store_count(st, BOB), ARCH_N - 10);
    page_up(c, 10); /* up through them, to the top: the next request */
    assert_int_equal(fake.calls, 2);
    assert_string_equal(fake.before, "a010");

    fake_answer(0, 10, true);
    assert_int_equal(check_messages(c, &first), ARCH_N);
    assert_int_equal(first, 0);
    assert_true(has_note(c, "start of the archive"));
    assert_string_equal(bc_conv_line(c, 0)->text, "start of the archive");
    page_up(c, 10); /* the archive said there is no more */
    assert_int_equal(fake.calls, 2);
    assert_int_equal(check_messages(c, &first), ARCH_N);
    /* Down and up again: still all of them, in order, once each. */
    bc_conv_scroll(c, -1000000);
    page_up(c, 20);
    assert_int_equal(check_messages(c, &first), ARCH_N);
    assert_int_equal(first, 0);
    assert_int_equal(fake.calls, 2);
}

/* Offline (the fetcher cannot send): nothing shown, asked again later;
 * a request that brings nothing new is not repeated. */
static void test_older_offline_and_nothing_new(void **state)
{
    bc_conv *c = bc_conv_open(BOB, true);
    fake.accept = false;
    page_up(c, 5);
    assert_true(fake.calls >= 1); /* every PgUp at the top tries */
    assert_false(has_note(c, "fetching older"));
    fake.accept = true;
    fake.calls = 0;
    page_up(c, 1);
    assert_int_equal(fake.calls, 1);
    fake_answer(60, 61, false); /* only a duplicate */
    page_up(c, 3);
    assert_int_equal(fake.calls, 1);
    assert_false(has_note(c, "start of the archive"));
    int first;
    assert_int_equal(check_messages(c, &first), LOCAL_N);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_open_fills_newest),
        T(test_page_back_and_forward),
        T(test_top_and_bottom),
        T(test_live_lines_learn_ids),
        T(test_live_line_while_scrolled_back),
        T(test_corrections),
        T(test_insert_archive_row),
        T(test_jump),
        T(test_search_tab),
        T(test_find),
        cmocka_unit_test_setup_teardown(test_empty_and_unlogged, setup_empty, teardown),
        cmocka_unit_test_setup_teardown(test_older_from_archive, setup_archive,
                                        teardown_archive),
        cmocka_unit_test_setup_teardown(test_older_offline_and_nothing_new, setup_archive,
                                        teardown_archive),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
