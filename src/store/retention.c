/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Retention: deleting old rows without breaking the hash chain. */
#define G_LOG_DOMAIN "backchat-store"

#include "internal.h"

#include <string.h>

/*
 * A purge deletes the chosen rows, and with them the corrections of those
 * rows (a correction cannot outlive what it corrects: the foreign key
 * forbids it, and alone it would make no sense).
 *
 * The chain runs through rows and anchors in id order. Each run of purged
 * rows (consecutive in that order: no kept row and no anchor between them)
 * is replaced by one anchor: the id and chain of its last row, and `prev`,
 * the chain it continued from (that of the row or anchor just before the
 * run, or zeros). Verification checks that an anchor's prev is the chain
 * it has reached, then continues from the anchor's chain. So the rest of
 * the log still verifies, and deleting a kept row next to a purged run is
 * still found. Anchors are small (two hashes) and there is one per run, so
 * a daily retention purge adds about one a day.
 */

static const char prepare_sql[] =
    "CREATE TEMP TABLE IF NOT EXISTS bc_purge (id INTEGER PRIMARY KEY);"
    "DELETE FROM temp.bc_purge;";

static const char select_all_sql[] =
    "INSERT INTO temp.bc_purge (id) SELECT id FROM messages"
    " WHERE " BC_TIME_SQL " < ?2";
static const char select_conv_sql[] =
    "INSERT INTO temp.bc_purge (id) SELECT id FROM messages"
    " WHERE conv = ?1 AND " BC_TIME_SQL " < ?2";

/* Corrections of purged rows, and corrections of those. */
static const char corrections_sql[] =
    "WITH RECURSIVE doomed(id) AS ("
    "  SELECT id FROM temp.bc_purge"
    "  UNION SELECT messages.id FROM messages JOIN doomed ON messages.replaces = doomed.id)"
    " INSERT OR IGNORE INTO temp.bc_purge (id) SELECT id FROM doomed";

static const char list_sql[] =
    "SELECT temp.bc_purge.id, messages.chain FROM temp.bc_purge"
    " JOIN messages ON messages.id = temp.bc_purge.id ORDER BY temp.bc_purge.id";
/* The row or anchor just before ?1, and the id of the one just after. */
static const char before_sql[] =
    "SELECT id, chain FROM (SELECT id, chain FROM messages WHERE id < ?1"
    "                       ORDER BY id DESC LIMIT 1)"
    " UNION ALL SELECT id, chain FROM (SELECT id, chain FROM chain_anchor WHERE id < ?1"
    "                                  ORDER BY id DESC LIMIT 1)"
    " ORDER BY id DESC LIMIT 1";
static const char after_sql[] =
    "SELECT min(id) FROM (SELECT min(id) AS id FROM messages WHERE id > ?1"
    "                     UNION ALL SELECT min(id) FROM chain_anchor WHERE id > ?1)";
static const char anchor_sql[] =
    "INSERT OR REPLACE INTO chain_anchor (id, chain, prev) VALUES (?1, ?2, ?3)";

static const char delete_sql[] =
    "DELETE FROM messages WHERE id IN (SELECT id FROM temp.bc_purge)";

static void copy_chain(sqlite3_stmt *s, int col, uint8_t out[BC_STORE_CHAIN_LEN])
{
    const void *b = sqlite3_column_blob(s, col);
    if (b && sqlite3_column_bytes(s, col) == BC_STORE_CHAIN_LEN)
        memcpy(out, b, BC_STORE_CHAIN_LEN);
    else
        memset(out, 0, BC_STORE_CHAIN_LEN);
}

/* Steps a one-row lookup; SQLITE_ROW and SQLITE_DONE both mean it ran. */
static int lookup(sqlite3_stmt *s, int64_t id, bool *found)
{
    int rc = sqlite3_bind_int64(s, 1, id);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(s);
    *found = rc == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL;
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* Records one anchor per run of purged rows, walking them in id order
 * with one row of lookahead. */
static int write_anchors(sqlite3 *db)
{
    sqlite3_stmt *list = NULL, *before = NULL, *after = NULL, *put = NULL;
    int rc = sqlite3_prepare_v2(db, list_sql, -1, &list, NULL);
    if (rc == SQLITE_OK) rc = sqlite3_prepare_v2(db, before_sql, -1, &before, NULL);
    if (rc == SQLITE_OK) rc = sqlite3_prepare_v2(db, after_sql, -1, &after, NULL);
    if (rc == SQLITE_OK) rc = sqlite3_prepare_v2(db, anchor_sql, -1, &put, NULL);

    bool have = false, in_run = false;
    int64_t id = 0;
    uint8_t chain[BC_STORE_CHAIN_LEN], prev[BC_STORE_CHAIN_LEN];
    if (rc == SQLITE_OK && (rc = sqlite3_step(list)) == SQLITE_ROW) {
        have = true;
        id = sqlite3_column_int64(list, 0);
        copy_chain(list, 1, chain);
    }
    rc = rc == SQLITE_ROW || rc == SQLITE_DONE ? SQLITE_OK : rc;
    while (rc == SQLITE_OK && have) {
        bool found;
        if (!in_run) {
            /* A run starts: it continued from whatever is just before. */
            rc = lookup(before, id, &found);
            if (found)
                copy_chain(before, 1, prev);
            else
                memset(prev, 0, sizeof prev);
            sqlite3_reset(before);
            in_run = true;
        }
        int64_t next_el = 0;
        if (rc == SQLITE_OK) {
            rc = lookup(after, id, &found);
            next_el = found ? sqlite3_column_int64(after, 0) : 0;
            sqlite3_reset(after);
        }
        /* The next purged row. */
        int64_t next_id = 0;
        uint8_t next_chain[BC_STORE_CHAIN_LEN];
        bool more = false;
        if (rc == SQLITE_OK && (rc = sqlite3_step(list)) == SQLITE_ROW) {
            more = true;
            next_id = sqlite3_column_int64(list, 0);
            copy_chain(list, 1, next_chain);
        }
        rc = rc == SQLITE_ROW || rc == SQLITE_DONE ? SQLITE_OK : rc;
        if (rc != SQLITE_OK)
            break;
        /* The run ends unless the next row or anchor is purged too. */
        if (!more || next_el != next_id) {
            rc = sqlite3_bind_int64(put, 1, id);
            if (rc == SQLITE_OK)
                rc = sqlite3_bind_blob(put, 2, chain, BC_STORE_CHAIN_LEN, SQLITE_STATIC);
            if (rc == SQLITE_OK)
                rc = sqlite3_bind_blob(put, 3, prev, BC_STORE_CHAIN_LEN, SQLITE_STATIC);
            if (rc == SQLITE_OK && (rc = sqlite3_step(put)) == SQLITE_DONE)
                rc = SQLITE_OK;
            sqlite3_reset(put);
            in_run = false;
        }
        have = more;
        id = next_id;
        memcpy(chain, next_chain, sizeof chain);
    }
    sqlite3_finalize(list);
    sqlite3_finalize(before);
    sqlite3_finalize(after);
    sqlite3_finalize(put);
    return rc;
}

int64_t bc_store_purge(bc_store *st, const char *conv, int64_t older_than_ts, GError **err)
{
    g_return_val_if_fail(st != NULL, -1);
    g_return_val_if_fail(err == NULL || *err == NULL, -1);
    const char *what = "cannot purge old log lines";
    if (st->readonly) {
        g_set_error(err, BC_STORE_ERROR, BC_STORE_ERROR_WRITE, "%s: opened read-only", what);
        return -1;
    }
    bc_store_rollback(st->db);
    if (!bc_store_exec(st->db, "BEGIN IMMEDIATE", BC_STORE_ERROR_WRITE, what, err))
        return -1;

    int64_t deleted = -1;
    sqlite3_stmt *s = NULL;
    if (!bc_store_exec(st->db, prepare_sql, BC_STORE_ERROR_WRITE, what, err))
        goto out;
    int rc = sqlite3_prepare_v2(st->db, conv ? select_conv_sql : select_all_sql, -1, &s, NULL);
    if (rc == SQLITE_OK && conv) rc = bc_store_bind_text(s, 1, conv);
    if (rc == SQLITE_OK) rc = sqlite3_bind_int64(s, 2, older_than_ts);
    if (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_DONE)
        rc = SQLITE_OK;
    sqlite3_finalize(s);
    s = NULL;
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(st->db, corrections_sql, NULL, NULL, NULL);
    if (rc == SQLITE_OK)
        rc = write_anchors(st->db);
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(st->db, delete_sql, -1, &s, NULL);
    if (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_DONE)
        rc = SQLITE_OK;
    if (rc != SQLITE_OK) {
        bc_store_set_error(err, st->db, rc, BC_STORE_ERROR_WRITE, what);
        goto out;
    }
    int64_t n = sqlite3_changes64(st->db);
    if (!bc_store_exec(st->db, "DELETE FROM temp.bc_purge", BC_STORE_ERROR_WRITE, what, err) ||
        !bc_store_exec(st->db, "COMMIT", BC_STORE_ERROR_WRITE, what, err))
        goto out;
    deleted = n;
out:
    sqlite3_finalize(s);
    if (deleted < 0) {
        bc_store_rollback(st->db);
        st->head_known = false;
    }
    return deleted;
}
