/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Announcements on the wire: headlines, server announcements (XEP-0133
 * through ad-hoc commands, XEP-0050), attention (XEP-0224), backchat's
 * priority marker, delivery receipts (XEP-0184) and chat markers
 * (XEP-0333). Everything taken from a stanza is sanitized and bounded
 * here before core sees it. */
#include "backchat/announce.h"
#include "backchat/conv.h"
#include "backchat/jid.h"
#include "backchat/muc.h"
#include "backchat/roster.h"
#include "backchat/sanitize.h"
#include "backchat/xmpp.h"
#include "dataform.h"
#include "internal.h"

#include <string.h>

#define NS_ATTENTION "urn:xmpp:attention:0"
#define NS_RECEIPTS "urn:xmpp:receipts"
#define NS_MARKERS "urn:xmpp:chat-markers:0"
#define NS_SID "urn:xmpp:sid:0"
#define NS_COMMANDS "http://jabber.org/protocol/commands"
#define NODE_ANNOUNCE "http://jabber.org/protocol/admin#announce"
#define FORM_ADMIN "http://jabber.org/protocol/admin"

#define MAX_ID 256          /* characters of an id we keep */
#define MAX_BODY 8000       /* characters of an announcement we keep */
#define MAX_JID 3071

/* ---- helpers -------------------------------------------------------------- */

/* The body, sanitized (newlines kept), bounded; NULL if none or empty. */
static char *body_text(xmpp_stanza_t *msg)
{
    xmpp_stanza_t *b = xmpp_stanza_get_child_by_name(msg, "body");
    char *raw = b ? xmpp_stanza_get_text(b) : NULL;
    if (!raw)
        return NULL;
    size_t len = strlen(raw), cap = MAX_BODY * 4 + 64;
    char *clean = bc_sanitize(raw, (long)(len < cap ? len : cap));
    xmpp_free(bc_xctx, raw);
    if (g_utf8_strlen(clean, -1) > MAX_BODY)
        *g_utf8_offset_to_pointer(clean, MAX_BODY) = '\0';
    if (!*g_strstrip(clean)) {
        g_free(clean);
        return NULL;
    }
    return clean;
}

/* The id markers name: the id attribute (XEP-0333), else the origin-id. */
static char *marker_id(xmpp_stanza_t *msg)
{
    char *id = bc_xmpp_attr(msg, "id", MAX_ID);
    if (id && *id)
        return id;
    g_free(id);
    return bc_xmpp_message_id(msg);
}

static xmpp_stanza_t *child(xmpp_stanza_t *st, const char *name, const char *ns)
{
    return xmpp_stanza_get_child_by_name_and_ns(st, name, ns);
}

static void add_child(xmpp_stanza_t *parent, xmpp_stanza_t *c)
{
    xmpp_stanza_add_child(parent, c);
    xmpp_stanza_release(c);
}

static xmpp_stanza_t *el_with_id(const char *name, const char *ns, const char *id)
{
    xmpp_stanza_t *e = bc_xmpp_el(name, ns);
    if (id)
        xmpp_stanza_set_attribute(e, "id", id);
    return e;
}

static bool online(void)
{
    return bc_xmpp_connected() && bc_xconn;
}

/* Roster name, else the local part. */
static char *contact_name(const char *jid)
{
    bc_contact *c = bc_roster_get(jid);
    if (c && c->name && *c->name)
        return g_strdup(c->name);
    char *d = bc_jid_display(jid);
    return d ? d : g_strdup(jid);
}

/* ---- receiving -------------------------------------------------------------- */

/* Receipts and chat markers about our messages; true if there was one. */
static bool take_markers(xmpp_stanza_t *msg, const char *from_key, bool apply)
{
    static const struct {
        const char *name, *ns;
        bc_rcpt_state state;
    } kinds[] = {
        {"received", NS_RECEIPTS, BC_RCPT_DELIVERED},
        {"received", NS_MARKERS, BC_RCPT_DELIVERED},
        {"displayed", NS_MARKERS, BC_RCPT_DISPLAYED},
        {"acknowledged", NS_MARKERS, BC_RCPT_ACKED},
    };
    bool any = false;
    for (size_t i = 0; i < G_N_ELEMENTS(kinds); i++) {
        xmpp_stanza_t *m = child(msg, kinds[i].name, kinds[i].ns);
        if (!m)
            continue;
        any = true;
        char *id = bc_xmpp_attr(m, "id", MAX_ID);
        /* Not an announcement's: a chat message of ours now shows it
         * arrived (the conversation is the sender's bare JID). */
        if (apply && id && *id && !bc_announce_receipt(from_key, id, kinds[i].state, NULL) &&
            kinds[i].state == BC_RCPT_DELIVERED)
            bc_conv_set_send_state(bc_conv_find(from_key), id, BC_SEND_DELIVERED);
        g_free(id);
    }
    return any;
}

static void send_receipt(const char *to, const char *id)
{
    char *nid = xmpp_uuid_gen(bc_xctx);
    xmpp_stanza_t *m = xmpp_message_new(bc_xctx, NULL, to, nid);
    add_child(m, el_with_id("received", NS_RECEIPTS, id));
    xmpp_send(bc_xconn, m);
    xmpp_stanza_release(m);
    xmpp_free(bc_xctx, nid);
}

/* True if the marker names one of our own announcements (a room's
 * reflection of what we sent). */
static bool is_own_announcement(const char *ann_id)
{
    GPtrArray *sent = ann_id ? bc_announce_sent_list() : NULL;
    for (guint i = 0; sent && i < sent->len; i++) {
        const bc_outgoing_ann *a = sent->pdata[i];
        if (a->id && strcmp(a->id, ann_id) == 0)
            return true;
    }
    return false;
}

static bool is_server(const char *bare)
{
    char *self = bc_xmpp_self_bare();
    const char *at = self ? strchr(self, '@') : NULL;
    bool yes = at && g_ascii_strcasecmp(at + 1, bare) == 0;
    g_free(self);
    return yes;
}

/* XEP-0224 asks to honour attention only from people we know. */
static bool attention_welcome(const char *bare, const bc_contact *c, bool in_room)
{
    if (c && c->blocked)
        return false;
    return in_room || (c && c->in_roster) || bc_conv_find(bare) != NULL;
}

bool bc_xmpp_announce_message(xmpp_stanza_t *msg)
{
    const char *from = xmpp_stanza_get_from(msg);
    const char *type = xmpp_stanza_get_type(msg);
    if (!from || strlen(from) > MAX_JID || (type && strcmp(type, "error") == 0))
        return false;
    char *bare = bc_jid_bare(from);
    if (!bare)
        return false;
    bool groupchat = type && strcmp(type, "groupchat") == 0;
    bool headline = type && strcmp(type, "headline") == 0;
    bc_room *room = groupchat ? bc_muc_room(bare) : NULL;
    char *nick = room ? bc_jid_resource(from) : NULL;
    if (groupchat && (!room || !nick)) { /* not a room of ours, or its own notice */
        g_free(nick);
        g_free(bare);
        return false;
    }
    /* Markers from a room come from room/nick; from anyone else the bare JID. */
    char *key = bc_sanitize_line(room ? from : bare, -1);
    bc_contact *contact = room ? NULL : bc_roster_get(bare);
    bool blocked = contact && contact->blocked;
    xmpp_stanza_t *mark = child(msg, "announce", BC_NS_ANNOUNCE);
    char *ann_id = mark ? bc_xmpp_attr(mark, "id", MAX_ID) : NULL;
    bool own = room && ((room->nick && strcmp(nick, room->nick) == 0) ||
                        is_own_announcement(ann_id));
    char *body = body_text(msg);
    char *id = marker_id(msg);
    bool claimed = false;

    bool markers = take_markers(msg, key, !own && !blocked);
    if (markers && !body)
        claimed = true; /* they carry nothing to show */

    /* XEP-0184: never in a room, never to someone blocked. */
    if (!claimed && body && id && !room && !headline && !blocked &&
        child(msg, "request", NS_RECEIPTS) && online())
        send_receipt(from, id);

    bc_ann_event ev = {
        .from = key,
        .text = body,
        .stanza_id = id,
        .ann_id = ann_id,
        .room = room ? room->jid : NULL,
        .ts_server = bc_xmpp_delay_stamp(msg),
        .markable = child(msg, "markable", NS_MARKERS) != NULL,
    };
    xmpp_stanza_t *att = child(msg, "attention", NS_ATTENTION);
    if (claimed) {
        /* done */
    } else if (mark) {
        /* Never a chat line as well: it belongs to the Announcements tab. */
        claimed = true;
        if (body && !own && !blocked) {
            char *prio = bc_xmpp_attr(mark, "priority", 16);
            ev.source = prio && strcmp(prio, "high") == 0 ? BC_ANN_PRIORITY : BC_ANN_MARKED;
            g_free(prio);
            bc_announce_receive(&ev);
        }
    } else if (own) {
        claimed = markers; /* our own marker reflected: nothing to show */
    } else if (att) {
        /* From a stranger it is dropped silently (XEP-0224 §6); a chat
         * body still arrives as a chat. */
        claimed = headline || !body;
        if (attention_welcome(bare, contact, room != NULL)) {
            claimed = true;
            ev.source = BC_ANN_ATTENTION;
            bc_announce_receive(&ev);
        }
    } else if (headline && body) {
        claimed = true;
        if (!blocked) {
            ev.source = strcmp(bare, from) == 0 && is_server(bare) ? BC_ANN_SERVER
                                                                   : BC_ANN_HEADLINE;
            bc_announce_receive(&ev);
        }
    }
    g_free(id);
    g_free(body);
    g_free(ann_id);
    g_free(key);
    g_free(nick);
    g_free(bare);
    return claimed;
}

bool bc_xmpp_announce_error(xmpp_stanza_t *msg)
{
    const char *from = xmpp_stanza_get_from(msg);
    char *id = bc_xmpp_attr(msg, "id", MAX_ID);
    char *bare = from && strlen(from) <= MAX_JID ? bc_jid_bare(from) : NULL;
    bool matched = false;
    if (id && *id && bare) {
        char *key = bc_sanitize_line(bc_muc_room(bare) ? from : bare, -1);
        char *why = bc_xmpp_error_text(msg);
        char *colon = strchr(why, ':'); /* the roll-up shows the condition */
        if (colon)
            *colon = '\0';
        matched = bc_announce_receipt(key, id, BC_RCPT_FAILED, why);
        g_free(why);
        g_free(key);
    }
    g_free(bare);
    g_free(id);
    return matched;
}

/* ---- installed into core ---------------------------------------------------- */

static void send_ack(const bc_announcement *a)
{
    if (!online() || !a->stanza_id)
        return;
    const char *to = a->room ? a->room : a->from;
    char *nid = xmpp_uuid_gen(bc_xctx);
    xmpp_stanza_t *m = xmpp_message_new(bc_xctx, a->room ? "groupchat" : "chat", to, nid);
    add_child(m, el_with_id("acknowledged", NS_MARKERS, a->stanza_id));
    xmpp_send(bc_xconn, m);
    xmpp_stanza_release(m);
    xmpp_free(bc_xctx, nid);
    bc_xmpp_pump();
}

static void send_attention(const char *jid, const char *text)
{
    char *nid = xmpp_uuid_gen(bc_xctx);
    xmpp_stanza_t *m = xmpp_message_new(bc_xctx, "headline", jid, nid);
    add_child(m, bc_xmpp_el("attention", NS_ATTENTION));
    if (text && *text)
        xmpp_message_set_body(m, text);
    xmpp_send(bc_xconn, m);
    xmpp_stanza_release(m);
    xmpp_free(bc_xctx, nid);
    bc_xmpp_pump();
}

static bool nudge(const char *jid, const char *text)
{
    if (!online())
        return false;
    send_attention(jid, text);
    return true;
}

void bc_xmpp_announce_init(void)
{
    bc_announce_set_acker(send_ack);
    bc_announce_set_nudger(nudge);
}

/* ---- sending ---------------------------------------------------------------- */

static xmpp_stanza_t *announcement_stanza(const char *to, const char *type, const char *msg_id,
                                          const char *body, const char *ann_id, bool priority)
{
    xmpp_stanza_t *m = xmpp_message_new(bc_xctx, type, to, msg_id);
    xmpp_message_set_body(m, body);
    add_child(m, el_with_id("origin-id", NS_SID, msg_id));
    xmpp_stanza_t *mark = el_with_id("announce", BC_NS_ANNOUNCE, ann_id);
    xmpp_stanza_set_attribute(mark, "priority", priority ? "high" : "normal");
    add_child(m, mark);
    /* Receipts are for 1:1 only (XEP-0184 §5.3). */
    if (strcmp(type, "chat") == 0)
        add_child(m, bc_xmpp_el("request", NS_RECEIPTS));
    add_child(m, bc_xmpp_el("markable", NS_MARKERS));
    return m;
}

bool bc_xmpp_announce(const char *target, const char *const *jids, const char *room,
                      const char *text, bool priority, unsigned escalate_s, GError **err)
{
    if (!bc_xmpp_require_online(err))
        return false;
    bc_room *r = room ? bc_muc_room(room) : NULL;
    if (room && (!r || r->state != BC_ROOM_JOINED)) {
        g_set_error(err, BC_XMPP_ERROR, 1, "not in room %s: /join it first", room);
        return false;
    }
    if (!room && (!jids || !jids[0])) {
        g_set_error(err, BC_XMPP_ERROR, 1, "no recipients: name a roster group, a room or JIDs");
        return false;
    }
    char *body = bc_sanitize(text, -1);
    char *ann_id = xmpp_uuid_gen(bc_xctx);
    bc_outgoing_ann *a = bc_announce_sent(ann_id, target, body, priority, room, escalate_s);
    if (r) {
        char *msg_id = xmpp_uuid_gen(bc_xctx);
        xmpp_stanza_t *m = announcement_stanza(r->jid, "groupchat", msg_id, body, ann_id,
                                               priority);
        xmpp_send(bc_xconn, m);
        xmpp_stanza_release(m);
        /* Who is there now is who should see it. */
        GHashTableIter it;
        gpointer k, v;
        g_hash_table_iter_init(&it, r->occupants);
        while (g_hash_table_iter_next(&it, &k, &v)) {
            const bc_occupant *o = v;
            if (r->nick && strcmp(o->nick, r->nick) == 0)
                continue;
            char *occ = g_strdup_printf("%s/%s", r->jid, o->nick);
            bc_announce_add_recipient(a, occ, o->nick, msg_id);
            g_free(occ);
        }
        xmpp_free(bc_xctx, msg_id);
    } else {
        for (size_t i = 0; jids[i]; i++) {
            char *msg_id = xmpp_uuid_gen(bc_xctx);
            xmpp_stanza_t *m = announcement_stanza(jids[i], "chat", msg_id, body, ann_id,
                                                   priority);
            xmpp_send(bc_xconn, m);
            xmpp_stanza_release(m);
            char *bare = bc_jid_bare(jids[i]);
            char *name = contact_name(bare ? bare : jids[i]);
            bc_announce_add_recipient(a, bare ? bare : jids[i], name, msg_id);
            g_free(name);
            g_free(bare);
            xmpp_free(bc_xctx, msg_id);
        }
    }
    bc_announce_sent_done(a);
    xmpp_free(bc_xctx, ann_id);
    g_free(body);
    bc_xmpp_pump();
    return true;
}

bool bc_xmpp_attention(const char *jid, const char *text, GError **err)
{
    if (!bc_jid_is_valid(jid)) {
        g_set_error(err, BC_XMPP_ERROR, 1, "\"%s\" is not a valid JID (expected user@server)",
                    jid);
        return false;
    }
    if (!bc_xmpp_require_online(err))
        return false;
    char *clean = text ? bc_sanitize(text, -1) : NULL;
    send_attention(jid, clean);
    g_free(clean);
    return true;
}

/* ---- XEP-0133 through XEP-0050 ---------------------------------------------- */

static void report_command_error(xmpp_stanza_t *reply, bool disconnected)
{
    if (!reply) {
        bc_error("The server did not answer the announcement command (%s); nothing was sent. "
                 "Try again once connected.", disconnected ? "disconnected" : "timed out");
        return;
    }
    xmpp_stanza_t *e = xmpp_stanza_get_child_by_name(reply, "error");
    bool forbidden = e && (child(e, "forbidden", BC_NS_STANZAS) ||
                           child(e, "not-authorized", BC_NS_STANZAS));
    bool missing = e && (child(e, "item-not-found", BC_NS_STANZAS) ||
                         child(e, "feature-not-implemented", BC_NS_STANZAS) ||
                         child(e, "service-unavailable", BC_NS_STANZAS));
    char *why = bc_xmpp_error_text(reply);
    if (forbidden)
        bc_error("Server announcement refused: only server admins can send a server "
                 "announcement (%s). Ask an admin, or /announce to a group instead.", why);
    else if (missing)
        bc_error("This server offers no announcement command (XEP-0133): %s. Use /announce "
                 "to a roster group or a room instead.", why);
    else
        bc_error("The server refused the announcement: %s", why);
    g_free(why);
}

static void on_command_done(xmpp_stanza_t *reply, bool disconnected, void *data)
{
    (void)data;
    if (!reply || bc_xmpp_iq_is_error(reply)) {
        report_command_error(reply, disconnected);
        return;
    }
    xmpp_stanza_t *cmd = child(reply, "command", NS_COMMANDS);
    char *status = bc_xmpp_attr(cmd, "status", 32);
    char *note = bc_xmpp_child_text(cmd, "note", NULL, 300);
    if (status && strcmp(status, "completed") == 0)
        bc_info("Server announcement sent%s%s.", note && *note ? ": " : "",
                note && *note ? note : "");
    else
        bc_error("The server did not complete the announcement (status %s)%s%s.",
                 status ? status : "unknown", note && *note ? ": " : "", note ? note : "");
    g_free(note);
    g_free(status);
}

static void on_command_form(xmpp_stanza_t *reply, bool disconnected, void *data)
{
    const char *text = data;
    if (!reply || bc_xmpp_iq_is_error(reply)) {
        report_command_error(reply, disconnected);
        return;
    }
    xmpp_stanza_t *cmd = child(reply, "command", NS_COMMANDS);
    char *session = bc_xmpp_attr(cmd, "sessionid", MAX_ID);
    const char *from = xmpp_stanza_get_from(reply);
    if (!session || !*session || !from) {
        bc_error("The server's announcement command gave no session to fill in; nothing "
                 "was sent.");
        g_free(session);
        return;
    }
    xmpp_stanza_t *iq = xmpp_iq_new(bc_xctx, "set", NULL);
    xmpp_stanza_t *c = bc_xmpp_el("command", NS_COMMANDS);
    xmpp_stanza_set_attribute(c, "node", NODE_ANNOUNCE);
    xmpp_stanza_set_attribute(c, "sessionid", session);
    xmpp_stanza_t *x = bc_xmpp_el("x", BC_NS_DATA);
    xmpp_stanza_set_attribute(x, "type", "submit");
    bc_form_add_field(bc_xctx, x, "FORM_TYPE", "hidden", (const char *const[]){FORM_ADMIN, NULL});
    char **lines = g_strsplit(text, "\n", -1); /* text-multi: a value per line */
    bc_form_add_field(bc_xctx, x, "announcement", NULL, (const char *const *)lines);
    g_strfreev(lines);
    add_child(c, x);
    add_child(iq, c);
    char *to = bc_sanitize_line(from, -1);
    bc_xmpp_iq_send(iq, to, 30000, on_command_done, NULL, NULL);
    g_free(to);
    xmpp_stanza_release(iq);
    g_free(session);
}

bool bc_xmpp_announce_server(const char *text, GError **err)
{
    if (!bc_xmpp_require_online(err))
        return false;
    char *self = bc_xmpp_self_bare();
    const char *at = self ? strchr(self, '@') : NULL;
    if (!at) {
        g_free(self);
        g_set_error(err, BC_XMPP_ERROR, 1, "not bound to an account yet: wait for the "
                                           "connection, then try again");
        return false;
    }
    xmpp_stanza_t *iq = xmpp_iq_new(bc_xctx, "set", NULL);
    xmpp_stanza_t *c = bc_xmpp_el("command", NS_COMMANDS);
    xmpp_stanza_set_attribute(c, "node", NODE_ANNOUNCE);
    xmpp_stanza_set_attribute(c, "action", "execute");
    add_child(iq, c);
    bc_xmpp_iq_send(iq, at + 1, 30000, on_command_form, bc_sanitize(text, -1), g_free);
    xmpp_stanza_release(iq);
    g_free(self);
    return true;
}
