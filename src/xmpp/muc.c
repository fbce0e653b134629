/* SPDX-License-Identifier: GPL-3.0-or-later */
/* STUB: replaced by the group chat implementation. */
#include "backchat/xmpp.h"
#include "internal.h"

bool bc_xmpp_muc_message(xmpp_stanza_t *msg) { return false; }
bool bc_xmpp_muc_presence(xmpp_stanza_t *pres) { return false; }
void bc_xmpp_muc_session_start(void) {}
void bc_xmpp_muc_session_end(void) {}
void bc_xmpp_muc_join_queued(const char *room, const char *nick, const char *password) {}
bool bc_xmpp_muc_send(const char *room, const char *body, GError **err)
{
    g_set_error(err, BC_XMPP_ERROR, 1, "group chat is not available yet");
    return false;
}
bool bc_xmpp_muc_private(const char *occupant, const char *body, GError **err)
{
    g_set_error(err, BC_XMPP_ERROR, 1, "group chat is not available yet");
    return false;
}
