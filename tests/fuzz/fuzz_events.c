/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target for stanza-to-event conversion: the input is a few
 * stanzas, as a server would send them on one stream, handed one by one to
 * the real handlers (message, presence, iq: chat, carbons, room messages
 * and presence, archive results, roster and blocklist pushes, PEP,
 * bookmarks, announcements, receipts, markers, chat states, errors).
 *
 * The session is up as after a login (our JID me@example.org/desk, a
 * roster, one joined room and one being joined, an announcement waiting
 * for receipts), on a connection that never connected: libstrophe drops
 * what the handlers send. Every input starts from that same state, so a
 * crash replays alone. Afterwards everything the model holds from the
 * network (lines, contacts, occupants, announcements, notifications) must
 * be clean text. */

#include <glib.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strophe.h>

#include "../../src/xmpp/internal.h"
#include "backchat/account.h"
#include "backchat/announce.h"
#include "backchat/chatstate.h"
#include "backchat/config.h"
#include "backchat/conv.h"
#include "backchat/loop.h"
#include "backchat/muc.h"
#include "backchat/notify.h"
#include "backchat/roster.h"
#include "backchat/sanitize.h"
#include "backchat/session.h"
#include "backchat/status.h"
#include "backchat/xmpp.h"
#include "fuzz_common.h"

#define OWN_FULL "me@example.org/desk"
#define ROOM "team@conference.example.org"
#define ROOM_JOINING "ops@conference.example.org"
#define MAX_STANZAS 16 /* per input: enough for a join and what follows */

static bool clean(const char *s) { return !s || bc_is_sanitized(s); }
static bool clean_line(const char *s) { return clean(s) && (!s || !strpbrk(s, "\n\t")); }

/* Runs on the notification worker: what reaches the desktop is clean. */
static bool on_notify(const char *key, const char *summary, const char *body,
                      bc_notify_urgency urgency, void *data)
{
    (void)key;
    (void)urgency;
    (void)data;
    CHECK(clean(summary) && clean(body));
    return true;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_setup("bc-fuzz-events-XXXXXX");
    CHECK(bc_xmpp_init());
    bc_loop_init();
    bc_config_load("/nonexistent/backchat-config", NULL); /* the defaults */
    bc_status_init();
    bc_notify_set_backend(on_notify, NULL);
    CHECK(bc_session_load_accounts(NULL));
    bc_session *s = bc_session_get();
    bc_account *a = bc_account_new("work", "me@example.org");
    CHECK(bc_accounts_add(s->accounts, a, NULL));
    s->account = a;
    /* What bc_xmpp_attach_loop installs into core, without the loop. */
    bc_xmpp_presence_init();
    bc_xmpp_mam_init();
    bc_xmpp_chatstate_init();
    bc_xmpp_announce_init();
    return 0;
}

static void occupant(const char *room, const char *nick, bool self)
{
    bc_muc_presence_event ev = {.room = room, .nick = nick, .available = true,
                                .show = BC_SHOW_ONLINE, .role = BC_ROLE_PARTICIPANT,
                                .affil = BC_AFFIL_MEMBER, .self = self};
    bc_muc_presence(&ev);
}

/* The state after a login, the same for every input. */
static xmpp_conn_t *session_up(void)
{
    bc_convs_init(50);
    bc_roster_init();
    bc_muc_init();
    bc_announce_init();
    bc_session *s = bc_session_get();
    g_free(s->bound_jid);
    s->bound_jid = g_strdup(OWN_FULL);
    xmpp_conn_t *conn = xmpp_conn_new(bc_xctx);
    CHECK(conn != NULL);
    bc_xmpp_stream_fake(conn);
    bc_session_set_state(BC_CONN_CONNECTED, NULL);

    static const char *const groups[] = {"Team", NULL};
    bc_roster_item("alice@example.org", "Alice", groups, BC_SUB_BOTH, false);
    bc_roster_item("bob@example.org", NULL, NULL, BC_SUB_TO, false);
    bc_roster_presence("alice@example.org/phone", BC_SHOW_AWAY, "in a call", 5, 0);

    bc_muc_joining(ROOM, "me", NULL, false);
    occupant(ROOM, "carol", false);
    occupant(ROOM, "me", true);
    bc_muc_joining(ROOM_JOINING, "me", NULL, false);

    bc_conv_open("alice@example.org", false);
    /* Our announcement to alice and bob (ids ann-a, ann-b), waiting for
     * receipts, markers or errors. */
    bc_outgoing_ann *ann = bc_announce_sent("ann-1", "Team", "Fire drill at 3", true, NULL, 0);
    bc_announce_add_recipient(ann, "alice@example.org", "Alice", "ann-a");
    bc_announce_add_recipient(ann, "bob@example.org", NULL, "ann-b");
    bc_announce_sent_done(ann);
    return conn;
}

static void session_down(xmpp_conn_t *conn)
{
    /* As on a lost stream: pending requests and their timers go, rooms
     * go out, presence is forgotten. */
    bc_xmpp_session_end();
    bc_xmpp_stream_fake(NULL);
    xmpp_conn_release(conn);
    bc_session_set_state(BC_CONN_DISCONNECTED, NULL);
    bc_xmpp_pep_reset();
    bc_announce_free();
    bc_muc_free();
    bc_roster_free();
    bc_chatstate_free();
    bc_convs_free();
}

static void check_model(void)
{
    /* Replaying one input with BC_FUZZ_DUMP set shows what it did. */
    bool dump = g_getenv("BC_FUZZ_DUMP") != NULL;
    for (size_t i = 0; i < bc_conv_count(); i++) {
        bc_conv *c = bc_conv_nth(i);
        CHECK(clean_line(c->title));
        if (dump)
            fprintf(stderr, "[%s]\n", c->title);
        for (size_t j = 0; j < c->len; j++) {
            const bc_line *l = bc_conv_line(c, j);
            CHECK(l && clean(l->text) && clean_line(l->from) && clean_line(l->sid));
            if (dump)
                fprintf(stderr, "  %s: %s\n", l->from ? l->from : "-", l->text);
        }
    }
    GPtrArray *r = bc_roster_sorted();
    for (guint i = 0; r && i < r->len; i++) {
        const bc_contact *c = r->pdata[i];
        CHECK(clean_line(c->jid) && clean_line(c->name) && clean_line(c->status));
        CHECK(!c->activity || bc_activity_valid(c->activity));
        CHECK(clean_line(c->activity_text));
        for (guint k = 0; k < c->groups->len; k++)
            CHECK(clean_line(c->groups->pdata[k]));
        for (guint k = 0; k < c->resources->len; k++) {
            const bc_resource *res = c->resources->pdata[k];
            CHECK(clean_line(res->name) && clean_line(res->status) && clean_line(res->client));
        }
    }
    static const char *const rooms[] = {ROOM, ROOM_JOINING};
    for (size_t i = 0; i < G_N_ELEMENTS(rooms); i++) {
        bc_room *room = bc_muc_room(rooms[i]);
        if (!room)
            continue;
        CHECK(clean_line(room->nick) && clean(room->subject));
        GHashTableIter it;
        gpointer v;
        g_hash_table_iter_init(&it, room->occupants);
        while (g_hash_table_iter_next(&it, NULL, &v)) {
            const bc_occupant *o = v;
            CHECK(clean_line(o->nick) && clean_line(o->jid) && clean_line(o->status));
        }
    }
    GPtrArray *waiting = bc_announce_unacked();
    for (guint i = 0; waiting && i < waiting->len; i++) {
        const bc_announcement *a = waiting->pdata[i];
        CHECK(clean_line(a->from) && clean(a->text) && clean_line(a->stanza_id));
        CHECK(clean_line(a->ann_id) && clean_line(a->room));
    }
    /* Ours: what came back about each recipient. */
    bc_outgoing_ann *ours = bc_announce_get(0);
    CHECK(ours && ours->recipients->len == 2);
    for (guint i = 0; i < ours->recipients->len; i++) {
        const bc_ann_recipient *rc = ours->recipients->pdata[i];
        CHECK(clean_line(rc->error));
        CHECK(rc->state == BC_RCPT_FAILED || !rc->error);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* The stanzas as children of a stream: they get its namespace, as on
     * the wire. */
    GString *xml = g_string_new("<stream xmlns='jabber:client'>");
    g_string_append_len(xml, (const char *)data, (gssize)strnlen((const char *)data, size));
    g_string_append(xml, "</stream>");
    xmpp_stanza_t *stream = xmpp_stanza_new_from_string(bc_xctx, xml->str);
    g_string_free(xml, TRUE);
    if (!stream)
        return 0;

    xmpp_conn_t *conn = session_up();
    int n = 0;
    for (xmpp_stanza_t *st = xmpp_stanza_get_children(stream); st && n < MAX_STANZAS;
         st = xmpp_stanza_get_next(st))
        if (bc_xmpp_dispatch(st))
            n++;
    check_model();
    /* Notifications go out on a worker: wait for it before the model goes. */
    CHECK(bc_notify_flush(5000));
    session_down(conn);
    xmpp_stanza_release(stream);
    return 0;
}
