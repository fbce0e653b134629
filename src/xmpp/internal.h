/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Shared state of the xmpp/ files; not part of the public API. */
#ifndef BACKCHAT_XMPP_INTERNAL_H
#define BACKCHAT_XMPP_INTERNAL_H

#include <strophe.h>
#include <stdbool.h>
#include <stddef.h>
#include <glib.h>

#define BC_NS_STANZAS "urn:ietf:params:xml:ns:xmpp-stanzas"
#define BC_NS_ROSTER "jabber:iq:roster"
#define BC_NS_BLOCKING "urn:xmpp:blocking"
#define BC_NS_DISCO_INFO "http://jabber.org/protocol/disco#info"
#define BC_NS_CAPS "http://jabber.org/protocol/caps"
#define BC_NS_VERSION "jabber:iq:version"
#define BC_NS_LAST "jabber:iq:last"
#define BC_NS_PING "urn:xmpp:ping"
#define BC_NS_IDLE "urn:xmpp:idle:1"
#define BC_NS_ACTIVITY "http://jabber.org/protocol/activity"
#define BC_NS_PUBSUB "http://jabber.org/protocol/pubsub"
#define BC_NS_PUBSUB_EVENT "http://jabber.org/protocol/pubsub#event"

extern xmpp_ctx_t *bc_xctx;
extern xmpp_conn_t *bc_xconn;

/* Counts handled stanzas; the pump drains while this moves. */
void bc_xmpp_note_activity(void);
/* Runs libstrophe until it has nothing more to do right now. */
void bc_xmpp_pump(void);

/* presence.c */
void bc_xmpp_presence_handlers_add(xmpp_conn_t *conn);
/* Installs the publisher of our own status (status.h). */
void bc_xmpp_presence_init(void);
/* The roster is in: presence may go out now (sends the initial one). */
void bc_xmpp_presence_ready(void);
void bc_xmpp_presence_reset(void);

/* message.c */
void bc_xmpp_message_handlers_add(xmpp_conn_t *conn);
/* Parses XEP-0203 <delay stamp>; 0 if absent or malformed. */
long long bc_xmpp_delay_stamp(xmpp_stanza_t *stanza);
/* The dedupe id of a message: its origin-id (XEP-0359), else its id
 * attribute; sanitized, bounded, newly allocated, or NULL. */
char *bc_xmpp_message_id(xmpp_stanza_t *stanza);
/* The <stanza-id/> our own server stamped on it (by = own_bare), or NULL. */
char *bc_xmpp_server_id(xmpp_stanza_t *stanza, const char *own_bare);
/* XEP-0308: the id of the message this one corrects, or NULL. */
char *bc_xmpp_replace_id(xmpp_stanza_t *stanza);
/* Delivers a live message held back during an archive catch-up. */
void bc_xmpp_message_replay(xmpp_stanza_t *msg);

/* mam.c: archive catch-up (XEP-0313). */
/* Fetches everything since the last sync mark from the account archive;
 * at the end of each session start (after the roster and presence). */
void bc_xmpp_mam_catchup(void);
/* Installs the older-history fetcher into core (bc_archive_set_older_fetcher). */
void bc_xmpp_mam_init(void);
/* If `msg` is an archive result (it has a <result xmlns='urn:xmpp:mam:2'>),
 * handles it and returns true: it is never a live message. Only results
 * from our own bare JID (or without 'from') for our current query count. */
bool bc_xmpp_mam_message(xmpp_stanza_t *msg);
/* While a catch-up runs, keeps a copy of live message `msg` (true) to be
 * handed back through bc_xmpp_message_replay() when it ends. */
bool bc_xmpp_mam_hold(xmpp_stanza_t *msg);
/* A stream starts: hold live messages until its catch-up has run. A
 * stream lost before then keeps them held for the next one. */
void bc_xmpp_mam_hold_live(void);
/* Hands back what is held now (no reconnection will follow). */
void bc_xmpp_mam_release(void);

/* certcheck.c: libstrophe's certificate-failure handler, for the
 * account's domain: 1 accepts (it matches the pin), 0 refuses; *refused
 * is set when the refusal was told to the user (waiting for /tls trust). */
int bc_xmpp_cert_check(const xmpp_tlscert_t *cert, const char *errormsg, bool *refused);

/* iq.c: helpers every protocol file uses. */
/* Sanitized single-line text of `el` (NULL el or no text: NULL), at most
 * `max_chars` characters. */
char *bc_xmpp_text(xmpp_stanza_t *el, size_t max_chars);
/* The same for a child element `name` (in `ns`, or any namespace). */
char *bc_xmpp_child_text(xmpp_stanza_t *st, const char *name, const char *ns,
                         size_t max_chars);
/* A sanitized attribute, at most `max_chars` characters, or NULL. */
char *bc_xmpp_attr(xmpp_stanza_t *el, const char *name, size_t max_chars);
/* "condition" or "condition: text" from a stanza's <error/>; sanitized. */
char *bc_xmpp_error_text(xmpp_stanza_t *stanza);
/* The defined condition of a stanza's <error/> ("forbidden"), or "";
 * not sanitized: for comparing only. */
const char *bc_xmpp_error_condition(xmpp_stanza_t *stanza);
/* Sets "not connected: type /connect first" and returns false when offline. */
bool bc_xmpp_require_online(GError **err);
/* Our bare JID (newly allocated), or NULL when not bound. */
char *bc_xmpp_self_bare(void);
/* True when `from` is absent or is our own bare JID: the only senders a
 * roster or blocklist push may come from. */
bool bc_xmpp_from_self_or_server(const char *from);
/* A new element <name xmlns=ns/> (ns may be NULL). */
xmpp_stanza_t *bc_xmpp_el(const char *name, const char *ns);
/* True if a disco#info <query/> (may be NULL) lists the feature `var`. */
bool bc_xmpp_disco_has(xmpp_stanza_t *query, const char *var);
/* The disco#info <query/> of a result, NULL for an error or no answer. */
xmpp_stanza_t *bc_xmpp_disco_query(xmpp_stanza_t *reply);
/* Appends <name>text</name> to `parent`. */
void bc_xmpp_add_text_child(xmpp_stanza_t *parent, const char *name, const char *text);
/* An empty <iq type='result'/> answering `iq` (same id, to its sender). */
xmpp_stanza_t *bc_xmpp_iq_result(xmpp_stanza_t *iq);
/* Sends an error reply to an iq get/set; type e.g. "cancel", condition
 * e.g. "service-unavailable". */
void bc_xmpp_iq_error(xmpp_stanza_t *iq, const char *type, const char *condition);
/* Sends `iq` (type get/set, to `to` or NULL for our own account) with a
 * fresh id, and calls `cb` once: with the reply (result or error) from
 * the addressee, or with NULL after `timeout_ms` or on disconnect
 * (`disconnected` true then). `free_data` (may be NULL) frees `data`
 * afterwards. Takes no ownership of `iq`. */
typedef void (*bc_iq_cb)(xmpp_stanza_t *reply, bool disconnected, void *data);
void bc_xmpp_iq_send(xmpp_stanza_t *iq, const char *to, unsigned timeout_ms,
                     bc_iq_cb cb, void *data, GDestroyNotify free_data);
bool bc_xmpp_iq_is_error(xmpp_stanza_t *reply);
void bc_xmpp_iq_handlers_add(xmpp_conn_t *conn);
/* Forgets pending requests (their callbacks run with NULL). */
void bc_xmpp_iq_reset(void);

/* caps.c: XEP-0115 / XEP-0030. */
/* The XEP-0115 §5 verification string: base64 of the SHA-1 of the sorted
 * identities ("category/type/lang/name") and sorted features, each
 * followed by '<'. Pure; newly allocated. */
char *bc_caps_ver_compute(const char *const *identities, const char *const *features);
/* Our node and ver (static strings). */
const char *bc_caps_node(void);
const char *bc_caps_ver(void);
/* Our features, NULL-terminated, sorted. */
const char *const *bc_caps_features(void);
/* A new <c xmlns='http://jabber.org/protocol/caps'/> for our presence. */
xmpp_stanza_t *bc_xmpp_caps_element(void);
/* Answers a disco#info get (payload is its <query/>). */
void bc_xmpp_disco_info_answer(xmpp_stanza_t *iq, xmpp_stanza_t *query);

/* roster.c */
/* The stream is up: fetch the roster, then presence, then the blocklist. */
void bc_xmpp_session_begin(xmpp_conn_t *conn);
/* The stream is gone. */
void bc_xmpp_session_end(void);
void bc_xmpp_roster_push(xmpp_stanza_t *iq, xmpp_stanza_t *query);
void bc_xmpp_block_push(xmpp_stanza_t *iq, xmpp_stanza_t *payload);

/* pep.c: XEP-0163 / XEP-0108. */
/* Publishes our activity ("general/specific", "general" or NULL to
 * clear) unless it is what we last published on this connection. */
void bc_xmpp_pep_publish_activity(const char *activity, const char *text);
void bc_xmpp_pep_reset(void);
/* If `msg` carries a PEP event, handles it and returns true (the message
 * must not be shown). Only events from a roster contact's bare JID count. */
bool bc_xmpp_pep_message(xmpp_stanza_t *msg);
/* True for "general" or "general/specific" with [a-z_] names, bounded. */
bool bc_activity_valid(const char *activity);

/* conn.c: the connection is down but backchat is reconnecting by itself. */
bool bc_xmpp_will_reconnect(void);

/* message.c: sends <message type='chat'> with `body`, id and origin-id
 * `id`, and a delivery receipt request (XEP-0184). */
void bc_xmpp_chat_stanza_send(const char *to, const char *body, const char *id);

/* netwatch.c: calls `cb` once when an address is added or a link comes up
 * (Linux rtnetlink; elsewhere never), until stopped. */
void bc_netwatch_start(void (*cb)(void));
void bc_netwatch_stop(void);

/* outbox.c: chat messages typed while reconnecting. */
bool bc_xmpp_outbox_add(const char *to, const char *body, const char *id, GError **err);
/* The stream is up: sends what waits, in order. */
void bc_xmpp_outbox_flush(void);
void bc_xmpp_outbox_clear(void);
/* outbox.c, the ledger of what was sent and not yet proven received. */
void bc_xmpp_ledger_sent(const char *to, const char *body, const char *id);
/* A mark to give a keepalive ping; its answer confirms what was sent
 * before the mark. */
unsigned bc_xmpp_ledger_mark(void);
void bc_xmpp_ledger_confirm(unsigned mark);
/* A new stream begins (what is in the ledger now was sent on older ones). */
void bc_xmpp_ledger_new_stream(void);
/* The archive catch-up found our message `id`: the server has it. */
void bc_xmpp_ledger_seen(const char *id);
/* The catch-up is done: send again what it did not find. */
void bc_xmpp_ledger_resend(void);

/* muc.c */
/* If `msg` belongs to group chat (type groupchat from a room, a private
 * message from a room occupant, a MUC invitation (XEP-0249 or mediated),
 * a room's archive result), handles it and returns true. */
bool bc_xmpp_muc_message(xmpp_stanza_t *msg);
/* If `pres` is from a room we know (or carries muc#user), handles it and
 * returns true. */
bool bc_xmpp_muc_presence(xmpp_stanza_t *pres);
/* The session is up (after roster and presence): rejoin the rooms that
 * should be rejoined, then bookmarked autojoin rooms, a few at a time. */
void bc_xmpp_muc_session_start(void);
/* The stream is gone: rooms go out (kept for rejoin); timers stop. */
void bc_xmpp_muc_session_end(void);
/* Joins later, spread over loop turns (bookmarks.c autojoin). */
void bc_xmpp_muc_join_queued(const char *room, const char *nick, const char *password);

/* muc_admin.c */
/* Calls `cb` once with the account's conference service (disco#items on
 * the server's domain, then the first item whose disco#info says
 * conference/text with the MUC feature), or with NULL when there is none
 * or we are offline. Found once per session, then cached; may call `cb`
 * before returning. */
void bc_xmpp_muc_service(void (*cb)(const char *service, void *data), void *data);
/* The session ended: forget the service (waiting callers get NULL). */
void bc_xmpp_muc_service_reset(void);

/* bookmarks.c */
/* Fetches the bookmarks (after the session starts); autojoins. */
void bc_xmpp_bookmarks_fetch(void);
/* If `msg` is a bookmarks PEP notification from our own account, handles
 * it and returns true. */
bool bc_xmpp_bookmarks_message(xmpp_stanza_t *msg);
void bc_xmpp_bookmarks_reset(void);

/* announce.c */
/* If `msg` is an announcement (headline, attention, the priority marker),
 * a receipt or a chat marker, handles it and returns true. A chat
 * message carrying a receipt request also gets its receipt here (the
 * function then returns false: the message itself is still delivered). */
bool bc_xmpp_announce_message(xmpp_stanza_t *msg);
/* Installs the acker and nudger into core (announce.h). */
void bc_xmpp_announce_init(void);
/* If the error `msg` answers one of our announcement messages (its id is
 * a pending recipient's), marks that recipient failed and returns true. */
bool bc_xmpp_announce_error(xmpp_stanza_t *msg);

/* chatstate.c (XEP-0085) */
/* Installs our state sender into core, and the markers below. */
void bc_xmpp_chatstate_init(void);
/* A chat message from `conv_jid` (bare, or a room occupant's full JID):
 * its chat state, if any, goes to core. Outgoing copies are ignored. */
void bc_xmpp_chatstate_message(xmpp_stanza_t *msg, const char *conv_jid, bool outgoing);
/* Adds <active/> to an outgoing chat message to `to`, and notes it. */
void bc_xmpp_chatstate_add(xmpp_stanza_t *msg, const char *to);

/* The handlers libstrophe calls for each incoming stanza by name
 * (message.c, presence.c, iq.c); they always return 1 (keep). */
int bc_xmpp_on_message(xmpp_conn_t *conn, xmpp_stanza_t *stanza, void *userdata);
int bc_xmpp_on_presence(xmpp_conn_t *conn, xmpp_stanza_t *stanza, void *userdata);
int bc_xmpp_on_iq(xmpp_conn_t *conn, xmpp_stanza_t *stanza, void *userdata);

/* dispatch.c: hands one incoming stanza to the handler above that the
 * connection would call for it; false for any other element (stream
 * features, SASL and such are libstrophe's). For the fuzz target, which
 * has no socket. */
bool bc_xmpp_dispatch(xmpp_stanza_t *stanza);
/* conn.c: makes `conn` (one that never connected: libstrophe drops what
 * is sent on it) the current stream, up, as after a login; NULL: no
 * stream. Only for driving the handlers without a server. */
void bc_xmpp_stream_fake(xmpp_conn_t *conn);

/* markers.c (XEP-0333) */
void bc_xmpp_markers_init(void);
/* Notes an incoming markable chat message from `peer` (bare JID). */
void bc_xmpp_markers_message(xmpp_stanza_t *msg, const char *peer, bool outgoing);
/* A carbon of a message our other device sent to `peer`: a <displayed/>
 * in it marks the chat read here. True if it was only that (no body). */
bool bc_xmpp_markers_sent_carbon(xmpp_stanza_t *inner, const char *peer);

#endif
