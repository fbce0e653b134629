/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for the room model (src/core/muc.c) and the routing of room
 * messages (src/core/core.c): occupants and the lines a room's tab shows,
 * our state in a room, panel order, nick completion, highlights and
 * counts, corrections, private messages and logging with nicks. */
#include "muc_fixture.h"

/* ---- joining -------------------------------------------------------------- */

static void test_join_burst_summary(void **state)
{
    bc_room *r = bc_muc_joining("Team@Conference.example.org", "alice", "pw", true);
    assert_non_null(r);
    assert_string_equal(r->jid, ROOM);
    assert_ptr_equal(bc_muc_room(ROOM), r);
    assert_ptr_equal(bc_muc_room_of_conv(ROOM "/bob"), r);
    assert_int_equal(r->state, BC_ROOM_JOINING);
    assert_true(r->rejoin);
    assert_string_equal(r->password, "pw");
    bc_conv *c = room_tab(ROOM);
    assert_ptr_equal(bc_conv_current(), c);
    size_t before = c->len;
    arrive(ROOM, "dave", BC_ROLE_PARTICIPANT);
    arrive(ROOM, "bob", BC_ROLE_MODERATOR);
    arrive(ROOM, "Carol", BC_ROLE_PARTICIPANT);
    arrive(ROOM, "gone", BC_ROLE_PARTICIPANT);
    bc_muc_presence_event left = pres(ROOM, "gone", false, BC_ROLE_NONE, BC_AFFIL_NONE);
    bc_muc_presence(&left);
    /* The initial list is not announced one by one. */
    assert_int_equal(c->len, before);
    assert_int_equal(g_hash_table_size(r->occupants), 3);
    bc_dirty_take();
    self_in(ROOM, "alice", true);
    assert_int_equal(r->state, BC_ROOM_JOINED);
    assert_true(r->created);
    assert_true(r->joined_at > 0);
    unsigned d = bc_dirty_take();
    assert_true(d & BC_DIRTY_TITLE);
    assert_true(d & BC_DIRTY_ROSTER);
    assert_int_equal(c->len, before + 3);
    assert_string_equal(bc_conv_line(c, before)->text, "You joined " ROOM " as alice");
    assert_contains(bc_conv_line(c, before + 1)->text, "locked until you configure it");
    assert_contains(bc_conv_line(c, before + 1)->text, "/roomconfig instant");
    assert_string_equal(bc_conv_line(c, before + 2)->text, "3 occupants: bob, Carol, dave");
    assert_non_null(bc_muc_occupant(r, "alice"));
    assert_int_equal(bc_muc_occupant(r, "alice")->affil, BC_AFFIL_MEMBER);
}

static void test_join_summary_many(void **state)
{
    bc_room *r = bc_muc_joining(ROOM, "alice", NULL, false);
    for (int i = 0; i < 25; i++) {
        char nick[16];
        snprintf(nick, sizeof nick, "n%02d", i);
        arrive(ROOM, nick, BC_ROLE_PARTICIPANT);
    }
    self_in(ROOM, "alice", false);
    const char *t = last_text(ROOM);
    assert_contains(t, "25 occupants: n00, n01, ");
    assert_contains(t, "n19 and 5 more");
    assert_null(strstr(t, "n20"));
    assert_int_equal(g_hash_table_size(r->occupants), 26);
    /* Joining again starts from an empty list. */
    bc_muc_joining(ROOM, "alice", NULL, false);
    assert_int_equal(g_hash_table_size(r->occupants), 0);
    assert_int_equal(r->state, BC_ROOM_JOINING);
    self_in(ROOM, "alice", false);
    assert_string_equal(last_text(ROOM), "Nobody else is here.");
}

static void test_join_failed(void **state)
{
    bc_room *r = bc_muc_joining(ROOM, "alice", NULL, false);
    bc_muc_join_failed(ROOM, "the nick alice is taken", true);
    assert_int_equal(r->state, BC_ROOM_OUT);
    assert_false(r->rejoin);
    bc_conv *c = room_tab(ROOM);
    const bc_line *l = last_line(c);
    assert_int_equal(l->kind, BC_LINE_ERR);
    assert_contains(l->text, "/join " ROOM "/NICK");
    assert_contains(bc_conv_line(c, c->len - 2)->text, "the nick alice is taken");
}

/* ---- occupants come and go ---------------------------------------------- */

static void test_joins_leaves_changes(void **state)
{
    bc_room *r = join_team(ROOM);
    bc_conv *c = room_tab(ROOM);
    arrive(ROOM, "erin", BC_ROLE_PARTICIPANT);
    assert_string_equal(last_text(ROOM), "erin joined");

    /* Presence only: the model changes, the tab does not. */
    size_t n = c->len;
    bc_dirty_take();
    bc_muc_presence_event ev = pres(ROOM, "erin", true, BC_ROLE_PARTICIPANT, BC_AFFIL_NONE);
    ev.show = BC_SHOW_AWAY;
    ev.status = "lunch";
    bc_muc_presence(&ev);
    assert_int_equal(c->len, n);
    assert_true(bc_dirty_take() & BC_DIRTY_ROSTER);
    assert_int_equal(bc_muc_occupant(r, "erin")->show, BC_SHOW_AWAY);
    assert_string_equal(bc_muc_occupant(r, "erin")->status, "lunch");

    ev = pres(ROOM, "erin", true, BC_ROLE_MODERATOR, BC_AFFIL_NONE);
    bc_muc_presence(&ev);
    assert_string_equal(last_text(ROOM), "erin is now a moderator");
    ev = pres(ROOM, "erin", true, BC_ROLE_MODERATOR, BC_AFFIL_ADMIN);
    bc_muc_presence(&ev);
    assert_string_equal(last_text(ROOM), "erin is now an admin");
    ev = pres(ROOM, "erin", true, BC_ROLE_MODERATOR, BC_AFFIL_NONE);
    bc_muc_presence(&ev);
    assert_string_equal(last_text(ROOM), "erin is no longer an admin");
    ev = pres(ROOM, "erin", true, BC_ROLE_VISITOR, BC_AFFIL_NONE);
    bc_muc_presence(&ev);
    assert_contains(last_text(ROOM), "erin is now a visitor");

    ev = pres(ROOM, "erin", false, BC_ROLE_NONE, BC_AFFIL_NONE);
    ev.status = "bye all";
    bc_muc_presence(&ev);
    assert_string_equal(last_text(ROOM), "erin left (bye all)");
    assert_null(bc_muc_occupant(r, "erin"));
    /* A second unavailable for someone not there says nothing. */
    n = c->len;
    bc_muc_presence(&ev);
    assert_int_equal(c->len, n);
}

static void test_nick_change_keeps_role_and_jid(void **state)
{
    bc_room *r = bc_muc_joining(ROOM, "alice", NULL, false);
    bc_muc_presence_event ev = pres(ROOM, "bob", true, BC_ROLE_MODERATOR, BC_AFFIL_ADMIN);
    ev.jid = "bob@example.org/laptop";
    bc_muc_presence(&ev);
    self_in(ROOM, "alice", false);
    bc_muc_spoke(r, "bob");

    bc_muc_presence_event gone = pres(ROOM, "bob", false, BC_ROLE_MODERATOR, BC_AFFIL_ADMIN);
    gone.exit = BC_MUC_EXIT_NICK;
    gone.new_nick = "robert";
    bc_muc_presence(&gone);
    assert_string_equal(last_text(ROOM), "bob is now known as robert");
    assert_null(bc_muc_occupant(r, "bob"));
    /* The new presence may leave the real JID out: it is kept. */
    bc_conv *c = room_tab(ROOM);
    size_t n = c->len;
    bc_muc_presence_event back = pres(ROOM, "robert", true, BC_ROLE_MODERATOR, BC_AFFIL_ADMIN);
    bc_muc_presence(&back);
    assert_int_equal(c->len, n); /* no "robert joined" */
    const bc_occupant *o = bc_muc_occupant(r, "robert");
    assert_non_null(o);
    assert_int_equal(o->role, BC_ROLE_MODERATOR);
    assert_int_equal(o->affil, BC_AFFIL_ADMIN);
    assert_string_equal(o->jid, "bob@example.org/laptop");
    /* Completion order follows the new nick. */
    char **m = bc_muc_nick_complete(r, "r");
    assert_string_equal(m[0], "robert");
    g_strfreev(m);

    /* Our own nick change. */
    bc_muc_presence_event me = pres(ROOM, "alice", false, BC_ROLE_PARTICIPANT, BC_AFFIL_MEMBER);
    me.self = true;
    me.exit = BC_MUC_EXIT_NICK;
    me.new_nick = "alicia";
    bc_muc_presence(&me);
    assert_string_equal(r->nick, "alicia");
    assert_string_equal(last_text(ROOM), "You are now known as alicia");
    assert_int_equal(r->state, BC_ROOM_JOINED);
    self_in(ROOM, "alicia", false);
    assert_string_equal(r->nick, "alicia");
    assert_int_equal(r->state, BC_ROOM_JOINED);
}

static void test_kick_ban_lines(void **state)
{
    bc_room *r = join_team(ROOM);
    arrive(ROOM, "dave", BC_ROLE_PARTICIPANT);
    bc_muc_presence_event ev = pres(ROOM, "carol", false, BC_ROLE_NONE, BC_AFFIL_NONE);
    ev.exit = BC_MUC_EXIT_KICKED;
    ev.actor = "bob";
    ev.reason = "spam";
    bc_muc_presence(&ev);
    assert_string_equal(last_text(ROOM), "carol was kicked by bob: spam");
    assert_null(bc_muc_occupant(r, "carol"));
    ev = pres(ROOM, "dave", false, BC_ROLE_NONE, BC_AFFIL_OUTCAST);
    ev.exit = BC_MUC_EXIT_BANNED;
    bc_muc_presence(&ev);
    assert_string_equal(last_text(ROOM), "dave was banned");
    arrive(ROOM, "erin", BC_ROLE_PARTICIPANT);
    ev = pres(ROOM, "erin", false, BC_ROLE_NONE, BC_AFFIL_OUTCAST);
    ev.exit = BC_MUC_EXIT_BANNED;
    ev.reason = "trolling";
    bc_muc_presence(&ev);
    assert_string_equal(last_text(ROOM), "erin was banned: trolling");
}

static void test_own_kick_and_destroy(void **state)
{
    bc_room *r = join_team(ROOM);
    bc_dirty_take();
    bc_muc_presence_event ev = pres(ROOM, "alice", false, BC_ROLE_NONE, BC_AFFIL_MEMBER);
    ev.self = true;
    ev.exit = BC_MUC_EXIT_KICKED;
    ev.actor = "bob";
    ev.reason = "too loud";
    bc_muc_presence(&ev);
    assert_int_equal(r->state, BC_ROOM_OUT);
    assert_false(r->rejoin);
    assert_int_equal(g_hash_table_size(r->occupants), 0);
    assert_true(bc_dirty_take() & BC_DIRTY_TITLE);
    const bc_line *l = last_line(room_tab(ROOM));
    assert_int_equal(l->kind, BC_LINE_ERR);
    assert_string_equal(l->text, "You were kicked from " ROOM " by bob: too loud");
    /* Stray presences after that change nothing. */
    arrive(ROOM, "carol", BC_ROLE_PARTICIPANT);
    assert_int_equal(g_hash_table_size(r->occupants), 0);

    bc_room *o = join_team(ROOM2);
    ev = pres(ROOM2, "alice", false, BC_ROLE_NONE, BC_AFFIL_NONE);
    ev.self = true;
    ev.exit = BC_MUC_EXIT_DESTROYED;
    ev.reason = "moved to ops2";
    bc_muc_presence(&ev);
    assert_int_equal(o->state, BC_ROOM_OUT);
    assert_false(o->rejoin);
    assert_string_equal(last_text(ROOM2), "The room " ROOM2 " was destroyed: moved to ops2");

    bc_room *b = join_team("ban@conference.example.org");
    ev = pres("ban@conference.example.org", "alice", false, BC_ROLE_NONE, BC_AFFIL_OUTCAST);
    ev.self = true;
    ev.exit = BC_MUC_EXIT_BANNED;
    ev.actor = "bob";
    bc_muc_presence(&ev);
    assert_false(b->rejoin);
    assert_contains(last_text("ban@conference.example.org"), "You were banned from");
    assert_contains(last_text("ban@conference.example.org"), "by bob");
}

static void test_leave_and_disconnect(void **state)
{
    bc_room *a = join_team(ROOM);
    bc_room *b = join_team(ROOM2);
    bc_room *j = bc_muc_joining("joining@conference.example.org", "alice", NULL, false);
    bc_muc_leaving(ROOM2);
    assert_int_equal(b->state, BC_ROOM_OUT);
    assert_false(b->rejoin);
    assert_string_equal(last_text(ROOM2), "You left " ROOM2 ".");
    /* The room confirms: no second line. */
    size_t n = room_tab(ROOM2)->len;
    bc_muc_presence_event ev = pres(ROOM2, "alice", false, BC_ROLE_NONE, BC_AFFIL_NONE);
    ev.self = true;
    bc_muc_presence(&ev);
    assert_int_equal(room_tab(ROOM2)->len, n);

    bc_muc_disconnected();
    assert_int_equal(a->state, BC_ROOM_OUT);
    assert_true(a->rejoin);
    assert_int_equal(j->state, BC_ROOM_OUT);
    assert_true(j->rejoin);
    assert_false(b->rejoin);
    assert_int_equal(g_hash_table_size(a->occupants), 0);
    assert_contains(last_text(ROOM), "joins it again");
    assert_int_equal(bc_muc_rooms()->len, 3);

    bc_muc_forget(ROOM2);
    assert_null(bc_muc_room(ROOM2));
    assert_int_equal(bc_muc_rooms()->len, 2);
}

static void test_subject(void **state)
{
    bc_room *r = join_team(ROOM);
    bc_dirty_take();
    bc_muc_subject(ROOM, "bob", "Release on Friday");
    assert_string_equal(r->subject, "Release on Friday");
    assert_true(bc_dirty_take() & BC_DIRTY_TITLE);
    assert_string_equal(last_text(ROOM), "Subject: Release on Friday (set by bob)");
    bc_muc_subject(ROOM, "carol", "Release on Monday");
    assert_string_equal(last_text(ROOM), "carol changed the subject to: Release on Monday");
    bc_muc_subject(ROOM, "carol", "");
    assert_null(r->subject);
    assert_string_equal(last_text(ROOM), "carol cleared the subject");
}

/* ---- order and completion ------------------------------------------------- */

static void test_sorted_occupants(void **state)
{
    bc_room *r = bc_muc_joining(ROOM, "alice", NULL, false);
    arrive(ROOM, "zed", BC_ROLE_MODERATOR);
    arrive(ROOM, "Amy", BC_ROLE_MODERATOR);
    arrive(ROOM, "visitor1", BC_ROLE_VISITOR);
    arrive(ROOM, "bob", BC_ROLE_PARTICIPANT);
    arrive(ROOM, "Ben", BC_ROLE_PARTICIPANT);
    self_in(ROOM, "alice", false);
    GPtrArray *s = bc_muc_occupants_sorted(r);
    const char *want[] = {"Amy", "zed", "alice", "Ben", "bob", "visitor1"};
    assert_int_equal(s->len, G_N_ELEMENTS(want));
    for (guint i = 0; i < s->len; i++)
        assert_string_equal(((bc_occupant *)s->pdata[i])->nick, want[i]);
    /* Unchanged: the same view. A change rebuilds it. */
    assert_ptr_equal(bc_muc_occupants_sorted(r), s);
    bc_muc_presence_event ev = pres(ROOM, "visitor1", true, BC_ROLE_MODERATOR, BC_AFFIL_NONE);
    bc_muc_presence(&ev);
    s = bc_muc_occupants_sorted(r);
    assert_string_equal(((bc_occupant *)s->pdata[1])->nick, "visitor1");
    ev = pres(ROOM, "Amy", false, BC_ROLE_NONE, BC_AFFIL_NONE);
    bc_muc_presence(&ev);
    s = bc_muc_occupants_sorted(r);
    assert_int_equal(s->len, 5);
    assert_string_equal(((bc_occupant *)s->pdata[0])->nick, "visitor1");
}

static void test_nick_completion(void **state)
{
    bc_room *r = bc_muc_joining(ROOM, "me", NULL, false);
    arrive(ROOM, "Alice", BC_ROLE_PARTICIPANT);
    arrive(ROOM, "alan", BC_ROLE_PARTICIPANT);
    arrive(ROOM, "Albert", BC_ROLE_MODERATOR);
    arrive(ROOM, "bob", BC_ROLE_PARTICIPANT);
    self_in(ROOM, "me", false);
    char **m = bc_muc_nick_complete(r, "al");
    assert_int_equal(g_strv_length(m), 3);
    assert_string_equal(m[0], "alan");   /* no one spoke: by name */
    assert_string_equal(m[1], "Albert");
    assert_string_equal(m[2], "Alice");
    g_strfreev(m);
    bc_muc_spoke(r, "Alice");
    bc_muc_spoke(r, "bob");
    bc_muc_spoke(r, "Albert");
    m = bc_muc_nick_complete(r, "AL");
    assert_int_equal(g_strv_length(m), 3);
    assert_string_equal(m[0], "Albert"); /* the most recent speaker first */
    assert_string_equal(m[1], "Alice");
    assert_string_equal(m[2], "alan");
    g_strfreev(m);
    m = bc_muc_nick_complete(r, "");
    assert_int_equal(g_strv_length(m), 5);
    assert_string_equal(m[0], "Albert");
    assert_string_equal(m[1], "bob");
    assert_string_equal(m[2], "Alice");
    g_strfreev(m);
    m = bc_muc_nick_complete(r, "x");
    assert_null(m[0]);
    g_strfreev(m);
    /* Someone who left is not offered. */
    bc_muc_presence_event ev = pres(ROOM, "Albert", false, BC_ROLE_NONE, BC_AFFIL_NONE);
    bc_muc_presence(&ev);
    m = bc_muc_nick_complete(r, "al");
    assert_int_equal(g_strv_length(m), 2);
    assert_string_equal(m[0], "Alice");
    g_strfreev(m);
}

/* ---- routing -------------------------------------------------------------- */

static void test_route_unknown_room_dropped(void **state)
{
    size_t tabs = bc_conv_count();
    msg("nowhere@conference.example.org", "bob", "hello", "x1", false);
    assert_int_equal(bc_conv_count(), tabs);
    assert_null(bc_conv_find_type(BC_CONV_ROOM, "nowhere@conference.example.org"));
}

static void test_route_mentions_and_counts(void **state)
{
    bc_room *r = join_team(ROOM);
    bc_conv *c = room_tab(ROOM);
    assert_true(bc_conv_select(0));
    assert_int_equal(c->unread, 0);

    msg(ROOM, "bob", "morning all", "m1", false);
    const bc_line *l = last_line(c);
    assert_int_equal(l->kind, BC_LINE_IN);
    assert_string_equal(l->from, "bob");
    assert_string_equal(l->text, "morning all");
    assert_false(l->highlight);
    assert_int_equal(c->unread, 1);
    assert_int_equal(c->mentions, 0);
    assert_int_equal(notified(), 0); /* ordinary room lines do not notify */

    msg(ROOM, "carol", "alice: can you review?", "m2", false);
    l = last_line(c);
    assert_true(l->highlight);
    assert_int_equal(c->unread, 2);
    assert_int_equal(c->mentions, 1);
    assert_int_equal(notified(), 1);
    assert_string_equal(notification(0), "carol in team|alice: can you review?");

    /* Old lines from the room's history: shown, not counted. */
    msg(ROOM, "bob", "alice said so yesterday", "h1", true);
    l = last_line(c);
    assert_string_equal(l->text, "alice said so yesterday");
    assert_true(l->highlight);
    assert_int_equal(c->unread, 2);
    assert_int_equal(c->mentions, 1);
    assert_int_equal(notified(), 1);

    /* In view: highlighted but nothing to count or notify. */
    assert_true(bc_conv_select(bc_conv_index(c)));
    msg(ROOM, "bob", "@alice ok", "m3", false);
    assert_true(last_line(c)->highlight);
    assert_int_equal(c->unread, 0);
    assert_int_equal(c->mentions, 0);
    assert_int_equal(notified(), 1);

    /* Our own line (the room's reflection) shows our nick. */
    bc_msg_event out = {.peer = ROOM, .from_full = ROOM "/alice", .body = "on it, alice here",
                        .stanza_id = "o1", .kind = BC_KIND_GROUPCHAT, .nick = "alice",
                        .outgoing = true};
    bc_core_message(&out);
    l = last_line(c);
    assert_int_equal(l->kind, BC_LINE_OUT);
    assert_string_equal(l->from, "alice");
    assert_false(l->highlight);

    /* Completion knows who spoke last. */
    char **m = bc_muc_nick_complete(r, "");
    assert_string_equal(m[0], "bob");
    assert_string_equal(m[1], "carol");
    g_strfreev(m);
}

static void test_route_corrections(void **state)
{
    join_team(ROOM);
    bc_conv *c = room_tab(ROOM);
    msg(ROOM, "bob", "teh plan", "b1", false);
    size_t n = c->len;
    bc_msg_event fix = {.peer = ROOM, .from_full = ROOM "/bob", .body = "the plan",
                        .stanza_id = "b2", .kind = BC_KIND_GROUPCHAT, .nick = "bob",
                        .replaces_id = "b1"};
    bc_core_message(&fix);
    assert_int_equal(c->len, n);
    assert_string_equal(last_line(c)->text, "the plan");
    assert_true(last_line(c)->edited);
    /* Someone else cannot rewrite bob's line: it is a new line. */
    bc_msg_event forged = fix;
    forged.nick = "carol";
    forged.from_full = ROOM "/carol";
    forged.body = "bob is wrong";
    forged.stanza_id = "c1";
    bc_core_message(&forged);
    assert_int_equal(c->len, n + 1);
    assert_string_equal(bc_conv_line(c, n - 1)->text, "the plan");
    assert_string_equal(last_line(c)->from, "carol");
}

static void test_route_private(void **state)
{
    join_team(ROOM);
    bc_conv_select(0);
    bc_msg_event ev = {.peer = ROOM "/bob", .from_full = ROOM "/bob", .body = "psst",
                       .stanza_id = "p1", .kind = BC_KIND_PRIVATE, .nick = "bob"};
    bc_core_message(&ev);
    bc_conv *c = bc_conv_find_type(BC_CONV_PRIVATE, ROOM "/bob");
    assert_non_null(c);
    assert_string_equal(c->title, "bob (team)");
    assert_string_equal(last_line(c)->from, "bob");
    assert_int_equal(c->unread, 1);
    assert_int_equal(notified(), 1); /* like a 1:1 message */
    assert_contains(notification(0), "psst");
    /* From the history: no notification, no count. */
    ev.from_history = true;
    ev.stanza_id = "p0";
    ev.body = "older";
    bc_core_message(&ev);
    assert_int_equal(c->unread, 1);
    assert_int_equal(notified(), 1);
    /* Our answer shows our nick in that room. */
    bc_msg_event out = {.peer = ROOM "/bob", .from_full = "alice@example.org/bc", .body = "yes",
                        .stanza_id = "p2", .kind = BC_KIND_PRIVATE, .outgoing = true};
    bc_core_message(&out);
    assert_string_equal(last_line(c)->from, "alice");
    assert_int_equal(last_line(c)->kind, BC_LINE_OUT);
}

typedef struct {
    int n;
    char nicks[8][32];
    bc_msg_kind kinds[8];
} seen_rows;

static void collect(const bc_store_msg *m, void *data)
{
    seen_rows *s = data;
    if (s->n < 8) {
        g_strlcpy(s->nicks[s->n], m->nick ? m->nick : "(null)", sizeof s->nicks[0]);
        s->kinds[s->n] = m->kind;
    }
    s->n++;
}

static void test_route_logging_with_nicks(void **state)
{
    assert_true(bc_core_open_log(NULL));
    join_team(ROOM);
    bc_conv *c = room_tab(ROOM);
    msg(ROOM, "bob", "first", "s1", false);
    bc_msg_event out = {.peer = ROOM, .from_full = ROOM "/alice", .body = "second",
                        .stanza_id = "s2", .kind = BC_KIND_GROUPCHAT, .nick = "alice",
                        .outgoing = true};
    bc_core_message(&out);
    msg(ROOM, "bob", "first", "s1", false); /* the same message again */
    assert_true(bc_core_log_flush(NULL));
    /* The duplicate went; the others know their rows. */
    size_t ours = 0;
    for (size_t i = 0; i < c->len; i++) {
        const bc_line *l = bc_conv_line(c, i);
        if (l->kind == BC_LINE_SYS)
            continue;
        assert_true(l->id > 0);
        ours++;
    }
    assert_int_equal(ours, 2);

    seen_rows s = {0};
    assert_int_equal(bc_store_recent(bc_core_log(), ROOM, 10, collect, &s), 2);
    assert_string_equal(s.nicks[0], "bob");
    assert_string_equal(s.nicks[1], "alice");
    assert_int_equal(s.kinds[0], BC_KIND_GROUPCHAT);

    /* Closed and opened again: the lines come from the log, with nicks. */
    assert_true(bc_conv_close(bc_conv_index(c)));
    c = bc_conv_open_room(ROOM, false);
    assert_int_equal(c->len, 2);
    assert_string_equal(bc_conv_line(c, 0)->from, "bob");
    assert_string_equal(bc_conv_line(c, 1)->from, "alice");
    assert_int_equal(bc_conv_line(c, 1)->kind, BC_LINE_OUT);

    bc_msg_event pm = {.peer = ROOM "/bob", .from_full = ROOM "/bob", .body = "psst",
                       .stanza_id = "p1", .kind = BC_KIND_PRIVATE, .nick = "bob"};
    bc_core_message(&pm);
    assert_true(bc_core_log_flush(NULL));
    seen_rows p = {0};
    assert_int_equal(bc_store_recent(bc_core_log(), ROOM "/bob", 10, collect, &p), 1);
    assert_string_equal(p.nicks[0], "bob");
    assert_int_equal(p.kinds[0], BC_KIND_PRIVATE);
    bc_conv *pc = bc_conv_find_type(BC_CONV_PRIVATE, ROOM "/bob");
    assert_true(last_line(pc)->id > 0);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_join_burst_summary),
        T(test_join_summary_many),
        T(test_join_failed),
        T(test_joins_leaves_changes),
        T(test_nick_change_keeps_role_and_jid),
        T(test_kick_ban_lines),
        T(test_own_kick_and_destroy),
        T(test_leave_and_disconnect),
        T(test_subject),
        T(test_sorted_occupants),
        T(test_nick_completion),
        T(test_route_unknown_room_dropped),
        T(test_route_mentions_and_counts),
        T(test_route_corrections),
        T(test_route_private),
        T(test_route_logging_with_nicks),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
