/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for completion of room nicks, rooms and announcement targets
 * (src/cmd/cmd.c), with the room model filled the way the protocol layer
 * fills it, and for /occupants. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include <glib.h>

#include "backchat/cmd.h"
#include "backchat/conv.h"
#include "backchat/core.h"
#include "backchat/muc.h"
#include "backchat/occupants.h"
#include "backchat/roster.h"
#include "backchat/session.h"
#include "tmpdir.h"

#define ROOM "team@conference.localhost"

typedef struct {
    char *dir;
} fixture;

static void presence(const char *nick, bc_muc_role role, bc_muc_affil affil, bool self)
{
    bc_muc_presence_event ev = {
        .room = ROOM, .nick = nick, .available = true, .show = BC_SHOW_ONLINE,
        .role = role, .affil = affil, .self = self,
    };
    bc_muc_presence(&ev);
}

static int setup(void **state)
{
    fixture *f = g_new0(fixture, 1);
    f->dir = bc_test_tmp_xdg("bc-complete-room-XXXXXX");
    if (!f->dir) {
        g_free(f);
        return -1;
    }
    bc_convs_init(200);
    bc_roster_init();
    bc_muc_init();
    /* The room tab is focused; bob spoke last. */
    bc_muc_joining(ROOM, "alice", NULL, true);
    presence("bob", BC_ROLE_PARTICIPANT, BC_AFFIL_MEMBER, false);
    presence("Bobby", BC_ROLE_VISITOR, BC_AFFIL_NONE, false);
    presence("carol", BC_ROLE_MODERATOR, BC_AFFIL_ADMIN, false);
    presence("alice", BC_ROLE_MODERATOR, BC_AFFIL_OWNER, true);
    bc_muc_spoke(bc_muc_room(ROOM), "bob");
    bc_dirty_take();
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    bc_muc_free();
    bc_roster_free();
    bc_core_close_log();
    bc_session_free();
    bc_convs_free();
    bc_test_rm_rf(f->dir);
    bc_paths_reset();
    g_free(f->dir);
    g_free(f);
    return 0;
}

/* The candidates for `line` with the cursor at its end, joined by "|". */
static char *complete(const char *line)
{
    size_t ws;
    char **c = bc_cmd_complete(line, strlen(line), &ws);
    char *s = g_strjoinv("|", c);
    g_strfreev(c);
    return s;
}

#define assert_complete(line, want)                                                     \
    do {                                                                                \
        char *got_ = complete(line);                                                    \
        if (strcmp(got_, (want)) != 0) {                                                \
            fprintf(stderr, "completing \"%s\": got \"%s\", want \"%s\"\n", (line),    \
                    got_, (want));                                                      \
            g_free(got_);                                                               \
            fail();                                                                     \
        }                                                                               \
        g_free(got_);                                                                   \
    } while (0)

static void test_nick_in_room(void **state)
{
    (void)state;
    bc_conv *c = bc_conv_current();
    assert_non_null(c);
    assert_int_equal(c->type, BC_CONV_ROOM);
    /* Case-insensitive prefix; candidates sorted for the list. */
    assert_complete("/kick b", "Bobby|bob");
    assert_complete("/kick B", "Bobby|bob");
    assert_complete("/kick car", "carol");
    assert_complete("/kick zed", "");
    /* Only the first argument is a nick: the rest is the reason. */
    assert_complete("/kick bob c", "");
}

static void test_nick_role_order(void **state)
{
    (void)state;
    /* /role NICK ROLE: the nick first, then the role. */
    assert_complete("/role ca", "carol");
    assert_complete("/role carol mod", "moderator");
    assert_complete("/role carol p", "participant");
}

static void test_nick_elsewhere(void **state)
{
    (void)state;
    /* The console is no room: nobody to offer. */
    assert_true(bc_conv_select(0));
    assert_complete("/kick b", "");
    /* A private chat with an occupant completes its room's nicks. */
    bc_conv *p = bc_conv_open_private(ROOM "/bob", true);
    assert_non_null(p);
    assert_complete("/kick car", "carol");
}

static void test_rooms(void **state)
{
    (void)state;
    bc_muc_invited("talk@conference.localhost", "dave@localhost", NULL, NULL);
    bc_bookmark *b = bc_bookmark_new("tea@conference.localhost", "Tea", NULL, NULL, false);
    bc_muc_bookmark_put(b);
    bc_bookmark_free(b);
    assert_complete("/join t",
                    "talk@conference.localhost|tea@conference.localhost|" ROOM);
    assert_complete("/join team", ROOM);
    assert_complete("/leave ta", "talk@conference.localhost");
    assert_complete("/join x", "");
    /* Bookmark has subcommands first, then a room. */
    assert_complete("/bookmark add te", "tea@conference.localhost|" ROOM);
}

static void test_targets(void **state)
{
    (void)state;
    const char *const groups[] = {"Support", NULL};
    bc_roster_item("dave@localhost", "Dave", groups, BC_SUB_BOTH, false);
    bc_known_jid_add("erin@localhost");
    assert_complete("/announce S", "Support");
    assert_complete("/announce t", ROOM);
    assert_complete("/announce d", "dave@localhost");
    assert_complete("/announce e", "erin@localhost");
    /* After options the target still completes; a duration does not. */
    assert_complete("/announce --priority Su", "Support");
    assert_complete("/announce --priority --escalate 2m te", ROOM);
    assert_complete("/announce --escalate ", "");
    assert_complete("/announce --escalate 2m --priority e", "erin@localhost");
    /* JIDs separated by commas: the part after the last comma. */
    assert_complete("/announce dave@localhost,e", "dave@localhost,erin@localhost");
    /* After the target comes the text; status and list take no target. */
    assert_complete("/announce Support t", "");
    assert_complete("/announce status t", "");
    /* The first word also offers the subcommands and options. */
    assert_complete("/announce s", "status");
    assert_complete("/announce --p", "--priority");
}

static void test_occupants_command(void **state)
{
    (void)state;
    assert_true(bc_occupants_visible());
    assert_true(bc_cmd_execute("/occupants hide"));
    assert_false(bc_occupants_visible());
    assert_true(bc_dirty_take() & BC_DIRTY_CLEAR);
    assert_true(bc_cmd_execute("/occupants toggle"));
    assert_true(bc_occupants_visible());
    assert_true(bc_cmd_execute("/occupants"));
    assert_false(bc_occupants_visible());
    assert_true(bc_cmd_execute("/occupants show"));
    assert_true(bc_occupants_visible());
    /* A wrong word says what the right ones are, and changes nothing. */
    bc_conv *c = bc_conv_current();
    size_t before = c->len;
    assert_false(bc_cmd_execute("/occupants sideways"));
    assert_true(bc_occupants_visible());
    bool said = false;
    for (size_t i = before; i < c->len; i++)
        said |= strstr(bc_conv_line(c, i)->text, "show, hide or toggle") != NULL;
    assert_true(said);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_nick_in_room), T(test_nick_role_order), T(test_nick_elsewhere),
        T(test_rooms),        T(test_targets),         T(test_occupants_command),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
