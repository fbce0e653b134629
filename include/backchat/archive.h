/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Archive catch-up (XEP-0313), the model's side: xmpp/mam.c fetches the
 * account archive page by page and hands each result here; this logs it
 * (deduplicated by the log), keeps the sync mark, opens and marks unread
 * the tabs of conversations that got new incoming messages, and says
 * "synced up to HH:MM" when a catch-up ends. */
#ifndef BACKCHAT_ARCHIVE_H
#define BACKCHAT_ARCHIVE_H

#include <stdbool.h>
#include <stdint.h>
#include "backchat/store.h"

/* How far back the first catch-up of an account goes. */
#define BC_ARCHIVE_FIRST_DAYS 7

/* One archived message. Strings sanitized. */
typedef struct bc_archive_msg {
    const char *conv;        /* bare JID of the other side */
    const char *from_full;   /* the sender as archived */
    const char *body;
    const char *stanza_id;   /* origin-id or id of the archived message */
    const char *archive_id;  /* the archive's id for it (<result id=...>) */
    const char *replaces_id; /* XEP-0308, or NULL */
    const char *type;        /* "chat" or "normal" */
    int64_t ts;              /* when the archive got it (<delay/>), 0 unknown */
    bool outgoing;
} bc_archive_msg;

/* The sync mark's key for an account: "archive:" + its bare JID. */
char *bc_archive_key(const char *own_bare);
/* Where a catch-up starts: true with *after_id (newly allocated) and
 * *mark_ts when there is a sync mark; else false and *start = the newest
 * logged message's time, but no more than BC_ARCHIVE_FIRST_DAYS back. */
bool bc_archive_where(const char *own_bare, char **after_id, int64_t *mark_ts,
                      int64_t *start);
/* A catch-up starts (counters to zero). */
void bc_archive_begin(void);
/* Logs one result. */
void bc_archive_message(const bc_archive_msg *m);
/* A page is in: the mark moves to `last_id` (written with the page). */
void bc_archive_page_done(const char *own_bare, const char *last_id, int64_t last_ts);
/* The catch-up ended: complete, or stopped (why: a sentence, or NULL when
 * the page limit stopped it). The report is shown once what was fetched
 * is in the log. */
void bc_archive_end(bool complete, const char *why);

/* core.c: what the log did with an archived message. */
void bc_archive_written(const bc_store_row *row);
/* core.c: after every successful flush. */
void bc_archive_after_flush(void);

/* The tag core gives archived messages (bc_store_msg.tag). */
#define BC_ARCHIVE_TAG (UINT64_C(1) << 63)

#endif
