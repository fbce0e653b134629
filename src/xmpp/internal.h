/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Shared state of the xmpp/ files; not part of the public API. */
#ifndef BACKCHAT_XMPP_INTERNAL_H
#define BACKCHAT_XMPP_INTERNAL_H

#include <strophe.h>
#include <stdbool.h>

extern xmpp_ctx_t *bc_xctx;
extern xmpp_conn_t *bc_xconn;

/* Counts handled stanzas; the pump drains while this moves. */
void bc_xmpp_note_activity(void);
/* Runs libstrophe until it has nothing more to do right now. */
void bc_xmpp_pump(void);

/* presence.c */
void bc_xmpp_presence_handlers_add(xmpp_conn_t *conn);

/* message.c */
void bc_xmpp_message_handlers_add(xmpp_conn_t *conn);
/* Parses XEP-0203 <delay stamp>; 0 if absent or malformed. */
long long bc_xmpp_delay_stamp(xmpp_stanza_t *stanza);

#endif
