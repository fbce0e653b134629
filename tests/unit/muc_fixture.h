/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Shared set-up of the room model tests: a temp XDG home, the console and
 * tabs, an account (alice@example.org), a recording notification backend,
 * and helpers that feed occupant presences and room messages. */
#ifndef BACKCHAT_TEST_MUC_FIXTURE_H
#define BACKCHAT_TEST_MUC_FIXTURE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "backchat/config.h"
#include "backchat/conv.h"
#include "backchat/core.h"
#include "backchat/loop.h"
#include "backchat/muc.h"
#include "backchat/notify.h"
#include "backchat/session.h"
#include "backchat/status.h"
#include "backchat/store.h"
#include "tmpdir.h"

#define ROOM "team@conference.example.org"
#define ROOM2 "ops@conference.example.org"

static char *tmp;

/* ---- a recording notification backend (worker thread) -------------------- */

static GMutex rec_mu;
static GPtrArray *rec; /* of char*: "summary|body" */

static inline bool record(const char *key, const char *summary, const char *body,
                   bc_notify_urgency urgency, void *data)
{
    g_mutex_lock(&rec_mu);
    g_ptr_array_add(rec, g_strdup_printf("%s|%s", summary, body));
    g_mutex_unlock(&rec_mu);
    return true;
}

static inline guint notified(void)
{
    assert_true(bc_notify_flush(2000));
    g_mutex_lock(&rec_mu);
    guint n = rec->len;
    g_mutex_unlock(&rec_mu);
    return n;
}

static inline const char *notification(guint i)
{
    return i < rec->len ? rec->pdata[i] : NULL;
}

/* ---- fixture ------------------------------------------------------------- */

static inline void load_config(const char *text)
{
    char *path = g_build_filename(tmp, "config.ini", NULL);
    assert_true(g_file_set_contents(path, text, -1, NULL));
    assert_true(bc_config_load(path, NULL));
    g_free(path);
}

static inline int setup(void **state)
{
    tmp = bc_test_tmp_xdg("bc-muc-XXXXXX");
    if (!tmp)
        return -1;
    bc_loop_init();
    bc_convs_init(500);
    bc_config_load("/nonexistent/backchat-config", NULL);
    bc_status_init();
    bc_notify_policy_reset();
    if (!bc_session_load_accounts(NULL))
        return -1;
    bc_session *s = bc_session_get();
    bc_account *a = bc_account_new("work", "alice@example.org");
    if (!bc_accounts_add(s->accounts, a, NULL))
        return -1;
    s->account = a;
    rec = g_ptr_array_new_with_free_func(g_free);
    bc_notify_set_backend(record, NULL);
    bc_muc_init();
    bc_dirty_take();
    return 0;
}

static inline int teardown(void **state)
{
    bc_core_close_log();
    bc_notify_shutdown(2000);
    bc_notify_set_backend(NULL, NULL);
    g_ptr_array_free(rec, TRUE);
    rec = NULL;
    bc_muc_free();
    bc_session_free();
    bc_notify_policy_reset();
    bc_status_free();
    bc_config_free();
    bc_convs_free();
    bc_loop_free();
    bc_test_rm_rf(tmp);
    g_free(tmp);
    tmp = NULL;
    return 0;
}

/* ---- helpers -------------------------------------------------------------- */

static inline void assert_contains(const char *hay, const char *needle)
{
    if (!hay || !strstr(hay, needle))
        fail_msg("\"%s\" does not contain \"%s\"", hay ? hay : "(null)", needle);
}

static inline bc_conv *room_tab(const char *room)
{
    bc_conv *c = bc_conv_find_type(BC_CONV_ROOM, room);
    if (!c)
        fail_msg("no tab for %s", room);
    return c;
}

static inline const bc_line *last_line(const bc_conv *c)
{
    return c->len ? bc_conv_line(c, c->len - 1) : NULL;
}

static inline const char *last_text(const char *room)
{
    const bc_line *l = last_line(room_tab(room));
    return l ? l->text : NULL;
}

/* One occupant presence; the other fields of the event are zero. */
static inline bc_muc_presence_event pres(const char *room, const char *nick, bool available,
                                  bc_muc_role role, bc_muc_affil affil)
{
    return (bc_muc_presence_event){
        .room = room,
        .nick = nick,
        .available = available,
        .show = BC_SHOW_ONLINE,
        .role = role,
        .affil = affil,
    };
}

static inline void arrive(const char *room, const char *nick, bc_muc_role role)
{
    bc_muc_presence_event ev = pres(room, nick, true, role, BC_AFFIL_NONE);
    bc_muc_presence(&ev);
}

static inline void self_in(const char *room, const char *nick, bool created)
{
    bc_muc_presence_event ev = pres(room, nick, true, BC_ROLE_PARTICIPANT, BC_AFFIL_MEMBER);
    ev.self = true;
    ev.created = created;
    bc_muc_presence(&ev);
}

/* Joins `room` as alice with bob (moderator) and carol already there. */
static inline bc_room *join_team(const char *room)
{
    bc_room *r = bc_muc_joining(room, "alice", NULL, false);
    assert_non_null(r);
    arrive(room, "bob", BC_ROLE_MODERATOR);
    arrive(room, "carol", BC_ROLE_PARTICIPANT);
    self_in(room, "alice", false);
    assert_int_equal(r->state, BC_ROOM_JOINED);
    return r;
}

static inline void msg(const char *room, const char *nick, const char *body, const char *sid,
                bool from_history)
{
    char *full = g_strdup_printf("%s/%s", room, nick);
    bc_msg_event ev = {
        .peer = room,
        .from_full = full,
        .body = body,
        .stanza_id = sid,
        .kind = BC_KIND_GROUPCHAT,
        .nick = nick,
        .from_history = from_history,
    };
    bc_core_message(&ev);
    g_free(full);
}

#endif
