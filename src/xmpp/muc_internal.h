/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the group chat files (muc.c, muc_msg.c, muc_mam.c) share; not
 * part of the public API. */
#ifndef BACKCHAT_XMPP_MUC_INTERNAL_H
#define BACKCHAT_XMPP_MUC_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <strophe.h>
#include <glib.h>
#include "backchat/conv.h"
#include "mam_query.h" /* BC_NS_MAM */

#define BC_NS_MUC "http://jabber.org/protocol/muc"
#define BC_NS_MUC_USER "http://jabber.org/protocol/muc#user"

/* muc.c */
/* The room `room` (bare JID) we are in, or NULL with `err` saying so. */
struct bc_room *bc_xmpp_muc_joined_room(const char *room, GError **err);
/* A room's bare JID from input (local@domain, no resource), newly
 * allocated, or NULL with `err`. */
char *bc_xmpp_muc_valid_room(const char *room, GError **err);
/* Something came from `room`: the self-ping waits. */
void bc_xmpp_muc_heard(const char *room);
/* The room archives (XEP-0313): its disco#info said so on join. */
bool bc_xmpp_muc_archived(const char *room);
/* A line in the room's tab (the console if it has none). */
void bc_xmpp_muc_line(const char *room, bc_line_kind kind, const char *fmt, ...)
    G_GNUC_PRINTF(3, 4);

/* muc_msg.c */
/* Hands the groupchat message `m` (from room/nick) with a body to core.
 * `server_id` is the room's archive id for it; `ts` its time (0: now). */
void bc_xmpp_muc_deliver(xmpp_stanza_t *m, const char *room, const char *nick,
                         const char *server_id, int64_t ts, bool from_history);

/* muc_mam.c: filling the gap from the room's archive (XEP-0313). */
/* We are in `room`, which archives: fetch what the local log misses
 * (after its sync mark, or the newest 50 when there is none). */
void bc_muc_mam_start(const char *room);
/* A query to `room` is running (live messages leave the mark alone). */
bool bc_muc_mam_running(const char *room);
/* Stops the query of `room` (left, kicked), or all (room NULL). */
void bc_muc_mam_stop(const char *room);
/* `msg` (from known room `room`) carries a MAM <result/>: believed only
 * from the room's bare JID with our queryid. Always consumed. */
void bc_muc_mam_result(xmpp_stanza_t *msg, const char *room);
/* A live message of `room` with archive id `server_id` was logged: the
 * mark follows it (unless a query runs: its pages move the mark). */
void bc_muc_mam_live(const char *room, const char *server_id, int64_t ts);

#endif
