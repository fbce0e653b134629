/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Shared between the files of src/store/ (and the store's unit tests, which
 * check the query plan of every statement listed in bc_store_hot_sql). */
#ifndef BACKCHAT_STORE_INTERNAL_H
#define BACKCHAT_STORE_INTERNAL_H

#include "backchat/store.h"

#include <sqlite3.h>

/* The loop is single-threaded: a write that cannot get the lock quickly is
 * retried on a later turn (the queue is kept), so do not block the UI long. */
#define BC_STORE_BUSY_TIMEOUT_MS 250
/* Opening, migrating, the final flush at close and purges may wait longer. */
#define BC_STORE_BUSY_TIMEOUT_SLOW_MS 5000

struct bc_store {
    sqlite3 *db;
    sqlite3_stmt *insert;       /* kept across flushes */
    sqlite3_stmt *resolve;      /* correction -> original row */
    sqlite3_stmt *fts_add;      /* a flush's new rows -> messages_fts */
    sqlite3_stmt *head_msg;     /* newest row id/chain */
    sqlite3_stmt *head_anchor;  /* newest anchor id/chain */
    sqlite3_stmt *synced_put;
    sqlite3_stmt *count_all;    /* prepared on first use */
    sqlite3_stmt *count_conv;
    GPtrArray *queue;           /* of queued_msg *, owned */
    GHashTable *logging_off;    /* conv -> conv, conversations not logged */
    GHashTable *synced;         /* key -> synced_mark *, queued marks */
    bc_store_written_fn written;/* told about tagged messages after a flush */
    void *written_data;
    int version;
    bool readonly;
    /* The chain value of the newest row (or anchor), cached between
     * flushes; a flush checks the head id and reloads if another
     * connection wrote in between. */
    bool head_known;
    int64_t head_id;
    uint8_t head_chain[BC_STORE_CHAIN_LEN];
};

/* The column list every row query selects, in the order
 * bc_store_read_row() expects. */
#define BC_ROW_COLS "messages.id, messages.conv, messages.sender, messages.nick," \
    " messages.body, messages.stanza_id, messages.server_id, messages.type," \
    " messages.kind, messages.dir, messages.ts_server, messages.ts_local," \
    " messages.replaces"
#define BC_ROW_NCOLS 13
/* The time of a row in SQL; the messages_time index is on this expression. */
#define BC_TIME_SQL "coalesce(messages.ts_server, messages.ts_local)"

/* Fills `r` from columns col..col+BC_ROW_NCOLS-1 of the current row. */
void bc_store_read_row(sqlite3_stmt *s, int col, bc_store_row *r);

/* NULL binds SQL NULL. SQLITE_STATIC: the caller keeps the string alive
 * until the statement is reset. */
int bc_store_bind_text(sqlite3_stmt *s, int i, const char *v);
/* Binds a named parameter if the statement has it. */
int bc_store_bind_named_text(sqlite3_stmt *s, const char *name, const char *v);
int bc_store_bind_named_int64(sqlite3_stmt *s, const char *name, int64_t v);

/* Sets `err` for a failed SQLite call: full disk, lock, corruption and
 * read-only get their own code and a message saying what to do; anything
 * else gets `code`. `what` says what failed ("cannot write the log").
 * Reads sqlite3_errmsg(db), so call it right after the failing call. */
void bc_store_set_error(GError **err, sqlite3 *db, int rc, int code, const char *what);
/* Runs SQL that returns no rows; errors as above. */
bool bc_store_exec(sqlite3 *db, const char *sql, int code, const char *what, GError **err);
/* Rolls back an open transaction, if any. */
void bc_store_rollback(sqlite3 *db);

/* ---- the hash chain (chain.c) ---- */

/* One text field: NULL pointer = SQL NULL. */
typedef struct {
    const char *p;
    size_t len;
} bc_chain_text;

/* The canonical form of a row for the chain. */
typedef struct {
    int64_t id;
    bc_chain_text conv, sender, nick, body, stanza_id, server_id, kind, type;
    int64_t dir;
    bool has_ts_server;
    int64_t ts_server;
    int64_t ts_local;
    bool has_replaces;
    int64_t replaces;
} bc_chain_fields;

bc_chain_text bc_chain_str(const char *s);
/* out = SHA-256(prev || serialization(f)). False only if OpenSSL fails. */
bool bc_chain_compute(const uint8_t prev[BC_STORE_CHAIN_LEN], const bc_chain_fields *f,
                      uint8_t out[BC_STORE_CHAIN_LEN]);
/* Computes and stores the chain of every row in id order, starting from
 * zeros (the v1 -> v2 migration, inside its transaction). */
bool bc_chain_backfill(sqlite3 *db, GError **err);
/* Reads the head (newest row or anchor) into st->head_*. */
bool bc_chain_load_head(bc_store *st, GError **err);

/* ---- statements whose query plans the unit tests check ---- */

typedef struct {
    const char *name;
    const char *sql;
} bc_store_sql_info;

extern const bc_store_sql_info bc_store_hot_sql[];
extern const size_t bc_store_hot_sql_count;

extern const char bc_sql_insert[];
extern const char bc_sql_resolve[];
extern const char bc_sql_head_msg[];
extern const char bc_sql_head_anchor[];
extern const char bc_sql_count_all[];
extern const char bc_sql_count_conv[];
extern const char bc_sql_dedupe_stanza[];
extern const char bc_sql_dedupe_server[];
extern const char bc_sql_page_before[];
extern const char bc_sql_page_after[];
extern const char bc_sql_page_time_before[];
extern const char bc_sql_page_time_after[];
extern const char bc_sql_get[];
extern const char bc_sql_synced_get[];

/* The search statement for a parsed query (search.c), newly allocated:
 * assembled from fixed fragments only, every value a named parameter. */
char *bc_search_build_sql(const bc_search *q);

/* For tests: the store's own connection. */
sqlite3 *bc_store_sqlite(bc_store *st);

#endif
