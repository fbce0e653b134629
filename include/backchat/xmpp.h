/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The wire: connection, TLS, stanzas. Everything from the network is
 * sanitized here and handed to core as events (core.h). */
#ifndef BACKCHAT_XMPP_H
#define BACKCHAT_XMPP_H

#include <stdbool.h>
#include <glib.h>
#include "backchat/account.h"

#define BC_XMPP_ERROR g_quark_from_static_string("bc-xmpp-error")

bool bc_xmpp_init(void);
/* Hooks the connection into the event loop (after bc_loop_init). */
void bc_xmpp_attach_loop(void);
void bc_xmpp_shutdown(void);

/* Starts connecting `acct` with `password`. Progress and failures arrive
 * as session state changes. */
bool bc_xmpp_connect(const bc_account *acct, const char *password, GError **err);
/* Closes the stream cleanly (</stream:stream>), then the socket. */
void bc_xmpp_disconnect(void);
bool bc_xmpp_connected(void);

/* Sends a chat message; the sent line is logged and shown by core. */
bool bc_xmpp_send_chat(const char *to, const char *body, GError **err);

/* Roster (RFC 6121): add or update an item (name and groups), remove one.
 * The server's push updates the model (roster.h). */
bool bc_xmpp_roster_set(const char *jid, const char *name, const char *const *groups,
                        GError **err);
bool bc_xmpp_roster_remove(const char *jid, GError **err);
/* Presence subscription: "subscribe", "subscribed", "unsubscribe",
 * "unsubscribed". */
bool bc_xmpp_subscription(const char *jid, const char *type, GError **err);
/* Blocking (XEP-0191). The list arrives in the model (roster.h). */
bool bc_xmpp_block(const char *jid, bool block, GError **err);
/* Asks a full JID for its client version (XEP-0092) and a JID for its
 * last activity (XEP-0012); answers are shown in the current tab. */
bool bc_xmpp_request_version(const char *full_jid, GError **err);
bool bc_xmpp_request_last(const char *jid, GError **err);

/* Blocks at most `ms` pumping the connection until the stream is closed
 * (used at /quit so the close really goes out). */
void bc_xmpp_flush_close(int ms);

#endif
