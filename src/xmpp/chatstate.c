/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Chat states on the wire (XEP-0085): read the peers' states from their
 * messages, send ours. The model and its timers are core's (chatstate.h). */
#include "backchat/chatstate.h"
#include "backchat/jid.h"
#include "backchat/xmpp.h"
#include "internal.h"

#include <string.h>

#define NS_CHATSTATES "http://jabber.org/protocol/chatstates"
#define NS_HINTS "urn:xmpp:hints"
#define NS_MUC_USER "http://jabber.org/protocol/muc#user"

/* The chat state child of `msg`, or BC_CHATSTATE_NONE. */
static bc_chatstate state_of(xmpp_stanza_t *msg)
{
    for (xmpp_stanza_t *c = xmpp_stanza_get_children(msg); c; c = xmpp_stanza_get_next(c)) {
        const char *ns = xmpp_stanza_is_tag(c) ? xmpp_stanza_get_ns(c) : NULL;
        if (ns && strcmp(ns, NS_CHATSTATES) == 0)
            return bc_chatstate_parse(xmpp_stanza_get_name(c));
    }
    return BC_CHATSTATE_NONE;
}

void bc_xmpp_chatstate_message(xmpp_stanza_t *msg, const char *conv_jid, bool outgoing)
{
    const char *type = xmpp_stanza_get_type(msg);
    /* Our own other device's states, and states in headlines, rooms or
     * errors, say nothing about the peer's typing here. */
    if (outgoing || !conv_jid || (type && strcmp(type, "chat") != 0 && strcmp(type, "normal") != 0))
        return;
    xmpp_stanza_t *body = xmpp_stanza_get_child_by_name(msg, "body");
    /* A stored (delayed) "composing" is long stale. */
    bc_chatstate st = bc_xmpp_delay_stamp(msg) ? BC_CHATSTATE_NONE : state_of(msg);
    if (st != BC_CHATSTATE_NONE)
        bc_chatstate_received(conv_jid, st);
    else if (body)
        bc_chatstate_message_seen(conv_jid);
}

void bc_xmpp_chatstate_add(xmpp_stanza_t *msg, const char *to)
{
    xmpp_stanza_t *a = bc_xmpp_el("active", NS_CHATSTATES);
    xmpp_stanza_add_child(msg, a);
    xmpp_stanza_release(a);
    /* Private chats are keyed by the occupant's full JID, 1:1 by bare. */
    bool occupant = xmpp_stanza_get_child_by_name_and_ns(msg, "x", NS_MUC_USER) != NULL;
    char *key = occupant ? g_strdup(to) : bc_jid_bare(to);
    bc_chatstate_sent_active(key);
    g_free(key);
}

/* A standalone notification: no body, not to be archived or stored
 * offline (XEP-0334 hints), since it means nothing later. */
static bool send_state(const char *jid, bc_chatstate st)
{
    const char *name = bc_chatstate_name(st);
    if (!name || !bc_xmpp_connected() || !bc_xconn)
        return false;
    char *id = xmpp_uuid_gen(bc_xctx);
    xmpp_stanza_t *m = xmpp_message_new(bc_xctx, "chat", jid, id);
    xmpp_stanza_t *s = bc_xmpp_el(name, NS_CHATSTATES);
    xmpp_stanza_add_child(m, s);
    xmpp_stanza_release(s);
    xmpp_stanza_t *hint = bc_xmpp_el("no-store", NS_HINTS);
    xmpp_stanza_add_child(m, hint);
    xmpp_stanza_release(hint);
    if (strchr(jid, '/')) { /* a room occupant (private chats are keyed so) */
        xmpp_stanza_t *x = bc_xmpp_el("x", NS_MUC_USER);
        xmpp_stanza_add_child(m, x);
        xmpp_stanza_release(x);
    }
    xmpp_send(bc_xconn, m);
    xmpp_stanza_release(m);
    xmpp_free(bc_xctx, id);
    bc_xmpp_pump();
    return true;
}

void bc_xmpp_chatstate_init(void)
{
    bc_chatstate_set_sender(send_state);
    bc_xmpp_markers_init();
}
