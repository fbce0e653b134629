/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Our own availability: show, message and activity; named presets (one
 * key each); timed statuses that revert; auto-away on idle. */
#ifndef BACKCHAT_STATUS_H
#define BACKCHAT_STATUS_H

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>
#include "backchat/presence.h"

typedef struct bc_preset {
    char *key;        /* "lunch": what /status takes */
    char *label;      /* "At Lunch": what others see as status text */
    bc_show show;
    char *activity;   /* XEP-0108 "eating/having_lunch", or NULL */
    char *text;       /* activity text, or NULL */
    int fkey;         /* function key 1..12, 0 for none */
} bc_preset;

typedef struct bc_own_status {
    bc_show show;
    char *message;       /* status text, or NULL */
    char *activity;      /* or NULL */
    char *activity_text;
    char *preset;        /* key of the preset, or NULL */
    int64_t until;       /* unix seconds when it reverts, 0 = never */
    bool automatic;      /* set by auto-away, not by the user */
    int64_t idle_since;  /* for XEP-0319 while auto-away, else 0 */
} bc_own_status;

/* Publishes our status (presence + activity); installed by xmpp/. */
typedef void (*bc_status_publisher)(const bc_own_status *st);
void bc_status_set_publisher(bc_status_publisher fn);

/* Loads presets from the config ([preset.KEY] groups: label, show,
 * activity, text, key=F1..F12) over the defaults: available (F1),
 * lunch (F2), busy (F3), meeting (F4), training (F5), call (F6).
 * Resets the own status to available. */
void bc_status_init(void);
void bc_status_free(void);
GPtrArray *bc_presets(void);                       /* of bc_preset*, borrowed */
const bc_preset *bc_preset_find(const char *name); /* key or label, any case */
const bc_preset *bc_preset_for_fkey(int n);

const bc_own_status *bc_status_current(void);
/* Sets and publishes. `until` 0 = indefinitely; otherwise the previous
 * status comes back at `until` (and the console says so). */
void bc_status_set(bc_show show, const char *message, const char *activity,
                   const char *activity_text, const char *preset, int64_t until);
bool bc_status_apply_preset(const char *name, int64_t until, GError **err);
/* "30m", "1h", "1h30m", "90s", "2h15" (minutes), "until 15:00", "15:00"
 * (today, or tomorrow if already past). */
bool bc_duration_parse(const char *s, int64_t now, int64_t *until, GError **err);

/* The user pressed a key: ends auto-away. */
void bc_status_user_active(void);
/* Re-publishes after a reconnect; a timed status that expired while
 * offline reverts first. */
void bc_status_republish(void);

/* A short text for the status line: "At Lunch (23m left)". Newly allocated. */
char *bc_status_describe(void);

#endif
