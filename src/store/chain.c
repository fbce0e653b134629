/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tamper evidence: a SHA-256 hash chain over every stored row. */
#define G_LOG_DOMAIN "backchat-store"

#include "internal.h"

#include <string.h>

#include <openssl/evp.h>

/*
 * chain(row) = SHA-256(chain(previous row) || S(row)), where the previous
 * row is the one with the next lower id (32 zero bytes before the first
 * row; after a purge, the anchor recorded for the purged row just before),
 * and S(row) is:
 *
 *   "backchat-chain-1"                      (16 bytes: the format version)
 *   then for each field, in this order:
 *     id, conv, sender, nick, body, stanza_id, server_id, kind, type, dir,
 *     ts_server, ts_local, replaces
 *   one of:
 *     'N'                                   SQL NULL
 *     'I' + 8 bytes big-endian two's complement     an integer
 *     'T' + 8 bytes big-endian length + the bytes   a text
 *
 * Every field is typed and length-prefixed, so no two different rows
 * serialize the same way (moving bytes between fields, NULL versus empty,
 * changing the id all change S). ts_server and replaces are NULL when
 * absent; the other integers are never NULL.
 */

static const char chain_magic[] = "backchat-chain-1";

const char bc_sql_head_msg[] =
    "SELECT id, chain FROM messages WHERE id = (SELECT max(id) FROM messages)";
const char bc_sql_head_anchor[] =
    "SELECT id, chain FROM chain_anchor WHERE id = (SELECT max(id) FROM chain_anchor)";

static const char fields_sql[] =
    "SELECT id, conv, sender, nick, body, stanza_id, server_id, kind, type, dir,"
    " ts_server, ts_local, replaces, chain FROM messages ORDER BY id";
static const char anchors_sql[] = "SELECT id, chain, prev FROM chain_anchor ORDER BY id";
static const char set_chain_sql[] = "UPDATE messages SET chain = ?1 WHERE id = ?2";

bc_chain_text bc_chain_str(const char *s)
{
    return (bc_chain_text){s, s ? strlen(s) : 0};
}

static bool put_null(EVP_MD_CTX *c)
{
    return EVP_DigestUpdate(c, "N", 1) == 1;
}

static bool put_u64(EVP_MD_CTX *c, char tag, uint64_t v)
{
    unsigned char b[9];
    b[0] = (unsigned char)tag;
    for (int i = 0; i < 8; i++)
        b[1 + i] = (unsigned char)(v >> (56 - 8 * i));
    return EVP_DigestUpdate(c, b, sizeof b) == 1;
}

static bool put_int(EVP_MD_CTX *c, int64_t v)
{
    return put_u64(c, 'I', (uint64_t)v);
}

static bool put_text(EVP_MD_CTX *c, bc_chain_text t)
{
    if (!t.p)
        return put_null(c);
    return put_u64(c, 'T', (uint64_t)t.len) &&
           (t.len == 0 || EVP_DigestUpdate(c, t.p, t.len) == 1);
}

bool bc_chain_compute(const uint8_t prev[BC_STORE_CHAIN_LEN], const bc_chain_fields *f,
                      uint8_t out[BC_STORE_CHAIN_LEN])
{
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    unsigned int len = 0;
    bool ok = c && EVP_DigestInit_ex(c, EVP_sha256(), NULL) == 1 &&
              EVP_DigestUpdate(c, prev, BC_STORE_CHAIN_LEN) == 1 &&
              EVP_DigestUpdate(c, chain_magic, sizeof chain_magic - 1) == 1 &&
              put_int(c, f->id) && put_text(c, f->conv) && put_text(c, f->sender) &&
              put_text(c, f->nick) && put_text(c, f->body) && put_text(c, f->stanza_id) &&
              put_text(c, f->server_id) && put_text(c, f->kind) && put_text(c, f->type) &&
              put_int(c, f->dir) &&
              (f->has_ts_server ? put_int(c, f->ts_server) : put_null(c)) &&
              put_int(c, f->ts_local) &&
              (f->has_replaces ? put_int(c, f->replaces) : put_null(c)) &&
              EVP_DigestFinal_ex(c, out, &len) == 1 && len == BC_STORE_CHAIN_LEN;
    EVP_MD_CTX_free(c);
    return ok;
}

static bc_chain_text col_text(sqlite3_stmt *s, int i)
{
    if (sqlite3_column_type(s, i) == SQLITE_NULL)
        return (bc_chain_text){NULL, 0};
    const char *p = (const char *)sqlite3_column_text(s, i);
    return (bc_chain_text){p ? p : "", (size_t)sqlite3_column_bytes(s, i)};
}

/* Fills `f` from a row of fields_sql. */
static void read_fields(sqlite3_stmt *s, bc_chain_fields *f)
{
    f->id = sqlite3_column_int64(s, 0);
    f->conv = col_text(s, 1);
    f->sender = col_text(s, 2);
    f->nick = col_text(s, 3);
    f->body = col_text(s, 4);
    f->stanza_id = col_text(s, 5);
    f->server_id = col_text(s, 6);
    f->kind = col_text(s, 7);
    f->type = col_text(s, 8);
    f->dir = sqlite3_column_int64(s, 9);
    f->has_ts_server = sqlite3_column_type(s, 10) != SQLITE_NULL;
    f->ts_server = sqlite3_column_int64(s, 10);
    f->ts_local = sqlite3_column_int64(s, 11);
    f->has_replaces = sqlite3_column_type(s, 12) != SQLITE_NULL;
    f->replaces = sqlite3_column_int64(s, 12);
}

bool bc_chain_backfill(sqlite3 *db, GError **err)
{
    sqlite3_stmt *rows = NULL, *set = NULL;
    uint8_t prev[BC_STORE_CHAIN_LEN] = {0};
    int rc = sqlite3_prepare_v2(db, fields_sql, -1, &rows, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(db, set_chain_sql, -1, &set, NULL);
    while (rc == SQLITE_OK && (rc = sqlite3_step(rows)) == SQLITE_ROW) {
        bc_chain_fields f;
        uint8_t chain[BC_STORE_CHAIN_LEN];
        read_fields(rows, &f);
        if (!bc_chain_compute(prev, &f, chain)) {
            sqlite3_finalize(rows);
            sqlite3_finalize(set);
            g_set_error(err, BC_STORE_ERROR, BC_STORE_ERROR_MIGRATE, "SHA-256 failed (OpenSSL)");
            return false;
        }
        rc = sqlite3_bind_blob(set, 1, chain, sizeof chain, SQLITE_STATIC);
        if (rc == SQLITE_OK) rc = sqlite3_bind_int64(set, 2, f.id);
        if (rc == SQLITE_OK) rc = sqlite3_step(set);
        if (rc == SQLITE_DONE)
            rc = SQLITE_OK;
        sqlite3_reset(set);
        memcpy(prev, chain, sizeof prev);
    }
    if (rc != SQLITE_DONE)
        bc_store_set_error(err, db, rc, BC_STORE_ERROR_MIGRATE, "cannot compute the hash chain");
    sqlite3_finalize(rows);
    sqlite3_finalize(set);
    return rc == SQLITE_DONE;
}

/* Steps a head statement: true with *found set, false on error. */
static bool step_head(sqlite3_stmt *s, bool *found, int64_t *id,
                      uint8_t chain[BC_STORE_CHAIN_LEN], int *rcp)
{
    int rc = sqlite3_step(s);
    *found = rc == SQLITE_ROW;
    if (*found) {
        *id = sqlite3_column_int64(s, 0);
        const void *b = sqlite3_column_blob(s, 1);
        if (b && sqlite3_column_bytes(s, 1) == BC_STORE_CHAIN_LEN)
            memcpy(chain, b, BC_STORE_CHAIN_LEN);
        else
            memset(chain, 0, BC_STORE_CHAIN_LEN);
        rc = SQLITE_DONE;
    }
    *rcp = rc;
    sqlite3_reset(s);
    return rc == SQLITE_DONE;
}

bool bc_chain_load_head(bc_store *st, GError **err)
{
    bool fm = false, fa = false;
    int64_t mid = 0, aid = 0;
    uint8_t mchain[BC_STORE_CHAIN_LEN], achain[BC_STORE_CHAIN_LEN];
    int rc = SQLITE_OK;
    if (!step_head(st->head_msg, &fm, &mid, mchain, &rc) ||
        !step_head(st->head_anchor, &fa, &aid, achain, &rc)) {
        bc_store_set_error(err, st->db, rc, BC_STORE_ERROR_READ,
                           "cannot read the log's hash chain");
        return false;
    }
    if (fa && (!fm || aid > mid)) {
        fm = true;
        mid = aid;
        memcpy(mchain, achain, sizeof mchain);
    }
    /* The cache is right unless another connection wrote since. */
    if (st->head_known && fm && st->head_id == mid)
        return true;
    st->head_known = fm;
    st->head_id = fm ? mid : 0;
    if (fm)
        memcpy(st->head_chain, mchain, sizeof mchain);
    else
        memset(st->head_chain, 0, sizeof st->head_chain);
    return true;
}

bool bc_store_chain_head(bc_store *st, int64_t *id, uint8_t chain[BC_STORE_CHAIN_LEN],
                         GError **err)
{
    g_return_val_if_fail(st != NULL, false);
    st->head_known = false;
    if (!bc_chain_load_head(st, err) || !st->head_known)
        return false;
    if (id)
        *id = st->head_id;
    if (chain)
        memcpy(chain, st->head_chain, BC_STORE_CHAIN_LEN);
    return true;
}

/* True if column `col` holds exactly this chain value. */
static bool chain_is(sqlite3_stmt *s, int col, const uint8_t want[BC_STORE_CHAIN_LEN])
{
    const void *b = sqlite3_column_blob(s, col);
    return b && sqlite3_column_bytes(s, col) == BC_STORE_CHAIN_LEN &&
           memcmp(b, want, BC_STORE_CHAIN_LEN) == 0;
}

/* Passes the anchors before `limit` (all if 0): each must continue from
 * the chain reached so far, and the chain goes on from it. Returns false
 * (and *bad_anchor) at one that does not. */
static bool pass_anchors(sqlite3_stmt *anchors, bool *have, int *arc, int64_t limit,
                         uint8_t prev[BC_STORE_CHAIN_LEN], int64_t *bad_anchor)
{
    while (*have && (limit == 0 || sqlite3_column_int64(anchors, 0) < limit)) {
        if (!chain_is(anchors, 2, prev)) {
            *bad_anchor = sqlite3_column_int64(anchors, 0);
            return false;
        }
        const void *b = sqlite3_column_blob(anchors, 1);
        if (b && sqlite3_column_bytes(anchors, 1) == BC_STORE_CHAIN_LEN)
            memcpy(prev, b, BC_STORE_CHAIN_LEN);
        else
            memset(prev, 0, BC_STORE_CHAIN_LEN);
        *arc = sqlite3_step(anchors);
        *have = *arc == SQLITE_ROW;
    }
    return true;
}

int64_t bc_store_verify(bc_store *st, int64_t *first_bad_id, GError **err)
{
    g_return_val_if_fail(st != NULL, -1);
    g_return_val_if_fail(err == NULL || *err == NULL, -1);
    if (first_bad_id)
        *first_bad_id = 0;

    /* One read transaction: rows and anchors from the same snapshot. */
    bc_store_rollback(st->db);
    if (!bc_store_exec(st->db, "BEGIN", BC_STORE_ERROR_READ, "cannot read the log", err))
        return -1;
    sqlite3_stmt *rows = NULL, *anchors = NULL;
    int rc = sqlite3_prepare_v2(st->db, fields_sql, -1, &rows, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(st->db, anchors_sql, -1, &anchors, NULL);

    uint8_t prev[BC_STORE_CHAIN_LEN] = {0};
    int64_t n = 0, bad = 0;
    bool have_anchor = false, sha_failed = false;
    int arc = SQLITE_DONE;
    if (rc == SQLITE_OK) {
        arc = sqlite3_step(anchors);
        have_anchor = arc == SQLITE_ROW;
    }
    while (rc == SQLITE_OK && (rc = sqlite3_step(rows)) == SQLITE_ROW) {
        bc_chain_fields f;
        read_fields(rows, &f);
        /* Purged runs between the previous row and this one. A broken
         * link there is reported at this row: the first one that does not
         * follow from what is before it. */
        int64_t bad_anchor = 0;
        if (!pass_anchors(anchors, &have_anchor, &arc, f.id, prev, &bad_anchor)) {
            bad = f.id;
            rc = SQLITE_DONE;
            break;
        }
        if (arc != SQLITE_ROW && arc != SQLITE_DONE) {
            rc = arc;
            break;
        }
        uint8_t want[BC_STORE_CHAIN_LEN];
        if (!bc_chain_compute(prev, &f, want)) {
            sha_failed = true;
            break;
        }
        if (!chain_is(rows, 13, want)) {
            bad = f.id;
            rc = SQLITE_DONE;
            break;
        }
        memcpy(prev, want, sizeof prev);
        n++;
        rc = SQLITE_OK;
    }
    /* Purged runs after the last row (a purged tail) must follow too. */
    if (rc == SQLITE_DONE && !bad && !sha_failed) {
        int64_t bad_anchor = 0;
        if (!pass_anchors(anchors, &have_anchor, &arc, 0, prev, &bad_anchor))
            bad = bad_anchor;
        else if (arc != SQLITE_ROW && arc != SQLITE_DONE)
            rc = arc;
    }
    if (sha_failed)
        g_set_error(err, BC_STORE_ERROR, BC_STORE_ERROR_READ, "SHA-256 failed (OpenSSL)");
    else if (rc != SQLITE_DONE)
        bc_store_set_error(err, st->db, rc, BC_STORE_ERROR_READ, "cannot read the log");
    sqlite3_finalize(rows);
    sqlite3_finalize(anchors);
    bc_store_rollback(st->db);
    if (sha_failed || rc != SQLITE_DONE)
        return -1;
    if (first_bad_id)
        *first_bad_id = bad;
    return n;
}
