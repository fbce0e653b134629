/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The local log: one SQLite database per account, WAL mode, versioned
 * schema migrations, writes batched into one transaction per loop turn,
 * messages deduplicated by stanza id. */
#ifndef BACKCHAT_STORE_H
#define BACKCHAT_STORE_H

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>

typedef struct bc_store bc_store;

typedef enum { BC_DIR_IN = 0, BC_DIR_OUT = 1 } bc_direction;

typedef struct bc_store_msg {
    const char *conv;       /* bare JID of the conversation (required) */
    const char *sender;     /* JID of the sender (full or bare), or NULL */
    const char *body;       /* sanitized text (required) */
    const char *stanza_id;  /* id attribute / origin-id; NULL if none */
    const char *type;       /* "chat", "normal", ...; NULL = "chat" */
    bc_direction dir;
    int64_t ts_server;      /* unix seconds from <delay/>, 0 if none */
    int64_t ts_local;       /* unix seconds when we received/sent it */
} bc_store_msg;

/* The schema version this build writes (PRAGMA user_version). */
#define BC_STORE_SCHEMA_VERSION 1

/* Opens or creates the database at `path` (file mode 0600), sets WAL,
 * and migrates older schemas forward. Fails on a newer schema. */
bc_store *bc_store_open(const char *path, GError **err);
/* Flushes what is queued, then closes. NULL is a no-op. */
void bc_store_close(bc_store *st);
int bc_store_schema_version(bc_store *st);

/* Queues a message (copies all strings); nothing touches disk until
 * bc_store_flush(). */
void bc_store_append(bc_store *st, const bc_store_msg *m);
size_t bc_store_pending(bc_store *st);
/* Writes everything queued in one transaction. Duplicates (same conv,
 * direction and stanza_id, already stored or twice in the batch) are
 * skipped. A message without conv or body is refused at append. Returns
 * the number of new rows, or -1 with `err` set; on failure the queue is
 * kept to retry, so nothing is lost. */
int bc_store_flush(bc_store *st, GError **err);

/* Number of stored messages in `conv` (NULL: all). */
int64_t bc_store_count(bc_store *st, const char *conv);

/* Calls `cb` for the newest `limit` messages of `conv`, oldest first.
 * Strings are only valid during the call. Returns the number visited. */
typedef void (*bc_store_row_cb)(const bc_store_msg *m, void *data);
int bc_store_recent(bc_store *st, const char *conv, int limit,
                    bc_store_row_cb cb, void *data);

#endif
