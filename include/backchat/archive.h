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
#include "backchat/conv.h"
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

/* ---- older history of one conversation ---------------------------------
 * Scrolling back past the oldest line of the local log asks the server
 * archive for older messages of that 1:1 conversation, a page at a time:
 * at most one request in flight per conversation, and none once the
 * archive said it has nothing older (remembered for the session). Results
 * are logged (deduplicated by server id) and go into the window at their
 * place in time. */

#define BC_ARCHIVE_OLDER_MAX 50
/* The tag of the rows an older-history request brings. */
#define BC_ARCHIVE_OLDER_TAG (BC_ARCHIVE_TAG | 1)

typedef struct bc_archive_older_query {
    const char *conv;       /* the peer's bare JID: the form's 'with' */
    const char *before_id;  /* RSM <before>: the oldest row's archive id, or NULL */
    int64_t end;            /* the oldest row's time, 0: the log has none. The
                               form's 'end' (with an empty <before/>) when there
                               is no before_id, or when the archive does not
                               know it (item-not-found) */
    int max;                /* RSM <max> */
} bc_archive_older_query;

/* xmpp/ installs it: sends the query, false if it cannot now (offline,
 * too many in flight). It answers through bc_archive_older_message() for
 * each result and bc_archive_older_end() once. */
typedef bool (*bc_archive_older_fn)(const bc_archive_older_query *q);
void bc_archive_set_older_fetcher(bc_archive_older_fn fn);

/* history.c: the view of `c` is at the oldest line of the local log. Asks
 * the archive for older lines unless a request is in flight or the
 * archive has no more; says so in the tab. True if a request was sent. */
bool bc_archive_older_at_top(bc_conv *c);
/* One validated result of the request for `m->conv`: logged. */
void bc_archive_older_message(const bc_archive_msg *m);
/* The request for `conv` ended: `complete` (<fin complete='true'>: there is
 * nothing older), or not (more to ask for; `why` a sentence on failure).
 * The window is updated once what came is in the log. */
void bc_archive_older_end(const char *conv, bool complete, const char *why);
/* core.c: what the log did with a row of BC_ARCHIVE_OLDER_TAG. */
void bc_archive_older_written(const bc_store_row *row);
/* Forgets every conversation's state (tests). */
void bc_archive_older_reset(void);

#endif
