/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Announcements, the model's side. Received: server announcements
 * (XEP-0133, headlines), headline messages from anyone, attention
 * requests (XEP-0224) and messages carrying backchat's priority marker
 * all land in the one Announcements tab and in the local log; a priority
 * one also stays in a banner across the top of every tab until the user
 * acknowledges it (/ack or the key). Sent: /announce keeps, per
 * announcement, each recipient's state (sent, delivered, displayed,
 * acknowledged, failed), shows a live roll-up ("delivered 11/12,
 * acknowledged 7/12; waiting: bob, carol") and, when asked to, escalates
 * with attention nudges to those who have not acknowledged. */
#ifndef BACKCHAT_ANNOUNCE_H
#define BACKCHAT_ANNOUNCE_H

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>

/* The priority marker: a child element of the <message/> that other
 * clients ignore (they show the body as a normal message):
 *   <announce xmlns='urn:x-backchat:announce:0' id='ANNOUNCEMENT-ID'
 *             priority='high'/>            (or priority='normal') */
#define BC_NS_ANNOUNCE "urn:x-backchat:announce:0"

/* ---- received --------------------------------------------------------- */

typedef enum {
    BC_ANN_HEADLINE,   /* a type='headline' message from anyone */
    BC_ANN_SERVER,     /* from our server's domain (XEP-0133 announce) */
    BC_ANN_ATTENTION,  /* an attention request (XEP-0224) */
    BC_ANN_MARKED,     /* a message with the marker, priority='normal' */
    BC_ANN_PRIORITY,   /* a message with the marker, priority='high' */
} bc_ann_source;

typedef struct bc_ann_event {
    bc_ann_source source;
    const char *from;        /* sender as given (full JID, or room/nick) */
    const char *text;        /* body, may be NULL for a bare attention */
    const char *stanza_id;   /* for the log's dedupe and for markers */
    const char *ann_id;      /* the marker's id (BC_ANN_MARKED/PRIORITY) */
    const char *room;        /* sent in a room: its bare JID, else NULL */
    int64_t ts_server;       /* <delay/>, 0 */
    bool markable;           /* asked for chat markers (XEP-0333) */
} bc_ann_event;

typedef struct bc_announcement {
    unsigned n;              /* 1, 2, ...: the number /ack takes */
    bc_ann_source source;
    char *from, *text, *stanza_id, *ann_id, *room;
    int64_t ts;
    bool markable;
    bool acked;              /* priority: acknowledged by the user */
} bc_announcement;

/* Shows it in the Announcements tab (opened, unread; a priority one
 * highlighted), logs it (kind announcement or headline, under the
 * sender's bare JID, or the room's), notifies (critical for priority,
 * attention for XEP-0224), and puts a priority one in the banner. */
void bc_announce_receive(const bc_ann_event *ev);

/* Priority announcements not yet acknowledged, oldest first, borrowed.
 * The banner shows the oldest and how many more wait. */
GPtrArray *bc_announce_unacked(void);
/* Acknowledges announcement `n` (0: the oldest unacknowledged): the
 * banner moves on, the sender is told (the installed acker). False if
 * there is no such unacknowledged announcement. */
bool bc_announce_ack(unsigned n);
/* Acknowledges every one; returns how many. */
unsigned bc_announce_ack_all(void);

/* Installed by xmpp/: tells the sender we acknowledged (an XEP-0333
 * <acknowledged/> marker for the message with `stanza_id`). */
typedef void (*bc_ann_ack_fn)(const bc_announcement *a);
void bc_announce_set_acker(bc_ann_ack_fn fn);

/* Priority and server announcements still unacknowledged when the
 * account was last used come back into the banner (and the tab, marked
 * as waiting since before the restart). Kept in the account's directory
 * whenever the waiting list changes. Returns how many came back. */
unsigned bc_announce_restore(void);

/* ---- sent ------------------------------------------------------------- */

typedef enum {
    BC_RCPT_SENT,
    BC_RCPT_DELIVERED,  /* receipt (XEP-0184) or <received/> marker */
    BC_RCPT_DISPLAYED,  /* <displayed/> marker */
    BC_RCPT_ACKED,      /* <acknowledged/> marker */
    BC_RCPT_FAILED,     /* an error came back */
} bc_rcpt_state;

typedef struct bc_ann_recipient {
    char *jid;          /* bare JID, or room/nick for a room's occupant */
    char *name;         /* for the roll-up: roster name, nick, or local part */
    char *msg_id;       /* the id of the message sent to it */
    bc_rcpt_state state;
    char *error;        /* BC_RCPT_FAILED: why */
    int nudges;         /* attention nudges sent (escalation) */
} bc_ann_recipient;

typedef struct bc_outgoing_ann {
    unsigned n;         /* 1, 2, ...: the number /announce status takes */
    char *id;           /* the marker's id */
    char *target;       /* as the user gave it: "group Support", a room, JIDs */
    char *text;
    bool priority;
    char *room;         /* sent to a room: its bare JID, else NULL */
    int64_t sent_at;
    unsigned escalate_s;/* 0: no escalation */
    GPtrArray *recipients; /* of bc_ann_recipient*, owned */
} bc_outgoing_ann;

/* Records an announcement just sent (recipients added next). */
bc_outgoing_ann *bc_announce_sent(const char *id, const char *target, const char *text,
                                  bool priority, const char *room, unsigned escalate_s);
void bc_announce_add_recipient(bc_outgoing_ann *a, const char *jid, const char *name,
                               const char *msg_id);
/* All recipients are in: shows the roll-up line in the Announcements tab
 * and starts escalation if asked for. */
void bc_announce_sent_done(bc_outgoing_ann *a);
/* A receipt or marker from `from` (bare JID, or room/nick) about our
 * message `msg_id` (for markers: the id the marker names). States only
 * move forward (acknowledged beats displayed beats delivered). Updates
 * the roll-up in place. True if it matched a recipient. */
bool bc_announce_receipt(const char *from, const char *msg_id, bc_rcpt_state state,
                         const char *error);
/* "delivered 11/12, acknowledged 7/12; not acknowledged: bob, carol".
 * Newly allocated. */
char *bc_announce_rollup(const bc_outgoing_ann *a);
bc_outgoing_ann *bc_announce_get(unsigned n); /* 0: the newest */
GPtrArray *bc_announce_sent_list(void);       /* borrowed, oldest first */

/* Escalation: once `escalate_s` has passed without an acknowledgement,
 * the installed nudger sends each such recipient an attention request;
 * once more after another interval; never more often than [announce]
 * min_nudge_interval seconds (default 60) per recipient. */
typedef bool (*bc_ann_nudge_fn)(const char *jid, const char *text);
void bc_announce_set_nudger(bc_ann_nudge_fn fn);
/* Sends the nudges due at `now_ms` (bc_now_ms() time) and re-arms the
 * escalation timer; the timer calls it, tests call it with a set time. */
void bc_announce_tick(int64_t now_ms);

/* Parses "2m", "90s", "1h" into seconds (>= 1); false if malformed. */
bool bc_announce_parse_interval(const char *s, unsigned *out);

void bc_announce_init(void);
void bc_announce_free(void);

#endif
