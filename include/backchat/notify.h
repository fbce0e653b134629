/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Telling the user something happened elsewhere: desktop notifications
 * (libnotify, on a worker thread so the loop never waits for D-Bus), the
 * terminal bell as the fallback, and the policy deciding what notifies:
 * per-conversation levels, quiet hours and dnd. */
#ifndef BACKCHAT_NOTIFY_H
#define BACKCHAT_NOTIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
    BC_NOTIFY_MESSAGE,      /* a 1:1 message in a conversation not in view */
    BC_NOTIFY_MENTION,      /* our name in a message */
    BC_NOTIFY_ATTENTION,    /* an attention request (XEP-0224) */
    BC_NOTIFY_PRIORITY,     /* a priority announcement: always critical */
    BC_NOTIFY_SUBSCRIPTION, /* someone asks to see our presence */
} bc_notify_kind;

typedef enum {
    BC_URGENCY_LOW,
    BC_URGENCY_NORMAL,
    BC_URGENCY_CRITICAL,
} bc_notify_urgency;

/* Per-conversation level (/notify all|mentions|none). */
typedef enum {
    BC_LEVEL_ALL,
    BC_LEVEL_MENTIONS,
    BC_LEVEL_NONE,
} bc_notify_level;

/* What the policy decided. */
typedef enum {
    BC_NOTIFY_SHOW,        /* notify (desktop, or the bell) */
    BC_NOTIFY_SKIP_LEVEL,  /* the conversation's level filters it out */
    BC_NOTIFY_SKIP_QUIET,  /* quiet hours or dnd: only priority comes through */
} bc_notify_verdict;

/* ---- entry points (loop thread; never block) ---------------------------- */

/* An incoming 1:1 message in conversation `conv` (bare JID) that is not in
 * view; `from` is the sender's display name. A message naming us (the
 * account's local part) counts as a mention. */
void bc_notify_message(const char *conv, const char *from, const char *text);

/* Any other event. `conv` is the conversation (bare JID, room) it belongs
 * to, or NULL; `summary` is plain text (the sender's name), `body` plain
 * text (escaped here). One notification per conversation (and kind class)
 * is kept and replaced, not stacked. BC_NOTIFY_PRIORITY is always
 * critical and passes quiet hours, dnd and levels. */
void bc_notify_event(bc_notify_kind kind, const char *conv, const char *summary,
                     const char *body, bc_notify_urgency urgency);

/* Holds every notification but priority announcements and mentions (a
 * call, a meeting): the held ones are counted as suppressed, not queued
 * for later. */
void bc_notify_hold(bool on);
bool bc_notify_held(void);

/* The terminal window title while notifications fall back to the bell
 * (no notification service, or [notify] desktop=false): "backchat" or
 * "backchat (N)" with N unread messages; NULL while desktop notifications
 * work (the title is left alone). Static storage; the UI polls it when it
 * redraws and writes it when it changes. */
const char *bc_notify_title(void);

/* ---- settings (/notify) -------------------------------------------------- */

/* conv NULL: the default for conversations without their own level. */
void bc_notify_set_level(const char *conv, bc_notify_level level);
/* Removes a conversation's own level (it follows the default again). */
void bc_notify_clear_level(const char *conv);
bc_notify_level bc_notify_get_level(const char *conv);
bool bc_notify_has_own_level(const char *conv);
/* Conversations with their own level, sorted (g_strfreev). */
char **bc_notify_levels_list(void);
const char *bc_notify_level_name(bc_notify_level level);
bool bc_notify_level_parse(const char *s, bc_notify_level *out);

/* Quiet hours as minutes of the day [from, to); from > to wraps past
 * midnight. Overrides config [notify] quiet. */
void bc_notify_set_quiet(int from_min, int to_min);
void bc_notify_quiet_off(void);
/* false if none; minutes of the day otherwise. */
bool bc_notify_get_quiet(int *from_min, int *to_min);

/* ---- policy (pure, for tests) ------------------------------------------- */

/* "HH:MM-HH:MM" -> minutes of the day. */
bool bc_notify_quiet_parse(const char *s, int *from_min, int *to_min);
bool bc_notify_in_quiet(int from_min, int to_min, int minute_of_day);
/* The decision for an event in `conv` at `minute_of_day` (local time),
 * with our own status dnd or not. */
bc_notify_verdict bc_notify_decide(bc_notify_kind kind, const char *conv,
                                   int minute_of_day, bool dnd);
/* Escapes &, < and > for the body markup of notification servers. */
char *bc_notify_markup_escape(const char *text);
/* The key of the notification an event replaces (g_free). */
char *bc_notify_key(bc_notify_kind kind, const char *conv);
/* Whether `text` names `nick` as a word (any case). */
bool bc_notify_mentions(const char *text, const char *nick);

/* Forgets levels and quiet hours set by /notify (tests). */
void bc_notify_policy_reset(void);

/* ---- the delivery machinery --------------------------------------------- */

/* The desktop backend, called on the worker thread with one notification;
 * returns false when it could not be shown (no bus, no daemon). The
 * default is libnotify; tests install their own. NULL restores it. */
typedef bool (*bc_notify_backend)(const char *key, const char *summary,
                                  const char *body, bc_notify_urgency urgency,
                                  void *data);
void bc_notify_set_backend(bc_notify_backend fn, void *data);
/* libnotify is used only while the loop runs (the application), so unit
 * tests of other modules never reach a desktop; a test of the libnotify
 * path turns this on. */
void bc_notify_force_desktop(bool on);

typedef struct bc_notify_stats {
    uint64_t queued;      /* handed to the worker */
    uint64_t coalesced;   /* replaced a queued one for the same key */
    uint64_t dropped;     /* the queue was full: the oldest went */
    uint64_t shown;       /* the backend showed it */
    uint64_t attempts;    /* backend calls that failed */
    uint64_t fallback;    /* went to the bell (or nowhere) instead */
    uint64_t suppressed;  /* the policy said no */
    uint64_t held;        /* held by bc_notify_hold (counted in suppressed too) */
    bool available;       /* the desktop backend works (or is untried) */
    int64_t retry_at_ms;  /* after a failure: when it is tried again */
} bc_notify_stats;
bc_notify_stats bc_notify_get_stats(void);

/* Waits (at most `ms`) until the worker has handled everything queued;
 * false on timeout. For tests and /notify. */
bool bc_notify_flush(int ms);
/* Runs what the worker reported (bell, the console note) now: the loop
 * does it when the worker wakes it; tests call it directly. */
void bc_notify_dispatch(void);
/* The queue's size (default 32) and the pause after a failure (default
 * 60 s); for tests. */
void bc_notify_tune(size_t queue_cap, int retry_ms);

/* Stops the worker, waiting at most `ms` for it; a worker stuck in a
 * D-Bus call is left behind (the process is exiting). Idempotent; also
 * runs at exit. */
void bc_notify_shutdown(int ms);

#endif
