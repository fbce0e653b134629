/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Sending a last message correction (XEP-0308): a new message with its
 * own id and <replace id='ORIGINAL'/>. Core shows the corrected line with
 * "(edited)" and the log keeps the original, linked to the correction. */
#include "backchat/core.h"
#include "backchat/jid.h"
#include "backchat/muc.h"
#include "backchat/sanitize.h"
#include "backchat/session.h"
#include "backchat/xmpp.h"
#include "internal.h"
#include "muc_internal.h"

#include <string.h>

#define NS_CORRECT "urn:xmpp:message-correct:0"
#define NS_SID "urn:xmpp:sid:0"
#define NS_RECEIPTS "urn:xmpp:receipts"

static void add(xmpp_stanza_t *parent, xmpp_stanza_t *child)
{
    xmpp_stanza_add_child(parent, child);
    xmpp_stanza_release(child);
}

static xmpp_stanza_t *correction(const char *type, const char *to, const char *id,
                                 const char *replaces_id, const char *body)
{
    xmpp_stanza_t *m = xmpp_message_new(bc_xctx, type, to, id);
    xmpp_message_set_body(m, body);
    xmpp_stanza_t *oid = bc_xmpp_el("origin-id", NS_SID);
    xmpp_stanza_set_id(oid, id);
    add(m, oid);
    xmpp_stanza_t *r = bc_xmpp_el("replace", NS_CORRECT);
    xmpp_stanza_set_id(r, replaces_id);
    add(m, r);
    return m;
}

/* A groupchat correction: shown when the room reflects it (core checks
 * that the corrected line is ours). */
static bool room_correction(const char *room, const char *replaces_id, const char *body,
                            GError **err)
{
    bc_room *r = bc_xmpp_muc_joined_room(room, err);
    if (!r)
        return false;
    char *id = xmpp_uuid_gen(bc_xctx);
    xmpp_stanza_t *m = correction("groupchat", r->jid, id, replaces_id, body);
    xmpp_send(bc_xconn, m);
    xmpp_stanza_release(m);
    xmpp_free(bc_xctx, id);
    return true;
}

/* A 1:1 or private chat: shown and logged now. */
static bool chat_correction(bool occupant, const char *jid, const char *replaces_id,
                            const char *body, GError **err)
{
    bc_room *r = NULL;
    if (occupant && !(r = bc_xmpp_muc_joined_room(jid, err)))
        return false;
    char *id = xmpp_uuid_gen(bc_xctx);
    xmpp_stanza_t *m = correction("chat", jid, id, replaces_id, body);
    if (occupant)
        add(m, bc_xmpp_el("x", BC_NS_MUC_USER));
    else
        add(m, bc_xmpp_el("request", NS_RECEIPTS)); /* the line shows it arrived */
    bc_xmpp_chatstate_add(m, jid);
    xmpp_send(bc_xconn, m);
    xmpp_stanza_release(m);

    bc_session *s = bc_session_get();
    char *self = occupant ? g_strdup_printf("%s/%s", r->jid, r->nick) : NULL;
    bc_msg_event ev = {
        .peer = jid,
        .from_full = occupant ? self : s->bound_jid,
        .body = body,
        .stanza_id = id,
        .type = "chat",
        .outgoing = true,
        .kind = occupant ? BC_KIND_PRIVATE : BC_KIND_CHAT,
        .replaces_id = replaces_id,
        .nick = occupant ? r->nick : NULL,
    };
    bc_core_message(&ev);
    g_free(self);
    xmpp_free(bc_xctx, id);
    return true;
}

bool bc_xmpp_send_correction(bc_conv_type type, const char *jid, const char *replaces_id,
                             const char *body, GError **err)
{
    if (!jid || !replaces_id || !*replaces_id) {
        g_set_error(err, BC_XMPP_ERROR, 1, "no message to correct");
        return false;
    }
    if (!bc_xmpp_connected() || !bc_xconn) {
        /* A correction is not queued: sent later it could land after
         * newer messages and change the wrong one in the reader's eyes. */
        g_set_error(err, BC_XMPP_ERROR, 1,
                    "not connected, correction not sent: /correct again once connected");
        return false;
    }
    char *text = bc_sanitize(body, -1);
    bool ok;
    switch (type) {
    case BC_CONV_ROOM:
        ok = room_correction(jid, replaces_id, text, err);
        break;
    case BC_CONV_CHAT:
    case BC_CONV_PRIVATE:
        ok = chat_correction(type == BC_CONV_PRIVATE, jid, replaces_id, text, err);
        break;
    default:
        g_set_error(err, BC_XMPP_ERROR, 1,
                    "only messages in a chat, a private chat or a room can be corrected");
        ok = false;
    }
    g_free(text);
    if (ok)
        bc_xmpp_pump();
    return ok;
}
