/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The wire: connection, TLS, stanzas. Everything from the network is
 * sanitized here and handed to core as events (core.h). */
#ifndef BACKCHAT_XMPP_H
#define BACKCHAT_XMPP_H

#include <stdbool.h>
#include <glib.h>
#include "backchat/account.h"
#include "backchat/conv.h"

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

/* Sends a chat message; the sent line is logged and shown by core. While
 * backchat is reconnecting by itself, the message is queued instead,
 * shown as pending, and sent once the stream is back. */
bool bc_xmpp_send_chat(const char *to, const char *body, GError **err);
/* Messages queued that way and not sent yet. */
unsigned bc_xmpp_outbox_pending(void);

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

/* ---- group chat (XEP-0045), xmpp/muc.c ---------------------------------
 * Results and errors of these requests are shown in the room's tab (or
 * the current tab); `err` is only for what fails before anything is sent
 * (offline, a malformed JID or nick, not in that room). */
/* Joins (or rejoins) `room` (bare JID) as `nick` (NULL: the default
 * nick); `password` may be NULL. */
bool bc_xmpp_muc_join(const char *room, const char *nick, const char *password, bool focus,
                      GError **err);
bool bc_xmpp_muc_leave(const char *room, const char *reason, GError **err);
bool bc_xmpp_muc_nick(const char *room, const char *nick, GError **err);
/* A groupchat message: shown when the room reflects it. */
bool bc_xmpp_muc_send(const char *room, const char *body, GError **err);
/* A private message to occupant `occupant` (room@service/nick). */
bool bc_xmpp_muc_private(const char *occupant, const char *body, GError **err);
/* Last message correction (XEP-0308), xmpp/correct.c: sends `body` as the
 * new text of our message with stanza id `replaces_id` in the tab of
 * type `type` (a chat, a private chat or a room) with JID `jid`.
 * A chat shows it at once, a room when it reflects it. Online only. */
bool bc_xmpp_send_correction(bc_conv_type type, const char *jid, const char *replaces_id,
                             const char *body, GError **err);
bool bc_xmpp_muc_topic(const char *room, const char *subject, GError **err);
/* XEP-0249 direct invitation to `jid` (with the room's password if any). */
bool bc_xmpp_muc_invite(const char *room, const char *jid, const char *reason, GError **err);
/* Declines a mediated invitation (XEP-0045 §7.8.2); a direct one is just
 * dropped. */
bool bc_xmpp_muc_decline(const char *room, GError **err);

/* xmpp/muc_admin.c: moderation, affiliations, configuration, discovery. */
bool bc_xmpp_muc_kick(const char *room, const char *nick, const char *reason, GError **err);
bool bc_xmpp_muc_ban(const char *room, const char *jid, const char *reason, GError **err);
bool bc_xmpp_muc_set_role(const char *room, const char *nick, const char *role,
                          const char *reason, GError **err);
bool bc_xmpp_muc_set_affiliation(const char *room, const char *jid, const char *affil,
                                 const char *reason, GError **err);
/* Lists the JIDs with affiliation `affil` in the room's tab. */
bool bc_xmpp_muc_list_affiliation(const char *room, const char *affil, GError **err);
/* Fetches the configuration form (XEP-0004) and shows its fields. */
bool bc_xmpp_muc_config_show(const char *room, GError **err);
/* Submits the form with `assignments` ("var=value", a list-multi or
 * jid-multi takes values separated by ','); the others keep their current
 * values. A room we just created is accepted with defaults by "instant". */
bool bc_xmpp_muc_config_set(const char *room, const char *const *assignments, GError **err);
bool bc_xmpp_muc_config_instant(const char *room, GError **err);
/* Lists the rooms of `service` (disco#items; NULL: the account's
 * conference service, found through disco). */
bool bc_xmpp_muc_rooms(const char *service, GError **err);

/* xmpp/bookmarks.c: XEP-0402 where the server supports it, else XEP-0048
 * on private XML storage (XEP-0049). */
bool bc_xmpp_bookmark_add(const char *room, const char *name, const char *nick,
                          const char *password, bool autojoin, GError **err);
bool bc_xmpp_bookmark_remove(const char *room, GError **err);

/* ---- announcements, xmpp/announce.c ------------------------------------ */
/* `/announce`: sends `text` to each JID of `jids` (type chat) or to
 * `room` (groupchat; then `jids` is NULL), with the marker (announce.h),
 * a receipt request (XEP-0184) and <markable/> (XEP-0333); records it
 * for the roll-up. `target` is how the user named the recipients. */
bool bc_xmpp_announce(const char *target, const char *const *jids, const char *room,
                      const char *text, bool priority, unsigned escalate_s, GError **err);
/* XEP-0133 announce through the server's ad-hoc command (admins only). */
bool bc_xmpp_announce_server(const char *text, GError **err);
/* XEP-0224: asks `jid` (bare or full) for attention, with `text` or none. */
bool bc_xmpp_attention(const char *jid, const char *text, GError **err);

/* Blocks at most `ms` pumping the connection until the stream is closed
 * (used at /quit so the close really goes out). */
void bc_xmpp_flush_close(int ms);

#endif
