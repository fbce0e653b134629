/* SPDX-License-Identifier: GPL-3.0-or-later */
/* <message/> stanzas: parse and sanitize incoming chat, build outgoing. */
#include "backchat/conv.h"
#include "backchat/core.h"
#include "backchat/jid.h"
#include "backchat/sanitize.h"
#include "backchat/session.h"
#include "backchat/xmpp.h"
#include "carbons.h"
#include "internal.h"

#include <string.h>

#define NS_DELAY "urn:xmpp:delay"
#define NS_SID "urn:xmpp:sid:0"
#define NS_CORRECT "urn:xmpp:message-correct:0"
#define NS_FORWARD "urn:xmpp:forward:0"

/* Longest id we keep (ids are opaque; a hostile one may be huge). */
#define MAX_ID_LEN 256

long long bc_xmpp_delay_stamp(xmpp_stanza_t *stanza)
{
    xmpp_stanza_t *d = xmpp_stanza_get_child_by_name_and_ns(stanza, "delay", NS_DELAY);
    const char *stamp = d ? xmpp_stanza_get_attribute(d, "stamp") : NULL;
    if (!stamp || strlen(stamp) > 64)
        return 0;
    GDateTime *dt = g_date_time_new_from_iso8601(stamp, NULL);
    if (!dt)
        return 0;
    long long t = g_date_time_to_unix(dt);
    g_date_time_unref(dt);
    return t;
}

/* The id that identifies this message for deduplication: origin-id
 * (XEP-0359) if present, else the id attribute. Sanitized, bounded. */
char *bc_xmpp_message_id(xmpp_stanza_t *stanza)
{
    const char *id = NULL;
    xmpp_stanza_t *oid = xmpp_stanza_get_child_by_name_and_ns(stanza, "origin-id", NS_SID);
    if (oid)
        id = xmpp_stanza_get_attribute(oid, "id");
    if (!id || !*id)
        id = xmpp_stanza_get_id(stanza);
    if (!id || !*id || strlen(id) > MAX_ID_LEN)
        return NULL;
    return bc_sanitize_line(id, -1);
}

char *bc_xmpp_server_id(xmpp_stanza_t *stanza, const char *own_bare)
{
    if (!own_bare)
        return NULL;
    /* Anyone can put a <stanza-id/> in a message: only the one our own
     * server stamped (by = our bare JID) is an archive id. */
    for (xmpp_stanza_t *c = xmpp_stanza_get_children(stanza); c; c = xmpp_stanza_get_next(c)) {
        const char *name = xmpp_stanza_get_name(c), *ns = xmpp_stanza_get_ns(c);
        if (!xmpp_stanza_is_tag(c) || !name || !ns || strcmp(name, "stanza-id") != 0 ||
            strcmp(ns, NS_SID) != 0)
            continue;
        const char *by = xmpp_stanza_get_attribute(c, "by");
        const char *id = xmpp_stanza_get_attribute(c, "id");
        if (!by || !id || !*id || strlen(id) > MAX_ID_LEN || strchr(by, '/'))
            continue;
        char *by_bare = bc_jid_bare(by);
        bool ours = by_bare && strcmp(by_bare, own_bare) == 0;
        g_free(by_bare);
        if (ours)
            return bc_sanitize_line(id, -1);
    }
    return NULL;
}

char *bc_xmpp_replace_id(xmpp_stanza_t *stanza)
{
    xmpp_stanza_t *r = xmpp_stanza_get_child_by_name_and_ns(stanza, "replace", NS_CORRECT);
    const char *id = r ? xmpp_stanza_get_attribute(r, "id") : NULL;
    if (!id || !*id || strlen(id) > MAX_ID_LEN)
        return NULL;
    return bc_sanitize_line(id, -1);
}

/* Shows and logs a chat, normal or headline message with a body.
 * `peer` is the conversation (bare JID), `from` the sender as given. */
static void deliver(xmpp_stanza_t *stanza, const char *peer, const char *from,
                    const char *type, bool outgoing)
{
    /* Typing (XEP-0085) and markable messages (XEP-0333), body or not. */
    bc_xmpp_chatstate_message(stanza, peer, outgoing);
    bc_xmpp_markers_message(stanza, peer, outgoing);
    xmpp_stanza_t *body_el = xmpp_stanza_get_child_by_name(stanza, "body");
    char *raw = body_el ? xmpp_stanza_get_text(body_el) : NULL;
    if (!raw || !*raw) { /* chat states, receipts...: not shown yet */
        if (raw)
            xmpp_free(bc_xctx, raw);
        return;
    }
    char *body = bc_sanitize(raw, -1);
    xmpp_free(bc_xctx, raw);

    bool headline = !outgoing && type && strcmp(type, "headline") == 0;
    if (headline || !type || strcmp(type, "chat") == 0 || strcmp(type, "normal") == 0) {
        char *from_clean = from ? bc_sanitize_line(from, -1) : NULL;
        char *id = bc_xmpp_message_id(stanza);
        char *self = bc_xmpp_self_bare();
        char *server_id = bc_xmpp_server_id(stanza, self);
        char *replaces = headline ? NULL : bc_xmpp_replace_id(stanza);
        bc_msg_event ev = {
            .peer = peer,
            .from_full = from_clean,
            .body = body,
            .stanza_id = id,
            .type = type ? type : "normal",
            .ts_server = bc_xmpp_delay_stamp(stanza),
            .outgoing = outgoing,
            .kind = headline ? BC_KIND_HEADLINE : BC_KIND_CHAT,
            .server_id = server_id,
            .replaces_id = replaces,
        };
        bc_core_message(&ev);
        g_free(replaces);
        g_free(server_id);
        g_free(self);
        g_free(id);
        g_free(from_clean);
    }
    /* type=groupchat belongs to the group chat layer. */
    g_free(body);
}

static bool carbon_forged_warned;

/* If `stanza` is a carbon (XEP-0280: <received/> or <sent/> wrapping a
 * <forwarded/> message), handles it and returns true. Only our own
 * server (from = our bare JID) sends carbons; any other is forged: the
 * wrapped message is ignored (warned about once) and false returned, so
 * the outer message is treated as what it is, one from its sender. */
static bool on_carbon(xmpp_stanza_t *stanza)
{
    bool sent = false;
    xmpp_stanza_t *w = xmpp_stanza_get_child_by_name_and_ns(stanza, "received", BC_NS_CARBONS);
    if (!w) {
        w = xmpp_stanza_get_child_by_name_and_ns(stanza, "sent", BC_NS_CARBONS);
        sent = w != NULL;
    }
    if (!w)
        return false;
    const char *from = xmpp_stanza_get_from(stanza);
    char *self = bc_xmpp_self_bare();
    if (!from || !self || strcmp(from, self) != 0) {
        if (!carbon_forged_warned) {
            carbon_forged_warned = true;
            /* At most 256 bytes of it: the length is a byte count, not a cap. */
            char *who = from ? bc_sanitize_line(from, (long)strnlen(from, 256))
                             : g_strdup("(nobody)");
            bc_console_err("Ignored a forged message copy (carbon) from %s: only our own "
                           "server sends those.", who);
            g_free(who);
        }
        g_free(self);
        return false;
    }
    xmpp_stanza_t *fwd = xmpp_stanza_get_child_by_name_and_ns(w, "forwarded", NS_FORWARD);
    xmpp_stanza_t *inner = fwd ? xmpp_stanza_get_child_by_name(fwd, "message") : NULL;
    const char *itype = inner ? xmpp_stanza_get_type(inner) : NULL;
    /* Copies of errors, headlines and room messages (and private ones with
     * occupants) are not ours to show here. */
    bool wanted = inner && (!itype || strcmp(itype, "chat") == 0 || strcmp(itype, "normal") == 0) &&
                  !xmpp_stanza_get_child_by_name_and_ns(inner, "event", BC_NS_PUBSUB_EVENT) &&
                  /* private messages with room occupants are not 1:1 chats */
                  !xmpp_stanza_get_child_by_name_and_ns(inner, "x",
                                                        "http://jabber.org/protocol/muc#user");
    const char *ifrom = wanted ? xmpp_stanza_get_from(inner) : NULL;
    const char *ito = wanted ? xmpp_stanza_get_to(inner) : NULL;
    char *peer = NULL;
    if (sent) {
        /* Sent by another of our devices: from us (or unstated), to the peer. */
        char *fb = ifrom ? bc_jid_bare(ifrom) : NULL;
        if (ito && (!ifrom || (fb && strcmp(fb, self) == 0)))
            peer = bc_jid_bare(ito);
        g_free(fb);
        /* A read marker from our other device: read here too. */
        if (peer && !bc_xmpp_markers_sent_carbon(inner, peer))
            deliver(inner, peer, ifrom ? ifrom : self, itype, true);
    } else if (ifrom) {
        peer = bc_jid_bare(ifrom);
        if (peer)
            deliver(inner, peer, ifrom, itype, false);
    }
    g_free(peer);
    g_free(self);
    return true;
}

static void on_carbons_enabled(xmpp_stanza_t *reply, bool disconnected, void *data)
{
    (void)data;
    if (disconnected || !reply || !bc_xmpp_iq_is_error(reply))
        return;
    char *why = bc_xmpp_error_text(reply);
    bc_console_err("The server will not copy messages from your other devices "
                   "(carbons): %s", why);
    g_free(why);
}

void bc_xmpp_carbons_enable(void)
{
    xmpp_stanza_t *iq = xmpp_iq_new(bc_xctx, "set", NULL);
    xmpp_stanza_t *en = bc_xmpp_el("enable", BC_NS_CARBONS);
    xmpp_stanza_add_child(iq, en);
    xmpp_stanza_release(en);
    bc_xmpp_iq_send(iq, NULL, 30000, on_carbons_enabled, NULL, NULL);
    xmpp_stanza_release(iq);
}

int bc_xmpp_on_message(xmpp_conn_t *conn, xmpp_stanza_t *stanza, void *userdata)
{
    bc_xmpp_note_activity();
    /* Rooms first: groupchat, private messages from occupants,
     * invitations, and results of our queries to a room's archive (from
     * the room, which the account archive below would refuse). */
    if (bc_xmpp_muc_message(stanza))
        return 1;
    /* Archive results (XEP-0313) are not live messages: the catch-up
     * checks and logs them (they may come without a 'from'). */
    if (bc_xmpp_mam_message(stanza))
        return 1;
    /* Nor are carbons (XEP-0280) from our server: the message is the
     * forwarded one. */
    if (on_carbon(stanza))
        return 1;
    /* Bookmark changes (PEP) from our own account. */
    if (bc_xmpp_bookmarks_message(stanza))
        return 1;
    const char *from = xmpp_stanza_get_from(stanza);
    const char *type = xmpp_stanza_get_type(stanza);
    char *peer = from ? bc_jid_bare(from) : NULL;
    if (!peer) /* no or invalid sender: nothing we can attribute it to */
        return 1;

    if (type && strcmp(type, "error") == 0) {
        /* A recipient of an announcement: its roll-up shows the failure. */
        if (bc_xmpp_announce_error(stanza)) {
            g_free(peer);
            return 1;
        }
        char *why = bc_xmpp_error_text(stanza);
        bc_conv *c = bc_conv_find(peer);
        if (c) {
            /* The line of the message that failed says so. */
            bc_conv_set_send_state(c, xmpp_stanza_get_id(stanza), BC_SEND_FAILED);
            bc_conv_add(c, BC_LINE_ERR, NULL, why, 0);
        } else
            bc_console_err("Message to %s failed: %s", peer, why);
        g_free(why);
        g_free(peer);
        return 1;
    }

    /* PEP notifications (XEP-0163: contacts' activity) are data, not
     * messages, whatever their type or body. */
    if (bc_xmpp_pep_message(stanza)) {
        g_free(peer);
        return 1;
    }

    /* Headlines, attention, priority announcements, receipts, markers. */
    if (bc_xmpp_announce_message(stanza)) {
        g_free(peer);
        return 1;
    }

    /* During an archive catch-up, after what it brings. */
    if (bc_xmpp_mam_hold(stanza)) {
        g_free(peer);
        return 1;
    }
    deliver(stanza, peer, from, type, false);
    g_free(peer);
    return 1;
}

void bc_xmpp_message_replay(xmpp_stanza_t *msg)
{
    const char *from = xmpp_stanza_get_from(msg);
    char *peer = from ? bc_jid_bare(from) : NULL;
    if (peer)
        deliver(msg, peer, from, xmpp_stanza_get_type(msg), false);
    g_free(peer);
}

void bc_xmpp_message_handlers_add(xmpp_conn_t *conn)
{
    xmpp_handler_add(conn, bc_xmpp_on_message, NULL, "message", NULL, NULL);
}

bool bc_xmpp_send_chat(const char *to, const char *text, GError **err)
{
    char *peer = bc_jid_bare(to);
    if (!peer) {
        g_set_error(err, BC_XMPP_ERROR, 1,
                    "\"%s\" is not a valid JID (expected user@server)", to);
        return false;
    }
    bool online = bc_xmpp_connected() && bc_xconn;
    if (!online && !bc_xmpp_will_reconnect()) {
        g_free(peer);
        g_set_error(err, BC_XMPP_ERROR, 1,
                    "not connected, message not sent: type /connect first");
        return false;
    }
    char *body = bc_sanitize(text, -1);
    char *id = xmpp_uuid_gen(bc_xctx);
    if (online) {
        bc_xmpp_chat_stanza_send(to, body, id);
    } else if (!bc_xmpp_outbox_add(peer, body, id, err)) {
        xmpp_free(bc_xctx, id);
        g_free(body);
        g_free(peer);
        return false;
    }

    bc_session *s = bc_session_get();
    bc_msg_event ev = {
        .peer = peer,
        .from_full = s->bound_jid,
        .body = body,
        .stanza_id = id,
        .outgoing = true,
    };
    bc_core_message(&ev);
    if (!online)
        bc_conv_set_send_state(bc_conv_find(peer), id, BC_SEND_PENDING);
    xmpp_free(bc_xctx, id);
    g_free(body);
    g_free(peer);
    if (online)
        bc_xmpp_pump();
    return true;
}

void bc_xmpp_chat_stanza_send(const char *to, const char *body, const char *id)
{
    if (!bc_xconn)
        return;
    xmpp_stanza_t *msg = xmpp_message_new(bc_xctx, "chat", to, id);
    xmpp_message_set_body(msg, body);
    xmpp_stanza_t *oid = xmpp_stanza_new(bc_xctx);
    xmpp_stanza_set_name(oid, "origin-id");
    xmpp_stanza_set_ns(oid, NS_SID);
    xmpp_stanza_set_id(oid, id);
    xmpp_stanza_add_child(msg, oid);
    xmpp_stanza_release(oid);
    /* Ask for a delivery receipt (XEP-0184): the line shows it arrived. */
    xmpp_stanza_t *req = bc_xmpp_el("request", "urn:xmpp:receipts");
    xmpp_stanza_add_child(msg, req);
    xmpp_stanza_release(req);
    bc_xmpp_chatstate_add(msg, to); /* <active/> (XEP-0085 §5.1) */
    xmpp_send(bc_xconn, msg);
    xmpp_stanza_release(msg);
    bc_xmpp_ledger_sent(to, body, id);
}
