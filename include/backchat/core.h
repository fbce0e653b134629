/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Typed events from the protocol layer into the model, and the start-up
 * and shut-down of the whole core (logs, conversations, session). */
#ifndef BACKCHAT_CORE_H
#define BACKCHAT_CORE_H

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>
#include "backchat/store.h"

/* A chat message in either direction. All strings already sanitized. */
typedef struct bc_msg_event {
    const char *peer;       /* bare JID of the other side */
    const char *from_full;  /* sender full JID (in) or own JID (out) */
    const char *body;
    const char *stanza_id;
    const char *type;       /* "chat" or "normal"; NULL = "chat" */
    int64_t ts_server;      /* 0 if not delayed */
    bool outgoing;
    bc_msg_kind kind;       /* BC_KIND_CHAT, or BC_KIND_HEADLINE: shown in
                               the console, logged under `peer` */
    const char *server_id;  /* XEP-0359 <stanza-id/> given by our own
                               server (by = our bare JID), or NULL */
    const char *replaces_id;/* XEP-0308: the stanza id this corrects */
    /* Rooms. kind BC_KIND_GROUPCHAT: `peer` is the room's bare JID and
     * `nick` the occupant who said it (outgoing when it is our nick: the
     * room's reflection of what we sent). BC_KIND_PRIVATE: `peer` is the
     * occupant's full JID room@service/nick, `nick` its nick. */
    const char *nick;
    bool from_history;      /* room history or archive fill on join: shown
                               and logged, but no notification or mention
                               count */
} bc_msg_event;

/* Shows the message (a tab for `peer`, opened if needed: a chat, a room's
 * tab (only for a room in the model, muc.h) or a private chat; a correction
 * changes the line it corrects and marks it "(edited)"), notifies, and
 * logs it unless logging of the conversation is off. */
void bc_core_message(const bc_msg_event *ev);

/* Opens the log for the current account (closes an earlier one). */
bool bc_core_open_log(GError **err);
bc_store *bc_core_log(void);
void bc_core_close_log(void);

/* Runs at the end of every loop turn: flushes batched log writes. When
 * the log cannot be written (full disk, locked, damaged), the messages
 * stay queued in memory, the user is told so, and the write is retried
 * with a growing delay (1 s doubling to 60 s), not every turn. */
void bc_core_end_of_turn(void *unused);
/* Writes what is queued now (before an export or a search). False with
 * `err` if it cannot (the queue is kept). No log: true. */
bool bc_core_log_flush(GError **err);
/* NULL while the log is fine; else a short text for the status line. */
const char *bc_core_log_problem(void);

/* Retention: [log] retention_days in the config (0: keep forever). When
 * set, messages older than that are purged when the log is opened and
 * once a day after. Returns the rows deleted, -1 on error (reported). */
int64_t bc_core_retention_run(void);

#endif
