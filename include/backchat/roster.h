/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Contacts: the roster as the server keeps it, each contact's presence
 * per resource, their activity (XEP-0108), subscription and blocking
 * state. Updates are O(1) per stanza; the sorted view is rebuilt at most
 * once per loop turn, when something changed. */
#ifndef BACKCHAT_ROSTER_H
#define BACKCHAT_ROSTER_H

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>
#include "backchat/presence.h"

typedef enum { BC_SUB_NONE, BC_SUB_TO, BC_SUB_FROM, BC_SUB_BOTH } bc_sub;

typedef struct bc_resource {
    char *name;          /* resource part ("" if none) */
    bc_show show;
    char *status;        /* sanitized status message, or NULL */
    int priority;
    int64_t since;       /* unix seconds: when this resource's show changed */
    int64_t idle_since;  /* unix seconds from XEP-0319, 0 if not idle */
    char *client;        /* XEP-0092 "name version (os)", once asked */
} bc_resource;

typedef struct bc_contact {
    char *jid;           /* bare JID */
    char *name;          /* roster name, or NULL */
    GPtrArray *groups;   /* of char*, sorted; empty if none */
    bc_sub sub;
    bool ask;            /* we asked to see their presence; pending */
    bool pending_in;     /* they asked to see ours; not yet answered */
    bool in_roster;
    bool blocked;
    GPtrArray *resources;/* of bc_resource* */
    /* Derived from the most available resource (highest show, then
     * priority) and kept up to date by the setters below: */
    bc_show show;
    const char *status;  /* borrowed from that resource */
    int64_t idle_since;
    int64_t show_since;  /* when show or activity last changed */
    char *activity;      /* "talking/on_the_phone", "eating", or NULL */
    char *activity_text;
    /* private to roster.c */
    char *local;         /* display fallback: the local part */
    char *sort_key;
    bool seen;
} bc_contact;

void bc_roster_init(void);
void bc_roster_free(void);

/* Lookups by bare JID (any case in the domain, resource ignored). */
bc_contact *bc_roster_get(const char *jid);
/* Creates a contact that is not in the roster (e.g. presence or a message
 * from a stranger) if needed. NULL for an invalid JID. */
bc_contact *bc_roster_ensure(const char *jid);

/* A full roster result replaces the items: call begin, then item() for
 * each, then end; items not seen are dropped from the roster. */
void bc_roster_begin_full(void);
void bc_roster_end_full(void);
/* One roster item (from the result or a push). `groups` NULL-terminated. */
void bc_roster_item(const char *jid, const char *name, const char *const *groups,
                    bc_sub sub, bool ask);
void bc_roster_item_removed(const char *jid);

/* Presence of one full JID. BC_SHOW_OFFLINE removes that resource. */
void bc_roster_presence(const char *full_jid, bc_show show, const char *status,
                        int priority, int64_t idle_since);
/* Activity published by a contact; NULL activity clears it. */
void bc_roster_activity(const char *jid, const char *activity, const char *text);
/* A resource's client version (XEP-0092 answer). */
void bc_roster_client(const char *full_jid, const char *client);
/* They asked to subscribe to our presence / we answered. */
void bc_roster_subscription_request(const char *jid);
void bc_roster_set_pending_in(const char *jid, bool pending);
void bc_roster_set_blocked(const char *jid, bool blocked);
/* Disconnected: everyone's presence is unknown now. */
void bc_roster_all_offline(void);

/* Every known contact (in the roster, or seen), sorted by availability
 * (chat, online, away, xa, dnd, offline) then display name. Borrowed;
 * valid until the next change. */
GPtrArray *bc_roster_sorted(void);
/* Blocked JIDs, including strangers the buddy list does not show. A new
 * array (g_ptr_array_free(a, TRUE)) of borrowed contacts. */
GPtrArray *bc_roster_blocked(void);
/* Group names in use, sorted. Borrowed. */
GPtrArray *bc_roster_groups(void);
/* Changes whenever anything visible changed (for the UI's caches). */
unsigned bc_roster_version(void);
size_t bc_roster_count(void);

const char *bc_sub_name(bc_sub s);
bc_sub bc_sub_parse(const char *s);
/* The roster name, else the local part of the JID. */
const char *bc_contact_display(const bc_contact *c);
bool bc_contact_in_group(const bc_contact *c, const char *group);

/* What a manager's board shows for a contact: "available", "on a call",
 * "at lunch", "in a meeting", "training", "busy", "away", "offline"
 * (from show and activity). */
const char *bc_contact_category(const bc_contact *c);
/* The categories in board order, NULL-terminated. */
const char *const *bc_categories(void);
#define BC_N_CATEGORIES 8
/* Counts per category (in bc_categories() order) of the contacts in
 * roster group `group` (NULL: everyone in the roster); returns the total. */
unsigned bc_roster_category_counts(const char *group, unsigned counts[BC_N_CATEGORIES]);
/* "Support: 12 available, 3 on a call, 1 offline" (zero counts left
 * out; "Everyone" when group is NULL). Newly allocated. */
char *bc_roster_board_summary(const char *group);

/* How the buddy list panel shows the roster (set by /roster, read by the
 * UI). */
typedef enum { BC_ROSTER_BY_GROUP, BC_ROSTER_BY_STATUS, BC_ROSTER_FLAT } bc_roster_grouping;
typedef struct bc_roster_view {
    bool visible;
    int width;                 /* columns, 16..80 */
    bc_roster_grouping by;
    bool show_offline;
    char *selected;            /* bare JID of the selected contact, or NULL */
} bc_roster_view;
bc_roster_view *bc_roster_view_get(void);

/* Human form of an activity: "talking/on_the_phone" -> "on the phone". */
char *bc_activity_label(const char *activity, const char *text);

#endif
