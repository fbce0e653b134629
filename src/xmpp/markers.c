/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Chat markers (XEP-0333) for 1:1 chats: we tell a peer when their
 * markable message has been displayed, and a "displayed" that another of
 * our own devices sent (a carbon copy, XEP-0280) marks the conversation
 * read here too. Markers others send about our messages are announce.c's. */
#include "backchat/chatstate.h"
#include "backchat/conv.h"
#include "backchat/loop.h"
#include "backchat/session.h"
#include "backchat/xmpp.h"
#include "internal.h"

#include <string.h>

#define NS_MARKERS "urn:xmpp:chat-markers:0"
#define MAX_ID 256
/* Anyone can send markable messages: the tables are bounded. */
#define MAX_PEERS 1024

static GHashTable *markable;   /* bare JID -> id of their newest markable message */
static GHashTable *displayed;  /* bare JID -> id of the last displayed marker sent */
static bool was_online;

static void clear_tables(void)
{
    if (markable)
        g_hash_table_remove_all(markable);
    if (displayed)
        g_hash_table_remove_all(displayed);
}

static void put(GHashTable *t, const char *jid, const char *id)
{
    if (g_hash_table_size(t) >= MAX_PEERS && !g_hash_table_contains(t, jid))
        return;
    g_hash_table_insert(t, g_strdup(jid), g_strdup(id));
}

/* The id a marker names: the message's id attribute, else its origin-id. */
static char *marker_id(xmpp_stanza_t *msg)
{
    char *id = bc_xmpp_attr(msg, "id", MAX_ID);
    if (id && *id)
        return id;
    g_free(id);
    return bc_xmpp_message_id(msg);
}

void bc_xmpp_markers_message(xmpp_stanza_t *msg, const char *peer, bool outgoing)
{
    const char *type = xmpp_stanza_get_type(msg);
    if (outgoing || !peer || !markable || (type && strcmp(type, "chat") != 0) ||
        !xmpp_stanza_get_child_by_name(msg, "body") ||
        !xmpp_stanza_get_child_by_name_and_ns(msg, "markable", NS_MARKERS))
        return;
    char *id = marker_id(msg);
    if (id && *id)
        put(markable, peer, id);
    g_free(id);
}

/* The other device read up to the line with stanza id `id`: what came
 * after it stays unread. Without that line here, the whole tab is read. */
static void mark_read(bc_conv *c, const char *id)
{
    unsigned unread = 0, mentions = 0;
    bool found = false;
    for (size_t i = c->len; i > 0 && !found; i--) {
        const bc_line *l = bc_conv_line(c, i - 1);
        if (l->kind != BC_LINE_IN)
            continue;
        if (l->sid && strcmp(l->sid, id) == 0)
            found = true;
        else {
            unread++;
            mentions += l->highlight;
        }
    }
    if (!found)
        unread = mentions = 0;
    if (unread < c->unread || mentions < c->mentions) {
        c->unread = MIN(c->unread, unread);
        c->mentions = MIN(c->mentions, mentions);
        bc_dirty(BC_DIRTY_TABS);
    }
}

bool bc_xmpp_markers_sent_carbon(xmpp_stanza_t *inner, const char *peer)
{
    xmpp_stanza_t *d = xmpp_stanza_get_child_by_name_and_ns(inner, "displayed", NS_MARKERS);
    if (!d || !peer)
        return false;
    char *id = bc_xmpp_attr(d, "id", MAX_ID);
    if (id && *id) {
        bc_conv *c = bc_conv_find(peer);
        if (c)
            mark_read(c, id);
        if (displayed)
            put(displayed, peer, id); /* no need to say it again from here */
    }
    g_free(id);
    /* A marker with a body is also a message to show. */
    return xmpp_stanza_get_child_by_name(inner, "body") == NULL;
}

static void send_displayed(const char *to, const char *id)
{
    char *nid = xmpp_uuid_gen(bc_xctx);
    xmpp_stanza_t *m = xmpp_message_new(bc_xctx, "chat", to, nid);
    xmpp_stanza_t *d = bc_xmpp_el("displayed", NS_MARKERS);
    xmpp_stanza_set_attribute(d, "id", id);
    xmpp_stanza_add_child(m, d);
    xmpp_stanza_release(d);
    xmpp_send(bc_xconn, m);
    xmpp_stanza_release(m);
    xmpp_free(bc_xctx, nid);
}

/* End of every loop turn: the current chat, scrolled to its newest line,
 * has displayed the peer's newest markable message; tell them once. */
static void on_turn(void *unused)
{
    (void)unused;
    bool online = bc_session_get()->state == BC_CONN_CONNECTED && bc_xconn;
    if (!online) {
        if (was_online) {
            /* Chat state support and markers are per session. */
            clear_tables();
            bc_chatstate_reset();
        }
        was_online = false;
        return;
    }
    was_online = true;
    if (g_hash_table_size(markable) == 0)
        return;
    bc_conv *c = bc_conv_current();
    if (!c || c->type != BC_CONV_CHAT || !c->jid || c->scroll > 0 || c->more_newer)
        return;
    const char *id = g_hash_table_lookup(markable, c->jid);
    if (!id || g_strcmp0(id, g_hash_table_lookup(displayed, c->jid)) == 0)
        return;
    send_displayed(c->jid, id);
    /* Not put(): its key is in `markable`, so this stays bounded, and it
     * must be kept or the marker would go out again every turn. */
    g_hash_table_insert(displayed, g_strdup(c->jid), g_strdup(id));
    /* The connection set its poll events earlier in this turn: turn again
     * at once so it sees the marker waiting to go out. */
    bc_loop_wake_within(0);
}

void bc_xmpp_markers_init(void)
{
    if (markable)
        return;
    markable = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    displayed = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    bc_loop_add_prepare(on_turn, NULL);
}
