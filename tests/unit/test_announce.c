/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for announcements (src/core/announce.c): the Announcements
 * tab, the unacknowledged list and /ack, outgoing bookkeeping and the
 * roll-up, the interval parser, escalation timing. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "backchat/announce.h"
#include "backchat/config.h"
#include "backchat/conv.h"
#include "backchat/loop.h"
#include "backchat/notify.h"
#include "backchat/account.h"
#include "backchat/session.h"
#include "tmpdir.h"

/* What the installed acker and nudger were asked to do. */
static GPtrArray *acked_ids;
static GPtrArray *nudged;   /* "jid|text" */
static bool nudge_ok = true;

static void fake_ack(const bc_announcement *a)
{
    g_ptr_array_add(acked_ids, g_strdup(a->stanza_id));
}

static bool fake_nudge(const char *jid, const char *text)
{
    if (nudge_ok)
        g_ptr_array_add(nudged, g_strdup_printf("%s|%s", jid, text));
    return nudge_ok;
}

static GMutex notes_lock;
static GPtrArray *notes;    /* "urgency|summary|body" */

static bool fake_backend(const char *key, const char *summary, const char *body,
                         bc_notify_urgency urgency, void *data)
{
    g_mutex_lock(&notes_lock);
    g_ptr_array_add(notes, g_strdup_printf("%d|%s|%s", (int)urgency, summary, body));
    g_mutex_unlock(&notes_lock);
    return true;
}

static int setup(void **state)
{
    bc_loop_init();
    bc_convs_init(200);
    bc_announce_init();
    acked_ids = g_ptr_array_new_with_free_func(g_free);
    nudged = g_ptr_array_new_with_free_func(g_free);
    notes = g_ptr_array_new_with_free_func(g_free);
    nudge_ok = true;
    bc_announce_set_acker(fake_ack);
    bc_announce_set_nudger(fake_nudge);
    bc_notify_set_backend(fake_backend, NULL);
    bc_dirty_take();
    return 0;
}

static int teardown(void **state)
{
    bc_notify_flush(2000);
    bc_notify_set_backend(NULL, NULL);
    bc_announce_free();
    bc_convs_free();
    bc_loop_free();
    bc_config_free();
    g_ptr_array_free(acked_ids, TRUE);
    g_ptr_array_free(nudged, TRUE);
    g_ptr_array_free(notes, TRUE);
    return 0;
}

static void receive(bc_ann_source src, const char *from, const char *text, const char *sid)
{
    bc_ann_event ev = {.source = src, .from = from, .text = text, .stanza_id = sid,
                       .ann_id = src == BC_ANN_PRIORITY || src == BC_ANN_MARKED ? "ann" : NULL,
                       .markable = true};
    bc_announce_receive(&ev);
}

static const bc_line *last_line(void)
{
    bc_conv *c = bc_conv_find_type(BC_CONV_ANNOUNCE, NULL);
    assert_non_null(c);
    assert_true(c->len > 0);
    return bc_conv_line(c, c->len - 1);
}

/* ---- received ------------------------------------------------------------- */

static void test_receive_shows_in_tab(void **state)
{
    assert_null(bc_conv_find_type(BC_CONV_ANNOUNCE, NULL));
    receive(BC_ANN_PRIORITY, "bob@example.org/phone", "Fire drill at 3", "m1");
    bc_conv *c = bc_conv_find_type(BC_CONV_ANNOUNCE, NULL);
    assert_non_null(c);
    assert_int_equal(c->len, 1);
    const bc_line *l = last_line();
    assert_string_equal(l->from, "bob");
    assert_string_equal(l->text, "[priority #1] Fire drill at 3");
    assert_true(l->highlight);
    assert_int_equal(c->unread, 1);
    assert_int_equal(c->mentions, 1);
    assert_true(bc_dirty_take() == BC_DIRTY_ALL); /* the banner changed */
    assert_int_equal(bc_announce_unacked()->len, 1);

    receive(BC_ANN_HEADLINE, "news.example.org", "Weather: rain", "h1");
    l = last_line();
    assert_string_equal(l->text, "[headline] Weather: rain");
    assert_false(l->highlight);
    assert_int_equal(c->mentions, 1);
    assert_int_equal(c->unread, 2);
    assert_int_equal(bc_announce_unacked()->len, 1); /* headlines need no ack */

    receive(BC_ANN_ATTENTION, "carol@example.org/x", NULL, "a1");
    assert_string_equal(last_line()->text, "[attention] wants your attention");
    receive(BC_ANN_SERVER, "example.org", "Maintenance at 22:00", "s1");
    assert_string_equal(last_line()->text, "[server #4] Maintenance at 22:00");
    assert_int_equal(bc_announce_unacked()->len, 2);

    /* The same message again (a resend) is shown once. */
    receive(BC_ANN_PRIORITY, "bob@example.org/phone", "Fire drill at 3", "m1");
    assert_int_equal(c->len, 4);
    assert_int_equal(bc_announce_unacked()->len, 2);

    /* A priority one notifies as critical, even in view. */
    assert_true(bc_notify_flush(2000));
    g_mutex_lock(&notes_lock);
    bool critical = false;
    for (guint i = 0; i < notes->len; i++)
        critical |= g_str_has_prefix(notes->pdata[i], "2|bob|Fire drill");
    g_mutex_unlock(&notes_lock);
    assert_true(critical);
}

static void test_room_announcement_from_nick(void **state)
{
    bc_ann_event ev = {.source = BC_ANN_MARKED, .from = "team@conf.example.org/Dana",
                       .text = "Standup moved", .stanza_id = "r1", .ann_id = "x",
                       .room = "team@conf.example.org"};
    bc_announce_receive(&ev);
    assert_string_equal(last_line()->from, "Dana");
    assert_string_equal(last_line()->text, "[announcement #1] Standup moved");
    assert_int_equal(bc_announce_unacked()->len, 0); /* not a banner one */
    assert_true(bc_announce_ack(1));                  /* but /ack 1 takes it */
    assert_int_equal(acked_ids->len, 1);
    assert_false(bc_announce_ack(1));
}

static void test_ack_order(void **state)
{
    receive(BC_ANN_PRIORITY, "a@example.org", "one", "p1");
    receive(BC_ANN_HEADLINE, "h.example.org", "news", "p2");
    receive(BC_ANN_PRIORITY, "b@example.org", "three", "p3");
    receive(BC_ANN_SERVER, "example.org", "four", "p4");
    receive(BC_ANN_PRIORITY, "c@example.org", "five", "p5");
    GPtrArray *u = bc_announce_unacked();
    assert_int_equal(u->len, 4);
    assert_int_equal(((bc_announcement *)u->pdata[0])->n, 1);

    /* 0 is the oldest waiting one. */
    bc_dirty_take();
    assert_true(bc_announce_ack(0));
    assert_true(bc_dirty_take() == BC_DIRTY_ALL);
    assert_int_equal(u->len, 3);
    assert_int_equal(((bc_announcement *)u->pdata[0])->n, 3);
    assert_int_equal(acked_ids->len, 1);
    assert_string_equal(acked_ids->pdata[0], "p1");
    assert_string_equal(last_line()->text, "Acknowledged #1: one");

    assert_true(bc_announce_ack(5));
    assert_int_equal(u->len, 2);
    assert_int_equal(((bc_announcement *)u->pdata[1])->n, 4);
    assert_false(bc_announce_ack(5));  /* already */
    assert_false(bc_announce_ack(2));  /* a headline: nothing to acknowledge */
    assert_false(bc_announce_ack(99)); /* no such */

    /* The server one is acknowledged here but nobody is told. */
    assert_int_equal(bc_announce_ack_all(), 2);
    assert_int_equal(u->len, 0);
    assert_int_equal(acked_ids->len, 3);
    assert_string_equal(acked_ids->pdata[2], "p3");
    assert_false(bc_announce_ack(0));
    assert_int_equal(bc_announce_ack_all(), 0);
}

static void test_memory_bounded_keeps_unacked(void **state)
{
    receive(BC_ANN_PRIORITY, "boss@example.org", "read me", "keep");
    for (int i = 0; i < 1010; i++) {
        char sid[32];
        snprintf(sid, sizeof sid, "h%d", i);
        receive(BC_ANN_HEADLINE, "feed.example.org", "item", sid);
    }
    GPtrArray *u = bc_announce_unacked();
    assert_int_equal(u->len, 1);
    assert_string_equal(((bc_announcement *)u->pdata[0])->stanza_id, "keep");
    /* The oldest headline went: a resend of it is new again. */
    bc_conv *c = bc_conv_find_type(BC_CONV_ANNOUNCE, NULL);
    const bc_line *before = last_line();
    receive(BC_ANN_HEADLINE, "feed.example.org", "item again", "h0");
    assert_ptr_not_equal(last_line(), before);
    assert_string_equal(last_line()->text, "[headline] item again");
    (void)c;
}

/* ---- sent ----------------------------------------------------------------- */

static bc_outgoing_ann *three(bool priority, unsigned escalate)
{
    bc_outgoing_ann *a = bc_announce_sent("ann1", "group Support", "Server restart at 5",
                                          priority, NULL, escalate);
    bc_announce_add_recipient(a, "carol@example.org", "carol", "c1");
    bc_announce_add_recipient(a, "alice@example.org", "Alice", "a1");
    bc_announce_add_recipient(a, "bob@example.org", "bob", "b1");
    bc_announce_sent_done(a);
    return a;
}

static void test_rollup(void **state)
{
    bc_outgoing_ann *a = three(false, 0);
    char *r = bc_announce_rollup(a);
    assert_string_equal(r, "delivered 0/3, acknowledged 0/3; not acknowledged: Alice, bob, carol");
    g_free(r);
    const bc_line *roll = last_line();
    assert_string_equal(roll->text,
                        "#1: delivered 0/3, acknowledged 0/3; not acknowledged: Alice, bob, carol");

    assert_true(bc_announce_receipt("alice@example.org", "a1", BC_RCPT_DELIVERED, NULL));
    assert_true(bc_announce_receipt("Bob@Example.org", "b1", BC_RCPT_ACKED, NULL));
    /* Markers may name the announcement's id too. */
    assert_true(bc_announce_receipt("alice@example.org", "ann1", BC_RCPT_ACKED, NULL));
    r = bc_announce_rollup(a);
    assert_string_equal(r, "delivered 2/3, acknowledged 2/3; not acknowledged: carol");
    g_free(r);
    /* Updated in place: the same line, no new one. */
    assert_ptr_equal(last_line(), roll);
    assert_string_equal(roll->text, "#1: delivered 2/3, acknowledged 2/3; not acknowledged: carol");

    assert_true(bc_announce_receipt("carol@example.org", "c1", BC_RCPT_ACKED, NULL));
    r = bc_announce_rollup(a);
    assert_string_equal(r, "delivered 3/3, acknowledged 3/3; everyone acknowledged");
    g_free(r);
}

static void test_states_forward_only(void **state)
{
    bc_outgoing_ann *a = three(false, 0);
    bc_ann_recipient *bob = a->recipients->pdata[2];
    assert_true(bc_announce_receipt("bob@example.org", "b1", BC_RCPT_ACKED, NULL));
    assert_int_equal(bob->state, BC_RCPT_ACKED);
    /* A late receipt or display marker does not move it back. */
    assert_true(bc_announce_receipt("bob@example.org", "b1", BC_RCPT_DELIVERED, NULL));
    assert_true(bc_announce_receipt("bob@example.org", "b1", BC_RCPT_DISPLAYED, NULL));
    assert_true(bc_announce_receipt("bob@example.org", "b1", BC_RCPT_FAILED, "gone"));
    assert_int_equal(bob->state, BC_RCPT_ACKED);
    assert_null(bob->error);

    /* Not a recipient, or not the id we sent them: ignored. */
    assert_false(bc_announce_receipt("mallory@example.org", "b1", BC_RCPT_ACKED, NULL));
    assert_false(bc_announce_receipt("carol@example.org", "b1", BC_RCPT_ACKED, NULL));
    assert_false(bc_announce_receipt("carol@example.org", "zzz", BC_RCPT_ACKED, NULL));
    assert_false(bc_announce_receipt("carol@example.org/res", "c1", BC_RCPT_ACKED, NULL));
    bc_ann_recipient *carol = a->recipients->pdata[0];
    assert_int_equal(carol->state, BC_RCPT_SENT);

    /* A failure, then a delivery from another resource wins. */
    assert_true(bc_announce_receipt("carol@example.org", "c1", BC_RCPT_FAILED,
                                    "service-unavailable"));
    assert_int_equal(carol->state, BC_RCPT_FAILED);
    char *r = bc_announce_rollup(a);
    assert_string_equal(r, "delivered 1/3, acknowledged 1/3; not acknowledged: Alice; "
                           "failed: carol (service-unavailable)");
    g_free(r);
    assert_true(bc_announce_receipt("carol@example.org", "c1", BC_RCPT_DELIVERED, NULL));
    assert_int_equal(carol->state, BC_RCPT_DELIVERED);
}

static void test_room_recipients_and_lookup(void **state)
{
    bc_outgoing_ann *a = bc_announce_sent("annR", "team@conf.example.org", "hi all", true,
                                          "team@conf.example.org", 0);
    bc_announce_add_recipient(a, "team@conf.example.org/Zed", "Zed", "g1");
    bc_announce_add_recipient(a, "team@conf.example.org/amy", "amy", "g1");
    bc_announce_sent_done(a);
    assert_false(bc_announce_receipt("team@conf.example.org/zed", "g1", BC_RCPT_ACKED, NULL));
    assert_true(bc_announce_receipt("team@conf.example.org/Zed", "g1", BC_RCPT_ACKED, NULL));
    char *r = bc_announce_rollup(a);
    assert_string_equal(r, "delivered 1/2, acknowledged 1/2; not acknowledged: amy");
    g_free(r);
    bc_outgoing_ann *b = bc_announce_sent("annE", "nobody", "x", false, NULL, 0);
    r = bc_announce_rollup(b);
    assert_string_equal(r, "no recipients");
    g_free(r);
    assert_ptr_equal(bc_announce_get(0), b);
    assert_ptr_equal(bc_announce_get(1), a);
    assert_null(bc_announce_get(3));
    assert_int_equal(bc_announce_sent_list()->len, 2);
}

/* The roll-up line scrolled out of the ring: a fresh one is added. */
static void test_rollup_line_gone(void **state)
{
    three(false, 0);
    bc_conv *c = bc_conv_find_type(BC_CONV_ANNOUNCE, NULL);
    for (int i = 0; i < 250; i++) {
        char sid[16];
        snprintf(sid, sizeof sid, "x%d", i);
        receive(BC_ANN_HEADLINE, "feed.example.org", "noise", sid);
    }
    size_t len = c->len;
    assert_true(bc_announce_receipt("bob@example.org", "b1", BC_RCPT_DELIVERED, NULL));
    assert_int_equal(c->len, len); /* the ring is full: one in, one out */
    assert_string_equal(last_line()->text,
                        "#1: delivered 1/3, acknowledged 0/3; not acknowledged: Alice, bob, carol");
}

/* ---- interval --------------------------------------------------------------- */

static void test_parse_interval(void **state)
{
    unsigned v = 7;
    assert_true(bc_announce_parse_interval("2m", &v));
    assert_int_equal(v, 120);
    assert_true(bc_announce_parse_interval("90s", &v));
    assert_int_equal(v, 90);
    assert_true(bc_announce_parse_interval("1h", &v));
    assert_int_equal(v, 3600);
    assert_true(bc_announce_parse_interval("45", &v));
    assert_int_equal(v, 45);
    v = 7;
    assert_false(bc_announce_parse_interval("0", &v));
    assert_false(bc_announce_parse_interval("0s", &v));
    assert_false(bc_announce_parse_interval("", &v));
    assert_false(bc_announce_parse_interval(NULL, &v));
    assert_false(bc_announce_parse_interval("5x", &v));
    assert_false(bc_announce_parse_interval("m", &v));
    assert_false(bc_announce_parse_interval("-5s", &v));
    assert_false(bc_announce_parse_interval("2m30", &v));
    assert_false(bc_announce_parse_interval("99999999999999999999999h", &v));
    assert_false(bc_announce_parse_interval("200000h", &v));
    assert_int_equal(v, 7); /* untouched on failure */
}

/* ---- escalation ------------------------------------------------------------- */

static void load_config(const char *text)
{
    char *dir = g_dir_make_tmp("bc-ann-XXXXXX", NULL);
    assert_non_null(dir);
    char *path = g_build_filename(dir, "config", NULL);
    assert_true(g_file_set_contents(path, text, -1, NULL));
    GError *err = NULL;
    assert_true(bc_config_load(path, &err));
    g_free(path);
    bc_test_rm_rf(dir);
    g_free(dir);
}

static unsigned nudges_for(const char *jid)
{
    unsigned n = 0;
    for (guint i = 0; i < nudged->len; i++)
        n += g_str_has_prefix(nudged->pdata[i], jid);
    return n;
}

static void test_escalation_timing(void **state)
{
    load_config("[announce]\nmin_nudge_interval=1\n");
    bc_outgoing_ann *a = three(true, 2);
    int64_t t0 = bc_now_ms();
    bc_announce_receipt("bob@example.org", "b1", BC_RCPT_ACKED, NULL);
    bc_announce_receipt("alice@example.org", "a1", BC_RCPT_DISPLAYED, NULL);

    bc_announce_tick(t0 + 1000);
    assert_int_equal(nudged->len, 0);
    bc_announce_tick(t0 + 2100);
    assert_int_equal(nudged->len, 2);
    assert_int_equal(nudges_for("carol@example.org|Please acknowledge: Server restart at 5"), 1);
    assert_int_equal(nudges_for("alice@example.org|"), 1);
    assert_int_equal(nudges_for("bob@example.org|"), 0);
    assert_string_equal(last_line()->text,
                        "#1: asked Alice for attention (1/2): not acknowledged yet");
    bc_announce_tick(t0 + 2600);
    assert_int_equal(nudged->len, 2);

    /* Alice acknowledges: only carol gets the second. */
    bc_announce_receipt("alice@example.org", "a1", BC_RCPT_ACKED, NULL);
    bc_announce_tick(t0 + 4100);
    assert_int_equal(nudged->len, 3);
    assert_int_equal(nudges_for("carol@example.org|"), 2);
    /* Never more than two. */
    bc_announce_tick(t0 + 60000);
    bc_announce_tick(t0 + 600000);
    assert_int_equal(nudged->len, 3);
    assert_int_equal(((bc_ann_recipient *)a->recipients->pdata[0])->nudges, 2);
}

static void test_escalation_min_interval(void **state)
{
    /* Default: 60 s between two nudges to one person, whatever --escalate says. */
    three(true, 2);
    int64_t t0 = bc_now_ms();
    bc_announce_tick(t0 + 2100);
    assert_int_equal(nudged->len, 3);
    bc_announce_tick(t0 + 4100);
    bc_announce_tick(t0 + 30000);
    assert_int_equal(nudged->len, 3);
    bc_announce_tick(t0 + 62200);
    assert_int_equal(nudged->len, 6);
}

/* Nonsense settings are clamped: 0 and negative mean 1 s. */
static void test_escalation_min_interval_clamped(void **state)
{
    load_config("[announce]\nmin_nudge_interval=0\n");
    three(true, 1);
    int64_t t1 = bc_now_ms();
    bc_announce_tick(t1 + 1100);
    assert_int_equal(nudged->len, 3);
    bc_announce_tick(t1 + 1500); /* second is due at 2 s, and 1 s after the first */
    assert_int_equal(nudged->len, 3);
    bc_announce_tick(t1 + 2200);
    assert_int_equal(nudged->len, 6);
}

static void test_escalation_needs_priority_and_counts_sent(void **state)
{
    load_config("[announce]\nmin_nudge_interval=1\n");
    three(false, 2); /* not priority: no escalation */
    int64_t t0 = bc_now_ms();
    bc_announce_tick(t0 + 10000);
    assert_int_equal(nudged->len, 0);

    /* Offline: the nudge fails, is not counted, and is tried again later. */
    bc_outgoing_ann *a = three(true, 1);
    t0 = bc_now_ms();
    nudge_ok = false;
    bc_announce_tick(t0 + 1100);
    assert_int_equal(((bc_ann_recipient *)a->recipients->pdata[0])->nudges, 0);
    nudge_ok = true;
    bc_announce_tick(t0 + 1500); /* within the min interval of the attempt */
    assert_int_equal(nudged->len, 0);
    bc_announce_tick(t0 + 2200);
    assert_int_equal(nudged->len, 3);
    /* A failed recipient is not nudged. */
    bc_announce_receipt("bob@example.org", "b1", BC_RCPT_FAILED, "item-not-found");
    bc_announce_tick(t0 + 9000);
    assert_int_equal(nudged->len, 5);
    assert_int_equal(nudges_for("bob@example.org|"), 1);
}

/* ---- the waiting list survives a restart --------------------------------- */

static void restart_model(void)
{
    bc_announce_free();
    bc_convs_free();
    bc_convs_init(200);
    bc_announce_init();
    bc_announce_set_acker(fake_ack);
}

static void test_unacked_kept_across_restart(void **state)
{
    char *dir = bc_test_tmp_xdg("bc-ann-XXXXXX");
    assert_non_null(dir);
    bc_session *s = bc_session_get();
    bc_account *acct = bc_account_new("work", "alice@example.org");
    s->account = acct;

    receive(BC_ANN_PRIORITY, "bob@example.org/phone", "Fire drill at 3", "m1");
    receive(BC_ANN_HEADLINE, "news.example.org", "Weather: rain", "h1");
    receive(BC_ANN_SERVER, "example.org", "Maintenance \"tonight\"\nat 22:00", "s1");
    receive(BC_ANN_PRIORITY, "carol@example.org/desk", "Call the client", "m2");
    assert_true(bc_announce_ack(4)); /* carol's: acked, not kept */

    restart_model();
    assert_int_equal(bc_announce_unacked()->len, 0);
    assert_int_equal(bc_announce_restore(), 2);
    GPtrArray *u = bc_announce_unacked();
    assert_int_equal(u->len, 2);
    const bc_announcement *a = u->pdata[0];
    assert_int_equal(a->source, BC_ANN_PRIORITY);
    assert_string_equal(a->from, "bob@example.org/phone");
    assert_string_equal(a->text, "Fire drill at 3");
    assert_string_equal(a->stanza_id, "m1");
    assert_string_equal(a->ann_id, "ann");
    assert_true(a->markable);
    a = u->pdata[1];
    assert_int_equal(a->source, BC_ANN_SERVER);
    assert_string_equal(a->text, "Maintenance \"tonight\"\nat 22:00");
    assert_string_equal(last_line()->text,
                        "[server #2] Maintenance \"tonight\"\nat 22:00"
                        " (waiting since before the restart)");

    /* The archive brings bob's again after the restart: shown once. */
    receive(BC_ANN_PRIORITY, "bob@example.org/phone", "Fire drill at 3", "m1");
    assert_int_equal(bc_announce_unacked()->len, 2);
    /* Restoring twice adds nothing. */
    assert_int_equal(bc_announce_restore(), 0);

    /* Acknowledged after the restart: the sender hears, and it is not
     * kept any more. */
    assert_int_equal(bc_announce_ack_all(), 2);
    assert_int_equal(acked_ids->len, 2);
    assert_string_equal(g_ptr_array_index(acked_ids, 1), "m1");
    restart_model();
    assert_int_equal(bc_announce_restore(), 0);
    assert_int_equal(bc_announce_unacked()->len, 0);

    /* A damaged file: the readable entries come back, the console says
     * nothing is lost; an unreadable one is reported, not fatal. */
    char *path = g_build_filename(dir, "data", "backchat", "accounts", "work",
                                  "announcements", NULL);
    if (!g_file_test(path, G_FILE_TEST_EXISTS)) {
        g_free(path);
        char *adir = bc_paths_account_dir("work", NULL);
        path = g_build_filename(adir, "announcements", NULL);
        g_free(adir);
    }
    assert_true(g_file_set_contents(path,
                                    "[a]\nsource=priority\nfrom=dave@example.org\ntext=ok\n"
                                    "[b]\nsource=nonsense\nfrom=x@example.org\n"
                                    "[c]\nsource=server\n", -1, NULL));
    restart_model();
    assert_int_equal(bc_announce_restore(), 1);
    assert_string_equal(((bc_announcement *)bc_announce_unacked()->pdata[0])->from,
                        "dave@example.org");
    assert_true(g_file_set_contents(path, "not a key file [", -1, NULL));
    restart_model();
    assert_int_equal(bc_announce_restore(), 0);
    bc_conv *console = bc_conv_nth(0);
    assert_non_null(strstr(bc_conv_line(console, console->len - 1)->text, "fix or remove"));

    g_free(path);
    s->account = NULL;
    bc_account_free(acct);
    bc_test_rm_rf(dir);
    g_free(dir);
    bc_paths_reset();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_receive_shows_in_tab, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unacked_kept_across_restart, setup, teardown),
        cmocka_unit_test_setup_teardown(test_room_announcement_from_nick, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ack_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_memory_bounded_keeps_unacked, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rollup, setup, teardown),
        cmocka_unit_test_setup_teardown(test_states_forward_only, setup, teardown),
        cmocka_unit_test_setup_teardown(test_room_recipients_and_lookup, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rollup_line_gone, setup, teardown),
        cmocka_unit_test_setup_teardown(test_parse_interval, setup, teardown),
        cmocka_unit_test_setup_teardown(test_escalation_timing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_escalation_min_interval, setup, teardown),
        cmocka_unit_test_setup_teardown(test_escalation_min_interval_clamped, setup, teardown),
        cmocka_unit_test_setup_teardown(test_escalation_needs_priority_and_counts_sent, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
