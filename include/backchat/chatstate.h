/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Chat states (XEP-0085): whether the other side of a 1:1 or private
 * chat is typing, and what we tell them about our own typing. Keyed by
 * the conversation's JID (a bare JID, or room@service/nick for a private
 * chat). Timers run only while someone is composing: an idle client does
 * not wake up for chat states. */
#ifndef BACKCHAT_CHATSTATE_H
#define BACKCHAT_CHATSTATE_H

#include <stdbool.h>
#include "backchat/conv.h"

typedef enum {
    BC_CHATSTATE_NONE,      /* nothing known */
    BC_CHATSTATE_ACTIVE,
    BC_CHATSTATE_COMPOSING,
    BC_CHATSTATE_PAUSED,
    BC_CHATSTATE_INACTIVE,
    BC_CHATSTATE_GONE,
} bc_chatstate;

/* A peer's "composing" counts for this long without an update. */
#define BC_CHATSTATE_COMPOSING_MS 30000
/* We send "paused" after this long without a change to the input line. */
#define BC_CHATSTATE_PAUSE_MS 30000

/* The element name ("composing"), or NULL for BC_CHATSTATE_NONE. */
const char *bc_chatstate_name(bc_chatstate st);
/* The state named `name`, or BC_CHATSTATE_NONE. */
bc_chatstate bc_chatstate_parse(const char *name);

/* ---- theirs (from xmpp/) ---- */
/* `jid` sent state `st`: it supports chat states (this session). */
void bc_chatstate_received(const char *jid, bc_chatstate st);
/* A message with a body and no chat state came from `jid`: whatever
 * they were typing was sent. */
void bc_chatstate_message_seen(const char *jid);
/* Their state now ("composing" expires after BC_CHATSTATE_COMPOSING_MS). */
bc_chatstate bc_chatstate_of(const char *jid);
/* True once `jid` has sent us any chat state in this session: only then
 * do we send it ours (XEP-0085 §5.1). */
bool bc_chatstate_supported(const char *jid);
/* For the title bar: "bob is typing…" (newly allocated), or NULL. */
char *bc_chatstate_describe(const bc_conv *c);

/* ---- ours ---- */
/* Sends our state `st` to `jid`; false when it cannot (offline). */
typedef bool (*bc_chatstate_sender)(const char *jid, bc_chatstate st);
void bc_chatstate_set_sender(bc_chatstate_sender fn);
/* The input line now reads `line` while `c` is the current tab: a change
 * of a chat's line (not a command, not a secret prompt) is typing; the
 * first one sends "composing", and "paused" follows after
 * BC_CHATSTATE_PAUSE_MS without another. */
void bc_chatstate_typed(const bc_conv *c, const char *line);
/* A message went to `jid` carrying <active/>: we are active again. */
void bc_chatstate_sent_active(const char *jid);
/* What we last told `jid`. */
bc_chatstate bc_chatstate_ours(const char *jid);

/* Tests: shorter expiry and pause delays (0: the defaults above). */
void bc_chatstate_set_times(unsigned composing_ms, unsigned pause_ms);

/* The session ended: forget everything (support is per session). */
void bc_chatstate_reset(void);
void bc_chatstate_free(void);

#endif
