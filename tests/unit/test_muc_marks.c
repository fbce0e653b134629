/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for the room model's words and marks (src/core/muc.c,
 * muc_marks.c): role and affiliation names, mention detection (word
 * boundaries, any case and script, nicks with punctuation), invitations,
 * bookmarks and the default nick. */
#include "muc_fixture.h"

/* ---- names ---------------------------------------------------------------- */

static void test_names(void **state)
{
    for (int i = BC_ROLE_NONE; i <= BC_ROLE_MODERATOR; i++) {
        bc_muc_role r = BC_ROLE_NONE;
        assert_true(bc_muc_role_parse(bc_muc_role_name((bc_muc_role)i), &r));
        assert_int_equal(r, i);
    }
    for (int i = BC_AFFIL_OUTCAST; i <= BC_AFFIL_OWNER; i++) {
        bc_muc_affil a = BC_AFFIL_NONE;
        assert_true(bc_muc_affil_parse(bc_muc_affil_name((bc_muc_affil)i), &a));
        assert_int_equal(a, i);
    }
    bc_muc_role r = BC_ROLE_VISITOR;
    assert_false(bc_muc_role_parse("admin", &r));
    assert_false(bc_muc_role_parse(NULL, &r));
    assert_int_equal(r, BC_ROLE_VISITOR);
    assert_string_equal(bc_muc_affil_name(BC_AFFIL_OWNER), "owner");
}

/* ---- mentions ------------------------------------------------------------- */

static void test_mentions(void **state)
{
    assert_true(bc_muc_mentions("al: look", "al"));
    assert_true(bc_muc_mentions("hey al", "al"));
    assert_false(bc_muc_mentions("also this", "al"));
    assert_false(bc_muc_mentions("ask sal", "al"));
    assert_false(bc_muc_mentions("totally", "al"));
    assert_true(bc_muc_mentions("sal and al", "al"));
    assert_true(bc_muc_mentions("bob: hi", "bob"));
    assert_true(bc_muc_mentions("@bob hi", "bob"));
    assert_true(bc_muc_mentions("thanks bob, great", "bob"));
    assert_true(bc_muc_mentions("BOB!", "bob"));
    assert_true(bc_muc_mentions("ping Bob", "bOB"));
    assert_false(bc_muc_mentions("bobby", "bob"));
    assert_false(bc_muc_mentions("bob_x", "bob"));
    assert_false(bc_muc_mentions("bob2", "bob"));
    /* Non-ASCII: case-insensitive, and letters of any script make words. */
    assert_true(bc_muc_mentions("ZOË, are you there?", "Zoë"));
    assert_true(bc_muc_mentions("hi zoë", "Zoë"));
    assert_true(bc_muc_mentions("hi zoe\xcc\x88!", "Zoë")); /* decomposed ë */
    assert_false(bc_muc_mentions("zoëlle", "Zoë"));
    assert_false(bc_muc_mentions("hi zoe", "Zoë"));
    assert_false(bc_muc_mentions("éal", "al"));
    assert_false(bc_muc_mentions("alé", "al"));
    assert_true(bc_muc_mentions("привет Вася!", "вася"));
    assert_false(bc_muc_mentions("Васят", "вася"));
    /* Nicks with punctuation. */
    assert_true(bc_muc_mentions("[bot]: status", "[bot]"));
    assert_true(bc_muc_mentions("ask [BOT]", "[bot]"));
    assert_false(bc_muc_mentions("x[bot]y", "[bot]"));
    assert_false(bc_muc_mentions("bot: status", "[bot]"));
    assert_true(bc_muc_mentions("bob.: hi", "bob."));
    assert_true(bc_muc_mentions("ask bob.", "bob."));
    assert_false(bc_muc_mentions("see bob.com", "bob."));
    assert_true(bc_muc_mentions("o'neil: ok", "o'neil"));
    assert_true(bc_muc_mentions("thanks O'Neil", "o'neil"));
    assert_false(bc_muc_mentions("o'neill", "o'neil"));
    assert_true(bc_muc_mentions("a-b: yes", "a-b"));
    assert_false(bc_muc_mentions("xa-b", "a-b"));
    assert_false(bc_muc_mentions("a-bc", "a-b"));
    /* Empty or missing never match. */
    assert_false(bc_muc_mentions("anything", ""));
    assert_false(bc_muc_mentions("", ""));
    assert_false(bc_muc_mentions(NULL, "bob"));
    assert_false(bc_muc_mentions("bob", NULL));
    /* The notification policy agrees (one implementation). */
    assert_false(bc_notify_mentions("also", "al"));
    assert_true(bc_notify_mentions("@[bot]", "[bot]"));
}

/* ---- invitations and bookmarks ------------------------------------------- */

static void test_invitations(void **state)
{
    bc_conv *con = bc_conv_console();
    bc_muc_invited(ROOM, "carol@example.org", "standup", NULL);
    assert_string_equal(last_line(con)->text,
                        "carol@example.org invites you to " ROOM " (standup) \u2014 /invite"
                        " accept to join, /invite decline to decline");
    bc_muc_invited(ROOM2, "dave@example.org", NULL, "secret");
    assert_contains(last_line(con)->text, "dave@example.org invites you to " ROOM2 " \u2014");
    bc_muc_invited("TEAM@conference.example.org", "erin@example.org", "again", NULL);
    GPtrArray *all = bc_muc_invites();
    assert_int_equal(all->len, 2);
    /* The newest per room wins, and is the newest overall. */
    const bc_muc_invite *i = bc_muc_invite_pending(ROOM);
    assert_string_equal(i->from, "erin@example.org");
    assert_ptr_equal(bc_muc_invite_pending(NULL), i);
    assert_string_equal(bc_muc_invite_pending(ROOM2)->password, "secret");
    bc_muc_invite_drop(ROOM);
    assert_null(bc_muc_invite_pending(ROOM));
    assert_int_equal(all->len, 1);
    /* At most 50: the oldest go. */
    for (int k = 0; k < 60; k++) {
        char room[64];
        snprintf(room, sizeof room, "r%02d@conference.example.org", k);
        bc_muc_invited(room, "x@example.org", NULL, NULL);
    }
    all = bc_muc_invites();
    assert_int_equal(all->len, 50);
    assert_null(bc_muc_invite_pending(ROOM2));
    assert_string_equal(((bc_muc_invite *)all->pdata[0])->room, "r10@conference.example.org");
    assert_string_equal(bc_muc_invite_pending(NULL)->room, "r59@conference.example.org");
    /* Joining a room answers its invitation. */
    bc_muc_joining("r59@conference.example.org", "alice", NULL, false);
    self_in("r59@conference.example.org", "alice", false);
    assert_null(bc_muc_invite_pending("r59@conference.example.org"));
}

static void test_bookmarks(void **state)
{
    GPtrArray *list = g_ptr_array_new_with_free_func((GDestroyNotify)bc_bookmark_free);
    g_ptr_array_add(list, bc_bookmark_new("zeta@conference.example.org", "Zeta", NULL, NULL,
                                          false));
    g_ptr_array_add(list, bc_bookmark_new(ROOM, "Team", "al", NULL, true));
    g_ptr_array_add(list, bc_bookmark_new("Team@Conference.example.org", "Team 2", NULL, "pw",
                                          false));
    bc_muc_bookmarks_set(list);
    GPtrArray *b = bc_muc_bookmarks();
    assert_int_equal(b->len, 2);
    assert_string_equal(((bc_bookmark *)b->pdata[0])->jid, ROOM);
    assert_string_equal(((bc_bookmark *)b->pdata[1])->jid, "zeta@conference.example.org");
    const bc_bookmark *t = bc_muc_bookmark("TEAM@conference.example.org");
    assert_non_null(t);
    assert_string_equal(t->name, "Team 2"); /* the later entry wins */
    assert_string_equal(t->password, "pw");

    bc_bookmark *n = bc_bookmark_new(ROOM2, NULL, "alice", NULL, true);
    bc_muc_bookmark_put(n);
    bc_bookmark_free(n);
    assert_int_equal(b->len, 3);
    assert_string_equal(((bc_bookmark *)b->pdata[0])->jid, ROOM2);
    n = bc_bookmark_new(ROOM, "Renamed", NULL, NULL, true);
    bc_muc_bookmark_put(n);
    bc_bookmark_free(n);
    assert_int_equal(b->len, 3);
    assert_string_equal(bc_muc_bookmark(ROOM)->name, "Renamed");
    assert_true(bc_muc_bookmark(ROOM)->autojoin);
    assert_null(bc_muc_bookmark(ROOM)->nick);

    bc_muc_bookmark_removed(ROOM2);
    assert_null(bc_muc_bookmark(ROOM2));
    assert_int_equal(b->len, 2);
    bc_muc_bookmark_removed("nothere@conference.example.org");
    assert_int_equal(b->len, 2);
    bc_muc_bookmarks_set(NULL);
    assert_int_equal(bc_muc_bookmarks()->len, 0);
}

static void test_default_nick(void **state)
{
    char *n = bc_muc_default_nick();
    assert_string_equal(n, "alice");
    g_free(n);
    load_config("[muc]\nnick = Ally\n");
    n = bc_muc_default_nick();
    assert_string_equal(n, "Ally");
    g_free(n);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_names),
        T(test_mentions),
        T(test_invitations),
        T(test_bookmarks),
        T(test_default_nick),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
