/* SPDX-License-Identifier: GPL-3.0-or-later */
/* <presence/> stanzas: contacts' availability (RFC 6121 §4) with idle
 * time (XEP-0319) into the model, subscription traffic (§3), and our own
 * presence with entity capabilities (XEP-0115) when core publishes. */
#include "backchat/conv.h"
#include "backchat/jid.h"
#include "backchat/roster.h"
#include "backchat/sanitize.h"
#include "backchat/status.h"
#include "backchat/xmpp.h"
#include "internal.h"

#include <glib.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_STATUS_CHARS 1024
#define MAX_JID_BYTES 3071

/* The roster has arrived on this connection: presence may go out (RFC
 * 6121 §2.2: request the roster before sending initial presence). */
static bool ready;

static int parse_priority(xmpp_stanza_t *stanza)
{
    char *p = bc_xmpp_child_text(stanza, "priority", NULL, 16);
    if (!p)
        return 0;
    char *end = NULL;
    long v = strtol(p, &end, 10);
    bool ok = end != p && *end == '\0';
    g_free(p);
    if (!ok)
        return 0;
    return v < -128 ? -128 : v > 127 ? 127 : (int)v;
}

/* XEP-0319 <idle since='...'/>: unix seconds, 0 if absent or malformed;
 * never in the future. */
static int64_t parse_idle(xmpp_stanza_t *stanza)
{
    xmpp_stanza_t *idle = xmpp_stanza_get_child_by_name_and_ns(stanza, "idle", BC_NS_IDLE);
    const char *since = idle ? xmpp_stanza_get_attribute(idle, "since") : NULL;
    if (!since || strlen(since) > 64)
        return 0;
    GDateTime *dt = g_date_time_new_from_iso8601(since, NULL);
    if (!dt)
        return 0;
    int64_t t = g_date_time_to_unix(dt);
    g_date_time_unref(dt);
    int64_t now = (int64_t)time(NULL);
    if (t <= 0)
        return 0;
    return t > now ? now : t;
}

static bool is(const char *a, const char *b) { return a && strcmp(a, b) == 0; }

int bc_xmpp_on_presence(xmpp_conn_t *conn, xmpp_stanza_t *stanza, void *userdata)
{
    bc_xmpp_note_activity();
    const char *from = xmpp_stanza_get_from(stanza);
    const char *type = xmpp_stanza_get_type(stanza);
    if (!from || strlen(from) > MAX_JID_BYTES || !bc_jid_is_valid(from))
        return 1;
    char *full = bc_sanitize_line(from, -1);
    char *bare = bc_jid_bare(full);
    char *self = bc_xmpp_self_bare();
    bool own = self && bare && strcmp(self, bare) == 0;
    g_free(self);
    if (!bare)
        goto out;
    /* Occupants of rooms (XEP-0045) are not contacts. */
    if (bc_xmpp_muc_presence(stanza))
        goto out;

    if (!type || is(type, "unavailable")) {
        /* Our own resources (including the echo of this one) are not
         * contacts. */
        if (own)
            goto out;
        if (type) {
            bc_roster_presence(full, BC_SHOW_OFFLINE, NULL, 0, 0);
            goto out;
        }
        char *show = bc_xmpp_child_text(stanza, "show", NULL, 8);
        char *status = bc_xmpp_child_text(stanza, "status", NULL, MAX_STATUS_CHARS);
        bc_roster_presence(full, bc_show_parse(show), status, parse_priority(stanza),
                           parse_idle(stanza));
        g_free(show);
        g_free(status);
    } else if (is(type, "subscribe")) {
        if (!own)
            bc_roster_subscription_request(bare);
    } else if (is(type, "subscribed")) {
        bc_console("%s accepted your subscription request: you will see their presence.", bare);
    } else if (is(type, "unsubscribed")) {
        bc_console("%s refused or cancelled your subscription: you no longer see their "
                   "presence.", bare);
    } else if (is(type, "unsubscribe")) {
        bc_roster_set_pending_in(bare, false);
        bc_console("%s unsubscribed from your presence.", bare);
    } else if (is(type, "error")) {
        char *why = bc_xmpp_error_text(stanza);
        bc_console_err("Presence error from %s: %s", full, why);
        g_free(why);
    }
    /* type='probe' is for servers. */
out:
    g_free(full);
    g_free(bare);
    return 1;
}

void bc_xmpp_presence_handlers_add(xmpp_conn_t *conn)
{
    xmpp_handler_add(conn, bc_xmpp_on_presence, NULL, "presence", NULL, NULL);
}

/* -- our own presence ------------------------------------------------- */

static void publish(const bc_own_status *st)
{
    if (!ready || !bc_xconn || !bc_xmpp_connected() || !st)
        return;
    xmpp_stanza_t *p = xmpp_presence_new(bc_xctx);
    if (st->show == BC_SHOW_OFFLINE)
        xmpp_stanza_set_type(p, "unavailable");
    const char *show = bc_show_xmpp(st->show);
    if (show)
        bc_xmpp_add_text_child(p, "show", show);
    if (st->message && *st->message) {
        char *m = bc_sanitize_line(st->message, -1);
        if (g_utf8_strlen(m, -1) > MAX_STATUS_CHARS)
            *g_utf8_offset_to_pointer(m, MAX_STATUS_CHARS) = '\0';
        bc_xmpp_add_text_child(p, "status", m);
        g_free(m);
    }
    if (st->show != BC_SHOW_OFFLINE) {
        if (st->idle_since > 0) {
            GDateTime *dt = g_date_time_new_from_unix_utc(st->idle_since);
            char *since = dt ? g_date_time_format(dt, "%Y-%m-%dT%H:%M:%SZ") : NULL;
            if (since) {
                xmpp_stanza_t *idle = bc_xmpp_el("idle", BC_NS_IDLE);
                xmpp_stanza_set_attribute(idle, "since", since);
                xmpp_stanza_add_child(p, idle);
                xmpp_stanza_release(idle);
            }
            g_free(since);
            if (dt)
                g_date_time_unref(dt);
        }
        xmpp_stanza_t *c = bc_xmpp_caps_element();
        xmpp_stanza_add_child(p, c);
        xmpp_stanza_release(c);
    }
    xmpp_send(bc_xconn, p);
    xmpp_stanza_release(p);
    if (st->show != BC_SHOW_OFFLINE)
        bc_xmpp_pep_publish_activity(st->activity, st->activity_text);
}

void bc_xmpp_presence_init(void) { bc_status_set_publisher(publish); }

void bc_xmpp_presence_ready(void)
{
    if (ready)
        return;
    ready = true;
    bc_status_republish();
}

void bc_xmpp_presence_reset(void)
{
    ready = false;
    bc_xmpp_pep_reset();
}
