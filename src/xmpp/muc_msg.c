/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Group chat messages (XEP-0045): room messages, subjects and private
 * messages into core; invitations (XEP-0249 direct, XEP-0045 mediated)
 * into the model; and what we send: room and private messages, the
 * subject, invitations and declines. */
#include "backchat/conv.h"
#include "backchat/core.h"
#include "backchat/jid.h"
#include "backchat/muc.h"
#include "backchat/sanitize.h"
#include "backchat/xmpp.h"
#include "internal.h"
#include "muc_internal.h"

#include <string.h>
#include <time.h>

#define NS_CONFERENCE "jabber:x:conference"
#define NS_SID "urn:xmpp:sid:0"
#define NS_ANNOUNCE "urn:x-backchat:announce:0"
#define NS_MARKERS "urn:xmpp:chat-markers:0"
#define NS_RECEIPTS "urn:xmpp:receipts"
#define NS_DELAY "urn:xmpp:delay"

#define MAX_JID_BYTES 3071
#define MAX_NICK_CHARS 256
#define MAX_REASON_CHARS 500
#define MAX_SUBJECT_CHARS 1024
#define MAX_BODY_BYTES (256 * 1024)
#define MAX_MEDIATED 50

static GHashTable *mediated; /* room -> inviter: invitations we may decline */

static bool is(const char *a, const char *b) { return a && b && strcmp(a, b) == 0; }

void bc_xmpp_muc_deliver(xmpp_stanza_t *m, const char *room, const char *nick,
                         const char *server_id, int64_t ts, bool from_history)
{
    xmpp_stanza_t *body_el = xmpp_stanza_get_child_by_name(m, "body");
    char *raw = body_el ? xmpp_stanza_get_text(body_el) : NULL;
    if (!raw || !*raw) {
        if (raw)
            xmpp_free(bc_xctx, raw);
        return;
    }
    size_t len = strlen(raw);
    char *body = bc_sanitize(raw, (long)(len < MAX_BODY_BYTES ? len : MAX_BODY_BYTES));
    xmpp_free(bc_xctx, raw);
    bc_room *r = bc_muc_room(room);
    char *from = nick ? g_strdup_printf("%s/%s", room, nick) : g_strdup(room);
    char *id = bc_xmpp_message_id(m);
    char *replaces = bc_xmpp_replace_id(m);
    bc_msg_event ev = {
        .peer = room,
        .from_full = from,
        .body = body,
        .stanza_id = id,
        .type = "groupchat",
        .ts_server = ts,
        .outgoing = nick && r && is(nick, r->nick),
        .kind = BC_KIND_GROUPCHAT,
        .server_id = server_id,
        .replaces_id = replaces,
        .nick = nick,
        .from_history = from_history,
    };
    bc_core_message(&ev);
    g_free(replaces);
    g_free(id);
    g_free(from);
    g_free(body);
}

static bool announce_like(xmpp_stanza_t *msg)
{
    if (xmpp_stanza_get_child_by_name_and_ns(msg, "announce", NS_ANNOUNCE) ||
        xmpp_stanza_get_child_by_name_and_ns(msg, "received", NS_RECEIPTS))
        return true;
    static const char *const markers[] = {"received", "displayed", "acknowledged"};
    for (size_t i = 0; i < G_N_ELEMENTS(markers); i++)
        if (xmpp_stanza_get_child_by_name_and_ns(msg, markers[i], NS_MARKERS))
            return true;
    return false;
}

static void groupchat(xmpp_stanza_t *msg, bc_room *r, const char *nick)
{
    if (announce_like(msg) && bc_xmpp_announce_message(msg))
        return;
    xmpp_stanza_t *subject = xmpp_stanza_get_child_by_name(msg, "subject");
    xmpp_stanza_t *body = xmpp_stanza_get_child_by_name(msg, "body");
    if (subject && !body) {
        char *text = bc_xmpp_text(subject, MAX_SUBJECT_CHARS);
        bc_muc_subject(r->jid, nick, text ? text : "");
        g_free(text);
        return;
    }
    if (!body) {
        xmpp_stanza_t *x = xmpp_stanza_get_child_by_name_and_ns(msg, "x", BC_NS_MUC_USER);
        for (xmpp_stanza_t *c = x ? xmpp_stanza_get_children(x) : NULL; c;
             c = xmpp_stanza_get_next(c))
            if (xmpp_stanza_is_tag(c) && is(xmpp_stanza_get_name(c), "status") &&
                is(xmpp_stanza_get_attribute(c, "code"), "104")) {
                bc_xmpp_muc_line(r->jid, BC_LINE_SYS, "The room's configuration changed.");
                break;
            }
        return; /* chat states and the like */
    }
    /* Only the room's own <delay/> marks history; one an occupant's
     * client added could backdate a live message. */
    xmpp_stanza_t *delay = xmpp_stanza_get_child_by_name_and_ns(msg, "delay", NS_DELAY);
    const char *dfrom = delay ? xmpp_stanza_get_attribute(delay, "from") : NULL;
    bool history = dfrom && bc_jid_bare_equal(dfrom, r->jid);
    int64_t ts = history ? bc_xmpp_delay_stamp(msg) : 0;
    char *server_id = bc_xmpp_server_id(msg, r->jid);
    bc_xmpp_muc_deliver(msg, r->jid, nick, server_id, ts, history);
    if (server_id && bc_xmpp_muc_archived(r->jid) && !history && r->state == BC_ROOM_JOINED)
        bc_muc_mam_live(r->jid, server_id, (int64_t)time(NULL));
    g_free(server_id);
}

static void private_message(xmpp_stanza_t *msg, const char *room, const char *nick)
{
    xmpp_stanza_t *body_el = xmpp_stanza_get_child_by_name(msg, "body");
    char *raw = body_el ? xmpp_stanza_get_text(body_el) : NULL;
    char *occ = g_strdup_printf("%s/%s", room, nick); /* the chat's key */
    bc_xmpp_chatstate_message(msg, occ, false);        /* typing (XEP-0085) */
    g_free(occ);
    if (raw && *raw) {
        size_t len = strlen(raw);
        char *body = bc_sanitize(raw, (long)(len < MAX_BODY_BYTES ? len : MAX_BODY_BYTES));
        char *occupant = g_strdup_printf("%s/%s", room, nick);
        char *id = bc_xmpp_message_id(msg);
        const char *type = xmpp_stanza_get_type(msg);
        bc_msg_event ev = {
            .peer = occupant,
            .from_full = occupant,
            .body = body,
            .stanza_id = id,
            .type = is(type, "normal") ? "normal" : "chat",
            .ts_server = bc_xmpp_delay_stamp(msg),
            .kind = BC_KIND_PRIVATE,
            .nick = nick,
        };
        bc_core_message(&ev);
        g_free(id);
        g_free(occupant);
        g_free(body);
    }
    if (raw)
        xmpp_free(bc_xctx, raw);
}

/* An invitation (XEP-0249 direct or XEP-0045 mediated), or a decline of
 * ours. True if `msg` was one. */
static bool invitation(xmpp_stanza_t *msg, const char *from_bare)
{
    xmpp_stanza_t *mx = xmpp_stanza_get_child_by_name_and_ns(msg, "x", BC_NS_MUC_USER);
    xmpp_stanza_t *inv = mx ? xmpp_stanza_get_child_by_name(mx, "invite") : NULL;
    xmpp_stanza_t *dec = mx ? xmpp_stanza_get_child_by_name(mx, "decline") : NULL;
    if (inv) {
        /* Mediated: the room sends it on the inviter's behalf. */
        char *by = bc_xmpp_attr(inv, "from", MAX_JID_BYTES);
        /* Shown as the bare JID, or as room/nick when the room hides
         * real JIDs; the decline goes back to it as given. */
        bool valid = by && bc_jid_is_valid(by);
        char *inviter = valid && !bc_jid_bare_equal(by, from_bare) ? bc_jid_bare(by)
                        : valid                                    ? g_strdup(by)
                                                                   : NULL;
        char *reason = bc_xmpp_child_text(inv, "reason", NULL, MAX_REASON_CHARS);
        char *pw = bc_xmpp_child_text(mx, "password", NULL, 256);
        if (inviter) {
            bc_muc_invited(from_bare, inviter, reason, pw);
            if (!mediated)
                mediated = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
            if (g_hash_table_size(mediated) < MAX_MEDIATED ||
                g_hash_table_contains(mediated, from_bare))
                g_hash_table_replace(mediated, g_strdup(from_bare), g_strdup(by));
        }
        g_free(by);
        g_free(inviter);
        g_free(reason);
        g_free(pw);
        return true;
    }
    if (dec) {
        char *by = bc_xmpp_attr(dec, "from", MAX_JID_BYTES);
        char *reason = bc_xmpp_child_text(dec, "reason", NULL, MAX_REASON_CHARS);
        if (bc_muc_room(from_bare))
            bc_xmpp_muc_line(from_bare, BC_LINE_SYS, "%s declined your invitation%s%s",
                             by ? by : "someone", reason ? ": " : "", reason ? reason : "");
        g_free(by);
        g_free(reason);
        return true;
    }
    xmpp_stanza_t *cx = xmpp_stanza_get_child_by_name_and_ns(msg, "x", NS_CONFERENCE);
    if (!cx)
        return false;
    char *room_raw = bc_xmpp_attr(cx, "jid", MAX_JID_BYTES);
    char *room = bc_xmpp_muc_valid_room(room_raw, NULL);
    if (room) {
        char *reason = bc_xmpp_attr(cx, "reason", MAX_REASON_CHARS);
        char *pw = bc_xmpp_attr(cx, "password", 256);
        bc_muc_invited(room, from_bare, reason, pw);
        if (mediated)
            g_hash_table_remove(mediated, room); /* the newest wins: direct */
        g_free(reason);
        g_free(pw);
    }
    g_free(room_raw);
    g_free(room);
    return true;
}

bool bc_xmpp_muc_message(xmpp_stanza_t *msg)
{
    const char *from = xmpp_stanza_get_from(msg);
    const char *type = xmpp_stanza_get_type(msg);
    bool group = is(type, "groupchat");
    bc_jid *j = from && strlen(from) <= MAX_JID_BYTES ? bc_jid_parse(from) : NULL;
    if (!j)
        return group; /* a groupchat from nowhere is nobody's */
    char *bare = bc_jid_bare_of(j);
    bc_room *r = bc_muc_room(bare);
    char *nick = j->resource ? bc_sanitize_line(j->resource, -1) : NULL;
    bc_jid_free(j);
    if (nick && !*nick)
        g_clear_pointer(&nick, g_free);
    bool handled = true;
    if (r)
        bc_xmpp_muc_heard(r->jid);
    if (r && xmpp_stanza_get_child_by_name_and_ns(msg, "result", BC_NS_MAM)) {
        bc_muc_mam_result(msg, r->jid);
    } else if (group) {
        /* Only from a room we are in: a forged groupchat lands nowhere. */
        if (r && r->state != BC_ROOM_OUT)
            groupchat(msg, r, nick);
    } else if (is(type, "error")) {
        if (r) {
            char *why = bc_xmpp_error_text(msg);
            char *occ = nick ? g_strdup_printf("%s/%s", r->jid, nick) : NULL;
            bc_conv *pc = occ ? bc_conv_find_type(BC_CONV_PRIVATE, occ) : NULL;
            if (pc)
                bc_conv_add(pc, BC_LINE_ERR, NULL, why, (int64_t)time(NULL));
            else
                bc_xmpp_muc_line(r->jid, BC_LINE_ERR, "The room refused a message: %s", why);
            g_free(occ);
            g_free(why);
        } else {
            handled = false;
        }
    } else if (!type || is(type, "chat") || is(type, "normal")) {
        if (bare && invitation(msg, bare)) {
            /* done */
        } else if (nick && (r || xmpp_stanza_get_child_by_name_and_ns(msg, "x", BC_NS_MUC_USER))) {
            private_message(msg, bare, nick);
        } else if (r && !nick) {
            /* The room itself (a voice request form, a notice): not a chat. */
            xmpp_stanza_t *body = xmpp_stanza_get_child_by_name(msg, "body");
            char *text = body ? bc_xmpp_text(body, 1000) : NULL;
            if (text && *text)
                bc_xmpp_muc_line(r->jid, BC_LINE_SYS, "%s", text);
            g_free(text);
        } else {
            handled = false;
        }
    } else {
        handled = false; /* headlines and the rest */
    }
    g_free(nick);
    g_free(bare);
    return handled;
}

/* ---- sending ---------------------------------------------------------------- */

static void add_origin_id(xmpp_stanza_t *msg, const char *id)
{
    xmpp_stanza_t *oid = bc_xmpp_el("origin-id", NS_SID);
    xmpp_stanza_set_id(oid, id);
    xmpp_stanza_add_child(msg, oid);
    xmpp_stanza_release(oid);
}

bool bc_xmpp_muc_send(const char *room, const char *text, GError **err)
{
    if (!bc_xmpp_require_online(err))
        return false;
    bc_room *r = bc_xmpp_muc_joined_room(room, err);
    if (!r)
        return false;
    char *body = bc_sanitize(text, -1);
    char *id = xmpp_uuid_gen(bc_xctx);
    xmpp_stanza_t *msg = xmpp_message_new(bc_xctx, "groupchat", r->jid, id);
    xmpp_message_set_body(msg, body);
    add_origin_id(msg, id);
    xmpp_send(bc_xconn, msg);
    xmpp_stanza_release(msg);
    /* Shown when the room reflects it, with the room's archive id. */
    xmpp_free(bc_xctx, id);
    g_free(body);
    bc_xmpp_pump();
    return true;
}

bool bc_xmpp_muc_private(const char *occupant, const char *text, GError **err)
{
    if (!bc_xmpp_require_online(err))
        return false;
    char *nick = occupant ? bc_jid_resource(occupant) : NULL;
    bc_room *r = nick ? bc_xmpp_muc_joined_room(occupant, err) : NULL;
    if (!nick && !(err && *err))
        g_set_error(err, BC_XMPP_ERROR, 1, "\"%s\" is not an occupant (room@service/nick)",
                    occupant ? occupant : "");
    if (!r) {
        g_free(nick);
        return false;
    }
    char *to = g_strdup_printf("%s/%s", r->jid, nick);
    char *self = g_strdup_printf("%s/%s", r->jid, r->nick);
    char *body = bc_sanitize(text, -1);
    char *id = xmpp_uuid_gen(bc_xctx);
    xmpp_stanza_t *msg = xmpp_message_new(bc_xctx, "chat", to, id);
    xmpp_message_set_body(msg, body);
    xmpp_stanza_t *x = bc_xmpp_el("x", BC_NS_MUC_USER);
    xmpp_stanza_add_child(msg, x);
    xmpp_stanza_release(x);
    add_origin_id(msg, id);
    bc_xmpp_chatstate_add(msg, to); /* <active/> (XEP-0085) */
    xmpp_send(bc_xconn, msg);
    xmpp_stanza_release(msg);
    bc_msg_event ev = {
        .peer = to,
        .from_full = self,
        .body = body,
        .stanza_id = id,
        .type = "chat",
        .outgoing = true,
        .kind = BC_KIND_PRIVATE,
        .nick = r->nick,
    };
    bc_core_message(&ev);
    xmpp_free(bc_xctx, id);
    g_free(body);
    g_free(self);
    g_free(to);
    g_free(nick);
    bc_xmpp_pump();
    return true;
}

bool bc_xmpp_muc_topic(const char *room, const char *subject, GError **err)
{
    if (!bc_xmpp_require_online(err))
        return false;
    bc_room *r = bc_xmpp_muc_joined_room(room, err);
    if (!r)
        return false;
    char *text = bc_sanitize_line(subject ? subject : "", -1);
    xmpp_stanza_t *msg = xmpp_message_new(bc_xctx, "groupchat", r->jid, NULL);
    char *id = xmpp_uuid_gen(bc_xctx);
    xmpp_stanza_set_id(msg, id);
    xmpp_free(bc_xctx, id);
    bc_xmpp_add_text_child(msg, "subject", text);
    xmpp_send(bc_xconn, msg);
    xmpp_stanza_release(msg);
    g_free(text);
    bc_xmpp_pump();
    return true;
}

bool bc_xmpp_muc_invite(const char *room, const char *jid, const char *reason, GError **err)
{
    if (!bc_xmpp_require_online(err))
        return false;
    bc_room *r = bc_xmpp_muc_joined_room(room, err);
    if (!r)
        return false;
    if (!jid || !bc_jid_is_valid(jid) || !strchr(jid, '@')) {
        g_set_error(err, BC_XMPP_ERROR, 1, "\"%s\" is not a JID to invite (user@server)",
                    jid ? jid : "");
        return false;
    }
    xmpp_stanza_t *msg = xmpp_message_new(bc_xctx, NULL, jid, NULL);
    char *id = xmpp_uuid_gen(bc_xctx);
    xmpp_stanza_set_id(msg, id);
    xmpp_free(bc_xctx, id);
    xmpp_stanza_t *x = bc_xmpp_el("x", NS_CONFERENCE);
    xmpp_stanza_set_attribute(x, "jid", r->jid);
    char *why = reason && *reason ? bc_sanitize_line(reason, -1) : NULL;
    if (why)
        xmpp_stanza_set_attribute(x, "reason", why);
    if (r->password && *r->password)
        xmpp_stanza_set_attribute(x, "password", r->password);
    xmpp_stanza_add_child(msg, x);
    xmpp_stanza_release(x);
    xmpp_send(bc_xconn, msg);
    xmpp_stanza_release(msg);
    bc_xmpp_muc_line(r->jid, BC_LINE_SYS, "Invited %s to %s%s%s", jid, r->jid,
                     why ? ": " : "", why ? why : "");
    g_free(why);
    bc_xmpp_pump();
    return true;
}

bool bc_xmpp_muc_decline(const char *room, GError **err)
{
    const bc_muc_invite *inv = bc_muc_invite_pending(room);
    if (!inv) {
        g_set_error(err, BC_XMPP_ERROR, 1, "no invitation to %s is waiting (/invite list)",
                    room ? room : "a room");
        return false;
    }
    char *rj = g_strdup(inv->room);
    const char *inviter = mediated ? g_hash_table_lookup(mediated, rj) : NULL;
    if (inviter && bc_xconn && bc_xmpp_connected()) {
        xmpp_stanza_t *msg = xmpp_message_new(bc_xctx, NULL, rj, NULL);
        char *id = xmpp_uuid_gen(bc_xctx);
        xmpp_stanza_set_id(msg, id);
        xmpp_free(bc_xctx, id);
        xmpp_stanza_t *x = bc_xmpp_el("x", BC_NS_MUC_USER);
        xmpp_stanza_t *d = bc_xmpp_el("decline", NULL);
        xmpp_stanza_set_attribute(d, "to", inviter);
        xmpp_stanza_add_child(x, d);
        xmpp_stanza_release(d);
        xmpp_stanza_add_child(msg, x);
        xmpp_stanza_release(x);
        xmpp_send(bc_xconn, msg);
        xmpp_stanza_release(msg);
        bc_xmpp_pump();
    }
    if (mediated)
        g_hash_table_remove(mediated, rj);
    bc_muc_invite_drop(rj);
    bc_console("Declined the invitation to %s.", rj);
    g_free(rj);
    return true;
}
