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
} bc_msg_event;

void bc_core_message(const bc_msg_event *ev);

/* Opens the log for the current account (closes an earlier one). */
bool bc_core_open_log(GError **err);
bc_store *bc_core_log(void);
void bc_core_close_log(void);

/* Runs at the end of every loop turn: flushes batched log writes. */
void bc_core_end_of_turn(void *unused);

#endif
