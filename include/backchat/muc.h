/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Group chat (XEP-0045), the model's side: the rooms we are in or joining,
 * their occupants (role, affiliation, presence), our nick and the subject,
 * mention detection, invitations waiting for an answer, and bookmarks.
 * xmpp/muc.c turns stanzas into these calls; the UI reads the model. All
 * strings handed in are already sanitized. */
#ifndef BACKCHAT_MUC_H
#define BACKCHAT_MUC_H

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>
#include "backchat/presence.h"

typedef enum {
    BC_ROLE_NONE,
    BC_ROLE_VISITOR,
    BC_ROLE_PARTICIPANT,
    BC_ROLE_MODERATOR,
} bc_muc_role;

typedef enum {
    BC_AFFIL_OUTCAST,
    BC_AFFIL_NONE,
    BC_AFFIL_MEMBER,
    BC_AFFIL_ADMIN,
    BC_AFFIL_OWNER,
} bc_muc_affil;

/* "none", "visitor", "participant", "moderator" and the inverse. */
const char *bc_muc_role_name(bc_muc_role r);
bool bc_muc_role_parse(const char *s, bc_muc_role *out);
/* "outcast", "none", "member", "admin", "owner" and the inverse. */
const char *bc_muc_affil_name(bc_muc_affil a);
bool bc_muc_affil_parse(const char *s, bc_muc_affil *out);

typedef struct bc_occupant {
    char *nick;
    char *jid;          /* real full JID when the room shows it, else NULL */
    bc_muc_role role;
    bc_muc_affil affil;
    bc_show show;       /* never BC_SHOW_OFFLINE: those are removed */
    char *status;       /* may be NULL */
} bc_occupant;

typedef enum {
    BC_ROOM_JOINING,    /* join presence sent, no self-presence yet */
    BC_ROOM_JOINED,
    BC_ROOM_OUT,        /* not in the room (left, kicked, banned, join
                           failed, connection lost); kept while its tab is
                           open; `rejoin` says whether a reconnect should
                           join it again */
} bc_room_state;

typedef struct bc_room {
    char *jid;          /* bare JID of the room */
    char *nick;         /* our nick (as the room last confirmed it) */
    char *password;     /* NULL if none */
    char *subject;      /* NULL if none */
    bc_room_state state;
    bool rejoin;        /* join again after a reconnect */
    bool created;       /* we created it on join (status 201): it is locked
                           until configured (/roomconfig) */
    bool history_from_archive; /* the room's archive (XEP-0313) fills the
                           gap on join, so no MUC history was asked for */
    int64_t joined_at;  /* unix seconds of the self-presence, 0 */
    GHashTable *occupants; /* nick -> bc_occupant*, owned */
} bc_room;

void bc_muc_init(void);
void bc_muc_free(void);

/* ---- rooms ---------------------------------------------------------------- */

bc_room *bc_muc_room(const char *room);  /* by bare JID, or NULL */
/* All rooms known this session (joining, joined or out), borrowed. */
GPtrArray *bc_muc_rooms(void);
/* Our room for the tab `jid` (a BC_CONV_ROOM's jid), or NULL. */
bc_room *bc_muc_room_of_conv(const char *conv_jid);

/* A join was sent: creates or resets the room (occupants cleared, state
 * JOINING, rejoin true) and opens its tab (focused if `focus`). */
bc_room *bc_muc_joining(const char *room, const char *nick, const char *password, bool focus);
/* The join failed (error presence): state OUT, rejoin false, the reason
 * (a sentence) shown in the room's tab. `nick_conflict` adds the hint to
 * pick another nick with /join ROOM/NICK. */
void bc_muc_join_failed(const char *room, const char *why, bool nick_conflict);
/* We leave: state OUT, rejoin false (the xmpp side sends the presence). */
void bc_muc_leaving(const char *room);
/* The connection dropped: every room goes OUT, keeping `rejoin`. */
void bc_muc_disconnected(void);
/* Closing the tab forgets the room. */
void bc_muc_forget(const char *room);

/* Why an occupant left (status codes of XEP-0045 §15.2). */
typedef enum {
    BC_MUC_EXIT_LEFT,
    BC_MUC_EXIT_KICKED,       /* 307 */
    BC_MUC_EXIT_BANNED,       /* 301 */
    BC_MUC_EXIT_AFFILIATION,  /* 321: removed by an affiliation change */
    BC_MUC_EXIT_MEMBERS_ONLY, /* 322: the room became members-only */
    BC_MUC_EXIT_SHUTDOWN,     /* 332: the service is shutting down */
    BC_MUC_EXIT_NICK,         /* 303: changing nick to `new_nick` */
    BC_MUC_EXIT_DESTROYED,    /* <destroy/>: the room is gone */
} bc_muc_exit;

/* One occupant presence from a room. */
typedef struct bc_muc_presence_event {
    const char *room;       /* bare JID */
    const char *nick;       /* resource of the from */
    bool available;         /* false: type='unavailable' */
    bc_show show;           /* when available */
    const char *status;     /* may be NULL */
    const char *jid;        /* <item jid=...>, may be NULL */
    bc_muc_role role;
    bc_muc_affil affil;
    bool self;              /* status 110: it is us */
    bool created;           /* status 201 */
    bool nick_assigned;     /* status 210: the room changed our nick */
    bc_muc_exit exit;       /* when !available */
    const char *new_nick;   /* BC_MUC_EXIT_NICK */
    const char *actor;      /* who kicked/banned, may be NULL */
    const char *reason;     /* may be NULL */
} bc_muc_presence_event;

/* Updates the occupant list and tells the room's tab what happened in one
 * line ("bob joined", "bob is now known as robert", "carol was kicked by
 * alice: spam", "You were banned"). Our own self-presence completes the
 * join (state JOINED). Joins and leaves during the first moments of a
 * join (the initial occupant list) are not announced one by one: one line
 * "N occupants: a, b, c…" says who is there. */
void bc_muc_presence(const bc_muc_presence_event *ev);
/* The subject changed (or was given on join): shown in the tab, kept. */
void bc_muc_subject(const char *room, const char *nick, const char *subject);

const bc_occupant *bc_muc_occupant(const bc_room *r, const char *nick);
/* Occupants in panel order: moderators, participants, visitors, each by
 * nick (case-insensitive). Borrowed; valid until the room changes. */
GPtrArray *bc_muc_occupants_sorted(bc_room *r);
/* Nicks starting with `prefix` (case-insensitive), most recently
 * speaking first, then by name; NULL-terminated, g_strfreev. */
char **bc_muc_nick_complete(bc_room *r, const char *prefix);
/* Records that `nick` spoke (completion order). */
void bc_muc_spoke(bc_room *r, const char *nick);

/* ---- mentions ------------------------------------------------------------- */

/* True when `text` names `nick`: case-insensitively, as a whole word
 * (not inside a longer word: "al" is not in "also"); a nick made of or
 * ending in punctuation ("[bot]", "bob.") still matches where it stands
 * alone, and "bob:" / "@bob" / "bob," count. */
bool bc_muc_mentions(const char *text, const char *nick);

/* ---- invitations ---------------------------------------------------------- */

typedef struct bc_muc_invite {
    char *room, *from, *reason, *password;  /* from: who invited (bare JID) */
} bc_muc_invite;

/* An invitation arrived (XEP-0249 direct, or XEP-0045 mediated): kept
 * (one per room, the newest wins, at most 50) and shown in the console
 * with the command that accepts it. */
void bc_muc_invited(const char *room, const char *from, const char *reason,
                    const char *password);
/* The pending invitation to `room` (NULL: the newest), borrowed, or NULL. */
const bc_muc_invite *bc_muc_invite_pending(const char *room);
void bc_muc_invite_drop(const char *room);
GPtrArray *bc_muc_invites(void); /* of bc_muc_invite*, borrowed, oldest first */

/* ---- bookmarks ------------------------------------------------------------ */

typedef struct bc_bookmark {
    char *jid;          /* room bare JID */
    char *name;         /* may be NULL */
    char *nick;         /* may be NULL: the default nick */
    char *password;     /* may be NULL */
    bool autojoin;
} bc_bookmark;

/* The bookmark list as the server has it (replaces the model's). */
void bc_muc_bookmarks_set(GPtrArray *bookmarks /* of bc_bookmark*, taken */);
/* One bookmark added or changed (a push, or our own publish). */
void bc_muc_bookmark_put(const bc_bookmark *b);
void bc_muc_bookmark_removed(const char *jid);
GPtrArray *bc_muc_bookmarks(void); /* borrowed, by jid */
const bc_bookmark *bc_muc_bookmark(const char *jid);
bc_bookmark *bc_bookmark_new(const char *jid, const char *name, const char *nick,
                             const char *password, bool autojoin);
void bc_bookmark_free(bc_bookmark *b);

/* The nick to join with when none is given: [muc] nick in the config,
 * else the local part of the account's JID. Newly allocated. */
char *bc_muc_default_nick(void);

#endif
